"""Checks of notebook 3, "Gradient checking".

* 3.1 :func:`too_small_step` -- gradcheck with a step far below 1e-6, and whether it passes;
* 3.2 :func:`fixed_softmax` -- the softmax cross-entropy with its denominator in the graph;
* 3.3 :func:`differences` -- the central and forward differences, and why w² has no
  truncation error.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from micrograd_ed.check.exercises import Mistake, Part, Tally, blank, exercise
from micrograd_ed.engine import Value
from micrograd_ed.gradcheck import GradcheckResult, gradcheck


@exercise("3.1", "a too-small step", "a run with a much smaller step", "does it pass?")
def too_small_step(t: Tally, tiny: object, result: GradcheckResult, my_passes: object) -> None:
    """``tiny``: gradcheck of the same neuron with a step far below 1e-6."""
    blank(tiny, "tiny")
    with t.part("a run with a much smaller step"):
        if not isinstance(tiny, GradcheckResult):
            raise Mistake(f"tiny is a {type(tiny).__name__}, not what gradcheck returns",
                          "tiny = gradcheck(neuron_loss, neuron.parameters(), eps=...)")
        if len(tiny.numeric) != len(result.numeric):
            raise Mistake(f"tiny checks {len(tiny.numeric)} inputs, the neuron has "
                          f"{len(result.numeric)} parameters",
                          "pass neuron.parameters() as the inputs")
        ratio = tiny.max_abs_error / max(result.max_abs_error, 1e-300)
        if ratio < 100:
            raise Mistake(f"the largest error is {tiny.max_abs_error:.1e}, {ratio:.2g} × that "
                          "with eps=1e-6: that step is not far on the rounding side",
                          "use a much smaller step: eps=1e-12 (or 1e-8, 1e-10)")
    blank(my_passes, "my_passes")
    with t.part("does it pass?"):
        if not isinstance(my_passes, bool):
            raise Mistake(f"my_passes is {my_passes!r}; write True or False")
        if my_passes != tiny.ok:
            raise Mistake(f"you wrote {my_passes}, but gradcheck "
                          f"{'passed' if tiny.ok else 'failed'} (its first line says so)",
                          "read the report's first line, and the 'mismatch' marks")


def _ce_reference(zs: Sequence[float], target: int) -> float:
    m = max(zs)
    return -(zs[target] - m - math.log(sum(math.exp(z - m) for z in zs)))


@exercise("3.2", "fix the bug", "the loss value", "gradcheck passes",
          Part("gradcheck passes at other scores", hidden=True))
def fixed_softmax(t: Tally, my_ce: Callable, scores: Sequence[Value], target: int) -> None:
    """my_ce(zs): -log softmax(zs)[target], with the denominator built from Values."""
    with t.part("the loss value"):
        out = my_ce(scores)
        if not isinstance(out, Value):
            raise Mistake(f"my_ce returned a {type(out).__name__}, not a Value")
        want = _ce_reference([z.data for z in scores], target)
        if not math.isclose(out.data, want, rel_tol=1e-9):
            raise Mistake(f"my_ce gives {out.data:.6g}, but -log softmax(z)[y] = {want:.6g}")
    for part, zs in (("gradcheck passes", scores),
                     ("gradcheck passes at other scores",
                      [Value(v, label=f"z{k}") for k, v in enumerate((-1.5, 0.25, 3.0))])):
        with t.part(part):
            res = gradcheck(my_ce, zs)
            if not res.ok:
                wrong = [lab for lab, a, n in zip(res.labels, res.analytic, res.numeric)
                         if abs(a - n) > 1e-4 * max(1.0, abs(n))]
                raise Mistake(f"gradcheck fails: backward() and the central differences "
                              f"disagree for {', '.join(wrong) or 'some input'}",
                              "the loss value is right, so part of it is outside the graph: "
                              "is the denominator a sum of Values (sum(exps)), not of floats "
                              "(e.data)?")


def _cube(w: float) -> float:
    return w**3


@exercise("3.3", "no truncation at all", "the central difference", "the forward difference",
          "why w² has none")
def differences(t: Tally, central: Callable, forward: Callable,
                my_third_derivative: object) -> None:
    """central(f, w, d) and forward(f, w, d) on w³; L''' of w²."""
    w, d = 1.3, 0.1
    with t.part("the central difference"):
        got = central(_cube, w, d)
        blank(got, "what central returns")
        want = (_cube(w + d) - _cube(w - d)) / (2 * d)
        if math.isclose(got, 2 * want, rel_tol=1e-9):
            raise Mistake(f"central(w³, 1.3, 0.1) = {got:.6g}, twice the central difference",
                          "its two points w + Δ and w - Δ are 2Δ apart: divide by 2Δ")
        if not math.isclose(got, want, rel_tol=1e-9):
            raise Mistake(f"central(w³, 1.3, 0.1) = {got:.6g}, but (L(w+Δ) - L(w-Δ))/(2Δ) "
                          f"= {want:.6g}")
    with t.part("the forward difference"):
        got = forward(_cube, w, d)
        blank(got, "what forward returns")
        want = (_cube(w + d) - _cube(w)) / d
        if not math.isclose(got, want, rel_tol=1e-9):
            raise Mistake(f"forward(w³, 1.3, 0.1) = {got:.6g}, but (L(w+Δ) - L(w))/Δ = "
                          f"{want:.6g}")
    blank(my_third_derivative, "my_third_derivative")
    with t.part("why w² has none"):
        if float(my_third_derivative) != 0:
            raise Mistake(f"the third derivative of w² is not {my_third_derivative!r}",
                          "differentiate w² three times: 2w, 2, ...")
