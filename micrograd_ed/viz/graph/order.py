"""DOT statements that keep a network's nodes in index order, neuron 0 first.

Graphviz's ``dot`` orders the nodes of each rank to reduce edge crossings; in a
fully connected layer every order crosses equally, so it is free to draw neuron
9 before neuron 0. What keeps the order, found by measuring (tests/test_viz_order.py):

* Outside boxes, invisible edges in a ``rank=same`` chain ``n0 -> n1 -> ...``.
* Inside one box (a cluster) the same chain, but written backwards when the graph
  is laid out sideways (``LR``/``RL``): Graphviz flips the order of the ranks of the
  whole graph for those directions, but not the order it builds inside a cluster.
  Its extra crossing pass over all boxes (``remincross``) ignores such chains, so
  pictures with boxes turn it off.
* Between boxes (the boxes of neuron 0, 1, ... of one layer), Graphviz drops flat
  edges: it places each box as a whole, first in the order its search meets them,
  then by crossing reduction. A *spine* fixes that order: invisible points in a
  chain outside every box, point i with an edge into box i (its first weight, so the
  points sit before the layer); and only a short crossing search (``mclimit``),
  which keeps the boxes in the spine's order.

A box's title ("layer 1, neuron 0") is a node of its own at the head of the chain of
the box's first rank (its weights), not Graphviz's cluster label: the lines into a box
run through the label's strip, but are routed around nodes.
"""

from __future__ import annotations

MCLIMIT = 0.1   # crossing-search effort in pictures with boxes (Graphviz default 1)
_NEURON_ROLES = ("dot", "z", "a")


def order_statements(groups: dict[tuple, list[tuple[int, str]]], home: dict[str, str],
                     rankdir: str) -> tuple[dict[str, list[str]], list[str], dict[str, str]]:
    """(statements for inside each cluster, statements for the top level, the title node
    of each cluster that has one) that keep every group of ``groups`` (see
    :meth:`Plan.order_groups`) in index order.

    ``home`` maps a DOT node name to its cluster's name (absent: no box).
    """
    flip = rankdir in ("LR", "RL")
    inside: dict[str, list[str]] = {}
    top: list[str] = []
    spines: list[tuple[str, ...]] = []
    titles = _title_chains(groups, home)
    for key, members in groups.items():
        names = [name for _, name in members]
        box = home.get(names[0])
        if titles.get(box) == key:
            names = [f"{box}_title", *names]
        if len(names) < 2:
            continue
        where = [home.get(n, box if n == f"{box}_title" else None) for n in names]
        if all(w is None for w in where):
            top.append(chain(names))
        elif len(set(where)) == 1:
            inside.setdefault(where[0], []).append("  " + chain(names[::-1] if flip else names))
        elif None not in where and len(set(where)) == len(where):
            anchors = tuple(_anchors(groups, key, members) or names)
            if anchors not in spines:
                spines.append(anchors)
        else:           # some in one box, some in none: the best Graphviz offers
            top.append(f"  {' -> '.join(names)} [style=invis, minlen=0];")
    for j, anchors in enumerate(spines):
        top += spine(f"spine{j}", list(anchors))
    return inside, top, {box: f"{box}_title" for box in titles}


def _title_chains(groups: dict[tuple, list[tuple[int, str]]],
                  home: dict[str, str]) -> dict[str, tuple]:
    """For each cluster, the key of the group in its first rank that its title heads:
    the weights of its lowest neuron (or its collapsed neurons)."""
    out: dict[str, tuple] = {}
    for key in sorted(groups, key=repr):
        if key[0] not in ("w", "neuron"):
            continue
        where = {home.get(name) for _, name in groups[key]}
        if len(where) != 1 or None in where:
            continue
        box = where.pop()
        if box not in out or _rank(key) < _rank(out[box]):
            out[box] = key
    return out


def _rank(key: tuple) -> tuple:
    """Order of preference of a title's group: collapsed neurons, then neuron 0's weights."""
    return (key[0] != "neuron", *(k if isinstance(k, int) else 0 for k in key[1:]))


def graph_attrs(boxed: bool) -> dict[str, object]:
    """Graph attributes that keep the order in a picture with boxes (none without)."""
    return {"remincross": "false", "mclimit": MCLIMIT} if boxed else {}


def chain(names: list[str]) -> str:
    """Invisible flat edges that keep ``names`` in this order within their rank."""
    return f"  {{rank=same; {' -> '.join(names)} [style=invis];}}"


def spine(prefix: str, anchors: list[str]) -> list[str]:
    """Invisible points in a chain, point i with an edge into ``anchors[i]``."""
    points = [f"{prefix}_{i}" for i in range(len(anchors))]
    out = [f'  {p} [style=invis, shape=point, width=0, height=0, label=""];' for p in points]
    out.append(chain(points))
    out += [f"  {p} -> {a} [style=invis];" for p, a in zip(points, anchors)]
    return out


def _anchors(groups: dict[tuple, list[tuple[int, str]]], key: tuple,
             members: list[tuple[int, str]]) -> list[str] | None:
    """The first weight of each neuron of ``members`` (a layer's dot, z or a nodes),
    or None when some neuron has no weight drawn."""
    if len(key) != 2 or key[0] not in _NEURON_ROLES:
        return None
    firsts = [groups.get(("w", key[1], n)) for n, _ in members]
    if not all(firsts):
        return None
    return [f[0][1] for f in firsts]  # type: ignore[index]
