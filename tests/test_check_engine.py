"""check_engine(): the battery of cases, with micrograd 0.1.0, micrograd_ed and broken engines."""

from __future__ import annotations

import sys

import pytest

from micrograd_ed import Value
from micrograd_ed.check import check_engine

micrograd = pytest.importorskip("micrograd")
import check_students as s  # noqa: E402
from micrograd.engine import Value as MicroValue  # noqa: E402


def test_micrograd_ed_passes_every_case():
    r = check_engine(Value)
    assert r.ok, str(r)
    assert not r.missing
    assert r.case("backward twice").status == "info"
    assert "as in PyTorch" in r.case("backward twice").message


def test_micrograd_fails_only_the_deep_chain_with_the_recursion_message():
    limit = sys.getrecursionlimit()
    r = check_engine(MicroValue)
    assert sys.getrecursionlimit() == limit          # restored
    assert not r.ok and r.gradients_ok and not r.failed
    assert [c.name for c in r.limits] == ["deep chain (5,000)"]
    msg = r.case("deep chain").message
    assert "RecursionError" in msg and "topological sort recurses" in msg
    assert "default recursion limit (1,000)" in msg
    depth = r.case("deep chain").comparison.error.recursion_depth
    assert 900 < depth <= 1000 and f"broke at depth {depth:,}" in msg
    assert set(r.missing) == {"tanh", "exp", "log", "sigmoid"}
    assert r.case("relu").status == "pass" and r.case("pow").status == "pass"
    assert r.case("neuron").status == "pass" and "relu" in r.case("neuron").formula


def test_backward_twice_is_information_about_interior_grads():
    c = check_engine(MicroValue).case("backward twice")
    assert c.ok and c.status == "info"
    assert "grad a = 3 × one call's" in c.message and "PyTorch" in c.message


def test_a_missing_op_is_listed_not_failed():
    r = check_engine(s.WithTanh)
    assert "tanh" not in r.missing and r.case("tanh").status == "pass"
    assert r.case("neuron").formula.startswith("o = tanh")
    assert "not defined (skipped): exp, log, sigmoid" in str(r)


def test_one_mistake_engines_fail_the_right_cases():
    r = check_engine(s.OverwritingMul)
    failed = {c.name for c in r.failed}
    assert {"a * a", "fan-out"} <= failed and "a + a" not in failed
    assert "+=" in r.case("a * a").message
    r = check_engine(s.SubIsAdd)
    assert "subtract and divide" in {c.name for c in r.failed}
    assert "first wrong: data e" in r.case("subtract and divide").message
    r = check_engine(s.WrongTanh)
    assert r.case("tanh").status == "fail"
    assert "first wrong: grad" in r.case("tanh").message


def test_report_text_lists_every_case():
    text = str(check_engine(MicroValue))
    assert text.startswith("check_engine(Value): ")
    for name in ("arithmetic", "a + a", "diamond", "deep chain (5,000)", "sum of 10,000 terms",
                 "backward twice", "pow"):
        assert name in text
    assert "first failing case, deep chain" in text
    assert "Traceback" not in text


def test_not_a_class():
    with pytest.raises(TypeError, match="expects a class"):
        check_engine(Value(1.0))
