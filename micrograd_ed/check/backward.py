"""`check_backward`: a student's own backward function, on every graded graph.

The student writes ``fn(root)``, which must fill ``.grad`` of every node of root's graph using
only ``.parents``, ``.local_grads`` and ``.grad`` (and set ``root.grad = 1`` itself). For each
case of :mod:`micrograd_ed.check.cases` the graph is built twice with micrograd_ed's Value:
once for ``Value.backward()`` (the expected grads), once, grads at 0, for ``fn``. The first
node whose grad differs, in backward order (nearest the output first), is reported with a
hint when the numbers match a known mistake (see :mod:`micrograd_ed.check.hints`):

* ``=`` instead of ``+=`` -- a reused node gets one share only;
* edges skipped -- parents deduplicated (``set(parents)``), so ``a*a`` counts once;
* a node processed before all its users -- breadth-first (or any non-topological) order;
* the chain rule's ``× grad u`` left out;
* a sign flipped; shares added twice (a node visited more than once);
* the output's grad never set to 1;
* recursion too deep -- a recursive topological sort on the 5,000-deep chain.
"""

from __future__ import annotations

import math
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from micrograd_ed.check import findings
from micrograd_ed.check.budget import DEFAULT_SECONDS, CaseTimeout, check_seconds, time_budget
from micrograd_ed.check.cases import LIMIT, Case, engine_cases
from micrograd_ed.check.cases_report import CasesReport
from micrograd_ed.check.compare import reference
from micrograd_ed.check.explain import Namer, distinct, explain_grad, users
from micrograd_ed.check.guard import StudentError, default_recursion_limit, safe_repr, student_error
from micrograd_ed.check.hints import grad_hint
from micrograd_ed.check.order import forward_order, listed_twice
from micrograd_ed.check.orders import chosen_orders
from micrograd_ed.engine import Value, topological_order
from micrograd_ed.engine.memory import paused_gc

RUNS = 20          # fresh graphs per case, each with its own set orders (see compare.RUNS)


@dataclass
class BackwardCase:
    """One graph: ``ok``; for a failure, the first wrong ``node`` (its label), the expected
    and received grads, the chain rule of the expected one, and the ``hint``."""

    name: str
    ok: bool
    message: str
    formula: str = ""
    node: str | None = None
    expected: float | None = None
    got: float | None = None
    explanation: str = ""
    hint: str = ""
    error: StudentError | None = field(default=None, repr=False)
    timed_out: bool = False         # ran out of its time budget
    skipped: bool = False           # not run, after an earlier graph ran out of time


@dataclass
class BackwardReport(CasesReport):
    """What :func:`check_backward` found: ``.ok``, ``.cases``, ``.first_failure``, ``.hint``."""

    function: str
    cases: list[BackwardCase]

    def __str__(self) -> str:
        passed = sum(c.ok for c in self.cases)
        lines = [f"check_backward({self.function}): {passed} of {len(self.cases)} graphs right"]
        width = max(len(c.name) for c in self.cases)
        for c in self.cases:
            lines.append(f"  {'✓' if c.ok else '✗'} {c.name:<{width}}  {c.message}")
        f = self.first_failure
        if f is not None:
            lines += ["", f"first failing graph: {f.name} ({f.formula})"]
            if f.error is not None:
                lines.append("  " + str(f.error).replace("\n", "\n  "))
            else:
                se, sg = distinct(f.expected, f.got)
                lines.append(f"  first wrong node (in backward order): {f.node}: "
                             f"expected grad {se}, got {sg}")
                lines.append(f"  {f.explanation}")
                if f.hint:
                    lines.append(f"  hint: {f.hint}")
        return "\n".join(textwrap.fill(x, 100, subsequent_indent="      ") if len(x) > 100
                         else x for line in lines for x in line.split("\n"))

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": str(self)}


def check_backward(fn: Callable[[Value], object], *, atol: float = 1e-9,
                   rtol: float = 1e-6, time_limit: float | None = DEFAULT_SECONDS,
                   runs: int = RUNS) -> BackwardReport:
    """Run ``fn(root)`` on every graded graph and compare each node's grad with
    ``Value.backward()``'s; see the module's docstring. Each graph is built afresh ``runs``
    times (in both operand orders where it has reuse); ``time_limit`` seconds per graph."""
    if not callable(fn):
        raise TypeError(f"check_backward expects a function fn(root), got {type(fn).__name__}")
    seconds = check_seconds(time_limit, "check_backward")
    name = getattr(fn, "__name__", type(fn).__name__)
    results: list[BackwardCase] = []
    for case in engine_cases():
        if case.kind == LIMIT and case.op:          # huge inputs: the op's, not backward's
            continue
        if results and results[-1].timed_out or results and results[-1].skipped:
            results.append(BackwardCase(case.name, False, "not run: your backward ran out of "
                                        "time in an earlier graph", case.formula,
                                        skipped=True))
            continue
        n = 1 if case.big else max(runs, len(case.builds))
        if case.big:
            with paused_gc(), default_recursion_limit() as limit:
                results.append(_repeat(case, fn, limit, atol, rtol, n, seconds))
        else:
            results.append(_repeat(case, fn, None, atol, rtol, n, seconds))
    return BackwardReport(name, results)


