"""Drawing and stepping through OTHER engines' graphs (issue 26): micrograd 0.1.0, the corpus
of published engines (tests/engines), a learner's engine with `=` for `+=`, stored local
gradients, other names. Every test checks the numbers on the edges and that the learner's
graph is the same afterwards: the same objects in every attribute, the same numbers."""

from __future__ import annotations

import math
import re
import warnings

import pytest
from engines import ENGINES, load
from hypothesis import assume, given, settings
from strategies import programs, run

from micrograd_ed import Value
from micrograd_ed.foreign import Names
from micrograd_ed.foreign.graph import ForeignGraphError, read_graph
from micrograd_ed.viz import StaleGradientWarning, draw_graph, step_through

micrograd = pytest.importorskip("micrograd.engine", reason="micrograd 0.1.0 (the dev extra)")

EDGE = re.compile(r'id="(e\d+_\d+)", label="([^"]*)"')
NODE = re.compile(r'id="(v\d+)", label="([^"]*)"')


# ----------------------------------------------------------------- helpers
def fingerprint(root: object, parents: str = "_prev") -> list:
    """Everything about a graph that drawing must not change: each node's attributes (the
    very objects, and their values), its operands in their container."""
    out, seen, stack = [], set(), [root]
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if hasattr(v, "__dict__"):
            attrs = dict(vars(v))
        else:                                           # a class with __slots__
            slots = {n for k in type(v).__mro__ for n in getattr(k, "__slots__", ())}
            attrs = {n: getattr(v, n) for n in slots if hasattr(v, n)}
        out.append((id(v), sorted((k, id(x), repr(x)) for k, x in attrs.items())))
        ps = getattr(v, parents, ())
        out.append((id(v), "ops", id(ps), sorted(map(id, ps))))
        stack.extend(ps)
    return sorted(out, key=repr)


def edge_labels(source: str) -> dict[str, str]:
    """SVG edge id -> its label's text, lines joined by '|', padding stripped."""
    return {eid: "|".join(p.strip() for p in text.split("\\n")) for eid, text in
            EDGE.findall(source)}


def node_labels(source: str) -> dict[str, str]:
    return {nid: "|".join(p.strip() for p in text.split("\\n")) for nid, text in
            NODE.findall(source)}


def ours(with_unary: str | None = None):
    a, b, c = Value(0.5, "a"), Value(-1.5, "b"), Value(2.0, "c")
    e = a * b
    d = e + c
    L = d * e + b * b + a
    if with_unary:
        L = getattr(L, with_unary)()
    L.backward()
    return L


def quiet_draw(root, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleGradientWarning)
        return draw_graph(root, **kw)


# ------------------------------------------------------------- micrograd 0.1.0
def test_micrograd_graph_drawn_with_every_edge_and_unchanged():
    V = micrograd.Value
    a, b = V(2.0), V(-3.0)
    c = a * b                   # -6
    d = a * a                   # 4: a twice in one op; micrograd's _prev is the set {a}
    L = (c + d) * 2             # -4 (the 2 is a leaf Value of micrograd's)
    L.backward()
    before = fingerprint(L)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # nothing marked: micrograd is right
        fig = draw_graph(L, labels={"a": a, "b": b})
    assert fingerprint(L) == before
    edges = edge_labels(fig.source)
    nodes = node_labels(fig.source)
    # a*a: two edges, each slot's share = grad of a*a (2) x a (2) = 4; grad a = b*2 + 4 + 4
    aa = [k for k, t in nodes.items() if t.startswith("data 4|")]
    assert len(aa) == 1
    k = aa[0][1:]
    assert edges[f"e{k}_0"] == edges[f"e{k}_1"] == "data 2|grad 4 = 2 × 2"
    assert nodes["v0"] == "a|data 2|grad 2 = 4 + 4 − 6"        # 2*2, 2*2, (-3)*2
    assert "b|data \u22123|grad 4" in nodes.values()
    assert "micrograd.engine.Value" in fig.source
    assert "orange border" not in fig.source


