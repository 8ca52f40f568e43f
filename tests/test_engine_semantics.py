"""Issue 15's engine items: batched roots, per-context anomaly mode, dot inputs, names."""

from __future__ import annotations

import contextvars
import math
import threading

import numpy as np
import pytest

from micrograd_ed import MLP, Value, detect_anomaly, dot, fused_sum
from micrograd_ed.engine import anomaly_enabled, speed

X3 = np.array([1.0, 2.0, 3.0])


# ------------------------------------------------ item 1: a batched root
def test_backward_of_an_unreduced_batch_refuses_instead_of_mixing_sums():
    p = Value(1.0, label="p")
    out = p + X3
    with pytest.raises(ValueError, match=r"reduce it first: \.sum\(\) or \.mean\(\), "
                                         r"or pass a gradient"):
        out.backward()
    assert p.grad == 0.0                          # nothing was half-done


def test_an_explicit_seed_gradient_gives_batch_summed_grads_everywhere():
    p, w = Value(1.0, label="p"), Value(2.0, label="w")
    (p + w * X3).backward(gradient=np.ones(3))
    assert (p.grad, w.grad) == (3.0, 6.0)         # sum over the batch, for every parameter
    p.grad = w.grad = 0.0
    (p + w * X3).backward(np.array([1.0, 0.0, -1.0]))
    assert (p.grad, w.grad) == (0.0, -2.0)


def test_mlp_output_bias_and_weights_both_get_batch_sums_with_a_seed():
    model = MLP(2, [3, 1], seed=0)
    X = np.array([[0.5, -1.0], [1.5, 2.0], [-0.3, 0.1], [0.0, 1.0]])
    model(X).backward(np.ones(4))
    batched = [p.grad for p in model.parameters()]
    model.zero_grad()
    for row in X:
        model(row.tolist()).backward()
    np.testing.assert_allclose(batched, [p.grad for p in model.parameters()], rtol=1e-12)


@pytest.mark.parametrize("root,seed,match", [
    ("batch", np.ones(2), r"one number per sample, shape \(3,\); got shape \(2,\)"),
    ("batch", np.array([1j, 0, 0]), "real numbers"),
    ("scalar", np.ones(3), "of a scalar Value takes a real number"),
    ("scalar", True, "takes a real number, got bool"),
])
def test_bad_seed_gradients_are_clear_errors(root, seed, match):
    w = Value(2.0)
    out = w * X3 if root == "batch" else w * 3.0
    with pytest.raises((TypeError, ValueError), match=match):
        out.backward(seed)


def test_no_module_global_batched_mode_is_left_behind():
    import micrograd_ed.engine as engine

    (Value(2.0) * X3).sum().backward()
    assert not any(hasattr(m, "_batched") for m in (engine, engine.value, engine.backward))


def test_a_scalar_seed_scales_every_gradient():
    x = Value(3.0)
    (x * x).backward(0.5)
    assert x.grad == 3.0


# ------------------------------------------- item 2: anomaly mode per context
def test_anomaly_mode_does_not_leak_into_another_thread():
    inside, checked = threading.Event(), threading.Event()
    seen = {}

    def other_thread():
        inside.wait(5)
        seen["enabled"] = anomaly_enabled()
        seen["data"] = (Value(math.inf) * 0.0).data        # no error here
        checked.set()

    t = threading.Thread(target=other_thread)
    t.start()
    with detect_anomaly():
        inside.set()
        checked.wait(5)
        with pytest.raises(FloatingPointError):
            Value(math.inf) * 0.0
    t.join(5)
    assert seen["enabled"] is False and math.isnan(seen["data"])


def test_anomaly_blocks_left_out_of_order_restore_the_mode():
    c1, c2 = detect_anomaly(), detect_anomaly()
    c1.__enter__()
    c2.__enter__()
    c1.__exit__(None, None, None)
    assert anomaly_enabled()                      # c2 is still open
    c2.__exit__(None, None, None)
    assert not anomaly_enabled()
    assert speed.anomaly_blocks == 0              # the ops' fast path is back on
    assert math.isnan((Value(math.inf) * 0.0).data)


def test_anomaly_mode_nests_and_is_per_context():
    with detect_anomaly():
        with detect_anomaly():
            assert anomaly_enabled()
        assert anomaly_enabled()
        assert contextvars.Context().run(anomaly_enabled) is False
    assert not anomaly_enabled()


def test_anomaly_mode_as_a_decorator():
    @detect_anomaly()
    def f():
        return Value(math.inf) * 0.0

    with pytest.raises(FloatingPointError):
        f()
    assert not anomaly_enabled()


