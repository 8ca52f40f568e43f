"""A training loop: mini-batch gradient descent with a history and a progress bar.

``fit`` repeats, for each epoch and each shuffled mini-batch::

    optimizer.zero_grad()
    loss = loss_fn(model(X_batch), y_batch) (+ l2 * sum p^2)
    loss.backward()
    optimizer.step()

By default a mini-batch goes through the model in *batched mode*: the model
reads one numpy array per input feature, so the whole batch is one graph of a
few nodes per neuron instead of one graph per sample (same gradients, far
faster). ``batched=False`` loops over the samples instead.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from micrograd_ed import losses
from micrograd_ed.data import minibatches
from micrograd_ed.engine import Value
from micrograd_ed.engine.memory import paused_gc
from micrograd_ed.optim import SGD, LRSchedule, Optimizer
from micrograd_ed.training.checks import (
    DivergenceError,
    NotFinite,
    check_inputs,
    check_optimizer,
    check_targets,
    divergence_message,
    require_finite,
    require_finite_parameters,
)
from micrograd_ed.training.recording import Recorder, Recording, check_plan, grid_axes

__all__ = ["LOSSES", "DivergenceError", "History", "accuracy", "evaluate", "fit", "predict",
           "predict_scores"]

LossFn = Callable[[Any, Any], Value]

LOSSES: dict[str, LossFn] = {
    "mse": losses.mse,
    "quadratic": losses.quadratic_cost,
    "bce": losses.binary_cross_entropy,
    "binary_cross_entropy": losses.binary_cross_entropy,
    "bce_with_logits": losses.bce_with_logits,
    "cross_entropy": losses.cross_entropy,
    "hinge": losses.hinge,
}


@dataclass
class History:
    """Per-epoch metrics of :func:`fit` (train ones are averaged over the epoch's batches)."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    best_epoch: int | None = None       # set with early stopping: the weights kept
    stopped_early: bool = False
    recording: Recording | None = None  # the snapshots of fit(..., record=N)

    @property
    def epochs(self) -> int:
        return len(self.loss)

    def __repr__(self) -> str:
        if not self.loss:
            return "History(no epochs)"
        parts = [f"{self.epochs} epochs", f"loss {self.loss[-1]:.4g}",
                 f"accuracy {self.accuracy[-1]:.3f}"]
        if self.val_loss:
            parts += [f"val_loss {self.val_loss[-1]:.4g}",
                      f"val_accuracy {self.val_accuracy[-1]:.3f}"]
        if self.stopped_early:
            parts.append(f"stopped early, kept epoch {self.best_epoch}")
        return f"History({', '.join(parts)})"


# ------------------------------------------------------------ model facts
def _outputs(model: Any) -> int | None:
    if hasattr(model, "sizes"):
        return model.sizes[-1]
    if hasattr(model, "nout"):
        return model.nout
    return 1 if hasattr(model, "w") else None


def _output_activation(model: Any) -> str:
    if hasattr(model, "layers"):
        return model.layers[-1].activation
    return getattr(model, "activation", "linear")


def _default_threshold(model: Any) -> float:
    """The decision threshold of a single output: 1/2 for a probability, else 0."""
    return 0.5 if _output_activation(model) in ("sigmoid", "step") else 0.0


def _as_list(out: Value | list[Value]) -> list[Value]:
    return out if isinstance(out, list) else [out]


def _scores(outs: list[Value]) -> np.ndarray:
    """Batched outputs as a (B, k) array."""
    return np.column_stack([np.asarray(v.data, dtype=np.float64) for v in outs])


# ------------------------------------------------------ predict, accuracy
def predict_scores(model: Any, X: object) -> np.ndarray:
    """The model's raw outputs for every row of X, as an (n, k) array (one batched pass)."""
    X = _check_X(X, model, "predict", empty_ok=True)
    with paused_gc():       # the graph has no cycles: see micrograd_ed.engine.memory
        return _scores(_as_list(model(X)))


def _decide(scores: np.ndarray, threshold: float, plus_minus: bool) -> np.ndarray:
    if scores.shape[1] > 1:
        return scores.argmax(axis=1)
    above = scores[:, 0] > threshold
    return np.where(above, 1, -1 if plus_minus else 0)


def predict(model: Any, X: object, threshold: float | None = None) -> np.ndarray:
    """Class labels: the argmax of several outputs, or for one output 1 if a > threshold else 0.

    The default threshold is 1/2 for a sigmoid (probability) output, else 0.
    """
    t = _default_threshold(model) if threshold is None else threshold
    return _decide(predict_scores(model, X), t, plus_minus=False)


def _accuracy(scores: np.ndarray, y: np.ndarray, threshold: float) -> float:
    """Fraction right; labels may be ints, one-hot rows, or -1/+1. NaN for non-label targets."""
    if scores.shape[1] > 1:
        labels = y.argmax(axis=1) if y.ndim == 2 else y
        return float(np.mean(scores.argmax(axis=1) == labels))
    t = y.reshape(-1)
    plus_minus = bool((t == -1).any())
    if not np.isin(t, (-1, 1) if plus_minus else (0, 1)).all():
        return math.nan
    return float(np.mean(_decide(scores, threshold, plus_minus) == t))


def accuracy(model: Any, X: object, y: object, threshold: float | None = None) -> float:
    """Fraction of rows of X whose predicted class equals y (0/1, -1/+1, ints or one-hot)."""
    t = _default_threshold(model) if threshold is None else threshold
    X, y = _check_X(X, model, "accuracy"), np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"accuracy: X has {len(X)} rows but y has {len(y)}")
    return _accuracy(predict_scores(model, X), y, t)


