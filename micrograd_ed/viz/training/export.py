"""The training player as pictures for slides: a GIF, a PDF (one page per frame), a PNG.

One matplotlib figure holds, for a frame, the same three things as the page: the
network (edge colour = sign, width = |w|), the decision boundary or the first layer's
weight images, and the loss and accuracy curves with a line at the frame's epoch; the
caption is the title. :class:`ExportPainter` builds it once and repaints it per frame.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from matplotlib.backends.backend_pdf import PdfPages

from micrograd_ed.training.recording import Recording
from micrograd_ed.viz.training import plots
from micrograd_ed.viz.training.frames import caption, pick_frames
from micrograd_ed.viz.training.panels import (
    BoundaryPainter,
    NetworkPainter,
    WeightsPainter,
    curves_figure,
    freeze_layout,
)

GIF_FRAMES = 40          # at most this many frames in a GIF...
GIF_MS = 120             # ...shown this long each (about 5 s), the last one held:
GIF_HOLD_MS = 1500
GIF_DPI = 80             # 12.8 x 6 inches -> 1024 x 480 pixels


class ExportPainter:
    """The three panels of one frame on one figure; :meth:`paint` shows frame k."""

    def __init__(self, history: Any, recording: Recording, title: str,
                 grads: bool = False) -> None:
        self.rec, self.title, self.grads = recording, title, grads
        self.fig = plots.figure(12.8, 6.0)
        left, middle, right = self.fig.subfigures(1, 3, width_ratios=[1.15, 1, 1.1])
        ax_net = left.add_subplot()
        self.network = NetworkPainter(recording, ax_net)
        left.suptitle("the network: red w > 0, blue w < 0, width |w|"
                      if not grads else "gradients of the last step: red > 0, blue < 0",
                      fontsize=10)
        if recording.grid_x is not None:
            self.panel = BoundaryPainter(recording, ax=middle.add_subplot())
            middle.suptitle("decision boundary", fontsize=10)
        else:
            self.panel = WeightsPainter(recording, fig=middle)
        axes = right.subplots(2, 1, sharex=True)
        curves_figure(history.loss, history.accuracy, history.val_loss, history.val_accuracy,
                      recording.val_label, axes=axes)
        axes[0].set_xlabel("")
        self.cursors = [ax.axvline(0, color="#b35900", linewidth=2) for ax in axes]
        self.heading = self.fig.suptitle(" ", fontsize=13, fontweight="bold")
        freeze_layout(self.fig, lambda: self.paint(len(recording.snapshots) - 1))

    def paint(self, k: int):
        """Show snapshot k; returns the figure."""
        self.network.paint(k, grads=self.grads)
        self.panel.paint(k)
        epoch = self.rec.snapshots[k].epoch
        for line in self.cursors:
            line.set_xdata([epoch, epoch])
        self.heading.set_text(f"{self.title}: {caption(self.rec, k)}")
        return self.fig


def png_frame(painter: ExportPainter, k: int, dpi: int = 100) -> bytes:
    """Frame k as PNG bytes."""
    return plots.render(painter.paint(k), "png", dpi=dpi)


def gif_bytes(painter: ExportPainter, frames: Sequence[int]) -> bytes:
    """An animated GIF (Pillow) of at most GIF_FRAMES of `frames`, looping."""
    from PIL import Image

    chosen = [frames[i] for i in pick_frames(len(frames), GIF_FRAMES)]
    images = []
    for k in chosen:
        rgb = plots.to_image(painter.paint(k), GIF_DPI)
        images.append(rgb.quantize(colors=255, method=Image.Quantize.MEDIANCUT, dither=0))
    durations = [GIF_MS] * (len(images) - 1) + [GIF_HOLD_MS]
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                   duration=durations, loop=0, optimize=False, disposal=1)
    return buf.getvalue()


def pdf_bytes(painter: ExportPainter, frames: Sequence[int]) -> bytes:
    """A PDF with one page per frame (matplotlib's PdfPages), without dates."""
    buf = io.BytesIO()
    with plots.rc(), PdfPages(buf, metadata={"CreationDate": None, "ModDate": None}) as pdf:
        for k in frames:
            pdf.savefig(painter.paint(k), facecolor="white")
    return buf.getvalue()

