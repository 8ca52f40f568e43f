"""The DOT text of a graph picture, from its :class:`~micrograd_ed.viz.graph.plan.Plan`.

Both rules of backprop are written on the picture:

* on each edge, its share of the Value's grad:
  ``share = grad of the op's result x local derivative``;
* on a Value used by k >= 2 ops, that its grad is the sum of its edges' shares:
  ``grad 18.59 = 20.09 + 0.5 - 2``.

A Value whose grad is not the sum of its edges' shares holds gradient from an
earlier ``backward()`` (no ``zero_grad()`` between): it is marked with an
orange border and a line "(stale: the edges give X)" in place of the sum of its edges.
"""

from __future__ import annotations

import numpy as np

from micrograd_ed.engine import Value, optext
from micrograd_ed.viz.core import legend as legend_mod
from micrograd_ed.viz.core import style
from micrograd_ed.viz.core.dot import Raw, attrs, lines, quote
from micrograd_ed.viz.core.estimate import box, drawing_size
from micrograd_ed.viz.core.reading import Reader
from micrograd_ed.viz.core.scopes import Scope, clusters, scope_title
from micrograd_ed.viz.core.themes import FONTNAME, Theme
from micrograd_ed.viz.graph import order as graph_order
from micrograd_ed.viz.graph.plan import Edge, Plan

COLLAPSED_EDGE_LABELS = 80  # with collapse=True, more edges than this are drawn unlabelled
MANY_LINES = 40             # a collapsed view with this many lines between two layers...
READABLE = 0.25             # ...spaces them at least this fraction of a layer's length apart
SUM_TERMS = 6               # a sum of more shares than this is shortened with "..."
MINUS = "\u2212"
PAD = " "                   # a space each side of an edge label's lines (see svgpost)
LABEL_MARGIN = "0.08,0.03"  # inches between an edge label's text and its box
HALF_EDGE = 0.25            # inches: the least ranksep left to right, each half of an edge
TB_HALF_EDGE = 0.18         # inches: the least ranksep top to bottom
# Boxed by neuron (uncollapsed), the boxes stand side by side with little room between them
# (2-2-1 XOR on a slide: three boxes across); these fractions of the spacing keep its text
# at 14 px fitted to 1920x1080 (13.45 px with the full spacing):
BOXED_NODESEP = 0.75        # of the theme's nodesep
BOXED_RANK_GAP = 0.9        # of the rank gap
BOXED_MARGIN = 8.0          # points between a neuron's box and its contents (else the edge font)


