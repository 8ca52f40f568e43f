"""The DOT text of the network picture: a column (or row) per layer, in index order.

Each column is one rank: a header, then neuron 0, 1, 2, ... kept in that order
by invisible edges between neighbours. A weight's number is a small box of its
own in a rank between two layers, and its edge runs into and out of that box:
the number is on its edge whatever crosses it, and Graphviz keeps every line out
of every other box. The weight boxes of one gap are ordered by receiving neuron,
then by input, so the lines from a box to its neuron never cross.

Layers are evenly spaced: the numbers are written in every gap or in none (a gap
with boxes is a rank wider than one without), the legend has a rank of its own
after the last layer (in the last layer's rank it would widen the last gap), and
a gap of many lines is at least :data:`READABLE` of its taller layer's length
(the 256 lines between two layers of 16 do not squeeze into a sliver).

SVG ids: ``x<i>`` for input i, ``h<c>_<j>`` for neuron j of layer c (1-based
columns), ``w<c>_<j>_<i>`` for the weight from input i of neuron j in column
c (its box, or its edge when unlabelled), ``w<c>_<j>_<i>_in``/``_out`` for the
two halves of a labelled edge.
"""

from __future__ import annotations

import math

from micrograd_ed.viz.core import legend as legend_mod
from micrograd_ed.viz.core import style
from micrograd_ed.viz.core.dot import Raw, attrs, fmt, lines, quote
from micrograd_ed.viz.core.estimate import box
from micrograd_ed.viz.core.themes import FONTNAME, Theme

LABEL_EDGES = 30   # write each weight on its edge when every gap has at most this many
READABLE = 0.25    # a gap of many lines is at least this fraction of its taller layer...
MANY_LINES = 40    # ... when it holds at least this many lines
_SYMBOL = {"sigmoid": "\u03c3", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "lReLU",
           "softplus": "softplus", "linear": "", "identity": "", "none": "", "": ""}


