"""draw_layers: the network as matrices, with the numbers layer_backprop computed, the equations
beside the arrows, heatmaps with shapes for a big net, and the outputs every figure has."""

from __future__ import annotations

import re

import numpy as np
import pytest

from micrograd_ed.layers import layer_backprop
from micrograd_ed.nn import MLP
from micrograd_ed.viz import Diagram
from micrograd_ed.viz.core import backends
from micrograd_ed.viz.layers import draw_backprop, draw_layers

XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]]
XOR_Y = [0, 1, 1, 0]


def xor_net():
    return MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=10)


def digit_net():
    return MLP(784, [16, 16, 10], activation="tanh", output_activation="linear",
               init="xavier", seed=0)


def labels(source: str) -> list[str]:
    return re.findall(r'label="((?:[^"\\]|\\.)*)"', source)


def cell_labels(source: str, name: str) -> list[list[str]]:
    """The numbers written in grid `name`'s cells, row by row."""
    cells = re.findall(rf'\b{name}_(\d+)_(\d+) \[.*?label="([^"]*)"', source)
    rows: dict[int, list[str]] = {}
    for i, _, text in sorted(cells, key=lambda c: (int(c[0]), int(c[1]))):
        rows.setdefault(int(i), []).append(text)
    return [rows[i] for i in sorted(rows)]


def test_small_net_writes_every_number_of_layer_backprop():
    bp = layer_backprop(xor_net(), XOR_X, XOR_Y, "bce")
    src = draw_layers(xor_net(), XOR_X, XOR_Y, loss="bce").source
    assert cell_labels(src, "d0") == [["0.02562", "0.02646"], ["-0.01451", "-0.01383"],
                                      ["-0.01306", "-0.01348"], ["0.025", "0.02465"]]
    assert np.allclose([[float(t) for t in r] for r in cell_labels(src, "d0")], bp[0].delta,
                       rtol=1e-3)
    assert cell_labels(src, "dW1") == [["0.07344", "0.06618"]]
    assert cell_labels(src, "db1") == [["0.1462"]]
    assert cell_labels(src, "W0") == [["0.1428", "-0.1422"], ["0.1562", "-0.5878"]]
    assert len(cell_labels(src, "z1")) == 4                     # one row per sample


def test_equations_beside_the_arrows_carry_the_first_samples_numbers():
    src = draw_layers(xor_net(), XOR_X, XOR_Y, loss="bce").source
    text = "\n".join(labels(src))
    assert "δ¹ = ∂C/∂a¹ * σ'(z¹)    (BP1)\\l   = [0.723] * [0.226]\\l   = [0.164]" in text
    assert "δ⁰ = (δ¹ W¹) * σ'(z⁰)    (BP2)\\l   = [0.102, 0.106] * [0.25, 0.25]" in text
    assert "z¹ = a⁰ W¹ᵀ + b¹\\la¹ = σ(z¹)\\lz¹ = [0.5, 0.5] W¹ᵀ + [0]" in text
    assert "∂C/∂W⁰ = δ⁰ᵀ x  (2 × 2)" in text and "∂C/∂b¹ = Σ δ¹  (1)" in text
    assert "C = 0.7382" in text
    assert "MLP 2-2-1, binary_cross_entropy, batch of 4: C = 0.7382" in src


def test_the_digit_network_is_heatmaps_with_shapes():
    rng = np.random.default_rng(0)
    X, y = rng.uniform(0, 1, (32, 784)), rng.integers(0, 10, 32)
    d = draw_layers(digit_net(), X, y, loss="cross_entropy")
    src = d.source
    text = "\n".join(labels(src))
    for caption in ("W⁰  (16 × 784)", "W¹  (16 × 16)", "W²  (10 × 16)", "z⁰  (32 × 16)",
                    "δ²  (32 × 10)", "∂C/∂W⁰ = δ⁰ᵀ x  (16 × 784)", "X  (32 × 784)"):
        assert caption in text, caption
    assert "784 columns as 49 blocks of 16 (mean)" in text
    assert "first 16 of 32 rows" in text
    assert "(32 × 16) = (32 × 784) (784 × 16) + (16)" in text      # equations with shapes
    assert not cell_labels(src, "W0")[0][0]                        # no numbers in the cells
    assert len(cell_labels(src, "W0")) == 16 and len(cell_labels(src, "W0")[0]) == 49
    assert len(cell_labels(src, "z0")) == 16


