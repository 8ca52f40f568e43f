"""A PyTorch scalar expression drawn and stepped through with PyTorch's own numbers, and
side by side with the same expression in micrograd_ed (issue 26). Skipped without torch."""

from __future__ import annotations

import math
import re

import pytest

from micrograd_ed import Value, topological_order
from micrograd_ed.foreign.graph import ForeignGraphError
from micrograd_ed.foreign.torch import read_torch
from micrograd_ed.viz import StaleGradientWarning, compare_graphs, draw_graph, step_through

torch = pytest.importorskip("torch")

EDGE = re.compile(r'id="(e\d+_\d+)", label="([^"]*)"')


def tensors():
    d = torch.float64
    a = torch.tensor(2.0, dtype=d, requires_grad=True)
    b = torch.tensor(-3.0, dtype=d, requires_grad=True)
    e = a * b
    L = (e + a * a).tanh() * 2
    return L, a, b, e


def ours():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    e = a * b
    e.label = "e"
    L = (e + a * a).tanh() * 2
    L.label = "L"
    L.backward()
    return L


def state(*ts):
    """What reading must not change: each tensor's value, .grad, grad_fn and saved values."""
    out = []
    for t in ts:
        fn = t.grad_fn
        saved = {n: getattr(fn, n) for n in dir(fn) if n.startswith("_saved")} if fn else {}
        grad = t.grad if t.is_leaf else None
        out.append((t.detach().item(), None if grad is None else grad.item(), id(fn),
                    sorted((n, float(x.detach()) if hasattr(x, "detach") else x)
                           for n, x in saved.items())))
    return out


def test_torch_graph_mirrors_pytorchs_numbers_and_leaves_the_tensors_alone():
    L, a, b, e = tensors()
    before = state(L, a, b, e)
    m = read_torch(L, labels={"a": a, "b": b, "e": e})
    assert state(L, a, b, e) == before                   # no .grad written, nothing freed
    got = {v.label: v for v in topological_order(m.root) if v.label}
    want = torch.autograd.grad(L, [a, b, e], retain_graph=True)
    assert got["a"].grad == want[0].item() and got["b"].grad == want[1].item()
    assert got["e"].grad == want[2].item() and got["e"].data == -6.0
    aa = next(v for v in topological_order(m.root) if v.op == "*" and v.data == 4.0)
    assert aa.parents == (got["a"], got["a"]) and aa.local_grads == (2.0, 2.0)
    t = math.tanh(-2.0)
    tanh = next(v for v in topological_order(m.root) if v.op == "tanh")
    assert tanh.data == pytest.approx(t, rel=1e-15)
    assert tanh.local_grads[0] == pytest.approx(1 - t * t, rel=1e-12)
    assert m.root.op == "*" and m.root.const == 2.0 and m.root.grad == 1.0
    L.backward()                                      # the graph still works afterwards
    assert a.grad.item() == got["a"].grad


def test_torch_graph_drawn_and_stepped_with_pytorchs_numbers():
    L, a, b, _ = tensors()
    before = state(L, a, b)
    fig = draw_graph(L, labels={"a": a, "b": b})
    edges = dict(EDGE.findall(fig.source))
    ours_edges = dict(EDGE.findall(draw_graph(ours()).source))
    assert sorted(edges.values()) == sorted(ours_edges.values())     # the same to 4 digits
    assert "PyTorch&#39;s numbers" in fig.svg() or "PyTorch's numbers" in fig.source
    steps = step_through(L, labels={"a": a, "b": b})
    assert state(L, a, b) == before
    final = steps.state()
    ga = torch.autograd.grad(L, [a], retain_graph=True)[0].item()
    k = next(k for k, v in enumerate(steps.nodes) if v.label == "a")
    assert final.grad[k] == pytest.approx(ga, rel=1e-12)
    assert "PyTorch" in steps[0].caption


