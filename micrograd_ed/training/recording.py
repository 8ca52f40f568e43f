"""Snapshots of a training run, for watching a network learn: ``fit(..., record=N)``.

A :class:`Recording` keeps one :class:`Snapshot` before the first epoch (epoch 0,
the initial weights), then after every N-th epoch, and always after the last one.
Each snapshot holds

* the parameters ``theta`` (float64, in ``model.parameters()`` order) and the
  gradients ``dL/dtheta`` of the epoch's last step (None at epoch 0);
* the train loss and accuracy *of those exact parameters* on the whole training set
  (and on the validation set when there is one). History's per-epoch numbers average
  over the epoch's batches while the weights move, so they differ slightly;
* for a model with 2 inputs, its outputs on a ``GRID x GRID`` grid over the data's
  range (float32, shape ``(GRID, GRID, k)``): what the decision boundary is drawn from.

Memory is bounded: one snapshot costs ``16 n + 4 GRID^2 k`` bytes for n parameters
and k outputs (:func:`snapshot_bytes`). ``fit`` refuses, before training starts, a
recording that would keep more than :data:`MAX_BYTES` or :data:`MAX_SNAPSHOTS`, and names
the smallest ``record`` that fits. The digit network (13,002 parameters, no grid)
costs 208,032 bytes (203 KiB) a snapshot: ``record=1`` over its 15 epochs keeps 16
snapshots, 3.1 MiB (epoch 0 has no gradients); the 64 MiB cap allows 322 snapshots.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

GRID = 60                       # grid points per axis for 2-D inputs
MAX_BYTES = 64 * 2 ** 20        # the most one recording may keep
MAX_SNAPSHOTS = 2001
PAD = 0.1                       # the grid reaches this fraction of the data's span beyond it


class RecordingError(ValueError):
    """A recording cannot be made (a model that is not an MLP, too much memory) or used."""


@dataclass
class Snapshot:
    """The model after `epoch` epochs (0: before training)."""

    epoch: int
    params: np.ndarray                      # float64, model.parameters() order
    grads: np.ndarray | None                # the epoch's last step; None at epoch 0
    loss: float
    accuracy: float
    val_loss: float | None = None
    val_accuracy: float | None = None
    grid: np.ndarray | None = None          # float32 (GRID, GRID, k) outputs, 2-D inputs only

    @property
    def nbytes(self) -> int:
        arrays = (self.params, self.grads, self.grid)
        return sum(a.nbytes for a in arrays if a is not None)


@dataclass
class Recording:
    """Every snapshot of one run, and what is needed to draw them.

    ``config`` rebuilds the architecture (``MLP.from_config``); ``names`` are the
    parameters' dotted names; ``X``/``y`` (and ``X_val``/``y_val``) are the data, kept
    only for 2-D inputs (to draw the points); ``grid_x``/``grid_y`` the grid's axes.
    """

    every: int
    config: dict[str, Any]
    names: list[str]
    threshold: float
    loss_name: str
    snapshots: list[Snapshot] = field(default_factory=list)
    grid_x: np.ndarray | None = None
    grid_y: np.ndarray | None = None
    X: np.ndarray | None = None
    y: np.ndarray | None = None
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    val_label: str = "validation"

    @property
    def epochs(self) -> list[int]:
        return [s.epoch for s in self.snapshots]

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.snapshots)

    def weight_index(self, layer: int) -> np.ndarray:
        """Positions in ``params`` of layer `layer`'s weights, as a (nout, nin) int array."""
        sizes = [self.config["nin"], *self.config["sizes"]]
        where = {name: i for i, name in enumerate(self.names)}
        nin, nout = sizes[layer], sizes[layer + 1]
        return np.array([[where[f"layers.{layer}.neurons.{j}.w.{i}"] for i in range(nin)]
                         for j in range(nout)], dtype=np.int64)

    def weights(self, k: int, layer: int, grads: bool = False) -> np.ndarray:
        """Layer `layer`'s weights (or their gradients) in snapshot k: (nout, nin)."""
        snap = self.snapshots[k]
        values = snap.grads if grads else snap.params
        if values is None:
            return np.zeros(self.weight_index(layer).shape)
        return values[self.weight_index(layer)]

    def model(self, k: int = -1, grads: bool = False) -> Any:
        """A new MLP with the parameters of snapshot `k` (and its gradients if `grads`)."""
        from micrograd_ed.nn import MLP

        snap = self.snapshots[k]
        model = MLP.from_config(self.config)
        for p, w in zip(model.parameters(), snap.params):
            p.data = float(w)
        if grads and snap.grads is not None:
            for p, g in zip(model.parameters(), snap.grads):
                p.grad = float(g)
        return model

    def __repr__(self) -> str:
        n = len(self.snapshots)
        span = f"epochs {self.epochs[0]}..{self.epochs[-1]}" if n else "empty"
        return (f"Recording({n} snapshots every {self.every} epochs, {span}, "
                f"{self.nbytes / 2 ** 20:.2f} MiB)")


