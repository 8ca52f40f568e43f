"""The fast walks of backward(): speed.py's techniques 4 and 5 (counts in the nodes, inlined
steps, stacks popped in C), applied to backward.py's two walks. Read speed.py first."""

from __future__ import annotations

import numpy as np

from micrograd_ed.engine.batched import contribution, gated, table_grads
from micrograd_ed.engine.ops import GATES
from micrograd_ed.engine.stacked import STACK, stack_grads

_ndarray = np.ndarray


def count_uses(root) -> bool:
    """Walk 1 of backward() (backward.count_uses) with the counts in `_n`: count the uses of
    every interior node below `root` and set its grad to 0 when first met. Returns True if
    it met a per-sample table (so the graph needs backward.py's batched walk)."""
    table = False
    todo = [None, root]             # met, parents not yet looked at
    for v in iter(todo.pop, None):  # pop until the None at the bottom
        p = v._p0
        if p is None:               # an n-ary node: its parents are in a tuple
            parents = v._p1
            if v._d1.__class__ is _ndarray:
                table = True
                k = v._d0
                if k.__class__ is not int:  # array-backed Weights first: leaves, skip them
                    parents = parents[len(k):]
            for p in parents:
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
    return table


def chain_rule(root) -> None:
    """Walk 2 of backward() (backward.release_order plus the chain rule) for a graph of plain
    floats: parent.grad += local_grad * node.grad, releasing each parent (counting its `_n`
    back down to 0) once all its uses have been applied."""
    ready = [None, root]            # complete grads, not yet passed on
    for v in iter(ready.pop, None):
        g = v.grad                  # complete: every use of v has been applied
        p = v._p0
        if p is None:
            parents, lgs = v._p1, v._d1
            w = v._d0
            if w is not None and w.__class__ is not float:  # a dot over a neuron's Weights
                n, gm = len(w), w.array.grad_view           # (leaves: nothing to release)
                for i in range(n):
                    gm[i] += lgs[i] * g
                if n == len(parents):
                    continue
                parents, lgs = parents[n:], lgs[n:]
            for p, d in zip(parents, lgs):
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


def batched_chain_rule(root) -> None:
    """Walk 2 for a graph holding a batch: backward.py's `_walk` (batched.py's gradient
    rules) with the counts in the nodes, and a table node's array-backed Weights skipped
    when releasing (they are leaves; `table_grads` has added their grads as one array).
    A batched graph has a few nodes per neuron, each doing numpy work, so this walk reads
    `parents` and `local_grads` as properties instead of writing out each node layout."""
    ready = [None, root]
    for v in iter(ready.pop, None):
        g, parents = v.grad, v.parents
        if v._p0 is None and v._d1.__class__ is _ndarray:
            table_grads(v, g, v._d1)
            k = v._d0
            if k.__class__ is not int:
                parents = parents[len(k):]
        elif v.op == STACK:
            stack_grads(v, g)
        elif v.op in GATES:
            for p, d in zip(parents, v.local_grads):
                p.grad += contribution(gated(d, g), p)
        else:
            for p, d in zip(parents, v.local_grads):
                p.grad += contribution(d * g, p)
        for p in parents:
            n = p._n
            if n is not None:
                if n == 1:
                    p._n = 0
                    ready.append(p)
                else:
                    p._n = n - 1


class SlotCounts:
    """The counts of walk 1 as a mapping (``uses[p]`` is ``p._n``), so backward.py's plain
    walk can continue from them (the batched walk and anomaly mode)."""

    __slots__ = ()

    def __getitem__(self, p) -> int:
        return p._n

    def __setitem__(self, p, n: int) -> None:
        p._n = n


def reset_counts(root) -> None:
    """After a walk was interrupted (an anomaly, Ctrl-C): every count back to 0."""
    todo, seen = [root], {root}
    while todo:
        v = todo.pop()
        if v._n is not None:
            v._n = 0
        for p in v.parents:
            if p not in seen:
                seen.add(p)
                todo.append(p)