class GraphWriter:
    """Writes the DOT statements of one graph: nodes in topological order, then edges."""

    def __init__(self, plan: Plan, kinds: dict[Value, str], reader: Reader, theme: Theme,
                 show_local: bool) -> None:
        self.p, self.kinds, self.r, self.t = plan, kinds, reader, theme
        self.show_local = show_local
        self.root = plan.nodes[-1]
        self.drawn: list[tuple[Value, list[str], str]] = []  # (Value, DOT names, style kind)
        self.labels: dict[str, str] = {}                  # SVG id -> the Value's label
        self.sizes: dict[str, tuple[float, float]] = {}   # DOT name -> estimated box size
        self.share = {id(e): self.r.share(e.parent, e.uses) for e in plan.edges
                      if e.parent is not None}
        self.scale = style.Scale(self.share.values())
        self.labelled = not plan.collapsed or len(plan.edges) <= COLLAPSED_EDGE_LABELS
        self._node_lines: list[str] | None = None
        self.ghosts: list[tuple[str, Value]] = []         # (DOT name, the op's Value)
        self.stale = [v for v in plan.nodes if not plan.hidden(v) and self._is_stale(v)]

    # ------------------------------------------------------------- checks
    def _is_stale(self, v: Value) -> bool:
        if not self.r.computed:
            return False
        if v is self.root:
            return not bool(np.all(np.asarray(v.grad) == 1.0))
        uses = self.p.uses[v]
        return bool(uses) and self.r.disagrees(v, uses)

    # ------------------------------------------------------------- output
    def source(self, rankdir: str, title: str | None, scope: dict[Value, Scope],
               group_by: str | None, legend: list[str] | None, beside: bool = False) -> str:
        """The whole DOT text: defaults, nodes, cluster boxes, edges, the legend (under
        the picture top to bottom, unless ``beside``: then in the output's rank, as left
        to right)."""
        body = self.nodes()
        boxed = clusters(self.drawn, scope, group_by, bool(self.p.collapsed))
        home = {n: name for name, _, members in boxed for n in members}
        joined: dict[str, list[str]] = {}
        edges = self.edges(home, joined)
        head = ["digraph micrograd {",
                f"  graph {attrs(self.graph_attrs(rankdir, title, bool(boxed)))};",
                f"  node {attrs(self.node_defaults())};",
                f"  edge {attrs(self.edge_defaults())};"]
        inside, top, titles = graph_order.order_statements(self.p.order_groups(), home,
                                                           rankdir)
        boxes = []
        for name, label, members in boxed:
            boxes.append(f"  subgraph {name} {{")
            title = titles.get(name)
            box_label = {"label": "" if title else label}
            boxes.append(f"    graph {attrs(self.cluster_attrs() | box_label)};")
            boxes.append("    " + " ".join(members + joined.get(name, [])) + ";")
            if title:
                boxes.append(f"    {title} {attrs(self.title_attrs(title, label))};")
            boxes += inside.get(name, [])
            boxes.append("  }")
        inner = body + boxes + edges + top
        if legend:
            # beside the output in LR (same rank), unless the output is in a box: a rank=same
            # of a boxed node and one outside pulls the node out through the box's border
            side = ("LR" if beside else rankdir) if self.anchor() not in home else "TB"
            inner += legend_mod.node(legend, self.t.legend_fontsize, self.anchor(), side)
            if side in ("LR", "RL") and rankdir in ("TB", "BT") and self.p.per_box:
                # the inputs drawn again in each neuron's box: with their grads, in a row
                # right of the legend (the room under the boxes), x[0] first; left to right
                # they stay in the first rank, left of the boxes
                row = " -> ".join(["legend"] + [self.p.name(v) for v in sorted(
                    self.p.per_box, key=lambda v: (v.label, self.p.k[v]))])
                inner.append(f"  {{rank=same; {row} [style=invis];}}")
        return "\n".join(head + inner + ["}", ""])

    def anchor(self) -> str:
        """The DOT name of the output's box, which the legend sits beside."""
        return self.p.box_of(self.root) or self.p.name(self.root)

    def size(self, rankdir: str) -> tuple[float, float]:
        """The estimated (width, height) in points of the picture without its legend."""
        edges = [(e.src, e.tgt, self._edge_box(e)) for e in self.p.edges]
        edges += [(f"{self.p.name(v)}_op", self.p.name(v), None)
                  for v in self.p.nodes if v.op and not self.p.hidden(v)]
        return drawing_size(self.sizes, edges, rankdir, self.t.nodesep, self.rank_gap(rankdir))

    def ranksep(self, rankdir: str) -> float:
        """The theme's rank separation (inches), or more in a collapsed view whose
        neighbouring layers are joined by many unlabelled lines: then the gap is at least
        :data:`READABLE` of the taller layer's length (256 lines between two layers of 16
        neurons would otherwise squeeze into a sliver)."""
        sep = self.t.ranksep
        if not self.p.collapsed or self.labelled:
            return sep
        side = rankdir in ("LR", "RL")
        layer_of = {self.p.neuron_name(s): s[0] for s in self.p.out}
        layers: dict[object, list[tuple[float, float]]] = {}
        for name, layer in layer_of.items():
            layers.setdefault(layer, []).append(self.sizes.get(name, (0.0, 0.0)))
        lines: dict[tuple, int] = {}
        for e in self.p.edges:
            a, b = layer_of.get(e.src), layer_of.get(e.tgt)
            if a is not None and b is not None and a != b:
                lines[(a, b)] = lines.get((a, b), 0) + 1
        for (a, b), n in lines.items():
            if n < MANY_LINES:
                continue
            ext = [sum(h if side else w for w, h in layers[x])
                   + 72 * self.t.nodesep * (len(layers[x]) - 1) for x in (a, b)]
            thick = [max(w if side else h for w, h in layers[x]) for x in (a, b)]
            sep = max(sep, (READABLE * max(ext) - sum(thick) / 2) / 72)
        return round(sep, 2)

    def rank_gap(self, rankdir: str) -> float:
        """The ``ranksep`` written into the DOT text: :meth:`ranksep`, halved in a
        left-to-right picture whose edge labels are nodes of their own. A label node is a
        rank of its own between an operand and its op, as wide as its text, so each
        labelled edge crosses two gaps (Graphviz halves ``ranksep`` for its own edge
        labels for the same reason), but at least :data:`HALF_EDGE`, so that the line out
        of a label box is longer than its arrowhead; top to bottom, where a label is one or
        two short lines, six tenths of it (at least :data:`TB_HALF_EDGE`): room for the
        bends of lines that fan out of a value used many times."""
        sep = self.ranksep(rankdir)
        if not self.labelled:
            return sep
        if rankdir in ("LR", "RL"):
            return round(max(sep / 2, HALF_EDGE), 3)
        gap = max(sep * 0.6, TB_HALF_EDGE)
        return round(gap * BOXED_RANK_GAP if self.p.boxed else gap, 3)

    # -------------------------------------------------------------- nodes
    def nodes(self) -> list[str]:
        """The node statements (computed once: they also fill ``drawn`` and ``sizes``)."""
        if self._node_lines is not None:
            return self._node_lines
        out: list[str] = []
        for n in self.p.numbers:
            text = lines(f"x[{n.index}]", f"data {self.r.text(n.value)}")
            a = {"id": n.name, "label": Raw(text)} | self.kind_attrs("input")
            out.append(f"  {n.name} {attrs(a)};")
            self._size(n.name, text)
            self.drawn.append((None, [n.name], "input"))    # type: ignore[arg-type]
        for v in self.p.nodes:
            if v in self.p.collapsed:
                s = self.p.collapsed[v]
                if self.p.out[s] is v:
                    name = self.p.neuron_name(s)
                    a = self.neuron_attrs(s, v)
                    out.append(f"  {name} {attrs(a)};")
                    self.drawn.append((v, [name], "output" if v is self.root else "neuron"))
                continue
            out += self._value(v)
        where = {v: names for v, names, _ in self.drawn if v is not None}
        for name, user in self.ghosts:       # a ghost box sits in its user's cluster
            if user in where:
                where[user].append(name)
        self._node_lines = out
        return out

    def _value(self, v: Value) -> list[str]:
        k = self.p.k[v]
        name, kind = self.p.name(v), self.kinds[v]
        text = self.node_text(v)
        a: dict[str, object] = {"id": f"v{k}", "label": Raw(text)} | self.kind_attrs(kind)
        if v in self.stale:
            a |= {"color": self.t.stale, "penwidth": 3}
        if v.label:
            self.labels[f"v{k}"] = v.label
        out = [f"  {name} {attrs(a)};"]
        self._size(name, text)
        names = [name]
        if v.op:
            op = _op_text(v, self.r)
            out.append(f"  {name}_op {attrs({'id': f'op{k}', 'label': op} | self.op_attrs())};")
            out.append(f"  {name}_op -> {name} [id=\"op{k}_v{k}\", color=\"#999999\"];")
            self._size(f"{name}_op", op)
            names.append(f"{name}_op")
        self.drawn.append((v, names, kind))
        for j, e in enumerate(e for e in self.p.out_edges.get(v, []) if e.src != name):
            ghost = lines(v.label or "value", f"data {self.r.data(v)}")
            g = {"id": f"v{k}_u{j}", "label": Raw(ghost), "style": "rounded,dashed,filled"}
            out.append(f"  {e.src} {attrs(g | {'fillcolor': self.t.fills.get(kind, '#ffffff')})};")
            self._size(e.src, ghost)
            self.ghosts.append((e.src, e.uses[0][0]))
        return out

    def _size(self, name: str, text: str) -> None:
        self.sizes[name] = box(_plain(text), self.t.fontsize)

    def node_text(self, v: Value) -> str:
        r, t = self.r, self.t
        data = r.data(v)
        first = [v.label, f"data {data}"] if t.words else [
            f"{v.label} = {data}" if v.label else data]
        grad = "grad ?" if not r.computed else f"grad {r.grad(v)}"
        drawn = self.p.out_edges.get(v, [])
        extra = []
        if v in self.stale:             # its grad is not the sum of its edges: no "=" here
            if v is self.root:
                extra.append("(stale: the output's own grad is 1)")
            else:
                total = r.share(v, self.p.uses[v])
                extra.append(f"(stale: the edges give {r.number(total)})")
        elif r.computed and len(drawn) >= 2:
            grad += " = " + _sum_text([self.share[id(e)] for e in drawn], r)
        return lines(*first, grad, *extra)

    def neuron_attrs(self, s: Scope, out: Value) -> dict[str, object]:
        inside = self.p.leaves.get(s, [])
        what = "parameters" if all(self.kinds[v] == "param" for v in inside) else "leaves"
        label = lines(scope_title(s), f"{out.op}: {out.label}" if out.label else out.op,
                      f"data {self.r.data(out)}", f"grad {self.r.grad(out)}",
                      f"({len(inside)} {what} inside)" if inside else "")
        kind = "output" if out is self.root else "neuron"
        name = self.p.neuron_name(s)
        self.sizes[name] = box(_plain(label), self.t.fontsize, 12)
        a = {"id": name, "label": Raw(label), "margin": "0.14,0.06", "peripheries": 2}
        a |= self.kind_attrs(kind)
        if out in self.stale:
            a |= {"color": self.t.stale, "penwidth": 3}
        return a

    # -------------------------------------------------------------- edges
    def edges(self, home: dict[str, str] | None = None,
              joined: dict[str, list[str]] | None = None) -> list[str]:
        """The edge statements. Each edge label is a node of its own, a box on the edge's
        line: the edge runs into and out of it (SVG ids ``e<k>_<i>`` for the label,
        ``e<k>_<i>_in``/``_out`` for the halves). Graphviz's own edge labels float beside
        their line, and where two edges meet one op it stacks them so that a label sits
        nearer the other edge's line than its own (issue 23); a box on the line belongs to
        it wherever lines cross, and Graphviz routes other lines around it as around any
        node. ``home`` maps DOT names to their cluster: a label box is inside the box when
        both ends are, and ``joined`` receives the label nodes that belong in each
        cluster."""
        home = home or {}
        joined = {} if joined is None else joined
        out = []
        for e in self.p.edges:
            a: dict[str, object] = {"id": e.eid}
            text = self._edge_text(e) if self.labelled else ""
            split = bool(text)               # an edge without text stays one line
            if text and not split:
                a["label"] = Raw(text)
            if e.parent is None:
                a |= {"color": "#888888", "style": "dashed"}
            elif self.r.computed:
                share = self.share[id(e)]
                a |= {"color": style.signed_color(share, self.scale, self.t),
                      "penwidth": style.penwidth(share, self.scale, self.t),
                      "fontcolor": style.text_color(share, self.t),
                      "style": style.line_style(share, self.t)}
            else:
                a |= {"color": self.t.unknown}
            if not split:
                out.append(f"  {e.src} -> {e.tgt} {attrs(a)};")
                continue
            box_a = {"id": e.eid, "label": Raw(text.replace(f"{PAD}\\n{PAD}", "\\n")
                                               .replace(f'"{PAD}', '"').replace(f'{PAD}"', '"')),
                     "shape": "box", "style": "rounded,filled", "fillcolor": "#ffffff",
                     "color": a.get("color", "#999999"), "penwidth": 1,
                     "fontsize": self.t.edge_fontsize, "margin": LABEL_MARGIN, "width": 0,
                     "height": 0, "fontcolor": a.pop("fontcolor", "#333333")}
            name = f"{e.eid}_label"
            out.append(f"  {name} {attrs(box_a)};")
            if home.get(e.src) is not None and home.get(e.src) == home.get(e.tgt):
                joined.setdefault(home[e.src], []).append(name)
            a.pop("id")
            half = {"id": e.eid + "_in"} | a | {"arrowhead": "none"}
            out.append(f"  {e.src} -> {name} {attrs(half)};")
            out.append(f"  {name} -> {e.tgt} {attrs({'id': e.eid + '_out'} | a)};")
        return out

    def _edge_box(self, e: Edge) -> tuple[float, float] | None:
        text = self._edge_text(e) if self.labelled else ""
        return box(_plain(text), self.t.edge_fontsize, 4) if text else None

    def _edge_text(self, e: Edge) -> str:
        """data / grad share (= op result's grad x local derivative) of one edge.

        An edge into a collapsed neuron (``into_op`` False) shows no local
        derivative: the op it would belong to is hidden inside the neuron.
        """
        r, t = self.r, self.t
        if e.parent is None:
            return _edge_lines(f"data {r.text(e.number)}") if t.edge_data else ""
        data = f"data {r.data(e.parent)}" if t.edge_data else ""
        grad = "grad ?" if not r.computed else f"grad {r.share_text(e.parent, e.uses)}"
        if not self.show_local or not e.into_op:
            return _edge_lines(data, grad)
        c, i = e.uses[0]
        local = c.local_grads[i]
        if r.is_batch(c.grad, local):
            return _edge_lines(data, grad, f"local {r.text(local)}")
        if not r.computed:
            return _edge_lines(data, f"grad ?  (local {r.text(local)})")
        if not t.unit_local and local.__class__ is float and local == 1.0:
            return _edge_lines(data, grad)
        return _edge_lines(data, f"{grad} = {r.text(c.grad)} \u00d7 {r.operand(local)}")

    # ---------------------------------------------------------- attributes
    def kind_attrs(self, kind: str) -> dict[str, object]:
        a: dict[str, object] = {"fillcolor": self.t.fills[kind]}
        if kind == "output":
            a["penwidth"] = 2
        elif kind == "input":
            a["style"] = "filled"          # square corners: inputs are not parameters
        elif kind == "param":
            a["penwidth"] = 1.6
        return a

    def op_attrs(self) -> dict[str, object]:
        return {"shape": "ellipse", "style": "filled", "fillcolor": "#f3f3f3",
                "color": "#999999", "margin": "0.04,0", "height": 0.3}

    def graph_attrs(self, rankdir: str, title: str | None,
                    boxed: bool = False) -> dict[str, object]:
        t = self.t
        a: dict[str, object] = {"rankdir": rankdir, "fontname": FONTNAME,
                                "fontsize": t.title_fontsize,
                                "nodesep": round(t.nodesep * BOXED_NODESEP, 3)
                                if self.p.boxed else t.nodesep,
                                "ranksep": self.rank_gap(rankdir), "pad": 0.1}
        a |= graph_order.graph_attrs(boxed)      # keeps neurons in index order in boxes
        if title:
            a |= {"label": Raw(quote(title)), "labelloc": "t"}
        return a

    def node_defaults(self) -> dict[str, object]:
        return {"shape": "box", "style": "rounded,filled", "fontname": FONTNAME,
                "fontsize": self.t.fontsize, "color": "#555555", "margin": "0.1,0.05"}

    def edge_defaults(self) -> dict[str, object]:
        return {"fontname": FONTNAME, "fontsize": self.t.edge_fontsize,
                "fontcolor": "#333333", "arrowsize": 0.7}

    def title_attrs(self, name: str, label: str) -> dict[str, object]:
        """A box's title as a node of its own (see :mod:`micrograd_ed.viz.graph.order`)."""
        return {"id": name, "label": label, "shape": "plaintext", "style": "",
                "fontsize": self.t.cluster_fontsize, "margin": "0.02,0.02", "width": 0,
                "height": 0}

    def cluster_attrs(self) -> dict[str, object]:
        return {"style": "rounded,dashed", "color": "#888888",
                "fontsize": self.t.cluster_fontsize, "labeljust": "c",
                "margin": BOXED_MARGIN if self.p.boxed
                else round(max(10.0, self.t.edge_fontsize), 1)}


