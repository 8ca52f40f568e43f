"""Running a learner's function under a time budget, from any thread (a Jupyter kernel's too).

The function runs in a worker thread; the caller waits at most `budget` seconds for it. When
the time is up, the worker is asked to stop: `OutOfTime`, an exception the learner's code did
not raise, is delivered into it (CPython's PyThreadState_SetAsyncExc), at its next Python
line. `OutOfTime` derives from BaseException, so a learner's ``except Exception`` does not
swallow it, and a stop can never be mistaken for the learner's own error: the outcome says
which of the three happened (a result, the learner's exception, or the budget ran out).

No signals and no sys.settrace: signal.alarm works only in the main thread of the main
interpreter, and a trace function slows every line of the learner's code. The one limit: a
single numpy call that runs for minutes (no Python line in between) is stopped only after it
returns; the checker then still reports the budget, on time, and leaves the thread behind.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: how long a stopped worker gets to unwind before it is left behind (seconds)
GRACE = 1.0


class OutOfTime(BaseException):
    """Delivered into a worker whose time is up (never raised by a learner's code)."""


@dataclass
class Outcome:
    """What happened: ``value`` (returned), ``error`` (the learner's exception), or
    ``timed_out`` (with ``left_running`` when the worker would not stop); ``seconds`` taken."""

    value: Any = None
    error: BaseException | None = None
    timed_out: bool = False
    left_running: bool = False
    seconds: float = 0.0


def _stop(thread: threading.Thread) -> None:
    """Deliver `OutOfTime` into `thread` (CPython only; elsewhere it is left running)."""
    ident = thread.ident
    api = getattr(ctypes, "pythonapi", None)
    if ident is not None and api is not None:
        api.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(OutOfTime))


def run_with_budget(fn: Callable[..., Any], args: tuple, budget: float) -> Outcome:
    """Call ``fn(*args)`` in a worker thread and wait at most `budget` seconds."""
    outcome = Outcome()
    done = threading.Event()

    def work() -> None:
        try:
            outcome.value = fn(*args)
        except OutOfTime:
            outcome.timed_out = True
        except BaseException as e:              # the learner's, SystemExit included
            outcome.error = e
        finally:
            done.set()

    worker = threading.Thread(target=work, name="micrograd_ed check", daemon=True)
    start = time.perf_counter()
    worker.start()
    try:
        finished = done.wait(budget)
    except BaseException:                       # Ctrl-C in the caller: stop the worker too
        _stop(worker)
        raise
    outcome.seconds = time.perf_counter() - start
    if not finished and not done.is_set():
        _stop(worker)
        outcome.timed_out = True
        outcome.left_running = not done.wait(GRACE)
        outcome.value = outcome.error = None
    if not outcome.left_running:
        worker.join(GRACE)                      # done is set: the thread is returning
    return outcome
