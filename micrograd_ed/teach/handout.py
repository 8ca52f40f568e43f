"""A worksheet as a printable handout: A4 or Letter pages, as PDF and as LaTeX.

Page 1: the title and the sheet's level and seed, a name and a date field, the
instructions (the ops on the sheet, exactly those, with ``log`` = ln, base e; the order in
which to fill the blanks; 3 significant digits), the steps, then the graph with its numbered
blanks, scaled to the page's width (landscape when the graph is wide: the orientation that
prints it larger), and room to work below it.
Page 2: the answer boxes (1), (2), ... with what each blank asks, and more room to work.
The answer key has the same pages with every box filled in.

The graph is the worksheet's figure laid out once by Graphviz (``-Tjson``) and painted
scaled: by fpdf2 for the PDF (:func:`micrograd_ed.viz.core.pdf.paint_layout`), as TikZ for
the LaTeX (:mod:`micrograd_ed.viz.core.tikz`), so both show the same picture.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from fpdf import FPDF

from micrograd_ed.viz.core import backends
from micrograd_ed.viz.core.latex import PREAMBLE, escape, number
from micrograd_ed.viz.core.pdf import font_file, make_reproducible, paint_layout
from micrograd_ed.viz.core.tikz import Colours, picture, scaled

PAPERS = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}       # portrait, in pt
MARGIN = 32.0
HEADER = 150.0           # pt the header takes on page 1 (title, name, instructions, steps)
MIN_WORK = 140.0         # pt of room to work kept under the graph on page 1
MAX_SCALE = 1.0


@dataclass(frozen=True)
class Page:
    """The paper of one handout: its name, orientation and size in pt."""

    paper: str
    landscape: bool
    width: float
    height: float


def check_paper(paper: str) -> str:
    """``paper`` lower-cased, or a ValueError naming the papers."""
    if not isinstance(paper, str) or paper.lower() not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(repr(p) for p in PAPERS)}, "
                         f"got {paper!r}")
    return paper.lower()


def layout(sheet, answers: bool) -> dict:
    """The worksheet's graph (no caption: the page prints it), laid out by Graphviz."""
    return json.loads(backends.render(sheet.figure(answers, caption=False).source, "json"))


def _size(g: dict) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in g["bb"].split(","))
    return x1 - x0, y1 - y0


def page_and_scale(g: dict, paper: str) -> tuple[Page, float]:
    """The orientation that prints the graph largest, and the graph's scale on it::

        scale = min(1, text width / graph width, (height − header − room to work) / graph height)

    The room to work under the graph is left out (page 2 has room too) when keeping it would
    print the graph smaller than the page's width allows.
    """
    w, h = _size(g)
    best: tuple[float, Page] | None = None
    pw, ph = PAPERS[paper]
    for landscape in (False, True):
        width, height = (ph, pw) if landscape else (pw, ph)
        across = min(MAX_SCALE, (width - 2 * MARGIN) / w)
        room = height - 2 * MARGIN - HEADER
        s = min(across, (room - MIN_WORK) / h)
        if s < across:
            s = min(across, room / h)
        if best is None or s > best[0] * 1.02:
            best = (s, Page(paper, landscape, width, height))
    assert best is not None
    return best[1], best[0]


# ------------------------------------------------------------------ words
def title(sheet, answers: bool) -> str:
    return "Answer key" if answers else "Backprop worksheet"


def instructions(sheet) -> list[str]:
    """The instructions: the ops on the sheet and how to fill it in (sheet.header())."""
    return sheet.header()


def steps_line(sheet) -> str:
    from micrograd_ed.teach.worksheet import shown

    steps = [f"{name} = {shown(text)}".replace(" ", "\u00a0") for name, text in sheet.steps]
    return "Steps:  " + ";   ".join(steps)          # no step broken over two lines


