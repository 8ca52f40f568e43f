"""Training that fails says why (issue 15 item 11): epochs, optimizers, labels, divergence."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from micrograd_ed import Value
from micrograd_ed.data import truth_table
from micrograd_ed.gradcheck import analytic_grad, gradcheck
from micrograd_ed.nn import MLP, Perceptron
from micrograd_ed.optim import SGD, Adam
from micrograd_ed.train import DivergenceError, evaluate, fit

XOR_X, XOR_Y = truth_table("xor")


# ------------------------------------------------------------ perceptron
@pytest.mark.parametrize("kwargs, message", [
    ({"max_epochs": 0}, "max_epochs must be a positive int"),   # was IndexError
    ({"max_epochs": -3}, "max_epochs must be a positive int"),
    ({"max_epochs": 2.5}, "max_epochs must be a positive int"),
    ({"lr": 0}, "lr must be a positive number"),
    ({"lr": float("nan")}, "lr must be a positive number"),
])
def test_perceptron_fit_checks_its_arguments(kwargs, message):
    p = Perceptron(2)
    with pytest.raises(ValueError, match=message):
        p.fit(*truth_table("and"), **kwargs)
    assert p.state_dict() == {"w.0": 0.0, "w.1": 0.0, "b": 0.0}


@pytest.mark.parametrize("X, message", [
    ([1.0, 2.0, 3.0, 4.0], "example 0 must be a list of 2 numbers"),
    ([[0, 0], [0, float("nan")], [1, 0], [1, 1]], "example 1.*not finite"),
    ([[0, 0], [0, "a"], [1, 0], [1, 1]], "example 1.*not a number"),
])
def test_perceptron_fit_names_the_bad_example(X, message):
    with pytest.raises(ValueError, match=message):
        Perceptron(2).fit(X, [0, 0, 0, 1])


# ----------------------------------------- an optimizer of another model
def test_an_optimizer_over_another_models_parameters_is_refused():
    """It trained nothing, silently."""
    model, other = MLP(2, [2, 1], seed=0), MLP(2, [2, 1], seed=1)
    with pytest.raises(ValueError, match="none of the model's 9 parameters"):
        fit(model, XOR_X, XOR_Y, optimizer=SGD(other.parameters()), epochs=2, progress=False)


def test_an_optimizer_over_part_of_the_model_is_allowed():
    """Training only the last layer (the others frozen) is a real use."""
    model = MLP(2, [2, 1], seed=0)
    first = [p.data for p in model.layers[0].parameters()]
    fit(model, XOR_X, XOR_Y, optimizer=SGD(model.layers[1].parameters()), epochs=3,
        progress=False)
    assert [p.data for p in model.layers[0].parameters()] == first


# --------------------------------------------------- labels name their row
def test_a_bad_class_label_names_its_data_row_not_its_batch_position():
    X = np.random.default_rng(0).random((20, 2))
    y = np.array([0, 1, 2, 1] * 5)
    y[13] = 7
    model = MLP(2, [3])
    with pytest.raises(ValueError, match=r"y\[13\] = 7.*0\.\.2.*3 outputs"):
        fit(model, X, y, loss="cross_entropy", batch_size=4, epochs=1, progress=False)


@pytest.mark.parametrize("loss, y, message", [
    ("cross_entropy", [0, 1, 1.5, 0], r"y\[2\] = 1\.5 is not a whole class index"),
    ("cross_entropy", [0, 1, -1, 0], r"y\[2\] = -1"),
    ("bce", [0, 1, 2, 0], r"y\[2\] = 2.*\[0, 1\]"),
    ("hinge", [-1, 1, 0, 1], r"y\[2\] = 0.*-1 or \+1"),
    ("mse", [0, 1, float("nan"), 0], r"y\[2\].*not finite"),
])
def test_bad_targets_name_their_row(loss, y, message):
    outputs = 2 if loss == "cross_entropy" else 1
    act = "sigmoid" if loss == "bce" else "linear"
    model = MLP(2, [2, outputs], output_activation=act)
    with pytest.raises(ValueError, match=message):
        fit(model, XOR_X, np.array(y), loss=loss, batch_size=2, epochs=1, progress=False)


def test_one_hot_rows_for_cross_entropy_say_how_to_fix_them():
    model = MLP(2, [2, 2])
    with pytest.raises(ValueError, match=r"argmax\(axis=1\)"):
        fit(model, XOR_X, np.eye(2)[XOR_Y], loss="cross_entropy", epochs=1, progress=False)


def test_validation_labels_name_their_row_too():
    model = MLP(2, [2, 2])
    with pytest.raises(ValueError, match=r"validation.*y\[3\] = 5"):
        fit(model, XOR_X, XOR_Y, loss="cross_entropy", epochs=1, progress=False,
            validation=(XOR_X, np.array([0, 1, 1, 5])))
    with pytest.raises(ValueError, match=r"y\[0\] = 9"):
        evaluate(model, XOR_X, np.array([9, 1, 1, 0]), loss="cross_entropy")


def test_non_finite_inputs_name_their_row_and_column():
    X = XOR_X.copy()
    X[2, 1] = np.inf
    with pytest.raises(ValueError, match=r"X\[2, 1\] is inf"):
        fit(MLP(2, [2, 1]), X, XOR_Y, epochs=1, progress=False)


# -------------------------------------------------------------- divergence
@pytest.mark.parametrize("opt, epochs", [(SGD, 50), (Adam, 50)])
def test_divergence_is_detected_and_blamed_on_the_learning_rate(opt, epochs):
    """lr = 1e308 printed a dozen numpy warnings, then blamed the probabilities."""
    model = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # not one numpy RuntimeWarning
        with pytest.raises(DivergenceError, match=r"diverged at epoch \d+.*(inf|nan|as large as).*"
                                                  r"lower the learning rate \(lr = 1e\+308\)"):
            fit(model, XOR_X, XOR_Y, optimizer=opt(model.parameters(), lr=1e308),
                epochs=epochs, progress=False)


def test_divergence_of_softmax_training_too():
    X = np.random.default_rng(0).normal(size=(30, 2))
    y = np.arange(30) % 3
    model = MLP(2, [8, 3], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DivergenceError, match="lower the learning rate"):
            fit(model, X, y, optimizer=Adam(model.parameters(), lr=1e308), epochs=30,
                batch_size=8, progress=False)


def test_a_model_that_is_already_broken_is_not_blamed_on_the_learning_rate():
    model = MLP(2, [2, 1])
    model.layers[0].neurons[0].w[0].data = 1e308
    model.layers[0].neurons[0].w[1].data = 1e308
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DivergenceError, match="before the first step"):
            fit(model, XOR_X + 1.0, XOR_Y, epochs=2, progress=False)


def test_normal_training_is_unchanged():
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    h = fit(model, XOR_X, XOR_Y, optimizer=SGD(model.parameters(), lr=2.0), epochs=1000,
            progress=False)
    assert h.accuracy[-1] == 1.0


# --------------------------------------------------------------- gradcheck
def test_analytic_grad_restores_the_grads_when_fn_raises():
    """The grads were left at 0."""
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    a.grad, b.grad = 5.0, -1.0

    def broken(xs):
        raise RuntimeError("boom")
    with pytest.raises(RuntimeError, match="boom"):
        analytic_grad(broken, [a, b])
    assert (a.grad, b.grad) == (5.0, -1.0)

    def not_a_value(xs):
        return 3.0
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(not_a_value, [a, b])
    assert (a.grad, b.grad) == (5.0, -1.0)


@pytest.mark.parametrize("X, message", [
    ([[1, 2], [3]], "rows have different lengths"),
    ([["a", "b"]], "could not convert string to float"),
])
def test_inputs_that_are_not_a_table_of_numbers(X, message):
    with pytest.raises(ValueError, match=f"fit: X must be a table of numbers.*{message}"):
        fit(MLP(2, [1]), X, [0] * len(X), progress=False)


def test_perceptron_accepts_boolean_labels():
    X, y = truth_table("and")
    assert Perceptron(2).fit(X, y.astype(bool)).converged


def test_divergence_seen_first_on_the_validation_data_names_the_epoch():
    model = MLP(2, [1], output_activation="linear")
    for w in model.layers[0].neurons[0].w:
        w.data = 1.0
    X_val = np.array([[1e308, 1e308]])              # 1e308 + 1e308 overflows
    with pytest.raises(DivergenceError, match=r"at epoch 1: the model's outputs on the "
                                              r"validation data became inf"):
        fit(model, XOR_X, XOR_Y, loss="mse", optimizer=SGD(model.parameters(), lr=1e-9),
            epochs=2, progress=False, validation=(X_val, np.array([0.0])))
