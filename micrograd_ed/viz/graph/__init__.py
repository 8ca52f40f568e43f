"""The computation graph of a Value, with the value and the gradient on every edge.

    draw.py   draw_graph(root): the entry point
    plan.py   what is drawn (boxes and edges), before any DOT is written
    dot.py    the DOT text of the plan
    order.py  DOT statements that keep a network's nodes in index order
"""

from micrograd_ed.viz.graph.draw import GraphTooLargeError, StaleGradientWarning, draw_graph

__all__ = ["GraphTooLargeError", "StaleGradientWarning", "draw_graph"]
