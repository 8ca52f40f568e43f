"""A published engine's graph and player in headless Chromium at 1920x1080 (issue 26).

QingZhou-YangHY/Micrograd's lecture engine (tests/engines/qingzhou_lecture.py) writes `=` for
`+=`; its graph must show the engine's own numbers, with the nodes where they stop adding
up marked, and its player must step through it. Set MICROGRAD_ED_SHOTS=<folder> to keep
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
    V = load("qingzhou_lecture")
    a, b, c = V(0.5), V(-1.5), V(2.0)
    e = a * b
    d = e + c
    L = d * e + b * b + a
    L.backward()
    return L, {"a": a, "b": b, "c": c, "e": e, "d": d, "L": L}


def shots() -> Path | None:
    folder = os.environ.get("MICROGRAD_ED_SHOTS")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def test_published_engine_graph_in_chromium(browser_page, tmp_path):
    L, labels = lecture_graph()
    with pytest.warns(StaleGradientWarning):
        fig = draw_graph(L, labels=labels, theme="slide")
    path = fig.save(tmp_path / "graph.svg")
    page = browser_page
    page.goto(path.as_uri())
    text = page.evaluate("document.documentElement.textContent")
    assert "stale: its edges add up to -3.38" in text           # b: b*b kept one share
    assert "its engine did not add them up" in text
    assert "qingzhou_lecture.Value" in text
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
    steps = step_through(L, labels=labels)
    path = steps.save(tmp_path / "player.html")
    page = browser_page
    page.goto(path.as_uri())
    first = page.inner_text("#caption")
    assert "qingzhou_lecture.Value" in first and "own backward() left" in first
    k = next(k for k, s in enumerate(steps) if s.kind == "edge"
             and steps.names[s.node] == "b" and "Running sum" in s.caption)
    for _ in range(k):
        page.keyboard.press("ArrowRight")
    assert page.inner_text("#caption") == steps[k].caption
    assert "Running sum: grad b" in steps[k].caption
    if (out := shots()) is not None:
        page.screenshot(path=str(out / "player.png"))
    page.keyboard.press("End")
    assert "own backward() left" in page.inner_text("#caption")
