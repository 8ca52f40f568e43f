"""README.md stays true: its Python examples run and print what their comments say."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def expected_prints(block: str) -> list[str]:
    """The comment after each print(...) line: the first words it must print."""
    out = []
    for line in block.splitlines():
        m = re.match(r"\s*print\(.*\)\s+#\s*(.+)$", line)
        if m:
            out.append(m.group(1).split("(")[0].strip())
    return out


@pytest.mark.parametrize("index", [0, 1])
def test_python_example_prints_what_it_says(index, tmp_path, monkeypatch):
    block = python_blocks()[index]
    monkeypatch.chdir(tmp_path)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(block, f"README block {index}", "exec"), {})
    printed = buffer.getvalue().splitlines()
    for want in expected_prints(block):
        assert any(line.startswith(want) for line in printed), (want, printed)


def test_pictures_example_runs(tmp_path, monkeypatch):
    engine, xor, pictures = python_blocks()[:3]
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(engine, namespace)
        exec(xor, namespace)
        exec(pictures, namespace)
    assert (tmp_path / "L.svg").read_text().lstrip().startswith("<?xml")
    assert (tmp_path / "net.svg").exists() and (tmp_path / "xor.svg").exists()


def test_readme_figures_exist():
    for fig in re.findall(r"\]\((diagrams/[^)]+)\)", README.read_text(encoding="utf-8")):
        assert (README.parent / fig).is_file(), fig


def test_readme_cli_commands_have_help():
    text = README.read_text(encoding="utf-8")
    commands = sorted(set(re.findall(r"micrograd-ed (\w+)", text)))
    assert {"demo", "graph", "train", "gradcheck"} <= set(commands)
    for cmd in ("demo", "graph", "train", "gradcheck"):
        done = subprocess.run([sys.executable, "-m", "micrograd_ed", cmd, "--help"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
