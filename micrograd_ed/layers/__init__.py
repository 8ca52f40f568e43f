"""Backprop in the lecture's matrix form: layers of W, b, z, a and δ, in numpy.

* :func:`layer_backprop` -- an MLP's forward values, δ and gradients, layer by layer, with the
  four matrix equations (BP1-BP4); equal to the scalar engine's gradients to rounding;
* :func:`check_layer_backward` -- checks a learner's own numpy backprop
  ``fn(Ws, bs, X, y) -> (dWs, dbs)`` on graded nets and batches, naming the first wrong layer
  and array, with hints for the matrix-form mistakes; time-bounded, no tracebacks;
* :func:`matrix_backward` -- its reference answer, ``(dWs, dbs)`` for plain arrays.
"""

from micrograd_ed.layers.backprop import (
    Backprop,
    LayerGrads,
    backprop_matrices,
    layer_backprop,
    matrix_backward,
    weights_of,
)
from micrograd_ed.layers.check import CaseResult, LayerCheckReport, check_layer_backward
from micrograd_ed.layers.costs import COSTS, Cost, cost_of

__all__ = ["COSTS", "Backprop", "CaseResult", "Cost", "LayerCheckReport", "LayerGrads",
           "backprop_matrices", "check_layer_backward", "cost_of", "layer_backprop",
           "matrix_backward", "weights_of"]
