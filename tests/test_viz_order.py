"""Networks are drawn in index order: neuron 0 first (top in LR, left in TB) in every view.

Positions come from Graphviz's own layout (``-Tjson``): the centre of each drawn node.
"""

from __future__ import annotations

import json
import re

import pytest

from micrograd_ed.nn import MLP
from micrograd_ed.viz import draw_graph, draw_network
from micrograd_ed.viz.core.backends import render

VIEWS = [{}, {"group_by": "neuron"}, {"group_by": "layer"}, {"collapse": True},
         {"collapse": True, "group_by": "layer"}]
_INDEX = re.compile(r"^([wbxza])\[(\d+(?:,\d+)*)\]")


def positions(source: str) -> dict[str, tuple[float, float, str]]:
    """DOT name -> (x, y, first label line) of every node, from the layout."""
    layout = json.loads(render(source, "json"))
    out = {}
    for obj in layout.get("objects", []):
        if "pos" in obj:
            x, y = (float(v) for v in obj["pos"].split(","))
            label = obj.get("label", "").split("\\n")[0]
            out[obj["name"]] = (x, y, label)
    return out


def along(pos: tuple[float, float, str], rankdir: str) -> float:
    """The coordinate that must grow with the index: down in LR, right in TB."""
    return -pos[1] if rankdir == "LR" else pos[0]


def groups(pos: dict[str, tuple[float, float, str]]) -> dict[tuple, list[tuple[int, str]]]:
    """Nodes that must come in index order, by what they are: e.g. ('w', 1, 0) -> the
    weights of neuron 0 of layer 1 as (i, name); ('a', 1) -> layer 1's outputs as (n, name)."""
    out: dict[tuple, list[tuple[int, str]]] = {}
    for name, (_, _, label) in pos.items():
        m = re.match(r"layer (\d+), neuron (\d+)$", label)
        if m:                                               # a collapsed neuron
            out.setdefault(("neuron", int(m[1])), []).append((int(m[2]), name))
            continue
        m = _INDEX.match(label)
        if not m:
            continue
        idx = [int(v) for v in m[2].split(",")]
        if m[1] == "w":
            out.setdefault(("w", *idx[:2]), []).append((idx[2], name))
        elif m[1] == "x":
            out.setdefault(("x",), []).append((idx[0], name))
        elif m[1] in "za":
            out.setdefault((m[1], idx[0]), []).append((idx[1], name))
    return out


def disorder(source: str, rankdir: str) -> list[str]:
    """Every pair of same-kind nodes drawn out of index order."""
    pos = positions(source)
    bad = []
    for key, members in groups(pos).items():
        members.sort()
        coords = [along(pos[name], rankdir) for _, name in members]
        for (i, a), (j, b), ca, cb in zip(members, members[1:], coords, coords[1:]):
            if not ca < cb:
                bad.append(f"{key}: {i} ({a}) drawn after {j} ({b})")
    return bad


def net_disorder(source: str, rankdir: str) -> list[str]:
    pos = positions(source)
    bad = []
    cols: dict[str, list[tuple[int, str]]] = {}
    for name in pos:
        m = re.fullmatch(r"(x|h\d+_)(\d+)", name)
        if m:
            cols.setdefault(m[1], []).append((int(m[2]), name))
    for col, members in cols.items():
        members.sort()
        for (i, a), (j, b) in zip(members, members[1:]):
            if not along(pos[a], rankdir) < along(pos[b], rankdir):
                bad.append(f"column {col}: {i} drawn after {j}")
    return bad


def small_graph():
    model = MLP(3, [4, 2], seed=0)
    out = model([1.0, -2.0, 0.5])
    loss = out[0] * out[1]
    loss.backward()
    return model, loss


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("view", VIEWS, ids=["all", "neuron-boxes", "layer-boxes", "collapse",
                                             "collapse-layer-boxes"])
def test_mlp_3_4_2_in_index_order(view, rankdir):
    _, loss = small_graph()
    src = draw_graph(loss, rankdir=rankdir, **view).source
    assert disorder(src, rankdir) == []


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("view", VIEWS, ids=["all", "neuron-boxes", "layer-boxes", "collapse",
                                             "collapse-layer-boxes"])
def test_mlp_2_16_16_1_in_index_order(view, rankdir):
    model = MLP(2, [16, 16, 1], seed=0)
    out = model([1.0, 0.0])
    out.backward()
    # drawn whole, this graph has 533 nodes: more than the default max_nodes
    src = draw_graph(out, rankdir=rankdir, max_nodes=600, **view).source
    pos = positions(src)
    found = groups(pos)
    kind = "neuron" if view.get("collapse") else "a"
    assert len(found[(kind, 0)]) == len(found[(kind, 1)]) == 16
    if not view.get("collapse"):
        assert len(found[("w", 1, 15)]) == 16                 # 16 weights of one neuron
    assert disorder(src, rankdir) == []


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("sizes", [(3, [4, 2]), (2, [16, 16, 1])], ids=["3-4-2", "2-16-16-1"])
def test_network_view_in_index_order(sizes, rankdir):
    model = MLP(sizes[0], sizes[1], seed=0)
    src = draw_network(model, [1.0] * sizes[0], rankdir=rankdir).source
    assert net_disorder(src, rankdir) == []


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("view", [{"collapse": True}, {"collapse": True, "group_by": "layer"}],
                         ids=["collapse", "collapse-layer-boxes"])
def test_256_lines_between_collapsed_layers_get_room(view, rankdir):
    """The 256 unlabelled lines between two collapsed layers of 16 neurons get a gap of at
    least a quarter of a layer's length (they used to squeeze into a 20 px sliver)."""
    model = MLP(2, [16, 16, 1], seed=0)
    out = model([1.0, 0.0])
    out.backward()
    pos = positions(draw_graph(out, rankdir=rankdir, **view).source)
    k = 0 if rankdir == "LR" else 1                     # the axis across the layers
    gap = abs(pos["neuron_L1_N0"][k] - pos["neuron_L0_N0"][k])
    length = abs(pos["neuron_L1_N15"][1 - k] - pos["neuron_L1_N0"][1 - k])
    assert gap >= 0.25 * length, (gap, length)
