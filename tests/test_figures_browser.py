"""The gallery as a person sees it in Chromium: no line through text, labels apart, slide text
large enough, and a legend that stays small.

Every figure of diagrams/ (notebook theme) and diagrams/slides/ (slide theme) is put inline in
a 1920x1080 page. Every text box is measured with getBoundingClientRect and every edge path,
arrowhead and cluster border sampled every pixel with getPointAtLength (tests/figure_metrics.js).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from figure_metrics import measure

DIAGRAMS = Path(__file__).resolve().parent.parent / "diagrams"
GALLERY = sorted(DIAGRAMS.glob("*.svg")) + sorted((DIAGRAMS / "slides").glob("*.svg"))
SLIDES = sorted((DIAGRAMS / "slides").glob("*.svg"))
# graphs of more than 15 values, for which a slide cannot hold 14 px text (the issue's bound)
MANY_VALUES = {"xor_graph"}
SLIDE_TEXT_PX = 14.0


def name(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def test_the_gallery_is_complete():
    assert {p.stem for p in SLIDES} == {p.stem for p in DIAGRAMS.glob("*.svg")}
    assert len(SLIDES) >= 8


@pytest.mark.parametrize("svg", GALLERY, ids=name)
def test_no_line_through_text_and_labels_apart(browser_page, svg):
    m = measure(browser_page, svg.read_text(encoding="utf-8"))
    assert m["texts"] > 5 and m["lines"] > 3                     # it measured something
    hits = sorted({(c["line"], c["owner"], c["text"]) for c in m["collisions"]})
    assert hits == [], f"{len(hits)} lines through text, e.g. {hits[:3]}"
    assert m["close"] == [], f"labels closer than 2 px: {m['close'][:3]}"
    assert m["overShapes"] == [], f"edges over circles/ellipses: {m['overShapes'][:3]}"


@pytest.mark.parametrize("svg", SLIDES, ids=name)
def test_slide_text_is_large_enough(browser_page, svg):
    m = measure(browser_page, svg.read_text(encoding="utf-8"), fit=True)
    if svg.stem in MANY_VALUES:
        pytest.skip(f"{svg.stem} has more than 15 values")
    assert m["smallest"] >= SLIDE_TEXT_PX, (
        f"smallest text {m['smallest']:.1f} px ({m['smallestText']!r}) on a 1920x1080 slide")


@pytest.mark.parametrize("svg", GALLERY, ids=name)
def test_the_legend_is_at_most_a_fifth_of_the_figure(browser_page, svg):
    m = measure(browser_page, svg.read_text(encoding="utf-8"))
    assert m["legend"] is not None, "no legend"
    assert m["legend"]["area"] <= 0.2, m["legend"]


def _examples(theme: str, rankdir: str):
    """A few pictures drawn on the spot in any theme and direction."""
    from micrograd_ed.engine import Value
    from micrograd_ed.nn import MLP
    from micrograd_ed.teach.worked_example import chain_rule_example
    from micrograd_ed.viz import draw_graph, draw_network

    L = chain_rule_example()
    L.backward()
    x = Value(3.0, label="x")
    y = x * x + 3 * x
    y.backward()
    model = MLP(3, [4, 2], seed=0)
    out = model([1.0, -2.0, 0.5])
    loss = out[0] * out[1]
    loss.backward()
    return {"chain": draw_graph(L, theme=theme, rankdir=rankdir),
            "reuse": draw_graph(y, theme=theme, rankdir=rankdir),
            "collapsed": draw_graph(loss, collapse=True, theme=theme, rankdir=rankdir),
            "neuron-boxes": draw_graph(loss, group_by="neuron", theme=theme, rankdir=rankdir),
            "collapsed-layer-boxes": draw_graph(loss, collapse=True, group_by="layer",
                                                theme=theme, rankdir=rankdir),
            "network": draw_network(model, [1.0, -2.0, 0.5], theme=theme, rankdir=rankdir)}


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("theme", ["notebook", "slide", "print"])
def test_every_theme_and_direction_is_collision_free(browser_page, theme, rankdir):
    for what, diagram in _examples(theme, rankdir).items():
        m = measure(browser_page, diagram.svg())
        hits = sorted({(c["line"], c["owner"], c["text"]) for c in m["collisions"]})
        assert hits == [], (what, hits[:3])
        assert m["close"] == [], (what, m["close"][:3])
        assert m["overShapes"] == [], (what, m["overShapes"][:3])


def _issue_figures(theme: str) -> dict:
    """Issue 23's figures: a value used four times, and the demo's 2-2-1 XOR graph (plain
    and boxed by neuron)."""
    from micrograd_ed.engine import Value
    from micrograd_ed.nn import MLP
    from micrograd_ed.viz import draw_graph

    a, c = Value(0.5, label="a"), Value(3.0, label="c")
    y = a * a + (a * c).exp() + a / (c - 2) - a.sigmoid()
    y.label = "y"
    y.backward()
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    L = -model([Value(1.0, label="x[0]"), Value(0.0, label="x[1]")]).log()
    L.label = "L"
    L.backward()
    return {"four-uses": draw_graph(y, theme=theme),
            "xor-2-2-1": draw_graph(L, theme=theme, params=model.parameters()),
            "xor-2-2-1-neurons": draw_graph(L, theme=theme, group_by="neuron",
                                            params=model.parameters())}


def test_issue_figures_in_the_notebook_theme_are_collision_free(browser_page):
    for what, diagram in _issue_figures("notebook").items():
        m = measure(browser_page, diagram.svg())
        hits = sorted({(c["line"], c["owner"], c["text"]) for c in m["collisions"]})
        assert hits == [] and m["close"] == [], (what, hits[:3], m["close"][:3])


# Issue 23: the four-uses slide had the edge a -> / through the label of c -> * (each edge
# label is now a box on its own line, which Graphviz routes other lines around).
def test_the_four_uses_slide_has_no_line_through_text(browser_page):
    m = measure(browser_page, _issue_figures("slide")["four-uses"].svg())
    hits = sorted({(c["line"], c["owner"], c["text"]) for c in m["collisions"]})
    assert hits == [], hits[:3]


# Issue 23, measured at 1920x1080: the 2-2-1 graph's slide text was 12.8 px (11.0 px boxed by
# neuron); label boxes on the lines, a tighter top-to-bottom rank gap and the legend beside the
# output bring the plain graph to 14.1 px. Boxed by neuron it was 11.8 px, the inputs top right
# with their lines through neuron 1's box: each input is now drawn again inside each neuron's
# box (its grad box beside the legend) and the boxes' spacing is tighter: 14.0 px.
@pytest.mark.parametrize("what", ["xor-2-2-1", "xor-2-2-1-neurons"])
def test_the_2_2_1_graph_on_a_slide_has_14_px_text(browser_page, what):
    m = measure(browser_page, _issue_figures("slide")[what].svg(), fit=True)
    assert m["smallest"] >= SLIDE_TEXT_PX, (m["smallest"], m["smallestText"])


def _nb04_neuron_graph():
    """nb04's sigmoid neuron with cross-entropy loss (the figure its cell 28 draws)."""
    from micrograd_ed.engine import Value
    from micrograd_ed.viz import draw_graph

    x1, xp = Value(0.5, label="x1"), Value(0.6, label="xp")
    w1, wp, b = Value(0.3, label="w1"), Value(-0.2, label="wp"), Value(0.074, label="b")
    z = w1 * x1 + wp * xp + b
    a = z.sigmoid()
    L = -a.log()
    L.backward()
    return draw_graph(L, params=[w1, wp, b])


# Issue 23, nb04: Graphviz put the labels of two edges into one op one above the other, and
# x1's label ended up 5 px under w1's line and 34 px from its own (the same in the gallery's
# chain_rule, sum_rule, sigmoid_neuron, tanh_neuron). Each label is now a box on its own line.
def test_every_edge_label_is_nearest_its_own_line(browser_page):
    from figure_metrics import labels_nearer_another_edge

    wrong = labels_nearer_another_edge(browser_page, _nb04_neuron_graph().svg())
    assert wrong == [], wrong[:3]



# Issue 23: in slides/xor_graph (boxed by neuron) the line out of the label box of
# x[1] -> neuron 0's dot passed 0.5 px from the label box of x[0] -> the same dot.
@pytest.mark.parametrize("svg", [p for p in GALLERY if "network" not in p.stem], ids=name)
def test_every_gallery_edge_label_is_nearest_its_own_line(browser_page, svg):
    from figure_metrics import labels_nearer_another_edge

    wrong = labels_nearer_another_edge(browser_page, svg.read_text(encoding="utf-8"))
    assert wrong == [], wrong[:3]
