"""`step_through_layers`: backprop in matrix form, one layer and one equation at a time.

The steps, on one :func:`~micrograd_ed.viz.layers.draw_layers` figure::

    0          the inputs X and every layer's W and b
    forward    for each layer l: z^l = a^(l-1) W^lᵀ + b^l and a^l = σ(z^l)
    cost       C and ∇_a C, the gradient that enters the output layer
    BP1        δ^L = ∇_a C ⊙ σ'(z^L)
    BP3, BP4   ∂C/∂W^L = δ^Lᵀ a^(L-1), ∂C/∂b^L = Σ δ^L
    BP2        for l = L-1 .. 0: δ^l = (δ^(l+1) W^(l+1)) ⊙ σ'(z^l), then its ∂C/∂W^l, ∂C/∂b^l

Each step's caption is its equation with the first sample's numbers (shapes for a big net);
the matrices it computes are outlined and those not computed yet are faint. The player is one
self-contained HTML page (micrograd_ed.viz.core.page, layers.js, layers.css): nothing is
fetched, and it runs from ``file://`` and inside Jupyter.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from micrograd_ed.layers import Backprop, layer_backprop
from micrograd_ed.viz.core import page
from micrograd_ed.viz.core.dot import fmt
from micrograd_ed.viz.core.themes import Theme
from micrograd_ed.viz.layers.draw import LayersWriter, figure, sup

STYLES = ("page.css", "controls.css", "layers.css")
SCRIPTS = ("controls.js", "layers.js")
JUPYTER_HEIGHT = 720


@dataclass(frozen=True)
class LayerStep:
    """One step: its title, its caption lines, the groups shown and those computed now."""

    title: str
    lines: list[str]
    shown: list[str]
    focus: list[str] = field(default_factory=list)


def step_through_layers(model: Any, X: Any, y: Any, loss: Any = "mse", *, l2: float = 0.0,
                        theme: str | Theme = "notebook", precision: int | None = None,
                        max_cells: int = 8) -> LayerSteps:
    """The layers player for `model` on (X, y); arguments as :func:`draw_layers`."""
    bp = layer_backprop(model, X, y, loss, l2=l2)
    return LayerSteps(bp, theme=theme, precision=precision, max_cells=max_cells)


class LayerSteps:
    """The steps of backprop in matrix form, as a list (``steps[k]``) and as a player."""

    def __init__(self, bp: Backprop, *, theme: str | Theme = "notebook",
                 precision: int | None = None, max_cells: int = 8) -> None:
        self.bp = bp
        self.figure, writer = figure(bp, title=None, theme=theme, precision=precision,
                                     fontsize=None, max_cells=max_cells)
        self.steps = _steps(bp, writer)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, k: int) -> LayerStep:
        return self.steps[k]

    def __iter__(self):
        return iter(self.steps)

    def __repr__(self) -> str:
        return (f"<LayerSteps: {len(self.steps)} steps of backprop in matrix form; .html() is "
                f"the player, .save('layers.html') writes it>")

    def groups(self) -> list[str]:
        """Every group a step shows or hides (matrices, arrows, the cost)."""
        return sorted({g for s in self.steps for g in s.shown})

    def html(self) -> str:
        """The player: one self-contained HTML page."""
        title = "Backprop in matrix form, step by step"
        svg = self.figure.svg()
        body = _BODY.format(title=html.escape(title), svg=svg[svg.index("<svg"):])
        data = {"groups": self.groups(),
                "steps": [{"title": s.title, "lines": s.lines, "shown": s.shown,
                           "focus": s.focus} for s in self.steps]}
        return page.html_page(title=title, body=body, data=data, styles=STYLES,
                              scripts=SCRIPTS)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the player to `path` (.html), atomically."""
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"step_through_layers saves an HTML page; {path.name!r} does not "
                             f"end in .html (for a still picture use draw_layers(...).save)")
        return page.write_page(path, self.html())

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        bundle = {"text/plain": repr(self)}
        try:
            bundle["image/svg+xml"] = self.figure.svg()
            bundle["text/html"] = page.iframe(self.html(), height=JUPYTER_HEIGHT,
                                              title="backprop in matrix form")
        except Exception as e:  # noqa: BLE001 - a display must not raise; say why instead
            bundle["text/plain"] += f"\n(not drawn: {e})"
        return bundle