class NetWriter:
    """Writes the DOT text of one network picture."""

    def __init__(self, layers, nin, acts, show, precision, cols, theme: Theme) -> None:
        self.layers, self.nin, self.acts, self.show = layers, nin, acts, show
        self.t, self.p, self.cols = theme, precision, cols
        self.sizes = [nin, *(len(layer) for layer in layers)]
        self.big = sum(len(c) for c in cols) > 40
        self.gaps = [[(i, j) for j in cols[c] for i in cols[c - 1]] for c in range(1, len(cols))]
        values = [self.value(c, i, j) for c in range(1, len(cols))
                  for i, j in self.gaps[c - 1] if i is not None and j is not None]
        self.scale = style.Scale(values)
        self.largest = self.scale.hi
        # numbers in every gap or in none: a gap of numbered weights has a rank of its own
        # for their boxes, and the layers are spaced evenly only if every gap has one
        numbered = not self.big and all(
            sum(1 for i, j in gap if i is not None and j is not None) <= LABEL_EDGES
            for gap in self.gaps)
        self.labelled = [numbered] * len(self.gaps)

    def value(self, col: int, i: int | None, j: int | None) -> float:
        w = self.layers[col - 1][j].w[i]
        return float(w.data if self.show == "weights" else w.grad)

    def name(self, col: int, i: int | None) -> str:
        prefix = "x" if col == 0 else f"h{col}_"
        return f"{prefix}{'more' if i is None else i}"

    # ---------------------------------------------------------------- DOT
    def source(self, title: str, rankdir: str) -> str:
        out = [f"  node {attrs(self.node_defaults())};",
               f"  edge {attrs({'arrowhead': 'none', 'fontname': FONTNAME})};"]
        for col, shown in enumerate(self.cols):
            out += self.column(col, shown)
            if col:
                out += self.gap(col)
        anchor = self.name(len(self.cols) - 1, self.cols[-1][-1])
        width = legend_mod.width_for(rankdir, self.width_estimate(rankdir), 0.0)
        legend = legend_mod.pack(self.legend_phrases(), width, self.t.legend_fontsize)
        # in its own rank after the last layer (in the last layer's rank it would make the
        # last gap wider than the others): under it in TB, beside it in LR
        out += legend_mod.node(legend, self.t.legend_fontsize, anchor, "TB")
        head = ["digraph network {", f"  graph {attrs(self.graph(title, rankdir))};"]
        return "\n".join([*head, *out, "}", ""])

    def graph(self, title: str, rankdir: str) -> dict[str, object]:
        t = self.t
        return {"rankdir": rankdir, "fontname": FONTNAME, "fontsize": t.title_fontsize,
                "label": Raw(quote(title)), "labelloc": "t", "pad": 0.1,
                "nodesep": self.nodesep, "ranksep": self.ranksep(rankdir)}

    @property
    def nodesep(self) -> float:
        return 0.06 if self.big else 0.12

    @property
    def radius(self) -> float:
        """The neurons' radius in inches."""
        return self.t.net_radius * (0.5 if self.big else (1.15 if self.acts is not None else 1))

    def ranksep(self, rankdir: str) -> float:
        """The rank separation (inches) that leaves every gap between two layers at least
        :data:`READABLE` of the taller layer's length when it holds many lines (so 256
        lines between two layers of 16 do not squeeze into a sliver), else 0.35 in."""
        side = rankdir in ("LR", "RL")
        thick, extent = [], []
        for col, shown in enumerate(self.cols):
            sizes = [self._size(self.header_text(col), self.t.cluster_fontsize)]
            d = 144 * self.radius
            for i in shown:
                sizes.append(self._size(f"\u2026\n{self.sizes[col] - len(shown) + 1} more",
                                        self.t.net_fontsize) if i is None else (d, d))
            thick.append(max(w if side else h for w, h in sizes))
            extent.append(sum(h if side else w for w, h in sizes)
                          + 72 * self.nodesep * (len(sizes) - 1))
        sep = 0.35 * 72
        for c, gap in enumerate(self.gaps, start=1):
            if len(gap) >= MANY_LINES:
                want = READABLE * max(extent[c - 1], extent[c])
                sep = max(sep, want - (thick[c - 1] + thick[c]) / 2)
        return round(sep / 72, 2)

    @staticmethod
    def _size(text: str, fontsize: float) -> tuple[float, float]:
        """Size in points of a plain-text node: its label, margins, Graphviz's minimum."""
        w, h = box(text, fontsize, 0.0)
        return max(w + 15.84, 54.0), max(h + 7.92, 36.0)

    def node_defaults(self) -> dict[str, object]:
        t = self.t
        r = self.radius
        return {"shape": "circle", "style": "filled", "fixedsize": "true", "width": 2 * r,
                "fontname": FONTNAME, "fontsize": t.net_fontsize * (0.8 if self.big else 1),
                "color": "#555555"}

    def column(self, col: int, shown: list[int | None]) -> list[str]:
        """A header, then the column's neurons in index order, in one rank."""
        head = f"head{col}"
        out = [f"  {head} {attrs(self.header(col))};"]
        out += [f"  {self.name(col, i)} {attrs(self.neuron(col, i))};" for i in shown]
        names = [head, *(self.name(col, i) for i in shown)]
        out.append("  {rank=same; " + " -> ".join(names) + " [style=invis];}")
        return out

    def header_text(self, col: int) -> str:
        n = self.sizes[col]
        if col == 0:
            return f"input\n{n} value{'s' if n > 1 else ''}"
        act = self.layers[col - 1][0].activation
        kind = "output" if col == len(self.cols) - 1 else f"hidden {col}"
        return f"{kind}\n{n} neuron{'s' if n > 1 else ''}, {act}"

    def header(self, col: int) -> dict[str, object]:
        return {"id": f"head{col}", "label": self.header_text(col), "shape": "plaintext",
                "style": "", "fixedsize": "false", "fontsize": self.t.cluster_fontsize}

    def neuron(self, col: int, i: int | None) -> dict[str, object]:
        name = self.name(col, i)
        if i is None:
            hidden = self.sizes[col] - (len(self.cols[col]) - 1)
            return {"id": name, "label": f"\u2026\n{hidden} more", "shape": "plaintext",
                    "style": "", "fixedsize": "false"}
        last = col == len(self.cols) - 1
        if col == 0:
            parts = [f"x[{i}]"]
            if self.acts is not None:
                parts.append(fmt(self.acts[0][i], self.p))
            return {"id": name, "label": Raw(lines(*parts)), "fillcolor": self.t.fills["input"],
                    "shape": "square" if not self.big else "circle"}
        neuron = self.layers[col - 1][i]
        parts = [_SYMBOL.get(neuron.activation, neuron.activation)]
        if last and self.sizes[col] > 1:
            parts[0] = f"{i} {parts[0]}".strip()  # output neurons are numbered (the digit)
        if self.acts is not None:
            parts.append("a " + fmt(self.acts[col][i], self.p))
        if not self.big:
            b = neuron.b.data if self.show == "weights" else neuron.b.grad
            parts.append(("b " if self.show == "weights" else "\u2202b ") + fmt(b, self.p))
        fill = self.t.fills["output"] if last else "#ffffff"
        return {"id": name, "label": Raw(lines(*parts)), "fillcolor": fill}

    def gap(self, col: int) -> list[str]:
        """The weights into column ``col``: boxed numbers in a rank of their own, or lines."""
        out, boxes = [], []
        thick = self.t.thick * (0.6 if self.big else 1.2)
        for i, j in self.gaps[col - 1]:
            tail, head = self.name(col - 1, i), self.name(col, j)
            wid = f"w{col}_{'more' if j is None else j}_{'more' if i is None else i}"
            if i is None or j is None:
                out.append(f'  {tail} -> {head} [id="{wid}", style=dotted, color="#bbbbbb"];')
                continue
            v = self.value(col, i, j)
            a: dict[str, object] = {"color": style.signed_color(v, self.scale, self.t),
                                    "penwidth": _width(v, self.largest, thick),
                                    "style": style.line_style(v, self.t)}
            if not self.labelled[col - 1]:
                out.append(f"  {tail} -> {head} {attrs({'id': wid} | a)};")
                continue
            boxes.append(wid)
            out.append(f"  {wid} {attrs(self.weight_box(wid, v))};")
            out.append(f"  {tail} -> {wid} {attrs({'id': wid + '_in'} | a)};")
            out.append(f"  {wid} -> {head} {attrs({'id': wid + '_out'} | a)};")
        if boxes:
            out.append("  {rank=same; " + " -> ".join(boxes) + " [style=invis];}")
        return out

    def weight_box(self, wid: str, v: float) -> dict[str, object]:
        return {"id": wid, "label": fmt(v, self.p), "shape": "box", "style": "rounded,filled",
                "fillcolor": "#ffffff", "color": style.signed_color(v, self.scale, self.t),
                "fontcolor": style.text_color(v, self.t), "fixedsize": "false",
                "width": 0, "height": 0, "margin": "0.05,0.02",
                "fontsize": self.t.net_edge_fontsize}

    # -------------------------------------------------------------- legend
    def legend_phrases(self) -> list[str]:
        sym = "w" if self.show == "weights" else "dL/dw"
        neg = f"blue (dashed): {sym} < 0" if self.t.dashed_negative else f"blue: {sym} < 0"
        ph = [f"red: {sym} > 0, {neg}",
              f"width proportional to |{sym}| (largest {fmt(self.largest, self.p)})"]
        if not all(self.labelled):
            ph.append(f"numbers left out (too many edges): colour and width show {sym}")
        if self.acts is not None:
            ph.append("a: activation for x")
        if not self.big:
            ph.append("b: bias" if self.show == "weights" else "\u2202b: dL/db")
        return ph

    def width_estimate(self, rankdir: str) -> float:
        r = 72 * self.t.net_radius * 2
        if rankdir == "LR":
            return max(len(self.cols) * (r + 72) + (len(self.cols) - 1) * 60, 240.0)
        widest = max(len(c) for c in self.cols) + 1
        return max(widest * (r + 10), box("x" * 12, self.t.net_fontsize)[0], 240.0)


def _width(v: float, largest: float, thick: float) -> float:
    """Edge width proportional to |v|: ``thick`` points for the largest, at least 0.5."""
    if largest <= 0 or not math.isfinite(v):
        return 0.5
    return round(max(0.5, thick * abs(v) / largest), 2)
