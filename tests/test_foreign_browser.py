"""A published engine's graph and player in headless Chromium at 1920x1080 (issue 26).

nanoautograd 0.1.2 (tests/engines) assigns its gradient in `**` (`=` for `+=`); its graph must
show the engine's own numbers, with the node where they stop adding up marked, and its
player must step through it. Set MICROGRAD_ED_SHOTS=<folder> to keep
the screenshots (graph.png, player.png) for looking at them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from engines import load

from micrograd_ed.viz import draw_graph, step_through
from micrograd_ed.viz.graph.draw import StaleGradientWarning


def lecture_graph():
    V = load("nanoautograd")
    a, b, c = V(0.5), V(-1.5), V(2.0)
    e = a * b
    x = e + c                       # 1.25
    L = x ** 2 + x ** 3             # x used by two ** ops: one share survives
    L.backwards()
    return L, {"a": a, "b": b, "c": c, "e": e, "x": x, "L": L}


def shots() -> Path | None:
    folder = os.environ.get("MICROGRAD_ED_SHOTS")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def test_published_engine_graph_in_chromium(browser_page, tmp_path):
    L, labels = lecture_graph()
    with pytest.warns(StaleGradientWarning):
        fig = draw_graph(L, labels=labels, theme="slide", backward="backwards",
                         parents="_parents", op="_operator")
    path = fig.save(tmp_path / "graph.svg")
    page = browser_page
    page.goto(path.as_uri())
    text = page.evaluate("document.documentElement.textContent")
    assert "(stale: the edges give 7.19)" in text            # 2x + 3x^2 = 2.5 + 4.69
    assert "its engine did not add them up" in text
    assert "NanoAutoGrad.engine.Item" in text
    # the marked node's box is on the screen, with its text inside it
    box = page.eval_on_selector("#v1, #v0", "e => { const r = e.getBoundingClientRect();"
                                " return [r.width, r.height]; }")
    assert box[0] > 0 and box[1] > 0
    if (out := shots()) is not None:        # fitted to the screen, as on a slide
        page.evaluate("() => { const s = document.documentElement; "
                      "s.setAttribute('width', '1920'); s.setAttribute('height', '1080'); }")
        page.screenshot(path=str(out / "graph.png"))


def test_published_engine_player_in_chromium(browser_page, tmp_path):
    L, labels = lecture_graph()
    steps = step_through(L, labels=labels, backward="backwards", parents="_parents",
                         op="_operator")
    path = steps.save(tmp_path / "player.html")
    page = browser_page
    page.goto(path.as_uri())
    first = page.inner_text("#caption")
    assert "NanoAutoGrad.engine.Item" in first and "own backward() left" in first
    assert "grad x = " in first
    k = next(k for k, s in enumerate(steps) if s.kind == "edge"
             and steps.names[s.node] == "x" and "Running sum" in s.caption)
    for _ in range(k):
        page.keyboard.press("ArrowRight")
    assert page.inner_text("#caption") == steps[k].caption
    assert "Running sum: grad x" in steps[k].caption
    if (out := shots()) is not None:
        page.screenshot(path=str(out / "player.png"))
    page.keyboard.press("End")
    assert "own backward() left" in page.inner_text("#caption")
