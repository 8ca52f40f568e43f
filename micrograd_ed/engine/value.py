"""Value, and the op table: each op's forward value and local derivative, side by side.

A Value is one node of a graph. It holds

* ``data``        -- the number computed in the forward pass (or a batch: see batched.py),
* ``parents``     -- the Values it was computed from,
* ``local_grads`` -- ``local_grads[i]`` = d data / d parents[i], computed right beside data,
* ``grad``        -- d root / d self, filled in by ``root.backward()`` (backward.py),

and, for pictures, ``op`` ('+', 'tanh', ...; '' for a leaf), ``label``, ``const`` (the plain
number of ``v * 2.0``) and ``scope`` (which layer made it).

Each op below computes its result z, then dz/d(each operand), and makes the node with
``unary(z, op, x, dz_dx)``, ``binary(z, op, x, y, dz_dx, dz_dy)`` or ``nary(z, op, parents,
local_grads)``. A plain-number operand does not become a node: it is kept as ``const`` and the
node has one parent. Adding an op means adding one method here, nothing else. (How a node is
stored, and why ``+`` and ``*`` run a hand-inlined copy of the code here: speed.py.)
"""

from __future__ import annotations

import math

import numpy as np

from micrograd_ed.engine import backward as _backward
from micrograd_ed.engine import batched, display, speed
from micrograd_ed.engine import messages as check
from micrograd_ed.engine.batched import Batch, like, power, power_slope
from micrograd_ed.engine.messages import (
    Data,
    Number,
    check_data,
    check_label,
    constant,
    names,
    show,
)
from micrograd_ed.engine.speed import binary, unary


