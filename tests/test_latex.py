"""LaTeX for instructors (issue 23): figures as standalone TikZ, the steps as a Beamer deck,
each compiled by pdflatex (skipped cleanly where it is not installed) and read back."""

from __future__ import annotations

import json
import re
import warnings

import pytest
from latex_tools import compile_tex, pages, plain, text

from micrograd_ed.engine import Value
from micrograd_ed.teach.worked_example import chain_rule_example
from micrograd_ed.viz import draw_graph, step_through
from micrograd_ed.viz.core import backends
from micrograd_ed.viz.core.latex import escape
from micrograd_ed.viz.core.themes import get_theme

NASTY = "a_1 & {b} % $x$ #2 ^~\\ <y> |z| \"q\" 'p' -- \u2212 \u00d7 \u2202L/\u2202w \u03c3 x\u00b2"


def _layout_texts(d) -> list[str]:
    g = json.loads(backends.render(d.source, "json"))
    out = []
    for obj in [g] + g.get("objects", []) + g.get("edges", []):
        for key in ("_ldraw_", "_hldraw_", "_tldraw_"):
            out += [op["text"].strip() for op in obj.get(key, []) if op["op"] == "T"]
    return [t for t in out if t]


# ------------------------------------------------------------------ escaping
@pytest.mark.parametrize("ch, want", [
    ("\\", r"\textbackslash{}"), ("{", r"\{"), ("}", r"\}"), ("$", r"\$"), ("&", r"\&"),
    ("#", r"\#"), ("%", r"\%"), ("_", r"\_"), ("^", r"\textasciicircum{}"),
    ("~", r"\textasciitilde{}"), ("<", r"\textless{}"), ("\u2212", r"\ensuremath{-}"),
    ("\u00d7", r"\ensuremath{\times}"), ("\u2202", r"\ensuremath{\partial}"),
    ("\u00b2", r"\textsuperscript{2}"), ("\u03c3", r"\ensuremath{\sigma}"),
])
def test_escape_each_special(ch, want):
    assert escape(ch) == want


def test_escape_drops_control_characters_and_surrogates():
    assert escape("a\x00b\x07c\x1bd\ud800e") == "abcde"
    assert escape("\u2603") == "[U+2603]"             # no glyph: named, never an error
    assert escape("x-axis, -3, a - b") == (r"x-{}axis, \ensuremath{-}3, a \ensuremath{-} b")


def test_nasty_text_compiles_and_reads_back(tmp_path):
    from micrograd_ed.viz.core.latex import PREAMBLE
    tex = tmp_path / "nasty.tex"
    tex.write_text("\\documentclass{article}\n" + PREAMBLE + "\\begin{document}\n"
                   + escape(NASTY) + "\n\\end{document}\n", encoding="utf-8")
    pdf = compile_tex(tex)
    got = text(pdf)
    if got is not None:
        got = " ".join(got.split())
        for piece in ("a_1 & {b} % $x$ #2", "<y>", "|z|", "\u00d7", "\u2202L/\u2202w",
                      "\u03c3", "\u2212"):
            assert piece in got, (piece, got)


# ------------------------------------------------------------------ figures
@pytest.mark.parametrize("theme", ["notebook", "slide", "print"])
def test_graph_tex_compiles_with_the_same_texts_and_colours(tmp_path, theme):
    L = chain_rule_example()
    L.backward()
    d = draw_graph(L, theme=theme)
    path = d.save(tmp_path / f"g_{theme}.tex")
    source = path.read_text(encoding="utf-8")
    assert source.startswith("% A micrograd_ed figure") and \
        "\\documentclass[tikz,border=2pt]{standalone}" in source
    t = get_theme(theme)
    assert f"\\definecolor{{mgpositive}}{{HTML}}{{{t.positive[1:].upper()}}}" in source
    assert f"\\definecolor{{mgnegative}}{{HTML}}{{{t.negative[1:].upper()}}}" in source
    if theme == "print":
        assert "dash pattern" in source                  # negative grads dashed, as in SVG
    pdf = compile_tex(path)
    assert pages(pdf) == 1
    got = text(pdf)
    if got is not None:
        seen = plain(got)
        for label in _layout_texts(d):
            for word in plain(label).split():
                assert word in seen, (word, label)


