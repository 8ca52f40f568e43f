"""The steps as a lecture deck: one vector PDF page per step, laid out once.

Graphviz lays the graph out once (``-Tjson``: every drawing operation with its position);
each page replays that layout with the step's texts, colours and caption written into a
copy, through the same painter as :meth:`micrograd_ed.viz.Diagram.pdf` (fpdf2, text as
text, DejaVu Sans). Nothing moves from one page to the next.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Sequence

from fpdf import FPDF

from micrograd_ed.viz.core import backends
from micrograd_ed.viz.core.pdf import font_file, make_reproducible, paint_layout
from micrograd_ed.viz.steps.svg import View

CURRENT = "#0b7285"      # this step: teal with a light halo (HALO), never the orange
HALO = "#66d9e8"         # border draw_graph gives a stale node; apart in greyscale too
HALO_WIDTH = 12.0
KEY = ("Teal (with a light halo): this step's node or edge; black, dashed: the node passing "
       "its grad on; brown grad: a partial sum (more uses to come); grey: not computed yet.")
SOURCE = "#1f1f1f"
PENDING = "#c4c4c4"
UNKNOWN = "#767676"
FUTURE = "#b4b4b4"
PARTIAL = "#a34700"
PAD = 6.0
_EDGE_ID = re.compile(r"^e\d+_\d+$")                  # an edge, or its label box
_EDGE_PART = re.compile(r"^(e\d+_\d+)(?:_in|_out)?$")  # an edge, or one half of it


def pdf_bytes(steps, ks: Iterable[int], theme: str = "slide") -> bytes:
    """The PDF of steps ``ks`` of a :class:`~micrograd_ed.viz.steps.player.Steps`."""
    from micrograd_ed.viz.steps.player import _draw, _wrap_caption

    ks = list(ks)
    source = _draw(steps.drawn(engine=False), theme, len(steps.nodes), steps.precision).source
    layout = json.loads(backends.render(source, "json"))
    x0, y0, x1, y1 = (float(v) for v in layout["bb"].split(","))
    width = x1 - x0
    names = steps.glossary()            # on every page that does not say it already
    captions = [_wrap_caption(_page_text(steps.steps[k].caption, names), width) for k in ks]
    size = max(11.0, min(22.0, width / 60))
    room = max(len(c) for c in captions) * size * 1.3 + size
    parents = {(k, i): steps.index(p) for k, v in enumerate(steps.nodes)
               for i, p in enumerate(v.parents)}
    pdf = FPDF(unit="pt", format=(width + 2 * PAD, y1 - y0 + room + 2 * PAD))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_font("DejaVu", fname=str(font_file()))
    pdf.set_font("DejaVu", size=10)
    make_reproducible(pdf)                   # the same steps give the same bytes
    for k, lines in zip(ks, captions):
        page = paint_step(layout, steps.view(k, theme), parents)
        _add_caption(page, lines, x0, y0, size)
        page["bb"] = f"{x0},{y0 - room},{x1},{y1}"
        _draw_page(pdf, page)
    return bytes(pdf.output())


def save_pdf(steps, path, ks: Sequence[int] | None = None, theme: str = "slide"):
    """Write steps ``ks`` (default all) to ``path``, one page each, atomically."""
    from micrograd_ed.files.atomic import write_atomic

    ks = range(len(steps.steps)) if ks is None else ks
    return write_atomic(path, pdf_bytes(steps, ks, theme))


def _page_text(caption: str, names: str) -> str:
    """A page's words: the step's caption, what this page's colours mean, and what the
    names that are not labels mean (unless the caption says it already)."""
    if names and names not in caption:
        return f"{caption}\n{KEY}\n{names}"
    return f"{caption}\n{KEY}"


# ----------------------------------------------------------- one step's page
def paint_step(layout: dict, view: View, parents: dict[tuple[int, int], int]) -> dict:
    """A copy of ``layout`` showing ``view``: texts replaced, highlights as colours."""
    g = copy.deepcopy(layout)
    for obj in g.get("objects", []):
        oid = obj.get("id", "")
        if oid.startswith("v") and oid[1:].isdigit():
            _value(obj, int(oid[1:]), view)
        elif oid.startswith("v") and "_u" in oid:
            k = int(oid[1:].split("_u")[0])
            _ghost(obj, view.data.get(k))
        elif oid.startswith("op") and oid[2:].isdigit() and int(oid[2:]) == view.op:
            _outline(obj, CURRENT, 4.0)
            _halo(obj)
        elif _EDGE_ID.match(oid):           # an edge's label, a box on its line
            key = _edge_key(oid)
            if key in parents:
                _edge_texts(obj, key, parents[key], view)
                _edge_lines(obj, key, view, ("_draw_",), box=True)
    for edge in g.get("edges", []):
        eid = edge.get("id", "")
        m = _EDGE_PART.match(eid)
        if m:
            key = _edge_key(m[1])
            if key in parents:
                _edge_texts(edge, key, parents[key], view)
                _edge_lines(edge, key, view, ("_draw_", "_hdraw_"))
        elif eid.startswith("op") and "_v" in eid:
            k = int(eid.split("_v")[1])
            if k in view.future:
                _recolour(edge, ("_draw_", "_hdraw_"), PENDING, 1.0)
    return g


def _value(obj: dict, k: int, view: View) -> None:
    texts = [op for op in obj.get("_ldraw_", []) if op["op"] == "T"]
    at = max((n for n, op in enumerate(texts) if op["text"].startswith("grad ")), default=None)
    future = k in view.future
    if at is not None:
        text, status = view.grad.get(k, ("grad ?", "unknown"))
        colour = FUTURE if future else {"unknown": UNKNOWN, "partial": PARTIAL}.get(status)
        _retext(obj, texts[at], text, colour)
        for extra in texts[at + 1:]:
            extra["text"] = ""
        if at > 0:
            old = texts[at - 1]["text"]
            prefix = ("data " if old.startswith("data ") else
                      old[: old.rindex(" = ") + 3] if " = " in old else "")
            data = view.data.get(k)
            _retext(obj, texts[at - 1], prefix + (data if data is not None else "?"),
                    FUTURE if future else None)
    if k == view.current:
        _outline(obj, CURRENT, 4.0)
        _halo(obj)
    elif k == view.source:
        _outline(obj, SOURCE, 3.0, dashed=True)
    elif future:
        _outline(obj, FUTURE, 1.0)


def _ghost(obj: dict, data: str | None) -> None:
    for op in obj.get("_ldraw_", []):
        if op["op"] == "T" and op["text"].startswith("data "):
            _retext(obj, op, "data " + (data if data is not None else "?"), None)


def _edge_key(eid: str) -> tuple[int, int]:
    k, i = eid[1:].split("_")
    return int(k), int(i)


def _edge_texts(obj: dict, key: tuple[int, int], parent: int, view: View) -> None:
    """An edge's "data …" and "grad …" lines (on the edge, or in its label box)."""
    share = view.share.get(key)
    for op in obj.get("_ldraw_", []):
        if op["op"] != "T":
            continue
        if op["text"].startswith("data "):
            data = view.data.get(parent)
            _retext(obj, op, "data " + (data if data is not None else "?"), None)
        elif op["text"].startswith("grad "):
            _retext(obj, op, share if share is not None else "grad ?",
                    UNKNOWN if share is None else None)
    if key == view.edge:
        _recolour(obj, ("_ldraw_",), "#000000", None)


