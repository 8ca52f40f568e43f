"""check_op(): one op's forward and local derivative against micrograd_ed and central
differences, with the edge points (0 for relu, large |x| for sigmoid) in the table."""

from __future__ import annotations

import math

import pytest

from micrograd_ed.check import check_op


def stable_sigmoid(x):
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


@pytest.mark.parametrize("name, f, df", [
    ("tanh", math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    ("sigmoid", stable_sigmoid, lambda x: stable_sigmoid(x) * (1 - stable_sigmoid(x))),
    ("exp", math.exp, math.exp),
    ("log", math.log, lambda x: 1 / x),
    ("relu", lambda x: max(0.0, x), lambda x: 1.0 if x > 0 else 0.0),
    ("abs", abs, lambda x: math.copysign(1.0, x) if x else 0.0),
    ("sqrt", math.sqrt, lambda x: 0.5 / math.sqrt(x)),
    ("*", lambda x, y: x * y, lambda x, y: (y, x)),
    ("/", lambda x, y: x / y, lambda x, y: (1 / y, -x / y ** 2)),
    ("pow", lambda x, k: x ** k, lambda x, k: k * x ** (k - 1)),
])
def test_right_ops_pass(name, f, df):
    r = check_op(name, f, df)
    assert r.ok, str(r)
    assert "closest calls" in str(r)


def test_relu_at_zero_accepts_any_subgradient():
    assert check_op("relu", lambda x: max(0.0, x), lambda x: 1.0 if x >= 0 else 0.0).ok
    assert 0.0 in [r.at[0] for r in check_op("relu", lambda x: max(0.0, x),
                                             lambda x: float(x > 0)).rows]


def test_wrong_relu_derivative_is_in_the_worst_points():
    r = check_op("relu", lambda x: max(0.0, x), lambda x: 1.0)
    assert not r.ok
    worst = r.worst[0]
    assert worst.at[0] < 0 and worst.problem == "local derivative"
    assert "worst points" in str(r) and "✗ local derivative" in str(r)


def test_naive_sigmoid_overflows_far_out():
    naive = lambda x: 1 / (1 + math.exp(-x))           # noqa: E731
    r = check_op("sigmoid", naive, lambda x: naive(x) * (1 - naive(x)))
    assert not r.ok
    assert r.worst[0].at == (-750.0,)
    assert "OverflowError" in r.worst[0].problem and "stable way" in r.worst[0].problem


def test_derivative_that_does_not_match_its_forward():
    r = check_op("tanh", math.tanh, lambda x: 1 - x ** 2)     # 1 - x² instead of 1 - t²
    assert not r.ok
    assert all(not row.ok for row in r.rows if abs(row.at[0]) >= 0.5)
    row = next(row for row in r.rows if row.at == (0.5,))
    assert row.numeric[0] == pytest.approx(1 - math.tanh(0.5) ** 2, rel=1e-6)


def test_wrong_sign_of_the_second_operand():
    r = check_op("/", lambda x, y: x / y, lambda x, y: (1 / y, x / y ** 2))
    assert not r.ok and r.worst[0].problem == "local derivative d/dy"


def test_forward_that_is_wrong():
    r = check_op("exp", lambda x: math.exp(x) + 1e-3, math.exp)
    assert not r.ok and "forward" in {row.problem for row in r.rows}


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown op 'cosh'"):
        check_op("cosh", math.cosh, math.sinh)
    with pytest.raises(TypeError, match="two functions"):
        check_op("tanh", 1, 2)
    with pytest.raises(ValueError, match=r"points \(x, y\)"):
        check_op("*", lambda x, y: x * y, lambda x, y: (y, x), points=[1.0])
    r = check_op("*", lambda x, y: x * y, lambda x, y: y)
    assert not r.ok and "returned 1 numbers for 2 inputs" in r.rows[0].problem


def test_points_can_be_given():
    r = check_op("tanh", math.tanh, lambda x: 1 - math.tanh(x) ** 2, points=[0.1, 0.2])
    assert [row.at for row in r.rows] == [(0.1,), (0.2,)]
