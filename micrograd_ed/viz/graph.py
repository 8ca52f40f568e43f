"""The computation graph of a Value, with the value and the gradient on every edge.

Each Value is a box (its label, ``data`` and ``grad``); each op is a small
ellipse of its own (with its constant, as in ``* 2``). An edge from a Value to
an op that uses it carries the forward value flowing along it and the gradient
flowing back along it: this edge's share of the Value's grad,
``grad of the op's result x local derivative``. Node names are ``n0, n1, ...``
in topological order, so the DOT text is the same in every process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from micrograd_ed.engine import Value, topological_order
from micrograd_ed.viz import style
from micrograd_ed.viz.diagram import Diagram
from micrograd_ed.viz.dot import Raw, attrs, lines, quote
from micrograd_ed.viz.reading import Reader
from micrograd_ed.viz.scopes import (
    Scope,
    clusters,
    count_nodes,
    scope_id,
    scope_title,
    scopes,
    users,
)

GROUP_BY = (None, "neuron", "layer")
RANKDIRS = ("LR", "TB", "RL", "BT")
_PARAM_LABEL = re.compile(r"[wb]\[")   # nn labels parameters "w[1,0,2]", "b[1,0]"
_SYMBOLS = {"+", "-", "*", "/", "**"}
COLLAPSED_EDGE_LABELS = 80  # with collapse=True, more edges than this are drawn unlabelled


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``: drawn whole it would be unreadable."""


def draw_graph(root: Value, *, rankdir: str = "LR", show_local_grads: bool = True,
               max_nodes: int = 500, group_by: str | None = None, collapse: bool = False,
               title: str | None = None, params: Iterable[Value] | None = None,
               precision: int = 4, sample: int | None = None) -> Diagram:
    """Draw the graph that computed ``root``: every value, op, edge value and edge gradient.

    Parameters
    ----------
    rankdir: "LR" (inputs on the left), "TB", "RL" or "BT".
    show_local_grads: also write the local derivative on each edge, as
        ``grad -6 = -2 x 3`` (edge share = op result's grad x local derivative).
    max_nodes: refuse (GraphTooLargeError) to draw more nodes than this.
    group_by: None, "neuron" or "layer": a box around each neuron's or layer's
        nodes, from the ``scope`` that micrograd_ed.nn records on its nodes.
    collapse: draw each neuron as one node with its output's data and grad.
    title: a caption above the picture.
    params: the parameters (e.g. ``model.parameters()``), styled apart from the
        other leaves (the inputs). By default, leaves labelled like "w[...]"
        or "b[...]" are parameters.
    precision: significant digits of every number.
    sample: in batched mode, show this sample instead of the batch mean.

    Before ``backward()`` every gradient shows as "?": a graph whose grads
    are all 0 (the root's included) has not been backpropagated yet.
    """
    _check_options(root, rankdir, max_nodes, group_by, collapse, show_local_grads)
    nodes = topological_order(root)
    used_by = users(nodes)
    scope: dict[Value, Scope] = {}
    if group_by is not None or collapse:
        scope = scopes(nodes, used_by)
        if not scope:
            raise ValueError(
                f"group_by={group_by!r}, collapse={collapse!r}: no node of this graph "
                "records which neuron made it (Value.scope is None everywhere). Grouping "
                "needs a graph built by micrograd_ed.nn modules; draw this one without it.")
    count = count_nodes(nodes, scope, collapse)
    if count > max_nodes:
        raise GraphTooLargeError(_too_large(nodes, used_by, count, max_nodes, collapse, scope))
    reader = Reader(nodes, root, precision, sample)
    kinds = _kinds(nodes, root, params)
    writer = _Writer(nodes, scope if collapse else {}, kinds, reader, show_local_grads)
    source = writer.source(rankdir, title, scope, group_by)
    what = f"{root.label!r}" if root.label else "a Value"
    return Diagram(source, f"graph of {what}, {count} nodes")


# ------------------------------------------------------------ structure
def _check_options(root, rankdir, max_nodes, group_by, collapse, show_local_grads) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph expects a Value, got {type(root).__name__}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if group_by not in GROUP_BY:
        raise ValueError(f"group_by must be None, 'neuron' or 'layer', got {group_by!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    for name, flag in (("collapse", collapse), ("show_local_grads", show_local_grads)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")


def _too_large(nodes: list[Value], used_by: dict[Value, list[Value]], count: int,
               max_nodes: int, collapse: bool, scope: dict[Value, Scope]) -> str:
    ops = sum(1 for v in nodes if v.op)
    msg = (f"this graph has {count:,} nodes to draw ({len(nodes):,} values and {ops:,} ops), "
           f"more than max_nodes={max_nodes:,}; drawn whole it would be unreadable. ")
    if not collapse:
        scope = scope or scopes(nodes, used_by)
        if scope:
            small = count_nodes(nodes, scope, True)
            msg += (f"Try collapse=True (one node per neuron: {small:,} nodes), with "
                    "group_by='layer' to box each layer; ")
        else:
            msg += ("collapse=True and group_by='neuron'/'layer' need a graph built by "
                    "micrograd_ed.nn (none of its nodes has a scope); ")
    else:
        msg += "Draw a smaller part of the model (one neuron or one sample); "
    return msg + f"or pass max_nodes={count} to draw it anyway."


