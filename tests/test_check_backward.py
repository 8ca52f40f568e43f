"""check_backward(): a student's backward(root), written right and in the common wrong ways."""

from __future__ import annotations

import pytest

from micrograd_ed.check import check_backward

micrograd = pytest.importorskip("micrograd")   # check_students imports it
import check_students as s  # noqa: E402


def test_a_correct_backward_passes():
    r = check_backward(s.correct_backward)
    assert r.ok, str(r)
    assert r.first_failure is None and r.hint == ""
    n = len(r.cases)
    assert n >= 30 and f"{n} of {n} graphs right" in str(r)


def test_recursive_topological_sort_gets_the_recursion_hint():
    r = check_backward(s.recursive_backward)
    f = r.first_failure
    assert f.name == "deep chain (5,000)"
    assert [c.name for c in r.cases if not c.ok] == ["deep chain (5,000)"]
    assert "RecursionError" in f.message
    assert "build_topo() calls itself" in r.hint and "explicit stack" in r.hint
    assert "Traceback" not in str(r)


def test_overwriting_gets_the_plus_equals_hint():
    r = check_backward(s.overwriting_backward)
    assert r.first_failure.name == "a * a" and "`+=`, not `=`" in r.hint
    f = next(c for c in r.cases if c.name == "subtract and divide")
    assert not f.ok and f.node == "b"
    assert "share of one use only" in f.hint and "`+=`, not `=`" in f.hint


def test_breadth_first_gets_the_order_hint():
    r = check_backward(s.breadth_first_backward)
    # fan-out fails too since the graphs are also built with their operands swapped
    assert [c.name for c in r.cases if not c.ok] == ["fan-out", "diamond"]
    f = next(c for c in r.cases if c.name == "diamond")
    assert f.node == "a" and (f.expected, f.got) == (3.0, 2.0)
    assert "before all of b's 2 users" in f.hint and "not breadth-first" in f.hint
    assert "grad a = x × grad b = 2 × 1.5 = 3" in f.explanation


def test_missing_seed_gets_the_seed_hint():
    r = check_backward(s.no_seed_backward)
    assert r.first_failure.node == "L"
    assert "set L.grad = 1" in r.hint


def test_missing_upstream_factor_gets_the_chain_rule_hint():
    r = check_backward(s.no_chain_backward)
    assert "multiplies each by the user's grad" in r.hint


def test_parents_as_a_set_gets_the_same_op_hint():
    r = check_backward(s.set_of_parents_backward)
    assert r.first_failure.name == "a * a"
    assert "never a set or dict" in r.hint


def test_exceptions_are_reported_not_raised():
    def broken(root):
        root.grad = 1.0
        root.parents[0].gradient += 1        # a typo: no such attribute
    r = check_backward(broken)
    assert not r.ok and "AttributeError" in r.first_failure.message
    assert "your backward" in str(r.first_failure.error.where)


def test_not_a_function():
    with pytest.raises(TypeError, match="expects a function"):
        check_backward(42)
