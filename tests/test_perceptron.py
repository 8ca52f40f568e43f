"""The perceptron: logic gates, the perceptron learning rule, and why XOR defeats it."""

from __future__ import annotations

import pytest

from micrograd_ed.data import truth_table
from micrograd_ed.losses import mse
from micrograd_ed.nn import ConvergenceWarning, Perceptron


def test_the_lecture_nand_gate():
    p = Perceptron.from_weights([-2, -2], 3)
    X, y = truth_table("nand")
    assert [p.predict(x) for x in X] == list(y) == [1, 1, 1, 0]
    assert [p([float(a) for a in x]).data for x in X] == [1.0, 1.0, 1.0, 0.0]  # as a graph too


@pytest.mark.parametrize("gate", ["nand", "and", "or"])
def test_perceptron_rule_learns_linearly_separable_gates(gate):
    X, y = truth_table(gate)
    p = Perceptron(2)
    result = p.fit(X, y, lr=1.0, max_epochs=20)
    assert result.converged and result.errors[-1] == 0
    assert result.epochs == len(result.errors) <= 20
    assert [p.predict(x) for x in X] == list(y)
    assert "converged after" in str(result)


def test_perceptron_rule_on_and_step_by_step():
    """From w = 0 on AND (traced by hand): each mistake moves w by (y - y_hat) x."""
    X, y = truth_table("and")
    p = Perceptron(2)
    result = p.fit(X, y, lr=1.0)
    assert result.errors == [1, 3, 3, 2, 1, 0]
    assert p.state_dict() == {"w.0": 2.0, "w.1": 1.0, "b": -2.0}


def test_perceptron_reports_non_convergence_on_xor():
    X, y = truth_table("xor")
    p = Perceptron(2)
    with pytest.warns(ConvergenceWarning, match="did NOT converge in 50 epochs"):
        result = p.fit(X, y, max_epochs=50)
    assert not result.converged
    assert len(result.errors) == 50 and min(result.errors) > 0
    assert sum(p.predict(x) == t for x, t in zip(X, y)) < 4
    assert "not be linearly separable" in str(result)


def test_gradient_descent_cannot_train_a_perceptron():
    """The step has derivative 0: the loss is flat, every gradient is exactly 0."""
    X, y = truth_table("and")
    p = Perceptron(2, init="uniform", seed=1)
    loss = mse([p(list(x)) for x in X], list(y))
    loss.backward()
    assert loss.data > 0
    assert all(q.grad == 0.0 for q in p.parameters())


@pytest.mark.parametrize("X, y, message", [
    ([[0, 0], [1, 1]], [0], "2 examples but 1 labels"),
    ([[0, 0, 1]], [0], "example 0 has 3 inputs, expected 2"),
    ([[0, 0], [1, 1]], [0, 2], "label 2 of example 1 must be 0 or 1"),
])
def test_bad_training_data(X, y, message):
    with pytest.raises(ValueError, match=message):
        Perceptron(2).fit(X, y)