def _kinds(nodes: list[Value], root: Value, params: Iterable[Value] | None) -> dict[Value, str]:
    """"output", "value" (an op's result), "param", "input" or "leaf" for every node.

    Leaves are parameters or inputs when the parameters are known (given, or
    labelled like nn's "w[...]"/"b[...]"); otherwise they are plain leaves.
    """
    if params is None:
        pset = {v for v in nodes if not v.op and _PARAM_LABEL.match(v.label)}
    else:
        params = list(params)
        for p in params:
            if not isinstance(p, Value):
                raise TypeError(f"params must be Values, got {type(p).__name__} ({p!r:.40})")
        pset = set(params)
    kinds = {}
    for v in nodes:
        if v is root:
            kinds[v] = "output"
        elif v.op:
            kinds[v] = "value"
        elif v in pset:
            kinds[v] = "param"
        else:
            kinds[v] = "input" if pset else "leaf"
    return kinds


# ------------------------------------------------------------------ DOT
class _Writer:
    """Writes the DOT statements of one graph: nodes in topological order, then edges."""

    def __init__(self, nodes: list[Value], collapsed: dict[Value, Scope],
                 kinds: dict[Value, str], reader: Reader, show_local: bool) -> None:
        self.nodes, self.collapsed, self.kinds = nodes, collapsed, kinds
        self.r, self.show_local = reader, show_local
        self.name = {v: f"n{i}" for i, v in enumerate(nodes)}
        self.root = nodes[-1]
        self.drawn: list[tuple[Value, list[str], str]] = []  # (Value, DOT names, style kind)
        self.out: dict[Scope, Value] = {}                 # collapsed neuron -> its output
        self.leaves: dict[Scope, list[Value]] = {}        # collapsed neuron -> leaves inside
        for v in nodes:
            if v in collapsed:
                self.out[collapsed[v]] = v                # the last one in topological order
                if not v.op:
                    self.leaves.setdefault(collapsed[v], []).append(v)

    def source(self, rankdir: str, title: str | None, scope: dict[Value, Scope],
               group_by: str | None) -> str:
        """The whole DOT text: defaults, nodes, cluster boxes, edges, legend."""
        body = self._nodes()
        edges, largest = self._edges()
        head = [
            "digraph micrograd {",
            f"  graph {attrs(_graph_attrs(rankdir, title))};",
            f"  node {attrs(_NODE_DEFAULTS)};",
            f"  edge {attrs(_EDGE_DEFAULTS)};",
        ]
        boxes = []
        for name, label, members in clusters(self.drawn, scope, group_by, bool(self.collapsed)):
            boxes.append(f"  subgraph {name} {{")
            boxes.append(f"    graph {attrs(_CLUSTER_ATTRS | {'label': label})};")
            boxes.append("    " + " ".join(members) + ";")
            boxes.append("  }")
        legend = ["  " + s for s in self._legend(largest)]
        return "\n".join(head + body + boxes + edges + legend + ["}", ""])

    # -- nodes
    def _nodes(self) -> list[str]:
        out = []
        for v in self.nodes:
            if v in self.collapsed:
                s = self.collapsed[v]
                if self.out[s] is v:
                    name = self._neuron_name(s)
                    out.append(f"  {name} {attrs(self._neuron_attrs(s, v))};")
                    self.drawn.append((v, [name], "output" if v is self.root else "neuron"))
                continue
            name = self.name[v]
            kind = self.kinds[v]
            label = lines(v.label, f"data {self.r.data(v)}", f"grad {self.r.grad(v)}")
            out.append(f"  {name} {attrs({'label': Raw(label)} | style.NODE_STYLES[kind])};")
            names = [name]
            if v.op:
                out.append(f"  {name}_op {attrs({'label': _op_text(v, self.r)} | style.OP_STYLE)};")
                out.append(f"  {name}_op -> {name} [color=\"#999999\"];")
                names.append(f"{name}_op")
            self.drawn.append((v, names, kind))
        return out

    def _neuron_name(self, s: Scope) -> str:
        return "neuron_" + scope_id(s)

    def _neuron_attrs(self, s: Scope, out: Value) -> dict[str, object]:
        inside = self.leaves.get(s, [])
        what = "parameters" if all(self.kinds[v] == "param" for v in inside) else "leaves"
        label = lines(scope_title(s), f"{out.op}: {out.label}" if out.label else out.op,
                      f"data {self.r.data(out)}", f"grad {self.r.grad(out)}",
                      f"({len(inside)} {what} inside)" if inside else "")
        kind = "output" if out is self.root else "neuron"
        return ({"label": Raw(label), "margin": "0.14,0.06"} | style.NODE_STYLES["neuron"]
                | style.NODE_STYLES[kind])

    # -- edges
    def _edges(self) -> tuple[list[str], float]:
        groups: dict[tuple, tuple[str, str, Value, list[tuple[Value, int]]]] = {}
        for c in self.nodes:
            cs = self.collapsed.get(c)
            for i, p in enumerate(c.parents):
                ps = self.collapsed.get(p)
                if cs is not None and cs == ps:
                    continue                        # inside one collapsed neuron
                src = self._neuron_name(ps) if ps is not None else self.name[p]
                if cs is None:
                    key = (self.name[c], i)         # every edge of its own, a*a gives two
                    tgt = self.name[c] + "_op"
                else:
                    tgt = self._neuron_name(cs)
                    key = (src, tgt, self.name[p])  # a value into a neuron: one edge
                groups.setdefault(key, (src, tgt, p, []))[3].append((c, i))
        shares = [self.r.share(p, uses) for _, _, p, uses in groups.values()]
        finite = [abs(s) for s in shares if s == s and abs(s) != float("inf")]
        largest = max(finite, default=0.0)
        # A collapsed MLP has an edge per weight between neurons: numbers on all
        # of them would bury the picture, so past a limit colour and width speak.
        self.labelled = not self.collapsed or len(groups) <= COLLAPSED_EDGE_LABELS
        out = []
        for (src, tgt, p, uses), share in zip(groups.values(), shares):
            a = {"label": Raw(self._edge_label(p, uses, tgt.endswith("_op")))} if (
                self.labelled) else {}
            if self.r.computed:
                a |= {"color": style.signed_color(share, largest),
                      "penwidth": style.penwidth(share, largest),
                      "fontcolor": style.text_color(share)}
            else:
                a |= {"color": style.UNKNOWN}
            out.append(f"  {src} -> {tgt} {attrs(a)};")
        return out, largest

    def _edge_label(self, p: Value, uses: list[tuple[Value, int]], into_op: bool) -> str:
        """data / grad share (= op result's grad x local derivative) of one edge.

        An edge into a collapsed neuron (``into_op`` False) shows no local
        derivative: the op it would belong to is hidden inside the neuron.
        """
        r = self.r
        data = f"data {r.data(p)}"
        grad = "grad ?" if not r.computed else f"grad {r.share_text(p, uses)}"
        if not self.show_local or not into_op:
            return lines(data, grad)
        c, i = uses[0]
        local = c.local_grads[i]
        if r.is_batch(c.grad, local):
            return lines(data, grad, f"local {r.text(local)}")
        if not r.computed:
            return lines(data, f"grad ?  (local {r.text(local)})")
        return lines(data, f"{grad} = {r.text(c.grad)} \u00d7 {r.text(local)}")

    def _legend(self, largest: float) -> list[str]:
        drawn = {kind for _, _, kind in self.drawn}
        items = [style.sample_node(style.KIND_NAMES[k], style.NODE_STYLES[k])
                 for k in style.NODE_STYLES if k in drawn]
        if any(len(names) > 1 for _, names, _ in self.drawn):
            items.append(style.sample_node("op", style.OP_STYLE))
        if not self.r.computed:
            items.append(style.note("grad ?: not computed yet\n(call backward() on the output)"))
        else:
            items.append(style.swatch("grad > 0", style.signed_color(1, 1)))
            items.append(style.swatch("grad < 0", style.signed_color(-1, 1)))
            how = "edge: data forward, grad back"
            if not self.labelled:
                how = "edges unlabelled (too many):\ncolour and width show the grad"
            elif self.show_local:
                how += "\n= op's grad \u00d7 local derivative"
            items.append(style.note(f"{how}\nthicker: larger |grad| "
                                    f"(max {self.r.number(largest)})"))
        return style.legend(items, self.drawn[-1][1][0])


