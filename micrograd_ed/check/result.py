"""What :func:`check_engine` found: each case's status, and a report with two kinds of result.

A case passes, fails (a wrong value or gradient, or an error at an ordinary input), hits a
limit (a recursion too deep, an overflow at a huge input, a time budget), is not checked
(the class lacks an op it needs), or is information (calling backward twice). The summary
line says which kind the engine has: ``every gradient right; fails only at depth 5,000
(recursive sort)`` is not the same verdict as ``wrong gradients in 3 cases``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from micrograd_ed.check.compare import Comparison

PASS, FAIL, LIMIT_HIT, MISSING, SKIPPED, INFO = (
    "pass", "fail", "limit", "missing", "skipped", "info")
_MARK = {PASS: "\u2713", FAIL: "\u2717", LIMIT_HIT: "!", MISSING: "-", SKIPPED: "-",
         INFO: "i"}


@dataclass
class CaseResult:
    """One case: ``ok`` is False for a failure or a limit (not checked or information is ok);
    ``lacking`` lists the ops the class does not define, for a case not checked."""

    name: str
    status: str
    message: str
    formula: str = ""
    comparison: Comparison | None = field(default=None, repr=False)
    lacking: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status not in (FAIL, LIMIT_HIT)

    def limit_words(self) -> str:
        """A limit in a few words: ``depth 5,000 (recursive sort)``, ``tanh(400) (overflow)``."""
        c = self.comparison
        e = c.error if c is not None else None
        if self.name == "sort time":
            return "time (exponential sort)"
        if e is not None and e.kind == "Timeout":
            return f"time ({self.name})"
        if e is not None and e.is_recursion:
            what = self.name.split("(")[-1].rstrip(")") if "(" in self.name else self.name
            return f"depth {what} (recursive sort)"
        if e is not None:
            return f"{self.name} ({e.kind})"
        return f"{self.name} (wrong result at a huge input)"


@dataclass
class EngineReport:
    """What :func:`check_engine` found: ``.ok`` (strict), ``.gradients_ok``, ``.summary``,
    ``.cases``, ``.failed``, ``.limits``, ``.missing``, ``.first_finding``, and ``str()``."""

    class_name: str
    cases: list[CaseResult]
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No wrong result and no limit: the engine passed every case it could be given."""
        return all(c.ok for c in self.cases)

    @property
    def gradients_ok(self) -> bool:
        """Every value and gradient right (limits of depth, huge inputs and time aside);
        False too when cases could not run (after a hang)."""
        return not self.failed and not self.not_run

    @property
    def not_run(self) -> list[CaseResult]:
        """Cases that could not run: after a hang, or when backprop was hidden."""
        return [c for c in self.cases if c.status == SKIPPED and c.message.startswith(
            "not run")]

    def __bool__(self) -> bool:
        return self.ok

    @property
    def failed(self) -> list[CaseResult]:
        return [c for c in self.cases if c.status == FAIL]

    @property
    def limits(self) -> list[CaseResult]:
        return [c for c in self.cases if c.status == LIMIT_HIT]

    @property
    def missing(self) -> list[str]:
        """The ops the class does not define (the cases that need them were not checked)."""
        return list(dict.fromkeys(op for c in self.cases for op in c.lacking))

    @property
    def first_finding(self) -> CaseResult | None:
        """The first wrong result, else the first limit, else None."""
        return next(iter(self.failed or self.limits), None)

    def case(self, name: str) -> CaseResult:
        for c in self.cases:
            if c.name == name:
                return c
        for c in self.cases:
            if c.name.startswith(name):
                return c
        raise KeyError(f"no case {name!r}; the cases are {', '.join(c.name for c in self.cases)}")

    @property
    def summary(self) -> str:
        limits = ", ".join(dict.fromkeys(c.limit_words() for c in self.limits))
        if self.failed:
            names = ", ".join(c.name for c in self.failed[:4])
            more = ", ..." if len(self.failed) > 4 else ""
            text = (f"wrong results in {len(self.failed)} case"
                    f"{'s' if len(self.failed) > 1 else ''} ({names}{more})")
            return text + (f"; also fails at {limits}" if limits else "")
        if self.not_run:
            return (f"{len(self.not_run)} cases could not run; fails at {limits}" if limits
                    else f"{len(self.not_run)} cases could not run")
        if limits:
            return f"every gradient right; fails only at {limits}"
        return "every gradient right, no limit hit"

    def __str__(self) -> str:
        return self.text()

    def text(self, passes: bool = True) -> str:
        """The report; ``passes=False`` leaves out the cases that passed or were not
        checked (the summary still counts them)."""
        graded = [c for c in self.cases if c.status in (PASS, FAIL, LIMIT_HIT)]
        passed = sum(c.status == PASS for c in graded)
        head = textwrap.wrap(f"check_engine({self.class_name}): {self.summary}", 100,
                             subsequent_indent="    ")
        lines = [*head,
                 f"  {passed} of {len(graded)} cases pass"
                 + (f"; not defined (skipped): {', '.join(self.missing)}" if self.missing
                    else "")]
        lines += [f"  names: {n}" for n in self.notes]
        width = max(len(c.name) for c in self.cases)
        indent = " " * (width + 6)
        for c in self.cases:
            if not passes and c.status in (PASS, MISSING, SKIPPED):
                continue
            wrapped = [w for part in c.message.split("\n")
                       for w in (textwrap.wrap(part.strip(), 100 - len(indent)) or [""])]
            text = ("\n" + indent).join(wrapped)
            lines.append(f"  {_MARK[c.status]} {c.name:<{width}}  {text}")
        first = self.first_finding
        if first is not None and first.comparison is not None:
            lines += ["", f"first failing case, {first.name} ({first.formula}):",
                      str(first.comparison)]
        return "\n".join(lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": str(self)}
