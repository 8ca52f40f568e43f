"""A whole minibatch in one graph: a node's data may be a 1-D array, one entry per sample.

Every op then works elementwise on the B samples, with the same formula as for a float, so
one graph computes B examples at once. Three kinds of node keep their local derivatives as
a per-sample **table** (a 2-D array, one row per parent, one column per sample) instead of
one number per edge:

* ``x.sum()`` and ``x.mean()`` of a batch:  z = sum_b x_b  (or the mean);  dz/dx_b = 1 (or 1/B);
* ``dot(w, X)`` over a (B, n) sample matrix:  z_b = sum_i w_i X[b, i];  dz_b/dw_i = X[b, i];
* ``dot(w, x)`` with Values x_i holding batches (a layer after the first): rows dz/dw_i = x_i
  and dz/dx_i = w_i.

The gradient rules. A node whose data is a batch gets a batch of gradients, one per sample.
A node whose data is a plain number (a parameter, or a loss after .mean()) is shared by all
samples, so its gradient is the SUM over the batch of the per-sample contributions:
``parent.grad += sum_b(local_grad_b * grad_b)``. For a table node that is one matrix product
for all its parents at once (`table_grads`): per-node numpy work, not per-edge.

Whether a backward() needs these rules is decided per graph: only a table node (.sum() or
.mean()) takes a batch back to a number, so a graph with a plain-number root holds a batch
exactly when it contains a table node, and the first walk of backward() notices that as it
counts (fastwalk.count_uses). A root that is itself a batch needs a seed gradient.
A scalar graph therefore always takes the fast path, whatever else exists in the process.

Batched and scalar agree: arithmetic that overflows (``1e308 * 10``) gives inf in both, with
no warning (numpy's are silenced where a float would be silent), and errors, NaN, inf and
slopes at kinks are the same number and the same error for a float and for each entry of a
batch. Two batches in one op must hold the same number of samples (the error names both).
"""

from __future__ import annotations

import math
import operator
import weakref

import numpy as np

from micrograd_ed.engine import speed
from micrograd_ed.engine.messages import Data, batch_sizes, check_real_array, show
from micrograd_ed.engine.stacked import is_stack

_ndarray = np.ndarray
Batch = np.ndarray  # the type of a batch's data (ops test ``x.__class__ is Batch``: no call)


# ---------------------------------- helpers that let one op's code serve both
def any_(cond) -> bool:
    """Truth of a comparison for a float (a bool) or a batch (true for any sample)."""
    return bool(cond.any()) if cond.__class__ is _ndarray else cond


def like(x: Data, fill: float) -> Data:
    """`fill` in the shape of `x`: a float, or an array like the batch."""
    return np.full_like(x, fill) if x.__class__ is _ndarray else fill


def is_batch(x: object) -> bool:
    return x.__class__ is _ndarray


def arith(symbol: str, x, y):
    """``x symbol y`` of two Values' data (or a Value and a constant), float or batch. A
    batch computes without numpy's warnings (where floats give inf or NaN silently, so
    does a batch), and two batches must hold the same number of samples: a size-1 batch is
    not a plain number, and is never stretched to fit (messages.batch_sizes names both)."""
    a, b = x.data, (y.data if hasattr(y, "data") else y)
    if a.__class__ is not _ndarray and b.__class__ is not _ndarray:
        return _ARITH[symbol](a, b)
    if a.__class__ is _ndarray and b.__class__ is _ndarray and a.shape != b.shape:
        raise batch_sizes(symbol, x, y)
    with quiet():
        return _ARITH[symbol](a, b)


_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "**": operator.pow}


def quiet() -> np.errstate:
    """numpy without warnings: where Python's floats give inf or NaN silently, so do we."""
    return np.errstate(over="ignore", divide="ignore", invalid="ignore")


