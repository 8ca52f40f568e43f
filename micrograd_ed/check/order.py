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


def replay(root: Value, forward: bool = True) -> dict[Value, float]:
    """The grads backprop gives when it goes through the topological order as it is
    (inputs first, ``forward=True``: the mistake) or reversed (the right way)."""
    order = topological_order(root)
    grads = {v: 0.0 for v in order}
    grads[root] = 1.0
    for u in (order if forward else reversed(order)):
        for p, d in zip(u.parents, u.local_grads):
            grads[p] += float(d) * grads[u]
    return grads


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
