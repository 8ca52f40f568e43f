"""The engine: a `Value` node, its operations, and the chain rule.

Read this file top to bottom. Every node stores

* ``data``        -- the number computed in the forward pass,
* ``parents``     -- the nodes it was computed from,
* ``local_grads`` -- one number per parent, the *local derivative*
                     ``d self / d parents[i]``, computed right beside the forward
                     value (so each op's math stands in one place),
* ``grad``        -- ``dL/d self``, filled in by :meth:`Value.backward`.

Backpropagation then visits the nodes children first (a node once every node
that uses it is done) and applies ``parent.grad += local_grad * node.grad``
along each edge (the chain rule, summed over every path). Nodes point only at
their parents and hold no closures, so a graph has no reference cycles and is
freed by reference counting the moment its last reference goes.

Storage, for speed. A training step makes tens of thousands of nodes, and
Python's garbage collector re-scans every live one several times while they
are being made, so a node is ONE object with few slots, and no tuples or
closures of its own. Almost every op has one or two operands, so the edges live
in four slots, and ``parents`` / ``local_grads`` build the tuples on demand::

    node     _p0        _d0      _p1              _d1
    leaf     None       -        ()               ()
    unary    parent     d        None             const/-
    binary   parent 0   d0       parent 1         d1
    n-ary    None       const/-  tuple(parents)   tuple(local grads)

``_n`` is backward()'s counter (see "graph algorithms"); ``label`` and
``scope`` live in slots that most nodes leave empty.

Batched mode: ``data`` may also be a 1-D numpy array holding one entry per
sample. Every op then works elementwise, and a node whose ``data`` is a plain
float (a parameter) receives as its ``grad`` the sum over the batch of the
per-sample gradients.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np

Number = int | float
Data = float | np.ndarray

_ndarray = np.ndarray
_EXP_MAX = 709.782712893384  # math.log(sys.float_info.max): exp() above it overflows


class Value:
    """A scalar (or, in batched mode, a vector of per-sample scalars) in a graph.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> L = a * b + a
    >>> L.backward()
    >>> a.grad, b.grad            # dL/da = b + 1, dL/db = a
    (-2.0, 2.0)
    """

    __slots__ = ("data", "grad", "op", "_p0", "_d0", "_p1", "_d1", "_n", "_label", "_scope")
    __array_ufunc__ = None  # `array * v` calls v.__rmul__ instead of making an object array

    def __init__(self, data: Number | np.ndarray, label: str = "") -> None:
        self.data = _check_data(data, label)
        self.grad: Data = 0.0
        self._label = _check_label(label)
        self.op = ""                    # '' marks a leaf
        self._p0 = None                 # no parents (see the table at the top)
        self._p1 = self._d1 = ()
        self._n = None                  # backward() never counts a leaf's uses

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands this node was computed from (a repeated operand repeats)."""
        if self._p0 is None:
            return self._p1
        return (self._p0,) if self._p1 is None else (self._p0, self._p1)

    @property
    def local_grads(self) -> tuple[Data, ...]:
        """``local_grads[i]`` = d self / d parents[i], computed in the forward pass."""
        if self._p0 is None:
            return tuple(self._d1) if self._d1.__class__ is _ndarray else self._d1
        return (self._d0,) if self._p1 is None else (self._d0, self._d1)

    # Annotations, for people and the renderer rather than for the math. Most
    # nodes made by ops have none, so their slots stay empty (a smaller node is
    # a faster node: see the top of the file) and these properties supply the
    # defaults. (Not a class-wide `__getattr__` fallback: defining one makes
    # EVERY attribute read on a Value about 3x slower, because Python then
    # stops specialising slot reads.)
    @property
    def label(self) -> str:
        """A name to show (settable); '' unless given."""
        return getattr(self, "_label", "")

    @label.setter
    def label(self, label: str) -> None:
        self._label = _check_label(label)

    @property
    def const(self) -> Data | None:
        """The plain number an op was applied with (``v * 2.0`` keeps 2.0), else None.
        Kept in the edge slot that such a node does not use (see the table above)."""
        if self._p0 is None:                    # n-ary (a leaf never sets _d0)
            return getattr(self, "_d0", None)
        if self._p1 is None:                    # unary
            return getattr(self, "_d1", None)
        return None

    @property
    def scope(self) -> object:
        """Which module (layer, neuron) made this node, if `nn` recorded it; else None."""
        return getattr(self, "_scope", None)

    @scope.setter
    def scope(self, s: object) -> None:
        self._scope = s

    # ------------------------------------------------------------------ ops
    # Each op computes its result and, on the same lines, the local derivative
    # of the result with respect to each operand. A plain-number operand does
    # not become a node: it is kept in `const` and the node has one parent.

    def __add__(self, other: Value | Number) -> Value:
        """z = x + y;  dz/dx = 1,  dz/dy = 1."""
        if other.__class__ is Value and not _anomaly:
            # _binary(x + y, "+", self, other, 1.0, 1.0), written out: + and *
            # make most nodes of a network, and one function call fewer per
            # node saves about 5% of a training step.
            z = _new(Value)
            z.data = self.data + other.data
            z._p0, z._d0 = self, 1.0            # parent 0 and dz/d(parent 0)
            z._p1, z._d1 = other, 1.0           # parent 1 and dz/d(parent 1)
            z.grad, z.op, z._n = 0.0, "+", 0
            return z
        if other.__class__ is Value:            # anomaly mode: _binary checks
            return _binary(self.data + other.data, "+", self, other, 1.0, 1.0)
        c = _constant(other, "+", self)
        if c.__class__ is Value:
            return self + c
        return _unary(self.data + c, "+", self, 1.0, c)

    __radd__ = __add__

    def __mul__(self, other: Value | Number) -> Value:
        """z = x * y;  dz/dx = y,  dz/dy = x."""
        if other.__class__ is Value and not _anomaly:
            x, y = self.data, other.data        # _binary(x * y, "*", self, other, y, x),
            z = _new(Value)                     # written out as in __add__
            z.data = x * y
            z._p0, z._d0 = self, y
            z._p1, z._d1 = other, x
            z.grad, z.op, z._n = 0.0, "*", 0
            return z
        if other.__class__ is Value:
            x, y = self.data, other.data
            return _binary(x * y, "*", self, other, y, x)
        c = _constant(other, "*", self)
        if c.__class__ is Value:
            return self * c
        return _unary(self.data * c, "*", self, c, c)

    __rmul__ = __mul__

    def __sub__(self, other: Value | Number) -> Value:
        """z = x - y;  dz/dx = 1,  dz/dy = -1."""
        if other.__class__ is Value:
            return _binary(self.data - other.data, "-", self, other, 1.0, -1.0)
        c = _constant(other, "-", self)
        if c.__class__ is Value:
            return self - c
        return _unary(self.data - c, "-", self, 1.0, c)

    def __rsub__(self, other: Number) -> Value:
        """c - x: the constant on the left becomes a leaf node, so the op stays `x - y`."""
        return _constant_leaf(other, "-", self) - self

    def __neg__(self) -> Value:
        """z = -x;  dz/dx = -1."""
        return _unary(-self.data, "neg", self, -1.0)

    def __truediv__(self, other: Value | Number) -> Value:
        """z = x / y;  dz/dx = 1/y,  dz/dy = -x/y**2."""
        if other.__class__ is not Value:
            c = _constant(other, "/", self)
            if c.__class__ is Value:
                return self / c
            if _any(c == 0):
                raise ZeroDivisionError(f"division by zero: {_name(self)} / {c!r}")
            return _unary(self.data / c, "/", self, 1.0 / c, c)
        x, y = self.data, other.data
        if _any(y == 0):
            raise ZeroDivisionError(
                f"division by zero: {_name(self)} / {_name(other)} "
                f"with {_name(other)} = {_show(y)}")
        z = x / y
        return _binary(z, "/", self, other, 1.0 / y, -z / y)

    def __rtruediv__(self, other: Number) -> Value:
        """c / x, with the constant as a leaf node."""
        return _constant_leaf(other, "/", self) / self

    def __pow__(self, other: Value | Number) -> Value:
        """z = x ** k;  dz/dx = k * x**(k-1)   (and dz/dk = x**k * ln x for a Value k)."""
        if other.__class__ is Value or isinstance(other, Value):
            return _pow_value(self, other)
        k = _constant(other, "**", self)
        if k.__class__ is Value:
            return _pow_value(self, k)
        x = self.data
        if k == 0:                                  # x**0 = 1 everywhere, slope 0
            return _unary(_like(x, 1.0), "**", self, _like(x, 0.0), k)
        if k != int(k) and _any(x < 0):
            raise ValueError(
                f"negative base to a non-integer power: {_name(self)} ** {k!r} "
                f"with {_name(self)} = {_show(x)} (the result would be complex)")
        if k < 0 and _any(x == 0):
            raise ZeroDivisionError(
                f"0 raised to a negative power: {_name(self)} ** {k!r} "
                f"with {_name(self)} = {_show(x)}")
        try:
            z = x ** k
            if 0 < k < 1:                            # slope k*x**(k-1) is infinite at 0
                dz = k * np.divide(z, x) if x.__class__ is _ndarray else (
                    k * z / x if x != 0 else math.inf)
            else:
                dz = k * x ** (k - 1)
        except OverflowError:
            raise OverflowError(
                f"overflow in power: {_name(self)} ** {k!r} "
                f"with {_name(self)} = {_show(x)}") from None
        return _unary(z, "**", self, dz, k)

    def __rpow__(self, other: Number) -> Value:
        """c ** x, with the constant base as a leaf node (it must be positive)."""
        return _pow_value(_constant_leaf(other, "**", self), self)

    def exp(self) -> Value:
        """z = e**x;  dz/dx = e**x."""
        x = self.data
        if _max(x) > _EXP_MAX:
            raise OverflowError(
                f"exp overflow: exp({_name(self)}) with {_name(self)} = {_show(x)} "
                f"(exp of more than {_EXP_MAX:.1f} exceeds the largest float)")
        z = math.exp(x) if x.__class__ is not _ndarray else np.exp(x)
        return _unary(z, "exp", self, z)

    def log(self) -> Value:
        """z = ln x;  dz/dx = 1/x.  Defined for x > 0."""
        x = self.data
        if _any(x <= 0):
            raise ValueError(
                f"log of a non-positive number: log({_name(self)}) "
                f"with {_name(self)} = {_show(x)}")
        z = math.log(x) if x.__class__ is not _ndarray else np.log(x)
        return _unary(z, "log", self, 1.0 / x)

    def tanh(self) -> Value:
        """z = tanh x = (e**2x - 1)/(e**2x + 1);  dz/dx = 1 - z**2."""
        x = self.data
        t = math.tanh(x) if x.__class__ is not _ndarray else np.tanh(x)
        return _unary(t, "tanh", self, 1.0 - t * t)

    def sigmoid(self) -> Value:
        """z = 1/(1 + e**-x);  dz/dx = z(1 - z).  Computed without overflow."""
        x = self.data
        if x.__class__ is _ndarray:
            e = np.exp(-np.abs(x))
            s = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        elif x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return _unary(s, "sigmoid", self, s * (1.0 - s))

    def relu(self) -> Value:
        """z = max(0, x);  dz/dx = 1 if x > 0 else 0  (0 at x = 0)."""
        x = self.data
        if x.__class__ is _ndarray:
            return _unary(np.maximum(x, 0.0), "relu", self, (x > 0) * 1.0)
        if x > 0:
            return _unary(x, "relu", self, 1.0)
        return _unary(0.0, "relu", self, 0.0)

    def step(self) -> Value:
        """The perceptron's threshold: z = 1 if x > 0 else 0;  dz/dx = 0.

        The slope is 0 everywhere (undefined at 0), so no gradient flows back
        through a step: gradient descent cannot learn through it.
        """
        x = self.data
        if x.__class__ is _ndarray:
            return _unary((x > 0) * 1.0, "step", self, np.zeros_like(x))
        return _unary(1.0 if x > 0 else 0.0, "step", self, 0.0)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """z = x if x > 0 else slope*x;  dz/dx = 1 if x > 0 else slope."""
        x = self.data
        if x.__class__ is _ndarray:
            d = np.where(x > 0, 1.0, slope)
            return _unary(x * d, "leaky_relu", self, d, slope)
        d = 1.0 if x > 0 else slope
        return _unary(x * d, "leaky_relu", self, d, slope)

    def softplus(self) -> Value:
        """z = ln(1 + e**x);  dz/dx = sigmoid(x).  Computed without overflow."""
        x = self.data
        if x.__class__ is _ndarray:
            e = np.exp(-np.abs(x))
            z = np.log1p(e) + np.maximum(x, 0.0)
            s = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        else:
            e = math.exp(-abs(x))
            z = math.log1p(e) + max(x, 0.0)
            s = 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)
        return _unary(z, "softplus", self, s)

    def abs(self) -> Value:
        """z = |x|;  dz/dx = sign(x)  (0 at x = 0)."""
        x = self.data
        if x.__class__ is _ndarray:
            return _unary(np.abs(x), "abs", self, np.sign(x))
        return _unary(abs(x), "abs", self, float((x > 0) - (x < 0)))

    def sqrt(self) -> Value:
        """z = x ** 0.5;  dz/dx = 1/(2 sqrt x)."""
        return self ** 0.5

    # --------------------------------------------- batched-mode reductions
    def sum(self) -> Value:
        """Sum over the batch:  z = sum_i x_i;  dz/dx_i = 1.  A scalar stays as is."""
        x = self.data
        if x.__class__ is not _ndarray:
            return _unary(x, "sum", self, 1.0)
        return _unary(float(x.sum()), "sum", self, np.ones_like(x))

    def mean(self) -> Value:
        """Mean over the batch:  z = (1/B) sum_i x_i;  dz/dx_i = 1/B."""
        x = self.data
        if x.__class__ is not _ndarray:
            return _unary(x, "mean", self, 1.0)
        return _unary(float(x.mean()), "mean", self, np.full_like(x, 1.0 / x.size))

    # ------------------------------------------------------------ backprop
    def backward(self) -> None:
        """Fill ``grad`` of every node this one depends on with ``d self / d node``.

        The chain rule, applied once per edge, children before parents:
        ``parent.grad += local_grad * child.grad``. As in PyTorch, leaves
        accumulate over calls (call :func:`zero_grad` between steps), while
        interior nodes hold the gradient of the latest call.
        """
        if not self.op:             # a leaf: d self / d self = 1, and nothing below it
            self.grad += 1.0
            return
        try:
            _count_uses(self)       # walk 1 (see "graph algorithms" below)
            self.grad = 1.0
            if _anomaly or _batched:
                _backpropagate_general(self)
            else:
                _backpropagate(self)
        except BaseException:       # e.g. an anomaly: leave every use count at 0 again
            for v in topological_order(self):
                if v._n is not None:
                    v._n = 0
            raise

    # ---------------------------------------------------------- conveniences
    def __float__(self) -> float:
        if self.data.__class__ is _ndarray:
            raise TypeError(f"float() of a batched Value {_name(self)} "
                            f"with {self.data.size} samples; use .data")
        return float(self.data)

    def __repr__(self) -> str:
        label = f"label={self.label!r}, " if self.label else ""
        return f"Value({label}data={_show(self.data)}, grad={_show(self.grad)})"

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Jupyter shows a small Value as its graph (see micrograd_ed.viz)."""
        from micrograd_ed.viz import value_mimebundle  # lazy: the engine does not need it

        return value_mimebundle(self)


# ------------------------------------------------------------- node helpers
# The ops above make their nodes with these three constructors (`+` and `*`
# write theirs out, see __add__); they do no input checks (the ops did them).
# `detect_anomaly()` swaps in checking versions. They fill
# the slots directly (no __init__): that is the cheapest way Python has to make
# an object, and it runs once per node.
_new = object.__new__


def _unary(data: Data, op: str, p: Value, d: Data, const: Data | None = None) -> Value:
    """A node with one parent `p` and local derivative `d`."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.op = op
    v._p0 = p
    v._d0 = d
    v._p1 = None
    v._n = 0                        # see _count_uses()
    if const is not None:
        v._d1 = const               # the `const` property reads it here
    return v


