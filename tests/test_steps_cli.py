"""`micrograd-ed graph EXPR --steps`: the player or the slides from the command line; PDF
slides from Python (one page per step)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from micrograd_ed.teach.worked_example import chain_rule_example
from micrograd_ed.viz import step_through

ROOT = Path(__file__).resolve().parent.parent
CHAIN = ["graph", "(a*b + c) * f", "--set", "a=2", "b=-3", "c=10", "f=-2"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "micrograd_ed", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_steps_writes_the_player(tmp_path):
    done = run(*CHAIN, "--steps", "-o", "chain.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "12 steps through out" in done.stdout and "wrote chain.html" in done.stdout
    assert "dout/da = 6" in done.stdout
    page = (tmp_path / "chain.html").read_text(encoding="utf-8")
    assert 'data-label="a"' in page and "Forward: a \\u00d7 b" not in page


def test_steps_default_file_and_pdf_slides(tmp_path):
    done = run(*CHAIN, "--steps", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "steps.html").is_file()
    done = run(*CHAIN, "--steps", "-o", "chain.pdf", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    pdf = (tmp_path / "chain.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pages(pdf) == 12


@pytest.mark.parametrize("extra, message", [
    (["-o", "chain.svg"], "must end in .html"),
    (["-o", "-"], "writes a file"),
    (["--format", "png"], "--format png is for pictures"),
])
def test_steps_bad_output_is_a_usage_error(tmp_path, extra, message):
    done = run(*CHAIN, "--steps", *extra, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_steps_too_big_says_what_to_do(tmp_path):
    done = run("graph", "+".join(["a"] * 101), "--set", "a=1", "--steps", cwd=tmp_path)
    assert done.returncode == 1
    assert "201 nodes" in done.stderr and "--max-nodes 201" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_pdf_has_one_vector_page_per_step(tmp_path):
    steps = step_through(chain_rule_example())
    path = steps.save(tmp_path / "deck.pdf")
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF") and pages(pdf) == len(steps)
    assert b"/FontFile" in pdf and b"/XObject" not in pdf    # text as text, no raster
    assert steps.save(tmp_path / "again.pdf").read_bytes() == pdf    # reproducible
    one = steps.frames()[4].save(tmp_path / "seed.pdf").read_bytes()
    assert pages(one) == 1
    with pytest.raises(ValueError, match=r"\.svg or \.pdf"):
        steps.frames()[0].save(tmp_path / "x.png")


def test_readme_step_through_example_runs(tmp_path, monkeypatch):
    import contextlib
    import io

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    mine = next(b for b in blocks if "step_through" in b)
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    namespace: dict = {}
    with contextlib.redirect_stdout(out):
        exec(blocks[0], namespace)              # the engine example defines L
        exec(mine, namespace)
    assert "Forward: a \u00d7 b = 2 \u00d7 (\u22123) = \u22126" in out.getvalue()
    assert (tmp_path / "L.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
