"""A network as layers of matrices: W, b, z, a and δ per layer, with the equations.

    draw.py    draw_layers(model, X, y, loss=...), draw_backprop(backprop)
    grid.py    one matrix as a grid: numbers when small, a heatmap with its shape when big
    player.py  step_through_layers(model, X, y, loss=...): one equation per step (HTML page)
"""

from micrograd_ed.viz.layers.draw import draw_backprop, draw_layers
from micrograd_ed.viz.layers.player import LayerStep, LayerSteps, step_through_layers

__all__ = ["LayerStep", "LayerSteps", "draw_backprop", "draw_layers", "step_through_layers"]
