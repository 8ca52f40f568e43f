"""Finishing touches on the SVG that Graphviz writes.

* Every text asks for the font family Graphviz measured it with (Arimo) and its
  metric-compatible twins (Liberation Sans, Arial, Helvetica), so the text a
  browser draws fits the boxes Graphviz sized.
* The spaces that pad edge labels (to keep them off their line) are removed.
* A Value's node group carries its label: ``<g id="v3" class="node" data-label="b">``.
* The words "red", "blue" and "orange" of the legend are drawn in those colours.
* :func:`fit_width` makes an SVG scale down to its container (Jupyter), never up.

Graphviz's SVG is regular (one element per line, attributes in a fixed
order), so these are exact text substitutions, not a parse and re-serialise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from xml.sax.saxutils import quoteattr

from micrograd_ed.viz.core.themes import FONT_FAMILY, FONTNAME, Theme

_FONT = re.compile(r'font-family="' + re.escape(FONTNAME) + r'[^"]*"')
_GROUP = re.compile(r'<g id="([^"]+)" class="(node[^"]*)">')
_LEGEND = re.compile(r'(<g id="legend" class="node">)(.*?)(</g>)', re.S)
_EDGE = re.compile(r'<g id="[^"]*" class="edge">.*?</g>', re.S)
_PAD = re.compile(r"(<text [^>]*>)(?: |&#160;)(.*?)(?: |&#160;)(?=</text>)")
_SVG_TAG = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def finish(svg: str, labels: Mapping[str, str] | None = None,
           theme: Theme | None = None) -> str:
    """``svg`` with the font family declared, node labels attached and the legend coloured."""
    svg = _FONT.sub(f'font-family="{FONT_FAMILY}"', svg)
    svg = _EDGE.sub(lambda g: _PAD.sub(lambda m: m[1] + m[2], g[0]), svg)
    if labels:
        def add_label(m: re.Match) -> str:
            label = labels.get(m[1])
            if label is None:
                return m[0]
            return f'<g id="{m[1]}" class="{m[2]}" data-label={quoteattr(label)}>'
        svg = _GROUP.sub(add_label, svg)
    if theme is not None:
        colours = {"red": theme.positive_text, "blue": theme.negative_text,
                   "orange": theme.stale}

        def colour(m: re.Match) -> str:
            body = re.sub(r"(?<=>)([^<]*)(?=</text>)", lambda t: re.sub(
                r"\b(red|blue|orange)\b",
                lambda w: f'<tspan fill="{colours[w[1]]}">{w[1]}</tspan>',
                t[1]), m[2])
            return m[1] + body + m[3]
        svg = _LEGEND.sub(colour, svg, count=1)
    return svg


def fit_width(svg: str) -> str:
    """``svg`` drawn at most at its natural width, shrinking to fit a narrower container."""
    m = _SVG_TAG.search(svg)
    if m is None:
        return svg
    return svg.replace(m[0], f'<svg width="100%" style="max-width:{m[1]}pt;height:auto"', 1)
