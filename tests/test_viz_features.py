"""What issue 10 added to the pictures: themes, both chain-rule rules, stale gradients,
numbers drawn as inputs, PDF and PNG output, greyscale margins, safe scope names."""

from __future__ import annotations

import json
import re
import struct
import warnings
import zlib

import pytest

from micrograd_ed.engine import Value, topological_order
from micrograd_ed.losses import binary_cross_entropy
from micrograd_ed.nn import MLP
from micrograd_ed.teach.worked_example import chain_rule_example
from micrograd_ed.viz import (
    LayoutTimeoutError,
    StaleGradientWarning,
    draw_graph,
    draw_network,
)
from micrograd_ed.viz.core.backends import render
from micrograd_ed.viz.core.themes import THEMES, get_theme, luminance

GREY_MARGIN = 0.15   # greyscale brightness apart, in [0, 1], of the two signs and leaf kinds


def labels(source: str) -> list[str]:
    """Every label text of a DOT source, edge labels without their padding spaces."""
    out = []
    for m in re.finditer(r'label="((?:[^"\\]|\\.)*)"', source):
        text = re.sub(r"\\(.)", lambda g: "\n" if g[1] in "nl" else g[1], m[1])
        out.append("\n".join(line.strip(" ") for line in text.split("\n")))
    return out


def chain():
    L = chain_rule_example()
    L.backward()
    return L


# ------------------------------------------------------------------ themes
def test_unknown_theme_is_a_clear_error_listing_the_themes():
    with pytest.raises(ValueError, match="unknown theme 'dark'.*'notebook', 'slide', 'print'"):
        draw_graph(chain(), theme="dark")
    with pytest.raises(ValueError, match="unknown theme"):
        draw_network(MLP(2, [1], seed=0), theme="poster")
    assert set(THEMES) == {"notebook", "slide", "print"}


def test_font_sizes_and_precision_stay_overridable():
    src = draw_graph(chain(), theme="slide", fontsize=30, edge_fontsize=25, precision=2).source
    assert re.search(r"node \[[^]]*fontsize=30", src) and re.search(r"edge \[[^]]*fontsize=25", src)
    x = Value(1 / 3, label="x")
    y = x * 3
    y.backward()
    assert "x = 0.33" in draw_graph(y, theme="slide", precision=2).source
    assert "data 0.3333" in draw_graph(y).source                      # notebook: 4 digits
    with pytest.raises(ValueError, match="fontsize"):
        draw_graph(chain(), fontsize=-3)
    net = draw_network(MLP(2, [1], seed=0), theme="slide", fontsize=22).source
    assert re.search(r"node \[[^]]*fontsize=22", net)


def test_slide_theme_has_fewer_words_and_picks_a_direction():
    src = draw_graph(chain(), theme="slide").source
    assert "\u00d7 1" not in src                                  # no "x 1" on + edges
    assert "data " not in src                                     # "a = 2", not "data 2"
    assert "a = 2" in src and "grad 6 = \u22122 \u00d7 (\u22123)" in labels(src)
    assert re.search(r'rankdir="(LR|TB)"', src)
    assert "\u00d7 1" in draw_graph(chain()).source               # the notebook keeps it


def test_print_theme_dashes_negative_gradients():
    src = draw_graph(chain(), theme="print").source
    # each edge's label is a box on its line: (label text, the line from the box into the op)
    boxes = re.findall(r'^  (e\d+_\d+_label) \[id="[^"]*", label="([^"]*)"', src, re.M)
    edges = [(text, re.search(rf"^  {name} -> n\d+_op \[.*$", src, re.M)[0])
             for name, text in boxes]
    neg = [ln for text, ln in edges if "grad \u2212" in text]
    pos = [ln for text, ln in edges if re.search(r"grad \d", text)]
    assert neg and pos
    assert all('style="dashed"' in ln for ln in neg)
    assert not any('style="dashed"' in ln for ln in pos)


@pytest.mark.parametrize("name", sorted(THEMES))
def test_greyscale_keeps_signs_and_leaf_kinds_apart(name):
    t = get_theme(name)
    assert abs(luminance(t.positive) - luminance(t.negative)) >= GREY_MARGIN
    assert abs(luminance(t.fills["param"]) - luminance(t.fills["input"])) >= GREY_MARGIN
    assert abs(luminance(t.positive_text) - luminance(t.negative_text)) >= 0.1


