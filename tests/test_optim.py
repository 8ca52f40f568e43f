"""Optimizers and learning-rate schedules."""

from __future__ import annotations

import math

import pytest

from micrograd_ed.engine import Value
from micrograd_ed.nn import MLP
from micrograd_ed.optim import SGD, Adam, LinearDecay, StepDecay


def bowl(p: list[Value]) -> Value:
    """The lecture's C(x, y) = 3/2 x^2 + 1/2 y^2: steeper along x."""
    return 1.5 * p[0] ** 2 + 0.5 * p[1] ** 2


def descend(opt, p, steps: int) -> list[float]:
    costs = []
    for _ in range(steps):
        opt.zero_grad()
        c = bowl(p)
        c.backward()
        opt.step()
        costs.append(c.data)
    return costs


def test_sgd_step_is_v_minus_lr_grad():
    p = [Value(1.0), Value(-2.0)]
    opt = SGD(p, lr=0.1)
    descend(opt, p, 1)
    assert [q.data for q in p] == [1.0 - 0.1 * 3.0, -2.0 - 0.1 * -2.0]
    assert opt.steps == 1


def test_small_step_converges_large_step_diverges():
    """GD on C multiplies x by (1 - 3 lr): it blows up once lr > 2/3."""
    p = [Value(1.0), Value(1.0)]
    costs = descend(SGD(p, lr=0.1), p, 50)
    assert costs[-1] < 1e-4 and all(b < a for a, b in zip(costs, costs[1:]))
    p = [Value(1.0), Value(1.0)]
    costs = descend(SGD(p, lr=0.7), p, 20)
    assert costs[-1] > costs[0]


def test_momentum_and_weight_decay_follow_the_formulas():
    p = [Value(1.0), Value(-2.0)]
    opt = SGD(p, lr=0.1, momentum=0.9, weight_decay=0.5)
    x, v = 1.0, 0.0
    for _ in range(3):
        descend(opt, p, 1)
        g = 3 * x + 0.5 * x
        v = 0.9 * v + g
        x -= 0.1 * v
    assert p[0].data == pytest.approx(x, rel=1e-15)


def test_adam_first_step_moves_each_parameter_by_lr():
    """With bias correction m_hat = g and v_hat = g^2, so the first step is lr * sign(g)."""
    p = [Value(1.0), Value(-2.0)]
    descend(Adam(p, lr=0.01), p, 1)
    assert [q.data for q in p] == pytest.approx([0.99, -1.99], rel=1e-9)


def test_adam_follows_the_formulas():
    p = [Value(0.5), Value(0.5)]
    opt = Adam(p, lr=0.1, betas=(0.8, 0.9), eps=1e-6)
    x, m, v = 0.5, 0.0, 0.0
    for t in range(1, 4):
        descend(opt, p, 1)
        g = 3 * x
        m, v = 0.8 * m + 0.2 * g, 0.9 * v + 0.1 * g * g
        x -= 0.1 * (m / (1 - 0.8**t)) / (math.sqrt(v / (1 - 0.9**t)) + 1e-6)
    assert p[0].data == pytest.approx(x, rel=1e-14)


def test_adam_and_momentum_reach_the_minimum():
    for opt_cls, kw in ((Adam, {"lr": 0.1}), (SGD, {"lr": 0.05, "momentum": 0.9})):
        p = [Value(1.0), Value(1.0)]
        descend(opt_cls(p, **kw), p, 200)
        assert abs(p[0].data) < 1e-3 and abs(p[1].data) < 1e-3


def test_zero_grad_and_module_params():
    m = MLP(2, [3, 1])
    opt = SGD(m, lr=0.1)  # a module is accepted as the parameters
    assert len(opt.params) == 13
    m([1.0, 2.0]).backward()
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in m.parameters())


def test_nan_gradient_raises_and_updates_nothing():
    p = [Value(1.0, label="w"), Value(2.0, label="b")]
    p[1].grad = math.nan
    opt = SGD(p, lr=0.1)
    with pytest.raises(FloatingPointError, match=r"gradient of parameter 1 \(b\) is nan"):
        opt.step()
    assert [q.data for q in p] == [1.0, 2.0]


@pytest.mark.parametrize("make, message", [
    (lambda: SGD([Value(1.0)], lr=0.0), r"lr must be a number in \(0, inf\)"),
    (lambda: SGD([Value(1.0)], lr=0.1, momentum=1.0), r"momentum must be a number in \[0, 1\)"),
    (lambda: SGD([], lr=0.1), "no parameters"),
    (lambda: SGD([1.0], lr=0.1), "parameter 0 is a float, not a Value"),
    (lambda: Adam([Value(1.0)] * 2), "appears twice"),
    (lambda: Adam([Value(1.0)], betas=(0.9,)), "betas must be a pair"),
])
def test_bad_arguments(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_linear_decay_is_micrograds_schedule():
    opt = SGD([Value(1.0)], lr=1.0)
    sched = LinearDecay(opt, total=100, end_factor=0.1)
    lrs = [opt.lr] + [sched.step() for _ in range(120)]
    assert lrs[:100] == pytest.approx([1.0 - 0.9 * k / 100 for k in range(100)], rel=1e-15)
    assert lrs[100:] == pytest.approx([0.1] * 21)


def test_step_decay():
    opt = Adam([Value(1.0)], lr=0.4)
    sched = StepDecay(opt, step_size=3, gamma=0.5)
    lrs = [opt.lr] + [sched.step() for _ in range(7)]
    assert lrs == pytest.approx([0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1, 0.1])
    with pytest.raises(TypeError, match="expected an Optimizer"):
        StepDecay("opt", step_size=3)
