"""`draw_layers`: a network as layers of matrices, forward and backward, with the equations.

One column per layer (after a column for the inputs, before one for the cost), one row per
kind of matrix::

    W, b        the layer's parameters: W (n_out x n_in), b beside it as a column
    z           z = a_prev Wᵀ + b          (B x n_out: one row per sample)
    a           a = σ(z)
    δ = ∂C/∂z   δ = (δ_next W_next) ⊙ σ'(z)
    ∂C/∂W, ∂C/∂b   δᵀ a_prev and δ summed over the batch

Forward arrows run left to right between the a's, each labelled with its layer's two forward
equations; backward arrows run right to left between the δ's, labelled with BP1 or BP2. For a
small net every cell holds its number and every equation is written with the first sample's
numbers; for a big one (the digit network) every matrix is a heatmap with its shape, and the
equations are written with shapes (micrograd_ed.viz.layers.grid).

The numbers come from :func:`micrograd_ed.layers.layer_backprop`, which the tests check
against the scalar engine. The picture is DOT with every node pinned (Graphviz's neato with
``pos="x,y!"``): a Diagram like every other figure, as SVG, PNG, PDF or inline in Jupyter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from micrograd_ed.layers import Backprop, layer_backprop
from micrograd_ed.viz.core import legend as legend_mod
from micrograd_ed.viz.core.diagram import Diagram
from micrograd_ed.viz.core.dot import Raw, attrs, fmt, quote
from micrograd_ed.viz.core.estimate import text_width
from micrograd_ed.viz.core.themes import FONTNAME, Theme, get_theme
from micrograd_ed.viz.layers.grid import Grid, grid_nodes, group, make_grid

SUP = str.maketrans("0123456789-L", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᴸ")
ROWS = ("params", "z", "a", "delta", "grads")
ROW_TITLES = {"params": "W, b", "z": "z", "a": "a", "delta": "δ = ∂C/∂z",
              "grads": "∂C/∂W, ∂C/∂b"}
PAD = 0.35            # inches between rows, and at least between columns
HEADER = 1.0          # inches on the left for the row titles
SHOWN = 4             # entries of a vector written in an equation


def sup(text: str | int) -> str:
    """Superscript digits: sup(12) = '¹²'."""
    return str(text).translate(SUP)


@dataclass
class Cell:
    """A grid placed in the picture: its column and row, and its left/top corner."""

    grid: Grid
    column: int
    row: str
    left: float = 0.0
    top: float = 0.0


def draw_layers(model: Any, X: Any, y: Any, loss: Any = "mse", *, l2: float = 0.0,
                title: str | None = None, theme: str | Theme = "notebook",
                precision: int | None = None, fontsize: float | None = None,
                max_cells: int = 8) -> Diagram:
    """Draw `model`'s layers on (X, y): W, b, z, a, δ, ∂C/∂W and ∂C/∂b, with the equations.

    `X`, `y` and `loss` are :func:`micrograd_ed.layers.layer_backprop`'s (one sample or a
    batch, any loss of the library, ``l2``). A net whose matrices all have at most
    `max_cells` rows and columns shows every number; a bigger one shows heatmaps with
    shapes. `theme` ("notebook", "slide", "print"), `precision` and `fontsize` as for the
    other figures.
    """
    bp = layer_backprop(model, X, y, loss, l2=l2)
    return draw_backprop(bp, title=title, theme=theme, precision=precision,
                         fontsize=fontsize, max_cells=max_cells)


def draw_backprop(bp: Backprop, *, title: str | None = None, theme: str | Theme = "notebook",
                  precision: int | None = None, fontsize: float | None = None,
                  max_cells: int = 8) -> Diagram:
    """:func:`draw_layers` for an already computed :class:`~micrograd_ed.layers.Backprop`."""
    return figure(bp, title=title, theme=theme, precision=precision, fontsize=fontsize,
                  max_cells=max_cells)[0]


def figure(bp: Backprop, *, title: str | None, theme: str | Theme, precision: int | None,
           fontsize: float | None, max_cells: int) -> tuple[Diagram, LayersWriter]:
    """The Diagram and the writer that placed it (the player reads its arrows' labels)."""
    if isinstance(max_cells, bool) or not isinstance(max_cells, int) or max_cells < 1:
        raise ValueError(f"max_cells must be a positive int, got {max_cells!r}")
    th = get_theme(theme, fontsize=fontsize, precision=precision)
    writer = LayersWriter(bp, th, max_cells)
    sizes = "-".join(str(n) for n in [bp.X.shape[1], *(g.W.shape[0] for g in bp)])
    if title is None:
        l2 = f" + {fmt(bp.l2)} Σp²" if bp.l2 else ""
        B = bp.X.shape[0]
        title = (f"MLP {sizes}, {bp.loss}{l2}, {'one sample' if B == 1 else f'batch of {B}'}: "
                 f"C = {fmt(bp.C, th.precision)}")
    return Diagram(writer.source(title), f"layers {sizes}", theme=th), writer


class LayersWriter:
    """Places the grids, arrows and labels, and writes the DOT text."""

    def __init__(self, bp: Backprop, theme: Theme, max_cells: int) -> None:
        self.bp, self.t = bp, theme
        self.p = theme.precision
        self.fs = theme.fontsize
        self.caption = max(0.22, self.fs * 0.9 * 1.7 / 72)     # inches above a grid
        self.drop = max(0.13, self.fs * 0.9 / 72)             # a row's arrows below its top
        matrices = [bp.X] + [m for g in bp for m in (g.W, g.z)]
        self.numbers = all(max(np.shape(m)) <= max_cells for m in matrices)
        self.cells = self._grids()
        self.arrows = self._arrows()
        self._place()

    # ---------------------------------------------------------------- what is drawn
    def grid(self, name: str, caption: str, x: np.ndarray) -> Grid:
        shape = " × ".join(str(n) for n in (np.shape(x) if np.ndim(x) == 2 else (len(x),)))
        return make_grid(name, f"{caption}  ({shape})", x, self.numbers, self.p, self.fs * 0.9)

    def _grids(self) -> list[Cell]:
        bp = self.bp
        B = bp.X.shape[0]
        cells = [Cell(self.grid("X", "x" if B == 1 else "X", bp.X), 0, "a")]
        for g in bp:
            c, s = g.index + 1, sup(g.index)
            prev = "x" if g.index == 0 else f"a{sup(g.index - 1)}"
            cells += [
                Cell(self.grid(f"W{g.index}", f"W{s}", g.W), c, "params"),
                Cell(self.grid(f"b{g.index}", f"b{s}", g.b), c, "params"),
                Cell(self.grid(f"z{g.index}", f"z{s}", g.z), c, "z"),
                Cell(self.grid(f"a{g.index}", f"a{s} = {_act(g.activation)}(z{s})", g.a), c,
                     "a"),
                Cell(self.grid(f"d{g.index}", f"δ{s}", g.delta), c, "delta"),
                Cell(self.grid(f"dW{g.index}", f"∂C/∂W{s} = δ{s}ᵀ {prev}", g.dW), c, "grads"),
                Cell(self.grid(f"db{g.index}", f"∂C/∂b{s} = Σ δ{s}", g.db), c, "grads"),
            ]
        L = sup(len(bp) - 1)
        cells.append(Cell(self.grid("gradC", f"∂C/∂a{L}", bp.grad_a), len(bp) + 1, "delta"))
        return cells

    def _arrows(self) -> list[tuple[int, str, list[str]]]:
        """(the column the arrow ends in, its row, its label lines), forward then backward."""
        bp, out = self.bp, []
        for g in bp:
            s = sup(g.index)
            prev = "x" if g.index == 0 else f"a{sup(g.index - 1)}"
            lines = [f"z{s} = {prev} W{s}ᵀ + b{s}", f"a{s} = {_act(g.activation)}(z{s})"]
            if self.numbers:
                lines += [f"z{s} = {self.vec(g.a_prev)} W{s}ᵀ + {self.vec(g.b, row=False)}",
                          f"   = {self.vec(g.z)}", f"a{s} = {self.vec(g.a)}"]
            else:
                lines += [f"({self.shape(g.z)}) = ({self.shape(g.a_prev)}) "
                          f"({g.W.shape[1]} × {g.W.shape[0]}) + ({g.W.shape[0]})"]
            out.append((g.index + 1, "a", lines))
        L = len(bp) - 1
        last = bp[L]
        sL = sup(L)
        out.append((L + 2, "a", [bp.formula] if bp.formula else [f"C: {bp.loss}"]))
        lines = [f"δ{sL} = ∂C/∂a{sL} * σ'(z{sL})    (BP1)"]
        if self.numbers:
            lines += [f"   = {self.vec(bp.grad_a)} * {self.vec(_slope(last))}",
                      f"   = {self.vec(last.delta)}"]
        out.append((L + 1, "delta", lines))
        for g in reversed(bp.layers[:-1]):
            s, s1 = sup(g.index), sup(g.index + 1)
            nxt = bp[g.index + 1]
            lines = [f"δ{s} = (δ{s1} W{s1}) * σ'(z{s})    (BP2)"]
            if self.numbers:
                lines += [f"   = {self.vec(nxt.delta @ nxt.W)} * {self.vec(_slope(g))}",
                          f"   = {self.vec(g.delta)}"]
            else:
                lines += [f"({self.shape(g.delta)}) = ({self.shape(nxt.delta)}) "
                          f"({nxt.W.shape[0]} × {nxt.W.shape[1]}) * ({self.shape(g.z)})"]
            out.append((g.index + 1, "delta", lines))
        return out

    def vec(self, x: np.ndarray, row: bool = True) -> str:
        """The first sample's row (or a vector), as [1, −0.5, ...]."""
        v = np.asarray(x)
        v = v[0] if row and v.ndim == 2 else v
        shown = [fmt(e, 3) for e in v[:SHOWN]]
        return "[" + ", ".join(shown) + (", …" if len(v) > SHOWN else "") + "]"

    @staticmethod
    def shape(x: np.ndarray) -> str:
        return " × ".join(map(str, np.shape(x)))

    # ---------------------------------------------------------------- where
    def _place(self) -> None:
        """Column lefts and row tops (inches; y grows upwards, rows go down from 0)."""
        ncols = len(self.bp) + 2
        widths = [0.0] * ncols
        for c in range(ncols):
            for row in ROWS:
                widths[c] = max(widths[c], self._row_width(c, row))
        self.cost_label = f"C = {fmt(self.bp.C, self.p)}"
        self.cost_width = text_width(self.cost_label, self.fs) / 72 + 0.3
        widths[-1] = max(widths[-1], self.cost_width)
        gaps = [PAD] * ncols                        # gaps[c]: the space before column c
        for c, row, lines in self.arrows:          # a backward arrow spans the gap after c
            need = max(text_width(line, self.t.edge_fontsize) for line in lines) / 72 + 0.3
            gap = c + 1 if row == "delta" else c
            gaps[gap] = max(gaps[gap], need)
        self.lefts, x = [], HEADER
        for c in range(ncols):
            x += gaps[c] if c else 0.0
            self.lefts.append(x)
            x += widths[c]
        self.widths = widths
        self.tops, y = {}, 0.0
        for row in ROWS:
            self.tops[row] = y
            y -= self.caption + max([self._height(c, row) for c in range(ncols)] + [0.3]) + PAD
        self.bottom = y
        for cell in self.cells:
            cell.left = self.lefts[cell.column] + self._offset(cell)
            cell.top = self.tops[cell.row] - self.caption

    def _in(self, column: int, row: str) -> list[Cell]:
        return [c for c in self.cells if c.column == column and c.row == row]

    def _row_width(self, column: int, row: str) -> float:
        cells = self._in(column, row)
        grids = sum(c.grid.width for c in cells) + 0.25 * max(0, len(cells) - 1)
        captions = sum(text_width(c.grid.caption, self.fs * 0.9) / 72 + 0.25 for c in cells)
        return max(grids, captions - 0.25 if cells else 0.0)

    def _height(self, column: int, row: str) -> float:
        return max([c.grid.height for c in self._in(column, row)] + [0.0])

    def _offset(self, cell: Cell) -> float:
        """A grid's distance from its column's left edge (b and db sit right of W and dW)."""
        x = 0.0
        for other in self._in(cell.column, cell.row):
            if other is cell:
                return x
            x += max(other.grid.width, text_width(other.grid.caption, self.fs * 0.9) / 72) \
                + 0.25
        return x

    # ---------------------------------------------------------------- DOT
    def source(self, title: str) -> str:
        t = self.t
        out = ["digraph layers {",
               f"  graph {attrs(self.graph(title))};",
               f"  node {attrs({'fontname': FONTNAME, 'margin': 0})};",
               f"  edge {attrs({'fontname': FONTNAME, 'color': '#555555'})};"]
        for row in ROWS:
            out.append(self.text(f"row_{row}", ROW_TITLES[row], 0.1, self.tops[row] - 0.1,
                                 self.fs, "l", bold=True))
        for c in self.cells:
            out.append(self.text(f"{c.grid.name}_caption", c.grid.caption, c.left,
                                 c.top + self.caption * 0.5, self.fs * 0.9, "l",
                                 group=c.grid.name))
            if c.grid.note:
                out.append(self.text(f"{c.grid.name}_note", c.grid.note, c.left,
                                     c.top - c.grid.height - 0.12, self.fs * 0.75, "l",
                                     group=c.grid.name))
            out += grid_nodes(c.grid, c.left, c.top, t, self.p, self.fs * 0.9,
                              self.explain(c.grid.name) if self.numbers else None)
        out.append(self.cost_node())
        out += self.arrow_statements()
        legend = legend_mod.pack(self.legend_phrases(), 72 * (self.lefts[-1] + 0.5),
                                 t.legend_fontsize)
        w = max(text_width(line, t.legend_fontsize) for line in legend) / 72 + 0.1
        h = len(legend) * t.legend_fontsize * 1.25 / 72 + 0.05
        out.append(f"  legend [id=\"legend\", label={legend_mod.label(legend)}, "
                   f"shape=plaintext, fontsize={t.legend_fontsize:g}, width={w:.4f}, "
                   f"height={h:.4f}, fixedsize=true, "
                   f"pos=\"{0.1 + w / 2:.4f},{self.bottom - h / 2:.4f}!\"];")
        out.append("}")
        return "\n".join(out) + "\n"

    def explain(self, name: str) -> Callable[[int, int], str] | None:
        """What one entry of δ, ∂C/∂W or ∂C/∂b sums in the scalar graph (None: nothing to say)."""
        bp, B = self.bp, self.bp.X.shape[0]
        per = f"one share from each of the {B} samples" if B > 1 else "one sample"
        L = len(bp) - 1
        if name.startswith("dW"):
            i = int(name[2:])
            prev = "x" if i == 0 else f"a[{i - 1},k]"
            return lambda j, k: (
                f"the grad of w[{i},{j},{k}] in the scalar graph: Σ over the batch of "
                f"δ[{i},{j}]·{prev.replace(',k]', f',{k}]') if i else f'x[{k}]'} ({per}, each "
                f"through the edge from w[{i},{j},{k}] into neuron [{i},{j}]'s dot node)")
        if name.startswith("db"):
            i = int(name[2:])
            return lambda j, _: (f"the grad of b[{i},{j}] in the scalar graph: Σ over the "
                                 f"batch of δ[{i},{j}] ({per}, through z[{i},{j}] = dot + b)")
        if name.startswith("d"):
            i = int(name[1:])
            if i == L:
                return lambda b, j: (f"the grad of node z[{i},{j}] of sample {b}: "
                                     f"∂C/∂a[{i},{j}] times the local derivative σ'(z)")
            n = bp[i + 1].W.shape[0]
            edges = ("the edge" if n == 1 else f"the sum of the {n} edges")
            return lambda b, j: (
                f"the grad of node z[{i},{j}] of sample {b}: σ'(z[{i},{j}]) times {edges} "
                f"from a[{i},{j}] into the dot nodes of layer {i + 1} "
                f"(each w[{i + 1},m,{j}]·δ[{i + 1},m])")
        return None

    def cost_node(self) -> str:
        box = {"shape": "box", "style": "filled,rounded", "fillcolor": self.t.fills["output"],
               "label": self.cost_label, "fontsize": f"{self.fs:g}", "fixedsize": "true",
               "width": f"{self.cost_width:.4f}", "height": f"{self.fs * 2.2 / 72:.4f}",
               "pos": _pos(self.lefts[-1] + self.cost_width / 2,
                           self.tops["a"] - self.caption - self.drop), "class": _group("cost")}
        return f"  cost {attrs(box)};"

    def graph(self, title: str) -> dict[str, object]:
        return {"layout": "neato", "fontname": FONTNAME, "fontsize": self.t.title_fontsize,
                "label": Raw(quote(title)), "labelloc": "t", "pad": 0.15,
                "outputorder": "edgesfirst", "bgcolor": "white"}

    def text(self, name: str, text: str, left: float, y: float, fontsize: float,
             justify: str, bold: bool = False, group: str | None = None) -> str:
        """A plain-text node whose left edge is at `left` (centre at `y`)."""
        w = text_width(text, fontsize) / 72 + 0.05
        label = quote(text)[:-1] + ("\\l\"" if justify == "l" else "\"")
        extra = {"fontcolor": "#222222" if bold else "#333333",
                 "class": _group(group) if group else None}
        return (f"  {name} [label={label}, shape=plaintext, fontsize={fontsize:g}, "
                f"width={w:.4f}, height=0.2, fixedsize=true, "
                f"{attrs(extra)[1:-1]}, pos=\"{left + w / 2:.4f},{y:.4f}!\"];")

    def arrow_statements(self) -> list[str]:
        out = []
        for n, (c, row, lines) in enumerate(self.arrows):
            backward = row == "delta"
            src_col, dst_col = (c + 1, c) if backward else (c - 1, c)
            y = self.tops[row] - self.caption - self.drop
            x_src = (self.lefts[src_col] if backward
                     else self.lefts[src_col] + self.widths[src_col])
            x_dst = (self.lefts[dst_col] + self.widths[dst_col] if backward
                     else self.lefts[dst_col])
            color = self.t.stale if backward else "#333333"
            a, b = f"arrow{n}_from", f"arrow{n}_to"
            for name, x in ((a, x_src + (-0.05 if backward else 0.05)),
                            (b, x_dst + (0.05 if backward else -0.05))):
                out.append(f"  {name} [shape=point, width=0.01, style=invis, "
                           f"pos=\"{x:.4f},{y:.4f}!\"];")
            arrow = {"color": color, "penwidth": 1.4, "class": _group(f"arrow{n}")}
            out.append(f"  {a} -> {b} {attrs(arrow)};")
            left = min(x_src, x_dst) + 0.12
            label = "\n".join(lines)
            h = len(lines) * self.t.edge_fontsize * 1.25 / 72
            ytext = y + 0.08 + h / 2 if not backward else y - 0.08 - h / 2
            w = max(text_width(line, self.t.edge_fontsize) for line in lines) / 72 + 0.05
            out.append(f"  arrow{n}_label [label={quote(label, newline=chr(92) + 'l')[:-1]}"
                       f"\\l\", shape=plaintext, fontsize={self.t.edge_fontsize:g}, "
                       f"fontcolor=\"{color}\", width={w:.4f}, height={h:.4f}, "
                       f"fixedsize=true, class=\"{_group(f'arrow{n}')}\", "
                       f"pos=\"{left + w / 2:.4f},{ytext:.4f}!\"];")
        return out

    def legend_phrases(self) -> Sequence[str]:
        B = self.bp.X.shape[0]
        phrases = ["rows of z, a and δ: the samples of the batch" if B > 1 else
                   "one sample: z, a and δ have one row",
                   "black arrows: forward", "orange arrows: backward",
                   "cells: red positive, blue negative", "* multiplies entry by entry"]
        if self.numbers:
            phrases.append("equations: the first sample's numbers" if B > 1 else
                           "equations with this sample's numbers")
        else:
            phrases.append("heatmaps: each matrix on its own log |x| scale; equations "
                           "with shapes")
        if B > 1:
            phrases.append(f"C averages over the batch, so ∂C/∂a holds 1/{B}")
        return phrases


_group = group


def _act(name: str) -> str:
    return {"sigmoid": "σ", "linear": "id"}.get(name, name)


def _slope(g: Any) -> np.ndarray:
    from micrograd_ed.layers.activations import sigma_prime

    return sigma_prime(g.activation, g.z, g.a)


def _pos(x: float, y: float) -> str:
    return f"{x:.4f},{y:.4f}!"
