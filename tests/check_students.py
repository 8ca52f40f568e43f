"""Student engines and backward functions with one mistake each, for the checker's tests.

The engines subclass karpathy's micrograd 0.1.0 (a test imports this module only after
``pytest.importorskip("micrograd")``); the backward functions work on micrograd_ed's Values,
using only ``.parents``, ``.local_grads`` and ``.grad``, as a student's would.
"""

from __future__ import annotations

import math
import types
from collections import deque

import micrograd.engine
from micrograd.engine import Value as MicroValue


def micrograd_class(name: str, **methods) -> type:
    """A subclass of micrograd's Value whose every op is micrograd's own code, rebound so that
    the nodes it makes are of the subclass (micrograd's ops call ``Value(...)`` by name),
    with ``methods`` -- the student's mistake -- put in place of micrograd's."""
    cls = type(name, (MicroValue,), {"__doc__": methods.pop("doc", "")})
    env = dict(vars(micrograd.engine))
    env["Value"] = cls
    for key, f in vars(MicroValue).items():
        if isinstance(f, types.FunctionType):
            setattr(cls, key, types.FunctionType(f.__code__, env, key, f.__defaults__,
                                                 f.__closure__))
    for key, f in methods.items():
        setattr(cls, key, f)
    return cls


def _number(self, other):
    return other if isinstance(other, type(self)) else type(self)(other)


def _overwriting_mul(self, other):
    other = _number(self, other)
    out = type(self)(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad = other.data * out.grad          # the mistake: = instead of +=
        other.grad = self.data * out.grad
    out._backward = _backward
    return out


def _sub_as_add(self, other):
    return self + other                            # the mistake: a - b computed as a + b


def _tanh(self):
    t = math.tanh(self.data)
    out = type(self)(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t ** 2) * out.grad
    out._backward = _backward
    return out


def _wrong_tanh(self):
    x = self.data
    out = type(self)(math.tanh(x), (self,), "tanh")

    def _backward():
        self.grad += (1 - x ** 2) * out.grad       # the mistake: 1 - x² instead of 1 - t²
    out._backward = _backward
    return out


Micrograd = micrograd_class("Value")
OverwritingMul = micrograd_class("OverwritingMul", __mul__=_overwriting_mul,
                                 __rmul__=_overwriting_mul, doc="= instead of += in *")
SubIsAdd = micrograd_class("SubIsAdd", __sub__=_sub_as_add, doc="a - b computed as a + b")
WithTanh = micrograd_class("WithTanh", tanh=_tanh, doc="micrograd plus a correct tanh")
WrongTanh = micrograd_class("WrongTanh", tanh=_wrong_tanh, doc="tanh' = 1 - x**2")


class TinyValue:
    """A hand-written engine of the kind a student writes first: no __rmul__, so 2 * v fails."""

    def __init__(self, data, _children=()):
        self.data, self.grad = data, 0.0
        self._prev, self._backward = _children, lambda: None

    def __mul__(self, other):
        other = other if isinstance(other, TinyValue) else TinyValue(other)
        out = TinyValue(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def backward(self):
        self.grad = 1.0
        self._backward()


# ------------------------------------------------ backward functions
def _topo(root):
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
            continue
        if v in seen:
            continue
        seen.add(v)
        stack.append((v, True))
        stack.extend((p, False) for p in v.parents if p not in seen)
    return order


def correct_backward(root):
    root.grad = 1.0
    for v in reversed(_topo(root)):
        for p, d in zip(v.parents, v.local_grads):
            p.grad += d * v.grad


def overwriting_backward(root):
    root.grad = 1.0
    for v in reversed(_topo(root)):
        for p, d in zip(v.parents, v.local_grads):
            p.grad = d * v.grad


def recursive_backward(root):
    order, seen = [], set()

    def build_topo(v):
        if v not in seen:
            seen.add(v)
            for p in v.parents:
                build_topo(p)
            order.append(v)
    build_topo(root)
    root.grad = 1.0
    for v in reversed(order):
        for p, d in zip(v.parents, v.local_grads):
            p.grad += d * v.grad


def breadth_first_backward(root):
    root.grad = 1.0
    queue, seen = deque([root]), {root}
    while queue:
        v = queue.popleft()
        for p, d in zip(v.parents, v.local_grads):
            p.grad += d * v.grad
            if p not in seen:
                seen.add(p)
                queue.append(p)


def no_seed_backward(root):
    for v in reversed(_topo(root)):
        for p, d in zip(v.parents, v.local_grads):
            p.grad += d * v.grad


def no_chain_backward(root):
    root.grad = 1.0
    for v in reversed(_topo(root)):
        for p, d in zip(v.parents, v.local_grads):
            p.grad += d


def set_of_parents_backward(root):
    root.grad = 1.0
    for v in reversed(_topo(root)):
        for p, d in dict(zip(v.parents, v.local_grads)).items():
            p.grad += d * v.grad