def test_the_heatmap_blocks_are_column_means():
    from micrograd_ed.viz.layers.grid import make_grid

    m = np.arange(2 * 100, dtype=float).reshape(2, 100)
    g = make_grid("M", "M", m, numbers=False, precision=4, fontsize=9, max_columns=48)
    assert g.cells.shape == (2, 34)                     # blocks of 3: 33 full and one of 1
    assert g.cells[0, 0] == 1.0 and g.cells[1, 33] == 199.0
    assert g.note == "100 columns as 34 blocks of 3 (mean)" and g.shape == (2, 100)


def test_same_source_every_time_and_for_draw_backprop():
    a = draw_layers(xor_net(), XOR_X, XOR_Y, loss="bce").source
    b = draw_layers(xor_net(), XOR_X, XOR_Y, loss="bce").source
    c = draw_backprop(layer_backprop(xor_net(), XOR_X, XOR_Y, "bce")).source
    assert a == b == c


def test_themes_change_the_look_not_the_numbers():
    base = draw_layers(xor_net(), XOR_X, XOR_Y, loss="bce")
    slide = draw_layers(xor_net(), XOR_X, XOR_Y, loss="bce", theme="slide")
    printed = draw_layers(xor_net(), XOR_X, XOR_Y, loss="bce", theme="print")
    assert "fontsize=14" in base.source and "fontsize=22" in slide.source
    assert base.source != printed.source
    assert cell_labels(slide.source, "dW1") == [["0.0734", "0.0662"]]    # slide: 3 digits
    with pytest.raises(ValueError, match="unknown theme"):
        draw_layers(xor_net(), XOR_X, XOR_Y, loss="bce", theme="poster")
    with pytest.raises(ValueError, match="max_cells must be a positive int"):
        draw_layers(xor_net(), XOR_X, XOR_Y, loss="bce", max_cells=0)


def test_one_sample_and_every_loss_draw():
    net = MLP(3, [4, 4, 2], activation="relu", output_activation="linear", seed=2)
    for loss, y in (("mse", [0.5, -1.0]), ("hinge", [1.0, -1.0]), ("cross_entropy", 1),
                    ("bce_with_logits", [1.0, 0.0])):
        d = draw_layers(net, [0.3, -0.2, 1.0], y, loss=loss)
        assert f"MLP 3-4-4-2, {loss}, one sample" in d.source
        assert len(cell_labels(d.source, "z1")) == 1


def test_outputs_svg_png_pdf_and_jupyter(tmp_path):
    try:
        backends.choose("auto", "png")
    except backends.RendererNotFoundError:
        pytest.skip("no Graphviz renderer for PNG")
    d = draw_layers(xor_net(), XOR_X, XOR_Y, loss="bce")
    assert isinstance(d, Diagram)
    svg = d.svg()
    assert "0.07344" in svg and "font-family=\"Arimo" in svg
    assert d.save(tmp_path / "xor.png").read_bytes().startswith(b"\x89PNG")
    assert d.save(tmp_path / "xor.pdf").read_bytes().startswith(b"%PDF")
    bundle = d._repr_mimebundle_()      # (data, metadata) when shown at full size (wide)
    assert "image/svg+xml" in (bundle[0] if isinstance(bundle, tuple) else bundle)


def test_available_from_micrograd_ed_viz():
    import micrograd_ed.viz as viz

    assert viz.draw_layers is draw_layers


def test_committed_figures_are_current(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "diagrams" / "layers"
    done = subprocess.run([sys.executable, str(folder / "make_layers.py"), str(tmp_path),
                           "--dot-only"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for name in ("xor_layers", "xor_layers_slide"):
        assert (tmp_path / f"{name}.dot").read_bytes() == (folder / f"{name}.dot").read_bytes(), \
            f"diagrams/layers/{name}.dot is stale: run diagrams/layers/make_layers.py"
        assert (folder / f"{name}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_tooltips_link_an_entry_to_the_scalar_graph():
    src = draw_layers(MLP(3, [4, 4, 1], activation="tanh", output_activation="linear", seed=1),
                      np.ones((5, 3)), np.zeros(5)).source

    def tip(node: str) -> str:
        return re.search(node + r' \[.*?tooltip="([^"]*)"', src).group(1)

    assert tip("dW1_2_3").endswith(
        "the grad of w[1,2,3] in the scalar graph: Σ over the batch of δ[1,2]·a[0,3] (one "
        "share from each of the 5 samples, each through the edge from w[1,2,3] into neuron "
        "[1,2]'s dot node)")
    assert "the grad of node z[0,3] of sample 4: σ'(z[0,3]) times the sum of the 4 edges " \
           "from a[0,3] into the dot nodes of layer 1" in tip("d0_4_3")
    assert "the grad of b[2,0] in the scalar graph" in tip("db2_0_0")
    assert tip("W0_0_0").startswith("W⁰[0, 0] = ")
