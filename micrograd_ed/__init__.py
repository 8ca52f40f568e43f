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

Every name below is importable from here, but only the engine and gradcheck load with
the package; the others load on first use (PEP 562), so ``from micrograd_ed import
Value`` does not load the renderer. The renderer needs XML, subprocess and file tools
from the standard library: about 6,600 more objects, which every full garbage
collection of a process that only trains would walk (see micrograd_ed/engine/memory.py).
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

from micrograd_ed import _moved
from micrograd_ed.engine import (
    Value,
    backward_order,
    detect_anomaly,
    dot,
    fused_sum,
    topological_order,
    zero_grad,
)
from micrograd_ed.engine.display import set_display_hook

# (Loaded now, not lazily: once the submodule micrograd_ed.gradcheck is imported, Python
# sets the package attribute `gradcheck` to that module, which would hide the function.)
from micrograd_ed.gradcheck import gradcheck, numerical_grad

_moved.install()                    # old module paths (micrograd_ed.digits, ...) keep working


def _show_value(value: Value) -> dict:
    """Jupyter's picture of a Value: its graph, drawn by the renderer (loaded on first use)."""
    return importlib.import_module("micrograd_ed.viz.inline").value_mimebundle(value)


set_display_hook(_show_value)

_LAZY = {                           # public name -> the module that defines it
    "MLP": "nn", "Layer": "nn", "Module": "nn", "Neuron": "nn", "Perceptron": "nn",
    "SGD": "optim", "Adam": "optim",
    "accuracy": "train", "fit": "train", "predict": "train",
    "draw_graph": "viz", "draw_network": "viz",
}

__all__ = [
    "MLP", "SGD", "Adam", "Layer", "Module", "Neuron", "Perceptron", "Value", "accuracy",
    "detect_anomaly", "dot", "draw_graph", "draw_network", "fit", "fused_sum", "gradcheck",
    "backward_order", "numerical_grad", "predict", "topological_order", "zero_grad",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """Load the module behind a public name on first use, and keep the name here; a
    submodule (``micrograd_ed.nn``) loads on first use too."""
    if name in _LAZY:
        value = getattr(importlib.import_module(f"micrograd_ed.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    if not name.startswith("_") and importlib.util.find_spec(f"micrograd_ed.{name}"):
        return importlib.import_module(f"micrograd_ed.{name}")
    raise AttributeError(f"module 'micrograd_ed' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


if TYPE_CHECKING:                   # what type checkers and editors see
    from micrograd_ed.nn import MLP, Layer, Module, Neuron, Perceptron
    from micrograd_ed.optim import SGD, Adam
    from micrograd_ed.train import accuracy, fit, predict
    from micrograd_ed.viz import draw_graph, draw_network
