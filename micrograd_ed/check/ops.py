"""`check_op`: a student's forward and local derivative of one op, at many points.

The student gives ``forward(x)`` and ``local_grad(x)`` (``∂z/∂x``) for a unary op, or
``forward(x, y)`` and ``local_grad(x, y) -> (∂z/∂x, ∂z/∂y)`` for a binary one (for ``**``
a single number, ``∂z/∂x``, is enough: the exponent is usually a constant). At every point:

* the forward value is compared with micrograd_ed's op;
* the local derivative is compared with micrograd_ed's, and with the central difference
  ``(f(x+h) − f(x−h)) / 2h`` of the student's own forward (so a derivative that does not
  belong to the forward it came with is caught even when both are wrong together).

The points are the op table's (engine/ops.py), and include the places where a wrong
derivative hides: 0 for relu and abs (where any subgradient between the one-sided slopes is
accepted), just above 0 for log and sqrt, large |x| for sigmoid and tanh (where
``1/(1 + exp(−x))`` overflows), negative bases for ``**``.

This module grades a STUDENT's op. Not to be confused with ``micrograd_ed.gradcheck`` (backprop
vs central differences for any function of Values) and ``micrograd_ed.teach.op_checks``
(``micrograd-ed gradcheck``: that check run over micrograd_ed's own ops).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from micrograd_ed.check.explain import num
from micrograd_ed.check.guard import safe_repr
from micrograd_ed.engine import Value, ops

# What to probe, and where an op has a kink: the op table's (engine/ops.py).
UNARY_POINTS: dict[str, tuple[float, ...]] = {
    name: op.points for name, op in ops.UNARY.items() if op.points}
BINARY_POINTS: dict[str, tuple[tuple[float, float], ...]] = {
    name: op.points for name, op in ops.BINARY.items()}
KINKS = {name: op.kinks for name, op in ops.UNARY.items() if op.kinks}
ALIASES = ops.ALIASES
_BINARY = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
           "/": lambda a, b: a / b, "**": lambda a, b: a ** b.data}
SHOWN = 6          # rows of the table of worst points


@dataclass(frozen=True)
class OpRow:
    """One point: the inputs, both forwards, both local derivatives (one per input), the
    central difference of the student's forward, and how far off it is (``badness``: the
    worst error over its tolerance; above 1 fails)."""

    at: tuple[float, ...]
    expected: float
    got: float | None
    expected_local: tuple[float, ...]
    got_local: tuple[float, ...] | None
    numeric: tuple[float | None, ...]
    badness: float
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.badness <= 1.0


@dataclass
class OpReport:
    """What :func:`check_op` found: ``.ok``, ``.rows`` (every point), ``.worst``, ``str()``."""

    name: str
    rows: list[OpRow]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def worst(self) -> list[OpRow]:
        """The points furthest off, worst first (the failing ones, else the closest calls)."""
        return sorted(self.rows, key=lambda r: -r.badness)[:SHOWN]

    def __str__(self) -> str:
        bad = [r for r in self.rows if not r.ok]
        head = (f"check_op({self.name!r}): {len(self.rows) - len(bad)} of {len(self.rows)} "
                f"points right")
        lines = [head, "worst points:" if bad else "closest calls (all within tolerance):"]
        cols = ["at", "forward", "expected", "local", "expected", "your f' (numeric)", ""]
        body = []
        for r in self.worst:
            got = "-" if r.got is None else num(r.got, 7)
            gl = "-" if r.got_local is None else ", ".join(num(x, 7) for x in r.got_local)
            nd = ", ".join("-" if x is None else num(x, 7) for x in r.numeric)
            body.append([", ".join(num(x, 6) for x in r.at), got, num(r.expected, 7), gl,
                         ", ".join(num(x, 7) for x in r.expected_local), nd,
                         ("\u2717 " + r.problem) if not r.ok else "\u2713"])
        widths = [max(len(row[i]) for row in [cols, *body]) for i in range(len(cols))]
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip())
        lines += ["  " + "  ".join(x.ljust(w) for x, w in zip(row, widths)).rstrip()
                  for row in body]
        return "\n".join(lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": str(self)}


def check_op(name: str, forward: Callable[..., float], local_grad: Callable[..., object], *,
             points: Sequence[float] | Sequence[tuple[float, float]] | None = None,
             atol: float = 1e-9, rtol: float = 1e-7) -> OpReport:
    """Check one op's forward and local derivative; see the module's docstring.

    ``name``: a unary op of the op table (engine/ops.py: tanh, sigmoid, exp, log, relu,
    abs, leaky_relu, softplus, sqrt, sin, neg, ...) or a binary one (+ - * / **, or add sub
    mul div pow).
    ``points`` replaces the built-in points. Values agree when
    ``|got − expected| ≤ atol + rtol·|expected|``; the central difference, an estimate,
    gets 1e-5 + 1e-4·|expected|.
    """
    op = ALIASES.get(name, name)
    if not callable(forward) or not callable(local_grad):
        raise TypeError("check_op needs two functions: forward(x) and local_grad(x)")
    if op in UNARY_POINTS:
        pts = [(float(p),) for p in (points if points is not None else UNARY_POINTS[op])]
    elif op in BINARY_POINTS:
        given = points if points is not None else BINARY_POINTS[op]
        if any(not isinstance(p, (tuple, list)) or len(p) != 2 for p in given):
            raise ValueError(f"check_op({name!r}): a binary op needs points (x, y)")
        pts = [(float(p[0]), float(p[1])) for p in given]
    else:
        known = ", ".join([*UNARY_POINTS, *BINARY_POINTS])
        raise ValueError(f"check_op: unknown op {name!r}; choose one of {known}")
    rows = [_point(op, p, forward, local_grad, atol, rtol) for p in pts]
    return OpReport(op, rows)


def _reference(op: str, at: tuple[float, ...]) -> tuple[float, tuple[float, ...]]:
    if len(at) == 1:
        v = Value(at[0])
        out = -v if op == "neg" else getattr(v, op)()
        return float(out.data), (float(out.local_grads[0]),)
    x, y = at
    if op == "**":
        out = Value(x) ** y
        dy = out.data * math.log(x) if x > 0 else math.nan
        return float(out.data), (float(out.local_grads[0]), dy)
    out = _BINARY[op](Value(x), Value(y))
    return float(out.data), tuple(float(d) for d in out.local_grads)


def _point(op: str, at: tuple[float, ...], forward, local_grad, atol, rtol) -> OpRow:
    expected, exp_local = _reference(op, at)
    got, problem = _call(forward, at, "forward", op)
    if problem:
        return OpRow(at, expected, None, exp_local, None, (None,) * len(at), math.inf, problem)
    raw, problem = _call_local(local_grad, at, len(at), op)
    numeric = tuple(_central(forward, at, i, op) for i in range(len(at)))
    if problem and _undefined_dy(op, exp_local) and problem.startswith(_RAISED):
        # x ** y at a base <= 0: d/dy = z·ln x does not exist, so a local_grad that
        # raises there (math.log of x <= 0) is right; only the forward can be checked
        worst = _ratio(got, expected, atol, rtol)
        return OpRow(at, expected, got, exp_local, None, numeric, worst,
                     "forward" if worst > 1 else "")
    if problem:
        return OpRow(at, expected, got, exp_local, None, numeric, math.inf, problem)
    local = raw
    if op == "**" and len(local) == 1:            # only d/dx given: the exponent is a constant
        exp_local = exp_local[:1]
        numeric = numeric[:1]
    worst, what = _ratio(got, expected, atol, rtol), "forward"
    kink = at[0] in KINKS.get(op, ())
    for i, (g, e, n) in enumerate(zip(local, exp_local, numeric)):
        if not math.isfinite(e):
            continue
        if kink:
            lo, hi = sorted((_one_sided(op, -1), _one_sided(op, 1)))
            r = 0.0 if lo - atol <= g <= hi + atol else math.inf
        else:
            r = _ratio(g, e, atol, rtol)
        if r > worst:
            worst, what = r, f"local derivative{'' if len(at) == 1 else f' d/d{_name(i)}'}"
        if n is not None and not kink:
            rn = _ratio(g, n, 1e-5, 1e-4)
            if rn > worst:
                worst, what = rn, "local derivative vs your forward's slope"
    return OpRow(at, expected, got, exp_local, local, numeric, worst,
                 what if worst > 1 else "")


def _name(i: int) -> str:
    return "xy"[i]


def _one_sided(op: str, side: int) -> float:
    """The slope of a kinked op just left (-1) or right (+1) of 0: micrograd_ed's own."""
    return _reference(op, (side * 1e-300,))[1][0]


