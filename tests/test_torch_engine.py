"""Cross-checks against PyTorch float64 autograd (skipped when torch is not installed)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from strategies import ValueOps, programs, run

from micrograd_ed import Value

torch = pytest.importorskip("torch")


class TorchOps:
    """The same program ops on float64 tensors."""

    @staticmethod
    def data(v):
        return v.item() if isinstance(v, torch.Tensor) else float(v)

    @staticmethod
    def unary(op, a):
        if op == "neg":
            return -a
        if op == "square":
            return a**2
        if op == "cube":
            return a**3
        if op == "log_sq":
            return (a * a + 1.0).log()
        if op == "softplus":
            return torch.nn.functional.softplus(a)
        return getattr(torch, op)(a)

    binary = staticmethod(ValueOps.binary)


@settings(max_examples=500)
@given(programs)
def test_random_graphs_match_torch(program):
    xs, _ = program
    ours = [Value(x) for x in xs]
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    out = run(program, ours, ValueOps)
    assume(out is not None)
    ref = run(program, theirs, TorchOps)
    assert ref is not None
    out.backward()
    ref.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-12, abs=1e-12)
    for v, t in zip(ours, theirs):
        expected = 0.0 if t.grad is None else t.grad.item()
        assert v.grad == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_micrograd_sanity_check():
    """micrograd's test_sanity_check, against torch."""
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()

    xt = torch.tensor([-4.0], dtype=torch.float64, requires_grad=True)
    zt = 2 * xt + 2 + xt
    qt = zt.relu() + zt * xt
    ht = (zt * zt).relu()
    yt = ht + qt + qt * xt
    yt.backward()
    assert y.data == yt.item()
    assert x.grad == xt.grad.item()


def test_micrograd_more_ops():
    """micrograd's test_more_ops: powers, divisions and repeated +=, against torch."""
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()

    at = torch.tensor([-4.0], dtype=torch.float64, requires_grad=True)
    bt = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    ct = at + bt
    dt = at * bt + bt**3
    ct = ct + ct + 1
    ct = ct + 1 + ct + (-at)
    dt = dt + dt * 2 + (bt + at).relu()
    dt = dt + 3 * dt + (bt - at).relu()
    et = ct - dt
    ft = et**2
    gt = ft / 2.0
    gt = gt + 10.0 / ft
    gt.backward()

    tol = 1e-12
    assert abs(g.data - gt.item()) < tol
    assert abs(a.grad - at.grad.item()) < tol
    assert abs(b.grad - bt.grad.item()) < tol
