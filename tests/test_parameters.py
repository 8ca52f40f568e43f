"""Parameters backed by arrays (engine/parameters.py): the same numbers as plain Values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_ed import Value, dot
from micrograd_ed.engine.parameters import Parameter, ParameterArray, Weights, arrays_of
from micrograd_ed.nn import MLP, Neuron
from micrograd_ed.optim import SGD, Adam

finite = st.floats(-3, 3, allow_nan=False)


def test_a_parameter_shows_its_array_entry_and_writes_into_it():
    a = ParameterArray([1.0, 2.0, 3.0], ["w0", "w1", "b"])
    w0, w1, b = a.values
    assert isinstance(w0, Value) and w0.op == "" and w0.label == "w0"
    assert (w0.data, w1.data, b.data) == (1.0, 2.0, 3.0) and type(w0.data) is float
    w1.data -= 0.5
    b.grad = 4                          # an int is stored as a float
    assert a.data.tolist() == [1.0, 1.5, 3.0] and a.grad.tolist() == [0.0, 0.0, 4.0]
    a.data[0] = 7.0
    assert w0.data == 7.0
    assert w0.array is a and len(a) == 3


@pytest.mark.parametrize("bad, error, words", [
    (np.array([1.0, 2.0]), TypeError, "w1 holds one number"),
    ("3", TypeError, "real number"),
    (True, TypeError, "bool"),
])
def test_a_parameter_refuses_what_is_not_one_number_and_keeps_its_value(bad, error, words):
    a = ParameterArray([1.0, 2.0], ["w0", "w1"])
    with pytest.raises(error, match=words):
        a.values[1].data = bad
    with pytest.raises(error):
        a.values[1].grad = bad
    assert a.data.tolist() == [1.0, 2.0] and a.grad.tolist() == [0.0, 0.0]


def test_labels_and_numbers_must_match():
    with pytest.raises(ValueError, match="3 numbers but 2 labels"):
        ParameterArray([1.0, 2.0, 3.0], ["a", "b"])


def test_a_neuron_keeps_w_then_b_in_one_array():
    n = Neuron(3, seed=1)
    assert isinstance(n.w, Weights) and len(n.w) == 3 and all(type(w) is Parameter for w in n.w)
    assert n.parameter_array.data.tolist() == [*(w.data for w in n.w), n.b.data]
    assert np.shares_memory(n.w.numbers, n.parameter_array.data)


def test_replacing_one_weight_says_how_to_change_it_and_changes_nothing():
    n = Neuron(3, seed=1)
    before = n.parameter_array.data.copy()
    with pytest.raises(TypeError, match=r"w\[0\].data = \.\.\., or give the neuron a new list"):
        n.w[0] = Value(2.0)
    assert n.parameter_array.data.tolist() == before.tolist()
    n.w[0].data = 2.0                   # what the message says works
    assert n.parameter_array.data[0] == 2.0
    n.w = [Value(1.0), Value(2.0), Value(3.0)]
    assert n([1.0, 1.0, 1.0]).data == pytest.approx(np.tanh(6.0 + n.b.data))


def _plain_copy(weights):
    return [Value(w.data, label=w.label) for w in weights]


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, min_size=1, max_size=6), st.integers(1, 5), st.data())
def test_dot_over_weights_gives_the_grads_of_dot_over_plain_values(ws, batch, data):
    """Scalar and batched, first layer (a sample matrix) and later layers (Value inputs)."""
    n = len(ws)
    arr = ParameterArray([*ws, 0.0], [f"w{i}" for i in range(n)] + ["b"])
    w, plain = arr.first(n), _plain_copy(arr.values[:n])
    X = np.array(data.draw(st.lists(st.lists(finite, min_size=n, max_size=n),
                                    min_size=batch, max_size=batch)))
    for make in (lambda w: dot(w, X).tanh().mean(),                         # layer 1
                 lambda w: dot(w, [Value(X[:, i]).tanh() for i in range(n)]).sum(),  # layer 2
                 lambda w: dot(w, [Value(float(x)) for x in X[0]]).tanh()):  # one sample
        arr.grad[:] = 0.0
        for p in plain:
            p.grad = 0.0
        a, b = make(w), make(plain)
        a.backward()
        b.backward()
        assert a.data == b.data
        assert arr.grad[:n].tolist() == [p.grad for p in plain]


def test_runs_cover_the_parameters_in_order():
    model = MLP(2, [3, 1], seed=0)
    params = model.parameters()
    runs = arrays_of(params)
    assert [(stop - start) for _, start, stop in runs] == [3, 3, 3, 4]
    assert arrays_of([*params, Value(1.0)]) is None
    assert arrays_of(params[::-1]) is not None          # any order: more, shorter runs


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
                                  lambda ps: Adam(ps, lr=0.05, weight_decay=0.01)])
def test_an_optimizer_on_arrays_moves_exactly_like_one_on_plain_values(make):
    model = MLP(2, [3, 1], seed=4)
    params = model.parameters()
    plain = _plain_copy(params)
    opt_a, opt_b = make(params), make(plain)
    assert opt_a._runs is not None and opt_b._runs is None
    rng = np.random.default_rng(0)
    for _ in range(5):
        for p, q, g in zip(params, plain, rng.normal(size=len(params)).tolist()):
            p.grad = q.grad = g
        opt_a.step()
        opt_b.step()
        assert [p.data for p in params] == [q.data for q in plain]
    opt_a.zero_grad()
    assert all(p.grad == 0.0 for p in params)


def test_an_optimizer_names_a_non_finite_gradient_of_an_array_parameter():
    model = MLP(2, [2], seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    model.layers[0].neurons[1].w[0].grad = float("nan")
    before = [p.data for p in model.parameters()]
    with pytest.raises(FloatingPointError, match=r"w\[0,1,0\]"):
        opt.step()
    assert [p.data for p in model.parameters()] == before


def test_a_deep_copy_of_a_model_has_its_own_arrays_and_the_same_numbers():
    import copy

    model = MLP(2, [3, 1], seed=7)
    model.parameters()[0].grad = 0.25
    twin = copy.deepcopy(model)
    assert [p.data for p in twin.parameters()] == [p.data for p in model.parameters()]
    assert twin.parameters()[0].grad == 0.25
    n, m = model.layers[0].neurons[0], twin.layers[0].neurons[0]
    assert m.w[0] is m.parameter_array.values[0] and m.b is m.parameter_array.values[-1]
    assert m.w.array is m.parameter_array
    m.w[0].data = 9.0
    assert n.w[0].data != 9.0 and m.parameter_array.data[0] == 9.0
    assert twin([0.5, -1.0]).data == pytest.approx(
        twin.layers[1]([a for a in twin.layers[0]([0.5, -1.0])]).data)


def test_a_scalar_dot_over_weights_shows_no_constant_and_adds_into_the_array():
    n = Neuron(3, seed=2)
    x = [Value(0.5), Value(-1.0), Value(2.0)]
    z = dot(n.w, x)
    assert z.const is None and z.parents == (*n.w, *x)
    (z * z).backward()
    assert n.parameter_array.grad[:3].tolist() == [2 * z.data * xi.data for xi in x]
    assert [xi.grad for xi in x] == [2 * z.data * w.data for w in n.w]
