"""A network as layers of matrices: W, b, z, a and δ per layer, with the equations.

    draw.py  draw_layers(model, X, y, loss=...), draw_backprop(backprop)
    grid.py  one matrix as a grid: numbers when small, a heatmap with its shape when big
"""

from micrograd_ed.viz.layers.draw import draw_backprop, draw_layers

__all__ = ["draw_backprop", "draw_layers"]
