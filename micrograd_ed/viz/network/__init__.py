"""The lecture's picture of a network: neurons as circles in columns, weights as edges.

    draw.py  draw_network(model)
    dot.py   its DOT text
"""

from micrograd_ed.viz.network.draw import draw_network

__all__ = ["draw_network"]
