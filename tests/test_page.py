"""The shared page machinery: static files ship in the package, data is embedded safely,
and controls.js drives a render(k) callback with buttons, slider and keys."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest

from micrograd_ed.viz.core import page

HOSTILE = "</script><script>alert(1)</script><!-- \u2028 & >"


def test_static_files_ship_in_the_package():
    folder = resources.files("micrograd_ed.viz.static")
    names = {p.name for p in folder.iterdir()}
    assert {"controls.js", "controls.css", "page.css"} <= names
    assert "MGControls" in page.static_text("controls.js")


def test_static_files_are_package_data():
    tomllib = pytest.importorskip("tomllib")
    conf = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    data = conf["tool"]["setuptools"]["package-data"]["micrograd_ed.viz.static"]
    assert "*.js" in data and "*.css" in data


def test_missing_static_file_names_it():
    with pytest.raises(FileNotFoundError, match="nope.js.*controls.js"):
        page.static_text("nope.js")
    with pytest.raises(ValueError, match="plain file names"):
        page.static_text("../graph.py")


def test_script_json_cannot_close_the_element():
    text = page.script_json({"label": HOSTILE})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text
    assert json.loads(text) == {"label": HOSTILE}


def test_script_json_refuses_nan():
    with pytest.raises(ValueError):
        page.script_json({"x": float("nan")})


def test_page_escapes_title_and_data():
    doc = page.html_page(title=HOSTILE, body="<p id='x'>hi</p>", data={"label": HOSTILE})
    assert doc.count("<script") == 2          # the data and the inlined code, nothing else
    assert "alert(1)</script>" not in doc
    head = doc.split("</head>")[0]
    assert "&lt;/script&gt;" in head
    assert "Content-Security-Policy" in head
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", doc)


def test_write_page_is_atomic_file(tmp_path):
    doc = page.html_page(title="t", body="<p>b</p>")
    out = page.write_page(tmp_path / "p.html", doc)
    assert out.read_text(encoding="utf-8") == doc


def test_iframe_escapes_the_document():
    doc = page.html_page(title="t", body="<p>\"quoted\"</p>")
    frame = page.iframe(doc, height=300)
    assert frame.startswith("<iframe srcdoc=\"")
    assert '"quoted"' not in frame and "height:300px" in frame


BODY = '<p id="caption"></p><p id="shown"></p><div id="controls"></div>'
PLAYER_JS = "player_test.js"


@pytest.fixture
def controls_page(tmp_path, browser_page, monkeypatch):
    """A page whose render(k) writes the step and its datum into #shown."""
    script = ("var d = MGControls.data(); window.rendered = [];"
              "window.player = MGControls.create({count: d.n, interval: 50, render: function (k) {"
              " window.rendered.push(k); document.getElementById('shown').textContent ="
              " 'step ' + k + ' ' + d.words[k]; }});")
    real = page.static_text
    monkeypatch.setattr(page, "static_text",
                        lambda name: script if name == PLAYER_JS else real(name))
    doc = page.html_page(title="controls", body=BODY,
                         data={"n": 4, "words": ["a", HOSTILE, "c", "d"]},
                         scripts=["controls.js", PLAYER_JS])
    path = page.write_page(tmp_path / "c.html", doc)
    browser_page.dialogs = []
    browser_page.on("dialog", lambda d: (browser_page.dialogs.append(d.message), d.dismiss()))
    browser_page.goto(path.as_uri())
    return browser_page


def _shown(p):
    return p.inner_text("#shown"), p.inner_text("#counter")


def test_controls_buttons_and_keys(controls_page):
    p = controls_page
    assert _shown(p) == ("step 0 a", "1 / 4")
    p.click("#next")
    assert p.inner_text("#counter") == "2 / 4"
    assert p.text_content("#shown") == "step 1 " + HOSTILE       # text, not markup
    assert p.evaluate("document.querySelectorAll('script').length") == 2  # nothing injected
    assert p.dialogs == []                                         # no alert(1) ran
    p.keyboard.press("ArrowRight")
    assert p.inner_text("#counter") == "3 / 4"
    p.keyboard.press("ArrowLeft")
    assert p.inner_text("#counter") == "2 / 4"
    p.keyboard.press("End")
    assert _shown(p) == ("step 3 d", "4 / 4")
    p.keyboard.press("ArrowRight")             # stays at the end
    assert p.inner_text("#counter") == "4 / 4"
    p.keyboard.press("Home")
    assert _shown(p) == ("step 0 a", "1 / 4")
    p.click("#last")
    assert p.inner_text("#counter") == "4 / 4"
    p.click("#first")
    assert p.inner_text("#counter") == "1 / 4"
    p.click("#prev")                           # stays at the start
    assert p.inner_text("#counter") == "1 / 4"


def test_controls_slider(controls_page):
    p = controls_page
    p.eval_on_selector("#slider", "s => { s.value = '2'; s.dispatchEvent(new Event('input')); }")
    assert _shown(p) == ("step 2 c", "3 / 4")


def test_controls_play_runs_to_the_end_and_space_toggles(controls_page):
    p = controls_page
    p.keyboard.press("Space")
    p.wait_for_function("() => document.getElementById('counter').textContent === '4 / 4'",
                        timeout=5000)
    p.wait_for_function("() => !window.player.playing()", timeout=5000)
    assert p.evaluate("window.rendered") == [0, 1, 2, 3]
    p.select_option("#speed", "0.25")          # 200 ms a step: time to press Space again
    p.click("#play")                           # from the end: starts again at the first step
    assert p.evaluate("window.rendered[4]") == 0
    p.keyboard.press("Space")
    assert not p.evaluate("window.player.playing()")
    stopped = p.inner_text("#counter")
    p.wait_for_timeout(500)
    assert p.inner_text("#counter") == stopped  # paused: it stays


def test_controls_speed_menu(controls_page):
    p = controls_page
    options = p.eval_on_selector_all("#speed option", "os => os.map(o => o.textContent)")
    assert options == ["0.25\u00d7", "0.5\u00d7", "1\u00d7", "2\u00d7", "4\u00d7"]
    p.select_option("#speed", "4")
    p.click("#play")
    p.wait_for_function("() => document.getElementById('counter').textContent === '4 / 4'",
                        timeout=5000)
