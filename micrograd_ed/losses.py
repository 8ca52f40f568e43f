"""Loss functions: how far the predictions are from the targets, as one `Value`.

Every loss takes its predictions in one of four forms and averages over the
examples:

* one example, one output: a `Value` and a number;
* a batch of single-output examples: a list of Values and a list of numbers;
* a batch of multi-output examples: a list of lists of Values and a list of
  lists (or a 2-D array) of numbers;
* batched mode: Values whose data are 1-D numpy arrays (one Value per output,
  each holding B samples) and a 1-D array of B targets, or a 2-D (B, k) array
  for k outputs. The average over the batch is then the engine's ``.mean()``.

The loss of one example sums over its outputs (as in the lecture's cost of one
digit image, sum_j (a_j - y_j)^2); the batch loss is the mean over examples.

Note: in batched mode keep the `Value` on the left of an operator with a numpy
array (``v * t``, not ``t * v``): numpy would otherwise take over the product.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from micrograd_ed.engine import Value, dot, fused_sum
from micrograd_ed.engine.speed import nary

_LOG_FLOOR = -100.0            # log terms of the BCE are clamped here, as torch.nn.BCELoss does
_TINY = math.exp(_LOG_FLOOR)


# ---------------------------------------------------------------- inputs
@dataclass
class _Pairs:
    """Predictions and targets, flattened.

    Scalar mode: one entry per (example, output). Batched mode: one entry per
    output, each a batch of `n` samples.
    """

    preds: list[Value]
    targets: list[Any]          # floats, or 1-D float arrays in batched mode
    n: int                      # examples (batch size B in batched mode)
    batched: bool
    where: list[str]            # scalar mode: "example i" or "example i, output j"


def _is_batch(v: Value) -> bool:
    return isinstance(v.data, np.ndarray)


def _real(x: object, who: str, where: str) -> float:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.number)):
        raise TypeError(f"{who}: target at {where} must be a real number, "
                        f"got {type(x).__name__} {x!r:.40}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{who}: target at {where} is {x!r}")
    return x


def _seq(x: object, who: str, what: str) -> Sequence:
    if isinstance(x, (str, bytes, Value)) or not isinstance(x, (Sequence, np.ndarray)):
        raise TypeError(f"{who}: {what} must be a list, got {type(x).__name__}")
    return x


def _scalar_value(p: object, who: str, where: str) -> Value:
    if not isinstance(p, Value):
        raise TypeError(f"{who}: prediction at {where} must be a Value, got {type(p).__name__}")
    if _is_batch(p):
        raise TypeError(f"{who}: prediction at {where} is batched while others are not")
    return p


def _target_columns(targets: object, B: int, k: int, who: str) -> list[np.ndarray]:
    """Batched targets as k float arrays of length B (from (B,), (B, k) or k arrays)."""
    if isinstance(targets, (list, tuple)) and targets and isinstance(targets[0], np.ndarray):
        cols = [np.asarray(t, dtype=np.float64) for t in targets]
    else:
        try:
            arr = np.asarray(targets, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{who}: batched targets must be a numeric array, "
                            f"got {type(targets).__name__}") from None
        if arr.ndim == 2 and arr.shape == (B, k):
            cols = list(arr.T)
        elif arr.ndim == 1 and k == 1 or arr.ndim == 2 and arr.shape == (B, 1) and k == 1:
            cols = [arr.reshape(-1)]
        else:
            raise ValueError(f"{who}: {k} batched outputs of {B} samples need targets of "
                             f"shape ({B},{' ' + str(k) if k > 1 else ''}), "
                             f"got shape {arr.shape}")
    if len(cols) != k or any(c.shape != (B,) for c in cols):
        shapes = [c.shape for c in cols]
        if k == 1 and len(cols) == 1:
            raise ValueError(f"{who}: a batched prediction of {B} samples needs {B} "
                             f"targets, got an array of shape {shapes[0]}")
        raise ValueError(f"{who}: {k} batched outputs of {B} samples need {k} target "
                         f"arrays of length {B}, got shapes {shapes}")
    for j, c in enumerate(cols):
        if not np.isfinite(c).all():
            raise ValueError(f"{who}: target of sample {int(np.argmin(np.isfinite(c)))}"
                             f"{f', output {j}' if k > 1 else ''} is not finite")
    return cols


def _pairs(preds: object, targets: object, who: str) -> _Pairs:
    """Check and flatten the predictions and targets of an elementwise loss."""
    if isinstance(preds, Value):
        if _is_batch(preds):
            B = preds.data.size
            return _Pairs([preds], _target_columns(targets, B, 1, who), B, True, [])
        return _Pairs([preds], [_real(targets, who, "example 0")], 1, False, ["example 0"])
    preds = _seq(preds, who, "predictions")
    if len(preds) == 0:
        raise ValueError(f"{who}: no predictions (an empty batch)")
    first = preds[0]
    if isinstance(first, Value) and _is_batch(first):
        return _batched_outputs(preds, targets, who)
    targets = _seq(targets, who, "targets")
    if len(preds) != len(targets):
        raise ValueError(f"{who}: {len(preds)} predictions but {len(targets)} targets")
    if isinstance(first, Value):
        where = [f"example {i}" for i in range(len(preds))]
        ps = [_scalar_value(p, who, w) for p, w in zip(preds, where)]
        ts = [_real(t, who, w) for t, w in zip(targets, where)]
        return _Pairs(ps, ts, len(preds), False, where)
    ps, ts, where = [], [], []
    for i, (p, t) in enumerate(zip(preds, targets)):
        p, t = _seq(p, who, f"prediction {i}"), _seq(t, who, f"target {i}")
        if len(p) != len(t):
            raise ValueError(f"{who}: example {i} has {len(p)} outputs but {len(t)} targets")
        for j, (pj, tj) in enumerate(zip(p, t)):
            w = f"example {i}, output {j}"
            ps.append(_scalar_value(pj, who, w))
            ts.append(_real(tj, who, w))
            where.append(w)
    return _Pairs(ps, ts, len(preds), False, where)


def _batched_outputs(preds: Sequence, targets: object, who: str) -> _Pairs:
    B = preds[0].data.size
    for j, p in enumerate(preds):
        if not isinstance(p, Value) or not _is_batch(p) or p.data.size != B:
            raise TypeError(f"{who}: output {j} is not a batched Value of {B} samples "
                            f"like output 0")
    return _Pairs(list(preds), _target_columns(targets, B, len(preds), who), B, True, [])


def _check(pairs: _Pairs, who: str, what: str, ok: Callable[[np.ndarray], np.ndarray],
           hint: str) -> None:
    """Raise naming the first target (`what` = "target") or prediction that fails `ok`."""
    for j, (p, t) in enumerate(zip(pairs.preds, pairs.targets)):
        x = np.asarray(t if what == "target" else p.data)
        good = ok(x)
        if good.all():
            continue
        if pairs.batched:
            i = int(np.argmin(good))
            where = f"sample {i}" + (f", output {j}" if len(pairs.preds) > 1 else "")
            x = x[i]
        else:
            where = pairs.where[j]
        raise ValueError(f"{who}: {what} {float(x)!r} at {where} {hint}")


def _mean(terms: list[Value | float], pairs: _Pairs, scale: float = 1.0) -> Value:
    """Sum the terms over outputs, then average over the examples (times `scale`)."""
    total = terms[0] if len(terms) == 1 and isinstance(terms[0], Value) else fused_sum(terms)
    if pairs.batched:
        total = total.mean()
    elif pairs.n > 1:
        scale /= pairs.n
    return total if scale == 1.0 else total * scale


# ---------------------------------------------------------------- losses
def mse(preds: Any, targets: Any, *, half: bool = False) -> Value:
    """Mean squared error  C = 1/n sum_x ||y(x) - a(x)||^2.

    With ``half=True`` it is the lecture's quadratic cost C = 1/(2n) sum_x ||y(x) - a||^2,
    whose gradient per output is simply (a - y)/n.
    """
    pairs = _pairs(preds, targets, "mse")
    terms = [(p - t) ** 2 for p, t in zip(pairs.preds, pairs.targets)]
    return _mean(terms, pairs, 0.5 if half else 1.0)


def quadratic_cost(preds: Any, targets: Any) -> Value:
    """The quadratic cost C = 1/(2n) sum_x ||y(x) - a||^2 (:func:`mse` with ``half=True``)."""
    return mse(preds, targets, half=True)


def _log_clamped(v: Value) -> Value | float:
    """ln v, clamped below at -100 (as torch's BCELoss) so that v = 0 gives a finite loss.

    Where the clamp is active the result is a constant (gradient 0).
    """
    x = v.data
    if not isinstance(x, np.ndarray):
        return v.log() if x > _TINY else _LOG_FLOOR
    tiny = x <= _TINY
    if not tiny.any():
        return v.log()
    m = tiny.astype(np.float64)
    return (v * (1.0 - m) + m).log() + m * _LOG_FLOOR


def _bce_term(a: Value, y: float | np.ndarray) -> Value | float:
    """-[y ln a + (1 - y) ln(1 - a)], skipping a term whose coefficient is exactly 0."""
    scalar = not isinstance(y, np.ndarray)
    parts = []
    if not scalar or y != 0:      # a coefficient of exactly 1 is no node ("* 1" in a picture)
        log_a = _log_clamped(a)
        parts.append(log_a if scalar and y == 1 else log_a * y)
    if not scalar or y != 1:
        log_1a = _log_clamped(1 - a)
        parts.append(log_1a if scalar and y == 0 else log_1a * (1 - y))
    return -(parts[0] if len(parts) == 1 else fused_sum(parts))


def binary_cross_entropy(probs: Any, targets: Any) -> Value:
    """BCE = -1/n sum_x [y ln a + (1 - y) ln(1 - a)], for probabilities a in [0, 1].

    It is the negative log-likelihood of labels y in {0, 1} (or soft labels in
    [0, 1]) when a = P(y = 1 | x). Each log is clamped at -100 so that a = 0 or
    1 gives a finite loss; prefer :func:`bce_with_logits` on the raw score z.
    """
    pairs = _pairs(probs, targets, "binary_cross_entropy")
    _check(pairs, "binary_cross_entropy", "probability", _in_unit, "is outside [0, 1]; "
           "pass probabilities (sigmoid outputs), or raw scores to bce_with_logits")
    _check(pairs, "binary_cross_entropy", "target", _in_unit, "is outside [0, 1]")
    terms = [_bce_term(p, t) for p, t in zip(pairs.preds, pairs.targets)]
    return _mean(terms, pairs)


def bce_with_logits(logits: Any, targets: Any) -> Value:
    """BCE of a = sigmoid(z), computed from the score z without overflow.

    -[y ln sigma(z) + (1 - y) ln(1 - sigma(z))] = softplus(z) - y z,
    with softplus(z) = ln(1 + e^z) computed stably; the gradient is sigma(z) - y.
    """
    pairs = _pairs(logits, targets, "bce_with_logits")
    _check(pairs, "bce_with_logits", "target", _in_unit, "is outside [0, 1]")
    terms = [z.softplus() - z * t for z, t in zip(pairs.preds, pairs.targets)]
    return _mean(terms, pairs)


def hinge(scores: Any, targets: Any) -> Value:
    """The SVM max-margin loss 1/n sum_x max(0, 1 - y s), with labels y = -1 or +1.

    A score on the right side by a margin of at least 1 costs nothing.
    """
    pairs = _pairs(scores, targets, "hinge")
    _check(pairs, "hinge", "target", _plus_minus_one,
           "must be -1 or +1 (turn 0/1 labels into -1/+1 with 2*y - 1)")
    terms = [(s * (-t) + 1.0).relu() for s, t in zip(pairs.preds, pairs.targets)]
    return _mean(terms, pairs)


def _in_unit(x: np.ndarray) -> np.ndarray:
    return (x >= 0) & (x <= 1)


def _plus_minus_one(x: np.ndarray) -> np.ndarray:
    return (x == 1) | (x == -1)


def l2(params: Any, alpha: float) -> Value:
    """L2 regularization  alpha * sum_p p^2  (one `dot` node: sum_p p * p).

    `params` is a list of Values or a module (its ``parameters()``). The
    gradient adds 2 alpha p to each parameter: weights decay toward 0.
    """
    if hasattr(params, "parameters"):
        params = params.parameters()
    ps = list(params)
    if not ps:
        raise ValueError("l2: no parameters")
    for i, p in enumerate(ps):
        if not isinstance(p, Value) or _is_batch(p):
            raise TypeError(f"l2: parameter {i} must be a scalar Value, got {p!r:.60}")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not alpha >= 0:
        raise ValueError(f"l2: alpha must be a number >= 0, got {alpha!r}")
    return dot(ps, ps, label="sum(p**2)") * float(alpha)


# ----------------------------------------------------- softmax and friends
def _logit_list(logits: object, who: str) -> list[Value]:
    if isinstance(logits, Value):
        raise TypeError(f"{who}: logits must be a list of Values, one per class, got a "
                        f"single Value (for two classes use bce_with_logits on one score)")
    zs = list(_seq(logits, who, "logits"))
    if not zs:
        raise ValueError(f"{who}: no logits")
    zs = [z if isinstance(z, Value) else Value(_real(z, who, f"logit {i}"))
          for i, z in enumerate(zs)]
    batched = _is_batch(zs[0])
    for i, z in enumerate(zs):
        if _is_batch(z) != batched or batched and z.data.size != zs[0].data.size:
            raise TypeError(f"{who}: logit {i} does not match logit 0 (mix of batched "
                            f"and scalar Values, or different batch sizes)")
    return zs


def _exp_shifted(zs: list[Value]) -> tuple[list[Value], list[Value], Value]:
    """s_k = z_k - m with m = max_k z_k (a constant), e_k = exp(s_k), and sum_k e_k.

    Subtracting the max changes nothing mathematically (it cancels in the
    ratio) but keeps every exponent <= 0: no overflow, and the sum is >= 1.
    """
    if _is_batch(zs[0]):
        m = Value(np.max(np.stack([z.data for z in zs]), axis=0), label="max z")
    else:
        m = max(z.data for z in zs)
    shifted = [z - m for z in zs]
    e = [s.exp() for s in shifted]
    return shifted, e, fused_sum(e)


def softmax(logits: Sequence[Value]) -> list[Value]:
    """a_i = e^{z_i} / sum_k e^{z_k}, computed as e^{z_i - m} / sum_k e^{z_k - m}.

    Its Jacobian is da_i/dz_j = a_i (delta_ij - a_j). Works on scalar or batched logits.
    """
    zs = _logit_list(logits, "softmax")
    _, e, total = _exp_shifted(zs)
    return [ek / total for ek in e]


def _class_index(y: object, k: int, where: str) -> int:
    if isinstance(y, (bool, np.bool_)) or not isinstance(y, (int, np.integer)):
        raise TypeError(f"cross_entropy: target index{where} must be an int class number, "
                        f"got {type(y).__name__} {y!r:.40}")
    if not 0 <= y < k:
        raise ValueError(f"cross_entropy: target index {y} out of range for {k} logits{where}")
    return int(y)


def _ce_one(logits: object, y: object, where: str = "") -> Value:
    """-ln a_y = ln sum_k e^{z_k - m} - (z_y - m) for one example."""
    zs = _logit_list(logits, "cross_entropy")
    if _is_batch(zs[0]):
        raise TypeError(f"cross_entropy: batched logits inside a list of examples{where}")
    y = _class_index(y, len(zs), where)
    shifted, _, total = _exp_shifted(zs)
    return total.log() - shifted[y]


def _ce_batched(zs: list[Value], targets: object) -> Value:
    """The batch's mean cross-entropy as ONE node, with softmax's gradient as its table:

        L = (1/B) sum_b [ ln sum_k e^{z_kb - m_b} - (z_{y_b}b - m_b) ],   m_b = max_k z_kb
        dL/dz_kb = (a_kb - [y_b = k]) / B,                                a = softmax(z)

    the lecture's "a - onehot(y)", per sample. (One example keeps the graph of every step,
    `_ce_one`, for drawing and stepping through; a batch is for training, where the k
    exps, sums and masks as separate nodes would only cost time. PyTorch fuses it too.)
    """
    B, k = zs[0].data.size, len(zs)
    y = np.asarray(targets)
    if y.shape != (B,):
        raise ValueError(f"cross_entropy: {B} batched samples need {B} target indices, "
                         f"got an array of shape {y.shape}")
    if y.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: batched targets must be an int array of class "
                        f"indices, got dtype {y.dtype}")
    bad = (y < 0) | (y >= k)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"cross_entropy: target index {int(y[i])} out of range for {k} "
                         f"logits (sample {i})")
    Z = np.stack([z.data for z in zs])                  # (k, B): row k = logit k
    samples = np.arange(B)
    shifted = Z - Z.max(axis=0)
    e = np.exp(shifted)
    total = e.sum(axis=0)
    loss = float((np.log(total) - shifted[y, samples]).mean())
    table = e / total                                   # a = softmax(z), per sample
    table[y, samples] -= 1.0
    table /= B
    table.setflags(write=False)
    return nary(loss, "cross_entropy", tuple(zs), table, 0)


def cross_entropy(logits: Any, target: Any) -> Value:
    """Multi-class cross-entropy  -ln a_y  with a = softmax(z), averaged over a batch.

    Computed stably as ln sum_k e^{z_k - m} - (z_y - m), m = max_k z_k, so logits
    like [1000, 0, -1000] give the exact loss. The gradient is a - onehot(y).

    * one example: a list of k Values and an int target index;
    * a batch: a list of such lists and a list of ints;
    * batched mode: k batched Values and an int array of B target indices.
    """
    if isinstance(logits, Value):
        _logit_list(logits, "cross_entropy")
    logits = _seq(logits, "cross_entropy", "logits")
    if len(logits) == 0:
        raise ValueError("cross_entropy: no logits")
    if isinstance(logits[0], Value) or not isinstance(logits[0], Iterable):
        zs = _logit_list(logits, "cross_entropy")
        return _ce_batched(zs, target) if _is_batch(zs[0]) else _ce_one(zs, target)
    targets = _seq(target, "cross_entropy", "targets")
    if len(logits) != len(targets):
        raise ValueError(f"cross_entropy: {len(logits)} examples but {len(targets)} targets")
    terms = [_ce_one(z, y, f" (example {i})") for i, (z, y) in enumerate(zip(logits, targets))]
    return terms[0] if len(terms) == 1 else fused_sum(terms) * (1.0 / len(terms))
