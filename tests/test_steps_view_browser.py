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


def stale_graph() -> Value:
    """backward() twice without zero_grad(): draw_graph marks the stale nodes with an
    orange border, which the player keeps (its numbers are one fresh pass)."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = a * b
    e.label = "e"
    L = e + a
    L.label = "L"
    L.backward()
    L.backward()
    return L


OUTLINE = """g => { const s = [...g.children].find(c => ['path', 'polygon', 'ellipse']
  .includes(c.tagName)); const cs = getComputedStyle(s);
  const halo = g.querySelector(':scope > .mg-halo');
  const hs = halo ? getComputedStyle(halo.firstElementChild) : null;
  return {stroke: cs.stroke, width: parseFloat(cs.strokeWidth), dash: cs.strokeDasharray,
          halo: halo !== null && getComputedStyle(halo).display !== 'none'
                ? {stroke: hs.stroke, width: parseFloat(hs.strokeWidth)} : null}; }"""


def rgb(css: str) -> tuple[int, int, int]:
    r, g, b = (int(x) for x in css[css.index("(") + 1:css.index(")")].split(",")[:3])
    return r, g, b


def grey(c: tuple[int, int, int]) -> float:
    """The luma a greyscale print gives a colour (ITU-R BT.601)."""
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def test_this_step_is_told_apart_from_a_stale_node_in_colour_and_in_grey(tmp_path,
                                                                           browser_page):
    page = browser_page
    steps = step_through(stale_graph())
    page.goto(steps.save(tmp_path / "stale.html").as_uri())
    stale_colour = "rgb(232, 89, 12)"                    # the theme's stale border, #e8590c
    stale = page.eval_on_selector_all(
        "#graph .mg-value", f"gs => gs.filter(g => ({OUTLINE})(g).stroke === "
        f"'{stale_colour}').map(g => g.dataset.node)")
    assert stale, "the stale nodes are marked"
    page.keyboard.press("End")
    k = next(s.index for s in steps if s.kind == "edge" and str(s.node) not in stale)
    page.evaluate(f"window.mgSteps.go({k})")
    current = page.eval_on_selector("#graph .mg-value.mg-current", OUTLINE)
    marked = page.eval_on_selector(f"#graph [data-node='{stale[0]}']", OUTLINE)
    assert marked["stroke"] == stale_colour and marked["halo"] is None
    a, b = rgb(current["stroke"]), rgb(marked["stroke"])
    assert sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5 > 150, (a, b)   # in colour
    # in greyscale: this step has a halo (a second, wider outline of another grey) and a
    # stroke of another width; a marked node has neither
    assert current["halo"] is not None
    assert current["halo"]["width"] >= 2 * current["width"]
    assert abs(grey(rgb(current["halo"]["stroke"])) - grey(a)) > 60
    assert abs(current["width"] - marked["width"]) >= 1
    edge = page.eval_on_selector("#graph .mg-edge-current", OUTLINE)
    assert edge["halo"] is not None and rgb(edge["stroke"]) == a
    # the page's words say which colour is which, in that colour
    key = page.eval_on_selector(".mg-hint .mg-step-key", "e => [e.textContent,"
                                " getComputedStyle(e).color]")
    assert key[0].lower() == "teal" and rgb(key[1]) == a
    legend = page.inner_text("#legend-text")
    assert "orange border" in legend and "orange" not in page.inner_text(".mg-hint").lower()


def test_this_steps_colour_is_no_other_colour_of_the_picture(tmp_path, browser_page):
    """Not the green of parameter boxes, the red and blue of grads, the orange of a stale
    border nor the purple of a path: every other stroke and fill is far from it."""
    from micrograd_ed.nn import MLP

    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    a = model([Value(1.0, label="x[0]"), Value(0.0, label="x[1]")])
    L = -a.log()
    L.label = "L"
    L.backward()
    L.backward()                                          # stale: orange borders too
    steps = step_through(L)
    page = browser_page
    page.goto(steps.save(tmp_path / "xor.html").as_uri())
    page.evaluate("window.mgSteps.showPaths(0)")          # the paths' purple
    k = next(s.index for s in steps if s.kind == "edge")
    page.evaluate(f"window.mgSteps.go({k})")
    current = rgb(page.eval_on_selector("#graph .mg-value.mg-current", OUTLINE)["stroke"])
    colours = page.evaluate("""() => {
      const out = new Set();
      for (const el of document.querySelectorAll('#graph *')) {
        if (el.closest('.mg-current, .mg-edge-current, .mg-halo')) continue;
        const cs = getComputedStyle(el);
        for (const c of [cs.stroke, cs.fill]) if (c.startsWith('rgb')) out.add(c);
      }
      return [...out]; }""")
    near = [c for c in colours if hue_apart(rgb(c), current) < 25]
    assert len(colours) > 5 and near == [], (current, near)


def hue_apart(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """Degrees of hue between two colours; 360 when either is a grey (told apart by
    having no colour at all)."""
    import colorsys

    ha, sa, _ = colorsys.rgb_to_hsv(*(x / 255 for x in a))
    hb, sb, _ = colorsys.rgb_to_hsv(*(x / 255 for x in b))
    if sa < 0.25 or sb < 0.25:
        return 360.0
    d = abs(ha - hb) * 360
    return min(d, 360 - d)
