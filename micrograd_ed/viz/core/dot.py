"""DOT text: quoting labels, formatting numbers, writing attribute lists.

Labels are ordinary quoted DOT strings on box and ellipse shapes, never record
shapes, so ``| { } < >`` are plain characters. They are not HTML-like labels
(``label=<...>``) either: those need Graphviz built with libexpat, and the
WebAssembly Graphviz from PyPI (our default renderer) is built without it, so
it would draw every HTML-like label as the node's name. In a quoted string
Graphviz gives meaning to ``\\``, ``"`` and to ``&name;`` entities, so
:func:`quote` escapes exactly those; a newline becomes a line break.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

_CONTROL_PICTURES = {i: chr(0x2400 + i) for i in range(32)} | {0x7F: "\u2421"}


def quote(text: str, newline: str = "\\n") -> str:
    """``text`` as a quoted DOT string that Graphviz draws literally.

    ``\\`` -> ``\\\\``, ``"`` -> ``\\"``, ``&`` -> ``&amp;`` (else ``&lt;`` would
    be drawn as ``<``), a newline -> ``\\n`` (a centred line break). Other control
    characters, which SVG (XML) cannot hold, are drawn as their Unicode control
    pictures (``\\x00`` -> ␀); lone surrogates become U+FFFD. ``newline`` is what a
    newline becomes (``"\\\\l"`` ends left-justified lines).
    """
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "&":
            out.append("&amp;")
        elif ch == "\n":
            out.append(newline)
        elif ch == "\t":
            out.append(" ")
        elif ch == "\r":
            continue
        elif ord(ch) in _CONTROL_PICTURES:
            out.append(_CONTROL_PICTURES[ord(ch)])
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def lines(*parts: str) -> str:
    """Join label lines (skipping empty ones) into one quoted DOT string."""
    return quote("\n".join(p for p in parts if p))


def attrs(values: Mapping[str, object]) -> str:
    """``[key=value, ...]`` in the given order; str values are quoted, others are not.

    Pass a label already quoted by :func:`quote` as a :class:`Raw` value.
    """
    items = []
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, Raw):
            items.append(f"{key}={value.text}")
        elif isinstance(value, str):
            items.append(f"{key}={quote(value)}")
        elif isinstance(value, float):
            items.append(f"{key}={value:.3g}")
        else:
            items.append(f"{key}={value}")
    return "[" + ", ".join(items) + "]" if items else ""


class Raw:
    """An attribute value written as it is (already quoted DOT text)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def fmt(x: float, precision: int = 4) -> str:
    """A compact number: ``precision`` significant digits, ``%g`` style.

    >>> fmt(2.0), fmt(-6.0), fmt(0.52598), fmt(0.00001235), fmt(123456.0)
    ('2', '-6', '0.526', '1.235e-5', '1.235e5')
    """
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"  # also -0.0: a sign on zero only confuses
    s = f"{x:.{precision}g}"
    if "e" in s:
        mantissa, exponent = s.split("e")
        s = f"{mantissa}e{int(exponent)}"
    return s
