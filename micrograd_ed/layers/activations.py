"""The activations of micrograd_ed.nn as numpy functions of a whole matrix, and their slopes.

Each row pairs a = σ(z) with σ'(z), written, as the engine's Value ops are, from the output a
where that is how the lecture writes it (so both give the same numbers to the last digit):

=========  ===============================  ==========================================
name       a = σ(z)                         σ'(z)
=========  ===============================  ==========================================
linear     z                                1
sigmoid    1 / (1 + e^-z)  (without overflow) a (1 - a)
tanh       tanh z                           1 - a²
relu       max(0, z)                        1 if z > 0 else 0
step       1 if z > 0 else 0                0 (no gradient flows back through a step)
=========  ===============================  ==========================================
"""

from __future__ import annotations

import numpy as np

from micrograd_ed.nn import canonical_activation


def sigma(name: str, z: np.ndarray) -> np.ndarray:
    """a = σ(z), entry by entry, for the activation called `name`."""
    name = canonical_activation(name)
    if name == "linear":
        return z.copy()
    if name == "sigmoid":
        e = np.exp(-np.abs(z))                 # e^-|z| <= 1: never overflows
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    return (z > 0) * 1.0                       # step


def sigma_prime(name: str, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """σ'(z), entry by entry; `a` = σ(z) is passed in because the slope is written with it."""
    name = canonical_activation(name)
    if name == "linear":
        return np.ones_like(z)
    if name == "sigmoid":
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a * a
    if name == "relu":
        return (z > 0) * 1.0
    return np.zeros_like(z)                    # step
