"""draw_graph: every edge's value and gradient, labels, grouping, size limits, determinism."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from micrograd_ed.engine import Value, topological_order
from micrograd_ed.nn import MLP
from micrograd_ed.teach.worked_example import chain_rule_example
from micrograd_ed.viz import GraphTooLargeError, draw_graph
from micrograd_ed.viz.core.dot import fmt, quote

SVG = "{http://www.w3.org/2000/svg}"
_NODE = re.compile(r'^\s*(\w+) \[(?:id="[^"]*", )?label="((?:[^"\\]|\\.)*)"(.*)\];$', re.M)
_EDGE = re.compile(r'^\s*(\w+) -> (\w+) \[(?:id="[^"]*", )?label="((?:[^"\\]|\\.)*)"(.*)\];$',
                   re.M)


def unquote(s: str) -> str:
    """The text Graphviz draws for the inside of a quoted DOT label we wrote."""
    return re.sub(r'\\(.)', lambda m: "\n" if m[1] == "n" else m[1], s).replace("&amp;", "&")


def nodes_of(source: str) -> dict[str, str]:
    """DOT node name -> its label text (graph nodes only, not the legend)."""
    return {m[1]: unquote(m[2]) for m in _NODE.finditer(source) if not m[1].startswith("legend")}


def edges_of(source: str) -> list[tuple[str, str, str, str]]:
    """(tail, head, label text, other attributes) of every labelled edge (without the space
    that pads each line of an edge label, see micrograd_ed.viz.graph.dot.PAD)."""
    def text(label: str) -> str:
        return "\n".join(line.removeprefix(" ").removesuffix(" ")
                         for line in unquote(label).split("\n"))
    out = [(m[1], m[2], text(m[3]), m[4]) for m in _EDGE.finditer(source)]
    # in boxed and collapsed views a label is a node of its own, its edge runs through it
    boxes = dict(re.findall(r'^\s*(\w+_label) \[id="[^"]*", label="((?:[^"\\]|\\.)*)"',
                            source, re.M))
    for m in re.finditer(r"^\s*(\w+) -> (\w+_label) \[(.*)\];$", source, re.M):
        head = re.search(rf"^\s*{m[2]} -> (\w+) ", source, re.M)[1]
        out.append((m[1], head, text(boxes[m[2]]), m[3]))
    return out


def clusters_of(source: str) -> dict[str, list[str]]:
    """cluster name -> the DOT names listed in it."""
    out = {}
    for m in re.finditer(r"subgraph (cluster_\w+) \{\n(.*?)\n  \}", source, re.S):
        body = [ln.strip() for ln in m[2].splitlines() if not ln.strip().startswith("graph")]
        members = body[0].rstrip(";").split()     # then come the order-keeping edges
        out[m[1]] = [n for n in members if not n.endswith("_label")]   # minus edge labels
    return out


def chain() -> tuple[Value, dict[str, Value]]:
    """The lecture's L = (a*b + c) * f, not yet backpropagated, and its nodes by label."""
    L = chain_rule_example()
    return L, {v.label: v for v in topological_order(L)}


def snapshot(root: Value) -> list[tuple]:
    return [(v.data, v.grad, v.label, v.op, tuple(map(id, v.parents)), v.local_grads,
             v.const, v.scope) for v in topological_order(root)]


# ---------------------------------------------------------------- edges
def test_every_edge_carries_value_and_gradient():
    L, v = chain()
    L.backward()
    src = draw_graph(L).source
    nodes = nodes_of(src)
    edges = edges_of(src)
    n_edges = sum(len(n.parents) for n in topological_order(L))
    assert len(edges) == n_edges == 6
    for tail, head, label, _ in edges:
        assert head.endswith("_op") and tail in nodes
        assert re.search(r"^data \u2212?\d", label, re.M), label
        assert re.search(r"^grad \u2212?\d", label, re.M), label
    by_tail = {nodes[t].split("\n")[0]: lab for t, _, lab, _ in edges}
    assert by_tail["a"] == "data 2\ngrad 6 = \u22122 \u00d7 (\u22123)"      # dL/da = dL/de * b
    assert by_tail["b"] == "data \u22123\ngrad \u22124 = \u22122 \u00d7 2"
    assert by_tail["f"] == "data \u22122\ngrad 4 = 1 \u00d7 4"
    assert "a\ndata 2\ngrad 6" in nodes.values()


