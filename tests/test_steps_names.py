"""The step player's node names outside the browser (issue 23): unique, drawn on every box
from a copy that leaves the learner's graph alone, explained on every page of the PDF
slides and every overlay of the Beamer deck, and the same bytes every run."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

from latex_tools import compile_tex, pages, text

from micrograd_ed import Value, topological_order
from micrograd_ed.viz import step_through
from micrograd_ed.viz.steps.model import Numbers, glossary, node_names
from micrograd_ed.viz.steps.named import named_root

ROOT = Path(__file__).resolve().parents[1]


def readme_graph() -> Value:
    """README's "Draw your own engine" expression; c and f without labels."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0), Value(-2.0)
    L = (a * b + c) * f + a * a
    L.backward()
    return L


def test_a_formula_computed_twice_gets_two_names():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = (a * b) * (a * b + 1.0)
    nodes = topological_order(L)
    names = node_names(nodes, Numbers())
    assert len(set(names)) == len(names), names
    products = [names[k] for k, v in enumerate(nodes) if v.op == "*" and v is not L]
    assert sorted(products) == sorted(["a \u00d7 b", products[1 - products.index("a \u00d7 b")]])
    again = next(n for n in products if n != "a \u00d7 b")
    assert re.fullmatch(r"#\d+", again)
    words = glossary(nodes, names, Numbers())
    assert f"{again} = a \u00d7 b" in words and "already names another value" in words


def test_a_label_keeps_its_name_and_a_formula_never_takes_it():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = a * b
    e.label = "a \u00d7 b"                          # a label that reads like a formula
    L = e + a * b
    names = node_names(topological_order(L), Numbers())
    assert names.count("a \u00d7 b") == 1 and len(set(names)) == len(names)


def test_the_named_copy_has_the_same_order_numbers_and_grads_and_the_graph_is_untouched():
    L = readme_graph()
    nodes = topological_order(L)
    before = [(v.label, v.data, v.grad, v.op, v.parents) for v in nodes]
    names = node_names(nodes, Numbers())
    copy = named_root(nodes, names)
    assert copy is not L
    copied = topological_order(copy)
    assert [v.label for v in copied] == names
    assert [(v.data, v.grad, v.op, v.local_grads, v.const) for v in copied] == \
           [(v.data, v.grad, v.op, v.local_grads, v.const) for v in nodes]
    assert [[copied.index(p) for p in v.parents] for v in copied] == \
           [[nodes.index(p) for p in v.parents] for v in nodes]
    assert not set(copied) & set(nodes)
    assert [(v.label, v.data, v.grad, v.op, v.parents) for v in nodes] == before
    labelled = Value(1.0, label="x") * Value(2.0, label="y")
    labelled.label = "z"
    order = topological_order(labelled)
    assert named_root(order, node_names(order, Numbers())) is labelled    # nothing to name


def test_the_beamer_deck_names_every_box_and_explains_the_names(tmp_path):
    steps = step_through(readme_graph())
    path = steps.save(tmp_path / "deck.tex")
    tex = path.read_text(encoding="utf-8")
    overlays = tex.split("\\only<")[1:]
    assert len(overlays) == len(steps)
    formula = "\\#7 = ((a \\ensuremath{\\times} b) + \\#2) \\ensuremath{\\times} \\#4"
    for overlay in overlays:                      # each overlay is a page of its own
        picture, words = overlay.split("\\par\\medskip")
        assert "{teal} (with a light halo): this step" in words
        assert "{black, dashed}: the node passing its grad on" in words
        assert "{\\#7 = " in picture and "{\\#2 = " in picture      # on their boxes
        assert "{(a \\ensuremath{\\times} b) + \\#2 = " in picture
        assert formula in words and words.count("\\#k is the value") == 1
    pdf = compile_tex(path)
    assert pages(pdf) == len(steps)
    last = text(pdf, len(steps))
    if last is not None:
        assert "#7" in last and "#k is the value" in last.replace("\n", " ")


def test_every_pdf_slide_explains_the_names(tmp_path):
    steps = step_through(readme_graph())
    pdf = steps.save(tmp_path / "slides.pdf")
    assert pages(pdf) == len(steps)
    for k in (1, len(steps) // 2, len(steps)):
        words = text(pdf, k)                      # pdftotext; None when missing
        if words is None:
            return
        flat = " ".join(words.split())
        assert "#k is the value's place k" in flat, (k, flat[-400:])
        assert "Teal (with a light halo): this step's node or edge" in flat
        assert "(a \u00d7 b) + #2" in flat


def test_the_page_is_the_same_bytes_in_two_runs():
    code = ("import hashlib, sys; sys.path.insert(0, 'tests');"
            "from test_steps_names import readme_graph;"
            "from micrograd_ed.viz import step_through;"
            "print(hashlib.sha256(step_through(readme_graph()).html().encode()).hexdigest())")
    runs = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                           text=True, check=True, env={"PYTHONPATH": str(ROOT),
                                                       "PYTHONHASHSEED": str(seed)}).stdout
            for seed in (1, 2)}
    here = hashlib.sha256(step_through(readme_graph()).html().encode()).hexdigest()
    assert runs == {here + "\n"}


def test_a_negative_constant_in_a_named_formula_is_parenthesised():
    from micrograd_ed.nn import MLP

    out = MLP(3, [1], seed=0)([1.0, -2.0, 0.5])
    steps = step_through(out)
    captions = "\n".join(s.caption for s in steps) + steps.glossary()
    assert "\u00b7(\u22122)" in captions
    assert not re.search("[\u00b7\u00d7+^] ?\u2212", captions), captions
