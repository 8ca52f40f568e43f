"""layer_backprop: the matrix-form gradients equal the scalar engine's, for every activation and
loss, one sample and batches (both of the engine's modes), and PyTorch's where it imports."""

from __future__ import annotations

import functools
import importlib.util

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_ed import losses
from micrograd_ed.layers import cost_of, layer_backprop, weights_of
from micrograd_ed.nn import ACTIVATIONS, MLP, Layer

LOSSES = ["mse", "quadratic_cost", "binary_cross_entropy", "bce_with_logits", "hinge",
          "cross_entropy"]
ENGINE_LOSS = {"mse": losses.mse, "quadratic_cost": losses.quadratic_cost,
               "binary_cross_entropy": losses.binary_cross_entropy,
               "bce_with_logits": losses.bce_with_logits, "hinge": losses.hinge,
               "cross_entropy": losses.cross_entropy}
RTOL = 1e-12


def _net(sizes, hidden, output, seed=0):
    return MLP(sizes[0], sizes[1:], activation=hidden, output_activation=output,
               init="xavier", seed=seed)


def _data(loss, nin, k, B, seed):
    """Inputs and targets of the form each loss takes (class indices, -1/+1, 0/1, numbers)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, (B, nin))
    if loss == "cross_entropy":
        return X, rng.integers(0, k, B)
    if loss == "hinge":
        return X, rng.choice([-1.0, 1.0], (B, k))
    if loss in ("binary_cross_entropy", "bce_with_logits"):
        return X, rng.uniform(0.0, 1.0, (B, k)).round(1)       # soft labels too
    return X, rng.normal(0.0, 1.0, (B, k))


def _engine_grads(model):
    dWs = [np.array([n.parameter_array.grad[:-1] for n in layer.neurons])
           for layer in model.layers]
    dbs = [np.array([n.parameter_array.grad[-1] for n in layer.neurons])
           for layer in model.layers]
    return dWs, dbs


def _engine_loss(model, loss, X, y, mode):
    """The library's loss of (X, y), built the three ways a learner can build it."""
    fn = ENGINE_LOSS[loss]
    k = model.layers[-1].nout
    if mode == "batched":                       # one graph, every node holds B numbers
        outs = model(X)
        if loss == "cross_entropy":
            return fn(outs, y)
        return fn(outs, y if k > 1 else y.reshape(-1))
    if mode == "one sample":
        pred = model(list(X[0]))
        if loss == "cross_entropy":
            return fn(pred, int(y[0]))
        if k == 1:
            return fn(pred, float(y[0, 0]))
        return fn([pred], [list(y[0])])
    preds = [model(list(x)) for x in X]         # per sample: one graph per example
    if loss == "cross_entropy":
        return fn(preds, [int(t) for t in y])
    if k == 1:
        return fn(preds, [float(t) for t in y[:, 0]])
    return fn(preds, [list(t) for t in y])


def _assert_same(bp, model, loss_value):
    dWs, dbs = _engine_grads(model)
    assert bp.C == pytest.approx(loss_value, rel=RTOL, abs=1e-300)
    for i, layer in enumerate(bp):
        scale = max(1.0, float(np.abs(dWs[i]).max()), float(np.abs(dbs[i]).max()))
        np.testing.assert_allclose(layer.dW, dWs[i], rtol=RTOL, atol=1e-15 * scale,
                                   err_msg=f"dW of layer {i}")
        np.testing.assert_allclose(layer.db, dbs[i], rtol=RTOL, atol=1e-15 * scale,
                                   err_msg=f"db of layer {i}")


def _outputs_for(loss):
    return ["sigmoid"] if loss == "binary_cross_entropy" else list(ACTIVATIONS)


CASES = [(loss, hidden, output) for loss in LOSSES for hidden in ACTIVATIONS
         for output in _outputs_for(loss)]


@pytest.mark.parametrize("loss,hidden,output", CASES)
@pytest.mark.parametrize("mode", ["one sample", "per sample", "batched"])
def test_gradients_equal_the_scalar_engines(loss, hidden, output, mode):
    k = 3 if loss == "cross_entropy" else 2
    sizes = [3, 4, 5, k]
    model = _net(sizes, hidden, output, seed=len(loss) + 7 * len(hidden))
    B = 1 if mode == "one sample" else 6
    X, y = _data(loss, 3, k, B, seed=hash((loss, hidden, output)) % 1000)
    if loss != "cross_entropy" and k == 1:
        y = y.reshape(B, 1)
    model.zero_grad()
    L = _engine_loss(model, loss, X, y, mode)
    L.backward()
    bp = layer_backprop(model, X[0] if mode == "one sample" else X,
                        y[0] if mode == "one sample" else y, loss)
    assert [layer.z.shape for layer in bp] == [(B, n) for n in sizes[1:]]
    _assert_same(bp, model, float(L.data))