def test_micrograd_player_replays_its_numbers_and_leaves_the_graph_alone():
    V = micrograd.Value
    a, b = V(2.0), V(-3.0)
    L = (a * b + a).relu() * a
    L.backward()
    before = fingerprint(L)
    steps = step_through(L, labels={"a": a, "b": b})
    assert fingerprint(L) == before
    final = steps.state()
    for m, x in steps.mirror.of.items():
        assert final.grad[steps.index(m)] == x.grad          # bit for bit micrograd's
    assert "micrograd.engine.Value" in steps[0].caption
    assert any("grad a +=" in s.caption for s in steps)
    html = steps.html()
    assert "Backprop through" in html
    assert fingerprint(L) == before


def test_before_backward_every_grad_is_unknown_and_local_grads_still_shown():
    V = micrograd.Value
    a, b = V(3.0), V(4.0)
    L = a * b
    before = fingerprint(L)
    fig = draw_graph(L, labels={"a": a, "b": b})
    assert fingerprint(L) == before
    edges = edge_labels(fig.source)
    assert sorted(edges.values()) == ["data 3|grad ?  (local 4)", "data 4|grad ?  (local 3)"]


# --------------------------------------------------------------------- corpus
def corpus_engines():
    out = []
    for name, e in ENGINES.items():
        if {"+", "*"} <= set(e.ops):
            unary = next((u for u in ("tanh", "relu", "exp") if u in e.ops), None)
            out.append(pytest.param(name, unary, id=name))
    return out


def engine_names(name: str) -> dict[str, str]:
    """What the registry says about the engine, as draw_graph's keywords (the op name is
    left to detection)."""
    e = ENGINES[name]
    kw = {"grad": e.grad, "backward": e.backward, "parents": e.parents, "data": e.data}
    kw["step" if e.local_kind == "closure" else "local_grads"] = e.local
    return kw


def build(name: str, unary: str | None):
    """The expression in engine `name`, backpropagated by the engine's own method."""
    V = load(name)
    e = ENGINES[name]
    a, b, c = V(0.5), V(-1.5), V(2.0)
    ab = a * b
    d = ab + c
    L = d * ab + b * b + a
    if unary:
        L = getattr(L, e.attribute(unary))()
    getattr(L, e.backward)()
    return L, {"a": a, "b": b, "c": c}


@pytest.mark.parametrize("name, unary", corpus_engines())
def test_corpus_engine_drawn_with_its_own_numbers(name, unary):
    """Every engine of the corpus gets this graph right (tests/engines/README.md): drawn
    from its own nodes, every edge and every node reads as micrograd_ed's own graph does,
    nothing is marked, and the engine's graph is the same afterwards."""
    e = ENGINES[name]
    L, labels = build(name, unary)
    before = fingerprint(L, e.parents)
    with warnings.catch_warnings():
        warnings.simplefilter("error", StaleGradientWarning)
        fig = draw_graph(L, labels=labels, **engine_names(name))
    assert fingerprint(L, e.parents) == before
    mirror = read_graph(L, labels=labels, **engine_names(name))
    assert fingerprint(L, e.parents) == before
    mine = ours(unary)
    assert sorted(_locals(mirror)) == sorted(_locals_of(mine))
    assert not mirror.off                              # every local derivative by its rule
    assert sorted(edge_labels(fig.source).values()) == sorted(
        edge_labels(draw_graph(mine).source).values())
    theirs = [t.removeprefix("None|") for t in node_labels(fig.source).values()]
    assert sorted(theirs) == sorted(node_labels(draw_graph(mine).source).values())
    assert "orange border" not in fig.source          # (backprop-lib labels nodes 'None')
    steps = step_through(L, labels=labels, **engine_names(name))
    assert fingerprint(L, e.parents) == before
    final = steps.state()
    for m, x in steps.mirror.of.items():
        assert final.grad[steps.index(m)] == pytest.approx(
            float(getattr(x, e.grad)), rel=1e-12, abs=1e-15)


def _locals(mirror) -> list[float]:
    from micrograd_ed import topological_order

    return [round(d, 9) for v in topological_order(mirror.root) for d in v.local_grads]


def _locals_of(root: Value) -> list[float]:
    from micrograd_ed import topological_order

    return [round(d, 9) for v in topological_order(root) for d in v.local_grads]


