"""fit(..., record=N): the snapshots a training player is drawn from."""

from __future__ import annotations

import numpy as np
import pytest

from micrograd_ed.data import truth_table
from micrograd_ed.nn import MLP, Layer, Neuron
from micrograd_ed.optim import SGD
from micrograd_ed.train import evaluate, fit
from micrograd_ed.training import recording
from micrograd_ed.training.recording import (
    RecordingError,
    check_plan,
    planned_snapshots,
    snapshot_bytes,
)


def xor_model() -> MLP:
    return MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)


def train_xor(epochs: int = 100, record: int | None = 30, **kw):
    X, y = truth_table("xor")
    model = xor_model()
    history = fit(model, X, y, loss="bce", optimizer=SGD(model.parameters(), lr=2.0),
                  epochs=epochs, progress=False, record=record, **kw)
    return model, history, X, y


def test_snapshots_at_epoch_0_every_n_and_the_last():
    model, history, X, y = train_xor(epochs=100, record=30)
    rec = history.recording
    assert rec.epochs == [0, 30, 60, 90, 100]
    assert len(rec.snapshots) == planned_snapshots(100, 30) == 5
    assert rec.every == 30


def test_last_epoch_is_not_recorded_twice():
    _, history, _, _ = train_xor(epochs=90, record=30)
    assert history.recording.epochs == [0, 30, 60, 90]


def test_last_snapshot_holds_the_trained_model_and_its_loss():
    model, history, X, y = train_xor(epochs=100, record=30)
    last = history.recording.snapshots[-1]
    assert np.array_equal(last.params, [p.data for p in model.parameters()])
    assert last.params.dtype == np.float64
    assert history.recording.model(-1).state_dict() == model.state_dict()
    loss, acc = evaluate(model, X, y, loss="bce")
    assert last.loss == loss and last.accuracy == acc


def test_first_snapshot_is_the_initial_model_without_gradients():
    _, history, X, y = train_xor(epochs=10, record=5)
    first = history.recording.snapshots[0]
    assert np.array_equal(first.params, [p.data for p in xor_model().parameters()])
    assert first.grads is None
    later = history.recording.snapshots[1]
    assert later.grads is not None and np.any(later.grads != 0)


def test_two_inputs_record_the_output_on_a_grid_over_the_data():
    _, history, X, _ = train_xor(epochs=10, record=5)
    rec = history.recording
    g = recording.GRID
    assert all(s.grid.shape == (g, g, 1) and s.grid.dtype == np.float32 for s in rec.snapshots)
    assert rec.grid_x[0] < X[:, 0].min() and rec.grid_x[-1] > X[:, 0].max()
    assert rec.grid_y[0] < X[:, 1].min() and rec.grid_y[-1] > X[:, 1].max()
    assert np.array_equal(rec.X, X)
    # the grid holds the model's outputs: its corner is the model at that point
    model = rec.model(-1)
    corner = float(model([rec.grid_x[0], rec.grid_y[0]]).data)
    assert rec.snapshots[-1].grid[0, 0, 0] == pytest.approx(corner, rel=1e-6)
    assert not np.array_equal(rec.snapshots[0].grid, rec.snapshots[-1].grid)


def test_validation_numbers_are_recorded_and_more_inputs_have_no_grid():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = (X.sum(axis=1) > 0).astype(float)
    model = MLP(3, [4, 1], output_activation="sigmoid", seed=0)
    history = fit(model, X[:30], y[:30], loss="bce", epochs=4, progress=False, record=2,
                  validation=(X[30:], y[30:]))
    snaps = history.recording.snapshots
    assert all(s.grid is None for s in snaps) and history.recording.X is None
    assert all(s.val_loss is not None and s.val_accuracy is not None for s in snaps)
    assert snaps[-1].val_loss == pytest.approx(history.val_loss[-1])


def test_memory_is_what_snapshot_bytes_says():
    _, history, _, _ = train_xor(epochs=100, record=30)
    rec = history.recording
    per = snapshot_bytes(9, 2, 1)
    assert per == 16 * 9 + 4 * recording.GRID ** 2
    assert all(s.nbytes == per for s in rec.snapshots[1:])
    assert rec.nbytes == per * 5 - 8 * 9      # epoch 0 has no gradients


def test_the_digit_network_costs_what_the_docs_say():
    per = snapshot_bytes(13_002, 784, 10)
    assert per == 208_032
    assert planned_snapshots(15, 1) * per / 2 ** 20 == pytest.approx(3.17, abs=0.01)
    assert recording.MAX_BYTES // per == 322


def test_a_recording_over_the_cap_is_refused_before_training_and_says_what_fits():
    model = MLP(784, [16, 16, 10], seed=0)
    with pytest.raises(RecordingError, match=r"record=1 over 1000 epochs .* use record=4 "):
        check_plan(model, 1, 1000)
    assert check_plan(model, 4, 1000) == 4
    X, y = truth_table("xor")
    with pytest.raises(RecordingError, match="use record=2 or more"):
        fit(xor_model(), X, y, epochs=(recording.MAX_SNAPSHOTS - 1) * 2, record=1,
            progress=False)


@pytest.mark.parametrize("model", [Neuron(2, seed=0), Layer(2, 1, seed=0)])
def test_recording_a_model_that_is_not_an_mlp_is_refused(model):
    X, y = truth_table("xor")
    with pytest.raises(RecordingError, match=f"needs an MLP .* got {type(model).__name__}"):
        fit(model, X, y, epochs=2, record=1, progress=False)


@pytest.mark.parametrize("record", [0, -1, 1.5, True, "10"])
def test_record_must_be_a_positive_int(record):
    X, y = truth_table("xor")
    with pytest.raises(RecordingError, match="record must be a positive int"):
        fit(xor_model(), X, y, epochs=2, record=record, progress=False)


def test_no_recording_by_default():
    _, history, _, _ = train_xor(epochs=3, record=None)
    assert history.recording is None


def test_early_stopping_ends_the_recording_where_training_stopped():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 2))
    y = (X[:, 0] > 0).astype(float)
    model = MLP(2, [3, 1], output_activation="sigmoid", seed=0)
    history = fit(model, X[:20], y[:20], loss="bce", epochs=500, early_stopping=2,
                  validation=(X[20:], y[20:]), optimizer=SGD(model.parameters(), lr=5.0),
                  record=7, progress=False)
    assert history.stopped_early
    assert history.recording.epochs[-1] == history.epochs
    assert history.recording.epochs[:2] == [0, 7]
