"""fit / predict / accuracy, and the course's training experiments."""

from __future__ import annotations

import sys
import types
import warnings

import numpy as np
import pytest

from micrograd_ed.data import make_blobs, make_moons, truth_table
from micrograd_ed.losses import cross_entropy, l2
from micrograd_ed.nn import MLP, Neuron
from micrograd_ed.optim import SGD, Adam, LinearDecay
from micrograd_ed.train import History, accuracy, evaluate, fit, predict, predict_scores


def weights(neuron) -> list[float]:
    return [p.data for p in neuron.parameters()]


# ------------------------------------------------------------- XOR
def xor_net(**kw) -> MLP:
    return MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0, **kw)


def test_xor_2_2_1_sigmoid_network_learns_xor():
    X, y = truth_table("xor")
    m = xor_net()
    h = fit(m, X, y, loss="bce", optimizer=SGD(m.parameters(), lr=2.0), epochs=1000,
            progress=False)
    assert accuracy(m, X, y) == 1.0
    assert predict(m, X).tolist() == [0, 1, 1, 0]
    assert h.loss[-1] < 0.05 and h.accuracy[-1] == 1.0
    h1, h2 = m.layers[0].neurons
    assert np.abs(np.subtract(weights(h1), weights(h2))).max() > 1.0  # two different features


def test_zero_init_fails_because_hidden_units_stay_identical():
    X, y = truth_table("xor")
    m = xor_net(init="zeros")
    fit(m, X, y, loss="bce", optimizer=SGD(m.parameters(), lr=2.0), epochs=300, progress=False)
    h1, h2 = m.layers[0].neurons
    assert weights(h1) == weights(h2)
    assert accuracy(m, X, y) < 1.0
    # any symmetric start: the weights move, but the two units never differ
    m = xor_net()
    m.load_state_dict(dict.fromkeys(m.state_dict(), 0.3))
    fit(m, X, y, loss="mse", optimizer=SGD(m.parameters(), lr=2.0), epochs=300, progress=False)
    h1, h2 = m.layers[0].neurons
    assert weights(h1) == weights(h2) and weights(h1) != [0.3, 0.3, 0.3]
    out = m.layers[1].neurons[0].w
    assert out[0].data == out[1].data
    assert accuracy(m, X, y) < 1.0


@pytest.mark.parametrize("lr", [0.5, 5.0])
def test_logistic_regression_cannot_fit_xor(lr):
    X, y = truth_table("xor")
    n = Neuron(2, "sigmoid", seed=1)
    fit(n, X, y, loss="bce", optimizer=SGD(n.parameters(), lr=lr), epochs=300, progress=False)
    assert accuracy(n, X, y) <= 0.75


# ------------------------------------------------------ micrograd's demo
def test_micrograd_moons_demo():
    """MLP(2, [16, 16, 1]) relu, SVM hinge loss + 1e-4 L2, SGD with lr 1.0 -> 0.1."""
    X, y = make_moons(100, noise=0.1, seed=0)
    y = 2 * y - 1
    m = MLP(2, [16, 16, 1], activation="relu", seed=1337)
    opt = SGD(m.parameters(), lr=1.0)
    h = fit(m, X, y, loss="hinge", optimizer=opt, schedule=LinearDecay(opt, total=100),
            epochs=100, l2=1e-4, progress=False)
    assert accuracy(m, X, y) >= 0.98
    assert h.loss[-1] < h.loss[0] / 5
    assert opt.lr == pytest.approx(0.1)


def test_logistic_regression_separates_blobs():
    X, y = make_blobs(100, centers=[[-2, -1], [2, 1]], noise=0.7, seed=2)
    n = Neuron(2, "sigmoid")
    fit(n, X, y, loss="bce", optimizer=SGD(n, lr=0.5), epochs=100, batch_size=20,
        progress=False)
    assert accuracy(n, X, y) == 1.0
    assert set(predict(n, X)) == {0, 1}


def test_multiclass_with_cross_entropy_and_validation():
    X, y = make_blobs(300, centers=[[-3, 0], [3, 0], [0, 4]], noise=0.8, seed=0)
    Xv, yv = make_blobs(90, centers=[[-3, 0], [3, 0], [0, 4]], noise=0.8, seed=1)
    m = MLP(2, [8, 3], activation="relu", seed=0)
    h = fit(m, X, y, optimizer=Adam(m, lr=0.05), epochs=15, batch_size=32,
            validation=(Xv, yv), progress=False)  # default loss: cross_entropy
    assert len(h.loss) == len(h.accuracy) == len(h.val_loss) == len(h.val_accuracy) == 15
    assert h.val_accuracy[-1] >= 0.95 and accuracy(m, Xv, yv) == h.val_accuracy[-1]
    assert evaluate(m, Xv, yv)[0] == pytest.approx(h.val_loss[-1], rel=1e-12)
    assert predict_scores(m, Xv).shape == (90, 3)
    assert "15 epochs" in repr(h)


# ------------------------------------------------------------ mechanics
def test_batched_and_per_sample_training_give_the_same_history():
    X, y = make_moons(40, noise=0.2, seed=1)
    runs = []
    for batched in (True, False):
        m = MLP(2, [5, 1], activation="tanh", output_activation="sigmoid", seed=3)
        h = fit(m, X, y, loss="bce", optimizer=SGD(m, lr=0.3, momentum=0.5), epochs=4,
                batch_size=16, seed=5, l2=1e-3, batched=batched, progress=False)
        runs.append((h.loss, [p.data for p in m.parameters()]))
    np.testing.assert_allclose(runs[0][0], runs[1][0], rtol=1e-12)
    np.testing.assert_allclose(runs[0][1], runs[1][1], rtol=1e-11, atol=1e-13)


