"""Training steps, evaluation and gradient checks run with the cyclic GC paused, and restore it."""

from __future__ import annotations

import contextlib
import gc
import io
import re
from pathlib import Path

import numpy as np

from micrograd_ed import losses
from micrograd_ed.engine import Value
from micrograd_ed.gradcheck import gradcheck
from micrograd_ed.nn import MLP
from micrograd_ed.train import accuracy, fit, predict


def test_fit_pauses_the_collector_during_each_step_and_restores_it():
    seen = []

    def loss(preds, targets):
        seen.append(gc.isenabled())
        return losses.mse(preds, targets)

    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([1.0, 1.0, 0.0])
    assert gc.isenabled()
    fit(MLP(2, [3, 1], seed=0), X, y, loss=loss, epochs=2, batch_size=2, progress=False,
        validation=(X, y))
    assert seen and not any(seen)          # training and validation steps: all paused
    assert gc.isenabled()


def test_fit_restores_the_collector_when_a_step_raises():
    def loss(preds, targets):
        raise RuntimeError("boom")

    try:
        fit(MLP(2, [1], seed=0), np.ones((2, 2)), np.ones(2), loss=loss, progress=False)
    except RuntimeError:
        pass
    assert gc.isenabled()


def test_predict_and_accuracy_leave_the_collector_on():
    m = MLP(2, [2, 2], seed=0)
    X = np.ones((4, 2))
    predict(m, X)
    accuracy(m, X, np.zeros(4, dtype=int))
    assert gc.isenabled()


def test_gradcheck_pauses_the_collector_while_fn_builds_graphs():
    seen = []

    def fn(xs):
        seen.append(gc.isenabled())
        return xs[0] * xs[1] + xs[0].tanh()

    assert gradcheck(fn, [Value(0.3), Value(-1.2)])
    assert len(seen) == 1 + 2 * 2 and not any(seen)
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        fit(MLP(2, [1], seed=0), np.ones((2, 2)), np.ones(2), epochs=1, progress=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_readme_paused_gc_example_runs_and_prints_e():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "paused_gc" in b)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README paused_gc block", "exec"), {})
    assert out.getvalue().split() == ["2.7183"]
    assert gc.isenabled()
