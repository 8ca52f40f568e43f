"""The probe graphs the corpus's ground truth is built from.

A probe builds one expression from leaves made by ``leaf(x)``. The same code builds it from an
engine's nodes and from PyTorch float64 tensors (operators and the methods ``tanh``, ``exp``,
``log``, ``relu``, ``sigmoid`` have the same names in both), so the reference is the same
expression, not a hand-written derivative. An engine whose method has another name (omnigrad's
``reLU`` for ``relu``) gets its leaves as :class:`Leaves`, which carries its names; the probes
call unary methods through :func:`call`. This module does not import torch: the worker that
runs a student's engine never needs it.

Groups: ``ordinary`` (graphs a learner builds, at ordinary inputs), ``large-input``
(tanh(400), sigmoid(-800), exp(700): the exact answers are finite), ``depth`` (a chain
5,000 nodes deep) and ``time`` (a ladder whose number of paths doubles per level).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Leaf = Callable[[float], Any]
Built = tuple[Any, dict[str, Any]]


class Leaves:
    """Makes an engine's leaves (``make(x)``) and knows its own method names for ops.

    ``op_names`` maps an op name of the probes (``relu``, ``sigmoid``, ``log``...) to the
    method the engine defines for it, where that differs.
    """

    def __init__(self, make: Callable[[float], Any], op_names: Mapping[str, str]) -> None:
        self.make = make
        self.op_names = dict(op_names)

    def __call__(self, x: float) -> Any:
        return self.make(x)


def call(leaf: Leaf, node: Any, op: str) -> Any:
    """``node.op()``, through the engine's own name for ``op`` when ``leaf`` carries one."""
    names = leaf.op_names if isinstance(leaf, Leaves) else {}
    return getattr(node, names.get(op, op))()


def _method(x: float, op: str) -> Callable[[Leaf], Built]:
    """The probe ``op(x)`` for a unary method (``tanh``, ``exp``, ``log``, ``relu``...)."""
    def build(leaf: Leaf) -> Built:
        a = leaf(x)
        return call(leaf, a, op), {"a": a}
    return build


@dataclass(frozen=True)
class Probe:
    """One probe graph.

    ``requires`` are op names (keys of ``engines.OP_ATTRIBUTES``) the class must define for
    the probe to run at all; ``op`` is the op the probe is about (named in findings);
    ``runs`` is how many times it is built afresh and differentiated (to catch results that
    depend on set order); ``time_limit`` bounds all runs together, in seconds. ``refusals``
    are the errors that, raised while the graph is built, mean the engine does not take this
    input at all (``assert isinstance(other, (int, float))``), not that it got it wrong.
    """

    name: str
    group: str
    op: str
    requires: tuple[str, ...]
    description: str
    build: Callable[[Leaf], Built]
    runs: int = 30
    time_limit: float = 10.0
    refusals: tuple[str, ...] = ("AssertionError",)


def _binary(a: float, b: float, f: Callable[[Any, Any], Any]) -> Callable[[Leaf], Built]:
    def build(leaf: Leaf) -> Built:
        x, y = leaf(a), leaf(b)
        return f(x, y), {"a": x, "b": y}
    return build


def _unary(a: float, f: Callable[[Any], Any]) -> Callable[[Leaf], Built]:
    def build(leaf: Leaf) -> Built:
        x = leaf(a)
        return f(x), {"a": x}
    return build


def _diamond_1(leaf: Leaf) -> Built:
    """e = a*b; f = e + a; L = e*f: e and a each reach L along two paths."""
    a, b = leaf(3.0), leaf(-2.0)
    e = a * b
    f = e + a
    return e * f, {"a": a, "b": b}


def _diamond_2(leaf: Leaf) -> Built:
    """The same graph as diamond_1 with every operand order swapped."""
    a, b = leaf(3.0), leaf(-2.0)
    e = b * a
    f = a + e
    return f * e, {"a": a, "b": b}


