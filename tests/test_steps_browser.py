"""The step-through player in headless Chromium, as a person uses it: what each step shows,
the keys, the paths of a leaf, a hostile label, and the view following a deep graph."""

from __future__ import annotations

import pytest

from micrograd_ed import Value, topological_order
from micrograd_ed.teach.worked_example import chain_rule_example
from micrograd_ed.viz import step_through
from micrograd_ed.viz.steps.model import Numbers

HOSTILE = "</script><script>alert(1)</script>"
num = Numbers(4)


def graph():
    """The lecture's L with a reused (a, used twice) and a hostile label on b."""
    L = chain_rule_example()
    nodes = {v.label: v for v in topological_order(L)}
    nodes["b"].label = HOSTILE
    out = L + nodes["a"]
    out.label = "out"
    out.backward()
    return out, nodes


@pytest.fixture
def player(tmp_path, browser_page):
    out, nodes = graph()
    steps = step_through(out)
    path = steps.save(tmp_path / "player.html")
    browser_page.dialogs = []
    browser_page.on("dialog", lambda d: (browser_page.dialogs.append(d.message), d.dismiss()))
    browser_page.goto(path.as_uri())
    return browser_page, steps, out, nodes


def grad_texts(page) -> dict[str, str]:
    """label -> the grad text its box shows now."""
    return page.eval_on_selector_all(
        "[data-label]",
        "gs => Object.fromEntries(gs.map(g => [g.getAttribute('data-label'),"
        " g.querySelector('.mg-grad').textContent]))")


def test_home_shows_grad_unknown_everywhere(player):
    page, steps, _, _ = player
    page.keyboard.press("End")
    page.keyboard.press("Home")
    assert page.inner_text("#counter") == f"1 / {len(steps)}"
    texts = grad_texts(page)
    assert len(texts) == 8 and set(texts.values()) == {"grad ?"}
    assert "Forward pass" in page.inner_text("#caption")


def test_end_shows_every_engine_grad(player):
    page, steps, out, _ = player
    page.keyboard.press("End")
    assert page.inner_text("#counter") == f"{len(steps)} / {len(steps)}"
    texts = grad_texts(page)
    for v in topological_order(out):
        shown = texts[v.label]
        assert shown == f"grad {num(v.grad)}" or shown.startswith(f"grad {num(v.grad)} = ")
    assert texts["a"] == "grad 7 = 1 + 6"
    assert "Backward pass done" in page.inner_text("#caption")


def test_stepping_forward_never_loses_a_grad_and_arrow_left_undoes(player):
    page, steps, _, _ = player
    known: set[str] = set()
    previous = grad_texts(page)
    for k in range(1, len(steps)):
        page.keyboard.press("ArrowRight")
        assert page.inner_text("#counter") == f"{k + 1} / {len(steps)}"
        assert page.inner_text("#caption") == steps[k].caption
        texts = grad_texts(page)
        now = {label for label, t in texts.items() if t != "grad ?"}
        assert known <= now
        known = now
        page.keyboard.press("ArrowLeft")
        assert grad_texts(page) == previous            # one step back: exactly as before
        page.keyboard.press("ArrowRight")
        previous = texts
    assert len(known) == 8


def test_the_current_step_is_highlighted(player):
    page, steps, _, nodes = player
    k = next(s.index for s in steps if s.kind == "edge" and steps.names[s.node] == "a"
             and "Running sum" in s.caption)
    page.evaluate(f"window.mgSteps.go({k})")
    current = page.eval_on_selector_all(".mg-current[data-label]",
                                        "gs => gs.map(g => g.getAttribute('data-label'))")
    assert current == ["a"]
    edge = page.eval_on_selector_all(".mg-edge-current", "gs => gs.map(g => g.dataset.edge)")
    assert edge == ["{}_{}".format(*steps[k].edge)]
    assert page.text_content("[data-label='a'] .mg-grad") == "grad 7 = 1 + 6"
    assert "Running sum: grad a = 1 + 6 = 7" in page.inner_text("#caption")


