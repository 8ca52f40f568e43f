"""Count what makes a figure hard to read, over SVG files (the measure the browser test uses).

    PYTHONPATH=$PWD .venv/bin/python tools/measure_figures.py diagrams/*.svg [-v]

For each SVG: edge/border points inside text boxes (collisions), pairs of labels of different
nodes/edges closer than 2 px (both at natural size), and the smallest text in px when the
figure is fitted to 1920x1080. A development aid: the package never imports it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import WatchedPage, launch  # noqa: E402
from figure_metrics import measure  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("-v", action="store_true", help="list every collision")
    args = ap.parse_args()
    totals = [0, 0]
    with launch() as browser:
        watched = WatchedPage(browser)
        for f in args.files:
            svg = f.read_text(encoding="utf-8")
            natural = measure(watched.page, svg)
            fitted = measure(watched.page, svg, fit=True)
            hits = {(c["line"], c["owner"], c["text"]) for c in natural["collisions"]}
            totals[0] += len(hits)
            totals[1] += len(natural["close"])
            print(f"{str(f):45} collisions {len(hits):3}  close labels {len(natural['close']):3}"
                  f"  smallest on slide {fitted['smallest']:.1f} px ({fitted['smallestText']!r})")
            if args.v:
                for c in sorted(hits):
                    print("   line", c[0], "through", c[1], repr(c[2]))
                for c in natural["close"]:
                    print("   close", c)
        watched.close()
    print(f"total: {totals[0]} collisions, {totals[1]} close label pairs")


if __name__ == "__main__":
    main()