def _repeat(case: Case, fn: Callable, limit: int | None, atol: float, rtol: float, n: int,
            seconds: float | None) -> BackwardCase:
    """The case ``n`` times on fresh graphs; results that differ between runs are said."""
    keep: list = []
    deadline = None if seconds is None else time.monotonic() + seconds
    outcomes = []
    for k in range(n):
        build = case.builds[k % len(case.builds)]
        left = None if deadline is None else max(deadline - time.monotonic(), 1e-3)
        try:
            with time_budget(left, f"the graph {case.name!r}", student=fn):
                out = _run(case, build, fn, limit, atol, rtol, keep, k)
        except CaseTimeout as t:
            err = student_error(t, "backward", None, getattr(fn, "__code__", None),
                                "your backward")
            return BackwardCase(case.name, False, findings.timeout(case.name, seconds or 0,
                                                                   err.where), case.formula,
                                timed_out=True)
        outcomes.append(out)
    first = next((o for o in outcomes if not o.ok), outcomes[0])
    kinds: dict[int, set] = {}                  # per build: the outcomes seen
    for k, o in enumerate(outcomes):
        kinds.setdefault(k % len(case.builds), set()).add(
            (o.ok, o.node, o.got if o.got is None or o.got == o.got else "nan"))
    unstable = any(len(v) > 1 for v in kinds.values())
    if unstable and first.node is not None and first.expected is not None:
        right = sum(o.ok for o in outcomes)
        seen = [o.got for o in outcomes if o.node == first.node and o.got is not None]
        seen += [first.expected] * sum(o.ok for o in outcomes)
        first.message = findings.unstable(right, len(outcomes), first.node, "grad", seen,
                                          first.expected)
        first.hint = first.message
    return first


def _run(case: Case, build: Callable, fn: Callable, limit: int | None, atol: float,
         rtol: float, keep: list, seed: int) -> BackwardCase:
    expected = reference(build)
    root = list(expected.values())[-1]
    order = topological_order(root)
    theirs = reference(build)                       # the same graph again, for the student
    keep.append(theirs)
    their_root = list(theirs.values())[-1]
    their_order = topological_order(their_root)
    for v in their_order:
        v.grad = 0.0
    try:
        with chosen_orders(Value, seed):            # the sets fn builds: orders of run `seed`
            fn(their_root)
    except Exception as e:
        err = student_error(e, "backward", None, getattr(fn, "__code__", None),
                            "your backward", limit)
        msg = f"{err.kind}: {err.message}"
        if err.is_recursion:
            msg = (f"RecursionError: recursion too deep (depth {err.recursion_depth:,} at "
                   f"Python's default limit of {limit or 1000:,})")
        return BackwardCase(case.name, False, msg, case.formula, error=err, hint=err.hint)
    for k in range(len(order) - 1, -1, -1):         # backward order: nearest the root first
        ref, got_v = order[k], their_order[k]
        got = _grad(got_v)
        want = float(ref.grad)
        if got is None or not (math.isfinite(got) and abs(got - want) <= atol + rtol * abs(want)):
            namer = Namer(root, {v: n for n, v in expected.items()})
            out = users(root)
            used = out.get(ref, [])
            node = namer.subject(ref)
            if got is None:
                msg = f"{node}.grad is not a number: {safe_repr(got_v.grad, 40)}"
                return BackwardCase(case.name, False, msg, case.formula, node, want, math.nan)
            grads = {r: g for r, t in zip(order, their_order)
                     if (g := _grad(t)) is not None}
            hint = (forward_order(root, grads, atol, rtol) or
                    listed_twice(root, grads, namer.subject, atol, rtol) or
                    grad_hint(ref, got, used, root, namer, out, atol, rtol))
            se, sg = distinct(want, got)
            return BackwardCase(case.name, False, f"first wrong: grad {node} = {sg}, "
                                f"expected {se}", case.formula, node, want, got,
                                explain_grad(ref, namer, used, root), hint)
    return BackwardCase(case.name, True, case.formula, case.formula)


def _grad(v: Value) -> float | None:
    try:
        return float(v.grad)
    except (TypeError, ValueError, OverflowError):
        return None
