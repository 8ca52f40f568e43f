"""Write the learners' notebooks, their solutions and the otter-grader assignments from one source.

The sources are ``notebooks/source/NN_*.ipynb``: the whole notebook with every exercise
solved, its solution code between otter-style markers::

    def my_backward(root):
        # BEGIN SOLUTION NO PROMPT
        ...the solution...
        # END SOLUTION
        \"\"\" # BEGIN PROMPT
        raise NotImplementedError("walk the order backwards")
        \"\"\" # END PROMPT

    my_prediction = {"a", "b"}    # SOLUTION

and each exercise ending in a check cell that calls a check of
:mod:`micrograd_ed.check.exercises` (``nb02.chain_rule_loop(my_backward)``).

``python tools/exercises.py notebooks`` writes, for every source,

* ``notebooks/NN_*.ipynb`` -- the learner's version: solutions replaced by their prompt
  (or ``...``), as otter-grader's student version does;
* ``notebooks/solutions/NN_*.ipynb`` -- the solutions, markers removed.

``python tools/exercises.py assignments [--out dist/assignments]`` writes, for every source
with exercises, an otter-grader master notebook (Otter Assign v1 format: each exercise a
question whose test cases are the check's parts, one point each, the parts marked hidden in
the check hidden) and runs ``otter assign`` on it, giving ``<out>/<name>/student/<name>.ipynb``
and ``<out>/<name>/autograder/`` with the autograder zip.

``--check`` (with ``notebooks``) writes nothing and fails when a committed learner or solution
notebook differs from what the source gives (the test suite runs it).
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "source"
SOLUTIONS = NOTEBOOKS / "solutions"

BEGIN = re.compile(r"^(\s*)# BEGIN SOLUTION( NO PROMPT)?\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
PROMPT_BEGIN = re.compile(r"# BEGIN PROMPT\s*$")
PROMPT_END = re.compile(r"# END PROMPT\s*$")
ASSIGN_LINE = re.compile(r"^(\s*[\w.\[\]'\", ]+?\s*=)\s*.*?\s*# SOLUTION\s*$")
SOLUTION_LINE = re.compile(r"^(\s*).*?\s*# SOLUTION\s*$")
CHECK_CALL = re.compile(r"^(nb\d\d)\.(\w+)\(")
SOLUTION_DETAILS = "<details><summary>Solution</summary>"


def has_markers(source: str) -> bool:
    """Whether a code cell holds a solution (a marker of either kind)."""
    return any(BEGIN.match(x) or x.rstrip().endswith("# SOLUTION") for x in source.split("\n"))


def student_lines(source: str) -> str:
    """The learner's version of one cell: otter-grader's replacement rules."""
    out, inside = [], False
    for line in source.split("\n"):
        if PROMPT_BEGIN.search(line) or PROMPT_END.search(line):
            continue
        if END.match(line):
            inside = False
            continue
        if inside:
            continue
        m = BEGIN.match(line)
        if m:
            inside = True
            if not m.group(2):
                out.append(m.group(1) + "...")
            continue
        m = ASSIGN_LINE.match(line)
        if m:
            out.append(m.group(1) + " ...")
            continue
        m = SOLUTION_LINE.match(line)
        if m:
            out.append(m.group(1) + "...")
            continue
        out.append(line)
    return "\n".join(out)


def solution_lines(source: str) -> str:
    """The solution's version of one cell: markers and prompts removed."""
    out, prompt = [], False
    for line in source.split("\n"):
        if PROMPT_BEGIN.search(line):
            prompt = True
            continue
        if PROMPT_END.search(line):
            prompt = False
            continue
        if prompt or BEGIN.match(line) or END.match(line):
            continue
        if line.rstrip().endswith("# SOLUTION"):
            line = line.rstrip()[: -len("# SOLUTION")].rstrip()
        out.append(line)
    return "\n".join(out)


def _clean(nb: nbformat.NotebookNode, prefix: str = "") -> nbformat.NotebookNode:
    """Outputs cleared; cell ids ``nbNN-KK`` by position (the same on every run)."""
    for k, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.id = f"{prefix}-{k:02d}" if prefix else f"cell-{k:02d}"
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def learner_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "code" and has_markers(cell.source):
            cell.source = student_lines(cell.source)
    return _clean(out)


def solution_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    out = copy.deepcopy(nb)
    title = out.cells[0]
    first, _, rest = title.source.partition("\n")
    title.source = (f"{first} (solutions)\n{rest}\n\n*This is the solutions notebook: every "
                    f"exercise is done. Try each one in `../{{name}}` first.*")
    for cell in out.cells:
        if cell.cell_type == "code" and has_markers(cell.source):
            cell.source = solution_lines(cell.source)
    return _clean(out)


def dumps(nb: nbformat.NotebookNode) -> str:
    """The notebook as Jupyter writes it (nbformat's layout, a newline at the end)."""
    return nbformat.writes(nb) + "\n"


def _write(path: Path, text: str) -> None:
    sys.path.insert(0, str(ROOT))
    from micrograd_ed.files import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)


def versions(src: Path) -> dict[Path, str]:
    """The learner and solution notebooks that ``src`` gives, as JSON text by path."""
    nb = nbformat.read(src, as_version=4)
    prefix = "nb" + src.name[:2]
    sol = _clean(solution_version(nb), prefix + "s")
    sol.cells[0].source = sol.cells[0].source.replace("{name}", src.name)
    return {NOTEBOOKS / src.name: dumps(_clean(learner_version(nb), prefix)),
            SOLUTIONS / src.name: dumps(sol)}


# ---------------------------------------------------------------- otter-grader assignments


