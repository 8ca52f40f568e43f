"""``micrograd-ed train TASK --animate out.html``: the logic behind the option.

Checks the target before training (its suffix, and that it can be written), picks how
often to record, and writes the training player once training is done.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from micrograd_ed.viz.training.player import (
    SAVE_FORMATS,
    TrainingPlayer,
    default_title,
    draw_training,
)

TARGET_FRAMES = 60      # the default recording gives about this many frames


def check_suffix(path: str | os.PathLike) -> Path:
    """`path` if its suffix is one the player saves as, else ValueError naming it."""
    path = Path(path)
    if path.suffix.lower() not in SAVE_FORMATS:
        raise ValueError(f"--animate {path}: the file name must end in "
                         f"{', '.join(SAVE_FORMATS)} (the page, an animation, one PDF page "
                         f"per frame, or the last frame)")
    return path


def record_every(epochs: int, given: int | None = None) -> int:
    """`given`, or a round step (1, 2, 5, 10, 20, ...) giving about TARGET_FRAMES frames."""
    if given is not None:
        return given
    raw = epochs / TARGET_FRAMES
    if raw <= 1:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def write(history: Any, path: str | os.PathLike, task: str | None = None) -> TrainingPlayer:
    """Draw the recorded run and save it to `path` (atomically); return the player.

    The title names the `task` and the network ("moons: MLP 2-16-16-1 (tanh), bce loss").
    """
    title = None
    if task is not None:
        title = f"{task}: {default_title(history.recording)}"
    player = draw_training(history, title=title)
    player.save(path)
    return player
