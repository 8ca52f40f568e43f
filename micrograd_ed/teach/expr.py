"""Arithmetic expressions typed by a person, turned into a graph of Values -- safely.

``build("tanh(a*b + c)", {"a": 2, "b": -3, "c": 10})`` parses the text with
:mod:`ast` and walks the tree itself, one allowed node type at a time. Nothing
is ever passed to ``eval`` or ``exec``, so the text can only ever do arithmetic.

Allowed:

* variables (names given a value) and numbers: ``a``, ``x1``, ``2``, ``0.5``, ``1e-3``;
* ``+ - * / **`` and unary ``-`` / ``+``;
* calls of one argument to ``exp``, ``log``, ``tanh``, ``sigmoid`` and ``relu``.

Everything else -- attribute access, subscripts, other calls, lambdas,
imports, comparisons, names without a value, exponents above
``MAX_EXPONENT``, results too large for a float -- raises
:class:`ExpressionError`, which quotes the part of the text that is not allowed.

Names are read as Python reads them, after Unicode NFKC normalisation (the
fullwidth ``ａ`` *is* ``a``); the names in `values` are normalised the same way.
One variable spelled two ways in one expression (``ａ*a``) is refused, since it
reads as two variables but is one.
"""

from __future__ import annotations

import ast
import math
import unicodedata
from collections.abc import Callable, Mapping

from micrograd_ed.engine import Value, ops

# The functions a typed expression may call: the op table's (engine/ops.py), in its order.
FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    name: getattr(Value, name) for name in ops.expression_functions()}
MAX_EXPONENT = 100          # |k| in x ** k; 2**10**10 is a typo, not a lesson
MAX_LENGTH = 2000           # characters of expression text
_TOO_DEEP = "the expression is nested too deeply; split it into smaller ones"
_ALLOWED = f"variables, numbers, + - * / **, unary -, and {'/'.join(FUNCTIONS)}(...)"

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_OTHER_OPS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
              ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&",
              ast.Invert: "~", ast.Not: "not"}
_WHAT = {  # how to name a rejected node in an error message
    ast.Attribute: "attribute access", ast.Subscript: "subscript", ast.Lambda: "lambda",
    ast.Compare: "comparison", ast.BoolOp: "boolean operator", ast.IfExp: "if-expression",
    ast.NamedExpr: "assignment expression", ast.Starred: "starred expression",
    ast.List: "list", ast.Tuple: "tuple", ast.Dict: "dict", ast.Set: "set",
    ast.ListComp: "comprehension", ast.SetComp: "comprehension",
    ast.DictComp: "comprehension", ast.GeneratorExp: "generator expression",
    ast.JoinedStr: "f-string", ast.Await: "await", ast.Yield: "yield",
    ast.YieldFrom: "yield", ast.Slice: "slice",
}
_STATEMENTS = {ast.Import: "import", ast.ImportFrom: "import", ast.Assign: "assignment",
               ast.AugAssign: "assignment", ast.AnnAssign: "assignment",
               ast.FunctionDef: "function definition", ast.ClassDef: "class definition",
               ast.Delete: "del", ast.Global: "global", ast.With: "with", ast.For: "for",
               ast.While: "while", ast.If: "if", ast.Try: "try", ast.Raise: "raise",
               ast.Assert: "assert", ast.Return: "return", ast.Pass: "pass"}


class ExpressionError(ValueError):
    """The text is not an expression this module evaluates; the message says which part."""


def parse(text: str) -> ast.expr:
    """Parse `text` and check that every node in it is allowed; return the expression tree."""
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be text, got {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text)} characters long; the limit "
                              f"is {MAX_LENGTH}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        raise ExpressionError(_syntax_message(text.strip(), e)) from None
    except (ValueError, RecursionError, MemoryError) as e:  # huge literals, deep nesting
        raise ExpressionError(f"cannot parse the expression: {_one_line(e)}") from None
    checker = _Checker(text.strip())
    try:
        checker.visit(tree.body)
    except RecursionError:
        raise ExpressionError(_TOO_DEEP) from None
    for name, spellings in checker.spellings.items():
        if len(spellings) > 1:
            first, second = list(spellings)[:2]
            raise ExpressionError(
                f"{_quote(first)} and {_quote(second)} are the same variable: Python reads "
                f"both as {_quote(name)} (Unicode NFKC normalisation); spell it one way")
    return tree.body


def normalise(name: str) -> str:
    """A variable name as the parser reads it (Unicode NFKC): 'ａ' -> 'a', 'ﬁ' -> 'fi'."""
    return unicodedata.normalize("NFKC", name)


