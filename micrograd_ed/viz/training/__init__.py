"""Watch a network learn: the training player of a run of ``fit(..., record=N)``.

    player.py  draw_training(history) and TrainingPlayer (page, GIF, PDF, PNG)
    frames.py  what each recorded frame shows          panels.py  its matplotlib panels
    export.py  the player as pictures for slides       plots.py   deterministic matplotlib output
"""

from micrograd_ed.viz.training.player import TrainingPlayer, draw_training

__all__ = ["TrainingPlayer", "draw_training"]
