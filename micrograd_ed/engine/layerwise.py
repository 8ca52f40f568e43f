"""The ``+ b`` and the activation of a whole layer on a batch at once: the same nodes, fewer calls.

Neuron j of a layer makes three nodes (nn.Neuron.forward):

    d_j = dot(w_j, x)        z_j = d_j + b_j        a_j = f(z_j)

On a batch each of them is a numpy operation on B numbers, and for small layers the cost is
the calls, not the arithmetic. `bias_and_activation` takes a layer's dot nodes and computes
every z_j and a_j of the layer with one matrix operation each, Z = D + b and A = f(Z), where
f is the op table's own method (value.py) applied to the (m, B) matrix, so its formula and
its local derivative are written in one place. Then it makes each neuron's two nodes from its
row: exactly the nodes, numbers and labels that Neuron.forward makes one neuron at a time
(tested).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from micrograd_ed.engine.speed import binary, unary
from micrograd_ed.engine.value import Value

_new = object.__new__


def _matrix(data: np.ndarray):
    """A throwaway leaf holding a matrix, for applying an op's method to a whole layer."""
    v = _new(Value)
    v.data, v.grad, v.op, v._p0, v._p1, v._d1, v._n = data, 0.0, "", None, (), (), None
    return v


def bias_and_activation(dots: Sequence, biases: Sequence, act: Callable | None,
                        labels: Sequence[tuple[str, str]], scopes: Sequence) -> list:
    """z_j = dots[j] + biases[j] and a_j = act(z_j) for every neuron j of a layer (see top).

    `act` is an op method such as ``Value.tanh`` (None: linear, a_j = z_j); labels[j] is
    neuron j's ``(z label, a label)``. Returns the a_j (or the z_j for a linear layer).
    """
    D = np.stack([d.data for d in dots])                               # (m, B)
    b = np.fromiter([p.data for p in biases], np.float64, len(biases))
    Z = D + b[:, None]
    zs = []
    for j, (d, p) in enumerate(zip(dots, biases)):
        z = binary(Z[j], "+", d, p, 1.0, 1.0)                          # dz/dd = 1, dz/db = 1
        d._scope = z._scope = scopes[j]
        z._label = labels[j][0]
        zs.append(z)
    if act is None:
        return zs
    f = act(_matrix(Z))                 # the op, on the whole layer: its values and slopes
    A, slope, op = f.data, f._d0, f.op
    const = getattr(f, "_d1", None)
    out = []
    for j, z in enumerate(zs):
        a = unary(A[j], op, z, slope[j], const)
        a._scope = scopes[j]
        a._label = labels[j][1]
        out.append(a)
    return out