def _ratio(got: float, expected: float, atol: float, rtol: float) -> float:
    if not math.isfinite(got):
        return math.inf if math.isfinite(expected) or got != expected else 0.0
    return abs(got - expected) / (atol + rtol * abs(expected))


def _call(f, at, what: str, op: str) -> tuple[float | None, str]:
    try:
        y = f(*at)
    except Exception as e:
        return None, f"your {what} raised {type(e).__name__}: {e}" + _overflow_hint(e, op)
    try:
        return float(y), ""
    except (TypeError, ValueError):
        return None, f"your {what} returned {type(y).__name__} {safe_repr(y, 30)}, not a number"


def _call_local(f, at, n: int, op: str) -> tuple[tuple[float, ...] | None, str]:
    try:
        y = f(*at)
    except Exception as e:
        return None, f"your local_grad raised {type(e).__name__}: {e}" + _overflow_hint(e, op)
    ys = y if isinstance(y, (tuple, list)) else (y,)
    if len(ys) != n and not (op == "**" and len(ys) == 1):
        return None, f"your local_grad returned {len(ys)} numbers for {n} inputs"
    try:
        return tuple(_real(v, op, i) for i, v in enumerate(ys)), ""
    except (TypeError, ValueError):
        return None, f"your local_grad returned {safe_repr(y, 30)}, not numbers"