def test_corpus_engines_are_found_without_being_told():
    """Detection alone reads micrograd's copies, femtograd's `prev`/`op` and microgpt's
    `_children`/`_local_grads` (the legend says what it found)."""
    for name in ("micrograd", "deep_autograd", "femtograd", "strands_microgpt"):
        L, labels = build(name, None)
        fig = draw_graph(L, labels=labels)
        assert sorted(edge_labels(fig.source).values()) == sorted(
            edge_labels(draw_graph(ours()).source).values()), name


def test_microgpt_ops_are_found_from_their_numbers():
    """strands-microgpt (Karpathy's microgpt engine) stores local derivatives and no op
    names: each op is the one whose value and local derivatives the numbers are."""
    V = load("strands_microgpt")
    a, b = V(0.5), V(-1.5)
    L = ((a * b + a) ** 2).exp().log()
    L.backward()
    before = fingerprint(L, "_children")
    fig = draw_graph(L, labels={"a": a, "b": b})
    assert fingerprint(L, "_children") == before
    ops = re.findall(r'id="op\d+", label="([^"]*)"', fig.source)
    assert sorted(ops) == sorted(["*", "+", "** 2", "exp", "log"])
    assert "each op found from its numbers" in fig.source.replace("\\l", " ")


def test_nanoautograd_assigns_in_pow_and_the_node_is_marked():
    """nanoautograd 0.1.2's ** assigns its gradient (`=`): x used by two ** ops keeps one
    share, whichever ran last (set order). Drawn with its own numbers, x is marked with the
    sum its edges give; its op names come from the methods (it keeps them in `_operator`,
    a name detection does not know, so the legend says how they were found)."""
    V = load("nanoautograd")
    a, b = V(0.5), V(-1.5)
    x = a * b + a                   # -0.25
    L = x ** 2 + x ** 3             # dL/dx = 2x + 3x^2 = -0.5 + 0.1875 = -0.3125
    L.backwards()
    before = fingerprint(L, "_parents")
    with pytest.warns(StaleGradientWarning, match="its engine did not add them up"):
        fig = draw_graph(L, labels={"a": a, "b": b, "x": x},
                         names=Names(backward="backwards", parents="_parents", op=None))
    assert fingerprint(L, "_parents") == before
    nodes = node_labels(fig.source)
    x_text = next(t for t in nodes.values() if t.startswith("x|"))
    # a stale grad prints no sum (it would be false), but what its edges give
    assert re.fullmatch(r"x\|data \u22120\.25\|grad (\u22120\.5|0\.1875)\|"
                        r"\(stale: the edges give \u22120\.3125\)", x_text), x_text
    ops = re.findall(r'id="op\d+", label="([^"]*)"', fig.source)
    assert sorted(ops) == sorted(["*", "+", "** 2", "** 3", "+"])
    assert "op names from the method" in fig.source.replace("\\l", " ")


def test_nanoautograd_exp_puts_its_step_on_its_operand():
    """nanoautograd's exp sets ``self._backward`` (its operand's!) instead of
    ``out._backward``: the operand's step is replaced by an attribute, and the exp node
    keeps the default one. Each edge shows what that code does (0), the legend and player
    say what the op's rule gives, and both nodes' steps are the same objects afterwards."""
    V = load("nanoautograd")
    a, b = V(0.5), V(-1.5)
    ab = a * b
    L = ab.exp()
    L.backwards()                   # grads 0: as the ground truth says
    step_ab, step_L = ab._backward, L._backward
    before = fingerprint(L, "_parents")
    with pytest.warns(StaleGradientWarning, match="grad of ab"):
        fig = draw_graph(L, labels={"a": a, "b": b, "ab": ab}, op="_operator",
                         **engine_names("nanoautograd"))
    assert fingerprint(L, "_parents") == before
    assert ab._backward is step_ab and L._backward is step_L
    texts = sorted(edge_labels(fig.source).values())
    assert texts == ["data 0.5|grad 0 = 0.4724 × 0", "data \u22120.75|grad 0 = 1 × 0",
                     "data \u22121.5|grad 0 = 0.4724 × 0"]
    # exp's share landed in ab's grad (its step ran there), not through an edge: marked
    assert "ab|data \u22120.75|grad 0.4724|(stale: the edges give 0)" in node_labels(
        fig.source).values()
    legend = fig.source.split('legend [id="legend"', 1)[1].replace("\\l", " ")
    assert "exp node, operand 1: local derivative 0, where the rule of exp gives 0.4724" \
        in legend
    steps = step_through(L, labels={"a": a, "b": b, "ab": ab}, op="_operator",
                         **engine_names("nanoautograd"))
    assert any("∂ab/∂a = 0 in this engine; its rule b gives −1.5)" in s.caption
               for s in steps)
    assert fingerprint(L, "_parents") == before


