"""The typical backprop mistakes, modelled, so a worksheet can tell each one apart.

A worksheet is fair only when every typical mistake changes at least one answer: a sheet
with ``b = 1`` lets a student who forgets "× b" write the right ``grad a``. This module
lists the mistakes a student can make on one graph and recomputes the sheet's answers as
that student would. Each mistake is made in ONE place (one node, one edge), the way a
student slips once:

* **missing factor** -- in ``c = a × b`` the share of ``a`` is ``grad c`` (the factor
  ``b`` forgotten, local derivative 1 instead of ``b``);
* **sign dropped** -- in ``c = a − b`` the share of ``b`` is ``+grad c`` (local +1, not −1);
* **wrong local derivative** -- any of the op table's ``mixups`` (engine/ops.py): ``1 − x²``
  for tanh, ``x`` for log, the power not lowered in ``x ** k``, ...;
* **= for +=** -- a value used k > 1 times keeps only one of its k shares::

      grad u = share_e        instead of     grad u = Σ_e share_e

* **log base** -- ``log`` taken as log₁₀ instead of the natural log ln (the data blank).

The model backpropagates the sheet's graph itself (reverse topological order, each share
``grad of the result × local derivative``) with the one change, so a mistake reaches every
grad below it, as it would on the student's paper.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from micrograd_ed.engine import Value, ops, topological_order

DIGITS = 3       # answers count as different when they differ at 3 significant digits


@dataclass(frozen=True)
class Mistake:
    """One slip: its ``kind``, the node ``name`` it is made at, the operand ``slot`` (None
    for a whole node) and the ``words`` that describe it."""

    kind: str
    name: str
    slot: int | None
    words: str


def _names(nodes: Mapping[str, Value]) -> dict[Value, str]:
    return {v: n for n, v in nodes.items()}


def mistakes(nodes: Mapping[str, Value], root: Value) -> list[Mistake]:
    """Every typical mistake a student can make on the graph of ``root`` (nodes by name)."""
    name = _names(nodes)
    order = topological_order(root)
    uses: dict[Value, int] = {}
    for v in order:
        for p in v.parents:
            uses[p] = uses.get(p, 0) + 1
    out: list[Mistake] = []
    for v in order:
        if not v.op:
            continue
        n = name.get(v, "?")
        for i, p in enumerate(v.parents):
            pn = name.get(p, "?")
            if v.op == "*":
                other = name.get(v.parents[1 - i], "?")
                out.append(Mistake("missing factor", n, i,
                                   f"grad {pn}: forgot \u00d7 {other} in {n}"))
            if v.op == "-" and i == 1:
                out.append(Mistake("sign dropped", n, i,
                                   f"grad {pn}: + instead of \u2212 in {n}"))
            if ops.ALIASES.get(v.op, v.op) in ops.OPS:
                for m, mix in enumerate(ops.get(v.op).mixups):
                    if v.op == "*" and v.parents[0] is v.parents[1]:
                        continue                  # x × x: "the other factor" is itself
                    out.append(Mistake("wrong local derivative", n, i * 100 + m,
                                       f"grad {pn} in {n}: local derivative "
                                       f"{mix.words.replace('{x}', pn).replace('{z}', n)}"
                                       .replace("{k}", "k")))
        if v.op == "log":
            out.append(Mistake("log base", n, None, f"{n}: log\u2081\u2080 instead of ln"))
    for p, k in uses.items():
        if k > 1:
            for e in range(k):
                out.append(Mistake("= for +=", name.get(p, "?"), e,
                                   f"grad {name.get(p, '?')}: only use {e + 1} of {k} "
                                   f"counted (= instead of +=)"))
    return out


def answers(nodes: Mapping[str, Value], root: Value, blanks: Sequence[tuple[str, str]],
            mistake: Mistake | None = None) -> list[float]:
    """The answers of ``blanks`` ((name, "data" | "grad") pairs) as a student who makes
    ``mistake`` (None: no mistake) computes them."""
    order = topological_order(root)
    by_name = dict(nodes)
    bad = by_name.get(mistake.name) if mistake else None
    shares: dict[Value, list[float]] = {v: [] for v in order}
    grad: dict[Value, float] = {}
    for v in reversed(order):
        if v is root:
            grad[v] = 1.0
        elif mistake is not None and mistake.kind == "= for +=" and v is bad:
            grad[v] = shares[v][mistake.slot]
        else:
            grad[v] = math.fsum(shares[v])
        for i, p in enumerate(v.parents):
            local = float(v.local_grads[i])
            if mistake is not None and v is bad:
                local = _mistaken_local(v, i, local, mistake)
            shares[p].append(grad[v] * local)
    out = []
    for name, quantity in blanks:
        v = by_name[name]
        if quantity == "grad":
            out.append(grad[v])
        elif mistake is not None and mistake.kind == "log base" and v is bad:
            out.append(math.log10(v.parents[0].data))
        else:
            out.append(float(v.data))
    return out


def _mistaken_local(v: Value, i: int, local: float, mistake: Mistake) -> float:
    """Slot ``i``'s local derivative of node ``v`` as the student with ``mistake`` has it."""
    if mistake.kind == "missing factor" and i == mistake.slot:
        return 1.0
    if mistake.kind == "sign dropped" and i == mistake.slot:
        return -local
    if mistake.kind == "wrong local derivative" and mistake.slot // 100 == i:
        mix = ops.get(v.op).mixups[mistake.slot % 100]
        x = float(v.parents[i].data)
        return float(mix.value(x, float(v.data), v.const))
    return local


def differ(a: float, b: float, digits: int = DIGITS) -> bool:
    """Do ``a`` and ``b`` differ when both are written with ``digits`` significant digits?"""
    return f"{a:.{digits}g}" != f"{b:.{digits}g}"


def unnoticed(nodes: Mapping[str, Value], root: Value,
              blanks: Sequence[tuple[str, str]]) -> list[Mistake]:
    """The mistakes that change no answer of ``blanks``: a fair sheet has none."""
    right = answers(nodes, root, blanks)
    out = []
    for m in mistakes(nodes, root):
        got = answers(nodes, root, blanks, m)
        if not any(differ(a, b) for a, b in zip(got, right)):
            out.append(m)
    return out