class Value(speed.Node):
    """A number (or a batch of per-sample numbers, batched.py) in a graph.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> L = a * b + a
    >>> L.backward()
    >>> a.grad, b.grad            # dL/da = b + 1, dL/db = a
    (-2.0, 2.0)
    """

    __slots__ = speed.SLOTS
    __array_ufunc__ = None  # `array * v` calls v.__rmul__ instead of making an object array

    def __init__(self, data: Number | np.ndarray, label: str = "") -> None:
        self.data = check_data(data, label)
        self.grad: Data = 0.0
        self._label = check_label(label)
        self.op = ""                    # '' marks a leaf
        self._p0 = None                 # no parents (the layout: speed.py)
        self._p1 = self._d1 = ()
        self._n = None                  # backward() never waits for a leaf

    # ------------------------------------------------------------- the ops
    def __add__(self, other: Value | Number) -> Value:
        """z = x + y;  dz/dx = 1,  dz/dy = 1."""
        if isinstance(other, Value):
            return binary(self.data + other.data, "+", self, other, 1.0, 1.0)
        c = _operand(other, "+", self)
        if isinstance(c, Value):
            return self + c
        return unary(self.data + c, "+", self, 1.0, c)

    def __mul__(self, other: Value | Number) -> Value:
        """z = x * y;  dz/dx = y,  dz/dy = x."""
        if isinstance(other, Value):
            x, y = self.data, other.data
            return binary(x * y, "*", self, other, y, x)
        c = _operand(other, "*", self)
        if isinstance(c, Value):
            return self * c
        return unary(self.data * c, "*", self, c, c)

    __radd__, __rmul__ = __add__, __mul__

    def __sub__(self, other: Value | Number) -> Value:
        """z = x - y;  dz/dx = 1,  dz/dy = -1."""
        if isinstance(other, Value):
            return binary(self.data - other.data, "-", self, other, 1.0, -1.0)
        c = _operand(other, "-", self)
        if isinstance(c, Value):
            return self - c
        return unary(self.data - c, "-", self, 1.0, c)

    def __rsub__(self, other: Number) -> Value:
        """c - x: the constant on the left becomes a leaf node, so the op stays `x - y`."""
        return _constant_leaf(other, "-", self) - self

    def __neg__(self) -> Value:
        """z = -x;  dz/dx = -1."""
        return unary(-self.data, "neg", self, -1.0)

    def __truediv__(self, other: Value | Number) -> Value:
        """z = x / y;  dz/dx = 1/y,  dz/dy = -x/y**2 (= -z/y)."""
        if not isinstance(other, Value):
            c = _operand(other, "/", self)
            if isinstance(c, Value):
                return self / c
            check.divisor(self, c)
            return unary(self.data / c, "/", self, 1.0 / c, c)
        check.divisor(self, other)
        x, y = self.data, other.data
        z = x / y
        return binary(z, "/", self, other, 1.0 / y, -z / y)

    def __rtruediv__(self, other: Number) -> Value:
        """c / x, with the constant as a leaf node."""
        return _constant_leaf(other, "/", self) / self

    def __pow__(self, other: Value | Number) -> Value:
        """z = x ** k;  dz/dx = k x**(k-1)   (and dz/dk = x**k ln x for a Value k)."""
        if not isinstance(other, Value):
            other = _operand(other, "**", self)
        if isinstance(other, Value):
            return _pow_value(self, other)
        x, k = self.data, other
        check.power(self, k)                # a finite k, no complex result, no 0 ** -1
        if k == 0:                          # x**0 = 1 everywhere, slope 0
            return unary(like(x, 1.0), "**", self, like(x, 0.0), k)
        try:
            z = power(x, k)                 # (an OverflowError for a batch too: batched.py)
        except OverflowError:
            raise check.power_overflow(self, k) from None
        return unary(z, "**", self, power_slope(x, k), k)

    def __rpow__(self, other: Number) -> Value:
        """c ** x, with the constant base as a leaf node (it must be positive)."""
        return _pow_value(_constant_leaf(other, "**", self), self)

    def exp(self) -> Value:
        """z = e**x;  dz/dx = e**x."""
        x = check.exp_argument(self)
        z = np.exp(x) if x.__class__ is Batch else math.exp(x)
        return unary(z, "exp", self, z)

    def log(self) -> Value:
        """z = ln x;  dz/dx = 1/x.  Defined for x > 0."""
        x = check.log_argument(self)
        z = np.log(x) if x.__class__ is Batch else math.log(x)
        return unary(z, "log", self, 1.0 / x)

    def tanh(self) -> Value:
        """z = tanh x = (e**2x - 1)/(e**2x + 1);  dz/dx = 1 - z**2."""
        x = self.data
        z = np.tanh(x) if x.__class__ is Batch else math.tanh(x)
        return unary(z, "tanh", self, 1.0 - z * z)

    def sigmoid(self) -> Value:
        """z = 1/(1 + e**-x);  dz/dx = z(1 - z).  Computed without overflow."""
        x = self.data
        if x.__class__ is Batch:
            e = np.exp(-np.abs(x))
            z = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        elif x >= 0:
            z = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            z = e / (1.0 + e)
        return unary(z, "sigmoid", self, z * (1.0 - z))

    def relu(self) -> Value:
        """z = max(0, x);  dz/dx = 1 if x > 0 else 0  (0 at x = 0)."""
        x = self.data
        if x.__class__ is Batch:
            return unary(np.maximum(x, 0.0), "relu", self, (x > 0) * 1.0)
        if x > 0:
            return unary(x, "relu", self, 1.0)
        if x <= 0:
            return unary(0.0, "relu", self, 0.0)
        return unary(x, "relu", self, 0.0)          # NaN stays NaN (as numpy's maximum)

    def step(self) -> Value:
        """The perceptron's threshold: z = 1 if x > 0 else 0;  dz/dx = 0.

        The slope is 0 everywhere (undefined at 0), so no gradient flows back through a
        step: gradient descent cannot learn through it.
        """
        x = self.data
        if x.__class__ is Batch:
            return unary((x > 0) * 1.0, "step", self, np.zeros_like(x))
        return unary(1.0 if x > 0 else 0.0, "step", self, 0.0)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """z = x if x > 0 else slope*x;  dz/dx = 1 if x > 0 else slope."""
        slope = check.slope(slope)
        x = self.data
        d = np.where(x > 0, 1.0, slope) if x.__class__ is Batch else (1.0 if x > 0 else slope)
        return unary(x * d, "leaky_relu", self, d, slope)

    def softplus(self) -> Value:
        """z = ln(1 + e**x);  dz/dx = sigmoid(x).  Computed without overflow."""
        x = self.data
        if x.__class__ is Batch:
            e = np.exp(-np.abs(x))
            z = np.log1p(e) + np.maximum(x, 0.0)
            s = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        else:
            e = math.exp(-abs(x))
            z = math.log1p(e) + max(x, 0.0)
            s = 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)
        return unary(z, "softplus", self, s)

    def abs(self) -> Value:
        """z = |x|;  dz/dx = sign(x)  (0 at x = 0)."""
        x = self.data
        if x.__class__ is Batch:
            return unary(np.abs(x), "abs", self, np.sign(x))
        return unary(abs(x), "abs", self, float((x > 0) - (x < 0)) if x == x else x)

    def sqrt(self) -> Value:
        """z = x ** 0.5;  dz/dx = 1/(2 sqrt x)  (inf at x = 0)."""
        return self ** 0.5

    def sum(self) -> Value:
        """Sum over the batch:  z = sum_b x_b;  dz/dx_b = 1.  A plain number stays as is."""
        if self.data.__class__ is Batch:
            return batched.reduce(self, "sum")
        return unary(self.data, "sum", self, 1.0)

    def mean(self) -> Value:
        """Mean over the batch:  z = (1/B) sum_b x_b;  dz/dx_b = 1/B."""
        if self.data.__class__ is Batch:
            return batched.reduce(self, "mean")
        return unary(self.data, "mean", self, 1.0)

    # ------------------------------------------------------------ backprop
    def backward(self, gradient: Data | None = None) -> None:
        """Fill ``grad`` of every node this one depends on with ``d self / d node``.

        Two walks over the graph, then ``parent.grad += local_grad * child.grad`` along
        every edge (backward.py). As in PyTorch, leaves accumulate over calls (call
        `zero_grad` between steps) while interior nodes hold the latest call's gradient;
        and a batched Value must be reduced first (``.sum()``, ``.mean()``), or given the
        `gradient` to start from, one number per sample.
        """
        _backward.backward(self, gradient)

    # ---------------------------------------------------------- conveniences
    def __float__(self) -> float:
        if self.data.__class__ is Batch:
            raise TypeError(f"float() of a batched Value {names((self, 'x'))[0]} "
                            f"with {self.data.size} samples; use .data")
        return float(self.data)

    def __repr__(self) -> str:
        label = f"label={self.label!r}, " if self.label else ""
        return f"Value({label}data={show(self.data)}, grad={show(self.grad)})"

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Jupyter shows a small Value as its graph (the renderer's hook: display.py)."""
        return display.mimebundle(self)


def _pow_value(base: Value, k: Value) -> Value:
    """z = x ** k with k a Value;  dz/dx = k x**(k-1) = k z / x,  dz/dk = x**k ln x.  x > 0."""
    x, y = check.positive_base(base, k), k.data
    try:
        z = power(x, y)
    except OverflowError:
        raise check.power_overflow(base, k) from None
    ln_x = np.log(x) if x.__class__ is Batch else math.log(x)
    return binary(z, "**", base, k, y * z / x, z * ln_x)


def _operand(c: object, op: str, v: Value) -> float | Value:
    """A plain-number operand as a float; a numpy batch as a leaf Value."""
    c = constant(c, op, v)
    return Value(c) if c.__class__ is Batch else c


def _constant_leaf(c: Number, op: str, v: Value) -> Value:
    """A plain number on the left of a non-commutative op (``2 - x``), as a labelled leaf."""
    c = _operand(c, op, v)
    return c if isinstance(c, Value) else Value(c, label=show(c))


speed.install(Value)    # + and * run speed.fast_add / fast_mul: the same nodes, built inline
