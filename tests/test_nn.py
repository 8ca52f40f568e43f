"""Neuron, Layer, MLP: structure, names, init, activations, batched mode, save/load."""

from __future__ import annotations

import json
import math
import os
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_ed.engine import Value, topological_order
from micrograd_ed.files.models import ModelFileError, StateDictError
from micrograd_ed.losses import cross_entropy, mse
from micrograd_ed.nn import MLP, Layer, Module, Neuron, Perceptron, init_bound


def set_params(model: Module, values) -> None:
    for p, v in zip(model.parameters(), values, strict=True):
        p.data = float(v)


# ----------------------------------------------------------- structure
def test_digit_network_has_13002_parameters():
    m = MLP(784, [16, 16, 10])
    assert m.num_parameters() == 784 * 16 + 16 * 16 + 16 * 10 + 16 + 16 + 10 == 13_002
    assert len(m.parameters()) == 13_002
    assert m.sizes == [16, 16, 10] and m.nin == 784
    assert [(la.nin, la.nout) for la in m.layers] == [(784, 16), (16, 16), (16, 10)]


def test_required_attributes_for_the_renderer():
    m = MLP(3, [4, 2], activation="relu", output_activation="sigmoid")
    layer = m.layers[0]
    assert (layer.nin, layer.nout, layer.activation) == (3, 4, "relu")
    assert m.layers[1].activation == "sigmoid"
    n = layer.neurons[2]
    assert (n.nin, n.activation, len(n.w)) == (3, "relu", 3)
    assert isinstance(n.b, Value) and all(isinstance(w, Value) for w in n.w)


def test_named_parameters_are_dotted_and_labels_are_indexed():
    m = MLP(6, [4, 3, 1])
    named = dict(m.named_parameters())
    assert len(named) == m.num_parameters()  # names are unique
    assert named["layers.0.neurons.3.w.5"].label == "w[0,3,5]"
    assert named["layers.1.neurons.2.b"].label == "b[1,2]"
    assert named["layers.2.neurons.0.w.2"] is m.layers[2].neurons[0].w[2]
    assert list(named)[:2] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1"]
    n = Neuron(2)
    assert [(k, p.label) for k, p in n.named_parameters()] == [
        ("w.0", "w[0]"), ("w.1", "w[1]"), ("b", "b")]


def test_repr_says_what_it_is():
    assert repr(Neuron(3, "relu")) == "Neuron(nin=3, activation='relu')"
    assert repr(Layer(2, 5, "sigmoid")) == "Layer(nin=2, nout=5, activation='sigmoid')"
    r = repr(MLP(2, [16, 16, 1], activation="relu"))
    assert "MLP(nin=2, sizes=[16, 16, 1]" in r and "337 parameters" in r


def test_call_returns_one_value_or_a_list():
    assert isinstance(Neuron(2)([1.0, 2.0]), Value)
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    out = Layer(2, 3)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3
    assert isinstance(MLP(2, [3, 1])([1.0, 2.0]), Value)
    assert len(MLP(2, [3, 4])([1.0, 2.0])) == 4


@pytest.mark.parametrize("bad, message", [
    ([1.0, 2.0, 3.0], "expects 2 inputs, got 3"),
    (np.zeros((5, 3)), "expects 2 inputs per sample"),
    (np.zeros((2, 2, 2)), "1-D or 2-D"),
])
def test_wrong_input_size_is_a_clear_error(bad, message):
    with pytest.raises(ValueError, match=message):
        MLP(2, [3, 1])(bad)


@pytest.mark.parametrize("kwargs, message", [
    ({"nin": 0, "sizes": [1]}, "nin must be a positive int"),
    ({"nin": 2, "sizes": []}, "sizes must be a non-empty list"),
    ({"nin": 2, "sizes": [3, 0]}, r"sizes\[1\] must be a positive int"),
    ({"nin": 2, "sizes": [1], "activation": "swish"}, "unknown activation 'swish'"),
    ({"nin": 2, "sizes": [1], "init": "normal"}, "unknown init 'normal'"),
])
def test_bad_constructor_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP(**kwargs)


def test_identity_is_an_alias_of_linear():
    assert Neuron(2, "identity").activation == "linear"
    assert MLP(2, [3, 1], activation="Identity").layers[0].activation == "linear"


