"""What a person sees in a figure: edge lines through text, labels too close, text size.

:func:`measure` puts one SVG inline in a Playwright page and runs ``figure_metrics.js``:
every text box by getBoundingClientRect, every edge path, arrowhead and cluster border
sampled with getPointAtLength. ``fit=True`` fits the figure to the 1920x1080 page (a slide);
otherwise it is shown at its natural size (1 pt = 4/3 px).
"""

from __future__ import annotations

import re
from pathlib import Path

SCRIPT = (Path(__file__).with_name("figure_metrics.js")).read_text(encoding="utf-8")
OWNER_SCRIPT = (Path(__file__).with_name("figure_label_owner.js")).read_text(encoding="utf-8")
_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)


def page_html(svg: str, fit: bool) -> str:
    """A page holding ``svg`` inline: fitted to the viewport, or at its natural size."""
    body = _PROLOGUE.sub("", svg, count=1)
    style = ("html,body{margin:0;background:#fff} "
             + ("svg{display:block;width:100vw;height:100vh}" if fit else "svg{display:block}"))
    return f"<!doctype html><html><head><style>{style}</style></head><body>{body}</body></html>"


def measure(page, svg: str, fit: bool = False, min_gap: float = 2.0) -> dict:
    """Collisions, close labels and the smallest text (px) of ``svg`` shown in ``page``."""
    page.set_content(page_html(svg, fit))
    return page.evaluate(SCRIPT, {"minGap": min_gap, "step": 1.0, "pad": 0.0})


def labels_nearer_another_edge(page, svg: str) -> list:
    """Edge labels that sit nearer another edge's line than their own (a reader pairs them
    with the wrong edge: nb04's x1 label under w1's line): ``[edge id, text, px to its own
    line, the nearer edge's id, px to it]``, the figure shown at its natural size."""
    page.set_content(page_html(svg, fit=False))
    return page.evaluate(OWNER_SCRIPT)
