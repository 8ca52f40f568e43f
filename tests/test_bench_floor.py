"""The bench's floor: the minimal engine is right, and the floor row reports our time as a ratio.

These check what `make bench` computes and prints, never how fast anything is (speed is the
bench's job, not a unit test's).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent / "bench"))

import demo_cases  # noqa: E402
import floor_engine  # noqa: E402
import run_bench  # noqa: E402

from micrograd_ed import Value  # noqa: E402


def test_the_floor_engine_gives_micrograd_eds_gradients_on_the_demo_step():
    ours = demo_cases.demo_gradients(Value)
    floor = demo_cases.demo_gradients(floor_engine.Value)
    assert ours.shape == floor.shape == (337,)
    np.testing.assert_allclose(floor, ours, rtol=1e-12, atol=1e-15)


def test_the_floor_engine_sorts_shared_nodes_and_deep_chains_without_recursion():
    x = floor_engine.Value(3.0)
    y = x * x + x            # x reached by three paths: dy/dx = 2x + 1
    z = (y * 2.0).relu() + -y
    z.backward()
    assert x.grad == pytest.approx(7.0)            # dz/dy = 2 - 1 = 1
    v = start = floor_engine.Value(1.0)
    for _ in range(50_000):                       # far past the recursion limit
        v = v * 1.0
    v.backward()
    assert start.grad == 1.0


def test_the_floor_row_gives_our_time_as_a_ratio_of_the_floor_with_its_spread():
    sample = {"ours": [0.030, 0.020, 0.050], "floor": [0.060, 0.050, 0.050]}
    targets: list[str] = []
    row = run_bench._floor_row(sample, targets)
    assert row[1] == run_bench.FLOOR
    assert row[2] == "50.0 ms"                   # the floor's median
    assert row[3] == "50.0 ms - 60.0 ms"
    assert row[4] == "micrograd_ed 0.50x its time (0.40x - 1.00x by round)"
    assert targets == ["scalar demo step at most the floor's time (micrograd_ed paused op for "
                       "op / floor engine, same process): 0.50x (0.40x - 1.00x by round), met"]
    targets.clear()
    run_bench._floor_row({"ours": [0.1, 0.1], "floor": [0.05, 0.05]}, targets)
    assert targets[0].endswith("2.00x (2.00x - 2.00x by round), MISSED by 2.00x")


def test_the_floor_case_times_both_engines_in_one_process_in_turns():
    step = demo_cases.floor_pair_case()         # here, not forked: this process has threads
    first, second = step(), step()
    assert list(first) == ["floor", "ours"] and list(second) == ["ours", "floor"]
    assert all(t > 0 for t in (*first.values(), *second.values()))
