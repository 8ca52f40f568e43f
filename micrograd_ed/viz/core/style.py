"""Colour and width of a signed number, shared by the graph and the network view.

One convention everywhere: red means positive, blue means negative (dashed in
the print theme), faint grey means zero. Strength grows with log |x| over the
figure's own range, so that after training, when one gradient is 1 and the
interior ones are 0.001-0.004, the small but real ones stay visible::

    t(x) = (log10 |x| - log10 lo) / (log10 hi - log10 lo),   clamped to [0, 1]

with ``hi`` the largest |x| in the figure and ``lo`` the smallest non-zero one,
but at least :data:`MIN_DECADES` and at most :data:`DECADES` decades below
``hi`` (so that 2 against 6 is a small step, not the whole scale). Colour then runs from
a light tint (t = 0) to the full colour (t = 1); the width from ``thin`` to
``thick``. Zero is always faint and thin.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from micrograd_ed.viz.core.dot import fmt
from micrograd_ed.viz.core.themes import Theme

DECADES = 4        # the scale spans at most 10^4: smaller values are drawn like the smallest
MIN_DECADES = 2    # ...and at least 10^2
LIGHTEST = 0.45    # the weakest non-zero colour: this far from white towards the full colour


class Scale:
    """The log-|x| strength of every number of one figure, in [0, 1]."""

    def __init__(self, values: Iterable[float]) -> None:
        mags = [abs(v) for v in values if v == v and abs(v) != math.inf and v != 0]
        self.hi = max(mags, default=0.0)
        smallest = min(min(mags, default=0.0), self.hi * 10.0 ** -MIN_DECADES)
        self.lo = max(smallest, self.hi * 10.0 ** -DECADES)

    def strength(self, x: float) -> float:
        """0 for the smallest non-zero |x| (or anything smaller), 1 for the largest."""
        if x != x or self.hi <= 0 or x == 0:
            return 0.0
        if abs(x) == math.inf or self.hi == self.lo:
            return 1.0
        t = (math.log10(abs(x)) - math.log10(self.lo)) / (math.log10(self.hi)
                                                         - math.log10(self.lo))
        return min(1.0, max(0.0, t))

    def describe(self, precision: int = 2) -> str:
        """The range in words, for the legend: "log |x| from 0.001 to 1.2"."""
        if self.hi <= 0:
            return "all zero"
        if self.hi == self.lo:
            return f"|x| = {fmt(self.hi, precision)}"
        return f"log |grad| from {fmt(self.lo, precision)} to {fmt(self.hi, precision)}"


def signed_color(x: float, scale: Scale, theme: Theme) -> str:
    """``#rrggbb`` for ``x``: the theme's positive or negative colour, lighter when weak."""
    if x != x or x == 0 or scale.hi <= 0:
        return theme.faint
    end = _rgb(theme.positive if x > 0 else theme.negative)
    t = LIGHTEST + (1 - LIGHTEST) * scale.strength(x)
    return "#" + "".join(f"{round(255 + (e - 255) * t):02x}" for e in end)


def text_color(x: float, theme: Theme) -> str:
    """A dark, readable colour of ``x``'s sign for text (grey for 0)."""
    if x > 0:
        return theme.positive_text
    if x < 0:
        return theme.negative_text
    return "#444444"


def penwidth(x: float, scale: Scale, theme: Theme) -> float:
    """Line width for ``x``: ``theme.thin`` for the weakest, ``theme.thick`` for the largest."""
    if x != x or x == 0 or scale.hi <= 0:
        return round(theme.thin * 0.6, 2)
    return round(theme.thin + (theme.thick - theme.thin) * scale.strength(x), 2)


def line_style(x: float, theme: Theme) -> str | None:
    """"dashed" for a negative number in a greyscale-safe theme, else None (solid)."""
    return "dashed" if theme.dashed_negative and x < 0 else None


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
