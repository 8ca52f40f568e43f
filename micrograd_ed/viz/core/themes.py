"""Themes: one look for a notebook, one for a slide, one for print.

A :class:`Theme` holds every size, colour and wording choice of a figure, so
``draw_graph(..., theme="slide")`` changes the look without changing what is
drawn. Font sizes and precision stay overridable per call::

    draw_graph(L, theme="slide", fontsize=20, precision=3)

Text is measured by Graphviz with the metrics of Arimo (graphviz-pure's sans
font; Liberation Sans, Arial and Helvetica have the same widths), and every
SVG asks for exactly that family, so the boxes Graphviz sized fit the text the
browser draws.

Colours are chosen to differ in luminance as well as hue (greyscale
``0.2126 R + 0.7152 G + 0.0722 B``, as CSS ``grayscale()`` computes it):
positive red 0.39 against negative dark blue 0.18; parameter green 0.75
against input lavender 0.94. See :func:`luminance`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

FONTNAME = "Arimo"  # what Graphviz measures with (the name graphviz-pure knows)
FONT_FAMILY = "Arimo,Liberation Sans,Arial,Helvetica,sans-serif"  # what the SVG asks for


@dataclass(frozen=True)
class Theme:
    """Sizes (points), colours (``#rrggbb``) and wording of one look."""

    name: str
    fontsize: float = 10            # node text
    edge_fontsize: float = 9        # edge text
    title_fontsize: float = 14
    legend_fontsize: float = 9
    cluster_fontsize: float = 10
    precision: int = 4              # significant digits
    nodesep: float = 0.25           # inches between nodes of a rank
    ranksep: float = 0.4            # inches between ranks
    rankdir: str = "LR"             # "auto": the direction whose picture fits 16:9 best
    edge_data: bool = True          # write the forward value on each edge
    unit_local: bool = True         # write "x 1" on edges whose local derivative is 1
    words: bool = True              # "data 2" / "grad 6" rather than "= 2" / "grad 6"
    dashed_negative: bool = False   # negative gradients drawn dashed (greyscale-safe)
    thin: float = 1.0               # edge width of the smallest gradient
    thick: float = 4.0              # edge width of the largest gradient
    positive: str = "#f03e3e"       # red, luminance 0.39
    negative: str = "#14306e"       # dark blue, luminance 0.18
    positive_text: str = "#c92a2a"
    negative_text: str = "#14306e"
    faint: str = "#c8c8c8"          # zero gradient
    unknown: str = "#808080"        # gradient not computed yet
    stale: str = "#e8590c"          # border of a node whose grad is stale
    fills: dict[str, str] = field(default_factory=lambda: {
        "output": "#ffd966", "param": "#97cf92", "input": "#f3effb", "leaf": "#eeeeee",
        "value": "#ffffff", "neuron": "#fff2cc"})
    # network view (draw_network)
    net_fontsize: float = 10
    net_edge_fontsize: float = 9
    net_radius: float = 0.5         # inches, a neuron's circle radius

    def with_overrides(self, **changes: object) -> Theme:
        """This theme with some fields changed (``None`` values are ignored)."""
        known = {f for f in self.__dataclass_fields__}
        bad = sorted(set(changes) - known)
        if bad:
            raise TypeError(f"unknown theme setting(s) {', '.join(bad)}")
        for key, value in changes.items():
            if value is None:
                continue
            if key == "precision":
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise ValueError(f"precision must be a positive int (significant "
                                     f"digits), got {value!r}")
            elif key.endswith("fontsize"):
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                        1 <= value <= 200):
                    raise ValueError(f"{key} must be a number of points in [1, 200], "
                                     f"got {value!r}")
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


NOTEBOOK = Theme("notebook")

SLIDE = Theme(
    "slide", fontsize=18, edge_fontsize=16, title_fontsize=22, legend_fontsize=16,
    cluster_fontsize=16, precision=3, nodesep=0.2, ranksep=0.3, rankdir="auto",
    edge_data=False, unit_local=False, words=False, thin=1.5, thick=6.0,
    net_fontsize=18, net_edge_fontsize=16, net_radius=0.75)

PRINT = Theme(
    "print", dashed_negative=True, positive="#e03131", negative="#102a5c",
    positive_text="#c92a2a", negative_text="#102a5c",
    fills={"output": "#ffe08a", "param": "#8fc98a", "input": "#ffffff", "leaf": "#eeeeee",
           "value": "#ffffff", "neuron": "#fff2cc"})

THEMES: dict[str, Theme] = {t.name: t for t in (NOTEBOOK, SLIDE, PRINT)}


def get_theme(theme: str | Theme = "notebook", **overrides: object) -> Theme:
    """The theme called ``theme`` (or ``theme`` itself), with ``overrides`` applied.

    An unknown name is a ValueError that lists the themes.
    """
    if isinstance(theme, Theme):
        base = theme
    elif isinstance(theme, str) and theme in THEMES:
        base = THEMES[theme]
    else:
        raise ValueError(f"unknown theme {theme!r}: choose one of "
                         f"{', '.join(repr(n) for n in THEMES)} (or pass a Theme)")
    return base.with_overrides(**overrides)


def luminance(color: str) -> float:
    """Greyscale brightness in [0, 1] of ``#rrggbb``, as CSS ``grayscale(1)`` renders it.

    ``0.2126 R + 0.7152 G + 0.0722 B`` on the sRGB components in [0, 1].
    """
    r, g, b = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