# ----------------------------------------------- a learner's own engines, written here
class Learner:
    """The lecture's engine as a learner typed it, with `=` for `+=` in __add__ and
    __mul__, operands in a tuple, and labels."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data, self.grad = data, 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op, self.label = _op, label

    def __add__(self, other):
        out = Learner(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad = out.grad            # the bug: = for +=
            other.grad = out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        out = Learner(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Learner(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t ** 2) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, seen = [], set()

        def build(v):
            if v not in seen:
                seen.add(v)
                for p in v._prev:
                    build(p)
                topo.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


def test_learners_equals_bug_drawn_with_its_wrong_numbers():
    a, b = Learner(2.0, label="a"), Learner(-3.0, label="b")
    s = a + b                       # -1
    L = (s + a).tanh()              # tanh(1); a used by two + ops: its grad should add up
    L.backward()
    before = fingerprint(L)
    with pytest.warns(StaleGradientWarning, match="grad of a is not the sum"):
        fig = draw_graph(L)
    assert fingerprint(L) == before
    t = 1 - math.tanh(1.0) ** 2     # 0.42, grad of s + a
    nodes = node_labels(fig.source)
    a_text = next(t for t in nodes.values() if t.startswith("a|"))
    assert a_text == f"a|data 2|grad 0.42|(stale: the edges give {2 * t:.4g})"
    edges = edge_labels(fig.source)
    assert sorted(edges.values()) == sorted([
        "data 2|grad 0.42 = 0.42 × 1", "data \u22123|grad 0.42 = 0.42 × 1",
        "data \u22121|grad 0.42 = 0.42 × 1", "data 2|grad 0.42 = 0.42 × 1",
        f"data 1|grad {round(t, 2):g} = 1 × 0.42"])
    steps = step_through(L)
    assert fingerprint(L) == before
    assert f"left grad a = 0.42 (its edges: {2 * t:.4g})" in steps[0].caption
    assert steps.state().grad[steps.index(steps.mirror.root.parents[0].parents[1])] == \
        pytest.approx(2 * t)


class Stored:
    """microgpt's style: operands in _children, their local derivatives in _local_grads;
    the gradient called `grade`."""

    def __init__(self, data, children=(), local_grads=()):
        self.data, self.grade = data, 0.0
        self._children, self._local_grads = children, local_grads

    def __mul__(self, other):
        return Stored(self.data * other.data, (self, other), (other.data, self.data))

    def __add__(self, other):
        return Stored(self.data + other.data, (self, other), (1.0, 1.0))

    def backward(self):
        order, seen = [], set()
        stack = [(self, False)]
        while stack:
            v, done = stack.pop()
            if done:
                order.append(v)
            elif v not in seen:
                seen.add(v)
                stack.append((v, True))
                stack.extend((c, False) for c in v._children)
        self.grade = 1.0
        for v in reversed(order):
            for c, d in zip(v._children, v._local_grads):
                c.grade += d * v.grade


def test_stored_local_grads_and_other_names():
    a, b = Stored(3.0), Stored(-2.0)
    L = a * a + a * b               # a*a: two slots of one op, in a tuple
    L.backward()
    before = fingerprint(L, "_children")
    fig = draw_graph(L, grad="grade", labels={"a": a, "b": b})
    assert fingerprint(L, "_children") == before
    nodes = node_labels(fig.source)
    assert "a|data 3|grad 4 = \u22122 + 3 + 3" in nodes.values()     # b + 2a, edge by edge
    assert "grad is .grade" not in fig.source                 # (given, not found)
    edges = edge_labels(fig.source)
    assert list(edges.values()).count("data 3|grad 3 = 1 × 3") == 2


def test_bound_method_steps_run_in_place_and_are_put_back():
    """A step that is a method reading its own operands cannot be rebound: it runs on the
    learner's nodes, and every grad is put back."""

    class Method(Learner):
        def __init__(self, data, _children=(), _op="", label=""):
            super().__init__(data, _children, _op, label)
            self._backward = self.step

        def step(self):
            if self._op == "*":
                x, y = self._prev
                x.grad += y.data * self.grad
                y.grad += x.data * self.grad

        def __mul__(self, other):
            return Method(self.data * other.data, (self, other), "*")

    a = Method(5.0, label="a")
    L = a * a
    L.backward()                    # grad a = 2 * 5 = 10
    before = fingerprint(L)
    fig = draw_graph(L)
    assert fingerprint(L) == before
    assert sorted(edge_labels(fig.source).values()) == ["data 5|grad 5 = 1 × 5"] * 2
    assert "gets half of what the" in fig.source


