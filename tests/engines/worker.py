"""Runs probes on one corpus engine (its installed distribution), in a process of its own,
and prints one JSON line each.

Usage: ``python -m engines.worker ENGINE PROBE [PROBE ...]`` with the ``tests`` folder on
the path. The parent (``engines.truth``) reads the lines with a time limit per probe and
kills this process when an engine hangs; nothing here imports torch or micrograd_ed.

Each probe is built afresh ``runs`` times. Earlier graphs are kept alive and a different
number of small filler objects is allocated before each run, so each graph's nodes sit at
other addresses: an engine whose result depends on the iteration order of a set of nodes
(which follows their addresses) shows different results across runs.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from engines import ENGINES, load_installed
from engines.probes import BY_NAME, Leaves, Probe


def _number(x: Any) -> float | str:
    """``x`` as a float, or its repr when it is not a number (an engine's grad may be None)."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return repr(x)[:80]


def _error(exc: BaseException, where: str) -> dict[str, Any]:
    first_line = (str(exc).splitlines() or [""])[0]
    return {"error": type(exc).__name__, "where": where, "message": first_line[:200]}


def run_once(cls: type, engine_name: str, probe: Probe, keep: list[Any]) -> dict[str, Any]:
    """Build ``probe`` from ``cls`` nodes, run the engine's backward, read value and grads."""
    names = ENGINES[engine_name]
    try:
        out, leaves = probe.build(Leaves(cls, names.op_names))
    except Exception as exc:  # the engine's own error, reported as data
        return _error(exc, "forward")
    keep.append(out)
    try:
        getattr(out, names.backward)()
    except Exception as exc:
        return _error(exc, "backward")
    return {
        "error": None,
        "value": _number(getattr(out, names.data)),
        "grads": {k: _number(getattr(v, names.grad, None)) for k, v in leaves.items()},
    }


class _Filler:
    """A small object whose only job is to move where the next nodes are allocated."""


def run_probe(engine_name: str, probe: Probe) -> dict[str, Any]:
    """All runs of one probe on one engine, or why it cannot run (an op the class lacks)."""
    cls = load_installed(engine_name)
    engine = ENGINES[engine_name]
    missing = [op for op in probe.requires
               if not callable(getattr(cls, engine.attribute(op), None))]
    if missing:
        return {"probe": probe.name, "status": "unsupported", "missing": missing}
    keep: list[Any] = []
    outcomes = []
    for i in range(probe.runs):
        keep.append([_Filler() for _ in range((7 * i) % 13)])
        outcomes.append(run_once(cls, engine_name, probe, keep))
    return {"probe": probe.name, "status": "ran", "outcomes": outcomes}


def main(argv: list[str]) -> int:
    """Print one JSON line per probe named in ``argv[1:]`` for the engine ``argv[0]``."""
    if len(argv) < 2:
        print("usage: python -m engines.worker ENGINE PROBE [PROBE ...]", file=sys.stderr)
        return 2
    engine_name, probe_names = argv[0], argv[1:]
    for name in probe_names:
        line = json.dumps(run_probe(engine_name, BY_NAME[name]), allow_nan=True)
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":  # Python's default recursion limit is left as it is
    raise SystemExit(main(sys.argv[1:]))
