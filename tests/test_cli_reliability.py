"""The command line under adversarial conditions (issue 15 items 3, 8, 9, 12)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from micrograd_ed.cli import commands as cli
from micrograd_ed.nn import MLP

ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}


def run(*args: str, cwd: Path, env: dict[str, str] | None = None, stdout=subprocess.PIPE,
        timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "micrograd_ed", *args], cwd=cwd,
                          env=env or ENV, stdout=stdout, stderr=subprocess.PIPE, text=True,
                          timeout=timeout)


def one_line_error(done: subprocess.CompletedProcess, code: int, *parts: str) -> str:
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    err = done.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and "error:" in err, err
    for part in parts:
        assert part in err, (part, err)
    return err


# ------------------------------------------------------- item 8: names
def test_graph_with_every_default_result_name_taken(tmp_path):
    """f, out, result and f_ all set: was "unexpected StopIteration"."""
    done = run("graph", "f*out*result*f_", "--set", "f=1", "out=2", "result=3", "f_=4",
               "-o", "g.svg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.split(" = ") == [first.split(" = ")[0], "24"]
    assert first.split(" = ")[0] not in ("f", "out", "result", "f_")


def test_set_names_are_normalised_like_the_expression(tmp_path):
    done = run("graph", "ａ*ａ", "--set", "ａ=5", "-o", "g.svg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "= 25" in done.stdout and "note" not in done.stderr
    done = run("graph", "ａ*a", "--set", "a=5", "-o", "g2.svg", cwd=tmp_path)
    one_line_error(done, 1, "same variable")
    assert not (tmp_path / "g2.svg").exists()
    done = run("graph", "a*2", "--set", "ａ=1", "a=2", cwd=tmp_path)
    one_line_error(done, 2, "twice")


# ------------------------------------------------ item 9: --hidden digits
def test_digits_hidden_keeps_the_recipe_activation():
    """--hidden 16,16 silently switched the digit network's hidden units to sigmoid."""
    from micrograd_ed.training import digits, tasks

    recipe = digits.digit_network()
    task = tasks.TASKS["digits"]
    assert task.activation == recipe.activation
    built = tasks.build_model(task, 784, (16, 16))
    assert built.activation == recipe.activation
    assert built.config() == recipe.config()


def test_the_task_table_is_what_runs(monkeypatch):
    """Every task: the model run() trains is the one the table and the summary describe."""
    from micrograd_ed.training import digits, tasks

    seen = {}

    def fake_train_digits(**kwargs):
        seen.update(kwargs)
        raise KeyboardInterrupt
    monkeypatch.setattr(digits, "train_digits", fake_train_digits)
    monkeypatch.setattr(tasks, "require_extra", lambda task: None)
    for hidden in (None, (16, 16)):
        seen.clear()
        with pytest.raises(KeyboardInterrupt):
            tasks.run("digits", hidden=hidden, progress=False)
        act = seen["model"].activation if "model" in seen else seen.get(
            "activation", "tanh")
        assert act == tasks.TASKS["digits"].activation, (hidden, seen)


# ------------------------------------------ item 3: saving through the CLI
def test_train_save_to_dev_null_is_refused_before_training(tmp_path):
    done = run("train", "xor", "--save", "/dev/null", cwd=tmp_path)
    one_line_error(done, 1, "/dev/null", "character device")
    assert "epoch" not in done.stderr                  # refused before training
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_train_save_to_a_fifo_is_refused(tmp_path):
    os.mkfifo(tmp_path / "pipe.json")
    done = run("train", "xor", "--save", "pipe.json", "--no-progress", cwd=tmp_path)
    one_line_error(done, 1, "pipe.json", "FIFO")
    assert stat.S_ISFIFO(os.stat(tmp_path / "pipe.json").st_mode)


def test_train_save_through_a_symlink_keeps_the_link(tmp_path):
    (tmp_path / "models").mkdir()
    real = tmp_path / "models" / "xor.json"
    real.write_text("old")
    (tmp_path / "latest.json").symlink_to("models/xor.json")
    done = run("train", "xor", "--save", "latest.json", "--no-progress", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "latest.json").is_symlink()
    assert MLP.load(real).sizes == [2, 1]


