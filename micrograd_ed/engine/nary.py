"""Ops with many operands, each ONE node: `dot` (a neuron's weighted input) and `fused_sum`.

``sum(terms)`` makes a chain of n - 1 ``+`` nodes; these make a single node with n parents,
which is smaller to draw and faster to build and differentiate.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from micrograd_ed.engine import batched, stacked
from micrograd_ed.engine.batched import is_batch
from micrograd_ed.engine.messages import check_real_array, constant
from micrograd_ed.engine.parameters import Weights
from micrograd_ed.engine.speed import all_values, gather, nary
from micrograd_ed.engine.stacked import is_stack
from micrograd_ed.engine.value import Value, _operand

_ndarray = np.ndarray


def dot(w: list[Value], x: list[Value | float] | np.ndarray, label: str = "") -> Value:
    """z = sum_i w_i x_i as ONE node (a neuron's weighted input).

    dz/dw_i = x_i and dz/dx_i = w_i. Inputs that are plain numbers are not nodes, so the node
    has n parents (the w_i); Value inputs make it 2n (the w_i, then the x_i). Weights backed
    by one array (a neuron's, parameters.py) are read as that array, not one by one. For a batch,
    `x` is a 2-D array with one row per sample (or a list of 1-D arrays, one per input): the
    node's data is then one z per sample (batched.dot_matrix).
    """
    backed = w.__class__ is Weights     # a neuron's weights, one array (parameters.py)
    if backed:
        W = w.numbers
    else:
        w, W = list(w), None
        if not all_values(w):
            i, wi = next((i, wi) for i, wi in enumerate(w) if not isinstance(wi, Value))
            raise TypeError(f"dot: the weights must be Values, got {type(wi).__name__} "
                            f"at position {i}")
    n = len(w)
    if x.__class__ is Value and is_stack(x):      # a layer's batched inputs as one node
        if W is None and (W := gather([wi.data for wi in w], n)) is None:
            raise TypeError("dot: weights holding batches cannot read a stack of inputs; "
                            "pass the inputs as a list")
        return stacked.dot_stack(w, x, W, w if backed else n, label)
    if isinstance(x, _ndarray):
        if x.ndim == 2:                                     # rows are samples
            return batched.dot_matrix(w, x, label, W)
        if x.ndim != 1:
            raise ValueError(f"dot: inputs must be a list, a 1-D array or a (B, {n}) array "
                             f"of samples, got an array of shape {x.shape}")
        x = check_real_array(x, "dot").tolist()
    x = list(x)
    if len(x) != n:
        raise ValueError(f"dot: {n} weights but {len(x)} inputs")
    wd = [wi.data for wi in w] if W is None else W.tolist()
    if all_values(x):
        xd = [xi.data for xi in x]
        if any(is_batch(d) for d in xd):
            if W is None:
                W = gather(wd, n)
            if W is not None:                              # the next layer of a batch
                return batched.dot_values(w, x, W, xd, label, w if backed else n)
        parents, lgs = (*w, *x), (*xd, *wd)
    elif any(isinstance(xi, Value) for xi in x):
        raise TypeError("dot: mix of Values and plain numbers in x; wrap them all as Values")
    elif any(isinstance(xi, _ndarray) for xi in x):        # one 1-D array per input
        if not all(isinstance(xi, _ndarray) and xi.ndim == 1 for xi in x):
            raise TypeError("dot: a batch of inputs must be 1-D arrays for every input "
                            "(or one 2-D array of shape (B, n))")
        if len({xi.size for xi in x}) != 1:
            raise ValueError(f"dot: the input arrays hold different numbers of samples: "
                             f"{sorted({xi.size for xi in x})}")
        return batched.dot_matrix(w, np.column_stack([check_real_array(xi, "dot")
                                                      for xi in x]), label, W)
    else:
        xd = [constant(xi, "dot", None) for xi in x]
        parents, lgs = tuple(w), tuple(xd)
    z = 0.0
    for a, b in zip(wd, xd):
        z = z + a * b
    v = nary(z, "dot", parents, lgs, w if backed else None)   # (speed.py, technique 1)
    if label:
        v.label = label
    return v


def fused_sum(terms: Iterable[Value | float], label: str = "") -> Value:
    """z = sum_i t_i as ONE node;  dz/dt_i = 1.  Plain numbers fold into `const`;
    a numpy batch among the terms becomes a leaf, like a batch operand of ``+``."""
    parents, total, c = [], 0.0, 0.0
    for t in terms:
        if not isinstance(t, Value):
            t = _operand(t, "sum", None)
            if not isinstance(t, Value):
                c += t
                continue
        parents.append(t)
        total = total + t.data
    v = nary(total + c, "sum", tuple(parents), (1.0,) * len(parents), c if c else None)
    if label:
        v.label = label
    return v