def test_plain_number_operands_become_constants_or_are_said_to_be_unknown():
    a = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    y = (a * 3 - 1) ** 2 + 1          # (6 - 1)^2 + 1: the - 1 and the + 1 are not saved
    m = read_torch(y, labels={"a": a})
    ops = {v.op: v for v in topological_order(m.root) if v.op}
    assert ops["*"].const == 3.0 and ops["**"].const == 2.0
    assert ops["**"].data == 25.0 and ops["**"].local_grads == (10.0,)   # from PyTorch
    assert ops["-"].data == 5.0 and ops["-"].const == 1.0      # solved from x**2's saved x
    assert ops["+"].const == 1.0 and m.root.data == 26.0
    z = (a + 1) + (a + 2)             # neither a + 1 nor a + 2 is kept anywhere
    m = read_torch(z)
    assert any(math.isnan(v.data) for v in topological_order(m.root))
    assert any("show as nan" in n for n in m.notes)


def test_a_freed_graph_is_refused_with_what_to_do():
    L, a, *_ = tensors()
    L.backward()
    with pytest.raises(ForeignGraphError, match="retain_graph=True"):
        draw_graph(L)


def test_compare_graphs_marks_every_node_agreeing():
    L, a, b, e = tensors()
    mine = ours()
    before = state(L, a, b, e)
    c = compare_graphs(mine, L, labels={"a": a, "b": b})
    assert state(L, a, b, e) == before
    assert c.agree and len(c.rows) == 7
    assert c.source.count('color="#2f9e44"') == 14                  # 7 nodes, both sides
    assert "= PyTorch" in c.source and "= micrograd_ed" in c.source
    svg = c.svg()
    assert "micrograd_ed" in svg and "PyTorch" in svg


def test_compare_graphs_marks_a_disagreeing_node_with_the_other_numbers():
    L, a, b, _ = tensors()
    x, y = Value(2.0, "a"), Value(-3.0, "b")
    wrong = ((x * y + x * x).tanh() * 2)
    wrong.backward()
    x.grad += 1.0                     # as if an earlier backward() were left in it
    with pytest.warns(StaleGradientWarning):        # (micrograd_ed's own picture says so)
        c = compare_graphs(wrong, L, labels={"a": a, "b": b})
    assert not c.agree
    bad = [r for r in c.rows if not r.agree]
    assert [r.name for r in bad] == ["a"]
    assert bad[0].ours[1] == pytest.approx(bad[0].theirs[1] + 1.0)
    assert re.search(r'label="a\\ndata 2\\ngrad 1\.141[^"]*\\nPyTorch: data 2, grad 0\.1413"'
                     r'[^;]*color="#e03131"', c.source)


def test_compare_with_micrograd_engine_too():
    micrograd = pytest.importorskip("micrograd.engine")
    a, b = micrograd.Value(2.0), micrograd.Value(-3.0)
    L = (a * b + a * a).relu() * a
    L.backward()
    x, y = Value(2.0, "a"), Value(-3.0, "b")
    mine = (x * y + x * x).relu() * x
    mine.backward()
    c = compare_graphs(mine, L, labels={"a": a, "b": b}, name="micrograd")
    assert c.agree, c.table()
    assert "= micrograd" in c.source


def test_non_scalar_tensors_and_float32_tolerance():
    v = torch.ones(3, requires_grad=True)
    with pytest.raises(ValueError, match=r"shape \(3,\); reduce it to a 0-d tensor"):
        draw_graph(v * 2)
    a = torch.tensor(0.3, requires_grad=True)             # float32: agrees to ~1e-7
    L = (a * a).sigmoid()
    x = Value(0.3, "a")
    mine = (x * x).sigmoid()
    mine.backward()
    c = compare_graphs(mine, L, labels={"a": a})
    assert c.agree, c.table()
    assert "float32" in c.source
    assert any(r.ours[1] != r.theirs[1] for r in c.rows)  # not bit for bit, within 1e-5
