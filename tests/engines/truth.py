"""Establish what each corpus engine really gets right and wrong, against PyTorch float64.

Independent of ``micrograd_ed.check``: every probe of ``engines.probes`` is run on the engine
(in a worker process, under a time limit, several times on fresh graphs) and the same
expression is differentiated by torch; values and gradients are compared with
``math.isclose(rel_tol=1e-9, abs_tol=1e-12)``.

Each result becomes at most one finding:

* ``wrong`` -- a wrong value or gradient, or results that differ between runs;
* ``error`` -- the engine raised on an ordinary input (the error type and message);
* ``limit`` -- OverflowError on a large input, RecursionError at depth 5,000, or out of time
  (any other error there is an ``error``, as on an ordinary input);
* an op the class lacks, or an ``assert`` that refuses the input, is listed as unsupported.

``python -m engines.truth --write`` (from ``tests/``) rewrites ``ground_truth.json``; the
numbers of right runs of order-dependent probes are printed, not stored, since they change
from process to process.
"""

from __future__ import annotations

import json
import math
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from engines import ENGINES, Engine, EngineNotInstalled, missing
from engines.probes import BY_NAME, PROBES, Probe

TESTS_DIR = Path(__file__).resolve().parent.parent
GROUND_TRUTH = Path(__file__).resolve().parent / "ground_truth.json"
REL_TOL, ABS_TOL = 1e-9, 1e-12


def _fmt(x: float | str) -> str:
    """A number as 12 significant digits (stable text for findings)."""
    return f"{x:.12g}" if isinstance(x, float) else str(x)