def boxes(sheet, answers: bool) -> list[tuple[str, str]]:
    """Each blank's box: ``("(3) data q", "0.47")`` (the answer only in the key)."""
    from micrograd_ed.teach.worksheet import sheet_num

    return [(f"({k}) {b.quantity} {b.name}", sheet_num(b.answer) if answers else "")
            for k, b in enumerate(sheet.blanks, start=1)]


# -------------------------------------------------------------------- PDF
def handout_pdf(sheet, answers: bool = False, paper: str = "a4") -> bytes:
    """The handout (or with ``answers`` its key) as PDF bytes, the same bytes every run."""
    paper = check_paper(paper)
    g = layout(sheet, answers)
    page, s = page_and_scale(g, paper)
    fig = scaled(g, s)
    pdf = FPDF(orientation="L" if page.landscape else "P", unit="pt",
               format="A4" if paper == "a4" else "Letter")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font("DejaVu", fname=str(font_file()))
    pdf.add_font("DejaVu", style="B", fname=str(font_file().with_name("DejaVuSans-Bold.ttf")))
    make_reproducible(pdf)
    pdf.set_title(f"{title(sheet, answers)}: {sheet.title}")
    inner = page.width - 2 * MARGIN
    pdf.add_page()
    y = _head(pdf, sheet, answers, inner)
    fw, fh = _size(fig)
    left = MARGIN + (inner - fw) / 2
    paint_layout(pdf, fig, left, y + fh + left)
    y += fh + 12
    _work_box(pdf, y, page, "Working" if not answers else "")
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 13)
    pdf.set_xy(MARGIN, MARGIN)
    pdf.cell(inner, 16, f"{title(sheet, answers)}: {sheet.title}, the answers"
             if answers else f"Your answers: {sheet.title}")
    y = _answer_table(pdf, sheet, answers, MARGIN + 26, inner)
    _work_box(pdf, y + 10, page, "Working" if not answers else "")
    return bytes(pdf.output())


def _head(pdf: FPDF, sheet, answers: bool, inner: float) -> float:
    """Title, name and date fields, instructions and steps; the y below them."""
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", "B", 16)
    pdf.set_xy(MARGIN, MARGIN)
    pdf.cell(inner * 0.7, 20, title(sheet, answers))
    pdf.set_font("DejaVu", "", 10)
    pdf.set_xy(MARGIN + inner * 0.7, MARGIN + 4)
    pdf.cell(inner * 0.3, 14, f"level {sheet.level}, seed {sheet.seed}", align="R")
    y = MARGIN + 26
    pdf.set_font("DejaVu", "", 11)
    pdf.set_xy(MARGIN, y)
    pdf.cell(inner, 14, sheet.title[0].upper() + sheet.title[1:])
    y += 24
    if not answers:
        pdf.text(MARGIN, y + 10, "Name")
        pdf.line(MARGIN + 36, y + 12, MARGIN + inner * 0.62, y + 12)
        pdf.text(MARGIN + inner * 0.66, y + 10, "Date")
        pdf.line(MARGIN + inner * 0.66 + 30, y + 12, MARGIN + inner, y + 12)
        y += 22
    else:
        pdf.text(MARGIN, y + 10, "For the instructor: every blank filled in, numbered as on "
                                 "the worksheet.")
        y += 22
    pdf.set_font("DejaVu", "", 10)
    for line in instructions(sheet) + [steps_line(sheet)]:
        pdf.set_xy(MARGIN, y)
        pdf.multi_cell(inner, 13, line)
        y = pdf.get_y() + 3
    return y + 6


def _work_box(pdf: FPDF, y: float, page: Page, label: str) -> None:
    """A framed area from ``y`` to the bottom margin to work in (nothing when too small)."""
    bottom = page.height - MARGIN
    if bottom - y < 60 or not label:
        return
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.6)
    pdf.rect(MARGIN, y, page.width - 2 * MARGIN, bottom - y)
    pdf.set_font("DejaVu", "", 9)
    pdf.set_text_color(110, 110, 110)
    pdf.text(MARGIN + 6, y + 13, label)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)


