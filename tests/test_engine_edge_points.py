"""Batched and scalar agree at every edge point: the same value, slope and error, per sample."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from micrograd_ed import Value

POINTS = [0.0, -0.0, 5e-324, -5e-324, 1e-310, 1e-300, -1e-300, 0.5, -2.0, 3.0, 1e154,
          1e300, -1e300, 709.0, 710.0, -745.0, -800.0, math.inf, -math.inf, math.nan]

UNARY = {
    "exp": lambda v: v.exp(), "log": lambda v: v.log(), "tanh": lambda v: v.tanh(),
    "sigmoid": lambda v: v.sigmoid(), "relu": lambda v: v.relu(),
    "leaky_relu": lambda v: v.leaky_relu(0.1), "softplus": lambda v: v.softplus(),
    "abs": lambda v: v.abs(), "sqrt": lambda v: v.sqrt(), "step": lambda v: v.step(),
    "neg": lambda v: -v, "square": lambda v: v ** 2, "cube": lambda v: v ** 3,
    "inverse": lambda v: v ** -1, "pow0": lambda v: v ** 0, "pow2.5": lambda v: v ** 2.5,
    "pow0.5": lambda v: v ** 0.5, "pow-0.5": lambda v: v ** -0.5, "x*c": lambda v: v * 1e10,
    "x/c": lambda v: v / 1e-10, "x+c": lambda v: v + 1.0, "c-x": lambda v: 1.0 - v,
    "c/x": lambda v: 2.0 / v, "2**x": lambda v: 2.0 ** v, "sum": lambda v: v.sum(),
}


def outcome(fn, *xs, batch: bool):
    """(value, local grads) of fn on Values of xs, or the error type; one sample if batch."""
    vals = [Value(np.array([x])) if batch else Value(x) for x in xs]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")      # numpy warns where Python is silent (batched.py)
            z = fn(*vals)
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
    data = float(np.asarray(z.data).ravel()[0])
    grads = tuple(float(np.asarray(d).ravel()[0]) for d in z.local_grads)
    return data, grads


def same(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    flat = lambda o: [o[0], *o[1]]  # noqa: E731
    return all((math.isnan(x) and math.isnan(y)) or x == y for x, y in zip(flat(a), flat(b)))


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_ops_batched_equal_scalar_at_edge_points(name):
    fn = UNARY[name]
    bad = [(x, outcome(fn, x, batch=False), outcome(fn, x, batch=True)) for x in POINTS
           if not same(outcome(fn, x, batch=False), outcome(fn, x, batch=True))]
    assert bad == []


BINARY = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
          "/": lambda a, b: a / b, "**": lambda a, b: a ** b}
PAIRS = [(x, y) for x in (0.0, 2.0, -3.0, 1e200, 1e-200, math.inf, math.nan)
         for y in (0.0, 0.5, -1.0, 3.0, 1e200, math.inf, math.nan)]


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_ops_batched_equal_scalar_at_edge_points(name):
    fn = BINARY[name]
    bad = [(x, y, outcome(fn, x, y, batch=False), outcome(fn, x, y, batch=True))
           for x, y in PAIRS
           if not same(outcome(fn, x, y, batch=False), outcome(fn, x, y, batch=True))]
    assert bad == []


def test_sqrt_at_zero_has_an_infinite_slope_batched_as_scalar():
    assert Value(0.0).sqrt().local_grads == (math.inf,)
    assert Value(np.array([0.0, 4.0])).sqrt().local_grads[0].tolist() == [math.inf, 0.25]


def test_power_overflow_is_an_overflow_error_batched_as_scalar():
    for x in (1e200, np.array([1.0, 1e200])):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(OverflowError, match=r"overflow in power: h \*\* 2"):
                Value(x, label="h") ** 2


@pytest.mark.parametrize("k", [math.inf, -math.inf, math.nan])
def test_an_infinite_or_nan_exponent_is_a_clear_error(k):
    for x in (2.0, np.array([2.0, 3.0])):
        with pytest.raises(ValueError, match=r"exponent must be a finite number: x \*\* "):
            Value(x) ** k