def _close(got: float | str, want: float) -> bool:
    if isinstance(got, str):
        return False
    if math.isnan(want) or math.isnan(got):
        return math.isnan(want) and math.isnan(got)
    return math.isclose(got, want, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def reference(probe: Probe) -> dict[str, Any]:
    """The probe's value and gradients computed by torch in float64."""
    import torch

    def leaf(x: float) -> Any:
        return torch.tensor(x, dtype=torch.float64, requires_grad=True)

    out, leaves = probe.build(leaf)
    out.backward()
    grads = {k: (0.0 if v.grad is None else float(v.grad)) for k, v in leaves.items()}
    return {"value": float(out.detach()), "grads": grads}


class _Lines:
    """Lines from a pipe, each awaited until a deadline (no thread, no blocking read)."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        self.fd = proc.stdout.fileno()
        self.buffer = b""
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.fd, selectors.EVENT_READ)

    def next(self, deadline: float) -> str | None:
        """The next line, ``""`` at end of output, None when the deadline passes first."""
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self.selector.select(timeout=left):
                return None
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return ""
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()


def run_worker(engine: str, probes: list[Probe]) -> dict[str, dict[str, Any]]:
    """Run ``probes`` on ``engine`` in worker processes; a probe that overruns its time limit
    is recorded as ``timeout``, its worker killed and a new one started for the rest."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS_DIR), os.environ.get(
        "PYTHONPATH", "")]), PYTHONHASHSEED="0")
    results: dict[str, dict[str, Any]] = {}
    remaining = list(probes)
    while remaining:
        proc = subprocess.Popen(
            [sys.executable, "-m", "engines.worker", engine, *[p.name for p in remaining]],
            cwd=TESTS_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        lines = _Lines(proc)
        try:
            while remaining:
                probe = remaining[0]
                line = lines.next(time.monotonic() + probe.time_limit)
                if line is None:
                    results[probe.name] = {"probe": probe.name, "status": "timeout"}
                elif line == "":
                    results[probe.name] = {"probe": probe.name, "status": "crash",
                                           "returncode": proc.wait()}
                else:
                    results[probe.name] = json.loads(line)
                remaining.pop(0)
                if line is None or line == "":
                    break
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            assert proc.stdout is not None
            proc.stdout.close()
    return results


#: The one error that counts as a limit (not a mistake) in each group of probes.
_LIMIT_ERRORS = {"large-input": "error:OverflowError", "depth": "error:RecursionError"}


def _outcome_status(outcome: dict[str, Any], ref: dict[str, Any]) -> tuple[str, str]:
    """(status, description) of one run: ``right``, ``wrong_value``, ``wrong_grad`` or
    ``error:<Type>``."""
    if outcome["error"] is not None:
        text = f"{outcome['error']} in {outcome['where']}: {outcome['message']}"
        return f"error:{outcome['error']}", text
    if not _close(outcome["value"], ref["value"]):
        return "wrong_value", f"value {_fmt(outcome['value'])}, want {_fmt(ref['value'])}"
    bad = [f"grad {k} {_fmt(outcome['grads'][k])}, want {_fmt(w)}"
           for k, w in ref["grads"].items() if not _close(outcome["grads"][k], w)]
    if bad:
        return "wrong_grad", "; ".join(bad)
    return "right", ""


def classify(probe: Probe, result: dict[str, Any], ref: dict[str, Any] | None
             ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The finding (or None) for one probe's result, and what was observed (counts)."""
    base = {"probe": probe.name, "op": probe.op}
    status = result["status"]
    if status == "unsupported":
        missing = ", ".join(result["missing"])
        return ({**base, "class": "unsupported", "kind": "missing_op",
                 "description": f"{probe.description}: the class does not define {missing}"},
                {"runs": 0})
    if status == "timeout":
        return ({**base, "class": "limit", "kind": "timeout",
                 "description": f"{probe.description}: no result within "
                                f"{probe.time_limit:g} s"}, {"runs": 0})
    if status == "crash":
        return ({**base, "class": "error", "kind": "crash",
                 "description": f"{probe.description}: the worker process died "
                                f"(exit {result['returncode']})"}, {"runs": 0})
    assert ref is not None
    runs = [_outcome_status(o, ref) for o in result["outcomes"]]
    statuses = [s for s, _ in runs]
    observed = {"runs": len(runs), "right": statuses.count("right")}
    if len(set(runs)) > 1:  # different results, or the same kind of mistake with other numbers
        how = ("right in some runs, wrong in others" if "right" in statuses
               else "wrong in different ways")
        return ({**base, "class": "wrong", "kind": "order_dependent",
                 "description": f"{probe.description}: results differ between runs on fresh "
                                f"graphs ({how})"}, observed)
    status, text = runs[0]
    if status == "right":
        return None, observed
    if status.startswith("error:") and status[len("error:"):] in probe.refusals:
        return ({**base, "class": "unsupported", "kind": "refused",
                 "description": f"{probe.description}: refused ({text})"}, observed)
    if status.startswith("error:"):
        cls = "limit" if status == _LIMIT_ERRORS.get(probe.group) else "error"
        return {**base, "class": cls, "kind": "error",
                "description": f"{probe.description}: {text}"}, observed
    return {**base, "class": "wrong", "kind": status,
            "description": f"{probe.description}: {text}"}, observed


def _summary(findings: list[dict[str, Any]]) -> str:
    wrong = [f for f in findings if f["class"] in ("wrong", "error")]
    limits = [f for f in findings if f["class"] == "limit"]
    if wrong:
        return (f"{len(wrong)} wrong or failing probe(s); first: {wrong[0]['probe']} "
                f"({wrong[0]['description']})")
    if limits:
        return "every gradient right; limits only: " + ", ".join(f["probe"] for f in limits)
    return "every gradient right"


def establish_engine(name: str, refs: dict[str, dict[str, Any]], probes: list[Probe]
                     ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Ground truth for one engine, and the per-probe observations behind it."""
    engine: Engine = ENGINES[name]
    results = run_worker(name, probes)
    findings, unsupported, observed = [], [], {}
    for probe in probes:
        finding, seen = classify(probe, results[probe.name], refs.get(probe.name))
        observed[probe.name] = seen
        if finding is None:
            continue
        (unsupported if finding["class"] == "unsupported" else findings).append(finding)
    first = next((f for f in findings if f["class"] in ("wrong", "error")),
                 findings[0] if findings else None)
    truth = {
        "source": {"distribution": engine.distribution, "version": engine.version,
                   "licence": engine.licence, "module": engine.module, "style": engine.style},
        "names": {"class": engine.cls_name, "grad": engine.grad, "backward": engine.backward,
                  "parents": engine.parents, "local": engine.local,
                  "local_kind": engine.local_kind, "data": engine.data,
                  "op_names": dict(engine.op_names)},
        "supports": list(engine.ops),
        "findings": findings,
        "unsupported": unsupported,
        "first_finding": first,
        "every_gradient_right": not any(f["class"] in ("wrong", "error") for f in findings),
        "summary": _summary(findings),
    }
    return truth, observed


def establish(names: list[str] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ground truth of the whole corpus (or of ``names``) and the observations.

    Raises :class:`engines.EngineNotInstalled` naming every engine whose pinned distribution
    is not installed (a ground truth with engines left out would read as a changed one).
    """
    reasons = [r for r in (missing(n) for n in names or list(ENGINES)) if r is not None]
    if reasons:
        raise EngineNotInstalled("; ".join(reasons))
    probes = list(PROBES)
    refs = {p.name: reference(p) for p in probes}
    engines, observations = {}, {}
    for name in names or list(ENGINES):
        engines[name], observations[name] = establish_engine(name, refs, probes)
    truth = {
        "about": "What each engine of the corpus (tests/engines/requirements.txt, installed "
                 "from PyPI) gets right and wrong, established against torch float64 by "
                 "tests/engines/truth.py, independently of micrograd_ed.check.",
        "python": f"{sys.version_info[0]}.{sys.version_info[1]}",
        "tolerance": {"rel": REL_TOL, "abs": ABS_TOL},
        "probes": {p.name: {"group": p.group, "op": p.op, "description": p.description,
                            "runs": p.runs, "time_limit_s": p.time_limit} for p in probes},
        "engines": engines,
    }
    return truth, observations


def dumps(truth: dict[str, Any]) -> str:
    """The canonical text of a ground truth (sorted keys, two-space indent, final newline)."""
    return json.dumps(truth, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Print the summary of every engine; with ``--write`` also rewrite ground_truth.json."""
    truth, observations = establish()
    for name, engine in truth["engines"].items():
        print(f"{name}: {engine['summary']}")
        for probe, seen in observations[name].items():
            finding = next((f for f in engine["findings"] if f["probe"] == probe), None)
            if finding and finding["kind"] == "order_dependent":
                print(f"    {probe}: right in {seen['right']} of {seen['runs']} runs")
    if "--write" in argv:
        from micrograd_ed.files import write_atomic

        write_atomic(GROUND_TRUTH, dumps(truth))
        print(f"wrote {GROUND_TRUTH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

__all__ = ["BY_NAME", "classify", "dumps", "establish", "reference", "run_worker"]