def test_an_error_in_the_learners_step_shows_nan_and_says_so():
    a = Learner(1.0, label="a")
    L = a.tanh()

    def broken():
        raise NameError("name 'math' is not defined")
    L._backward = broken
    before = fingerprint(L)
    fig = draw_graph(L)
    assert fingerprint(L) == before
    assert "raised an error" in fig.source and "nan" in fig.source


def test_bad_roots_and_names_are_refused_by_name():
    with pytest.raises(TypeError, match="draw_graph expects a Value, got int"):
        draw_graph(3)
    with pytest.raises(TypeError, match="describe another engine"):
        draw_graph(Value(1.0), grad="grade")
    with pytest.raises(ForeignGraphError, match="local derivatives"):
        read_graph(Learner(1.0), step=None)
    with pytest.raises(ValueError, match="labels\\['x'\\] is not a node"):
        draw_graph(Learner(1.0), labels={"x": Learner(2.0)})


# ------------------------------------------------------------ random graphs
class MicrogradOps:
    """Program ops (tests/strategies.py) on micrograd 0.1.0's Value: it has +, -, *, /, **,
    neg and relu; the other unary ops become a square."""

    @staticmethod
    def data(v):
        return v.data if hasattr(v, "data") else float(v)

    @staticmethod
    def unary(op, a):
        if op == "neg":
            return -a
        if op == "relu":
            return a.relu()
        if op == "cube":
            return a**3
        return a**2

    @staticmethod
    def binary(op, a, b):
        return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
                "/": lambda: a / b}[op]()


