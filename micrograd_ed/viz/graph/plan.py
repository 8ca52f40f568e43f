"""What the graph picture draws, before any DOT is written: its boxes and its edges.

* Every Value is a box; a Value made by an op also gets the op's ellipse.
* Every use of a Value by an op is an edge (``a * a`` gives two), carrying the
  forward value and this edge's share of the Value's grad; in a collapsed view
  the uses of one Value by one neuron merge into one edge.
* Inputs that were plain numbers (``model([1, 0])``) are not Values: the ``dot``
  node only records them as its local derivatives dz/dw_i = x_i. They are drawn
  as input boxes ``x[i]`` feeding the ``dot``, one per layer and index.
* A Value with many uses spread over the picture (``a + a + ... + a``) is drawn
  once with its grad, and again as a small dashed box beside each use: the
  long edges it would need make the layout quadratic and unreadable. Boxed by
  neuron, so is an input that feeds several neurons (``x[0]`` of a 2-2-1 MLP):
  a dashed copy in each neuron's box, the input with its grad beside the legend.

SVG ids, with ``k`` the index in ``topological_order(root)``: ``v<k>`` for a
Value's box, ``op<k>`` for its op, ``e<k>_<i>`` for the edge from parent slot
``i`` of Value ``k``; ``x<k>_<i>`` for the edge from a number input,
``v<k>_u<j>`` for the j-th extra box of a Value drawn beside its uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from micrograd_ed.engine import Value
from micrograd_ed.viz.core.scopes import Scope, scope_id

GHOST_USES = 3     # a Value used at least this many times...
GHOST_SPREAD = 3   # ...by ops this many levels apart is drawn again beside each use
# ...and so is one used this many times or more, wherever its uses are: fanned out to all of
# them it would be unreadable, and Graphviz takes minutes to order its edges (a*1 + a*2 + … +
# a*100, 100 uses: over 60 s; 60 uses 3.8 s; drawn beside each use: well under a second).
# A layer of 16 or 32 neurons keeps its inputs fanned out.
GHOST_MANY = 40


@dataclass
class Edge:
    """One drawn edge: DOT names of its ends, the Value it carries and its uses."""

    src: str
    tgt: str
    eid: str
    parent: Value | None                 # None: a number input (no Value, no grad)
    uses: list[tuple[Value, int]] = field(default_factory=list)
    into_op: bool = True                 # False: into a collapsed neuron
    number: object = None                # the number input's value(s)


@dataclass
class NumberInput:
    """An input given as a plain number, drawn as a box ``x[i]``."""

    name: str
    index: int
    value: object


class Plan:
    """Boxes and edges of one graph picture (see the module docstring)."""

    def __init__(self, nodes: list[Value], used_by: dict[Value, list[Value]],
                 collapsed: dict[Value, Scope], kinds: dict[str, str] | dict,
                 boxed: dict[Value, Scope] | None = None) -> None:
        self.nodes, self.collapsed, self.kinds = nodes, collapsed, kinds
        self.boxed = boxed or {}                          # Value -> its neuron's box
        self.per_box: set[Value] = set()                  # inputs drawn again in each box
        self.k = {v: i for i, v in enumerate(nodes)}
        self.out: dict[Scope, Value] = {}                 # collapsed neuron -> its output
        self.leaves: dict[Scope, list[Value]] = {}        # collapsed neuron -> leaves inside
        for v in nodes:
            if v in collapsed:
                self.out[collapsed[v]] = v                # the last one in topological order
                if not v.op:
                    self.leaves.setdefault(collapsed[v], []).append(v)
        self.uses: dict[Value, list[tuple[Value, int]]] = {v: [] for v in nodes}
        for c in nodes:
            for i, p in enumerate(c.parents):
                self.uses[p].append((c, i))
        self.ghosted = self._ghosted() if not collapsed else set()
        self.numbers: list[NumberInput] = []
        self.edges = self._edges()
        self.out_edges: dict[Value, list[Edge]] = {}
        for e in self.edges:
            if e.parent is not None:
                self.out_edges.setdefault(e.parent, []).append(e)

    # -------------------------------------------------------------- names
    def name(self, v: Value) -> str:
        return f"n{self.k[v]}"

    def neuron_name(self, s: Scope) -> str:
        return "neuron_" + scope_id(s)

    def box_of(self, v: Value) -> str | None:
        """The DOT name of the box that shows ``v``, or None if it is hidden in a neuron."""
        s = self.collapsed.get(v)
        if s is None:
            return self.name(v)
        return self.neuron_name(s) if self.out[s] is v else None

    def hidden(self, v: Value) -> bool:
        return self.box_of(v) is None

    # -------------------------------------------------------------- order
    def order_groups(self) -> dict[tuple, list[tuple[int, str]]]:
        """DOT names that must be drawn in index order, as (index, name) lists by kind:
        ``("x",)`` the inputs x[i]; ``("w", l, n)`` the weights w[l,n,i] of neuron n of
        layer l (boxed by neuron, after the copies of the inputs drawn in its box);
        ``(role, l)`` with role "dot", "z", "a" or "neuron" (collapsed) each
        layer's neurons, neuron 0 first; ``("xv", l)`` inputs given as Values."""
        found: dict[tuple, dict[int, str]] = {}

        def put(key: tuple, index: object, name: str | None) -> None:
            if name is not None and isinstance(index, int) and not isinstance(index, bool):
                found.setdefault(key, {}).setdefault(index, name)

        for n in self.numbers:
            put(("x",), n.index, n.name)
        for v in self.nodes:
            s = v.scope if isinstance(v.scope, tuple) and len(v.scope) == 2 else None
            box = self.box_of(v)
            if v in self.collapsed:
                sc = self.collapsed[v]
                if self.out[sc] is v:
                    put(("neuron", sc[0]), sc[1], box)
                continue
            if s is not None and v.op:
                role = v.op if v.op == "dot" else (v.label[:1] if v.label[1:2] == "[" else v.op)
                put((role, s[0]), s[1], box)
            if v.op == "dot" and s is not None:
                nw = len(v.parents) if len(v.local_grads) == len(v.parents) else 0
                params = [p for p in v.parents if self.kinds.get(p) == "param"]
                for i, w in enumerate(params):
                    if w not in self.ghosted and not self.hidden(w):
                        put(("w", *s), i, self.box_of(w))
                # the copies of the inputs in this neuron's box, x[0] first, before its weights
                copies = [e.src for e in self.edges
                          if e.parent in self.per_box and e.uses[0][0] is v]
                for j, name in enumerate(copies):
                    put(("w", *s), j - len(copies), name)
                if nw and len(params) * 2 == len(v.parents):   # Value inputs after weights
                    for i, x in enumerate(v.parents[len(params):]):
                        if not x.op and x not in self.ghosted:
                            put(("xv", s[0]), i, self.box_of(x))
        return {key: sorted(names.items()) for key, names in found.items()}

    # -------------------------------------------------------------- edges
    def _ghosted(self) -> set[Value]:
        depth: dict[Value, int] = {}
        for v in self.nodes:
            depth[v] = 1 + max((depth[p] for p in v.parents), default=-1)
        out = set()
        for v, uses in self.uses.items():
            if len(uses) >= GHOST_USES:
                levels = [depth[c] for c, _ in uses]
                if max(levels) - min(levels) >= GHOST_SPREAD or len(uses) >= GHOST_MANY:
                    out.add(v)
                    continue
            # boxed by neuron: an input feeding several neurons is drawn again inside each
            # neuron's box, so that no line runs from it across another neuron's box
            if not v.op and v not in self.boxed and len(uses) >= 2:
                homes = {self.boxed.get(c) for c, _ in uses}
                if len(homes) >= 2 and None not in homes:
                    out.add(v)
                    self.per_box.add(v)
        return out

    def _edges(self) -> list[Edge]:
        groups: dict[tuple, Edge] = {}
        numbers: dict[tuple, NumberInput] = {}
        ghosts: dict[Value, int] = {}
        for c in self.nodes:
            cs = self.collapsed.get(c)
            tgt = self.name(c) + "_op" if cs is None else self.neuron_name(cs)
            k = self.k[c]
            for i, p in enumerate(c.parents):
                ps = self.collapsed.get(p)
                if cs is not None and cs == ps:
                    continue                        # inside one collapsed neuron
                if cs is None:
                    key: tuple = (k, i)             # every use its own edge: a*a gives two
                    src = self.name(p) if ps is None else self.neuron_name(ps)
                    if p in self.ghosted:
                        ghosts[p] = ghosts.get(p, -1) + 1
                        src = f"{self.name(p)}_u{ghosts[p]}"
                else:
                    src = self.name(p) if ps is None else self.neuron_name(ps)
                    key = (src, tgt, self.k[p])     # a value into a neuron: one edge
                edge = groups.setdefault(key, Edge(src, tgt, f"e{k}_{i}", p, [], cs is None))
                edge.uses.append((c, i))
            for i, x in number_inputs(c, self.kinds):
                layer = c.scope[0] if isinstance(c.scope, (tuple, list)) and c.scope else None
                nkey = (repr(layer), i, _key(x))
                if nkey not in numbers:
                    numbers[nkey] = NumberInput(f"num{len(numbers)}", i, x)
                groups[("x", k, i)] = Edge(numbers[nkey].name, tgt, f"x{k}_{i}", None,
                                           [(c, i)], cs is None, x)
        self.numbers = list(numbers.values())
        return list(groups.values())


def number_inputs(c: Value, kinds: dict) -> list[tuple[int, object]]:
    """(i, x_i) for a ``dot`` whose inputs were plain numbers: its parents are only the
    weights (all parameters), and its local derivatives dz/dw_i are the x_i."""
    if c.op != "dot" or not c.parents:
        return []
    if not all(kinds.get(p) == "param" for p in c.parents):
        return []
    lg = c.local_grads
    if len(lg) != len(c.parents):
        return []
    return [(i, lg[i]) for i in range(len(c.parents))]


def _key(x: object) -> object:
    tobytes = getattr(x, "tobytes", None)
    return tobytes() if tobytes is not None else float(x)  # type: ignore[arg-type]