@pytest.mark.parametrize("loss", ["mse", "quadratic_cost", "bce_with_logits", "hinge"])
def test_one_output_takes_targets_as_a_vector(loss):
    model = _net([2, 3, 1], "tanh", "linear", seed=3)
    X, y = _data(loss, 2, 1, 5, seed=4)
    model.zero_grad()
    L = ENGINE_LOSS[loss](model(X), y[:, 0])
    L.backward()
    _assert_same(layer_backprop(model, X, y[:, 0], loss), model, float(L.data))


def test_xor_network_one_sample_matches_notebook_02_by_hand():
    """The 2-2-1 sigmoid net with L = -log a for x = (1, 0), y = 1: BCE of one sample."""
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=10)
    model.zero_grad()
    a = model([1.0, 0.0])
    L = -a.log()
    L.backward()
    bp = layer_backprop(model, [1.0, 0.0], 1.0, "bce")
    _assert_same(bp, model, float(L.data))
    # δ^L = a - y for a sigmoid output and cross-entropy
    assert bp[1].delta[0, 0] == pytest.approx(a.data - 1.0, rel=1e-12)
    assert bp[0].dW[:, 1].tolist() == [0.0, 0.0]      # x[1] = 0: its weights learn nothing


@pytest.mark.parametrize("loss", [losses.mse, functools.partial(losses.mse, half=True),
                                  losses.quadratic_cost, "quadratic", "mse_half"])
def test_loss_given_as_a_function_or_alias(loss):
    model = _net([2, 3, 2], "sigmoid", "sigmoid", seed=5)
    X, y = _data("mse", 2, 2, 4, seed=6)
    model.zero_grad()
    fn = loss if callable(loss) else functools.partial(losses.mse, half=True)
    L = fn(model(X), y)
    L.backward()
    _assert_same(layer_backprop(model, X, y, loss), model, float(L.data))


@pytest.mark.parametrize("loss", ["mse", "hinge", "cross_entropy"])
def test_l2_adds_two_alpha_p_to_every_weight_and_bias(loss):
    k = 3 if loss == "cross_entropy" else 1
    model = _net([3, 4, k], "relu", "linear", seed=8)
    for layer in model.layers:          # nonzero biases, so their 2αb shows
        for n in layer.neurons:
            n.b.data = 0.3
    X, y = _data(loss, 3, k, 5, seed=9)
    model.zero_grad()
    L = _engine_loss(model, loss, X, y, "batched") + losses.l2(model, 0.01)
    L.backward()
    bp = layer_backprop(model, X, y, loss, l2=0.01)
    _assert_same(bp, model, float(L.data))
    plain = layer_backprop(model, X, y, loss)
    np.testing.assert_allclose(bp[0].db - plain[0].db, 2 * 0.01 * 0.3, rtol=1e-12)
    np.testing.assert_array_equal(bp[0].delta, plain[0].delta)


def test_bce_clamped_where_the_sigmoid_saturates():
    """a = 1.0 exactly: ln(1 - a) is clamped at -100 and its slope is 0, as in the engine."""
    model = _net([2, 2, 1], "tanh", "sigmoid", seed=1)
    model.layers[1].neurons[0].b.data = 60.0            # sigmoid(60 + ...) rounds to 1.0
    X = np.array([[0.5, -0.5], [1.0, 2.0], [0.0, 0.0]])
    y = np.array([0.0, 1.0, 0.3])
    model.zero_grad()
    L = losses.binary_cross_entropy(model(X), y)
    L.backward()
    bp = layer_backprop(model, X, y, "bce")
    assert (bp[1].a == 1.0).all()
    _assert_same(bp, model, float(L.data))


def test_bce_clamp_gives_slope_zero_for_a_probability_of_exactly_0_or_1():
    """A linear output that is exactly 1 (and one exactly 0): the clamped log's slope is 0 while
    σ' = 1, so the clamp decides the gradient (and the cost: -100 per clamped log)."""
    model = _net([2, 2, 2], "tanh", "linear", seed=1)
    out = model.layers[1].neurons
    for n, bias in zip(out, (1.0, 0.0)):
        n.load_state_dict({"w.0": 0.0, "w.1": 0.0, "b": bias})
    X = np.array([[0.5, -0.5], [1.0, 2.0]])
    y = np.array([[0.3, 0.6], [1.0, 0.0]])
    model.zero_grad()
    L = losses.binary_cross_entropy(model(X), y)
    L.backward()
    bp = layer_backprop(model, X, y, "bce")
    assert bp[1].a.tolist() == [[1.0, 0.0], [1.0, 0.0]]
    _assert_same(bp, model, float(L.data))
    assert bp.C == pytest.approx((0.7 * 100 + 0.6 * 100) / 2)
    assert bp.grad_a.tolist() == [[-0.3 / 2, 0.4 / 2], [-1.0 / 2, 1.0 / 2]]


