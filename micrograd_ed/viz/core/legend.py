"""The legend: a few left-aligned lines of text beside the output.

It says how to read the figure (both rules of backprop, the names nn gives its
nodes, what colour and width mean) in phrases packed into lines. It is one
plain-text node (DOT name and SVG id ``legend``) in the output's rank, under the
output in a left-to-right picture (its lines no wider than a third of the
picture), and one rank after it, under the picture, in a top-to-bottom one (no
wider than the picture). It is not a cluster: Graphviz does not keep the order
of nodes inside clusters. The SVG post-processing colours "red" and "blue".
"""

from __future__ import annotations

from collections.abc import Sequence

from micrograd_ed.viz.core.dot import quote
from micrograd_ed.viz.core.estimate import text_width

SEPARATOR = "   "


def pack(phrases: Sequence[str], width: float, fontsize: float) -> list[str]:
    """Phrases joined into lines of at most ``width`` points (a phrase is never split)."""
    lines: list[str] = []
    for phrase in phrases:
        if lines and text_width(lines[-1] + SEPARATOR + phrase, fontsize) <= width:
            lines[-1] += SEPARATOR + phrase
        else:
            lines.append(phrase)
    return lines


def label(lines: Sequence[str]) -> str:
    """A quoted DOT label of left-justified lines (each ends with ``\\l``)."""
    text = quote("\n".join(lines))[1:-1].replace("\\n", "\\l")
    return f'"{text}\\l"'


def width_for(rankdir: str, picture_width: float, anchor_width: float) -> float:
    """How wide the legend's lines may be, in points, for a picture this wide."""
    if rankdir in ("LR", "RL"):
        return max(anchor_width, picture_width / 3, 200.0)
    return max(min(picture_width, 1000.0), 200.0)


def node(lines: Sequence[str], fontsize: float, anchor: str, rankdir: str) -> list[str]:
    """DOT statements of the legend node, placed by ``anchor`` (the output's DOT name)."""
    a = (f'  legend [id="legend", label={label(lines)}, shape="plaintext", style="", '
         f'fontsize={fontsize:g}, margin="0.05,0.05", fixedsize="false", width=0, height=0];')
    if rankdir in ("LR", "RL"):
        return [a, f"  {{rank=same; {anchor} -> legend [style=invis];}}"]
    return [a, f"  {anchor} -> legend [style=invis];"]
