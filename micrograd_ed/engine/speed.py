"""How the engine is made fast: every speed technique, explained once, kept out of the math.

value.py says what each op computes and backward.py how backward() walks the graph. This module
holds the tricks that make that fast enough to train a network in pure Python. None of them
changes a number: the tests check that the fast paths build the same nodes as the plain ones
and pass gradients on in the same order as `backward_order`.

The budget. A training step makes tens of thousands of nodes and backward() visits each of
them once, so every node gets a few hundred nanoseconds. In Python that time goes into making
objects, calling functions and looking up names, so:

1. Slot layout (`Node`). A node is ONE object with fixed slots: no tuples, dicts or closures
   of its own. (The cyclic garbage collector re-scans live container objects while a graph is
   being built, so fewer objects per node is less collector time; and a node points only at
   its parents, so a graph has no cycles and reference counting frees it at once.) Almost
   every op has one or two operands, so the edges live in four slots, and the `parents` /
   `local_grads` tuples are built only when someone asks::

       node     _p0        _d0      _p1              _d1
       leaf     None       -        ()               ()
       unary    parent     d        None             const / -
       binary   parent 0   d0       parent 1         d1
       n-ary    None       const/W  tuple(parents)   tuple(local grads)
       table    None       k        tuple(parents)   per-sample table (batched.py)

   A table node's k says how many of its first parents held plain numbers when it was made
   (`plain_parents`), so backward() adds their batch sums without testing each one; when
   they are array-backed Weights (parameters.py), k is the Weights, and the walks skip them.
   An n-ary ``dot`` over a neuron's Weights keeps them (W) too: the scalar walk then adds the
   weights' shares straight into their grad array (through a memoryview: plain floats, no
   Parameter property per edge). Its `const` is None; a fused sum's is its float constant.
   `label` and `scope` sit in slots most nodes leave empty; properties supply the defaults.
   (Not a class-wide ``__getattr__``: defining one makes every attribute read about 3x slower,
   because Python then stops specialising slot reads.)
2. Node constructors without ``__init__`` (`unary`, `binary`, `nary`): ``object.__new__`` and
   filling the slots is the cheapest way Python has to make an object.
3. ``+`` and ``*`` build their node in place. They make most nodes of a network, so for two
   Values (outside anomaly mode) value.py's ``__add__`` / ``__mul__`` fill the slots right
   there instead of calling `binary` (one function call fewer per node saves about 5% of a
   training step); every other operand goes through value.py's `add` / `mul`. What you read
   in value.py is what runs: nothing is swapped in at import.
4. Counts in the nodes. backward()'s first walk keeps each node's use count in its own ``_n``
   slot instead of a dict: 0 on every interior node outside backward(), None on leaves (which
   are never waited for). So two threads must not run backward() through the same interior
   nodes at once (their grads could not be shared that way anyway).
5. Inlined walks (fastwalk.py: `count_uses`, `chain_rule`): the per-edge step is written out,
   because a function call per edge would cost more than the step. The to-do lists are stacks,
   so a node is popped soon after it was pushed, while it is still in the CPU cache; and
   ``for v in iter(stack.pop, None)`` pops in C and is specialised by Python from the first call.
6. The anomaly hint. `anomaly_blocks` counts the detect_anomaly() blocks open in ANY thread.
   While it is 0 (always, outside debugging), ops skip the per-context check entirely; when it
   is not, they ask the context variable, which alone decides (see anomaly.py).
7. Many operands. A neuron's dot node has hundreds of parents (the weights). Checking them
   maps ``isinstance`` in C (`all_values`), and their numbers become one array through
   ``np.fromiter`` (`gather`), three times faster than ``np.array`` of a list. (Measured, not
   guessed: ``filter`` / ``map`` with ``operator.attrgetter`` is SLOWER than a plain loop,
   whose attribute reads Python specialises.)

The batched path has its own techniques, each in its own file and explained there: per-node
numpy work (a `dot` over a sample matrix keeps one table of local derivatives and backward()
does one matrix product for all its weights: batched.py); parameters backed by one array per
neuron, so optimizers, zero_grad and the batched dot touch no parameter one by one
(parameters.py); a hidden layer's inputs stacked into one node (stacked.py); and a layer's
``+ b`` and activation computed for all its neurons at once (layerwise.py). What they buy on
the digits recipe (784-16-16-10, batches of 32) is in README's Performance table (`make bench`).
"""

from __future__ import annotations

from itertools import repeat

import numpy as np

from micrograd_ed.engine.messages import check_label

