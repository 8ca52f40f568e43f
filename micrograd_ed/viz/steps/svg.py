"""The player's picture: the graph drawn once by draw_graph, its SVG tagged for stepping.

:func:`tag_svg` finds, in the SVG that Graphviz wrote, the group of every Value box, op
ellipse and edge (by the ids ``v<k>``, ``op<k>``, ``e<k>_<i>``, or by the DOT node names in
their ``<title>``, ``n<k>`` and ``n<k>_op``, with ``k`` the index in
``topological_order(root)``) and gives each the attributes the player's script and tests
use:

* a Value box: ``data-node="k"``, ``data-name="<the name the captions use>"``,
  ``data-label="<its label>"`` (labelled ones), class ``mg-value``; its "data …" / "grad …"
  text lines get classes ``mg-data`` / ``mg-grad``;
* an op ellipse: ``data-op="k"``; the edge from it to its Value: ``data-opedge="k"``;
* an edge from operand ``i`` into node ``k``: ``data-edge="k_i"``, ``data-parent="j"``;
  its text lines get ``mg-edata`` / ``mg-egrad``. draw_graph writes an edge's label as a
  box of its own on the line (a node ``e<k>_<i>`` between the halves ``e<k>_<i>_in`` and
  ``e<k>_<i>_out``): the three groups become one edge group, the box's outline classed
  ``mg-ebox``, so an edge and its label light up together.

:func:`bake` writes one step's texts and highlight classes into a copy (for the slides,
the saved SVGs and the Jupyter fallback). ElementTree escapes every text and attribute, so
labels stay text.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
_G, _TITLE, _TEXT = "g", "title", "text"
_VALUE = re.compile(r"^[nv](\d+)$")
_OP = re.compile(r"^(?:n(\d+)_op|op(\d+))$")
_EDGE_ID = re.compile(r"^e(\d+)_(\d+)$")
_HALF = re.compile(r"^(e\d+_\d+)_(in|out)$")
_EDGE = re.compile(r"^[nv](\d+)->(?:n(\d+)_op|op(\d+))$")
_GHOST = re.compile(r"^v(\d+)_u\d+$")
_OP_EDGE = re.compile(r"^(?:n(\d+)_op|op(\d+))->[nv](\d+)$")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")

# The highlight styles, inside the SVG itself, so a saved frame shows them without the page
# (the player's steps.css has the same rules). This step is teal with a wide light halo, so
# it is told apart, in colour and in greyscale, from the orange border draw_graph gives a
# node whose grad is stale.
FRAME_STYLE = """
.mg-future { opacity: 0.35; }
.mg-unknown { fill: #767676; }
.mg-partial { fill: #a34700; font-weight: bold; }
.mg-pending > path { stroke: #c4c4c4; stroke-width: 1px; stroke-dasharray: none; }
.mg-pending > polygon { fill: #c4c4c4; stroke: #c4c4c4; stroke-width: 1px; }
.mg-pending > text { fill: #767676; }
.mg-edge-in > path { stroke: #1f1f1f; stroke-width: 3px; }
.mg-edge-in > polygon { fill: #1f1f1f; stroke: #1f1f1f; }
.mg-current > path, .mg-current > polygon, .mg-current > ellipse {
  stroke: #0b7285; stroke-width: 5px; stroke-dasharray: none; }
.mg-from > path, .mg-from > polygon, .mg-from > ellipse {
  stroke: #1f1f1f; stroke-width: 3px; stroke-dasharray: 6 3; }
.mg-edge-current > path { stroke: #0b7285; stroke-width: 5px; stroke-dasharray: none; }
.mg-edge-current > polygon { fill: #0b7285; stroke: #0b7285; }
.mg-edge-current > text { fill: #000; font-weight: bold; }
.mg-halo { display: none; }
.mg-current > .mg-halo, .mg-edge-current > .mg-halo { display: inline; }
.mg-halo > * { fill: #66d9e8; stroke: #66d9e8; stroke-width: 12px; stroke-dasharray: none;
  stroke-linejoin: round; stroke-linecap: round; }
.mg-edge > .mg-halo > path { fill: none; }
.mg-edge > path.mg-ebox { stroke-width: 1.5px; stroke-dasharray: none; }
.mg-caption { fill: #1f2328; }
.mg-extra { display: none; }
"""


@dataclass
class Tagged:
    """The tagged SVG tree and what was found in it."""

    root: ET.Element
    values: dict[int, ET.Element]
    ops: dict[int, ET.Element]
    edges: dict[tuple[int, int], ET.Element]
    op_edges: dict[int, ET.Element]
    width: float
    height: float

    def text(self) -> str:
        """The SVG as text, without the XML prolog (ready to inline into HTML)."""
        return ET.tostring(self.root, encoding="unicode")


def tag_svg(svg: str, parents: list[list[int]], labels: list[str], names: list[str]) -> Tagged:
    """Tag the groups of a draw_graph SVG (see the module docstring).

    ``parents[k]`` are the indices of node k's operands (slot order); ``labels`` and
    ``names`` give each node's label ('' if none) and the name the captions use (which a
    box without a label shows in its label's place: viz/steps/named.py).
    """
    root = _plain(ET.fromstring(_strip_prolog(svg)))
    _join_split_edges(root)
    values: dict[int, ET.Element] = {}
    ops: dict[int, ET.Element] = {}
    edges: dict[tuple[int, int], ET.Element] = {}
    op_edges: dict[int, ET.Element] = {}
    seen: dict[tuple[int, int], int] = {}      # (parent j, node k) -> edges met so far
    for g in root.iter(_G):
        cls = g.get("class", "")
        title_el = g.find(_TITLE)
        title = (title_el.text or "") if title_el is not None else ""
        gid = g.get("id", "")
        if cls == "node":
            m = _VALUE.match(gid) or _VALUE.match(title)
            if m and int(m.group(1)) < len(labels):
                k = int(m.group(1))
                values[k] = g
                g.set("class", "node mg-value")
                g.set("data-node", str(k))
                g.set("data-name", names[k])
                if labels[k]:
                    g.set("data-label", labels[k])
                else:                       # drawn with its name (named.py): not a label
                    g.attrib.pop("data-label", None)
                _tag_value_lines(g, labels[k] or names[k])
                _add_halo(g)
                _set_title(g, title_el, names[k])
                continue
            m = _GHOST.match(gid)
            if m and int(m.group(1)) < len(labels):
                k = int(m.group(1))
                g.set("class", "node mg-ghost")
                g.set("data-ghost", str(k))
                _tag_lines(g, "mg-data", "mg-grad")
                _add_halo(g)
                _set_title(g, title_el, f"{names[k]} (drawn again beside this use)")
                continue
            m = _OP.match(gid) or _OP.match(title)
            if m:
                k = int(m.group(1) or m.group(2))
                if k < len(labels):
                    ops[k] = g
                    g.set("class", "node mg-op")
                    g.set("data-op", str(k))
                    _add_halo(g)
                    _set_title(g, title_el, f"the op of {names[k]}")
        elif cls == "edge":
            key = _edge_key(gid, title, parents, seen)
            if key is not None:
                k, i = key
                edges[key] = g
                g.set("class", "edge mg-edge")
                g.set("data-edge", f"{k}_{i}")
                g.set("data-parent", str(parents[k][i]))
                _tag_lines(g, "mg-edata", "mg-egrad")
                _add_halo(g)
                _set_title(g, title_el, f"{names[parents[k][i]]} \u2192 {names[k]}")
                continue
            m = _OP_EDGE.match(title)
            if m:
                k = int(m.group(3))
                if k < len(labels):
                    op_edges[k] = g
                    g.set("data-opedge", str(k))
                    _set_title(g, title_el, f"the op of {names[k]} \u2192 {names[k]}")
    width, height = _size(root)
    for attr in ("width", "height"):
        root.attrib.pop(attr, None)
    root.set("id", "graph")
    root.set("role", "img")
    return Tagged(root, values, ops, edges, op_edges, width, height)


def _join_split_edges(root: ET.Element) -> None:
    """One edge group ``e<k>_<i>`` (class ``edge``) for each edge drawn as two halves and a
    label box: the in-half's line, the box (its outline classed ``mg-ebox``) and its texts,
    the out-half's line and arrowhead, in that order, where the out-half was."""
    parent_of = {child: g for g in root.iter() for child in g}
    boxes: dict[str, ET.Element] = {}
    halves: dict[str, dict[str, ET.Element]] = {}
    for g in root.iter(_G):
        gid = g.get("id", "")
        if g.get("class") == "node" and _EDGE_ID.match(gid):
            boxes[gid] = g
        m = _HALF.match(gid)
        if m and g.get("class") == "edge":
            halves.setdefault(m[1], {})[m[2]] = g
    for eid, box in boxes.items():
        half = halves.get(eid, {})
        if set(half) != {"in", "out"}:
            continue
        joined = ET.Element(_G, {"id": eid, "class": "edge"})
        title = ET.SubElement(joined, _TITLE)
        title.text = eid
        for part in (half["in"], box, half["out"]):
            for child in list(part):
                if child.tag == _TITLE:
                    continue
                if part is box and child.tag in ("path", "polygon"):
                    child.set("class", "mg-ebox")
                joined.append(child)
        out_parent = parent_of[half["out"]]
        out_parent.insert(list(out_parent).index(half["out"]), joined)
        for part in (half["in"], box, half["out"]):
            parent_of[part].remove(part)


def _plain(root: ET.Element) -> ET.Element:
    """The tree with plain tag names (``g``, not ``{http://www.w3.org/2000/svg}g``) and the
    namespaces declared as attributes, so it serialises as ordinary SVG markup."""
    svg_ns, xlink_ns = f"{{{SVG}}}", f"{{{XLINK}}}"
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith(svg_ns):
            el.tag = el.tag[len(svg_ns):]
        for key in [k for k in el.attrib if k.startswith(xlink_ns)]:
            el.set("xlink:" + key[len(xlink_ns):], el.attrib.pop(key))
    root.set("xmlns", SVG)
    root.set("xmlns:xlink", XLINK)
    return root


def _strip_prolog(svg: str) -> str:
    start = svg.find("<svg")
    if start < 0:
        raise ValueError("the renderer returned no <svg> element")
    return svg[start:]


def _edge_key(gid: str, title: str, parents: list[list[int]],
              seen: dict[tuple[int, int], int]) -> tuple[int, int] | None:
    """(k, i) of an edge from an operand into node k's op, by id or by title."""
    m = _EDGE_ID.match(gid)
    if m:
        k, i = int(m.group(1)), int(m.group(2))
        return (k, i) if k < len(parents) and i < len(parents[k]) else None
    m = _EDGE.match(title)
    if not m:
        return None
    j, k = int(m.group(1)), int(m.group(2) or m.group(3))
    if k >= len(parents):
        return None
    n = seen.get((j, k), 0)                     # the n-th edge j -> k is its n-th slot
    slots = [i for i, p in enumerate(parents[k]) if p == j]
    if n >= len(slots):
        return None
    seen[(j, k)] = n + 1
    return (k, slots[n])


def _tag_lines(g: ET.Element, data_cls: str, grad_cls: str) -> None:
    """An edge (or a ghost box): its "data …" and "grad …" lines."""
    for t in g.iter(_TEXT):
        s = (t.text or "").lstrip()
        if s.startswith("data "):
            t.set("class", data_cls)
            t.set("data-prefix", "data ")
        elif s.startswith("grad "):
            t.set("class", grad_cls)


def _tag_value_lines(g: ET.Element, label: str) -> None:
    """A Value box: the last "grad …" line, the line above it (its data: "data 2" in
    words, "a = 2" or "2" in the slide theme) and any notes below (hidden by the player,
    whose numbers are one fresh backward pass)."""
    lines = list(g.iter(_TEXT))
    at = max((n for n, t in enumerate(lines) if (t.text or "").startswith("grad ")),
             default=None)
    if at is None:
        return
    lines[at].set("class", "mg-grad")
    for t in lines[at + 1:]:
        t.set("class", "mg-extra")
    if at == 0:
        return
    data = lines[at - 1]
    text = data.text or ""
    if text.startswith("data "):
        prefix = "data "
    elif label and text.startswith(label + " = "):
        prefix = label + " = "
    else:
        prefix = ""
    data.set("class", "mg-data")
    data.set("data-prefix", prefix)


def _add_halo(g: ET.Element) -> None:
    """A copy of the group's outline (a box's border, an op's ellipse, an edge's line: both
    halves of a line split by its label box) under it, in ``<g class="mg-halo">``: hidden,
    drawn wide and light when the group is this step's (FRAME_STYLE, steps.css)."""
    edge = "mg-edge" in g.get("class", "")
    shapes = [c for c in g if c.tag in ("path", "polygon", "ellipse")
              and "mg-ebox" not in c.get("class", "")]
    if not shapes:
        return
    if edge:
        shapes = [c for c in shapes if c.tag == "path"] or shapes[:1]
    else:
        shapes = shapes[:1]
    halo = ET.Element(_G, {"class": "mg-halo"})
    for shape in shapes:
        shape = copy.deepcopy(shape)
        shape.attrib.pop("id", None)
        halo.append(shape)
    g.insert(list(g).index(next(c for c in g if c.tag in ("path", "polygon", "ellipse"))),
             halo)


def _set_title(g: ET.Element, title_el: ET.Element | None, text: str) -> None:
    if title_el is None:
        title_el = ET.SubElement(g, _TITLE)
    title_el.text = text


def _size(root: ET.Element) -> tuple[float, float]:
    box = root.get("viewBox", "").split()
    if len(box) == 4:
        return float(box[2]), float(box[3])
    return _points(root.get("width", "0")), _points(root.get("height", "0"))


def _points(s: str) -> float:
    m = _NUMBER.search(s)
    return float(m.group(0)) if m else 0.0


# ------------------------------------------------------------- one step, baked in
@dataclass
class View:
    """What one step shows: texts and highlight classes, by node / edge."""

    data: Mapping[int, str]
    grad: Mapping[int, tuple[str, str]]          # k -> (text, "unknown"|"partial"|"complete")
    share: Mapping[tuple[int, int], str]         # edges whose share is computed
    future: set[int]                             # nodes not computed yet (forward)
    current: int | None
    source: int | None                           # the node passing its grad on
    edge: tuple[int, int] | None
    op: int | None
    caption: str


def bake(t: Tagged, view: View, edge_data: Mapping[tuple[int, int], int],
         caption_lines: list[str] | None = None) -> str:
    """The SVG showing ``view``: texts replaced, classes set, styles and caption inside."""
    root = copy.deepcopy(t.root)
    values = {int(g.get("data-node")): g for g in root.iter(_G) if g.get("data-node")}
    edges = {}
    for g in root.iter(_G):
        e = g.get("data-edge")
        if e:
            k, i = e.split("_")
            edges[(int(k), int(i))] = g
    ops = {int(g.get("data-op")): g for g in root.iter(_G) if g.get("data-op")}
    for k, g in values.items():
        classes = ["node", "mg-value"]
        if k in view.future:
            classes.append("mg-future")
        if k == view.current:
            classes.append("mg-current")
        if k == view.source:
            classes.append("mg-from")
        g.set("class", " ".join(classes))
        for el in g.iter(_TEXT):
            cls = el.get("class", "")
            if cls.startswith("mg-data"):
                text = view.data.get(k)
                el.text = el.get("data-prefix", "") + (text if text is not None else "?")
                el.set("class", "mg-data" if text is not None else "mg-data mg-unknown")
            elif cls.startswith("mg-grad"):
                text, status = view.grad.get(k, ("grad ?", "unknown"))
                el.text = text
                el.set("class", "mg-grad" + ("" if status == "complete" else f" mg-{status}"))
    for key, g in edges.items():
        classes = ["edge", "mg-edge"]
        share = view.share.get(key)
        if share is None:
            classes.append("mg-pending")
        if key == view.edge:
            classes.append("mg-edge-current")
        if view.op is not None and key[0] == view.op:
            classes.append("mg-edge-in")
        g.set("class", " ".join(classes))
        for el in g.iter(_TEXT):
            cls = el.get("class", "")
            if cls == "mg-edata":
                text = view.data.get(edge_data[key])
                el.text = "data " + (text if text is not None else "?")
            elif cls == "mg-egrad":
                el.text = share if share is not None else "grad ?"
    for g in root.iter(_G):
        k = g.get("data-opedge")
        if k is not None and int(k) in view.future:
            g.set("class", "edge mg-pending")
        k = g.get("data-ghost")
        if k is not None:
            if int(k) == view.current:
                g.set("class", "node mg-ghost mg-current")
            for el in g.iter(_TEXT):
                if el.get("class") == "mg-data":
                    text = view.data.get(int(k))
                    el.text = "data " + (text if text is not None else "?")
    if view.op is not None and view.op in ops:
        ops[view.op].set("class", "node mg-op mg-current")
    style = ET.Element("style")
    style.text = FRAME_STYLE
    root.insert(0, style)
    if caption_lines:
        _add_caption(root, t, caption_lines)
    return ET.tostring(root, encoding="unicode")


def _add_caption(root: ET.Element, t: Tagged, lines: list[str]) -> None:
    """The step's caption under the picture (the viewBox grows to hold it)."""
    size = max(11.0, min(22.0, t.width / 60))
    pad = size * 0.6
    height = pad + len(lines) * size * 1.3
    x0, y0, w, h = (float(n) for n in root.get("viewBox", f"0 0 {t.width} {t.height}").split())
    root.set("viewBox", f"{x0:.2f} {y0:.2f} {w:.2f} {h + height:.2f}")
    box = ET.SubElement(root, "rect", {"x": f"{x0:.2f}", "y": f"{y0 + h:.2f}",
                                                  "width": f"{w:.2f}", "height": f"{height:.2f}",
                                                  "fill": "#ffffff"})
    del box
    for n, line in enumerate(lines):
        el = ET.SubElement(root, _TEXT, {
            "class": "mg-caption", "x": f"{x0 + pad:.2f}",
            "y": f"{y0 + h + pad + (n + 0.85) * size * 1.3:.2f}",
            "font-size": f"{size:.1f}", "font-family": "Helvetica,sans-Serif"})
        el.text = line
