"""fit and friends on an empty data set say so, naming the argument; training starts no thread."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

from micrograd_ed import MLP, fit
from micrograd_ed.train import accuracy, evaluate

ROWS, TARGETS = [[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0]


@pytest.mark.parametrize("X, y", [
    (np.zeros((0, 2)), np.zeros(0)),
    ([], []),
    (np.zeros((0, 2)), []),
])
def test_fit_on_an_empty_data_set_names_x(X, y):
    with pytest.raises(ValueError, match=r"^fit: X is empty \(0 samples\)"):
        fit(MLP(2, [3, 1], seed=0), X, y, epochs=1, progress=False)


def test_an_empty_validation_set_is_named_as_the_validation_data():
    with pytest.raises(ValueError, match=r"^fit \(validation\): X is empty"):
        fit(MLP(2, [3, 1], seed=0), ROWS, TARGETS, epochs=1, progress=False,
            validation=(np.zeros((0, 2)), np.zeros(0)))


@pytest.mark.parametrize("fn", [evaluate, accuracy])
def test_evaluate_and_accuracy_on_nothing_say_so_without_numpy_warnings(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=rf"^{fn.__name__}: X is empty"):
            fn(MLP(2, [3, 1], seed=0), np.zeros((0, 2)), np.zeros(0))


THREADS = """
import threading
from micrograd_ed import MLP, fit
before = {{t.name for t in threading.enumerate()}}
fit(MLP(2, [3, 1], seed=0), [[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0], epochs=3,
    progress={progress})
print(sorted({{t.name for t in threading.enumerate()}} - before))
"""


@pytest.mark.parametrize("progress", [False, True])
def test_fit_starts_no_thread(progress):
    """tqdm starts a monitor thread with its first bar, even a disabled one: fit's bar does
    not (a fresh interpreter, so no earlier bar started it)."""
    done = subprocess.run([sys.executable, "-c", THREADS.format(progress=progress)],
                          capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]", done.stdout
    assert ("batch" in done.stderr) == progress      # the bar is shown only when asked for
