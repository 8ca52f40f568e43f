"""The op table: everything micrograd_ed knows about each op, in one place.

For every op there is ONE entry. It says what the op computes and its local derivative, in
code (for a float and for a batch) and in words, and what a tester needs to know about it:

    name         the op's name: the Value method (``x.tanh()``), the node's ``op``, the
                 function in typed expressions (``tanh(a*b)``)
    forward      how the result reads, with slots: ``tanh({x})``, ``{x} + {y}``
    derivative   the local derivative, as the lecture writes it: ``1 − {z}²`` (x is the input,
                 y the second operand, z the result, k the constant of ``x ** k``, j = k − 1)
    scalar       x -> (z, dz/dx) for a float (unary ops; binary ops are written out in
                 value.py, where + and * are also built fast)
    batch        the same for a batch (a numpy array, one entry per sample): batched.py
    points       where to test it: ordinary points and the awkward ones (0, tails, overflow)
    ordinary     two points inside its domain, far from its kinks, for graphs built in tests
    kinks        where it has no derivative (any slope between the one-sided ones is right)
    domain       where it is defined, in words ('' for everywhere)
    stable       how to compute it without overflow, when the obvious formula overflows
    mixups       the wrong local derivatives students often write: (f(x, z), words)

Readers: value.py (the ops themselves), batched.py (a batch), the player's captions and the
checker's explanations and hints and the pictures' op boxes (through optext.py, the one
renderer of an op's forward and local-derivative text), the
checker's probe points, the expression parser (teach/expr.py), the op gradient checks
(teach/op_checks.py) and the tests, which walk the table and fail when any reader lacks an
entry. Adding a unary op means one entry here and one line in value.py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from micrograd_ed.engine import messages

MINUS = "\u2212"            # one minus sign on every page (never '-' or '--')
TIMES = "\u00d7"
Pair = tuple[object, object]


@dataclass(frozen=True)
class Mixup:
    """A wrong local derivative that students write: its value at (x, z, k) (the input,
    the result and the node's constant, None when it has none), and its words (with the same
    slots as `Op.derivative`)."""

    value: Callable[[float, float, float | None], float]
    words: str


@dataclass(frozen=True)
class Op:
    """One row of the op table (see the module docstring for each field)."""

    name: str
    arity: int
    forward: str
    derivative: str | tuple[str, str]
    scalar: Callable[[float], Pair] | None = None
    batch: Callable[[np.ndarray], Pair] | None = None
    points: tuple = ()
    ordinary: tuple[float, float] = (0.5, -1.5)
    kinks: tuple[float, ...] = ()
    domain: str = ""
    stable: str = ""
    mixups: tuple[Mixup, ...] = ()
    in_expressions: bool = True
    check: Callable | None = None       # the domain check: messages.py (Value -> its data)
    gate: bool = False                  # where its slope is 0 it passes back exactly 0
    symbol: str = ""                    # binary ops: the operator as printed
    aliases: tuple[str, ...] = field(default=())


class Off(float):
    """The local derivative of a gate that is off (relu at x <= 0, step): 0, and 0 times
    any gradient, even an infinite or NaN one, is 0, as in PyTorch, where a gate passes
    nothing back (a plain 0.0 * inf would be NaN and poison every grad below it)."""

    __slots__ = ()

    def __mul__(self, other: object) -> float:
        return 0.0

    __rmul__ = __mul__


OFF = Off(0.0)


# --------------------------------------------------------------------------- unary ops
# Each op: the float version, then the batch version; both return (z, dz/dx).

def _exp(x: float) -> Pair:
    z = math.exp(x)
    return z, z                                         # d e^x/dx = e^x


def _exp_b(x: np.ndarray) -> Pair:
    z = np.exp(x)
    return z, z


def _log(x: float) -> Pair:
    return math.log(x), 1.0 / x                         # d ln x/dx = 1/x


def _log_b(x: np.ndarray) -> Pair:
    return np.log(x), 1.0 / x


def _tanh(x: float) -> Pair:
    z = math.tanh(x)
    return z, 1.0 - z * z                               # d tanh x/dx = 1 - tanh² x


def _tanh_b(x: np.ndarray) -> Pair:
    z = np.tanh(x)
    return z, 1.0 - z * z


def _sigmoid(x: float) -> Pair:
    if x >= 0:                                          # never exp of a large number
        z = 1.0 / (1.0 + math.exp(-x))
    else:
        e = math.exp(x)
        z = e / (1.0 + e)
    return z, z * (1.0 - z)                             # σ' = σ(1 - σ)


def _sigmoid_b(x: np.ndarray) -> Pair:
    e = np.exp(-np.abs(x))
    z = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return z, z * (1.0 - z)


def _relu(x: float) -> Pair:
    if x > 0:
        return x, 1.0
    if x <= 0:
        return 0.0, OFF                                 # off: passes nothing back
    return x, 0.0                                       # NaN stays NaN (as numpy's maximum)


def _relu_b(x: np.ndarray) -> Pair:
    return np.maximum(x, 0.0), (x > 0) * 1.0


def _step(x: float) -> Pair:
    return (1.0 if x > 0 else 0.0), OFF                 # flat everywhere: no gradient


def _step_b(x: np.ndarray) -> Pair:
    return (x > 0) * 1.0, np.zeros_like(x)


def _softplus(x: float) -> Pair:
    e = math.exp(-abs(x))
    s = 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)    # the slope is sigmoid(x)
    return math.log1p(e) + max(x, 0.0), s


def _softplus_b(x: np.ndarray) -> Pair:
    e = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return np.log1p(e) + np.maximum(x, 0.0), s


def _abs(x: float) -> Pair:
    return abs(x), (float((x > 0) - (x < 0)) if x == x else x)   # sign(x); 0 at 0


def _abs_b(x: np.ndarray) -> Pair:
    return np.abs(x), np.sign(x)


def _neg(x: float) -> Pair:
    return -x, -1.0


def _neg_b(x: np.ndarray) -> Pair:
    return -x, np.full_like(x, -1.0)


def _leaky_relu(x: float, slope: float) -> Pair:
    d = 1.0 if x > 0 else slope
    return x * d, d


def _leaky_relu_b(x: np.ndarray, slope: float) -> Pair:
    d = np.where(x > 0, 1.0, slope)
    return x * d, d


def _sin(x: float) -> Pair:
    return math.sin(x), math.cos(x)                     # d sin x/dx = cos x


def _sin_b(x: np.ndarray) -> Pair:
    return np.sin(x), np.cos(x)


_FLAT = (-5.0, -1.0, -1e-9, 0.0, 1e-9, 1.0, 5.0)      # around a kink at 0
LEAKY_SLOPE = 0.01                                      # leaky_relu's default slope

UNARY: dict[str, Op] = {op.name: op for op in (
    Op("neg", 1, f"{MINUS}{{x}}", f"{MINUS}1", _neg, _neg_b, points=(-2.0, 0.0, 3.0),
       in_expressions=False),
    Op("exp", 1, "exp({x})", "{z}", _exp, _exp_b,
       points=(-50.0, -5.0, -1.0, 0.0, 0.5, 1.0, 5.0, 50.0, 700.0), ordinary=(1.0, -2.0),
       domain="x \u2264 709.78 (e^x overflows a float above that)", check=messages.exp_argument,
       mixups=(Mixup(lambda x, z, k: x, "{x}: the derivative of exp is exp itself"),)),
    Op("log", 1, "log({x})", "1/{x}", _log, _log_b,
       points=(1e-8, 1e-3, 0.1, 0.5, 1.0, 2.0, 10.0, 1e6), ordinary=(2.0, 0.5),
       domain="x > 0 (log is the natural logarithm, base e)", check=messages.log_argument,
       mixups=(Mixup(lambda x, z, k: x, "{x} instead of 1/{x}"),
               Mixup(lambda x, z, k: -1.0 / x if x else math.nan,
                     f"{MINUS}1/{{x}}: the sign is wrong"))),
    Op("tanh", 1, "tanh({x})", f"1 {MINUS} {{z}}\u00b2", _tanh, _tanh_b,
       points=(-400.0, -20.0, -3.0, -0.5, 0.0, 0.5, 3.0, 20.0, 400.0), ordinary=(0.5, -2.0),
       stable="math.tanh(x), or (1 - exp(-2x))/(1 + exp(-2x)) for x >= 0 and minus that of -x",
       mixups=(Mixup(lambda x, z, k: 1 - x * x,
                     f"1 {MINUS} {{x}}\u00b2, with the input; tanh' uses its output: "
                     f"1 {MINUS} {{z}}\u00b2"),
               Mixup(lambda x, z, k: 1 - z, f"1 {MINUS} {{z}}, without the square"))),
    Op("sigmoid", 1, "sigmoid({x})", f"{{z}}\u00b7(1 {MINUS} {{z}})", _sigmoid, _sigmoid_b,
       points=(-750.0, -40.0, -5.0, -1.0, 0.0, 1.0, 5.0, 40.0, 750.0), ordinary=(0.5, -3.0),
       stable="sigmoid(x) = 1/(1 + exp(-x)) for x >= 0 and exp(x)/(1 + exp(x)) for x < 0",
       mixups=(Mixup(lambda x, z, k: x * (1 - x),
                     f"{{x}}(1 {MINUS} {{x}}), with the input instead of the output"),
               Mixup(lambda x, z, k: z,
                     f"{{z}} alone, without the factor (1 {MINUS} {{z}})"))),
    Op("relu", 1, "relu({x})", "({x} > 0)", _relu, _relu_b, points=_FLAT, kinks=(0.0,),
       ordinary=(2.0, -1.0), gate=True,
       mixups=(Mixup(lambda x, z, k: 1.0,
                     "1 everywhere: relu passes nothing back where its input is \u2264 0"),)),
    Op("step", 1, "step({x})", "0", _step, _step_b, points=(-2.0, -1e-9, 1e-9, 2.0),
       kinks=(0.0,), in_expressions=False, gate=True),
    Op("leaky_relu", 1, "leaky_relu({x}, {k})", "1 if {x} > 0 else {k}", _leaky_relu,
       _leaky_relu_b, points=_FLAT, kinks=(0.0,), ordinary=(1.5, -2.0)),
    Op("softplus", 1, "softplus({x})", "sigmoid({x})", _softplus, _softplus_b,
       points=(-750.0, -40.0, -5.0, 0.0, 5.0, 40.0, 750.0),
       stable="softplus(x) = log1p(exp(-|x|)) + max(x, 0)"),
    Op("abs", 1, "|{x}|", "sign({x})", _abs, _abs_b, points=_FLAT, kinks=(0.0,),
       ordinary=(1.5, -2.0)),
    Op("sqrt", 1, "\u221a{x}", "1/(2\u221a{x})", None, None,      # x ** 0.5: see pow
       points=(1e-8, 1e-3, 0.25, 1.0, 4.0, 100.0), ordinary=(4.0, 0.25), domain="x \u2265 0"),
    Op("sin", 1, "sin({x})", "cos({x})", _sin, _sin_b,
       points=(-10.0, -3.0, -1.0, 0.0, 0.5, 1.5707963267948966, 3.0, 100.0),
       ordinary=(0.5, -2.0),
       mixups=(Mixup(lambda x, z, k: -math.cos(x), f"{MINUS}cos({{x}}): the sign is wrong"),)),
)}

# ------------------------------------------------------------------------- binary ops
# Their code is in value.py, written out (+ and * make most nodes, so they are built fast).
_PAIRS = ((2.0, -3.0), (0.0, 5.0), (-1.5, 0.0), (1e3, 1e-3), (-7.0, -7.0))

BINARY: dict[str, Op] = {op.name: op for op in (
    Op("+", 2, "{x} + {y}", ("1", "1"), points=_PAIRS, symbol="+", aliases=("add",)),
    Op("-", 2, f"{{x}} {MINUS} {{y}}", ("1", f"{MINUS}1"), points=_PAIRS, symbol=MINUS,
       aliases=("sub",)),
    Op("*", 2, f"{{x}} {TIMES} {{y}}", ("{y}", "{x}"), points=_PAIRS, symbol=TIMES,
       aliases=("mul",),
       mixups=(Mixup(lambda x, z, k: x,
                     "{x} itself: the local derivative of a product is the OTHER factor"),)),
    Op("/", 2, "{x} / {y}", ("1/{y}", f"{MINUS}{{x}}/{{y}}\u00b2"),
       points=((2.0, -3.0), (0.0, 5.0), (1.0, 1e-3), (-7.0, 2.0), (5.0, -1e3)), symbol="/",
       aliases=("div", "truediv")),
    Op("**", 2, "{x}^{y}", (f"{{y}}\u00b7{{x}}^({{y}} {MINUS} 1)", "{z}\u00b7ln {x}"),
       points=((2.0, 2.0), (-1.5, 3.0), (0.5, -2.0), (4.0, 0.5), (3.0, 0.0), (0.0, 2.0),
               (-2.0, 2.0)),
       symbol="^", aliases=("pow",),
       mixups=(Mixup(lambda x, z, k: x ** (k - 1),
                     f"{{x}}^(k {MINUS} 1) without the factor k = {{k}}"),
               Mixup(lambda x, z, k: k * x ** k,
                     f"k {TIMES} {{x}}^k: the power must drop by one"))),
)}

# Ops with many operands, one node each (nary.py), and the batch reductions (batched.py).
MANY: dict[str, Op] = {op.name: op for op in (
    Op("dot", 0, "{x}\u00b7{y} + \u2026", ("the other factor of its product",), points=()),
    Op("sum", 0, "{x} + \u2026", ("1",), points=()),
    Op("mean", 0, "mean({x})", ("1/B",), points=()),
    Op("stack", 0, "stack({x})", ("1",), points=()),
)}

OPS: dict[str, Op] = {**UNARY, **BINARY, **MANY}
GATES = frozenset(name for name, op in UNARY.items() if op.gate)
ALIASES = {alias: op.name for op in OPS.values() for alias in op.aliases}


def get(name: str) -> Op:
    """The entry of op `name` (or an alias such as 'mul'); KeyError naming the known ops."""
    op = OPS.get(ALIASES.get(name, name))
    if op is None:
        raise KeyError(f"no op {name!r}; the ops are {', '.join(OPS)}")
    return op


def expression_functions() -> tuple[str, ...]:
    """The functions a typed expression may call (``tanh(a*b)``), in table order."""
    return tuple(name for name, op in UNARY.items() if op.in_expressions)


# ------------------------------------------------------------------ words, filled in
_SLOT = re.compile(r"\{([xyzkj])\}")


def slots(template: str) -> list[str]:
    """A template cut into its text and its slots: ``'1 − {z}²'`` -> ``['1 − ', 'z', '²']``
    (odd positions are slot names). Renderers that need tokens, not text, use this."""
    return _SLOT.split(template)


def fill(template: str, **text: str) -> str:
    """A template with its slots filled: ``fill('1 − {z}²', z='t')`` -> ``'1 − t²'``."""
    parts = slots(template)
    return "".join(text[p] if i % 2 else p for i, p in enumerate(parts))


def forward_template(name: str, operands: int, const: object) -> str:
    """How a node of op `name` reads: a binary op applied to a constant reads
    ``{x} + {k}``; ``x ** 2`` reads ``{x}^{k}``."""
    op = get(name)
    if op.arity == 2 and operands == 1 and const is not None:
        return op.forward.replace("{y}", "{k}")
    return op.forward


def derivative_template(name: str, i: int, operands: int, const: object) -> str:
    """∂z/∂(operand i) of op `name` in words, with slots."""
    op = get(name)
    d = op.derivative
    if isinstance(d, tuple):
        if op.arity == 2 and operands == 1:     # a binary op with a constant operand
            return _with_constant(name, const)
        return d[min(i, len(d) - 1)]
    return d


def _with_constant(name: str, k: object) -> str:
    if name in ("+", "-"):
        return "1"
    if name == "*":
        return "{k}"
    if name == "/":
        return "1/{k}"
    if k in (0, 1):                             # x ** 0 = 1 and x ** 1 = x: flat, or 1
        return f"{k:g}"
    if k == 2:
        return f"2 {TIMES} {{x}}"
    return f"{{k}} {TIMES} {{x}}^{{j}}"          # x ** k: k·x^(k − 1), with j = k − 1
