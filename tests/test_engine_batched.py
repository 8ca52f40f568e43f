"""Batched mode: a node holds one value per sample; parameters get the batch-summed gradient."""

from __future__ import annotations

import numpy as np
import pytest

from micrograd_ed import Value, detect_anomaly, dot, fused_sum


def tiny_model(w, b, x1, x2):
    z = dot(w, [x1, x2]) + b
    return (z.tanh() * 2.0 - x1).sigmoid() + (z * z + 1.0).log()


def test_batched_grads_equal_the_sum_of_per_sample_grads():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 2))
    w = [Value(0.3, "w1"), Value(-0.7, "w2")]
    b = Value(0.1, "b")
    out = tiny_model(w, b, X[:, 0], X[:, 1]).mean()
    out.backward()
    batched = [p.grad for p in (*w, b)]
    assert all(isinstance(g, float) for g in batched)

    loop = np.zeros(3)
    total = 0.0
    for x1, x2 in X:
        for p in (*w, b):
            p.grad = 0.0
        o = tiny_model(w, b, float(x1), float(x2)) * (1 / len(X))
        o.backward()
        total += o.data
        loop += [p.grad for p in (*w, b)]
    np.testing.assert_allclose(batched, loop, rtol=1e-12, atol=1e-12)
    assert out.data == pytest.approx(total, rel=1e-12)


def test_batched_inputs_as_values_get_per_sample_grads():
    x = Value(np.array([1.0, 2.0, 3.0]), label="x")
    w = Value(2.0, label="w")
    loss = (w * x * x).sum()
    loss.backward()
    np.testing.assert_array_equal(x.grad, 2 * 2.0 * x.data)
    assert w.grad == pytest.approx(float((x.data**2).sum()))
    assert isinstance(w.grad, float)


def test_every_unary_op_works_elementwise():
    xs = np.array([-1.5, -0.2, 0.4, 2.0])
    for op in ("exp", "tanh", "sigmoid", "relu", "softplus", "abs", "leaky_relu"):
        batched = getattr(Value(xs), op)()
        scalar = [getattr(Value(float(x)), op)().data for x in xs]
        np.testing.assert_allclose(batched.data, scalar, rtol=1e-14, err_msg=op)
    np.testing.assert_allclose(Value(np.abs(xs)).log().data, np.log(np.abs(xs)))


def test_batched_errors_name_the_op():
    with pytest.raises(ValueError, match="log of a non-positive number"):
        Value(np.array([1.0, -1.0]), label="x").log()
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        Value(1.0) / Value(np.array([1.0, 0.0]))
    with pytest.raises(TypeError, match="batched Value"):
        float(Value(np.array([1.0, 2.0])))


def test_fused_sum_and_dot_are_single_nodes():
    ws = [Value(float(i), f"w{i}") for i in range(4)]
    s = fused_sum(ws + [2.0])
    assert s.op == "sum" and len(s.parents) == 4 and s.const == 2.0 and s.data == 8.0
    z = dot(ws, [1.0, 2.0, 3.0, 4.0])
    assert z.op == "dot" and z.parents == tuple(ws) and z.local_grads == (1.0, 2.0, 3.0, 4.0)
    z.backward()
    assert [w.grad for w in ws] == [1.0, 2.0, 3.0, 4.0]
    xs = [Value(1.0), Value(-1.0)]
    z2 = dot(ws[:2], xs)
    assert len(z2.parents) == 4
    z2.backward()
    assert xs[1].grad == 1.0
    with pytest.raises(ValueError, match="2 weights but 3 inputs"):
        dot(ws[:2], [1.0, 2.0, 3.0])


def test_parameter_used_by_batched_and_scalar_paths_sums_each_once():
    """w feeds a batched term and a plain (per-batch) penalty: the penalty counts once."""
    x = np.array([1.0, 2.0, 3.0, 4.0])
    w = Value(0.5, "w")
    loss = (w * x).mean() + w * w * 0.1
    loss.backward()
    assert w.grad == pytest.approx(x.mean() + 2 * 0.1 * 0.5, rel=1e-14)
    w.grad = 0.0
    with detect_anomaly():
        loss = (w * x).mean() + w * w * 0.1
        loss.backward()
    assert w.grad == pytest.approx(x.mean() + 0.1, rel=1e-14)


def test_dot_over_a_batch_matrix_matches_per_sample_dots():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(5, 3))
    ws = [Value(float(v)) for v in rng.normal(size=3)]
    z = dot(ws, X)
    assert z.data.shape == (5,)
    np.testing.assert_allclose(z.data, X @ [w.data for w in ws], rtol=1e-14)
    assert len(z.local_grads) == 3
    np.testing.assert_array_equal(z.local_grads[1], X[:, 1])
    (z * z).mean().backward()
    expected = 2 * X.T @ (X @ [w.data for w in ws]) / 5
    np.testing.assert_allclose([w.grad for w in ws], expected, rtol=1e-12)
