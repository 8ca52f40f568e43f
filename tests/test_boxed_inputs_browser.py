"""Issue 23: boxed by neuron, the 2-2-1 XOR graph drew its inputs x[0], x[1] once, top right,
and their lines ran through neuron 1's box to reach neuron 0. An input that feeds several
neurons is now drawn again (dashed) inside each neuron's box; its own box, with its grad as the
sum of its edges, sits beside the legend. Measured in Chromium: no line crosses a box that
neither of its ends is in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from figure_metrics import page_html

HERE = Path(__file__).resolve().parent
SCRIPT = (HERE / "figure_box_crossings.js").read_text(encoding="utf-8")
DIAGRAMS = HERE.parent / "diagrams"


def _xor_2_2_1(theme: str, group_by: str | None = "neuron"):
    from micrograd_ed.engine import Value
    from micrograd_ed.nn import MLP
    from micrograd_ed.viz import draw_graph

    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    L = -model([Value(1.0, label="x[0]"), Value(0.0, label="x[1]")]).log()
    L.label = "L"
    L.backward()
    return draw_graph(L, theme=theme, group_by=group_by, params=model.parameters())


def crossings(page, svg: str) -> list:
    page.set_content(page_html(svg, fit=False))
    return page.evaluate(SCRIPT)


@pytest.mark.parametrize("theme", ["slide", "notebook"])
def test_no_line_crosses_a_neuron_box_it_does_not_belong_to(browser_page, theme):
    svg = _xor_2_2_1(theme).svg()
    assert svg.count('class="cluster"') == 3           # it measured the three neuron boxes
    assert crossings(browser_page, svg) == []


@pytest.mark.parametrize("folder", ["", "slides"])
def test_the_gallery_xor_graph_has_no_line_across_a_foreign_box(browser_page, folder):
    svg = (DIAGRAMS / folder / "xor_graph.svg").read_text(encoding="utf-8")
    assert crossings(browser_page, svg) == []


def test_each_neuron_box_holds_its_own_copy_of_each_input():
    src = _xor_2_2_1("slide").source
    # x[0] and x[1]: one box with the grad, one dashed copy in each of the two hidden neurons
    assert src.count('label="x[0] = 1\\ngrad ') == 1
    assert src.count('label="x[0]\\ndata 1", style="rounded,dashed,filled"') == 2
    assert src.count('label="x[1]\\ndata 0", style="rounded,dashed,filled"') == 2
    assert "dashed box: a value drawn again beside each use" in src


def test_without_boxes_the_inputs_are_drawn_once():
    src = _xor_2_2_1("slide", group_by=None).source
    assert 'label="x[0]\\ndata 1"' not in src and src.count('label="x[0] = 1\\ngrad ') == 1
