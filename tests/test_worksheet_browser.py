"""Worksheets as a person sees them in Chromium: every blank readable as '?', the key filled,
no two labels on top of each other, and the smallest text readable when printed on A4."""

from __future__ import annotations

import pytest

from micrograd_ed.teach.worksheet import make_worksheet

TEXTS = """() => [...document.querySelectorAll('svg text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent.replace(/\\u00a0/g, ' '), x: r.x, y: r.y, w: r.width,
            h: r.height};
})"""


def boxes(page, path):
    page.goto(path.as_uri())
    return page.evaluate(TEXTS)


def overlapping(items):
    out = []
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if (a["x"] < b["x"] + b["w"] - 1 and b["x"] < a["x"] + a["w"] - 1
                    and a["y"] < b["y"] + b["h"] - 1 and b["y"] < a["y"] + a["h"] - 1):
                out.append((a["text"], b["text"]))
    return out


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_sheet_and_key_read_right(tmp_path, browser_page, level):
    sheet = make_worksheet(level, 1, tmp_path)
    student = boxes(browser_page, tmp_path / "worksheet.svg")
    key = boxes(browser_page, tmp_path / "answers.svg")
    for k, b in enumerate(sheet.blanks, start=1):
        seen = [t["text"] for t in student if t["text"].endswith(f"({k})")]
        assert seen == [f"{b.quantity} ?   ({k})"]
        filled = [t["text"] for t in key if t["text"].endswith(f"({k})")]
        assert len(filled) == 1 and "?" not in filled[0]
    assert overlapping(student) == [] and overlapping(key) == []


def test_level5_text_is_readable_on_a4(tmp_path, browser_page):
    """Fitted to the width of an A4 page in landscape (about 1,050 px at 96 dpi, inside the
    margins), the smallest text of the biggest sheet is still at least 9 px high (about 7 pt)."""
    make_worksheet(5, 0, tmp_path)
    texts = boxes(browser_page, tmp_path / "worksheet.svg")
    width = browser_page.evaluate(
        "() => document.querySelector('svg').getBoundingClientRect().width")
    small = min(t["h"] for t in texts if t["text"].strip())
    assert small * 1050 / width >= 9, (small, width)
