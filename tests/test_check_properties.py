"""Properties of the checker and the worksheets over random expressions and seeds."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_ed import Value
from micrograd_ed.check import compare
from micrograd_ed.check.explain import users
from micrograd_ed.teach.expr import parse
from micrograd_ed.teach.worksheet import make_worksheet

pytest.importorskip("micrograd")
import check_students as s  # noqa: E402

ints = st.integers(-4, 4).filter(bool).map(float)
step = st.tuples(st.sampled_from("+-*"), st.integers(0, 20), st.integers(0, 20))
programs = st.tuples(st.lists(ints, min_size=2, max_size=4),
                     st.lists(step, min_size=1, max_size=8))


def builder(program):
    inputs, steps = program

    def build(V):
        nodes = {f"x{k}": V(x) for k, x in enumerate(inputs)}
        for k, (op, i, j) in enumerate(steps):
            vals = list(nodes.values())
            a, b = vals[i % len(vals)], vals[j % len(vals)]
            nodes[f"n{k}"] = a + b if op == "+" else a - b if op == "-" else a * b
        return nodes
    return build


@given(programs)
@settings(max_examples=60)
def test_micrograd_agrees_on_random_programs(program):
    assert compare(builder(program), s.Micrograd).ok


@given(programs)
@settings(max_examples=80)
def test_first_wrong_follows_the_forward_then_backward_rule(program):
    c = compare(builder(program), s.OverwritingMul)
    if c.ok:
        return
    rows = {r.name: r for r in c.rows}
    assert c.first_wrong_quantity == "grad"          # the mistake is in backward only
    assert all(r.data_ok for r in c.rows)
    node = c.nodes[c.first_wrong]
    name_of = {v: n for n, v in c.nodes.items()}
    for u, _ in users(c.root).get(node, []):          # every user's grad is right
        assert rows[name_of[u]].grad_ok
    assert len(users(c.root)[node]) >= 2              # only a reused node can lose a share


@given(st.sampled_from([1, 2, 3, 4, 5]), st.integers(0, 10**9))
@settings(max_examples=60)
def test_any_seed_gives_a_good_sheet(level, seed):
    sheet = make_worksheet(level, seed)
    assert all(b.answer != 0 for b in sheet.blanks)
    for _, text in sheet.steps:
        parse(text)
    doc = json.loads(sheet.to_json())
    assert doc["level"] == level and doc["seed"] == seed
    assert compare(sheet.build, Value).ok
