"""A value used many times (issue 23: ``graph "a*1+a*2+…+a*100"``, 399 drawn nodes, blocked
for 60 s and then advised ``collapse=True``, which the CLI does not have).

A value with GHOST_MANY uses or more is drawn again beside each use (a dashed copy), so
Graphviz has no fan of a hundred edges to order; its own box keeps its grad as the sum of
its edges. No timing is asserted here (speed is for benchmarks): the structure that makes
the layout quick is, and the CLI draws the graph (before, it failed after 60 s).
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from micrograd_ed.teach.expr import build
from micrograd_ed.viz import draw_graph
from micrograd_ed.viz.graph.plan import GHOST_MANY

ROOT = Path(__file__).resolve().parent.parent


def sum_of_uses(n: int) -> str:
    return "+".join(f"a*{i}" for i in range(1, n + 1))


def test_a_value_used_many_times_is_drawn_beside_each_use():
    root = build(sum_of_uses(100), {"a": 2.0})
    root.backward()
    src = draw_graph(root).source
    a = next(m[1] for m in re.finditer(r'(n\d+) \[id="v\d+", label="a\\n', src))
    ghosts = set(re.findall(rf"\b{a}_u\d+\b", src))
    assert len(ghosts) == 100
    assert not re.search(rf"\b{a} -> ", src)      # no fan of 100 edges out of a's own box
    assert re.search(r"grad 5050 = [^\"]*\(100 edges\)", src)


def test_a_value_used_a_few_times_at_one_level_is_not_copied():
    root = build(sum_of_uses(GHOST_MANY - 1), {"a": 2.0})
    root.backward()
    assert not re.search(r"n\d+_u\d+", draw_graph(root).source)


def test_the_cli_draws_the_hundred_uses(tmp_path):
    done = subprocess.run([sys.executable, "-m", "micrograd_ed", "graph", sum_of_uses(100),
                           "--set", "a=2", "-o", "g.svg"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env={"PYTHONPATH": str(ROOT),
                                                       "PATH": str(Path(sys.executable).parent)
                                                       + ":/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "collapse=True" not in done.stdout + done.stderr
    ET.parse(tmp_path / "g.svg")
