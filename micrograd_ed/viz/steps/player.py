"""`step_through(root)`: backprop as a player, in a notebook, as one HTML file, or as slides.

>>> from micrograd_ed.teach.worked_example import chain_rule_example
>>> from micrograd_ed.viz import step_through
>>> L = chain_rule_example()
>>> steps = step_through(L)
>>> len(steps), steps[1].caption
(12, 'Forward: e = a × b = 2 × (−3) = −6')
>>> steps.state().grad[steps.index(L)]
1.0

``steps.save("L.html")`` writes the player (one self-contained page), ``steps.save("L.pdf")``
one slide per step, ``steps.save("frames/")`` numbered SVGs; in Jupyter it plays inline.
The steps themselves come from :mod:`micrograd_ed.viz.steps.model`; the picture is drawn once by
:func:`micrograd_ed.viz.draw_graph` and tagged by :mod:`micrograd_ed.viz.steps.svg`.
"""

from __future__ import annotations

import copy
import html
import os
import re
import textwrap
import warnings
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

from micrograd_ed.engine import Value, topological_order
from micrograd_ed.files.atomic import write_atomic
from micrograd_ed.foreign.graph import Mirror, mirror_of
from micrograd_ed.foreign.names import Names
from micrograd_ed.viz.core import page
from micrograd_ed.viz.core.diagram import Diagram
from micrograd_ed.viz.core.dot import printable
from micrograd_ed.viz.core.scopes import count_nodes
from micrograd_ed.viz.core.themes import THEMES, get_theme
from micrograd_ed.viz.graph.draw import GraphTooLargeError, StaleGradientWarning, draw_graph
from micrograd_ed.viz.steps.model import (
    Numbers,
    Paths,
    State,
    Step,
    build_steps,
    glossary,
    local_formula,
    paths,
    replay,
    users,
    wrap_name,
)
from micrograd_ed.viz.steps.named import named_root
from micrograd_ed.viz.steps.svg import Tagged, View, bake, tag_svg

STYLES = ("page.css", "controls.css", "steps.css")
SCRIPTS = ("controls.js", "steps.js")
JUPYTER_HEIGHT = 680


def step_through(root: Value | object, *, forward: bool = True, theme: str = "notebook",
                 max_nodes: int = 200, paths_to: Value | None = None,
                 precision: int | None = None, names: Names | None = None,
                 **engine: object) -> Steps:
    """The steps of the forward and backward pass through ``root``'s graph, as a player.

    forward: start with the forward pass (one step per op); False starts at the seed.
    theme: "notebook", "slide" or "print" (the picture's look; slides use "slide").
    max_nodes: refuse graphs with more drawn nodes (values + ops) than this
        (GraphTooLargeError, which gives the count and what to do).
    paths_to: a Value of the graph (usually a leaf) whose paths to the root the page
        highlights from the start, with each path's product of local gradients.
    precision: significant digits of every number shown (default: the theme's).
    names, engine: for the root of another engine's graph (micrograd's, a learner's, a
        PyTorch tensor): as for :func:`~micrograd_ed.viz.draw_graph`. The steps replay the
        chain rule with that engine's own local derivatives; where its backward() left
        other grads, the first and last captions say so and the picture marks the nodes.

    The graph is only read: the numbers are replayed from ``data`` and ``local_grads``
    in backward()'s own order, so the last step shows what one backward() gives.
    """
    mirror = mirror_of(root, names, engine, "step_through")
    if mirror is not None:
        root = mirror.root
    _check_theme(theme)
    if isinstance(forward, bool) is False:
        raise TypeError(f"forward must be True or False, got {forward!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    num = Numbers(precision if precision is not None else get_theme(theme).precision)
    nodes = topological_order(root)
    count = count_nodes(nodes, {}, collapse=False)
    if count > max_nodes:
        raise GraphTooLargeError(_too_large(nodes, count, max_nodes))
    nodes, names, steps = build_steps(root, forward=forward, num=num)
    steps = _note_stale(nodes, names, steps, num, mirror)
    target = None
    if paths_to is not None:
        index = {v: k for k, v in enumerate(nodes)}
        if mirror is not None:
            index |= {id(x): index[m] for m, x in mirror.of.items()}
            paths_to = nodes[index[id(paths_to)]] if id(paths_to) in index else paths_to
        if not isinstance(paths_to, Value) or paths_to not in index:
            what = (repr(paths_to.label) if isinstance(paths_to, Value) and paths_to.label
                    else type(paths_to).__name__)
            raise ValueError(f"paths_to must be a Value of this graph; {what} is not one "
                             f"of the {len(nodes)} nodes that {names[-1]!r} depends on")
        target = index[paths_to]
    return Steps(root, nodes, names, steps, theme=theme, paths_to=target, num=num,
                 precision=precision, mirror=mirror)


def _check_theme(theme: object) -> None:
    if not isinstance(theme, str) or theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}: choose one of {', '.join(THEMES)}")


