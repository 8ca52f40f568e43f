"""Does a change cost anything on the scalar step? Time this tree against a git revision.

    .venv/bin/python tests/bench/compare_revision.py [--rev main] [--reps 15]

The demo step of `make bench` (micrograd's training step, op for op: demo_cases.py) runs with
this tree's micrograd_ed and with the revision's (exported by ``git archive`` into a temporary
folder), each in its own forked process, round-robin in one run, so both see the same machine
at the same time. Both run with the collector on and with it paused (``gc.disable`` around the
step, the same for both). Prints the medians, the spreads and this tree's time as a ratio of
the revision's. A benchmark: it asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from demo_cases import check_same_gradients, micrograd_style_case  # noqa: E402
from timing import fmt_seconds, interleave  # noqa: E402


def case(package_root: Path, paused: bool):
    """A factory: the demo step with the micrograd_ed found under package_root."""

    def factory():
        sys.path.insert(0, str(package_root))
        for name in [m for m in sys.modules if m.split(".")[0] == "micrograd_ed"]:
            del sys.modules[name]
        from micrograd_ed import Value

        assert Path(sys.modules["micrograd_ed"].__file__).is_relative_to(package_root)
        step = micrograd_style_case(Value, paused=False)()
        if not paused:
            return step

        def paused_step():
            gc.disable()
            try:
                return step()
            finally:
                gc.enable()

        return paused_step

    return factory


def export(rev: str, into: Path) -> None:
    """The revision's micrograd_ed/ folder, written under `into`."""
    data = subprocess.run(["git", "archive", "--format=tar", rev, "micrograd_ed"], cwd=ROOT,
                          capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="main", help="the git revision to compare with")
    parser.add_argument("--reps", type=int, default=15, help="timed rounds per case")
    args = parser.parse_args()
    sha = subprocess.run(["git", "rev-parse", "--short", args.rev], cwd=ROOT, text=True,
                         capture_output=True, check=True).stdout.strip()
    print("gradients:", check_same_gradients(), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        export(args.rev, Path(tmp))
        cases = {}
        for mode, paused in (("paused", True), ("gc on", False)):
            cases[f"this tree, {mode}"] = case(ROOT, paused)
            cases[f"{sha}, {mode}"] = case(Path(tmp), paused)
        medians, errors, samples = interleave(cases, args.reps)
    for label, msg in errors.items():
        print(f"{label}: failed: {msg}")
    print(f"demo step, {args.reps} rounds each, interleaved (median, spread):")
    for label in cases:
        if label in medians:
            ts = samples[label]["total"]
            print(f"  {label:<22} {fmt_seconds(statistics.median(ts)):>9}  "
                  f"({fmt_seconds(min(ts))} - {fmt_seconds(max(ts))})")
    for mode in ("paused", "gc on"):
        a, b = f"this tree, {mode}", f"{sha}, {mode}"
        if a in medians and b in medians:
            print(f"  this tree / {sha} ({mode}): "
                  f"{medians[a]['total'] / medians[b]['total']:.3f}")


if __name__ == "__main__":
    main()
