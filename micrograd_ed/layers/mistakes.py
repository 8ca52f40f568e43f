"""The typical mistakes of matrix-form backprop, each computed on purpose, with its hint.

A learner's wrong array is compared with the same array computed *with* each mistake; the
first that matches names the mistake. Every variant starts from the right forward pass and
∇_a C (a `Backprop`) and changes one thing:

* ``transposed``  -- dW is (δᵀ a_prev)ᵀ = a_prevᵀ δ: the right numbers, transposed;
* ``summed``      -- the 1/B of the mean left out: every gradient B times too large;
* ``averaged twice`` -- a mean taken on top of the mean: B times too small;
* ``no σ' hidden`` / ``no σ' output`` -- δ without its ⊙ σ'(z);
* ``σ'(a)``       -- the slope taken at the activation a instead of at z;
* ``no softmax``  -- cross-entropy's δ^L written as a - onehot(y) without the softmax;
* ``sign``        -- every gradient with the wrong sign.

Shape and exception hints (a ``.T`` missing, ``*`` where ``@`` is meant) are in
:func:`shape_hint` and :func:`error_hint`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from micrograd_ed.layers.activations import sigma, sigma_prime
from micrograd_ed.layers.backprop import Backprop

Arrays = tuple[list[np.ndarray], list[np.ndarray]]


@dataclass(frozen=True)
class Mistake:
    """A mistake's name, its hint, and the gradients it produces (None: not applicable)."""

    name: str
    hint: str
    make: Callable[[Backprop], Arrays | None]

    def text(self, bp: Backprop) -> str:
        """The hint, with the output layer's δ written for `bp`'s loss."""
        return self.hint.replace("{delta_L}", DELTA_L.get(bp.loss, "∇_a C * σ'(z_L)"))


#: the output layer's δ of each loss, as a learner writes it (the 1/B of the mean included)
DELTA_L = {
    "cross_entropy": "(softmax(z_L) - onehot(y)) / B",
    "quadratic_cost": "(a_L - y) * sigma_prime(z_L) / B",
    "mse": "2 * (a_L - y) * sigma_prime(z_L) / B",
    "bce_with_logits": "(sigmoid(a_L) - y) * sigma_prime(z_L) / B",
    "binary_cross_entropy": "(a_L - y) / (a_L * (1 - a_L)) * sigma_prime(z_L) / B",
    "hinge": "-y * (1 - y * a_L > 0) * sigma_prime(z_L) / B",
}


def _deltas(bp: Backprop, grad_a: np.ndarray,
            prime: Callable[[int], np.ndarray]) -> list[np.ndarray]:
    L = len(bp) - 1
    deltas = [np.empty(0)] * (L + 1)
    deltas[L] = grad_a * prime(L)
    for i in range(L - 1, -1, -1):
        deltas[i] = (deltas[i + 1] @ bp[i + 1].W) * prime(i)
    return deltas


def _grads(bp: Backprop, deltas: list[np.ndarray]) -> Arrays:
    dWs = [d.T @ layer.a_prev + 2.0 * bp.l2 * layer.W for d, layer in zip(deltas, bp)]
    dbs = [d.sum(axis=0) + 2.0 * bp.l2 * layer.b for d, layer in zip(deltas, bp)]
    return dWs, dbs


def _right_prime(bp: Backprop) -> Callable[[int], np.ndarray]:
    return lambda i: sigma_prime(bp[i].activation, bp[i].z, bp[i].a)


def _transposed(bp: Backprop) -> Arrays:
    return [layer.dW.T for layer in bp], bp.dbs


def _scaled(factor: Callable[[Backprop], float]) -> Callable[[Backprop], Arrays | None]:
    def make(bp: Backprop) -> Arrays | None:
        B = bp.X.shape[0]
        if B == 1:
            return None
        f = factor(bp)
        return [layer.dW * f for layer in bp], [layer.db * f for layer in bp]
    return make


def _no_prime(hidden: bool) -> Callable[[Backprop], Arrays | None]:
    def make(bp: Backprop) -> Arrays | None:
        L = len(bp) - 1
        skip = set(range(L)) if hidden else {L}
        if all(bp[i].activation == "linear" for i in skip):
            return None
        right = _right_prime(bp)
        return _grads(bp, _deltas(bp, bp.grad_a,
                                  lambda i: np.ones_like(bp[i].z) if i in skip else right(i)))
    return make


def _prime_of_a(bp: Backprop) -> Arrays | None:
    if all(layer.activation in ("linear", "step") for layer in bp):
        return None

    def prime(i: int) -> np.ndarray:
        f, a = bp[i].activation, bp[i].a
        return sigma_prime(f, a, sigma(f, a))
    return _grads(bp, _deltas(bp, bp.grad_a, prime))


def _no_softmax(bp: Backprop) -> Arrays | None:
    if bp.loss != "cross_entropy":
        return None
    B, k = bp[-1].a.shape
    onehot = np.eye(k)[bp.y]
    return _grads(bp, _deltas(bp, (bp[-1].a - onehot) / B, _right_prime(bp)))


def _sign(bp: Backprop) -> Arrays:
    return [-layer.dW for layer in bp], [-layer.db for layer in bp]


