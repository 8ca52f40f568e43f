"""Where digits training spends its time: cProfile of the digits recipe for a few epochs.

Run:  PYTHONPATH=$PWD .venv/bin/python tests/bench/profile_digits.py [--epochs 2] [--top 15]

Prints the functions with the most own time ("tottime") and the share of the
training time each takes. The profiler's clock is the process's CPU time, so other
jobs on a shared machine do not land in whichever function was running; a profile
slows Python calls down, so read the shares, not the absolute seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args(argv)
    from micrograd_ed.training.digits import train_digits

    prof = cProfile.Profile(time.process_time)
    prof.enable()
    _, _, result = train_digits(epochs=args.epochs, seed=0, progress=False)
    prof.disable()
    stats = pstats.Stats(prof)
    total = sum(row[2] for row in stats.stats.values())  # own time of every function
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:args.top]
    print(f"digits, {args.epochs} epochs: {result.seconds:.2f} s under the profiler, "
          f"test accuracy {result.test_accuracy:.1%}")
    print(f"{'own time':>9} {'share':>6} {'calls':>9}  function")
    for (file, line, name), (_cc, calls, tottime, _ct, _callers) in rows:
        where = f"{os.path.basename(file)}:{line}" if line else file
        print(f"{tottime:8.2f}s {tottime / total:6.1%} {calls:9d}  {name} ({where})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
