"""draw_training: the training player page, its exports, and what a person sees in it."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

from micrograd_ed.data import truth_table
from micrograd_ed.nn import MLP
from micrograd_ed.optim import SGD, Adam
from micrograd_ed.train import History, fit
from micrograd_ed.training.recording import RecordingError
from micrograd_ed.viz import TrainingPlayer, draw_training
from micrograd_ed.viz.training.frames import pick_frames, svg_frames


def xor_history(epochs: int = 200, record: int = 20) -> History:
    X, y = truth_table("xor")
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    return fit(model, X, y, loss="bce", optimizer=SGD(model.parameters(), lr=2.0),
               epochs=epochs, progress=False, record=record)


@pytest.fixture(scope="module")
def xor_player() -> TrainingPlayer:
    return draw_training(xor_history(), grads=True)


@pytest.fixture(scope="module")
def xor_page(xor_player, tmp_path_factory):
    path = tmp_path_factory.mktemp("player") / "run.html"
    xor_player.save(path)
    return path


# ------------------------------------------------------------- the object
def test_player_frames_are_the_recorded_epochs(xor_player):
    assert xor_player.epochs == list(range(0, 201, 20))
    assert repr(xor_player) == "TrainingPlayer(11 frames, epochs 0..200)"


def test_the_page_is_one_self_contained_file(xor_page):
    text = xor_page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
    assert "url(http" not in text and "@import" not in text
    assert "Content-Security-Policy" in text
    assert text.count("data:image/png;base64,") == 11      # one panel image per frame


def test_the_network_frames_share_one_svg_and_change_only_values(xor_player):
    data_net = svg_frames([None, "<svg><g><text>1</text></g></svg>",
                           "<svg><g><text>2</text></g></svg>"])
    assert data_net["base"].startswith("<svg") and data_net["values"] == [None, ["1"], ["2"]]
    assert data_net["slots"] == [[2, "#text"]]
    different = svg_frames(["<svg><g/></svg>", "<svg><g/><g/></svg>"])
    assert list(different) == ["full"]


def test_pick_frames_keeps_first_and_last():
    assert pick_frames(5, 10) == [0, 1, 2, 3, 4]
    picked = pick_frames(1001, 120)
    assert picked[0] == 0 and picked[-1] == 1000 and len(picked) == 120
    with pytest.raises(ValueError, match="max_frames"):
        pick_frames(10, 1)


def test_max_frames_thins_a_long_recording():
    player = draw_training(xor_history(epochs=200, record=10), max_frames=5)
    assert player.epochs == [0, 50, 100, 150, 200]


def test_gif_is_a_few_seconds_and_its_frames_change(xor_player, tmp_path):
    from PIL import Image

    path = xor_player.save(tmp_path / "run.gif")
    with Image.open(path) as gif:
        assert gif.n_frames == 11
        durations, frames = [], []
        for i in range(gif.n_frames):
            gif.seek(i)
            durations.append(gif.info["duration"])
            frames.append(np.asarray(gif.convert("RGB")))
    assert 1.0 <= sum(durations) / 1000 <= 10.0
    assert not np.array_equal(frames[0], frames[-1])


def test_pdf_has_one_page_per_frame(xor_player, tmp_path):
    data = xor_player.save(tmp_path / "run.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == 11


def test_the_last_frame_as_png_and_svg(xor_player, tmp_path):
    assert xor_player.save(tmp_path / "last.png").read_bytes().startswith(b"\x89PNG")
    svg = xor_player.save(tmp_path / "last.svg").read_text()
    assert "<svg" in svg and "epoch 200" in svg


def test_the_same_run_gives_the_same_bytes(tmp_path):
    a = draw_training(xor_history(epochs=40, record=20)).save(tmp_path / "a.svg").read_bytes()
    b = draw_training(xor_history(epochs=40, record=20)).save(tmp_path / "b.svg").read_bytes()
    assert a == b
    one = draw_training(xor_history(epochs=40, record=20)).html()
    assert one == draw_training(xor_history(epochs=40, record=20)).html()


def test_jupyter_gets_the_page_and_a_static_last_frame(xor_player):
    bundle = xor_player._repr_mimebundle_()
    assert bundle["text/html"].startswith("<iframe srcdoc=")
    assert bundle["image/png"].startswith(b"\x89PNG")
    assert bundle["text/plain"] == repr(xor_player)


def test_unknown_suffix_is_refused_and_nothing_is_written(xor_player, tmp_path):
    with pytest.raises(ValueError, match=r"unknown suffix '.mp4'.*\.html, \.gif, \.pdf"):
        xor_player.save(tmp_path / "run.mp4")
    assert list(tmp_path.iterdir()) == []


def test_a_history_without_a_recording_is_refused():
    with pytest.raises(RecordingError, match=r"fit\(\.\.\., record=N\).*--animate"):
        draw_training(xor_history(epochs=2, record=None))
    with pytest.raises(RecordingError, match="has no recording"):
        draw_training(object())


def test_more_than_two_inputs_show_the_first_layers_weights(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 16))
    y = (X[:, :8].sum(axis=1) > 0).astype(int) + (X[:, 8:].sum(axis=1) > 0)
    model = MLP(16, [16, 3], seed=0)
    history = fit(model, X, y, loss="cross_entropy", optimizer=Adam(model.parameters()),
                  epochs=4, progress=False, record=2)
    player = draw_training(history)
    text = player.html()
    assert "the first layer&#x27;s weights" in text or "first layer's weights" in text
    assert player.save(tmp_path / "w.gif").stat().st_size > 0
    three = MLP(3, [2, 1], seed=0)
    h3 = fit(three, X[:, :3], (y > 0).astype(float), epochs=2, progress=False, record=1)
    assert draw_training(h3).html().count("data:image/png;base64,") == 3


# ------------------------------------------------------------ in a browser
def open_page(page, path):
    page.goto(path.as_uri())
    page.wait_for_selector("#counter")


def wait_until(page, check, timeout_ms: int = 5000) -> None:
    """Poll from Python: the page's CSP forbids the eval that wait_for_function uses."""
    for _ in range(timeout_ms // 50):
        if check():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the page did not get there in time")


def test_browser_end_home_slider_keys_and_the_boundary_changes(browser_page, xor_page):
    page = browser_page
    open_page(page, xor_page)
    assert page.inner_text("#counter") == "1 / 11"
    first_caption = page.inner_text("#caption")
    assert first_caption.startswith("epoch 0, loss 0.69")
    first_image = page.get_attribute("#panel", "src")

    page.keyboard.press("End")
    assert page.inner_text("#counter") == "11 / 11"
    caption = page.inner_text("#caption")
    assert re.fullmatch(r"epoch 200, loss [\d.e-]+, accuracy \d+%", caption), caption
    assert page.get_attribute("#panel", "src") != first_image

    page.keyboard.press("Home")
    assert page.inner_text("#caption") == first_caption
    assert page.get_attribute("#panel", "src") == first_image

    page.keyboard.press("ArrowRight")
    assert page.inner_text("#caption").startswith("epoch 20,")
    page.keyboard.press("ArrowLeft")
    assert page.inner_text("#caption").startswith("epoch 0,")

    page.locator("#slider").fill("5")
    assert page.inner_text("#counter") == "6 / 11"
    assert page.inner_text("#caption").startswith("epoch 100,")


def test_browser_cursor_follows_the_epoch_and_the_network_changes(browser_page, xor_page):
    page = browser_page
    open_page(page, xor_page)

    def cursor_x() -> list[float]:
        return page.evaluate("Array.from(document.querySelectorAll('#curves .cursor'))"
                             ".map(c => c.getBoundingClientRect().left)")

    def widths() -> list[str]:
        return page.evaluate("Array.from(document.querySelectorAll('#network g.edge path'))"
                             ".map(p => p.getAttribute('stroke-width'))")

    def curves_box():
        return page.evaluate("(() => { const r = document.querySelector('#curves-svg svg')"
                             ".getBoundingClientRect(); return [r.left, r.right]; })()")

    start, start_widths = cursor_x(), widths()
    left, right = curves_box()
    assert len(start) == 2 and all(left <= x <= right for x in start)
    page.keyboard.press("End")
    end = cursor_x()
    assert all(e > s + 50 for s, e in zip(start, end))
    assert all(left <= x <= right for x in end)
    assert widths() != start_widths and len(widths()) == len(start_widths) >= 6
    network = page.evaluate("document.querySelector('#network svg')"
                            ".getBoundingClientRect().width")
    assert network > 400          # drawn at a readable size on a 1920 x 1080 slide


def test_browser_play_and_the_gradient_switch(browser_page, xor_page):
    page = browser_page
    open_page(page, xor_page)
    page.keyboard.press("Space")
    wait_until(page, lambda: page.inner_text("#counter") != "1 / 11")
    page.keyboard.press("Space")
    page.keyboard.press("Home")
    page.check("#show-grads")
    assert "no gradient yet" in page.inner_text("#network-note")
    page.keyboard.press("End")
    assert page.inner_text("#network-note") == ""
    assert "gradients dL/dw" in page.inner_text("#network")
    page.uncheck("#show-grads")
    assert "weights w" in page.inner_text("#network")


# ------------------------------------------------------------------ README
def test_readme_training_example_runs_and_prints_what_it_says(tmp_path, monkeypatch):
    import contextlib
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", readme, re.S)
                 if "draw_training" in b)
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README training example", "exec"), {})
    said = re.search(r"print\(history\.recording\)\s+#\s*(.+)", block).group(1).strip()
    assert out.getvalue().strip() == said
    assert (tmp_path / "xor.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "xor.gif").read_bytes().startswith(b"GIF8")