def power(x: Data, k: Data) -> Data:
    """x ** k; like Python's float power, an OverflowError where finite numbers overflow."""
    if not (is_batch(x) or is_batch(k)):
        return x ** k
    with quiet():
        if not is_batch(k) and k == 0.5:        # numpy < 2.3 computes these two with a pow
            z = np.sqrt(x)                      # of its own, an ulp away from Python's at
        elif not is_batch(k) and k == -1:       # some points (sqrt 710, 1 / 1e300); these
            z = 1.0 / x                         # are correctly rounded, as Python's are
        else:
            z = np.power(x, k)
    if np.any(np.isinf(z) & np.isfinite(x) & np.isfinite(k)):
        raise OverflowError
    return z


def power_slope(x: Data, k: float) -> Data:
    """dz/dx = k x**(k-1), the same numbers for a float and a batch: inf at x = 0 when
    0 < k < 1, and inf (not an error: z itself was fine) where only the slope overflows."""
    if is_batch(x):
        with quiet():
            return k * np.float_power(x, k - 1)
    if x == 0:                                      # here k > 0
        return math.inf if k < 1 else (1.0 if k == 1 else 0.0)
    try:
        return k * x ** (k - 1)
    except OverflowError:
        with quiet():
            return float(k * np.float_power(x, k - 1))


# ------------------------------------------------------ the table nodes
def reduce(x, op: str):
    """``x.sum()`` / ``x.mean()`` over the batch: one table node with the row dz/dx_b."""
    b = x.data.size
    if op == "sum":
        return speed.nary(float(x.data.sum()), "sum", (x,), np.ones((1, b)), 0)
    return speed.nary(float(x.data.mean()), "mean", (x,), np.full((1, b), 1.0 / b), 0)


def dot_matrix(w: list, X: np.ndarray, label: str, W: np.ndarray | None = None):
    """z_b = sum_i w_i X[b, i] for a (B, n) sample matrix, as one table node.

    The table is X transposed (row i = dz/dw_i for every sample), taken from a private
    read-only copy (`private_samples`), so changing the caller's array later cannot change
    the gradients. A weight may itself be a batch (one value per sample); then z_b uses its
    b-th entry. `W`: the weights' numbers when they are one array already (parameters.py).
    """
    n = len(w)
    X = private_samples(X, "dot")
    if X.shape[1] != n:
        raise ValueError(f"dot: {n} weights but inputs with {X.shape[1]} columns")
    table = X.T
    if W is not None:                       # Weights (array-backed): keep them, not just n
        plain = w
    else:
        wd = [wi.data for wi in w]
        W = speed.gather(wd, n)
        plain = 0 if W is None else n       # how many leading parents are plain numbers
    if W is None:                                           # batched weights
        for i, d in enumerate(wd):
            if d.__class__ is _ndarray and d.size != X.shape[0]:
                raise ValueError(f"dot: weight {w[i].label or f'w_{i}'} holds {d.size} "
                                 f"samples but the inputs hold {X.shape[0]}")
        W = np.array([np.broadcast_to(d, table.shape[1:]) for d in wd])   # (n, B)
        z = (W * table).sum(axis=0)
    else:
        z = W @ table
    v = speed.nary(z, "dot", tuple(w), table, plain)
    if label:
        v.label = label
    return v


_PRIVATE: weakref.WeakValueDictionary = weakref.WeakValueDictionary()  # id -> our copies


def private_samples(X: np.ndarray, where: object) -> np.ndarray:
    """X as a read-only float64 copy of our own: a new copy, unless X is one we made (so the
    neurons of a layer, which all read the same batch, share one copy). A caller's array is
    copied even when it is read-only and owns its data: its owner can make it writeable
    again, and changing it must not change the gradients."""
    if _PRIVATE.get(id(X)) is X:
        return X
    X = np.array(check_real_array(X, where), dtype=np.float64)
    X.setflags(write=False)
    _PRIVATE[id(X)] = X
    return X


