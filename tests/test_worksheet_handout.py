"""Worksheets as handouts (issue 23): A4 and Letter pages, a name field and the instructions
on top, the graph, room to work, answer boxes; the same as LaTeX, compiled by pdflatex."""

from __future__ import annotations

import re
import zlib

import pytest
from latex_tools import compile_tex, pages, plain, text

from micrograd_ed.cli.commands import main
from micrograd_ed.teach import handout
from micrograd_ed.teach.worksheet import make_worksheet, pdf_supported
from micrograd_ed.teach.worksheet import sheet_num as fig_num

SIZES = {"a4": {595.28, 841.89}, "letter": {612.0, 792.0}}


def _boxes(pdf: bytes) -> list[set[float]]:
    return [{round(float(a), 2), round(float(b), 2)} for a, b in
            re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]


def _font_sizes(pdf: bytes) -> list[float]:
    """Every font size set in the PDF's (zlib) content streams."""
    sizes = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            body = zlib.decompress(raw)
        except zlib.error:
            body = raw
        sizes += [float(x) for x in re.findall(rb"/F\d+ ([\d.]+) Tf", body)]
    return sizes


def _squeezed(s: str) -> str:
    """Text without spaces, a superscript 2 as pdftotext reads it back from LaTeX."""
    return "".join(plain(s).replace("\u00b2", "2").split())


@pytest.fixture(autouse=True)
def _pdf_renderer():
    if not pdf_supported():
        pytest.skip("this renderer cannot lay out for PDF")


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("level", [1, 3, 5])
def test_handout_pages_are_the_paper(level, paper):
    sheet = make_worksheet(level, 2)
    for answers in (False, True):
        pdf = handout.handout_pdf(sheet, answers, paper)
        boxes = _boxes(pdf)
        assert boxes and all(b == SIZES[paper] for b in boxes), boxes
        assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 2


def test_name_field_and_instructions_on_top_then_graph_then_room(tmp_path):
    sheet = make_worksheet(3, 1)
    path = tmp_path / "w.pdf"
    path.write_bytes(handout.handout_pdf(sheet))
    got = text(path, 1)
    if got is None:
        pytest.skip("pdftotext is not installed")
    lines = [plain(x) for x in got.splitlines() if x.strip()]
    at = {key: next(i for i, x in enumerate(lines) if key in x) for key in
          ("Backprop worksheet", "Name", "Ops on this sheet", "Fill in each blank", "Steps:",
           "grad ?", "Working")}
    assert at["Backprop worksheet"] < at["Name"] < at["Ops on this sheet"] < at["grad ?"]
    assert at["Fill in each blank"] < at["grad ?"] < at["Working"]
    assert "log (the natural log ln, base e)" in " ".join(lines)
    assert "Date" in lines[at["Name"]]
    raw = got + (text(path, 2) or "")
    assert not re.search(r"(?<!\w)-\d| - |--", raw), "one minus sign (U+2212) on the page"


def test_answer_boxes_and_key(tmp_path):
    sheet = make_worksheet(4, 3)
    for answers in (False, True):
        path = tmp_path / f"{answers}.pdf"
        path.write_bytes(handout.handout_pdf(sheet, answers))
        got = text(path, 2)
        if got is None:
            pytest.skip("pdftotext is not installed")
        seen = plain(got)
        for k, b in enumerate(sheet.blanks, start=1):
            assert f"({k}) {b.quantity} {b.name}" in seen
            if answers:
                assert plain(fig_num(b.answer)) in seen, (k, b)
            elif len(fig_num(b.answer)) >= 4:           # "-1.633", not a stray "2"
                assert plain(fig_num(b.answer)) not in seen, (k, b)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_smallest_text_is_at_least_8pt(paper):
    """The biggest sheet, level 5, printed on the page: its smallest text at least 8 pt."""
    for seed in (0, 1, 2):
        pdf = handout.handout_pdf(make_worksheet(5, seed), False, paper)
        sizes = _font_sizes(pdf)
        assert sizes and min(sizes) >= 8.0, (seed, sorted(set(sizes))[:4])


def test_same_handout_bytes_every_run():
    sheet = make_worksheet(2, 5)
    assert handout.handout_pdf(sheet) == handout.handout_pdf(make_worksheet(2, 5))
    assert handout.handout_tex(sheet) == handout.handout_tex(make_worksheet(2, 5))


def test_bad_paper():
    with pytest.raises(ValueError, match="paper must be one of 'a4', 'letter'"):
        handout.handout_pdf(make_worksheet(1, 0), paper="A5")


# ----------------------------------------------------------------------- LaTeX
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_tex_handouts_compile(tmp_path, level):
    sheet = make_worksheet(level, 1)
    paths = sheet.save(tmp_path / f"w{level}.tex")
    assert [p.name for p in paths] == [f"w{level}.tex", f"w{level}-answers.tex"]
    student, key = (compile_tex(p) for p in paths)
    assert pages(student) == 2 and pages(key) == 2
    got = text(student)
    if got is not None:
        seen = plain(got)
        assert "Backprop worksheet" in seen and "Name" in seen and "Working" in seen
        assert _squeezed(sheet.header()[0]) in _squeezed(seen)
        for k, b in enumerate(sheet.blanks, start=1):
            assert f"({k}) {b.quantity} {b.name}" in seen
        keyed = plain(text(key))
        for b in sheet.blanks:
            assert plain(fig_num(b.answer)) in keyed


def test_tex_letter_paper_and_pdf_handout_file(tmp_path):
    sheet = make_worksheet(3, 4)
    tex = tmp_path / "sheet.tex"
    sheet.save(tex, paper="letter")
    assert "letterpaper" in tex.read_text()
    pdf = compile_tex(tex)
    info = pdf.read_bytes()
    assert all(b == SIZES["letter"] for b in _boxes(info)) or pages(pdf) == 2
    paths = sheet.save(tmp_path / "sheet.pdf", paper="letter")
    assert [p.name for p in paths] == ["sheet.pdf", "sheet-answers.pdf"]
    assert all(b == SIZES["letter"] for b in _boxes(paths[0].read_bytes()))


def test_cli_writes_a_tex_handout(tmp_path, capsys):
    out = tmp_path / "w.tex"
    assert main(["worksheet", "--level", "3", "--seed", "1", "--out", str(out),
                 "--paper", "letter"]) == 0
    assert out.exists() and (tmp_path / "w-answers.tex").exists()
    assert "letterpaper" in out.read_text()
    assert "wrote" in capsys.readouterr().out


def test_folder_has_every_file(tmp_path):
    make_worksheet(1, 0, tmp_path / "f")
    names = {p.name for p in (tmp_path / "f").iterdir()}
    assert {"worksheet.pdf", "answers.pdf", "worksheet.tex", "answers.tex", "worksheet.svg",
            "answers.svg", "worksheet.json"} <= names
