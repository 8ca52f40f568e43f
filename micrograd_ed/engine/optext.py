"""How a node reads, in words: its forward text and its local derivatives, from the op table.

This is the ONE renderer of op text. The player's captions (viz/steps/model.py), the
checker's explanations and hints (check/explain.py, check/hints.py) and the op boxes of the
pictures (viz/graph/dot.py, check/figure.py) all call it; none of them knows an op itself.

A node's text comes as *parts*: plain strings, and `Slot`\\ s that each reader fills in its
own way (a node's name, its number, a token that becomes either). For ``t = tanh(n)``:

    forward_parts(t)        -> ['tanh(', Slot(n), ')']
    derivative_parts(t, 0)  -> ['1 − ', Slot(t), '²']            (the table's ``1 − {z}²``)

The parts come from the op's templates in ops.py: ``{x}`` and ``{y}`` are the operands,
``{z}`` the node itself, ``{k}`` its constant (``x * 2``) and ``{j}`` = k − 1 (``x ** 3``
has local derivative ``3·x^2``). The ops with many operands (sum, dot, stack, mean) are
written out here, in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from micrograd_ed.engine import ops
from micrograd_ed.engine.value import Value

TERMS = 5          # operands of a sum written out before "…" (dot: TERMS - 1 products)


@dataclass(frozen=True)
class Slot:
    """A place in an op's text: a node (an operand or the result), or a number.

    ``bare``: the text around it already delimits it (it is the whole text, or sits in
    ``f(…)``, ``|…|``), so a compound name needs no parentheses there. ``spaced``: it stands
    between spaces (``a × b``), where a negative number needs none either.
    """

    node: Value | None = None
    number: float | None = None
    bare: bool = False
    spaced: bool = False


Part = str | Slot


def _slot_flags(before: str, after: str) -> tuple[bool, bool]:
    bare = (before == "" and after == "") or (
        before.endswith(("(", ", ", "|")) and after.startswith((")", ",", "|")))
    spaced = (before == "" or before.endswith(" ")) and (after == "" or after.startswith(" "))
    return bare, spaced


def _parts(template: str, what: dict[str, Value | float | None]) -> list[Part]:
    """A template's parts with its slots bound: x, y, z to nodes; k, j to numbers."""
    cut = ops.slots(template)
    out: list[Part] = []
    for n, p in enumerate(cut):
        if n % 2 == 0:
            if p:
                out.append(p)
            continue
        bare, spaced = _slot_flags(cut[n - 1], cut[n + 1])
        x = what[p]
        if isinstance(x, Value):
            out.append(Slot(node=x, bare=bare, spaced=spaced))
        else:
            out.append(Slot(number=x, bare=bare, spaced=spaced))
    return out


def _bindings(v: Value) -> dict[str, Value | float | None]:
    ps, c = v.parents, v.const
    k = None if c is None else float(c)
    return {"x": ps[0] if ps else None, "y": ps[1] if len(ps) > 1 else None, "z": v,
            "k": k, "j": None if k is None else k - 1}


def known(op: str) -> bool:
    """Is `op` a row of the op table (or an alias of one)?"""
    return ops.ALIASES.get(op, op) in ops.OPS


# ---------------------------------------------------------------------- forward
def forward_parts(v: Value) -> list[Part]:
    """How ``v`` is computed from its parents: ``a × b``, ``tanh(n)``, ``e^2``, ``|x|``."""
    op, ps, c = v.op, v.parents, v.const
    if op == "sum" and ps and (len(ps) > 1 or c is not None):
        terms: list[Part] = [Slot(node=p, spaced=True) for p in ps]
        if c is not None:
            terms.append(Slot(number=float(c), spaced=True))
        return _joined(terms, " + ", TERMS, "terms")
    if op == "dot":
        pairs = [[Slot(node=a), "\u00b7", b] for a, b in _dot_pairs(v)]
        return _joined(pairs, " + ", TERMS - 1, "terms")
    if op in ops.OPS and ops.get(op).arity and (ops.get(op).arity == len(ps) or c is not None):
        return _parts(ops.forward_template(op, len(ps), c), _bindings(v))
    args: list[Part] = [f"{op}("]                   # mean, stack, and ops the table lacks
    for n, p in enumerate(ps):
        args += ([", "] if n else []) + [Slot(node=p, bare=True)]
    if c is not None:
        args += [", " if ps else "", Slot(number=float(c), bare=True)]
    return args + [")"]


def _dot_pairs(v: Value) -> list[tuple[Value, Part]]:
    """A dot's products (x_i, w_i): two Value operands, or a Value and its constant weight."""
    ps, ds = v.parents, v.local_grads
    if _dot_of_values(v):
        half = len(ps) // 2
        return [(ps[i], Slot(node=ps[half + i])) for i in range(half)]
    return [(p, Slot(number=float(d))) for p, d in zip(ps, ds)]


def _dot_of_values(v: Value) -> bool:
    """A dot over Value inputs has parents (w..., x...) and local grads (x..., w...)."""
    ps, ds = v.parents, v.local_grads
    n = len(ps)
    if n % 2:
        return False
    half = n // 2
    return all(ds[i] == ps[half + i].data and ds[half + i] == ps[i].data for i in range(half))


def _joined(items: Sequence[Part | list[Part]], sep: str, most: int, what: str) -> list[Part]:
    shown = list(items) if len(items) <= most else list(items[: most - 2])
    out: list[Part] = []
    for n, item in enumerate(shown):
        if n:
            out.append(sep)
        out += item if isinstance(item, list) else [item]
    if len(shown) < len(items):
        out.append(f"{sep}\u2026 ({len(items)} {what})")
    return out


# -------------------------------------------------------------------- derivative
def derivative_parts(v: Value, i: int) -> list[Part] | None:
    """The local derivative ∂v/∂parents[i] as the lecture writes it (``1 − t²``, ``1/b``,
    ``3·x^2``), or None for an op the table does not know."""
    op, ps = v.op, v.parents
    if op == "dot":
        if _dot_of_values(v):
            half = len(ps) // 2
            return [Slot(node=ps[i + half if i < half else i - half], bare=True)]
        return [Slot(number=float(v.local_grads[i]), bare=True)]
    if op in ("sum", "mean", "stack"):
        return [Slot(number=float(v.local_grads[i]), bare=True)]
    if not known(op):
        return None
    return _parts(ops.derivative_template(op, i, len(ps), v.const), _bindings(v))


# ------------------------------------------------------------------------ strings
def render(parts: Sequence[Part], fill: Callable[[Slot], str]) -> str:
    """The parts as one string, each slot filled by ``fill``."""
    return "".join(fill(p) if isinstance(p, Slot) else p for p in parts)


def op_label(v: Value, number: Callable[[float], str],
             names: dict[str, str] | None = None) -> str:
    """The text of a node's op box: its op (as ``names`` shows it) with its constant,
    ``* 2``, ``+ 1``, ``** 3``, ``sum + 3``, ``leaky_relu(0.01)``."""
    op, c = v.op, v.const
    name = (names or {}).get(op, op)
    if c is None:
        return name
    if known(op) and ops.get(op).arity == 2:
        return f"{name} {number(c)}"
    if op == "sum":
        return f"sum + {number(c)}"
    return f"{name}({number(c)})"