# ------------------------------------------------ item 4: dot over a batch
def test_dot_over_a_sample_matrix_keeps_its_own_copy():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    w = [Value(0.5), Value(-1.0)]
    z = dot(w, X)
    assert z.const is None and z.table.shape == (2, 2)
    X[:] = 100.0                                  # the caller reuses its array
    z.sum().backward()
    assert [wi.grad for wi in w] == [4.0, 6.0]
    with pytest.raises(ValueError, match="read-only"):
        z.local_grads[0][0] = 1.0


def test_dot_with_batched_weights_and_a_sample_matrix():
    X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    w = [Value(np.array([1.0, 0.0, -1.0]), label="a"), Value(2.0, label="b")]
    z = dot(w, X)
    np.testing.assert_array_equal(z.data, [1 + 4, 0 + 8, -5 + 12])
    z.sum().backward()
    np.testing.assert_array_equal(w[0].grad, X[:, 0])       # per sample
    assert w[1].grad == X[:, 1].sum()                        # batch sum
    with pytest.raises(ValueError, match="weight a holds 3 samples but the inputs hold 2"):
        dot(w, X[:2])


@pytest.mark.parametrize("bad", [
    np.array([[1 + 2j, 0.0]]), np.array([[True, False]]), np.array([["1", "2"]]),
    np.array([[1.0, 2.0]], dtype=object)])
def test_dot_and_mlp_refuse_arrays_that_are_not_real_numbers(bad):
    w = [Value(1.0), Value(2.0)]
    with pytest.raises(TypeError, match=f"real numbers, got an array of dtype {bad.dtype}"):
        dot(w, bad)
    with pytest.raises(TypeError, match=f"dtype {bad.dtype}"):
        dot(w, bad[0])
    with pytest.raises(TypeError, match=f"dtype {bad.dtype}"):
        MLP(2, [1], seed=0)(bad)


def test_dot_errors_name_what_is_wrong():
    with pytest.raises(TypeError, match="weights must be Values, got float at position 1"):
        dot([Value(1.0), 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="different numbers of samples"):
        dot([Value(1.0), Value(2.0)], [np.ones(2), np.ones(3)])


# ------------------------------------------------ item 10: raw errors
def test_leaky_relu_slope_must_be_a_number():
    with pytest.raises(TypeError, match="leaky_relu: slope must be a real number, got Value"):
        Value(1.0).leaky_relu(Value(0.1))
    with pytest.raises(ValueError, match="slope must be finite"):
        Value(1.0).leaky_relu(math.nan)


def test_fused_sum_takes_an_array_term_as_a_batch_leaf():
    w = Value(2.0, label="w")
    s = fused_sum([w, X3, 1.0])
    np.testing.assert_array_equal(s.data, X3 + 3.0)
    assert s.const == 1.0 and len(s.parents) == 2
    s.mean().backward()
    assert w.grad == 1.0
    with pytest.raises(TypeError, match="unsupported operand for sum: str"):
        fused_sum([w, "3"])


# ------------------------------------------------ item 12: unlabelled names
def test_unlabelled_operands_are_named_by_their_place_in_the_formula():
    with pytest.raises(ZeroDivisionError, match=r"division by zero: x / y with y = 0.0"):
        Value(1.0) / Value(0.0)
    with pytest.raises(ValueError, match=r"positive base: x \*\* k with x = -1.0"):
        Value(-1.0) ** Value(2.0)
    with pytest.raises(ZeroDivisionError, match=r"a / a \(operand 2\) with a \(operand 2\)"):
        Value(1.0, label="a") / Value(0.0, label="a")


def test_an_anomaly_message_never_gives_two_nodes_one_name():
    a, b = Value(1e-200), Value(1e200)       # both unlabelled
    with detect_anomaly():
        y = a * b                            # 1.0: a finite forward
        with pytest.raises(FloatingPointError) as err:
            (y * 1e300).backward()           # dL/da = 1e300 * 1e200 = inf
    msg = str(err.value)
    assert "the gradient of x became inf through * (z = 1.0, upstream grad 1e+300" in msg


def test_dot_of_batched_value_inputs_is_one_table_node_with_per_sample_grads():
    xs = [Value(np.array([1.0, 2.0, 3.0]), label="x0"), Value(-2.0, label="x1")]
    w = [Value(0.5, label="w0"), Value(4.0, label="w1")]
    z = dot(w, xs)
    np.testing.assert_array_equal(z.data, [0.5 - 8, 1.0 - 8, 1.5 - 8])
    assert z.parents == (*w, *xs) and z.table is not None
    (z * z).sum().backward()
    g = 2 * z.data
    assert w[0].grad == pytest.approx(float(g @ xs[0].data))
    assert w[1].grad == pytest.approx(float(g.sum() * -2.0))
    np.testing.assert_allclose(xs[0].grad, g * 0.5)
    assert xs[1].grad == pytest.approx(float(g.sum() * 4.0))     # a plain Value: batch sum
    with pytest.raises(ValueError, match="different numbers of samples"):
        dot(w, [Value(np.ones(2)), Value(np.ones(3))])
