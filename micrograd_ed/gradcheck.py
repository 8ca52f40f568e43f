"""Gradient checking: compare backprop's gradients with finite differences.

For each input x_i the central difference

    dL/dx_i  ~  (L(x_i + eps) - L(x_i - eps)) / (2 eps)

has error O(eps**2) (the one-sided difference has O(eps)). It costs two
forward passes per input, so it is a check for analytic gradients, never a
way to train.

This is the tool, for any function of Values. ``micrograd_ed.teach.op_checks`` runs
it over micrograd_ed's own ops (``micrograd-ed gradcheck``); ``micrograd_ed.check.ops``
(``check_op``) grades a student's forward and local derivative of one op.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from micrograd_ed.engine import Value, zero_grad
from micrograd_ed.engine.memory import paused_gc

Fn = Callable[[Sequence[Value]], Value]


def _scalar(out: object, where: str) -> float:
    if not isinstance(out, Value):
        raise TypeError(f"{where}: fn must return a Value, got {type(out).__name__}")
    if not isinstance(out.data, float):
        raise TypeError(f"{where}: fn must return a scalar Value (reduce a batch with .mean())")
    return out.data


def _check_inputs(inputs: Sequence[Value], where: str) -> None:
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"{where}: input {i} is a {type(x).__name__}, not a Value")
        if not isinstance(x.data, float):
            raise TypeError(f"{where}: input {i} ({x.label or 'unlabelled'}) is batched")


def numerical_grad(fn: Fn, inputs: Sequence[Value], eps: float = 1e-6) -> list[float]:
    """Central differences (fn(x+eps) - fn(x-eps)) / 2eps, one per input.

    ``fn(inputs)`` must rebuild the graph from the inputs' current ``.data``.
    Each input's data is restored afterwards, even if fn raises.
    """
    _check_inputs(inputs, "numerical_grad")
    if not eps > 0:
        raise ValueError(f"numerical_grad: eps must be positive, got {eps!r}")
    grads = []
    for x in inputs:
        x0 = x.data
        try:
            with paused_gc():   # each graph is acyclic and freed on return: no GC scans
                x.data = x0 + eps
                up = _scalar(fn(inputs), "numerical_grad")
                x.data = x0 - eps
                down = _scalar(fn(inputs), "numerical_grad")
        finally:
            x.data = x0
        grads.append((up - down) / (2 * eps))
    return grads


def analytic_grad(fn: Fn, inputs: Sequence[Value]) -> list[float]:
    """dL/dx_i by backpropagation, leaving the inputs' grads as they were."""
    _check_inputs(inputs, "analytic_grad")
    saved = [x.grad for x in inputs]
    zero_grad(inputs)
    try:
        with paused_gc():
            out = fn(inputs)
            _scalar(out, "analytic_grad")
            out.backward()
            del out
        return [float(x.grad) for x in inputs]
    finally:                    # even when fn or backward raises
        for x, g in zip(inputs, saved):
            x.grad = g


@dataclass
class GradcheckResult:
    """The outcome of :func:`gradcheck`; ``str()`` gives a readable report."""

    ok: bool
    labels: list[str]
    analytic: list[float]
    numeric: list[float]
    abs_errors: list[float] = field(repr=False)
    rel_errors: list[float] = field(repr=False)
    atol: float = 1e-5
    rtol: float = 1e-4

    @property
    def max_abs_error(self) -> float:
        return max(self.abs_errors, default=0.0)

    @property
    def max_rel_error(self) -> float:
        return max(self.rel_errors, default=0.0)

    @property
    def worst(self) -> int:
        """Index of the input that misses its tolerance by the most."""
        excess = [a - (self.atol + self.rtol * abs(n))
                  for a, n in zip(self.abs_errors, self.numeric)]
        return max(range(len(excess)), key=excess.__getitem__) if excess else -1

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        head = "gradcheck passed" if self.ok else "gradcheck FAILED"
        lines = [f"{head}: max abs error {self.max_abs_error:.3g}, "
                 f"max rel error {self.max_rel_error:.3g} "
                 f"(atol {self.atol:g}, rtol {self.rtol:g})",
                 f"  {'input':<12} {'analytic':>14} {'numeric':>14} {'abs err':>10}"]
        for name, a, n, e in zip(self.labels, self.analytic, self.numeric, self.abs_errors):
            flag = "" if e <= self.atol + self.rtol * abs(n) else "  <-- mismatch"
            lines.append(f"  {name:<12} {a:>14.8g} {n:>14.8g} {e:>10.3g}{flag}")
        if self.labels:       # by error over tolerance, not by the largest error
            where = "closest to its tolerance" if self.ok else "furthest past its tolerance"
            lines.append(f"  input {where}: {self.labels[self.worst]}")
        return "\n".join(lines)


def gradcheck(fn: Fn, inputs: Sequence[Value], eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-4) -> GradcheckResult:
    """Compare backprop with central differences for every input.

    An input passes when |analytic - numeric| <= atol + rtol * |numeric|.
    """
    analytic = analytic_grad(fn, inputs)
    numeric = numerical_grad(fn, inputs, eps)
    abs_err = [abs(a - n) for a, n in zip(analytic, numeric)]
    rel_err = [e / max(abs(n), 1e-12) for e, n in zip(abs_err, numeric)]
    ok = all(e <= atol + rtol * abs(n) for e, n in zip(abs_err, numeric))
    labels = [x.label or f"inputs[{i}]" for i, x in enumerate(inputs)]
    return GradcheckResult(ok, labels, analytic, numeric, abs_err, rel_err, atol, rtol)
