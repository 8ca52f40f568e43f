"""Recognising a mistake from the numbers it leaves behind.

Given the first wrong node ``x`` (its expected and received grad) and the edges out of it,
each with its *share* ``(∂u/∂x) × grad u`` computed with the right ``grad u``:

============================  =====================================================
what the student's grad is     the mistake it points to
============================  =====================================================
one share, of several           ``=`` instead of ``+=`` (a reused node keeps one share)
a sum of some of the shares     edges skipped (parents made into a ``set``, so ``a*a``
                                counts once; or a user never passed its grad on)
a user's share taken while      a node processed before all its users (breadth-first
that user's grad was partial    order instead of reverse topological order)
``Σ ∂u/∂x`` without ``grad u``  the chain rule's ``× grad u`` forgotten
the right grad, sign flipped    a sign error in a local derivative
a whole multiple (2×, 3×)       shares added more than once (a node visited twice)
0 everywhere                    the root's grad was never set to 1
============================  =====================================================

For a wrong *value* in the forward pass, :func:`forward_hint` checks whether the student's
number is what another binary op would give (``a − b`` computed as ``a + b``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations

from micrograd_ed.check.explain import (
    MINUS,
    TIMES,
    Namer,
    forward_tokens,
    local_tokens,
    num,
    render,
)
from micrograd_ed.engine import Value, ops, optext

_MAX_SUBSET = 8            # edges of a node for which subsets of shares are tried


def close(a: float, b: float, atol: float = 1e-9, rtol: float = 1e-6) -> bool:
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def _subset_sums(values: Sequence[float], proper: bool = True, empty: bool = False):
    """(sum, indices) of the subsets of ``values`` (proper ones unless ``proper`` is False)."""
    n = len(values)
    if n > _MAX_SUBSET:
        return
    sizes = range(0 if empty else 1, n if proper else n + 1)
    for k in sizes:
        for idx in combinations(range(n), k):
            yield sum(values[i] for i in idx), idx


def grad_hint(x: Value, got: float, used: Sequence[tuple[Value, int]], root: Value,
              namer: Namer, users_of: dict[Value, list[tuple[Value, int]]],
              atol: float = 1e-9, rtol: float = 1e-6, *, closures: bool = False,
              named: set[Value] | None = None) -> str:
    """What probably went wrong when ``x.grad`` (right) came out as ``got``; '' if unknown.

    ``closures``: the engine keeps a chain-rule step per node (micrograd's ``_backward``)
    rather than a list of local derivatives. ``named``: the nodes whose grads were compared
    (None: all); the hints below rely on the grads of x's users being right, so when a
    user was not compared nothing is concluded about which op is wrong."""
    expected = float(x.grad)
    if named is not None and any(u not in named for u, _ in used):
        return (f"the nodes between {namer(x)} and the output are not all named in build, so "
                f"their grads were not compared and the op that passed a wrong gradient "
                f"cannot be told from here: name them (return them from build) to find it.")
    name = namer.subject(x)
    if not math.isfinite(got):
        return (f"grad {name} is {num(got)}: some share was not a finite number (a local "
                f"derivative that divides by 0 or overflows)")
    if x is root:
        if close(got, 0.0):
            return (f"{name} is the output: set {name}.grad = 1 before passing gradients "
                    f"back (d{name}/d{name} = 1)")
        return f"{name} is the output: its grad must be exactly 1 (d{name}/d{name} = 1)"
    shares = [float(u.local_grads[i]) * float(u.grad) for u, i in used]
    k = len(used)

    def edge(j: int) -> str:
        u, i = used[j]
        return f"{namer(u)} = {_op_text(u, namer)}"

    if k >= 2:
        same_op = len({id(u) for u, _ in used}) == 1
        for j, s in enumerate(shares):
            if close(got, s, atol, rtol) and not close(got, expected, atol, rtol) and same_op:
                if closures:
                    return (f"{name} is used {k} times by the same op ({edge(j)}) but got "
                            f"one share: in that op's _backward both lines must add, "
                            f"`self.grad += ...` and `other.grad += ...`; with `=`, when self "
                            f"and other are the same node the second line overwrites the "
                            f"first.")
                return (f"{name} is used {k} times by the same op ({edge(j)}) but got one "
                        f"share: every slot adds its own share, so iterate over "
                        f"zip(parents, local_grads), never a set or dict of the parents, and "
                        f"accumulate with `+=`, not `=`.")
            if close(got, s, atol, rtol) and not close(got, expected, atol, rtol):
                return (f"{name} is used {k} times, but its grad {num(got)} is the share of "
                        f"one use only (from {edge(j)}): a reused node's grad is the SUM of "
                        f"its shares. Accumulate with `+=`, not `=`.")
        for total, idx in _subset_sums(shares):
            if len(idx) >= 2 and close(got, total, atol, rtol):
                missing = ", ".join(edge(j) for j in range(k) if j not in idx)
                return (f"{name} is used {k} times and got only {len(idx)} of its shares "
                        f"(missing: {missing}): every edge out of a node adds its share, so "
                        f"`a*a` adds two (do not make the parents a set).")
    order = _order_hint(x, got, used, shares, namer, users_of, atol, rtol)
    if order:
        return order
    if shares and any(not close(float(u.grad), 1.0) for u, _ in used):
        locals_only = sum(float(u.local_grads[i]) for u, i in used)
        if close(got, locals_only, atol, rtol):
            return (f"grad {name} = {num(got)} is the sum of the local derivatives alone: the "
                    f"chain rule multiplies each by the user's grad, "
                    f"share = (\u2202u/\u2202{name}) {TIMES} grad u.")
    if close(got, -expected, atol, rtol):
        ops = ", ".join(sorted({u.op for u, _ in used}))
        return (f"grad {name} has the right size but the wrong sign: check the sign of the "
                f"local derivative in the backward of {ops}.")
    if k == 1 and float(used[0][0].grad) != 0:
        local = _local_hint(x, got, used[0], namer, atol, rtol)
        if local:
            return local
    if expected != 0 and k >= 2:
        ratio = got / expected
        if ratio >= 1.5 and close(ratio, round(ratio), 1e-9, 1e-6):
            return (f"grad {name} is {round(ratio)} {TIMES} too large: shares were added more "
                    f"than once (a node passed its grad on twice: keep a visited set, and "
                    f"reset every grad to 0 before a new backward).")
    if close(got, 0.0, atol, rtol):
        return (f"grad {name} stayed 0: no share reached it (was each user of {name} "
                f"processed, and after its own grad was known?).")
    return ""


def _order_hint(x, got, used, shares, namer, users_of, atol, rtol) -> str:
    """Is ``got`` what x gets when one user ``u`` passed its grad on while it was partial?"""
    for j, (u, i) in enumerate(used):
        u_used = users_of.get(u, [])
        if len(u_used) < 2:
            continue
        u_shares = [float(w.local_grads[s]) * float(w.grad) for w, s in u_used]
        others = sum(shares) - shares[j]
        d = float(u.local_grads[i])
        for partial, _ in _subset_sums(u_shares, proper=True, empty=True):
            if close(got, others + d * partial, atol, rtol):
                return (f"{namer(u)} passed its grad on to {namer(x)} before all of "
                        f"{namer(u)}'s {len(u_used)} users had added their shares (it held "
                        f"{num(partial)} of {num(float(u.grad))}). A node may pass its "
                        f"gradient on only once every node that uses it is done: go in "
                        f"reverse topological order, not breadth-first.")
    return ""


def _local_hint(x: Value, got: float, edge: tuple[Value, int], namer: Namer,
                atol: float, rtol: float) -> str:
    """x has one user u: the student's local derivative is got / grad u. Say so, and name
    the mix-up when it is a known one (tanh's 1 − x² for 1 − t², ...)."""
    u, i = edge
    implied = got / float(u.grad)
    want = float(u.local_grads[i])
    formula = local_tokens(u, i)
    shown = render(formula, namer, False) if formula else "1"
    text = (f"through {namer(u)} = {_op_text(u, namer)}, your local derivative "
            f"\u2202{namer(u)}/\u2202{namer(x)} came out as {num(implied)}; it is "
            f"{shown} = {num(want)}")
    entry = ops.UNARY.get(u.op) if optext.known(u.op) else None
    if entry is not None and float(x.data) in entry.kinks:
        # one point says nothing about the rest of the op: no "everywhere" here
        return (f"{text}: {namer(x)} = {num(float(x.data))} is exactly at {u.op}'s kink, where "
                f"micrograd_ed, micrograd and PyTorch all use {num(want)} (any value between "
                f"the slopes on either side is a subgradient, but a gate that is off passes "
                f"nothing back: compare with > 0, not >= 0).")
    for value, words in _mixups(u, i, namer):
        if close(implied, value, atol, rtol) and not close(value, want, atol, rtol):
            return f"{text} (yours is {words})"
    return text + "."


def _mixups(u: Value, i: int, namer: Namer) -> list[tuple[float, str]]:
    """Local derivatives students often write instead of the right one, with their words:
    the op table's `mixups` (engine/ops.py), at this edge's input x, result z and constant k."""
    if not optext.known(u.op):
        return []
    x, k = float(u.parents[i].data), u.const
    words = {"x": namer(u.parents[i]), "z": namer(u), "k": "k" if k is None else num(k)}
    out: list[tuple[float, str]] = []
    for m in ops.get(u.op).mixups:
        try:
            value = m.value(x, float(u.data), k)
        except (TypeError, ArithmeticError, ValueError):     # needs a k, or a bad point
            continue
        if isinstance(value, (int, float)) and math.isfinite(value):
            out.append((float(value), ops.fill(m.words, **words)))
    return out


def forward_hint(v: Value, got: float, namer: Namer) -> str:
    """For a wrong value of a binary op: does ``got`` equal another op of the same operands?"""
    ps = v.parents
    if len(ps) == 2:
        a, b = float(ps[0].data), float(ps[1].data)
    elif len(ps) == 1 and v.const is not None and v.op in "+-*/":
        a, b = float(ps[0].data), float(v.const)
    else:
        return ""
    na = namer(ps[0])
    nb = namer(ps[1]) if len(ps) == 2 else num(b)
    candidates = [("+", a + b), (MINUS, a - b), (TIMES, a * b)]
    if b != 0:
        candidates.append(("/", a / b))
    if a != 0:
        candidates.append(("/ (swapped)", b / a))
    candidates.append((f"{MINUS} (swapped)", b - a))
    want = _word(v.op)
    for sym, value in candidates:
        if sym != want and close(got, value) and not close(got, float(v.data)):
            op_text = f"{nb} {sym.split()[0]} {na}" if "swapped" in sym else f"{na} {sym} {nb}"
            return (f"your {_word(v.op)} gave {op_text} = {num(value)} instead of "
                    f"{_op_text(v, namer)}")
    return ""


def _word(op: str) -> str:
    return {"+": "+", "-": MINUS, "*": TIMES, "/": "/"}.get(op, op)


def _op_text(u: Value, namer: Namer) -> str:
    return render(forward_tokens(u), namer, values=False)
