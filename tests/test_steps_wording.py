"""The step player's words and colours as a person reads them (issue 23, "Step player").

One U+2212 minus and never "−−"; "complete" says why in a whole sentence; the "#k" names
are explained on the page; the edges an op reads in the forward pass are not drawn in the
legend's "blue: grad < 0"; the legend stays on screen in a page about 1150 px wide (a
JupyterLab output).
"""

from __future__ import annotations

import re

import pytest

from micrograd_ed import Value
from micrograd_ed.nn import MLP
from micrograd_ed.viz import step_through
from micrograd_ed.viz.steps.model import build_steps


def xor_loss() -> Value:
    """One example's binary cross-entropy through a 2-2-1 sigmoid net, as the demo draws it."""
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    a = model([Value(1.0, label="x[0]"), Value(0.0, label="x[1]")])
    L = -a.log()
    L.label = "L"
    L.backward()
    return L


def test_one_minus_sign_and_no_double_minus():
    a = Value(0.9937, label="a")
    L = -a.log()                                  # log a < 0: L = −(−0.0063)
    L.label = "L"
    _, _, steps = build_steps(L)
    captions = [s.caption for s in steps]
    assert any("\u2212(\u22120.00632)" in c for c in captions), captions
    for c in captions:
        assert "\u2212\u2212" not in c and "--" not in c and not re.search(r"\d-\d|\s-\d", c), c


def test_complete_is_said_in_a_whole_sentence():
    _, _, steps = build_steps(xor_loss())
    complete = [s.caption for s in steps if "complete (" in s.caption]
    assert complete
    for c in complete:
        assert "in)" not in c, c
        assert re.search(r"complete \((this edge is its only use|all \d+ of its uses have "
                         r"added their share)\)", c), c


def test_tag_names_are_explained_on_the_page():
    L = xor_loss()
    nodes, names, steps = build_steps(L)
    tags = [n for n in names if re.fullmatch(r"#\d+", n)]
    assert tags                                   # the dot nodes have no short name
    assert "#k is the value's place k in the order of computation" in steps[0].caption
    page = step_through(L).html()
    hint = re.search(r'<p class="mg-hint">(.*?)</p>', page, re.S)[1]
    assert all(t in hint for t in tags[:3]) and "#k is the value" in hint


@pytest.fixture
def narrow(tmp_path, chromium_browser):
    from browser import WatchedPage
    watched = WatchedPage(chromium_browser, {"width": 1150, "height": 900})
    path = step_through(xor_loss()).save(tmp_path / "steps.html")
    watched.page.goto(path.as_uri())
    yield watched.page
    watched.assert_clean()
    watched.close()


def test_the_legend_is_on_screen_at_1150_px(narrow):
    box = narrow.eval_on_selector(
        "#legend-text", "e => { const r = e.getBoundingClientRect();"
        " return [r.left, r.right, r.top, r.bottom, e.scrollWidth, e.clientWidth]; }")
    left, right, top, bottom, scroll, client = box
    assert 0 <= left and right <= 1150 and 0 <= top and bottom <= 900 and scroll <= client
    text = narrow.inner_text("#legend-text")
    assert "blue: grad < 0" in text and "red: grad > 0" in text
    assert narrow.locator("#graph #legend").count() == 0    # not twice, not cut off


def test_forward_edges_are_not_the_legends_blue(narrow):
    narrow.keyboard.press("Home")
    for _ in range(3):
        narrow.keyboard.press("ArrowRight")
    assert "Forward" in narrow.inner_text("#caption")
    strokes = narrow.eval_on_selector_all(
        "#graph .mg-edge-in > path", "ps => ps.map(p => getComputedStyle(p).stroke)")
    assert strokes
    blues = {"rgb(26, 95, 180)", "rgb(20, 48, 110)", "rgb(16, 42, 92)"}
    assert not blues & set(strokes), strokes
    hint = narrow.inner_text(".mg-hint")
    assert "black: the operands it reads" in hint and "blue" not in hint


def test_edge_shares_parenthesise_a_negative_factor():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = a * b
    e.label = "e"
    out = e * Value(-2.0, label="f") + a
    out.label = "out"
    out.backward()
    shares = [v["s"] for v in step_through(out).views() if v["s"]]
    assert "grad 6 = \u22122 \u00d7 (\u22123)" in shares, shares
    for s in shares:
        assert not re.search("[\u00d7+] \u2212", s) and "\u2212\u2212" not in s, s