def dot_values(w: list, x: list, W: np.ndarray, xd: list, label: str, plain):
    """z_b = sum_i w_i x_i[b] for plain weights and Value inputs holding batches (the
    layers after the first), as one table node: rows dz/dw_i = x_i, then dz/dx_i = w_i.
    `plain`: n, or the Weights when they are array-backed (see `table_grads`)."""
    sizes = {d.size for d in xd if d.__class__ is _ndarray}
    if len(sizes) > 1:
        raise ValueError(f"dot: the inputs hold different numbers of samples: {sorted(sizes)}")
    n, b = len(xd), sizes.pop()
    table = np.empty((2 * n, b))
    table[:n] = [d if d.__class__ is _ndarray else np.full(b, d) for d in xd]
    table[n:] = W[:, None]
    table.setflags(write=False)
    X = table[:n]                                                    # (n, B)
    v = speed.nary(W @ X, "dot", (*w, *x), table, plain)
    if label:
        v.label = label
    return v


# ----------------------------------------------- the backward rules
def gated(d: Data, g: Data) -> Data:
    """A gate's share ``d * g`` (relu, step: ops.GATES), exactly 0 where the gate is off,
    even when g is infinite or NaN there (as in PyTorch)."""
    if d.__class__ is _ndarray or g.__class__ is _ndarray:
        return np.where(d != 0, d * g, 0.0)
    return d * g


def contribution(c: Data, p) -> Data:
    """What one edge adds to ``p.grad``: `c`, summed over the batch if p is a plain number."""
    if c.__class__ is _ndarray and p.data.__class__ is not _ndarray:
        return float(c.sum())
    return c


def table_grads(v, g: Data, table: np.ndarray) -> None:
    """Pass v's gradient `g` to all its parents through its per-sample table at once.

    A plain-number parent gets sum_b table[i, b] * g_b: for all of them together that is the
    matrix product ``table @ g`` (one numpy call for the n weights of a neuron). A batched
    parent gets its row times g, sample by sample; a stack parent (stacked.py) gets all the
    remaining rows times g, as one matrix. The node knows how many of its first parents are
    plain numbers (`speed.plain_parents`), so the loop over a neuron's weights need not test
    each one; when they are a neuron's array-backed Weights (parameters.py), their grads are
    added as one array slice, with no loop at all.
    """
    parents, k = v._p1, v._d0
    weights = None
    if k.__class__ is not int:
        weights, k = k, len(k)
    rest = len(parents) - k
    stacked = rest == 1 and is_stack(parents[k])        # the rows after k are one stack's
    # (All rows, even where only the first k sums are used: numpy's matrix-vector product
    # then adds in the same order for a stack as for a list of inputs, to the last bit.)
    sums = table @ g if g.__class__ is _ndarray else table.sum(axis=1) * g
    if weights is not None:             # Weights: grad[:n] += sums[:n] in one numpy call
        grads = weights.grads
        grads += sums[:k]
    else:
        for p, s in zip(parents[:k], sums.tolist()):
            p.grad += s
    if not rest:
        return
    rows = table[k:] * g                # the batched parents' shares, in one numpy call
    if stacked:
        p = parents[k]
        p.grad = p.grad + rows
        return
    sums = sums.tolist()
    for i in range(k, len(parents)):
        p = parents[i]
        if p.data.__class__ is _ndarray:
            p.grad = p.grad + rows[i - k]
        else:
            p.grad += sums[i]


def check_seed(root, gradient) -> Data:
    """The gradient backward() starts from: 1.0, or the caller's `gradient`, checked."""
    batch = root.data.__class__ is _ndarray
    if gradient is None:
        if batch:
            raise ValueError(
                f"backward() of {root.label or 'a Value'} holding a batch of "
                f"{root.data.size} samples: reduce it first: .sum() or .mean(), or pass a "
                f"gradient (backward(gradient=array of {root.data.size} numbers))")
        return 1.0
    if not batch:
        if isinstance(gradient, (bool, np.bool_)) or not isinstance(
                gradient, (int, float, np.integer, np.floating)):
            raise TypeError(f"backward(gradient=...) of a scalar Value takes a real number, "
                            f"got {type(gradient).__name__} {show(gradient)[:60]}")
        return float(gradient)
    g = np.asarray(gradient)
    if g.shape != root.data.shape:
        raise ValueError(f"backward(gradient=...) needs one number per sample, shape "
                         f"{root.data.shape}; got shape {g.shape}")
    return np.array(check_real_array(g, "backward(gradient=...)"), dtype=np.float64)
