"""A diagram as TikZ, from the same Graphviz layout the PDF is drawn from.

Graphviz's ``-Tjson`` output gives every drawing operation of the laid-out graph (the
input of :mod:`micrograd_ed.viz.core.pdf`). This module replays them as TikZ commands, in
points (``x=1pt, y=1pt``; Graphviz's y axis points up, as TikZ's does), so the picture in a
LaTeX document has the same boxes, edges, numbers and colours as the SVG and the PDF:

* every colour becomes a ``\\definecolor``; the theme's colours keep the theme's names
  (``mgpositive``, ``mgnegative``, ``mgfill-param``, ...), others ``mgc`` + their hex;
* each text is a node at Graphviz's baseline point, squeezed by ``\\mgfit`` to the width
  Graphviz measured when LaTeX's font is wider, and escaped by
  :func:`micrograd_ed.viz.core.latex.escape` (``−``, ``×``, ``∂``, ``²``, ``σ`` print).

:func:`picture` gives the ``tikzpicture`` (for a Beamer frame or a worksheet);
:func:`standalone` a whole document (``\\documentclass[tikz]{standalone}``).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable

from micrograd_ed.viz.core.latex import PREAMBLE, escape, number
from micrograd_ed.viz.core.themes import Theme

_NAMED = {"black": "000000", "white": "ffffff", "grey": "c0c0c0", "gray": "c0c0c0",
          "red": "ff0000", "blue": "0000ff", "lightgrey": "d3d3d3"}
_DASH = {"dashed": "dash pattern=on 5pt off 2pt", "dotted": "dash pattern=on 1pt off 5pt"}
_WIDTH = re.compile(r"setlinewidth\(([\d.]+)\)")
_ANCHOR = {"c": "base", "l": "base west", "r": "base east"}
LARGEST = 14000.0       # pt: the largest picture side (PDF pages end at 14400 pt)


class Colours:
    """The ``\\definecolor`` names of one document: the theme's fields by name, others by hex."""

    def __init__(self, theme: Theme | None = None) -> None:
        self.names: dict[str, str] = {}
        self.used: dict[str, str] = {}          # name -> hex, in order of first use
        if theme is not None:
            for field in ("positive", "negative", "positive_text", "negative_text", "faint",
                          "unknown", "stale"):
                self.names.setdefault(getattr(theme, field).lower().lstrip("#"),
                                      "mg" + field.replace("_", ""))
            for kind, hexa in theme.fills.items():
                self.names.setdefault(hexa.lower().lstrip("#"), f"mgfill-{kind}")

    def __call__(self, spec: str) -> str | None:
        """The colour name for Graphviz colour ``spec`` (None: transparent, draw nothing)."""
        spec = spec.strip().lower()
        if spec in ("none", "transparent", "invis"):
            return None
        if spec.startswith("#"):
            if len(spec) == 9 and spec[7:9] == "00":
                return None
            hexa = spec[1:7]
        else:
            hexa = _NAMED.get(spec, "000000")
        name = self.names.get(hexa, f"mgc{hexa}")
        self.used.setdefault(name, hexa)
        return name

    def definitions(self) -> str:
        """``\\definecolor`` lines for every colour used."""
        return "".join(f"\\definecolor{{{name}}}{{HTML}}{{{hexa.upper()}}}\n"
                       for name, hexa in self.used.items())


def picture(g: dict, colours: Colours, pad: float = 4.0) -> str:
    """The tikzpicture of Graphviz JSON layout ``g`` (drawn in the order the PDF draws)."""
    x0, y0, x1, y1 = (float(v) for v in g["bb"].split(","))
    out = ["\\begin{tikzpicture}[x=1pt, y=1pt, line cap=butt, line join=miter, "
           "inner sep=0pt, outer sep=0pt]",
           f"\\useasboundingbox ({number(x0 - pad)},{number(y0 - pad)}) rectangle "
           f"({number(x1 + pad)},{number(y1 + pad)});"]
    painter = _Painter(colours, out)
    for ops in _layers(g):
        painter.ops(ops)
    out.append("\\end{tikzpicture}")
    return "\n".join(out) + "\n"


def _layers(g: dict) -> Iterable[list[dict]]:
    """The drawing operations, bottom to top: as :func:`micrograd_ed.viz.core.pdf.paint_layout`."""
    yield g.get("_draw_", [])
    for obj in g.get("objects", []):
        if "nodes" in obj or "edges" in obj:
            yield obj.get("_draw_", [])
            yield obj.get("_ldraw_", [])
    for edge in g.get("edges", []):
        for key in ("_draw_", "_hdraw_", "_tdraw_", "_ldraw_", "_hldraw_", "_tldraw_"):
            yield edge.get(key, [])
    for obj in g.get("objects", []):
        if "nodes" not in obj and "edges" not in obj:
            yield obj.get("_draw_", [])
            yield obj.get("_ldraw_", [])
    yield g.get("_ldraw_", [])


def standalone(layout_json: bytes | str | dict, theme: Theme | None = None) -> str:
    """A whole LaTeX document (``\\documentclass[tikz]{standalone}``) of the layout.

    A picture larger than :data:`LARGEST` pt (TeX cannot measure beyond 16383 pt, PDF pages
    end at 14400 pt) is scaled down to fit, its text with it, and says so in a comment.
    """
    g = layout_json if isinstance(layout_json, dict) else json.loads(layout_json)
    x0, y0, x1, y1 = (float(v) for v in g["bb"].split(","))
    look = f"% theme: {theme.name}\n" if theme is not None else ""
    big = max(x1 - x0, y1 - y0) + 8
    if big > LARGEST:
        g = scaled(g, LARGEST / big)
        look += (f"% scaled by {LARGEST / big:.4f} to fit a page ({big:.0f} pt drawn whole); "
                 f"draw a smaller graph for readable text\n")
    colours = Colours(theme)
    body = picture(g, colours)
    return ("% A micrograd_ed figure: compile with pdflatex.\n"
            "\\documentclass[tikz,border=2pt]{standalone}\n" + PREAMBLE + look
            + colours.definitions() + "\\begin{document}\n" + body + "\\end{document}\n")


