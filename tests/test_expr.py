"""The expression parser of `micrograd-ed graph`: arithmetic only, never eval."""

from __future__ import annotations

import math

import pytest

from micrograd_ed.engine import topological_order
from micrograd_ed.teach.expr import MAX_EXPONENT, ExpressionError, build, names, parse


def _leaf(root, name):
    return next(v for v in topological_order(root) if not v.op and v.label == name)


def test_chain_rule_example_values_and_grads():
    L = build("(a*b + c) * f", {"a": 2, "b": -3, "c": 10, "f": -2})
    L.backward()
    assert L.data == -8.0
    assert [_leaf(L, n).grad for n in "abcf"] == [6.0, -4.0, -2.0, 4.0]


@pytest.mark.parametrize("text, expected", [
    ("a + 2", 4.0), ("2 - a", 0.0), ("a / 4", 0.5), ("1 / a", 0.5), ("a ** 3", 8.0),
    ("-a", -2.0), ("+a", 2.0), ("-a ** 2", -4.0), ("2 ** a", 4.0), ("a ** -1", 0.5),
    ("exp(a)", math.exp(2)), ("log(a)", math.log(2)), ("tanh(a)", math.tanh(2)),
    ("sigmoid(a)", 1 / (1 + math.exp(-2))), ("relu(-a)", 0.0), ("relu(a)", 2.0),
    ("1e-3 * a", 2e-3), ("(-2) ** 3 * a", -16.0), ("exp(0)", 1.0), ("2 * 3", 6.0),
])
def test_allowed_expressions(text, expected):
    assert build(text, {"a": 2.0}).data == pytest.approx(expected)


def test_a_variable_used_twice_is_one_leaf():
    y = build("a * a", {"a": 3.0})
    y.backward()
    assert y.parents[0] is y.parents[1]
    assert y.parents[0].grad == 6.0
    assert y.parents[0].label == "a"


def test_names_in_order_of_first_use():
    assert names("c * exp(a) + b * a") == ["c", "a", "b"]


@pytest.mark.parametrize("text, part", [
    ("__import__('os').system('touch X')", "__import__('os').system"),
    ("a.__class__", "'a.__class__'"),
    ("open('f')", "'open'"),
    ("lambda: 1", "'lambda: 1'"),
    ("import os", "'import os'"),
    ("from os import path", "import"),
    ("a[0]", "'a[0]'"),
    ("a if a else a", "if-expression"),
    ("a // 2", "//"),
    ("a % 2", "%"),
    ("~a", "~"),
    ("not a", "not"),
    ("a < 1", "comparison"),
    ("x = 1", "assignment"),
    ("exp(a, a)", "exactly one argument"),
    ("exp(x=a)", "exactly one argument"),
    ("exp", "is a function"),
    ("'text'", "string"),
    ("1j", "complex"),
    ("True", "bool"),
    ("[a]", "list"),
    ("(a, a)", "tuple"),
    ("f'{a}'", "f-string"),
    ("(y := 2)", "assignment expression"),
    ("_a", "underscore"),
    ("a +", "not a valid expression"),
    ("a; a", "only one expression"),
    ("", "empty"),
])
def test_rejected_with_the_offending_part_named(text, part):
    with pytest.raises(ExpressionError) as e:
        build(text, {"a": 1.0})
    assert part in str(e.value)
    assert "\n" not in str(e.value)


def test_parse_never_runs_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExpressionError):
        build("__import__('os').system('touch X')", {})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text", ["2**10**10", "a ** 101", "10 ** 400", "a ** (2 * 60)",
                                  "a ** -1000"])
def test_absurd_exponents_are_refused_quickly(text):
    with pytest.raises(ExpressionError, match=f"between -{MAX_EXPONENT} and {MAX_EXPONENT}"):
        build(text, {"a": 1.5})


def test_a_variable_exponent_is_checked_by_its_value():
    with pytest.raises(ExpressionError, match="exponent"):
        build("a ** b", {"a": 2.0, "b": 1e6})
    assert build("a ** b", {"a": 2.0, "b": 3.0}).data == 8.0


@pytest.mark.parametrize("text, what", [
    ("a / 0", "division by zero"),
    ("log(a - 2)", "log of a non-positive number"),
    ("(-8) ** (1/3)", "complex"),
    ("(a * 1e300) ** 100", "overflow"),
    ("exp(a * 1000)", "exp overflow"),
])
def test_math_errors_name_the_subexpression(text, what):
    with pytest.raises(ExpressionError, match="cannot compute") as e:
        build(text, {"a": 2.0})
    assert what in str(e.value)


def test_unknown_names_are_listed_with_a_hint():
    with pytest.raises(ExpressionError) as e:
        build("a * b + c", {"a": 1.0})
    msg = str(e.value)
    assert "'b', 'c'" in msg and "--set b=... c=..." in msg


def test_huge_and_deep_inputs_are_refused_not_crashed():
    with pytest.raises(ExpressionError, match="too large"):
        parse("9" * 400)
    with pytest.raises(ExpressionError, match="characters long"):
        parse("a+" * 2000 + "a")
    with pytest.raises(ExpressionError, match="nested too deeply|cannot parse"):
        build("+".join(["a"] * 990), {"a": 1.0})
    with pytest.raises(ExpressionError, match="nested|cannot parse") as e:
        parse("(" * 300 + "a" + ")" * 300)
    assert len(str(e.value)) < 200


def test_a_constant_expression_is_one_leaf():
    v = build("2 * 3", {})
    assert not v.op and v.data == 6.0 and v.label == "2 * 3"


# ------------------------------------------ issue 15: unicode names, overflow
def test_a_name_spelled_two_ways_is_refused_not_merged():
    """Python reads 'ａ' (fullwidth) as 'a': 'ａ*a' silently squared a (25 for a = 5)."""
    with pytest.raises(ExpressionError, match="'ａ' and 'a' are the same variable"):
        build("ａ*a", {"a": 5.0})


def test_values_are_normalised_like_the_expression():
    y = build("ａ*ａ", {"ａ": 5.0})
    assert y.data == 25.0 and names("ａ*ａ") == ["a"]
    assert build("ﬁ + 1", {"fi": 1.0}).data == 2.0      # the ligature reads as 'fi'
    with pytest.raises(ExpressionError, match="'a' and 'ａ'.*same variable.*only one"):
        build("a*2", {"a": 1.0, "ａ": 2.0})


@pytest.mark.parametrize("text", ["a * 1e400", "1e308 * 10", "1e308 * a * 10", "a ** 100 ** 1",
                                  "exp(700) * exp(700) * a"])
def test_an_overflow_to_inf_is_refused_naming_the_part(text):
    with pytest.raises(ExpressionError, match="too large|overflow"):
        build(text, {"a": 1e10})
