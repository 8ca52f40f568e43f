"""README's "Backprop in matrix form" section stays true: its example prints what it shows."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Backprop in matrix form", 1)[1].split("\n## ", 1)[0]


def test_layer_backprop_example_prints_what_it_shows():
    code = re.search(r"```python\n(.*?)```", SECTION, re.S).group(1)
    shown = re.search(r"```text\n(.*?)```", SECTION, re.S).group(1).splitlines()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README layers example", "exec"), {})
    assert out.getvalue().splitlines() == shown
