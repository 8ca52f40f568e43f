"""Notebook 09's exercise, run in a real kernel as a learner runs it: the blank starter cell
fails with a sentence, the solution (unfolded from its <details> block) passes, a solution
with the typical mistake -- a missing transpose -- gets its hint, and a hang is stopped in the
kernel's main thread."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "09_backprop_in_matrix_form.ipynb"
SOLUTION = re.compile(r"<details><summary>Solution[^<]*</summary>\s*```python\n(.*?)```", re.S)


def _cells():
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def _source(cell) -> str:
    return "".join(cell["source"])


def _exercise_parts():
    """(index of the starter cell, index of the check cell, the solution's code)."""
    cells = _cells()
    starter = next(i for i, c in enumerate(cells)
                   if c["cell_type"] == "code" and _source(c).startswith("def backprop_step("))
    check = starter + 1
    assert "check_layer_backward(backprop_step)" in _source(cells[check])
    solution = next(m.group(1) for c in cells if c["cell_type"] == "markdown"
                    for m in [SOLUTION.search(_source(c))] if m)
    return starter, check, solution


def test_the_starter_cell_is_blank_and_the_solution_is_not_in_it():
    starter, _, solution = _exercise_parts()
    text = _source(_cells()[starter])
    assert "raise NotImplementedError" in text and "..." in text
    assert "@" not in text and "np." not in text          # no code of the answer
    assert "delta.T @ inputs[l]" in solution


@pytest.fixture(scope="module")
def check_outputs():
    """Run the notebook up to its check cell, then the check again after the solution and
    after the solution with `delta.T @ a_prev` written without its transpose; one kernel."""
    starter, check, solution = _exercise_parts()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    check_source = nb.cells[check].source
    mistake = solution.replace("delta.T @ inputs[l]", "inputs[l].T @ delta")
    assert mistake != solution
    hang = "def backprop_step(Ws, bs, X, y):\n    while True:\n        pass\n"
    nb.cells = nb.cells[:check + 1] + [
        nbformat.v4.new_code_cell(solution), nbformat.v4.new_code_cell(check_source),
        nbformat.v4.new_code_cell(mistake), nbformat.v4.new_code_cell(check_source),
        nbformat.v4.new_code_cell(hang),
        nbformat.v4.new_code_cell(check_source.replace("(backprop_step)",
                                                       "(backprop_step, budget=0.5)"))]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    texts = []
    for cell in (nb.cells[check], nb.cells[check + 2], nb.cells[check + 4],
                 nb.cells[check + 6]):
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.outputs
        data = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert len(data) == 1
        texts.append(data[0]["data"]["text/plain"])
    return texts


def test_the_blank_fails_with_a_sentence(check_outputs):
    blank = check_outputs[0]
    assert "0 of 4 graded nets right" in blank
    assert "raised NotImplementedError: the exercise is not done yet" in blank
    assert "hint: replace the `...`" in blank and "Traceback" not in blank


def test_the_solution_passes(check_outputs):
    assert "4 of 4 graded nets right" in check_outputs[1]
    assert "✗" not in check_outputs[1]


def test_a_missing_transpose_gets_its_hint(check_outputs):
    wrong = check_outputs[2]
    assert "0 of 4 graded nets right" in wrong
    assert "dW of layer 1 has shape (4, 2), expected (2, 4)" in wrong
    assert "hint: dW came out transposed" in wrong


def test_a_hang_in_the_kernels_main_thread_is_stopped(check_outputs):
    hang = check_outputs[3]
    assert "did not finish within its budget of 0.5 s and was stopped" in hang
    assert "not run (an earlier net ran out of time)" in hang