def test_clicking_a_leaf_lists_its_paths(player):
    page, steps, _, nodes = player
    assert page.is_hidden("#paths")
    page.click("[data-label='a']")
    assert page.is_visible("#paths")
    items = page.eval_on_selector_all("#path-list li", "ls => ls.map(l => l.textContent)")
    assert sorted(items) == sorted([
        "a \u2192 e \u2192 d \u2192 L \u2192 out:  \u22123 \u00d7 1 \u00d7 (\u22122) \u00d7 1 = 6",
        "a \u2192 out:  1 = 1"])
    assert page.inner_text("#path-sum") == "Sum over the 2 paths: grad a = 6 + 1 = 7"
    highlighted = page.eval_on_selector_all(".mg-edge.mg-path", "gs => gs.length")
    assert highlighted == 5
    page.keyboard.press("Escape")
    assert page.is_hidden("#paths")
    assert page.eval_on_selector_all(".mg-path", "gs => gs.length") == 0


def test_the_hostile_label_stays_text(player):
    page, _, _, _ = player
    assert page.dialogs == []
    assert page.evaluate("document.querySelectorAll('script').length") == 2
    page.keyboard.press("End")
    label = page.evaluate(
        "[...document.querySelectorAll('[data-label]')].map(g => g.getAttribute('data-label'))"
        ".find(l => l.includes('alert'))")
    assert label == HOSTILE
    box = page.eval_on_selector_all(
        "[data-label]", "gs => gs.filter(g => g.getAttribute('data-label').includes('alert'))"
        ".map(g => g.textContent)")
    assert len(box) == 1 and HOSTILE in box[0]
    page.click("#first")
    page.keyboard.press("ArrowRight")
    assert HOSTILE in page.inner_text("#caption")         # shown as text, never run
    assert page.dialogs == []


def test_controls_are_there(player):
    page, steps, _, _ = player
    for sel in ("#first", "#prev", "#play", "#next", "#last", "#slider", "#speed"):
        assert page.is_visible(sel)
    page.click("#last")
    assert page.inner_text("#counter") == f"{len(steps)} / {len(steps)}"
    page.keyboard.press("Space")                          # at the end: plays from the start
    page.wait_for_function("() => window.mgSteps.index() >= 1", timeout=5000)
    page.keyboard.press("Space")
    assert not page.evaluate("window.mgSteps.playing()")


def test_paths_to_highlights_from_the_start(tmp_path, browser_page):
    out, nodes = graph()
    path = step_through(out, paths_to=nodes["c"]).save(tmp_path / "c.html")
    browser_page.goto(path.as_uri())
    assert browser_page.is_visible("#paths")
    assert browser_page.inner_text("#paths-head") == "Paths from c to out"


def test_the_view_follows_the_step_on_a_deep_graph(tmp_path, browser_page):
    """With reduced motion asked for (as the OS setting does), the view jumps to each step:
    what is measured right after the step is the final view, not a frame of the 260 ms pan."""
    x = Value(0.5, label="x")
    v = x
    for i in range(40):
        v = (v * 0.9 + 0.1).tanh() if i % 2 else v * 1.1
        v.label = f"v{i}"
    path = step_through(v).save(tmp_path / "deep.html")
    page = browser_page
    page.emulate_media(reduced_motion="reduce")
    page.goto(path.as_uri())
    stage = page.eval_on_selector("#stage", "s => s.getBoundingClientRect().toJSON()")
    for label in ("v3", "v20", "v39"):
        page.evaluate("label => { const d = JSON.parse(document.getElementById('mg-data')"
                      ".textContent); const j = d.names.indexOf(label);"
                      " window.mgSteps.go(d.steps.findIndex(s => s.op === j)); }", label)
        box = page.eval_on_selector(f"[data-label='{label}']",
                                    "g => g.getBoundingClientRect().toJSON()")
        assert stage["left"] <= box["left"] and box["right"] <= stage["right"], label
        assert stage["top"] <= box["top"] and box["bottom"] <= stage["bottom"], label
        height = page.eval_on_selector(f"[data-label='{label}'] .mg-data",
                                       "t => t.getBoundingClientRect().height")
        assert height >= 11                              # readable, not shrunk to fit