def _note_stale(nodes: list[Value], names: list[str], steps: list[Step],
                num: Numbers, mirror: Mirror | None = None) -> list[Step]:
    """Say so on the first step when the graph's grads are not those of one fresh
    backward() (an earlier backward() without zero_grad()): the player shows a fresh one.
    For another engine's graph, say whose graph it is, and where its backward() left grads
    that its own edges do not add up to (on the first step and the last)."""
    final = replay(len(nodes), steps)
    if all(v.grad == 0 for v in nodes):
        return steps                        # backward() not called yet: nothing to compare
    off = [k for k, v in enumerate(nodes) if final.grad[k] is not None
           and v.grad != final.grad[k]]
    if mirror is not None:
        return _note_foreign(nodes, names, steps, num, mirror, final, off)
    if not off:
        return steps
    k = off[0]
    note = (f"\nNote: this graph's grads include an earlier backward() (grad "
            f"{wrap_name(names[k])} is {num(nodes[k].grad)}, one pass gives "
            f"{num(final.grad[k])}): the player shows one fresh pass, as after zero_grad().")
    first = steps[0]
    return [replace(first, caption=first.caption + note), *steps[1:]]


def _note_foreign(nodes: list[Value], names: list[str], steps: list[Step], num: Numbers,
                  mirror: Mirror, final: State, off: list[int]) -> list[Step]:
    steps = _off_the_rule(nodes, names, steps, num, mirror)
    first, last = steps[0], steps[-1]
    head = f"{mirror.caption()[0].upper()}{mirror.caption()[1:]}\n"
    # nearest the output first: where the engine's backward() first went its own way
    off = [k for k in reversed(off) if not _close(nodes[k].grad, final.grad[k])]
    if all(v.grad == 0 for v in nodes) or not off:
        return [replace(first, caption=head + first.caption), *steps[1:]]
    shown = ", ".join(f"grad {wrap_name(names[k])} = {num(nodes[k].grad)} (its edges: "
                      f"{num(final.grad[k])})" for k in off[:3])
    more = f" and {len(off) - 3} more" if len(off) > 3 else ""
    note = (f"\nNote: this engine's own backward() left {shown}{more}. The steps apply the "
            "chain rule with its own local derivatives; the picture marks those nodes.")
    out = [replace(first, caption=head + first.caption + note), *steps[1:]]
    if len(out) > 1:
        out[-1] = replace(last, caption=last.caption + note)
    return out


def _off_the_rule(nodes: list[Value], names: list[str], steps: list[Step], num: Numbers,
                  mirror: Mirror) -> list[Step]:
    """An edge whose local derivative (the engine's) differs from its op's rule says both:
    ``∂e/∂a = 0 in this engine; its rule b gives −3``, never the rule's formula with the
    engine's number."""
    if not mirror.off:
        return steps
    index = {v: k for k, v in enumerate(nodes)}
    out = []
    for s in steps:
        if s.edge is not None and (nodes[s.edge[0]], s.edge[1]) in mirror.off:
            v, i = nodes[s.edge[0]], s.edge[1]
            want, d = mirror.off[(v, i)], num(v.local_grads[i])
            formula = local_formula(v, i, names, index)
            rule = f"its rule {formula} gives {num(want)}" if formula else (
                f"its rule gives {num(want)}")
            old = f"= {formula} = {d}) \u00d7 " if formula and formula != d else f"= {d}) \u00d7 "
            if old in s.caption:
                s = replace(s, caption=s.caption.replace(
                    old, f"= {d} in this engine; {rule}) \u00d7 ", 1))
        out.append(s)
    return out


def _close(a: float, b: float | None) -> bool:
    return b is not None and (a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300))


def _too_large(nodes: list[Value], count: int, max_nodes: int) -> str:
    ops = sum(1 for v in nodes if v.op)
    return (f"this graph has {count:,} nodes to draw ({len(nodes):,} values and {ops:,} ops), "
            f"more than max_nodes={max_nodes:,}: stepped through edge by edge it would take "
            f"{ops + sum(len(v.parents) for v in nodes) + 3:,} steps. Step through a smaller "
            "graph (one neuron, or the loss of one example), or pass "
            f"max_nodes={count} to build it anyway.")


