"""backward(): chain rule order, PyTorch accumulation semantics, scale, and memory."""

from __future__ import annotations

import gc
import sys

import pytest

from micrograd_ed import Value, topological_order, zero_grad
from micrograd_ed.teach.worked_example import chain_rule_example


def lecture_graph():
    """L = (a*b + c) * f, the lecture's chain-rule example: (a, b, c, f, e, d, L)."""
    nodes = {v.label: v for v in topological_order(chain_rule_example())}
    return tuple(nodes[name] for name in "abcfedL")


def test_lecture_example_by_hand():
    a, b, c, f, e, d, L = lecture_graph()
    L.backward()
    assert L.data == -8.0
    # dL/dd = f, dL/df = d, dL/de = dL/dd * 1, dL/da = dL/de * b, dL/db = dL/de * a
    assert (L.grad, d.grad, f.grad, e.grad, c.grad) == (1.0, -2.0, 4.0, -2.0, -2.0)
    assert (a.grad, b.grad) == (6.0, -4.0)


def test_topological_order_puts_parents_first():
    *_, L = lecture_graph()
    order = topological_order(L)
    pos = {id(v): i for i, v in enumerate(order)}
    assert order[-1] is L and len(order) == 7
    for v in order:
        for p in v.parents:
            assert pos[id(p)] < pos[id(v)]


def test_backward_twice_doubles_leaf_grads_and_keeps_interior_grads():
    a, b, c, f, e, d, L = lecture_graph()
    L.backward()
    once = {v.label: v.grad for v in (a, b, c, f, e, d, L)}
    L.backward()
    for leaf in (a, b, c, f):
        assert leaf.grad == 2 * once[leaf.label]
    for interior in (e, d, L):
        assert interior.grad == once[interior.label]


def test_zero_grad_on_a_list_and_on_a_graph():
    a, b, c, f, e, d, L = lecture_graph()
    L.backward()
    zero_grad([a, b])
    assert a.grad == 0.0 and b.grad == 0.0 and c.grad != 0.0
    zero_grad(L)
    assert all(v.grad == 0.0 for v in (a, b, c, f, e, d, L))
    with pytest.raises(TypeError, match="zero_grad expects Values"):
        zero_grad([a, 3.0])


def test_shared_node_sums_gradients_over_paths():
    x = Value(3.0, "x")
    y = x * 2.0
    z = y * y + y.exp() + x  # x reaches z along four paths
    z.backward()
    import math

    assert x.grad == pytest.approx(2 * (2 * 6.0) + 2 * math.exp(6.0) + 1, rel=1e-14)


def test_backward_of_a_leaf():
    x = Value(1.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_chain_a_million_deep_at_the_default_recursion_limit():
    limit = sys.getrecursionlimit()
    x = Value(1.0, "x")
    v = x
    for _ in range(1_000_000):
        v = v * 1.0
    v.backward()
    assert x.grad == 1.0
    assert sys.getrecursionlimit() == limit
    del v  # the deep chain is freed without recursion errors


def test_wide_sum_of_100k_terms():
    xs = [Value(float(i)) for i in range(100_000)]
    total = sum(xs)
    total.backward()
    assert total.data == sum(range(100_000))
    assert all(x.grad == 1.0 for x in xs)


def test_graph_is_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()
    try:
        before = {id(o) for o in gc.get_objects() if type(o) is Value}
        x = Value(2.0, "x")
        y = ((x * x).tanh() + x.exp() * 3.0 - x / 2.0).relu()
        y.backward()
        del y
        alive = [o for o in gc.get_objects()
                 if type(o) is Value and o is not x and id(o) not in before]
        assert alive == [], "graph nodes survived without the cycle collector"
        assert gc.collect() == 0, "the graph left cyclic garbage"
    finally:
        gc.enable()


def test_graph_of_a_training_step_leaves_no_cyclic_garbage():
    gc.collect()
    gc.disable()
    try:
        ws = [Value(0.1 * i) for i in range(10)]
        for _ in range(3):
            loss = sum((w * 2.0 - 1.0).tanh() ** 2 for w in ws)
            loss.backward()
            del loss
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_backward_order_lists_each_interior_node_after_all_its_users():
    from micrograd_ed import backward_order

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = a * b
    d = e + a
    L = (d * e).tanh()
    order = backward_order(L)
    assert order[0] is L and set(order) == {L, L.parents[0], d, e}
    position = {v: i for i, v in enumerate(order)}
    for v in order:
        for p in v.parents:
            if p.op:
                assert position[p] > position[v]
    assert backward_order(a) == []
