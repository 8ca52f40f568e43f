"""Backpropagation through an MLP in the lecture's matrix form, in numpy.

A layer l holds a weight matrix W^l (one row per neuron, one column per input: W[j, k] is
``w[l,j,k]``) and a bias vector b^l. With the B samples of a batch as the rows of X, every
quantity of a layer is a (B x n) matrix, one row per sample, and the four equations of
backpropagation (Nielsen, ch. 2: BP1-BP4) are four lines of numpy each:

forward, for l = 0 .. L::

    z^l = a^(l-1) W^lᵀ + b^l                  (a^(-1) = X: the inputs)
    a^l = σ(z^l)

backward::

    BP1   δ^L = ∇_a C ⊙ σ'(z^L)                     the output layer's error, δ = ∂C/∂z
    BP2   δ^l = (δ^(l+1) W^(l+1)) ⊙ σ'(z^l)          one layer down: W^(l+1) without a ᵀ,
                                                    because the samples are rows
    BP3   ∂C/∂b^l = Σ_x δ^l_x                       summed over the batch's rows
    BP4   ∂C/∂W^l = δ^lᵀ a^(l-1)                    (n_out x B) @ (B x n_in): the sum over
                                                    the batch is the matrix product's

For one sample (B = 1) BP2 is the lecture's ∂C/∂a_k^(l-1) = Σ_j w_jk σ'(z_j) ∂C/∂a_j written
for all k at once, and BP4 is its ∂C/∂w_jk = a_k^(l-1) σ'(z_j) ∂C/∂a_j for all j, k. δ^l is
computed once and used three times (for W^l, for b^l and for the layer below): that reuse is
why backpropagation costs about as much as the forward pass.

The 1/B of the library's mean over the batch sits in ∇_a C (costs.py), so BP3 and BP4 sum.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from micrograd_ed.layers.activations import sigma, sigma_prime
from micrograd_ed.layers.costs import Cost, check_outputs, cost_of, targets_for
from micrograd_ed.nn import MLP, Layer, canonical_activation


@dataclass(frozen=True, repr=False)
class LayerGrads:
    """One layer's matrices: its parameters, forward values, δ and gradients.

    ``W`` (n_out x n_in) and ``b`` (n_out); ``a_prev`` (B x n_in, the layer's input), ``z``
    and ``a`` (B x n_out); ``delta`` = ∂C/∂z (B x n_out); ``dW`` = ∂C/∂W (n_out x n_in) and
    ``db`` = ∂C/∂b (n_out), the gradients of the whole cost (l2 included, when asked).
    """

    index: int
    activation: str
    W: np.ndarray
    b: np.ndarray
    a_prev: np.ndarray
    z: np.ndarray
    a: np.ndarray
    delta: np.ndarray
    dW: np.ndarray
    db: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """(n_out, n_in): W's shape."""
        return self.W.shape

    def __repr__(self) -> str:
        n_out, n_in = self.W.shape
        B = self.z.shape[0]
        head = (f"LayerGrads(layer {self.index}, {self.activation}, {n_in} -> {n_out}, "
                f"batch of {B})")
        rows = [("W", self.W), ("b", self.b), ("z", self.z), ("a", self.a),
                ("delta", self.delta), ("dW", self.dW), ("db", self.db)]
        return "\n".join([head, *(f"  {name:<5} {_shape(x):<9} {_numbers(x)}"
                                  for name, x in rows)])


def _shape(x: np.ndarray) -> str:
    return " x ".join(map(str, x.shape))


def _numbers(x: np.ndarray) -> str:
    """The entries, when there are few enough to read; else their range."""
    if x.size <= 12:
        with np.printoptions(precision=4, suppress=True, floatmode="maxprec"):
            return " ".join(np.array2string(x, separator=", ").split())
    return f"[{x.size} numbers from {x.min():.4g} to {x.max():.4g}]"


@dataclass(frozen=True, repr=False)
class Backprop:
    """What :func:`layer_backprop` computed: ``layers`` (input side first), the cost ``C``
    and ``grad_a`` = ∇_a C (B x n_L), the gradient that enters the output layer."""

    layers: list[LayerGrads]
    C: float
    loss: str
    grad_a: np.ndarray
    X: np.ndarray
    y: np.ndarray
    l2: float = 0.0
    formula: str = field(default="")

    def __iter__(self) -> Iterator[LayerGrads]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, index: int) -> LayerGrads:
        return self.layers[index]

    @property
    def dWs(self) -> list[np.ndarray]:
        return [layer.dW for layer in self.layers]

    @property
    def dbs(self) -> list[np.ndarray]:
        return [layer.db for layer in self.layers]

    def __repr__(self) -> str:
        l2 = f" + {self.l2:g} Σ p²" if self.l2 else ""
        head = (f"Backprop({self.loss}{l2}: C = {self.C:.6g} over a batch of "
                f"{self.X.shape[0]}, {len(self.layers)} layers)")
        return "\n".join([head, *(repr(layer) for layer in self.layers)])


