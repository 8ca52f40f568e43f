"""TYPICAL STUDENT CODE, written for these tests: NOT part of the real corpus (tests/engines).

Each engine or backward function here reproduces, in a few lines, a mistake of a style the
issue names but that the corpus of published, permissively licensed engines does not have
(see tests/engines/README.md, "What the corpus does not have"). Where a real engine of that
style was found without a licence, its repository is named so the style can be checked, but
none of its code is copied:

* ``.grade`` and ``backwardpropagation()``, with the per-node step in ``.backward``: the style
  of markerpen92/ai111b ``simulation_projrct/simuEgine.py`` (no licence file);
* ``self.backward = lambda: None`` in ``__init__`` next to a ``backward`` method:
  shivendrra/axgrad ``axgrad/engine.py`` (no licence file);
* an iterative sort that can list a node twice, ``__rsub__`` returning ``self + other``, a
  subclass of another engine overriding one op, a ``while True`` in backward, a
  ``reversed()`` forgotten, ``*`` and ``**`` with a wrong local derivative: no engine found.

The engines subclass or copy karpathy's micrograd 0.1.0 (import this module only after
``pytest.importorskip("micrograd")``).
"""

from __future__ import annotations

from check_students import micrograd_class
from micrograd.engine import Value as MicroValue


# ----------------------------------------------------------- other names
class GradeValue:
    """Gradient in ``.grade``, operands in ``.children``, the per-node step in ``.backward``,
    backprop in ``backwardpropagation()``; otherwise right."""

    def __init__(self, data, children=()):
        self.data = data
        self.grade = 0.0
        self.children = tuple(children)
        self.backward = lambda: None

    def _wrap(self, other):
        return other if isinstance(other, GradeValue) else GradeValue(other)

    def __add__(self, other):
        other = self._wrap(other)
        out = GradeValue(self.data + other.data, (self, other))

        def backward():
            self.grade += out.grade
            other.grade += out.grade
        out.backward = backward
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = GradeValue(self.data * other.data, (self, other))

        def backward():
            self.grade += other.data * out.grade
            other.grade += self.data * out.grade
        out.backward = backward
        return out

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def backwardpropagation(self):
        topo, visited = [], set()
        stack = [(self, False)]
        while stack:                                # iterative, right
            v, done = stack.pop()
            if done:
                topo.append(v)
            elif v not in visited:
                visited.add(v)
                stack.append((v, True))
                stack.extend((c, False) for c in v.children)
        self.grade = 1.0
        for v in reversed(topo):
            v.backward()


# --------------------------------------------------- the method hidden
def _hiding_init(self, data, _children=(), _op=""):
    self.data = data
    self.grad = 0
    self.backward = lambda: None            # the mistake: meant self._backward
    self._backward = lambda: None
    self._prev = set(_children)
    self._op = _op


HiddenBackward = micrograd_class("HiddenBackward", __init__=_hiding_init,
                                 doc="self.backward = lambda: None hides backward()")


# ------------------------------------------- a sort that lists a node twice
def _stack_sort_backward(self):
    """Depth-first with an explicit stack; a node pushed twice before it is finished is
    appended twice, which happens or not depending on the order of the set _prev."""
    topo, visited, stack = [], set(), [self]
    while stack:
        v = stack[-1]
        pending = [c for c in v._prev if c not in visited]
        if pending:
            stack.extend(pending)
        else:
            stack.pop()
            visited.add(v)
            topo.append(v)
    self.grad = 1
    for v in reversed(topo):
        v._backward()


StackSort = micrograd_class("StackSort", backward=_stack_sort_backward,
                            doc="iterative sort; lists a node twice in some set orders")


