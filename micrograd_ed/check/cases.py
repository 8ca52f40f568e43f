"""The graded graphs: small expressions that each catch one kind of backprop mistake.

Every case is a ``build(V)`` function (see :func:`micrograd_ed.check.compare`) that works with
any micrograd-style class. :func:`engine_cases` lists them for :func:`check_engine` (which
builds them with the student's class) and :func:`check_backward` (which builds them with
micrograd_ed's Value and runs the student's backward function on them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from micrograd_ed.check import graphs
from micrograd_ed.check.graphs import apply_op
from micrograd_ed.engine import ops
from micrograd_ed.foreign import op_method

CHAIN_DEPTH = 5_000
SUM_TERMS = 10_000
OPTIONAL_OPS = ("tanh", "exp", "log", "relu", "sigmoid", "pow")


GRAPH, LIMIT = "graph", "limit"      # what a failure of the case means (see engine.py)


@dataclass(frozen=True)
class Case:
    """One graded graph: ``name``, the formula in words, ``build(V)`` and ``variants`` (the
    same graph with operand orders swapped), the methods the class needs (``op`` names one
    optional op, ``needs`` the operators: a class without them lists the case as not
    checked), ``big`` for the cases run at Python's default recursion limit with the GC
    paused, ``kind`` (GRAPH: a failure is a wrong value or gradient; LIMIT: it is a limit of
    the engine, at depth, at huge inputs or in time) and how many ``runs`` on fresh graphs."""

    name: str
    formula: str
    build: Callable
    op: str = ""
    big: bool = False
    variants: tuple[Callable, ...] = ()
    needs: tuple[str, ...] = ()
    kind: str = GRAPH
    runs: int = 20

    @property
    def builds(self) -> tuple[Callable, ...]:
        return (self.build, *self.variants)


def has_op(cls: type, op: str) -> bool:
    """Does the value class define this op (``pow`` is ``__pow__``; a unary op under its own
    name or another that engines use, :func:`micrograd_ed.foreign.op_method`)?"""
    if op == "pow":
        return callable(getattr(cls, "__pow__", None))
    return op_method(cls, op) is not None


def lacks(cls: type, case: Case) -> list[str]:
    """The methods ``case`` needs that ``cls`` does not define ('**' for pow)."""
    out = [m for m in case.needs if not callable(getattr(cls, m, None))]
    if case.op and not has_op(cls, case.op):
        out.append("**" if case.op == "pow" else case.op)
    return out


def _arithmetic(V):
    a, b, c, f = V(2.0), V(-3.0), V(10.0), V(-2.0)
    e = a * b
    d = e + c
    L = d * f
    return {"a": a, "b": b, "c": c, "f": f, "e": e, "d": d, "L": L}


def _sub_div(V):
    a, b, c = V(3.0), V(-1.5), V(4.0)
    e = a - b
    g = e / c
    h = -g
    L = h * b
    return {"a": a, "b": b, "c": c, "e": e, "g": g, "h": h, "L": L}


def _const_right(V):
    a = V(2.0)
    e = a + 2
    f = e * 3
    g = f - 1
    L = g / 4
    return {"a": a, "e": e, "f": f, "g": g, "L": L}


def _const_left(V):
    a = V(2.0)
    e = 2 + a
    f = 3 * e
    g = 1 - f
    L = 8 / g
    return {"a": a, "e": e, "f": f, "g": g, "L": L}


def _a_plus_a(V):
    a = V(-3.0)
    L = a + a
    return {"a": a, "L": L}


def _a_times_a(V):
    a = V(-3.0)
    L = a * a
    return {"a": a, "L": L}


def _neuron(activation: str) -> Callable:
    def build(V):
        x1, w1, x2, w2, b = V(2.0), V(-3.0), V(0.0), V(1.0), V(6.8813735870195432)
        n = x1 * w1 + x2 * w2 + b
        nodes = {"x1": x1, "w1": w1, "x2": x2, "w2": w2, "b": b, "n": n}
        if activation:
            nodes["o"] = apply_op(n, activation)
        return nodes
    return build


def _deep_chain(V):
    a = V(0.5)
    v = a
    for i in range(CHAIN_DEPTH):
        v = v * 1.0002 if i % 2 else v + 0.001
    return {"a": a, "L": v}


def _big_sum(V):
    x = V(0.5)
    level = [x * (1.0 + (i % 5) * 0.1) for i in range(SUM_TERMS)]
    while len(level) > 1:                    # pairwise: a wide graph, only ~14 deep
        pairs = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        level = pairs + ([level[-1]] if len(level) % 2 else [])
    return {"x": x, "L": level[0]}


def backward_twice_graph(V):
    """L = (a*b)*c: an interior node between the leaves and the output."""
    a, b, c = V(2.0), V(-3.0), V(0.5)
    e = a * b
    L = e * c
    return {"a": a, "b": b, "c": c, "e": e, "L": L}


def _op_case(op: str) -> Callable:
    def build(V):
        if op == "pow":
            x, y, c = V(1.5), V(-2.0), V(0.5)
            p = x ** 2
            q = y ** 3
            r = x ** -1
            s = p + q * c
            L = s + r
            return {"x": x, "y": y, "c": c, "p": p, "q": q, "r": r, "s": s, "L": L}
        points = ops.UNARY[op].ordinary              # one point each side of any kink
        x, y, c = V(points[0]), V(points[1]), V(-1.5)
        p = apply_op(x, op)
        q = apply_op(y, op)
        s = p * c                            # upstream grad -1.5: "× grad" is checked
        L = s + q
        return {"x": x, "y": y, "c": c, "p": p, "q": q, "s": s, "L": L}
    return build


def _formula(op: str) -> str:
    """``tanh(x) * c + tanh(y) at x = 0.5, y = -2``: the case of op, at the table's points."""
    if op == "pow":
        return "x**2 + y**3 * c + x**-1"
    x, y = ops.UNARY[op].ordinary
    sides = " (both sides of 0)" if ops.UNARY[op].kinks else ""
    return f"{op}(x) * c + {op}(y) at x = {x:g}, y = {y:g}{sides}"


