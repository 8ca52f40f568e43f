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
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from micrograd_ed.check import findings
from micrograd_ed.check.budget import DEFAULT_SECONDS, check_seconds
from micrograd_ed.check.driver import Driver, names_for
from micrograd_ed.check.explain import Namer, explain_data, explain_grad, num, users
from micrograd_ed.check.guard import StudentError, safe_repr
from micrograd_ed.check.hints import close, forward_hint, grad_hint
from micrograd_ed.check.order import forward_order, replay
from micrograd_ed.check.student import BuildError, Run, check_nodes, run_student
from micrograd_ed.engine import Value, topological_order
from micrograd_ed.foreign import Names
from micrograd_ed.foreign.names import op_notes

Build = Callable[[type], Mapping[str, object]]

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
    runs: int = 1                   # how many times the graph was built and backpropagated
    right_runs: int = 1             # how many of them were right
    results: int = 1                # the most different results one build gave over its runs
    twice: list[tuple[str, int]] = field(default_factory=list)   # steps run more than once
    closures: bool = True           # the engine keeps a chain-rule step per node
    seen: list[float] = field(default_factory=list)   # the first wrong number, in each run

    @property
    def ok(self) -> bool:
        """True when the student's class ran and every named node's data and grad agree,
        in every run."""
        return self.error is None and all(r.ok for r in self.rows) and (
            self.right_runs == self.runs)

    @property
    def unstable(self) -> bool:
        """Did the runs on fresh graphs give different results?"""
        return self.results > 1

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
RUNS = 20          # each small graph is built afresh and backpropagated this many times,
                   # each run with its own set orders (check/orders.py); the orders are the
                   # same in every process, so the verdict is too


def auto_runs(nodes: int) -> int:
    """Fresh graphs for a graph of ``nodes`` nodes: RUNS when small, fewer when large."""
    return RUNS if nodes <= 200 else 4 if nodes <= 5_000 else 1


def compare(build: Build, ValueClass: type, *, atol: float = 1e-9, rtol: float = 1e-6,
            runs: int | None = None, time_limit: float | None = DEFAULT_SECONDS,
            names: Names | None = None, **given: str | None) -> Comparison:
    """Build ``build(V)`` with micrograd_ed's Value and with ``ValueClass``, run backward on
    both outputs (the last entry) and compare every named node's data and grad.

    A pair agrees when ``|got − expected| ≤ atol + rtol·|expected|``. The student's graph is
    built afresh ``runs`` times, run k with the set orders of seed k (see
    :mod:`micrograd_ed.check.orders`: the same orders in every run of the check);
    results that differ between runs are a finding of their own (``.right_runs`` of
    ``.runs``; by default 20 runs for a graph of up to 200 nodes, fewer for bigger ones).
    All the runs together get ``time_limit`` seconds (None: no limit). The
    engine's attribute names are detected; ``grad=``, ``backward=``, ``parents=``, ``data=``
    (or ``names=``, a :class:`micrograd_ed.foreign.Names`) say them.

    Errors raised by the student's class (a missing op, a TypeError from ``2 * v``, a
    RecursionError in backward, a hang) are reported in the Comparison, never raised; a
    ``build`` that fails with micrograd_ed's Value, or returns anything but a non-empty dict
    of nodes with finite numbers, raises :class:`BuildError` (or TypeError) saying what was
    wrong.
    """
    if not callable(build):
        raise TypeError(f"compare: build must be a function build(V) returning named nodes, "
                        f"got {type(build).__name__}")
    drv = driver_for(ValueClass, names, given, "compare")
    return compare_builds([build], drv, atol=atol, rtol=rtol, runs=runs,
                          time_limit=check_seconds(time_limit, "compare"))


def driver_for(ValueClass: type, names: Names | None, given: dict, who: str) -> Driver:
    """The :class:`Driver` of a student class, its names given or detected."""
    if not isinstance(ValueClass, type):
        raise TypeError(f"{who} expects a class: ValueClass must be a class (e.g. Value, not "
                        f"Value(1.0)), "
                        f"got {type(ValueClass).__name__} {safe_repr(ValueClass, 40)}")
    if names is None:
        names, notes = names_for(ValueClass, given)
    else:
        notes = []
    return Driver(ValueClass, names, [*notes, *op_notes(ValueClass)])


