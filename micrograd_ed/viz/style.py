"""Colours and shapes shared by the graph and the network view, and their legend.

One convention everywhere: red means positive, blue means negative, and a
darker, thicker line means a larger magnitude relative to the largest one in
the picture.
"""

from __future__ import annotations

from micrograd_ed.viz.dot import attrs

FONT = "Helvetica"
POSITIVE = (214, 39, 40)    # red
NEGATIVE = (31, 95, 191)    # blue
FAINT = (200, 200, 200)     # zero, or too small to see
UNKNOWN = "#808080"         # gradient not computed yet

# Node kinds of the computation graph: DOT attributes for each.
NODE_STYLES: dict[str, dict[str, object]] = {
    "output": {"fillcolor": "#ffd966", "penwidth": 2},
    "param": {"fillcolor": "#c7e9c0"},
    "input": {"fillcolor": "#e5dcf3"},
    "leaf": {"fillcolor": "#eeeeee"},
    "value": {"fillcolor": "#ffffff"},
    "neuron": {"fillcolor": "#fff2cc", "peripheries": 2},
}
KIND_NAMES = {
    "output": "output",
    "param": "parameter",
    "input": "input",
    "leaf": "leaf",
    "value": "intermediate value",
    "neuron": "neuron (collapsed)",
}
OP_STYLE: dict[str, object] = {
    "shape": "ellipse", "style": "filled", "fillcolor": "#f3f3f3", "color": "#999999",
    "fontsize": 10, "margin": "0.04,0.02", "height": 0.3,
}


def signed_color(x: float, scale: float) -> str:
    """``#rrggbb`` for ``x``: red if positive, blue if negative, stronger as |x|/scale -> 1."""
    t = strength(x, scale)
    end = POSITIVE if x > 0 else NEGATIVE
    rgb = (round(f + (e - f) * t) for f, e in zip(FAINT, end))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def strength(x: float, scale: float) -> float:
    """|x| relative to ``scale`` in [0, 1], square-rooted so that small values stay visible."""
    if scale <= 0 or x != x:
        return 0.0
    return min(1.0, abs(x) / scale) ** 0.5


def penwidth(x: float, scale: float, thin: float = 0.8, thick: float = 3.5) -> float:
    """Line width for ``x``: ``thin`` at zero up to ``thick`` at ``scale``."""
    return round(thin + (thick - thin) * strength(x, scale), 2)


def legend(nodes: list[dict[str, object]], edges: list[dict[str, object]],
           note: str = "") -> list[str]:
    """DOT lines for a dashed "legend" box: sample nodes, then sample edges, then a note, in a row.

    ``nodes`` and ``edges`` are attribute dicts (with a ``label``); the items
    are chained by invisible edges so that they line up along the rank axis.
    """
    out = ["subgraph cluster_legend {",
           '  graph [label="legend", style="dashed", color="#aaaaaa", fontsize=10];']
    chain: list[tuple[str, str]] = []  # (first, last) DOT names of each item
    for k, a in enumerate(nodes):
        out.append(f"  legend{k} {attrs(a)};")
        chain.append((f"legend{k}", f"legend{k}"))
    for k, a in enumerate(edges):
        tail, head = f"legend_e{k}t", f"legend_e{k}h"
        out.append(f'  {tail} [shape=point, width=0.04, color="#999999"];')
        out.append(f'  {head} [shape=point, width=0.04, color="#999999"];')
        out.append(f"  {tail} -> {head} {attrs(a)};")
        chain.append((tail, head))
    if note:
        out.append(f"  legend_note {attrs({'label': note, 'shape': 'plaintext', 'style': ''})};")
        chain.append(("legend_note", "legend_note"))
    for (_, last), (first, _) in zip(chain, chain[1:]):
        out.append(f"  {last} -> {first} [style=invis];")
    out.append("}")
    return out
