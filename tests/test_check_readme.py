"""README's checking section stays true: the compare example prints the report it shows, and
the worksheet command it shows works."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from micrograd_ed.cli.commands import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Checking a student's backprop", 1)[1].split("\n## ", 1)[0]


def test_compare_example_prints_the_report_shown():
    code = re.search(r"```python\n(.*?)```", SECTION, re.S).group(1)
    shown = re.search(r"```text\n(.*?)```", SECTION, re.S).group(1).splitlines()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README check example", "exec"), {})
    printed = out.getvalue().splitlines()
    assert printed[0] == "a"
    assert printed[1:1 + len(shown)] == shown


def test_worksheet_command_shown_works(tmp_path, monkeypatch, capsys):
    command = re.search(r"micrograd-ed (worksheet [^\n`]+)", SECTION).group(1).split()
    monkeypatch.chdir(tmp_path)
    assert main(command) == 0
    out = command[command.index("--out") + 1]
    for name in ("worksheet.svg", "worksheet.pdf", "answers.svg", "answers.pdf",
                 "worksheet.json"):
        assert (tmp_path / out / name).is_file()