def _normalised(values: Mapping[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    given: dict[str, str] = {}
    for key, x in values.items():
        name = normalise(key) if isinstance(key, str) else key
        if name in given:
            raise ExpressionError(
                f"the values name {given[name]!r} and {key!r}, which are the same variable "
                f"(Unicode NFKC reads both as {name!r}); give only one")
        given[name], out[name] = key, x
    return out


def names(text_or_tree: str | ast.expr) -> list[str]:
    """The variables an expression uses, in order of first appearance."""
    tree = parse(text_or_tree) if isinstance(text_or_tree, str) else text_or_tree
    seen: dict[str, None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in FUNCTIONS:
            seen.setdefault(node.id, None)
    return sorted(seen, key=lambda n: _first_col(tree, n))


def build(text: str, values: Mapping[str, float]) -> Value:
    """The expression as a graph of Values, one labelled leaf per variable.

    `values` gives every variable its number. A variable used twice is the same
    leaf, so ``a*a`` has one ``a`` with two edges out of it.
    """
    tree = parse(text)
    values = _normalised(values)
    used = names(tree)
    missing = [n for n in used if n not in values]
    if missing:
        given = ", ".join(sorted(values)) or "none"
        hint = " ".join(f"{n}=..." for n in missing)
        raise ExpressionError(
            f"no value for {_list(missing)} (values given: {given}); add --set {hint}")
    leaves = {n: Value(float(values[n]), label=n) for n in used}
    try:
        out = evaluate(tree, text.strip(), leaves)
    except RecursionError:
        raise ExpressionError(_TOO_DEEP) from None
    if not isinstance(out, Value):
        out = Value(out, label=text.strip())    # a constant expression: one leaf
    return out


# ----------------------------------------------------------------- checks
class _Checker(ast.NodeVisitor):
    """Reject, before computing anything, every node that is not plain arithmetic."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spellings: dict[str, dict[str, None]] = {}   # name -> how the text spells it

    def generic_visit(self, node: ast.AST) -> None:
        raise ExpressionError(self.rejected(node))

    def rejected(self, node: ast.AST) -> str:
        part = _segment(self.text, node)
        what = _WHAT.get(type(node), type(node).__name__)
        return f"{what} {part} is not allowed; use only {_ALLOWED}"

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in FUNCTIONS:
            raise ExpressionError(f"{node.id} is a function: call it, as in {node.id}(x)")
        if node.id.startswith("_"):
            raise ExpressionError(f"name {node.id!r} is not allowed: variable names may not "
                                  f"start with an underscore")
        spelled = ast.get_source_segment(self.text, node) or node.id
        self.spellings.setdefault(node.id, {})[spelled] = None

    def visit_Constant(self, node: ast.Constant) -> None:
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            kind = {str: "string", bytes: "bytes", complex: "complex number"}.get(
                type(v), type(v).__name__)
            raise ExpressionError(f"{kind} {_segment(self.text, node)} is not allowed; "
                                  f"numbers must be real, as in 2 or 0.5")
        try:
            finite = math.isfinite(float(v))
        except OverflowError:
            finite = False
        if not finite:
            raise ExpressionError(f"number {_segment(self.text, node, 20)} is too large for "
                                  f"a float") from None

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if type(node.op) not in _BINOPS:
            raise ExpressionError(_operator_message(self.text, node, node.op))
        self.visit(node.left)
        self.visit(node.right)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise ExpressionError(_operator_message(self.text, node, node.op))
        self.visit(node.operand)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else None
        if name not in FUNCTIONS:
            callee = _segment(self.text, func)
            raise ExpressionError(f"call {_segment(self.text, node)} is not allowed: "
                                  f"{callee} is not one of {', '.join(FUNCTIONS)}")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise ExpressionError(f"{_segment(self.text, node)}: {name} takes exactly one "
                                  f"argument, as in {name}(x)")
        self.visit(node.args[0])


def _operator_message(text: str, node: ast.AST, op: ast.AST) -> str:
    sym = _OTHER_OPS.get(type(op), type(op).__name__)
    return (f"operator {sym} in {_segment(text, node)} is not allowed; "
            f"use only {_ALLOWED}")


def _syntax_message(text: str, e: SyntaxError) -> str:
    """Say which statement it is (import, assignment...) when the text is one."""
    try:
        module = ast.parse(text, mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        module = None
    if module is not None and module.body:
        stmt = module.body[0]
        if len(module.body) > 1:
            return (f"only one expression is allowed, got {len(module.body)} statements "
                    f"({_segment(text, stmt)} ...)")
        if type(stmt) in _STATEMENTS:
            return (f"{_STATEMENTS[type(stmt)]} statement {_segment(text, stmt)} is not "
                    f"allowed; give an arithmetic expression using {_ALLOWED}")
    where = f" at column {e.offset}" if e.offset else ""
    shown = text if len(text) <= 60 else text[:57] + "..."
    return f"not a valid expression{where}: {e.msg} in {_quote(shown)}"


# ------------------------------------------------------------- evaluation
def evaluate(tree: ast.expr, text: str, env: Mapping[str, object], *,
             V: type = Value, finite: bool = True) -> object:
    """Compute a tree that :func:`parse` has checked (``text`` is its source, for messages).

    ``env`` gives every name its node: a Value, or a node of any micrograd-style class ``V``
    (its ``+ - * / **`` and its methods ``tanh()``, ``exp()``, ...). Parts without a name
    stay plain floats; a function of a number makes it a leaf of class ``V`` first
    (``exp(2)``). With ``finite``, a result that overflows to inf is an ExpressionError.
    Used by :func:`build` and by the worksheets (teach/worksheet.py).
    """
    return _Builder(text, env, V, finite).visit(tree)


class _Builder(ast.NodeVisitor):
    """Compute the checked tree: nodes where a variable is involved, floats elsewhere."""

    def __init__(self, text: str, leaves: Mapping[str, object], V: type = Value,
                 finite: bool = True) -> None:
        self.text, self.leaves, self.V, self.finite = text, leaves, V, finite

    def visit_Name(self, node: ast.Name) -> object:
        return self.leaves[node.id]

    def visit_Constant(self, node: ast.Constant) -> float:
        return float(node.value)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> object:
        x = self.visit(node.operand)
        return -x if isinstance(node.op, ast.USub) else x

    def visit(self, node: ast.AST) -> object:
        out = super().visit(node)
        x = getattr(out, "data", out)
        if self.finite and not math.isfinite(x):
            raise ExpressionError(f"cannot compute {_segment(self.text, node)}: the result "
                                  f"is too large for a float (it overflows to {x})")
        return out

    def visit_BinOp(self, node: ast.BinOp) -> object:
        x, y = self.visit(node.left), self.visit(node.right)
        op = _BINOPS[type(node.op)]
        if op == "**":
            k = getattr(y, "data", y)
            if not abs(k) <= MAX_EXPONENT:
                raise ExpressionError(
                    f"exponent in {_segment(self.text, node)} is {k:.6g}; exponents must be "
                    f"between -{MAX_EXPONENT} and {MAX_EXPONENT}")
        try:
            if op == "+":
                return x + y
            if op == "-":
                return x - y
            if op == "*":
                return x * y
            if op == "/":
                return x / y
            if isinstance(x, float) and isinstance(y, float):
                z = x ** y
                if isinstance(z, complex):
                    raise ValueError("negative base to a non-integer power "
                                     "(the result would be complex)")
                return z
            return x ** y
        except (ArithmeticError, ValueError) as e:
            raise ExpressionError(f"cannot compute {_segment(self.text, node)}: "
                                  f"{_one_line(e)}") from None

    def visit_Call(self, node: ast.Call) -> object:
        arg = self.visit(node.args[0])
        if isinstance(arg, float):                  # exp(2): the number becomes a leaf
            arg = self.V(arg, label=_segment(self.text, node.args[0], quote=False))
        try:
            return getattr(arg, node.func.id)()     # parse() allowed only FUNCTIONS
        except (ArithmeticError, ValueError) as e:
            raise ExpressionError(f"cannot compute {_segment(self.text, node)}: "
                                  f"{_one_line(e)}") from None


# ------------------------------------------------------------------- text
def _segment(text: str, node: ast.AST, limit: int = 60, quote: bool = True) -> str:
    part = ast.get_source_segment(text, node) or ast.unparse(node)
    part = " ".join(part.split())
    if len(part) > limit:
        part = part[: limit - 3] + "..."
    return _quote(part) if quote else part


def _quote(s: str) -> str:
    return f"'{s}'" if "'" not in s else f'"{s}"'


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__


def _list(items: list[str]) -> str:
    return ", ".join(repr(i) for i in items)


def _first_col(tree: ast.expr, name: str) -> tuple[int, int]:
    return min((n.lineno, n.col_offset) for n in ast.walk(tree)
               if isinstance(n, ast.Name) and n.id == name)

