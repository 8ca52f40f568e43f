"""The computation graph of a Value, with the value and the gradient on every edge.

Each Value is a box (its label, ``data`` and ``grad``); each op is a small
ellipse of its own (with its constant, as in ``* 2``). An edge from a Value to
an op that uses it carries the forward value flowing along it and the gradient
flowing back along it: this edge's share of the Value's grad,
``grad of the op's result x local derivative``. A Value used by several ops
shows that its grad is the sum of those shares. DOT node names are ``n0, n1,
...`` in topological order and SVG ids ``v<k>``, ``op<k>``, ``e<k>_<i>`` (see
:mod:`micrograd_ed.viz.graph.plan`), so the text is the same in every process.
"""

from __future__ import annotations

import json
import re
import textwrap
import warnings
from collections.abc import Iterable

from micrograd_ed.engine import Value, topological_order
from micrograd_ed.foreign.graph import Mirror, mirror_of
from micrograd_ed.foreign.names import Names
from micrograd_ed.viz.core import backends
from micrograd_ed.viz.core import legend as legend_mod
from micrograd_ed.viz.core.diagram import Diagram
from micrograd_ed.viz.core.estimate import fit_scale
from micrograd_ed.viz.core.reading import Reader
from micrograd_ed.viz.core.scopes import Scope, count_nodes, scopes, users
from micrograd_ed.viz.core.themes import Theme, get_theme
from micrograd_ed.viz.graph.dot import COLLAPSED_EDGE_LABELS, GraphWriter
from micrograd_ed.viz.graph.plan import Plan

GROUP_BY = (None, "neuron", "layer")
RANKDIRS = ("LR", "TB", "RL", "BT", "auto")
_PARAM_LABEL = re.compile(r"[wb]\[")   # nn labels parameters "w[1,0,2]", "b[1,0]"
_NN_NAMES = re.compile(r"[wbza]\[\d")
AUTO_LAYOUT_NODES = 150  # rankdir="auto" lays graphs up to this size out both ways to choose
STALE_NOTE = "grad includes an earlier backward(): call zero_grad()"
__all__ = ["COLLAPSED_EDGE_LABELS", "GraphTooLargeError", "StaleGradientWarning", "draw_graph"]


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``: drawn whole it would be unreadable."""


class StaleGradientWarning(UserWarning):
    """Some grads are not the sum of their edges' shares: an earlier backward() is in them."""