# ------------------------------------------------------------------ fit
@dataclass
class _Task:
    """What fit needs to know about the loss: function, name, threshold, target dtype."""

    fn: LossFn
    name: str
    threshold: float
    outputs: int | None = None      # of the model: the class indices are 0..outputs-1


def _task(model: Any, loss: str | LossFn | None, y: np.ndarray) -> _Task:
    if loss is None:
        k = _outputs(model)
        act = _output_activation(model)
        loss = "cross_entropy" if k and k > 1 and y.ndim == 1 else (
            "bce" if act == "sigmoid" else "mse")
    if callable(loss):
        return _Task(loss, getattr(loss, "__name__", "loss"), _default_threshold(model),
                     _outputs(model))
    if loss not in LOSSES:
        raise ValueError(f"fit: unknown loss {loss!r}; use one of {', '.join(LOSSES)} "
                         f"or a function (preds, targets) -> Value")
    threshold = _default_threshold(model)
    if loss in ("mse", "quadratic") and np.isin(y, (0, 1)).all():
        threshold = 0.5
    return _Task(LOSSES[loss], loss, threshold, _outputs(model))


def _check_X(X: object, model: Any, where: str, empty_ok: bool = False) -> np.ndarray:
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as e:
        why = ("its rows have different lengths" if "inhomogeneous" in str(e)
               else " ".join(str(e).split()))
        raise ValueError(f"{where}: X must be a table of numbers (samples, features); "
                         f"{why}") from None
    if not empty_ok and X.ndim in (1, 2) and len(X) == 0:
        raise ValueError(f"{where}: X is empty (0 samples): there is nothing to learn from "
                         f"or score; give at least one row")
    if X.ndim != 2:
        raise ValueError(f"{where}: X must be 2-D (samples, features), got shape {X.shape}")
    nin = getattr(model, "nin", X.shape[1])
    if X.shape[1] != nin:
        raise ValueError(f"{where}: the model has {nin} inputs but X has {X.shape[1]} columns")
    check_inputs(X, where)
    return X