def _binary(data: Data, op: str, p0: Value, p1: Value, d0: Data, d1: Data) -> Value:
    """A node with two parents (possibly the same Value twice, as in a * a).

    `__add__` and `__mul__` build theirs the same way, inline: keep them in step."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.op = op
    v._p0 = p0
    v._d0 = d0
    v._p1 = p1
    v._d1 = d1
    v._n = 0
    return v


def _nary(data: Data, op: str, parents: tuple, local_grads: tuple | np.ndarray,
          const: Data | None = None) -> Value:
    """A node with any number of parents, kept as tuples (dot, fused sum)."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.op = op
    v._p0 = None
    v._p1 = parents
    v._d1 = local_grads
    v._n = 0
    if const is not None:
        v._d0 = const               # the `const` property reads it here
    return v


def _pow_value(base: Value, k: Value) -> Value:
    """z = x ** k with k a Value;  dz/dx = k x**(k-1),  dz/dk = x**k ln x.  Needs x > 0."""
    x, y = base.data, k.data
    if _any(x <= 0):
        raise ValueError(
            f"a Value exponent needs a positive base: {_name(base)} ** {_name(k)} "
            f"with {_name(base)} = {_show(x)}")
    try:
        z = x ** y
    except OverflowError:
        raise OverflowError(f"overflow in power: {_name(base)} ** {_name(k)} with "
                            f"{_name(base)} = {_show(x)}, {_name(k)} = {_show(y)}") from None
    ln_x = math.log(x) if x.__class__ is not _ndarray else np.log(x)
    return _binary(z, "**", base, k, y * z / x, z * ln_x)


