"""check_engine on the corpus of real engines (tests/engines): its verdict and its first finding
agree with the ground truth established against torch (ground_truth.json), identically over
20 runs.

The ground truth's first finding is its first wrong value, wrong gradient or error, else its
first limit; the checker's is ``report.first_finding`` (its first failing case, else its
first limit). They agree when they are of the same kind (a wrong result vs a limit) and about
the same op; a finding about the shape of the graph (reuse, diamonds, the ladder) agrees with
the ground truth's probes of reuse and diamonds.
"""

from __future__ import annotations

import logging

import pytest
from engines import ENGINES, load
from engines.truth import GROUND_TRUTH

from micrograd_ed.check import check_engine

RUNS = 20
GRAPH = "graph"                 # a finding about reuse, not about one op
# The checker's cases -> the op they are about (the ground truth's names: r- is `2 - a`).
CASE_OP = {
    "a + b": "+", "a * b": "*", "a * a": "*", "a + a": "+", "fan-out": GRAPH,
    "diamond": GRAPH, "diamond sum": GRAPH, "ladder": GRAPH, "a - b": "-", "a / b": "/",
    "-a": "neg", "a + 2": "+", "a * 2": "*", "a - 2": "-", "a / 2": "/", "2 + a": "r+",
    "2 * a": "r*", "2 - a": "r-", "2 / a": "r/", "a ** 3": "**", "a ** -1": "**", "pow": "**",
    "a ** b": "**", "pow fan-out": "**", "exp of a node": "exp",
    "relu at 0": "relu", "deep chain (5,000)": "backward", "sort time": "backward",
}
GRAPH_PROBES = ("same_operand", "fan_out", "diamond_", "ladder_")


def _op(case: str) -> str:
    if case in CASE_OP:
        return CASE_OP[case]
    return case.split("(")[0]          # tanh, relu, sigmoid(-750) -> sigmoid, ...


def _verdict(cls: type) -> tuple:
    r = check_engine(cls)
    f = r.first_finding
    return r.ok, r.gradients_ok, None if f is None else (f.name, f.status)


@pytest.fixture(scope="module")
def truth() -> dict:
    import json

    return json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))["engines"]


@pytest.fixture(autouse=True)
def _quiet_engines():
    logging.disable(logging.INFO)          # scalargrad logs every backward pass
    yield
    logging.disable(logging.NOTSET)


@pytest.mark.parametrize("name", list(ENGINES))
def test_verdict_and_first_finding_agree_with_the_ground_truth_in_every_run(name, truth):
    cls = load(name)
    verdicts = {_verdict(cls) for _ in range(RUNS)}
    assert len(verdicts) == 1, f"{name}: the verdict changed between runs: {verdicts}"
    ok, gradients_ok, first = verdicts.pop()
    gt = truth[name]
    assert gradients_ok == gt["every_gradient_right"], name
    assert not ok, f"{name}: every engine of the corpus has a finding"
    case, status = first
    want = gt["first_finding"]
    assert status == ("limit" if want["class"] == "limit" else "fail"), (name, first, want)
    op = _op(case)
    if op == GRAPH:
        assert want["probe"].startswith(GRAPH_PROBES), (name, first, want)
    else:
        assert op == want["op"], (name, first, want)


def test_micrograd_reads_every_gradient_right_failing_only_at_depth():
    r = check_engine(load("micrograd"))
    assert r.summary == "every gradient right; fails only at depth 5,000 (recursive sort)"
    assert str(r).startswith("check_engine(Value): every gradient right; fails only at depth "
                             "5,000 (recursive sort)")
    assert r.gradients_ok and not r.ok and not bool(r)


def test_engine_names_are_detected_and_said():
    r = check_engine(load("nanoautograd"))           # class Item, backwards(), ._parents
    assert "backward is .backwards" in r.notes and "parents is ._parents" in r.notes
    assert r.case("a * a").status == "pass" and r.case("diamond").status == "pass"


def test_ops_under_the_engines_own_names_are_checked():
    """omnigrad calls its relu, log and sigmoid reLU(), ln() and sigmod(): they are checked
    under those names (they were listed as not defined), and the report says so."""
    engine = ENGINES["omnigrad"]
    report = check_engine(load("omnigrad"))
    for op, method in engine.op_names.items():
        assert f"{op} is {method}()" in report.notes
        case = next(c for c in report.cases if c.name == op)
        assert case.ok, str(case)
    assert "not defined" not in str(report)
    # its sigmoid(-750) overflows (math.exp(-x)), as the ground truth found at -800
    limits = {c.name for c in report.cases if not c.ok}
    assert "sigmoid(-750)" in limits, limits
