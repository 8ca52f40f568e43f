"""A layer's batched inputs as one stack node (engine/stacked.py): the same numbers as a list."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_ed import Value, backward_order, detect_anomaly, dot
from micrograd_ed.engine.stacked import stack
from micrograd_ed.nn import MLP

finite = st.floats(-2, 2, allow_nan=False)


def _grads(values):
    return [np.asarray(v.grad).tolist() for v in values]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 5), st.data())
def test_neurons_over_a_stack_give_the_numbers_of_neurons_over_the_list(n, m, b, data):
    X = np.array(data.draw(st.lists(st.lists(finite, min_size=b, max_size=b),
                                    min_size=n, max_size=n)))
    W = data.draw(st.lists(st.lists(finite, min_size=n, max_size=n), min_size=m, max_size=m))
    results = []
    for stacked in (False, True):
        leaves = [Value(row) for row in X]
        xs = [leaf.tanh() for leaf in leaves]
        ws = [[Value(w) for w in row] for row in W]
        inputs = stack(xs) if stacked else xs
        zs = [dot(w, inputs) for w in ws]
        loss = sum((z * z).mean() for z in zs)
        loss.backward()
        results.append(([z.data.tolist() for z in zs], _grads(leaves),
                         [_grads(w) for w in ws]))
    assert results[0] == results[1]


def test_a_dot_over_a_stack_shows_its_local_derivatives_per_parent():
    xs = [Value(np.array([1.0, 2.0])), Value(np.array([3.0, 4.0]))]
    S = stack(xs)
    w = [Value(0.5), Value(-1.0)]
    z = dot(w, S)
    assert z.parents == (*w, S) and len(z.local_grads) == 3
    assert z.local_grads[0].tolist() == [1.0, 2.0]          # dz_b/dw_0 = x_0[b]
    assert z.local_grads[2].tolist() == [[0.5, 0.5], [-1.0, -1.0]]  # dz_b/dS[i, b] = w_i
    assert S.op == "stack" and S.local_grads == (1.0, 1.0) and S.parents == tuple(xs)


def test_the_plain_walk_and_the_fast_walk_agree_on_a_model_with_stacks():
    model = MLP(3, [4, 3, 2], seed=2)
    X = np.linspace(-1, 1, 12).reshape(4, 3)
    loss = sum(o.mean() for o in model(X))
    assert any(v.op == "stack" for v in backward_order(loss))
    loss.backward()
    fast = [p.grad for p in model.parameters()]
    model.zero_grad()
    with detect_anomaly():
        loss.backward()
    assert [p.grad for p in model.parameters()] == fast


def test_a_batched_mlp_matches_the_same_mlp_sample_by_sample():
    model = MLP(3, [4, 3, 2], seed=5)
    X = np.linspace(-1, 1, 15).reshape(5, 3)
    loss = sum((o * o).sum() for o in model(X))
    loss.backward()
    batched = [p.grad for p in model.parameters()]
    model.zero_grad()
    total = sum(sum(o * o for o in model(list(row))) for row in X.tolist())
    total.backward()
    assert [p.grad for p in model.parameters()] == pytest.approx(batched, rel=1e-12)


def test_stack_refuses_inputs_without_one_batch_size():
    with pytest.raises(ValueError, match="sizes"):
        stack([Value(np.array([1.0, 2.0])), Value(np.array([1.0, 2.0, 3.0]))])
    with pytest.raises(ValueError, match="no batch"):
        stack([Value(1.0)])


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear", "step"])
def test_a_layer_on_a_batch_makes_the_nodes_its_neurons_make_one_by_one(activation):
    """engine/layerwise.py: the same nodes (slots, labels, scopes) and the same numbers."""
    from micrograd_ed.nn import Layer

    layer = Layer(3, 4, activation, seed=1, index=2)
    X = np.linspace(-2, 2, 21).reshape(7, 3)
    together = layer.forward(np.array(X))
    apart = [n.forward(np.array(X)) for n in layer.neurons]
    def chain(v):                       # the neuron's nodes: [a,] z, then its dot
        out = [v]
        while out[-1].op != "dot":
            out.append(out[-1].parents[0])
        return out

    for a, b in zip(together, apart):
        assert len(chain(a)) == len(chain(b)) == (2 if activation == "linear" else 3)
        for u, v in zip(chain(a), chain(b)):
            assert (u.op, u.label, u.scope, len(u.parents)) == (v.op, v.label, v.scope,
                                                                len(v.parents))
            assert u.data.tolist() == v.data.tolist()
            assert [np.asarray(d).tolist() for d in u.local_grads] == \
                [np.asarray(d).tolist() for d in v.local_grads]
    loss = sum((a * a).mean() for a in together)
    loss.backward()
    grads = [p.grad for p in layer.parameters()]
    layer.zero_grad()
    sum((a * a).mean() for a in apart).backward()
    assert [p.grad for p in layer.parameters()] == grads
