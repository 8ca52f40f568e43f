"""Hints checked against the engine's other cases: a hint one graph's numbers suggest, that
another case the engine passed rules out, is replaced by what the numbers do show.

* A backward that goes inputs-first gets most graphs wrong; an engine that passed a graph
  where that would show did not do it, so ``exp(a*b)`` with grads 0 is not that mistake.
* A local derivative "came out as 0" through an op that passes on its own (the case
  ``a * b``) means that op's step did not run or was replaced: nanoautograd's ``exp`` sets
  ``self._backward``, the step of its operand, instead of ``out._backward``.
"""

from __future__ import annotations

from collections.abc import Callable

from micrograd_ed.check.cases import Case
from micrograd_ed.check.compare import forward_order_shows, without_order_hint
from micrograd_ed.check.explain import users
from micrograd_ed.check.result import FAIL, PASS, CaseResult


def crosscheck(results: list[CaseResult], cases: dict[str, Case], failure: Callable) -> None:
    """Both checks below, in place; ``failure(comparison, case, None, 0, None)`` words a
    failing case again."""
    _drop_disproved_order_hints(results, cases, failure)
    _replaced_steps(results)


def _drop_disproved_order_hints(results: list[CaseResult], cases: dict[str, Case],
                                failure: Callable) -> None:
    """An engine that passed a graph where going inputs-first would show did not go
    inputs-first: a failure elsewhere that looks like it (exp(a*b) with grads 0) gets the
    hint its own numbers give instead."""
    if not any(r.status == PASS and r.comparison is not None and forward_order_shows(
            r.comparison) for r in results):
        return
    for r in results:
        c = r.comparison
        if r.status == FAIL and c is not None and "from the inputs to the output" in c.hint:
            without_order_hint(c)
            r.message = failure(c, cases[r.name], None, 0, None)


_SINGLE = {"+": "a + b", "*": "a * b", "-": "a - b", "/": "a / b"}


def _replaced_steps(results: list[CaseResult]) -> None:
    """A failure blamed on an op's local derivative, where that op passes on its own: its
    step did not run here, or another function ran in its place (an op applied to its
    output that set ``self._backward`` instead of ``out._backward``). Said so."""
    passed = {r.name for r in results if r.status == PASS}
    for r in results:
        c = r.comparison
        if r.status != FAIL or c is None or c.first_wrong_quantity != "grad" or c.error:
            continue
        v = c.nodes[c.first_wrong]
        used = users(c.root).get(v, [])
        if len(used) != 1 or "your local derivative" not in c.hint:
            continue
        u = used[0][0]
        single = _SINGLE.get(u.op)
        if single not in passed:
            continue
        name = {w: n for n, w in c.nodes.items()}
        later = sorted({w.op for w, _ in users(c.root).get(u, [])})
        c.hint = (f"{u.op} gives the right gradients on its own (the case {single!r} passes), "
                  f"so here the step of {name.get(u, 'the ' + u.op + ' node')} did not run or "
                  f"another function ran in its place: the op applied to its output "
                  f"({', '.join(later) or 'none'}) may set self._backward instead of "
                  f"out._backward, replacing the step of its operand.")
        r.message = r.message.split("\n  hint: ")[0] + f"\n  hint: {c.hint}"
