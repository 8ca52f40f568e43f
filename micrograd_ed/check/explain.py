"""Words for a graph: how a node's value and its gradient are made, with the numbers put in.

For a node ``x`` of a micrograd_ed graph with root ``L``:

* its data comes from its op:  ``data e = a × b = 2 × −3 = −6``;
* its gradient is the chain rule summed over its users (every edge out of it):
  ``grad x = Σ_u (∂u/∂x) × grad u``, for instance
  ``grad e = 2 × e × grad f = 2 × −6 × 1 = −12`` when ``f = e**2``.

Each local derivative is written as the lecture writes it (``1 − t²`` for tanh,
``s·(1 − s)`` for sigmoid), first with names, then with the numbers: the words are the op
table's (engine/ops.py), rendered by engine/optext.py as for the player's captions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from micrograd_ed.engine import Value, optext, topological_order

MINUS = "\u2212"
TIMES = "\u00d7"
MAX_TERMS = 4          # terms of a sum written out before "…"
_NAME_LENGTH = 18      # an unnamed node is shown by its formula when it is this short


def num(x: float, digits: int = 4) -> str:
    """A number as people write it: ``digits`` significant digits and a real minus sign."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return repr(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else f"{MINUS}inf"
    if x == 0:
        return "0"
    s = f"{x:.{digits}g}"
    if "e" in s:
        mantissa, exponent = s.split("e")
        s = f"{mantissa}e{int(exponent)}"
    return s.replace("-", MINUS)


def distinct(a: float, b: float) -> tuple[str, str]:
    """``a`` and ``b`` with enough digits (4 to 17) that two different numbers look different."""
    for digits in (4, 6, 8, 10, 12, 17):
        sa, sb = num(a, digits), num(b, digits)
        if sa != sb or a == b:
            return sa, sb
    return num(a, 17), num(b, 17)


# ------------------------------------------------------------- templates
@dataclass(frozen=True)
class Ref:
    """A node inside a formula: written as its name, or as its number (in parentheses
    when it is negative and ``paren`` is set, as in ``(−0.76)²``)."""

    node: Value
    paren: bool = False


@dataclass(frozen=True)
class Local:
    """A local derivative with no formula in the op table (an op it does not know):
    written ``∂u/∂x``, or as its number."""

    node: Value
    slot: int


Token = str | Ref | Local


class Namer:
    """Names for the nodes of one graph: the given names, else the node's label, else a
    short formula of its parents (``(a × b)``), else ``#k`` (its place in topological order)."""

    def __init__(self, root: Value, names: Mapping[Value, str] | None = None) -> None:
        self.order = topological_order(root)
        self.index = {v: k for k, v in enumerate(self.order)}
        self.given = dict(names or {})
        self._cache: dict[Value, str] = {}

    def __call__(self, v: Value) -> str:
        if v in self.given:
            return self.given[v]
        if v in self._cache:
            return self._cache[v]
        name = self._plain(v)
        if not v.label and v.op:
            # one level of formula, its parents by plain name: never a recursion
            text = "".join(self._plain(t.node) if isinstance(t, Ref) else
                           ("\u2202/\u2202" if isinstance(t, Local) else t)
                           for t in forward_tokens(v))
            if len(text) <= _NAME_LENGTH:
                name = f"({text})"
        self._cache[v] = name
        return name

    def _plain(self, v: Value) -> str:
        """The given name, else the label, else ``#k``."""
        return self.given.get(v) or v.label or f"#{self.index.get(v, '?')}"

    def subject(self, v: Value) -> str:
        """The node as the subject of a sentence: a plain number that became a node (the 2
        of ``2 - a``) is ``the constant 2``, never a name that reads as a number
        ("grad 2 = 0"); inside a formula it stays ``2``."""
        if v not in self.given and v.label and not v.op and _is_number(v.label):
            return f"the constant {v.label}"
        return self(v)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def render(tokens: Sequence[Token], namer: Namer, values: bool) -> str:
    """A formula with names (``values=False``) or with every node's number put in."""
    out = []
    for t in tokens:
        if isinstance(t, Local):
            u, i = t.node, t.slot
            out.append(num(u.local_grads[i]) if values
                       else f"\u2202{namer(u)}/\u2202{namer(u.parents[i])}")
        elif isinstance(t, Ref):
            if values:
                x = t.node.data
                s = num(x)
                out.append(f"({s})" if t.paren and x < 0 else s)
            else:
                out.append(namer(t.node))
        else:
            out.append(t)
    return "".join(out)


