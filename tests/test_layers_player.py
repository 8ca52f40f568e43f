"""step_through_layers: the steps of backprop in matrix form, in order, with their equations and
numbers; the player page in Chromium shows and hides the matrices step by step."""

from __future__ import annotations

import numpy as np
import pytest

from micrograd_ed.nn import MLP
from micrograd_ed.viz.layers import step_through_layers


def xor_steps():
    net = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=10)
    return step_through_layers(net, [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0],
                               loss="bce")


def test_the_steps_follow_the_lecture():
    steps = xor_steps()
    assert [s.title for s in steps] == [
        "The inputs and the parameters", "Forward, layer 0", "Forward, layer 1", "The cost",
        "Backward: the output layer's δ (BP1)", "Gradients of layer 1 (BP3, BP4)",
        "Backward: δ of layer 0 (BP2)", "Gradients of layer 0 (BP3, BP4)"]
    assert [s.focus for s in steps][1:] == [
        ["z0", "a0", "arrow0"], ["z1", "a1", "arrow1"], ["cost", "arrow2", "gradC"],
        ["d1", "arrow3"], ["dW1", "db1"], ["d0", "arrow4"], ["dW0", "db0"]]
    assert set(steps[-1].shown) == set(steps.groups())
    for before, after in zip(steps, steps[1:]):              # nothing disappears
        assert set(before.shown) < set(after.shown)


def test_captions_hold_the_equations_with_numbers():
    steps = xor_steps()
    assert steps[4].lines[:3] == ["δ¹ = ∂C/∂a¹ * σ'(z¹)    (BP1)", "   = [0.723] * [0.226]",
                                  "   = [0.164]"]
    assert ("∂C/∂W¹[0, 0] = δ¹[:, 0] · a⁰[:, 0] = [0.164, -0.0931, -0.0838, 0.16] · "
            "[0.5, 0.465, 0.536, 0.5] = 0.07344") in steps[5].lines
    assert steps[3].lines[1] == "C = 0.7382"
    assert steps[1].lines[-1] == "(the numbers: the first sample of the batch)"


def test_a_big_net_steps_with_shapes():
    net = MLP(784, [16, 16, 10], activation="tanh", output_activation="linear", seed=0,
              init="xavier")
    rng = np.random.default_rng(0)
    steps = step_through_layers(net, rng.uniform(0, 1, (8, 784)), rng.integers(0, 10, 8),
                                loss="cross_entropy")
    assert len(steps) == 1 + 3 + 1 + 2 + 2 * 2
    assert "(8 × 16) = (8 × 10) (10 × 16) * (8 × 16)" in steps[7].lines
    assert "(16 × 784) = (16 × 8) (8 × 784)" in steps[-1].lines


def test_save_writes_a_self_contained_page(tmp_path):
    steps = xor_steps()
    path = steps.save(tmp_path / "layers.html")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in text
    assert "http://" not in text.split("<svg", 1)[0] and 'src="http' not in text
    with pytest.raises(ValueError, match="saves an HTML page"):
        steps.save(tmp_path / "layers.svg")
    bundle = steps._repr_mimebundle_()
    assert "text/html" in bundle and "image/svg+xml" in bundle


def test_the_player_in_chromium(browser_page, tmp_path):
    path = xor_steps().save(tmp_path / "layers.html")
    page = browser_page
    page.goto(path.as_uri())

    def hidden(group: str) -> list[bool]:
        return page.eval_on_selector_all(
            f".grp_{group}", "els => els.map(e => e.classList.contains('mg-hidden'))")

    assert page.inner_text("#step-title") == "The inputs and the parameters"
    assert page.inner_text("#counter") == "1 / 8"
    assert hidden("z0") and all(hidden("z0")) and not any(hidden("W0"))
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#step-title") == "Forward, layer 0"
    assert not any(hidden("z0")) and all(hidden("d0"))
    focus = page.eval_on_selector_all(".grp_z0", "els => els.every(e => "
                                                "e.classList.contains('mg-focus'))")
    assert focus
    page.keyboard.press("End")
    assert page.inner_text("#counter") == "8 / 8"
    assert not any(hidden("d0")) and not any(hidden("dW0"))
    assert "∂C/∂W⁰[0, 0] = δ⁰[:, 0] · x[:, 0]" in page.inner_text("#caption")
    box = page.eval_on_selector("#layers-stage svg", "e => e.getBoundingClientRect().width")
    assert 1000 < box <= 1920


def test_available_from_micrograd_ed_viz():
    import micrograd_ed.viz as viz

    assert viz.step_through_layers is step_through_layers
