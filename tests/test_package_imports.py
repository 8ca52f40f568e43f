"""`import micrograd_ed` loads what is used: the engine alone for `from micrograd_ed import Value`,
the renderer and the rest on first use, every public name still importable from the top."""

from __future__ import annotations

import subprocess
import sys

import pytest

import micrograd_ed


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code`."""
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_importing_value_loads_the_engine_but_not_the_renderer_or_its_stdlib_modules():
    mods = loaded_after("from micrograd_ed import Value\n(Value(2.0) * 3.0).backward()")
    assert "micrograd_ed.engine.value" in mods
    ours = {m for m in mods if m.startswith("micrograd_ed.")}
    assert not any(m.startswith(("micrograd_ed.viz", "micrograd_ed.nn", "micrograd_ed.train"))
                   for m in ours), sorted(ours)
    numpy_alone = loaded_after("import numpy")     # (numpy < 2.3 on 3.10 loads subprocess)
    assert not (mods - numpy_alone) & {"xml.sax.saxutils", "urllib.request", "http.client",
                                       "subprocess", "tempfile", "email", "matplotlib"}


def test_training_does_not_load_the_renderer():
    mods = loaded_after("from micrograd_ed import MLP, fit\n"
                        "fit(MLP(2, [3, 1]), [[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0], epochs=1)")
    assert "micrograd_ed.train" in mods
    assert not any(m.startswith("micrograd_ed.viz") for m in mods)


@pytest.mark.parametrize("name", micrograd_ed.__all__)
def test_every_public_name_resolves_to_the_object_its_module_defines(name):
    import importlib

    obj = getattr(micrograd_ed, name)
    assert callable(obj) and not isinstance(obj, type(micrograd_ed))   # never a submodule
    assert obj is getattr(importlib.import_module(obj.__module__), name)


def test_gradcheck_stays_the_function_whatever_was_imported_first():
    code = ("import micrograd_ed.gradcheck, micrograd_ed.train\n"
            "from micrograd_ed import gradcheck\nassert callable(gradcheck), gradcheck")
    loaded_after(code)


def test_star_import_dir_and_submodules():
    names = ", ".join(micrograd_ed.__all__)
    loaded_after(f"from micrograd_ed import *\nassert all([{names}])")
    assert {"Value", "draw_graph", "nn", "viz"} <= set(dir(micrograd_ed))
    assert micrograd_ed.nn.MLP is micrograd_ed.MLP        # a submodule loads on first use
    assert micrograd_ed.viz.draw_graph is micrograd_ed.draw_graph


def test_an_unknown_name_is_an_attribute_error_that_names_it():
    with pytest.raises(AttributeError, match="no attribute 'drawgraph'"):
        micrograd_ed.drawgraph      # noqa: B018
    with pytest.raises(ImportError, match="drawgraph"):
        from micrograd_ed import drawgraph  # noqa: F401
    assert not hasattr(micrograd_ed, "_private")
