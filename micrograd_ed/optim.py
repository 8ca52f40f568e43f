"""Optimizers: turn each parameter's gradient into a step, v <- v - lr * (something).

Usage, as in PyTorch::

    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    for x, y in data:
        opt.zero_grad()            # grads accumulate, so clear them first
        loss = mse(model(x), y)
        loss.backward()            # fill p.grad = dL/dp
        opt.step()                 # move every p against its gradient

Learning-rate schedules change ``opt.lr`` as training goes: call the
schedule's ``step()`` once per epoch (or per update, as you choose).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from micrograd_ed.engine import Value
from micrograd_ed.engine.parameters import arrays_of


def _check_params(params: Any, who: str) -> list[Value]:
    if hasattr(params, "parameters"):
        params = params.parameters()
    ps = list(params)
    if not ps:
        raise ValueError(f"{who}: got no parameters to optimize")
    seen = set()
    for i, p in enumerate(ps):
        if not isinstance(p, Value):
            raise TypeError(f"{who}: parameter {i} is a {type(p).__name__}, not a Value")
        if not isinstance(p.data, float):
            raise TypeError(f"{who}: parameter {i} ({p.label or 'unlabelled'}) is batched; "
                            f"parameters hold one number")
        if id(p) in seen:
            raise ValueError(f"{who}: parameter {i} ({p.label or 'unlabelled'}) appears twice")
        seen.add(id(p))
    return ps


def _check_number(x: object, name: str, who: str, low: float, high: float = math.inf, *,
                  low_open: bool = False, high_open: bool = True) -> float:
    ok = not isinstance(x, bool) and isinstance(x, (int, float)) and math.isfinite(x)
    ok = ok and (x > low if low_open else x >= low) and (x < high if high_open else x <= high)
    if not ok:
        span = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{who}: {name} must be a number in {span}, got {x!r}")
    return float(x)


class Optimizer:
    """Base class: holds the parameters and the learning rate `lr`.

    A step works on whole arrays, not parameter by parameter: it gathers every
    parameter's ``grad`` and ``data`` into one float64 array each, updates the
    array with numpy, and writes the new values back into the parameters'
    ``data``. The per-parameter Python work is three plain attribute passes
    (about 0.1 us a parameter); the arithmetic, square roots included, runs in
    numpy. Elementwise float64 numpy does the same IEEE operations in the same
    order as a scalar loop would, so the numbers are the formulas' exactly.
    """

    def __init__(self, params: Iterable[Value] | Any, lr: float) -> None:
        self.params = _check_params(params, type(self).__name__)
        self.lr = _check_number(lr, "lr", type(self).__name__, 0.0, low_open=True)
        self.steps = 0
        # The parameters as slices of the arrays that hold them (an nn model's neurons keep
        # theirs in one array each: engine/parameters.py), so that gather and scatter are a
        # few slice copies; None if some parameter is a plain Value (then one by one).
        self._runs = arrays_of(self.params)

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0."""
        if self._runs is not None:
            for array, start, stop in self._runs:
                array.grad[start:stop] = 0.0
            return
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its current grad."""
        raise NotImplementedError

    def _gather(self, name: str) -> np.ndarray:
        """Every parameter's `name` ("grad" or "data") as one float64 array."""
        # A list comprehension first: Python 3.11 specialises its slot reads, which makes
        # it about twice as fast as feeding fromiter an attrgetter map.
        if self._runs is not None:      # slices of the parameters' own arrays
            return np.concatenate([getattr(a, name)[start:stop]
                                   for a, start, stop in self._runs])
        ps = self.params
        values = [p.grad for p in ps] if name == "grad" else [p.data for p in ps]
        try:
            return np.fromiter(values, np.float64, len(values))
        except (TypeError, ValueError, OverflowError):
            pass
        for i, p in enumerate(self.params):     # say which parameter is wrong
            x = getattr(p, name)
            where = (f"{type(self).__name__}.step: the {name} of parameter {i} "
                     f"({p.label or 'unlabelled'})")
            if not isinstance(x, (int, float)):
                hint = (". Reduce a batched loss with .sum() or .mean() before backward()"
                        if name == "grad" else "")
                raise TypeError(f"{where} is a {type(x).__name__}, not one number; nothing "
                                f"was updated{hint}")
            try:
                float(x)
            except OverflowError:
                raise OverflowError(f"{where} is too large for a float: {x!r:.40}; nothing "
                                    f"was updated") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _grads(self) -> np.ndarray:
        """The parameters' grads as one array; a NaN or inf gradient raises, naming it."""
        grads = self._gather("grad")
        bad = np.flatnonzero(~np.isfinite(grads))
        if bad.size:
            i = int(bad[0])
            raise FloatingPointError(
                f"{type(self).__name__}.step: the gradient of parameter {i} "
                f"({self.params[i].label or 'unlabelled'}) is {float(grads[i])!r}; nothing was "
                f"updated. Lower the learning rate, or check the loss for log(0) or overflow")
        return grads

    def _scatter(self, data: np.ndarray) -> None:
        """Write the updated values back: slice by slice into the arrays that hold the
        parameters, or one Python float per parameter."""
        if self._runs is not None:
            at = 0
            for array, start, stop in self._runs:
                array.data[start:stop] = data[at:at + stop - start]
                at += stop - start
            return
        for p, x in zip(self.params, data.tolist()):
            p.data = x

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr:g}, {len(self.params)} parameters)"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and weight decay.

    g = dL/dp + weight_decay * p            (weight decay = L2 regularization)
    v <- momentum * v + g                   (velocity; v = g when momentum = 0)
    p <- p - lr * v

    ``velocity`` holds v for every parameter, in the order of ``params``.
    """

    def __init__(self, params: Iterable[Value] | Any, lr: float = 0.1,
                 momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = _check_number(momentum, "momentum", "SGD", 0.0, 1.0)
        self.weight_decay = _check_number(weight_decay, "weight_decay", "SGD", 0.0)
        self.velocity = np.zeros(len(self.params))

    def step(self) -> None:
        g, lr, mu, wd = self._grads(), self.lr, self.momentum, self.weight_decay
        data = self._gather("data")
        if wd:
            g = g + wd * data
        if mu:
            g = self.velocity = mu * self.velocity + g
        self._scatter(data - lr * g)
        self.steps += 1


class Adam(Optimizer):
    """Adam: SGD with a running mean of gradients, scaled per parameter.

    m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g^2        (moment estimates)
    m_hat = m / (1 - b1^t),   v_hat = v / (1 - b2^t)          (bias correction)
    p <- p - lr * m_hat / (sqrt(v_hat) + eps)

    ``m`` and ``v`` hold the two estimates for every parameter, in the order of
    ``params``; with ``weight_decay`` the gradient is g + weight_decay * p (L2).
    """

    def __init__(self, params: Iterable[Value] | Any, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair (b1, b2), got {betas!r}")
        self.betas = (_check_number(betas[0], "betas[0]", "Adam", 0.0, 1.0),
                      _check_number(betas[1], "betas[1]", "Adam", 0.0, 1.0))
        self.eps = _check_number(eps, "eps", "Adam", 0.0, low_open=True)
        self.weight_decay = _check_number(weight_decay, "weight_decay", "Adam", 0.0)
        self.m = np.zeros(len(self.params))
        self.v = np.zeros(len(self.params))

    def step(self) -> None:
        g, (b1, b2), wd = self._grads(), self.betas, self.weight_decay
        data = self._gather("data")
        if wd:
            g = g + wd * data
        t = self.steps + 1
        c1, c2 = 1.0 - b1 ** t, 1.0 - b2 ** t
        self.m = b1 * self.m + (1.0 - b1) * g
        self.v = b2 * self.v + (1.0 - b2) * g * g
        self._scatter(data - self.lr * (self.m / c1) / (np.sqrt(self.v / c2) + self.eps))
        self.steps = t


# ------------------------------------------------------------ schedules
class LRSchedule:
    """Sets ``optimizer.lr = lr_at(k)`` after the k-th call of :meth:`step`."""

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an Optimizer, "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.k = 0

    def lr_at(self, k: int) -> float:
        raise NotImplementedError

    def step(self) -> float:
        """Advance one step (usually one epoch) and set the optimizer's new lr."""
        self.k += 1
        self.optimizer.lr = self.lr_at(self.k)
        return self.optimizer.lr


