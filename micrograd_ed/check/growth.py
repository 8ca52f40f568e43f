"""Is the student's backward exponential in depth? Counted on small ladders, before it runs long.

On the ladder ``v = v*c + v`` (graphs.ladder) a graph of d levels has 3·d nodes but 2^d paths
from the output to ``x``. A backward that sorts once per node makes a number of Python calls
that grows by a constant per level; one that walks once per path (the loop over a node's
parents outside ``if v not in visited``) doubles them per level. The calls are counted with
``sys.setprofile`` at a few small depths (at most 2^10 paths), so the verdict is the same on
every run and on every machine, and arrives in milliseconds; the time it would take at 28
levels is then estimated, not waited for.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from micrograd_ed.check.budget import CaseTimeout, time_budget
from micrograd_ed.check.driver import Driver
from micrograd_ed.check.graphs import ladder

DEPTHS = (4, 6, 8, 10)
GROWTH = 3.0          # calls per two levels above this (×4 for 2^d): exponential
SECONDS_PER_CALL = 2e-7


@dataclass(frozen=True)
class Growth:
    """Python calls made by one backward() at each depth, and whether they grow as 2^depth."""

    depths: tuple[int, ...]
    calls: tuple[int, ...]

    @property
    def exponential(self) -> bool:
        c = self.calls
        if len(c) < 3 or min(c) <= 0:
            return False
        return all(b / a >= GROWTH for a, b in zip(c[-3:], c[-2:]))

    def at(self, depth: int) -> float:
        """The calls at ``depth``, extrapolated from the last two measured depths."""
        (d0, d1), (c0, c1) = self.depths[-2:], self.calls[-2:]
        per_level = (c1 / c0) ** (1 / (d1 - d0))
        return c1 * per_level ** (depth - d1)

    def sentence(self) -> str:
        shown = ", ".join(f"{c:,} at {d} levels" for d, c in zip(self.depths, self.calls))
        factor = self.calls[-1] / self.calls[-2]
        seconds = self.at(28) * SECONDS_PER_CALL
        took = (f"{seconds / 3600:,.0f} hours" if seconds >= 7200 else
                f"{seconds / 60:,.0f} minutes" if seconds >= 120 else f"{seconds:,.0f} seconds")
        return (f"your backward() is exponential in depth: on the ladder v = v*c + v it made "
                f"{shown} (\u00d7{factor:.1f} per two levels; the ladder has 3 nodes per "
                f"level but 2^levels paths), so it walks the graph once per path, not once "
                f"per node; at 28 levels that is about {took} (at 0.2 \u00b5s a call). Walk a "
                f"node's parents only the first time you reach it (inside `if v not in "
                f"visited:`).")


def measure(drv: Driver, time_limit: float | None) -> Growth | None:
    """Count the Python calls of one backward() at each of DEPTHS; None when the class
    cannot build the ladder or backward fails (other cases say why)."""
    calls: list[int] = []
    depths: list[int] = []
    try:
        with time_budget(time_limit, "the ladder", student=drv.cls):
            for d in DEPTHS:
                n = _count(drv, d)
                if n is None:
                    break
                calls.append(n)
                depths.append(d)
    except CaseTimeout:
        pass
    return Growth(tuple(depths), tuple(calls)) if len(calls) >= 3 else None


def _count(drv: Driver, depth: int) -> int | None:
    try:
        root = ladder(depth)(drv.cls)["L"]
    except Exception:               # noqa: BLE001 - the single-op cases report it
        return None
    count = [0]

    def profile(frame, event, arg):
        if event == "call":
            count[0] += 1

    old = sys.getprofile()
    sys.setprofile(profile)
    try:
        drv.backward(root)
    except Exception:               # noqa: BLE001 - the ladder case reports it
        return None
    finally:
        sys.setprofile(old)
    return count[0]
