"""draw_network: neurons in columns, weights as edges, activations, gradients, big inputs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from micrograd_ed.engine import Value
from micrograd_ed.nn import MLP, Layer, Neuron
from micrograd_ed.viz import draw_network
from micrograd_ed.viz.core.dot import fmt

_EDGE = re.compile(r"^  (x\d+|h\d+_\d+) -> (h\d+_\d+) \[(.*)\];$", re.M)
_HALF = re.compile(r"^  (x\d+|h\d+_\d+) -> (w\d+_\d+_\d+) \[(.*)\];$", re.M)
_BOX = re.compile(r'^  (w\d+_\d+_\d+) \[id="\1", label="([^"]*)"', re.M)


def edges(source: str) -> dict[tuple[str, str], str]:
    """(tail, head) -> attribute text, for the weight edges (through its number's box)."""
    out = {(m[1], m[2]): m[3] for m in _EDGE.finditer(source)}
    for m in _HALF.finditer(source):
        head = re.search(rf"^  {m[2]} -> (h\d+_\d+) ", source, re.M)[1]
        out[(m[1], head)] = m[3] + f', number="{weight_numbers(source)[m[2]]}"'
    return out


def weight_numbers(source: str) -> dict[str, str]:
    """weight box name -> the number written in it."""
    return {m[1]: m[2] for m in _BOX.finditer(source)}


def label(source: str, name: str) -> str:
    m = re.search(rf'^  {name} \[(?:id="[^"]*", )?label="((?:[^"\\]|\\.)*)"', source, re.M)
    return m[1].replace("\\n", "\n")


def xor() -> MLP:
    return MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)


def test_columns_and_one_edge_per_weight():
    model = xor()
    src = draw_network(model).source
    e = edges(src)
    assert len(e) == 2 * 2 + 2 * 1
    n = model.layers[0].neurons[1]
    attrs = e[("x0", "h1_1")]
    w = n.w[0].data
    assert f'number="{fmt(w, 3)}"' in attrs
    largest = max(abs(p.data) for layer in model.layers for q in layer.neurons for p in q.w)
    weight = {("x" if c == 0 else f"h{c}_") + f"{i}" + f",h{c + 1}_{j}": w.data
              for c, layer in enumerate(model.layers)
              for j, neuron in enumerate(layer.neurons) for i, w in enumerate(neuron.w)}
    for (tail, head), a in e.items():
        width = float(re.search(r"penwidth=([\d.]+)", a)[1])
        w = weight[f"{tail},{head}"]
        assert width == pytest.approx(max(0.5, 4.8 * abs(w) / largest), rel=0.01, abs=0.01)
        rgb = re.search(r'color="#(\w\w)(\w\w)(\w\w)"', a)
        red, blue = int(rgb[1], 16), int(rgb[3], 16)
        assert (red > blue) if w > 0 else (blue > red)                 # colour by sign
    for layer, col in ((0, "input"), (1, "hidden 1"), (2, "output")):
        assert col in label(src, f"head{layer}")
    ET.fromstring(draw_network(model).svg())


def test_activations_come_from_a_forward_pass():
    model = xor()
    before = [(p.data, p.grad) for p in model.parameters()]
    src = draw_network(model, [1.0, 0.0]).source
    a = model([1.0, 0.0]).data
    assert f"a {fmt(a, 3)}" in label(src, "h2_0")
    assert label(src, "x0") == "x[0]\n1"
    assert [(p.data, p.grad) for p in model.parameters()] == before   # nothing changed
    with pytest.raises(ValueError, match="3 numbers but the model takes 2"):
        draw_network(model, [1.0, 0.0, 1.0])
    with pytest.raises(TypeError, match="list of 2 numbers"):
        draw_network(model, ["a", "b"])


def test_gradients_need_backward_then_show_dl_dw():
    model = xor()
    with pytest.raises(ValueError, match="backward"):
        draw_network(model, show="grads")
    x = [Value(1.0), Value(0.0)]
    L = -model(x).log()
    L.backward()
    src = draw_network(model, show="grads").source
    g = model.layers[1].neurons[0].w[1].grad
    assert f'number="{fmt(g, 3)}"' in edges(src)[("h1_1", "h2_0")]
    assert "dL/dw" in src
    with pytest.raises(ValueError, match="show"):
        draw_network(model, show="values")


def test_digit_network_shows_first_and_last_inputs_around_an_ellipsis():
    model = MLP(784, [16, 16, 10], seed=0)
    src = draw_network(model).source
    inputs = sorted(set(re.findall(r"^  (x\w+) \[", src, re.M)))
    assert inputs == ["x0", "x1", "x2", "x781", "x782", "x783", "xmore"]
    assert "778 more" in label(src, "xmore")
    assert len(edges(src)) == 6 * 16 + 16 * 16 + 16 * 10
    assert not weight_numbers(src)                     # too many edges to write each weight
    assert "numbers left out" in src
    assert src.count("xmore -> h1_") == 16             # the hidden inputs, dotted
    assert [label(src, f"h3_{j}").split("\n")[0] for j in (0, 9)] == ["0", "9"]


def test_a_layer_or_a_single_neuron_draws_too():
    assert len(edges(draw_network(Layer(3, 2, seed=0)).source)) == 6
    assert len(edges(draw_network(Neuron(4, "sigmoid")).source)) == 4
    with pytest.raises(TypeError, match="MLP, Layer or Neuron"):
        draw_network(object())


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("x", [None, [1.0, 0.0]], ids=["weights", "activations"])
def test_layers_are_evenly_spaced_and_wide_apart_for_many_lines(rankdir, x):
    """MLP(2,[16,16,1]) (the moons net): 32, 256 and 16 weights between its layers. Every
    gap between two layers is as wide as the others, and the 256 lines between the two
    layers of 16 get at least a quarter of a layer's length (not a sliver)."""
    import json

    from micrograd_ed.viz.core.backends import render

    layout = json.loads(render(draw_network(MLP(2, [16, 16, 1], seed=0), x,
                                            rankdir=rankdir).source, "json"))
    pos = {o["name"]: [float(v) for v in o["pos"].split(",")]
           for o in layout["objects"] if "pos" in o}
    k = 0 if rankdir == "LR" else 1                     # the axis across the layers
    centres = [pos[n][k] for n in ("x0", "h1_0", "h2_0", "h3_0")]
    gaps = [abs(b - a) for a, b in zip(centres, centres[1:])]
    assert max(gaps) <= 1.05 * min(gaps), gaps
    length = abs(pos["h1_15"][1 - k] - pos["h1_0"][1 - k])   # layer 1, neuron 0 to 15
    assert min(gaps) >= 0.25 * length, (gaps, length)
