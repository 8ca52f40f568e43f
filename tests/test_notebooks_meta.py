"""The notebooks in notebooks/: all present and numbered, committed clean, small, runnable.

Running them is `make notebooks` (pytest --nbmake); these checks are the cheap part
that needs no kernel: file names, kernel metadata, outputs and size.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = [
    "01_values_and_the_chain_rule.ipynb",
    "02_write_backward_yourself.ipynb",
    "03_gradient_checking.ipynb",
    "04_one_neuron.ipynb",
    "05_gradient_descent.ipynb",
    "06_xor_needs_a_hidden_layer.ipynb",
    "07_moons_classifier.ipynb",
    "08_digits.ipynb",
    "09_backprop_in_matrix_form.ipynb",
]
NAME = re.compile(r"^(\d\d)_[a-z0-9]+(?:_[a-z0-9]+)*\.ipynb$")
MAX_BYTES = 300_000
CLEAR = "jupyter nbconvert --clear-output --inplace notebooks/*.ipynb"


def _present() -> list[str]:
    return sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


def _load(name: str) -> dict:
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))


def test_every_notebook_is_present_and_numbered_in_order():
    present = _present()
    assert present == EXPECTED, f"notebooks/ holds {present}, expected {EXPECTED}"
    numbers = [int(NAME.match(name).group(1)) for name in present]
    assert numbers == list(range(1, len(present) + 1))


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_valid_nbformat_4(name):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOKS / name, as_version=nbformat.NO_CONVERT)
    assert nb.nbformat == 4
    nbformat.validate(nb)


@pytest.mark.parametrize("name", EXPECTED)
def test_kernel_metadata_names_the_python3_kernel(name):
    meta = _load(name)["metadata"]
    assert meta["kernelspec"]["name"] == "python3"
    assert meta["kernelspec"]["language"] == "python"
    assert meta["language_info"]["name"] == "python"


@pytest.mark.parametrize("name", EXPECTED)
def test_outputs_are_cleared(name):
    for i, cell in enumerate(_load(name)["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert cell["outputs"] == [], f"{name}: code cell {i} has outputs; run {CLEAR}"
        assert cell["execution_count"] is None, f"{name}: code cell {i} was run; run {CLEAR}"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_small(name):
    size = (NOTEBOOKS / name).stat().st_size
    assert size < MAX_BYTES, f"{name} is {size:,} bytes (limit {MAX_BYTES:,})"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_opens_with_a_numbered_title(name):
    first = _load(name)["cells"][0]
    title = "".join(first["source"]).splitlines()[0]
    number = int(name[:2])
    assert first["cell_type"] == "markdown"
    assert title.startswith(f"# {number}. "), f"{name} starts with {title!r}"


@pytest.mark.parametrize("name", EXPECTED)
def test_no_ipywidgets(name):
    source = "\n".join("".join(c["source"]) for c in _load(name)["cells"])
    assert "ipywidgets" not in source, "progress bars come from tqdm's text bar"


def test_readme_lists_every_notebook():
    readme = (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    missing = [name for name in EXPECTED if name not in readme]
    assert not missing, f"notebooks/README.md does not list {missing}"
    assert "make lab" in readme
