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


def text_color(x: float) -> str:
    """A dark, readable colour of ``x``'s sign for text beside an edge (grey for 0)."""
    if x > 0:
        return "#a31515"
    if x < 0:
        return "#174a9c"
    return "#444444"


def strength(x: float, scale: float) -> float:
    """|x| relative to ``scale`` in [0, 1], square-rooted so that small values stay visible."""
    if scale <= 0 or x != x:
        return 0.0
    return min(1.0, abs(x) / scale) ** 0.5


def penwidth(x: float, scale: float, thin: float = 0.8, thick: float = 3.5) -> float:
    """Line width for ``x``: ``thin`` at zero up to ``thick`` at ``scale``."""
    return round(thin + (thick - thin) * strength(x, scale), 2)


def legend(items: list[dict[str, object]], anchor: str) -> list[str]:
    """DOT lines for a dashed "legend" box holding ``items`` (node attribute dicts) in one rank.

    The box sits one rank after the node ``anchor`` (the output, which must
    have no other out-edges): a column on the right of a left-to-right
    picture, a row below a top-to-bottom one. Invisible edges from the anchor,
    kept in order by ``ordering=out``, keep the items together in the given
    order; Graphviz may still lay a whole rank out upside down.
    """
    names = [f"legend{k}" for k in range(len(items))]
    out = ["subgraph cluster_legend {",
           '  graph [label="legend", style="dashed", color="#aaaaaa", fontsize=10];']
    out += [f"  {name} {attrs(a)};" for name, a in zip(names, items)]
    out += ["  {rank=same; " + " ".join(names) + "}", "}", f'{anchor} [ordering="out"];']
    out += [f"{anchor} -> {name} [style=invis];" for name in names]
    return out


def swatch(label: str, color: str) -> dict[str, object]:
    """A legend item that looks like an edge of this colour: "——→ label".

    (Only characters that common fonts have: renderers without font fallback,
    like cairosvg, draw missing ones as boxes.)
    """
    return {"label": f"\u2014\u2014\u2192 {label}", "shape": "plaintext", "style": "",
            "fontcolor": color, "height": 0.2, "fontsize": 9}


def note(text: str) -> dict[str, object]:
    """A legend item of plain text."""
    return {"label": text, "shape": "plaintext", "style": "", "fontsize": 8, "height": 0.2}


def sample_node(label: str, kind_style: dict[str, object]) -> dict[str, object]:
    """A legend item showing a node style, smaller than the real nodes."""
    return {"label": label} | kind_style | {"fontsize": 9, "height": 0.25, "margin": "0.05,0.02"}