# ------------------------------------------------------------------ the model's matrices
def weights_of(model: MLP | Layer) -> tuple[list[np.ndarray], list[np.ndarray], list[str]]:
    """The model's ``Ws`` (W[j, k] = w[l,j,k]), ``bs`` and activations, one per layer (copies)."""
    if isinstance(model, Layer):
        layers = [model]
    elif isinstance(model, MLP):
        layers = model.layers
    else:
        raise TypeError(f"layer_backprop: model must be a micrograd_ed.nn.MLP (or Layer), "
                        f"got {type(model).__name__}")
    Ws = [np.array([n.parameter_array.data[:-1] for n in layer.neurons]) for layer in layers]
    bs = [np.array([n.parameter_array.data[-1] for n in layer.neurons]) for layer in layers]
    return Ws, bs, [layer.activation for layer in layers]


def _inputs(X: Any, nin: int) -> tuple[np.ndarray, bool]:
    """X as a (B, nin) float array, and whether it was one sample (a 1-D X)."""
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"layer_backprop: X must be numbers, one sample ({nin},) or a batch "
                        f"(B, {nin}); got {type(X).__name__}") from None
    one = arr.ndim == 1 or arr.ndim == 0
    if one:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.shape[1] != nin or arr.shape[0] == 0:
        raise ValueError(f"layer_backprop: the model has {nin} inputs, so X must have shape "
                         f"({nin},) or (B, {nin}); got {np.shape(X)}")
    if not np.isfinite(arr).all():
        i, j = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"layer_backprop: X[{i}, {j}] is not finite")
    return arr, one


# ------------------------------------------------------------------ backprop
def layer_backprop(model: MLP | Layer, X: Any, y: Any, loss: Any = "mse", *,
                   l2: float = 0.0) -> Backprop:
    """Forward and backward through `model`, layer by layer, with matrices (see the module).

    `X` is one sample (nin,) or a batch (B, nin); `y` its targets as the loss takes them
    (numbers, (B, k) for k outputs, or class indices for cross_entropy); `loss` a name or a
    function of micrograd_ed.losses. ``l2 = α`` adds α Σ p² over every weight and bias, as
    ``losses.l2(model, α)`` does, so dW gains 2αW and db gains 2αb (δ does not change).
    The gradients equal the scalar engine's ``p.grad`` after ``loss.backward()`` to rounding.
    """
    Ws, bs, activations = weights_of(model)
    cost = cost_of(loss)
    if isinstance(l2, bool) or not isinstance(l2, (int, float)) or not l2 >= 0:
        raise ValueError(f"layer_backprop: l2 must be a number >= 0, got {l2!r:.40}")
    X, one_sample = _inputs(X, Ws[0].shape[1])
    Y = targets_for(cost, y, X.shape[0], Ws[-1].shape[0], one_sample)
    return backprop_matrices(Ws, bs, activations, X, Y, cost, l2=float(l2))


