"""Backprop one step at a time: step_through(root) as a player, an HTML page or slides.

    model.py   the steps: the forward pass op by op, then backward edge by edge, with captions
    player.py  step_through and Steps (notebook, page, PDF)
    named.py   what the pictures draw: the graph with every box showing its caption name
    svg.py     the graph's SVG, tagged for stepping
    pdf.py     the steps as a lecture deck, one PDF page per step
"""

from micrograd_ed.viz.steps.player import Steps, step_through

__all__ = ["Steps", "step_through"]