# ------------------------------------------------- one op wrong, others missing
class RsubIsAdd:
    """+, *, -, neg and a recursive backward as in micrograd, no ``__rmul__``, no ``/``, and
    an ``__rsub__`` that returns ``self + other``."""

    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, RsubIsAdd) else RsubIsAdd(other)
        out = RsubIsAdd(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, RsubIsAdd) else RsubIsAdd(other)
        out = RsubIsAdd(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __radd__(self, other):
        return self + other

    def __rsub__(self, other):
        return self + other                 # the mistake: 2 - v computed as v + 2

    def backward(self):
        topo, visited = [], set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


# ------------------------------------------- a subclass overriding one op
class OwnMul(MicroValue):
    """A student's subclass of micrograd's Value with its own ``*``; the inherited ops
    return micrograd's Value, so a graph mixes both classes."""

    def __mul__(self, other):
        other = other if isinstance(other, MicroValue) else OwnMul(other)
        out = OwnMul(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other


# ------------------------------------------------------ hangs and orders
def _endless_backward(self):
    while True:                             # the mistake: the loop never ends
        pass


Endless = micrograd_class("Endless", backward=_endless_backward, doc="while True in backward")


def endless_backward(root):
    """A student's backward(root) over micrograd_ed Values that never returns."""
    todo = [root]
    while todo:
        todo.append(todo.pop())


def forgot_reversed_backward(root):
    """Builds the topological order right, then walks it inputs first."""
    topo, visited = [], set()
    stack = [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            topo.append(v)
        elif v not in visited:
            visited.add(v)
            stack.append((v, True))
            stack.extend((p, False) for p in v.parents)
    root.grad = 1.0
    for v in topo:                          # the mistake: reversed() forgotten
        for p, d in zip(v.parents, v.local_grads):
            p.grad += d * v.grad


# ------------------------------------------ local derivatives, wrong
def _own_factor_mul(self, other):
    other = other if isinstance(other, MicroValue) else type(self)(other)
    out = type(self)(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += self.data * out.grad   # the mistake: its own factor, not the other
        other.grad += other.data * out.grad
    out._backward = _backward
    return out


OwnFactorMul = micrograd_class("OwnFactorMul", __mul__=_own_factor_mul,
                               __rmul__=_own_factor_mul, doc="* uses its own factor")


def _k_x_to_the_k(self, other):
    out = type(self)(self.data ** other, (self,), f"**{other}")

    def _backward():
        self.grad += other * self.data ** other * out.grad     # the mistake: k·x^k
    out._backward = _backward
    return out


PowNoDrop = micrograd_class("PowNoDrop", __pow__=_k_x_to_the_k, doc="** with k·x^k")


def _mul_no_upstream(self, other):
    other = other if isinstance(other, MicroValue) else type(self)(other)
    out = type(self)(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += other.data             # the mistake: × out.grad forgotten
        other.grad += self.data
    out._backward = _backward
    return out


MulNoUpstream = micrograd_class("MulNoUpstream", __mul__=_mul_no_upstream,
                                __rmul__=_mul_no_upstream, doc="* forgets × out.grad")


def stack_sort_backward(root):
    """A student's backward(root) over micrograd_ed Values with the iterative sort of
    StackSort: a node pushed twice before it is finished is listed twice, depending on the
    order of ``set(v.parents)``."""
    topo, visited, stack = [], set(), [root]
    while stack:
        v = stack[-1]
        pending = [p for p in set(v.parents) if p not in visited]
        if pending:
            stack.extend(pending)
        else:
            stack.pop()
            visited.add(v)
            topo.append(v)
    root.grad = 1.0
    for v in reversed(topo):
        for p, d in zip(v.parents, v.local_grads):
            p.grad += d * v.grad


def twice_listed_backward(root):
    """A recursive sort that appends a node before checking whether it was seen: a node
    reached by two paths is listed twice, the same way in every run."""
    topo = []

    def visit(v):
        for p in v.parents:
            visit(p)
        topo.append(v)                      # the mistake: no visited set
    visit(root)
    root.grad = 1.0
    for v in reversed(topo):
        for p, d in zip(v.parents, v.local_grads):
            p.grad += d * v.grad


def _per_path_backward(self):
    """The sort's loop is outside ``if v not in visited``: a node is walked (and listed) once
    per path from the output, 2^depth times on a ladder."""
    topo, visited = [], set()

    def build(v):
        if v not in visited:
            visited.add(v)
        for child in v._prev:               # the mistake: this loop belongs inside the if
            build(child)
        topo.append(v)
    build(self)
    self.grad = 1
    for v in reversed(topo):
        v._backward()


PerPathSort = micrograd_class("PerPathSort", backward=_per_path_backward,
                              doc="sort walks once per path (exponential)")
