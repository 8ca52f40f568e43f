"""A small line plot written straight to SVG: axes, ticks, labels, title, legend.

No plotting library is needed (matplotlib is only in the notebooks extra), and
the output is deterministic: the same numbers give the same bytes on every
run, so a figure can be checked into a repository or compared in a test.

>>> svg = line_plot({"train loss": [0.7, 0.4, 0.2, 0.1]}, title="XOR")
>>> svg.startswith("<svg")
True
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

from micrograd_ed.serialize import write_text_atomic

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")
FONT = "Helvetica, Arial, sans-serif"
_MARGIN = {"left": 72, "right": 24, "top": 44, "bottom": 54}


def nice_ticks(lo: float, hi: float, max_ticks: int = 6) -> list[float]:
    """Round tick positions (steps of 1, 2 or 5 times a power of ten) covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"nice_ticks: the range must be finite, got [{lo}, {hi}]")
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = _nice_step((hi - lo) / max(1, max_ticks - 1))
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [_clean(k * step) for k in range(first, last + 1)]


def _nice_step(raw: float) -> float:
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= m * power * (1 + 1e-9):
            return m * power
    return 10.0 * power


def _clean(x: float) -> float:
    """Round away float noise (0.30000000000000004 -> 0.3) and -0.0."""
    y = float(f"{x:.12g}")
    return 0.0 if y == 0 else y


def _log_ticks(lo: float, hi: float) -> list[float]:
    """Powers of ten covering [lo, hi] (lo, hi > 0), with 2 and 5 between when few."""
    a, b = math.floor(math.log10(lo) + 1e-9), math.ceil(math.log10(hi) - 1e-9)
    b = max(b, a + 1)
    ticks = [10.0 ** k for k in range(a, b + 1)]
    if b - a <= 2:
        ticks = sorted(m * 10.0 ** k for k in range(a, b + 1) for m in (1, 2, 5)
                       if 10.0 ** a <= m * 10.0 ** k <= 10.0 ** b)
    return [_clean(t) for t in ticks]


def tick_label(x: float, ticks: Sequence[float]) -> str:
    """A tick's text, with as many decimals as the spacing of the ticks needs."""
    if x == 0:
        return "0"
    big = max(abs(t) for t in ticks)
    if big >= 1e5 or big < 1e-3:
        return _short(x)
    steps = [abs(b - a) for a, b in zip(ticks, ticks[1:]) if b != a]
    step = min(steps) if steps else abs(x)
    decimals = 0   # the fewest that write the step exactly (0.25 needs 2)
    while decimals < 10 and abs(round(step, decimals) - step) > 1e-9 * step:
        decimals += 1
    return f"{x:.{decimals}f}"


def _short(x: float) -> str:
    """3 significant digits, exponent without padding: 2e-6, 1.5e6, 0.01."""
    return f"{x:.3g}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")


def line_plot(series: Mapping[str, Sequence[float]] | Sequence[float], *,
              xs: Sequence[float] | None = None, title: str = "", xlabel: str = "epoch",
              ylabel: str = "loss", width: int = 640, height: int = 400,
              log_y: bool = False) -> str:
    """One or more lines as an SVG document (str).

    `series` maps a legend name to its y values (or is one list of y values);
    x is `xs` if given, else 1, 2, ..., n (epochs). NaN and inf values are left
    out of the line. `log_y` draws the y axis on a log scale (y > 0 only).
    """
    named = _series(series)
    n = max(len(ys) for ys in named.values())
    xs = [float(x) for x in xs] if xs is not None else [float(i + 1) for i in range(n)]
    if len(xs) < n:
        raise ValueError(f"line_plot: {len(xs)} x values for a series of {n} points")
    for name, ys in named.items():
        if log_y and any(math.isfinite(y) and y <= 0 for y in ys):
            raise ValueError(f"line_plot: log_y needs positive values; series {name!r} "
                             f"has one <= 0")
    ys_all = [y for ys in named.values() for y in ys if math.isfinite(y)]
    if not ys_all:
        raise ValueError("line_plot: no finite y values to draw")
    x_lo, x_hi = min(xs[:n]), max(xs[:n])
    integers = all(x == int(x) for x in xs[:n])
    if integers and x_lo == x_hi:           # one epoch: show its neighbours
        x_lo, x_hi = x_lo - 1, x_hi + 1
    x_ticks = nice_ticks(x_lo, x_hi, 7)
    if integers and sum(t == int(t) for t in x_ticks) >= 2:
        x_ticks = [t for t in x_ticks if t == int(t)]
    if log_y:
        y_ticks = _log_ticks(min(ys_all), max(ys_all))
        y_labels = [_short(t) for t in y_ticks]
    else:
        y_ticks = nice_ticks(min(ys_all), max(ys_all), 6)
        y_labels = [tick_label(t, y_ticks) for t in y_ticks]
    frame = _Frame(width, height, (x_ticks[0], x_ticks[-1]), (y_ticks[0], y_ticks[-1]), log_y)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="12">',
           f"<title>{escape(title or ylabel)}</title>",
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>']
    out += _grid_and_ticks(frame, x_ticks, y_ticks, y_labels)
    for i, (name, ys) in enumerate(named.items()):
        out += _line(frame, xs, ys, COLORS[i % len(COLORS)], name)
    out += _axes_and_labels(frame, title, xlabel, ylabel)
    if len(named) > 1 or next(iter(named)):
        out += _legend(frame, list(named))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def save_svg(path: str | os.PathLike, svg: str) -> Path:
    """Write `svg` to `path` atomically (a temporary file, then a rename); return the path."""
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot save {path}: directory {path.parent} does not exist")
    write_text_atomic(path, svg)
    return path


