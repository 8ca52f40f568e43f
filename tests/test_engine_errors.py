"""Bad input: the error type, and a message that names the op, the label and the value."""

from __future__ import annotations

import math

import numpy as np
import pytest

from micrograd_ed import Value


@pytest.mark.parametrize(
    "bad,name",
    [
        (True, "bool"),
        ("2.0", "str"),
        (None, "NoneType"),
        ([1.0], "list"),
        ({}, "dict"),
        (1 + 2j, "complex"),
    ],
)
def test_value_rejects_non_real_data(bad, name):
    with pytest.raises(TypeError, match=f"Value data must be a real number.*{name}"):
        Value(bad)


def test_value_rejects_bad_label_and_bad_batch():
    with pytest.raises(TypeError, match="label must be a str"):
        Value(1.0, label=3)
    with pytest.raises(TypeError, match="1-D array"):
        Value(np.zeros((2, 2)))


def test_unsupported_operand_names_the_op_and_type():
    a = Value(1.0, "a")
    with pytest.raises(TypeError, match=r"unsupported operand for \* with a: str"):
        a * "x"
    with pytest.raises(TypeError, match=r"unsupported operand for \+ with a: NoneType"):
        None + a
    with pytest.raises(TypeError, match="bool"):
        a + True


def test_log_of_non_positive():
    a = Value(-2.0, label="a")
    with pytest.raises(ValueError, match=r"log of a non-positive number: log\(a\) with a = -2.0"):
        a.log()
    with pytest.raises(ValueError, match="log"):
        Value(0.0).log()


def test_division_by_zero():
    a, b = Value(1.0, "a"), Value(0.0, "b")
    with pytest.raises(ZeroDivisionError, match=r"division by zero: a / b with b = 0.0"):
        a / b
    with pytest.raises(ZeroDivisionError, match="division by zero: a / 0"):
        a / 0
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        1.0 / b


def test_zero_to_a_negative_power():
    z = Value(0.0, label="z")
    with pytest.raises(
        ZeroDivisionError, match=r"0 raised to a negative power: z \*\* -1(\.0)? with z = 0.0"
    ):
        z**-1


def test_negative_base_to_non_integer_power_is_an_error_not_complex():
    n = Value(-8.0, label="n")
    with pytest.raises(ValueError, match=r"negative base to a non-integer power: n \*\* 0.333"):
        n ** (1 / 3)
    with pytest.raises(ValueError, match="a Value exponent needs a positive base"):
        n ** Value(2.0)
    with pytest.raises(ValueError, match="positive base"):
        (-2) ** Value(2.0)


def test_exp_overflow():
    big = Value(1000.0, label="big")
    with pytest.raises(OverflowError, match=r"exp overflow: exp\(big\) with big = 1000.0"):
        big.exp()
    assert Value(709.0).exp().data == pytest.approx(math.exp(709.0))


def test_power_overflow_names_the_op():
    with pytest.raises(OverflowError, match=r"overflow in power: h \*\* 2"):
        Value(1e200, label="h") ** 2


def test_unlabelled_operand_is_called_x():
    with pytest.raises(ValueError, match=r"log\(x\) with x = -1.0"):
        Value(-1.0).log()
