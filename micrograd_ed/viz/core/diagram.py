"""`Diagram`: DOT text that can become SVG, PNG, PDF, a file, or a picture in Jupyter."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from micrograd_ed.files.atomic import write_atomic
from micrograd_ed.viz.core import backends, svgpost
from micrograd_ed.viz.core.themes import Theme

SAVE_FORMATS = {".svg": "svg", ".dot": "dot", ".gv": "dot", ".png": "png", ".pdf": "pdf",
                ".tex": "tex"}


class Diagram:
    """A drawing of a graph, as Graphviz DOT text.

    ``source`` never needs a renderer; :meth:`svg`, :meth:`png`, :meth:`pdf` and
    :meth:`save` use the first available backend (see
    :mod:`micrograd_ed.viz.core.backends`). Jupyter shows a Diagram as its SVG,
    shrunk to the width of the page when it is wider and its text stays at 10 px or
    more in a 1150 px column; a wider one, and ``d.natural()``, is shown at its natural
    size (it scrolls sideways).
    """

    def __init__(self, source: str, summary: str = "", *,
                 labels: Mapping[str, str] | None = None, theme: Theme | None = None,
                 fit: bool = True) -> None:
        self._source = source
        self.summary = summary
        self._labels = dict(labels or {})
        self._theme = theme
        self.fit = fit
        self._svg: str | None = None

    @property
    def source(self) -> str:
        """The DOT text (byte-identical for the same graph, in every process)."""
        return self._source

    def svg(self, backend: str = "auto") -> str:
        """The picture as an SVG document (rendered once, then cached)."""
        if backend != "auto":
            return self._finish(backends.render(self._source, "svg", backend))
        if self._svg is None:
            self._svg = self._finish(backends.render(self._source, "svg"))
        return self._svg

    def _finish(self, raw: bytes) -> str:
        return svgpost.finish(raw.decode("utf-8"), self._labels, self._theme)

    def png(self, scale: float = 1.0, backend: str = "auto") -> bytes:
        """The picture as PNG, ``scale`` times 96 dpi (``scale=2`` for a sharp slide)."""
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not (
                0 < scale <= 8):
            raise ValueError(f"scale must be a number in (0, 8], got {scale!r}")
        return backends.render(self._source, "png", backend, dpi=96 * scale)

    def pdf(self, backend: str = "auto") -> bytes:
        """The picture as a one-page vector PDF (text as text), with no system software."""
        from micrograd_ed.viz.core.pdf import layout_to_pdf  # needs fpdf2: imported on use

        return layout_to_pdf(backends.render(self._source, "json", backend))

    def tex(self, backend: str = "auto") -> str:
        """The picture as a standalone LaTeX document (TikZ, from the same layout as the PDF;
        compile with pdflatex). See :mod:`micrograd_ed.viz.core.tikz`."""
        from micrograd_ed.viz.core.tikz import standalone

        return standalone(backends.render(self._source, "json", backend), self._theme)

    def save(self, path: str | os.PathLike, backend: str = "auto", *,
             scale: float = 1.0) -> Path:
        """Write the diagram to ``path``; the suffix picks the format.

        ``.svg``, ``.pdf`` (vector), ``.png`` (``scale`` times 96 dpi), ``.tex`` (a
        standalone TikZ picture for pdflatex) or ``.dot``/``.gv`` (the DOT text).
        The file is written atomically: a temporary file beside it, then renamed,
        so a failure never leaves a half-written file. Returns the path.
        """
        path = Path(path)
        fmt = SAVE_FORMATS.get(path.suffix.lower())
        if fmt is None:
            known = ", ".join(SAVE_FORMATS)
            raise ValueError(f"cannot save a diagram as {path.name!r}: unknown suffix "
                             f"{path.suffix or '(none)'!r}; use one of {known}")
        if scale != 1.0 and fmt != "png":
            raise ValueError(f"scale={scale!r} applies to .png only (SVG, PDF and TeX are "
                             f"vector)")
        if fmt == "dot":
            data = self._source.encode("utf-8")
        elif fmt == "svg":
            data = self.svg(backend).encode("utf-8")
        elif fmt == "pdf":
            data = self.pdf(backend)
        elif fmt == "tex":
            data = self.tex(backend).encode("utf-8")
        else:
            data = self.png(scale, backend)
        write_atomic(path, data)
        return path

    def natural(self) -> Diagram:
        """This diagram, shown in Jupyter at its natural size (a wide one scrolls)."""
        other = Diagram(self._source, self.summary, labels=self._labels, theme=self._theme,
                        fit=False)
        other._svg = self._svg
        return other

    def _repr_svg_(self) -> str | None:
        try:
            return self.svg()
        except backends.RendererNotFoundError:
            return None  # Jupyter falls back to the text repr

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Jupyter's view: the SVG fitted to the page width (``natural()``: full size),
        or the text with the reason it is not drawn."""
        bundle = {"text/plain": repr(self)}
        try:
            svg = self.svg()
        except backends.RendererNotFoundError as e:
            bundle["text/plain"] += f"\n(not drawn: {e})"
            return bundle
        if self.fit and svgpost.readable_when_fitted(svg):
            bundle["image/svg+xml"] = svgpost.fit_width(svg)
            return bundle
        # too wide to shrink without text below 10 px: full size, the output scrolls sideways
        bundle["image/svg+xml"] = svg
        return bundle, {"image/svg+xml": {"unconfined": True}}

    def __repr__(self) -> str:
        what = f" {self.summary}" if self.summary else ""
        return f"<Diagram{what}: .source is DOT text, .svg() renders, .save('fig.svg') writes>"
