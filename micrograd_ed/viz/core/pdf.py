"""A vector PDF of a diagram, drawn from Graphviz's JSON layout with fpdf2 (pure Python).

Graphviz (``-Tjson``) gives every drawing operation of the laid-out graph:
polygons, Bézier curves, ellipses, and each text with its position and the width
Graphviz measured it at. This module replays them on one PDF page. Text stays
text (selectable, searchable): it is set in DejaVu Sans, the font shipped with
matplotlib, embedded as a subset, and stretched horizontally to exactly the
width Graphviz measured (in Arimo), so it fits its box as in the SVG.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF
from fpdf.drawing import DeviceRGB
from fpdf.enums import PathPaintRule, StrokeCapStyle

_COLORS = {"black": (0, 0, 0), "white": (255, 255, 255), "grey": (192, 192, 192),
           "gray": (192, 192, 192), "red": (255, 0, 0), "blue": (0, 0, 255),
           "lightgrey": (211, 211, 211)}
_DASH = {"dashed": (5.0, 2.0), "dotted": (1.0, 5.0)}
_WIDTH = re.compile(r"setlinewidth\(([\d.]+)\)")


def font_file() -> Path:
    """matplotlib's DejaVu Sans (a dependency of this package, so always there)."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


FIXED_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)


def make_reproducible(pdf: FPDF) -> None:
    """Stamp `pdf` so the same figure gives the same bytes on every run.

    fpdf2 writes the time of writing as ``/CreationDate`` and hashes it into the file's
    ``/ID``; a fixed date makes both depend on the content only.
    """
    pdf.set_creator("micrograd_ed")
    pdf.set_producer("micrograd_ed (fpdf2)")
    pdf.set_creation_date(FIXED_DATE)


def layout_to_pdf(layout_json: bytes) -> bytes:
    """The PDF bytes of the page drawn by Graphviz's ``-Tjson`` output ``layout_json``."""
    g = json.loads(layout_json)
    x0, y0, x1, y1 = (float(v) for v in g["bb"].split(","))
    pad = 4.0
    width, height = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    pdf = FPDF(unit="pt", format=(width, height))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(font_file()))
    pdf.set_font("DejaVu", size=10)
    make_reproducible(pdf)
    paint_layout(pdf, g, pad, height)
    return bytes(pdf.output())


def paint_layout(pdf: FPDF, g: dict, pad: float, height: float) -> None:
    """Draw Graphviz JSON layout `g` on the current page of `pdf` (`height` pt tall, `pad` pt
    of margin), bottom to top: the graph's own ops, clusters, edges, nodes, then its label."""
    x0, y0 = (float(v) for v in g["bb"].split(",")[:2])
    painter = _Painter(pdf, lambda x, y: (x - x0 + pad, height - (y - y0 + pad)))
    painter.ops(g.get("_draw_", []))
    for obj in g.get("objects", []):          # clusters first (they are drawn beneath)
        if "nodes" in obj or "edges" in obj:
            painter.ops(obj.get("_draw_", []))
            painter.ops(obj.get("_ldraw_", []))
    for edge in g.get("edges", []):
        for key in ("_draw_", "_hdraw_", "_tdraw_", "_ldraw_", "_hldraw_", "_tldraw_"):
            painter.ops(edge.get(key, []))
    for obj in g.get("objects", []):
        if "nodes" not in obj and "edges" not in obj:
            painter.ops(obj.get("_draw_", []))
            painter.ops(obj.get("_ldraw_", []))
    painter.ops(g.get("_ldraw_", []))


