"""Worksheets: the schema, nice numbers with no zero answers, the answer key against torch
float64, a student sheet that shows no answer, determinism, and the CLI."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from micrograd_ed.check import compare
from micrograd_ed.cli.commands import main
from micrograd_ed.teach.expr import names as names_in
from micrograd_ed.teach.expr import parse
from micrograd_ed.teach.worksheet import evaluate, make_worksheet

SEEDS = range(25)


def test_json_has_exactly_the_schema(tmp_path):
    sheet = make_worksheet(1, 3, tmp_path)
    doc = json.loads((tmp_path / "worksheet.json").read_text())
    assert list(doc) == ["level", "seed", "inputs", "steps", "blanks"]
    assert (doc["level"], doc["seed"]) == (1, 3)
    assert all(isinstance(x, float) for x in doc["inputs"].values())
    assert all(len(step) == 2 for step in doc["steps"])
    assert doc["steps"][-1][0] == sheet.output == "L"
    for b in doc["blanks"]:
        assert list(b) == ["name", "quantity", "answer"] and b["quantity"] in ("data", "grad")
    assert doc == json.loads(sheet.to_json())


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_every_step_parses_with_the_graph_syntax(level):
    for seed in SEEDS:
        sheet = make_worksheet(level, seed)
        names = set(sheet.inputs)
        for name, text in sheet.steps:
            parse(text)                                   # the graph command's syntax
            used = set(names_in(text))
            assert used <= names, (name, text)
            names.add(name)


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_answers_are_nonzero_and_nice(level):
    for seed in SEEDS:
        sheet = make_worksheet(level, seed)
        assert sheet.blanks
        assert all(b.answer != 0 and abs(b.answer) >= 1e-3 for b in sheet.blanks)
        for x in sheet.inputs.values():
            if level <= 2:
                assert x == int(x) and x != 0                  # small integers
            else:
                assert round(x, 1) == x                      # one decimal
        if level <= 2:
            assert all(b.answer == int(b.answer) for b in sheet.blanks)


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_answer_key_agrees_with_torch_float64(level):
    torch = pytest.importorskip("torch")

    def T(x):
        return torch.tensor(x, dtype=torch.float64, requires_grad=True)

    for seed in SEEDS:
        sheet = make_worksheet(level, seed)
        nodes = evaluate(sheet.inputs, sheet.steps, T)
        for v in nodes.values():
            if not v.is_leaf:
                v.retain_grad()
        nodes[sheet.output].backward()
        for b in sheet.blanks:
            t = nodes[b.name]
            want = t.item() if b.quantity == "data" else t.grad.item()
            assert b.answer == pytest.approx(want, rel=1e-12, abs=1e-12), (seed, b)


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_no_given_number_is_downstream_of_a_blank(level):
    """A value shown on the sheet must not be computed from a blank (it would give it away)."""
    for seed in range(5):
        sheet = make_worksheet(level, seed)
        blank = {b.name for b in sheet.blanks if b.quantity == "data"}
        made_from = {name: set(names_in(text)) for name, text in sheet.steps}
        tainted = set(blank)
        for name, _ in sheet.steps:
            if made_from[name] & tainted:
                tainted.add(name)
        shown = {name for name, _ in sheet.steps} - blank
        assert not shown & tainted, (level, seed, shown & tainted)


def test_pdfs_are_written_when_the_renderer_can(tmp_path):
    from micrograd_ed.teach.worksheet import pdf_supported
    if not pdf_supported():
        pytest.skip("this renderer cannot write PDF")
    make_worksheet(4, 2, tmp_path)
    for name in ("worksheet.pdf", "answers.pdf"):
        assert (tmp_path / name).read_bytes().startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run([pdftotext, str(tmp_path / "worksheet.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "?" in text and "Backprop worksheet" in text


def test_blanks_come_data_forward_then_grads_backward():
    sheet = make_worksheet(4, 1)
    order = [name for name, _ in sheet.steps]
    data = [b.name for b in sheet.blanks if b.quantity == "data"]
    grads = [b.name for b in sheet.blanks if b.quantity == "grad"]
    assert data == order
    assert grads[0] == "d" and "L" not in grads
    assert [b.quantity for b in sheet.blanks] == ["data"] * len(data) + ["grad"] * len(grads)


def _texts(svg: str) -> list[str]:
    return [html.unescape(t).replace("\xa0", " ")
            for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]


@pytest.mark.parametrize("level", [1, 3, 5])
def test_student_sheet_shows_no_answer(tmp_path, level):
    sheet = make_worksheet(level, 2, tmp_path)
    student = _texts((tmp_path / "worksheet.svg").read_text())
    key = _texts((tmp_path / "answers.svg").read_text())
    for k, b in enumerate(sheet.blanks, start=1):
        mine = [t for t in student if t.endswith(f"({k})")]
        assert mine == [f"{b.quantity} ?   ({k})"], (k, mine)
        answered = [t for t in key if t.endswith(f"({k})")]
        assert len(answered) == 1 and "?" not in answered[0]
    assert not any("?" in t for t in key)


def test_answers_figure_shows_the_numbers(tmp_path):
    sheet = make_worksheet(1, 0, tmp_path)
    key = _texts((tmp_path / "answers.svg").read_text())
    from micrograd_ed.check.figure import fig_num
    for k, b in enumerate(sheet.blanks, start=1):
        minus = fig_num(b.answer).replace("-", "\u2212")     # one minus sign on the page
        assert f"{b.quantity} {minus}   ({k})" in key


def test_worksheet_builds_with_any_value_class():
    engine = pytest.importorskip("micrograd.engine")
    sheet = make_worksheet(2, 4)
    assert compare(sheet.build, engine.Value).ok


def test_same_seed_same_bytes(tmp_path):
    a = make_worksheet(3, 11).files()
    b = make_worksheet(3, 11).files()
    assert a == b
    assert make_worksheet(3, 12).files()["worksheet.json"] != a["worksheet.json"]
    code = ("import sys; from micrograd_ed.teach.worksheet import make_worksheet; "
            "sys.stdout.buffer.write(make_worksheet(3, 11).files()['worksheet.svg'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout == a["worksheet.svg"]


def test_different_levels_and_seeds_differ():
    sheets = {(lv, s): make_worksheet(lv, s).to_json() for lv in (1, 2) for s in (0, 1)}
    assert len(set(sheets.values())) == 4


@pytest.mark.parametrize("level, seed, words", [
    (0, 1, "level must be one of"), (6, 1, "level must be one of"),
    ("1", 1, "level must be one of"), (True, 1, "level must be one of"),
    (1, -1, "seed must be a whole number"), (1, 1.5, "seed must be a whole number"),
])
def test_bad_level_or_seed(level, seed, words):
    with pytest.raises(ValueError, match=words):
        make_worksheet(level, seed)


def test_numpy_integers_are_whole_numbers():
    np = pytest.importorskip("numpy")
    assert make_worksheet(np.int64(2), np.int32(5)).to_json() == make_worksheet(2, 5).to_json()


def test_refuses_a_file_as_the_folder(tmp_path):
    f = tmp_path / "taken"
    f.write_text("keep me")
    with pytest.raises(NotADirectoryError, match="not a folder"):
        make_worksheet(1, 0, f)
    assert f.read_text() == "keep me"


def test_cli_writes_the_files(tmp_path, capsys):
    out = tmp_path / "sheet"
    assert main(["worksheet", "--level", "2", "--seed", "7", "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert {"worksheet.svg", "answers.svg", "worksheet.json"} <= names
    from micrograd_ed.teach.worksheet import pdf_supported
    assert ({"worksheet.pdf", "answers.pdf"} <= names) == pdf_supported()
    printed = capsys.readouterr().out
    assert "worksheet level 2, seed 7" in printed and "blanks" in printed
    assert json.loads((out / "worksheet.json").read_text()) == json.loads(
        make_worksheet(2, 7).to_json())


@pytest.mark.parametrize("argv", [
    ["worksheet", "--level", "6"], ["worksheet", "--level", "0"],
    ["worksheet", "--level", "x"], ["worksheet", "--level", "1", "--seed", "-3"],
    ["worksheet", "--level", "1", "--seed", "1.5"], ["worksheet"],
])
def test_cli_usage_errors_exit_2_with_one_line(argv, capsys, tmp_path):
    assert main(argv + ["--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err
    assert not (tmp_path / "x").exists()


def test_cli_out_is_a_file(tmp_path, capsys):
    f = tmp_path / "f"
    f.write_text("x")
    assert main(["worksheet", "--level", "1", "--out", str(f)]) == 1
    assert "not a folder" in capsys.readouterr().err
