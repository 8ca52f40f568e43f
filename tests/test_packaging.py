"""What pyproject.toml declares is what the package uses, and the licence it names is shipped.

The modules the package imports are read from its source (every `import` outside the standard
library), so a dependency nobody imports, or an import nobody declared, fails here.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# distributions used as programs, not imported: graphviz-pure installs the `graphviz-pure`
# command that the renderer's backends module runs (shutil.which("graphviz-pure"))
PROGRAMS = {"graphviz-pure": 'shutil.which("graphviz-pure")'}
OPTIONAL = {_n for group in PROJECT["optional-dependencies"].values()
            for _n in (re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", r).group(0)).lower()
                       for r in group)}


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement ("Foo_Bar[x]>=1; ..." -> "foo-bar")."""
    name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0)
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_distributions() -> dict[str, list[str]]:
    """{distribution: [files importing it]} for every third-party import in the package."""
    owners = importlib.metadata.packages_distributions()
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "micrograd_ed").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top == "micrograd_ed":
                    continue
                dists = owners.get(top)
                if not dists and _name(top) in OPTIONAL:    # an extra not installed here (torch
                    dists = [top]                           # on a Python it has no wheel for)
                assert dists, f"{path.relative_to(ROOT)} imports {top!r}, which no installed " \
                              "distribution provides"
                found.setdefault(_name(dists[0]), []).append(str(path.relative_to(ROOT)))
    return found


def test_every_runtime_dependency_is_imported_or_run():
    used = set(imported_distributions())
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "micrograd_ed").rglob("*.py")]
    for dist, marker in PROGRAMS.items():
        assert any(marker in text for text in sources), (dist, marker)
        used.add(dist)
    declared = {_name(r) for r in PROJECT["dependencies"]}
    assert sorted(declared - used) == [], "declared in pyproject.toml but never used"


def test_every_import_is_declared():
    declared = {_name(r) for r in PROJECT["dependencies"]}
    declared |= {_name(r) for group in PROJECT["optional-dependencies"].values() for r in group}
    undeclared = {d: files for d, files in imported_distributions().items() if d not in declared}
    assert undeclared == {}, "imported but not declared in pyproject.toml"


def test_the_mit_licence_is_shipped_with_the_package():
    assert PROJECT["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert re.search(r"Copyright \(c\) \d{4} micrograd_ed contributors", text)
    assert "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND" in text
    files = PROJECT.get("license-files", ["LICEN[CS]E*"])   # setuptools' default
    assert any((ROOT).glob(pattern) for pattern in files)
