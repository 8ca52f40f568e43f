"""diagrams/: regenerating the figures gives the committed DOT sources, byte for byte."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

DIAGRAMS = Path(__file__).resolve().parent.parent / "diagrams"
FIGURES = ["chain_rule", "digits_network", "sigmoid_neuron", "xor_graph", "xor_network"]


def test_regenerated_dot_sources_match_the_committed_ones(tmp_path):
    done = subprocess.run([sys.executable, str(DIAGRAMS / "make_diagrams.py"), "--dot-only",
                           str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    made = sorted(p.stem for p in tmp_path.glob("*.dot"))
    assert made == FIGURES
    for name in FIGURES:
        fresh = (tmp_path / f"{name}.dot").read_bytes()
        committed = (DIAGRAMS / f"{name}.dot").read_bytes()
        assert fresh == committed, (f"diagrams/{name}.dot is stale: run `make diagrams` "
                                    "and commit the result")


def test_every_figure_has_its_svg():
    for name in FIGURES:
        svg = ET.parse(DIAGRAMS / f"{name}.svg").getroot()
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"


def test_the_worked_numbers_are_in_the_figures():
    chain = (DIAGRAMS / "chain_rule.dot").read_text(encoding="utf-8")
    assert 'label="a\\ndata 2\\ngrad 6"' in chain and 'label="L\\ndata -8\\ngrad 1"' in chain
    neuron = (DIAGRAMS / "sigmoid_neuron.dot").read_text(encoding="utf-8")
    assert "a\\ndata 0.526\\ngrad -1.901" in neuron         # dL/da = -1/a
    assert "grad -0.474 = -1.901 \u00d7 0.2493" in neuron   # a(1 - a) on the sigmoid's edge
    assert "w1\\ndata 0.3\\ngrad -0.237" in neuron
