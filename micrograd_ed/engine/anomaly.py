"""detect_anomaly(): stop at the first NaN or inf, naming the op, the operands and the values.

Inside ``with detect_anomaly():`` every node made checks that its value and its local
derivatives are finite, and backward() checks every gradient it adds to. The first NaN or inf
raises `FloatingPointError` where it appeared, instead of showing up as a NaN loss later.

The mode belongs to the code that opened the block: it is kept in a `contextvars.ContextVar`
(like PyTorch's grad modes), so another thread, or an asyncio task started elsewhere, never
sees it. It holds a count, not a flag: blocks nest, and they may even be left out of order
(enter c1, enter c2, leave c1, leave c2) -- the mode is on exactly while at least one is open.
"""

from __future__ import annotations

import contextvars
import threading
from contextlib import ContextDecorator

from micrograd_ed.engine import speed
from micrograd_ed.engine.messages import finite, names, show

_open_blocks: contextvars.ContextVar[int] = contextvars.ContextVar(
    "micrograd_ed_anomaly", default=0)
_lock = threading.Lock()


def anomaly_enabled() -> bool:
    """Is detect_anomaly() on in this thread / context?"""
    return _open_blocks.get() > 0


class detect_anomaly(ContextDecorator):  # noqa: N801 (a context manager, named like PyTorch's)
    """Inside this block, the first NaN or inf made in forward or backward raises.

    >>> from micrograd_ed import Value
    >>> with detect_anomaly():
    ...     Value(float("inf")) * 0.0
    Traceback (most recent call last):
    FloatingPointError: anomaly in forward: * produced a non-finite value (result nan; ...)
    """

    def __enter__(self) -> detect_anomaly:
        _open_blocks.set(_open_blocks.get() + 1)
        with _lock:                     # see speed.py, technique 6
            speed.anomaly_blocks += 1
        return self

    def __exit__(self, *exc: object) -> None:
        _open_blocks.set(max(_open_blocks.get() - 1, 0))
        with _lock:
            speed.anomaly_blocks -= 1


def check_forward(data, op: str, parents: tuple, local_grads) -> None:
    """Raise if a new node's value or one of its local derivatives is not finite."""
    if finite(data) and all(finite(d) for d in local_grads):
        return
    letters = ("x", "y") if len(parents) <= 2 else [f"x_{i}" for i in range(len(parents))]
    shown = list(zip(parents, letters))[:6]
    listed = ", ".join(f"{n} = {show(p.data)}" for n, (p, _) in zip(names(*shown), shown))
    if len(parents) > 6:
        listed += f", ... ({len(parents) - 6} more)"
    what = "value" if not finite(data) else "local derivative"
    raise FloatingPointError(
        f"anomaly in forward: {op} produced a non-finite {what} "
        f"(result {show(data)}; operands {listed})")


def check_backward(v, g) -> None:
    """After v passed its gradient `g` on: raise if a parent's gradient is no longer finite."""
    for i, (p, d) in enumerate(zip(v.parents, v.local_grads)):
        if not finite(p.grad):
            letter = ("x", "y")[i] if len(v.parents) <= 2 else f"x_{i}"
            pn, vn = names((p, letter), (v, "z"))
            raise FloatingPointError(
                f"anomaly in backward: the gradient of {pn} became {show(p.grad)} "
                f"through {v.op} ({vn} = {show(v.data)}, upstream grad {show(g)}, "
                f"local derivative {show(d)})")
