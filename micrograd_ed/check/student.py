"""One run of a student's class on ``build(V)``: the numbers it gave, or what went wrong.

:func:`run_student` builds the graph with the student's class, reads every named node's
number, runs backprop under a time budget and reads every named gradient, through the
engine's names (:class:`~micrograd_ed.check.driver.Driver`). Whatever the student's code
raises becomes a :class:`StudentError`; the checker's own trouble reading a node (no
``.grad``) is said as such. It also notes the nodes whose chain-rule step ran more than once
in the one backward (a topological order that lists a node twice).

Run number ``seed`` orders the student's sets by :func:`~micrograd_ed.check.orders.chosen_orders`,
so that run ``seed`` meets the same set orders in every process.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from micrograd_ed.check.budget import CaseTimeout, time_budget
from micrograd_ed.check.driver import Driver
from micrograd_ed.check.guard import StudentError, safe_repr, student_error
from micrograd_ed.check.orders import chosen_orders

Got = dict[str, tuple[float | None, float | None]]


class BuildError(ValueError):
    """``build`` itself is wrong (it fails, or returns something other than named nodes,
    with micrograd_ed's own Value): a mistake in the exercise, not in the student's class."""


@dataclass
class Run:
    """One run: {name: (data, grad)} as far as it got, the error if any, and the nodes (by
    name, or by op for unnamed ones) whose chain-rule step ran more than once."""

    got: Got
    error: StudentError | None
    twice: list[tuple[str, int]] = field(default_factory=list)

    def key(self) -> tuple:
        """What two runs must share to count as the same result."""
        err = None if self.error is None else (self.error.kind, self.error.op)
        return tuple(sorted(self.got.items())), err


def check_nodes(result: object, is_node: Callable[[object], bool], cls_name: str,
                who: str) -> dict[str, object]:
    """The dict ``build`` returned; TypeError or BuildError saying what is wrong with it."""
    if not isinstance(result, Mapping):
        raise TypeError(f"build(V) must return a dict of named nodes with the output last, "
                        f"like {{'a': a, 'L': L}}; with {who} it returned a "
                        f"{type(result).__name__}")
    if not result:
        raise BuildError("build(V) returned an empty dict: name at least the output, "
                         "like {'a': a, 'L': L}")
    out = {}
    for name, v in result.items():
        if not isinstance(name, str):
            raise TypeError(f"build(V)'s names must be str, got {name!r} "
                            f"({type(name).__name__})")
        if not is_node(v):
            raise TypeError(f"node {name!r} is not a {cls_name}: with {who} build "
                            f"returned {type(v).__name__} {safe_repr(v, 40)}; every entry must "
                            f"be a node made with V")
        out[name] = v
    return out


def run_student(build: Callable, drv: Driver, expected: Mapping[str, object],
                time_limit: float | None, case: str = "", keep: list | None = None,
                budget: float | None = None, seed: int = 0) -> Run:
    """Build, read, backprop and read again, with the set orders of run ``seed``; see the
    module's docstring. ``keep`` (a list) gets the student's nodes, so the next run's graph
    lands at other addresses (what varies the orders of a class with its own hash)."""
    cls = drv.cls
    what = f"the case {case!r}" if case else "build and backward"
    try:
        with time_budget(time_limit, what, student=cls), chosen_orders(cls, seed):
            return _run(build, drv, expected, keep)
    except CaseTimeout as t:
        err = student_error(t, "backward", cls, getattr(build, "__code__", None), "build")
        seconds = budget if budget is not None else t.seconds
        return Run({}, StudentError(err.phase, err.op, err.where, "Timeout",
                                    f"{what} did not finish within its time budget of "
                                    f"{seconds:g} s (change it with time_limit=)"))


def _run(build: Callable, drv: Driver, expected: Mapping[str, object],
         keep: list | None) -> Run:
    cls = drv.cls
    try:
        result = build(cls)
        if keep is not None:
            keep.append(result)
    except Exception as e:
        return Run({}, student_error(e, "forward", cls, getattr(build, "__code__", None),
                                     "build"))
    try:
        nodes = check_nodes(result, drv.is_node, cls.__name__, f"your {cls.__name__}")
    except (TypeError, BuildError) as e:
        msg = str(e)
        return Run({}, StudentError("forward", _op_hint(msg, expected), "", type(e).__name__,
                                    msg, _not_a_node_hint(msg, expected, cls)))
    if list(nodes) != list(expected):
        return Run({}, StudentError(
            "forward", "", "", "KeyError",
            f"build(V) returned the names {list(nodes)} with {cls.__name__} but "
            f"{list(expected)} with micrograd_ed's Value"))
    got: Got = {}
    for name, v in nodes.items():
        data, problem = _number(drv, v, "data", name)
        if problem:
            return Run(got, problem)
        got[name] = (data, None)
    root = list(nodes.values())[-1]
    hidden = drv.hidden_backward(root)
    if hidden:
        return Run(got, StudentError("backward", "backward()", "", "HiddenMethod",
                                     f"L.{drv.names.backward} is not your method", hidden))
    counts = drv.count_steps(root)
    try:
        drv.backward(root)
    except Exception as e:   # RecursionError included: it is an Exception
        return Run(got, student_error(e, "backward", cls, limit=sys.getrecursionlimit()))
    for name, v in nodes.items():
        grad, problem = _number(drv, v, "grad", name)
        if problem:
            return Run(got, problem)
        got[name] = (got[name][0], grad)
    return Run(got, None, _twice(drv, root, nodes, counts))


def _twice(drv: Driver, root: object, nodes: Mapping[str, object],
           counts: Callable | None) -> list[tuple[str, int]]:
    if counts is None:
        return []
    c = counts()
    named = {id(v): n for n, v in nodes.items()}
    out = []
    for v in drv.walk(root):
        k = c.get(id(v), 0)
        if k > 1 and drv.parents(v):
            op = getattr(v, drv.names.op, "") if drv.names.op else ""
            out.append((named.get(id(v)) or f"a node made by {op or 'an op'}", k))
    return sorted(out)


def _number(drv: Driver, v: object, what: str, name: str
            ) -> tuple[float | None, StudentError | None]:
    phase = "forward" if what == "data" else "backward"
    attr = getattr(drv.names, what)
    try:
        x = drv.read(v, what)
    except Exception as e:      # noqa: BLE001 - reading it is the checker's doing
        say = "grad" if what == "grad" else "data"
        return None, StudentError(
            phase, "", "", "NoAttribute",
            f"the checker could not read node {name!r}'s .{attr} ({type(e).__name__}: {e})",
            f"if your class keeps the {'gradient' if what == 'grad' else 'number'} under "
            f"another name, say which: check_engine(V, {say}=\"...\")")
    try:
        return float(x), None
    except (TypeError, ValueError, OverflowError):
        return None, StudentError(phase, "", "", "TypeError",
                                  f"node {name!r}'s .{attr} is a {type(x).__name__} "
                                  f"({safe_repr(x, 40)}), not a number")


def _op_hint(message: str, expected: Mapping[str, object]) -> str:
    for name, v in expected.items():
        if f"node {name!r}" in message and getattr(v, "op", ""):
            return v.op
    return ""


def _not_a_node_hint(message: str, expected: Mapping[str, object], cls: type) -> str:
    op = _op_hint(message, expected)
    if op:
        return (f"your {op} returned something that is not a {cls.__name__}: every op must "
                f"return a new {cls.__name__} (out = {cls.__name__}(..., (self, other)))")
    return ""
