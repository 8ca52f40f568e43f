"""`check_engine`: a student's whole value class against every graded graph.

Each case of :mod:`micrograd_ed.check.cases` is run through :func:`compare`; the deep chain
and the big sum run at Python's default recursion limit with the garbage collector paused.
Ops the class does not define (tanh, exp, log, relu, sigmoid, ``**``) are listed as
missing, not failed. Calling backward twice is reported as information: PyTorch's rule is
that leaf grads accumulate (2x after two calls) and interior grads are not kept.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from micrograd_ed.check.cases import (
    CHAIN_DEPTH,
    Case,
    backward_twice_graph,
    engine_cases,
    has_op,
)
from micrograd_ed.check.compare import Comparison, compare
from micrograd_ed.check.explain import num
from micrograd_ed.check.guard import default_recursion_limit, safe_repr, student_error
from micrograd_ed.engine.memory import paused_gc

PASS, FAIL, MISSING, INFO = "pass", "fail", "missing", "info"
_MARK = {PASS: "\u2713", FAIL: "\u2717", MISSING: "-", INFO: "i"}


@dataclass
class CaseResult:
    """One case: ``ok`` is False only for a real failure (a missing op or information is ok)."""

    name: str
    status: str
    message: str
    formula: str = ""
    comparison: Comparison | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.status != FAIL


@dataclass
class EngineReport:
    """What :func:`check_engine` found: ``.ok``, ``.cases``, ``.missing``, and ``str()``."""

    class_name: str
    cases: list[CaseResult]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.cases)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def failed(self) -> list[CaseResult]:
        return [c for c in self.cases if c.status == FAIL]

    @property
    def missing(self) -> list[str]:
        return [c.name for c in self.cases if c.status == MISSING]

    def case(self, name: str) -> CaseResult:
        for c in self.cases:
            if c.name == name or c.name.startswith(name):
                return c
        raise KeyError(f"no case {name!r}; the cases are {', '.join(c.name for c in self.cases)}")

    def __str__(self) -> str:
        passed = sum(c.status == PASS for c in self.cases)
        graded = sum(c.status in (PASS, FAIL) for c in self.cases)
        head = f"check_engine({self.class_name}): {passed} of {graded} cases pass"
        if self.failed:
            head += f", {len(self.failed)} fail"
        if self.missing:
            head += f"; not defined (skipped): {', '.join(self.missing)}"
        width = max(len(c.name) for c in self.cases)
        lines = [head]
        indent = " " * (width + 6)
        for c in self.cases:
            wrapped = [w for part in c.message.split("\n")
                       for w in (textwrap.wrap(part.strip(), 100 - len(indent)) or [""])]
            text = ("\n" + indent).join(wrapped)
            lines.append(f"  {_MARK[c.status]} {c.name:<{width}}  {text}")
        first = next((c for c in self.cases
                      if c.status == FAIL and c.comparison is not None), None)
        if first is not None:
            lines += ["", f"first failing case, {first.name} ({first.formula}):",
                      str(first.comparison)]
        return "\n".join(lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": str(self)}


def check_engine(ValueClass: type) -> EngineReport:
    """Run every graded case with ``ValueClass``; see the module's docstring."""
    if not isinstance(ValueClass, type):
        raise TypeError(f"check_engine expects a class (e.g. Value, not Value(1.0)), got "
                        f"{type(ValueClass).__name__} {safe_repr(ValueClass, 40)}")
    results = []
    for case in engine_cases(ValueClass):
        if case.op and not has_op(ValueClass, case.op):
            what = "**" if case.op == "pow" else case.op
            results.append(CaseResult(case.name, MISSING, f"{ValueClass.__name__} has no "
                                      f"{what}: not checked", case.formula))
            continue
        results.append(_run(case, ValueClass))
    results.insert(_after(results, "sum of"), _backward_twice(ValueClass))
    return EngineReport(ValueClass.__name__, results)


def _after(results: list[CaseResult], prefix: str) -> int:
    for k, r in enumerate(results):
        if r.name.startswith(prefix):
            return k + 1
    return len(results)


def _run(case: Case, cls: type) -> CaseResult:
    if case.big:
        with paused_gc(), default_recursion_limit() as limit:
            c = compare(case.build, cls)
    else:
        limit, c = None, compare(case.build, cls)
    if c.ok:
        return CaseResult(case.name, PASS, case.formula, case.formula, c)
    return CaseResult(case.name, FAIL, _failure(c, case, limit), case.formula, c)


def _failure(c: Comparison, case: Case, limit: int | None) -> str:
    e = c.error
    if e is not None and e.is_recursion:
        graph = (f"this {CHAIN_DEPTH:,}-deep chain" if case.name.startswith("deep chain")
                 else "this graph")
        at = (f"Python's default recursion limit ({limit:,})" if limit
              else "Python's recursion limit")
        return (f"RecursionError in {e.op or e.phase}: the topological sort recurses, one "
                f"call per level, and at {at} it broke at depth {e.recursion_depth:,} of "
                f"{graph}. Sort with a loop and an explicit stack instead.")
    if e is not None:
        return str(e).split("\n")[0] + (f"\n  hint: {e.hint}" if e.hint else "")
    row = c.first_wrong_row
    q = c.first_wrong_quantity
    exp, got = (row.expected_data, row.got_data) if q == "data" else (
        row.expected_grad, row.got_grad)
    text = f"first wrong: {q} {row.name} = {num(got)}, expected {num(exp)}"
    return text + (f"\n  hint: {c.hint}" if c.hint else "")


def _backward_twice(cls: type) -> CaseResult:
    """Call backward() twice on L = (a*b)*c and compare the leaf grads with one call's."""
    name, formula = "backward twice", "L = (a*b)*c, L.backward() called twice"
    from micrograd_ed.check.compare import reference

    once = reference(backward_twice_graph)
    calls = 0
    try:
        nodes = backward_twice_graph(cls)
        root = nodes["L"]
        root.backward()
        calls = 1
        root.backward()
        calls = 2
        grads = {k: float(nodes[k].grad) for k in ("a", "b", "c")}
    except Exception as e:
        err = student_error(e, "backward", cls)
        if calls == 0:
            return CaseResult(name, INFO, f"not run: building the graph or the first "
                              f"backward() raised {err.kind}: {err.message}", formula)
        return CaseResult(name, INFO, f"the second call raised {err.kind}: {err.message} "
                          f"(PyTorch also refuses a second backward through the same graph "
                          f"unless retain_graph=True)", formula)
    ratios = {k: grads[k] / float(once[k].grad) for k in grads}
    shown = ", ".join(f"grad {k} = {num(r)} \u00d7 one call's" for k, r in ratios.items())
    if all(abs(r - 2) < 1e-9 for r in ratios.values()):
        verdict = ("leaf grads accumulate over calls, as in PyTorch (with retain_graph=True): "
                   "zero them before each step")
    elif all(abs(r - 1) < 1e-9 for r in ratios.values()):
        verdict = ("each call starts again from zero; PyTorch instead accumulates into the "
                   "leaves (2\u00d7 after two calls)")
    else:
        verdict = ("interior grads kept from the first call were passed on again; PyTorch "
                   "accumulates only into the leaves (2\u00d7 after two calls). Reset every "
                   "interior node's grad to 0 at the start of backward()")
    return CaseResult(name, INFO, f"{shown}: {verdict}", formula)