def draw_graph(root: Value | object, *, rankdir: str | None = None, show_local_grads: bool = True,
               max_nodes: int = 500, group_by: str | None = None, collapse: bool = False,
               title: str | None = None, params: Iterable[Value] | None = None,
               precision: int | None = None, sample: int | None = None,
               theme: str | Theme = "notebook", fontsize: float | None = None,
               edge_fontsize: float | None = None, legend: bool = True,
               names: Names | None = None, **engine: object) -> Diagram:
    """Draw the graph that computed ``root``: every value, op, edge value and edge gradient.

    Parameters
    ----------
    rankdir: "LR" (inputs on the left), "TB", "RL", "BT", or "auto" (the one
        that fits a 16:9 slide best); by default the theme's ("LR", or "auto"
        for the slide theme).
    show_local_grads: also write the local derivative on each edge, as
        ``grad -6 = -2 x 3`` (edge share = op result's grad x local derivative).
    max_nodes: refuse (GraphTooLargeError) to draw more nodes than this.
    group_by: None, "neuron" or "layer": a box around each neuron's or layer's
        nodes, from the ``scope`` that micrograd_ed.nn records on its nodes.
    collapse: draw each neuron as one node with its output's data and grad.
    title: a caption above the picture.
    params: the parameters (e.g. ``model.parameters()``), styled apart from the
        other leaves (the inputs). By default, leaves labelled like "w[...]"
        or "b[...]" are parameters.
    precision: significant digits of every number (default: the theme's, 4 or 3).
    sample: in batched mode, show this sample instead of the batch mean.
    theme: "notebook" (default), "slide" (large type, fewer words, laid out
        for 16:9) or "print" (greyscale-safe: negative gradients dashed); see
        :mod:`micrograd_ed.viz.core.themes`.
    fontsize, edge_fontsize: override the theme's node and edge text size (points).
    legend: write the legend under the picture.
    names, engine: for the root of ANOTHER engine's graph (micrograd's Value, a learner's
        own, a PyTorch tensor): where its nodes keep what (``grad="grade"``, or a
        :class:`~micrograd_ed.foreign.Names`), found by detection when not given, and
        ``labels={"a": a}`` to name its nodes. The figure is drawn from a read-only mirror
        (:mod:`micrograd_ed.foreign.graph`); its legend says what was assumed.

    Before ``backward()`` every gradient shows as "?": a graph whose grads
    are all 0 (the root's included) has not been backpropagated yet. A grad
    that is not the sum of its edges' shares (an earlier ``backward()`` without
    ``zero_grad()``) is marked, and a :class:`StaleGradientWarning` is issued.
    """
    th = get_theme(theme, precision=precision, fontsize=fontsize, edge_fontsize=edge_fontsize)
    mirror = mirror_of(root, names, engine)
    if mirror is not None:
        root = mirror.root
    _check_options(root, rankdir, max_nodes, group_by, collapse, show_local_grads, legend)
    nodes = topological_order(root)
    used_by = users(nodes)
    scope: dict[Value, Scope] = {}
    if group_by is not None or collapse:
        scope = scopes(nodes, used_by)
        if not scope:
            raise ValueError(
                f"group_by={group_by!r}, collapse={collapse!r}: no node of this graph "
                "records which neuron made it (Value.scope is None everywhere). Grouping "
                "needs a graph built by micrograd_ed.nn modules; draw this one without it.")
    count = count_nodes(nodes, scope, collapse)
    if count > max_nodes:
        raise GraphTooLargeError(_too_large(nodes, used_by, count, max_nodes, collapse, scope))
    reader = Reader(nodes, root, th.precision, sample)
    kinds = _kinds(nodes, root, params)
    plan = Plan(nodes, used_by, scope if collapse else {}, kinds,
                scope if group_by == "neuron" and not collapse else None)
    writer = GraphWriter(plan, kinds, reader, th, show_local_grads)
    writer.nodes()                      # fills the size estimates
    direction = rankdir or th.rankdir

    def make(d: str, beside: bool = False) -> str:
        lines = _legend(writer, plan, nodes, d, mirror) if legend else None
        return writer.source(d, title, scope, group_by, lines, beside)

    if direction == "auto":
        source, direction = _fit_16_9(make, writer, count)
    else:
        source = make(direction)
    if writer.stale:
        names = ", ".join(v.label or f"node {plan.k[v]}" for v in writer.stale[:5])
        more = f" and {len(writer.stale) - 5} more" if len(writer.stale) > 5 else ""
        warnings.warn(StaleGradientWarning(
            f"draw_graph: the grad of {names}{more} is not the sum of its edges' shares: "
            f"{'its engine did not add them up' if mirror else 'the ' + STALE_NOTE}. The "
            "figure marks these nodes."), stacklevel=2)
    what = f"{root.label!r}" if root.label else "a Value"
    if mirror is not None:
        what = f"a {mirror.source}"
    return Diagram(source, f"graph of {what}, {count} nodes", labels=writer.labels,
                   theme=th)


def _fit_16_9(make, writer: GraphWriter, count: int) -> tuple[str, str]:
    """The DOT text and direction ("LR" or "TB") whose picture fits a 16:9 slide best.

    Small graphs are laid out both ways, and top to bottom also with the legend beside
    the output rather than under the picture (a tall picture has room at its side), and
    measured (Graphviz's own size; the first of equals wins); larger ones, or without a
    renderer, use the estimate of :mod:`micrograd_ed.viz.core.estimate`.
    """
    sources = {("LR", False): make("LR"), ("TB", False): make("TB")}
    scale = {}
    if count <= AUTO_LAYOUT_NODES:
        sources[("TB", True)] = make("TB", beside=True)
        try:
            for key, src in sources.items():
                bb = json.loads(backends.render(src, "json"))["bb"].split(",")
                scale[key] = fit_scale((float(bb[2]) - float(bb[0]),
                                        float(bb[3]) - float(bb[1])))
        except (backends.RendererNotFoundError, backends.RenderError, KeyError, ValueError):
            scale = {}
    if not scale:
        sources.pop(("TB", True), None)
        scale = {key: fit_scale(writer.size(key[0])) for key in sources}
    best = max(sources, key=lambda key: scale[key])
    return sources[best], best[0]


