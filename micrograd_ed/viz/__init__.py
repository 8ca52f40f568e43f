"""Pictures of the graph: values and gradients on every edge, as SVG, with no system software.

>>> from micrograd_ed import Value
>>> from micrograd_ed.viz import draw_graph
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> L = a * b; L.label = "L"; L.backward()
>>> d = draw_graph(L)
>>> d.source.startswith("digraph")      # DOT text, no renderer needed
True

``d.svg()`` renders it, ``d.save("L.svg")`` writes it, and Jupyter shows it.

The parts, each a subpackage with its entry point re-exported here:

    graph/     draw_graph: the computation graph, values and gradients on every edge
    steps/     step_through: backprop one step at a time (player, HTML page, slides)
    compare.py compare_graphs: one expression in micrograd_ed and in PyTorch (or any engine),
               side by side, each node marked where the numbers agree
    network/   draw_network: the lecture's picture of a network
    layers/    draw_layers, step_through_layers: the network as matrices W, b, z, a, δ with
               the equations, drawn or stepped through (loaded on first use)
    training/  draw_training: the training player (loads matplotlib on first use)
    core/      what they share: DOT, themes, colours, backends, Diagram, PDF, pages
    inline.py  how a Value shows itself in Jupyter (the engine's display hook)
"""

from micrograd_ed.viz.compare import Comparison, compare_graphs
from micrograd_ed.viz.core.backends import LayoutTimeoutError, RendererNotFoundError, RenderError
from micrograd_ed.viz.core.diagram import Diagram
from micrograd_ed.viz.graph.draw import GraphTooLargeError, StaleGradientWarning, draw_graph
from micrograd_ed.viz.inline import value_mimebundle
from micrograd_ed.viz.network.draw import draw_network
from micrograd_ed.viz.steps.player import Steps, step_through

__all__ = [
    "Comparison",
    "Diagram",
    "GraphTooLargeError",
    "LayoutTimeoutError",
    "RenderError",
    "RendererNotFoundError",
    "StaleGradientWarning",
    "Steps",
    "TrainingPlayer",
    "compare_graphs",
    "draw_graph",
    "draw_layers",
    "draw_network",
    "draw_training",
    "step_through",
    "step_through_layers",
    "value_mimebundle",
]


def __getattr__(name: str):
    """The training player loads on first use: it needs matplotlib, whose import makes the
    garbage collector track ~67,000 more objects and so slows every training step of a
    process that never draws (see micrograd_ed/engine/memory.py)."""
    if name in ("TrainingPlayer", "draw_training"):
        from micrograd_ed.viz import training

        return getattr(training, name)
    if name in ("draw_layers", "step_through_layers"):
        # on use: micrograd_ed.layers (the matrices) imports the checker, which draws
        from micrograd_ed.viz import layers

        return getattr(layers, name)
    raise AttributeError(f"module 'micrograd_ed.viz' has no attribute {name!r}")
