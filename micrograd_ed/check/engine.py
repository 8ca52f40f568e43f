"""`check_engine`: a student's whole value class against every graded graph.

Each case of :mod:`micrograd_ed.check.cases` is run through :func:`compare_builds`: built
afresh several times, in both operand orders where it has reuse, under a time budget, so the
verdict does not depend on set order or luck. Each op is also checked on its own, so a
missing op never hides a wrong one; cases that need an op the class does not define are
listed as not checked. The deep chain and the big sum run at Python's default recursion
limit with the garbage collector paused. A ladder ``v = v*c + v`` of a few levels tells
whether backward is exponential in depth.

A finding is of one of two kinds: a wrong value or gradient (or an error at an ordinary
input), or a limit of the engine (a recursion too deep, an overflow at a huge input, time).
``report.ok`` is strict (no finding of either kind); ``report.gradients_ok`` asks only
for the first. Calling backward twice is reported as information: PyTorch's rule is that
leaf grads accumulate (2x after two calls) and interior grads are not kept.
"""

from __future__ import annotations

import sys

from micrograd_ed.check import findings, growth
from micrograd_ed.check.budget import DEFAULT_SECONDS, check_seconds
from micrograd_ed.check.cases import CHAIN_DEPTH, LIMIT, Case, engine_cases, lacks
from micrograd_ed.check.compare import Comparison, compare_builds, driver_for
from micrograd_ed.check.crosscheck import crosscheck
from micrograd_ed.check.driver import Driver
from micrograd_ed.check.explain import distinct
from micrograd_ed.check.graphs import REFUSABLE
from micrograd_ed.check.guard import default_recursion_limit
from micrograd_ed.check.result import (
    FAIL,
    LIMIT_HIT,
    MISSING,
    PASS,
    SKIPPED,
    CaseResult,
    EngineReport,
)
from micrograd_ed.check.twice import backward_twice
from micrograd_ed.engine import ops
from micrograd_ed.engine.memory import paused_gc
from micrograd_ed.foreign import Names

ATOL, RTOL = 1e-12, 1e-9      # to the last digits: an engine that adds 1e-8 is told so


def check_engine(ValueClass: type, *, time_limit: float | None = DEFAULT_SECONDS,
                 runs: int | None = None, atol: float = ATOL, rtol: float = RTOL,
                 names: Names | None = None, **given: str | None) -> EngineReport:
    """Run every graded case with ``ValueClass``; see the module's docstring.

    ``time_limit``: seconds for each case (None: no limit). ``runs``: how many fresh graphs
    per case (default: each case's own, 20 for small graphs). ``grad=``, ``backward=``,
    ``parents=``, ``data=`` (or ``names=``) say the engine's attribute names, as in
    ``check_engine(V, grad="grade", backward="backwardpropagation")``; the others are
    detected, and the report says what was found and assumed. Numbers agree when
    ``|got − expected| ≤ atol + rtol·|expected|`` (by default to about 9 digits: the
    graded graphs are computed with the same ops, so a right engine agrees to the last few).
    """
    drv = driver_for(ValueClass, names, given, "check_engine")
    seconds = check_seconds(time_limit, "check_engine")
    results: list[CaseResult] = []
    failed_ops: set[str] = set()
    hung = ""
    for case in engine_cases(ValueClass):
        if hung:
            results.append(CaseResult(case.name, SKIPPED, f"not run: {hung}", case.formula))
            continue
        missing = lacks(ValueClass, case)
        if missing:
            results.append(CaseResult(case.name, MISSING, f"{ValueClass.__name__} has no "
                                      f"{', '.join(missing)}: not checked", case.formula,
                                      lacking=tuple(missing)))
            continue
        if case.kind == LIMIT and case.op in failed_ops:
            results.append(CaseResult(case.name, SKIPPED, f"not checked: {case.op} already "
                                      f"fails at ordinary inputs (above)", case.formula))
            continue
        r = _run(case, drv, seconds, runs, atol, rtol)
        if r.status == FAIL and case.op:
            failed_ops.add(case.op)
        e = r.comparison.error if r.comparison is not None else None
        if e is not None and e.kind == "Timeout":
            hung = f"{e.op or 'your code'} ran out of time in the case {case.name!r}"
        elif e is not None and e.kind == "HiddenMethod":
            hung = f"L.{drv.names.backward}() is hidden by an attribute (see {case.name!r})"
        results.append(r)
    crosscheck(results, {c.name: c for c in engine_cases(ValueClass)}, _failure)
    if not hung:
        results.append(_growth(drv, seconds))
        results.insert(_after(results, "sum of"), backward_twice(drv))
    return EngineReport(ValueClass.__name__, results, list(drv.notes))