def _diamond_3(leaf: Leaf) -> Built:
    """d = a + b; L = d*d + a: a node used twice by one op, and a leaf used at two levels."""
    a, b = leaf(3.0), leaf(-2.0)
    d = a + b
    return d * d + a, {"a": a, "b": b}


def _diamond_4(leaf: Leaf) -> Built:
    """d = a*b; L = (a + b) + d: the sum of two branches, the larger one on the right."""
    a, b = leaf(3.0), leaf(-2.0)
    d = a * b
    return (a + b) + d, {"a": a, "b": b}


def _diamond_5(leaf: Leaf) -> Built:
    """d = a*b; L = d + (a + b): diamond_4 with the operands of the last + swapped."""
    a, b = leaf(3.0), leaf(-2.0)
    d = a * b
    return d + (a + b), {"a": a, "b": b}


def _neuron(leaf: Leaf) -> Built:
    """The lecture's neuron: o = tanh(x1*w1 + x2*w2 + b)."""
    x1, x2, w1, w2, b = leaf(2.0), leaf(0.0), leaf(-3.0), leaf(1.0), leaf(6.8813735870195432)
    out = call(leaf, x1 * w1 + x2 * w2 + b, "tanh")
    return out, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}


def _exp_inner(leaf: Leaf) -> Built:
    """L = exp(a*b): the op's backward must be attached to its output, not to its operand."""
    a, b = leaf(0.5), leaf(-1.0)
    return call(leaf, a * b, "exp"), {"a": a, "b": b}


def _chain(depth: int) -> Callable[[Leaf], Built]:
    """v = x, then depth times v = v + c with a fresh leaf c = 0.001: dL/dx = 1."""
    def build(leaf: Leaf) -> Built:
        x = leaf(1.0)
        v = x
        for _ in range(depth):
            v = v + leaf(0.001)
        return v, {"x": x}
    return build


def _ladder(depth: int) -> Callable[[Leaf], Built]:
    """v = x, then depth times v = v*c + v: L = x(1+c)^depth, reached along 2^depth paths."""
    def build(leaf: Leaf) -> Built:
        x, c = leaf(1.0), leaf(0.5)
        v = x
        for _ in range(depth):
            v = v * c + v
        return v, {"x": x, "c": c}
    return build


