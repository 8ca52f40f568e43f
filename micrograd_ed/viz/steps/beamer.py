"""The steps as a Beamer deck: one frame, one overlay per step, for a lecture's slides.

``step_through(L).save("steps.tex")`` writes a LaTeX document (``\\documentclass{beamer}``,
16:9) whose only frame shows the graph once per step: overlay ``n`` (``\\only<n>``) is the
picture after step ``n`` -- the same layout on every overlay, drawn as TikZ by
:mod:`micrograd_ed.viz.core.tikz` from the step's copy of the layout that
:func:`micrograd_ed.viz.steps.pdf.paint_step` makes (texts, highlights, colours, exactly as
the PDF slides) -- with the step's caption under it as LaTeX text. pdflatex makes one page
per step; ``\\includeonlyframes`` or ``\\againframe`` reuse it in a lecture.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

from micrograd_ed.files.atomic import write_atomic
from micrograd_ed.viz.core import backends
from micrograd_ed.viz.core.latex import PREAMBLE, escape, number
from micrograd_ed.viz.core.themes import get_theme
from micrograd_ed.viz.core.tikz import Colours, picture
from micrograd_ed.viz.graph.draw import StaleGradientWarning, draw_graph
from micrograd_ed.viz.steps.pdf import CURRENT, PARTIAL, SOURCE, paint_step

WIDTH = 390.0       # pt: the text width of a 16:9 Beamer frame (160 mm less 1 cm margins)
HEIGHT = 160.0      # pt: the picture's height, leaving room for the title and a caption
KEY = (f"\\textcolor[HTML]{{{CURRENT[1:].upper()}}}{{teal}} (with a light halo): this "
       f"step's node or edge; \\textcolor[HTML]{{{SOURCE[1:].upper()}}}{{black, dashed}}: the "
       f"node passing its grad on; \\textcolor[HTML]{{{PARTIAL[1:].upper()}}}{{brown grad}}: a "
       f"partial sum (more uses to come); grey: not computed yet")
PAD = 4.0


def deck(steps, theme: str = "slide") -> str:
    """The Beamer document of a :class:`~micrograd_ed.viz.steps.player.Steps`."""
    layout, scale = _layout(steps, theme)
    parents = {(k, i): steps.index(p) for k, v in enumerate(steps.nodes)
               for i, p in enumerate(v.parents)}
    colours = Colours(get_theme(theme))
    names = steps.glossary()            # what the names that are not labels mean
    overlays = []
    for k in range(len(steps.steps)):
        g = paint_step(layout, steps.view(k, theme), parents)
        text = steps.steps[k].caption
        key = KEY if not names or names in text else f"{KEY}. {escape(names)}"
        caption = r"\\".join(escape(line) for line in text.split("\n"))
        overlays.append(
            f"\\only<{k + 1}>{{%\n\\scalebox{{{number(max(scale, 0.01))}}}{{%\n"
            f"{picture(g, colours, PAD)}}}\\par\\medskip\n"
            f"\\parbox{{\\linewidth}}{{\\small\\raggedright Step {k + 1} of "
            f"{len(steps.steps)}: {caption}\\\\[2pt]\\scriptsize {key}}}}}\n")
    title = escape(f"Backprop through {steps.names[-1]}, step by step")
    return ("% micrograd_ed: backprop step by step, one overlay per step. Compile with "
            "pdflatex.\n"
            "\\documentclass[aspectratio=169,11pt]{beamer}\n" + PREAMBLE
            + f"% theme: {theme}\n" + colours.definitions()
            + "\\setbeamertemplate{navigation symbols}{}\n"
            + "\\begin{document}\n"
            + f"\\begin{{frame}}[t]{{{title}}}\n\\centering\n" + "".join(overlays)
            + "\\end{frame}\n\\end{document}\n")


def _layout(steps, theme: str) -> tuple[dict, float]:
    """The graph laid out (no legend: the frame's key explains the step colours) in the
    direction, LR or TB, whose picture is largest in the frame; and its scale."""
    best: tuple[float, dict] | None = None
    for rankdir in ("LR", "TB"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StaleGradientWarning)
            d = draw_graph(steps.drawn(engine=False), max_nodes=max(2 * len(steps.nodes) + 10, 500),
                           theme=theme, precision=steps.precision, legend=False,
                           rankdir=rankdir)
        g = json.loads(backends.render(d.source, "json"))
        x0, y0, x1, y1 = (float(v) for v in g["bb"].split(","))
        scale = min(WIDTH / (x1 - x0 + 2 * PAD), HEIGHT / (y1 - y0 + 2 * PAD))
        if best is None or scale > best[0] * 1.05:
            best = (scale, g)
    assert best is not None
    return best[1], best[0]


def save_tex(steps, path: str | os.PathLike, theme: str = "slide") -> Path:
    """Write the deck to ``path`` atomically (the whole text is made first)."""
    return write_atomic(Path(path), deck(steps, theme).encode("utf-8"))
