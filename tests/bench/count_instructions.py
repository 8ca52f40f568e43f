"""Instructions per demo step, counted by valgrind: a measure this shared machine's noise
does not move, to read next to `make bench`'s times.

    PYTHONPATH=$PWD .venv/bin/python tests/bench/count_instructions.py
        [--systems micrograd,ours,ours-paused,floor]

Each system runs the demo step of demo_cases.py (micrograd's op sequence) under
``valgrind --tool=callgrind`` twice, with a few steps and with one more batch of steps;
the difference of the two totals, divided by the extra steps, is one step's instructions
(imports and setup cancel out). Needs valgrind on PATH (Debian: apt-get install valgrind);
under it Python runs about 50x slower, so this takes a few minutes. A development aid,
like profile_digits.py: neither `make bench` nor the tests run it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = """
import sys
sys.path.insert(0, {here!r})
import demo_cases
system, steps = sys.argv[1], int(sys.argv[2])
if system == "micrograd":
    step = demo_cases.micrograd_case()
elif system == "floor":
    import floor_engine
    step = demo_cases.micrograd_style_case(floor_engine.Value, True)()
else:
    step = demo_cases.ours_scalar_case(paused=system == "ours-paused")
for _ in range(steps):
    step()
"""

SYSTEMS = {"micrograd": (1, 2), "ours": (1, 3), "ours-paused": (1, 3),  # steps of the 2 runs
           "floor": (1, 3)}   # floor_engine.py, paused like ours-paused


def instructions(system: str, steps: int) -> int:
    """valgrind's instruction count for a whole process that runs `steps` demo steps."""
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
           "-c", CHILD.format(here=str(HERE)), system, str(steps)]
    out = subprocess.run(cmd, capture_output=True, text=True,
                         env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    found = re.search(r"Collected\s*:\s*([\d,]+)", out.stderr)
    if out.returncode != 0 or not found:
        raise RuntimeError(f"valgrind run of {system} ({steps} steps) failed:\n"
                           + out.stderr[-2000:])
    return int(found.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--systems", default=",".join(SYSTEMS),
                    help=f"comma list of: {', '.join(SYSTEMS)}")
    args = ap.parse_args(argv)
    systems = [s for s in args.systems.split(",") if s]
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        ap.error(f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}")
    if shutil.which("valgrind") is None:
        print("valgrind is not on PATH (Debian: apt-get install valgrind)", file=sys.stderr)
        return 1
    per_step = {}
    for system in systems:
        a, b = SYSTEMS[system]
        per_step[system] = (instructions(system, b) - instructions(system, a)) / (b - a)
        print(f"{system:12s} {per_step[system] / 1e6:8.1f} M instructions per demo step",
              flush=True)
    if "micrograd" in per_step:
        for system in systems:
            if system != "micrograd":
                print(f"micrograd / {system}: {per_step['micrograd'] / per_step[system]:.2f}x "
                      "the instructions")
    if "floor" in per_step and "ours-paused" in per_step:
        print(f"ours-paused / floor: {per_step['ours-paused'] / per_step['floor']:.2f}x "
              "the instructions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
