"""The floor: the least a scalar autograd engine in pure Python can do per node.

In the style of Karpathy's microgpt: one slotted class, each node keeps a tuple of its parents
and a parallel tuple of the local derivatives d(out)/d(parent), computed in the forward pass;
backward sorts the graph (iteratively, so deep graphs do not hit the recursion limit) and
applies the chain rule  parent.grad += local * out.grad.  No checks, no labels, no op names:
only what the demo step needs (+, *, unary -, relu, floats on either side). `make bench`
runs micrograd's demo step op for op with this class and with micrograd_ed's Value in one
process, so the ratio of the two times says what micrograd_ed costs above Python's own cost of
creating objects and calling methods.
"""

from __future__ import annotations


class Value:
    __slots__ = ("data", "grad", "_parents", "_locals")

    def __init__(self, data: float, parents: tuple = (), local_grads: tuple = ()):
        self.data = data
        self.grad = 0.0
        self._parents = parents        # the nodes this one was computed from
        self._locals = local_grads     # d(self)/d(parent), one per parent

    def __add__(self, other):          # d(a + b)/da = 1, d(a + b)/db = 1
        if isinstance(other, Value):
            return Value(self.data + other.data, (self, other), (1.0, 1.0))
        return Value(self.data + other, (self,), (1.0,))     # a constant is no node

    def __mul__(self, other):          # d(a * b)/da = b, d(a * b)/db = a
        if isinstance(other, Value):
            return Value(self.data * other.data, (self, other), (other.data, self.data))
        return Value(self.data * other, (self,), (other,))

    def relu(self):                    # d relu(a)/da = 1 if a > 0 else 0
        return Value(self.data if self.data > 0 else 0.0, (self,),
                     (1.0 if self.data > 0 else 0.0,))

    def __neg__(self):
        return self * -1.0

    __radd__ = __add__
    __rmul__ = __mul__

    def backward(self) -> None:
        """Topological order by an iterative depth-first search, then the chain rule."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)         # after all of its parents: a topological order
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack += [(p, False) for p in node._parents]
        self.grad = 1.0
        for node in reversed(order):       # outputs first: node.grad is complete here
            g = node.grad
            for parent, local in zip(node._parents, node._locals):
                parent.grad += local * g
