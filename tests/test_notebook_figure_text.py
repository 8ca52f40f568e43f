"""What a notebook says about a figure matches the figure (issue 23, "Figures").

nb08 cell 21 said the corner pixels' edges "carry nothing" while draw_network drew them
in full colour and width: its edges show the weight w, not w·x. The sentence now says so.
"""

from __future__ import annotations

import json
from pathlib import Path

from micrograd_ed.nn import MLP
from micrograd_ed.viz import draw_network

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _markdown(name: str, index: int) -> str:
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    cell = nb["cells"][index]
    assert cell["cell_type"] == "markdown"
    return "".join(cell["source"])


def test_nb08_says_the_edges_show_w_not_w_times_x():
    text = _markdown("08_digits.ipynb", 21)
    assert "carry nothing" not in text
    assert "not $w \\cdot x$" in text and "shows its weight $w$" in text
    # and that is what the figure does: a zero input leaves its edges' weights drawn
    svg = draw_network(MLP(3, [2], seed=0), [0.0, 0.0, 0.0]).svg()
    assert "edges show weights w" in svg