def test_relu_at_exactly_zero_passes_no_gradient_as_in_the_engine():
    model = _net([3, 4, 2], "relu", "relu", seed=2)     # biases 0 and x = 0: every z is 0
    X, y = np.zeros((2, 3)), np.ones((2, 2))
    model.zero_grad()
    L = losses.mse(model(X), y)
    L.backward()
    bp = layer_backprop(model, X, y)
    assert (bp[0].z == 0).all()
    _assert_same(bp, model, float(L.data))
    assert not bp[1].dW.any()


def test_step_activation_stops_every_gradient_below_it():
    model = _net([2, 3, 1], "step", "linear", seed=4)
    bp = layer_backprop(model, np.array([[0.3, -1.0], [2.0, 1.0]]), [1.0, 0.0])
    assert not bp[0].delta.any() and not bp[0].dW.any()
    assert bp[1].dW.any()


def test_a_single_layer_works_too():
    layer = Layer(3, 2, "sigmoid", seed=1)
    X, y = _data("mse", 3, 2, 4, seed=1)
    bp = layer_backprop(layer, X, y, "mse")
    L = losses.mse(layer(X), y)
    L.backward()
    np.testing.assert_allclose(bp[0].dW, [n.parameter_array.grad[:-1] for n in layer.neurons],
                               rtol=RTOL)


def test_the_digit_network_on_a_batch():
    model = MLP(784, [16, 16, 10], activation="tanh", output_activation="linear",
                init="xavier", seed=0)
    rng = np.random.default_rng(0)
    X, y = rng.uniform(0, 1, (32, 784)), rng.integers(0, 10, 32)
    model.zero_grad()
    L = losses.cross_entropy(model(X), y)
    L.backward()
    bp = layer_backprop(model, X, y, losses.cross_entropy)
    assert [layer.W.shape for layer in bp] == [(16, 784), (16, 16), (10, 16)]
    assert [layer.delta.shape for layer in bp] == [(32, 16), (32, 16), (32, 10)]
    _assert_same(bp, model, float(L.data))


@settings(max_examples=40)
@given(sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
       B=st.integers(1, 6), hidden=st.sampled_from(ACTIVATIONS),
       output=st.sampled_from(ACTIVATIONS), loss=st.sampled_from(["mse", "quadratic_cost",
                                                                  "bce_with_logits", "hinge"]),
       seed=st.integers(0, 10**6))
def test_property_any_small_net_and_batch(sizes, B, hidden, output, loss, seed):
    model = _net(sizes, hidden, output, seed=seed)
    X, y = _data(loss, sizes[0], sizes[-1], B, seed)
    model.zero_grad()
    L = _engine_loss(model, loss, X, y, "batched")
    L.backward()
    _assert_same(layer_backprop(model, X, y, loss), model, float(L.data))


# ------------------------------------------------------------------ the result
def test_repr_shows_shapes_and_small_arrays():
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=10)
    bp = layer_backprop(model, [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], "bce")
    text = repr(bp)
    assert text.startswith("Backprop(binary_cross_entropy: C = 0.738171 over a batch of 4")
    assert "LayerGrads(layer 0, sigmoid, 2 -> 2, batch of 4)" in text
    assert "  delta 4 x 2" in text and "  dW    1 x 2     [[0.0734, 0.0662]]" in text
    big = layer_backprop(_net([784, 16, 10], "tanh", "linear"), np.zeros(784), 3,
                         "cross_entropy")
    assert "W     16 x 784  [12544 numbers from" in repr(big[0])
    assert len(bp) == 2 and [g.index for g in bp] == [0, 1]
    assert bp.dWs[1] is bp[1].dW and bp.dbs[0] is bp[0].db


