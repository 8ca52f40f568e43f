"""What op another engine's node is, and whether its local derivatives follow that op's rule.

Engines name their ops their own way (``**2``, ``ReLU``, ``pow``), or not at all: then the op
is the method that made the node's closure (``Value.__mul__.<locals>._backward``), or, for an
engine that keeps only numbers (microgpt's), the op whose value and local derivatives the
numbers are (``z = x y`` with ``∂z/∂x = y``, ``∂z/∂y = x``). Once a node has micrograd_ed's
op name, micrograd_ed's own op table gives the local derivatives the op's rule gives at the
node's operands (`rule_locals`), and `off_the_rule` lists every edge where the engine's
number differs: the learner's bug, said with both numbers.
"""

from __future__ import annotations

import math
import re

from micrograd_ed.engine import Value, ops

#: The op of a closure made in each method (``Value.__mul__.<locals>._backward``: ``*``),
#: for engines that keep no op names.
METHOD_OPS = {"__add__": "+", "__radd__": "+", "__mul__": "*", "__rmul__": "*",
               "__sub__": "-", "__rsub__": "-", "__truediv__": "/", "__rtruediv__": "/",
               "__pow__": "**", "__neg__": "neg"}
#: micrograd's op text for a power: ``**2``.
POWER = re.compile(r"^\*\*\s*\(?(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)\)?$")
#: Other engines' spellings of unary ops (lower-cased) -> micrograd_ed's op name.
#: (The unary ops are the op table's rows: a row added there is known here too.)
SPELLINGS = {name.replace("_", ""): name for name in ops.UNARY}


_UNARY_RULES = tuple(name for name, op in ops.UNARY.items()       # ops without a parameter
                     if op.scalar is not None and "{k}" not in op.forward)
_BINARY = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y,
           "/": lambda x, y: x / y, "**": lambda x, y: x ** y}


def rule_locals(m: Value) -> tuple[float, ...] | None:
    """The local derivatives micrograd_ed's own op table gives node ``m``'s op at its
    operands' values, one per slot; None for an op it does not know there."""
    ps, op, c = m.parents, m.op, m.const
    xs = [Value(float(p.data)) for p in ps]
    try:
        if op in _BINARY and len(xs) == 2 and c is None:
            z = _BINARY[op](xs[0], xs[1])
        elif op in _BINARY and len(xs) == 1 and c is not None:
            z = _BINARY[op](xs[0], float(c))
        elif op == "neg" and len(xs) == 1:
            z = -xs[0]
        elif op in _UNARY_RULES and len(xs) == 1 and c is None:
            z = getattr(xs[0], op)()
        else:
            return None
    except (ArithmeticError, ValueError, TypeError):
        return None
    local = tuple(float(d) for d in z.local_grads)
    return local if len(local) == len(ps) else None


def off_the_rule(nodes: list[Value]) -> dict[tuple[Value, int], float]:
    """(node, slot) -> the rule's local derivative, where the engine's differs from it."""
    out = {}
    for m in nodes:
        if not m.op:
            continue
        want = rule_locals(m)
        if want is None:
            continue
        for i, (d, w) in enumerate(zip(m.local_grads, want)):
            if not (d == w or abs(d - w) <= 1e-9 * max(abs(d), abs(w)) + 1e-12):
                out[(m, i)] = w
    return out


def _same_number(a: float, b: float) -> bool:
    return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))


def infer(z: float, xs: list[float], d: list[float]) -> tuple[str, float | None]:
    """(op, constant) whose value and local derivatives ``z``, ``d`` are, at operands
    ``xs``; ("?", None) when none is."""
    eq = _same_number
    if len(xs) == 2:
        x, y = xs
        if eq(z, x + y) and eq(d[0], 1.0) and eq(d[1], 1.0):
            return "+", None
        if eq(z, x * y) and eq(d[0], y) and eq(d[1], x):
            return "*", None
        return "?", None
    if len(xs) != 1:
        return "?", None
    (x,), (g,) = xs, d
    tries: list[tuple[str, float | None, float, float]] = []
    if -700 < x < 700:
        tries.append(("exp", None, math.exp(x), math.exp(x)))
        tries.append(("tanh", None, math.tanh(x), 1 - math.tanh(x) ** 2))
    if x > 0:
        tries.append(("log", None, math.log(x), 1 / x))
    tries.append(("relu", None, max(0.0, x), 1.0 if x > 0 else 0.0))
    for op, c, want_z, want_d in tries:
        if eq(z, want_z) and eq(g, want_d):
            return op, c
    if x != 0 and z != 0 and g != 0:                # z = x^k, dz/dx = k x^(k-1) = k z / x
        k = g * x / z
        try:
            if eq(z, x ** k):
                return "**", float(round(k)) if eq(k, round(k)) else k
        except (ArithmeticError, ValueError):
            pass
        if eq(g, z / x) and not eq(z, x):       # z = c x (a constant factor, no node)
            return "*", z / x
    return "?", None