def test_graph_output_through_a_symlink_and_to_a_device(tmp_path):
    (tmp_path / "real.svg").write_text("old")
    (tmp_path / "link.svg").symlink_to("real.svg")
    done = run("graph", "a*b", "--set", "a=2", "b=3", "-o", "link.svg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "link.svg").is_symlink()
    assert (tmp_path / "real.svg").read_text().lstrip().startswith("<?xml")
    (tmp_path / "dev.svg").symlink_to("/dev/null")
    done = run("graph", "a*b", "--set", "a=2", "b=3", "-o", "dev.svg", cwd=tmp_path)
    one_line_error(done, 1, "dev.svg", "character device")


def test_saved_files_get_the_umask(tmp_path):
    done = subprocess.run(
        ["sh", "-c", f"umask 077 && {sys.executable} -m micrograd_ed train and "
                     f"--no-progress --save m.json && {sys.executable} -m micrograd_ed "
                     f"graph a*2 --set a=1 -o g.svg"],
        cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for name in ("m.json", "g.svg"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600, name


def test_demo_writes_its_figures_through_links_and_never_over_a_fifo(tmp_path):
    out = tmp_path / "demo"
    out.mkdir()
    (tmp_path / "kept.svg").write_text("old")
    (out / "xor_loss.svg").symlink_to(tmp_path / "kept.svg")
    done = run("demo", "--out", "demo", "--no-progress", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (out / "xor_loss.svg").is_symlink()
    assert "<svg" in (tmp_path / "kept.svg").read_text()
    os.unlink(out / "xor_network.svg")
    os.mkfifo(out / "xor_network.svg")
    done = run("demo", "--out", "demo", "--no-progress", cwd=tmp_path)
    one_line_error(done, 1, "xor_network.svg", "FIFO")
    assert stat.S_ISFIFO(os.stat(out / "xor_network.svg").st_mode)


def test_a_full_disk_names_the_target(tmp_path, monkeypatch, capsys):
    def full(fd, *a):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", full)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["graph", "a*2", "--set", "a=1", "-o", "g.svg"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "g.svg" in err and "No space left on device" in err and ".tmp" not in err
    assert os.listdir(tmp_path) == []


# ------------------------------------------------- item 12: stdout
@pytest.mark.parametrize("fmt", ["svg", "dot"])
def test_graph_to_an_ascii_stdout(tmp_path, fmt):
    env = {**ENV, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run([sys.executable, "-m", "micrograd_ed", "graph", "a*b", "--set",
                           "a=2", "b=3", "--format", fmt, "-o", "-"], cwd=tmp_path, env=env,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")                  # the picture's own encoding
    assert ("<svg" in text) if fmt == "svg" else text.startswith("digraph")


def test_report_with_unicode_names_under_an_ascii_stdout(tmp_path):
    env = {**ENV, "PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"}
    done = run("graph", "é*2", "--set", "é=3", "-o", "g.svg", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "= 6" in done.stdout


def test_graph_to_a_closed_stdout_is_one_line(tmp_path):
    """A closed stdout printed "unexpected AttributeError"."""
    done = subprocess.run([sys.executable, "-m", "micrograd_ed", "graph", "a*b", "--set",
                           "a=2", "b=3", "-o", "-"], cwd=tmp_path, env=ENV,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=120, pass_fds=(), close_fds=True,
                          preexec_fn=lambda: os.close(1))
    one_line_error(done, 1, "stdout")
    assert "unexpected" not in done.stderr


def test_graph_into_a_pipe_closed_early_is_quiet(tmp_path):
    big = "+".join(f"a*{i}" for i in range(60))
    proc = subprocess.Popen([sys.executable, "-m", "micrograd_ed", "graph", big, "--set",
                             "a=2", "-o", "-", "--format", "dot"], cwd=tmp_path, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()                                  # like `| head -c0`
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert err == "" and code in (0, 1, 141), (code, err)
    assert "Traceback" not in err and "Exception ignored" not in err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["graph", "a*b", "--set", "a=2", "b=3", "-o", "-"],
                                  ["train", "and", "--no-progress"]])
def test_a_full_stdout_is_one_line_naming_stdout(tmp_path, args):
    with open("/dev/full", "w") as full:
        done = run(*args, cwd=tmp_path, stdout=full)
    one_line_error(done, 1, "cannot write to stdout", "No space left on device")
    assert "Exception ignored" not in done.stderr


def test_an_output_ending_in_a_slash_is_refused_not_turned_into_a_file(tmp_path):
    """argparse's type=Path dropped the slash: --save out/ wrote a file called out."""
    done = run("train", "and", "--save", "out/", "--no-progress", cwd=tmp_path)
    one_line_error(done, 1, "out/", "folder")
    done = run("graph", "a*2", "--set", "a=1", "-o", "fig.svg/", cwd=tmp_path)
    one_line_error(done, 2, "fig.svg/", "folder")
    assert list(tmp_path.iterdir()) == []


def test_a_symlink_loop_as_output_is_one_line(tmp_path):
    (tmp_path / "a.svg").symlink_to("b.svg")
    (tmp_path / "b.svg").symlink_to("a.svg")
    done = run("graph", "a*2", "--set", "a=1", "-o", "a.svg", cwd=tmp_path)
    err = one_line_error(done, 1, "a.svg", "symbolic links")
    assert "[Errno" not in err


def test_a_hidden_width_typo_is_refused_before_building(tmp_path):
    """--hidden 10000000 would build 40 million Values and exhaust the memory."""
    done = run("train", "xor", "--hidden", "10000000", "--no-progress", cwd=tmp_path,
               timeout=90)
    one_line_error(done, 1, "40,000,001 parameters", "MAX_PARAMETERS")


@pytest.mark.parametrize("args, code", [(["train", "and"], 0),
                                        (["graph", "a.b", "--set", "a=1"], 1)])
def test_a_closed_stderr_keeps_stdout_clean(tmp_path, args, code):
    """The progress bar crashed ("unexpected AttributeError") and errors went to stdout."""
    done = subprocess.run([sys.executable, "-m", "micrograd_ed", *args], cwd=tmp_path,
                          env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True, timeout=120, preexec_fn=lambda: os.close(2))
    assert done.returncode == code, done.stdout
    assert "error" not in done.stdout


def test_non_ascii_names_under_a_pure_c_locale(tmp_path):
    """With locale coercion off, argv's UTF-8 bytes arrive as surrogates ('\\udcc3\\udca9')."""
    env = {**ENV, "LANG": "C", "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}
    done = subprocess.run([sys.executable, "-m", "micrograd_ed", "graph", "é*b", "--set",
                           "é=2", "b=3", "-o", "g.svg"], cwd=tmp_path, env=env,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert b"f = 6" in done.stdout and (tmp_path / "g.svg").exists()
    done = subprocess.run([sys.executable, "-m", "micrograd_ed", "graph", "a*2", "--set",
                           "a=1", "-o", "é.svg"], cwd=tmp_path, env=env,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr           # a file name keeps its bytes
    assert os.listdir(tmp_path.as_posix().encode()) and (tmp_path / "é.svg").exists()