class _Painter:
    """Replays xdot operations (the JSON form) on an FPDF page."""

    def __init__(self, pdf: FPDF, to_page) -> None:
        self.pdf, self.to_page = pdf, to_page
        self.pen: tuple[int, int, int] | None = (0, 0, 0)
        self.fill: tuple[int, int, int] | None = (255, 255, 255)
        self.font_size = 14.0
        self.width = 1.0
        self.dash: tuple[float, float] | None = None

    def ops(self, ops: list[dict]) -> None:
        self.width = 1.0
        self._dash(None)
        for op in ops:
            kind = op["op"]
            if kind == "c":
                self.pen = _color(op.get("color", "black"))
            elif kind == "C":
                self.fill = _color(op.get("color", "black"))
            elif kind == "S":
                self._style(op.get("style", ""))
            elif kind == "F":
                self.font_size = float(op.get("size", 14))
            elif kind in ("P", "p", "L"):
                self._poly(op["points"], filled=kind == "P", closed=kind != "L")
            elif kind in ("B", "b"):         # Graphviz ports differ on which is filled:
                pts = op["points"]             # a closed curve is a shape, an open one a line
                self._bezier(pts, filled=len(pts) > 4 and pts[0] == pts[-1])
            elif kind in ("E", "e"):
                self._ellipse(op["rect"], filled=kind == "E")
            elif kind == "T":
                self._text(op)

    def _dash(self, dash: tuple[float, float] | None) -> None:
        self.dash = dash

    def _style(self, style: str) -> None:
        if style in _DASH:
            self._dash(_DASH[style])
        elif style == "solid":
            self._dash(None)
        elif style == "bold":
            self.width = 2.0
        m = _WIDTH.match(style)
        if m:
            self.width = float(m[1])

    def _path(self, start, segments, filled: bool, closed: bool) -> None:
        """Stroke (and fill) one path: ``segments`` are points (lines) or triples (curves)."""
        fill = self.fill if filled else None
        if self.pen is None and fill is None:
            return
        with self.pdf.new_path() as path:
            path.move_to(*start)
            for seg in segments:
                if len(seg) == 2:
                    path.line_to(*seg)
                else:
                    path.curve_to(*seg[0], *seg[1], *seg[2])
            if closed:
                path.close()
            _path_paint(path, self.pen, fill, self.width, self.dash)

    def _poly(self, points: list[list[float]], filled: bool, closed: bool) -> None:
        pts = [self.to_page(x, y) for x, y in points]
        if len(pts) >= 2:
            self._path(pts[0], pts[1:], filled, closed)

    def _bezier(self, points: list[list[float]], filled: bool) -> None:
        pts = [self.to_page(x, y) for x, y in points]
        if len(pts) < 4:
            return
        curves = [tuple(pts[k:k + 3]) for k in range(1, len(pts) - 2, 3)]
        self._path(pts[0], curves, filled, filled)

    def _ellipse(self, rect: list[float], filled: bool) -> None:
        cx, cy, rx, ry = rect
        k = 0.5523  # control distance of a cubic quarter circle
        pts = [(cx + rx, cy), (cx + rx, cy + k * ry), (cx + k * rx, cy + ry), (cx, cy + ry),
               (cx - k * rx, cy + ry), (cx - rx, cy + k * ry), (cx - rx, cy),
               (cx - rx, cy - k * ry), (cx - k * rx, cy - ry), (cx, cy - ry),
               (cx + k * rx, cy - ry), (cx + rx, cy - k * ry), (cx + rx, cy)]
        page = [self.to_page(x, y) for x, y in pts]
        curves = [tuple(page[i:i + 3]) for i in range(1, 13, 3)]
        self._path(page[0], curves, filled, True)

    def _text(self, op: dict) -> None:
        text = op.get("text", "")
        if not text.strip() or self.pen is None:
            return
        x, y = op["pt"]
        target = float(op.get("width", 0))
        if text.startswith(" ") and text.endswith(" ") and len(text) > 2:
            text = text[1:-1]                         # an edge label's padding (see svgpost)
            target -= 2 * 0.278 * self.font_size      # Arimo's space is 0.278 em
        self.pdf.set_font_size(self.font_size)
        natural = self.pdf.get_string_width(text)
        stretch = 100.0 if natural <= 0 or target <= 0 else 100.0 * target / natural
        width = natural * stretch / 100
        align = op.get("align", "c")
        left = x - width / 2 if align == "c" else (x - width if align == "r" else x)
        px, py = self.to_page(left, y)
        self.pdf.set_text_color(*self.pen)
        self.pdf.set_stretching(stretch)
        self.pdf.text(px, py, text)
        self.pdf.set_stretching(100)


def _path_paint(path, pen, fill, width: float, dash) -> None:
    path.style.auto_close = False
    path.style.stroke_cap_style = StrokeCapStyle.BUTT
    if pen:
        path.style.stroke_color = DeviceRGB(*(c / 255 for c in pen))
        path.style.stroke_width = width
    if fill:
        path.style.fill_color = DeviceRGB(*(c / 255 for c in fill))
    path.style.paint_rule = (PathPaintRule.FILL_NONZERO if fill and not pen else
                             PathPaintRule.STROKE_FILL_NONZERO if fill else
                             PathPaintRule.STROKE)
    if dash:
        path.style.stroke_dash_pattern = list(dash)


def _color(spec: str) -> tuple[int, int, int] | None:
    """(r, g, b) of ``#rrggbb[aa]`` or a few names; None for transparent."""
    if spec.startswith("#"):
        if len(spec) == 9 and spec[7:9] == "00":
            return None
        return tuple(int(spec[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    if spec in ("none", "transparent", "invis"):
        return None
    return _COLORS.get(spec.lower(), (0, 0, 0))
