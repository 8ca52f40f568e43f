"""compare(): karpathy's micrograd passes, one-mistake subclasses are caught at the right node,
student errors become reports, bad builds raise clear errors."""

from __future__ import annotations

import html
import math

import pytest

from micrograd_ed import Value
from micrograd_ed.check import BuildError, assert_matches, compare

micrograd = pytest.importorskip("micrograd")
import check_students as s  # noqa: E402  (needs micrograd)
from micrograd.engine import Value as MicroValue  # noqa: E402


def lecture(V):
    a, b, c, f = V(2.0), V(-3.0), V(10.0), V(-2.0)
    e = a * b
    d = e + c
    L = d * f
    return {"a": a, "b": b, "c": c, "f": f, "e": e, "d": d, "L": L}


def reuse(V):
    """a feeds two multiplications, so its grad is the sum of two shares."""
    a, b, c = V(2.0), V(-3.0), V(10.0)
    e = a * b
    d = e * a
    f = d + c
    L = f * c
    return {"a": a, "b": b, "c": c, "e": e, "d": d, "f": f, "L": L}


def square(V):
    """The issue's example: f = e**2, so grad e = 2 × e × grad f."""
    a, b = V(2.0), V(-3.0)
    e = a * b
    f = e ** 2
    return {"a": a, "b": b, "e": e, "f": f}


def with_sub(V):
    a, b, c = V(2.0), V(-3.0), V(4.0)
    e = a * c
    d = e - b
    L = d * b
    return {"a": a, "b": b, "c": c, "e": e, "d": d, "L": L}


def neuron(V):
    x, w, b = V(0.5), V(-1.5), V(0.25)
    n = x * w + b
    o = n.tanh()
    L = o * 3
    return {"x": x, "w": w, "b": b, "n": n, "o": o, "L": L}


@pytest.mark.parametrize("build", [lecture, reuse, square, with_sub])
def test_micrograd_passes_on_its_own_ops(build):
    c = compare(build, MicroValue)
    assert c.ok, str(c)
    assert c.first_wrong is None and c.error is None
    assert [r.name for r in c.rows] == list(build(Value))
    assert "agree" in str(c)


def test_rows_hold_both_numbers():
    c = compare(lecture, MicroValue)
    row = {r.name: r for r in c.rows}["a"]
    assert (row.expected_data, row.got_data, row.expected_grad, row.got_grad) == (2, 2, 6, 6)


def test_overwriting_mul_caught_at_the_reused_node():
    c = compare(reuse, s.OverwritingMul)
    assert not c.ok
    assert (c.first_wrong, c.first_wrong_quantity) == ("a", "grad")
    text = str(c)
    assert "expected grad a = −120, got −60" in text
    assert "+=" in c.hint and "one use only" in c.hint
    assert "grad a = b × grad e + e × grad d = −3 × 20 + −6 × 10 = −120" in text


def test_sub_as_add_caught_in_the_forward_pass():
    c = compare(with_sub, s.SubIsAdd)
    assert (c.first_wrong, c.first_wrong_quantity) == ("d", "data")
    assert "data d = e − b = 8 − −3 = 11" in str(c)
    assert "e + b" in c.hint          # says what the student's op computed


def test_wrong_tanh_derivative_caught_at_the_tanh_input():
    assert compare(neuron, s.WithTanh).ok
    c = compare(neuron, s.WrongTanh)
    assert (c.first_wrong, c.first_wrong_quantity) == ("n", "grad")
    assert "grad n = (1 − o²) × grad o" in str(c)
    assert "came out as 0.75" in c.hint and "1 − n², with the input" in c.hint


def test_chain_rule_terms_in_the_issue_format():
    def pow_without_k(self, k):                  # forgets the factor k of k x**(k-1)
        out = type(self)(self.data ** k, (self,), f"**{k}")

        def _backward():
            self.grad += self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    c = compare(square, s.micrograd_class("PowWithoutK", __pow__=pow_without_k))
    assert (c.first_wrong, c.first_wrong_quantity) == ("e", "grad")
    assert "grad e = 2 × e × grad f = 2 × −6 × 1 = −12" in str(c)
    assert "expected grad e = −12, got −6" in str(c)


def test_missing_op_is_reported_with_its_name():
    c = compare(neuron, MicroValue)          # micrograd 0.1.0 has no tanh
    assert not c.ok and c.error is not None
    assert c.error.op == "tanh" and c.error.phase == "forward"
    assert "tanh" in str(c) and "Traceback" not in str(c)


def test_number_on_the_left_is_reported_with_the_op():
    def build(V):
        a = V(2.0)
        L = 2 * a
        return {"a": a, "L": L}
    c = compare(build, s.TinyValue)
    assert c.error is not None and c.error.kind == "TypeError"
    assert c.error.op.startswith("*")
    assert "__rmul__" in c.error.hint
    assert "L = 2 * a" in c.error.where


