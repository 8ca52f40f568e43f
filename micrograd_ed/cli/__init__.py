"""The ``micrograd-ed`` command line. Nothing in the library imports this package.

    commands.py  the commands and their options (``main``)
    demo.py      ``micrograd-ed demo``: train XOR and draw what happened
    animate.py   ``micrograd-ed train TASK --animate``: the training player of a run
"""

from micrograd_ed.cli.commands import main

__all__ = ["main"]
