"""A time budget for running a student's code: a hang ends with a sentence, not a frozen kernel.

:func:`time_budget` runs a block for at most ``seconds``. In the main thread (a script, a test,
a Jupyter kernel's cell) it uses ``signal.setitimer``: SIGALRM interrupts even a
``while True: pass``. Elsewhere (another thread, a platform without setitimer, or when an
outer alarm is already set) it uses ``sys.settrace``: the clock is read at every call and
every line of Python code, which catches any loop written in Python.

When the time is up the block gets :class:`CaseTimeout`, a ``BaseException`` (like
``KeyboardInterrupt``), so the checker's ``except Exception`` around a student's code never
mistakes it for the student's own error, and a student's ``except Exception`` does not
swallow it.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_SECONDS = 5.0


class CaseTimeout(BaseException):
    """The time budget of one case ran out while the student's code was running."""

    def __init__(self, seconds: float, what: str = "") -> None:
        self.seconds = seconds
        self.what = what
        super().__init__(f"{what or 'the code'} did not finish within {seconds:g} s")


def check_seconds(seconds: float | None, who: str) -> float | None:
    """``seconds`` checked: None (no budget) or a positive number; ValueError otherwise."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
        raise ValueError(f"{who}: time_limit must be a number of seconds > 0 (or None for no "
                         f"limit), got {seconds!r}")
    return float(seconds)


def _can_use_alarm() -> bool:
    return (hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))


@contextmanager
def time_budget(seconds: float | None, what: str = "") -> Iterator[None]:
    """Run the block for at most ``seconds`` (None: no limit); raises :class:`CaseTimeout`."""
    if seconds is None:
        yield
        return
    if _can_use_alarm():
        with _alarm(seconds, what):
            yield
    else:
        with _traced(seconds, what):
            yield


@contextmanager
def _alarm(seconds: float, what: str) -> Iterator[None]:
    def ring(signum, frame):
        raise CaseTimeout(seconds, what)

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, old)


@contextmanager
def _traced(seconds: float, what: str) -> Iterator[None]:
    """The fallback: a trace function that reads the clock at each call and line."""
    deadline = time.monotonic() + seconds
    outer = sys.gettrace()

    def tracer(frame, event, arg):
        if time.monotonic() > deadline:
            sys.settrace(outer)
            raise CaseTimeout(seconds, what)
        return tracer

    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(outer)