def test_error_inside_a_method_names_the_method():
    class Broken(MicroValue):
        def __add__(self, other):
            return MicroValue(self.data + other.data, (self, other), "+")   # no wrapping
    def build(V):
        a = V(2.0)
        return {"a": a, "L": a + 1}
    c = compare(build, Broken)
    assert c.error.op == "+" and "Broken.__add__" in c.error.where
    assert "wrap numbers" in c.error.hint


def test_recursion_error_in_backward_is_reported_in_words():
    def deep(V):
        a = V(1.0)
        v = a
        for _ in range(3000):
            v = v + 1.0
        return {"a": a, "L": v}
    c = compare(deep, MicroValue)
    assert c.error is not None and c.error.is_recursion
    assert c.error.recursion_depth > 100
    assert "build_topo" in c.error.hint and "loop" in c.error.hint


def test_student_node_of_another_type_is_reported():
    class ReturnsFloat(MicroValue):
        def __mul__(self, other):
            return self.data * (other.data if isinstance(other, MicroValue) else other)
    c = compare(lecture, ReturnsFloat)
    assert c.error is not None and "not a ReturnsFloat" in c.error.message
    assert c.error.op == "*"


@pytest.mark.parametrize("result, error, words", [
    (lambda V: [V(1.0)], TypeError, "must return a dict"),
    (lambda V: {}, BuildError, "empty dict"),
    (lambda V: {"a": V(1.0), "x": 2.0}, TypeError, "node 'x' is not a Value"),
    (lambda V: {"a": V(math.nan)}, BuildError, "node 'a' has data nan"),
    (lambda V: {"a": V(1.0).log() if V is Value else V(1.0), "b": V(-1.0).log()},
     BuildError, "failed with micrograd_ed's own Value"),
])
def test_bad_builds_raise_clear_errors(result, error, words):
    with pytest.raises(error, match=words):
        compare(result, MicroValue)


def test_bad_arguments():
    with pytest.raises(TypeError, match="must be a class"):
        compare(lecture, MicroValue(1.0))
    with pytest.raises(TypeError, match="build must be a function"):
        compare({"a": 1}, MicroValue)
    with pytest.raises(ValueError, match="atol"):
        compare(lecture, MicroValue, atol=-1)


def test_assert_matches_fails_with_the_report():
    assert assert_matches(lecture, MicroValue).ok
    with pytest.raises(AssertionError, match="first wrong node is a"):
        assert_matches(reuse, s.OverwritingMul)


def test_diagram_marks_the_wrong_node_and_its_edges():
    c = compare(reuse, s.OverwritingMul)
    d = c.diagram()
    src = d.source
    order_labels = [line for line in src.splitlines()
                    if 'label="a   <- first wrong (grad)\\n' in line]
    assert order_labels and "peripheries=2" in order_labels[0]
    assert "yours -60 (wrong)" in src
    assert src.count('style="dashed"') == 2          # the two shares of grad a
    assert "first wrong node a" in src and "dashed edges" in src
    svg = html.unescape(d.svg()).replace("\xa0", " ")
    assert "yours -60 (wrong)" in svg


def test_diagram_marks_the_op_that_raised():
    src = compare(neuron, MicroValue).diagram().source
    tanh = [line for line in src.splitlines() if 'label="tanh"' in line]
    assert tanh and "dashed" in tanh[0]
    assert "raised AttributeError in tanh" in src and "dashed ellipse: that op" in src


def test_diagram_of_a_passing_comparison_has_no_marks():
    src = compare(lecture, MicroValue).diagram().source
    assert "peripheries" not in src and 'style="dashed"' not in src
    assert "every named node agrees" in src


def test_student_nan_is_a_wrong_number_not_an_error():
    def nan_mul(self, other):
        other = other if isinstance(other, type(self)) else type(self)(other)
        out = type(self)(float("nan"), (self, other), "*")
        return out
    c = compare(lecture, s.micrograd_class("NanMul", __mul__=nan_mul))
    assert c.error is None and (c.first_wrong, c.first_wrong_quantity) == ("e", "data")
    assert "got nan" in str(c)


def test_student_data_that_is_not_a_number():
    class StrData(MicroValue):
        def __init__(self, data, *args):
            super().__init__(data, *args)
            self.data = "two"
    c = compare(lambda V: {"a": V(2.0)}, StrData)
    assert c.error is not None and "'a'" in c.error.message and "not a number" in c.error.message


def test_a_student_repr_that_raises_does_not_escape():
    class BadRepr:
        def __repr__(self):
            raise RuntimeError("no repr")

    class Weird(MicroValue):
        def __mul__(self, other):
            return BadRepr()
    c = compare(lambda V: {"a": V(2.0), "L": V(2.0) * 3}, Weird)
    assert c.error is not None and "whose repr raised RuntimeError" in c.error.message
