"""`Diagram`: DOT text that can become SVG, a file, or a picture in Jupyter."""

from __future__ import annotations

import os
from pathlib import Path

from micrograd_ed.files import write_atomic
from micrograd_ed.viz import backends

SAVE_FORMATS = {".svg": "svg", ".dot": "dot", ".gv": "dot", ".png": "png"}


class Diagram:
    """A drawing of a graph, as Graphviz DOT text.

    ``source`` never needs a renderer; :meth:`svg` and :meth:`save` use the
    first available backend (see :mod:`micrograd_ed.viz.backends`). Jupyter
    shows a Diagram as its SVG.
    """

    def __init__(self, source: str, summary: str = "") -> None:
        self._source = source
        self.summary = summary
        self._svg: str | None = None

    @property
    def source(self) -> str:
        """The DOT text (byte-identical for the same graph, in every process)."""
        return self._source

    def svg(self, backend: str = "auto") -> str:
        """The picture as an SVG document (rendered once, then cached)."""
        if backend != "auto":
            return backends.render(self._source, "svg", backend).decode("utf-8")
        if self._svg is None:
            self._svg = backends.render(self._source, "svg").decode("utf-8")
        return self._svg

    def save(self, path: str | os.PathLike, backend: str = "auto") -> Path:
        """Write the diagram to ``path``; the suffix picks the format (.svg, .dot/.gv, .png).

        PNG needs the system ``dot``. The file is written atomically: a
        temporary file beside it, then renamed, so a failure never leaves a
        half-written file. Returns the path.
        """
        path = Path(path)
        fmt = SAVE_FORMATS.get(path.suffix.lower())
        if fmt is None:
            known = ", ".join(SAVE_FORMATS)
            raise ValueError(f"cannot save a diagram as {path.name!r}: unknown suffix "
                             f"{path.suffix or '(none)'!r}; use one of {known}")
        if fmt == "dot":
            data = self._source.encode("utf-8")
        elif fmt == "svg":
            data = self.svg(backend).encode("utf-8")
        else:
            data = backends.render(self._source, fmt, backend)
        _write_atomic(path, data)
        return path

    def _repr_svg_(self) -> str | None:
        try:
            return self.svg()
        except backends.RendererNotFoundError:
            return None  # Jupyter falls back to the text repr

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Jupyter's view: the SVG at its full size (a wide graph scrolls instead of
        being shrunk to the page width), or the text with the reason it is not drawn."""
        bundle = {"text/plain": repr(self)}
        try:
            bundle["image/svg+xml"] = self.svg()
        except backends.RendererNotFoundError as e:
            bundle["text/plain"] += f"\n(not drawn: {e})"
            return bundle
        return bundle, {"image/svg+xml": {"unconfined": True}}

    def __repr__(self) -> str:
        what = f" {self.summary}" if self.summary else ""
        return f"<Diagram{what}: .source is DOT text, .svg() renders, .save('fig.svg') writes>"


def _write_atomic(path: Path, data: bytes) -> None:
    write_atomic(path, data)
