"""Figures of a graph with words of our own on every node: a comparison, a worksheet.

:func:`draw_graph` shows a graph's own numbers; these figures show other text on the same
graph -- the student's numbers beside the expected ones (``Comparison.diagram()``) or
numbered blanks to fill in (worksheets) -- so they write their own DOT, with the ids the
renderer uses (``v<k>`` for ``topological_order(root)[k]``, ``op<k>`` for its op,
``e<k>_<i>`` for the edge from its parent slot ``i``), and render through
:class:`micrograd_ed.viz.Diagram` (SVG, and every format it saves).

Text in figures uses only characters every PDF font has (ASCII, ``×``, ``²``); marks are
told apart by line style and border as well as colour, so they survive greyscale printing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from micrograd_ed.engine import Value, optext, topological_order
from micrograd_ed.viz import Diagram, GraphTooLargeError
from micrograd_ed.viz.core.dot import quote

FONT = "Helvetica"
MARK = "#b2182b"            # wrong: dark red (dark in greyscale too)
KIND_FILL = {"input": "#eeeeee", "value": "#ffffff", "output": "#fff2b3"}
RANKDIRS = ("LR", "TB")


def fig_num(x: float, digits: int = 4) -> str:
    """A number for a figure: ``digits`` significant digits, ASCII minus."""
    x = float(x)
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    s = f"{x:.{digits}g}"
    if "e" in s:
        mantissa, exponent = s.split("e")
        s = f"{mantissa}e{int(exponent)}"
    return s


@dataclass
class Figure:
    """What to draw on each node and edge; :func:`draw` turns it into a Diagram."""

    root: Value
    node_text: Callable[[Value], Sequence[str]]
    marked: set[Value] = field(default_factory=set)
    marked_edges: set[tuple[Value, int]] = field(default_factory=set)
    edge_text: Callable[[Value, int], str] | None = None
    title: str = ""
    legend: Sequence[str] = ()
    fill: Callable[[Value], str | None] | None = None
    inline_ops: bool = False        # no op ellipses: the node's own text says how it is made
    marked_ops: set[Value] = field(default_factory=set)     # nodes whose op ellipse is marked
    # boxes drawn around groups of nodes (a worksheet's neurons): (caption, nodes), each
    # group kept together by Graphviz, so two neurons' nodes never interleave
    clusters: Sequence[tuple[str, Sequence[Value]]] = ()
    long_from: set[Value] = field(default_factory=set)  # edges from these span two ranks
    ranksep: float = 0.45                   # inches between ranks (a wide sheet: less)
    node_margin: str = "0.1,0.05"           # inches of room around a node's text


_FIGURE_NAMES = {"*": "\u00d7", "neg": "-"}   # how a worksheet's op boxes name these two


def _op_label(v: Value) -> str:
    """The op box's text (engine/optext.py): ``× 2``, ``** 3``, ``tanh``."""
    return optext.op_label(v, fig_num, _FIGURE_NAMES)


def draw(fig: Figure, *, rankdir: str = "LR", max_nodes: int = 150,
         summary: str = "") -> Diagram:
    """The figure as DOT, in a Diagram. Raises GraphTooLargeError past ``max_nodes`` values."""
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    order = topological_order(fig.root)
    if len(order) > max_nodes:
        raise GraphTooLargeError(
            f"this graph has {len(order):,} values, more than max_nodes={max_nodes:,}: drawn "
            f"whole it would be unreadable; draw a smaller expression, or pass "
            f"max_nodes={len(order)}")
    k_of = {v: k for k, v in enumerate(order)}
    caption = [fig.title] if fig.title else []
    caption += list(fig.legend)
    label = (f", label={quote(chr(10).join(caption) + chr(10), newline=chr(92) + 'l')}"
             if caption else "")
    out = ["digraph check {",
           f'  graph [rankdir="{rankdir}", fontname="{FONT}", fontsize=12, nodesep=0.25, '
           f'ranksep={fig.ranksep:g}, labelloc="b", labeljust="l"{label}];',
           f'  node [shape="box", style="rounded,filled", fontname="{FONT}", fontsize=12, '
           f'color="#444444", margin="{fig.node_margin}"];',
           f'  edge [fontname="{FONT}", fontsize=10, color="#555555", arrowsize=0.7];']
    boxed = {v: c for c, (_, group) in enumerate(fig.clusters) for v in group}
    for c, (box, _) in enumerate(fig.clusters):
        out.append(f'  subgraph cluster_{c} {{ label={quote(box)}; style="dashed"; '
                   f'color="#999999"; fontsize=12; labeljust="l"; labelloc="t";')
        out += [f"  {_node_line(fig, v, k)}" for k, v in enumerate(order) if boxed.get(v) == c]
        out.append("  }")
    for k, v in enumerate(order):
        if v not in boxed:
            out.append(_node_line(fig, v, k))
        if v.op and not fig.inline_ops:
            look = (f'style="filled,dashed", color="{MARK}", fontcolor="{MARK}", penwidth=2.5'
                    if v in fig.marked_ops else 'style="filled", color="#999999"')
            out.append(f'  op{k} [id="op{k}", label={quote(_op_label(v))}, shape="ellipse", '
                       f'{look}, fillcolor="#f3f3f3", margin="0.04,0.02", height=0.3];')
            out.append(f'  op{k} -> v{k} [id="e{k}_op", color="#999999"];')
    for k, v in enumerate(order):
        for i, p in enumerate(v.parents):
            attrs = [f'id="e{k}_{i}"']
            text = fig.edge_text(v, i) if fig.edge_text else ""
            if text:
                attrs.append(f"label={quote(text)}")
            if (v, i) in fig.marked_edges:
                attrs += [f'color="{MARK}"', f'fontcolor="{MARK}"', 'style="dashed"',
                          "penwidth=2.5"]
            if p in fig.long_from:
                attrs.append("minlen=2")
            target = f"v{k}" if fig.inline_ops else f"op{k}"
            out.append(f"  v{k_of[p]} -> {target} [{', '.join(attrs)}];")
    out += ["}", ""]
    return Diagram("\n".join(out), summary or f"{len(order)} values")


