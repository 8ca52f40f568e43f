"""The lecture's picture of a network: neurons as circles in columns, weights as edges.

Edge width is proportional to |w| (or to |dL/dw| with ``show="grads"``) and
its colour gives the sign: red positive, blue negative. With an input ``x``
the model runs forward once and each neuron shows its activation. A column
wider than ``max_column`` (the 784 pixels of a digit) shows its first and
last few neurons around an ellipsis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from micrograd_ed.engine import Value
from micrograd_ed.viz import style
from micrograd_ed.viz.diagram import Diagram
from micrograd_ed.viz.dot import Raw, attrs, fmt, lines, quote

SHOW = ("weights", "grads")
_SYMBOL = {"sigmoid": "\u03c3", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "lReLU",
           "softplus": "softplus", "linear": "", "identity": "", "none": "", "": ""}
_LABEL_EDGES = 30  # write each weight on its edge when there are at most this many


def draw_network(model, x: Sequence[float] | None = None, *, show: str = "weights",
                 title: str | None = None, precision: int = 3, max_column: int = 20,
                 ends: int = 3) -> Diagram:
    """Draw an MLP (or a Layer, or a Neuron) as the lecture draws it.

    Parameters
    ----------
    x: one input (a list of numbers); the model runs forward on it and every
        neuron shows its activation.
    show: "weights" (edges show w) or "grads" (edges show dL/dw: call
        ``loss.backward()`` first).
    title: a caption; by default the architecture and what is shown.
    precision: significant digits of the numbers written.
    max_column: a column with more neurons than this shows only the first
        and last ``ends`` of them, with an ellipsis between.
    """
    layers = _layers(model)
    if show not in SHOW:
        raise ValueError(f"show must be 'weights' or 'grads', got {show!r}")
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
    net = _Net(layers, nin, acts, show, precision, max_column, ends)
    sizes = "-".join(str(n) for n in [nin, *(len(lay) for lay in layers)])
    if title is None:
        what = "weights w" if show == "weights" else "gradients dL/dw"
        title = f"MLP {sizes}: edges show {what}"
        if x is not None:
            shown = ", ".join(fmt(v, precision) for v in list(x)[:4])
            title += f"; activations for x = [{shown}{', ...' if nin > 4 else ''}]"
    return Diagram(net.source(title), f"network {sizes}, showing {show}")


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


# ------------------------------------------------------------------ DOT
class _Net:
    """Writes the DOT text of one network picture: a header and a column per layer, then edges."""

    def __init__(self, layers, nin, acts, show, precision, max_column, ends) -> None:
        self.layers, self.nin, self.acts, self.show = layers, nin, acts, show
        self.p = precision
        self.sizes = [nin, *(len(layer) for layer in layers)]
        self.cols = [_shown(n, max_column, ends) for n in self.sizes]
        self.big = sum(len(c) for c in self.cols) > 40

    def value(self, neuron, i: int) -> float:
        w = neuron.w[i]
        return float(w.data if self.show == "weights" else w.grad)

    def name(self, col: int, i: int | None) -> str:
        prefix = "x" if col == 0 else f"h{col}_"
        return f"{prefix}{'more' if i is None else i}"

    def source(self, title: str) -> str:
        out = ["digraph network {",
               f"  graph {attrs(self._graph(title))};",
               f"  node {attrs(self._node_defaults())};",
               f"  edge {attrs({'arrowhead': 'none', 'fontname': style.FONT, 'fontsize': 8})};"]
        for col, shown in enumerate(self.cols):
            out += self._column(col, shown)
        edges, largest = self._edges()
        out += edges
        out += ["  " + s for s in self._legend(largest)]
        return "\n".join([*out, "}", ""])

    def _graph(self, title: str) -> dict[str, object]:
        return {"rankdir": "LR", "splines": "line", "fontname": style.FONT, "fontsize": 14,
                "label": Raw(quote(title)), "labelloc": "t",
                "nodesep": 0.08 if self.big else 0.3, "ranksep": 2.2 if self.big else 1.6}

    def _node_defaults(self) -> dict[str, object]:
        width = 0.42 if self.big else (1.0 if self.acts is not None else 0.85)
        return {"shape": "circle", "style": "filled", "fixedsize": "true", "width": width,
                "fontname": style.FONT, "fontsize": 8 if self.big else 10, "color": "#555555"}

    def _column(self, col: int, shown: list[int | None]) -> list[str]:
        """A header, then the column's neurons top to bottom, in one rank."""
        head = f"head{col}"
        out = [f"  {head} {attrs(self._header(col))};"]
        out += [f"  {self.name(col, i)} {attrs(self._neuron(col, i))};" for i in shown]
        names = [head, *(self.name(col, i) for i in shown)]
        out.append("  {rank=same; " + " -> ".join(names) + " [style=invis];}")
        return out

    def _header(self, col: int) -> dict[str, object]:
        n = self.sizes[col]
        if col == 0:
            text = f"input\n{n} value{'s' if n > 1 else ''}"
        else:
            act = self.layers[col - 1][0].activation
            kind = "output" if col == len(self.cols) - 1 else f"hidden {col}"
            text = f"{kind}\n{n} neuron{'s' if n > 1 else ''}, {act}"
        return {"label": text, "shape": "plaintext", "style": "", "fixedsize": "false",
                "fontsize": 10}

    def _neuron(self, col: int, i: int | None) -> dict[str, object]:
        if i is None:
            hidden = self.sizes[col] - (len(self.cols[col]) - 1)
            return {"label": f"\u2026\n{hidden} more", "shape": "plaintext", "style": "",
                    "fixedsize": "false"}
        last = col == len(self.cols) - 1
        if col == 0:
            parts = [f"x[{i}]"]
            if self.acts is not None:
                parts.append(fmt(self.acts[0][i], self.p))
            return {"label": Raw(lines(*parts)), "fillcolor": "#e5dcf3"}
        neuron = self.layers[col - 1][i]
        parts = [_SYMBOL.get(neuron.activation, neuron.activation)]
        if last and self.sizes[col] > 1:
            parts[0] = f"{i} {parts[0]}".strip()  # output neurons are numbered (the digit)
        if self.acts is not None:
            parts.append("a " + fmt(self.acts[col][i], self.p))
        if not self.big:
            b = neuron.b.data if self.show == "weights" else neuron.b.grad
            parts.append(("b " if self.show == "weights" else "\u2202b ") + fmt(b, self.p))
        return {"label": Raw(lines(*parts)), "fillcolor": "#ffd966" if last else "#ffffff"}

    def _edges(self) -> tuple[list[str], float]:
        edges = [(col, i, j) for col in range(1, len(self.cols))
                 for j in self.cols[col] for i in self.cols[col - 1]]
        values = [self.value(self.layers[c - 1][j], i) for c, i, j in edges
                  if i is not None and j is not None]
        largest = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
        labelled = len(values) <= _LABEL_EDGES
        thick = 2.0 if self.big else 5.0
        out = []
        for col, i, j in edges:
            tail, head = self.name(col - 1, i), self.name(col, j)
            if i is None or j is None:
                out.append(f'  {tail} -> {head} [style=dotted, color="#bbbbbb"];')
                continue
            v = self.value(self.layers[col - 1][j], i)
            a: dict[str, object] = {"color": style.signed_color(v, largest),
                                    "penwidth": _width(v, largest, thick)}
            if labelled:  # near the receiving neuron: apart from the other edges' labels
                a |= {"headlabel": fmt(v, self.p), "labelfontcolor": style.text_color(v),
                      "labeldistance": 3.5, "labelangle": 12, "labelfontsize": 9}
            out.append(f"  {tail} -> {head} {attrs(a)};")
        return out, largest

    def _legend(self, largest: float) -> list[str]:
        """One text item: Graphviz lays this rank out bottom-up, which would reverse several."""
        sym = "w" if self.show == "weights" else "dL/dw"
        text = (f"red edge: {sym} > 0\nblue edge: {sym} < 0\n"
                f"width proportional to |{sym}|\n(largest {fmt(largest, self.p)})")
        if self.acts is not None:
            text += "\na: activation for x"
        if not self.big:
            text += "\nb: bias" if self.show == "weights" else "\n\u2202b: dL/db"
        note = style.note(text) | {"fixedsize": "false", "fontsize": 9}
        return style.legend([note], self.name(len(self.cols) - 1, self.cols[-1][0]))


def _width(v: float, largest: float, thick: float) -> float:
    """Edge width proportional to |v|: ``thick`` points for the largest, at least 0.25."""
    if largest <= 0 or not math.isfinite(v):
        return 0.25
    return round(max(0.25, thick * abs(v) / largest), 2)
