"""Losses: values, gradients vs central differences, stability, batching, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_ed.engine import Value
from micrograd_ed.gradcheck import gradcheck
from micrograd_ed.losses import (
    bce_with_logits,
    binary_cross_entropy,
    cross_entropy,
    hinge,
    l2,
    mse,
    quadratic_cost,
    softmax,
)
from micrograd_ed.nn import Neuron


def vals(*xs: float) -> list[Value]:
    return [Value(x, label=f"x{i}") for i, x in enumerate(xs)]


# ---------------------------------------------------------------- values
def test_mse_forms():
    assert mse(Value(3.0), 1.0).data == 4.0
    assert mse(vals(1.0, 2.0), [0, 0]).data == 2.5
    # multi-output: sum over outputs, mean over examples
    assert mse([vals(1.0, 2.0), vals(0.0, 3.0)], [[0, 0], [0, 0]]).data == (5 + 9) / 2
    assert mse(Value(np.array([1.0, 2.0])), np.array([0.0, 0.0])).data == 2.5
    assert quadratic_cost(vals(1.0, 2.0), [0, 0]).data == 1.25
    assert mse(vals(1.0, 2.0), [0, 0], half=True).data == 1.25


def test_coin_likelihood_is_exp_of_minus_total_bce():
    """Tosses T, H: likelihood 0.25 for a fair coin, 0.16 for P(H) = 0.8."""
    for p_heads, likelihood in ((0.5, 0.25), (0.8, 0.16)):
        loss = binary_cross_entropy([Value(p_heads), Value(p_heads)], [0, 1])
        assert math.exp(-2 * loss.data) == pytest.approx(likelihood, rel=1e-12)


def test_hinge_is_zero_beyond_the_margin():
    assert hinge(vals(2.0, -3.0), [1, -1]).data == 0.0
    assert hinge(vals(0.5, 0.5), [1, -1]).data == (0.5 + 1.5) / 2


def test_l2_value_and_gradient():
    ps = vals(1.0, -2.0, 3.0)
    r = l2(ps, 0.1)
    r.backward()
    assert r.data == pytest.approx(1.4, rel=1e-15)
    assert [p.grad for p in ps] == pytest.approx([0.2, -0.4, 0.6], rel=1e-15)
    assert l2(Neuron(3, seed=0), 0.0).data == 0.0


def test_worked_example_sigmoid_neuron_with_cross_entropy():
    """y = 1, a = 1/1.9: dL/da = -1.9, da/dz = a(1-a), dL/dw_j = x_j a(1-a)(-1/a)."""
    x = [0.5, 0.6]
    n = Neuron(2, "sigmoid")
    z = math.log(1 / 0.9)  # sigmoid(z) = 1/1.9
    n.load_state_dict({"w.0": 0.0, "w.1": 0.0, "b": z})
    a = n(x)
    loss = binary_cross_entropy(a, 1)
    loss.backward()
    assert -1 / a.data == pytest.approx(-1.9)
    assert a.data * (1 - a.data) == pytest.approx(0.249, abs=1e-3)
    g = [p.grad for p in n.parameters()]
    assert g == pytest.approx([-0.5 * 0.9 / 1.9, -0.6 * 0.9 / 1.9, -0.9 / 1.9], rel=1e-12)
    assert [round(v, 2) for v in g] == [-0.24, -0.28, -0.47]


# --------------------------------------------------------- gradient checks
CASES = {
    "mse": (lambda x: mse(x, [0.5, -1.0, 2.0]), [0.3, 0.1, -0.7]),
    "mse multi-output": (lambda x: mse([x[:2], x[2:]], [[1, 0], [0, 1]]), [0.3, 0.1, -0.7, 2.0]),
    "quadratic_cost": (lambda x: quadratic_cost(x, [1.0, 0.0]), [0.2, 0.9]),
    "bce": (lambda x: binary_cross_entropy(x, [1, 0, 0.3]), [0.2, 0.7, 0.5]),
    "bce_with_logits": (lambda x: bce_with_logits(x, [1, 0, 1]), [-2.0, 0.5, 3.0]),
    "hinge": (lambda x: hinge(x, [1, 1, 1, -1]), [0.3, -2.0, 1.5, 0.2]),
    "cross_entropy": (lambda x: cross_entropy(x, 2), [0.1, -1.2, 0.8, 2.0]),
    "cross_entropy batch": (lambda x: cross_entropy([x[:3], x[3:]], [0, 2]),
                            [0.1, -1.2, 0.8, 2.0, 0.0, -0.5]),
    "softmax": (lambda x: sum(c * a for c, a in zip([1.0, -2.0, 0.5], softmax(x))),
                [0.3, -0.4, 1.1]),
    "l2": (lambda x: l2(x, 0.01), [0.3, -0.4, 1.1]),
}


@pytest.mark.parametrize("name", CASES)
def test_loss_gradients_match_central_differences(name):
    fn, xs = CASES[name]
    result = gradcheck(fn, vals(*xs), atol=1e-7, rtol=1e-6)
    assert result, str(result)


@settings(max_examples=40)
@given(st.lists(st.floats(-20, 20), min_size=2, max_size=6), st.data())
def test_cross_entropy_gradient_is_softmax_minus_onehot(logits, data):
    y = data.draw(st.integers(0, len(logits) - 1))
    zs = vals(*logits)
    loss = cross_entropy(zs, y)
    loss.backward()
    a = np.exp(np.array(logits) - max(logits))
    a /= a.sum()
    expected = a - np.eye(len(logits))[y]
    np.testing.assert_allclose([z.grad for z in zs], expected, rtol=0, atol=1e-12)
    assert loss.data == pytest.approx(-math.log(a[y]), rel=1e-12, abs=1e-12)


@settings(max_examples=40)
@given(st.lists(st.floats(-10, 10), min_size=1, max_size=5))
def test_softmax_jacobian(logits):
    """da_i/dz_j = a_i (delta_ij - a_j)."""
    zs = vals(*logits)
    a = softmax(zs)
    assert sum(ai.data for ai in a) == pytest.approx(1.0, rel=1e-14)
    ad = np.array([ai.data for ai in a])
    for i, ai in enumerate(a):
        for z in zs:
            z.grad = 0.0
        ai.backward()
        row = [z.grad for z in zs]
        expected = ad[i] * (np.eye(len(zs))[i] - ad)
        np.testing.assert_allclose(row, expected, rtol=0, atol=1e-14)


# ------------------------------------------------------------- stability
def test_cross_entropy_is_exact_for_huge_logits():
    for y, expected in ((0, 0.0), (1, 1000.0), (2, 2000.0)):
        zs = vals(1000.0, 0.0, -1000.0)
        loss = cross_entropy(zs, y)
        loss.backward()
        assert loss.data == expected
        assert [z.grad for z in zs] == [1.0 - (y == 0), -float(y == 1), -float(y == 2)]
    assert [a.data for a in softmax(vals(1000.0, 0.0, -1000.0))] == [1.0, 0.0, 0.0]


def test_bce_with_logits_is_stable():
    for z, y, expected, grad in ((1000.0, 1, 0.0, 0.0), (1000.0, 0, 1000.0, 1.0),
                                 (-1000.0, 1, 1000.0, -1.0), (-1000.0, 0, 0.0, 0.0)):
        v = Value(z)
        loss = bce_with_logits(v, y)
        loss.backward()
        assert (loss.data, v.grad) == (expected, grad)


def test_bce_clamps_log_of_zero_like_torch():
    assert binary_cross_entropy(Value(1.0), 1).data == 0.0
    assert binary_cross_entropy(Value(0.0), 0).data == 0.0
    assert binary_cross_entropy(Value(1.0), 0).data == 100.0
    batched = binary_cross_entropy(Value(np.array([1.0, 0.0, 0.5])), np.array([0, 0, 1]))
    assert batched.data == pytest.approx((100.0 + 0.0 + math.log(2)) / 3, rel=1e-14)


# ----------------------------------------------------------------- batched
def linear(w: list[Value], x):
    """w0 * x + w1 (x a float or a 1-D array)."""
    return w[0] * x + w[1]


BATCH = np.array([-1.5, -0.2, 0.4, 0.9, 2.0])
ELEMENTWISE = {
    "mse": (mse, lambda z: z, np.array([0.3, -1.0, 0.0, 2.0, 1.0])),
    "bce": (binary_cross_entropy, Value.sigmoid, np.array([0, 1, 1, 0, 1])),
    "bce_with_logits": (bce_with_logits, lambda z: z, np.array([0, 1, 1, 0, 1])),
    "hinge": (hinge, lambda z: z, np.array([-1, 1, 1, -1, 1])),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_batched_loss_equals_mean_of_per_sample_losses(name):
    loss, out, t = ELEMENTWISE[name]
    w = vals(0.7, -0.1)
    batched = loss(out(linear(w, BATCH)), t)
    batched.backward()
    g_batched = [p.grad for p in w]
    for p in w:
        p.grad = 0.0
    listed = loss([out(linear(w, float(x))) for x in BATCH], list(t))
    listed.backward()
    assert batched.data == pytest.approx(listed.data, rel=1e-13)
    np.testing.assert_allclose(g_batched, [p.grad for p in w], rtol=0, atol=1e-12)
    assert all(isinstance(p.grad, float) for p in w)


def test_batched_cross_entropy_equals_per_sample():
    rng = np.random.default_rng(3)
    W = [vals(*rng.normal(size=2)) for _ in range(4)]
    y = np.array([0, 3, 1, 1, 2])
    batched = cross_entropy([linear(w, BATCH) for w in W], y)
    batched.backward()
    g1 = [p.grad for w in W for p in w]
    for w in W:
        for p in w:
            p.grad = 0.0
    listed = cross_entropy([[linear(w, float(x)) for w in W] for x in BATCH], list(y))
    listed.backward()
    assert batched.data == pytest.approx(listed.data, rel=1e-13)
    np.testing.assert_allclose(g1, [p.grad for w in W for p in w], rtol=0, atol=1e-12)


def test_batched_multi_output_mse_takes_a_B_by_k_target_array():
    a, b = Value(np.array([1.0, 2.0])), Value(np.array([0.0, -1.0]))
    t = np.array([[1.0, 0.0], [0.0, 0.0]])
    assert mse([a, b], t).data == (0 + 0 + 4 + 1) / 2
    assert mse([a, b], [t[:, 0], t[:, 1]]).data == 2.5


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("call, error, message", [
    (lambda: mse(vals(1.0, 2.0), [1.0]), ValueError, "mse: 2 predictions but 1 targets"),
    (lambda: mse([], []), ValueError, "mse: no predictions"),
    (lambda: mse([vals(1.0, 2.0)], [[1.0]]), ValueError, "example 0 has 2 outputs but 1"),
    (lambda: mse(Value(np.ones(3)), np.ones(4)), ValueError,
     r"prediction of 3 samples needs 3 targets, got an array of shape \(4,\)"),
    (lambda: mse(Value(1.0), "a"), TypeError, "must be a real number, got str"),
    (lambda: mse(vals(1.0), [math.nan]), ValueError, "target at example 0 is nan"),
    (lambda: cross_entropy(vals(1.0, 2.0, 3.0), 7), ValueError,
     "cross_entropy: target index 7 out of range for 3 logits"),
    (lambda: cross_entropy(vals(1.0, 2.0, 3.0), -1), ValueError, "index -1 out of range"),
    (lambda: cross_entropy(vals(1.0, 2.0), 1.0), TypeError, "must be an int class number"),
    (lambda: cross_entropy([vals(1.0, 2.0), vals(1.0, 2.0)], [0, 5]), ValueError,
     r"index 5 out of range for 2 logits \(example 1\)"),
    (lambda: cross_entropy([Value(np.zeros(3)), Value(np.zeros(3))], np.array([0, 1, 2])),
     ValueError, r"target index 2 out of range for 2 logits \(sample 2\)"),
    (lambda: cross_entropy([Value(np.zeros(3)), Value(np.zeros(3))], np.array([0.0, 1, 1])),
     TypeError, "int array"),
    (lambda: cross_entropy(Value(1.0), 0), TypeError, "list of Values, one per class"),
    (lambda: binary_cross_entropy(Value(1.2), 1), ValueError,
     r"probability 1.2 at example 0 is outside \[0, 1\]"),
    (lambda: binary_cross_entropy(Value(np.array([0.5, -0.1])), np.array([1, 0])), ValueError,
     "probability -0.1 at sample 1"),
    (lambda: binary_cross_entropy(vals(0.5, 0.5), [0, 2]), ValueError,
     r"target 2.0 at example 1 is outside \[0, 1\]"),
    (lambda: hinge(vals(0.5), [0]), ValueError, "must be -1 or \\+1"),
    (lambda: l2(vals(1.0), -1.0), ValueError, "alpha must be a number >= 0"),
    (lambda: l2([], 0.1), ValueError, "no parameters"),
])
def test_bad_input_is_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
