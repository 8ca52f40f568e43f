"""Measure the step-through player: build + save time and page size (a development aid).

    .venv/bin/python tools/measure_steps.py [--repeat 5]

Builds random graphs of about 100 and 200 drawn nodes (values + ops, as max_nodes counts
them) with reuse, runs backward, then times step_through(...).save("x.html") (the layout by
the renderer included) and reports the median and fastest of the runs and the page size.
The package never imports it; the issue's targets are < 2 s for 200 nodes, < 1 MB for 100.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from micrograd_ed import Value, topological_order  # noqa: E402
from micrograd_ed.viz import step_through  # noqa: E402
from micrograd_ed.viz.core.scopes import count_nodes  # noqa: E402


def graph(target: int, seed: int = 0) -> tuple[Value, int]:
    """A random graph with reuse of at most ``target`` drawn nodes (as close as it gets)."""
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(8)]
    best, misses = None, 0
    while misses < 500:
        a, b = rng.choice(nodes[-10:]), rng.choice(nodes)
        n = (a * b) if rng.random() < 0.5 else (a + b).tanh()
        n.label = f"v{len(nodes)}"
        c = count_nodes(topological_order(n), {}, collapse=False)
        if c > target:
            misses += 1
            continue
        nodes.append(n)
        if best is None or c >= best[1]:
            best = (n, c)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for target in (100, 200):
            root, count = graph(target)
            root.backward()
            out = Path(tmp) / f"steps{target}.html"
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                steps = step_through(root, max_nodes=target)
                steps.save(out)
                times.append(time.perf_counter() - t)
            print(f"{count} drawn nodes ({len(steps.nodes)} values), {len(steps)} steps: "
                  f"build+save median {statistics.median(times):.2f} s, fastest "
                  f"{min(times):.2f} s; page {out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
