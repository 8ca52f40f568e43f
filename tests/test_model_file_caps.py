"""Loading a model file costs bounded time and memory: layers and neurons are capped too.

Each layer and each neuron is a Python object with its own cost beyond its parameters': a
36 MB file describing MLP(1, [1] * 499999) (999,998 parameters, under MAX_PARAMETERS) took
22 s and 1.9 GB to load, and MLP(1, [333333]) (666,667 parameters) 17 s and 1.2 GB. Both
are refused now, from the config, before anything is built.
"""

from __future__ import annotations

import json

import pytest

from micrograd_ed.files import models as serialize
from micrograd_ed.files.models import ModelFileError
from micrograd_ed.nn import MLP, Layer, Neuron
from micrograd_ed.training.tasks import TASKS, build_model


def _refuse_building(monkeypatch) -> None:
    def refuse(self, *args, **kwargs):
        raise AssertionError("load built a Neuron before checking the sizes")
    monkeypatch.setattr(Neuron, "__init__", refuse)


def _mlp_file(path, nin: int, sizes: list[int]) -> str:
    """The file MLP(nin, sizes).save would write (all weights 0.5), without building it."""
    entries = []
    for i, (fan_in, width) in enumerate(zip([nin, *sizes[:-1]], sizes)):
        for n in range(width):
            entries += [f'"layers.{i}.neurons.{n}.w.{k}": 0.5' for k in range(fan_in)]
            entries.append(f'"layers.{i}.neurons.{n}.b": 0.5')
    config = json.dumps({"nin": nin, "sizes": sizes, "activation": "tanh",
                         "output_activation": "linear"})
    path.write_text(f'{{"format": "{serialize.FORMAT}", "version": {serialize.VERSION}, '
                    f'"class": "MLP", "config": {config}, "state": {{{", ".join(entries)}}}}}')
    return str(path)


def test_the_deep_file_of_the_report_is_refused_before_building(tmp_path, monkeypatch):
    path = _mlp_file(tmp_path / "deep.json", 1, [1] * 499_999)
    assert MLP.parameter_count({"nin": 1, "sizes": [1] * 499_999}) <= serialize.MAX_PARAMETERS
    _refuse_building(monkeypatch)
    with pytest.raises(ModelFileError, match=r"deep\.json: the config fields 'nin' and 'sizes' "
                                             r"describe an MLP with 499,999 layers, more than "
                                             r".*\(serialize\.MAX_LAYERS = 1,000\); nothing "
                                             r"was built"):
        MLP.load(path)


@pytest.mark.parametrize("cls, config, what", [
    (MLP, {"nin": 1, "sizes": [333_333]}, r"an MLP with 333,333 neurons.*MAX_NEURONS"),
    (MLP, {"nin": 1, "sizes": [1] * 1_001}, r"an MLP with 1,001 layers.*MAX_LAYERS"),
    (Layer, {"nin": 1, "nout": 200_000}, r"a Layer with 200,000 neurons.*MAX_NEURONS"),
])
def test_too_many_layers_or_neurons_are_refused_before_building(tmp_path, monkeypatch, cls,
                                                                 config, what):
    count = cls.parameter_count(config)
    assert count <= serialize.MAX_PARAMETERS
    state = {f"p{i}": 0.0 for i in range(count)}          # as many numbers as it needs
    doc = {"format": serialize.FORMAT, "version": serialize.VERSION, "class": cls.__name__,
           "config": config, "state": state}
    (tmp_path / "m.json").write_text(json.dumps(doc))
    _refuse_building(monkeypatch)
    with pytest.raises(ModelFileError, match=r"m\.json: .*" + what):
        cls.load(tmp_path / "m.json")


def test_a_model_at_the_caps_loads(tmp_path):
    model = MLP(1, [1] * serialize.MAX_LAYERS, init="zeros")
    model.save(tmp_path / "deepest.json")
    assert len(MLP.load(tmp_path / "deepest.json").layers) == serialize.MAX_LAYERS
    assert serialize.MAX_NEURONS >= 42 * 100                # the digit network's, 100 times
    for name in ("MAX_LAYERS", "MAX_NEURONS"):
        assert name in (serialize.__doc__ or "")


def test_training_refuses_a_network_whose_file_could_not_be_loaded():
    with pytest.raises(ValueError, match=r"200,001 neurons.*MAX_NEURONS"):
        build_model(TASKS["xor"], 2, hidden=[200_000])
    with pytest.raises(ValueError, match=r"1,001 layers.*MAX_LAYERS"):
        build_model(TASKS["xor"], 2, hidden=[1] * 1_000)