def snapshot_bytes(n_params: int, nin: int, nout: int) -> int:
    """Bytes one snapshot keeps: params and grads (float64), the grid (float32) for 2 inputs."""
    return 16 * n_params + (4 * GRID * GRID * nout if nin == 2 else 0)


def planned_snapshots(epochs: int, every: int) -> int:
    """Snapshots kept over `epochs`: epoch 0, every `every`-th, and the last."""
    return 1 + math.ceil(epochs / every) if epochs % every else 1 + epochs // every


def check_plan(model: Any, record: object, epochs: int) -> int:
    """`record` as a positive int, or RecordingError (not an MLP, or over the caps)."""
    from micrograd_ed.nn import MLP

    if isinstance(record, bool) or not isinstance(record, int) or record < 1:
        raise RecordingError(f"fit: record must be a positive int (snapshot every N epochs) "
                             f"or None, got {record!r}")
    if not isinstance(model, MLP):
        raise RecordingError(f"fit: record= needs an MLP from micrograd_ed.nn (the player "
                             f"draws its layers), got {type(model).__name__}")
    per = snapshot_bytes(model.num_parameters(), model.nin, model.sizes[-1])
    count = planned_snapshots(epochs, record)
    if count > MAX_SNAPSHOTS or count * per > MAX_BYTES:
        fits = next(n for n in range(record, epochs + 1)
                    if planned_snapshots(epochs, n) <= MAX_SNAPSHOTS
                    and planned_snapshots(epochs, n) * per <= MAX_BYTES)
        raise RecordingError(
            f"fit: record={record} over {epochs} epochs would keep {count} snapshots of "
            f"{per:,} bytes ({count * per / 2 ** 20:.1f} MiB), over the cap of "
            f"{MAX_SNAPSHOTS} snapshots and {MAX_BYTES // 2 ** 20} MiB; use record={fits} "
            f"or more")
    return record


def grid_axes(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GRID points per axis spanning the data's range, padded by PAD of its span each side."""
    axes = []
    for col in X.T[:2]:
        lo, hi = float(col.min()), float(col.max())
        pad = (hi - lo) * PAD or 0.5
        axes.append(np.linspace(lo - pad, hi + pad, GRID))
    return axes[0], axes[1]


class Recorder:
    """Takes the snapshots during ``fit`` (``fit`` calls :meth:`take` after each epoch).

    `metrics` returns ``(loss, accuracy, val_loss, val_accuracy)`` of the model now;
    `scores` returns the model's outputs on an (m, 2) array as an (m, k) array.
    """

    def __init__(self, model: Any, every: int, recording: Recording,
                 metrics: Callable[[], tuple[float, float, float | None, float | None]],
                 scores: Callable[[np.ndarray], np.ndarray]) -> None:
        self.model, self.every, self.recording = model, every, recording
        self.metrics, self.scores = metrics, scores
        self.points: np.ndarray | None = None
        if recording.grid_x is not None:
            gx, gy = np.meshgrid(recording.grid_x, recording.grid_y)
            self.points = np.column_stack([gx.ravel(), gy.ravel()])

    def take(self, epoch: int, last: bool = False) -> None:
        """Snapshot after `epoch` epochs if it is 0, a multiple of `every`, or the last."""
        snaps = self.recording.snapshots
        if snaps and snaps[-1].epoch == epoch:
            return
        if not (epoch == 0 or last or epoch % self.every == 0):
            return
        params = self.model.parameters()
        loss, acc, v_loss, v_acc = self.metrics()
        grid = None
        if self.points is not None:
            out = self.scores(self.points).astype(np.float32)
            grid = out.reshape(GRID, GRID, out.shape[1])
        snaps.append(Snapshot(
            epoch=epoch, params=np.array([p.data for p in params], dtype=np.float64),
            grads=None if epoch == 0 else np.array([p.grad for p in params], dtype=np.float64),
            loss=loss, accuracy=acc, val_loss=v_loss, val_accuracy=v_acc, grid=grid))
