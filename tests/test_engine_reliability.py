"""Issue 25's engine holes, each reproduced: gates, batch sizes, ** per sample, dot's copy,
threads sharing parameters."""

from __future__ import annotations

import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest

from micrograd_ed import Value, dot
from micrograd_ed.nn import MLP


# ------------------------------------------------------------ 1. gates pass back 0
def test_relu_that_is_off_passes_back_zero_even_times_infinity():
    # sqrt'(0) = inf reaches relu where it is off: 0 x inf must be 0 (PyTorch: 0.5244)
    w = Value(1.0, label="w")
    terms = [(w * x).relu().sqrt() for x in (-1.0, 2.0, 3.0)]
    L = (terms[0] + terms[1] + terms[2]) * (1 / 3)
    L.backward()
    assert w.grad == pytest.approx(0.5243773949903288, rel=1e-15)


def test_a_batched_relu_that_is_off_passes_back_zero_without_a_warning():
    w = Value(1.0, label="w")
    x = Value(np.array([-1.0, 2.0, 3.0]), label="x")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (w * x).relu().sqrt().mean().backward()
    assert w.grad == pytest.approx(0.5243773949903288, rel=1e-15)


def test_step_passes_back_zero_even_times_infinity():
    x = Value(-1.0, label="x")
    c = Value(0.0, label="c")
    L = (x.step() + c).sqrt()           # d sqrt/du at 0 is inf; step passes back 0
    L.backward()
    assert x.grad == 0.0 and c.grad == float("inf")


def test_torch_agrees_on_the_gate(request):
    torch = pytest.importorskip("torch")
    w = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    x = torch.tensor([-1.0, 2.0, 3.0], dtype=torch.float64)
    (w * x).relu().sqrt().mean().backward()
    ours = Value(1.0)
    (ours * Value(x.numpy().copy())).relu().sqrt().mean().backward()
    assert ours.grad == pytest.approx(float(w.grad), rel=1e-15)


def test_batched_overflow_gives_inf_without_a_warning_as_floats_do():
    b = Value(np.array([1e308, 2.0]), label="b")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = b * 10.0
        z2 = b + Value(np.array([1e308, 1.0]))
        z3 = b / Value(np.array([1e-308, 1.0]))
        (z.sum() + z2.sum() + z3.sum()).backward()
    assert np.isinf(z.data[0]) and np.isinf(z2.data[0]) and np.isinf(z3.data[0])
    assert (Value(1e308) * 10.0).data == float("inf")


# ------------------------------------------------------------ 2. batch sizes must match
@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
def test_a_size_one_batch_is_not_stretched_over_a_bigger_one(op):
    a = Value(np.array([2.0]), label="a")
    b = Value(np.array([1.0, 2.0, 3.0]), label="b")
    with pytest.raises(ValueError, match=r"batch sizes differ in a . b: a holds 1 sample "
                                         r"and b holds 3 samples"):
        {"+": a.__add__, "-": a.__sub__, "*": a.__mul__, "/": a.__truediv__}[op](b)


def test_batches_of_three_and_four_name_both_sizes_not_numpys_broadcast_error():
    a = Value(np.ones(3), label="a")
    with pytest.raises(ValueError, match="a holds 3 samples and y holds 4 samples"):
        a * np.ones(4)
    with pytest.raises(ValueError, match="batch sizes differ in a \\*\\* k"):
        Value(np.ones(3) * 2, label="a") ** Value(np.ones(4), label="k")


def test_a_plain_value_with_a_batch_is_fine_and_its_grad_is_the_batch_sum():
    a = Value(2.0, label="a")
    (a * Value(np.array([1.0, 2.0, 3.0]))).sum().backward()
    assert a.grad == 6.0


# ------------------------------------------------------------ 3. ** per sample
def test_a_constant_exponent_per_sample_matches_the_per_sample_results():
    x = Value(-2.0, label="x")
    z = x ** np.array([2.0, 3.0])
    z.sum().backward()
    assert z.data.tolist() == [4.0, -8.0]
    per_sample = []
    for k in (2.0, 3.0):
        xs = Value(-2.0)
        (xs ** k).backward()
        per_sample.append(xs.grad)
    assert x.grad == sum(per_sample) == 8.0


def test_per_sample_exponents_give_the_per_sample_errors():
    with pytest.raises(ValueError, match="negative base to a non-integer power: x"):
        Value(-2.0, label="x") ** np.array([0.5, 2.0])
    with pytest.raises(ValueError, match="negative base to a non-integer power: x"):
        Value(-2.0, label="x") ** 0.5
    with pytest.raises(ZeroDivisionError, match="0 raised to a negative power"):
        Value(0.0, label="x") ** np.array([-1.0, 2.0])


# ------------------------------------------------------------ 4. dot's private copy
def test_dot_keeps_its_own_copy_of_a_read_only_array_that_owns_its_data():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    X.setflags(write=False)
    w = [Value(1.0, label="w0"), Value(1.0, label="w1")]
    z = dot(w, X)
    X.setflags(write=True)
    X[:] = 100.0                        # the caller changes its array after the forward pass
    z.sum().backward()
    assert [wi.grad for wi in w] == [4.0, 6.0]


def test_mlp_inputs_are_copied_too():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    X.setflags(write=False)
    model = MLP(2, [1], activation="linear", seed=0)
    out = model(X)
    X.setflags(write=True)
    X[:] = 100.0
    out.sum().backward()
    assert model.layers[0].neurons[0].w[0].grad == 4.0


# ------------------------------------------------------------ 5. threads
def test_two_threads_backpropagating_graphs_that_share_parameters_lose_nothing():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    steps = 800
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)         # switch threads as often as possible

    def work():
        for _ in range(steps):
            model([0.5, -1.0]).backward()

    try:
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    out_bias = model.layers[-1].neurons[0].b
    assert out_bias.grad == 2 * steps   # d out / d b = 1 per backward, no share lost


def test_the_engine_compiles_without_warnings_on_this_python():
    out = subprocess.run([sys.executable, "-W", "error", "-c", "import micrograd_ed.engine"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