class Steps:
    """The steps of backprop through one graph (see :func:`step_through`).

    ``steps`` is the list of :class:`~micrograd_ed.viz.steps.model.Step` records; ``nodes``
    the graph's Values in topological order (the index every record uses) and ``names``
    what the captions call them. :meth:`state` replays the steps to any point.
    """

    def __init__(self, root: Value, nodes: list[Value], names: list[str], steps: list[Step],
                 *, theme: str, paths_to: int | None, num: Numbers,
                 precision: int | None = None, mirror: Mirror | None = None) -> None:
        self.root, self.nodes, self.names, self.steps = root, nodes, names, steps
        self.mirror = mirror            # another engine's graph, read (foreign/graph.py)
        self.theme, self.paths_to, self.num = theme, paths_to, num
        self.precision = precision
        self._index = {v: k for k, v in enumerate(nodes)}
        self._users = users(nodes)
        self._views: dict[str, list[dict]] = {}
        self._pictures: dict[str, Tagged] = {}

    # ---------------------------------------------------------------- records
    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, k: int) -> Step:
        return self.steps[k]

    def __iter__(self):
        return iter(self.steps)

    def index(self, v: Value) -> int:
        """The index of ``v`` in ``nodes`` (what Step.node and Step.edge refer to)."""
        try:
            return self._index[v]
        except (KeyError, TypeError):
            raise ValueError(f"{v!r} is not a node of this graph") from None

    def state(self, k: int = -1) -> State:
        """Every node's data and grad (None while unknown) after step ``k`` (default last)."""
        if not -len(self.steps) <= k < len(self.steps):
            raise IndexError(f"step {k} out of range: there are {len(self.steps)} steps")
        return replay(len(self.nodes), self.steps, k % len(self.steps))

    def paths(self, v: Value | int) -> Paths:
        """Every path from ``v`` to the root, with the product of local gradients on each;
        ``total`` (their sum) is d root / d v."""
        j = v if isinstance(v, int) and not isinstance(v, bool) else self.index(v)
        return paths(self.nodes, j, used_by=self._users)

    def __repr__(self) -> str:
        return (f"<Steps: {len(self.steps)} steps through {self.names[-1]!r} "
                f"({len(self.nodes)} values); .save('x.html') writes the player>")

    # ------------------------------------------------------------------ views
    def views(self, theme: str | None = None) -> list[dict]:
        """What each step changes on the page (texts by node / edge), as JSON-able dicts.

        Keys: ``c`` caption, ``ph`` phase, ``n`` node in focus, ``e`` edge "k_i", ``src``
        the node passing its grad on, ``op`` the op computed, ``d`` data texts,
        ``g`` grad [text, "partial"|"complete"], ``s`` the edge's share text.
        """
        theme = theme or self.theme
        if theme not in self._views:
            t = get_theme(theme)
            num = Numbers(self.precision if self.precision is not None else t.precision)
            self._views[theme] = _views(self.nodes, self.steps, num, t.unit_local)
        return self._views[theme]

    def _numbers(self, theme: str) -> Numbers:
        t = get_theme(theme)
        return Numbers(self.precision if self.precision is not None else t.precision)

    def view(self, k: int, theme: str | None = None) -> View:
        """The whole picture after step ``k``: every text and highlight."""
        views = self.views(theme)
        data: dict[int, str] = {}
        grad: dict[int, tuple[str, str]] = {}
        share: dict[tuple[int, int], str] = {}
        for v in views[: k + 1]:
            data.update({int(n): t for n, t in v["d"].items()})
            grad.update({int(n): (t[0], t[1]) for n, t in v["g"].items()})
            if v["s"] is not None:
                a, b = v["e"].split("_")
                share[(int(a), int(b))] = v["s"]
        cur = views[k]
        edge = tuple(int(x) for x in cur["e"].split("_")) if cur["e"] else None
        future = {n for n in range(len(self.nodes)) if n not in data}
        return View(data, grad, share, future, cur["n"], cur["src"], edge, cur["op"], cur["c"])

    # --------------------------------------------------------------- picture
    def picture(self, theme: str | None = None) -> Tagged:
        """The graph drawn once (by draw_graph, in ``theme``) and tagged for stepping."""
        theme = theme or self.theme
        _check_theme(theme)
        if theme not in self._pictures:
            svg = _draw(self.drawn(), theme, len(self.nodes), self.precision).svg()
            parents = [[self._index[p] for p in v.parents] for v in self.nodes]
            labels = [printable(v.label) for v in self.nodes]
            self._pictures[theme] = tag_svg(svg, parents, labels, self.names)
        return self._pictures[theme]

    def drawn(self, engine: bool = True) -> Value | Mirror:
        """What the pictures draw: the graph, with every box showing the name the captions
        use (a copy whose unlabelled nodes carry their names: viz/steps/named.py); with
        ``engine``, another engine's graph as its Mirror (whose legend says whose it is)."""
        return named_root(self.nodes, self.names, self.mirror if engine else None)

    def glossary(self) -> str:
        """What the names that are not labels mean ("" when every node has a label)."""
        return glossary(self.nodes, self.names, self.num)

    def svg(self, k: int = -1, theme: str | None = None, caption: bool = False) -> str:
        """Step ``k`` (default: the last, the final state) as a standalone SVG."""
        k %= len(self.steps)
        t = self.picture(theme)
        lines = _wrap_caption(self.steps[k].caption, t.width) if caption else None
        svg = bake(t, self.view(k, theme), self._edge_parent(), lines)
        return svg

    def _edge_parent(self) -> dict[tuple[int, int], int]:
        return {(k, i): self._index[p] for k, v in enumerate(self.nodes)
                for i, p in enumerate(v.parents)}

    # ------------------------------------------------------------------ page
    def html(self) -> str:
        """The player: one self-contained HTML page (nothing fetched, no server)."""
        t = self.picture()
        title = f"Backprop through {self.names[-1]}, step by step"
        note = self.glossary()
        svg, legend = _legend_apart(t)
        body = _BODY.format(theme=html.escape(self.theme), title=html.escape(title),
                            svg=svg, legend=legend,
                            names=f'\n<span id="names">{html.escape(note)}</span>' if note else "")
        return page.html_page(title=title, body=body, data=self._page_data(),
                              styles=STYLES, scripts=SCRIPTS)

    def _page_data(self) -> dict:
        final = self.state()
        edges = [[k, i, self._index[p]] for k, v in enumerate(self.nodes)
                 for i, p in enumerate(v.parents)]
        return {
            "names": self.names,
            "labels": [printable(v.label) for v in self.nodes],
            "leaf": [not v.op for v in self.nodes],
            "edges": edges,
            "steps": self.views(),
            "paths": {str(j): self._path_view(j, final) for j in range(len(self.nodes))},
            "pathsTo": self.paths_to,
            "root": len(self.nodes) - 1,
        }

    def _path_view(self, j: int, final: State) -> dict:
        ps = self.paths(j)
        num, names = self.num, self.names
        listed = []
        for p in ps.listed:
            chain = " \u2192 ".join(names[n] for n in p.nodes)
            factors = " \u00d7 ".join(num.operand(f) if n else num(f)
                                      for n, f in enumerate(p.factors))
            text = f"{chain}:  {factors or '1'} = {num(p.product)}"
            listed.append({"e": [f"{k}_{i}" for k, i in p.edges], "t": text})
        grad = num(final.grad[j]) if final.grad[j] is not None else "?"
        products = [num(p.product) for p in ps.listed]
        who = wrap_name(names[j])
        check = "" if grad == num(ps.total) else f" (backward gives {grad})"
        if j == len(self.nodes) - 1:
            total = f"{names[j]} is the output: grad {who} = 1 (the empty path)."
        elif ps.count == 1:
            total = f"The only path: grad {who} = {products[0]}{check}"
        elif ps.count <= len(listed):
            sums = _sum_text([p.product for p in ps.listed], num)
            total = (f"Sum over the {ps.count} paths: grad {who} = {sums} = "
                     f"{num(ps.total)}{check}")
        else:
            total = (f"{ps.count:,} paths ({len(listed)} listed); the sum of all their "
                     f"products is grad {who} = {num(ps.total)}{check}")
        return {"count": ps.count, "list": listed, "total": total,
                "head": f"Paths from {names[j]} to {names[-1]}"}

    def save(self, path: str | os.PathLike) -> Path:
        """Write the player (``.html``), the slides (``.pdf``, one page per step; ``.tex``, a
        Beamer deck with one overlay per step) or, for a
        folder (a path ending in ``/`` or an existing folder), numbered SVGs
        ``step_001.svg``, ...; returns the path. Files are written atomically."""
        text = os.fspath(path)
        p = Path(text)
        if text.endswith(("/", os.sep)) or p.is_dir():
            return self._save_folder(p)
        suffix = p.suffix.lower()
        if suffix in (".html", ".htm"):
            return write_atomic(p, self.html().encode("utf-8"))
        if suffix == ".pdf":
            return self._save_pdf(p)
        if suffix == ".svg":
            return write_atomic(p, self.svg(caption=True).encode("utf-8"))
        if suffix == ".tex":
            from micrograd_ed.viz.steps import beamer  # LaTeX: one Beamer overlay per step

            return beamer.save_tex(self, p)
        raise ValueError(f"cannot save steps as {p.name!r}: unknown suffix "
                         f"{p.suffix or '(none)'!r}; use .html (the player), .pdf (slides), "
                         ".tex (a Beamer deck), .svg (the final state) or a folder name "
                         "ending in '/'")

    def _save_folder(self, folder: Path) -> Path:
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(f"{folder} exists and is not a folder")
        frames = [f.svg() for f in self.frames()]   # all made before any file is written
        folder.mkdir(parents=True, exist_ok=True)
        width = max(3, len(str(len(frames))))
        for n, svg in enumerate(frames, start=1):
            write_atomic(folder / f"step_{n:0{width}d}.svg", svg.encode("utf-8"))
        return folder

    def _save_pdf(self, path: Path) -> Path:
        from micrograd_ed.viz.steps import pdf as steps_pdf  # fpdf2: imported on use

        return steps_pdf.save_pdf(self, path)

    def frames(self, theme: str = "slide") -> list[Frame]:
        """One Diagram per step (the picture with that step's texts, highlights and caption),
        all from one layout, so nothing moves between slides."""
        _check_theme(theme)
        source = _draw(self.drawn(engine=False), theme, len(self.nodes), self.precision).source
        return [Frame(self, k, theme, source) for k in range(len(self.steps))]

    # ---------------------------------------------------------------- Jupyter
    def _repr_mimebundle_(self, include=None, exclude=None):
        """The player inline (text/html, in an iframe) and the final state as SVG, for
        viewers that strip scripts (GitHub, nbviewer)."""
        bundle = {"text/plain": repr(self)}
        try:
            bundle["image/svg+xml"] = self.svg()
            bundle["text/html"] = page.iframe(self.html(), height=JUPYTER_HEIGHT,
                                              title=f"backprop through {self.names[-1]}")
        except Exception as e:  # noqa: BLE001 - a display must not raise; say why instead
            bundle["text/plain"] += f"\n(not drawn: {e})"
        return bundle


