"""The corpus of published engines (tests/engines) and its ground truth.

The engines are installed from PyPI, pinned in tests/engines/requirements.txt; none of their
code is in this repository. The ground truth in tests/engines/ground_truth.json is
re-established here against torch float64 (independently of micrograd_ed.check) and must come
out the same, so the facts the checker and the any-engine drawing are tested against stay
true. The other tests keep the corpus honest: nothing is vendored, every engine is pinned
exactly and its licence is what its installed metadata declares, the registry names what each
class really defines, a missing engine skips with the install command, and the harness does
notice wrong results, results that change between runs and probes that overrun their time.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import re
import time
from numbers import Real
from pathlib import Path

import engines
import pytest
from engines import ENGINES, defined_ops, installed_licence, load, load_installed, missing
from engines.probes import BY_NAME, Leaves, call
from engines.truth import GROUND_TRUTH, classify, dumps, establish, run_worker

ENGINES_DIR = Path(__file__).parent / "engines"
OURS = {"__init__.py", "probes.py", "worker.py", "truth.py", "README.md", "ground_truth.json",
        "requirements.txt"}
PERMISSIVE = {"MIT", "BSD", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "Apache Software"}


def test_no_engine_source_is_vendored():
    files = {p.name for p in ENGINES_DIR.iterdir() if p.name != "__pycache__"}
    assert files == OURS, f"files in tests/engines that are not the harness: {files - OURS}"
    for name in OURS:
        text = (ENGINES_DIR / name).read_text()
        assert "Permission is hereby granted" not in text, f"{name} carries a licence text"


def _requirements() -> list[str]:
    lines = (ENGINES_DIR / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_requirements_pin_every_engine_exactly_and_nothing_else():
    pins = _requirements()
    assert all(re.fullmatch(r"[a-z0-9-]+==[0-9][0-9a-z.]*", pin) for pin in pins), pins
    assert sorted(pins) == sorted(e.pin for e in ENGINES.values())
    assert len(ENGINES) >= 12
    assert len({e.distribution for e in ENGINES.values()}) == len(ENGINES)
    assert "requirements.txt" in (ENGINES_DIR.parent.parent / "Makefile").read_text()


@pytest.mark.parametrize("name", list(ENGINES))
def test_installed_engine_is_the_pin_and_its_licence_is_the_recorded_one(name):
    engine = ENGINES[name]
    load(name)  # skips when the pin is not installed
    assert importlib.metadata.version(engine.distribution) == engine.version
    assert installed_licence(name) == engine.licence
    assert engine.licence in PERMISSIVE, f"{name}: {engine.licence} is not a permissive licence"


@pytest.mark.parametrize("name", list(ENGINES))
def test_registry_names_what_the_class_defines(name):
    engine = ENGINES[name]
    cls = load(name)
    assert cls.__name__ == engine.cls_name
    assert defined_ops(cls, engine.op_names) == engine.ops
    a, b = cls(2.0), cls(-3.0)
    c = a + b
    for attr in (engine.grad, engine.parents, engine.local, engine.data):
        assert hasattr(c, attr), f"{name}: a node has no .{attr}"
    assert callable(getattr(c, engine.backward))
    assert set(getattr(c, engine.parents)) == {a, b}
    local = getattr(c, engine.local)
    if engine.local_kind == "closure":
        assert callable(local)
    else:
        assert engine.local_kind == "numbers"
        assert len(local) == 2 and all(isinstance(x, Real) for x in local)


def test_an_engine_s_own_method_names_are_used():
    engine = ENGINES["omnigrad"]
    assert engine.attribute("relu") == "reLU" and engine.attribute("+") == "__add__"
    cls = load("omnigrad")
    leaf = Leaves(cls, engine.op_names)
    assert call(leaf, leaf(-1.5), "relu").data == 0
    with pytest.raises(AttributeError, match="relu"):
        call(cls, cls(-1.5), "relu")  # a plain class gets the default name


def test_load_names_the_known_engines_when_asked_for_another():
    with pytest.raises(KeyError, match="no engine 'nope' in the corpus; known: micrograd"):
        load("nope")


def test_a_missing_or_other_version_pin_skips_with_the_install_command(monkeypatch):
    # pytest stands in for an installed engine: it is there wherever this test runs
    here = importlib.metadata.version("pytest")
    fakes = {"gone": ("micrograd-ed-no-such-engine", "0.1.0"), "other": ("pytest", "0.0.1"),
             "pinned": ("pytest", here)}
    for name, (distribution, version) in fakes.items():
        monkeypatch.setitem(ENGINES, name, dataclasses.replace(
            ENGINES["micrograd"], name=name, distribution=distribution, version=version))
    assert missing("pinned") is None
    assert "micrograd-ed-no-such-engine==0.1.0 is not installed" in missing("gone")
    assert f"pytest {here} is installed, the ground truth is for 0.0.1" in missing("other")
    with pytest.raises(engines.EngineNotInstalled, match=re.escape(engines.INSTALL)):
        load_installed("gone")
    with pytest.raises(pytest.skip.Exception, match="pip install --no-deps -r tests/engines"):
        load("other")
    with pytest.raises(engines.EngineNotInstalled, match="gone"):
        establish(["gone"])


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
    type_error = {"error": "TypeError", "where": "forward", "message": "float ** Value"}
    assert classify(BY_NAME["pow_value"], _ran(type_error), ref)[0]["kind"] == "refused"
    assert classify(BY_NAME["const_left_div"], _ran(type_error), ref)[0]["class"] == "error"
    timeout = classify(BY_NAME["ladder_24"], {"status": "timeout"}, None)[0]
    assert (timeout["class"], timeout["kind"]) == ("limit", "timeout")


def test_a_probe_past_its_time_limit_is_stopped_and_a_new_worker_takes_over():
    load("micrograd")
    # No published engine of the corpus hangs, so the limit is set below the worker's own
    # start-up time: the first probe can only be cut off, whatever the machine's speed.
    probe = dataclasses.replace(BY_NAME["chain_5000"], time_limit=0.0)
    start = time.monotonic()
    result = run_worker("micrograd", [probe, BY_NAME["add"]])
    assert result["chain_5000"] == {"probe": "chain_5000", "status": "timeout"}
    assert result["add"]["status"] == "ran"  # a new worker took over after the kill
    assert time.monotonic() - start < 15


def _without_messages(truth: dict) -> dict:
    """The truth with Python's own error messages cut (they change between versions)."""
    text = re.sub(r"(Error in (?:forward|backward)): [^\"]*", r"\1", json.dumps(truth))
    return json.loads(text)