def backprop_matrices(Ws: list[np.ndarray], bs: list[np.ndarray], activations: list[str],
                      X: np.ndarray, Y: np.ndarray, cost: Cost, *,
                      l2: float = 0.0) -> Backprop:
    """:func:`layer_backprop` on plain arrays: ``Ws[l]`` (n_out x n_in), ``bs[l]``, the
    activations' names, X (B x n_in), checked targets Y and a `Cost`."""
    # forward: z^l = a^(l-1) W^lᵀ + b^l,  a^l = σ(z^l)
    a_prev, zs, acts = X, [], []
    for W, b, f in zip(Ws, bs, activations):
        z = a_prev @ W.T + b
        a = sigma(f, z)
        zs.append(z)
        acts.append(a)
        a_prev = a
    check_outputs(cost, acts[-1])
    C = cost.value(acts[-1], Y)
    L = len(Ws) - 1

    # BP1: δ^L = ∇_a C ⊙ σ'(z^L)
    grad_a = cost.gradient(acts[-1], Y)
    deltas = [np.empty(0)] * len(Ws)
    deltas[L] = grad_a * sigma_prime(activations[L], zs[L], acts[L])
    # BP2: δ^l = (δ^(l+1) W^(l+1)) ⊙ σ'(z^l), from the output layer down
    for l in range(L - 1, -1, -1):  # noqa: E741 (the lecture's l)
        deltas[l] = (deltas[l + 1] @ Ws[l + 1]) * sigma_prime(activations[l], zs[l], acts[l])

    layers = []
    inputs = [X, *acts[:-1]]
    for l in range(L + 1):  # noqa: E741
        dW = deltas[l].T @ inputs[l]                   # BP4: ∂C/∂W^l = δ^lᵀ a^(l-1)
        db = deltas[l].sum(axis=0)                     # BP3: ∂C/∂b^l = Σ_x δ^l_x
        if l2:                                         # ∂(α Σ p²)/∂p = 2α p
            dW, db = dW + 2.0 * l2 * Ws[l], db + 2.0 * l2 * bs[l]
        layers.append(LayerGrads(l, activations[l], Ws[l], bs[l], inputs[l], zs[l], acts[l],
                                 deltas[l], dW, db))
    if l2:
        C += l2 * float(sum((W * W).sum() + (b * b).sum() for W, b in zip(Ws, bs)))
    return Backprop(layers, C, cost.name, grad_a, X, Y, l2, cost.formula)


def matrix_backward(Ws: list[np.ndarray], bs: list[np.ndarray], X: Any, y: Any, *,
                    activation: str = "tanh", output_activation: str = "linear",
                    loss: Any = "cross_entropy") -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``(dWs, dbs)`` for plain arrays, with the signature of the learner's function that
    :func:`check_layer_backward` grades (its reference answer); the defaults are the digit
    network's: tanh hidden layers, a linear output layer, softmax and cross-entropy."""
    Ws = [np.asarray(W, dtype=np.float64) for W in Ws]
    bs = [np.asarray(b, dtype=np.float64) for b in bs]
    if not Ws or len(Ws) != len(bs):
        raise ValueError(f"matrix_backward: {len(Ws)} weight matrices but {len(bs)} bias "
                         f"vectors (one of each per layer)")
    for i, (W, b) in enumerate(zip(Ws, bs)):
        if W.ndim != 2 or b.shape != (W.shape[0],):
            raise ValueError(f"matrix_backward: layer {i} has W of shape {W.shape} and b of "
                             f"shape {b.shape}; W must be (n_out, n_in) and b (n_out,)")
        if i and W.shape[1] != Ws[i - 1].shape[0]:
            raise ValueError(f"matrix_backward: layer {i} reads {W.shape[1]} inputs but layer "
                             f"{i - 1} has {Ws[i - 1].shape[0]} neurons")
    cost = cost_of(loss)
    X, one_sample = _inputs(X, Ws[0].shape[1])
    Y = targets_for(cost, y, X.shape[0], Ws[-1].shape[0], one_sample)
    acts = [canonical_activation(activation)] * (len(Ws) - 1)
    bp = backprop_matrices(Ws, bs, [*acts, canonical_activation(output_activation)], X, Y, cost)
    return bp.dWs, bp.dbs
