"""gradcheck and numerical_grad: correct numbers, readable reports, clear errors."""

from __future__ import annotations

import pytest

from micrograd_ed import Value
from micrograd_ed.gradcheck import gradcheck, numerical_grad


def neuron(vs):
    w1, w2, b, x1, x2 = vs
    return (w1 * x1 + w2 * x2 + b).sigmoid()


def test_gradcheck_passes_on_a_neuron_and_restores_state():
    vs = [
        Value(v, label=n) for v, n in zip((0.5, -1.0, 0.1, 2.0, 0.3), ("w1", "w2", "b", "x1", "x2"))
    ]
    vs[0].grad = 7.0
    result = gradcheck(neuron, vs)
    assert result.ok and bool(result)
    assert result.max_abs_error < 1e-8
    assert [v.data for v in vs] == [0.5, -1.0, 0.1, 2.0, 0.3]
    assert vs[0].grad == 7.0  # grads are left as they were
    assert "gradcheck passed" in str(result)


def test_numerical_grad_central_difference():
    x = Value(3.0)
    (g,) = numerical_grad(lambda vs: vs[0] ** 2, [x], eps=1e-3)
    assert g == pytest.approx(6.0, abs=1e-9)  # exact for a quadratic


def test_gradcheck_reports_the_worst_input():
    x, y = Value(3.0, label="x"), Value(1.0, label="y")

    def fn(vs):
        a, b = vs
        # the forward uses a**2 but the graph only sees a * const: analytic grad is wrong
        return a * a.data + b

    result = gradcheck(fn, [x, y])
    assert not result.ok
    assert result.analytic[0] == 3.0 and result.numeric[0] == pytest.approx(6.0)
    text = str(result)
    assert "FAILED" in text and "mismatch" in text
    assert "input furthest past its tolerance: x" in text


def test_gradcheck_errors():
    with pytest.raises(TypeError, match="input 0 is a float"):
        gradcheck(lambda vs: vs[0], [1.0])
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda vs: 3.0, [Value(1.0)])
    with pytest.raises(ValueError, match="eps must be positive"):
        numerical_grad(lambda vs: vs[0], [Value(1.0)], eps=0)