def _steps(bp: Backprop, w: LayersWriter) -> list[LayerStep]:
    """The steps, with the arrows' labels (the writer's) as the captions."""
    L = len(bp) - 1
    arrows = w.arrows                   # forward 0..L, the cost (L+1), BP1 (L+2), BP2 ...
    shown = ["X", *(f"{p}{g.index}" for g in bp for p in ("W", "b"))]
    B = bp.X.shape[0]
    steps = [LayerStep("The inputs and the parameters",
                       [f"X holds {'one sample' if B == 1 else f'{B} samples, one per row'}; "
                        f"W^l has one row per neuron and one column per input, b^l one "
                        f"entry per neuron"],
                       list(shown), list(shown))]

    sample = ["(the numbers: the first sample of the batch)"] if w.numbers and B > 1 else []

    def add(title: str, lines: list[str], new: list[str], first_sample: bool = True) -> None:
        shown.extend(new)
        note = sample if first_sample else []
        steps.append(LayerStep(title, [*lines, *note], list(shown), new))

    for g in bp:
        add(f"Forward, layer {g.index}", arrows[g.index][2],
            [f"z{g.index}", f"a{g.index}", f"arrow{g.index}"])
    add("The cost", [*arrows[L + 1][2], f"C = {fmt(bp.C, w.p)}",
                     f"∂C/∂a{sup(L)} = {w.vec(bp.grad_a)}" if w.numbers else
                     f"∂C/∂a{sup(L)}: ({w.shape(bp.grad_a)})"],
        ["cost", f"arrow{L + 1}", "gradC"], first_sample=False)
    add("Backward: the output layer's δ (BP1)", arrows[L + 2][2],
        [f"d{L}", f"arrow{L + 2}"])
    add(f"Gradients of layer {L} (BP3, BP4)", _grad_lines(bp, L, w), [f"dW{L}", f"db{L}"],
        first_sample=False)
    for n, g in enumerate(reversed(bp.layers[:-1])):
        add(f"Backward: δ of layer {g.index} (BP2)", arrows[L + 3 + n][2],
            [f"d{g.index}", f"arrow{L + 3 + n}"])
        add(f"Gradients of layer {g.index} (BP3, BP4)", _grad_lines(bp, g.index, w),
            [f"dW{g.index}", f"db{g.index}"], first_sample=False)
    return steps


def _grad_lines(bp: Backprop, i: int, w: LayersWriter) -> list[str]:
    g = bp[i]
    s = sup(i)
    prev = "x" if i == 0 else f"a{sup(i - 1)}"
    B = bp.X.shape[0]
    lines = [f"∂C/∂W{s} = δ{s}ᵀ {prev}    (BP4: the matrix product sums the {B} samples)"
             if B > 1 else f"∂C/∂W{s} = δ{s}ᵀ {prev}    (BP4)",
             f"∂C/∂b{s} = Σ δ{s}    (BP3: summed over the batch's rows)" if B > 1 else
             f"∂C/∂b{s} = δ{s}    (BP3)"]
    if w.numbers:
        lines += [f"∂C/∂W{s}[0, 0] = δ{s}[:, 0] · {prev}[:, 0] = "
                  f"{_column(g.delta[:, 0], w)} · {_column(g.a_prev[:, 0], w)} = "
                  f"{fmt(float(g.dW[0, 0]), 4)}",
                  f"∂C/∂b{s} = {w.vec(g.db, row=False)}"]
    else:
        lines.append(f"({g.W.shape[0]} × {g.W.shape[1]}) = ({w.shape(g.delta.T)}) "
                     f"({w.shape(g.a_prev)})")
    if bp.l2:
        lines.append(f"+ 2·{fmt(bp.l2)}·W{s} and 2·{fmt(bp.l2)}·b{s} from the l2 term")
    return lines


def _column(x: np.ndarray, w: LayersWriter) -> str:
    return w.vec(x.ravel(), row=False)


_BODY = """<div id="player" class="mg-player">
<header class="mg-head"><h1 class="mg-title">{title}</h1></header>
<div id="layers-stage">
{svg}
</div>
<div id="step-title"></div>
<div id="caption" aria-live="polite"></div>
<div id="controls"></div>
<p class="mg-hint">Keys: \u2190 \u2192 Home End Space. Orange: what this step
computes; faint: not computed yet.</p>
</div>"""
