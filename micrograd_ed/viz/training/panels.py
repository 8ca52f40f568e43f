"""The training player's matplotlib panels: decision boundary, weight images, curves, network.

Each painter builds its figure once and then repaints it for any recorded snapshot
``k`` (only the artists that change are replaced), so drawing a hundred frames costs
a hundred cheap updates, not a hundred figures.

* :class:`BoundaryPainter` -- for 2 inputs: the model's output on the recorded grid
  (filled contours; the line where the decision flips drawn in black) under the
  training points (filled) and the validation/test points (hollow), one marker shape
  per class so it reads in greyscale too.
* :class:`WeightsPainter` -- otherwise: the first layer's weights, one image per neuron
  (28 x 28 for the digits; up to 16 neurons), or a neurons x inputs matrix.
* :func:`curves_figure` -- loss and accuracy per epoch, and where epoch e sits in
  the figure (for the page's cursor).
* :class:`NetworkPainter` -- a compact network view for the GIF and PDF exports
  (edge colour = sign, width proportional to |w|, neurons in index order top down).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.colors import TwoSlopeNorm
from matplotlib.lines import Line2D

from micrograd_ed.training.recording import Recording
from micrograd_ed.viz.training import plots

POSITIVE, NEGATIVE = "#d62728", "#1f5fbf"        # the network view's red and blue
CLASS_COLORS = ("#1f5fbf", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")
MARKERS = ("o", "s", "^", "D", "v", "P")
HATCHES = ("", "//", "..", "\\\\", "xx", "oo")   # the region of each class, for greyscale
BINARY_CMAP = "RdBu_r"


def class_labels(y: np.ndarray) -> np.ndarray:
    """Targets as class indices: one-hot rows -> argmax, -1/+1 -> 0/1, 0/1 and ints as is."""
    y = np.asarray(y)
    if y.ndim == 2:
        return y.argmax(axis=1) if y.shape[1] > 1 else (y[:, 0] > 0.5).astype(int)
    if np.isin(y, (-1, 1)).all() and (y == -1).any():
        return (y > 0).astype(int)
    return np.rint(y).astype(int)


def freeze_layout(fig, paint) -> None:
    """Lay `fig` out once (after `paint()` filled it), then keep that layout for every frame.

    Constrained layout would otherwise be solved again at every draw: most of a frame's
    cost, and the panels would shift a little between frames.
    """
    paint()
    fig.draw_without_rendering()
    fig.set_layout_engine("none")


# ----------------------------------------------------------- boundary
class BoundaryPainter:
    """The decision boundary of snapshot k over the data, on one reusable figure."""

    def __init__(self, recording: Recording, width: float = 5.2, ax=None) -> None:
        if recording.grid_x is None:
            raise ValueError("the recording has no grid: the model does not have 2 inputs")
        self.rec = recording
        gx, gy = recording.grid_x, recording.grid_y
        aspect = min(1.5, max(0.5, (gy[-1] - gy[0]) / (gx[-1] - gx[0])))
        self.fig = ax.figure if ax is not None else plots.figure(width, 0.8 * width * aspect
                                                                 + 1.3)
        self.ax = ax if ax is not None else self.fig.add_subplot()
        self.k_out = recording.snapshots[0].grid.shape[2]
        self._artists: list = []
        self._setup()
        if ax is None:
            freeze_layout(self.fig, lambda: self.paint(len(recording.snapshots) - 1))

    def _setup(self) -> None:
        ax, rec = self.ax, self.rec
        ax.set_xlim(rec.grid_x[0], rec.grid_x[-1])
        ax.set_ylim(rec.grid_y[0], rec.grid_y[-1])
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("x[0]")
        ax.set_ylabel("x[1]")
        plots.style_axes(ax)
        ax.grid(False)
        handles = self._points(rec.X, rec.y, hollow=False, label="train")
        ncol = len(handles)
        if rec.X_val is not None:    # legend rows: train classes, then test classes
            test = self._points(rec.X_val, rec.y_val, hollow=True, label=rec.val_label)
            if len(test) == ncol:
                handles = [h for pair in zip(handles, test) for h in pair]
        self.fig.legend(handles=handles, loc="outside lower center",
                        ncol=ncol, fontsize=8, frameon=False,
                  handletextpad=0.3, columnspacing=1.0)

    def _points(self, X: np.ndarray, y: np.ndarray, hollow: bool, label: str) -> list:
        classes = class_labels(y)
        handles = []
        size = 24 if len(X) > 40 else 70
        for c in np.unique(classes):
            pts = X[classes == c]
            color = CLASS_COLORS[c % len(CLASS_COLORS)]
            marker = MARKERS[c % len(MARKERS)]
            face = "white" if hollow else color
            edge = color if hollow else "black"
            self.ax.scatter(pts[:, 0], pts[:, 1], s=size * 1.15 if hollow else size, marker=marker,
                            facecolors=face, edgecolors=edge, linewidths=1.5 if hollow else 0.5,
                            zorder=3)
            handles.append(Line2D([], [], linestyle="", marker=marker, markersize=6,
                                  markerfacecolor=face, markeredgecolor=color,
                                  markeredgewidth=1.4, label=f"{label}, class {c}"))
        return handles

    def paint(self, k: int):
        """Show snapshot k; returns the figure."""
        with plots.rc():     # hatch colour and width are read when the artists are made
            return self._paint(k)

    def _paint(self, k: int):
        for artist in self._artists:
            artist.remove()
        grid = self.rec.snapshots[k].grid
        gx, gy = self.rec.grid_x, self.rec.grid_y
        ax = self.ax
        if self.k_out == 1:
            s = grid[:, :, 0].astype(np.float64)
            t = self.rec.threshold
            lo, hi = (0.0, 1.0) if t == 0.5 and s.min() >= 0 and s.max() <= 1 else (
                min(float(s.min()), t - 1.0), max(float(s.max()), t + 1.0))
            span = max(t - lo, hi - t)
            lo, hi = t - span, t + span
            levels = np.linspace(lo, hi, 11)
            filled = ax.contourf(gx, gy, np.clip(s, lo, hi), levels=levels,
                                 cmap=BINARY_CMAP, norm=TwoSlopeNorm(t, lo, hi), alpha=0.5,
                                 zorder=1)
            arts = [filled]
            if s.max() > t:      # hatch the class-1 side: it reads in greyscale too
                arts.append(ax.contourf(gx, gy, s, levels=[t, max(hi, float(s.max())) + 1],
                                        colors="none", hatches=[HATCHES[1]], zorder=1))
            if s.min() < t < s.max():
                arts.append(ax.contour(gx, gy, s, levels=[t], colors="black",
                                       linewidths=1.6, zorder=2))
        else:   # class c wins where its margin s_c - max(other s) is >= 0: smooth borders
            arts = []
            for c in range(self.k_out):
                others = np.delete(grid, c, axis=2).max(axis=2)
                margin = (grid[:, :, c] - others).astype(np.float64)
                if margin.max() < 0:
                    continue
                arts.append(ax.contourf(gx, gy, margin, levels=[0, np.inf],
                                        colors=[_light(CLASS_COLORS[c % len(CLASS_COLORS)])],
                                        hatches=[HATCHES[c % len(HATCHES)]], zorder=1))
                if margin.min() < 0:
                    arts.append(ax.contour(gx, gy, margin, levels=[0], colors="black",
                                           linewidths=1.2, zorder=2))
        self._artists = arts
        return self.fig


def _light(color: str, amount: float = 0.6) -> tuple[float, float, float]:
    """`color` mixed with white."""
    rgb = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    return tuple(c + (1 - c) * amount for c in rgb)  # type: ignore[return-value]


# ------------------------------------------------------- weight images
class WeightsPainter:
    """The first layer's weights of snapshot k: one image per neuron, or one matrix."""

    MAX_IMAGES = 16

    def __init__(self, recording: Recording, width: float = 5.2, height: float = 5.0,
                 fig=None) -> None:
        self.rec = recording
        nin, first = recording.config["nin"], recording.config["sizes"][0]
        self.nin, self.first = nin, first
        side = math.isqrt(nin)
        self.side = side if side * side == nin and nin >= 16 else None
        self.index = recording.weight_index(0)
        self.fig = fig if fig is not None else plots.figure(width, height)
        self._images: list = []
        self._setup()
        if fig is None:
            freeze_layout(self.fig, lambda: self.paint(len(recording.snapshots) - 1))

    def _weights(self, k: int) -> np.ndarray:
        """(first, nin) first-layer weights."""
        return self.rec.snapshots[k].params[self.index]

    def _setup(self) -> None:
        w = self._weights(-1)
        self.scale = float(np.max(np.abs(w))) or 1.0
        norm = TwoSlopeNorm(0.0, -self.scale, self.scale)
        if self.side is None:
            ax = self.fig.add_subplot()
            self._images = [ax.imshow(w, cmap=BINARY_CMAP, norm=norm, aspect="auto",
                                      interpolation="nearest")]
            ax.set_xlabel("input")
            ax.set_ylabel("neuron of layer 1")
            ax.set_title("first layer's weights", fontsize=11)
            self.fig.colorbar(self._images[0], ax=ax, shrink=0.8, label="w")
            return
        n = min(self.first, self.MAX_IMAGES)
        cols = math.ceil(math.sqrt(n))
        rows = math.ceil(n / cols)
        axes = self.fig.subplots(rows, cols, squeeze=False)
        for j, ax in enumerate(axes.flat):
            ax.set_xticks([])
            ax.set_yticks([])
            if j >= n:
                ax.set_visible(False)
                continue
            self._images.append(ax.imshow(w[j].reshape(self.side, self.side), cmap=BINARY_CMAP,
                                          norm=norm, interpolation="nearest"))
            ax.set_title(f"neuron {j}", fontsize=8, pad=2)
        more = f" (first {n} of {self.first})" if n < self.first else ""
        self.fig.suptitle(f"first layer's weights, one image per neuron{more}\n"
                          f"red w > 0, blue w < 0, white 0 (|w| up to {self.scale:.2g})",
                          fontsize=9)

    def paint(self, k: int):
        w = self._weights(k)
        if self.side is None:
            self._images[0].set_data(w)
        else:
            for j, image in enumerate(self._images):
                image.set_data(w[j].reshape(self.side, self.side))
        return self.fig