# ------------------------------------------------------------ structure
def _check_options(root, rankdir, max_nodes, group_by, collapse, show_local_grads,
                   legend) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph expects a Value, got {type(root).__name__}")
    if rankdir is not None and rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if group_by not in GROUP_BY:
        raise ValueError(f"group_by must be None, 'neuron' or 'layer', got {group_by!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    for name, flag in (("collapse", collapse), ("show_local_grads", show_local_grads),
                       ("legend", legend)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")


def _too_large(nodes: list[Value], used_by: dict[Value, list[Value]], count: int,
               max_nodes: int, collapse: bool, scope: dict[Value, Scope]) -> str:
    ops = sum(1 for v in nodes if v.op)
    msg = (f"this graph has {count:,} nodes to draw ({len(nodes):,} values and {ops:,} ops), "
           f"more than max_nodes={max_nodes:,}; drawn whole it would be unreadable. ")
    if not collapse:
        scope = scope or scopes(nodes, used_by)
        if scope:
            small = count_nodes(nodes, scope, True)
            msg += (f"Try collapse=True (one node per neuron: {small:,} nodes), with "
                    "group_by='layer' to box each layer; ")
        else:
            msg += ("collapse=True and group_by='neuron'/'layer' need a graph built by "
                    "micrograd_ed.nn (none of its nodes has a scope); ")
    else:
        msg += "Draw a smaller part of the model (one neuron or one sample); "
    return msg + f"or pass max_nodes={count} to draw it anyway."


def _kinds(nodes: list[Value], root: Value, params: Iterable[Value] | None) -> dict[Value, str]:
    """"output", "value" (an op's result), "param", "input" or "leaf" for every node.

    Leaves are parameters or inputs when the parameters are known (given, or
    labelled like nn's "w[...]"/"b[...]"); otherwise they are plain leaves.
    """
    if params is None:
        pset = {v for v in nodes if not v.op and _PARAM_LABEL.match(v.label)}
    else:
        params = list(params)
        for p in params:
            if not isinstance(p, Value):
                raise TypeError(f"params must be Values, got {type(p).__name__} ({p!r:.40})")
        pset = set(params)
    kinds = {}
    for v in nodes:
        if v is root:
            kinds[v] = "output"
        elif v.op:
            kinds[v] = "value"
        elif v in pset:
            kinds[v] = "param"
        else:
            kinds[v] = "input" if pset else "leaf"
    return kinds


# ---------------------------------------------------------------- legend
def _legend(w: GraphWriter, plan: Plan, nodes: list[Value], rankdir: str,
            mirror: Mirror | None = None) -> list[str]:
    """The legend's lines: how to read the figure, no wider than the picture (and, for
    another engine's graph, whose graph it is and what was assumed)."""
    t, r = w.t, w.r
    short = not t.words
    drawn = {kind for _, _, kind in w.drawn}
    ph = []
    if r.computed:
        if w.show_local:
            ph.append("edge: grad = result's grad \u00d7 local derivative" if short else
                      "edge: data forward, grad back = result's grad \u00d7 local derivative")
        else:
            ph.append("edge: data forward, grad back (its share of the value's grad)")
        ph.append("used k times: grad = sum of its k edge grads" if short else
                  "a value used k times: its grad = the sum of its k edges' grads")
        neg = "blue (dashed): grad < 0" if t.dashed_negative else "blue: grad < 0"
        ph.append(f"red: grad > 0, {neg}")
        ph.append(f"colour, width: {w.scale.describe()}")
    else:
        ph.append("grad ?: not computed yet (call backward() on the output)")
    kinds = []
    if "param" in drawn:
        kinds.append("green rounded: parameter")
    if "input" in drawn:
        kinds.append("square: input")
    if "output" in drawn:
        kinds.append("yellow: output")
    if "neuron" in drawn:
        kinds.append("double border: a whole neuron")
    if kinds:
        ph.append(", ".join(kinds))
    if any(_NN_NAMES.match(v.label) for v in nodes):
        ph.append("w[l,n,i]: weight i of neuron n in layer l, b[l,n] its bias"
                  if short else
                  "w[l,n,i]: weight i of neuron n in layer l; b[l,n]: its bias")
        ph.append("z[l,n] = dot(w, x) + b,  a[l,n] = act(z)")
    if plan.numbers:
        ph.append("x[i]: an input given as a number")
    if plan.ghosted:
        ph.append("dashed box: a value drawn again beside each use")
    if plan.collapsed and not w.labelled:
        ph.append("edges unlabelled (too many): colour and width show the grad")
    if w.stale:
        ph.append(f"orange border: {mirror.mark_note if mirror else STALE_NOTE}")
    anchor = w.sizes.get(w.anchor(), (0.0, 0.0))[0]
    width = legend_mod.width_for(rankdir, w.size(rankdir)[0], anchor)
    lines = legend_mod.pack(ph, width, t.legend_fontsize)
    if mirror is not None:          # whose graph, what was assumed: wrapped, each apart
        chars = max(40, int(width / (0.62 * t.legend_fontsize)))
        lines += [line for p in mirror.phrases() for line in textwrap.wrap(p, chars)]
    return lines

