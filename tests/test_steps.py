"""The step list of step_through: the forward and backward pass, replayed in backward()'s own
order, ends at the engine's values; path sums equal the grads; bad input is refused clearly."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given
from strategies import ValueOps, programs, run

from micrograd_ed import Value, backward_order, topological_order
from micrograd_ed.teach.worked_example import chain_rule_example
from micrograd_ed.viz import GraphTooLargeError, Steps, step_through
from micrograd_ed.viz.steps.model import Numbers

HOSTILE = "</script><script>alert(1)</script>"


def reused():
    """L = (a*b + c)*f + a: the lecture's graph with a used twice (paths of lengths 4 and 1)."""
    L = chain_rule_example()
    a = next(v for v in topological_order(L) if v.label == "a")
    out = L + a
    out.label = "out"
    return out, a


def random_graph(program):
    inputs, _ = program
    xs = [Value(x, label=f"x{i}") for i, x in enumerate(inputs)]
    out = run(program, xs, ValueOps)
    return out, xs


# ---------------------------------------------------------------- captions
def test_forward_captions_show_the_arithmetic():
    steps = step_through(chain_rule_example())
    captions = [s.caption for s in steps]
    assert captions[1] == "Forward: e = a \u00d7 b = 2 \u00d7 (\u22123) = \u22126"
    assert captions[2] == "Forward: d = e + c = \u22126 + 10 = 4"
    assert captions[3] == "Forward: L = d \u00d7 f = 4 \u00d7 (\u22122) = \u22128"
    assert steps[4].kind == "seed" and "grad L = \u2202L/\u2202L = 1" in captions[4]
    assert steps[-1].kind == "done"
    assert len(steps) == 1 + 3 + 1 + 6 + 1      # start, ops, seed, one per edge, done


def test_backward_captions_show_the_chain_rule_and_running_sums():
    out, a = reused()
    steps = step_through(out)
    a_steps = [s for s in steps if s.kind == "edge" and s.node == steps.index(a)]
    assert len(a_steps) == 2
    first, second = a_steps
    assert first.caption.startswith("Backward: grad a += (\u2202out/\u2202a = 1) \u00d7 "
                                    "(grad out = 1) = 1")
    assert "so far (a has 1 more use to come" in first.caption
    assert second.caption.startswith("Backward: grad a += (\u2202e/\u2202a = b = \u22123) "
                                     "\u00d7 (grad e = \u22122) = 6")
    assert "Running sum: grad a = 1 + 6 = 7: complete (all 2 uses in)" in second.caption
    assert second.complete == (steps.index(a),)
    released = [s for s in steps if s.kind == "edge" and "is released" in s.caption]
    assert {steps.names[s.node] for s in released} == {"L", "d", "e"}


def test_unlabelled_nodes_are_named_by_their_expression_or_index():
    x = Value(0.5, label="x")
    y = (x * x).tanh() * 2 - x / 3
    steps = step_through(y)
    assert "Forward: x \u00d7 x = 0.5 \u00d7 0.5 = 0.25" in [s.caption for s in steps]
    assert "tanh(x \u00d7 x)" in steps.names
    assert any(re.fullmatch(r"#\d+", n) for n in steps.names)   # too long: its index


def test_numbers_use_a_true_minus_and_parenthesise_negative_operands():
    num = Numbers(4)
    assert num(-6.0) == "\u22126" and num(0.00001235) == "1.235e\u22125"
    assert num.operand(-2.0) == "(\u22122)" and num.operand(2.0) == "2"


