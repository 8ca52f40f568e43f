"""Losses and optimizers against PyTorch float64 (skipped when torch is not installed)."""

from __future__ import annotations

import numpy as np
import pytest

from micrograd_ed.engine import Value
from micrograd_ed.losses import (
    bce_with_logits,
    binary_cross_entropy,
    cross_entropy,
    hinge,
    l2,
    mse,
    softmax,
)
from micrograd_ed.optim import SGD, Adam

torch = pytest.importorskip("torch")
F = torch.nn.functional

RNG = np.random.default_rng(0)
Z = RNG.normal(size=(6, 4)) * 3          # 6 examples, 4 outputs / classes
Y_CLASS = np.array([0, 3, 1, 2, 2, 0])
Y_BIN = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 0.0])
Y_PM = 2 * Y_BIN - 1
P = 1 / (1 + np.exp(-Z[:, 0]))


def ours(z: np.ndarray, fn, batched: bool):
    """Run `fn` on Values made from z (batched: one Value per column); return loss, grads."""
    if z.ndim == 1:
        leaves = [Value(np.array(z))] if batched else [Value(float(x)) for x in z]
        out = fn(leaves[0] if batched else leaves)
    elif batched:
        leaves = [Value(np.array(col)) for col in z.T]
        out = fn(leaves)
    else:
        leaves = [Value(float(x)) for x in z.ravel()]
        out = fn([leaves[i * z.shape[1]:(i + 1) * z.shape[1]] for i in range(z.shape[0])])
    out.backward()
    grads = np.array([v.grad for v in leaves])
    grads = grads.T if batched and z.ndim == 2 else grads.reshape(z.shape)
    return out.data, grads


def theirs(z: np.ndarray, fn):
    t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    out = fn(t)
    out.backward()
    return out.item(), t.grad.numpy()


CASES = {
    "mse": (Z[:, 0], lambda v: mse(v, Y_BIN), lambda t: F.mse_loss(t, torch.tensor(Y_BIN))),
    "mse multi-output": (Z, lambda v: mse(v, np.eye(4)[Y_CLASS] if isinstance(v[0], Value)
                                          else np.eye(4)[Y_CLASS].tolist()),
                         lambda t: ((t - torch.tensor(np.eye(4)[Y_CLASS])) ** 2).sum(1).mean()),
    "bce": (P, lambda v: binary_cross_entropy(v, Y_BIN),
            lambda t: F.binary_cross_entropy(t, torch.tensor(Y_BIN))),
    "bce_with_logits": (Z[:, 0] * 100, lambda v: bce_with_logits(v, Y_BIN),
                        lambda t: F.binary_cross_entropy_with_logits(t, torch.tensor(Y_BIN))),
    "hinge": (Z[:, 1], lambda v: hinge(v, Y_PM),
              lambda t: torch.clamp(1 - torch.tensor(Y_PM) * t, min=0).mean()),
    "cross_entropy": (Z, lambda v: cross_entropy(v, Y_CLASS if isinstance(v[0], Value)
                                                  else list(Y_CLASS)),
                      lambda t: F.cross_entropy(t, torch.tensor(Y_CLASS))),
    "cross_entropy huge": (Z * 400, lambda v: cross_entropy(v, Y_CLASS if isinstance(v[0], Value)
                                                             else list(Y_CLASS)),
                           lambda t: F.cross_entropy(t, torch.tensor(Y_CLASS))),
}


@pytest.mark.parametrize("batched", [False, True])
@pytest.mark.parametrize("name", CASES)
def test_loss_and_gradient_match_torch(name, batched):
    z, fn, torch_fn = CASES[name]
    value, grad = ours(z, fn, batched)
    t_value, t_grad = theirs(z, torch_fn)
    assert value == pytest.approx(t_value, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(grad, t_grad, rtol=1e-10, atol=1e-14)


def test_bce_clamping_matches_torch():
    p, y = np.array([1.0, 0.0, 0.5, 1.0]), np.array([0.0, 1.0, 1.0, 1.0])
    value = binary_cross_entropy([Value(x) for x in p], list(y)).data
    t_value = F.binary_cross_entropy(torch.tensor(p), torch.tensor(y)).item()
    assert value == pytest.approx(t_value, rel=1e-12)


def test_softmax_and_its_jacobian_match_torch():
    z = Z[2]
    zs = [Value(float(x)) for x in z]
    a = softmax(zs)
    t = torch.tensor(z, dtype=torch.float64)
    np.testing.assert_allclose([ai.data for ai in a], torch.softmax(t, 0).numpy(), rtol=1e-14)
    jac = torch.autograd.functional.jacobian(lambda u: torch.softmax(u, 0), t).numpy()
    for i, ai in enumerate(a):
        for v in zs:
            v.grad = 0.0
        ai.backward()
        np.testing.assert_allclose([v.grad for v in zs], jac[i], rtol=1e-12, atol=1e-15)


def test_l2_matches_torch():
    ps = [Value(float(x)) for x in Z[0]]
    r = l2(ps, 0.3)
    r.backward()
    t = torch.tensor(Z[0], requires_grad=True)
    (0.3 * (t**2).sum()).backward()
    np.testing.assert_allclose([p.grad for p in ps], t.grad.numpy(), rtol=1e-14)


@pytest.mark.parametrize("make, make_torch", [
    (lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
     lambda ts: torch.optim.SGD(ts, lr=0.1, momentum=0.9, weight_decay=0.01)),
    (lambda ps: Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-8),
     lambda ts: torch.optim.Adam(ts, lr=0.05, betas=(0.8, 0.99), eps=1e-8)),
])
def test_optimizers_match_torch(make, make_torch):
    """Five steps on f(x, y) = 3/2 x^2 + 1/2 y^2 + x y^3 from the same start."""
    start = [1.0, -2.0]
    ps = [Value(x) for x in start]
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    opt, t_opt = make(ps), make_torch(ts)
    for _ in range(5):
        opt.zero_grad()
        (1.5 * ps[0] ** 2 + 0.5 * ps[1] ** 2 + ps[0] * ps[1] ** 3).backward()
        opt.step()
        t_opt.zero_grad()
        (1.5 * ts[0] ** 2 + 0.5 * ts[1] ** 2 + ts[0] * ts[1] ** 3).backward()
        t_opt.step()
    np.testing.assert_allclose([p.data for p in ps], [t.item() for t in ts], rtol=1e-12)