def test_shares_of_a_value_used_twice_add_up_to_its_grad():
    x = Value(3.0, label="x")
    y = x * x + x * 2.0    # dy/dx = 2x + 2 = 8, over three edges
    y.backward()
    src = draw_graph(y, show_local_grads=False).source
    x_name = next(k for k, lab in nodes_of(src).items() if lab.startswith("x\n"))
    shares = [float(re.search(r"grad (\S+)", lab)[1].replace("\u2212", "-"))
              for t, _, lab, _ in edges_of(src) if t == x_name]
    assert sorted(shares) == [2.0, 3.0, 3.0]                 # a*a gives two edges
    assert "x\ndata 3\ngrad 8 = 2 + 3 + 3" in nodes_of(src).values()   # the sum rule
    assert 'label="* 2"' in src                              # the constant on the op node


def test_edge_colour_follows_the_sign_and_size_of_the_share():
    L, _ = chain()
    L.backward()
    edges = {lab.split("\n")[1]: attrs for _, _, lab, attrs in edges_of(draw_graph(L).source)}
    # largest positive: full red
    assert 'color="#f03e3e"' in edges["grad 6 = \u22122 \u00d7 (\u22123)"]
    blue = re.search(r'color="#(\w\w)(\w\w)(\w\w)"', edges["grad \u22124 = \u22122 \u00d7 2"])
    assert int(blue[3], 16) > int(blue[1], 16)                  # negative: blue


def test_before_backward_gradients_show_as_unknown():
    L, _ = chain()
    src = draw_graph(L).source
    labels = list(nodes_of(src).values()) + [lab for *_, lab, _ in edges_of(src)]
    assert all("grad 0" not in lab for lab in labels)
    assert "L\ndata \u22128\ngrad ?" in labels
    assert any(lab.startswith("data 2\ngrad ?  (local \u22123)") for lab in labels)
    assert "not computed yet" in src


def test_leaf_root_after_backward_counts_as_computed():
    a = Value(5.0, label="a")
    a.backward()
    assert "a\\ndata 5\\ngrad 1" in draw_graph(a).source


def test_precision_and_compact_numbers():
    x = Value(1 / 3, label="x")
    y = x * 0.0001234567
    y.backward()
    src = draw_graph(y, precision=2).source
    assert "data 0.33" in src and "data 4.1e\u22125" in src
    assert fmt(0.00001235) == "1.235e-5" and fmt(-0.0) == "0" and fmt(2.0) == "2"
    assert fmt(float("nan")) == "nan" and fmt(float("-inf")) == "-inf"


# ---------------------------------------------------------------- text
SPECIAL = 'a<b> & "q" |{x}| \\N &amp; \u2202L/\u2202w \U0001f600\nline 2'


def test_quote_escapes_what_graphviz_would_interpret():
    assert quote('say "hi"') == '"say \\"hi\\""'
    assert quote("a\\nb") == '"a\\\\nb"'           # a backslash is drawn, not a line break
    assert quote("x & y &lt;") == '"x &amp; y &amp;lt;"'
    assert quote("one\ntwo") == '"one\\ntwo"'
    assert quote("bell\x07") == '"bell\u2407"'       # SVG cannot hold control characters


def test_special_character_labels_render_literally():
    x = Value(1.0, label=SPECIAL)
    y = x.tanh()
    y.label = "<y> {|}"
    y.backward()
    svg = draw_graph(y).svg()
    texts = [t.text for t in ET.fromstring(svg).iter(SVG + "text")]
    assert SPECIAL.split("\n")[0] in texts
    assert "line 2" in texts and "<y> {|}" in texts


def test_svg_parses_and_has_one_group_per_node_and_edge():
    L, _ = chain()
    L.backward()
    svg = ET.fromstring(draw_graph(L).svg())
    groups = [g.get("class") for g in svg.iter(SVG + "g")]
    assert groups.count("node") >= 7 + 3      # values + ops (+ the legend's items)
    assert groups.count("edge") >= 6 + 3


