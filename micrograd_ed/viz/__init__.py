"""Pictures of the graph: values and gradients on every edge, as SVG, with no system software.

>>> from micrograd_ed import Value
>>> from micrograd_ed.viz import draw_graph
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> L = a * b; L.label = "L"; L.backward()
>>> d = draw_graph(L)
>>> d.source.startswith("digraph")      # DOT text, no renderer needed
True

``d.svg()`` renders it, ``d.save("L.svg")`` writes it, and Jupyter shows it.
"""

from micrograd_ed.viz.backends import LayoutTimeoutError, RendererNotFoundError, RenderError
from micrograd_ed.viz.diagram import Diagram
from micrograd_ed.viz.graph import GraphTooLargeError, StaleGradientWarning, draw_graph
from micrograd_ed.viz.inline import value_mimebundle
from micrograd_ed.viz.network import draw_network
from micrograd_ed.viz.steps_player import Steps, step_through
from micrograd_ed.viz.training import TrainingPlayer, draw_training

__all__ = [
    "Diagram",
    "GraphTooLargeError",
    "LayoutTimeoutError",
    "RenderError",
    "RendererNotFoundError",
    "StaleGradientWarning",
    "Steps",
    "TrainingPlayer",
    "draw_graph",
    "draw_network",
    "draw_training",
    "step_through",
    "value_mimebundle",
]