def _op_text(v: Value, r: Reader) -> str:
    """The op's name with its constant: "* 2", "+ 1", "leaky_relu(0.01)", "sum + 3"."""
    c = v.const
    if c is None:
        return v.op
    if v.op in _SYMBOLS:
        return f"{v.op} {r.number(c)}"
    if v.op == "sum":
        return f"sum + {r.number(c)}"
    return f"{v.op}({r.number(c)})"


def _graph_attrs(rankdir: str, title: str | None) -> dict[str, object]:
    a: dict[str, object] = {"rankdir": rankdir, "fontname": style.FONT, "fontsize": 12,
                            "nodesep": 0.2, "ranksep": 0.35}
    if title:
        a |= {"label": Raw(quote(title)), "labelloc": "t", "fontsize": 14}
    return a


_NODE_DEFAULTS = {"shape": "box", "style": "rounded,filled", "fontname": style.FONT,
                  "fontsize": 10, "color": "#555555", "margin": "0.08,0.04"}
_EDGE_DEFAULTS = {"fontname": style.FONT, "fontsize": 8, "fontcolor": "#333333",
                  "arrowsize": 0.6}
_CLUSTER_ATTRS = {"style": "rounded,dashed", "color": "#888888", "fontsize": 10,
                  "labeljust": "l"}
