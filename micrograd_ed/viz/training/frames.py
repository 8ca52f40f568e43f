"""The training player's data: for each recorded frame, what the page shows.

* the network view of that epoch, drawn by :func:`micrograd_ed.viz.draw_network`. The
  pictures of one run differ only in colours, widths and numbers, so the page gets the
  first SVG whole and, for each later frame, only the attribute values and texts that
  change (:func:`svg_frames`); if two pictures differ in their structure every SVG is
  kept whole;
* the decision boundary (2 inputs) or the first layer's weight images, as a PNG per frame
  from matplotlib (:mod:`micrograd_ed.viz.training.panels`);
* the loss and accuracy curves, one SVG for the whole run, and where each frame's epoch
  sits in it (the page draws a cursor there);
* the caption, "epoch 24, loss 0.031, accuracy 100%".
"""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

import numpy as np

from micrograd_ed.training.recording import Recording, RecordingError
from micrograd_ed.viz.network.draw import draw_network
from micrograd_ed.viz.training import plots
from micrograd_ed.viz.training.panels import BoundaryPainter, WeightsPainter, curves_figure
from micrograd_ed.viz.training.plots import to_image

PANEL_DPI = 150


def check_history(history: Any) -> Recording:
    """The history's recording, or a RecordingError saying how to make one."""
    recording = getattr(history, "recording", None)
    if recording is None or not isinstance(recording, Recording):
        what = type(history).__name__
        raise RecordingError(
            f"draw_training needs the History of fit(..., record=N); this {what} has no "
            f"recording (train with fit(model, X, y, record=10), or on the command line "
            f"micrograd-ed train TASK --animate out.html)")
    if not recording.snapshots:
        raise RecordingError("draw_training: the recording has no snapshots")
    return recording


def pick_frames(count: int, max_frames: int) -> list[int]:
    """At most `max_frames` snapshot indices, evenly spaced, always the first and the last."""
    if isinstance(max_frames, bool) or not isinstance(max_frames, int) or max_frames < 2:
        raise ValueError(f"max_frames must be an int >= 2, got {max_frames!r}")
    if count <= max_frames:
        return list(range(count))
    return sorted({round(i * (count - 1) / (max_frames - 1)) for i in range(max_frames)})


def caption(rec: Recording, k: int) -> str:
    """'epoch 24, loss 0.031, accuracy 100%' (and the validation numbers when there are)."""
    s = rec.snapshots[k]
    text = f"epoch {s.epoch}, loss {_num(s.loss)}, accuracy {_pct(s.accuracy)}"
    if s.val_loss is not None:
        text += (f"; {rec.val_label} loss {_num(s.val_loss)}, "
                 f"accuracy {_pct(s.val_accuracy)}")
    return text


def _num(x: float) -> str:
    return f"{x:.3g}" if np.isfinite(x) else str(x)


def _pct(x: float | None) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{x:.0%}"


# ------------------------------------------------------------ network views
def network_svgs(rec: Recording, frames: Sequence[int], grads: bool = False) -> list[str | None]:
    """draw_network's SVG of each frame (None for a gradient view without a step yet)."""
    out: list[str | None] = []
    for k in frames:
        snap = rec.snapshots[k]
        if grads and (snap.grads is None or not np.any(snap.grads)):
            out.append(None)
            continue
        model = rec.model(k, grads=grads)
        out.append(draw_network(model, show="grads" if grads else "weights").svg())
    return out