def _answer_table(pdf: FPDF, sheet, answers: bool, y: float, inner: float) -> float:
    """The answer boxes in columns; the y below them."""
    items = boxes(sheet, answers)
    cols = 3 if inner < 600 else 4
    col = inner / cols
    rows = -(-len(items) // cols)
    pdf.set_font("DejaVu", "", 10)
    for n, (what, answer) in enumerate(items):
        r, c = n % rows, n // rows
        x, yy = MARGIN + c * col, y + r * 24
        pdf.text(x, yy + 14, what)
        pdf.set_draw_color(120, 120, 120)
        pdf.rect(x + col * 0.52, yy + 2, col * 0.42, 18)
        if answer:
            pdf.set_font("DejaVu", "B", 10)
            pdf.text(x + col * 0.52 + 4, yy + 15, answer)
            pdf.set_font("DejaVu", "", 10)
    return y + rows * 24


# ------------------------------------------------------------------ LaTeX
def handout_tex(sheet, answers: bool = False, paper: str = "a4") -> str:
    """The handout (or its key) as a LaTeX document for pdflatex: the same pages as the PDF."""
    paper = check_paper(paper)
    g = layout(sheet, answers)
    page, s = page_and_scale(g, paper)
    colours = Colours()
    pic = picture(g, colours)
    geometry = (f"{paper}paper,{'landscape,' if page.landscape else ''}"
                f"margin={number(MARGIN)}pt")
    items = boxes(sheet, answers)
    cols = 3 if page.width - 2 * MARGIN < 600 else 4
    rows = -(-len(items) // cols)
    table = []
    for r in range(rows):
        cells = []
        for c in range(cols):
            n = c * rows + r
            if n < len(items):
                what, answer = items[n]
                cells.append(f"{escape(what)} & \\fbox{{\\makebox[0.12\\linewidth][l]"
                             f"{{\\strut\\textbf{{{escape(answer)}}}}}}}")
            else:
                cells.append(" & ")
        table.append(" & ".join(cells) + r" \\[4pt]")
    name = (r"Name \rule{0.5\linewidth}{0.4pt}\hfill Date \rule{0.22\linewidth}{0.4pt}"
            if not answers else
            "For the instructor: every blank filled in, numbered as on the worksheet.")
    head = "\n".join(f"{escape(line)}\\par\\smallskip" for line in
                     instructions(sheet) + [steps_line(sheet)])
    work = (r"\vfill\noindent\fbox{\parbox[t][\dimexpr\pagegoal-\pagetotal-4\baselineskip"
            r"\relax][t]{\dimexpr\linewidth-2\fboxsep-2\fboxrule\relax}{\footnotesize\color"
            r"{gray}Working}}" if not answers else "")
    body = (f"{{\\Large\\bfseries {escape(title(sheet, answers))}}}\\hfill "
            f"level {sheet.level}, seed {sheet.seed}\\par\\medskip\n"
            f"{escape(sheet.title[0].upper() + sheet.title[1:])}\\par\\bigskip\n"
            f"\\noindent {name}\\par\\bigskip\n{head}\n\\medskip\n"
            f"\\begin{{center}}\\scalebox{{{number(s)}}}{{%\n{pic}}}\\end{{center}}\n"
            f"{work}\n\\newpage\n"
            f"{{\\large\\bfseries {escape('Your answers' if not answers else 'The answers')}"
            f": {escape(sheet.title)}}}\\par\\bigskip\n"
            f"\\noindent\\begin{{tabular}}{{{'ll' * cols}}}\n" + "\n".join(table)
            + "\n\\end{tabular}\n" + work + "\n")
    return ("% A micrograd_ed worksheet: compile with pdflatex.\n"
            "\\documentclass[11pt]{article}\n"
            f"\\usepackage[{geometry}]{{geometry}}\n" + PREAMBLE + colours.definitions()
            + "\\pagestyle{empty}\n\\setlength{\\parindent}{0pt}\n"
            + "\\begin{document}\n" + body + "\\end{document}\n")
