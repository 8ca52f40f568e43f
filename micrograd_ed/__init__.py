"""micrograd_ed: a scalar autograd engine with graph pictures, for teaching backprop.

>>> from micrograd_ed import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> L = a * b + a
>>> L.backward()
>>> a.grad, b.grad
(-2.0, 2.0)

The pieces, each in its own module: ``engine`` (Value, backward), ``gradcheck``,
``nn`` (Neuron, Layer, MLP, Perceptron), ``losses``, ``optim``, ``data``,
``train`` (fit), ``digits`` (the 784-16-16-10 network) and ``viz`` (draw_graph,
draw_network).
"""

from micrograd_ed.engine import (
    Value,
    backward_order,
    detect_anomaly,
    dot,
    fused_sum,
    topological_order,
    zero_grad,
)
from micrograd_ed.gradcheck import gradcheck, numerical_grad
from micrograd_ed.nn import MLP, Layer, Module, Neuron, Perceptron
from micrograd_ed.optim import SGD, Adam
from micrograd_ed.train import accuracy, fit, predict
from micrograd_ed.viz import draw_graph, draw_network

__all__ = [
    "MLP", "SGD", "Adam", "Layer", "Module", "Neuron", "Perceptron", "Value", "accuracy",
    "detect_anomaly", "dot", "draw_graph", "draw_network", "fit", "fused_sum", "gradcheck",
    "backward_order", "numerical_grad", "predict", "topological_order", "zero_grad",
]
__version__ = "0.1.0"
