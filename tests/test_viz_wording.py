"""What the pictures and the step player print: no false equation, no text that breaks a page.

Issue 23's wording items: a stale node (grads of two backward() calls without zero_grad())
prints its grad and what its edges give, never an equation that is false; labels with
control characters or lone surrogates are drawn visibly replaced (control pictures, U+FFFD)
in well-formed SVG, and the step player builds its page from them.
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET

import pytest

from micrograd_ed import Value
from micrograd_ed.viz import draw_graph, step_through
from micrograd_ed.viz.graph.draw import StaleGradientWarning


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(re.sub(r"^.*?(?=<svg\b)", "", svg, count=1, flags=re.S))
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def _number(s: str) -> float:
    return float(s.replace("\u2212", "-"))


def test_a_stale_node_prints_no_false_equation():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    d.backward()
    d.backward()                                  # no zero_grad(): a's grad doubles
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleGradientWarning)
        texts = _texts(draw_graph(d).svg())
    assert "grad \u22124" in texts or "grad -4" in texts
    assert "(stale: the edges give \u22122)" in texts or "(stale: the edges give -2)" in texts
    for t in texts:                               # every "grad x = s1 + s2" that is printed holds
        m = re.fullmatch(r"grad (\S+) = (\S+) ([+\u2212-]) (\S+)", t)
        if m:
            sign = 1 if m[3] == "+" else -1
            assert _number(m[1]) == pytest.approx(_number(m[2]) + sign * _number(m[4])), t


LABELS = {"control": "a\x00b\x07c\x1bd", "surrogate": "y\ud800z"}
SHOWN = {"control": "a\u2400b\u2407c\u241bd", "surrogate": "y\ufffdz"}


@pytest.mark.parametrize("kind", LABELS)
def test_odd_labels_are_replaced_visibly_in_well_formed_svg(kind):
    x = Value(1.5, label=LABELS[kind])
    y = x * 2
    y.label = "y"
    y.backward()
    svg = draw_graph(y).svg()
    svg.encode("utf-8")                           # a lone surrogate cannot be written
    texts = _texts(svg)                           # parses: well-formed XML
    assert SHOWN[kind] in texts
    page = step_through(y).html()
    page.encode("utf-8")
    assert SHOWN[kind] in page
    ET.fromstring(step_through(y).svg())


@pytest.mark.parametrize("kind", LABELS)
def test_odd_labels_open_in_chromium_without_a_parser_error(browser_page, tmp_path, kind):
    x = Value(1.5, label=LABELS[kind])
    y = x * 2
    y.backward()
    f = tmp_path / "g.svg"
    f.write_text(draw_graph(y).svg(), encoding="utf-8")
    browser_page.goto(f.as_uri())
    assert browser_page.locator("parsererror").count() == 0
    assert SHOWN[kind] in browser_page.locator("svg").inner_html()


def _figures():
    from micrograd_ed.nn import MLP
    from micrograd_ed.viz import draw_network

    a, c = Value(0.5, label="a"), Value(3.0, label="c")
    y = a * a + (a * c).exp() + a / (c - 2) - a.sigmoid()
    y.label = "y"
    y.backward()
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    out = model([1.0, -2.0])
    (-out.log()).backward()
    return {"graph": draw_graph(y), "slide": draw_graph(y, theme="slide"),
            "network": draw_network(model, [1.0, -2.0]),
            "grads": draw_network(model, show="grads", theme="slide")}


@pytest.mark.parametrize("what", ["graph", "slide", "network", "grads"])
def test_labels_write_one_true_minus_sign(what):
    texts = _texts(_figures()[what].svg())
    signed = [t for t in texts if "\u2212" in t]
    assert signed, "a figure with negative numbers writes them with U+2212"
    for t in texts:
        assert not re.search(r"(^|[\s(=×])-(\d|\s)", t), t        # no hyphen as a minus
        assert "\u2212\u2212" not in t and not re.search("[×+] \u2212", t), t
