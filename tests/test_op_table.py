"""The op table (engine/ops.py) is the one place that knows an op: every reader has every row.

Each test walks the table, so a row that some reader lacks fails here: the expression
parser, the player's captions, the checker's explanations, check_op, the op gradient checks
(`micrograd-ed gradcheck`), and the float and batch code of the row itself.

Adding an op: `sin` was added as one row of ops.py, one line of value.py
(``sin = unary_op("sin")``) and one word in README's op list. `test_sin_touches_two_files`
keeps it that way: no other module of the package names it.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

import micrograd_ed
from micrograd_ed import Value, cli
from micrograd_ed.check.explain import Local, Namer, explain_grad, local_tokens, render, users
from micrograd_ed.check.ops import check_op
from micrograd_ed.engine import ops
from micrograd_ed.engine.speed import unary
from micrograd_ed.gradcheck import gradcheck
from micrograd_ed.teach import expr, op_checks
from micrograd_ed.viz import step_through
from micrograd_ed.viz.steps.model import local_formula

UNARY = list(ops.UNARY.values())
BINARY = list(ops.BINARY.values())
ids = [op.name for op in UNARY]


def method(op: ops.Op):
    """The Value method of a unary row (``-x`` is ``__neg__``)."""
    return getattr(Value, "__neg__" if op.name == "neg" else op.name)


def caption_of(node: Value) -> str:
    """The player's caption of the edge from node's first parent into node."""
    player = step_through(node)
    return next(s.caption for s in player.steps if s.kind == "edge" and s.node == 0)


# ----------------------------------------------------------------- the parser
@pytest.mark.parametrize("name", ops.expression_functions())
def test_expr_parses_every_expression_function(name):
    op = ops.UNARY[name]
    root = expr.build(f"{name}(a * b)", {"a": op.ordinary[0], "b": 1.0})
    want = method(op)(Value(op.ordinary[0]))
    assert root.op == want.op                     # sqrt is x ** 0.5, a '**' node
    assert root.data == want.data
    assert name in expr.FUNCTIONS


def test_expr_refuses_what_the_table_leaves_out():
    for op in UNARY:
        if not op.in_expressions:
            with pytest.raises(expr.ExpressionError, match="not one of"):
                expr.build(f"{op.name}(a)", {"a": 1.0})


# ------------------------------------------------------------- the words
@pytest.mark.parametrize("op", [op for op in UNARY if op.scalar], ids=lambda op: op.name)
def test_player_and_explain_say_the_tables_derivative(op):
    x = Value(op.ordinary[0], label="x")
    y = method(op)(x)
    y.label = "y"
    k = "" if y.const is None else f"{y.const:g}"
    words = ops.fill(op.derivative, x="x", z="y", k=k)
    assert f"\u2202y/\u2202x = {words}" in caption_of(y)
    tokens = local_tokens(y, 0)
    assert tokens is not None and not any(isinstance(t, Local) for t in tokens)
    assert words in render(tokens, Namer(y), values=False)
    y.backward()
    assert words in explain_grad(x, Namer(y), users(y)[x], y)


def test_an_op_the_table_lacks_gets_the_generic_words():
    """What the tests above rule out: a row missing from the table reads ∂u/∂x."""
    x = Value(0.5, label="x")
    u = unary(2.0, "mystery", x, 3.0, None)
    assert local_tokens(u, 0) == [Local(u, 0)]
    assert local_formula(u, 0, ["x", "u"], {x: 0, u: 1}) is None


@pytest.mark.parametrize("op", UNARY, ids=ids)
def test_forward_text_is_the_tables(op):
    x = Value(op.ordinary[0], label="x")
    y = method(op)(x)
    if op.scalar is None:                          # sqrt: x ** 0.5
        assert step_through(y).steps[1].caption.startswith("Forward: x^0.5 = ")
        return
    k = "" if y.const is None else f"{y.const:g}"
    assert f" {ops.fill(op.forward, x='x', k=k)} = " in step_through(y).steps[1].caption


# ----------------------------------------------------------------- check_op
@pytest.mark.parametrize("op", UNARY, ids=ids)
def test_check_op_knows_every_unary_row(op):
    if op.scalar is None:
        forward, local = math.sqrt, lambda x: 0.5 / math.sqrt(x)
    elif op.name == "leaky_relu":
        forward = lambda x: op.scalar(x, ops.LEAKY_SLOPE)[0]       # noqa: E731
        local = lambda x: op.scalar(x, ops.LEAKY_SLOPE)[1]         # noqa: E731
    else:
        forward, local = (lambda x: op.scalar(x)[0]), (lambda x: op.scalar(x)[1])
    report = check_op(op.name, forward, local)
    assert report.ok, str(report)
    assert len(report.rows) == len(op.points)
    wrong = check_op(op.name, forward, lambda x: local(x) + 0.5)   # and it can fail
    assert not wrong.ok


_PYTHON = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
           "/": lambda a, b: a / b, "**": lambda a, b: a ** b}
_SLOPES = {"+": lambda a, b: (1.0, 1.0), "-": lambda a, b: (1.0, -1.0),
           "*": lambda a, b: (b, a), "/": lambda a, b: (1 / b, -a / b ** 2),
           "**": lambda a, b: b * a ** (b - 1)}


@pytest.mark.parametrize("name", [*ops.BINARY, *ops.ALIASES])
def test_check_op_knows_every_binary_row_and_alias(name):
    row = ops.get(name)
    report = check_op(name, _PYTHON[row.name], _SLOPES[row.name])
    assert report.ok, str(report)
    assert len(report.rows) == len(row.points)


# ------------------------------------------------------- gradient checks
def test_op_checks_cover_every_row():
    checked = {case.op.split()[0] for case in op_checks.cases()}    # "** int" checks **
    assert {op.name for op in UNARY} <= checked
    assert set(ops.BINARY) <= checked


@pytest.mark.parametrize("op", UNARY, ids=ids)
def test_gradcheck_at_the_ordinary_points(op):
    for p in op.ordinary:
        result = gradcheck(lambda v: method(op)(v[0]), [Value(p, label="x")])
        assert result.ok, (op.name, p, result)


@pytest.mark.parametrize("op", [op for op in UNARY if op.scalar], ids=lambda op: op.name)
def test_float_and_batch_agree_at_the_points(op):
    """One row, two codes (a float, a numpy batch): the same numbers, through the engine."""
    points = np.array(op.points)
    batched = method(op)(Value(points))
    for n, p in enumerate(op.points):
        one = method(op)(Value(p))
        assert batched.data[n] == pytest.approx(one.data, rel=1e-13, abs=0.0, nan_ok=True)
        assert batched.local_grads[0][n] == pytest.approx(
            one.local_grads[0], rel=1e-13, abs=0.0, nan_ok=True)


@pytest.mark.parametrize("op", BINARY, ids=[op.name for op in BINARY])
def test_binary_float_and_batch_agree_at_the_points(op):
    pairs = [(x, y) for x, y in op.points if op.name != "**" or x > 0]
    xs, ys = np.array([x for x, _ in pairs]), np.array([y for _, y in pairs])
    batched = _PYTHON[op.name](Value(xs), Value(ys))
    for n, (x, y) in enumerate(pairs):
        one = _PYTHON[op.name](Value(x), Value(y))
        assert batched.data[n] == pytest.approx(one.data, rel=1e-13, abs=0.0)
        for d_b, d_1 in zip(batched.local_grads, one.local_grads):
            d_b = np.broadcast_to(d_b, xs.shape)          # + and - give a plain 1
            assert d_b[n] == pytest.approx(d_1, rel=1e-13, abs=0.0)


# ------------------------------------------------------------ sin, end to end
def test_sin_end_to_end(capsys, tmp_path):
    out = tmp_path / "sin.svg"
    assert cli.main(["graph", "sin(a*b)", "--set", "a=1", "b=2", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"f = {math.sin(2.0):.6g}" in printed
    assert f"df/da = {2 * math.cos(2.0):.6g}" in printed
    assert out.read_text(encoding="utf-8").startswith(("<?xml", "<svg"))

    assert check_op("sin", math.sin, math.cos).ok
    assert not check_op("sin", math.sin, lambda x: -math.cos(x)).ok

    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    f = (a * b).sin()
    f.label = "f"
    caption = next(s.caption for s in step_through(f).steps if s.kind == "edge")
    assert "\u2202f/\u2202(a \u00d7 b) = cos(a \u00d7 b) = " in caption
    assert gradcheck(lambda v: (v[0] * v[1]).sin(), [a, b]).ok


def test_sin_touches_two_files():
    """The touch count of adding a unary op: its name is a string in ops.py and value.py only."""
    package = Path(micrograd_ed.__file__).parent
    named = sorted(str(f.relative_to(package)) for f in package.rglob("*.py")
                   if re.search(r"""["']sin["']""", f.read_text(encoding="utf-8")))
    assert named == ["engine/ops.py", "engine/value.py"]
    readme = Path(micrograd_ed.__file__).parents[1] / "README.md"
    if readme.exists():
        assert re.search(r"abs sqrt sin`", readme.read_text(encoding="utf-8"))
