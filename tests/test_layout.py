"""The package's floor plan: imports point one way, and old module paths still work."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from micrograd_ed._moved import MOVED

PACKAGE = Path(__file__).resolve().parent.parent / "micrograd_ed"

# What each part of the package may import (besides itself). Lower layers never import
# higher ones: the engine stands alone, the renderer reads graphs and training records, the
# teaching tools use everything below them, and nothing but `python -m` imports the CLI.
ALLOWED: dict[str, set[str]] = {
    "engine": set(),
    "files": set(),
    "data": set(),
    "gradcheck": {"engine"},
    "nn": {"engine", "files"},
    "losses": {"engine"},
    "optim": {"engine"},
    "training.support": {"engine", "nn", "data"},
    "train": {"engine", "nn", "data", "losses", "optim", "training.support"},
    "training.recipes": {"engine", "files", "nn", "data", "losses", "optim", "train",
                         "training.support"},
    "viz.core": {"engine", "files", "nn"},
    "viz.graph": {"engine", "foreign", "nn", "viz.core"},
    "viz.network": {"engine", "nn", "viz.core"},
    "viz.steps": {"engine", "files", "foreign", "viz.core", "viz.graph"},
    "viz.inline": {"engine", "viz.core", "viz.graph"},
    "viz.training": {"engine", "files", "nn", "data", "optim", "train", "training.support",
                     "viz.core", "viz.network"},
    "viz.layers": {"layers", "viz.core"},
    "viz": {"engine", "foreign", "viz.core", "viz.graph", "viz.network", "viz.steps",
            "viz.inline", "viz.training", "viz.layers"},
    "check": {"engine", "foreign", "gradcheck", "nn", "viz", "viz.core", "viz.graph",
              "viz.steps"},
    "teach": {"engine", "files", "gradcheck", "nn", "losses", "check", "viz", "viz.core",
              "viz.graph"},
    "layers": {"nn", "losses", "check"},
    "cli": {"engine", "files", "nn", "data", "losses", "optim", "train", "training.support",
            "training.recipes", "gradcheck", "viz", "viz.core", "viz.graph", "viz.network",
            "viz.steps", "viz.training", "teach", "check", "package"},
    "__main__": {"cli"},
    "_moved": set(),
    "foreign": {"engine"},      # reads other engines into Values (foreign/graph.py)
    "package": {"engine", "gradcheck", "_moved", "nn", "optim", "train", "viz", "viz.inline"},
}
_SUPPORT = {"checks", "recording"}


def part(module: str) -> str:
    """The part of the package a dotted module name belongs to."""
    names = module.split(".")[1:]
    if not names:
        return "package"
    if names == ["training"]:
        return "training.support"
    if names[0] == "training":
        return "training.support" if names[1] in _SUPPORT else "training.recipes"
    if names[0] == "viz" and len(names) > 1 and names[1] != "static":
        return f"viz.{names[1]}" if f"viz.{names[1]}" in ALLOWED else "viz"
    return names[0]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    """Is the dotted name a module or package of micrograd_ed (not a name inside one)?"""
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists() or \
        name.removeprefix("micrograd_ed.") in MOVED


def imported(path: Path) -> set[str]:
    """Every micrograd_ed module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and \
                node.module.split(".")[0] == "micrograd_ed":
            for alias in node.names:        # `from micrograd_ed.viz import steps`: a module
                sub = f"{node.module}.{alias.name}"
                found.add(sub if is_module(sub) else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "micrograd_ed"}
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_one_way(path):
    me = module_name(path)
    mine = part(me)
    assert mine in ALLOWED, f"{me}: which part of the package is this? (add it to ALLOWED)"
    wrong = sorted(m for m in imported(path)
                   if part(m) != mine and part(m) not in ALLOWED[mine])
    assert not wrong, f"{me} ({mine}) imports {wrong}: only {sorted(ALLOWED[mine])} are below it"


def test_the_engine_imports_nothing_but_itself():
    for path in (PACKAGE / "engine").rglob("*.py"):
        outside = {m for m in imported(path) if not m.startswith("micrograd_ed.engine")}
        assert not outside, f"{path.name} imports {sorted(outside)}"


def test_nothing_imports_the_cli():
    for path in SOURCES:
        if part(module_name(path)) in ("cli", "__main__"):
            continue
        assert not {m for m in imported(path) if part(m) == "cli"}, path


def test_the_top_level_holds_only_the_public_faces():
    tops = {p.stem for p in PACKAGE.glob("*.py")} | {
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert tops == {"__init__", "__main__", "_moved", "engine", "nn", "losses", "optim", "data",
                    "train", "gradcheck", "viz", "check", "cli", "files", "training", "teach",
                    "foreign", "layers"}


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_module_path_is_the_module_at_its_new_place(old):
    """Code written for the old layout (README and notebooks of earlier versions) works."""
    new = importlib.import_module(f"micrograd_ed.{MOVED[old]}")
    assert importlib.import_module(f"micrograd_ed.{old}") is new
    assert new.__spec__.name == new.__name__ == f"micrograd_ed.{MOVED[old]}"


def test_old_from_imports_work_in_a_fresh_interpreter():
    code = ("from micrograd_ed.worked_example import chain_rule_example\n"
            "from micrograd_ed.digits import digit_network\n"
            "from micrograd_ed.viz.scopes import count_nodes\n"
            "from micrograd_ed.memory import paused_gc\n"
            "from micrograd_ed import plots, serialize\n"
            "import micrograd_ed.files\n"
            "assert micrograd_ed.files.write_atomic.__module__ == 'micrograd_ed.files.atomic'\n"
            "assert serialize.MAX_PARAMETERS == 1_000_000\n"
            "L = chain_rule_example(); L.backward(); print(callable(count_nodes), L.data)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "True -8.0"
