"""Model files from strangers: every bad file is a ModelFileError naming the file and the fault.

Issue 15 items 2, 5 and 12 (``"version": true``): sizes are checked against the state
before anything is built, what a file may ask for is capped, and no other exception
(OverflowError, ValueError, RecursionError) escapes ``load``.
"""

from __future__ import annotations

import json
import os

import pytest

from micrograd_ed.files import models as serialize
from micrograd_ed.files.models import ModelFileError
from micrograd_ed.nn import MLP, Layer, Module, Neuron, Perceptron


def _refuse_building(monkeypatch) -> None:
    """From now on, creating a single Neuron fails the test: nothing may be built."""
    def refuse(self, *args, **kwargs):
        raise AssertionError("load built a Neuron before checking the sizes")
    monkeypatch.setattr(Neuron, "__init__", refuse)


def _doc(model: Module) -> dict:
    return {"format": serialize.FORMAT, "version": serialize.VERSION,
            "class": type(model).__name__, "config": model.config(),
            "state": model.state_dict()}


def _write(path, doc_or_text) -> str:
    text = doc_or_text if isinstance(doc_or_text, str) else json.dumps(doc_or_text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return str(path)


def _first_weight_raw(model: Module, raw: str) -> str:
    """The JSON of `model`'s file with the first weight replaced by the literal `raw`."""
    doc = _doc(model)
    key = next(iter(doc["state"]))
    doc["state"][key] = "@@"
    return json.dumps(doc).replace('"@@"', raw)


# ------------------------------------------------- item 2: check before building
def test_sizes_are_checked_against_the_state_before_building(tmp_path, monkeypatch):
    """A 173-byte file with sizes [300000, 1] took 15 s and 847 MiB before failing."""
    doc = _doc(MLP(2, [2, 1]))
    doc["config"]["sizes"] = [300000, 1]
    path = _write(tmp_path / "m.json", doc)
    _refuse_building(monkeypatch)
    with pytest.raises(ModelFileError, match=r"m\.json.*'sizes'.*1,200,001 parameters"):
        MLP.load(path)


def test_under_the_cap_the_count_must_match_the_state_before_building(tmp_path, monkeypatch):
    doc = _doc(MLP(2, [2, 1]))
    doc["config"]["sizes"] = [200000, 1]
    path = _write(tmp_path / "m.json", doc)
    _refuse_building(monkeypatch)
    with pytest.raises(ModelFileError, match=r"m\.json.*'sizes' describe 800,001 parameters "
                                             r"but the state has 9"):
        MLP.load(path)


@pytest.mark.parametrize("sizes", [[10**6, 10**6], [10**6] * 3, [10**400]])
def test_what_a_file_may_build_is_capped(tmp_path, sizes):
    doc = _doc(MLP(2, [2, 1]))
    doc["config"]["sizes"] = sizes
    path = _write(tmp_path / "huge.json", doc)
    with pytest.raises(ModelFileError, match=r"huge\.json.*'sizes'.*more than .*MAX_PARAMETERS"):
        MLP.load(path)


def test_the_cap_is_documented_and_a_model_under_it_loads(tmp_path):
    assert serialize.MAX_PARAMETERS >= 13_002 * 10
    assert "MAX_PARAMETERS" in (serialize.__doc__ or "")
    model = MLP(3, [4, 2], seed=1)
    model.save(tmp_path / "ok.json")
    assert MLP.load(tmp_path / "ok.json").state_dict() == model.state_dict()


@pytest.mark.parametrize("model, field, value", [
    (Neuron(3), "nin", 10**7), (Perceptron(2), "nin", 10**9),
    (Layer(2, 3), "nout", 10**8), (Layer(2, 3), "nin", 10**8),
    (MLP(2, [2, 1]), "nin", 10**8),
])
def test_every_class_checks_its_size_fields_first(tmp_path, monkeypatch, model, field, value):
    doc = _doc(model)
    doc["config"][field] = value
    path = _write(tmp_path / "m.json", doc)
    _refuse_building(monkeypatch)
    with pytest.raises(ModelFileError, match=rf"m\.json.*'{field}'.*MAX_PARAMETERS"):
        type(model).load(path)


def test_a_file_whose_state_is_too_small_names_both_counts(tmp_path):
    doc = _doc(MLP(2, [3, 1]))
    doc["config"]["sizes"] = [40, 1]
    path = _write(tmp_path / "m.json", doc)
    with pytest.raises(ModelFileError, match=r"m\.json.*describe 161 parameters.*has 13"):
        MLP.load(path)


@pytest.mark.parametrize("edit, field", [
    (lambda c: c.update(sizes="16,1"), "sizes"),
    (lambda c: c.update(sizes=[]), "sizes"),
    (lambda c: c.update(sizes=[2.0, 1]), "sizes"),
    (lambda c: c.update(sizes=[True, 1]), "sizes"),
    (lambda c: c.update(nin=-1), "nin"),
    (lambda c: c.update(nin="2"), "nin"),
    (lambda c: c.update(activation=7), "activation"),
    (lambda c: c.update(activation="swish"), "activation"),
    (lambda c: c.update(init="uniform"), "init"),
    (lambda c: c.update(rng={}), "rng"),
    (lambda c: c.pop("nin"), "nin"),
])
def test_bad_config_fields_are_named(tmp_path, edit, field):
    doc = _doc(MLP(2, [2, 1]))
    edit(doc["config"])
    path = _write(tmp_path / "m.json", doc)
    with pytest.raises(ModelFileError, match=rf"m\.json.*{field}"):
        MLP.load(path)


@pytest.mark.parametrize("index", ["0 -> evil; x", -1, 1.5, True, [0]])
def test_a_layer_index_from_a_file_must_be_a_small_int(tmp_path, index):
    doc = _doc(Layer(2, 2))
    doc["config"]["index"] = index
    path = _write(tmp_path / "layer.json", doc)
    with pytest.raises(ModelFileError, match=r"layer\.json.*index must be an int"):
        Layer.load(path)


def test_a_neuron_file_cannot_smuggle_constructor_arguments(tmp_path):
    doc = _doc(Neuron(2))
    doc["config"]["index"] = ["a -> b", "c"]
    path = _write(tmp_path / "n.json", doc)
    with pytest.raises(ModelFileError, match=r"n\.json.*unexpected config field 'index'"):
        Neuron.load(path)


# -------------------------------------------- item 5: no other exception escapes
@pytest.mark.parametrize("raw, message", [
    ("9" * 400, "not a finite number"),          # was OverflowError
    ("9" * 5000, "not a finite number"),         # was ValueError (int digit limit)
    ("-" + "9" * 400, "not a finite number"),
    ("1e400", "not a finite number"),
    ("1" + "0" * 5000 + ".5", "not a finite number"),
])
def test_huge_numbers_are_model_file_errors_naming_the_weight(tmp_path, raw, message):
    path = _write(tmp_path / "w.json", _first_weight_raw(MLP(2, [2, 1]), raw))
    with pytest.raises(ModelFileError, match=rf"w\.json.*layers\.0\.neurons\.0\.w\.0.*{message}"):
        MLP.load(path)


def test_a_huge_integer_in_the_config_is_named(tmp_path):
    doc = json.dumps(_doc(MLP(2, [2, 1]))).replace('"nin": 2', '"nin": ' + "9" * 1000)
    path = _write(tmp_path / "c.json", doc)
    with pytest.raises(ModelFileError, match=r"c\.json.*'nin'.*over 1e300 parameters"):
        MLP.load(path)


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000,
                                  '{"a":' * 50_000 + "1" + "}" * 50_000])