# ------------------------------------------------------------------ replay
def check_replay(out: Value) -> Steps:
    """The last step holds exactly the engine's data and grad; nothing is ever lost."""
    out.backward()
    steps = step_through(out, max_nodes=10_000)
    final = steps.state()
    for k, v in enumerate(steps.nodes):
        assert final.data[k] == v.data
        assert final.grad[k] == v.grad, (steps.names[k], final.grad[k], v.grad)
    assert final.complete == frozenset(range(len(steps.nodes)))
    known = 0
    for k in range(len(steps)):
        st = steps.state(k)
        now = sum(g is not None for g in st.grad)
        assert now >= known                         # stepping forward never loses a grad
        known = now
    edges = [s.edge for s in steps if s.kind == "edge"]
    index = {v: k for k, v in enumerate(steps.nodes)}
    assert edges == [(index[v], i) for v in backward_order(out) for i in range(len(v.parents))]
    completed = [k for s in steps for k in s.complete]
    assert sorted(completed) == list(range(len(steps.nodes)))   # each exactly once
    return steps


@given(programs)
def test_replay_ends_at_the_engine_values_on_random_graphs(program):
    out, _ = random_graph(program)
    if out is None:
        return
    check_replay(out)


@given(programs)
def test_path_sums_equal_the_grads_on_random_graphs(program):
    out, xs = random_graph(program)
    if out is None:
        return
    out.backward()
    steps = step_through(out, max_nodes=10_000)
    for k, v in enumerate(steps.nodes):
        p = steps.paths(k)
        assert p.count >= 1
        assert p.total == pytest.approx(v.grad, rel=1e-9, abs=1e-12)
        if p.count <= len(p.listed):
            assert sum(q.product for q in p.listed) == pytest.approx(v.grad, rel=1e-9,
                                                                     abs=1e-12)
        for q in p.listed:
            assert q.nodes[0] == k and q.nodes[-1] == len(steps.nodes) - 1
            assert len(q.edges) == len(q.factors) == len(q.nodes) - 1


def test_paths_of_different_lengths():
    out, a = reused()
    steps = check_replay(out)
    p = steps.paths(a)
    assert p.count == 2
    assert sorted(len(q.edges) for q in p.listed) == [1, 4]
    assert sorted(q.product for q in p.listed) == [1.0, 6.0]
    assert p.total == a.grad == 7.0


def test_diamond_and_repeated_operand():
    a = Value(1.5, label="a")
    b = a * a                       # two edges from a into one node
    c = b.tanh() + b * 3.0          # a diamond through b
    d = (c + a).sigmoid() * c
    check_replay(d)
    steps = step_through(d)
    assert steps.paths(a).count == 2 * 2 * 2 + 1


def test_exponentially_many_paths_are_counted_not_listed():
    x = Value(0.3, label="x")
    v = x
    for _ in range(20):
        v = v * 0.5 + v * 0.25      # two paths per level
    steps = step_through(v, max_nodes=1000)
    p = steps.paths(x)
    assert p.count == 2 ** 20 and len(p.listed) == 12
    v.backward()
    assert p.total == pytest.approx(x.grad)


def test_step_through_never_changes_the_graph():
    L = chain_rule_example()
    before = [(v.data, v.grad) for v in topological_order(L)]
    steps = step_through(L)
    steps.html()
    assert [(v.data, v.grad) for v in topological_order(L)] == before   # grads stay 0
    L.backward()
    assert [v.grad for v in topological_order(L)] == list(steps.state().grad)


def test_forward_false_starts_at_the_seed():
    steps = step_through(chain_rule_example(), forward=False)
    assert steps[0].kind == "start" and steps[1].kind == "seed"
    assert None not in steps.state(0).data


# --------------------------------------------------------------- bad input
def test_a_leaf_root_gets_one_step():
    a = Value(3.0, label="a")
    steps = step_through(a)
    assert len(steps) == 1 and "is a leaf" in steps[0].caption
    assert steps.state().grad == (1.0,)
    assert 'data-label="a"' in steps.html()


def test_too_many_nodes_says_how_many_and_what_to_do():
    x = Value(1.0, label="x")
    v = x
    for _ in range(150):
        v = v * 1.01
    with pytest.raises(GraphTooLargeError, match=r"301 nodes to draw .*max_nodes=200.*"
                                                 r"smaller graph.*max_nodes=301"):
        step_through(v)
    assert len(step_through(v, max_nodes=301)) == 1 + 150 + 1 + 150 + 1