_ndarray = np.ndarray
_new = new = object.__new__
Value: type = None      # type: ignore[assignment]  # set by bind() when value.py is loaded
anomaly_blocks = 0      # technique 6 (changed only by anomaly.detect_anomaly, under its lock)


SLOTS = ("data", "grad", "op", "_p0", "_d0", "_p1", "_d1", "_n", "_label", "_scope")


class Node:
    """What a Value's slots mean (technique 1). value.py's `Value` adds the ops and declares
    ``__slots__ = SLOTS`` itself: a class that inherits its slots from a base is slower to
    garbage-collect (measured: 3-12% of a graph build with the collector on)."""

    __slots__ = ()

    @property
    def parents(self) -> tuple:
        """The operands this node was computed from (a repeated operand repeats)."""
        if self._p0 is None:
            return self._p1
        return (self._p0,) if self._p1 is None else (self._p0, self._p1)

    @property
    def local_grads(self) -> tuple:
        """``local_grads[i]`` = d self / d parents[i], computed in the forward pass."""
        if self._p0 is None:
            table = self._d1
            if table.__class__ is not _ndarray:
                return table
            if self._p1[-1].op != "stack":
                return tuple(table)
            k = plain_parents(self)             # a dot over a stack: its rows are the last
            return (*table[:k], table[k:])
        return (self._d0,) if self._p1 is None else (self._d0, self._d1)

    @property
    def table(self) -> np.ndarray | None:
        """The per-sample table of local derivatives (row i: d self / d parents[i] for every
        sample) of a batch reduction or a dot over a sample matrix; None for other nodes."""
        if self._p0 is None and self._d1.__class__ is _ndarray:
            return self._d1
        return None

    @property
    def label(self) -> str:
        """A name to show (settable); '' unless given."""
        return getattr(self, "_label", "")

    @label.setter
    def label(self, label: str) -> None:
        self._label = check_label(label)

    @property
    def const(self) -> object:
        """The plain number an op was applied with (``v * 2.0`` keeps 2.0), else None."""
        if self._p0 is None:                    # n-ary (a leaf never sets _d0)
            c = None if self._d1.__class__ is _ndarray else getattr(self, "_d0", None)
            return c if c.__class__ is float else None      # (not a dot's Weights)
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


# ---------------------------------------------------- technique 2: constructors
def unary(data, op: str, p, d, const=None):
    """A node with one parent `p` and local derivative `d` (and the op's constant, if any)."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.op = op
    v._p0 = p
    v._d0 = d
    v._p1 = None
    v._n = 0
    if const is not None:
        v._d1 = const
    if anomaly_blocks:
        _check(v)
    return v


def binary(data, op: str, p0, p1, d0, d1):
    """A node with two parents (possibly the same Value twice, as in a * a)."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.op = op
    v._p0 = p0
    v._d0 = d0
    v._p1 = p1
    v._d1 = d1
    v._n = 0
    if anomaly_blocks:
        _check(v)
    return v


def nary(data, op: str, parents: tuple, local_grads, const=None):
    """A node with any number of parents (dot, fused sum), or a per-sample `table` of local
    derivatives (an array with one row per parent: batch reductions, dot over a batch);
    for a table, `const` is how many of the first parents are plain numbers."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.op = op
    v._p0 = None
    v._p1 = parents
    v._d1 = local_grads
    v._n = 0
    v._d0 = const                   # None, a fused sum's constant, a dot's Weights or a count
    if anomaly_blocks:
        _check(v)
    return v


def _check(v) -> None:
    from micrograd_ed.engine.anomaly import anomaly_enabled, check_forward

    if anomaly_enabled():
        check_forward(v.data, v.op, v.parents, v.local_grads)


def plain_parents(v) -> int:
    """How many of table node v's first parents held plain numbers (not batches). The node
    keeps that count, or the Weights themselves when those parents are a neuron's
    array-backed weights (parameters.py: backward then adds their grads as one array)."""
    k = v._d0
    return k if k.__class__ is int else len(k)


def bind(value_class: type) -> None:
    """Called once by value.py: the constructors above make nodes of this class."""
    global Value
    Value = value_class


# ------------------------------------------------- technique 7: many operands
def all_values(items) -> bool:
    """Is every item a Value? (isinstance mapped in C)"""
    return all(map(isinstance, items, repeat(Value)))


def gather(values: list, n: int) -> np.ndarray | None:
    """The plain numbers `values` as one float array, or None if one of them is a batch."""
    try:
        return np.fromiter(values, np.float64, n)
    except (TypeError, ValueError):
        return None
