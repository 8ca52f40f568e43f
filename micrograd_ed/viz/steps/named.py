"""The graph the player draws: every box shows the name its captions use.

The captions call a node by its label, else by the formula that made it (``a × b``), else
``#k`` (:func:`micrograd_ed.viz.steps.model.node_names`). A box without a label would show
only its numbers, so a caption's ``(a × b) + #2`` or ``#7`` could not be found on the
picture. :func:`named_root` gives draw_graph a copy of the graph in which every unlabelled
node carries its name as its label: the same numbers, ops, local derivatives and grads, the
same topological order (so node ``k`` of the copy is node ``k`` of the graph), and the
learner's graph is not touched.
"""

from __future__ import annotations

from dataclasses import replace

from micrograd_ed.engine import Value
from micrograd_ed.engine.speed import SLOTS
from micrograd_ed.foreign.graph import Mirror


def named_root(nodes: list[Value], names: list[str],
               mirror: Mirror | None = None) -> Value | Mirror:
    """What to draw: the root itself when every node has a label, else the root of a copy
    whose unlabelled nodes are labelled with ``names`` (a Mirror for another engine's
    graph, with the copy as its root). ``nodes`` are in topological order, root last."""
    if all(v.label for v in nodes):
        return mirror if mirror is not None else nodes[-1]
    copies: dict[Value, Value] = {}
    for v, name in zip(nodes, names):
        copies[v] = _copy(v, v.label or name, copies)
    root = copies[nodes[-1]]
    return replace(mirror, root=root) if mirror is not None else root


def _copy(v: Value, label: str, copies: dict[Value, Value]) -> Value:
    """One node with its operands replaced by their copies (already made: ``copies`` is
    filled in topological order)."""
    if not v.op:                    # a leaf (perhaps an nn Parameter, whose numbers live
        c = Value(v.data, label=label)      # in its layer's array): a plain Value
        c.grad = v.grad
        c.scope = v.scope
        return c
    c = object.__new__(Value)
    for slot in SLOTS:              # the node's own slots (engine/speed.py, technique 1)
        try:
            setattr(c, slot, getattr(v, slot))
        except AttributeError:      # a slot this node never set
            pass
    c._p0 = copies.get(v._p0, v._p0) if isinstance(v._p0, Value) else v._p0
    p1 = v._p1
    if isinstance(p1, Value):
        c._p1 = copies[p1]
    elif isinstance(p1, tuple):
        c._p1 = tuple(copies[p] if isinstance(p, Value) else p for p in p1)
    c._label = label
    return c