# ---------------------------------------------------------------- drawing
class _Frame:
    """Maps data coordinates to pixels inside the margins."""

    def __init__(self, width: int, height: int, xr: tuple[float, float],
                 yr: tuple[float, float], log_y: bool) -> None:
        self.left, self.right = _MARGIN["left"], width - _MARGIN["right"]
        self.top, self.bottom = _MARGIN["top"], height - _MARGIN["bottom"]
        self.width, self.height = width, height
        self.xr, self.log_y = xr, log_y
        self.yr = (math.log10(yr[0]), math.log10(yr[1])) if log_y else yr

    def x(self, v: float) -> float:
        lo, hi = self.xr
        return self.left + (v - lo) / (hi - lo) * (self.right - self.left)

    def y(self, v: float) -> float:
        lo, hi = self.yr
        v = math.log10(v) if self.log_y else v
        return self.bottom - (v - lo) / (hi - lo) * (self.bottom - self.top)


def _n(v: float) -> str:
    """A pixel coordinate with two decimals and no trailing zeros (deterministic text)."""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _grid_and_ticks(f: _Frame, x_ticks: list[float], y_ticks: list[float],
                    y_labels: list[str]) -> list[str]:
    out = ['<g stroke="#e6e6e6" stroke-width="1">']
    for t in y_ticks:
        out.append(f'<line x1="{_n(f.left)}" y1="{_n(f.y(t))}" x2="{_n(f.right)}" '
                   f'y2="{_n(f.y(t))}"/>')
    for t in x_ticks:
        out.append(f'<line x1="{_n(f.x(t))}" y1="{_n(f.top)}" x2="{_n(f.x(t))}" '
                   f'y2="{_n(f.bottom)}"/>')
    out.append("</g>")
    out.append('<g fill="#333333">')
    for t, label in zip(y_ticks, y_labels):
        out.append(f'<text x="{_n(f.left - 8)}" y="{_n(f.y(t) + 4)}" '
                   f'text-anchor="end">{escape(label)}</text>')
    for t in x_ticks:
        out.append(f'<text x="{_n(f.x(t))}" y="{_n(f.bottom + 18)}" '
                   f'text-anchor="middle">{escape(tick_label(t, x_ticks))}</text>')
    out.append("</g>")
    return out


def _line(f: _Frame, xs: Sequence[float], ys: Sequence[float], color: str,
          name: str) -> list[str]:
    """A polyline per run of finite points (a NaN breaks the line); a dot for a lone point."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys):
        if math.isfinite(y):
            runs[-1].append((f.x(x), f.y(y)))
        elif runs[-1]:
            runs.append([])
    out = [f'<g fill="none" stroke="{color}" stroke-width="2" stroke-linejoin="round">'
           f"<desc>{escape(name)}</desc>"]
    for run in runs:
        if len(run) == 1:
            x, y = run[0]
            out.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3" fill="{color}"/>')
        elif run:
            pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in run)
            out.append(f'<polyline points="{pts}"/>')
    out.append("</g>")
    return out


def _axes_and_labels(f: _Frame, title: str, xlabel: str, ylabel: str) -> list[str]:
    mid_x, mid_y = (f.left + f.right) / 2, (f.top + f.bottom) / 2
    out = [f'<path d="M{_n(f.left)},{_n(f.top)} V{_n(f.bottom)} H{_n(f.right)}" '
           f'fill="none" stroke="#333333" stroke-width="1"/>']
    if title:
        out.append(f'<text x="{_n(f.width / 2)}" y="26" text-anchor="middle" font-size="15" '
                   f'font-weight="bold" fill="#111111">{escape(title)}</text>')
    if xlabel:
        out.append(f'<text x="{_n(mid_x)}" y="{_n(f.height - 14)}" text-anchor="middle" '
                   f'fill="#111111">{escape(xlabel)}</text>')
    if ylabel:
        out.append(f'<text x="18" y="{_n(mid_y)}" text-anchor="middle" fill="#111111" '
                   f'transform="rotate(-90 18 {_n(mid_y)})">{escape(ylabel)}</text>')
    return out


def _legend(f: _Frame, names: list[str]) -> list[str]:
    """A box in the top right corner: a short line of each colour and its name."""
    longest = max(len(name) for name in names)
    w, h = 36 + 7 * longest, 8 + 18 * len(names)
    x0, y0 = f.right - w - 8, f.top + 8
    out = [f'<g><rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(w)}" height="{_n(h)}" '
           f'fill="white" fill-opacity="0.9" stroke="#cccccc"/>']
    for i, name in enumerate(names):
        y = y0 + 13 + 18 * i
        color = COLORS[i % len(COLORS)]
        out.append(f'<line x1="{_n(x0 + 8)}" y1="{_n(y)}" x2="{_n(x0 + 26)}" y2="{_n(y)}" '
                   f'stroke="{color}" stroke-width="2"/>')
        out.append(f'<text x="{_n(x0 + 32)}" y="{_n(y + 4)}" fill="#111111">'
                   f"{escape(name)}</text>")
    out.append("</g>")
    return out


def _series(series: Mapping[str, Sequence[float]] | Sequence[float]) -> dict[str, list[float]]:
    if isinstance(series, Mapping):
        named = {str(k): [float(y) for y in v] for k, v in series.items()}
    else:
        named = {"": [float(y) for y in series]}
    if not named or not any(named.values()):
        raise ValueError("line_plot: nothing to plot (no series, or only empty ones)")
    return named