# --------------------------------------------------------------- curves
@dataclass
class AxesSpan:
    """Where epoch e is on one axes of the curves figure, in fractions of the figure:
    x = x0 + e * dx from the left; the axes runs from `top` to `bottom` from the top."""

    x0: float
    dx: float
    top: float
    bottom: float


def curves_figure(loss: list[float], accuracy: list[float], val_loss: list[float],
                  val_accuracy: list[float], val_label: str = "validation",
                  width: float = 9.6, height: float = 3.6, axes=None):
    """Loss and accuracy per epoch, side by side (or on the two `axes` given).

    Returns the figure and, when it made the figure, an :class:`AxesSpan` per axes.
    """
    if axes is None:
        fig = plots.figure(width, height)
        ax_l, ax_a = fig.subplots(1, 2)
    else:
        ax_l, ax_a = axes
        fig = ax_l.figure
    epochs = np.arange(1, len(loss) + 1)
    ax_l.plot(epochs, loss, color=plots.COLORS[0], linewidth=1.8, label="train")
    if val_loss:
        ax_l.plot(epochs, val_loss, color=plots.COLORS[1], linewidth=1.8, linestyle="--",
                  label=val_label)
    finite = [v for v in [*loss, *val_loss] if math.isfinite(v)]
    if finite and min(finite) > 0 and max(finite) / min(finite) > 20:
        ax_l.set_yscale("log")
    acc = 100 * np.asarray(accuracy, dtype=np.float64)
    ax_a.plot(epochs, acc, color=plots.COLORS[0], linewidth=1.8, label="train")
    if val_accuracy:
        ax_a.plot(epochs, 100 * np.asarray(val_accuracy, dtype=np.float64),
                  color=plots.COLORS[1], linewidth=1.8, linestyle="--", label=val_label)
    ax_a.set_ylim(-3, 103)
    for ax, name in ((ax_l, "loss"), (ax_a, "accuracy (%)")):
        ax.set_xlim(0, max(1, len(loss)))
        ax.xaxis.get_major_locator().set_params(integer=True)
        plots.style_axes(ax, xlabel="epoch", ylabel=name)
    ax_l.set_title("loss per epoch", fontsize=11, fontweight="bold")
    ax_a.set_title("accuracy per epoch", fontsize=11, fontweight="bold")
    ax_l.legend(loc="upper right", fontsize=8)
    if axes is not None:
        return fig, None
    fig.draw_without_rendering()
    return fig, [_span(fig, ax) for ax in (ax_l, ax_a)]


