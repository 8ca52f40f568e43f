"""What :func:`micrograd_ed.train.fit` checks, so that a run that cannot work says why.

* Inputs and targets are checked once, before any step, and a bad one is named by
  its row in the data the user passed (``y[13] = 7``), not by its place in a
  shuffled mini-batch.
* The optimizer must hold at least one of the model's parameters; one made for
  another model would train nothing.
* Divergence: when the learning rate is too large, each step overshoots further,
  the weights grow until the forward pass overflows, and every number becomes
  inf or NaN (or, with saturating units, the weights reach 1e300 while the loss
  sits at its clamp). ``fit`` runs each step with numpy's overflow warnings off,
  checks the outputs and the loss of every step and the parameters after every
  epoch, and stops at the first inf or NaN, or weight beyond ``MAX_WEIGHT``
  (1e100: no trained network has one; its square is near a float's limit), with
  a :class:`DivergenceError` that names the epoch and the learning rate.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from micrograd_ed.engine import Value

MAX_WEIGHT = 1e100


class DivergenceError(ArithmeticError):
    """Training produced inf or NaN (the loss, the outputs or the parameters)."""


class NotFinite(Exception):
    """Internal: `what` became inf or NaN; :func:`fit` turns it into a DivergenceError."""

    def __init__(self, what: str, value: str, batch: int = 0) -> None:
        super().__init__(what, value)
        self.what, self.value, self.batch = what, value, batch


def require_finite(x: Any, what: str) -> None:
    """Raise NotFinite when the number or array `x` holds an inf or a NaN."""
    a = np.asarray(x, dtype=np.float64)
    if not np.isfinite(a).all():
        raise NotFinite(what, "nan" if np.isnan(a).any() else "inf")


def require_finite_parameters(params: list[Value]) -> None:
    """Raise NotFinite when a parameter is inf, NaN or larger than MAX_WEIGHT in size."""
    data = np.fromiter((p.data for p in params), np.float64, len(params))
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~(np.abs(data) <= MAX_WEIGHT))
    if len(bad):
        i = int(bad[0])
        name = params[i].label or f"parameter {i}"
        x = float(data[i])
        if math.isfinite(x):
            raise NotFinite("parameters", f"as large as {x:.3g} ({name}; more than "
                                          f"MAX_WEIGHT = {MAX_WEIGHT:g})")
        raise NotFinite("parameters", f"{x!r} ({name})")


def divergence_message(e: NotFinite | OverflowError, epoch: int, batch: int,
                       optimizer: Any, before_training: bool = False) -> str:
    """What went wrong and what to do about it (`batch` -1: after the epoch's steps)."""
    lr = getattr(optimizer, "lr", None)
    lr_text = f" (lr = {lr:g})" if isinstance(lr, (int, float)) else ""
    what = (f"the {e.what} became {e.value}" if isinstance(e, NotFinite)
            else f"a number overflowed ({' '.join(str(e).split())})")
    if before_training:
        return (f"fit: before the first step, {what.replace('became', 'are')}: the "
                f"inputs or the initial weights are too large for a float; scale the inputs "
                f"or re-initialise the model")
    at = f"epoch {epoch + 1}" + (f" (batch {batch + 1})" if batch >= 0 else "")
    return (f"fit: training diverged at {at}: {what}. "
            f"Each step overshot the minimum further until the numbers blew up: lower the "
            f"learning rate{lr_text}, for example by 10x")


def check_inputs(X: np.ndarray, where: str) -> None:
    """Every input finite, or a ValueError naming the first bad cell."""
    bad = np.argwhere(~np.isfinite(X))
    if len(bad):
        i, j = (int(k) for k in bad[0])
        raise ValueError(f"{where}: X[{i}, {j}] is {float(X[i, j])!r}; every input must be a "
                         f"finite number")


def check_targets(y: np.ndarray, loss: str, outputs: int | None, where: str) -> np.ndarray:
    """The targets of loss `loss`, checked row by row; a bad one is named by its row."""
    if y.dtype.kind not in "biuf":
        raise ValueError(f"{where}: y must hold numbers, got dtype {y.dtype}")
    flat = y.reshape(len(y), -1).astype(np.float64)
    bad = np.argwhere(~np.isfinite(flat))
    if len(bad):
        raise ValueError(f"{where}: {_cell(y, bad[0])} is {float(flat[tuple(bad[0])])!r}, "
                         f"not finite")
    if loss == "cross_entropy":
        return _class_indices(y, flat, outputs, where)
    if loss in ("bce", "binary_cross_entropy", "bce_with_logits"):
        _first_bad(y, flat, (flat < 0) | (flat > 1), "must be in [0, 1] (a label 0 or 1, "
                   "or a probability)", where)
    elif loss == "hinge":
        _first_bad(y, flat, (flat != 1) & (flat != -1), "must be -1 or +1 for the hinge "
                   "loss (turn 0/1 labels into -1/+1 with 2*y - 1)", where)
    return y.astype(np.float64)


def _class_indices(y: np.ndarray, flat: np.ndarray, outputs: int | None,
                   where: str) -> np.ndarray:
    if y.ndim != 1:
        raise ValueError(f"{where}: cross_entropy needs y as class indices, one int per row; "
                         f"got shape {y.shape} (for one-hot rows pass y.argmax(axis=1))")
    v = flat[:, :1]
    _first_bad(y, flat, v != np.round(v), "is not a whole class index", where)
    k = outputs or 0
    top = f"0..{k - 1} for a model with {k} outputs" if k else "a class index >= 0"
    _first_bad(y, flat, (v < 0) | ((v >= k) if k else False), f"is not in {top}", where)
    return v[:, 0].astype(np.int64)


def _first_bad(y: np.ndarray, flat: np.ndarray, bad: np.ndarray, why: str, where: str) -> None:
    cells = np.argwhere(bad)
    if len(cells):
        x = float(flat[tuple(cells[0])])
        shown = int(x) if x.is_integer() else x
        raise ValueError(f"{where}: {_cell(y, cells[0])} = {shown!r} {why}")


def _cell(y: np.ndarray, index: np.ndarray) -> str:
    return f"y[{int(index[0])}]" if y.ndim == 1 else f"y[{int(index[0])}, {int(index[1])}]"


def check_optimizer(model: Any, optimizer: Any) -> None:
    """The optimizer must update at least one of the model's parameters."""
    if not hasattr(model, "parameters") or not hasattr(optimizer, "params"):
        return
    mine = {id(p) for p in model.parameters()}
    if mine and not any(id(p) in mine for p in optimizer.params):
        raise ValueError(
            f"fit: the optimizer holds none of the model's {len(mine)} parameters (its "
            f"{len(optimizer.params)} belong to another model), so training would change "
            f"nothing; make it from this model: {type(optimizer).__name__}"
            f"(model.parameters(), ...)")