def test_ground_truth_is_what_torch_says_today():
    pytest.importorskip("torch", reason="the ground truth is established against torch")
    reasons = [r for r in map(missing, ENGINES) if r is not None]
    if reasons:
        pytest.skip("; ".join(reasons))
    stored = json.loads(GROUND_TRUTH.read_text())
    truth, _ = establish()
    if truth["python"] == stored["python"]:
        assert dumps(truth) == GROUND_TRUTH.read_text()
    else:
        assert _without_messages(truth) == _without_messages(stored)


def test_ground_truth_records_each_engine_s_pin_licence_and_names():
    stored = json.loads(GROUND_TRUTH.read_text())["engines"]
    assert sorted(stored) == sorted(ENGINES)
    for name, engine in ENGINES.items():
        source, names = stored[name]["source"], stored[name]["names"]
        assert (source["distribution"], source["version"], source["licence"]) == (
            engine.distribution, engine.version, engine.licence)
        assert names["class"] == engine.cls_name and names["op_names"] == dict(engine.op_names)
        assert stored[name]["supports"] == list(engine.ops)


def test_corpus_holds_real_bugs_of_the_kinds_issue_21_names():
    engines = json.loads(GROUND_TRUTH.read_text())["engines"]

    def kinds(name, probe):
        return {f["kind"] for f in engines[name]["findings"] if f["probe"] == probe}

    def classes(name, probe):
        return {f["class"] for f in engines[name]["findings"] if f["probe"] == probe}

    assert engines["micrograd"]["every_gradient_right"]
    assert engines["micrograd"]["summary"] == (
        "every gradient right; limits only: chain_5000")  # only its recursive sort fails
    assert kinds("nanoautograd", "pow_fan_out") == {"order_dependent"}  # = in **, set order
    assert kinds("nanoautograd", "exp_inner") == {"wrong_grad"}  # attaches to its operand
    assert classes("omnigrad", "tanh_large") == {"limit"}          # math.exp(2*x), x > 355
    assert classes("omnigrad", "sigmoid_large_negative") == {"limit"}  # math.exp(800)
    assert kinds("mikegrad", "log") == {"wrong_value"}      # clips x into [1e-8, 1 - 1e-8]
    assert kinds("backprop_lib", "pow_value") == {"wrong_grad"}   # drops the exponent's grad
    assert kinds("femtograd", "relu_zero") == {"wrong_grad"}      # relu'(0) = 1
    assert kinds("kaitorch", "div") == {"wrong_value"}             # b + 1e-8
    assert classes("kaitorch", "const_left_div") == {"error"}      # int.__mul__ in __rtruediv__
    omnigrad_unsupported = {f["probe"] for f in engines["omnigrad"]["unsupported"]}
    assert "relu_zero" not in omnigrad_unsupported  # its reLU is driven by op_names
    assert ENGINES["nanoautograd"].backward == "backwards"        # other names
    assert ENGINES["strands_microgpt"].local_kind == "numbers"    # microgpt's local grads