_RAISED = "your local_grad raised "


def _undefined_dy(op: str, exp_local: tuple[float, ...]) -> bool:
    """Is this a point of ``x ** y`` where the reference's d/dy does not exist (x <= 0)?"""
    return op == "**" and len(exp_local) == 2 and not math.isfinite(exp_local[1])


def _real(v: object, op: str, i: int) -> float:
    """A number of the student's; for ``**``'s d/dy a complex number (``x**y * log`` of a
    negative base in cmath) stands for 'undefined' and becomes NaN, which is not graded."""
    if op == "**" and i == 1 and isinstance(v, complex):
        return v.real if v.imag == 0 else math.nan
    return float(v)


_STABLE = {name: op.stable for name, op in ops.UNARY.items() if op.stable}


def _overflow_hint(e: Exception, op: str) -> str:
    if isinstance(e, OverflowError):
        how = _STABLE.get(op, "a formula that never takes exp of a large number")
        return f" (exp of a large number overflows: compute it the stable way, {how})"
    return ""


def _central(forward, at: tuple[float, ...], i: int, op: str) -> float | None:
    """(f(x+h) − f(x−h)) / 2h in input i, with h small enough to stay inside the domain."""
    x = at[i]
    h = 1e-6 * max(1.0, abs(x))
    if x != 0:                      # stay on x's side of 0 (log, sqrt, the kink of relu)
        h = min(h, abs(x) * 1e-3)
    args_up, args_down = list(at), list(at)
    args_up[i], args_down[i] = x + h, x - h
    try:
        up, down = float(forward(*args_up)), float(forward(*args_down))
    except Exception:
        return None
    d = (up - down) / (2 * h)
    return d if math.isfinite(d) else None