# --------------------------------------------------------- activations
@pytest.mark.parametrize("activation, f", [
    ("linear", lambda z: z),
    ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
    ("tanh", math.tanh),
    ("relu", lambda z: max(z, 0.0)),
    ("step", lambda z: float(z > 0)),
])
@pytest.mark.parametrize("x", [[0.5, -1.0], [-2.0, 0.25]])
def test_neuron_computes_activation_of_weighted_input(activation, f, x):
    n = Neuron(2, activation)
    set_params(n, [0.7, -0.3, 0.1])
    z = 0.7 * x[0] - 0.3 * x[1] + 0.1
    assert n(x).data == pytest.approx(f(z), abs=1e-15)


def test_step_has_zero_derivative_so_no_gradient_reaches_the_weights():
    n = Neuron(2, "step", init="uniform", seed=3)
    out = n([1.0, 2.0])
    out.backward()
    assert out.op == "step"
    assert [p.grad for p in n.parameters()] == [0.0, 0.0, 0.0]
    # the batched step too
    out = n(np.array([[1.0, 2.0], [-1.0, -2.0]]))
    assert out.data.tolist() == [float(n([1.0, 2.0]).data), float(n([-1.0, -2.0]).data)]


def test_a_neuron_is_three_nodes_tagged_with_its_scope():
    m = MLP(3, [4, 2], activation="tanh", output_activation="linear")
    out = m([0.1, 0.2, 0.3])
    nodes = [v for v in topological_order(out[0]) if v.op]
    by_scope = {}
    for v in nodes:
        by_scope.setdefault(v.scope, []).append(v.op)
    assert by_scope[(0, 2)] == ["dot", "+", "tanh"]
    assert by_scope[(1, 0)] == ["dot", "+"]  # linear output: no activation node
    assert set(by_scope) == {(0, 0), (0, 1), (0, 2), (0, 3), (1, 0)}
    assert out[0].label == "z[1,0]"
    assert Neuron(2, "relu")([1.0, 1.0]).scope == (None, 0)


# ---------------------------------------------------------------- init
def test_same_seed_same_weights_and_global_random_untouched():
    state = random.getstate()
    a = MLP(3, [5, 2], seed=11).state_dict()
    random.seed(999)  # the global state must not matter
    b = MLP(3, [5, 2], seed=11).state_dict()
    random.setstate(state)
    assert a == b
    assert a != MLP(3, [5, 2], seed=12).state_dict()


def test_weights_come_from_random_Random_seed_in_order():
    m = MLP(2, [3, 1], seed=7)
    rng = random.Random(7)
    expected = []
    for layer in m.layers:
        for _ in layer.neurons:
            expected += [rng.uniform(-1, 1) for _ in range(layer.nin)] + [0.0]
    assert [p.data for p in m.parameters()] == expected


@pytest.mark.parametrize("init", ["uniform", "xavier", "he"])
def test_init_bounds(init):
    m = MLP(50, [30, 10], init=init, seed=1)
    for layer in m.layers:
        a = init_bound(init, layer.nin, layer.nout)
        w = np.array([wi.data for n in layer.neurons for wi in n.w])
        assert np.abs(w).max() <= a and np.abs(w).max() > 0.8 * a
        assert all(n.b.data == 0.0 for n in layer.neurons)
    assert init_bound("xavier", 50, 30) == pytest.approx(math.sqrt(6 / 80))
    assert init_bound("he", 50, 30) == pytest.approx(math.sqrt(6 / 50))


def test_zeros_init_gives_all_zero_parameters():
    assert set(MLP(3, [4, 1], init="zeros").state_dict().values()) == {0.0}


def test_zero_grad():
    m = MLP(2, [3, 1])
    m([1.0, -1.0]).backward()
    assert any(p.grad != 0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad == 0 for p in m.parameters())