# ----------------------------------------------------------- determinism
_SCRIPT = """
from micrograd_ed import Value
from micrograd_ed.nn import MLP
from micrograd_ed.viz import draw_graph
m = MLP(2, [3, 1], activation="sigmoid", seed=1)
x = [Value(0.5, label="x0"), Value(-1.5, label="x1")]
y = m(x)
L = (y - 1.0) ** 2
L.backward()
print(draw_graph(L, group_by="neuron").source, end="")
"""


def test_dot_source_is_identical_across_processes():
    runs = [subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True,
                           check=True, env={"PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")]
    assert runs[0] == runs[1]
    assert re.findall(r"^  (n\d+) \[", runs[0], re.M)[:3] == ["n0", "n1", "n2"]
    assert "0x" not in runs[0]                 # no id() or addresses


# ----------------------------------------------------------- size, groups
def test_too_many_nodes_is_refused_with_the_count_and_a_way_out():
    model = MLP(3, [4, 4, 1], seed=0)
    y = model([Value(1.0), Value(2.0), Value(3.0)])
    n = len(topological_order(y)) + sum(1 for v in topological_order(y) if v.op)
    with pytest.raises(GraphTooLargeError) as e:
        draw_graph(y, max_nodes=20)
    msg = str(e.value)
    assert f"{n} nodes" in msg and "max_nodes=20" in msg
    assert "collapse=True" in msg and "group_by" in msg and f"max_nodes={n}" in msg
    assert isinstance(e.value, ValueError)
    draw_graph(y, max_nodes=n)                 # exactly at the limit is fine


def xor_net() -> tuple[Value, list[Value]]:
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    x = [Value(1.0, label="x[0]"), Value(0.0, label="x[1]")]
    L = -model(x).log()
    L.label = "L"
    L.backward()
    return L, x


def test_group_by_neuron_boxes_each_neurons_nodes():
    L, _ = xor_net()
    src = draw_graph(L, group_by="neuron").source
    labels = nodes_of(src)
    boxes = clusters_of(src)
    assert set(boxes) == {"cluster_L0_N0", "cluster_L0_N1", "cluster_L1_N0"}
    for layer, neuron, nin in ((0, 0, 2), (0, 1, 2), (1, 0, 2)):
        members = boxes[f"cluster_L{layer}_N{neuron}"]
        names = {labels[m].split("\n")[0] for m in members}
        expect = {f"w[{layer},{neuron},{i}]" for i in range(nin)}
        expect |= {f"b[{layer},{neuron}]", f"z[{layer},{neuron}]", f"a[{layer},{neuron}]",
                   "dot", "+", "sigmoid"}
        assert expect <= names, names
        # the inputs with their grads stay outside; layer 0's boxes each hold a dashed copy
        # of x[0] and x[1] (issue 23: drawn once, their lines crossed the other neuron's box)
        copies = sorted(n for n in names if n.startswith(("x[", "L")))
        assert copies == (["x[0]", "x[1]"] if layer == 0 else []), names
        assert not any(" = " in n for n in names if n.startswith("x["))
    # the dot node (unlabelled) sits in its neuron's box too: 3 values + 3 ops + 3 params,
    # and in layer 0 the two input copies
    assert [len(boxes[c]) for c in ("cluster_L0_N0", "cluster_L0_N1", "cluster_L1_N0")] == [
        11, 11, 9]


def test_group_by_layer_boxes_each_layer():
    L, _ = xor_net()
    src = draw_graph(L, group_by="layer").source
    boxes = clusters_of(src)
    assert len(boxes["cluster_L0"]) == 18 and len(boxes["cluster_L1"]) == 9


def test_collapse_draws_one_node_per_neuron():
    L, x = xor_net()
    full = draw_graph(L).source
    small = draw_graph(L, collapse=True).source
    labels = nodes_of(small)
    neurons = {k: v for k, v in labels.items() if k.startswith("neuron_")}
    assert set(neurons) == {"neuron_L0_N0", "neuron_L0_N1", "neuron_L1_N0"}
    out = neurons["neuron_L1_N0"].split("\n")
    assert out[:2] == ["layer 1, neuron 0", "sigmoid: a[1,0]"]
    assert not any(lab.startswith("w[") for lab in labels.values())
    edges = edges_of(small)
    # x[0] feeds two neurons: one edge each, carrying its summed share
    x0 = next(k for k, v in labels.items() if v.startswith("x[0]"))
    assert sorted(h for t, h, *_ in edges if t == x0) == ["neuron_L0_N0", "neuron_L0_N1"]
    shares = [float(re.search(r"grad (\S+)", lab)[1].replace("\u2212", "-"))
              for t, _, lab, _ in edges if t == x0]
    assert sum(shares) == pytest.approx(x[0].grad, rel=1e-3)
    assert len(nodes_of(small)) < len(nodes_of(full))


