"""Wide graphs in a notebook (issue 23): readable without zooming. Jupyter gets a graph
fitted to the page only when its text stays at 10 px or more in a 1150 px output column
(JupyterLab at 1920 px); a wider one (nb06 cell 27: a grouped 2-2-1 graph 1454 pt
wide, whose labels were 5-6 px fitted) comes at full size and the output scrolls sideways."""

from __future__ import annotations

import re

from micrograd_ed import Value
from micrograd_ed.nn import MLP
from micrograd_ed.teach.worked_example import chain_rule_example
from micrograd_ed.viz import draw_graph

LEAST_PX = 10.0


def nb06_graph():
    net = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    x = [Value(1.0, label="x[0]"), Value(0.0, label="x[1]")]
    L = -net(x).log()
    L.label = "L"
    L.backward()
    return draw_graph(L, group_by="neuron", rankdir="TB", show_local_grads=False,
                      title="XOR network, one example x = (1, 0), y = 1: L = -log a")


def _bundle(diagram):
    out = diagram._repr_mimebundle_()
    return out if isinstance(out, tuple) else (out, {})


def _smallest_px(page, svg: str, column_px: int) -> float:
    body = re.sub(r"^.*?(?=<svg\b)", "", svg, count=1, flags=re.S)
    page.set_content("<!doctype html><html><body style='margin:0'><div id='out' style="
                     f"'width:{column_px}px;overflow-x:auto'>{body}</div></body></html>")
    return page.evaluate("() => Math.min(...[...document.querySelectorAll('svg text')]"
                         ".filter(t => t.textContent.trim()).map(t =>"
                         " parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))")


def test_a_wide_graph_is_shown_full_size_not_shrunk(browser_page):
    data, meta = _bundle(nb06_graph())
    svg = data["image/svg+xml"]
    assert meta.get("image/svg+xml", {}).get("unconfined") is True
    assert re.search(r'<svg width="[\d.]+pt"', svg)          # its own size, not 100%
    for column in (900, 1150):
        assert _smallest_px(browser_page, svg, column) >= LEAST_PX


def test_a_small_graph_still_fits_the_page(browser_page):
    L = chain_rule_example()
    L.backward()
    data, meta = _bundle(draw_graph(L))
    svg = data["image/svg+xml"]
    assert '<svg width="100%"' in svg and not meta
    assert _smallest_px(browser_page, svg, 1150) >= LEAST_PX