# ------------------------------------------------- linear layers collapse
def test_stacked_layers_without_activation_are_one_affine_map():
    m = MLP(3, [5, 4, 2], activation="linear", output_activation="linear", seed=4)

    def f(x):
        return np.array([v.data for v in m(list(x))])

    c = f(np.zeros(3))
    A = np.column_stack([f(e) - c for e in np.eye(3)])
    rng = np.random.default_rng(0)
    for x in rng.normal(size=(10, 3)):
        np.testing.assert_allclose(f(x), A @ x + c, rtol=0, atol=1e-12)
    # ... and A is the product of the layers' weight matrices
    W = [np.array([[w.data for w in n.w] for n in la.neurons]) for la in m.layers]
    np.testing.assert_allclose(A, W[2] @ W[1] @ W[0], atol=1e-12)
    # with a nonlinearity, the same check fails
    t = MLP(3, [5, 4, 2], activation="tanh", seed=4)
    g = np.array([v.data for v in t([1.0, 2.0, 3.0])])
    g0 = np.array([v.data for v in t([0.0, 0.0, 0.0])])
    B = np.column_stack([np.array([v.data for v in t(list(e))]) - g0 for e in np.eye(3)])
    assert np.abs(g - (B @ [1.0, 2.0, 3.0] + g0)).max() > 1e-2


# ------------------------------------------------------------- batched
def test_batched_forward_equals_per_sample():
    m = MLP(3, [4, 4, 2], activation="relu", seed=2)
    X = np.random.default_rng(1).normal(size=(7, 3))
    per_sample = np.array([[v.data for v in m(list(x))] for x in X])
    for batch in (X, list(X.T)):
        out = m(batch)
        np.testing.assert_allclose(np.column_stack([v.data for v in out]), per_sample,
                                   rtol=0, atol=1e-14)


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_batched_and_per_sample_gradients_agree(loss):
    m = MLP(3, [5, 4, 3], activation="tanh", seed=5)
    rng = np.random.default_rng(2)
    X = rng.normal(size=(6, 3))
    y = rng.integers(0, 3, size=6)
    targets = np.eye(3)[y]

    if loss == "mse":
        batch_loss = mse(m(X), targets)  # m(X): 3 batched Values; targets: (B, 3)

        def sample_loss(i, out):
            return mse([out], [list(targets[i])])
    else:
        batch_loss = cross_entropy(m(X), y)

        def sample_loss(i, out):
            return cross_entropy(out, int(y[i]))

    m.zero_grad()
    batch_loss.backward()
    batched = [p.grad for p in m.parameters()]
    m.zero_grad()
    for i, x in enumerate(X):  # grads accumulate: the sum of per-sample grads / B
        (sample_loss(i, m(list(x))) * (1 / len(X))).backward()
    looped = [p.grad for p in m.parameters()]
    np.testing.assert_allclose(batched, looped, rtol=0, atol=1e-12)
    assert all(isinstance(g, float) for g in batched)


# ------------------------------------------------------- state dicts
def test_state_dict_roundtrip():
    a, b = MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=2)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert b([0.3, -0.7]).data == a([0.3, -0.7]).data


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.pop("layers.1.neurons.0.b"), "missing key 'layers.1.neurons.0.b'"),
    (lambda s: s.update({"layers.2.neurons.0.b": 1.0}), "unexpected key 'layers.2.neurons.0.b'"),
    (lambda s: s.update({"layers.0.neurons.1.w.0": "0.5"}), "must be a number, got str"),
    (lambda s: s.update({"layers.0.neurons.1.w.0": True}), "must be a number, got bool"),
    (lambda s: s.update({"layers.0.neurons.1.b": math.nan}), "is nan, not a finite number"),
    (lambda s: s.update({"layers.0.neurons.1.b": [1.0]}), "must be a number, got list"),
])
def test_bad_state_dict_names_the_problem_and_changes_nothing(edit, message):
    m = MLP(2, [3, 1], seed=1)
    before = m.state_dict()
    state = MLP(2, [3, 1], seed=9).state_dict()
    edit(state)
    with pytest.raises(StateDictError, match=message):
        m.load_state_dict(state)
    assert m.state_dict() == before


def test_state_dict_of_another_architecture_is_refused():
    m = MLP(2, [3, 1])
    before = m.state_dict()
    with pytest.raises(StateDictError, match="missing key 'layers.0.neurons.0.w.1'"):
        m.load_state_dict(MLP(1, [3, 1]).state_dict())
    with pytest.raises(StateDictError, match="expected a dict"):
        m.load_state_dict([1.0, 2.0])
    assert m.state_dict() == before