MISTAKES = [
    Mistake("transposed",
            "these are the right numbers, transposed: dW must have W's shape (n_out x n_in), "
            "which is `delta.T @ a_prev` (B x n_out transposed, times B x n_in), not "
            "`a_prev.T @ delta`", _transposed),
    Mistake("summed",
            "every number is B times too large: the loss is the MEAN over the batch, so "
            "∇_a C carries a 1/B (delta_L = {delta_L}); the sums in `delta.T @ a_prev` and "
            "`delta.sum(axis=0)` then add up already-averaged shares",
            _scaled(lambda bp: float(bp.X.shape[0]))),
    Mistake("averaged twice",
            "every number is B times too small: the 1/B of the mean is already in delta "
            "(from ∇_a C); sum over the batch in dW and db (`delta.sum(axis=0)`, not "
            "`.mean(axis=0)`), do not average again",
            _scaled(lambda bp: 1.0 / bp.X.shape[0])),
    Mistake("no σ' hidden",
            "a hidden layer's delta is missing its σ'(z): delta_l = (delta_next @ W_next) "
            "* sigma_prime(z_l), entry by entry", _no_prime(True)),
    Mistake("no σ' output",
            "the output layer's delta is missing its σ'(z): delta_L = grad_a_C * "
            "sigma_prime(z_L)", _no_prime(False)),
    Mistake("σ'(a)",
            "σ' was taken at the activation a instead of at z: for tanh σ'(z) = 1 - a**2 "
            "(with a = tanh z), for the sigmoid σ'(z) = a * (1 - a); applying the formula "
            "to a again computes σ'(σ(z))", _prime_of_a),
    Mistake("no softmax",
            "delta_L for softmax and cross-entropy is (softmax(z_L) - onehot(y)) / B: the "
            "softmax of the output layer is missing (you used z_L itself)", _no_softmax),
    Mistake("sign",
            "every gradient has the wrong sign: δ = ∂C/∂z points uphill, delta_L = "
            "{delta_L} (prediction minus target, not target minus prediction)", _sign),
]


def close(got: np.ndarray, want: np.ndarray, atol: float, rtol: float) -> bool:
    """|got - want| <= atol + rtol |want| for every entry (and the same shape)."""
    return got.shape == want.shape and bool(np.all(np.abs(got - want)
                                                  <= atol + rtol * np.abs(want)))


def recognise(bp: Backprop, layer: int, array: str, got: np.ndarray, atol: float,
              rtol: float) -> Mistake | None:
    """The first mistake whose `array` ("dW" or "db") of `layer` equals the learner's."""
    for m in MISTAKES:
        made = m.make(bp)
        if made is None:
            continue
        want = made[0][layer] if array == "dW" else made[1][layer]
        if close(got, want, atol, rtol) and not close(got, getattr(bp[layer], array),
                                                      atol, rtol):
            return m
    return None


# ------------------------------------------------------------------ shapes and errors
def shapes_here(bp: Backprop, layer: int) -> str:
    """The shapes a learner needs for `layer`, as a sentence."""
    g = bp[layer]
    B = bp.X.shape[0]
    n_out, n_in = g.W.shape
    prev = "X" if layer == 0 else f"a_{layer - 1}"
    return (f"shapes here: {prev} (the layer's input) is B x n_in = {B} x {n_in}, "
            f"W_{layer} is n_out x n_in = {n_out} x {n_in}, b_{layer} has {n_out}, "
            f"z_{layer}, a_{layer} and delta_{layer} are B x n_out = {B} x {n_out}")


def all_shapes(bp: Backprop) -> str:
    """Every layer's shapes, for an error whose layer is unknown."""
    B = bp.X.shape[0]
    parts = [f"X {B} x {bp.X.shape[1]}"]
    for g in bp:
        n_out, n_in = g.W.shape
        i = g.index
        parts.append(f"W_{i} {n_out} x {n_in}, b_{i} {n_out}, z_{i}/a_{i}/delta_{i} "
                     f"{B} x {n_out}")
    return f"shapes here (B = {B}): " + "; ".join(parts)


def shape_hint(bp: Backprop, layer: int, array: str, shape: tuple[int, ...]) -> str:
    """Why `array` of `layer` may have come out with `shape`."""
    n_out, n_in = bp[layer].W.shape
    B = bp.X.shape[0]
    if array == "dW":
        if shape == (n_in, n_out):
            return ("dW came out transposed: it must have W's shape (n_out x n_in), "
                    "`delta.T @ a_prev`, not `a_prev.T @ delta`")
        if B > 1 and B in shape:
            return ("dW has an axis of length B: sum over the batch, which `delta.T @ "
                    "a_prev` does by itself (the matrix product sums over the B rows)")
        return "dW has one entry per weight: `delta.T @ a_prev`, the shape of W"
    if shape == (1, n_out):
        return "db must be 1-D: `delta.sum(axis=0)` (without keepdims)"
    if shape == (n_out, 1):
        return ("db came out as a column (n_out x 1), the lecture's vector shape; return it "
                "1-D like b: `delta.sum(axis=0)`")
    if shape in ((B,), (B, n_out), (n_out, B)):
        return ("db must have one entry per neuron: sum delta over the samples, "
                "`delta.sum(axis=0)` (axis 0 runs over the batch's rows)")
    return "db has one entry per neuron: `delta.sum(axis=0)`"


_MATMUL = re.compile(r"matmul|not aligned|core dimension")
_BROADCAST = re.compile(r"could not be broadcast")


def error_hint(message: str) -> str:
    """A hint for a numpy shape error in the learner's code ('' if it is not one)."""
    if _MATMUL.search(message):
        return ("the sizes in the middle of an @ must agree: (n x k) @ (k x m). Write the "
                "shape next to each matrix: z = a_prev @ W.T + b, delta_prev = (delta @ W) * "
                "sigma_prime(z_prev), dW = delta.T @ a_prev; usually a .T is missing or one "
                "too many")
    if _BROADCAST.search(message):
        return ("`*` multiplies entry by entry and needs shapes that match (or broadcast); "
                "a matrix product, which sums over an index, is `@`: delta @ W, "
                "delta.T @ a_prev. `*` is right only for ⊙ σ'(z)")
    return ""
