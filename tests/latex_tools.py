"""Compile LaTeX with pdflatex (Debian's TeX Live) and read the PDF back, for the tests.

Every helper skips the calling test cleanly when pdflatex is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

TIMEOUT = 240


def compile_tex(tex: Path) -> Path:
    """Run pdflatex on ``tex`` in its folder (twice when it asks); the PDF's path.

    Fails the test with the log's first error when pdflatex stops."""
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        pytest.skip("pdflatex is not installed")
    for _ in range(2):
        run = subprocess.run([pdflatex, "-halt-on-error", "-interaction=nonstopmode",
                              tex.name], cwd=tex.parent, capture_output=True, text=True,
                             timeout=TIMEOUT, errors="replace")
        log = tex.with_suffix(".log").read_text(errors="replace")
        if run.returncode != 0:
            first = re.search(r"^! .*(?:\n.*){0,3}", log, re.M)
            pytest.fail(f"pdflatex failed on {tex.name}: {first[0] if first else log[-800:]}")
        if "Rerun" not in log:
            break
    assert not re.search(r"^! ", log, re.M)
    return tex.with_suffix(".pdf")


def pages(pdf: Path) -> int:
    """The PDF's page count (pdfinfo when installed, else the page objects)."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        out = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True,
                             check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.M)[1])
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def text(pdf: Path, page: int | None = None) -> str | None:
    """The PDF's text (pdftotext), one page or all; None when pdftotext is missing."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        return None
    args = [pdftotext, "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run(args + [str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def plain(s: str) -> str:
    """Text as pdftotext gives it, made comparable: one minus, spaces collapsed."""
    return " ".join(s.replace("\u2212", "-").split())