@settings(max_examples=60)
@given(programs)
def test_random_micrograd_graphs_replay_to_micrograds_grads(program):
    """The mirror's local derivatives, put through the chain rule (the player's replay),
    give every node the grad micrograd's own backward() gave it; nothing is marked; the
    graph is unchanged."""
    V = micrograd.Value
    inputs = [V(x) for x in program[0]]
    out = run(program, inputs, MicrogradOps)
    assume(out is not None and not isinstance(out, (int, float)))
    out.backward()
    before = fingerprint(out)
    steps = step_through(out, max_nodes=10_000)
    assert fingerprint(out) == before
    final = steps.state()
    for m, x in steps.mirror.of.items():
        k = steps.index(m)
        assert final.grad[k] == pytest.approx(x.grad, rel=1e-9, abs=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error", StaleGradientWarning)
        draw_graph(out, max_nodes=10_000)
    assert fingerprint(out) == before


def test_a_closure_per_node_under_backward_itself():
    """shivendrra/axgrad's style (no licence, so written here): each node's chain-rule step
    is set as ``self.backward`` and backprop is another method."""

    class Ax:
        def __init__(self, data, children=(), op=""):
            self.data, self.grad = data, 0.0
            self.prev, self._op = set(children), op
            self.backward = lambda: None

        def __mul__(self, other):
            out = Ax(self.data * other.data, (self, other), "*")

            def backward():
                self.grad += other.data * out.grad
                other.grad += self.data * out.grad
            out.backward = backward
            return out

        def backprop(self):
            self.grad = 1.0
            self.backward()

    a, b = Ax(3.0), Ax(-2.0)
    L = a * b
    L.backprop()
    before = fingerprint(L, "prev")
    fig = draw_graph(L, labels={"a": a, "b": b})
    assert fingerprint(L, "prev") == before
    assert sorted(edge_labels(fig.source).values()) == [
        "data 3|grad \u22122 = 1 × (\u22122)", "data \u22122|grad 3 = 1 × 3"]
    assert "each node's chain-rule step in .backward" in fig.source.replace("\\l", " ")


class WrongMul(Learner):
    """A lecture engine whose * passes back other.grad x out.grad for other.data x out.grad
    (a bug found in published lecture code; written here), with += everywhere."""

    def __add__(self, other):
        out = WrongMul(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        out = WrongMul(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.grad * out.grad
            other.grad += self.grad * out.grad
        out._backward = _backward
        return out


def test_a_local_derivative_off_its_rule_is_said_with_both_numbers():
    a, b = WrongMul(2.0, label="a"), WrongMul(-3.0, label="b")
    L = a * b + a
    L.backward()
    before = fingerprint(L)
    with pytest.warns(StaleGradientWarning, match="grad of b"):
        fig = draw_graph(L)
    legend = fig.source.split('legend [id="legend"', 1)[1].replace("\\l", " ")
    assert "* node, operand 1: local derivative 0, where the rule of * gives -3" in legend
    assert "* node, operand 2: local derivative 0, where the rule of * gives 2" in legend
    steps = step_through(L)
    assert fingerprint(L) == before
    captions = [s.caption for s in steps if s.kind == "edge"]
    assert any("∂(a × b)/∂a = 0 in this engine; its rule b gives −3)" in c for c in captions)
    assert not any("= b = 0" in c for c in captions)        # never the rule with its number
    x, y = micrograd.Value(2.0), micrograd.Value(-3.0)
    M = x * y + x
    M.backward()
    assert not read_graph(M).off                            # micrograd follows every rule


class BadSort:
    """Right closures (+=), but a topological sort whose loop over operands sits outside its
    `visited` test: a node reached by two paths is listed, and passes its grad on, twice (a
    bug found in a published port; written here)."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data, self.grad, self.label = data, 0.0, label
        self._backward = lambda: None
        self._prev, self._op = tuple(_children), _op

    def __add__(self, other):
        out = BadSort(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        out = BadSort(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, visited = [], set()

        def build(v):
            if v not in visited:
                visited.add(v)
            for p in v._prev:
                build(p)
            topo.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


def test_a_sort_that_visits_twice_is_marked_where_grads_double():
    a, b = BadSort(2.0, label="a"), BadSort(-3.0, label="b")
    e = a * b
    e.label = "e"
    L = e + e * a                   # e reached twice: its step runs twice
    L.backward()
    before = fingerprint(L)
    with pytest.warns(StaleGradientWarning):
        fig = draw_graph(L)
    assert fingerprint(L) == before
    nodes = node_labels(fig.source)
    # dL/de = 1 + a = 3: right (e's users ran once each); e's own step ran twice, so a and
    # b got their shares twice: grad b = 2 x (a x 3) = 12, its edge carries 6
    assert "b|data \u22123|grad 12|(stale: the edges give 6)" in nodes.values()
    assert "e|data \u22126|grad 3 = 2 + 1" in nodes.values()
    assert "a|data 2|grad \u221224|(stale: the edges give \u221215)" in nodes.values()


def test_an_engine_without_backward_yet_is_drawn_before_it_has_one():
    """Mid-lecture the learner has ops and closures but no backward(): the graph is drawn
    with every grad unknown and each edge's local derivative from the closures."""

    class Early:
        def __init__(self, data, _children=(), _op=""):
            self.data, self.grad = data, 0.0
            self._backward = lambda: None
            self._prev, self._op = set(_children), _op

        def __mul__(self, other):
            out = Early(self.data * other.data, (self, other), "*")

            def _backward():
                self.grad += other.data * out.grad
                other.grad += self.data * out.grad
            out._backward = _backward
            return out

    a, b = Early(3.0), Early(4.0)
    L = a * b
    before = fingerprint(L)
    fig = draw_graph(L, labels={"a": a, "b": b})
    assert fingerprint(L) == before
    assert sorted(edge_labels(fig.source).values()) == [
        "data 3|grad ?  (local 4)", "data 4|grad ?  (local 3)"]
    assert "no backward() yet" in fig.source
