"""A time budget for running a student's code: a hang ends with a sentence, not a frozen kernel.

:func:`time_budget` runs a block for at most ``seconds``. In the main thread (a script, a test,
a Jupyter kernel's cell) it uses ``signal.setitimer``: SIGALRM interrupts even a
``while True: pass``. Elsewhere (another thread, a platform without setitimer, or when an
outer alarm is already set) it uses ``sys.settrace``: the clock is read at every call and
every line of Python code, which catches any loop written in Python.

Python 3.10 does not run signal handlers just before a ``SETUP_FINALLY`` or ``SETUP_WITH``
instruction, so a loop whose body starts with ``try:`` or ``with`` (``while True: try: pass
except Exception: pass``) never lets SIGALRM's handler run. On 3.10 a trace function
therefore runs beside the alarm when the student's code (``student=``: their class or
function; every function and method of its module is looked at) has such a loop, reading the
clock at each line of just those frames. Code without one keeps its full speed. From 3.11 on,
every backward jump checks for signals and the alarm alone suffices.

When the time is up the block gets :class:`CaseTimeout`, a ``BaseException`` (like
``KeyboardInterrupt``), so the checker's ``except Exception`` around a student's code never
mistakes it for the student's own error, and a student's ``except Exception`` does not
swallow it.
"""

from __future__ import annotations

import dis
import functools
import signal
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager

DEFAULT_SECONDS = 5.0
_LOOPS_MAY_MISS_SIGNALS = sys.version_info < (3, 11)   # (see the module's docstring)


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
def time_budget(seconds: float | None, what: str = "",
                student: object = None) -> Iterator[None]:
    """Run the block for at most ``seconds`` (None: no limit); raises :class:`CaseTimeout`.
    ``student``: the class or function the block runs (see the module's docstring)."""
    if seconds is None:
        yield
        return
    if _can_use_alarm() and not (_LOOPS_MAY_MISS_SIGNALS and _has_deaf_loop(student)):
        with _alarm(seconds, what):
            yield
    elif _can_use_alarm():
        with _alarm(seconds, what), _traced(seconds, what, only=_deaf_loop):
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
def _traced(seconds: float, what: str,
            only: Callable[[types.CodeType], bool] | None = None) -> Iterator[None]:
    """The fallback: a trace function that reads the clock at each call and line (with
    ``only``: at each line of the frames whose code ``only`` picks)."""
    deadline = time.monotonic() + seconds
    outer = sys.gettrace()

    def tracer(frame, event, arg):
        if time.monotonic() > deadline:
            sys.settrace(outer)
            raise CaseTimeout(seconds, what)
        return tracer

    def picker(frame, event, arg):
        return tracer if only(frame.f_code) else None

    sys.settrace(tracer if only is None else picker)
    try:
        yield
    finally:
        sys.settrace(outer)


_DEAF_TARGETS = {dis.opmap[name] for name in ("SETUP_FINALLY", "SETUP_WITH",
                                               "SETUP_ASYNC_WITH") if name in dis.opmap}


@functools.lru_cache(maxsize=4096)
def _deaf_loop(code: types.CodeType) -> bool:
    """Does ``code`` jump to a SETUP_FINALLY / SETUP_WITH (a loop whose body starts with
    ``try:`` or ``with``), where Python 3.10 runs no signal handler?"""
    ops = {i.offset: i.opcode for i in dis.get_instructions(code)}
    return any(i.opcode in dis.hasjabs + dis.hasjrel and ops.get(i.argval) in _DEAF_TARGETS
               and i.argval <= i.offset for i in dis.get_instructions(code))


def _has_deaf_loop(student: object) -> bool:
    """Has any function or method of ``student``'s module (or of ``student`` itself) a loop
    that starts with ``try:`` or ``with`` (:func:`_deaf_loop`)?"""
    if student is None:
        return False
    module = sys.modules.get(getattr(student, "__module__", None) or "")
    owners = list(vars(module).values()) if module is not None else []
    owners.append(student)
    todo: list = []
    for obj in owners:
        members = vars(obj).values() if isinstance(obj, type) else (obj,)
        for m in members:
            m = getattr(m, "__func__", m)
            m = m.fget if isinstance(m, property) else m
            code = getattr(m, "__code__", None)
            if isinstance(code, types.CodeType):
                todo.append(code)
    seen: set = set()
    while todo:
        code = todo.pop()
        if code in seen:
            continue
        seen.add(code)
        if _deaf_loop(code):
            return True
        todo.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return False
