"""The training player read at 1920x1080 (issue 23, "Training player"): the network panel's
text of a 2-16-16-1 net large enough to read, no "test hollow" without test points, and the
page saying why the caption's loss and the curve's (the CLI's) differ."""

from __future__ import annotations

import re

import pytest

from micrograd_ed.data import make_moons, truth_table
from micrograd_ed.nn import MLP
from micrograd_ed.optim import SGD
from micrograd_ed.train import fit
from micrograd_ed.viz import draw_training

NETWORK_TEXT_PX = 11.0


def _headers(page: str) -> list[str]:
    return re.findall(r"<h2>(.*?)</h2>", page, re.S)


def xor_page() -> str:
    X, y = truth_table("xor")
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    h = fit(model, X, y, loss="bce", optimizer=SGD(model.parameters(), lr=2.0), epochs=20,
            progress=False, record=10)
    return draw_training(h).html()


@pytest.fixture(scope="module")
def moons_page(tmp_path_factory):
    X, y = make_moons(80, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], activation="tanh", output_activation="sigmoid", seed=0)
    h = fit(model, X[:60], y[:60], loss="bce", optimizer=SGD(model.parameters(), lr=0.5),
            epochs=4, batch_size=20, progress=False, record=2,
            validation=(X[60:], y[60:]))
    path = tmp_path_factory.mktemp("moons") / "moons.html"
    draw_training(h).save(path)
    return path


def test_no_hollow_test_points_without_a_test_set():
    heads = " ".join(_headers(xor_page()))
    assert "hollow" not in heads and "test" not in heads
    assert "decision boundary" in heads


def test_a_held_out_set_is_named_hollow(moons_page):
    heads = " ".join(_headers(moons_page.read_text(encoding="utf-8")))
    assert re.search(r"\(train filled, \w+ hollow\)", heads), heads


def test_the_page_says_which_loss_is_which():
    page = xor_page()
    assert "the weights at the end of the epoch" in page
    assert "mean of the epoch" in page and "micrograd-ed train" in page


def test_the_network_text_of_a_16_neuron_net_is_readable(browser_page, moons_page):
    browser_page.goto(moons_page.as_uri())
    browser_page.wait_for_selector("#network svg text")
    sizes = browser_page.eval_on_selector_all(
        "#network svg text", "ts => ts.filter(t => t.textContent.trim()).map(t =>"
        " [parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a, t.textContent])")
    assert len(sizes) > 10
    smallest = min(sizes)                         # the font size as drawn, px
    assert smallest[0] >= NETWORK_TEXT_PX, smallest
    box = browser_page.eval_on_selector("#network", "n => n.getBoundingClientRect().toJSON()")
    assert box["right"] <= 1920 and box["bottom"] <= 1080
