"""The vectorised optimizers give the scalar formulas' numbers, and PyTorch's."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_ed.engine import Value
from micrograd_ed.nn import MLP
from micrograd_ed.optim import SGD, Adam, StepDecay


# ---------------------------------------------- the formulas, one parameter at a time
def sgd_reference(data, grads_per_step, lrs, mu, wd):
    """The scalar loop the optimizers used before they were vectorised."""
    data, vel = list(data), [0.0] * len(data)
    for grads, lr in zip(grads_per_step, lrs):
        for i, g in enumerate(grads):
            if wd:
                g += wd * data[i]
            if mu:
                g = vel[i] = mu * vel[i] + g
            data[i] -= lr * g
    return data


def adam_reference(data, grads_per_step, lrs, b1, b2, eps, wd):
    data, m, v = list(data), [0.0] * len(data), [0.0] * len(data)
    for t, (grads, lr) in enumerate(zip(grads_per_step, lrs), start=1):
        c1, c2 = 1.0 - b1 ** t, 1.0 - b2 ** t
        for i, g in enumerate(grads):
            if wd:
                g += wd * data[i]
            m[i] = b1 * m[i] + (1.0 - b1) * g
            v[i] = b2 * v[i] + (1.0 - b2) * g * g
            data[i] -= lr * (m[i] / c1) / (math.sqrt(v[i] / c2) + eps)
    return data


def run(opt, params, grads_per_step, lrs):
    for grads, lr in zip(grads_per_step, lrs):
        opt.lr = lr
        for p, g in zip(params, grads):
            p.grad = g
        opt.step()
    return [p.data for p in params]


num = st.floats(-10.0, 10.0, allow_nan=False)
problems = st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.lists(num, min_size=n, max_size=n),
    st.lists(st.lists(num, min_size=n, max_size=n), min_size=1, max_size=5)))
lrs = st.lists(st.floats(1e-4, 1.0), min_size=5, max_size=5)


@given(problems, lrs, st.sampled_from([0.0, 0.5, 0.9]), st.sampled_from([0.0, 1e-3, 0.3]))
def test_sgd_matches_the_scalar_formulas_exactly(problem, lr_list, mu, wd):
    data, grads = problem
    params = [Value(x) for x in data]
    got = run(SGD(params, lr=0.1, momentum=mu, weight_decay=wd), params, grads, lr_list)
    assert got == sgd_reference(data, grads, lr_list, mu, wd)      # bit for bit


@given(problems, lrs, st.sampled_from([(0.9, 0.999), (0.5, 0.7), (0.0, 0.0)]),
       st.sampled_from([1e-8, 1e-3]), st.sampled_from([0.0, 0.01]))
def test_adam_matches_the_scalar_formulas_exactly(problem, lr_list, betas, eps, wd):
    data, grads = problem
    params = [Value(x) for x in data]
    opt = Adam(params, lr=0.1, betas=betas, eps=eps, weight_decay=wd)
    got = run(opt, params, grads, lr_list)
    assert got == adam_reference(data, grads, lr_list, *betas, eps, wd)
    assert opt.steps == len(grads)


def test_parameters_hold_python_floats_after_a_step():
    params = [Value(1.0), Value(2.0)]
    for p in params:
        p.grad = 0.5
    Adam(params).step()
    assert all(type(p.data) is float for p in params)


# -------------------------------------------------------------- against PyTorch
def _torch_pair(opt_name, kw, steps=6, n=40, seed=0):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    data = rng.normal(size=n)
    grads = rng.normal(size=(steps, n))
    params = [Value(float(x)) for x in data]
    ours = (SGD if opt_name == "SGD" else Adam)(params, **kw)
    tp = torch.tensor(data, dtype=torch.float64, requires_grad=True)
    theirs = getattr(torch.optim, opt_name)([tp], **kw)
    sched_o = StepDecay(ours, step_size=2, gamma=0.5)
    sched_t = torch.optim.lr_scheduler.StepLR(theirs, step_size=2, gamma=0.5)
    for g in grads:
        for p, gi in zip(params, g.tolist()):
            p.grad = gi
        ours.step()
        tp.grad = torch.tensor(g, dtype=torch.float64)
        theirs.step()
        sched_o.step()
        sched_t.step()
    return np.array([p.data for p in params]), tp.detach().numpy()


@pytest.mark.parametrize("opt_name, kw", [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
])
def test_same_numbers_as_torch_optim(opt_name, kw):
    ours, theirs = _torch_pair(opt_name, kw)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


# -------------------------------------------------------------- errors
def test_a_batched_gradient_is_refused_naming_the_parameter():
    params = [Value(1.0, label="w"), Value(2.0, label="b")]
    params[0].grad, params[1].grad = 0.5, np.array([1.0, 2.0])
    with pytest.raises(TypeError, match=r"grad of parameter 1 \(b\) is a ndarray.*"
                                        r"nothing was updated.*\.sum\(\) or \.mean\(\)"):
        Adam(params).step()
    assert [p.data for p in params] == [1.0, 2.0]


def test_data_replaced_by_an_array_is_refused():
    params = [Value(1.0, label="w")]
    params[0].grad = 1.0
    opt = SGD(params, lr=0.1)
    params[0].data = np.array([1.0, 2.0])
    with pytest.raises(TypeError, match=r"the data of parameter 0 \(w\) is a ndarray"):
        opt.step()


def test_infinite_gradient_in_adam_updates_nothing():
    params = [Value(1.0), Value(2.0, label="b")]
    params[0].grad, params[1].grad = 1.0, -math.inf
    opt = Adam(params)
    with pytest.raises(FloatingPointError, match=r"parameter 1 \(b\) is -inf"):
        opt.step()
    assert [p.data for p in params] == [1.0, 2.0] and opt.steps == 0


def test_data_changed_between_steps_is_used():
    """Steps read the parameters' current data (as after load_state_dict)."""
    m = MLP(2, [2, 1], seed=0)
    opt = SGD(m, lr=0.5)
    m.load_state_dict(dict.fromkeys(m.state_dict(), 1.0))
    for p in m.parameters():
        p.grad = 1.0
    opt.step()
    assert [p.data for p in m.parameters()] == [0.5] * 9