PROBES: tuple[Probe, ...] = (
    Probe("add", "ordinary", "+", ("+",), "a + b", _binary(3.0, -2.0, lambda a, b: a + b)),
    Probe("mul", "ordinary", "*", ("*",), "a * b", _binary(3.0, -2.0, lambda a, b: a * b)),
    Probe("same_operand", "ordinary", "*", ("*",), "a * a (one op uses a node twice)",
          _unary(3.0, lambda a: a * a)),
    Probe("fan_out", "ordinary", "*", ("+", "*"), "a*b + a (a feeds two ops)",
          _binary(3.0, -2.0, lambda a, b: a * b + a)),
    Probe("diamond_1", "ordinary", "*", ("+", "*"), "e = a*b; f = e + a; L = e*f", _diamond_1),
    Probe("diamond_2", "ordinary", "*", ("+", "*"), "e = b*a; f = a + e; L = f*e", _diamond_2),
    Probe("diamond_3", "ordinary", "*", ("+", "*"), "d = a + b; L = d*d + a", _diamond_3),
    Probe("diamond_4", "ordinary", "+", ("+", "*"), "L = (a + b) + a*b", _diamond_4),
    Probe("diamond_5", "ordinary", "+", ("+", "*"), "L = a*b + (a + b)", _diamond_5),
    Probe("sub", "ordinary", "-", ("-",), "a - b", _binary(3.0, -2.0, lambda a, b: a - b)),
    Probe("div", "ordinary", "/", ("/",), "a / b", _binary(3.0, -2.0, lambda a, b: a / b)),
    Probe("neg", "ordinary", "neg", ("neg",), "-a", _unary(3.0, lambda a: -a)),
    Probe("const_right_add", "ordinary", "+", ("+",), "a + 2", _unary(3.0, lambda a: a + 2)),
    Probe("const_right_mul", "ordinary", "*", ("*",), "a * 2", _unary(3.0, lambda a: a * 2)),
    Probe("const_right_sub", "ordinary", "-", ("-",), "a - 2", _unary(3.0, lambda a: a - 2)),
    Probe("const_right_div", "ordinary", "/", ("/",), "a / 2", _unary(3.0, lambda a: a / 2)),
    Probe("const_left_add", "ordinary", "r+", ("r+",), "2 + a", _unary(3.0, lambda a: 2 + a)),
    Probe("const_left_mul", "ordinary", "r*", ("r*",), "2 * a", _unary(3.0, lambda a: 2 * a)),
    Probe("const_left_sub", "ordinary", "r-", ("r-",), "2 - a", _unary(3.0, lambda a: 2 - a)),
    Probe("const_left_div", "ordinary", "r/", ("r/",), "2 / a", _unary(3.0, lambda a: 2 / a)),
    Probe("pow_const", "ordinary", "**", ("**",), "a ** 3", _unary(1.5, lambda a: a**3)),
    Probe("pow_negative", "ordinary", "**", ("**",), "a ** -1", _unary(1.5, lambda a: a**-1)),
    Probe("pow_value", "ordinary", "**", ("**",), "a ** b with a node as exponent (both "
          "derivatives)", _binary(2.0, 3.0, lambda a, b: a**b),
          refusals=("AssertionError", "TypeError")),
    Probe("pow_fan_out", "ordinary", "**", ("+", "*", "**"), "a**2 + a*b (a feeds ** and *)",
          _binary(3.0, -2.0, lambda a, b: a**2 + a * b)),
    Probe("tanh", "ordinary", "tanh", ("tanh",), "tanh(0.5)", _method(0.5, "tanh")),
    Probe("exp", "ordinary", "exp", ("exp",), "exp(1)", _method(1.0, "exp")),
    Probe("exp_inner", "ordinary", "exp", ("*", "exp"), "exp(a*b) (exp of a computed node)",
          _exp_inner),
    Probe("log", "ordinary", "log", ("log",), "log(2)", _method(2.0, "log")),
    Probe("relu_positive", "ordinary", "relu", ("relu",), "relu(2)",
          _method(2.0, "relu")),
    Probe("relu_negative", "ordinary", "relu", ("relu",), "relu(-1)",
          _method(-1.0, "relu")),
    Probe("relu_zero", "ordinary", "relu", ("relu",), "relu(0) (derivative 0 there, as torch)",
          _method(0.0, "relu")),
    Probe("sigmoid", "ordinary", "sigmoid", ("sigmoid",), "sigmoid(0.5)",
          _method(0.5, "sigmoid")),
    Probe("neuron", "ordinary", "tanh", ("+", "*", "tanh"), "tanh(x1*w1 + x2*w2 + b)", _neuron),
    Probe("ladder_12", "ordinary", "backward", ("+", "*"), "v = v*c + v, 12 levels",
          _ladder(12)),
    Probe("tanh_large", "large-input", "tanh", ("tanh",), "tanh(400)",
          _method(400.0, "tanh")),
    Probe("tanh_large_negative", "large-input", "tanh", ("tanh",), "tanh(-400)",
          _method(-400.0, "tanh")),
    Probe("sigmoid_large", "large-input", "sigmoid", ("sigmoid",), "sigmoid(800)",
          _method(800.0, "sigmoid")),
    Probe("sigmoid_large_negative", "large-input", "sigmoid", ("sigmoid",), "sigmoid(-800)",
          _method(-800.0, "sigmoid")),
    Probe("exp_large", "large-input", "exp", ("exp",), "exp(700)",
          _method(700.0, "exp")),
    Probe("chain_5000", "depth", "backward", ("+",), "v = v + c, 5,000 levels deep",
          _chain(5000), runs=2, time_limit=20.0),
    Probe("ladder_24", "time", "backward", ("+", "*"), "v = v*c + v, 24 levels (2^24 paths)",
          _ladder(24), runs=1, time_limit=5.0),
)

BY_NAME: dict[str, Probe] = {p.name: p for p in PROBES}