def _raw(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell(text)


def _check_of(cell: nbformat.NotebookNode):
    """The exercise a check cell calls, and the call's text, or (None, '')."""
    if cell.cell_type != "code":
        return None, ""
    text = cell.source.strip()
    m = CHECK_CALL.match(text)
    if not m:
        return None, ""
    module = importlib.import_module(f"micrograd_ed.check.exercises.{m.group(1)}")
    return getattr(module, m.group(2)), text


def _free_names(call: str) -> list[str]:
    tree = ast.parse(call)
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not re.fullmatch(r"nb\d\d", node.id):
            if node.id not in names:
                names.append(node.id)
    return names


def _test_cell(k: int, part, call: str, module: str) -> nbformat.NotebookNode:
    """Otter's test case for part ``k`` of a check: it fails with the part's sentence."""
    args = _free_names(call)
    slug = re.sub(r"[^a-z0-9]+", "_", part.name.lower()).strip("_")
    fname = f"test_{k}_{slug}"
    hidden = str(part.hidden).lower()
    config = (f'""" # BEGIN TEST CONFIG\npoints: {part.points}\nhidden: {hidden}\n'
              '""" # END TEST CONFIG\n')
    body = (f"def {fname}({', '.join(args)}):\n"
            f"    from micrograd_ed.check.exercises import {module}\n"
            f"    {call}.require({part.name!r})\n\n"
            f"{fname}({', '.join(args)})\n")
    return nbformat.v4.new_code_cell(config + body)


def master_notebook(src: Path) -> nbformat.NotebookNode | None:
    """The otter-grader master notebook of one source; None when it has no exercises."""
    nb = nbformat.read(src, as_version=4)
    name = src.stem
    cells = list(nb.cells)
    checks = [i for i, c in enumerate(cells) if _check_of(c)[0] is not None]
    if not checks:
        return None
    config = ("# ASSIGNMENT CONFIG\n"
              f"name: {name}\n"
              "init_cell: true\n"
              "check_all_cell: false\n"
              "export_cell: false\n"
              "run_tests: false\n"
              "solutions_pdf: false\n"
              "generate: true\n"
              "requirements: requirements.txt\n"
              "tests:\n  files: true\n  ok_format: false\n")
    out = [cells[0], _raw(config)]
    start = 1
    for i in checks:
        ex, call = _check_of(cells[i])
        module = CHECK_CALL.match(call).group(1)
        first = next(k for k in range(start, i) if cells[k].cell_type == "code"
                     and has_markers(cells[k].source))
        out += cells[start:first]
        qname = "q" + ex.key.replace(".", "_")
        out.append(_raw(f"# BEGIN QUESTION\nname: {qname}\n"))
        for cell in cells[first:i]:
            if cell.cell_type == "code" and has_markers(cell.source):
                out += [_raw("# BEGIN SOLUTION"), cell, _raw("# END SOLUTION")]
            else:
                out.append(cell)
        out.append(_raw("# BEGIN TESTS"))
        out += [_test_cell(k, part, call, module) for k, part in enumerate(ex.parts, 1)]
        out += [_raw("# END TESTS"), _raw("# END QUESTION")]
        start = i + 1
    out += cells[start:]
    out = [c for c in out if not (c.cell_type == "markdown"
                                  and c.source.lstrip().startswith(SOLUTION_DETAILS))]
    master = copy.deepcopy(nb)
    master.cells = out
    return _clean(master)


def assignments(out_dir: Path, names: list[str] | None = None) -> list[Path]:
    """Run ``otter assign`` on every source with exercises; the zips it wrote."""
    otter = shutil.which("otter") or str(Path(sys.executable).parent / "otter")
    if not Path(otter).exists():
        raise SystemExit("otter-grader is not installed: pip install 'micrograd_ed[course]'")
    zips = []
    for src in sorted(SOURCES.glob("*.ipynb")):
        if names and src.stem not in names and src.name not in names:
            continue
        master = master_notebook(src)
        if master is None:
            continue
        dest = out_dir / src.stem
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            nbformat.write(master, work / src.name)
            reqs = SOURCES / "requirements.txt"
            (work / "requirements.txt").write_text(
                reqs.read_text() if reqs.exists() else
                "# micrograd_ed must be importable where the autograder runs; for Gradescope,\n"
                "# write notebooks/source/requirements.txt (e.g. a git URL of micrograd_ed).\n")
            if dest.exists():
                shutil.rmtree(dest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([otter, "assign", "--no-pdfs", str(work / src.name), str(dest)],
                           check=True, cwd=ROOT)
        made = sorted((dest / "autograder").glob("*.zip"))
        stable = dest / "autograder" / f"{src.stem}-autograder.zip"
        made[-1].rename(stable)              # otter names it by the time; one name instead
        zips.append(stable)
        print(f"{src.stem}: {dest / 'student' / src.name}, {stable}")
    return zips


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="what", required=True)
    n = sub.add_parser("notebooks", help="write notebooks/ and notebooks/solutions/")
    n.add_argument("--check", action="store_true", help="only check they are up to date")
    a = sub.add_parser("assignments", help="write the otter-grader assignments")
    a.add_argument("--out", type=Path, default=ROOT / "dist" / "assignments")
    a.add_argument("names", nargs="*",
                   help="only these notebooks (e.g. 02_write_backward_yourself)")
    args = p.parse_args(argv)
    if args.what == "assignments":
        assignments(args.out, args.names)
        return 0
    stale = []
    for src in sorted(SOURCES.glob("*.ipynb")):
        for path, text in versions(src).items():
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current == text:
                continue
            if args.check:
                stale.append(path.relative_to(ROOT))
            else:
                _write(path, text)
                print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("out of date (run python tools/exercises.py notebooks): "
              + ", ".join(map(str, stale)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
