"""The chain workload: build a chain v = v * 1.0001 of n nodes, then backward through it.

Per node, building (fwd) and backward (bwd) should cost the same at n = 10^3 as at
n = 10^6: both walks are linear. With the cyclic garbage collector on, building is
not: every collection of the older generations re-scans every live node, so the
cost per node grows with the graph (see micrograd_ed.engine.memory). The n = 10^3 case
builds and differentiates `repeat` chains per round, one at a time, so a round is
long enough to time.
"""

from __future__ import annotations

import time
from contextlib import nullcontext


def chain_case(n: int, paused: bool, repeat: int = 1):
    def factory():
        from micrograd_ed import Value
        from micrograd_ed.engine.memory import paused_gc

        def one():
            with paused_gc() if paused else nullcontext():
                t0 = time.perf_counter()
                v = Value(1.0)
                for _ in range(n):
                    v = v * 1.0001
                t1 = time.perf_counter()
                v.backward()
                t2 = time.perf_counter()
                del v
                t3 = time.perf_counter()
            return t1 - t0, t2 - t1, t3 - t2

        def step():
            fwd = bwd = free = 0.0
            for _ in range(repeat):
                a, b, c = one()
                fwd, bwd, free = fwd + a, bwd + b, free + c
            return {"fwd": fwd / repeat, "bwd": bwd / repeat, "free": free / repeat}

        return step

    return factory
