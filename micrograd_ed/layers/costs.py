"""The losses of micrograd_ed.losses in numpy: the cost C and its gradient ∇_a C, side by side.

Every loss of the library is a mean over the B samples of a sum over the k outputs (the
lecture's cost of one digit image is Σ_j (a_j - y_j)², the cost of a batch their mean)::

    C = 1/B Σ_x Σ_j c(a_xj, y_xj)          so          ∂C/∂a_xj = 1/B · c'(a_xj, y_xj)

The 1/B of the mean is therefore inside ∇_a C, and from there inside every δ; the sums over
the batch in dW = δᵀ a_prev and db = Σ_x δ_x then add up per-sample shares that are already
averaged. Each `Cost` below gives c and c' with the same floating-point steps as the engine.

=====================  ===================================  ================================
loss                   c(a, y)                              ∂c/∂a
=====================  ===================================  ================================
mse                    (a - y)²                             2 (a - y)
mse, half=True         ½ (a - y)²  (the quadratic cost)     a - y
binary_cross_entropy   -[y ln a + (1 - y) ln(1 - a)]        -y/a + (1 - y)/(1 - a)
bce_with_logits        softplus(a) - a y                    σ(a) - y
hinge (y = ±1)         max(0, 1 - y a)                      -y where 1 - y a > 0, else 0
cross_entropy          -ln softmax(a)_y                     softmax(a) - onehot(y)
=====================  ===================================  ================================

(BCE's logs are clamped at -100, as the library and torch.nn.BCELoss do; where the clamp
holds, that term is a constant and its slope 0.)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from micrograd_ed import losses

_LOG_FLOOR = -100.0
_TINY = math.exp(_LOG_FLOOR)


@dataclass(frozen=True)
class Cost:
    """One loss: its name, its formula in words, c summed over a batch, and ∇_a C."""

    name: str
    formula: str
    value: Callable[[np.ndarray, np.ndarray], float]        # C(a, y): the batch's mean cost
    gradient: Callable[[np.ndarray, np.ndarray], np.ndarray]  # ∇_a C, shape (B, k)
    classes: bool = False                                     # y holds class indices


# ------------------------------------------------------------------ the costs
def _mse(half: bool) -> Cost:
    scale = 0.5 if half else 1.0

    def value(a: np.ndarray, y: np.ndarray) -> float:
        return float(((a - y) ** 2).sum(axis=1).mean() * scale)

    def gradient(a: np.ndarray, y: np.ndarray) -> np.ndarray:
        return 2.0 * (a - y) * (scale / a.shape[0])

    if half:
        return Cost("quadratic_cost", "C = 1/(2B) Σ_x ||a_x - y_x||²", value, gradient)
    return Cost("mse", "C = 1/B Σ_x ||a_x - y_x||²", value, gradient)


def _log_clamped(p: np.ndarray) -> np.ndarray:
    return np.where(p > _TINY, np.log(np.maximum(p, _TINY)), _LOG_FLOOR)


def _bce_value(a: np.ndarray, y: np.ndarray) -> float:
    c = -(y * _log_clamped(a) + (1.0 - y) * _log_clamped(1.0 - a))
    return float(c.sum(axis=1).mean())


def _bce_gradient(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    one_minus_a = 1.0 - a
    d_log_a = np.where(a > _TINY, 1.0 / np.where(a > _TINY, a, 1.0), 0.0)
    d_log_1a = np.where(one_minus_a > _TINY, 1.0 / np.where(one_minus_a > _TINY,
                                                             one_minus_a, 1.0), 0.0)
    return (-y * d_log_a + (1.0 - y) * d_log_1a) / a.shape[0]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _bce_logits_value(a: np.ndarray, y: np.ndarray) -> float:
    softplus = np.log1p(np.exp(-np.abs(a))) + np.maximum(a, 0.0)
    return float((softplus - a * y).sum(axis=1).mean())


def _bce_logits_gradient(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (_sigmoid(a) - y) / a.shape[0]


def _hinge_value(a: np.ndarray, y: np.ndarray) -> float:
    return float(np.maximum(a * (-y) + 1.0, 0.0).sum(axis=1).mean())


def _hinge_gradient(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.where(a * (-y) + 1.0 > 0, -y, 0.0) / a.shape[0]


def _softmax(a: np.ndarray) -> np.ndarray:
    e = np.exp(a - a.max(axis=1, keepdims=True))      # shifted: every exponent <= 0
    return e / e.sum(axis=1, keepdims=True)


def _ce_value(a: np.ndarray, y: np.ndarray) -> float:
    shifted = a - a.max(axis=1, keepdims=True)
    rows = np.arange(a.shape[0])
    return float((np.log(np.exp(shifted).sum(axis=1)) - shifted[rows, y]).mean())


def _ce_gradient(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    g = _softmax(a)
    g[np.arange(a.shape[0]), y] -= 1.0                # softmax(a) - onehot(y)
    return g / a.shape[0]


COSTS: dict[str, Cost] = {
    "mse": _mse(False),
    "quadratic_cost": _mse(True),
    "binary_cross_entropy": Cost("binary_cross_entropy",
                                 "C = -1/B Σ_x Σ_j [y ln a + (1 - y) ln(1 - a)]",
                                 _bce_value, _bce_gradient),
    "bce_with_logits": Cost("bce_with_logits", "C = 1/B Σ_x Σ_j [softplus(a) - a y]",
                            _bce_logits_value, _bce_logits_gradient),
    "hinge": Cost("hinge", "C = 1/B Σ_x Σ_j max(0, 1 - y a)", _hinge_value, _hinge_gradient),
    "cross_entropy": Cost("cross_entropy", "C = -1/B Σ_x ln softmax(a_x)_(y_x)",
                          _ce_value, _ce_gradient, classes=True),
}
_NAMES = {"quadratic": "quadratic_cost", "mse_half": "quadratic_cost",
          "bce": "binary_cross_entropy", "softmax_cross_entropy": "cross_entropy"}
_FUNCTIONS = {losses.mse: "mse", losses.quadratic_cost: "quadratic_cost",
              losses.binary_cross_entropy: "binary_cross_entropy",
              losses.bce_with_logits: "bce_with_logits", losses.hinge: "hinge",
              losses.cross_entropy: "cross_entropy"}


def cost_of(loss: Any) -> Cost:
    """The `Cost` for `loss`: a name ("mse", "quadratic", "bce", "cross_entropy", ...), one of
    micrograd_ed.losses' functions, or ``functools.partial(losses.mse, half=True)``."""
    if isinstance(loss, str):
        key = _NAMES.get(loss.lower(), loss.lower())
        if key in COSTS:
            return COSTS[key]
        raise ValueError(f"layer_backprop: unknown loss {loss!r}; use one of "
                         f"{', '.join(COSTS)} (or a function of micrograd_ed.losses)")
    if isinstance(loss, functools.partial) and loss.func is losses.mse and not loss.args \
            and set(loss.keywords) <= {"half"}:
        return COSTS["quadratic_cost" if loss.keywords.get("half") else "mse"]
    try:
        name = _FUNCTIONS.get(loss)
    except TypeError:                                  # unhashable
        name = None
    if name is None:
        raise TypeError(f"layer_backprop: loss must be a name ({', '.join(COSTS)}) or a "
                        f"function of micrograd_ed.losses, got {loss!r:.60}")
    return COSTS[name]


