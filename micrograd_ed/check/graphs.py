"""More graded graphs: each op on its own, graphs in both operand orders, large inputs, a ladder.

Every function here is a ``build(V)`` (see :func:`micrograd_ed.check.compare`). The graphs
with reuse come in pairs, the same graph with the operands of every ``+`` and ``*`` swapped
(``d + b`` and ``b + d``): the numbers are the same, but an engine whose order depends on
set or dict order, or that lists a node twice, can get one right and the other wrong.

The ladder ``v = v*c + v`` doubles the number of paths from the output to ``x`` with each
level (2^depth paths, 3·depth nodes): a sort that walks once per path takes 2^depth steps.
"""

from __future__ import annotations

from collections.abc import Callable

from micrograd_ed.engine import ops
from micrograd_ed.foreign import op_method


def apply_op(x: object, op: str) -> object:
    """``x.op()``, through the method name ``x``'s class gives the op (omnigrad's
    ``x.reLU()``: :func:`micrograd_ed.foreign.op_method`)."""
    return getattr(x, op_method(type(x), op) or op)()


# Binary ops on their own: (case name, formula, the method it needs, build).
_A, _B = 3.0, -2.0


def _binary(f: Callable, x: float = _A, y: float = _B) -> Callable:
    def build(V):
        a, b = V(x), V(y)
        return {"a": a, "b": b, "L": f(a, b)}
    return build


def _with_constant(f: Callable) -> Callable:
    def build(V):
        a = V(_A)
        return {"a": a, "L": f(a)}
    return build


SINGLE_OPS: tuple[tuple[str, str, str, Callable], ...] = (
    ("a + b", "L = a + b", "__add__", _binary(lambda a, b: a + b)),
    ("a * b", "L = a * b", "__mul__", _binary(lambda a, b: a * b)),
)
MORE_OPS: tuple[tuple[str, str, str, Callable], ...] = (
    ("a - b", "L = a - b", "__sub__", _binary(lambda a, b: a - b)),
    ("a / b", "L = a / b", "__truediv__", _binary(lambda a, b: a / b)),
    ("-a", "L = -a", "__neg__", _with_constant(lambda a: -a)),
    ("a + 2", "L = a + 2", "__add__", _with_constant(lambda a: a + 2)),
    ("a * 2", "L = a * 2", "__mul__", _with_constant(lambda a: a * 2)),
    ("a - 2", "L = a - 2", "__sub__", _with_constant(lambda a: a - 2)),
    ("a / 2", "L = a / 2", "__truediv__", _with_constant(lambda a: a / 2)),
    ("2 + a", "L = 2 + a", "__radd__", _with_constant(lambda a: 2 + a)),
    ("2 * a", "L = 2 * a", "__rmul__", _with_constant(lambda a: 2 * a)),
    ("2 - a", "L = 2 - a", "__rsub__", _with_constant(lambda a: 2 - a)),
    ("2 / a", "L = 2 / a", "__rtruediv__", _with_constant(lambda a: 2 / a)),
    ("a ** 3", "L = a ** 3", "__pow__", _with_constant(lambda a: a ** 3)),
    ("a ** -1", "L = a ** -1", "__pow__", _with_constant(lambda a: a ** -1)),
    ("a ** b", "L = a ** b (a node as exponent: both derivatives)", "__pow__",
     _binary(lambda a, b: a ** b, 2.0, 3.0)),
)
REFUSABLE = "a ** b"        # an engine may refuse a node as exponent: not a mistake


def pow_fan_out(V):
    a, b = V(3.0), V(-2.0)
    p = a ** 2
    q = a * b
    L = p + q
    return {"a": a, "b": b, "p": p, "q": q, "L": L}


def pow_fan_out_swapped(V):
    a, b = V(3.0), V(-2.0)
    p = a ** 2
    q = b * a
    L = q + p
    return {"a": a, "b": b, "p": p, "q": q, "L": L}


def exp_inner(V):
    """exp of a computed node: the op's backward must be attached to its output."""
    a, b = V(0.5), V(-1.0)
    e = a * b
    L = apply_op(e, "exp")
    return {"a": a, "b": b, "e": e, "L": L}


def fan_out(V):
    a, b = V(2.0), V(-3.0)
    e = a * b
    f = e + a
    L = f * e
    return {"a": a, "b": b, "e": e, "f": f, "L": L}


def fan_out_swapped(V):
    a, b = V(2.0), V(-3.0)
    e = b * a
    f = a + e
    L = e * f
    return {"a": a, "b": b, "e": e, "f": f, "L": L}


def diamond(V):
    """b reaches L directly and through c and d: paths of lengths 1 and 3."""
    a, x, y, z = V(1.5), V(2.0), V(-1.0), V(0.5)
    b = a * x
    c = b + y
    d = c * z
    L = d + b
    return {"a": a, "x": x, "y": y, "z": z, "b": b, "c": c, "d": d, "L": L}


def diamond_swapped(V):
    a, x, y, z = V(1.5), V(2.0), V(-1.0), V(0.5)
    b = x * a
    c = y + b
    d = z * c
    L = b + d
    return {"a": a, "x": x, "y": y, "z": z, "b": b, "c": c, "d": d, "L": L}


def diamond_sum(V):
    a, b = V(2.0), V(-3.0)
    s = a + b
    p = a * b
    L = s + p
    return {"a": a, "b": b, "s": s, "p": p, "L": L}


def diamond_sum_swapped(V):
    a, b = V(2.0), V(-3.0)
    p = b * a
    s = b + a
    L = p + s
    return {"a": a, "b": b, "s": s, "p": p, "L": L}


LADDER_DEPTH = 12


def ladder(depth: int = LADDER_DEPTH) -> Callable:
    """``v = v*c + v``, ``depth`` levels: 2^depth paths from L to x."""
    def build(V):
        x, c = V(1.0), V(0.5)
        v = x
        for _ in range(depth):
            v = v * c + v
        return {"x": x, "c": c, "L": v}
    build.__name__ = f"ladder_{depth}"
    return build


def unary_at(op: str, x: float) -> Callable:
    """``L = op(x)``, one node: the large-input and kink cases."""
    def build(V):
        a = V(x)
        return {"a": a, "L": apply_op(a, op)}
    return build


def large_inputs() -> list[tuple[str, float]]:
    """(op, x) where the obvious formula overflows: the op table's largest points of the ops
    with a stable formula (tanh ±400, sigmoid ±750), and exp at 700 (e^700 ≈ 1e304)."""
    out = []
    for name in ("tanh", "exp", "sigmoid"):
        op = ops.UNARY[name]
        big = max(abs(p) for p in op.points)
        xs = (big,) if name == "exp" else (big, -big)
        out += [(name, x) for x in xs]
    return out
