"""`compare`: build one expression with micrograd_ed and with a student's value class, and find
the first node where they part.

``build(V)`` takes any micrograd-style class ``V`` and returns a dict of named nodes, the
output last::

    def build(V):
        a, b = V(2.0), V(-3.0)
        e = a * b
        L = e * e
        return {"a": a, "b": b, "e": e, "L": L}

The first wrong node follows the two passes: if any value differs, it is the first such node
in forward (topological) order, whose inputs are all right; otherwise it is the first node
in backward order (nearest the output) whose grad differs, so every node that uses it has
the right grad and the mistake is on its own edges.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from micrograd_ed.check.explain import Namer, explain_data, explain_grad, num, users
from micrograd_ed.check.guard import StudentError, safe_repr, student_error
from micrograd_ed.check.hints import close, forward_hint, grad_hint
from micrograd_ed.engine import Value, topological_order

Build = Callable[[type], Mapping[str, object]]


class BuildError(ValueError):
    """``build`` itself is wrong (it fails, or returns something other than named nodes,
    with micrograd_ed's own Value): a mistake in the exercise, not in the student's class."""


@dataclass(frozen=True)
class Row:
    """One named node: the expected numbers (micrograd_ed) and the student's (None if the
    student's code never produced them)."""

    name: str
    expected_data: float
    got_data: float | None
    expected_grad: float
    got_grad: float | None
    data_ok: bool
    grad_ok: bool

    @property
    def ok(self) -> bool:
        return self.data_ok and self.grad_ok


@dataclass
class Comparison:
    """What :func:`compare` found. ``str()`` is the report; ``.diagram()`` the picture."""

    class_name: str
    rows: list[Row]
    first_wrong: str | None
    first_wrong_quantity: str | None        # "data" or "grad"
    error: StudentError | None
    atol: float
    rtol: float
    root: Value = field(repr=False)
    nodes: dict[str, Value] = field(repr=False)
    explanation: str = ""
    hint: str = ""

    @property
    def ok(self) -> bool:
        """True when the student's class ran and every named node's data and grad agree."""
        return self.error is None and all(r.ok for r in self.rows)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def first_wrong_row(self) -> Row | None:
        return next((r for r in self.rows if r.name == self.first_wrong), None)

    def __str__(self) -> str:
        from micrograd_ed.check.report import comparison_text

        return comparison_text(self)

    def diagram(self, *, rankdir: str = "LR", max_nodes: int = 150):
        """The expected graph (micrograd_ed's) with the student's numbers beside the expected
        ones; wrong nodes get a thick red double border and a ✗, the edges whose shares make
        the first wrong grad (or whose values feed the first wrong value) are drawn red and
        dashed, and the legend says so. Returns a :class:`micrograd_ed.viz.Diagram`."""
        from micrograd_ed.check.figure import comparison_figure

        return comparison_figure(self, rankdir=rankdir, max_nodes=max_nodes)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": str(self)}


# ------------------------------------------------------------- checking
def compare(build: Build, ValueClass: type, *, atol: float = 1e-9,
            rtol: float = 1e-6) -> Comparison:
    """Build ``build(V)`` with micrograd_ed's Value and with ``ValueClass``, run backward on
    both outputs (the last entry) and compare every named node's data and grad.

    A pair agrees when ``|got − expected| ≤ atol + rtol·|expected|``. Errors raised by the
    student's class (a missing op, a TypeError from ``2 * v``, a RecursionError in backward)
    are reported in the Comparison, never raised; a ``build`` that fails with micrograd_ed's
    Value, or returns anything but a non-empty dict of nodes with finite numbers, raises
    :class:`BuildError` (or TypeError) saying what was wrong.
    """
    if not callable(build):
        raise TypeError(f"compare: build must be a function build(V) returning named nodes, "
                        f"got {type(build).__name__}")
    if not isinstance(ValueClass, type):
        raise TypeError(f"compare: ValueClass must be a class (e.g. Value, not Value(1.0)), "
                        f"got {type(ValueClass).__name__} {safe_repr(ValueClass, 40)}")
    for name, tol in (("atol", atol), ("rtol", rtol)):
        if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not tol >= 0:
            raise ValueError(f"compare: {name} must be a number >= 0, got {tol!r}")
    nodes = reference(build)
    root = list(nodes.values())[-1]
    got, error = _run_student(build, ValueClass, nodes)
    rows = [_row(name, v, got.get(name), atol, rtol) for name, v in nodes.items()]
    cmp = Comparison(ValueClass.__name__, rows, None, None, error, atol, rtol, root, nodes)
    _find_first_wrong(cmp)
    return cmp


def reference(build: Build) -> dict[str, Value]:
    """``build(micrograd_ed.Value)``, checked, labelled by name, backpropagated."""
    try:
        result = build(Value)
    except Exception as e:
        raise BuildError(f"build(V) failed with micrograd_ed's own Value, so the exercise "
                         f"itself is wrong: {type(e).__name__}: {e}") from e
    nodes = check_nodes(result, Value, "micrograd_ed's Value")
    seen: dict[Value, str] = {}
    for name, v in nodes.items():
        if v in seen:
            raise BuildError(f"build(V) names one node twice: {seen[v]!r} and {name!r}")
        seen[v] = name
        if isinstance(v.data, float) and not math.isfinite(v.data):
            raise BuildError(f"node {name!r} has data {v.data!r} with micrograd_ed's Value: "
                             f"build must compute finite numbers (check its inputs)")
        if not isinstance(v.data, float):
            raise TypeError(f"node {name!r} is batched (its data is an array): compare "
                            f"checks scalar expressions only")
    for name, v in nodes.items():
        v.label = name
    root = list(nodes.values())[-1]
    root.backward()
    for name, v in nodes.items():
        if not math.isfinite(v.grad):
            raise BuildError(f"node {name!r} gets grad {v.grad!r} with micrograd_ed's Value: "
                             f"build must give finite gradients")
    return nodes


def check_nodes(result: object, cls: type, who: str) -> dict[str, object]:
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
        if not isinstance(v, cls):
            raise TypeError(f"node {name!r} is not a {cls.__name__}: with {who} build "
                            f"returned {type(v).__name__} {safe_repr(v, 40)}; every entry must "
                            f"be a node made with V")
        out[name] = v
    return out


def _run_student(build: Build, cls: type, expected: dict[str, Value]
                 ) -> tuple[dict[str, tuple[float | None, float | None]], StudentError | None]:
    """Run the student's class: {name: (data, grad)} as far as it got, and the error if any."""
    try:
        result = build(cls)
    except Exception as e:
        return {}, student_error(e, "forward", cls, getattr(build, "__code__", None), "build")
    try:
        nodes = check_nodes(result, cls, f"your {cls.__name__}")
    except (TypeError, BuildError) as e:
        msg = str(e)
        return {}, StudentError("forward", _op_hint(msg, expected), "", type(e).__name__,
                                msg, _not_a_node_hint(msg, expected, cls))
    if list(nodes) != list(expected):
        return {}, StudentError(
            "forward", "", "", "KeyError",
            f"build(V) returned the names {list(nodes)} with {cls.__name__} but "
            f"{list(expected)} with micrograd_ed's Value")
    got: dict[str, tuple[float | None, float | None]] = {}
    for name, v in nodes.items():
        data, problem = _number(v, "data", name, cls)
        if problem:
            return got, problem
        got[name] = (data, None)
    root = list(nodes.values())[-1]
    try:
        root.backward()
    except Exception as e:   # RecursionError included: it is an Exception
        return got, student_error(e, "backward", cls)
    for name, v in nodes.items():
        grad, problem = _number(v, "grad", name, cls)
        if problem:
            return got, problem
        got[name] = (got[name][0], grad)
    return got, None


def _number(v: object, attr: str, name: str, cls: type) -> tuple[float | None, StudentError | None]:
    phase = "forward" if attr == "data" else "backward"
    try:
        x = getattr(v, attr)
    except Exception as e:
        return None, StudentError(phase, "", "", type(e).__name__,
                                  f"node {name!r} has no .{attr} ({e})")
    try:
        return float(x), None
    except (TypeError, ValueError, OverflowError):
        return None, StudentError(phase, "", "", "TypeError",
                                  f"node {name!r}'s .{attr} is a {type(x).__name__} "
                                  f"({safe_repr(x, 40)}), not a number")


def _op_hint(message: str, expected: dict[str, Value]) -> str:
    for name, v in expected.items():
        if f"node {name!r}" in message and v.op:
            return v.op
    return ""


def _not_a_node_hint(message: str, expected: dict[str, Value], cls: type) -> str:
    op = _op_hint(message, expected)
    if op:
        return (f"your {op} returned something that is not a {cls.__name__}: every op must "
                f"return a new {cls.__name__} (out = {cls.__name__}(..., (self, other)))")
    return ""


def _row(name: str, v: Value, got: tuple[float | None, float | None] | None,
         atol: float, rtol: float) -> Row:
    gd, gg = got if got is not None else (None, None)
    ed, eg = float(v.data), float(v.grad)
    data_ok = gd is not None and _agree(ed, gd, atol, rtol)
    grad_ok = gg is not None and _agree(eg, gg, atol, rtol)
    return Row(name, ed, gd, eg, gg, data_ok, grad_ok)


def _agree(expected: float, got: float, atol: float, rtol: float) -> bool:
    return math.isfinite(got) and abs(got - expected) <= atol + rtol * abs(expected)


def _find_first_wrong(cmp: Comparison) -> None:
    """The forward-then-backward rule (see the module's docstring), and the words for it."""
    position = {v: k for k, v in enumerate(topological_order(cmp.root))}
    rank = {r.name: position.get(cmp.nodes[r.name], -1) for r in cmp.rows}
    bad_data = [r for r in cmp.rows if r.got_data is not None and not r.data_ok]
    bad_grad = [r for r in cmp.rows if r.got_grad is not None and not r.grad_ok]
    namer = Namer(cmp.root, {v: n for n, v in cmp.nodes.items()})
    if bad_data:
        row = min(bad_data, key=lambda r: rank[r.name])
        cmp.first_wrong, cmp.first_wrong_quantity = row.name, "data"
        v = cmp.nodes[row.name]
        cmp.explanation = explain_data(v, namer)
        cmp.hint = forward_hint(v, row.got_data, namer) if v.op else (
            f"{row.name} is an input: V({num(row.expected_data)}) should keep its number")
    elif bad_grad and cmp.error is None:
        row = max(bad_grad, key=lambda r: rank[r.name])
        cmp.first_wrong, cmp.first_wrong_quantity = row.name, "grad"
        v = cmp.nodes[row.name]
        out = users(cmp.root)
        used = out.get(v, [])
        cmp.explanation = explain_grad(v, namer, used, cmp.root)
        cmp.hint = grad_hint(v, row.got_grad, used, cmp.root, namer, out, cmp.atol, cmp.rtol)


__all__ = ["BuildError", "Comparison", "Row", "close", "compare", "reference"]
