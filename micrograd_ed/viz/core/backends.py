"""Turning DOT text into SVG (or PNG): the system ``dot``, else Graphviz from PyPI.

Order of preference, as :func:`choose` reports it:

1. ``"dot"`` -- the system Graphviz, when a ``dot`` executable is on PATH
   (every format it was built with, PNG included);
2. ``"pure"`` -- ``graphviz-pure`` from PyPI, a self-contained port of Graphviz
   16.1 (the ``graphviz-pure`` program, with its own fonts, so its SVG and PNG
   are the same on every machine; any Python 3). It is a dependency, and it ships
   wheels for Linux (x86-64 and ARM64, glibc and musl), macOS (Intel and Apple) and
   Windows (x86-64 and ARM64) and no source: wherever micrograd_ed installs, it is
   there, so no third, slower renderer is kept as a fallback;
3. otherwise (it was uninstalled) :class:`RendererNotFoundError`, which says how to
   get one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

BACKENDS = ("auto", "dot", "pure")
PURE_FORMATS = ("svg", "png", "dot", "json")
LAYOUT_TIMEOUT = 60.0  # seconds Graphviz may take to lay a graph out before we give up
_INSTALL_HINT = (
    "Install one of: the Python package `graphviz-pure` (pip install graphviz-pure, "
    "no system software needed), or the system Graphviz (apt install graphviz / "
    "brew install graphviz / https://graphviz.org/download/) so that `dot` is on PATH. "
    "The DOT text is always available as Diagram.source."
)


class RendererNotFoundError(RuntimeError):
    """No Graphviz renderer could be found or run for the requested format."""


class RenderError(RuntimeError):
    """Graphviz ran but refused the DOT source (a bug in the DOT we wrote)."""


class LayoutTimeoutError(RenderError):
    """Graphviz did not finish laying the graph out within the time allowed."""


def pure_executable() -> str | None:
    """The ``graphviz-pure`` program: on PATH, or beside this Python (an unactivated venv)."""
    found = shutil.which("graphviz-pure")
    if found:
        return found
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / "graphviz-pure"
        if candidate.is_file():
            return str(candidate)
    return None


def choose(backend: str = "auto", fmt: str = "svg") -> str:
    """The backend that would render ``fmt`` now: ``"dot"`` or ``"pure"``.

    Raises :class:`RendererNotFoundError` when none can, and ValueError for an
    unknown ``backend`` name.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    has_dot = shutil.which("dot") is not None
    if backend in ("auto", "dot") and has_dot:
        return "dot"
    if backend == "dot":
        raise RendererNotFoundError(f"backend='dot' but no `dot` executable is on PATH. "
                                    f"{_INSTALL_HINT}")
    if backend in ("auto", "pure") and fmt in PURE_FORMATS and pure_executable():
        return "pure"
    if backend == "pure":
        raise RendererNotFoundError(f"backend='pure' but the `graphviz-pure` program was not "
                                    f"found (or cannot write {fmt.upper()}). {_INSTALL_HINT}")
    raise RendererNotFoundError(f"no Graphviz renderer found to draw this diagram. {_INSTALL_HINT}")


def render(source: str, fmt: str = "svg", backend: str = "auto", *, dpi: float | None = None,
           timeout: float | None = None) -> bytes:
    """Lay out ``source`` (DOT text) with Graphviz ``dot`` and return the ``fmt`` output.

    ``dpi`` sets the resolution of PNG output (96 by default). The layout may
    take at most ``timeout`` seconds (default :data:`LAYOUT_TIMEOUT`), then
    :class:`LayoutTimeoutError` says so.
    """
    name = choose(backend, fmt)
    exe = shutil.which("dot") if name == "dot" else pure_executable()
    extra = [f"-Gdpi={dpi:g}"] if dpi is not None else []
    return _run_program(exe, source, fmt, extra, LAYOUT_TIMEOUT if timeout is None else timeout)


def _run_program(exe: str | None, source: str, fmt: str, extra: list[str] | None = None,
                 timeout: float = LAYOUT_TIMEOUT) -> bytes:
    """Run a Graphviz command line (``dot`` or ``graphviz-pure``) on ``source``."""
    if exe is None:  # it went away since choose()
        raise RendererNotFoundError(f"the Graphviz program disappeared. {_INSTALL_HINT}")
    try:
        done = subprocess.run([exe, f"-T{fmt}", *(extra or [])], input=source.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as e:
        nodes = source.count(" [id=") or source.count("\n")
        raise LayoutTimeoutError(
            f"Graphviz ({Path(exe).name}) gave up laying out this graph after {timeout:g} s "
            f"(about {nodes} boxes and edges): a graph this tangled takes it too long. Draw "
            "less of it (collapse=True, one neuron or one sample, a smaller expression), or "
            "pass the DOT text (Diagram.source) to another tool.") from e
    except OSError as e:
        raise RendererNotFoundError(f"could not run {exe}: {e}. {_INSTALL_HINT}") from e
    if done.returncode != 0 or not done.stdout:
        err = done.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"{exe} -T{fmt} failed (exit code {done.returncode}): {err}")
    return done.stdout