def _tokens(parts: Sequence[optext.Part]) -> list[Token]:
    """The op table's parts (engine/optext.py) as tokens: a node becomes a Ref (in
    parentheses when negative, unless the text around it delimits it), a number its text."""
    return [p if isinstance(p, str) else
            Ref(p.node, paren=not (p.bare or p.spaced)) if p.node is not None else num(p.number)
            for p in parts]


def forward_tokens(v: Value) -> list[Token]:
    """How ``v`` is computed from its parents, as a formula: ``a × b``, ``tanh(n)``, ``e^2``."""
    return _tokens(optext.forward_parts(v))


def local_tokens(u: Value, i: int) -> list[Token] | None:
    """∂u/∂(parent i) as a formula (the op table's words: ``1 − t²``), or None when it is 1
    (as for ``+``). A formula with a sum in it comes in parentheses, as it is multiplied by
    ``grad u``: ``(1 − t²) × grad t``. An op the table does not know gives ``∂u/∂x``."""
    parts = optext.derivative_parts(u, i)
    if parts is None:
        return [Local(u, i)]
    tokens = _tokens(parts)
    if tokens == ["1"]:
        return None
    if any(isinstance(t, str) and (f" {MINUS} " in t or " + " in t or " if " in t)
           for t in tokens):
        return ["(", *tokens, ")"]
    return tokens


# ---------------------------------------------------------- explanations
def users(root: Value) -> dict[Value, list[tuple[Value, int]]]:
    """For every node of the graph, the edges out of it: (the node using it, which slot)."""
    out: dict[Value, list[tuple[Value, int]]] = {}
    for u in topological_order(root):
        out.setdefault(u, [])
        for i, p in enumerate(u.parents):
            out.setdefault(p, []).append((u, i))
    return out


def share(u: Value, i: int, grad_u: float | None = None) -> float:
    """What the edge from parent slot ``i`` of ``u`` adds to that parent's grad:
    ``(∂u/∂x) × grad u``."""
    g = u.grad if grad_u is None else grad_u
    return float(u.local_grads[i]) * float(g)


def explain_data(v: Value, namer: Namer) -> str:
    """``data e = a × b = 2 × −3 = −6`` (or ``data a = 2 (an input)`` for a leaf)."""
    name = namer(v)
    if not v.op:
        return f"data {name} = {num(v.data)} (an input)"
    toks = forward_tokens(v)
    return (f"data {name} = {render(toks, namer, False)} = {render(toks, namer, True)} "
            f"= {num(v.data)}")


def explain_grad(v: Value, namer: Namer, used: Sequence[tuple[Value, int]],
                 root: Value) -> str:
    """``grad e = 2 × e × grad f = 2 × −6 × 1 = −12``: the chain rule over every edge out of v."""
    name = namer.subject(v)
    if v is root:
        return f"grad {name} = 1 (the output: d{name}/d{name} = 1)"
    if not used:
        return f"grad {name} = 0 ({name} is not used to compute {namer(root)})"
    names, numbers = [], []
    for u, i in used[:MAX_TERMS]:
        local = local_tokens(u, i)
        if local is None:
            names.append(f"grad {namer(u)}")
            numbers.append(num(u.grad))
        else:
            names.append(f"{render(local, namer, False)} {TIMES} grad {namer(u)}")
            numbers.append(f"{render(local, namer, True)} {TIMES} {num(u.grad)}")
    more = f" + … ({len(used):,} terms)" if len(used) > MAX_TERMS else ""
    total = sum(share(u, i) for u, i in used)
    return (f"grad {name} = {' + '.join(names)}{more} = {' + '.join(numbers)}{more} "
            f"= {num(total)}")