def _after(results: list[CaseResult], prefix: str) -> int:
    for k, r in enumerate(results):
        if r.name.startswith(prefix):
            return k + 1
    return len(results)


def _run(case: Case, drv: Driver, seconds: float | None, runs: int | None, atol: float,
         rtol: float) -> CaseResult:
    n = case.runs if runs is None else (min(runs, case.runs) if case.big else runs)
    before = sys.getrecursionlimit()
    if case.big:
        with paused_gc(), default_recursion_limit() as limit:
            c = compare_builds(case.builds, drv, runs=n, time_limit=seconds, case=case.name,
                               atol=atol, rtol=rtol)
    else:
        limit = None
        c = compare_builds(case.builds, drv, runs=n, time_limit=seconds, case=case.name,
                           atol=atol, rtol=rtol)
    if c.ok:
        return CaseResult(case.name, PASS, case.formula, case.formula, c)
    e = c.error
    if (case.name == REFUSABLE and e is not None and e.phase == "forward"
            and e.kind in ("AssertionError", "TypeError", "NotImplementedError")):
        return CaseResult(case.name, MISSING, f"not checked: your ** does not take a node as "
                          f"exponent ({e.kind}: {e.message})", case.formula, c)
    status = _kind(c, case)
    return CaseResult(case.name, status, _failure(c, case, limit, before, seconds),
                      case.formula, c)


def _kind(c: Comparison, case: Case) -> str:
    """A limit (recursion, time, a huge input) or a wrong result (FAIL)."""
    e = c.error
    if e is not None and (e.is_recursion or e.kind == "Timeout"):
        return LIMIT_HIT
    return LIMIT_HIT if case.kind == LIMIT and case.op else FAIL


def _failure(c: Comparison, case: Case, limit: int | None, before: int,
             seconds: float | None) -> str:
    e = c.error
    if e is not None and e.is_recursion:
        graph = (f"this {CHAIN_DEPTH:,}-deep chain" if case.name.startswith("deep chain")
                 else "this graph")
        return findings.recursion(e.op or e.phase, e.recursion_depth, graph,
                                  limit or sys.getrecursionlimit(), before if limit else None)
    if e is not None and e.kind == "Timeout":
        return findings.timeout(case.name, seconds or 0.0, e.where)
    if e is not None:
        hint = e.hint or (_overflow_hint(case.op) if e.kind == "OverflowError" else "")
        return str(e).split("\n")[0] + (f"\n  hint: {hint}" if hint else "")
    row = c.first_wrong_row
    q = c.first_wrong_quantity
    exp, got = (row.expected_data, row.got_data) if q == "data" else (
        row.expected_grad, row.got_grad)
    if c.twice:
        also = (f" Its results also differ between runs on fresh graphs (right in "
                f"{c.right_runs} of {c.runs})." if c.unstable else "")
        return findings.twice(c.twice) + also
    if c.unstable:
        return findings.unstable(c.right_runs, c.runs, row.name, q, c.seen, exp)
    shown_exp, shown_got = distinct(exp, got)
    text = f"first wrong: {q} {row.name} = {shown_got}, expected {shown_exp}"
    return text + (f"\n  hint: {c.hint}" if c.hint else "")


def _growth(drv: Driver, seconds: float | None) -> CaseResult:
    name, formula = "sort time", "backward() on ladders v = v*c + v of 4 to 10 levels"
    g = growth.measure(drv, seconds)
    if g is None:
        return CaseResult(name, MISSING, "not checked: backward() fails on the ladder "
                          "(see the cases above)", formula)
    if g.exponential:
        return CaseResult(name, LIMIT_HIT, g.sentence(), formula)
    return CaseResult(name, PASS, f"{formula}: grows with the number of nodes, not paths",
                      formula)


def _overflow_hint(op: str) -> str:
    """How to compute ``op`` without overflow: the op table's stable formula."""
    entry = ops.UNARY.get(op)
    if entry is None:
        return "a float overflows above about 1.8e308: keep exp() of large numbers out"
    if entry.stable:
        return f"exp of a large number overflows; compute it the stable way: {entry.stable}"
    return f"exp of a large number overflows ({entry.domain or 'keep its argument small'})"

