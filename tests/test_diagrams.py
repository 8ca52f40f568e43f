"""diagrams/: regenerating the figures gives the committed DOT sources, byte for byte."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

DIAGRAMS = Path(__file__).resolve().parent.parent / "diagrams"
FIGURES = ["chain_rule", "digits_network", "mlp_collapsed", "sigmoid_neuron", "sum_rule",
           "tanh_neuron", "xor_graph", "xor_network"]


def test_regenerated_dot_sources_match_the_committed_ones(tmp_path):
    done = subprocess.run([sys.executable, str(DIAGRAMS / "make_diagrams.py"), "--dot-only",
                           str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for folder in (".", "slides"):
        made = sorted(p.stem for p in (tmp_path / folder).glob("*.dot"))
        assert made == FIGURES
        for name in FIGURES:
            fresh = (tmp_path / folder / f"{name}.dot").read_bytes()
            committed = (DIAGRAMS / folder / f"{name}.dot").read_bytes()
            assert fresh == committed, (f"diagrams/{folder}/{name}.dot is stale: run "
                                        "`make diagrams` and commit the result")


def test_every_figure_has_its_svg():
    for folder in (".", "slides"):
        for name in FIGURES:
            svg = ET.parse(DIAGRAMS / folder / f"{name}.svg").getroot()
            assert svg.tag == "{http://www.w3.org/2000/svg}svg"


def test_slides_are_the_same_figures_in_the_slide_theme():
    for name in FIGURES:
        notebook = (DIAGRAMS / f"{name}.dot").read_text(encoding="utf-8")
        slide = (DIAGRAMS / "slides" / f"{name}.dot").read_text(encoding="utf-8")
        size = lambda src: float(re.search(r"node \[[^]]*fontsize=([\d.]+)", src)[1])  # noqa: E731
        assert size(slide) > size(notebook)


def test_the_worked_numbers_are_in_the_figures():
    chain = (DIAGRAMS / "chain_rule.dot").read_text(encoding="utf-8")
    assert 'label="a\\ndata 2\\ngrad 6"' in chain and 'label="L\\ndata \u22128\\ngrad 1"' in chain
    neuron = (DIAGRAMS / "sigmoid_neuron.dot").read_text(encoding="utf-8")
    assert "a\\ndata 0.526\\ngrad \u22121.901" in neuron         # dL/da = -1/a
    # a(1 - a) on the sigmoid's edge
    assert "grad \u22120.474 = \u22121.901 \u00d7 0.2493" in neuron
    reuse = (DIAGRAMS / "sum_rule.dot").read_text(encoding="utf-8")
    assert "x\\ndata 3\\ngrad 9 = 3 + 3 + 3" in reuse       # the sum rule on a reused value
    assert "w1\\ndata 0.3\\ngrad \u22120.237" in neuron
