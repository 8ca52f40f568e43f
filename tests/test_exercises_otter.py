"""The notebooks as otter-grader assignments, graded by otter itself (``otter run``, no Docker).

Notebook 2 (five questions, 20 points) is made into an assignment with
``tools/exercises.py assignments``; then otter grades its untouched student notebook (0
points), its solutions (full marks) and the solutions with one typical mistake, ``=`` for
``+=`` in the chain-rule loop (in between, with that hint as the feedback). Skipped when
otter-grader is not installed (``pip install 'micrograd_ed[course]'``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("otter", reason="otter-grader is not installed (micrograd_ed[course])")
nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parent.parent
NAME = "02_write_backward_yourself"
OTTER = shutil.which("otter") or str(Path(sys.executable).parent / "otter")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(OTTER).exists(), reason="no otter command")]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PATH"] = os.pathsep.join([str(Path(OTTER).parent), env.get("PATH", "")])
    return env


def _assign(out: Path, names: list[str] | None = None) -> list[Path]:
    """tools/exercises.py assignments, with otter and this checkout on the paths."""
    spec = importlib.util.spec_from_file_location("exercises_tool", ROOT / "tools" / "exercises.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    old = dict(os.environ)
    os.environ.update(_env())
    try:
        return tool.assignments(out, names)
    finally:
        os.environ.clear()
        os.environ.update(old)


@pytest.fixture(scope="module")
def assignment(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("assignments")
    _assign(out, [NAME])
    return out / NAME


def _grade(assignment: Path, submission: Path, tmp_path: Path) -> list[dict]:
    zip_path = assignment / "autograder" / f"{NAME}-autograder.zip"
    out = tmp_path / "results"
    out.mkdir()
    subprocess.run([OTTER, "run", "-a", str(zip_path), "-o", str(out), str(submission)],
                   check=True, capture_output=True, text=True, env=_env(), cwd=tmp_path)
    tests = json.loads((out / "results.json").read_text())["tests"]
    return [t for t in tests if t.get("max_score") is not None]


def test_assignment_has_student_notebook_autograder_zip_and_hidden_tests(assignment):
    student = assignment / "student" / f"{NAME}.ipynb"
    assert student.exists() and (assignment / "autograder" / f"{NAME}-autograder.zip").exists()
    nb = nbformat.read(student, as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "grader.check(\"q2_2\")" in text
    assert "stack.append((node, True))" not in text, "the solution of 2.1 leaked"
    assert "(1 - t * t,)" not in text, "the solution of 2.3 leaked"
    assert "NotImplementedError" in text
    public = (assignment / "student" / "tests" / "q2_2.py").read_text()
    hidden = (assignment / "autograder" / "tests" / "q2_2.py").read_text()
    assert "every op" in hidden and "every op" not in public


def test_untouched_student_notebook_scores_zero(assignment, tmp_path):
    tests = _grade(assignment, assignment / "student" / f"{NAME}.ipynb", tmp_path)
    assert tests and all(t["score"] == 0 for t in tests), tests
    out = "\n".join(t.get("output", "") for t in tests)
    assert "not done yet" in out and "Traceback" not in out


def test_solutions_score_full_marks(assignment, tmp_path):
    tests = _grade(assignment, assignment / "autograder" / f"{NAME}.ipynb", tmp_path)
    assert sum(t["max_score"] for t in tests) == 20
    assert all(t["score"] == t["max_score"] for t in tests), tests


def test_one_typical_mistake_scores_in_between_with_its_hint(assignment, tmp_path):
    nb = nbformat.read(assignment / "autograder" / f"{NAME}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "def my_backward" in c.source)
    assert "parent.grad += local * node.grad" in cell.source
    cell.source = cell.source.replace("parent.grad += local", "parent.grad = local")
    submission = tmp_path / f"{NAME}.ipynb"
    nbformat.write(nb, submission)
    tests = _grade(assignment, submission, tmp_path)
    score, total = sum(t["score"] for t in tests), sum(t["max_score"] for t in tests)
    assert 0 < score < total, tests
    q2_2 = next(t for t in tests if t["name"] == "q2_2")
    assert 0 < q2_2["score"] < q2_2["max_score"]
    out = "\n".join(t.get("output", "") for t in tests)
    assert "Accumulate with `+=`, not `=`" in " ".join(out.split())
    assert "Traceback" not in out


def test_every_notebook_becomes_an_assignment(tmp_path):
    zips = _assign(tmp_path)
    names = sorted(p.stem for p in (ROOT / "notebooks" / "source").glob("*.ipynb"))
    assert [z.name for z in zips] == [f"{n}-autograder.zip" for n in names]
    for n in names:
        assert (tmp_path / n / "student" / f"{n}.ipynb").exists()


def test_otter_blanks_the_same_lines_as_the_learner_notebook(assignment):
    """otter's student version and notebooks/NN_*.ipynb come from one source: same blanks."""
    student = nbformat.read(assignment / "student" / f"{NAME}.ipynb", as_version=4)
    learner = nbformat.read(ROOT / "notebooks" / f"{NAME}.ipynb", as_version=4)
    ours = {c.source.strip() for c in learner.cells if c.cell_type == "code"}
    blanks = [c.source.strip() for c in student.cells if c.cell_type == "code"
              and ("NotImplementedError" in c.source or "= ..." in c.source
                   or any(x.strip() == "..." for x in c.source.split("\n")))]
    assert len(blanks) == 5
    for source in blanks:
        assert source in ours, f"otter blanked this cell differently:\n{source}"
