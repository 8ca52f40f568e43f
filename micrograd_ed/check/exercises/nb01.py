"""Checks of notebook 1, "Values and the chain rule".

* 1.1 :func:`sign_flips` -- which gradients change sign when f goes from -2 to 3;
* 1.2 :func:`difference_of_squares` -- L = (a + b)(a - b) built from Values, and backward();
* 1.3 :func:`sum_passes_gradient` -- the local derivatives of ``+`` and the chain rule for c.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from micrograd_ed.check.exercises import Mistake, Part, Tally, blank, exercise
from micrograd_ed.engine import Value, topological_order


@exercise("1.1", "predict the sign flips", "your prediction")
def sign_flips(t: Tally, my_prediction: Iterable[str], before: Sequence[Value],
               after: Sequence[Value]) -> None:
    """``my_prediction``: the labels whose gradient flips sign between ``before`` and ``after``."""
    blank(my_prediction, "my_prediction")
    with t.part("your prediction"):
        if isinstance(my_prediction, str):
            raise Mistake(f"my_prediction is the string {my_prediction!r}; write a set of "
                          "labels, e.g. {\"a\", \"c\"}")
        guess = {str(x) for x in my_prediction}
        flipped = {old.label for old, new in zip(before, after) if old.grad * new.grad < 0}
        labels = {v.label for v in before}
        unknown = sorted(guess - labels)
        if unknown:
            raise Mistake(f"{unknown[0]!r} is not one of the labels {sorted(labels)}")
        if guess == flipped:
            return
        wrong_in, left_out = sorted(guess - flipped), sorted(flipped - guess)
        parts = []
        if wrong_in:
            parts.append(f"{', '.join(wrong_in)} did not change sign")
        if left_out:
            parts.append(f"{', '.join(left_out)} changed sign too")
        hint = "which gradients have f as a factor on their path to L?"
        if "f" in wrong_in:
            hint = "dL/df = d, and d = a·b + c does not contain f at all"
        raise Mistake("not quite: " + " and ".join(parts), hint)


@exercise("1.2", "L = (a + b)(a - b)", "the expression", "dL/da = 2a", "dL/db = -2b")
def difference_of_squares(t: Tally, a: Value, b: Value, L: Value) -> None:
    """L built from the Values a and b, then L.backward()."""
    blank(L, "L2")
    with t.part("the expression"):
        if not isinstance(L, Value):
            raise Mistake(f"L2 is a {type(L).__name__}, not a Value",
                          "build it from the Values a2 and b2, not from their .data")
        inside = {id(v) for v in topological_order(L)}
        if id(a) not in inside or id(b) not in inside:
            raise Mistake("L2 is not built from the Values a2 and b2, so backward() cannot "
                          "reach them", "use a2 and b2 themselves, not a2.data, b2.data or "
                          "new Values")
        want = a.data**2 - b.data**2
        if not math.isclose(L.data, want, rel_tol=1e-12, abs_tol=1e-12):
            raise Mistake(f"L2 = {L.data:g}, but (a + b)(a - b) = a² - b² = {want:g}",
                          "check the expression, e.g. a - b rather than b - a")
    for name, v, want, formula in (("dL/da = 2a", a, 2 * a.data, "2a"),
                                   ("dL/db = -2b", b, -2 * b.data, "-2b")):
        with t.part(name):
            if v.grad == 0 and want != 0:
                raise Mistake(f"{v.label or 'the input'}.grad is 0: backward() has not run",
                              "call L2.backward() after building L2")
            if math.isclose(v.grad, 2 * want, rel_tol=1e-9):
                raise Mistake(f"grad {v.label} = {v.grad:g} is twice {formula} = {want:g}",
                              "backward() adds into .grad: build a2 and b2 afresh (run the "
                              "whole cell) or call zero_grad(L2) before a second backward()")
            if not math.isclose(v.grad, want, rel_tol=1e-9, abs_tol=1e-12):
                raise Mistake(f"grad {v.label} = {v.grad:g}, but {formula} = {want:g}")


@exercise("1.3", "why dL/dc = dL/de", "the local derivatives of +",
          Part("dL/dc by the chain rule"))
def sum_passes_gradient(t: Tally, my_local_e: object, my_local_c: object, my_dL_dc: object,
                        d: Value, c: Value, e: Value) -> None:
    """``d = e + c``: both local derivatives 1, so dL/dc = dL/dd · 1."""
    blank(my_local_e, "my_local_e")
    blank(my_local_c, "my_local_c")
    with t.part("the local derivatives of +"):
        for name, got in (("dd/de", my_local_e), ("dd/dc", my_local_c)):
            got = float(got)
            if got == 1:
                continue
            if got in (c.data, e.data):
                raise Mistake(f"{name} = {got:g} is the other operand: that is the local "
                              "derivative of *, not of +",
                              "d = e + c grows by exactly as much as e (or c) grows")
            raise Mistake(f"{name} = {got:g}; d = e + c", "how much does e + c grow when e "
                          "grows by 1?")
    blank(my_dL_dc, "my_dL_dc")
    with t.part("dL/dc by the chain rule"):
        got = float(my_dL_dc)
        if math.isclose(got, c.grad) and got == d.grad * float(my_local_c):
            return
        if math.isclose(got, float(my_local_c)):
            raise Mistake(f"my_dL_dc = {got:g} is the local derivative alone",
                          "the chain rule multiplies it by the gradient that reaches d, d.grad")
        raise Mistake(f"my_dL_dc = {got:g}, but backward() gave dL/dc = {c.grad:g}",
                      "dL/dc = dL/dd · dd/dc: write it with d.grad and my_local_c")
