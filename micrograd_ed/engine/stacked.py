"""A layer's batched inputs as ONE node, so its neurons pass gradients back a matrix at a time.

In a batch, the n inputs x_0 .. x_{n-1} of a hidden layer are Values holding B samples each,
and each of the layer's m neurons reads all of them: m * n edges. Passing gradients back edge
by edge is m * n small numpy additions. `stack` makes one node S whose data is the (n, B)
matrix with row i = x_i, and each neuron's ``dot(w, S)`` (`dot_stack`) has S as ONE parent:

    S_i = x_i                       dS_i / dx_i = 1   (row i; every sample)
    z_b = sum_i w_i S[i, b]         dz_b / dw_i = S[i, b],   dz_b / dS[i, b] = w_i

so backward adds each neuron's share to S.grad as one (n, B) matrix (``w[:, None] * g``), and
S hands row i of its grad to x_i once (`stack_grads`): m + n numpy calls instead of m * n.
The numbers are the same as for ``dot(w, [x_0, ..., x_{n-1}])``, whose table has the same rows
(tested). nn.Layer makes the stack for a batch; a plain ``dot`` over a list does not.
"""

from __future__ import annotations

import numpy as np

from micrograd_ed.engine import speed

_ndarray = np.ndarray
STACK = "stack"                 # the op of a stack node


def stack(x: list):
    """S = the batches of `x` as the rows of one (n, B) matrix node (plain numbers repeated)."""
    xd = [v.data for v in x]
    sizes = {d.size for d in xd if d.__class__ is _ndarray}
    if len(sizes) != 1:
        raise ValueError("stack: the inputs must hold batches of one size, got "
                         + (f"sizes {sorted(sizes)}" if sizes else "no batch"))
    rows = np.empty((len(xd), sizes.pop()))
    rows[:] = [d if d.__class__ is _ndarray else np.full(rows.shape[1], d) for d in xd]
    rows.setflags(write=False)
    return speed.nary(rows, STACK, tuple(x), (1.0,) * len(xd))


def is_stack(v) -> bool:
    return v.op == STACK


def dot_stack(w, S, W: np.ndarray, plain, label: str):
    """z_b = sum_i w_i S[i, b] as one table node with parents (w_0 .. w_{n-1}, S): table rows
    dz/dw_i = S[i] (n rows), then dz/dS = w broadcast over the samples (n rows, one parent).
    `plain`: n, or the Weights when they are array-backed (batched.table_grads)."""
    X = S.data
    n = len(w)
    if X.shape[0] != n:
        raise ValueError(f"dot: {n} weights but a stack of {X.shape[0]} inputs")
    table = np.empty((2 * n, X.shape[1]))
    table[:n] = X
    table[n:] = W[:, None]
    table.setflags(write=False)
    v = speed.nary(W @ X, "dot", (*w, S), table, plain)
    if label:
        v.label = label
    return v


def stack_grads(v, g) -> None:
    """Walk 2 at a stack node: row i of its grad goes to x_i (summed if x_i is a plain
    number, as for any batch edge)."""
    if g.__class__ is not _ndarray:         # no share reached it: nothing to pass on
        return
    for p, gi in zip(v._p1, g):
        if p.data.__class__ is _ndarray:
            p.grad = p.grad + gi
        else:
            p.grad += float(gi.sum())