# ---------------------------------------------------------- save / load
def test_save_load_roundtrip_gives_identical_outputs(tmp_path):
    m = MLP(3, [4, 4, 2], activation="relu", output_activation="sigmoid", seed=3)
    path = tmp_path / "model.json"
    m.save(path)
    doc = json.loads(path.read_text())
    assert doc["format"] == "micrograd_ed.model" and doc["class"] == "MLP"
    loaded = MLP.load(path)
    assert loaded.config() == m.config() and loaded.state_dict() == m.state_dict()
    X = np.random.default_rng(0).normal(size=(5, 3))
    for a, b in zip(loaded(X), m(X)):
        assert np.array_equal(a.data, b.data)
    assert os.listdir(tmp_path) == ["model.json"]  # no temp file left behind


@pytest.mark.parametrize("model", [Neuron(3, "sigmoid", seed=1), Layer(2, 3, "relu", index=1),
                                   Perceptron(2)])
def test_every_module_kind_roundtrips(tmp_path, model):
    model.save(tmp_path / "m.json")
    loaded = Module.load(tmp_path / "m.json")
    assert type(loaded) is type(model) and loaded.state_dict() == model.state_dict()
    assert [p.label for p in loaded.parameters()] == [p.label for p in model.parameters()]


def test_load_checks_the_class(tmp_path):
    Neuron(2).save(tmp_path / "n.json")
    with pytest.raises(ModelFileError, match="holds a Neuron, not a MLP"):
        MLP.load(tmp_path / "n.json")


def corrupt(path):
    text = path.read_text()
    return {
        "truncated": text[: len(text) // 2],
        "not json": "hello",
        "wrong format": text.replace('"micrograd_ed.model"', '"other"'),
        "bad config": text.replace('"nin": 2', '"nin": -2'),
        "string weight": text.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": "x"'),
        "missing key": text.replace('"layers.0.neurons.0.b": 0.0,', ""),
        "NaN": text.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": NaN'),
    }


@pytest.mark.parametrize("kind, message", [
    ("truncated", "not valid JSON"),
    ("not json", "not valid JSON"),
    ("wrong format", "not a micrograd_ed model file"),
    ("bad config", "bad MLP config"),
    ("string weight", "must be a number"),
    ("missing key", "missing key 'layers.0.neurons.0.b'"),
    ("NaN", "NaN"),
])
def test_corrupted_file_raises_and_leaves_model_and_file_untouched(tmp_path, kind, message):
    m = MLP(2, [4, 1], seed=5)
    path = tmp_path / "m.json"
    m.save(path)
    bad = corrupt(path)[kind]
    assert bad != path.read_text()
    path.write_text(bad)
    target = MLP(2, [4, 1], seed=6)
    before = target.state_dict()
    with pytest.raises(ModelFileError, match=message):
        MLP.load(path)
    if kind not in ("bad config",):
        with pytest.raises(ModelFileError, match=message):
            target.load_weights(path)
    assert target.state_dict() == before
    assert path.read_text() == bad


def test_load_weights_refuses_another_architecture(tmp_path):
    MLP(2, [3, 1]).save(tmp_path / "a.json")
    m = MLP(2, [4, 1], seed=1)
    before = m.state_dict()
    with pytest.raises(ModelFileError, match="does not match this MLP"):
        m.load_weights(tmp_path / "a.json")
    assert m.state_dict() == before
    m2 = MLP(2, [3, 1], seed=8)
    m2.load_weights(tmp_path / "a.json")
    assert m2.state_dict() == MLP(2, [3, 1]).state_dict()


def test_failed_save_keeps_the_existing_file(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    m = MLP(2, [3, 1], seed=1)
    m.save(path)
    original = path.read_bytes()
    m.layers[0].neurons[1].w[0].data = math.nan
    with pytest.raises(ValueError, match="layers.0.neurons.1.w.0 is nan"):
        m.save(path)
    assert path.read_bytes() == original
    m.layers[0].neurons[1].w[0].data = 0.5

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        m.save(path)
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["m.json"]  # the temp file was removed


@settings(max_examples=20)
@given(st.lists(st.floats(-1e300, 1e300, allow_nan=False), min_size=7, max_size=7))
def test_json_roundtrip_is_exact_for_any_float(tmp_path_factory, values):
    m = Neuron(6)
    set_params(m, values)
    path = tmp_path_factory.mktemp("h") / "n.json"
    m.save(path)
    assert [p.data for p in Neuron.load(path).parameters()] == [float(v) for v in values]