def test_parameters_and_inputs_differ_in_shape_too():
    w, x = Value(0.5, label="w"), Value(2.0, label="x")
    y = w * x
    y.backward()
    src = draw_graph(y, params=[w], theme="print").source
    w_line = next(ln for ln in src.splitlines() if 'label="w\\n' in ln)
    x_line = next(ln for ln in src.splitlines() if 'label="x\\n' in ln)
    assert 'style="filled"' in x_line and "style=" not in w_line     # square vs rounded


# --------------------------------------------------------------- the rules
def test_a_value_used_k_times_shows_its_grad_as_the_sum_of_the_shares():
    a = Value(3.0, label="a")
    b, c, d = Value(20.09, label="b"), Value(0.5, label="c"), Value(-2.0, label="d")
    L = a * b + a * c + a * d
    L.label = "L"
    L.backward()
    src = draw_graph(L).source
    a_label = next(lab for lab in labels(src) if lab.startswith("a\n"))
    head, terms = a_label.split(" = ")
    assert head == "a\ndata 3\ngrad 18.59"                   # 18.59 = 20.09 + 0.5 - 2
    assert sorted(re.split(r" \+ | (?=\u2212)", terms)) == ["0.5", "20.09", "\u2212 2"]
    shares = [lab for lab in labels(src) if lab.startswith("data 3\ngrad")]
    assert sorted(shares) == sorted(["data 3\ngrad 20.09 = 1 \u00d7 20.09",
                                     "data 3\ngrad 0.5 = 1 \u00d7 0.5",
                                     "data 3\ngrad \u22122 = 1 \u00d7 (\u22122)"])
    legend = draw_graph(L).source.split("legend [", 1)[1]
    assert "result's grad \u00d7 local derivative" in legend and "sum of its k edges" in legend


def test_stale_gradients_are_marked_in_the_figure_and_warned_once():
    model = MLP(2, [1], seed=0)
    model([1.0, 0.0]).backward()
    out = model([1.0, 0.0])                 # no zero_grad(): the weights' grads double
    out.label = "o"
    out.backward()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        src = draw_graph(out).source
    stale = [w for w in caught if issubclass(w.category, StaleGradientWarning)]
    assert len(stale) == 1
    assert "w[0,0,0]" in str(stale[0].message) and "zero_grad()" in str(stale[0].message)
    assert "grad includes an earlier backward(): call zero_grad()" in src
    w0 = next(lab for lab in labels(src) if lab.startswith("w[0,0,0]"))
    assert "(stale: the edges give 1)" in w0 and "grad 2" in w0 and "grad 2 =" not in w0
    model.zero_grad()
    fresh = model([1.0, 0.0])
    fresh.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "stale" not in draw_graph(fresh).source


def test_numbers_given_as_inputs_are_drawn_as_inputs():
    model = MLP(2, [3, 1], seed=0)
    out = model([1, 0])
    out.backward()
    src = draw_graph(out).source
    assert "x[0]\ndata 1" in labels(src) and "x[1]\ndata 0" in labels(src)
    dots = [v for v in topological_order(out) if v.op == "dot" and v.scope[0] == 0]
    k = {v: i for i, v in enumerate(topological_order(out))}
    for d in dots:                           # each first-layer dot gets both inputs
        assert len(re.findall(rf"-> n{k[d]}_op \[id=\"x{k[d]}_\d_out\"", src)) == 2
    small = draw_graph(out, collapse=True).source      # the label is a box on the edge
    into = re.findall(r"^  num\d -> (\w+_label) ", small, re.M)
    assert len(into) == 2 * 3
    assert all(re.search(rf"^  {b} -> neuron_L0_N\d ", small, re.M) for b in into)


def test_bce_with_label_1_has_no_times_one_node():
    model = MLP(2, [1], activation="sigmoid", seed=0)
    loss = binary_cross_entropy([model([1.0, 0.0])], [1.0])
    loss.backward()
    assert not any(v.op == "*" and v.const == 1.0 for v in topological_order(loss))
    assert 'label="* 1"' not in draw_graph(loss).source
    loss0 = binary_cross_entropy([model([1.0, 0.0])], [0.0])
    assert not any(v.op == "*" and v.const == 1.0 for v in topological_order(loss0))