def fused_sum(terms: Iterable[Value | Number], label: str = "") -> Value:
    """z = sum_i t_i as ONE node;  dz/dt_i = 1.  Plain numbers fold into `const`."""
    parents, total, c = [], 0.0, 0.0
    for t in terms:
        if t.__class__ is Value or isinstance(t, Value):
            parents.append(t)
            total = total + t.data
        else:
            c += _constant(t, "sum", None)
    out = _nary(total + c, "sum", tuple(parents), (1.0,) * len(parents), c if c else None)
    out.label = label
    return out


def dot(w: list[Value], x: list[Value | Number] | np.ndarray, label: str = "") -> Value:
    """z = sum_i w_i x_i as ONE node (a neuron's weighted input).

    dz/dw_i = x_i and dz/dx_i = w_i. Inputs that are plain numbers are not
    nodes, so the node has n parents (the w_i); Value inputs make it 2n (the
    w_i, then the x_i). In batched mode the inputs may be a 2-D array with one
    row per sample (or a list of 1-D arrays, one per input): the node's data
    is then one z per sample, and its local derivatives d z / d w_i are kept as
    the rows of one (n x B) matrix, so backward needs one matrix product.
    """
    global _batched
    n = len(w)
    if x.__class__ is _ndarray and x.ndim == 2:           # rows are samples
        _batched = True
        if x.shape[1] != n:
            raise ValueError(f"dot: {n} weights but inputs with {x.shape[1]} columns")
        X = np.asarray(x, dtype=np.float64).T              # (n x B): row i = dz/dw_i
        z = np.array([wi.data for wi in w]) @ X
        return _labelled(_nary(z, "dot", tuple(w), X), label)
    if len(x) != n:
        raise ValueError(f"dot: {n} weights but {len(x)} inputs")
    wd = [wi.data for wi in w]
    if all(xi.__class__ is Value for xi in x):
        xd = [xi.data for xi in x]
        parents, lgs = (*w, *x), (*xd, *wd)
    elif any(isinstance(xi, Value) for xi in x):
        raise TypeError("dot: mix of Values and plain numbers in x; wrap them all as Values")
    elif any(xi.__class__ is _ndarray for xi in x):      # one 1-D array per input
        return dot(w, np.column_stack(x), label)
    else:
        xd = [_constant(xi, "dot", None) for xi in x]
        parents, lgs = tuple(w), tuple(xd)
    z = 0.0
    for a, b in zip(wd, xd):
        z = z + a * b
    return _labelled(_nary(z, "dot", parents, lgs), label)


