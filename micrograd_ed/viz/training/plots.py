"""Plots made with matplotlib, written the same byte for byte on every run.

Every plot micrograd_ed makes (the demo's loss curve, the training player's curves,
decision boundaries and weight images) is a :class:`matplotlib.figure.Figure` built
here without pyplot, so no global figure state and no GUI backend is involved.
:func:`render` and :func:`save` make the output deterministic: a fixed
``svg.hashsalt`` (the ids of clip paths), no date in the metadata, matplotlib's
bundled DejaVu fonts drawn as paths. The same numbers give the same bytes, so a
figure can be committed and compared.

>>> fig = line_plot({"train loss": [0.7, 0.4, 0.2, 0.1]}, title="XOR")
>>> render(fig, "svg")[:5]
b'<?xml'
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from micrograd_ed.files.atomic import write_atomic

HASHSALT = "micrograd_ed"
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")
_RC = {"svg.hashsalt": HASHSALT, "svg.fonttype": "path", "pdf.fonttype": 42,
       "font.family": "DejaVu Sans", "path.simplify": True,
       "hatch.color": "#00000038", "hatch.linewidth": 0.8}
_METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None},
             "png": {"Software": None}}


def rc():
    """The matplotlib settings of every figure (a context manager, nothing set globally)."""
    return matplotlib.rc_context(_RC)


def figure(width: float = 6.4, height: float = 4.0, dpi: int = 100) -> Figure:
    """A new Figure (inches), laid out with matplotlib's constrained layout."""
    with rc():
        return Figure(figsize=(width, height), dpi=dpi, layout="constrained")


def render(fig: Figure, fmt: str = "svg", dpi: int | None = None) -> bytes:
    """The figure as SVG, PNG or PDF bytes: the same figure gives the same bytes."""
    if fmt not in _METADATA:
        raise ValueError(f"render: unknown format {fmt!r}; use svg, png or pdf")
    buf = io.BytesIO()
    with rc():
        fig.savefig(buf, format=fmt, metadata=_METADATA[fmt], dpi=dpi or fig.dpi,
                    facecolor="white")
    return buf.getvalue()


def to_image(fig: Figure, dpi: int | None = None):
    """The figure as a Pillow RGB image, drawn once by Agg (for GIF frames and palettes)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    if dpi is not None:
        fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    with rc():
        canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    image = Image.new("RGB", (rgba.shape[1], rgba.shape[0]), "white")
    image.paste(Image.fromarray(rgba), mask=Image.fromarray(rgba[:, :, 3]))
    return image


def save(fig: Figure, path: str | os.PathLike, dpi: int | None = None) -> Path:
    """Write the figure to `path` (.svg, .png or .pdf, from the suffix) atomically."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"cannot save a plot as {path.name!r}: unknown suffix "
                         f"{path.suffix or '(none)'!r}; use one of {', '.join(FORMATS)}")
    write_atomic(path, render(fig, fmt, dpi))
    return path


def line_plot(series: Mapping[str, Sequence[float]] | Sequence[float], *,
              xs: Sequence[float] | None = None, title: str = "", xlabel: str = "epoch",
              ylabel: str = "loss", width: float = 6.4, height: float = 4.0,
              log_y: bool = False) -> Figure:
    """One or more lines: `series` maps a legend name to its y values (or is one list).

    x is `xs` if given, else 1, 2, ..., n (epochs). A NaN or inf breaks the line; a
    lone finite point is drawn as a dot. `log_y` puts y on a log scale (y > 0 only).
    """
    named = _series(series)
    n = max(len(ys) for ys in named.values())
    x = np.asarray(xs if xs is not None else range(1, n + 1), dtype=np.float64)
    if len(x) < n:
        raise ValueError(f"line_plot: {len(x)} x values for a series of {n} points")
    finite = [y for ys in named.values() for y in ys if math.isfinite(y)]
    if not finite:
        raise ValueError("line_plot: no finite y values to draw")
    for name, ys in named.items():
        if log_y and any(math.isfinite(y) and y <= 0 for y in ys):
            raise ValueError(f"line_plot: log_y needs positive values; series {name!r} "
                             f"has one <= 0")
    fig = figure(width, height)
    ax = fig.add_subplot()
    for i, (name, ys) in enumerate(named.items()):
        y = np.asarray(ys, dtype=np.float64)
        y = np.where(np.isfinite(y), y, np.nan)
        color = COLORS[i % len(COLORS)]
        ax.plot(x[:len(y)], y, color=color, linewidth=2, label=name or None, gid=f"line{i}")
        alone = _lone_points(y)
        if alone.any():
            ax.plot(x[:len(y)][alone], y[alone], "o", color=color, markersize=4)
    if log_y:
        ax.set_yscale("log")
    style_axes(ax, title, xlabel, ylabel)
    if x[:n].size and np.all(x[:n] == np.round(x[:n])):
        ax.xaxis.get_major_locator().set_params(integer=True)
    if len(named) > 1 or next(iter(named)):
        ax.legend(loc="upper right", frameon=True)
    return fig


def style_axes(ax, title: str = "", xlabel: str = "", ylabel: str = "") -> None:
    """The look of every plot: light grid, no top/right spines, titles in plain words."""
    ax.grid(True, color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title, fontsize=12, fontweight="bold")
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)


def _lone_points(y: np.ndarray) -> np.ndarray:
    """True where a finite value has no finite neighbour (a line would not show it)."""
    ok = np.isfinite(y)
    left = np.concatenate([[False], ok[:-1]])
    right = np.concatenate([ok[1:], [False]])
    return ok & ~left & ~right


def _series(series: Mapping[str, Sequence[float]] | Sequence[float]) -> dict[str, list[float]]:
    if isinstance(series, Mapping):
        named = {str(k): [float(y) for y in v] for k, v in series.items()}
    else:
        named = {"": [float(y) for y in series]}
    if not named or not any(named.values()):
        raise ValueError("line_plot: nothing to plot (no series, or only empty ones)")
    return named