def test_grouping_needs_scopes():
    L, _ = chain()
    with pytest.raises(ValueError, match="scope"):
        draw_graph(L, group_by="neuron")
    with pytest.raises(ValueError, match="scope"):
        draw_graph(L, collapse=True)


# ------------------------------------------------------------ node kinds
def test_parameters_inputs_and_output_are_styled_apart():
    w, x, b = Value(0.5, label="w"), Value(2.0, label="x"), Value(0.1, label="b")
    y = (w * x + b).tanh()
    y.label = "y"
    y.backward()
    src = draw_graph(y, params=[w, b]).source
    fill = {m[2].split("\\n")[0]: re.search(r'fillcolor="(#\w+)"', m[3])[1]
            for m in _NODE.finditer(src) if m[1].startswith("n")}
    assert fill["w"] == fill["b"] != fill["x"]
    assert len({fill["w"], fill["x"], fill["y"], fill["data 1.1"]}) == 4
    assert "penwidth=2" in src.split('label="y')[1].split("\n")[0]   # the output stands out
    with pytest.raises(TypeError, match="params must be Values"):
        draw_graph(y, params=[1.0])


def test_nn_parameters_are_found_by_their_labels():
    L, _ = xor_net()
    src = draw_graph(L).source
    assert "parameter" in src and "input" in src


# -------------------------------------------------------------- batched
def test_batched_values_show_the_mean_or_one_sample():
    w = Value(2.0, label="w")
    x = Value(np.array([1.0, 2.0, 3.0, 4.0]), label="x")
    L = (w * x).mean()
    L.label = "L"
    L.backward()
    src = draw_graph(L).source
    assert "x\\ndata 2.5 (mean of 4)" in src
    assert "w\\ndata 2\\ngrad 2.5" in src           # a parameter's grad: summed over the batch
    assert "grad 2.5 (sum of 4)" in src           # ...and so is the share flowing into it
    one = draw_graph(L, sample=3).source
    assert "x\\ndata 4\\n" in one and "(batch total)" in one
    with pytest.raises(ValueError, match="range"):
        draw_graph(L, sample=4)
    with pytest.raises(ValueError, match="not batched"):
        draw_graph(chain()[0], sample=0)


# ------------------------------------------------------------- contract
def test_drawing_does_not_change_the_graph():
    L, _ = xor_net()
    before = snapshot(L)
    draw_graph(L, group_by="neuron").svg()
    draw_graph(L, collapse=True, group_by="layer")
    assert snapshot(L) == before


@pytest.mark.parametrize("kwargs, error", [
    ({"rankdir": "XY"}, ValueError), ({"group_by": "neurons"}, ValueError),
    ({"max_nodes": 0}, ValueError), ({"collapse": "yes"}, TypeError),
    ({"precision": 0}, ValueError),
])
def test_bad_options_are_clear_errors(kwargs, error):
    L, _ = chain()
    with pytest.raises(error):
        draw_graph(L, **kwargs)


def test_root_must_be_a_value():
    with pytest.raises(TypeError, match="expects a Value"):
        draw_graph(3.0)


def test_other_rank_directions():
    L, _ = chain()
    assert 'rankdir="TB"' in draw_graph(L, rankdir="TB", title="t").source


def test_a_collapsed_network_with_many_edges_drops_the_numbers_not_the_colours():
    model = MLP(3, [10, 10, 1], seed=0)
    y = model([1.0, 2.0, 3.0])
    y.backward()
    src = draw_graph(y, collapse=True).source
    between = [ln for ln in src.splitlines() if re.match(r"\s*neuron_\w+ -> neuron_", ln)]
    assert len(between) == 10 * 10 + 10
    assert all("label=" not in ln and "color=" in ln for ln in between)
    assert "edges unlabelled (too many)" in src