def _labelled(v: Value, label: str) -> Value:
    v.label = label
    return v


def _constant(c: object, op: str, v: Value | None) -> float | Value:
    """Check a plain-number operand: returns a float, or a Value for a numpy batch."""
    if c.__class__ is float:
        return c
    if isinstance(c, Value):
        return c
    if isinstance(c, (bool, np.bool_)) or not isinstance(c, (int, float, np.number, _ndarray)):
        where = f" with {_name(v)}" if v is not None else ""
        raise TypeError(f"unsupported operand for {op}{where}: {type(c).__name__} "
                        f"{c!r:.40}; use a Value or a real number")
    if isinstance(c, _ndarray) and c.ndim == 1:
        return Value(c)
    return float(_check_data(c, ""))


def _constant_leaf(c: Number, op: str, v: Value) -> Value:
    """A plain number on the left of a non-commutative op, as a labelled leaf."""
    c = _constant(c, op, v)
    return c if c.__class__ is Value else Value(c, label=_show(c))


# ---------------------------------------------------- input checks and text
_batched = False  # becomes True once a batched Value exists (backward then sums batch grads)


def _check_data(data: object, label: str) -> Data:
    global _batched
    if isinstance(data, (bool, np.bool_)):
        raise TypeError(f"Value data must be a real number, got bool ({data!r})"
                        + (f" for {label!r}" if label else ""))
    if isinstance(data, (int, float, np.integer, np.floating)):
        return float(data)
    if isinstance(data, _ndarray):
        if data.ndim == 0:
            return _check_data(data.item(), label)
        if data.ndim != 1 or data.size == 0 or data.dtype.kind not in "iuf":
            raise TypeError(
                "a batched Value needs a non-empty 1-D array of real numbers, got "
                f"an array of shape {data.shape} and dtype {data.dtype}"
                + (f" for {label!r}" if label else ""))
        _batched = True
        return np.array(data, dtype=np.float64)
    raise TypeError(f"Value data must be a real number (int or float), got "
                    f"{type(data).__name__} ({data!r:.40})"
                    + (f" for {label!r}" if label else ""))


