"""Parameters backed by arrays: a neuron's n numbers live in ONE float64 array, not n objects.

A `Parameter` is a leaf `Value` like any other: it has ``.data`` and ``.grad``, it can be
drawn, used in any op and updated by hand (``p.data -= lr * p.grad``). The difference is where
its two numbers are kept: not in the node, but at position ``i`` of its `ParameterArray`'s
``data`` and ``grad`` arrays. So code that works on ALL the parameters at once can do it in
numpy without touching 13,002 Python objects:

* an optimizer step:  data -= lr * grad          (one array expression, optim.py)
* ``zero_grad``:      grad[:] = 0
* a batched forward:  z_b = sum_i W_i X[b, i] = X @ W   (W read straight from the array)
* a batched backward: grad[:n] += table @ g            (every weight of a neuron at once)

and the per-parameter view (``w.data``, ``w.grad``) always shows the same numbers, because
it reads them from those arrays (through a memoryview, which gives plain Python floats).

The price is that ``p.data`` on a Parameter is a property call, several times slower than
reading a plain Value's slot; so the per-sample (scalar) path reads a neuron's weights as one
array too (`Weights.numbers`), and its backward adds their shares through the array's
memoryview (`ParameterArray.grad_view`, fastwalk.chain_rule), not through the property.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np

from micrograd_ed.engine.messages import check_data, check_label
from micrograd_ed.engine.value import Value

_new = object.__new__


class ParameterArray:
    """`n` parameters whose data and grads are the float64 arrays ``data`` and ``grad``.

    ``values[i]`` is the Parameter that shows position i. The arrays are never replaced
    (only written in place), so views of them stay valid.
    """

    __slots__ = ("data", "grad", "values", "grad_view")

    def __init__(self, data: Sequence[float], labels: Sequence[str]) -> None:
        if len(data) != len(labels):
            raise ValueError(f"ParameterArray: {len(data)} numbers but {len(labels)} labels")
        self.data = np.array(data, dtype=np.float64).reshape(-1)
        self.grad = np.zeros_like(self.data)
        dm, gm = memoryview(self.data), memoryview(self.grad)
        self.grad_view = gm             # grad as a memoryview: item i is a plain float
        values = []
        for i, label in enumerate(labels):
            p = _new(Parameter)
            p._dm, p._gm, p._i, p._array = dm, gm, i, self
            p._label = check_label(label)
            p.op = ""                      # a leaf
            p._p0 = None
            p._p1 = p._d1 = ()
            p._n = None                    # backward() never waits for a leaf
            values.append(p)
        self.values = tuple(values)

    def __len__(self) -> int:
        return len(self.values)

    def __deepcopy__(self, memo: dict) -> ParameterArray:
        """A copy with its own arrays (``copy.deepcopy(model)`` snapshots a model); the
        copied Parameters are its values, in `memo`, so references to them stay consistent."""
        new = ParameterArray(self.data, [p.label for p in self.values])
        new.grad[:] = self.grad
        memo[id(self)] = new
        for old, p in zip(self.values, new.values):
            memo[id(old)] = p
        return new

    def first(self, n: int) -> Weights:
        """The first `n` parameters as one `Weights` sequence (a neuron's w, before its b)."""
        return Weights(self, n)

    def __repr__(self) -> str:
        return f"ParameterArray({len(self)} parameters)"


def _number(p: Parameter, x: object, what: str) -> float:
    """`x` as the one float a parameter holds; a clear error for a batch or a non-number."""
    if x.__class__ is float:
        return x
    x = check_data(x, p.label)
    if x.__class__ is not float:
        raise TypeError(f"parameter {p.label or 'p'} holds one number, so its {what} cannot "
                        f"be set to a batch of {x.size} numbers")
    return x


class Parameter(Value):
    """A leaf Value whose ``data`` and ``grad`` live in a `ParameterArray` (see the top)."""

    __slots__ = ("_dm", "_gm", "_i", "_array")

    @property
    def data(self) -> float:
        return self._dm[self._i]

    @data.setter
    def data(self, x: float) -> None:
        self._dm[self._i] = _number(self, x, "data")

    @property
    def grad(self) -> float:
        return self._gm[self._i]

    @grad.setter
    def grad(self, x: float) -> None:
        self._gm[self._i] = _number(self, x, "grad")

    @property
    def array(self) -> ParameterArray:
        """The ParameterArray that holds this parameter's numbers."""
        return self._array

    def __deepcopy__(self, memo: dict) -> Parameter:
        return copy.deepcopy(self._array, memo).values[self._i]


class Weights(tuple):
    """The first n Parameters of a ParameterArray, as a tuple (a neuron's weights).

    Ops that see a Weights (`dot`) read and write all n numbers as array slices instead of
    parameter by parameter: `numbers` and `grads` are views of the array's first n entries.
    """

    array: ParameterArray

    def __new__(cls, array: ParameterArray, n: int) -> Weights:
        self = super().__new__(cls, array.values[:n])
        self.array = array
        return self

    def __copy__(self) -> Weights:
        return self                     # a tuple: nothing to copy

    def __setitem__(self, i: object, value: object) -> None:
        """Refused with what to do instead: the weights are views of one array."""
        raise TypeError(
            f"a neuron's weights are one array, so w[{i!r}] cannot be replaced by another "
            f"Value; change its number with w[{i!r}].data = ..., or give the neuron a new "
            "list of weights (neuron.w = [...])")

    def __deepcopy__(self, memo: dict) -> Weights:
        return Weights(copy.deepcopy(self.array, memo), len(self))

    @property
    def numbers(self) -> np.ndarray:
        """The weights' data, a view of ``array.data[:n]``."""
        return self.array.data[:len(self)]

    @property
    def grads(self) -> np.ndarray:
        """The weights' grads, a view of ``array.grad[:n]`` (write into it to add)."""
        return self.array.grad[:len(self)]


def arrays_of(params: Sequence[Value]) -> list[tuple[ParameterArray, int, int]] | None:
    """`params` as runs ``(array, start, stop)`` of consecutive positions, in order; None if
    one of them is not a Parameter (then a caller works parameter by parameter)."""
    runs: list[list] = []
    for p in params:
        if p.__class__ is not Parameter:
            return None
        a, i = p._array, p._i
        if runs and runs[-1][0] is a and runs[-1][2] == i:
            runs[-1][2] = i + 1
        else:
            runs.append([a, i, i + 1])
    return [(a, s, e) for a, s, e in runs]