def scaled(g: dict, s: float) -> dict:
    """A copy of layout ``g`` with every coordinate, font size and line width times ``s``."""
    out = copy.deepcopy(g)
    out["bb"] = ",".join(number(float(v) * s) for v in g["bb"].split(","))

    def ops(items: list[dict]) -> None:
        for op in items:
            if "points" in op:
                op["points"] = [[x * s, y * s] for x, y in op["points"]]
            if "pt" in op:
                op["pt"] = [v * s for v in op["pt"]]
            if "rect" in op:
                op["rect"] = [v * s for v in op["rect"]]
            if op["op"] == "F":
                op["size"] = float(op["size"]) * s
            if op["op"] == "T":
                op["width"] = float(op.get("width", 0)) * s
            if op["op"] == "S":
                m = _WIDTH.match(op.get("style", ""))
                if m:
                    op["style"] = f"setlinewidth({max(0.4, float(m[1]) * s):.2f})"

    for obj in [out] + out.get("objects", []) + out.get("edges", []):
        for key in ("_draw_", "_ldraw_", "_hdraw_", "_tdraw_", "_hldraw_", "_tldraw_"):
            if key in obj:
                ops(obj[key])
    return out


class _Painter:
    """Replays xdot operations (the JSON form) as TikZ commands appended to ``out``."""

    def __init__(self, colours: Colours, out: list[str]) -> None:
        self.colour, self.out = colours, out
        self.pen: str | None = self.colour("black")
        self.fill: str | None = self.colour("white")
        self.font_size = 14.0

    def ops(self, ops: list[dict]) -> None:
        self.width, self.dash = 1.0, None
        for op in ops:
            kind = op["op"]
            if kind == "c":
                self.pen = self.colour(op.get("color", "black"))
            elif kind == "C":
                self.fill = self.colour(op.get("color", "black"))
            elif kind == "S":
                self._style(op.get("style", ""))
            elif kind == "F":
                self.font_size = float(op.get("size", 14))
            elif kind in ("P", "p", "L"):
                self._path(_points(op["points"]), " -- ", kind == "P", kind != "L")
            elif kind in ("B", "b"):
                pts = op["points"]
                self._bezier(pts, len(pts) > 4 and pts[0] == pts[-1])
            elif kind in ("E", "e"):
                self._ellipse(op["rect"], kind == "E")
            elif kind == "T":
                self._text(op)

    def _style(self, style: str) -> None:
        if style in _DASH:
            self.dash = _DASH[style]
        elif style == "solid":
            self.dash = None
        elif style == "bold":
            self.width = 2.0
        m = _WIDTH.match(style)
        if m:
            self.width = float(m[1])

    def _options(self, filled: bool) -> str | None:
        opts = []
        if self.pen is not None:
            opts += [f"draw={self.pen}", f"line width={number(self.width)}pt"]
            if self.dash:
                opts.append(self.dash)
        if filled and self.fill is not None:
            opts.append(f"fill={self.fill}")
        return ", ".join(opts) if opts else None

    def _path(self, pts: list[str], joiner: str, filled: bool, closed: bool) -> None:
        opts = self._options(filled)
        if opts is None or len(pts) < 2:
            return
        self.out.append(f"\\path[{opts}] " + joiner.join(pts)
                        + (" -- cycle;" if closed else ";"))

    def _bezier(self, points: list[list[float]], filled: bool) -> None:
        opts = self._options(filled)
        pts = _points(points)
        if opts is None or len(pts) < 4:
            return
        path = pts[0]
        for k in range(1, len(pts) - 2, 3):
            path += f" .. controls {pts[k]} and {pts[k + 1]} .. {pts[k + 2]}"
        self.out.append(f"\\path[{opts}] {path}" + (" -- cycle;" if filled else ";"))

    def _ellipse(self, rect: list[float], filled: bool) -> None:
        opts = self._options(filled)
        if opts is None:
            return
        cx, cy, rx, ry = rect
        self.out.append(f"\\path[{opts}] ({number(cx)},{number(cy)}) ellipse "
                        f"[x radius={number(rx)}, y radius={number(ry)}];")

    def _text(self, op: dict) -> None:
        text = op.get("text", "")
        if not text.strip() or self.pen is None:
            return
        x, y = op["pt"]
        width = float(op.get("width", 0))
        if text.startswith(" ") and text.endswith(" ") and len(text) > 2:
            text = text[1:-1]                         # an edge label's padding (see svgpost)
            width -= 2 * 0.278 * self.font_size       # Arimo's space is 0.278 em
        size = number(self.font_size)
        body = escape(text)
        if width > 0:
            body = f"\\mgfit{{{number(width)}}}{{{body}}}"
        self.out.append(f"\\node[anchor={_ANCHOR.get(op.get('align', 'c'), 'base')}, "
                        f"text={self.pen}, font=\\fontsize{{{size}}}{{{size}}}\\selectfont] "
                        f"at ({number(x)},{number(y)}) {{{body}}};")


def _points(points: list[list[float]]) -> list[str]:
    return [f"({number(x)},{number(y)})" for x, y in points]