def _edge_lines(obj: dict, key: tuple[int, int], view: View, keys: tuple[str, ...],
                box: bool = False) -> None:
    """An edge's line and arrowhead (or its label box's outline, kept thin): this step's
    edge teal (with its halo), the edges into this step's op dark, an edge not computed yet grey."""
    share = view.share.get(key)
    if key == view.edge:
        _recolour(obj, keys, CURRENT, 1.5 if box else 5.0, not box)
        if not box:
            _halo(obj)
    elif view.op is not None and key[0] == view.op:
        _recolour(obj, keys, SOURCE, 1.5 if box else 3.0, not box)
    elif share is None:                     # no sign yet: no colour, no dashes
        _recolour(obj, keys, PENDING, 1.0, not box)
        obj["_draw_"] = [o for o in obj.get("_draw_", [])
                         if not (o["op"] == "S" and o["style"] in ("dashed", "dotted"))]


def _retext(obj: dict, op: dict, text: str, colour: str | None) -> None:
    """Replace one text op's text (keeping its measured width per character) and colour."""
    old = op["text"]
    if old and text != old:
        op["width"] = float(op.get("width", 0)) * len(text) / len(old)
    op["text"] = text
    if colour is not None:
        op["colour"] = colour
    ops = obj["_ldraw_"]
    out = []
    for o in ops:                   # a colour of its own goes right before the text
        if o["op"] == "T" and "colour" in o:
            out.append({"op": "c", "color": o.pop("colour")})
        out.append(o)
    obj["_ldraw_"] = out


def _outline(obj: dict, colour: str, width: float, dashed: bool = False) -> None:
    ops = [o for o in obj.get("_draw_", [])]
    head = [{"op": "S", "style": f"setlinewidth({width})"}]
    if dashed:
        head.append({"op": "S", "style": "dashed"})
    obj["_draw_"] = head + [dict(o, color=colour) if o["op"] == "c" else o for o in ops]


def _halo(obj: dict) -> None:
    """A wide light copy of the object's outline under it (this step's highlight)."""
    shapes = [o for o in obj.get("_draw_", []) if o["op"] in ("b", "B", "p", "P", "e", "E")]
    head = [{"op": "S", "style": f"setlinewidth({HALO_WIDTH})"}, {"op": "S", "style": "solid"},
            {"op": "c", "grad": "none", "color": HALO},
            {"op": "C", "grad": "none", "color": HALO}]
    obj["_draw_"] = head + shapes + obj.get("_draw_", [])


def _recolour(obj: dict, keys: Sequence[str], colour: str, width: float | None,
              fill: bool = True) -> None:
    """Pen colour (and fill colour, unless ``fill`` is False: a label box stays white) and
    line width of the drawing operations under ``keys``."""
    paints = ("c", "C") if fill else ("c",)
    for key in keys:
        ops = obj.get(key, [])
        new = [o for o in ops if not (width is not None and o["op"] == "S"
                                      and o["style"].startswith("setlinewidth"))]
        new = [dict(o, color=colour) if o["op"] in paints else o for o in new]
        if width is not None:
            new.insert(0, {"op": "S", "style": f"setlinewidth({width})"})
        obj[key] = new


def _add_caption(g: dict, lines: list[str], x0: float, y0: float, size: float) -> None:
    ops = [{"op": "F", "size": size, "face": "DejaVu"}, {"op": "c", "color": "#1f2328"}]
    for n, line in enumerate(lines):
        ops.append({"op": "T", "pt": [x0 + PAD, y0 - (n + 1) * size * 1.3], "align": "l",
                    "width": 0, "text": line})
    g["_ldraw_"] = g.get("_ldraw_", []) + ops


def _draw_page(pdf: FPDF, g: dict) -> None:
    """One page, drawn as micrograd_ed.viz.core.pdf.layout_to_pdf draws a figure."""
    _, y0, _, y1 = (float(v) for v in g["bb"].split(","))
    height = y1 - y0 + 2 * PAD
    pdf.add_page()
    paint_layout(pdf, g, PAD, height)
