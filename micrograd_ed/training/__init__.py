"""What the training loop (micrograd_ed.train) stands on, and the recipes built on it.

    checks.py     what fit() checks first, so that a run that cannot work says why
    recording.py  snapshots of a run for the training player: fit(..., record=N)
    tasks.py      training tasks by name (xor, moons, digits, ...) for the command line
    digits.py     the lecture's digit network, MLP(784, [16, 16, 10]), and its recipe
"""