class Frame(Diagram):
    """One step of the player as a Diagram: its SVG and PDF show that step (texts,
    highlights, caption) on the layout shared by all steps. ``source`` is that layout's
    DOT text (the final state)."""

    def __init__(self, steps: Steps, k: int, theme: str, source: str) -> None:
        super().__init__(source, f"step {k + 1} of {len(steps)} through {steps.names[-1]!r}")
        self.steps, self.k, self.theme = steps, k, theme

    def svg(self, backend: str = "auto") -> str:
        if self._svg is None:
            self._svg = self.steps.svg(self.k, self.theme, caption=True)
        return self._svg

    def pdf(self, backend: str = "auto") -> bytes:
        from micrograd_ed.viz.steps import pdf as steps_pdf

        return steps_pdf.pdf_bytes(self.steps, [self.k], self.theme)

    def png(self, scale: float = 1.0, backend: str = "auto") -> bytes:
        raise ValueError("a step frame saves as .svg or .pdf (PNG would lose its highlights); "
                         "take a screenshot of the player for a picture")

    def save(self, path, backend: str = "auto", *, scale: float = 1.0) -> Path:
        p = Path(path)
        if p.suffix.lower() == ".svg":
            return write_atomic(p, self.svg().encode("utf-8"))
        if p.suffix.lower() == ".pdf":
            return write_atomic(p, self.pdf())
        raise ValueError(f"a step frame saves as .svg or .pdf, not {p.name!r}")


