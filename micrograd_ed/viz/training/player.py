"""Watch a network learn: ``draw_training(history)`` for a run of ``fit(..., record=N)``.

>>> from micrograd_ed.data import truth_table
>>> from micrograd_ed.nn import MLP
>>> from micrograd_ed.optim import SGD
>>> from micrograd_ed.train import fit
>>> X, y = truth_table("xor")
>>> model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
>>> history = fit(model, X, y, loss="bce", optimizer=SGD(model.parameters(), lr=2.0),
...               epochs=200, progress=False, record=50)
>>> player = draw_training(history)
>>> player
TrainingPlayer(5 frames, epochs 0..200)

``player.save("run.html")`` writes one self-contained page (no server, nothing fetched):
the network at that epoch, the decision boundary over the data (the first layer's weight
images for the digits), the loss and accuracy curves with a cursor at the epoch, and the
controls (play/pause, slider, keys Home / End / ArrowLeft / ArrowRight / Space).
``.save("run.gif")`` and ``.save("run.pdf")`` (one page per frame) are for slides; ``.png``
and ``.svg`` give the last frame. In Jupyter the player shows itself inline, with the
last frame as a PNG in the same output for viewers that strip scripts (GitHub, nbviewer).
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

from micrograd_ed.files.atomic import write_atomic
from micrograd_ed.viz.core import page
from micrograd_ed.viz.training import plots
from micrograd_ed.viz.training.export import ExportPainter, gif_bytes, pdf_bytes, png_frame
from micrograd_ed.viz.training.frames import check_history, page_data, pick_frames

SAVE_FORMATS = (".html", ".gif", ".pdf", ".png", ".svg")
MAX_FRAMES = 120
_STYLES = ["page.css", "controls.css", "training.css"]
_SCRIPTS = ["controls.js", "training.js"]


class TrainingPlayer:
    """A recorded training run, ready to be saved as a page, a GIF or a PDF, or shown."""

    def __init__(self, history: Any, *, title: str | None = None, grads: bool = False,
                 max_frames: int = MAX_FRAMES) -> None:
        self.history = history
        self.recording = check_history(history)
        self.frames = pick_frames(len(self.recording.snapshots), max_frames)
        self.grads = bool(grads)
        self.title = title if title is not None else default_title(self.recording)
        self._html: str | None = None
        self._painter: ExportPainter | None = None

    @property
    def epochs(self) -> list[int]:
        """The epoch of each frame (0 is before training)."""
        return [self.recording.snapshots[k].epoch for k in self.frames]

    # ---------------------------------------------------------------- page
    def html(self) -> str:
        """The self-contained HTML page (built once, then cached)."""
        if self._html is None:
            data = page_data(self.history, self.frames, grads=self.grads)
            self._html = page.html_page(title=self.title, body=self._body(),
                                        data=data, styles=_STYLES, scripts=_SCRIPTS)
        return self._html

    def _body(self) -> str:
        rec = self.recording
        panel = ("decision boundary: the model's output over the data (train filled, "
                 f"{rec.val_label} hollow)" if rec.grid_x is not None
                 else "the first layer's weights, one image per neuron")
        grads = ('<label><input type="checkbox" id="show-grads"> show the gradients '
                 "dL/dw of the epoch's last step</label>" if self.grads else "")
        shown = len(self.frames)
        note = (f"{shown} frames: the recorded epochs {self.epochs[0]} to {self.epochs[-1]}"
                if shown == len(rec.snapshots) else
                f"{shown} of the {len(rec.snapshots)} recorded epochs, evenly spaced")
        return "\n".join([
            '<div id="header">',
            f'<h1 id="title">{html.escape(self.title)}</h1>',
            '<p id="caption" aria-live="polite"></p>',
            "</div>",
            '<main id="stage">',
            '<section class="panel" id="network-panel"><h2>the network at this epoch: '
            "edge colour = sign of w, width = |w|</h2>",
            '<div id="network"></div><p id="network-note"></p>', grads, "</section>",
            f'<section class="panel" id="panel-panel"><h2>{html.escape(panel)}</h2>',
            '<img id="panel" alt="the panel of this epoch"></section>',
            '<section class="panel" id="curves-panel"><h2>loss and accuracy; the line marks '
            "this epoch</h2>",
            '<div id="curves"><div id="curves-svg"></div></div></section>',
            "</main>",
            '<div id="controls"></div>',
            f'<p id="note">{html.escape(note)}. Keys: \u2190 \u2192 step, Home / End first '
            "/ last, Space play / pause.</p>",
        ])

    # ------------------------------------------------------------- exports
    def painter(self) -> ExportPainter:
        if self._painter is None:
            # the exports show the weights: a still picture has no switch to flip
            self._painter = ExportPainter(self.history, self.recording, self.title)
        return self._painter

    def frame_figure(self, k: int = -1):
        """The matplotlib Figure of frame k (default: the last), as in the GIF and PDF."""
        return self.painter().paint(self.frames[k])

    def save(self, path: str | os.PathLike) -> Path:
        """Write the player; the suffix picks the format.

        .html the page; .gif an animation of a few seconds; .pdf one page per frame;
        .png / .svg the last frame. Written atomically (nothing half-written).
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in SAVE_FORMATS:
            raise ValueError(f"cannot save a training player as {path.name!r}: unknown "
                             f"suffix {path.suffix or '(none)'!r}; use one of "
                             f"{', '.join(SAVE_FORMATS)}")
        if suffix == ".html":
            data: bytes = self.html().encode("utf-8")
        elif suffix == ".gif":
            data = gif_bytes(self.painter(), self.frames)
        elif suffix == ".pdf":
            data = pdf_bytes(self.painter(), self.frames)
        else:
            data = plots.render(self.frame_figure(-1), suffix[1:])
        write_atomic(path, data)
        return path

    # ------------------------------------------------------------- Jupyter
    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        """The page in an iframe, and the last frame as PNG for viewers without scripts."""
        return {"text/html": page.iframe(self.html(), height=900, title=self.title),
                "image/png": png_frame(self.painter(), self.frames[-1], dpi=80),
                "text/plain": repr(self)}

    def __repr__(self) -> str:
        e = self.epochs
        return f"TrainingPlayer({len(e)} frames, epochs {e[0]}..{e[-1]})"


def draw_training(history: Any, *, title: str | None = None, grads: bool = False,
                  max_frames: int = MAX_FRAMES) -> TrainingPlayer:
    """The training player of a History from ``fit(..., record=N)``.

    `grads` adds a switch to show the gradients of each epoch's last step on the
    network; `max_frames` caps the frames drawn (evenly spaced, always the first and
    last recorded epoch). Raises RecordingError for a history without a recording.
    """
    return TrainingPlayer(history, title=title, grads=grads, max_frames=max_frames)


def default_title(rec) -> str:
    """'MLP 2-16-16-1 (tanh), bce loss': the network and the loss of a recording."""
    cfg = rec.config
    sizes = "-".join(str(n) for n in [cfg["nin"], *cfg["sizes"]])
    return f"MLP {sizes} ({cfg['activation']}), {rec.loss_name} loss"
