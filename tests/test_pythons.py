"""Every Python the package claims (requires-python >= 3.10) compiles and imports every module.

Each interpreter found on this machine (the one running the tests, python3.10 ... python3.14 on
PATH, and pyenv's versions; one per version) compiles every source file (the package, tests,
tools, diagrams) in memory, as its own compiler does (3.13 encodes docstrings as strict UTF-8,
so a lone surrogate in one fails there and nowhere else). Then, where that interpreter has the
runtime dependencies, it imports every module of the package from this checkout; where it lacks
them, that half skips and says which.
`.ci/run` runs the whole suite on 3.11, on the newest Python available and on 3.10, with them
installed.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ["numpy", "tqdm", "matplotlib", "fpdf"]  # import names (graphviz-pure is a program)

COMPILE = """
import json, pathlib, sys
bad = []
paths = [p for folder in sys.argv[1].split(",") for p in pathlib.Path(folder).rglob("*.py")]
for path in sorted(paths):
    try:
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    except Exception as e:
        bad.append(f"{path}: {type(e).__name__}: {e}")
print(json.dumps(bad))
"""

IMPORT = """
import importlib, importlib.util, json, pkgutil, sys
missing = [m for m in sys.argv[1].split(",") if importlib.util.find_spec(m) is None]
if missing:
    print(json.dumps({"missing": missing}))
    raise SystemExit
import micrograd_ed
bad, names = [], ["micrograd_ed"]
for info in pkgutil.walk_packages(micrograd_ed.__path__, "micrograd_ed."):
    if not info.name.endswith("__main__"):
        names.append(info.name)
for name in names:
    try:
        importlib.import_module(name)
    except Exception as e:
        bad.append(f"{name}: {type(e).__name__}: {e}")
print(json.dumps({"bad": bad, "imported": len(names)}))
"""


def _version(exe: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run([exe, "-c", "import sys; print(*sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = out.stdout.split()
    return (int(parts[0]), int(parts[1])) if out.returncode == 0 and len(parts) == 2 else None


def interpreters() -> list[tuple[str, str]]:
    """(label, path) of every distinct Python >= 3.10 found, this one first."""
    found = [sys.executable]
    found += [shutil.which(f"python3.{minor}") for minor in range(10, 15)]
    found += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python")))
    seen, out = set(), []
    for exe in filter(None, found):       # one interpreter per version, the first found
        version = _version(exe)
        if version is not None and version >= (3, 10) and version not in seen:
            seen.add(version)
            out.append((f"{version[0]}.{version[1]}:{exe}", exe))
    return out


PYTHONS = interpreters()


def _run(exe: str, code: str, arg: str) -> dict | list:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1",
           "MPLBACKEND": "Agg"}
    out = subprocess.run([exe, "-c", code, arg], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=600)
    assert out.returncode == 0, f"{exe} failed:\n{out.stderr[-3000:]}"
    return json.loads(out.stdout.splitlines()[-1])


@pytest.mark.parametrize("exe", [exe for _, exe in PYTHONS], ids=[lab for lab, _ in PYTHONS])
def test_every_source_file_compiles(exe):
    folders = [ROOT / name for name in ("micrograd_ed", "tests", "tools", "diagrams")]
    bad = _run(exe, COMPILE, ",".join(str(f) for f in folders if f.is_dir()))
    assert bad == [], "\n".join(bad)


@pytest.mark.parametrize("exe", [exe for _, exe in PYTHONS], ids=[lab for lab, _ in PYTHONS])
def test_every_module_imports(exe):
    result = _run(exe, IMPORT, ",".join(RUNTIME))
    if "missing" in result:
        pytest.skip(f"{exe} lacks {', '.join(result['missing'])} (the runtime dependencies)")
    assert result["bad"] == [], "\n".join(result["bad"])
    assert result["imported"] > 50
