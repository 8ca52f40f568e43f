"""`compare_graphs(ours, theirs)`: one expression built in micrograd_ed and in another engine
(PyTorch, micrograd, a learner's), side by side, each node marked where the numbers agree.

Both graphs are drawn by `draw_graph` (the other through its read-only mirror,
micrograd_ed/foreign), top to bottom, in two boxes of one figure. Nodes are paired from the
outputs down, operand slot by operand slot; a node agrees when its value, its grad and the
local derivative on each of its edges agree to ``rtol`` (relative; 1e-9, or 1e-5 for a
float32 tensor), and is marked in both pictures:

    green border, "= PyTorch"             every number agrees
    red border,   "PyTorch: data .. grad .."   what the other engine has instead
    no mark                                no partner (the graphs differ in shape there:
                                           ``2 - a`` is a constant leaf and ``-`` here,
                                           one ``rsub`` node in PyTorch)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from micrograd_ed.engine import Value, topological_order
from micrograd_ed.foreign.graph import Mirror, mirror_of
from micrograd_ed.viz.core.diagram import Diagram
from micrograd_ed.viz.core.dot import fmt, quote
from micrograd_ed.viz.core.themes import get_theme
from micrograd_ed.viz.graph.draw import draw_graph

AGREE, DIFFER = "#2f9e44", "#e03131"
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_NAME = re.compile(r"\b(n\d+(?:_op|_u\d+)?|num\d+|e\d+_\d+_label)\b")


@dataclass(frozen=True)
class Row:
    """One pair of nodes: their names, numbers, and whether they agree (None: the other
    engine keeps no value there, so only the grad was compared)."""

    name: str
    ours: tuple[float, float]
    theirs: tuple[float, float]
    local: tuple[tuple[float, float], ...]      # (ours, theirs) for each edge into it
    agree: bool


class Comparison(Diagram):
    """The side-by-side figure; ``rows`` the pairs of nodes compared, ``agree`` whether
    every one agrees."""

    def __init__(self, source: str, summary: str, rows: list[Row], theme) -> None:
        super().__init__(source, summary, theme=theme)
        self.rows = rows

    @property
    def agree(self) -> bool:
        return all(r.agree for r in self.rows)

    def table(self) -> str:
        """The pairs as text: name, ours, theirs, agreement."""
        out = []
        for r in self.rows:
            mark = "agree" if r.agree else "DIFFER"
            out.append(f"{r.name:>10}  data {fmt(r.ours[0])} / {fmt(r.theirs[0])}  "
                       f"grad {fmt(r.ours[1])} / {fmt(r.theirs[1])}  {mark}")
        return "\n".join(out)


def compare_graphs(ours: Value, theirs: object, *, name: str | None = None,
                   rtol: float | None = None, theme: str = "notebook",
                   labels: dict | None = None, **engine: object) -> Comparison:
    """The two graphs side by side, every paired node marked (see the module docstring).

    ``theirs`` is a PyTorch 0-d tensor or any engine's root (``engine``: its names, as for
    draw_graph); ``name`` what to call it (default "PyTorch" or its class). Labels of
    micrograd_ed's nodes name their partners too. Neither graph is changed.
    """
    if not isinstance(ours, Value):
        raise TypeError(f"compare_graphs: the first graph must be a micrograd_ed Value, got "
                        f"{type(ours).__name__}")
    if labels is not None:
        engine["labels"] = labels
    mirror = mirror_of(theirs, None, engine, "compare_graphs")
    if mirror is None:
        mirror = _own(theirs)
    torch_like = mirror.source == "PyTorch tensor"
    other = name or ("PyTorch" if torch_like else mirror.source.rsplit(".", 1)[-1])
    if rtol is None:
        rtol = 1e-5 if "float32" in mirror.head else 1e-9
    pairs = _pairs(ours, mirror.root)
    for o, t in pairs:                          # (the mirror is ours to label)
        if o.label and not t.label:
            t.label = o.label
    rows, marks_o, marks_t = [], {}, {}
    for o, t in pairs:
        row = _row(o, t, rtol)
        rows.append(row)
        marks_o[o] = (row.agree, t, other)
        marks_t[t] = (row.agree, o, "micrograd_ed")
    th = get_theme(theme)
    left = draw_graph(ours, rankdir="TB", theme=theme, legend=False)
    right = draw_graph(mirror, rankdir="TB", theme=theme, legend=False)
    body = (_cluster("ours", "micrograd_ed", _mark(left.source, ours, marks_o), "a_")
            + _cluster("theirs", other, _mark(right.source, mirror.root, marks_t), "b_"))
    same = sum(r.agree for r in rows)
    summary = (f"{same} of {len(rows)} paired nodes agree (values, grads, local "
               f"derivatives, rtol {rtol:g})")
    lines = [summary, f"green: {other} has the same numbers; red: it differs (its numbers "
             "in the box)", *[p for p in mirror.phrases()]]
    legend = quote("\n".join(lines))[1:-1].replace("\\n", "\\l")
    head = left.source.split("\n")[1:4]
    source = "\n".join(["digraph compare {", *head, *body,
                        f'  legend [id="legend", shape=plaintext, style="", '
                        f'fontsize={th.legend_fontsize:g}, label="{legend}\\l"];',
                        f"  a_n{len(topological_order(ours)) - 1} -> legend [style=invis];",
                        "}", ""])
    return Comparison(source, f"micrograd_ed and {other}: {summary}", rows, th)


def _own(root: Value) -> Mirror:
    return Mirror(root, "micrograd_ed Value", None, [], {v: v for v in topological_order(root)})


# ------------------------------------------------------------------ pairing
def _pairs(a: Value, b: Value) -> list[tuple[Value, Value]]:
    """Nodes paired from the outputs down; each node of either graph at most once."""
    out: list[tuple[Value, Value]] = []
    seen_a: set[int] = set()
    seen_b: set[int] = set()
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if id(x) in seen_a or id(y) in seen_b:
            continue
        seen_a.add(id(x))
        seen_b.add(id(y))
        out.append((x, y))
        xs, ys = list(x.parents), list(y.parents)
        if len(xs) == len(ys):
            stack.extend(reversed(list(zip(xs, ys))))
        elif len(xs) == 2 and len(ys) == 1:         # a constant leaf here, none there
            keep = [p for p in xs if p.op or p.label] or xs
            stack.append((keep[-1], ys[0]))
        elif len(xs) == 1 and len(ys) == 2:
            keep = [p for p in ys if p.op or p.label] or ys
            stack.append((xs[0], keep[-1]))
    return out


def _close(x: float, y: float, rtol: float) -> bool:
    if math.isnan(y):
        return True                     # the other engine keeps no value there
    return math.isclose(x, y, rel_tol=rtol, abs_tol=1e-12)


def _row(o: Value, t: Value, rtol: float) -> Row:
    lo, lt = o.local_grads, t.local_grads
    local = tuple(zip(map(float, lo), map(float, lt))) if len(lo) == len(lt) else ()
    ok = (_close(float(o.data), float(t.data), rtol) and _close(float(o.grad), float(t.grad),
                                                               rtol)
          and all(_close(x, y, rtol) for x, y in local))
    return Row(o.label or o.op, (float(o.data), float(o.grad)),
               (float(t.data), float(t.grad)), local, ok)


# ------------------------------------------------------------------- figure
def _mark(source: str, root: Value, marks: dict) -> str:
    """The DOT text with each paired node's border coloured and a line added."""
    index = {v: k for k, v in enumerate(topological_order(root))}
    for v, (ok, partner, who) in marks.items():
        k = index[v]
        line = (f"= {who}" if ok else
                f"{who}: data {fmt(float(partner.data))}, grad {fmt(float(partner.grad))}")
        pat = re.compile(rf'(id="v{k}", label=")((?:[^"\\]|\\.)*)(")([^;]*)\];')
        colour = AGREE if ok else DIFFER
        source = pat.sub(lambda m, line=line, colour=colour: (
            f"{m.group(1)}{m.group(2)}\\n{quote(line)[1:-1]}{m.group(3)}{m.group(4)}, "
            f'color="{colour}", penwidth=2.5];'), source, count=1)
    return source


def _cluster(key: str, title: str, source: str, prefix: str) -> list[str]:
    """The body of one picture as a box of the figure, its names and ids prefixed."""
    body = source.split("\n")[4:]
    body = body[: len(body) - 1 - body[::-1].index("}")]
    out = [f"  subgraph cluster_{key} {{",
           f'    graph [label={quote(title)}, style="rounded,dashed", color="#888888", '
           'fontsize=14];']
    for line in body:
        out.append("  " + _prefix(line, prefix))
    out.append("  }")
    return out


def _prefix(line: str, prefix: str) -> str:
    parts, last = [], 0
    for m in _QUOTED.finditer(line):
        parts.append(_NAME.sub(lambda n: prefix + n.group(1), line[last:m.start()]))
        q = m.group(0)
        if line[max(0, m.start() - 3):m.start()] == "id=":
            q = f'"{prefix}{q[1:]}'
        parts.append(q)
        last = m.end()
    parts.append(_NAME.sub(lambda n: prefix + n.group(1), line[last:]))
    return "".join(parts)