def test_bad_arguments_are_refused_by_name():
    L = chain_rule_example()
    with pytest.raises(TypeError, match="expects a Value, got float"):
        step_through(2.0)
    with pytest.raises(ValueError, match="unknown theme 'dark'.*notebook, slide, print"):
        step_through(L, theme="dark")
    with pytest.raises(ValueError, match="max_nodes must be a positive int"):
        step_through(L, max_nodes=0)
    with pytest.raises(ValueError, match="paths_to must be a Value of this graph; 'z'"):
        step_through(L, paths_to=Value(1.0, label="z"))
    with pytest.raises(ValueError, match="one sample at a time.*batch of 3"):
        step_through(Value(np.array([1.0, 2.0, 3.0]), label="x") * 2.0)


def test_unknown_suffix_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown suffix '.txt'.*html"):
        step_through(chain_rule_example()).save(tmp_path / "x.txt")
    assert not (tmp_path / "x.txt").exists()


# -------------------------------------------------------------- the outputs
def test_html_page_is_self_contained_and_escapes_labels():
    a = Value(2.0, label=HOSTILE)
    out = a * Value(-3.0, label="b") + a
    out.label = "out"
    doc = step_through(out, paths_to=a).html()
    assert HOSTILE not in doc
    assert len(re.findall(r"<script\b", doc)) == 2        # the data and our code
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", doc)
    svg = doc[doc.index("<svg"): doc.index("</svg>") + 6]
    tree = ET.fromstring(svg)
    labels = [g.get("data-label") for g in tree.iter("{http://www.w3.org/2000/svg}g")
              if g.get("data-label")]
    assert HOSTILE in labels and "b" in labels and "out" in labels


def test_every_labelled_value_has_data_label_and_texts():
    out, _ = reused()
    out.backward()
    steps = step_through(out)
    tree = ET.fromstring(steps.svg())
    groups = {g.get("data-label"): g for g in tree.iter("{http://www.w3.org/2000/svg}g")
              if g.get("data-label")}
    assert set(groups) == {"a", "b", "c", "d", "e", "f", "L", "out"}
    for g in groups.values():
        grads = [t.text for t in g.iter("{http://www.w3.org/2000/svg}text")
                 if (t.get("class") or "").startswith("mg-grad")]
        assert len(grads) == 1 and grads[0].startswith("grad ")
    a_text = [t.text for t in groups["a"].iter("{http://www.w3.org/2000/svg}text")
              if (t.get("class") or "").startswith("mg-grad")]
    assert a_text == ["grad 7 = 1 + 6"]


def test_save_html_svg_and_numbered_frames(tmp_path):
    steps = step_through(chain_rule_example())
    page = steps.save(tmp_path / "chain.html")
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    final = steps.save(tmp_path / "chain.svg")
    assert "grad \u22124" in final.read_text(encoding="utf-8")
    folder = steps.save(str(tmp_path / "frames") + "/")
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"step_{n:03d}.svg" for n in range(1, len(steps) + 1)]
    first = (folder / "step_001.svg").read_text(encoding="utf-8")
    assert "grad ?" in first and "Forward pass" in first
    frames = steps.frames()
    assert len(frames) == len(steps) and frames[3].svg() != frames[4].svg()


def test_jupyter_bundle_has_the_player_and_a_static_fallback():
    out, _ = reused()
    bundle = step_through(out)._repr_mimebundle_()
    assert bundle["text/html"].startswith("<iframe srcdoc=")
    assert bundle["image/svg+xml"].startswith("<svg")
    assert "grad 7 = 1 + 6" in bundle["image/svg+xml"]          # the final state
    assert "12 steps" in bundle["text/plain"] or "steps through" in bundle["text/plain"]