def _check_label(label: object) -> str:
    if not isinstance(label, str):
        raise TypeError(f"Value label must be a str, got {type(label).__name__}")
    return label


def _any(cond) -> bool:
    """Truth of a comparison for a float (bool) or a batch (any sample)."""
    return bool(cond.any()) if cond.__class__ is _ndarray else cond


def _max(x: Data) -> float:
    return float(x.max()) if x.__class__ is _ndarray else x


def _like(x: Data, fill: float) -> Data:
    return np.full_like(x, fill) if x.__class__ is _ndarray else fill


def _name(v: Value | None) -> str:
    return (v.label or "x") if v is not None else "x"


def _show(x: Data) -> str:
    if x.__class__ is _ndarray:
        return f"array(shape={x.shape}, min={x.min():.6g}, max={x.max():.6g})"
    return repr(x)


# ------------------------------------------------------- graph algorithms
# Kahn's algorithm, twice. A node may pass its gradient on to its parents only
# once every node that USES it (every child reachable from the root) has passed
# on its own. So: (1) walk down from the root counting, for each node, its uses;
# (2) start at the root and release a node when its count drops to zero. No
# recursion, and no sorting.


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, parents before children (root last), without recursion.

    Pure: it only reads the graph. backward() runs the same algorithm but keeps
    the counts on the nodes themselves, which is faster than this dict.
    """
    uses = {}                       # node -> edges into it from nodes that depend on root
    nodes = [root]
    for v in nodes:                 # the list grows while we walk it
        for p in v.parents:
            if p in uses:
                uses[p] += 1
            else:
                uses[p] = 1
                nodes.append(p)
    order = [root]                  # children first: root, then each node once all its users
    for v in order:
        for p in v.parents:
            uses[p] -= 1
            if uses[p] == 0:
                order.append(p)
    order.reverse()
    return order


def backward_order(root: Value) -> list[Value]:
    """The interior nodes in exactly the order backward() passes their gradients on.

    Root first; a node comes once every node that uses it has passed its share to it
    (its grad is complete then). Leaves pass nothing on, so they are not listed. Pure: it
    only reads the graph, mirroring the two walks below (a last-in, first-out to-do list),
    so the step-through player can replay backward() edge by edge in its real order.
    """
    uses: dict[Value, int] = {}
    todo = [root]
    while todo:
        v = todo.pop()
        for p in v.parents:
            if p.op:                        # interior: backward() waits for all its uses
                if p in uses:
                    uses[p] += 1
                else:
                    uses[p] = 1
                    todo.append(p)
    order = []
    ready = [root] if root.op else []
    while ready:
        v = ready.pop()
        order.append(v)
        for p in v.parents:
            if p.op:
                uses[p] -= 1
                if uses[p] == 0:
                    ready.append(p)
    return order


# backward() itself: the same two walks, written out for speed. They keep the
# count in the node's `_n` slot: 0 on every interior node outside backward(),
# None on leaves, which are never waited for (a leaf has nothing to pass on).
# (So two threads must not run backward() at once through the same interior
# nodes; grads could not be shared that way anyway.)
# Each walk inlines its per-edge step (below, once per slot) because a function
# call per edge would cost more than the step itself. Their to-do lists are
# stacks: a node leaves the list soon after it joined, while it is still in
# the CPU cache (a list holding all 65k nodes of a network touches each one
# again, in scattered order, when it is freed). `for v in iter(stack.pop, None)`
# pops in C, and, unlike `while stack:`, is a loop that Python 3.11 specialises
# from the first call.


def _count_uses(root: Value) -> None:
    """Walk 1: count the uses of every interior node below `root` (into `_n`), and
    reset its grad to 0 when first met."""
    todo = [None, root]             # met, parents not yet looked at (a stack: see above)
    for v in iter(todo.pop, None):  # pop until the None at the bottom
        p = v._p0
        if p is None:               # an n-ary node: its parents are in a tuple
            for p in v._p1:
                n = p._n
                if n is not None:   # (a leaf's is None)
                    if n:
                        p._n = n + 1
                    else:
                        p._n = 1
                        p.grad = 0.0
                        todo.append(p)
            continue
        n = p._n
        if n is not None:
            if n:                   # met again
                p._n = n + 1
            else:                   # first met
                p._n = 1
                p.grad = 0.0
                todo.append(p)
        p = v._p1
        if p is not None:
            n = p._n
            if n is not None:
                if n:
                    p._n = n + 1
                else:
                    p._n = 1
                    p.grad = 0.0
                    todo.append(p)


def _backpropagate(root: Value) -> None:
    """Walk 2, the chain rule: parent.grad += local_grad * node.grad, releasing each
    parent (counting its `_n` back down to 0) once all its uses have been applied."""
    ready = [None, root]            # complete grads, not yet passed on (a stack)
    for v in iter(ready.pop, None):
        g = v.grad                  # complete: every use of v has been applied
        p = v._p0
        if p is None:
            for p, d in zip(v._p1, v._d1):
                p.grad += d * g
                n = p._n
                if n is not None:
                    if n == 1:
                        p._n = 0
                        ready.append(p)
                    else:
                        p._n = n - 1
            continue
        p.grad += v._d0 * g
        n = p._n
        if n is not None:
            if n == 1:              # its last use: p's grad is complete
                p._n = 0
                ready.append(p)
            else:
                p._n = n - 1
        p = v._p1
        if p is not None:
            p.grad += v._d1 * g
            n = p._n
            if n is not None:
                if n == 1:
                    p._n = 0
                    ready.append(p)
                else:
                    p._n = n - 1


def _backpropagate_general(root: Value) -> None:
    """Walk 2 for batched values and anomaly mode (the same algorithm, an edge at a time).

    A contribution to a float node (a parameter) is summed over the batch
    before it is added: its gradient is the sum of the per-sample gradients.
    A `dot` over a sample matrix keeps its local derivatives as one matrix (a
    row per parent), so all its parents' sums come from one product.
    """
    ready = [root]
    for v in ready:
        g = v.grad
        for p, d, c in _contributions(v, g):
            p.grad += c
            if _anomaly and not _finite(p.grad):
                raise FloatingPointError(
                    f"anomaly in backward: the gradient of {_name(p)} became "
                    f"{_show(p.grad)} through {v.op} ({_name(v)} = {_show(v.data)}, "
                    f"upstream grad {_show(g)}, local derivative {_show(d)})")
            n = p._n
            if n is not None:
                p._n = n - 1
                if n == 1:
                    ready.append(p)


def _contributions(v: Value, g: Data) -> list[tuple[Value, Data, Data]]:
    """(parent, local derivative, what to add to parent.grad) for each edge of `v`."""
    ds = v._d1 if v._p0 is None else v.local_grads
    if ds.__class__ is _ndarray:    # rows: dz/dw_i for every sample
        sums = ds @ g if g.__class__ is _ndarray else ds.sum(axis=1) * g
        return list(zip(v._p1, ds, sums.tolist()))
    out = []
    for p, d in zip(v.parents, ds):
        c = d * g
        if c.__class__ is _ndarray and p.data.__class__ is not _ndarray:
            c = float(c.sum())      # a parameter sums over the batch
        out.append((p, d, c))
    return out


def zero_grad(values: Value | Iterable[Value]) -> None:
    """Set ``grad = 0`` on a list of Values, or on every node of a graph given its root."""
    nodes = topological_order(values) if isinstance(values, Value) else values
    for v in nodes:
        if not isinstance(v, Value):
            raise TypeError(f"zero_grad expects Values, got {type(v).__name__}")
        v.grad = 0.0


def iter_edges(root: Value) -> Iterator[tuple[Value, int, Value]]:
    """Yield ``(parent, i, child)`` for every edge, children in topological order."""
    for v in topological_order(root):
        for i, p in enumerate(v.parents):
            yield p, i, v


# ----------------------------------------------------------- anomaly mode
_anomaly = False


def _finite(x: Data) -> bool:
    return bool(np.isfinite(x).all()) if x.__class__ is _ndarray else math.isfinite(x)


def _check_forward(data: Data, op: str, parents: tuple, local_grads: tuple) -> None:
    if _finite(data) and all(_finite(d) for d in local_grads):
        return
    names = ", ".join(f"{_name(p)} = {_show(p.data)}" for p in parents)
    what = "value" if not _finite(data) else "local derivative"
    raise FloatingPointError(
        f"anomaly in forward: {op} produced a non-finite {what} "
        f"(result {_show(data)}; operands {names})")


def _checked_unary(data, op, p, d, const=None) -> Value:
    _check_forward(data, op, (p,), (d,))
    return _plain[0](data, op, p, d, const)


def _checked_binary(data, op, p0, p1, d0, d1) -> Value:
    _check_forward(data, op, (p0, p1), (d0, d1))
    return _plain[1](data, op, p0, p1, d0, d1)


def _checked_nary(data, op, parents, local_grads, const=None) -> Value:
    _check_forward(data, op, parents, local_grads)
    return _plain[2](data, op, parents, local_grads, const)


_plain = (_unary, _binary, _nary)


@contextmanager
def detect_anomaly():
    """Inside this block, the first NaN or inf made in forward or backward raises."""
    global _unary, _binary, _nary, _anomaly
    saved = (_unary, _binary, _nary, _anomaly)
    _unary, _binary, _nary, _anomaly = _checked_unary, _checked_binary, _checked_nary, True
    try:
        yield
    finally:
        _unary, _binary, _nary, _anomaly = saved