# ------------------------------------------------------------------ targets
def targets_for(cost: Cost, y: Any, B: int, k: int, one_sample: bool) -> np.ndarray:
    """`y` as the array the cost reads: (B,) class indices, or (B, k) numbers; checked."""
    where = "layer_backprop"
    if cost.classes:
        arr = np.asarray(y)
        if one_sample and arr.ndim == 0:
            arr = arr.reshape(1)
        if arr.shape != (B,):
            raise ValueError(f"{where}: cross_entropy needs one class index per sample, "
                             f"{B} in all, got y of shape {arr.shape}")
        if arr.dtype.kind not in "iu":
            if arr.dtype.kind == "f" and np.isfinite(arr).all() and (arr == np.round(arr)).all():
                arr = arr.astype(np.int64)
            else:
                raise TypeError(f"{where}: cross_entropy's targets must be int class "
                                f"indices, got dtype {arr.dtype}")
        bad = (arr < 0) | (arr >= k)
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"{where}: target index {int(arr[i])} of sample {i} is out of "
                             f"range for {k} outputs")
        return arr.astype(np.int64)
    try:
        arr = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: targets must be numbers, got {type(y).__name__}") from None
    if one_sample and arr.size == k:
        arr = arr.reshape(1, k)
    elif k == 1 and arr.shape in ((B,), (B, 1)):
        arr = arr.reshape(B, 1)
    if arr.shape != (B, k):
        want = f"({B},) or ({B}, 1)" if k == 1 else f"({B}, {k})"
        raise ValueError(f"{where}: {B} samples of {k} outputs need targets of shape {want}, "
                         f"got {arr.shape}")
    if not np.isfinite(arr).all():
        i, j = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"{where}: the target of sample {i}, output {j} is not finite")
    if cost.name in ("binary_cross_entropy", "bce_with_logits"):
        _require(arr, (arr >= 0) & (arr <= 1), f"{cost.name}: target", "is outside [0, 1]")
    if cost.name == "hinge":
        _require(arr, (arr == 1) | (arr == -1), "hinge: target",
                 "must be -1 or +1 (turn 0/1 labels into -1/+1 with 2*y - 1)")
    return arr


def check_outputs(cost: Cost, a: np.ndarray) -> None:
    """BCE needs probabilities: the last layer's a must lie in [0, 1] (a sigmoid's)."""
    if cost.name == "binary_cross_entropy":
        _require(a, (a >= 0) & (a <= 1), "binary_cross_entropy: output",
                 "is outside [0, 1]; give the model a sigmoid output layer, or use "
                 "bce_with_logits on a linear one")


def _require(arr: np.ndarray, good: np.ndarray, what: str, why: str) -> None:
    if not good.all():
        i, j = np.argwhere(~good)[0]
        raise ValueError(f"layer_backprop: {what} {float(arr[i, j])!r} of sample {i}, "
                         f"output {j} {why}")