def _node_line(fig: Figure, v: Value, k: int) -> str:
    """The DOT line of value ``v`` (index ``k``): its text, fill and border."""
    kind = "output" if v is fig.root else ("value" if v.op else "input")
    fill = (fig.fill(v) if fig.fill else None) or KIND_FILL[kind]
    attrs = [f"id=\"v{k}\"", f"label={quote(chr(10).join(fig.node_text(v)))}",
             f'fillcolor="{fill}"']
    if v is fig.root:
        attrs.append("penwidth=2")
    if v in fig.marked:
        attrs += [f'color="{MARK}"', "penwidth=3", "peripheries=2"]
    return f"  v{k} [{', '.join(attrs)}];"


def comparison_figure(cmp, *, rankdir: str = "LR", max_nodes: int = 150) -> Diagram:
    """The picture of a :class:`~micrograd_ed.check.compare.Comparison` (see its diagram())."""
    from micrograd_ed.check.explain import Namer, users

    rows = {r.name: r for r in cmp.rows}
    name_of = {v: n for n, v in cmp.nodes.items()}
    wrong = {cmp.nodes[r.name] for r in cmp.rows
             if (r.got_data is not None and not r.data_ok)
             or (r.got_grad is not None and not r.grad_ok)}
    first = cmp.nodes.get(cmp.first_wrong) if cmp.first_wrong else None
    edges: set[tuple[Value, int]] = set()
    if first is not None and cmp.first_wrong_quantity == "grad":
        edges = set(users(cmp.root).get(first, []))
    elif first is not None:
        edges = {(first, i) for i in range(len(first.parents))}

    namer = Namer(cmp.root, name_of)

    def text(v: Value) -> list[str]:
        name = name_of.get(v)
        lines = [_ascii(namer(v))]
        if v is first:
            lines[0] += f"   <- first wrong ({cmp.first_wrong_quantity})"
        row = rows.get(name) if name else None
        for q, exp, got, ok in (("data", v.data, row and row.got_data, row and row.data_ok),
                                ("grad", v.grad, row and row.got_grad, row and row.grad_ok)):
            s = f"{q} {fig_num(exp)}"
            if row is not None and got is not None:
                s += f"   yours {fig_num(got)}" + ("" if ok else " (wrong)")
            elif row is not None:
                s += "   yours -"
            lines.append(s)
        return [x for x in lines if x]

    def edge_text(u: Value, i: int) -> str:
        if (u, i) not in edges:
            return ""
        if cmp.first_wrong_quantity == "grad":
            return f"share {fig_num(float(u.local_grads[i]) * float(u.grad))}"
        return f"data {fig_num(u.parents[i].data)}"

    legend = ["", "numbers: micrograd_ed's (expected);  yours: your class's",
              "thick double border, (wrong): your number differs"]
    if first is not None:
        what = ("the shares that make up" if cmp.first_wrong_quantity == "grad"
                else "the inputs of")
        legend.append(f"dashed edges: {what} {cmp.first_wrong_quantity} {cmp.first_wrong}, "
                      f"the first wrong node")
        legend.append(_ascii(cmp.explanation))
    failed: set[Value] = set()
    if cmp.error is not None:
        op = cmp.error.op.split(" ")[0]
        failed = {v for v in namer.order if v.op and _op_label(v).split(" ")[0] in (
            op, {"*": "\u00d7"}.get(op, op))} if op else set()
        legend.append(_ascii(f"your class raised {cmp.error.kind}"
                             + (f" in {cmp.error.op}" if cmp.error.op else "")
                             + f" ({cmp.error.phase} pass)"
                             + ("; dashed ellipse: that op" if failed else "")))
    fig = Figure(cmp.root, text, wrong, edges, edge_text,
                 title=_title(cmp), legend=legend, marked_ops=failed)
    return draw(fig, rankdir=rankdir, max_nodes=max_nodes,
                summary=f"compare({cmp.class_name}), first wrong: {cmp.first_wrong}")


def _title(cmp) -> str:
    if cmp.ok:
        return f"compare({cmp.class_name}): every named node agrees"
    if cmp.first_wrong:
        return (f"compare({cmp.class_name}): first wrong node {cmp.first_wrong} "
                f"(its {cmp.first_wrong_quantity})")
    return f"compare({cmp.class_name}): your class failed"


def _ascii(text: str) -> str:
    """Report text for a figure: the real minus and ∂ become characters every font has."""
    return text.replace("\u2212", "-").replace("\u2202", "d")
