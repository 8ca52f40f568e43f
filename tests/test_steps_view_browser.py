"""The step player's view and highlights in headless Chromium (issue 23, "Step player"):
"fit" shows the whole graph whatever the view was doing, and "this step" is told apart from
a marked (stale) node in colour and in greyscale."""

from __future__ import annotations

import pytest
from browser import WatchedPage

from micrograd_ed.engine import Value
from micrograd_ed.viz import step_through

# every drawn box, op and edge of the graph inside the stage (0.5 px of rounding)
INSIDE = """() => {
  const s = document.getElementById('stage').getBoundingClientRect();
  const out = [];
  for (const el of document.querySelectorAll('#graph .node, #graph .edge')) {
    const b = el.getBoundingClientRect();
    if (b.width === 0 && b.height === 0) continue;
    if (b.left < s.left - 0.5 || b.right > s.right + 0.5 || b.top < s.top - 0.5 ||
        b.bottom > s.bottom + 0.5) out.push(el.id || el.getAttribute('data-node'));
  }
  return out;
}"""


def readme_graph() -> Value:
    """The README's 'draw your own engine' expression, in micrograd_ed: too wide to read
    whole at 1150 px, so the view follows each step."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0), Value(-2.0)
    L = (a * b + c) * f + a * a
    L.backward()
    return L


@pytest.fixture(params=[(1920, 1080), (1150, 800)], ids=["1920", "1150"])
def page(request, chromium_browser, tmp_path):
    watched = WatchedPage(chromium_browser, {"width": request.param[0],
                                             "height": request.param[1]})
    yield watched.page, tmp_path
    watched.assert_clean()
    watched.close()


def test_fit_shows_the_whole_graph_while_the_view_is_still_panning(page):
    """Step (the view starts its 260 ms pan to the step), untick "follow the step", press
    "fit": the pan must not carry on and take the view away from the whole graph."""
    page, tmp_path = page
    path = step_through(readme_graph()).save(tmp_path / "steps.html")
    page.goto(path.as_uri())
    assert page.evaluate(INSIDE) == []                    # step 1: the whole graph
    for k in (3, 7, 12):
        page.evaluate("""k => { window.mgSteps.go(k);
            const follow = document.getElementById('follow');
            if (follow.checked) follow.click();
            document.getElementById('zoom-fit').click(); }""", k)
        # wait out any pan (260 ms of animation frames), by frames, not by a fixed time
        page.evaluate("""() => new Promise(done => { const t0 = performance.now();
            const tick = t => (t - t0 > 500 ? done() : requestAnimationFrame(tick));
            requestAnimationFrame(tick); })""")
        assert not page.is_checked("#follow")
        assert page.evaluate(INSIDE) == [], f"step {k + 1}: not all of the graph in view"
        page.check("#follow")                             # follow again for the next round
        page.evaluate("() => new Promise(done => setTimeout(done, 400))")


def test_fit_after_zooming_and_unticking(page):
    page, tmp_path = page
    path = step_through(readme_graph()).save(tmp_path / "steps.html")
    page.goto(path.as_uri())
    page.keyboard.press("ArrowRight")
    for _ in range(3):
        page.click("#zoom-in")
    page.uncheck("#follow")
    assert page.evaluate(INSIDE) != []                    # zoomed in: some of it is out
    page.click("#zoom-fit")
    assert page.evaluate(INSIDE) == []
    page.keyboard.press("ArrowRight")                     # not following: the view stays
    assert page.evaluate(INSIDE) == []