def _edge_lines(*parts: str) -> str:
    """An edge label: its lines padded with a space each side (Graphviz puts an edge
    label flush against its line; the SVG post-processing removes the spaces again, so
    the text keeps a gap to the line)."""
    return lines(*(f"{PAD}{p}{PAD}" for p in parts if p))


def _op_text(v: Value, r: Reader) -> str:
    """The op's name with its constant (engine/optext.py): "* 2", "+ 1", "leaky_relu(0.01)",
    "sum + 3"."""
    return optext.op_label(v, r.number, _OP_NAMES)


_OP_NAMES = {"-": MINUS}   # the op boxes write subtraction with the true minus sign


def _sum_text(shares: list[float], r: Reader) -> str:
    """``20.09 + 0.5 - 2``: the shares of a Value's edges, in drawing order."""
    shown = shares if len(shares) <= SUM_TERMS else shares[:SUM_TERMS - 1]
    out = r.number(shown[0])
    for s in shown[1:]:
        out += f" + {r.number(s)}" if s >= 0 or s != s else f" {MINUS} {r.number(-s)}"
    if len(shown) < len(shares):
        out += f" + \u2026 ({len(shares)} edges)"
    return out


def _plain(quoted: str) -> str:
    """The text of a quoted DOT label, for size estimates."""
    return quoted[1:-1].replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")
