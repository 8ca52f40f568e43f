"""The words of a Comparison: the first wrong node, its chain rule, and a table of every node."""

from __future__ import annotations

import textwrap

from micrograd_ed.check.compare import Comparison
from micrograd_ed.check.explain import distinct, num, users


def comparison_text(c: Comparison) -> str:
    """The report of a Comparison: the first wrong node, why, and a table of every node."""
    n = len(c.rows)
    head = f"compare({c.class_name}): "
    lines: list[str] = []
    if c.ok:
        lines.append(head + f"all {n} named nodes agree with micrograd_ed (data and grad).")
    elif c.error is not None:
        lines.append(head + f"your class failed in the {c.error.phase} pass.")
        lines.append("  " + str(c.error).replace("\n", "\n  "))
        if c.first_wrong:
            lines.append(f"  before that, the first wrong node was {c.first_wrong} "
                         f"(its {c.first_wrong_quantity}).")
    if c.first_wrong and (c.error is None or c.first_wrong_quantity == "data"):
        row = c.first_wrong_row
        wrong = sum(not r.ok for r in c.rows if r.got_data is not None)
        q = c.first_wrong_quantity
        exp, got = (row.expected_data, row.got_data) if q == "data" else (
            row.expected_grad, row.got_grad)
        se, sg = distinct(exp, got)
        if c.error is None:
            lines.append(head + f"{wrong} of {n} named nodes differ; the first wrong node is "
                                f"{row.name} (its {q}).")
        lines.append(f"  expected {q} {row.name} = {se}, got {sg}")
        lines.append(f"  {c.explanation}")
        lines.append("  " + _context(c, row.name, q))
        if c.hint:
            lines.append(f"  hint: {c.hint}")
    lines = [textwrap.fill(x, 100, subsequent_indent="      ") if len(x) > 100 else x
             for line in lines for x in line.split("\n")]
    lines.append("")
    lines.append(_table(c))
    return "\n".join(lines)


def _context(c: Comparison, name: str, q: str) -> str:
    """Which neighbours are right: the inputs of a wrong value, the users of a wrong grad."""
    v = c.nodes[name]
    named = {w: n for n, w in c.nodes.items()}
    ok = {r.name: r for r in c.rows}
    if q == "data":
        near = [named[p] for p in dict.fromkeys(v.parents) if p in named]
        if not near:
            return "(its inputs are not named in build, so they were not compared)"
        return (f"its inputs {', '.join(near)} agree, so the mistake is in the forward pass "
                f"of {v.op}" if all(ok[x].data_ok for x in near) else "")
    used = [u for u, _ in users(c.root).get(v, [])]
    near = [named[u] for u in dict.fromkeys(used) if u in named]
    if v is c.root:
        return "(the output's grad is the seed of backward)"
    if not near:
        return "(the nodes that use it are not named in build, so they were not compared)"
    if len(near) < len(dict.fromkeys(used)):
        return ("(some nodes that use it are not named in build, so they were not compared: "
                "which op is wrong cannot be told)")
    if c.twice:
        return (f"the grads it is made from ({', '.join(f'grad {x}' for x in near)}) agree; "
                f"the extra share comes from a node whose step ran twice (see the hint)")
    ops = ", ".join(sorted({u.op for u in used}))
    return (f"the grads it is made from ({', '.join(f'grad {x}' for x in near)}) agree, so "
            f"the mistake is in how {ops} passes its gradient back to {name}")


def _table(c: Comparison) -> str:
    cols = ["node", "data", "yours", "grad", "yours", ""]
    body = []
    for r in c.rows:
        gd = "-" if r.got_data is None else distinct(r.expected_data, r.got_data)[1]
        gg = "-" if r.got_grad is None else distinct(r.expected_grad, r.got_grad)[1]
        ed = distinct(r.expected_data, r.got_data)[0] if r.got_data is not None else num(
            r.expected_data)
        eg = distinct(r.expected_grad, r.got_grad)[0] if r.got_grad is not None else num(
            r.expected_grad)
        flags = []
        if r.got_data is not None and not r.data_ok:
            flags.append("data")
        if r.got_grad is not None and not r.grad_ok:
            flags.append("grad")
        mark = ("\u2717 " + " and ".join(flags)) if flags else ("" if r.got_grad is None
                                                              else "\u2713")
        if r.name == c.first_wrong:
            mark += "  <- first wrong"
        body.append([r.name, ed, gd, eg, gg, mark])
    widths = [max(len(row[i]) for row in [cols, *body]) for i in range(len(cols))]
    out = ["  " + "  ".join(h.ljust(w) for h, w in zip(cols, widths)).rstrip()]
    out += ["  " + "  ".join(x.ljust(w) for x, w in zip(row, widths)).rstrip() for row in body]
    out.append("  (data, grad: micrograd_ed's numbers; yours: your class's)")
    return "\n".join(out)
