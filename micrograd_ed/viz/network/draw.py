"""The lecture's picture of a network: neurons as circles in columns, weights as edges.

Edge width is proportional to |w| (or to |dL/dw| with ``show="grads"``) and
its colour gives the sign: red positive, blue negative. With an input ``x``
the model runs forward once and each neuron shows its activation. A column
wider than ``max_column`` (the 784 pixels of a digit) shows its first and
last few neurons around an ellipsis.
"""

from __future__ import annotations

from collections.abc import Sequence

from micrograd_ed.engine import Value
from micrograd_ed.viz.core.diagram import Diagram
from micrograd_ed.viz.core.dot import fmt
from micrograd_ed.viz.core.themes import Theme, get_theme
from micrograd_ed.viz.network.dot import NetWriter

SHOW = ("weights", "grads")
RANKDIRS = ("LR", "TB")


def draw_network(model, x: Sequence[float] | None = None, *, show: str = "weights",
                 title: str | None = None, precision: int | None = None, max_column: int = 20,
                 ends: int = 3, theme: str | Theme = "notebook", fontsize: float | None = None,
                 edge_fontsize: float | None = None, rankdir: str = "LR") -> Diagram:
    """Draw an MLP (or a Layer, or a Neuron) as the lecture draws it.

    Parameters
    ----------
    x: one input (a list of numbers); the model runs forward on it and every
        neuron shows its activation.
    show: "weights" (edges show w) or "grads" (edges show dL/dw: call
        ``loss.backward()`` first).
    title: a caption; by default the architecture and what is shown.
    precision: significant digits of the numbers written (default 3).
    theme: "notebook", "slide" or "print" (see :mod:`micrograd_ed.viz.core.themes`);
        ``fontsize``/``edge_fontsize`` override its neuron and weight text size.
    max_column: a column with more neurons than this shows only the first
        and last ``ends`` of them, with an ellipsis between.
    rankdir: "LR" (layers are columns, neuron 0 at the top) or "TB" (layers
        are rows, neuron 0 on the left).

    Every weight's number sits on its edge, in a box the edge runs into and
    out of, so crossing edges cannot be confused; with more than 30 weights
    between some two layers the numbers are dropped everywhere (the legend says
    so; the layers stay evenly spaced) and colour and width show them.
    """
    th = get_theme(theme, net_fontsize=fontsize, net_edge_fontsize=edge_fontsize)
    precision = 3 if precision is None else precision
    layers = _layers(model)
    if show not in SHOW:
        raise ValueError(f"show must be 'weights' or 'grads', got {show!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    for name, n in (("max_column", max_column), ("ends", ends), ("precision", precision)):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"{name} must be a positive int, got {n!r}")
    if 2 * ends >= max_column:
        raise ValueError(f"ends={ends} must be less than max_column/2={max_column / 2:g}")
    nin = len(layers[0][0].w)
    acts = _forward(layers, x, nin) if x is not None else None
    if show == "grads" and not _any_grad(layers):
        raise ValueError("show='grads' but every dL/dw is 0: compute a loss from this model "
                         "and call loss.backward() first")
    cols = [_shown(n, max_column, ends) for n in [nin, *(len(lay) for lay in layers)]]
    net = NetWriter(layers, nin, acts, show, precision, cols, th)
    sizes = "-".join(str(n) for n in [nin, *(len(lay) for lay in layers)])
    if title is None:
        what = "weights w" if show == "weights" else "gradients dL/dw"
        title = f"MLP {sizes}: edges show {what}"
        if x is not None:
            shown = ", ".join(fmt(v, precision) for v in list(x)[:4])
            title += f"; activations for x = [{shown}{', ...' if nin > 4 else ''}]"
    return Diagram(net.source(title, rankdir), f"network {sizes}, showing {show}", theme=th)


# ---------------------------------------------------------------- model
def _layers(model) -> list[list]:
    """The neurons of each layer of an MLP, a Layer or a single Neuron (duck-typed)."""
    if hasattr(model, "layers"):
        layers = [list(layer.neurons) for layer in model.layers]
    elif hasattr(model, "neurons"):
        layers = [list(model.neurons)]
    elif hasattr(model, "w") and hasattr(model, "b"):
        layers = [[model]]
    else:
        raise TypeError(f"draw_network expects an MLP, Layer or Neuron from micrograd_ed.nn, "
                        f"got {type(model).__name__}")
    if not layers or not all(layers):
        raise ValueError("draw_network: the model has an empty layer")
    width = len(layers[0][0].w)
    for k, layer in enumerate(layers):
        for j, n in enumerate(layer):
            if len(n.w) != width:
                raise ValueError(f"draw_network: neuron {j} of layer {k} has {len(n.w)} "
                                 f"weights but the layer before it has {width} outputs")
        width = len(layer)
    return layers


def _forward(layers: list[list], x: Sequence[float], nin: int) -> list[list[float]]:
    """Run the model on one input and return every layer's activations (floats)."""
    try:
        xs = [float(v.data if isinstance(v, Value) else v) for v in x]
    except (TypeError, ValueError):
        raise TypeError(f"x must be a list of {nin} numbers, got {x!r:.60}") from None
    if len(xs) != nin:
        raise ValueError(f"x has {len(xs)} numbers but the model takes {nin} inputs")
    acts = [xs]
    for layer in layers:
        out = [neuron(acts[-1]) for neuron in layer]
        acts.append([float(v.data) for v in out])
    return acts


def _any_grad(layers: list[list]) -> bool:
    return any(p.grad != 0 for layer in layers for n in layer for p in (*n.w, n.b))


def _shown(n: int, max_column: int, ends: int) -> list[int | None]:
    """Indices drawn for a column of n neurons; None marks the ellipsis."""
    if n <= max_column:
        return list(range(n))
    return [*range(ends), None, *range(n - ends, n)]