def test_graph_tex_same_layout_as_pdf(tmp_path):
    """The TikZ picture's bounding box is Graphviz's, as the PDF's page is."""
    L = chain_rule_example()
    L.backward()
    d = draw_graph(L)
    g = json.loads(backends.render(d.source, "json"))
    x0, y0, x1, y1 = (float(v) for v in g["bb"].split(","))
    src = d.tex()
    box = re.search(r"\\useasboundingbox \(([-\d.]+),([-\d.]+)\) rectangle \(([-\d.]+),"
                    r"([-\d.]+)\)", src)
    assert [float(v) for v in box.groups()] == pytest.approx([x0 - 4, y0 - 4, x1 + 4, y1 + 4],
                                                             abs=0.01)
    # every node of the layout is drawn at its place: its first text at Graphviz's point
    for obj in g["objects"]:
        for op in obj.get("_ldraw_", []):
            if op["op"] == "T" and op["text"].strip():
                x, y = op["pt"]
                assert f"at ({x:.2f}".rstrip("0").rstrip(".") in src or f"at ({x:g}," in src
                break


def test_labels_with_specials_and_control_characters(tmp_path):
    a = Value(2.0, label="a_1 & {b} % $x$")
    b = Value(-3.0, label="\u03c3\u00b2 \u2202L/\u2202w #2")
    c = Value(1.0, label="ctl\x00\x07\x1bend")
    L = a * b + c
    L.label = "L^~\\"
    L.backward()
    path = draw_graph(L).save(tmp_path / "special.tex")
    pdf = compile_tex(path)
    got = text(pdf)
    if got is not None:
        seen = " ".join(got.split())
        for piece in ("a_1 & {b} % $x$", "\u03c3", "\u2202L/\u2202w #2", "L^~\\"):
            assert piece in seen, (piece, seen)
        assert re.search(r"ctl\W?NUL\W+BEL\W+ESC\W?end", seen), seen


def test_tex_is_written_atomically_and_deterministic(tmp_path):
    L = chain_rule_example()
    L.backward()
    one = draw_graph(L).tex()
    two = draw_graph(L).tex()
    assert one == two
    target = tmp_path / "g.tex"
    target.write_text("keep")
    with pytest.raises(ValueError, match="scale"):
        draw_graph(L).save(target, scale=2)
    assert target.read_text() == "keep"


# ------------------------------------------------------------------- the deck
def test_steps_deck_one_page_per_step_with_captions(tmp_path):
    L = chain_rule_example()
    steps = step_through(L)
    path = steps.save(tmp_path / "steps.tex")
    src = path.read_text(encoding="utf-8")
    assert "\\documentclass[aspectratio=169,11pt]{beamer}" in src
    assert src.count("\\only<") == len(steps)
    pdf = compile_tex(path)
    assert pages(pdf) == len(steps)
    for k in (0, 1, len(steps) - 1):
        got = text(pdf, k + 1)
        if got is None:
            break
        seen = plain(got)
        assert f"Step {k + 1} of {len(steps)}" in seen
        first = plain(steps[k].caption.split("\n")[0])
        assert first[:40] in seen, (first, seen)
        assert "--" not in seen


def test_deck_of_a_graph_with_a_stale_grad_and_a_reused_value(tmp_path):
    a = Value(1.5, label="a")
    c = Value(-0.5, label="c")
    L = a * a + (a * c).tanh() - c.sigmoid()
    L.label = "L"
    L.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        steps = step_through(L)
    pdf = compile_tex(steps.save(tmp_path / "deck.tex"))
    assert pages(pdf) == len(steps)


def test_a_graph_wider_than_a_pdf_page_is_scaled_to_fit(tmp_path):
    """A 240-op chain is 67,000 pt wide: TeX stops at 16,383 pt ('Dimension too large'), so
    the picture is scaled down to 14,000 pt and still compiles, with every number."""
    x = Value(0.5, label="x")
    v = x
    for _ in range(120):
        v = v * 1.01 + 0.1
    v.backward()
    path = draw_graph(v, max_nodes=1000).save(tmp_path / "long.tex")
    assert "% scaled by" in path.read_text()
    pdf = compile_tex(path)
    info = pdf.read_bytes()
    box = re.search(rb"/MediaBox \[([\d. ]+)\]", info)
    if box:
        assert max(float(v) for v in box[1].split()) <= 14400


def test_cli_graph_and_steps_write_tex(tmp_path, capsys):
    from micrograd_ed.cli.commands import main

    fig = tmp_path / "chain.tex"
    assert main(["graph", "(a*b + c) * f", "--set", "a=2", "b=-3", "c=10", "f=-2",
                 "--theme", "print", "-o", str(fig)]) == 0
    assert "% theme: print" in fig.read_text()
    deck = tmp_path / "deck.tex"
    assert main(["graph", "(a*b + c) * f", "--set", "a=2", "b=-3", "c=10", "f=-2",
                 "--steps", "-o", str(deck)]) == 0
    assert "Beamer deck" in capsys.readouterr().out
    assert main(["graph", "a*b", "--set", "a=2", "b=3", "--format", "tex", "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("% A micrograd_ed figure")
    assert pages(compile_tex(fig)) == 1
    assert pages(compile_tex(deck)) == deck.read_text().count("\\only<")
