"""Regenerate the figures in diagrams/: ``make diagrams``.

Each figure is written twice: ``NAME.dot`` (the DOT source, byte-identical on
every run, so a test can check it) and ``NAME.svg`` (rendered by the system
Graphviz or, without one, by the WebAssembly Graphviz from PyPI).

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
from micrograd_ed.viz import Diagram, draw_graph, draw_network
from micrograd_ed.worked_example import chain_rule_example

HERE = Path(__file__).resolve().parent
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])


def chain_rule() -> Diagram:
    """L = (a*b + c) * f with a=2, b=-3, c=10, f=-2, after backward: dL/da = b*f = 6."""
    L = chain_rule_example()
    L.backward()
    return draw_graph(L, title="The chain rule: L = (a\u00b7b + c)\u00b7f, after L.backward()")


def sigmoid_neuron() -> Diagram:
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
    return draw_graph(L, params=[w1, wp, b],
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


def xor_graph(model: MLP) -> Diagram:
    """The graph of one XOR example, x = (1, 0), y = 1, L = -log a, boxed by neuron."""
    x = [Value(1.0, label="x[0]"), Value(0.0, label="x[1]")]
    a = model(x)
    L = -a.log()
    L.label = "L"
    L.backward()
    return draw_graph(L, group_by="neuron",
                      title="XOR net 2-2-1 (sigmoid, trained 300 steps), one example "
                            "x = (1, 0), y = 1: L = -log a, grouped by neuron")


def xor_network(model: MLP) -> Diagram:
    return draw_network(model, [1.0, 0.0])


def digits_network() -> Diagram:
    """The digit network of the lecture: 784 pixels, two hidden layers of 16, 10 outputs."""
    model = MLP(784, [16, 16, 10], activation="sigmoid", output_activation="sigmoid", seed=0)
    return draw_network(model, title="The digit network MLP(784, [16, 16, 10]), "
                                     "13,002 parameters: random initial weights (seed 0)")


def figures() -> dict[str, Callable[[], Diagram]]:
    """Every figure by file name, in the order they are written."""
    xor = xor_model()
    return {
        "chain_rule": chain_rule,
        "sigmoid_neuron": sigmoid_neuron,
        "xor_graph": lambda: xor_graph(xor),
        "xor_network": lambda: xor_network(xor),
        "digits_network": digits_network,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the figures of diagrams/.")
    parser.add_argument("out_dir", nargs="?", type=Path, default=HERE,
                        help="where to write NAME.dot and NAME.svg (default: diagrams/)")
    parser.add_argument("--dot-only", action="store_true",
                        help="write only the DOT sources (no renderer needed)")
    args = parser.parse_args(argv)
    if not args.out_dir.is_dir():
        parser.error(f"output directory {args.out_dir} does not exist")
    for name, make in figures().items():
        diagram = make()
        written = [diagram.save(args.out_dir / f"{name}.dot")]
        if not args.dot_only:
            written.append(diagram.save(args.out_dir / f"{name}.svg"))
        print("wrote", ", ".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