def test_deeply_nested_json_is_a_model_file_error(tmp_path, text):
    path = _write(tmp_path / "deep.json", text)
    with pytest.raises(ModelFileError, match=r"deep\.json.*nested"):
        MLP.load(path)


@pytest.mark.parametrize("version", [True, 1.0, "1", [1], None, 2])
def test_version_must_be_the_integer_1(tmp_path, version):
    """``"version": true`` was accepted as 1 (True == 1 in Python)."""
    doc = _doc(MLP(2, [2, 1]))
    doc["version"] = version
    path = _write(tmp_path / "v.json", doc)
    with pytest.raises(ModelFileError, match=r"v\.json.*version"):
        MLP.load(path)


def test_a_duplicated_key_is_refused_not_silently_dropped(tmp_path):
    text = json.dumps(_doc(MLP(2, [2, 1])))
    text = text.replace('"state": {', '"state": {"layers.0.neurons.0.b": 5.0, ', 1)
    path = _write(tmp_path / "dup.json", text)
    with pytest.raises(ModelFileError, match=r"dup\.json.*'layers\.0\.neurons\.0\.b'.*twice"):
        MLP.load(path)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(serialize, "MAX_FILE_BYTES", 1000)
    model = MLP(8, [8, 8, 1])
    model.save(tmp_path / "big.json")
    assert os.path.getsize(tmp_path / "big.json") > 1000
    with pytest.raises(ModelFileError, match=r"big\.json.*bytes.*MAX_FILE_BYTES"):
        MLP.load(tmp_path / "big.json")


def test_a_fifo_or_device_is_refused_instead_of_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(ModelFileError, match=r"pipe\.json.*FIFO"):
        MLP.load(fifo)          # a plain open() would wait for a writer forever
    with pytest.raises(ModelFileError, match=r"/dev/zero.*character device"):
        MLP.load("/dev/zero")
    with pytest.raises(ModelFileError, match="folder"):
        MLP.load(tmp_path)


def test_a_missing_file_is_file_not_found_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope\.json"):
        MLP.load(tmp_path / "nope.json")


@pytest.mark.parametrize("load", [
    lambda p: MLP.load(p), lambda p: MLP(2, [2, 1]).load_weights(p),
    lambda p: Module.load(p),
])
def test_garbage_of_every_kind_is_a_model_file_error(tmp_path, load):
    good = json.dumps(_doc(MLP(2, [2, 1])))
    bad = ["", "\x00\xff", "null", "[]", '"x"', "1e999", good[:-5], good + "{",
           good.replace('"class": "MLP"', '"class": null'),
           good.replace('"class": "MLP"', '"class": "__class__"'),
           good.replace('"config": {', '"config": {"nin": {"a": 1}, "x": ', 1),
           good.replace("0.0", "NaN"), good.replace("0.0", "Infinity"),
           good.replace("0.0", "true"), good.replace("0.0", '"0.0"'),
           good.replace("0.0", "[0.0]")]
    for i, text in enumerate(bad):
        path = tmp_path / f"bad{i}.json"
        path.write_bytes(text.encode("utf-8", "surrogateescape") if i != 1
                         else b"\x00\xff\xfe")
        with pytest.raises(ModelFileError, match=rf"bad{i}\.json"):
            load(path)


def test_a_nul_byte_in_the_name_is_named():
    with pytest.raises(ModelFileError, match="not a valid file name"):
        MLP.load("a\0b.json")
    with pytest.raises(ValueError, match="cannot write 'a\\\\x00b.json': not a valid file name"):
        MLP(2, [1]).save("a\0b.json")
