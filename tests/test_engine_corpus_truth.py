"""The corpus of real engines (tests/engines) and its ground truth.

The ground truth in tests/engines/ground_truth.json is re-established here against torch
float64 (independently of micrograd_ed.check) and must come out the same, so the facts the
checker and the any-engine drawing are tested against stay true. The other tests keep the
corpus honest: every engine file names its source and carries its licence, the registry
names what each class really defines, and the harness does notice wrong results, results
that change between runs and hangs.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from pathlib import Path

import pytest
from engines import ENGINES, defined_ops, load
from engines.probes import BY_NAME
from engines.truth import GROUND_TRUTH, classify, dumps, establish, run_worker

ENGINES_DIR = Path(__file__).parent / "engines"
HARNESS = {"__init__.py", "probes.py", "worker.py", "truth.py"}
NOTICE = "Copied for testing micrograd_ed's checker; not part of micrograd_ed."


def _header(name: str) -> list[str]:
    lines = (ENGINES_DIR / f"{ENGINES[name].module}.py").read_text().splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("# ----"))
    return lines[: end + 1]


@pytest.mark.parametrize("name", list(ENGINES))
def test_each_engine_file_names_its_source_and_carries_its_licence(name):
    engine = ENGINES[name]
    header = _header(name)
    assert all(line.startswith("#") for line in header), f"{name}: code inside the header"
    text = "\n".join(header)
    assert NOTICE in text
    assert f"# Repository: https://github.com/{engine.repo}" in text
    assert f"# Commit:     {engine.commit}" in text
    assert "Licence:    MIT" in text
    words = " ".join(line.lstrip("#").strip() for line in header).split()
    licence = " ".join(words)
    for clause in ("Copyright (c)", "Permission is hereby granted, free of charge",
                   "The above copyright notice and this permission notice shall be included "
                   "in all copies or substantial portions of the Software.",
                   'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND'):
        assert clause in licence, f"{name}: the licence text lacks {clause!r}"


@pytest.mark.parametrize("name", list(ENGINES))
def test_edits_to_a_published_source_are_marked_and_declared(name):
    text = (ENGINES_DIR / f"{ENGINES[name].module}.py").read_text()
    declared = next(line for line in _header(name) if line.startswith("# Edits:"))
    body = text.split("\n".join(_header(name)), 1)[1]
    if "# corpus edit:" in body:
        assert "none" not in declared, f"{name}: marked edits, but the header says none"
    else:
        assert "none" in declared, f"{name}: the header declares edits the source does not mark"


def test_every_engine_file_is_registered():
    files = {p.name for p in ENGINES_DIR.glob("*.py")} - HARNESS
    assert files == {f"{e.module}.py" for e in ENGINES.values()}
    assert len(ENGINES) >= 12
    assert len({e.repo for e in ENGINES.values()}) >= 9


@pytest.mark.parametrize("name", list(ENGINES))
def test_registry_names_what_the_class_defines(name):
    engine = ENGINES[name]
    cls = load(name)
    assert cls.__name__ == engine.cls_name
    assert defined_ops(cls) == engine.ops
    a, b = cls(2.0), cls(-3.0)
    c = a + b
    for attr in (engine.grad, engine.parents, engine.local, engine.data):
        assert hasattr(c, attr), f"{name}: a node has no .{attr}"
    assert callable(getattr(c, engine.backward))
    assert set(getattr(c, engine.parents)) == {a, b}


def test_load_names_the_known_engines_when_asked_for_another():
    with pytest.raises(KeyError, match="no engine 'nope' in the corpus; known: karpathy"):
        load("nope")


def _ran(*outcomes):
    return {"status": "ran", "outcomes": list(outcomes)}


def _ok(value, **grads):
    return {"error": None, "value": value, "grads": grads}


def test_classify_reports_a_wrong_gradient_with_both_numbers():
    ref = {"value": -3.0, "grads": {"a": -1.0, "b": 3.0}}
    finding, seen = classify(BY_NAME["fan_out"], _ran(*[_ok(-3.0, a=-2.0, b=3.0)] * 3), ref)
    assert finding["class"] == "wrong" and finding["kind"] == "wrong_grad"
    assert finding["description"].endswith("grad a -2, want -1")
    assert seen == {"runs": 3, "right": 0}
    assert classify(BY_NAME["fan_out"], _ran(_ok(-3.0, a=-1.0, b=3.0)), ref)[0] is None


def test_classify_reports_results_that_change_between_runs():
    ref = {"value": 1.0, "grads": {"a": 1.0, "b": 1.0}}
    runs = _ran(_ok(1.0, a=1.0, b=1.0), _ok(1.0, a=2.0, b=1.0), _ok(1.0, a=1.0, b=1.0))
    finding, seen = classify(BY_NAME["add"], runs, ref)
    assert finding["kind"] == "order_dependent"
    assert "right in some runs, wrong in others" in finding["description"]
    assert seen == {"runs": 3, "right": 2}


def test_classify_separates_limits_from_mistakes():
    ref = {"value": 1.0, "grads": {"a": 0.0}}
    overflow = {"error": "OverflowError", "where": "forward", "message": "math range error"}
    name_error = {"error": "NameError", "where": "forward", "message": "name 'math' is not defined"}
    assert classify(BY_NAME["tanh_large"], _ran(overflow), ref)[0]["class"] == "limit"
    assert classify(BY_NAME["tanh_large"], _ran(name_error), ref)[0]["class"] == "error"
    assert classify(BY_NAME["tanh"], _ran(overflow), ref)[0]["class"] == "error"
    refused = {"error": "AssertionError", "where": "forward", "message": "int/float only"}
    assert classify(BY_NAME["pow_value"], _ran(refused), ref)[0]["kind"] == "refused"
    timeout = classify(BY_NAME["ladder_24"], {"status": "timeout"}, None)[0]
    assert (timeout["class"], timeout["kind"]) == ("limit", "timeout")


def test_a_hanging_engine_is_stopped_at_the_time_limit():
    probe = dataclasses.replace(BY_NAME["ladder_24"], time_limit=1.0)
    start = time.monotonic()
    result = run_worker("tonygrad", [probe, BY_NAME["add"]])  # its sort walks every path
    assert result["ladder_24"] == {"probe": "ladder_24", "status": "timeout"}
    assert result["add"]["status"] == "ran"  # a new worker took over after the kill
    assert time.monotonic() - start < 15


def _without_messages(truth: dict) -> dict:
    """The truth with Python's own error messages cut (they change between versions)."""
    text = re.sub(r"(Error in (?:forward|backward)): [^\"]*", r"\1", json.dumps(truth))
    return json.loads(text)


