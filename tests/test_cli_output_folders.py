"""Every output option treats a missing folder the same way: it is created, as `mkdir -p`
would, when the file is written (demo --out and worksheet --out always did; graph -o,
train --animate and train --save refused). What cannot become a folder still fails before
any work, in one line, and a command that fails writes no folder."""

from __future__ import annotations

import json

import pytest

from micrograd_ed import cli


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("argv, made", [
    (["graph", "a*b+a", "--set", "a=2", "--set", "b=-3", "-o", "{d}/new/deeper/g.svg"],
     "new/deeper/g.svg"),
    (["graph", "a*b", "--set", "a=2", "--set", "b=3", "--steps", "-o", "{d}/new/s.html"],
     "new/s.html"),
    (["train", "and", "--epochs", "2", "--no-progress", "--animate", "{d}/runs/a/and.html"],
     "runs/a/and.html"),
    (["train", "and", "--epochs", "2", "--no-progress", "--save", "{d}/models/and.json"],
     "models/and.json"),
    (["worksheet", "--level", "1", "--out", "{d}/sheets/one"], "sheets/one"),
])
def test_each_output_option_creates_missing_folders(tmp_path, capsys, argv, made):
    code, out, err = _run([a.format(d=tmp_path) for a in argv], capsys)
    assert code == 0, err
    assert (tmp_path / made).exists()
    if made.endswith(".json"):
        assert json.loads((tmp_path / made).read_text())["format"]
    if made.endswith(".svg"):
        assert (tmp_path / made).read_text().lstrip().startswith(("<?xml", "<svg"))


def test_a_failing_command_creates_no_folder(tmp_path, capsys):
    code, _, err = _run(["graph", "a*", "-o", str(tmp_path / "new" / "g.svg")], capsys)
    assert code != 0 and "error" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [
    ["graph", "a*2", "--set", "a=1", "-o", "{d}/file.txt/sub/g.svg"],
    ["train", "and", "--epochs", "2", "--no-progress", "--animate", "{d}/file.txt/sub/r.html"],
    ["train", "and", "--epochs", "2", "--no-progress", "--save", "{d}/file.txt/m.json"],
])
def test_a_path_through_a_file_fails_before_any_work(tmp_path, capsys, argv):
    (tmp_path / "file.txt").write_text("keep")
    code, out, err = _run([a.format(d=tmp_path) for a in argv], capsys)
    assert code == 1
    assert out == "" and len(err.strip().splitlines()) == 1
    assert "file.txt" in err and "Not a directory" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]
    assert (tmp_path / "file.txt").read_text() == "keep"
