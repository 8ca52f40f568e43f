"""The README's "Draw your own engine" figure: a graph built by micrograd 0.1.0 (Karpathy's
engine, not micrograd_ed's), drawn by micrograd_ed's draw_graph.

    python diagrams/draw_micrograd.py [OUT_DIR] [--dot-only]

writes ``micrograd_graph.dot`` (byte-identical on every run) and ``micrograd_graph.svg``.
Needs micrograd (the project's ``dev`` extra).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from micrograd_ed.viz import Diagram, draw_graph

HERE = Path(__file__).resolve().parent


def micrograd_graph() -> Diagram:
    """L = (a*b + c) * f + a*a in micrograd, a=2, b=-3, c=10, f=-2, after its backward():
    dL/da = b*f + 2a = 10 (three edges: 6 + 2 + 2), dL/db = a*f = -4."""
    from micrograd.engine import Value

    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    e = a * b
    d = e + c
    L = d * f + a * a
    L.backward()
    return draw_graph(L, labels={"a": a, "b": b, "c": c, "f": f, "e": e, "d": d, "L": L},
                      title="micrograd's graph, drawn by micrograd_ed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=HERE)
    parser.add_argument("--dot-only", action="store_true")
    args = parser.parse_args(argv)
    fig = micrograd_graph()
    written = [fig.save(args.out_dir / "micrograd_graph.dot")]
    if not args.dot_only:
        written.append(fig.save(args.out_dir / "micrograd_graph.svg"))
    print("wrote", ", ".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
