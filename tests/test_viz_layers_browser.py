"""draw_layers as a person sees it in Chromium at 1920x1080: the 2-2-1, 3-4-4-1 and
784-16-16-10 pictures have no line through text and no labels closer than 2 px, and show the
equations and numbers as text."""

from __future__ import annotations

import numpy as np
import pytest
from figure_metrics import measure

from micrograd_ed.nn import MLP
from micrograd_ed.viz.layers import draw_layers


def _xor():
    net = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=10)
    return draw_layers(net, [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], loss="bce")


def _344(theme="notebook"):
    net = MLP(3, [4, 4, 1], activation="tanh", output_activation="linear", seed=1)
    rng = np.random.default_rng(0)
    return draw_layers(net, rng.normal(size=(5, 3)), rng.normal(size=5), loss="mse",
                       theme=theme)


def _digits():
    net = MLP(784, [16, 16, 10], activation="tanh", output_activation="linear",
              init="xavier", seed=0)
    rng = np.random.default_rng(0)
    return draw_layers(net, rng.uniform(0, 1, (8, 784)), rng.integers(0, 10, 8),
                       loss="cross_entropy")


FIGURES = {"2-2-1": _xor, "3-4-4-1": _344, "3-4-4-1 slide": lambda: _344("slide"),
           "784-16-16-10": _digits}


@pytest.mark.parametrize("name", list(FIGURES))
def test_no_line_through_text_and_labels_apart(browser_page, name):
    m = measure(browser_page, FIGURES[name]().svg())
    assert m["texts"] > 20 and m["lines"] >= 3
    hits = sorted({(c["line"], c["owner"], c["text"]) for c in m["collisions"]})
    assert hits == [], f"{len(hits)} lines through text, e.g. {hits[:3]}"
    assert m["close"] == [], f"labels closer than 2 px: {m['close'][:3]}"


def test_the_equations_and_numbers_are_text_a_person_reads(browser_page):
    browser_page.set_content(f"<!doctype html><body>{_xor().svg()}</body>")
    text = browser_page.inner_text("body")
    for words in ("δ¹ = ∂C/∂a¹ * σ'(z¹)", "= [0.723] * [0.226]", "∂C/∂W⁰ = δ⁰ᵀ x",
                  "0.07344", "C = 0.7382", "orange arrows: backward"):
        assert words in text, words
