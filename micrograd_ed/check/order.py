"""Recognising a backward that went through the nodes in the wrong order, from all its grads.

With a correct topological order (inputs first) a backward must go through it in reverse,
from the output to the inputs. Forgetting ``reversed()`` makes every node pass its gradient
on before it has received it: only the output's own inputs get their grads, the rest stay
0. One node's numbers cannot tell that from a local derivative that came out as 0, but all
the grads together can: :func:`forward_order` replays backprop in the forward order on the
reference graph and says whether the student's grads are exactly what that gives.
"""

from __future__ import annotations

from collections.abc import Mapping

from micrograd_ed.check.hints import close
from micrograd_ed.engine import Value, topological_order

_MAX_TWICE = 200           # graphs up to this size are replayed once per node listed twice


def replay(root: Value, forward: bool = True, twice: Value | None = None
           ) -> dict[Value, float]:
    """The grads backprop gives when it goes through the topological order as it is
    (inputs first, ``forward=True``: the mistake) or reversed (the right way); ``twice``:
    a node whose step runs twice in a row (a sort that lists it twice)."""
    order = topological_order(root)
    grads = {v: 0.0 for v in order}
    grads[root] = 1.0
    for u in (order if forward else reversed(order)):
        for _ in range(2 if u is twice else 1):
            for p, d in zip(u.parents, u.local_grads):
                grads[p] += float(d) * grads[u]
    return grads


def _per_path(root: Value, flip: bool) -> list[Value] | None:
    """The order a sort without a visited set makes: post-order, a node once per path
    (None when that list would be long)."""
    out: list[Value] = []
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            out.append(v)
            if len(out) > 100_000:
                return None
            continue
        stack.append((v, True))
        ps = list(v.parents)
        stack.extend((p, False) for p in (ps if flip else reversed(ps)))
    return out


def _replay_list(root: Value, listed: list[Value]) -> dict[Value, float]:
    grads = {v: 0.0 for v in listed}
    grads[root] = 1.0
    for u in reversed(listed):
        for p, d in zip(u.parents, u.local_grads):
            grads[p] += float(d) * grads[u]
    return grads


def listed_twice(root: Value, got: Mapping[Value, float], name, atol: float = 1e-9,
                 rtol: float = 1e-6) -> str:
    """The hint when ``got`` is exactly what backprop gives with a node's step run more than
    once: one node twice, or every node once per path (a sort without a visited set);
    ``name`` names a node. '' otherwise."""
    order = topological_order(root)
    if len(order) > _MAX_TWICE:
        return ""
    got = {v: g for v, g in got.items() if v in set(order)}
    for flip in (False, True):
        listed = _per_path(root, flip)
        if listed is None or len(listed) == len(order):
            continue
        sim = _replay_list(root, listed)
        if all(close(g, sim[v], atol, rtol) for v, g in got.items()):
            return ("the grads are exactly what backprop gives when every node is listed once "
                    "per path from the output to it: your sort adds a node each time it "
                    "reaches it. Keep a visited set, and walk a node's parents and append it "
                    "only the first time you reach it.")
    for u in order:
        if not u.parents:
            continue
        sim = replay(root, forward=False, twice=u)
        if all(close(float(v.grad), sim[v], atol, rtol) for v in got):
            continue                        # it would not show on these nodes
        if all(close(g, sim[v], atol, rtol) for v, g in got.items()):
            return (f"the grads are exactly what backprop gives when {name(u)} passes its "
                    f"gradient on twice: your topological order lists {name(u)} more than "
                    f"once. Add a node to the order only the first time you reach it (check a "
                    f"visited set before walking its parents).")
    return ""


def forward_order(root: Value, got: Mapping[Value, float], atol: float = 1e-9,
                  rtol: float = 1e-6) -> str:
    """The hint when ``got`` (grad by node, for the nodes compared) is what going through
    the nodes from the inputs to the output gives; '' otherwise."""
    sim = replay(root)
    got = {v: g for v, g in got.items() if v in sim}
    if not got or all(close(float(v.grad), sim[v], atol, rtol) for v in got):
        return ""                           # the mistake would not show on these nodes
    if all(v in sim and close(g, sim[v], atol, rtol) for v, g in got.items()):
        return ("your backward went through the nodes from the inputs to the output, so each "
                "node passed its gradient on before it had received it (only the output's own "
                "inputs got theirs). Build the topological order inputs first, then go "
                "through it in reverse: `for v in reversed(topo): ...`.")
    return ""
