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
from micrograd_ed.engine import batched, display, ops, speed
from micrograd_ed.engine import messages as check
from micrograd_ed.engine.batched import Batch, arith, like, power, power_slope, quiet
from micrograd_ed.engine.messages import (
    Data,
    Number,
    check_data,
    check_label,
    constant,
    names,
    show,
)
from micrograd_ed.engine.speed import binary, new, unary
from micrograd_ed.engine.unary import apply, unary_op


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
    # Binary ops, written out: the result z, then dz/d(each operand), side by side.
    def __add__(self, other: Value | Number) -> Value:
        """z = x + y;  dz/dx = 1,  dz/dy = 1."""
        if other.__class__ is Value and not speed.anomaly_blocks:
            x, y = self.data, other.data
            if x.__class__ is float is y.__class__:     # (batches: add(), below)
                z = new(Value)                  # (the node built in place: speed.py, 3)
                z.data = x + y
                z._p0, z._d0 = self, 1.0        # parent 0 and dz/d(parent 0)
                z._p1, z._d1 = other, 1.0       # parent 1 and dz/d(parent 1)
                z.grad, z.op, z._n = 0.0, "+", 0
                return z
        return add(self, other)

    def __mul__(self, other: Value | Number) -> Value:
        """z = x * y;  dz/dx = y,  dz/dy = x."""
        if other.__class__ is Value and not speed.anomaly_blocks:
            x, y = self.data, other.data
            if x.__class__ is float is y.__class__:     # (batches: mul(), below)
                z = new(Value)                  # (the node built in place: speed.py, 3)
                z.data = x * y
                z._p0, z._d0 = self, y          # parent 0 and dz/d(parent 0) = y
                z._p1, z._d1 = other, x         # parent 1 and dz/d(parent 1) = x
                z.grad, z.op, z._n = 0.0, "*", 0
                return z
        return mul(self, other)

    __radd__, __rmul__ = __add__, __mul__

    def __sub__(self, other: Value | Number) -> Value:
        """z = x - y;  dz/dx = 1,  dz/dy = -1."""
        if isinstance(other, Value):
            return binary(arith("-", self, other), "-", self, other, 1.0, -1.0)
        c = _operand(other, "-", self)
        if isinstance(c, Value):
            return self - c
        return unary(arith("-", self, c), "-", self, 1.0, c)

    def __rsub__(self, other: Number) -> Value:
        """c - x: the constant on the left becomes a leaf node, so the op stays `x - y`."""
        return _constant_leaf(other, "-", self) - self

    def __truediv__(self, other: Value | Number) -> Value:
        """z = x / y;  dz/dx = 1/y,  dz/dy = -x/y**2 (= -z/y)."""
        if not isinstance(other, Value):
            c = _operand(other, "/", self)
            if isinstance(c, Value):
                return self / c
            check.divisor(self, c)
            return unary(arith("/", self, c), "/", self, 1.0 / c, c)
        check.divisor(self, other)
        z = arith("/", self, other)
        y = other.data
        with quiet():                       # (a batch: no numpy warnings, as for floats)
            return binary(z, "/", self, other, 1.0 / y, -z / y)

    def __rtruediv__(self, other: Number) -> Value:
        """c / x, with the constant as a leaf node."""
        return _constant_leaf(other, "/", self) / self

    def __pow__(self, other: Value | Number) -> Value:
        """z = x ** k;  dz/dx = k x**(k-1)   (and dz/dk = x**k ln x for a Value k)."""
        if other.__class__ is Batch:        # one constant exponent per sample
            return _pow_per_sample(self, constant(other, "**", self))
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

    # Unary ops: each is one entry of the op table (ops.py), where its value and its local
    # derivative are computed side by side, for a float and for a batch.
    __neg__ = unary_op("neg")
    exp = unary_op("exp")
    log = unary_op("log")
    tanh = unary_op("tanh")
    sigmoid = unary_op("sigmoid")
    relu = unary_op("relu")
    step = unary_op("step")
    softplus = unary_op("softplus")
    abs = unary_op("abs")
    sin = unary_op("sin")

    def leaky_relu(self, slope: float = ops.LEAKY_SLOPE) -> Value:
        """z = x if x > 0 else slope*x;  dz/dx = 1 if x > 0 else slope."""
        return apply(ops.UNARY["leaky_relu"], self, check.slope(slope))

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


def add(x: Value, other: Value | Number) -> Value:
    """x + other for every operand `Value.__add__` does not build in place: a plain number
    (kept as the node's constant), a batch, or any operand in anomaly mode."""
    if isinstance(other, Value):
        return binary(arith("+", x, other), "+", x, other, 1.0, 1.0)
    c = _operand(other, "+", x)
    if isinstance(c, Value):
        return add(x, c)
    return unary(arith("+", x, c), "+", x, 1.0, c)


def mul(x: Value, other: Value | Number) -> Value:
    """x * other for every operand `Value.__mul__` does not build in place."""
    if isinstance(other, Value):
        return binary(arith("*", x, other), "*", x, other, other.data, x.data)
    c = _operand(other, "*", x)
    if isinstance(c, Value):
        return mul(x, c)
    return unary(arith("*", x, c), "*", x, c, c)


def _pow_per_sample(base: Value, k: np.ndarray) -> Value:
    """z_b = x_b ** k_b with a plain-number exponent per sample (a numpy array);
    dz_b/dx_b = k_b x_b**(k_b - 1). The same values and errors as ``x ** k`` sample by sample."""
    if base.data.__class__ is Batch and base.data.shape != k.shape:
        raise check.batch_sizes("**", base, Value(k, label="k"))
    check.power(base, k)
    x = np.broadcast_to(np.asarray(base.data, dtype=np.float64), k.shape)
    try:
        z = power(x, k)
    except OverflowError:
        raise check.power_overflow(base, k) from None
    with quiet():
        slope = np.where(k == 0, 0.0, k * np.float_power(x, k - 1))
    return unary(z, "**", base, slope, k)


def _pow_value(base: Value, k: Value) -> Value:
    """z = x ** k with k a Value;  dz/dx = k x**(k-1) = k z / x,  dz/dk = x**k ln x.  x > 0."""
    if base.data.__class__ is Batch is k.data.__class__ and base.data.shape != k.data.shape:
        raise check.batch_sizes("**", base, k)
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


speed.bind(Value)       # the node constructors (speed.py) make Values
