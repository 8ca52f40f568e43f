"""Regenerate the figures in diagrams/: ``make diagrams``.

Each figure is written in the notebook theme to ``diagrams/`` and in the slide
theme to ``diagrams/slides/``, each as ``NAME.dot`` (the DOT source,
byte-identical on every run, so a test can check it) and ``NAME.svg`` (rendered
by graphviz-pure from PyPI, or the system Graphviz when there is one).

    python diagrams/make_diagrams.py [OUT_DIR] [--dot-only]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from micrograd_ed.engine import Value
from micrograd_ed.nn import MLP
from micrograd_ed.teach.worked_example import chain_rule_example
from micrograd_ed.viz import Diagram, draw_graph, draw_network

HERE = Path(__file__).resolve().parent
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])


THEMES = {"notebook": ".", "slide": "slides"}


def chain_rule(theme: str) -> Diagram:
    """L = (a*b + c) * f with a=2, b=-3, c=10, f=-2, after backward: dL/da = b*f = 6."""
    L = chain_rule_example()
    L.backward()
    return draw_graph(L, theme=theme,
                      title="The chain rule: L = (a\u00b7b + c)\u00b7f, after L.backward()")


def sum_rule(theme: str) -> Diagram:
    """A value used three times: its grad is the sum of the three edges' shares.

    y = x*x + 3*x with x = 3: dy/dx = 2x + 3 = 9 = 3 + 3 + 3 (the edges of x*x
    carry x = 3 each, the edge of 3*x carries 3).
    """
    x = Value(3.0, label="x")
    sq = x * x
    sq.label = "x\u00b2"
    y = sq + 3 * x
    y.label = "y"
    y.backward()
    return draw_graph(y, theme=theme,
                      title="A value used three times: its grad is the sum of its edges' grads")


def tanh_neuron(theme: str) -> Diagram:
    """The tanh neuron of the lecture: o = tanh(x1 w1 + x2 w2 + b), n = 0.8814, o = 0.7071."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return draw_graph(o, params=[w1, w2, b], theme=theme,
                      title="A tanh neuron: o = tanh(x1\u00b7w1 + x2\u00b7w2 + b)")


def sigmoid_neuron(theme: str) -> Diagram:
    """The lecture's sigmoid neuron with cross-entropy loss for label y = 1: L = -log a.

    z = w1 x1 + wp xp + b = 0.104, a = sigma(z) = 0.526, so dL/da = -1/a = -1.9,
    da/dz = a(1-a) = 0.249, dL/dw1 = x1 a(1-a) (-1/a) = -0.24, dL/dwp = -0.28,
    dL/db = -0.47.
    """
    x1, xp = Value(0.5, label="x1"), Value(0.6, label="xp")
    w1, wp, b = Value(0.3, label="w1"), Value(-0.2, label="wp"), Value(0.074, label="b")
    z = w1 * x1 + wp * xp + b
    z.label = "z"
    a = z.sigmoid()
    a.label = "a"
    log_a = a.log()
    log_a.label = "log a"
    L = -log_a
    L.label = "L"
    L.backward()
    return draw_graph(L, params=[w1, wp, b], theme=theme,
                      title="Sigmoid neuron, cross-entropy loss for label y = 1: "
                            "L = -log a,  a = \u03c3(w1\u00b7x1 + wp\u00b7xp + b)")


def xor_model(steps: int = 300, lr: float = 2.0) -> MLP:
    """A 2-2-1 sigmoid MLP (seed 0) after `steps` of full-batch gradient descent on XOR.

    After 300 steps it predicts 0.10, 0.83, 0.83, 0.27 for 00, 01, 10, 11:
    right on all four, and not yet saturated, so the gradients are visible.
    """
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    for _ in range(steps):
        a = model(XOR_X)  # batched: one graph for the four examples
        loss = -((a.log() * XOR_Y) + (1 - a).log() * (1 - XOR_Y)).mean()
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
    model.zero_grad()
    return model


def xor_graph(model: MLP, theme: str) -> Diagram:
    """The graph of one XOR example, x = (1, 0), y = 1, L = -log a, boxed by neuron."""
    x = [Value(1.0, label="x[0]"), Value(0.0, label="x[1]")]
    a = model(x)
    L = -a.log()
    L.label = "L"
    L.backward()
    return draw_graph(L, group_by="neuron", theme=theme,
                      title="XOR net 2-2-1 (sigmoid, trained 300 steps), one example "
                            "x = (1, 0), y = 1: L = -log a, grouped by neuron")


def xor_network(model: MLP, theme: str) -> Diagram:
    return draw_network(model, [1.0, 0.0], theme=theme)


def mlp_collapsed(theme: str) -> Diagram:
    """MLP(3, [4, 2]) on the numbers x = (1, -2, 0.5), one box per neuron, L = out0 * out1."""
    model = MLP(3, [4, 2], seed=0)
    out = model([1.0, -2.0, 0.5])
    L = out[0] * out[1]
    L.label = "L"
    L.backward()
    return draw_graph(L, collapse=True, theme=theme,
                      title="MLP(3, [4, 2]) collapsed: one box per neuron, inputs given as numbers")


def digits_network(theme: str) -> Diagram:
    """The digit network of the lecture: 784 pixels, two hidden layers of 16, 10 outputs."""
    model = MLP(784, [16, 16, 10], activation="sigmoid", output_activation="sigmoid", seed=0)
    return draw_network(model, theme=theme, title="The digit network MLP(784, [16, 16, 10]), "
                                     "13,002 parameters: random initial weights (seed 0)")


def figures() -> dict[str, Callable[[str], Diagram]]:
    """Every figure by file name, in the order they are written; each takes a theme name."""
    xor = xor_model()
    return {
        "chain_rule": chain_rule,
        "sum_rule": sum_rule,
        "tanh_neuron": tanh_neuron,
        "sigmoid_neuron": sigmoid_neuron,
        "xor_graph": lambda theme: xor_graph(xor, theme),
        "xor_network": lambda theme: xor_network(xor, theme),
        "mlp_collapsed": mlp_collapsed,
        "digits_network": digits_network,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the figures of diagrams/.")
    parser.add_argument("out_dir", nargs="?", type=Path, default=HERE,
                        help="where to write NAME.dot and NAME.svg, and slides/NAME.* "
                             "(default: diagrams/)")
    parser.add_argument("--dot-only", action="store_true",
                        help="write only the DOT sources (no renderer needed)")
    args = parser.parse_args(argv)
    if not args.out_dir.is_dir():
        parser.error(f"output directory {args.out_dir} does not exist")
    for theme, folder in THEMES.items():
        out = args.out_dir / folder
        out.mkdir(exist_ok=True)
        for name, make in figures().items():
            diagram = make(theme)
            written = [diagram.save(out / f"{name}.dot")]
            if not args.dot_only:
                written.append(diagram.save(out / f"{name}.svg"))
            print("wrote", ", ".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