def test_ground_truth_is_what_torch_says_today():
    pytest.importorskip("torch", reason="the ground truth is established against torch")
    stored = json.loads(GROUND_TRUTH.read_text())
    truth, _ = establish()
    if truth["python"] == stored["python"]:
        assert dumps(truth) == GROUND_TRUTH.read_text()
    else:
        assert _without_messages(truth) == _without_messages(stored)


def test_corpus_holds_the_real_bugs_issue_21_names():
    engines = json.loads(GROUND_TRUTH.read_text())["engines"]

    def kinds(name, probe):
        return {f["kind"] for f in engines[name]["findings"] if f["probe"] == probe}

    assert engines["karpathy_micrograd"]["every_gradient_right"]
    assert engines["karpathy_micrograd"]["summary"] == (
        "every gradient right; limits only: chain_5000")  # only its recursive sort fails
    assert kinds("tonygrad", "ladder_24") == {"timeout"}            # a sort that walks every path
    assert kinds("tonygrad", "diamond_1") == {"order_dependent"}    # results follow set order
    assert kinds("zvonimir_value", "tanh_large") == {"error"}       # math.exp(2*x), x > 355
    assert kinds("saagark_micrograd", "sigmoid_large_negative") == {"error"}  # exp(800)
    assert kinds("qingzhou_lecture", "same_operand") == {"wrong_grad"}  # = instead of +=
    assert ENGINES["mxmasterton_autograd"].backward == "backprop"    # other names
