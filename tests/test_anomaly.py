"""detect_anomaly(): the first NaN or inf raises at once, naming the op and the operands."""

from __future__ import annotations

import math

import pytest

from micrograd_ed import Value, detect_anomaly


def test_forward_nan_is_caught_with_op_and_labels():
    a = Value(math.inf, label="a")
    b = Value(0.0, label="b")
    with detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"anomaly in forward: \* .*a = inf, b = 0.0"):
            a * b
    assert math.isnan((a * b).data)  # outside the block: no check


def test_infinite_local_derivative_is_caught():
    x = Value(0.0, label="x")
    with detect_anomaly(), pytest.raises(FloatingPointError, match="non-finite local derivative"):
        x**0.5


def test_backward_overflow_is_caught():
    x = Value(1.0, label="x")
    with detect_anomaly():
        a = x * 1e-300
        a.label = "a"
        c = (a * 1e300) * 1e300  # forward stays finite: 1e-300, 1.0, 1e300
        with pytest.raises(
            FloatingPointError, match="anomaly in backward: the gradient of a became inf"
        ):
            c.backward()


def test_anomaly_mode_is_restored_after_the_block():
    with pytest.raises(FloatingPointError):
        with detect_anomaly():
            Value(math.nan) + 1.0
    assert math.isnan((Value(math.nan) + 1.0).data)