_FORMULAS = {op: _formula(op) for op in OPTIONAL_OPS}


_NEEDS = {"arithmetic": ("__add__", "__mul__"),
          "subtract and divide": ("__sub__", "__truediv__", "__neg__", "__mul__"),
          "constants on the right": ("__add__", "__mul__", "__sub__", "__truediv__"),
          "constants on the left": ("__radd__", "__rmul__", "__rsub__", "__rtruediv__"),
          "a + a": ("__add__",), "a * a": ("__mul__",), "fan-out": ("__add__", "__mul__"),
          "diamond": ("__add__", "__mul__"), "diamond sum": ("__add__", "__mul__"),
          "ladder": ("__add__", "__mul__"), "neuron": ("__add__", "__mul__")}


def engine_cases(cls: type | None = None) -> list[Case]:
    """The cases in order: each op on its own, reuse (in both operand orders), the ops the
    class may define, whole expressions, then the limits (large inputs, depth, width, time).
    ``cls`` picks the neuron's activation (tanh, else relu, else none); without it, the
    neuron uses tanh."""
    act = "tanh"
    if cls is not None:
        act = next((a for a in ("tanh", "relu") if has_op(cls, a)), "")
    n = _NEEDS

    def single(rows):
        return [Case(name, formula, build, needs=(need,)) for name, formula, need, build in rows]

    cases = single(graphs.SINGLE_OPS)
    cases += [
        Case("a * a", "L = a * a (one node, used twice by one op)", _a_times_a,
             needs=n["a * a"]),
        Case("a + a", "L = a + a", _a_plus_a, needs=n["a + a"]),
        Case("fan-out", "e = a*b; L = (e + a) * e (a and e used twice; both operand orders)",
             graphs.fan_out, variants=(graphs.fan_out_swapped,), needs=n["fan-out"]),
        Case("diamond", "b = a*x; L = (b + y)*z + b (b reached by paths of lengths 1 and 3; "
             "both operand orders)", graphs.diamond, variants=(graphs.diamond_swapped,),
             needs=n["diamond"]),
        Case("diamond sum", "L = (a + b) + a*b (both operand orders)", graphs.diamond_sum,
             variants=(graphs.diamond_sum_swapped,), needs=n["diamond sum"]),
    ]
    cases += single(graphs.MORE_OPS)
    cases += [Case("pow fan-out", "L = a**2 + a*b (a feeds ** and *; both operand orders)",
                   graphs.pow_fan_out, variants=(graphs.pow_fan_out_swapped,),
                   needs=("__pow__", "__add__", "__mul__"))]
    cases += [Case(op, _FORMULAS[op], _op_case(op), op=op) for op in OPTIONAL_OPS]
    cases += [Case("exp of a node", "L = exp(a*b) (exp of a computed node)",
                   graphs.exp_inner, op="exp", needs=("__mul__",))]
    cases += [Case("relu at 0", "L = relu(a) at a = 0 (relu\u2032(0) = 0, as in micrograd "
                   "and PyTorch)", graphs.unary_at("relu", 0.0), op="relu")]
    cases += [
        Case("neuron", f"o = {act or 'no activation'}(x1*w1 + x2*w2 + b)", _neuron(act),
             op=act, needs=n["neuron"]),
        Case("ladder", f"v = v*c + v, {graphs.LADDER_DEPTH} levels "
             f"(2^{graphs.LADDER_DEPTH} paths from L to x)", graphs.ladder(),
             needs=n["ladder"], runs=8),
        Case("arithmetic", "L = (a*b + c) * f", _arithmetic, needs=n["arithmetic"]),
        Case("subtract and divide", "L = -((a - b) / c) * b", _sub_div,
             needs=n["subtract and divide"]),
        Case("constants on the right", "L = ((a + 2) * 3 - 1) / 4", _const_right,
             needs=n["constants on the right"]),
        Case("constants on the left", "L = 8 / (1 - 3 * (2 + a))", _const_left,
             needs=n["constants on the left"]),
    ]
    cases += [Case(f"{op}({x:g})", f"L = {op}({x:g}): a large input", graphs.unary_at(op, x),
                   op=op, kind=LIMIT, runs=1) for op, x in graphs.large_inputs()]
    cases += [
        Case(f"deep chain ({CHAIN_DEPTH:,})", f"a chain of {CHAIN_DEPTH:,} ops (+ 0.001, "
             f"* 1.0002), at Python's default recursion limit", _deep_chain, big=True,
             needs=("__add__", "__mul__"), kind=LIMIT, runs=1),
        Case(f"sum of {SUM_TERMS:,} terms", f"x used {SUM_TERMS:,} times, summed pairwise",
             _big_sum, big=True, needs=("__add__", "__mul__"), runs=1),
    ]
    return cases
