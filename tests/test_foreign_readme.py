"""README's "Draw your own engine" stays true: its examples run and print what they say, and
its figure is what diagrams/draw_micrograd.py draws (byte for byte, DOT)."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Draw your own engine", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```python\n(.*?)```", SECTION, re.S)


def run(block: str, tmp_path, monkeypatch) -> list[str]:
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README draw-your-own-engine example", "exec"), {})
    return out.getvalue().splitlines()


def test_micrograd_example_draws_and_steps(tmp_path, monkeypatch):
    pytest.importorskip("micrograd.engine")
    run(BLOCKS[0], tmp_path, monkeypatch)
    svg = (tmp_path / "micrograd.svg").read_text(encoding="utf-8")
    assert "grad 10 = 6 + 2 + 2" in svg.replace("&#160;", " ")
    assert "Backprop through" in (tmp_path / "micrograd.html").read_text(encoding="utf-8")


def test_pytorch_example_prints_what_it_says(tmp_path, monkeypatch):
    pytest.importorskip("torch")
    printed = run(BLOCKS[1], tmp_path, monkeypatch)
    assert printed == ["True"]
    assert (tmp_path / "compare.svg").is_file()


def test_the_figure_is_what_the_script_draws(tmp_path):
    pytest.importorskip("micrograd.engine")
    assert "(diagrams/foreign/micrograd_graph.svg)" in SECTION
    done = subprocess.run([sys.executable, str(ROOT / "diagrams" / "foreign" / "draw_micrograd.py"),
                           str(tmp_path), "--dot-only"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    fresh = (tmp_path / "micrograd_graph.dot").read_text(encoding="utf-8")
    committed = ROOT / "diagrams" / "foreign" / "micrograd_graph.dot"
    assert fresh == committed.read_text(encoding="utf-8")
    assert "grad 10 = 6 + 2 + 2" in fresh
