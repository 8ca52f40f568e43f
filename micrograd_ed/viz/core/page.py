"""One self-contained HTML page: inlined CSS and JS from the package, data as embedded JSON.

The players (the backprop step-through, the training player) are single HTML files that
work from ``file://``, in JupyterLab, VS Code and Colab, with no server, no widgets and
nothing fetched from the network. This module writes such a page:

* the front-end code lives as real files in ``micrograd_ed/viz/static/`` (``page.css``,
  ``controls.css``, ``controls.js``, ...) and is read with :mod:`importlib.resources` and
  inlined into ``<style>`` / ``<script>`` elements;
* the data (a JSON-able object) goes into ``<script type="application/json" id="mg-data">``,
  with ``<``, ``>``, ``&``, U+2028 and U+2029 written as ``\\uXXXX`` escapes, so no label
  text can close the element (``</script>``) or open a comment (``<!--``); the script reads
  it back with ``MGControls.data()``;
* a Content-Security-Policy ``<meta>`` allows only the inline code, so the page cannot
  fetch anything even by mistake.

Typical use (see :mod:`micrograd_ed.viz.steps.player`)::

    from micrograd_ed.viz.core import page
    doc = page.html_page(
        title="backprop of L",
        body='<div id="stage">...</div><p id="caption"></p><div id="controls"></div>',
        data={"frames": [...]},
        styles=["page.css", "controls.css", "steps.css"],
        scripts=["controls.js", "steps.js"],
    )
    page.write_page("L.html", doc)          # atomic, through symlinks, with the umask
    page.iframe(doc, height=600)            # the same page for a Jupyter text/html output

The JavaScript side, ``controls.js``, is documented at the top of that file: it builds the
player controls (play/pause, previous/next, first/last, slider, speed, ``#counter``
"k / N") into ``<div id="controls">`` and calls ``render(k)`` for every step shown.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from micrograd_ed.files.atomic import write_atomic

STATIC_PACKAGE = "micrograd_ed.viz.static"
DATA_ID = "mg-data"
CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:; font-src data:")

# JSON is valid inside <script> once these cannot appear literally: "</script>" and "<!--"
# need "<"; ">" and "&" are escaped too (as Python's own html-safe JSON does), and U+2028/9
# because older JavaScript engines treat them as line ends.
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}


def static_text(name: str) -> str:
    """The text of ``micrograd_ed/viz/static/<name>`` (a file shipped in the package).

    Raises FileNotFoundError naming the file and what is there when it is missing.
    """
    if "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"static file names are plain file names, got {name!r}")
    folder = resources.files(STATIC_PACKAGE)
    item = folder / name
    if not item.is_file():
        known = sorted(p.name for p in folder.iterdir() if p.is_file())
        raise FileNotFoundError(f"no static file {name!r} in {STATIC_PACKAGE} "
                                f"(it has: {', '.join(known)})")
    return item.read_text(encoding="utf-8")


def script_json(data: object) -> str:
    """``data`` as JSON text that is safe inside a ``<script>`` element.

    >>> script_json({"label": "</script><!--"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'

    NaN and infinities are refused (JSON has no such numbers): give them as strings.
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for ch, escape in _JSON_ESCAPES.items():     # str.replace: much faster than translate
        if ch in text:
            text = text.replace(ch, escape)
    return text


def html_page(*, title: str, body: str, data: object = None,
              styles: Iterable[str] = ("page.css", "controls.css"),
              scripts: Iterable[str] = ("controls.js",), lang: str = "en") -> str:
    """The whole HTML document.

    ``title`` is text (escaped here). ``body`` is trusted markup built by the caller, who
    escapes every piece of user text in it (labels!) with :func:`html.escape`. ``data``, if
    not None, is embedded as JSON (see :func:`script_json`). ``styles`` and ``scripts`` name
    files in ``micrograd_ed/viz/static/``, inlined in that order (scripts at the end of the
    body, after the data, so they run once the page is there).
    """
    css = "\n".join(_inline(name, "style") for name in styles)
    js = "\n".join(_inline(name, "script") for name in scripts)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>\n{css}\n</style>",
        "</head>",
        "<body>",
        body,
    ]
    if data is not None:
        parts.append(f'<script type="application/json" id="{DATA_ID}">'
                     f"{script_json(data)}</script>")
    parts += [f"<script>\n{js}\n</script>", "</body>", "</html>", ""]
    return "\n".join(parts)


def write_page(path: str | os.PathLike, document: str) -> Path:
    """Write an HTML document to ``path`` (atomically, through symlinks, with the umask)."""
    return write_atomic(path, document.encode("utf-8"))


def iframe(document: str, *, height: int = 640, title: str = "player") -> str:
    """The page as an ``<iframe srcdoc=...>``, for a Jupyter ``text/html`` output.

    The frame keeps the page's ids, styles, keys and script apart from the notebook's (two
    players in one notebook do not clash) and works in JupyterLab, VS Code and Colab.
    """
    return (f'<iframe srcdoc="{html.escape(document, quote=True)}" '
            f'title="{html.escape(title)}" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #ddd;'
            f'border-radius:4px" loading="eager"></iframe>')


def _inline(name: str, element: str) -> str:
    text = static_text(name)
    if f"</{element}" in text.lower() or "<!--" in text:
        raise ValueError(f"static file {name!r} contains '</{element}' or '<!--' and cannot "
                         f"be inlined into a <{element}> element")
    return f"/* {name} */\n{text}"