def test_colour_scale_keeps_small_real_gradients_visible():
    a = Value(1.0, label="a")
    b = Value(0.002, label="b")
    L = a * 1.0 + b * 1.0 + a * 0.001
    L.backward()
    src = draw_graph(L).source
    widths = [float(w) for w in re.findall(r"penwidth=([\d.]+)", src.split("legend [")[0])]
    assert min(widths) >= 1.0                      # the 0.001 share is not a hairline
    assert "log |grad|" in src                     # and the legend says how it is scaled


# ------------------------------------------------------------------ output
def test_pdf_is_vector_with_real_text(tmp_path):
    path = draw_graph(chain(), title="chain rule").save(tmp_path / "c.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"/FontFile2" in data and b"/Subtype /Image" not in data   # a font, no bitmap
    streams = [zlib.decompress(m) for m in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S)
               if m[:1] == b"x"]
    content = b"".join(streams)
    assert content.count(b" Tj") >= 20                             # every label as text
    assert b" c " in content                                       # curves as Béziers


def test_png_scale_doubles_the_pixels(tmp_path):
    d = draw_graph(chain())
    one = d.save(tmp_path / "one.png").read_bytes()
    two = d.save(tmp_path / "two.png", scale=2).read_bytes()
    w1, h1 = struct.unpack(">II", one[16:24])
    w2, h2 = struct.unpack(">II", two[16:24])
    assert abs(w2 - 2 * w1) <= 2 and abs(h2 - 2 * h1) <= 2
    with pytest.raises(ValueError, match="png only"):
        d.save(tmp_path / "x.svg", scale=2)


def test_legend_grows_a_small_figure_by_at_most_30_percent():
    for theme in ("notebook", "slide", "print"):
        for rankdir in ("LR", "TB"):
            with_legend = json.loads(render(draw_graph(chain(), theme=theme,
                                                       rankdir=rankdir).source, "json"))
            without = json.loads(render(draw_graph(chain(), theme=theme, rankdir=rankdir,
                                                   legend=False).source, "json"))
            w1 = float(with_legend["bb"].split(",")[2])
            w0 = float(without["bb"].split(",")[2])
            assert w1 <= 1.3 * w0, (theme, rankdir, w0, w1)


# ------------------------------------------------- issue 15: items 6 and 7
def test_scope_names_cannot_inject_dot():
    model = MLP(2, [2, 1], seed=0)
    out = model([1.0, 0.0])
    out.backward()
    for v in topological_order(out):
        if v.scope is not None:
            v.scope = ("0 -> evil; x", f'{v.scope[1]} "}} ]')
    for kw in ({"collapse": True}, {"group_by": "neuron"}, {"group_by": "layer"},
               {"collapse": True, "group_by": "layer"}):
        src = draw_graph(out, **kw).source
        assert not re.search(r"^\s*evil\b", src, re.M)
        assert "evil" not in re.sub(r'"(?:[^"\\]|\\.)*"', '""', src)   # only inside strings
        svg = draw_graph(out, **kw).svg()                             # and Graphviz accepts it
        assert "0 -&gt; evil; x" in svg or "0 &#45;&gt; evil; x" in svg


def test_a_leaf_with_many_uses_is_drawn_beside_each_use():
    a = Value(1.0, label="a")
    y = a
    for _ in range(79):
        y = y + a                            # the 80-term a+a+...+a of issue 15
    y.backward()
    src = draw_graph(y).source
    assert "a\ndata 1\ngrad 80 = 1 + 1 + 1 + 1 + 1 + \u2026 (80 edges)" in labels(src)
    ghosts = re.findall(r'^  n0_u\d+ \[id="v0_u\d+"', src, re.M)
    assert len(ghosts) == 80
    assert not re.search(r"^  n0 -> ", src, re.M)      # no long edges from the one box
    assert "drawn again beside each use" in src


def test_a_layout_that_takes_too_long_says_so():
    a = Value(1.0, label="a")
    y = a
    for _ in range(40):
        y = y * a + 1
    y.backward()
    with pytest.raises(LayoutTimeoutError, match=r"gave up laying out this graph after 0.001 s"):
        render(draw_graph(y).source, "svg", timeout=0.001)


def test_pdf_bytes_do_not_depend_on_the_time_of_writing():
    from micrograd_ed import Value
    from micrograd_ed.viz import draw_graph

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = a * b
    L.label = "L"
    L.backward()
    first = draw_graph(L).pdf()
    assert b"/CreationDate (D:20000101000000Z" in first   # fixed, not the time of writing
    assert draw_graph(L).pdf() == first