def _span(fig, ax) -> AxesSpan:
    width = fig.bbox.width
    x0, x1 = (ax.transData.transform((e, 1.0))[0] / width for e in (0.0, 1.0))
    box = ax.get_position()
    return AxesSpan(x0=float(x0), dx=float(x1 - x0), top=float(1 - box.y1),
                    bottom=float(1 - box.y0))


# -------------------------------------------------------------- network
class NetworkPainter:
    """A compact network view (for the exports): columns of neurons, weighted edges.

    A column of more than ``max_column`` neurons shows its first and last ``ends``
    around a gap, as the page's network view does.
    """

    def __init__(self, recording: Recording, ax, max_column: int = 12, ends: int = 4) -> None:
        self.rec, self.ax = recording, ax
        cfg = recording.config
        self.sizes = [cfg["nin"], *cfg["sizes"]]
        self.shown = [list(range(n)) if n <= max_column else
                      [*range(ends), None, *range(n - ends, n)] for n in self.sizes]
        self.edges: list[tuple[int, int, int, int]] = []   # (layer, j, i, param index)
        for layer in range(len(self.sizes) - 1):
            index = recording.weight_index(layer)
            self.edges += [(layer, j, i, int(index[j, i])) for j in self.shown[layer + 1]
                           if j is not None for i in self.shown[layer] if i is not None]
        self._setup()

    def _y(self, col: int, pos: int) -> float:
        n = len(self.shown[col])
        return 0.5 if n == 1 else 1 - pos / (n - 1)

    def _setup(self) -> None:
        ax = self.ax
        ax.set_xlim(-0.35, len(self.sizes) - 0.65)
        ax.set_ylim(-0.12, 1.12)
        ax.axis("off")
        self.where = {}
        for col, shown in enumerate(self.shown):
            for pos, i in enumerate(shown):
                y = self._y(col, pos)
                if i is None:
                    ax.text(col, y, "\u22ee", ha="center", va="center", fontsize=12)
                    continue
                self.where[col, i] = y
        self.lines = []
        for layer, j, i, _ in self.edges:
            (line,) = ax.plot([layer, layer + 1], [self.where[layer, i],
                                                   self.where[layer + 1, j]],
                              solid_capstyle="round", zorder=1)
            self.lines.append(line)
        xs = [c for c, _ in self.where]
        ys = list(self.where.values())
        big = max(len(s) for s in self.shown) > 6
        ax.scatter(xs, ys, s=60 if big else 260, facecolors="white", edgecolors="#555555",
                   linewidths=1.0, zorder=2)
        for col, n in enumerate(self.sizes):
            name = "input" if col == 0 else ("output" if col == len(self.sizes) - 1
                                            else f"hidden {col}")
            ax.text(col, 1.09, f"{name}\n{n}", ha="center", va="bottom", fontsize=8)

    def paint(self, k: int, grads: bool = False) -> None:
        snap = self.rec.snapshots[k]
        values = snap.grads if grads and snap.grads is not None else snap.params
        w = np.array([values[p] for *_, p in self.edges])
        largest = float(np.max(np.abs(w))) if w.size else 0.0
        thick = 3.5 if len(self.edges) <= 40 else 1.6
        for line, v in zip(self.lines, w):
            frac = abs(v) / largest if largest > 0 else 0.0
            line.set_color(POSITIVE if v > 0 else NEGATIVE)
            line.set_linewidth(max(0.2, thick * frac))
            line.set_alpha(0.35 + 0.65 * frac)