def compare_builds(builds: Sequence[Build], drv: Driver, *, atol: float = 1e-9,
                   rtol: float = 1e-6, runs: int | None = None, time_limit: float | None = None,
                   case: str = "") -> Comparison:
    """:func:`compare` over several builds of one graph (the same names and numbers, operand
    orders swapped), used in turn over ``runs`` runs."""
    for name, tol in (("atol", atol), ("rtol", rtol)):
        if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not tol >= 0:
            raise ValueError(f"compare: {name} must be a number >= 0, got {tol!r}")
    if runs is not None and (isinstance(runs, bool) or not isinstance(runs, int) or runs < 1):
        raise ValueError(f"compare: runs must be a whole number >= 1, got {runs!r}")
    refs = [reference(b) for b in builds]
    if runs is None:
        runs = auto_runs(len(topological_order(list(refs[0].values())[-1])))
    deadline = None if time_limit is None else time.monotonic() + time_limit
    keep: list = []
    results: list[tuple[int, Run]] = []
    for k in range(runs):
        j = k % len(builds)
        left = None if deadline is None else max(deadline - time.monotonic(), 1e-3)
        run = run_student(builds[j], drv, refs[j], left, case, keep, time_limit, seed=k)
        results.append((j, run))
        if run.error is not None and run.error.kind == "Timeout":
            break
    cmps = [_assemble(refs[j], run, drv, atol, rtol) for j, run in results]
    right = sum(c.ok for c in cmps)
    first_bad = next((c for c in cmps if not c.ok), cmps[0])
    first_bad.runs = len(cmps)
    first_bad.right_runs = right
    per_build: dict[int, set] = {}                # the same build must give the same result
    for j, run in results:
        per_build.setdefault(j, set()).add(run.key())
    first_bad.results = max(len(v) for v in per_build.values())
    if first_bad.first_wrong:
        k = 0 if first_bad.first_wrong_quantity == "data" else 1
        first_bad.seen = [run.got[first_bad.first_wrong][k] for _, run in results
                          if run.got.get(first_bad.first_wrong, (None, None))[k] is not None]
    return first_bad


def _assemble(nodes: dict[str, Value], run: Run, drv: Driver, atol: float,
              rtol: float) -> Comparison:
    root = list(nodes.values())[-1]
    rows = [_row(name, v, run.got.get(name), atol, rtol) for name, v in nodes.items()]
    cmp = Comparison(drv.cls.__name__, rows, None, None, run.error, atol, rtol, root, nodes)
    cmp.twice = run.twice
    cmp.closures = drv.closures
    _find_first_wrong(cmp)
    return cmp


def reference(build: Build) -> dict[str, Value]:
    """``build(micrograd_ed.Value)``, checked, labelled by name, backpropagated."""
    try:
        result = build(Value)
    except Exception as e:
        raise BuildError(f"build(V) failed with micrograd_ed's own Value, so the exercise "
                         f"itself is wrong: {type(e).__name__}: {e}") from e
    nodes = check_nodes(result, lambda v: isinstance(v, Value), "Value", "micrograd_ed's Value")
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


def _row(name: str, v: Value, got: tuple[float | None, float | None] | None,
         atol: float, rtol: float) -> Row:
    gd, gg = got if got is not None else (None, None)
    ed, eg = float(v.data), float(v.grad)
    data_ok = gd is not None and _agree(ed, gd, atol, rtol)
    grad_ok = gg is not None and _agree(eg, gg, atol, rtol)
    return Row(name, ed, gd, eg, gg, data_ok, grad_ok)


def _agree(expected: float, got: float, atol: float, rtol: float) -> bool:
    return math.isfinite(got) and abs(got - expected) <= atol + rtol * abs(expected)


def _tiny(expected: float, got: float) -> str:
    """A hint for a number that is off only in its last digits."""
    if expected == 0 or not math.isfinite(got):
        return ""
    rel = abs(got - expected) / abs(expected)
    if rel > 1e-6:
        return ""
    return (f"off by only {num(rel, 2)} of its size: a small constant added somewhere (an "
            f"epsilon against dividing by 0), or float32 arithmetic; the op itself gives "
            f"{num(expected, 12)}")


def _find_first_wrong(cmp: Comparison, order: bool = True) -> None:
    """The forward-then-backward rule (see the module's docstring), and the words for it;
    ``order=False`` leaves out the forward-order hint (the engine passed a graph where
    that mistake would have shown)."""
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
        cmp.hint = (forward_hint(v, row.got_data, namer) or
                    _tiny(row.expected_data, row.got_data)) if v.op else (
            f"{row.name} is an input: V({num(row.expected_data)}) should keep its number")
    elif bad_grad and cmp.error is None:
        row = max(bad_grad, key=lambda r: rank[r.name])
        cmp.first_wrong, cmp.first_wrong_quantity = row.name, "grad"
        v = cmp.nodes[row.name]
        out = users(cmp.root)
        used = out.get(v, [])
        cmp.explanation = explain_grad(v, namer, used, cmp.root)
        got = {cmp.nodes[r.name]: r.got_grad for r in cmp.rows if r.got_grad is not None}
        cmp.hint = (findings.twice(cmp.twice) if cmp.twice else
                    (order and forward_order(cmp.root, got, cmp.atol, cmp.rtol)) or
                    grad_hint(v, row.got_grad, used, cmp.root, namer, out, cmp.atol, cmp.rtol,
                              closures=cmp.closures, named=set(cmp.nodes.values())) or
                    _tiny(row.expected_grad, row.got_grad))


def forward_order_shows(cmp: Comparison) -> bool:
    """Would a backward that goes inputs-first have got this graph's named grads wrong?
    (A passing comparison where it would is proof the engine does not.)"""
    sim = replay(cmp.root)
    return any(not close(float(v.grad), sim[v], cmp.atol, cmp.rtol)
               for v in cmp.nodes.values() if v in sim)


def without_order_hint(cmp: Comparison) -> None:
    """Find the first wrong node's words again, without the forward-order hint."""
    _find_first_wrong(cmp, order=False)


__all__ = ["BuildError", "Comparison", "Row", "close", "compare", "compare_builds", "reference"]
