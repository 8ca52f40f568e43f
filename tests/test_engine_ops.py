"""Every op: forward value, local derivative by hand, and agreement with central differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from micrograd_ed import Value
from micrograd_ed.gradcheck import gradcheck, numerical_grad


def grad_of(f, x: float) -> tuple[float, float]:
    """(f(x).data, df/dx) by backprop."""
    v = Value(x, label="x")
    out = f(v)
    out.backward()
    return out.data, v.grad


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# op, forward formula, derivative formula, points (away from kinks)
UNARY = [
    ("exp", lambda v: v.exp(), math.exp, math.exp, [-3.0, -0.5, 0.0, 1.5, 4.0]),
    ("log", lambda v: v.log(), math.log, lambda x: 1 / x, [0.01, 0.5, 1.0, 7.0]),
    (
        "tanh",
        lambda v: v.tanh(),
        math.tanh,
        lambda x: 1 - math.tanh(x) ** 2,
        [-3.0, -0.2, 0.0, 0.7, 5.0],
    ),
    (
        "sigmoid",
        lambda v: v.sigmoid(),
        sigmoid,
        lambda x: sigmoid(x) * (1 - sigmoid(x)),
        [-6.0, -1.0, 0.0, 0.3, 8.0],
    ),
    (
        "relu",
        lambda v: v.relu(),
        lambda x: max(x, 0.0),
        lambda x: float(x > 0),
        [-2.0, -0.1, 0.1, 3.0],
    ),
    (
        "leaky_relu",
        lambda v: v.leaky_relu(0.1),
        lambda x: x if x > 0 else 0.1 * x,
        lambda x: 1.0 if x > 0 else 0.1,
        [-2.0, -0.1, 0.1, 3.0],
    ),
    (
        "softplus",
        lambda v: v.softplus(),
        lambda x: math.log1p(math.exp(x)),
        sigmoid,
        [-5.0, -0.3, 0.0, 2.0],
    ),
    ("abs", lambda v: v.abs(), abs, lambda x: math.copysign(1.0, x), [-2.0, -0.5, 0.5, 3.0]),
    ("sqrt", lambda v: v.sqrt(), math.sqrt, lambda x: 0.5 / math.sqrt(x), [0.01, 1.0, 9.0]),
    ("neg", lambda v: -v, lambda x: -x, lambda x: -1.0, [-2.0, 0.0, 3.0]),
    ("square", lambda v: v**2, lambda x: x * x, lambda x: 2 * x, [-2.0, 0.0, 1.5]),
    ("cube", lambda v: v**3, lambda x: x**3, lambda x: 3 * x * x, [-2.0, 0.0, 1.5]),
    ("inverse", lambda v: v**-1, lambda x: 1 / x, lambda x: -1 / x**2, [-2.0, 0.5, 3.0]),
    ("pow 2.5", lambda v: v**2.5, lambda x: x**2.5, lambda x: 2.5 * x**1.5, [0.2, 1.0, 4.0]),
    ("const ** x", lambda v: 2**v, lambda x: 2**x, lambda x: 2**x * math.log(2), [-1.0, 0.0, 3.0]),
    ("x + c", lambda v: v + 2.5, lambda x: x + 2.5, lambda x: 1.0, [-1.0, 2.0]),
    ("c + x", lambda v: 2.5 + v, lambda x: 2.5 + x, lambda x: 1.0, [-1.0, 2.0]),
    ("x - c", lambda v: v - 2.5, lambda x: x - 2.5, lambda x: 1.0, [-1.0, 2.0]),
    ("c - x", lambda v: 2.5 - v, lambda x: 2.5 - x, lambda x: -1.0, [-1.0, 2.0]),
    ("x * c", lambda v: v * -3.0, lambda x: -3 * x, lambda x: -3.0, [-1.0, 2.0]),
    ("c * x", lambda v: -3 * v, lambda x: -3 * x, lambda x: -3.0, [-1.0, 2.0]),
    ("x / c", lambda v: v / 4.0, lambda x: x / 4, lambda x: 0.25, [-1.0, 2.0]),
    ("c / x", lambda v: 3.0 / v, lambda x: 3 / x, lambda x: -3 / x**2, [-1.0, 2.0]),
]


@pytest.mark.parametrize("name,f,fwd,deriv,points", UNARY, ids=[u[0] for u in UNARY])
def test_unary_op_matches_formula_and_central_difference(name, f, fwd, deriv, points):
    for x in points:
        value, grad = grad_of(f, x)
        assert value == pytest.approx(fwd(x), rel=1e-12, abs=1e-15), (name, x)
        assert grad == pytest.approx(deriv(x), rel=1e-12, abs=1e-15), (name, x)
        (numeric,) = numerical_grad(lambda vs, f=f: f(vs[0]), [Value(x)], eps=1e-6)
        assert grad == pytest.approx(numeric, rel=1e-5, abs=1e-7), (name, x)


BINARY = [
    ("+", lambda a, b: a + b, lambda x, y: (1.0, 1.0)),
    ("-", lambda a, b: a - b, lambda x, y: (1.0, -1.0)),
    ("*", lambda a, b: a * b, lambda x, y: (y, x)),
    ("/", lambda a, b: a / b, lambda x, y: (1 / y, -x / y**2)),
    ("**", lambda a, b: a**b, lambda x, y: (y * x ** (y - 1), x**y * math.log(x))),
]


@pytest.mark.parametrize("name,f,derivs", BINARY, ids=[b[0] for b in BINARY])
@pytest.mark.parametrize("x,y", [(1.5, -2.0), (0.7, 3.0), (4.0, 0.5)])
def test_binary_op_local_grads_and_central_difference(name, f, derivs, x, y):
    a, b = Value(x, label="a"), Value(y, label="b")
    out = f(a, b)
    assert out.op == name
    assert out.parents == (a, b)
    assert out.local_grads == pytest.approx(derivs(x, y), rel=1e-12)
    out.backward()
    assert (a.grad, b.grad) == pytest.approx(derivs(x, y), rel=1e-12)
    result = gradcheck(lambda vs: f(*vs), [Value(x, label="a"), Value(y, label="b")])
    assert result.ok, str(result)


def test_division_is_exact_not_multiplication_by_reciprocal():
    assert (Value(0.3) / Value(0.1)).data == 0.3 / 0.1
    assert (Value(1.0) / 3).data == 1.0 / 3


def test_constant_operand_is_kept_on_the_op_not_as_a_node():
    x = Value(3.0, label="x")
    y = x * 2.0
    assert y.op == "*" and y.const == 2.0
    assert y.parents == (x,) and y.local_grads == (2.0,)
    z = 2.0 - x  # constant on the left of '-' becomes a leaf
    assert z.op == "-" and z.parents[1] is x and z.parents[0].data == 2.0
    assert (x + x).const is None


def test_duplicate_operands_keep_both_edges():
    a = Value(3.0, label="a")
    b = a * a
    assert b.parents == (a, a)
    assert b.local_grads == (3.0, 3.0)
    b.backward()
    assert a.grad == 6.0
    a.grad = 0.0
    c = a + a
    assert c.parents == (a, a) and c.local_grads == (1.0, 1.0)
    c.backward()
    assert a.grad == 2.0


def test_leaf_attributes():
    v = Value(2, label="w")
    assert v.data == 2.0 and isinstance(v.data, float)
    assert v.grad == 0.0 and v.op == "" and v.parents == () and v.local_grads == ()
    v.label = "w2"
    assert v.label == "w2"
    assert Value(np.float32(1.5)).data == 1.5
    assert Value(np.int64(3)).data == 3.0


def test_repr_shows_label_data_and_grad():
    v = Value(2.0, label="a")
    assert repr(v) == "Value(label='a', data=2.0, grad=0.0)"
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"


def test_values_hash_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert len({a, b}) == 2
    assert a != b and a == a  # no __eq__ overload: identity


class TestEdgePoints:
    def test_tanh_and_sigmoid_are_stable_at_extremes(self):
        for x in (1000.0, -1000.0, 1e300, -1e300):
            t, dt = grad_of(lambda v: v.tanh(), x)
            assert t == math.copysign(1.0, x) and dt == 0.0
            s, ds = grad_of(lambda v: v.sigmoid(), x)
            assert s == (1.0 if x > 0 else 0.0) and ds == 0.0
        s, ds = grad_of(lambda v: v.sigmoid(), -700.0)
        assert s == pytest.approx(math.exp(-700.0), rel=1e-12) and ds > 0

    def test_softplus_is_stable(self):
        assert grad_of(lambda v: v.softplus(), 1000.0) == (1000.0, 1.0)
        value, grad = grad_of(lambda v: v.softplus(), -1000.0)
        assert value == 0.0 and grad == 0.0

    def test_relu_slope_at_zero_is_zero(self):
        assert grad_of(lambda v: v.relu(), 0.0) == (0.0, 0.0)
        assert grad_of(lambda v: v.abs(), 0.0) == (0.0, 0.0)

    def test_x_to_the_zero_has_zero_slope_even_at_zero(self):
        assert grad_of(lambda v: v**0, 0.0) == (1.0, 0.0)
        assert grad_of(lambda v: v**0, -3.0) == (1.0, 0.0)

    def test_integer_powers_of_negative_numbers(self):
        assert grad_of(lambda v: v**3, -2.0) == (-8.0, 12.0)
        assert grad_of(lambda v: v**3.0, -2.0) == (-8.0, 12.0)
        assert grad_of(lambda v: v**-2, -2.0) == (0.25, 0.25)

    def test_sqrt_slope_at_zero_is_infinite(self):
        assert grad_of(lambda v: v**0.5, 0.0) == (0.0, math.inf)

    def test_exp_of_large_negative_underflows_to_zero(self):
        assert grad_of(lambda v: v.exp(), -1000.0) == (0.0, 0.0)


def test_step_has_zero_slope_everywhere():
    for x in (-2.0, 0.0, 1e-9, 3.0):
        value, grad = grad_of(lambda v: v.step(), x)
        assert value == float(x > 0) and grad == 0.0
    batch = Value(np.array([-1.0, 0.0, 2.0])).step()
    np.testing.assert_array_equal(batch.data, [0.0, 0.0, 1.0])


def test_numpy_array_on_the_left_defers_to_value():
    x = np.array([1.0, 2.0])
    w = Value(3.0, label="w")
    out = x * w
    assert isinstance(out, Value)
    np.testing.assert_array_equal(out.data, [3.0, 6.0])
    out.sum().backward()
    assert w.grad == 3.0


def test_label_setter_checks_the_type():
    v = Value(1.0)
    with pytest.raises(TypeError, match="label must be a str"):
        v.label = 5