def _check_y(y: object, n: int, task: _Task, where: str) -> np.ndarray:
    y = np.asarray(y)
    if len(y) != n:
        raise ValueError(f"{where}: X has {n} rows but y has {len(y)}")
    if task.name in LOSSES:         # named by their row here, not by a batch position later
        return check_targets(y, task.name, task.outputs, where)
    if task.name == "cross_entropy":
        if y.dtype.kind == "f" and np.array_equal(y, np.round(y)):
            y = y.astype(np.int64)
        return y
    return y.astype(np.float64)


def _forward_loss(model: Any, X: np.ndarray, y: np.ndarray, task: _Task,
                  batched: bool) -> tuple[Value, np.ndarray]:
    """The mean loss over (X, y) as one Value, and the outputs as an (n, k) array."""
    if batched:
        outs = _as_list(model(X))
        scores = _scores(outs)
        require_finite(scores, "model's outputs")
        return task.fn(outs if len(outs) > 1 else outs[0], y), scores
    preds = [model(list(x)) for x in X]
    scores = np.array([[float(v.data) for v in _as_list(p)] for p in preds])
    require_finite(scores, "model's outputs")
    return task.fn(preds, y), scores


def evaluate(model: Any, X: object, y: object, loss: str | LossFn | None = None,
             l2: float = 0.0) -> tuple[float, float]:
    """``(loss, accuracy)`` of the model on (X, y), in one batched pass."""
    X = _check_X(X, model, "evaluate")
    task = _task(model, loss, np.asarray(y))
    try:
        return _evaluate(model, X, _check_y(y, len(X), task, "evaluate"), task, l2)
    except NotFinite as e:
        raise DivergenceError(f"evaluate: the {e.what} are {e.value}: the model's "
                              f"parameters are too large or not finite") from None


def _evaluate(model: Any, X: np.ndarray, y: np.ndarray, task: _Task,
              l2: float) -> tuple[float, float]:
    with paused_gc(), np.errstate(all="ignore"):   # inf/NaN is checked, not warned about
        value, scores = _forward_loss(model, X, y, task, batched=True)
        total = value.data + (losses.l2(model, l2).data if l2 else 0.0)
        del value           # free the graph while the collector is paused
    return float(total), _accuracy(scores, y, task.threshold)


