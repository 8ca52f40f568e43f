"""Backpropagation as a list of steps: the forward pass op by op, then backward edge by edge.

:func:`build_steps` turns a graph into the records a player shows one at a time:

* **start** -- the inputs are given (or, with ``forward=False``, the forward pass is done);
* **forward** -- one step per op node, in topological order: ``e = a × b = 2 × −3 = −6``;
* **seed** -- ``grad L = ∂L/∂L = 1``;
* **backward** -- one step per edge, in exactly the order ``backward()`` applies them
  (:func:`micrograd_ed.backward_order`, then each node's parents in slot order). The edge
  from ``z`` to its operand ``x`` applies the chain rule
  ``grad x += (∂z/∂x) × grad z``; a reused ``x`` shows its running sum
  (``grad a = 6 + 1 = 7``), and the step that brings its last share says its grad is
  complete, so it is released to pass it on;
* **done** -- every grad is complete.

Nothing here changes the graph: the numbers are replayed from ``data`` and ``local_grads``
with the engine's own arithmetic (``0.0 + d × g``, shares added in the engine's order), so
the last step holds bit for bit the ``grad`` that one ``backward()`` gives every node.

:func:`paths` lists every path from a node to the root with its product of local
gradients; their sum is the node's grad ("sum over paths of the product of local
gradients").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from micrograd_ed.engine import Value, backward_order, optext, topological_order
from micrograd_ed.viz.core.dot import fmt, printable

MINUS = "\u2212"
NAME_LIMIT = 14  # characters: a longer expression name becomes "#k"
PATH_LIMIT = 12  # paths listed per node; the count and the sum cover all of them


@dataclass(frozen=True)
class Step:
    """One step of the player.

    ``node`` is the index (in ``topological_order(root)``) of the node in focus: the op's
    result (forward), the operand that receives a share (backward edge). ``edge`` is
    ``(k, i)``: the edge from ``nodes[k].parents[i]`` into ``nodes[k]``. ``data`` and
    ``grad`` hold what this step sets (node index -> number); ``complete`` the nodes whose
    grad became complete at this step.
    """

    index: int
    phase: str                      # "start", "forward", "backward" or "done"
    kind: str                       # "start", "op", "seed", "edge", "done" or "leaf"
    caption: str
    node: int | None = None
    edge: tuple[int, int] | None = None
    data: Mapping[int, float] = field(default_factory=dict)
    grad: Mapping[int, float] = field(default_factory=dict)
    complete: tuple[int, ...] = ()
    share: float | None = None      # an edge step's d × g


@dataclass(frozen=True)
class State:
    """What is known after a step: ``data[k]`` / ``grad[k]`` (None while unknown) and
    the nodes whose grad is complete."""

    data: tuple[float | None, ...]
    grad: tuple[float | None, ...]
    complete: frozenset[int]


@dataclass(frozen=True)
class Path:
    """One path from a node up to the root: its edges ``(k, i)`` from the node upwards,
    the nodes along it (the node first, the root last), the local gradient of each edge
    and their product."""

    edges: tuple[tuple[int, int], ...]
    nodes: tuple[int, ...]
    factors: tuple[float, ...]
    product: float


@dataclass(frozen=True)
class Paths:
    """Every path from one node to the root: ``count`` of them, ``total`` = the sum of their
    products (= the node's grad), and the first ``PATH_LIMIT`` of them listed."""

    node: int
    count: int
    total: float
    listed: tuple[Path, ...]


class Numbers:
    """Formats numbers the same way in captions, node texts and tests."""

    def __init__(self, precision: int = 4) -> None:
        if isinstance(precision, bool) or not isinstance(precision, int) or precision < 1:
            raise ValueError(f"precision must be a positive int (significant digits), "
                             f"got {precision!r}")
        self.precision = precision
        self._memo: dict[float, str] = {}

    def __call__(self, x: float) -> str:
        """``x`` with ``precision`` significant digits and a true minus sign: ``−6``."""
        s = self._memo.get(x)
        if s is None:
            s = self._memo[x] = fmt(x, self.precision).replace("-", MINUS)
        return s

    def operand(self, x: float) -> str:
        """A number after an operator: negative ones in parentheses, ``4 + (−2)``."""
        s = self(x)
        return f"({s})" if s.startswith(MINUS) else s


# --------------------------------------------------------------------- names
def node_names(nodes: list[Value], num: Numbers, limit: int = NAME_LIMIT) -> list[str]:
    """One name for every node, used by every caption, the picture's boxes and the paths
    panel: its label; else the expression that made it (``a × b``, ``tanh(d)``) while that
    is at most ``limit`` characters and no other node has that name already; else ``#k``,
    its index in topological order (:func:`glossary` says so on the page)."""
    names: list[str] = []
    index = {v: k for k, v in enumerate(nodes)}
    taken = {printable(v.label) for v in nodes if v.label}
    for k, v in enumerate(nodes):
        if v.label:
            name = printable(v.label)
        elif not v.op:
            name = f"#{k}"
        else:
            expr = _expression(v, num, lambda p: names[index[p]])
            name = expr if len(expr) <= limit and expr not in taken else f"#{k}"
        names.append(name)
        taken.add(name)
    return names


def is_tag(name: str) -> bool:
    """Whether ``name`` is a ``#k`` name (a node with neither a label nor a usable formula)."""
    return name.startswith("#") and name[1:].isdigit()


_CALL = re.compile(r"^[A-Za-z_][\w.]*\([^()]*\)$")


def wrap_name(name: str) -> str:
    """A name inside a larger expression: parenthesised when it is itself compound."""
    if _CALL.match(name) or not any(ch in name for ch in " +\u00d7/^\u00b7"):
        return name
    return f"({name})"


_wrap = wrap_name


def _expression(v: Value, num: Numbers, name: Callable[[Value], str] | None) -> str:
    """How ``v`` was computed (the op table's forward text, engine/optext.py): with its
    operands' names (``name`` given), else with their numbers."""
    out = []
    for n, p in enumerate(optext.forward_parts(v)):
        if isinstance(p, str):
            out.append(p)
        elif name is not None and p.node is not None:
            out.append(name(p.node) if p.bare else _wrap(name(p.node)))
        else:
            x = p.number if p.node is None else p.node.data
            out.append(num(x) if p.bare or n == 0 else num.operand(x))
    return "".join(out)


# ------------------------------------------------------- local derivatives
def local_formula(v: Value, i: int, names: list[str], index: Mapping[Value, int]) -> str | None:
    """The local derivative ``∂v/∂parents[i]`` as a formula of names (the op table's
    words, engine/optext.py), or None when it is just a number (``+``, ``−``, constants)."""
    parts = optext.derivative_parts(v, i)
    if parts is None or not any(isinstance(p, optext.Slot) and p.node is not None for p in parts):
        return None

    def fill(p: optext.Slot) -> str:
        if p.node is None:
            return fmt(p.number).replace("-", MINUS)
        name = names[index[p.node]]
        return name if p.bare else _wrap(name)

    return optext.render(parts, fill)


# ------------------------------------------------------------------ steps
def build_steps(root: Value, *, forward: bool = True,
                num: Numbers | None = None) -> tuple[list[Value], list[str], list[Step]]:
    """The nodes (topological order), their names, and the steps of the player.

    Raises TypeError for a non-Value and ValueError for a batched graph (one sample at a
    time: build the graph for one example).
    """
    if not isinstance(root, Value):
        raise TypeError(f"step_through expects a Value, got {type(root).__name__}")
    num = num or Numbers()
    nodes = topological_order(root)
    for v in nodes:
        if not _is_scalar(v.data):
            raise ValueError(
                f"step_through shows one sample at a time, but {_what(v)} holds a batch "
                f"of {getattr(v.data, 'size', '?')} values; build the graph for one "
                "example (e.g. loss of model(x) for a single x)")
    names = node_names(nodes, num)
    index = {v: k for k, v in enumerate(nodes)}
    k_root = len(nodes) - 1
    if not root.op:
        caption = (f"{names[k_root]} = {num(root.data)} is a leaf: nothing computed it, so "
                   f"there is nothing to step through. backward() on it sets "
                   f"grad {names[k_root]} = \u2202{_wrap(names[k_root])}/"
                   f"\u2202{_wrap(names[k_root])} = 1.")
        return nodes, names, [Step(0, "done", "leaf", caption, node=k_root,
                                   data={k_root: root.data}, grad={k_root: 1.0},
                                   complete=(k_root,))]
    steps: list[Step] = []
    leaves = [k for k, v in enumerate(nodes) if not v.op]
    if forward:
        given = _list_of(f"{names[k]} = {num(nodes[k].data)}" for k in leaves)
        caption = (f"Forward pass: the inputs are given ({given}). Each op computes its "
                   "value from its operands, in topological order; every grad is still "
                   "unknown (grad ?).")
        if glossary(nodes, names, num):
            caption += "\n" + glossary(nodes, names, num)
        steps.append(Step(0, "start", "start", caption,
                          data={k: nodes[k].data for k in leaves}))
        for k, v in enumerate(nodes):
            if v.op:
                steps.append(Step(len(steps), "forward", "op", _forward_caption(
                    v, k, names, index, num), node=k, data={k: v.data}))
    else:
        caption = (f"The forward pass is done: {names[k_root]} = {num(root.data)}. Next, the "
                   "backward pass: every grad is still unknown (grad ?).")
        if glossary(nodes, names, num):
            caption += "\n" + glossary(nodes, names, num)
        steps.append(Step(0, "start", "start", caption,
                          data={k: v.data for k, v in enumerate(nodes)}))
    _backward_steps(root, nodes, names, index, num, steps)
    leaf_grads = _list_of(f"grad {_wrap(names[k])} = {num(_final(steps, k))}" for k in leaves)
    steps.append(Step(len(steps), "done", "done",
                      f"Backward pass done: every grad is complete. {leaf_grads}."))
    return nodes, names, steps


def _backward_steps(root: Value, nodes: list[Value], names: list[str],
                    index: dict[Value, int], num: Numbers, steps: list[Step]) -> None:
    """The seed and one step per edge, in backward()'s own order."""
    k_root = index[root]
    uses = [0] * len(nodes)
    for v in nodes:
        for p in v.parents:
            uses[index[p]] += 1
    left = list(uses)
    shares: list[list[float]] = [[] for _ in nodes]
    grad: list[float | None] = [None] * len(nodes)
    grad[k_root] = 1.0
    r = _wrap(names[k_root])
    steps.append(Step(len(steps), "backward", "seed",
                      f"Backward pass: start at the output, grad {r} = \u2202{r}/"
                      f"\u2202{r} = 1. Its grad is complete, so {r} passes it on to "
                      "its operands.", node=k_root, grad={k_root: 1.0}, complete=(k_root,)))
    for v in backward_order(root):
        k = index[v]
        g = grad[k]
        for i, (p, d) in enumerate(zip(v.parents, v.local_grads)):
            j = index[p]
            c = d * g                       # the engine: p.grad += d * g
            before = grad[j]
            grad[j] = (0.0 if before is None else before) + c
            shares[j].append(c)
            left[j] -= 1
            done = left[j] == 0
            caption = _edge_caption(v, i, k, j, g, c, names, index, num)
            pn = _wrap(names[j])
            if before is not None:
                terms = " + ".join(num(s) if n == 0 else num.operand(s)
                                   for n, s in enumerate(shares[j]))
                caption += f"\nRunning sum: grad {pn} = {terms} = {num(grad[j])}"
            else:
                caption += f"\ngrad {pn} = {num(grad[j])}"
            if done:
                caption += _complete_note(p, pn, uses[j])
            else:
                more = left[j]
                caption += (f" so far ({pn} has {more} more use{'s' if more > 1 else ''} to "
                            "come: its grad is not complete yet).")
            steps.append(Step(len(steps), "backward", "edge", caption, node=j, edge=(k, i),
                              grad={j: grad[j]}, complete=(j,) if done else (), share=c))


def _complete_note(p: Value, pn: str, uses: int) -> str:
    how = ("this edge is its only use" if uses == 1
           else f"all {uses} of its uses have added their share")
    if p.op:
        return (f": complete ({how}). {pn} is released: it will pass its grad on to "
                "its own operands.")
    return f": complete ({how}). {pn} is a leaf, so this is its final grad."


GLOSSARY_FORMULAS = 8     # "#k = formula" entries the glossary lists; the rule covers the rest
GLOSSARY_WIDTH = 70       # characters of a formula in the glossary (its forward step has all)


def glossary(nodes: list[Value], names: list[str], num: Numbers) -> str:
    """What the names that are not labels mean, as one paragraph ("" when every node has a
    label): formula names, ``#k`` inputs and ``#k`` values with their formulas."""
    index = {v: k for k, v in enumerate(nodes)}
    formula = [names[k] for k, v in enumerate(nodes)
               if not v.label and v.op and not is_tag(names[k])]
    inputs = [names[k] for k, v in enumerate(nodes) if not v.label and not v.op]
    long = [k for k, v in enumerate(nodes) if not v.label and v.op and is_tag(names[k])]
    parts = []
    if formula:
        parts.append(f"{_some(formula)}: {_plural(formula, 'a value', 'values')} without a "
                     "label, named by the formula that computed "
                     f"{_plural(formula, 'it', 'them')}")
    if inputs:
        parts.append(f"{_some(inputs)}: {_plural(inputs, 'an input', 'inputs')} without a label")
    formulas = {k: _expression(nodes[k], num, lambda p: names[index[p]]) for k in long}
    again = [k for k in long if len(formulas[k]) <= NAME_LIMIT]     # its formula is taken
    for group, why in ((again, "its formula already names another value"),
                       ([k for k in long if k not in again],
                        "formula too long to use as a name")):
        if not group:
            continue
        shown = []
        for k in group[:GLOSSARY_FORMULAS]:
            expr = formulas[k]
            if len(expr) > GLOSSARY_WIDTH:
                expr = expr[:GLOSSARY_WIDTH].rstrip() + " \u2026"
            shown.append(f"{names[k]} = {expr}")
        more = f" and {len(group) - len(shown)} more" if len(group) > len(shown) else ""
        parts.append(f"{', '.join(shown)}{more}: {_plural(group, 'a value', 'values')} "
                     f"without a label ({why})")
    if not parts:
        return ""
    if inputs or long:
        parts.append("#k is the value's place k in the order of computation")
    return "Names: " + "; ".join(parts) + "."


def _some(names: list[str], most: int = 8) -> str:
    if len(names) > most:
        return ", ".join(names[:most]) + f" and {len(names) - most} more"
    return ", ".join(names)


def _plural(items: list, one: str, many: str) -> str:
    return one if len(items) == 1 else many


def _forward_caption(v: Value, k: int, names: list[str], index: dict[Value, int],
                     num: Numbers) -> str:
    expr = _expression(v, num, lambda p: names[index[p]])
    vals = _expression(v, num, None)
    head = f"{names[k]} = {expr}" if names[k] != expr else expr
    return f"Forward: {head} = {vals} = {num(v.data)}"


def _edge_caption(v: Value, i: int, k: int, j: int, g: float, c: float, names: list[str],
                  index: dict[Value, int], num: Numbers) -> str:
    z, x = _wrap(names[k]), _wrap(names[j])
    d = v.local_grads[i]
    formula = local_formula(v, i, names, index)
    dtext = num(d)
    local = f"\u2202{z}/\u2202{x} = {formula} = {dtext}" if formula and formula != dtext else (
        f"\u2202{z}/\u2202{x} = {dtext}")
    slot = ""
    if v.parents.count(v.parents[i]) > 1:
        slot = f" (operand {i + 1} of {names[k]})"
    return (f"Backward: grad {x} += ({local}) \u00d7 (grad {z} = {num(g)}) "
            f"= {num(c)}{slot}")


def _final(steps: list[Step], k: int) -> float:
    for s in reversed(steps):
        if k in s.grad:
            return s.grad[k]
    return 0.0


def _list_of(items, most: int = 6) -> str:
    items = list(items)
    if len(items) > most:
        return ", ".join(items[:most]) + f", \u2026 ({len(items)} in all)"
    return ", ".join(items)


def _is_scalar(x: object) -> bool:
    return isinstance(x, (int, float))


def _what(v: Value) -> str:
    return f"the node {v.label!r}" if v.label else f"a {v.op or 'leaf'} node"


# ------------------------------------------------------------------ replay
def replay(n: int, steps: list[Step], upto: int | None = None) -> State:
    """The state after step ``upto`` (default: the last), from the steps' changes alone."""
    data: list[float | None] = [None] * n
    grad: list[float | None] = [None] * n
    complete: set[int] = set()
    last = len(steps) - 1 if upto is None else upto
    for s in steps[: last + 1]:
        for k, x in s.data.items():
            data[k] = x
        for k, x in s.grad.items():
            grad[k] = x
        complete.update(s.complete)
    return State(tuple(data), tuple(grad), frozenset(complete))


# ------------------------------------------------------------------- paths
def users(nodes: list[Value]) -> list[list[tuple[int, int]]]:
    """``users(nodes)[j]``: the edges ``(k, i)`` out of node j (nodes[k].parents[i] is it)."""
    index = {v: k for k, v in enumerate(nodes)}
    out: list[list[tuple[int, int]]] = [[] for _ in nodes]
    for k, v in enumerate(nodes):
        for i, p in enumerate(v.parents):
            out[index[p]].append((k, i))
    return out


def paths(nodes: list[Value], j: int, limit: int = PATH_LIMIT,
          used_by: list[list[tuple[int, int]]] | None = None) -> Paths:
    """Every path from ``nodes[j]`` to the root (``nodes[-1]``).

    ``count`` and ``total`` (the sum over all paths of the product of their local
    gradients, which is ``d root / d nodes[j]``) are computed by dynamic programming over
    the graph, so they cost one pass even when there are exponentially many paths; the
    first ``limit`` paths are listed, in order of the edges' (k, i).
    """
    used_by = used_by if used_by is not None else users(nodes)
    root = len(nodes) - 1
    count = [0] * len(nodes)
    total = [0.0] * len(nodes)
    count[root], total[root] = 1, 1.0
    for m in range(root - 1, j - 1, -1):            # users come later in topological order
        for k, i in used_by[m]:
            count[m] += count[k]
            total[m] += nodes[k].local_grads[i] * total[k]
    listed: list[Path] = []
    stack: list[tuple[int, tuple[tuple[int, int], ...]]] = [(j, ())]
    while stack and len(listed) < limit:
        m, edges = stack.pop()
        if m == root:
            factors = tuple(nodes[k].local_grads[i] for k, i in edges)
            product = 1.0
            for f in factors:
                product *= f
            listed.append(Path(edges, (j, *(k for k, _ in edges)), factors, product))
            continue
        for k, i in reversed(used_by[m]):
            if count[k]:
                stack.append((k, (*edges, (k, i))))
    return Paths(j, count[j], total[j], tuple(listed))
