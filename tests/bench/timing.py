"""Interleaved timing: each system runs in its own forked process, round-robin.

Every case is a factory ``f() -> step`` where ``step()`` runs one iteration
and returns ``{phase: seconds}``. Forking keeps only one engine's objects alive
per process (the GC's cost grows with live objects); rotating the order each
round spreads the noise of a shared machine over all systems alike. The GC
stays on unless a case pauses it itself (micrograd_ed.engine.memory.paused_gc).
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import statistics
from collections.abc import Callable

Step = Callable[[], dict[str, float]]


def _worker(factory: Callable[[], Step], conn) -> None:
    try:
        step = factory()
        conn.send(("ok", None))
    except BaseException as e:  # noqa: BLE001 - report anything to the parent
        conn.send(("error", f"{type(e).__name__}: {e}"[:200]))
        return
    while conn.recv() == "step":
        try:
            conn.send(("ok", step()))
        except BaseException as e:  # noqa: BLE001
            conn.send(("error", f"{type(e).__name__}: {e}"[:200]))
            return


def interleave(factories: dict[str, Callable[[], Step]], reps: int, warmup: int = 1):
    """Median seconds per phase for each case, the errors of cases that failed, and the samples.

    Returns ``(medians, errors, samples)``: ``medians[label][phase]``, ``errors[label]``
    (a message) and ``samples[label][phase]`` (the seconds of every timed round, for the
    spread). Phase "total" is the sum of a round's phases.
    """
    ctx = mp.get_context("fork")
    gc.collect()
    conns, procs, errors = {}, {}, {}
    for label, factory in factories.items():
        parent, child = ctx.Pipe()
        procs[label] = ctx.Process(target=_worker, args=(factory, child), daemon=True)
        procs[label].start()
        status, msg = parent.recv()
        if status == "ok":
            conns[label] = parent
        else:
            errors[label] = msg
    samples: dict[str, dict[str, list[float]]] = {label: {} for label in conns}
    labels = list(conns)
    for r in range(warmup + reps):
        k = r % max(len(labels), 1)
        for label in labels[k:] + labels[:k]:
            if label in errors:
                continue
            conns[label].send("step")
            status, out = conns[label].recv()
            if status != "ok":
                errors[label] = out
                continue
            if r >= warmup:
                out.setdefault("total", sum(out.values()))
                for phase, t in out.items():
                    samples[label].setdefault(phase, []).append(t)
    for label, conn in conns.items():
        if label not in errors:
            conn.send("stop")
    for p in procs.values():
        p.join(10)
    medians = {label: {ph: statistics.median(ts) for ph, ts in phases.items()}
               for label, phases in samples.items() if phases}
    return medians, errors, samples


def fmt_seconds(s: float) -> str:
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} us"
