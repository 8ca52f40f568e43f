"""The engine's speed techniques change no number: same nodes, same order, per-graph paths."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from strategies import ValueOps, programs, run

from micrograd_ed import Value, backward_order, detect_anomaly
from micrograd_ed.engine import backward as backward_module
from micrograd_ed.engine import fastwalk
from micrograd_ed.engine import value as value_module

SLOTS = ("data", "grad", "op", "_p0", "_d0", "_p1", "_d1", "_n", "_label", "_scope")


def slots(v: Value) -> dict:
    return {s: getattr(v, s, "<unset>") for s in SLOTS}


@pytest.mark.parametrize("op", ["add", "mul"])
@pytest.mark.parametrize("other", ["value", 2.5, 3, np.float64(1.5)])
def test_inline_add_and_mul_build_the_same_node_as_the_plain_ops(op, other):
    a = Value(1.25, label="a")
    b = Value(-0.5, label="b") if other == "value" else other
    fast = {"add": Value.__add__, "mul": Value.__mul__}[op]
    plain = {"add": value_module.add, "mul": value_module.mul}[op]
    made_fast, made_plain = fast(a, b), plain(a, b)
    assert slots(made_fast) == slots(made_plain)
    assert (a + b if op == "add" else a * b).op == made_plain.op
    with detect_anomaly():          # the inline path steps aside in anomaly mode
        assert slots(fast(a, b)) == slots(made_plain)


class Traced(float):
    """A local derivative that records which node multiplies it by its gradient."""

    def __new__(cls, x: float, owner: Value, log: list):
        self = super().__new__(cls, x)
        self.owner, self.log = owner, log
        return self

    def __mul__(self, g):
        self.log.append(self.owner)
        return float(self) * g


def trace(root: Value) -> list:
    """Replace every local derivative of root's graph by a Traced one; return the log."""
    log: list = []
    for v in backward_module.topological_order(root):
        if not v.op:
            continue
        if v._p0 is None:
            v._d1 = tuple(Traced(d, v, log) for d in v._d1)
        else:
            v._d0 = Traced(v._d0, v, log)
            if v._p1 is not None:
                v._d1 = Traced(v._d1, v, log)
    return log


def passing_order(log: list) -> list:
    order: list = []
    for v in log:
        if not order or order[-1] is not v:
            order.append(v)
    return order


@settings(max_examples=300, deadline=None)
@given(programs)
def test_backward_passes_gradients_on_in_exactly_backward_order(program):
    xs, _ = program
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    out = run(program, inputs, ValueOps)
    if out is None or not out.op:
        return
    expected = backward_order(out)
    log = trace(out)
    out.backward()                              # the fast walk (fastwalk.chain_rule)
    assert passing_order(log) == expected
    log.clear()
    with detect_anomaly():                      # the plain walk (backward._walk)
        try:
            out.backward()
        except FloatingPointError:
            return
    assert passing_order(log) == expected


def test_a_scalar_graph_takes_the_fast_walk_even_after_batched_values(monkeypatch):
    walked = []
    real = fastwalk.batched_chain_rule
    monkeypatch.setattr(fastwalk, "batched_chain_rule",
                        lambda *a: (walked.append(a), real(*a)))
    w = Value(0.5, label="w")
    (w * np.array([1.0, 2.0, 3.0])).mean().backward()     # a batched graph: the batched walk
    assert len(walked) == 1 and w.grad == 2.0                 # mean of x
    x = Value(2.0)
    y = (x * w + 1.0).tanh()
    y.backward()                                          # scalar again: the fast walk
    assert len(walked) == 1
    assert x.grad == pytest.approx(0.5 * (1 - y.data ** 2))


def test_interior_counts_are_back_to_zero_after_every_walk():
    w = Value(0.3)
    x = Value(np.array([1.0, -2.0]))
    loss = ((w * x).tanh() + w).mean() * w
    loss.backward()
    assert all(v._n == 0 for v in backward_module.topological_order(loss) if v.op)
    big = (Value(2.0) * 1e300) * 1e300 * 1.0
    with detect_anomaly(), pytest.raises(FloatingPointError):
        big.backward(1e300)                 # the second edge overflows: the walk stops
    assert all(v._n == 0 for v in backward_module.topological_order(big) if v.op)


def test_the_batched_fast_walk_passes_gradients_on_in_backward_order(monkeypatch):
    """fastwalk.batched_chain_rule releases nodes in exactly backward_order's order (and
    skips a neuron's array-backed Weights, which are leaves)."""
    from micrograd_ed.nn import MLP

    model = MLP(3, [4, 2], seed=3)
    X = np.arange(15.0).reshape(5, 3) / 10
    outs = model(X)
    loss = (outs[0] * outs[1] + outs[0].tanh()).mean()
    expected = backward_order(loss)
    seen: list = []
    real = fastwalk.table_grads

    def traced_table_grads(v, g, table):
        seen.append(v)
        real(v, g, table)

    monkeypatch.setattr(fastwalk, "table_grads", traced_table_grads)
    monkeypatch.setattr(fastwalk, "contribution",
                        lambda c, p, real=fastwalk.contribution: real(c, p))
    loss.backward()
    tables = [v for v in expected if v.table is not None]
    assert seen == tables                         # the table nodes, in backward order
    with detect_anomaly():                        # the plain walk gives the same grads
        grads = [p.grad for p in model.parameters()]
        model.zero_grad()
        loss.backward()
    assert [p.grad for p in model.parameters()] == grads
