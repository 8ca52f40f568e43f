"""The engine: a Value holds data, parents and local derivatives; backward() is two walks.

Every node of a graph is a `Value`::

    data         the number computed in the forward pass
    parents      the Values it was computed from
    local_grads  d data / d parents[i], one per parent, computed together with data
    grad         d root / d node, filled in by root.backward()

so ``L = a * b + a`` makes two nodes besides the leaves a and b: ``a*b`` (parents a, b;
local grads b, a) and ``L`` (parents a*b, a; local grads 1, 1). backward() is the chain rule
in two walks from the root: (1) count how many times each node is used; (2) starting from the
root's gradient 1, pass each node's gradient on once all its uses have added theirs:
``parent.grad += local_grad * node.grad``.

Read in this order (each file top to bottom):

    value.py     Value and its ops: + - * / ** written out, value and local derivative side
                 by side; each unary op one line, a row of:
    ops.py       the op table: for every op its value and local derivative (for a float and a
                 batch) and what the pictures, the checker and the parser say about it
    unary.py     how a row of the table becomes a Value method (float or batch, decided once)
    backward.py  the two walks: backward(), backward_order, topological_order, zero_grad
    batched.py   a minibatch in one graph: per-sample data, .sum() / .mean(), batch-summed grads
    anomaly.py   detect_anomaly(): stop at the first NaN or inf, per thread / context
    messages.py  input checks and error messages
    nary.py      ops with many operands as one node: dot, fused_sum
    speed.py     how it is made fast (slot layout, + and * built in place, walks with counts in
                 the nodes): explained there once, not mixed into the math; fastwalk.py: the walks
    memory.py    pausing the garbage collector while a graph is alive (fit, gradcheck, check)
    display.py   the hook through which the renderer shows a Value in Jupyter

and, for training on batches (each explains its one technique at its top):

    parameters.py  a neuron's weights and bias as ONE array, shown as Parameter Values
    stacked.py     a hidden layer's batched inputs as one node (gradients a matrix at a time)
    layerwise.py   a layer's + b and activation for all its neurons at once
"""

from micrograd_ed.engine.value import Value  # noqa: I001 (value.py first: it binds speed.py)
from micrograd_ed.engine.anomaly import anomaly_enabled, detect_anomaly
from micrograd_ed.engine.backward import (
    backward_order,
    iter_edges,
    topological_order,
    zero_grad,
)
from micrograd_ed.engine.messages import Data, Number
from micrograd_ed.engine.nary import dot, fused_sum
from micrograd_ed.engine.speed import unary as _unary  # noqa: F401 (tests build odd nodes)

__all__ = [
    "Data", "Number", "Value", "anomaly_enabled", "backward_order", "detect_anomaly", "dot",
    "fused_sum", "iter_edges", "topological_order", "zero_grad",
]