def svg_frames(svgs: Sequence[str | None]) -> dict[str, Any]:
    """The pictures as ``{"base", "slots", "values"}`` (one SVG and what changes), or as
    ``{"full": [...]}`` when their element trees differ. None stays None."""
    drawn = [s for s in svgs if s is not None]
    if not drawn:
        return {"full": list(svgs)}
    trees = [list(ET.fromstring(s).iter()) for s in drawn]
    base = trees[0]
    shape = [e.tag for e in base]
    if any([e.tag for e in t] != shape for t in trees[1:]):
        return {"full": [_strip(s) if s is not None else None for s in svgs]}
    slots: list[tuple[int, str]] = []
    for i in range(len(base)):
        names = sorted({a for t in trees for a in t[i].attrib})
        for a in names:
            if len({t[i].get(a) for t in trees}) > 1:
                if a.startswith("{"):     # a namespaced attribute: keep the pictures whole
                    return {"full": [_strip(s) if s is not None else None for s in svgs]}
                slots.append((i, a))
        if len({(t[i].text or "") for t in trees}) > 1:
            slots.append((i, "#text"))
    it = iter(trees)
    values: list[list[str] | None] = []
    for s in svgs:
        if s is None:
            values.append(None)
            continue
        t = next(it)
        values.append([(t[i].text or "") if a == "#text" else (t[i].get(a) or "")
                       for i, a in slots])
    return {"base": _strip(drawn[0]), "slots": [list(s) for s in slots], "values": values}


def layout(view: dict[str, Any]) -> str:
    """"tall-network" when the network picture is taller than wide (it then gets the
    page's full-height column), else "wide-network"."""
    svg = view.get("base") or next((s for s in view.get("full", []) if s), None)
    if svg is None:
        return "wide-network"
    box = ET.fromstring(svg).get("viewBox", "").split()
    if len(box) != 4:
        return "wide-network"
    width, height = float(box[2]), float(box[3])
    return "tall-network" if width < 1.2 * height else "wide-network"


def _strip(svg: str) -> str:
    """The <svg> element alone (no XML declaration, DOCTYPE or leading comments)."""
    return svg[svg.index("<svg"):]


# -------------------------------------------------------------- the panels
def panel_painter(rec: Recording):
    """The boundary painter for 2 inputs, else the first layer's weight images."""
    return BoundaryPainter(rec) if rec.grid_x is not None else WeightsPainter(rec)


def panel_images(rec: Recording, frames: Sequence[int]) -> list[str]:
    """A PNG data URI per frame: the decision boundary, or the first layer's weights."""
    painter = panel_painter(rec)
    out = []
    for k in frames:
        png = _small_png(painter.paint(k), PANEL_DPI)
        out.append("data:image/png;base64," + base64.b64encode(png).decode("ascii"))
    return out


def _small_png(fig, dpi: int) -> bytes:
    """The figure as a PNG with an adaptive 256-colour palette: these plots have few
    colours, so it looks the same at about a third of the size."""
    from PIL import Image

    out = io.BytesIO()
    to_image(fig, dpi).quantize(colors=256, method=Image.Quantize.FASTOCTREE,
                                dither=Image.Dither.NONE).save(out, format="PNG")
    return out.getvalue()


def curves(history: Any, rec: Recording, frames: Sequence[int]) -> dict[str, Any]:
    """The curves SVG and, per axes, where each frame's cursor goes (figure fractions)."""
    fig, spans = curves_figure(history.loss, history.accuracy, history.val_loss,
                               history.val_accuracy, rec.val_label)
    svg = plots.render(fig, "svg").decode("utf-8")
    w, h = fig.get_size_inches()
    epochs = [rec.snapshots[k].epoch for k in frames]
    return {"svg": _strip(svg), "aspect": round(float(w / h), 5),
            "axes": [{"x": [round(s.x0 + s.dx * e, 5) for e in epochs],
                      "top": round(s.top, 5), "bottom": round(s.bottom, 5)} for s in spans]}


def page_data(history: Any, frames: Sequence[int], grads: bool = False) -> dict[str, Any]:
    """Everything the page's script needs, JSON-ready."""
    rec = check_history(history)
    data: dict[str, Any] = {
        "frames": [{"epoch": rec.snapshots[k].epoch, "caption": caption(rec, k)}
                   for k in frames],
        "recorded": len(rec.snapshots),
        "network": {"weights": svg_frames(network_svgs(rec, frames))},
        "panel": {"kind": "boundary" if rec.grid_x is not None else "weights",
                  "images": panel_images(rec, frames)},
        "curves": curves(history, rec, frames),
    }
    data["layout"] = layout(data["network"]["weights"])
    if grads:
        data["network"]["grads"] = svg_frames(network_svgs(rec, frames, grads=True))
    return data
