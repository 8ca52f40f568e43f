"""Worksheet figures: the header lists exactly the sheet's ops and states the log base;
level 5 keeps its two neurons apart, with no crossing edges (issue 23)."""

from __future__ import annotations

import json
import re

import pytest

from micrograd_ed.teach.worksheet import make_worksheet
from micrograd_ed.viz.core import backends

FUNCTIONS = ("tanh", "exp", "log", "sigmoid")


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_header_lists_exactly_the_ops_on_the_sheet(level):
    for seed in range(8):
        sheet = make_worksheet(level, seed)
        on_sheet = {fn for fn in FUNCTIONS if any(f"{fn}(" in t for _, t in sheet.steps)}
        text = " ".join([sheet.title] + sheet.header())
        named = {fn for fn in FUNCTIONS if re.search(rf"\b{fn}\b", text)}
        assert named == on_sheet, (level, seed, text)
        ops_line = sheet.header()[0]
        assert ("\u00d7" in ops_line) == any(" * " in t for _, t in sheet.steps)
        assert ("\u2212" in ops_line) == any(" - " in t for _, t in sheet.steps)
        if "log" in on_sheet:
            assert "natural log ln, base e" in ops_line


def test_level3_seed1_header_names_only_its_functions():
    sheet = make_worksheet(3, 1)
    shown = {fn for fn in FUNCTIONS if re.search(rf"\b{fn}\b", sheet.header()[0])}
    used = {fn for fn in FUNCTIONS if any(f"{fn}(" in t for _, t in sheet.steps)}
    assert shown == used


def _layout(sheet) -> dict:
    return json.loads(backends.render(sheet.figure(False).source, "json"))


def _segments(edge: dict) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The edge's path as straight pieces between its Bézier points (a fine polyline)."""
    pts = []
    for op in edge.get("_draw_", []):
        if op["op"] in ("b", "B"):
            p = op["points"]
            for k in range(0, len(p) - 3, 3):
                for t in [i / 12 for i in range(13)]:
                    a, b, c, d = p[k:k + 4]
                    pts.append(tuple((1 - t) ** 3 * a[j] + 3 * (1 - t) ** 2 * t * b[j]
                                     + 3 * (1 - t) * t * t * c[j] + t ** 3 * d[j]
                                     for j in (0, 1)))
    return list(zip(pts, pts[1:]))


def _cross(s, t) -> bool:
    (a, b), (c, d) = s, t

    def orient(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return (orient(a, b, c) * orient(a, b, d) < 0) and (orient(c, d, a) * orient(c, d, b) < 0)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_level5_neurons_apart_and_no_edges_cross(seed):
    sheet = make_worksheet(5, seed)
    g = _layout(sheet)
    objects = g["objects"]
    name = {}
    for k, obj in enumerate(objects):
        if "label" in obj and "nodes" not in obj:
            name[k] = obj["label"].split("\\n")[0].split()[0].split("\n")[0]
    ys = {name[k]: float(obj["pos"].split(",")[1]) for k, obj in enumerate(objects)
          if k in name}
    hidden = {j: [f"w{j}1", f"w{j}2", f"p{j}1", f"p{j}2", f"s{j}", f"b{j}", f"z{j}", f"h{j}"]
              for j in (1, 2)}
    one = [ys[n] for n in hidden[1]]
    two = [ys[n] for n in hidden[2]]
    assert max(one) < min(two) or max(two) < min(one), (one, two)
    edges = g["edges"]
    for i, e in enumerate(edges):
        for f in edges[i + 1:]:
            if {e["tail"], e["head"]} & {f["tail"], f["head"]}:
                continue                      # edges that share a node meet there
            hits = [(s, t) for s in _segments(e) for t in _segments(f) if _cross(s, t)]
            assert not hits, (name.get(e["tail"]), name.get(e["head"]), name.get(f["tail"]),
                              name.get(f["head"]))
