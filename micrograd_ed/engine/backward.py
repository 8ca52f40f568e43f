"""backward(): the chain rule, as two walks over the graph.

Every node knows its parents and its local derivatives d node / d parent (value.py). The
gradient of the root with respect to a node is the sum, over every path from the node to the
root, of the product of the local derivatives along the path. backward() adds it up edge by
edge, children before parents:

    parent.grad += local_grad * node.grad

A node may pass its gradient on only once it is complete, i.e. once every node that USES it
has passed its share to it. So there are two walks (Kahn's algorithm), both from the root:

1. `count_uses`: count, for every interior node, the edges into it from nodes that depend on
   the root;
2. `release_order`: start at the root, whose gradient is 1 (d root / d root). Take a node
   whose gradient is complete, pass it on to its parents, and count each parent's uses
   down: a parent whose count reaches 0 is complete.

No recursion (a graph a million nodes deep is fine) and no sorting. Leaves pass nothing on, so
they are never waited for. Each call sets the interior nodes' grads afresh, while leaves
accumulate over calls, as in PyTorch (call `zero_grad` between steps).

What runs. For a graph of plain floats backward() uses `fastwalk.count_uses` and
`fastwalk.chain_rule`: these same two walks with the counts kept in the nodes and each step
written out (speed.py says why; a test checks they pass gradients on in exactly the order
`backward_order` lists); for a graph holding a batch, `fastwalk.batched_chain_rule`, the same
walk with batched.py's gradient rules. Inside detect_anomaly() it runs `_walk` below, which is
`release_order` plus batched.py's rules and the checks.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from micrograd_ed.engine import fastwalk
from micrograd_ed.engine.anomaly import anomaly_enabled, check_backward
from micrograd_ed.engine.batched import (
    check_seed,
    contribution,
    gated,
    is_batch,
    quiet,
    table_grads,
)
from micrograd_ed.engine.ops import GATES
from micrograd_ed.engine.stacked import is_stack, stack_grads

if TYPE_CHECKING:
    from micrograd_ed.engine.value import Value


def count_uses(root) -> dict:
    """Walk 1: ``{interior node: number of edges into it from nodes that depend on root}``."""
    uses: dict = {}
    todo = [root]
    while todo:
        v = todo.pop()
        for p in v.parents:
            if p.op:                        # interior (a leaf has op '')
                if p in uses:
                    uses[p] += 1
                else:
                    uses[p] = 1
                    todo.append(p)
    return uses


def release_order(root, uses) -> Iterator:
    """Walk 2: yield each interior node once its gradient is complete, the root first.

    The caller passes a node's gradient on to its parents before asking for the next node;
    then each parent's count goes down, and a parent whose count reaches 0 is ready. The
    ready nodes wait on a stack (last in, first out).
    """
    ready = [root] if root.op else []
    while ready:
        v = ready.pop()
        yield v
        for p in v.parents:
            if p.op:
                uses[p] -= 1
                if uses[p] == 0:
                    ready.append(p)


def backward_order(root) -> list:
    """The interior nodes in exactly the order backward() passes their gradients on.

    Root first; a node comes once every node that uses it has passed its share to it.
    Leaves pass nothing on, so they are not listed. Pure: it only reads the graph.
    """
    return list(release_order(root, count_uses(root)))


# Walk 2 adds into leaves, and graphs built in different threads may share leaves (a model's
# parameters). `p.grad += share` is a read, an add and a write, which another thread could
# interleave, losing a share; so walk 2 runs in one thread at a time. (Under the GIL two
# backward() calls never ran in parallel anyway.) Two threads must still not run backward()
# through the same INTERIOR nodes at once: walk 1 keeps its counts in them (speed.py, 4).
_LEAVES = threading.Lock()


def backward(root, gradient=None) -> None:
    """Fill ``grad`` of every node `root` depends on with d root / d node (see the top)."""
    seed = check_seed(root, gradient)   # 1.0, or the caller's gradient for a batched root
    if not root.op:                     # a leaf: d root / d root = 1, and nothing below it
        with _LEAVES:
            root.grad = root.grad + seed
        return
    try:
        table = fastwalk.count_uses(root)  # walk 1; also sets every interior grad to 0
        root.grad = seed
        check = anomaly_enabled()
        with _LEAVES:
            if check:
                _walk(root, check)             # walk 2 with the anomaly checks
            elif table or is_batch(seed):
                with quiet():                  # a batch warns no more than a float would
                    fastwalk.batched_chain_rule(root)  # walk 2 with batched.py's rules
            else:
                fastwalk.chain_rule(root)      # walk 2, for plain floats
    except BaseException:               # e.g. an anomaly: leave every count at 0 again
        fastwalk.reset_counts(root)
        raise


def _walk(root, check: bool) -> None:
    """Walk 2 with batched.py's rules: a plain-number parent gets the batch sum of its
    contributions, and a table node passes its gradient on with one matrix product."""
    for v in release_order(root, fastwalk.SlotCounts()):   # the counts walk 1 left in the nodes
        g = v.grad
        table = v.table
        if table is not None:
            table_grads(v, g, table)
        elif is_stack(v):
            stack_grads(v, g)
        elif v.op in GATES:
            for p, d in zip(v.parents, v.local_grads):
                with quiet():
                    p.grad += contribution(gated(d, g), p)
        else:
            for p, d in zip(v.parents, v.local_grads):
                with quiet():
                    p.grad += contribution(d * g, p)
        if check:
            check_backward(v, g)


def topological_order(root) -> list:
    """Every node `root` depends on, parents before children (root last), without recursion.

    Pure: it only reads the graph. (Walk 1 into a dict, then walk 2 as a queue.)
    """
    uses: dict = {}                 # node -> edges into it from nodes that depend on root
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


def zero_grad(values: Value | Iterable[Value]) -> None:
    """Set ``grad = 0`` on a list of Values, or on every node of a graph given its root."""
    from micrograd_ed.engine.value import Value

    nodes = topological_order(values) if isinstance(values, Value) else values
    for v in nodes:
        if not isinstance(v, Value):
            raise TypeError(f"zero_grad expects Values, got {type(v).__name__}")
        v.grad = 0.0


def iter_edges(root) -> Iterator[tuple]:
    """Yield ``(parent, i, child)`` for every edge, children in topological order."""
    for v in topological_order(root):
        for i, p in enumerate(v.parents):
            yield p, i, v