def _draw(root: Value | Mirror, theme: str, n: int, precision: int | None) -> Diagram:
    """draw_graph in ``theme``, without a node limit of its own (step_through checked it).
    Its stale-gradient warning is left to the player's first caption."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleGradientWarning)
        return draw_graph(root, max_nodes=max(2 * n + 10, 500), theme=theme,
                          precision=precision)


def _wrap_caption(caption: str, width: float) -> list[str]:
    size = max(11.0, min(22.0, width / 60))
    chars = max(40, int(width / (size * 0.52)))
    out: list[str] = []
    for para in caption.split("\n"):
        out.extend(textwrap.wrap(para, chars) or [""])
    return out


def _views(nodes: list[Value], steps: list[Step], num: Numbers,
           unit_local: bool = True) -> list[dict]:
    uses = [0] * len(nodes)
    index = {v: k for k, v in enumerate(nodes)}
    for v in nodes:
        for p in v.parents:
            uses[index[p]] += 1
    shares: list[list[float]] = [[] for _ in nodes]
    out = []
    for s in steps:
        view: dict = {"c": s.caption, "ph": s.phase, "n": s.node, "e": None, "src": None,
                      "op": None, "s": None,
                      "d": {str(k): num(x) for k, x in s.data.items()}, "g": {}}
        if s.kind == "op":
            view["op"] = s.node
        if s.edge is not None:
            k, i = s.edge
            view["e"] = f"{k}_{i}"
            view["src"] = k
            v = nodes[k]
            g = _upstream(steps, s.index, k)
            d = v.local_grads[i]
            view["s"] = (f"grad {num(s.share)}" if not unit_local and d == 1.0 else
                         f"grad {num(s.share)} = {num(g)} \u00d7 {num.operand(d)}")
            shares[s.node].append(s.share)
        for k, x in s.grad.items():
            complete = k in s.complete
            text = f"grad {num(x)}"
            if complete and len(shares[k]) > 1:
                text += " = " + _sum_text(shares[k], num)
            view["g"][str(k)] = [text, "complete" if complete else "partial"]
        if s.kind == "done":
            view["n"] = len(nodes) - 1
        out.append(view)
    return out


def _upstream(steps: list[Step], upto: int, k: int) -> float:
    for s in reversed(steps[:upto]):
        if k in s.grad:
            return s.grad[k]
    raise AssertionError(f"node {k} passed its grad on before it had one")


def _sum_text(shares: list[float], num: Numbers) -> str:
    """6 + 1, 3 − 2: the shares of a reused node, as a sum."""
    out = num(shares[0])
    for s in shares[1:]:
        t = num(s)
        out += f" \u2212 {t[1:]}" if t.startswith("\u2212") else f" + {t}"
    return out


def _legend_apart(t: Tagged) -> tuple[str, str]:
    """The picture without its legend box, and the legend as one line of HTML text that
    wraps at any page width (a legend inside the SVG is cut off when the view follows a step
    or the page is narrow, e.g. a Jupyter output about 1150 px wide)."""
    root = copy.deepcopy(t.root)
    for parent in root.iter():
        for g in list(parent):
            if g.get("id") == "legend":
                parent.remove(g)
                lines = [re.sub(r"\s{2,}", "; ", "".join(x.itertext()).strip())
                         for x in g.iter("text")]
                text = html.escape("; ".join(x for x in lines if x))
                text = re.sub(r"\b(red|blue|orange)\b", r'<span class="mg-\1">\1</span>', text)
                return ET.tostring(root, encoding="unicode"), text
    return t.text(), ""


_BODY = """<div id="player" class="mg-player theme-{theme}">
<header class="mg-head">
<h1 class="mg-title">{title}</h1>
<div class="mg-view">
<button type="button" id="zoom-out" title="zoom out" aria-label="zoom out">\u2212</button>
<button type="button" id="zoom-fit" title="the whole graph" aria-label="whole graph">fit</button>
<button type="button" id="zoom-in" title="zoom in" aria-label="zoom in">+</button>
<label class="mg-follow"><input type="checkbox" id="follow" checked> follow the step</label>
</div>
</header>
<div id="stage">
{svg}
<aside id="paths" hidden>
<button type="button" id="paths-close" title="close (Esc)" aria-label="close">\u00d7</button>
<h2 id="paths-head"></h2>
<ol id="path-list"></ol>
<p id="path-sum"></p>
</aside>
</div>
<p class="mg-legend" id="legend-text">{legend}</p>
<div id="caption" aria-live="polite"></div>
<div id="controls"></div>
<p class="mg-hint">Click a box to see every path from it to the output. Keys: \u2190 \u2192 Home End
Space. <span class="mg-step-key">Teal</span> (with a light halo): this step; black: the operands
it reads (dashed black: the node passing its grad on); amber grad: still summing; grey: not
computed yet.{names}</p>
</div>"""