def test_digit_network_batched_gradients_match_the_per_sample_loop():
    rng = np.random.default_rng(0)
    X, y = rng.random((3, 784)), np.array([3, 7, 0])
    m = MLP(784, [16, 16, 10], activation="relu", init="he", seed=0)
    cross_entropy(m(X), y).backward()
    batched = [p.grad for p in m.parameters()]
    m.zero_grad()
    for x, t in zip(X, y):
        (cross_entropy(m(list(x)), int(t)) * (1 / 3)).backward()
    np.testing.assert_allclose(batched, [p.grad for p in m.parameters()], rtol=0, atol=1e-12)


def test_early_stopping_restores_the_best_weights():
    X, y = make_moons(60, noise=0.3, seed=0)
    Xv, yv = make_moons(60, noise=0.3, seed=1)
    m = MLP(2, [16, 1], activation="relu", output_activation="sigmoid", seed=0)
    h = fit(m, X, y, loss="bce", optimizer=SGD(m, lr=3.0), epochs=60, validation=(Xv, yv),
            early_stopping=3, progress=False)
    assert h.stopped_early and h.epochs < 60
    assert h.best_epoch == int(np.argmin(h.val_loss)) + 1
    assert h.epochs == h.best_epoch + 3
    assert evaluate(m, Xv, yv, loss="bce")[0] == pytest.approx(min(h.val_loss), rel=1e-12)


def test_l2_is_added_to_the_reported_loss():
    X, y = truth_table("or")
    a, b = Neuron(2, "sigmoid", seed=4), Neuron(2, "sigmoid", seed=4)
    ha = fit(a, X, y, loss="bce", optimizer=SGD(a, lr=1e-9), epochs=1, progress=False)
    hb = fit(b, X, y, loss="bce", optimizer=SGD(b, lr=1e-9), epochs=1, l2=0.1, progress=False)
    assert hb.loss[0] - ha.loss[0] == pytest.approx(l2(a, 0.1).data, rel=1e-6)


def test_predict_and_accuracy_rules():
    n = Neuron(1, "linear")
    n.load_state_dict({"w.0": 1.0, "b": 0.0})
    X = np.array([[-2.0], [-0.1], [0.3], [2.0]])
    assert predict(n, X).tolist() == [0, 0, 1, 1]  # a score: threshold 0
    assert accuracy(n, X, [-1, -1, 1, 1]) == 1.0  # -1/+1 labels
    assert accuracy(n, X, [0, 1, 1, 1]) == 0.75
    assert predict(n, X, threshold=0.5).tolist() == [0, 0, 0, 1]
    s = Neuron(1, "sigmoid")
    s.load_state_dict({"w.0": 1.0, "b": 0.0})
    assert predict(s, X).tolist() == [0, 0, 1, 1]  # a probability: threshold 1/2
    m = MLP(1, [3])
    assert predict(m, X).tolist() == predict_scores(m, X).argmax(1).tolist()
    assert accuracy(m, X, np.eye(3)[predict(m, X)]) == 1.0  # one-hot targets


def test_history_repr():
    assert repr(History()) == "History(no epochs)"


@pytest.mark.parametrize("kwargs, message", [
    ({"X": np.zeros((4, 3))}, "the model has 2 inputs but X has 3 columns"),
    ({"y": [0, 1, 1]}, "X has 4 rows but y has 3"),
    ({"loss": "l1"}, "unknown loss 'l1'"),
    ({"epochs": 0}, "epochs must be a positive int"),
    ({"early_stopping": 0}, "early_stopping must be a positive int"),
    ({"validation": ([[0, 0]],)}, r"validation must be a pair \(X_val, y_val\)"),
])
def test_bad_fit_arguments(kwargs, message):
    X, y = truth_table("and")
    args = {"X": X, "y": y, **kwargs}
    with pytest.raises(ValueError, match=message):
        fit(Neuron(2, "sigmoid"), args.pop("X"), args.pop("y"), progress=False, **args)


def test_schedule_must_belong_to_the_optimizer():
    n = Neuron(2)
    with pytest.raises(ValueError, match="schedule belongs to a different optimizer"):
        fit(n, *truth_table("or"), optimizer=SGD(n, lr=0.1),
            schedule=LinearDecay(SGD(n, lr=0.1), total=5), progress=False)


# ----------------------------------------------------------- progress
def test_progress_bar_prints_no_warnings(capsys):
    X, y = truth_table("or")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(Neuron(2, "sigmoid"), X, y, epochs=3, progress=True)
    err = capsys.readouterr().err
    assert "epoch 3/3" in err and "Warning" not in err


def test_progress_bar_in_a_notebook_without_ipywidgets(monkeypatch):
    """tqdm.auto warns 'IProgress not found' there; fit must fall back silently."""
    shell = type("ZMQInteractiveShell", (), {})()
    monkeypatch.setitem(sys.modules, "ipykernel.zmqshell", types.ModuleType("zmqshell"))
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: shell
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import fails
    for name in ("tqdm.auto", "tqdm.autonotebook", "tqdm.notebook"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    with pytest.warns(Warning, match="IProgress not found"):  # the simulation is faithful
        import tqdm.autonotebook  # noqa: F401
    monkeypatch.delitem(sys.modules, "tqdm.autonotebook")
    monkeypatch.delitem(sys.modules, "tqdm.auto", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(Neuron(2, "sigmoid"), *truth_table("or"), epochs=2, progress=True)