class _NoBar:
    """The progress bar's methods that fit calls, doing nothing (progress=False)."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def set_description(self, *args: Any, **kwargs: Any) -> None:
        return None

    set_postfix = update = set_description


def _progress_bar(total: int, enabled: bool) -> Any:
    """tqdm.auto's bar (a widget in notebooks that have ipywidgets, text elsewhere).

    tqdm warns when a notebook lacks ipywidgets; we fall back to the text bar silently.
    No thread: tqdm starts a monitor thread with its first bar, even a disabled one, so
    there is no tqdm at all without progress, and our bar class turns the monitor off
    (a class attribute of our subclass, not a change to tqdm's own).
    """
    if not enabled:
        return _NoBar()
    from tqdm import TqdmWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TqdmWarning)
        from tqdm.auto import tqdm
    bar = type("ProgressBar", (tqdm,), {"monitor_interval": 0})
    return bar(total=total, unit="batch", leave=True)


def fit(model: Any, X: object, y: object, *, loss: str | LossFn | None = None,
        optimizer: Optimizer | None = None, epochs: int = 100, batch_size: int | None = None,
        seed: int = 0, validation: tuple[object, object] | None = None,
        early_stopping: int | None = None, progress: bool = True,
        schedule: LRSchedule | None = None, l2: float = 0.0,
        batched: bool = True, record: int | None = None) -> History:
    """Train `model` on (X, y) by mini-batch gradient descent; return the `History`.

    * `loss`: "mse", "quadratic", "bce", "bce_with_logits", "cross_entropy",
      "hinge", or a function (preds, targets) -> Value. Default: cross_entropy
      for several outputs and int labels, bce for a sigmoid output, else mse.
    * `optimizer`: default ``SGD(model.parameters(), lr=0.1)``.
    * `batch_size`: None for full-batch gradient descent. Batches are shuffled
      per epoch from `seed`.
    * `validation`: ``(X_val, y_val)``, evaluated after every epoch.
    * `early_stopping`: patience in epochs; stop when the validation loss (or
      the training loss without validation data) has not improved for that
      many epochs, and restore the best weights.
    * `schedule`: an LR schedule of `optimizer`, stepped once per epoch.
    * `l2`: add ``l2 * sum p^2`` to the loss (L2 regularization).
    * `record`: keep a snapshot (parameters, gradients, loss and accuracy, and for 2
      inputs the outputs on a grid) before training, every `record` epochs and after
      the last one, in ``history.recording`` (see :mod:`micrograd_ed.training.recording`; an MLP
      only, memory capped). With early stopping the recording ends where training
      stopped, while the model gets the weights of ``history.best_epoch``.
    """
    X = _check_X(X, model, "fit")
    task = _task(model, loss, np.asarray(y))
    y = _check_y(y, len(X), task, "fit")
    val = _validation(validation, model, task)
    if optimizer is None:
        optimizer = SGD(model.parameters(), lr=0.1)
    check_optimizer(model, optimizer)
    if schedule is not None and schedule.optimizer is not optimizer:
        raise ValueError("fit: the schedule belongs to a different optimizer than `optimizer`")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    size = len(X) if batch_size is None else batch_size
    history, stopper = History(), _EarlyStopping(early_stopping, model)
    recorder = None if record is None else _recorder(
        model, check_plan(model, record, epochs), X, y, val, task, l2, history)
    with _progress_bar(epochs * math.ceil(len(X) / max(1, size)), progress) as bar:
        if recorder is not None:
            recorder.take(0)
        for epoch in range(epochs):
            bar.set_description(f"epoch {epoch + 1}/{epochs}", refresh=False)
            loss_e, acc_e = _train_epoch(model, X, y, task, optimizer, size, seed, epoch,
                                         l2, batched, bar)
            history.loss.append(loss_e)
            history.accuracy.append(acc_e)
            if val is not None:
                v_loss, v_acc = _validate(model, val, task, l2, epoch, optimizer)
                history.val_loss.append(v_loss)
                history.val_accuracy.append(v_acc)
            bar.set_postfix(_postfix(history), refresh=False)
            if schedule is not None:
                schedule.step()
            monitored = history.val_loss[-1] if val is not None else loss_e
            stop = stopper.update(monitored, epoch + 1)
            if recorder is not None:
                recorder.take(epoch + 1, last=stop or epoch + 1 == epochs)
            if stop:
                break
    stopper.finish(history)
    return history


def _recorder(model: Any, every: int, X: np.ndarray, y: np.ndarray,
              val: tuple[np.ndarray, np.ndarray] | None, task: _Task, l2: float,
              history: History) -> Recorder:
    """The Recorder of fit(record=every); the data is kept for drawing when X is 2-D."""
    def metrics() -> tuple[float, float, float | None, float | None]:
        loss_, acc = _evaluate(model, X, y, task, l2)
        if val is None:
            return loss_, acc, None, None
        return (loss_, acc, *_evaluate(model, *val, task, l2))

    plane = X.shape[1] == 2
    recording = Recording(every=every, config=model.config(),
                          names=[name for name, _ in model.named_parameters()],
                          threshold=task.threshold, loss_name=task.name)
    if plane:
        recording.grid_x, recording.grid_y = grid_axes(X)
        recording.X, recording.y = X.copy(), y.copy()
        if val is not None:
            recording.X_val, recording.y_val = val[0].copy(), val[1].copy()
    history.recording = recording
    return Recorder(model, every, recording, metrics,
                    lambda points: predict_scores(model, points))


def _postfix(h: History) -> dict[str, str]:
    out = {"loss": f"{h.loss[-1]:.4g}", "acc": f"{h.accuracy[-1]:.3f}"}
    if h.val_loss:
        out |= {"val_loss": f"{h.val_loss[-1]:.4g}", "val_acc": f"{h.val_accuracy[-1]:.3f}"}
    return out


def _validation(validation: Sequence | None, model: Any,
                task: _Task) -> tuple[np.ndarray, np.ndarray] | None:
    if validation is None:
        return None
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise ValueError("fit: validation must be a pair (X_val, y_val)")
    Xv = _check_X(validation[0], model, "fit (validation)")
    return Xv, _check_y(validation[1], len(Xv), task, "fit (validation)")


def _train_epoch(model: Any, X: np.ndarray, y: np.ndarray, task: _Task, optimizer: Optimizer,
                 size: int, seed: int, epoch: int, l2: float, batched: bool,
                 bar: Any) -> tuple[float, float]:
    """One pass over the shuffled batches; the batch-size-weighted mean loss and accuracy.

    Each step runs with the cyclic garbage collector paused: a step's graph has
    no reference cycles, so reference counting frees it at ``del value``, and the
    collector would only re-scan it while it grows (see micrograd_ed.engine.memory).
    """
    total_loss = total_right = 0.0
    batch = 0
    if epoch == 0:
        try:
            require_finite_parameters(optimizer.params)
        except NotFinite as e:
            raise DivergenceError(divergence_message(e, 0, 0, optimizer, True)) from None
    try:
        for Xb, yb in minibatches(X, y, size, seed=seed, epoch=epoch):
            # numpy's overflow warnings are off: an inf or NaN is caught and explained below
            with paused_gc(), np.errstate(all="ignore"):
                optimizer.zero_grad()
                value, scores = _forward_loss(model, Xb, yb, task, batched)
                if l2:
                    value = value + losses.l2(optimizer.params, l2)
                require_finite(value.data, "loss")
                value.backward()
                optimizer.step()
                batch_loss = float(value.data)
                del value       # free the graph while the collector is paused
            total_loss += batch_loss * len(Xb)
            total_right += _accuracy(scores, yb, task.threshold) * len(Xb)
            bar.update(1)
            batch += 1
        batch -= 1              # the parameters after the epoch's last step
        require_finite_parameters(optimizer.params)
    except (NotFinite, OverflowError) as e:
        first = epoch == 0 and batch == 0 and "parameters" not in str(getattr(e, "what", ""))
        raise DivergenceError(divergence_message(e, epoch, batch, optimizer, first)) from None
    return total_loss / len(X), total_right / len(X)


def _validate(model: Any, val: tuple[np.ndarray, np.ndarray], task: _Task, l2: float,
              epoch: int, optimizer: Optimizer) -> tuple[float, float]:
    """The validation loss and accuracy after an epoch; a DivergenceError on inf or NaN."""
    try:
        return _evaluate(model, *val, task, l2)
    except NotFinite as e:
        e.what = f"{e.what} on the validation data"
        raise DivergenceError(divergence_message(e, epoch, -1, optimizer)) from None


class _EarlyStopping:
    """Track the best monitored loss; say when `patience` epochs pass without improvement."""

    def __init__(self, patience: int | None, model: Any) -> None:
        if patience is not None and (isinstance(patience, bool) or not isinstance(patience, int)
                                     or patience < 1):
            raise ValueError(f"fit: early_stopping must be a positive int (patience in "
                             f"epochs) or None, got {patience!r}")
        self.patience, self.model = patience, model
        self.best, self.best_epoch, self.best_state = math.inf, None, None
        self.stopped = False

    def update(self, value: float, epoch: int) -> bool:
        if self.patience is None:
            return False
        if self.best_epoch is None or value < self.best:
            self.best, self.best_epoch = value, epoch
            self.best_state = self.model.state_dict()
        elif epoch - self.best_epoch >= self.patience:
            self.stopped = True
        return self.stopped

    def finish(self, history: History) -> None:
        if self.patience is None or self.best_state is None:
            return
        self.model.load_state_dict(self.best_state)
        history.best_epoch, history.stopped_early = self.best_epoch, self.stopped