class LinearDecay(LRSchedule):
    """lr_k = base_lr * (1 - (1 - end_factor) * min(k, total) / total), as micrograd's demo.

    With base 1.0, ``total=100`` and ``end_factor=0.1`` this is micrograd's
    ``1.0 - 0.9 * k / 100``.
    """

    def __init__(self, optimizer: Optimizer, total: int, end_factor: float = 0.1) -> None:
        super().__init__(optimizer)
        if isinstance(total, bool) or not isinstance(total, int) or total < 1:
            raise ValueError(f"LinearDecay: total must be a positive int, got {total!r}")
        self.total = total
        self.end_factor = _check_number(end_factor, "end_factor", "LinearDecay", 0.0, 1.0,
                                        high_open=False)

    def lr_at(self, k: int) -> float:
        return self.base_lr * (1.0 - (1.0 - self.end_factor) * min(k, self.total) / self.total)


class StepDecay(LRSchedule):
    """lr_k = base_lr * gamma ** (k // step_size): drop by `gamma` every `step_size` steps."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"StepDecay: step_size must be a positive int, got {step_size!r}")
        self.step_size = step_size
        self.gamma = _check_number(gamma, "gamma", "StepDecay", 0.0, 1.0, low_open=True,
                                   high_open=False)

    def lr_at(self, k: int) -> float:
        return self.base_lr * self.gamma ** (k // self.step_size)
