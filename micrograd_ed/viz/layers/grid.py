"""One matrix of the layers picture as a grid of cells: numbers when small, a heatmap when big.

A small matrix (at most ``max_cells`` rows and columns) shows its numbers, each on a light
tint of its sign's colour. A big one is a heatmap: the first ``max_rows`` rows (a batch of 32
samples shows 16) and, when it has more than ``max_columns`` columns, each cell the mean of a
block of neighbouring columns (the digit network's 784 pixels: 49 blocks of 16). The note
says so: the shape is always the full one. Colour follows the figures' convention (red
positive, blue negative, stronger for larger |x| on a log scale, micrograd_ed.viz.core.style),
each matrix on its own scale. A number cell's tooltip gives its value in full and, for δ and
the gradients, which nodes and edges of the scalar graph it sums (draw.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from micrograd_ed.viz.core import style
from micrograd_ed.viz.core.dot import attrs, fmt
from micrograd_ed.viz.core.estimate import text_width
from micrograd_ed.viz.core.themes import FONTNAME, Theme

HEAT_SIDE = 2.4        # inches: the longer side of a heatmap, at most
HEAT_CELL = (0.05, 0.2)  # inches: the smallest and largest heatmap cell
NUMBER_HEIGHT = 0.26   # inches: a number cell's height, at least (2 lines of its text)
TINT = 0.35            # a number cell's fill: this far from white towards its sign's colour
ZERO = "#f4f4f4"       # a number cell holding 0


@dataclass(frozen=True)
class Grid:
    """What one matrix shows: ``cells`` (the shown values), how, and its caption lines."""

    name: str                   # DOT name prefix, e.g. "W0"
    caption: str                # e.g. "W⁰  2 × 2"
    shape: tuple[int, int]      # the full matrix's shape
    cells: np.ndarray           # the values drawn, one per cell
    numbers: bool
    cell_w: float               # inches
    cell_h: float
    note: str = ""              # what was cut or averaged

    @property
    def width(self) -> float:
        return self.cells.shape[1] * self.cell_w

    @property
    def height(self) -> float:
        return self.cells.shape[0] * self.cell_h


def as_matrix(x: np.ndarray) -> np.ndarray:
    """A vector as a column (b, db: one row per neuron, beside W's rows); a matrix as is."""
    return x.reshape(-1, 1) if x.ndim == 1 else x


def make_grid(name: str, caption: str, x: np.ndarray, numbers: bool, precision: int,
              fontsize: float, max_rows: int = 16, max_columns: int = 49) -> Grid:
    """The grid of ``x`` (numbers, or a heatmap whose rows and column blocks are capped)."""
    m = as_matrix(np.asarray(x, dtype=np.float64))
    shape = (int(m.shape[0]), int(m.shape[1]))
    if numbers:
        widest = max(text_width(fmt(v, precision), fontsize) for v in m.ravel())
        return Grid(name, caption, shape, m, True, max(0.42, (widest + 8) / 72),
                    max(NUMBER_HEIGHT, fontsize * 2.0 / 72))
    notes = []
    if m.shape[0] > max_rows:
        notes.append(f"first {max_rows} of {m.shape[0]} rows")
        m = m[:max_rows]
    if m.shape[1] > max_columns:
        block = math.ceil(m.shape[1] / max_columns)
        n = math.ceil(m.shape[1] / block)
        padded = np.full((m.shape[0], n * block), np.nan)
        padded[:, :m.shape[1]] = m
        m = np.nanmean(padded.reshape(m.shape[0], n, block), axis=2)
        notes.append(f"{shape[1]} columns as {n} blocks of {block} (mean)")
    side = min(HEAT_CELL[1], max(HEAT_CELL[0], HEAT_SIDE / max(m.shape)))
    return Grid(name, caption, shape, m, False, side, side, "; ".join(notes))


def _tint(color: str, t: float) -> str:
    rgb = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 + (c - 255) * t):02x}" for c in rgb)


def grid_nodes(grid: Grid, left: float, top: float, theme: Theme, precision: int,
               fontsize: float,
               explain: Callable[[int, int], str] | None = None) -> list[str]:
    """DOT statements of the grid's cells, its top-left corner at (left, top) inches (y up)."""
    scale = style.Scale(grid.cells.ravel().tolist())
    out = []
    common = {"shape": "box", "style": "filled", "fixedsize": "true",
              "width": f"{grid.cell_w:.4f}", "height": f"{grid.cell_h:.4f}"}
    for i, row in enumerate(grid.cells):
        for j, v in enumerate(row):
            x = left + (j + 0.5) * grid.cell_w
            y = top - (i + 0.5) * grid.cell_h
            if grid.numbers:
                fill = ZERO if v == 0 else _tint(theme.positive if v > 0 else theme.negative,
                                                 TINT)
                cell = {"label": fmt(v, precision), "fillcolor": fill, "color": "#ffffff",
                        "penwidth": 1, "fontname": FONTNAME, "fontsize": f"{fontsize:g}",
                        "fontcolor": style.text_color(v, theme),
                        "tooltip": f"{grid.caption.split()[0]}[{i}, {j}] = {float(v)!r}"
                                   + (f"; {explain(i, j)}" if explain else "")}
            else:
                cell = {"label": "", "fillcolor": style.signed_color(v, scale, theme),
                        "color": "none", "penwidth": 0}
            cls = group(grid.name) + (" num" if grid.numbers else "")
            cell.update({"class": cls, "pos": _pos(x, y)})
            out.append(f"  {grid.name}_{i}_{j} {attrs({**common, **cell})};")
    return out


def group(name: str) -> str:
    """The SVG class of everything that belongs to grid (or arrow) `name`: the player shows
    and hides a matrix by it."""
    return f"grp_{name}"


def _pos(x: float, y: float) -> str:
    return f"{x:.4f},{y:.4f}!"