def test_the_first_step_of_a_big_graph_shows_all_of_it_then_the_view_follows(tmp_path,
                                                                             browser_page):
    """Step 1 ("the inputs are given") is about no one node: it shows the whole graph,
    not a readable crop of whatever lies in the middle; step 2 then zooms to its op."""
    from micrograd_ed.losses import mse
    from micrograd_ed.nn import MLP

    loss = mse([MLP(3, [4, 4, 1], seed=0)([1.0, -2.0, 0.5])], [1.0])
    path = step_through(loss, max_nodes=1000).save(tmp_path / "mlp.html")
    page = browser_page
    page.goto(path.as_uri())
    inside_all = ("() => { const s = document.getElementById('stage').getBoundingClientRect();"
                  " return [...document.querySelectorAll('[data-label]')].every(g => {"
                  " const b = g.getBoundingClientRect(); return s.left <= b.left + 0.5 &&"
                  " b.right <= s.right + 0.5 && s.top <= b.top + 0.5 &&"
                  " b.bottom <= s.bottom + 0.5; }); }")
    assert page.evaluate("document.querySelectorAll('[data-label]').length") > 40
    assert page.evaluate(inside_all)                     # every box in view at step 1
    page.keyboard.press("ArrowRight")
    current = ("() => { const g = document.querySelector('.mg-current'); if (!g) return false;"
               " const s = document.getElementById('stage').getBoundingClientRect();"
               " const b = g.getBoundingClientRect(); return s.left <= b.left &&"
               " b.right <= s.right && s.top <= b.top && b.bottom <= s.bottom; }")
    # the zoom is animated (260 ms): wait for where it ends, whatever the machine's speed,
    # never for a time; a zoom that never gets there times out and fails
    readable = ("() => { const t = document.querySelector('.mg-current .mg-data, .mg-current"
                " text'); return t !== null && t.getBoundingClientRect().height >= 11; }")
    page.wait_for_function(readable, timeout=5000)
    assert page.evaluate(current)                        # the step's op is in view
    assert not page.evaluate(inside_all)                 # zoomed in: not every box fits


def test_the_jupyter_output_plays_in_its_frame(tmp_path, browser_page):
    """The text/html of the mime bundle (an iframe with the whole page) works inside a
    notebook-like page, and its ids do not clash with a second player beside it."""
    out, _ = graph()
    bundle = step_through(out)._repr_mimebundle_()
    notebook = tmp_path / "notebook.html"
    notebook.write_text("<!DOCTYPE html><html><body><div id='counter'>not the player</div>"
                        + bundle["text/html"] + bundle["text/html"] + "</body></html>",
                        encoding="utf-8")
    browser_page.goto(notebook.as_uri())
    first = browser_page.frame_locator("iframe").first
    first.locator("#counter").wait_for()
    assert first.locator("#counter").inner_text() == "1 / 15"
    first.locator("#last").click()
    assert first.locator("#counter").inner_text() == "15 / 15"
    assert first.locator("[data-label='a'] .mg-grad").text_content() == "grad 7 = 1 + 6"
    second = browser_page.frame_locator("iframe").nth(1)
    assert second.locator("#counter").inner_text() == "1 / 15"
    assert browser_page.inner_text("#counter") == "not the player"


def test_a_leaf_root_is_a_one_step_player(tmp_path, browser_page):
    path = step_through(Value(3.0, label="a")).save(tmp_path / "leaf.html")
    browser_page.goto(path.as_uri())
    assert browser_page.inner_text("#counter") == "1 / 1"
    assert "is a leaf" in browser_page.inner_text("#caption")
    assert browser_page.text_content("[data-label='a'] .mg-grad") == "grad 1"
    browser_page.keyboard.press("ArrowRight")
    browser_page.keyboard.press("Space")
    assert browser_page.inner_text("#counter") == "1 / 1"
    assert not browser_page.evaluate("window.mgSteps.playing()")