def test_weights_of_reads_the_models_matrices():
    model = _net([3, 2, 1], "tanh", "linear", seed=1)
    Ws, bs, acts = weights_of(model)
    assert Ws[0][1, 2] == model.layers[0].neurons[1].w[2].data
    assert acts == ["tanh", "linear"]
    Ws[0][0, 0] = 99.0                                  # a copy: the model is unchanged
    assert model.layers[0].neurons[0].w[0].data != 99.0


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("call,match", [
    (lambda m: layer_backprop(m, np.zeros((2, 3)), [0, 1], "mae"), "unknown loss 'mae'"),
    (lambda m: layer_backprop(m, np.zeros((2, 3)), [0, 1], print), "loss must be a name"),
    (lambda m: layer_backprop(m, np.zeros((2, 4)), [0, 1]), r"3 inputs, so X must have shape"),
    (lambda m: layer_backprop(m, np.zeros((2, 3)), [0, 1, 1]), r"targets of shape \(2,\)"),
    (lambda m: layer_backprop(m, np.zeros((2, 3)), [0, 1], "hinge"),
     "target 0.0 of sample 0, output 0 must be -1 or"),
    (lambda m: layer_backprop(m, np.zeros((2, 3)), [0, 1], "bce"), "outside \\[0, 1\\]; give"),
    (lambda m: layer_backprop(m, np.zeros((2, 3)), [0, 1], "cross_entropy"),
     "index 1 of sample 1 is out of range for 1 outputs"),
    (lambda m: layer_backprop(m, [[0, 0, float("nan")]], [0]), r"X\[0, 2\] is not finite"),
    (lambda m: layer_backprop(m, np.zeros((1, 3)), [0], l2=-1), "l2 must be a number >= 0"),
    (lambda m: layer_backprop("net", np.zeros((1, 3)), [0]), "must be a micrograd_ed.nn.MLP"),
])
def test_bad_input_gets_an_error_that_names_it(call, match):
    model = _net([3, 2, 1], "tanh", "linear", seed=1)
    model.layers[1].neurons[0].b.data = 5.0             # outputs far outside [0, 1]
    with pytest.raises((ValueError, TypeError), match=match):
        call(model)


def test_cost_of_knows_every_library_loss():
    for name, fn in ENGINE_LOSS.items():
        assert cost_of(fn).name == name
    assert cost_of("BCE").name == "binary_cross_entropy"


# ------------------------------------------------------------------ PyTorch
HAS_TORCH = importlib.util.find_spec("torch") is not None


def _torch_loss(torch, loss, a, y):
    F = torch.nn.functional
    if loss == "cross_entropy":
        return F.cross_entropy(a, torch.as_tensor(y))
    t = torch.as_tensor(y, dtype=torch.float64)
    per = {"mse": lambda: (a - t) ** 2, "quadratic_cost": lambda: 0.5 * (a - t) ** 2,
           "binary_cross_entropy": lambda: F.binary_cross_entropy(a, t, reduction="none"),
           "bce_with_logits": lambda: F.binary_cross_entropy_with_logits(a, t,
                                                                         reduction="none"),
           "hinge": lambda: torch.clamp(1 - t * a, min=0)}[loss]
    return per().sum(dim=1).mean()


@pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed")
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu", "linear"])
def test_against_torch_nn_linear_float64(loss, hidden):
    torch = pytest.importorskip("torch")
    k = 4 if loss == "cross_entropy" else 2
    sizes = [5, 6, 3, k]
    output = "sigmoid" if loss == "binary_cross_entropy" else "linear"
    model = _net(sizes, hidden, output, seed=11)
    X, y = _data(loss, 5, k, 7, seed=12)
    bp = layer_backprop(model, X, y, loss)
    Ws, bs, acts = weights_of(model)
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
           "linear": lambda z: z}
    linears = []
    for W, b in zip(Ws, bs):
        lin = torch.nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
        linears.append(lin)
    a = torch.from_numpy(X)
    for lin, f in zip(linears, acts):
        a = act[f](lin(a))
    C = _torch_loss(torch, loss, a, y)
    C.backward()
    assert bp.C == pytest.approx(C.item(), rel=1e-12)
    for i, lin in enumerate(linears):
        np.testing.assert_allclose(bp[i].dW, lin.weight.grad.numpy(), rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(bp[i].db, lin.bias.grad.numpy(), rtol=1e-10, atol=1e-14)


# ------------------------------------------------------------------ matrix_backward
def test_matrix_backward_is_layer_backprop_on_plain_arrays():
    from micrograd_ed.layers import matrix_backward

    model = _net([6, 5, 4], "sigmoid", "linear", seed=3)
    X, y = _data("cross_entropy", 6, 4, 7, seed=3)
    dWs, dbs = matrix_backward(*weights_of(model)[:2], X, y, activation="sigmoid")
    bp = layer_backprop(model, X, y, "cross_entropy")
    for i in range(2):
        np.testing.assert_array_equal(dWs[i], bp[i].dW)
        np.testing.assert_array_equal(dbs[i], bp[i].db)
    with pytest.raises(ValueError, match="layer 1 reads 4 inputs but layer 0 has 5 neurons"):
        matrix_backward([np.zeros((5, 6)), np.zeros((4, 4))], [np.zeros(5), np.zeros(4)], X, y)
    with pytest.raises(ValueError, match=r"layer 0 has W of shape \(5, 6\) and b of shape \(6,\)"):
        matrix_backward([np.zeros((5, 6))], [np.zeros(6)], X, y)
    with pytest.raises(ValueError, match="2 weight matrices but 1 bias vectors"):
        matrix_backward([np.zeros((5, 6)), np.zeros((4, 5))], [np.zeros(5)], X, y)
