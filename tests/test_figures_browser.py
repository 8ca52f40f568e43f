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
# graphs of more than 15 values, for which a slide cannot hold 14 px text (the bound)
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
