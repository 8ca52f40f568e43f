"""Reading numbers off a graph for display: batch means, one sample, gradient state.

In batched mode a Value's ``data`` (and an interior node's ``grad``) is a 1-D
array with one entry per sample. A picture shows one number: the batch mean,
marked "(mean of N)", or with ``sample=k`` the k-th sample. A float node that
met batched values (a parameter) holds the *sum* over the batch of its
per-sample gradients, so the shares flowing into it are shown summed too, and
then they still add up to its grad.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from micrograd_ed.engine import Value
from micrograd_ed.viz.core.dot import fmt

_ndarray = np.ndarray


class Reader:
    """Turns the numbers of one graph into short strings, the same way everywhere."""

    def __init__(self, nodes: Sequence[Value], root: Value, precision: int = 4,
                 sample: int | None = None) -> None:
        if isinstance(precision, bool) or not isinstance(precision, int) or precision < 1:
            raise ValueError(f"precision must be a positive int (significant digits), "
                             f"got {precision!r}")
        self.precision = precision
        self.batch = next((v.data.size for v in nodes if v.data.__class__ is _ndarray), None)
        if sample is not None:
            if self.batch is None:
                raise ValueError(f"sample={sample!r} given, but this graph is not batched "
                                 "(no Value holds an array); leave sample=None")
            if isinstance(sample, bool) or not isinstance(sample, int) or not (
                    -self.batch <= sample < self.batch):
                raise ValueError(f"sample must be an int in range({self.batch}) for this batch "
                                 f"of {self.batch}, got {sample!r}")
            sample %= self.batch
        self.sample = sample
        self.computed = not (_is_zero(root.grad) and all(_is_zero(v.grad) for v in nodes))

    # -------------------------------------------------------------- numbers
    def scalar(self, x, total: bool = False) -> float:
        """One number for ``x``: itself, or for a batch the chosen sample, the sum or the mean."""
        if x.__class__ is not _ndarray:
            return float(x)
        if self.sample is not None:
            return float(x[self.sample])
        return float(x.sum()) if total else float(x.mean())

    def text(self, x, total: bool = False) -> str:
        """``x`` formatted, with "(mean of N)" / "(sum of N)" when it is a batch."""
        s = fmt(self.scalar(x, total), self.precision)
        if x.__class__ is _ndarray and self.sample is None:
            s += f" ({'sum' if total else 'mean'} of {x.size})"
        return s

    def number(self, x: float) -> str:
        return fmt(x, self.precision)

    # ----------------------------------------------------------- node parts
    def data(self, v: Value) -> str:
        return self.text(v.data)

    def grad(self, v: Value) -> str:
        """A node's grad, or "?" before backward has run."""
        if not self.computed:
            return "?"
        s = self.text(v.grad)
        if (self.sample is not None and v.data.__class__ is not _ndarray
                and v.grad.__class__ is not _ndarray):
            s += " (batch total)"
        return s

    def share(self, parent: Value, uses: Sequence[tuple[Value, int]]) -> float:
        """The gradient flowing back from ``parent`` along its edges ``uses``.

        Each use ``(child, i)`` (``parent`` is ``child.parents[i]``) carries
        ``child.grad * child.local_grads[i]``; these are added, then reduced to
        one number: summed over the batch when ``parent`` is a float node (its
        grad is that sum).
        """
        return self.scalar(_total(uses), total=parent.data.__class__ is not _ndarray)

    def share_text(self, parent: Value, uses: Sequence[tuple[Value, int]]) -> str:
        return self.text(_total(uses), total=parent.data.__class__ is not _ndarray)

    def disagrees(self, v: Value, uses: Sequence[tuple[Value, int]]) -> bool:
        """True when ``v.grad`` is not the sum of the shares of its ``uses``: it still
        holds gradient from an earlier ``backward()`` (a leaf accumulates)."""
        total = _total(uses)
        size = 0.0
        for child, i in uses:
            size = size + np.abs(child.grad * child.local_grads[i])
        if v.data.__class__ is not _ndarray:
            total, size = np.sum(total), np.sum(size)
        with np.errstate(invalid="ignore"):
            close = np.isclose(v.grad, total, rtol=1e-7, atol=1e-12 + 1e-9 * np.max(size))
        return not bool(np.all(close | (np.isnan(v.grad) & np.isnan(total))))

    def is_batch(self, *xs) -> bool:
        """True when any of ``xs`` is a batch shown as a mean or sum (not one sample)."""
        return self.sample is None and any(x.__class__ is _ndarray for x in xs)


def _total(uses: Sequence[tuple[Value, int]]):
    total = 0.0
    for child, i in uses:
        total = total + child.grad * child.local_grads[i]
    return total


def _is_zero(g) -> bool:
    return not g.any() if g.__class__ is _ndarray else g == 0
