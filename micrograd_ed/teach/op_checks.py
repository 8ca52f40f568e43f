"""The engine's own ops, gradient-checked: ``micrograd-ed gradcheck`` (is micrograd_ed right?).

Each :class:`Case` is a small function of one or two inputs and a point to
check it at. :func:`run_all` compares backprop with central differences
(:func:`micrograd_ed.gradcheck.gradcheck`) for every case; ``micrograd-ed
gradcheck`` prints the table. Every unary op of the op table (engine/ops.py) is
checked at the table's probe points where a central difference means something
(away from kinks, inside the domain): tanh / sigmoid far out on their flat
tails, log and sqrt just above 0, relu and abs either side of 0; the binary
ops, constants, a negative base to an integer power, dot, sum, a loss and an
MLP are written out below.

The three op-check modules, and what each is for:

* ``micrograd_ed.gradcheck`` -- the tool: backprop vs central differences for ANY
  function of Values (yours, in a notebook);
* ``micrograd_ed.teach.op_checks`` (this one) -- that tool run over micrograd_ed's
  own ops, to show they are right;
* ``micrograd_ed.check.ops`` (``check_op``) -- grades a STUDENT's forward and local
  derivative of one op against micrograd_ed's, at the table's points.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from micrograd_ed import losses
from micrograd_ed.engine import Value, dot, fused_sum, ops
from micrograd_ed.gradcheck import GradcheckResult, gradcheck
from micrograd_ed.nn import MLP

Fn = Callable[[Sequence[Value]], Value]


@dataclass(frozen=True)
class Case:
    op: str                       # what is checked, e.g. "relu"
    formula: str                  # the function of the inputs, e.g. "relu(x)"
    point: tuple[float, ...]      # the inputs
    fn: Fn
    names: tuple[str, ...] = ("x",)


@dataclass(frozen=True)
class CheckRow:
    case: Case
    result: GradcheckResult

    @property
    def ok(self) -> bool:
        return self.result.ok


def _unary(op: str, fn: Callable[[Value], Value], points: Sequence[float],
           formula: str | None = None) -> list[Case]:
    return [Case(op, formula or f"{op}(x)", (p,), lambda v, fn=fn: fn(v[0])) for p in points]


def _binary(op: str, fn: Callable[[Value, Value], Value],
            points: Sequence[tuple[float, float]], formula: str) -> list[Case]:
    return [Case(op, formula, p, lambda v, fn=fn: fn(v[0], v[1]), ("x", "y")) for p in points]


MARGIN = 1e-4       # a probe point is skipped when a kink or its domain's edge is this close


def _table_cases() -> list[Case]:
    """Every unary op of the op table (engine/ops.py), at its probe points: the ones where a
    central difference means something (no kink, and the op defined, within MARGIN)."""
    out: list[Case] = []
    for op in ops.UNARY.values():
        method = _method(op.name)
        points = [p for p in op.points if _probe_ok(op, method, p)]
        formula = ops.fill(op.forward, x="x", k=f"{ops.LEAKY_SLOPE:g}")
        out += _unary(op.name, method, points, formula)
    return out


def _method(name: str) -> Callable[[Value], Value]:
    """The Value method of a unary op (``-x`` is ``__neg__``)."""
    return getattr(Value, "__neg__" if name == "neg" else name)


def _probe_ok(op: ops.Op, method: Callable[[Value], Value], x: float) -> bool:
    """Is x at least MARGIN from every kink, with the op finite on [x - MARGIN, x + MARGIN]?"""
    if any(abs(x - k) < MARGIN for k in op.kinks):
        return False
    try:
        return all(math.isfinite(method(Value(x + d)).data) for d in (-MARGIN, 0.0, MARGIN))
    except (ArithmeticError, ValueError):
        return False


def _mlp_case() -> Case:
    model = MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=1)
    point = tuple(p.data for p in model.parameters())

    def fn(v: Sequence[Value]) -> Value:
        it = iter(v)
        for layer in model.layers:
            for n in layer.neurons:
                n.w = [next(it) for _ in n.w]
                n.b = next(it)
        return losses.binary_cross_entropy(model([0.5, -1.5]), 1.0)

    names = tuple(name for name, _ in model.named_parameters())
    return Case("MLP + BCE", "bce(MLP(2,[3,1])(x), 1)", point, fn, names)


def cases() -> list[Case]:
    """Every check, in the order of the table."""
    out: list[Case] = []
    out += _binary("+", lambda x, y: x + y, [(2.0, -3.0)], "x + y")
    out += _binary("-", lambda x, y: x - y, [(2.0, -3.0)], "x - y")
    out += _binary("*", lambda x, y: x * y, [(2.0, -3.0), (1e-3, 5e3)], "x * y")
    out += _unary("*", lambda x: x * x, [-1.5], "x * x (x used twice)")
    out += _binary("/", lambda x, y: x / y, [(2.0, -3.0), (1.0, 1e-2)], "x / y")
    out += _unary("+ const", lambda x: x + 2.5, [-1.0], "x + 2.5")
    out += _unary("* const", lambda x: x * -4.0, [0.3], "x * -4")
    out += _unary("const - x", lambda x: 3.0 - x, [1.2], "3 - x")
    out += _unary("const / x", lambda x: 2.0 / x, [-0.5, 0.05], "2 / x")
    out += _unary("** int", lambda x: x ** 3, [1.5, -2.0], "x ** 3")
    out += _unary("** int", lambda x: x ** -2, [-1.5, 0.5], "x ** -2")
    out += _unary("** 0.5", lambda x: x ** 0.5, [4.0, 1e-2], "x ** 0.5")
    out += _binary("** Value", lambda x, y: x ** y, [(2.0, 1.5), (0.5, -2.0)], "x ** y")
    out += _unary("const ** x", lambda x: 2.0 ** x, [-1.3, 3.0], "2 ** x")
    out += _table_cases()
    out += [Case("dot", "dot([x, y], [y, -2])", (0.7, -1.3),
                 lambda v: dot([v[0], v[1]], [v[1], Value(-2.0)]), ("x", "y"))]
    out += [Case("sum", "sum(x, y, x*y, 1)", (0.7, -1.3),
                 lambda v: fused_sum([v[0], v[1], v[0] * v[1], 1.0]), ("x", "y"))]
    out += [Case("softmax + CE", "cross_entropy([x, y, 0], 0)", (2.0, -1.0),
                 lambda v: losses.cross_entropy([v[0], v[1], Value(0.0)], 0), ("x", "y"))]
    out.append(_mlp_case())
    return out


def run_all(eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-4) -> list[CheckRow]:
    """Run every case; each row holds its GradcheckResult."""
    rows = []
    for case in cases():
        inputs = [Value(p, label=n) for p, n in zip(case.point, case.names)]
        rows.append(CheckRow(case, gradcheck(case.fn, inputs, eps=eps, atol=atol, rtol=rtol)))
    return rows


def table(rows: Sequence[CheckRow]) -> str:
    """One line per case: op, function, point, largest grad, worst error and error/tolerance.

    An input passes when |analytic - numeric| <= atol + rtol * |numeric|, so
    ``err/tol`` (the worst input's error over its tolerance) must be at most 1.
    """
    head = (f"{'op':<12} {'function':<28} {'at':<20} {'max |grad|':>10} "
            f"{'abs err':>9} {'err/tol':>8}  result")
    lines = [head, "-" * len(head)]
    for row in rows:
        c, r = row.case, row.result
        at = ", ".join(f"{n}={p:g}" for n, p in zip(c.names, c.point))
        if len(at) > 20:
            at = f"{len(c.point)} parameters"
        big = max((abs(g) for g in r.analytic), default=0.0)
        ratio = max((e / (r.atol + r.rtol * abs(n)) for e, n in zip(r.abs_errors, r.numeric)),
                    default=0.0)
        status = "ok" if r.ok else f"FAIL (worst: {r.labels[r.worst]})"
        lines.append(f"{c.op:<12} {c.formula:<28} {at:<20} {big:>10.4g} "
                     f"{r.max_abs_error:>9.2e} {ratio:>8.2g}  {status}")
    failed = sum(not row.ok for row in rows)
    lines.append("-" * len(head))
    tol = f"(pass: |analytic - numeric| <= {rows[0].result.atol:g} + " \
          f"{rows[0].result.rtol:g} |numeric|)" if rows else ""
    verdict = "all passed" if not failed else f"{failed} FAILED"
    lines.append(f"{len(rows)} checks, {verdict} {tol}".rstrip())
    return "\n".join(lines)
