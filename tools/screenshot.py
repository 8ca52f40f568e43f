"""Screenshot an SVG or HTML file in headless Chromium, as a person would see it on a slide.

    .venv/bin/python tools/screenshot.py FILE OUT.png [--grey] [--width 1920 --height 1080]

An SVG is fitted to the viewport (as on a slide); ``--grey`` renders it in greyscale, to check
what survives printing. A development aid: the package never imports it.
"""

from __future__ import annotations

import argparse
import html
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import WatchedPage, launch  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--grey", action="store_true", help="render in greyscale")
    ap.add_argument("--width", type=int, default=1920)
    ap.add_argument("--height", type=int, default=1080)
    args = ap.parse_args()
    src = args.file.resolve()
    grey = "filter: grayscale(1);" if args.grey else ""
    with tempfile.TemporaryDirectory() as tmp:
        if src.suffix == ".svg":
            page_file = Path(tmp) / "fit.html"
            page_file.write_text(
                "<!doctype html><html><body style='margin:0;background:#fff'>"
                f"<img src='{html.escape(src.as_uri())}' style='width:100vw;height:100vh;"
                f"object-fit:contain;{grey}'></body></html>", encoding="utf-8")
            url = page_file.as_uri()
        else:
            url = src.as_uri()
        with launch() as browser:
            watched = WatchedPage(browser, {"width": args.width, "height": args.height})
            watched.page.goto(url)
            if grey and src.suffix != ".svg":
                watched.page.add_style_tag(content=f"html {{ {grey} }}")
            watched.page.wait_for_timeout(200)
            watched.page.screenshot(path=str(args.out))
            for e in watched.errors + watched.requests:
                print("warning:", e, file=sys.stderr)
            watched.close()
    print(args.out)


if __name__ == "__main__":
    main()
