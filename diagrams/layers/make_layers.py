"""Regenerate the layers figures in diagrams/layers/ (draw_layers, micrograd_ed.viz.layers).

The XOR 2-2-1 sigmoid network on its four examples with the binary cross-entropy, in the
notebook theme (``xor_layers``) and the slide theme (``xor_layers_slide``), each as
``NAME.dot`` (byte-identical on every run, so a test can check it) and ``NAME.svg``.

    python diagrams/layers/make_layers.py [OUT_DIR] [--dot-only]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from micrograd_ed.nn import MLP
from micrograd_ed.viz.core.diagram import Diagram
from micrograd_ed.viz.layers import draw_layers

HERE = Path(__file__).resolve().parent
XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]]
XOR_Y = [0, 1, 1, 0]


def xor_layers(theme: str) -> Diagram:
    net = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=10)
    return draw_layers(net, XOR_X, XOR_Y, loss="binary_cross_entropy", theme=theme)


FIGURES = {"xor_layers": lambda: xor_layers("notebook"),
           "xor_layers_slide": lambda: xor_layers("slide")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(HERE))
    parser.add_argument("--dot-only", action="store_true", help="write only the DOT sources")
    args = parser.parse_args()
    out = Path(args.out)
    for name, make in FIGURES.items():
        d = make()
        d.save(out / f"{name}.dot")
        if not args.dot_only:
            d.save(out / f"{name}.svg")
        print(f"wrote {out / name}.dot{'' if args.dot_only else ' and .svg'}")


if __name__ == "__main__":
    main()
