"""Text for LaTeX: every special character escaped, every symbol pdflatex can print.

:func:`escape` turns any Python string into LaTeX source that pdflatex (Debian's TeX Live,
``inputenc`` utf8, ``fontenc`` T1) typesets as the same text:

* the ten specials ``\\ { } $ & # % _ ^ ~`` and ``< > |`` (wrong glyphs in some encodings)
  become their text commands; a ``-`` that is a sign or a minus (``-3``, ``a - b``) becomes
  the math minus, any other is kept from joining into ``--`` (an en dash);
* the page's symbols become math or text commands: ``−`` (U+2212) ``\\ensuremath{-}``, ``×``
  ``\\ensuremath{\\times}``, ``∂``, ``σ``, ``²``, ``·``, ``→``, ``≈``, Greek letters, ...;
* accented Latin letters stay (T1 has them); anything else becomes ``[U+XXXX]``, and control
  characters and lone surrogates are dropped (the renderer's control pictures, ``␀``, print
  as ``⟨NUL⟩``), so no input can break the document.

:data:`PREAMBLE` is the shared preamble of every .tex micrograd_ed writes (fonts, colours,
TikZ, and ``\\mgfit``, which squeezes a text to the width Graphviz measured for it).
"""

from __future__ import annotations

import unicodedata

_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}", "-": "-{}",
    "'": r"\textquotesingle{}", "`": r"\textasciigrave{}", '"': r"\textquotedbl{}",
    "\u00a0": "~", "\t": " ", "\n": " ",
}
_MATH = {
    "\u2212": "-", "\u00d7": r"\times", "\u2202": r"\partial", "\u00b7": r"\cdot",
    "\u22c5": r"\cdot", "\u2192": r"\rightarrow", "\u2190": r"\leftarrow",
    "\u2194": r"\leftrightarrow", "\u21d2": r"\Rightarrow", "\u2248": r"\approx",
    "\u2260": r"\neq", "\u2264": r"\leq", "\u2265": r"\geq", "\u00b1": r"\pm",
    "\u221a": r"\surd", "\u2211": r"\sum", "\u221e": r"\infty", "\u2207": r"\nabla",
    "\u2208": r"\in", "\u2026": r"\dots", "\u22ef": r"\cdots", "\u2218": r"\circ",
    "\u00f7": r"\div", "\u2032": r"\prime", "\u2016": r"\|",
}
_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi o pi rho "
          "varsigma sigma tau upsilon phi chi psi omega").split()       # U+03B1 onwards
for _n, _name in enumerate(_GREEK):
    _MATH[chr(0x3B1 + _n)] = "o" if _name == "o" else "\\" + _name
for _name, _code in (("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398), ("Lambda", 0x39B),
                     ("Xi", 0x39E), ("Pi", 0x3A0), ("Sigma", 0x3A3), ("Phi", 0x3A6),
                     ("Psi", 0x3A8), ("Omega", 0x3A9)):
    _MATH[chr(_code)] = "\\" + _name
_TEXT = {
    "\u00b2": r"\textsuperscript{2}", "\u00b3": r"\textsuperscript{3}",
    "\u00b9": r"\textsuperscript{1}", "\u2013": "--", "\u2014": "---", "\u2018": "`",
    "\u2019": "'", "\u201c": "``", "\u201d": "''", "\u2022": r"\textbullet{}",
    "\u00b0": r"\textdegree{}", "\u2713": r"\ensuremath{\surd}", "\u2717": "x",
    "\u00b5": r"\ensuremath{\mu}", "\ufffd": "?",
}
for _k in range(10):
    _TEXT[chr(0x2080 + _k)] = r"\ensuremath{_{" + str(_k) + "}}"      # subscript digits
    if _k not in (1, 2, 3):
        _TEXT[chr(0x2070 + _k)] = r"\textsuperscript{" + str(_k) + "}"
_CONTROL = ("NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK "
            "SYN ETB CAN EM SUB ESC FS GS RS US").split()
for _k, _name in enumerate(_CONTROL):     # the renderer's control pictures (U+2400, ...)
    _TEXT[chr(0x2400 + _k)] = r"\textlangle{}" + _name + r"\textrangle{}"
_TEXT["\u2421"] = r"\textlangle{}DEL\textrangle{}"
_ACCENTS = {"\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0308": '"', "\u0303": "~",
            "\u0304": "=", "\u0327": "c", "\u030c": "v"}


def escape(text: str) -> str:
    """``text`` as LaTeX source that prints it (see the module's docstring)."""
    out: list[str] = []
    text = str(text)
    for n, ch in enumerate(text):
        code = ord(ch)
        if ch == "-" and _minus(text, n):
            out.append(r"\ensuremath{-}")          # a number's sign: the real minus
        elif ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif 32 <= code < 127:
            out.append(ch)
        elif ch in _MATH:
            out.append(r"\ensuremath{" + _MATH[ch] + "}")
        elif ch in _TEXT:
            out.append(_TEXT[ch])
        elif code < 32 or 127 <= code < 160 or 0xD800 <= code < 0xE000:
            continue                          # control characters, lone surrogates
        else:
            out.append(_letter(ch))
    return "".join(out)


def _minus(text: str, n: int) -> bool:
    """Is the ``-`` at ``text[n]`` a sign or a minus (``-3``, ``= -0.5``, ``a - b``), not a
    hyphen (``x-axis``)?"""
    after = text[n + 1: n + 2]
    before = text[n - 1: n] if n else ""
    if after.isdigit() or after == ".":
        return not before.isalnum()
    return before in ("", " ", "(") and after == " "


def _letter(ch: str) -> str:
    """An accented Latin letter as LaTeX accent + base (``é`` -> ``\\'{e}``); other
    characters as ``[U+XXXX]``."""
    parts = unicodedata.normalize("NFD", ch)
    base, marks = parts[:1], parts[1:]
    if base.isascii() and base.isalpha() and marks and all(m in _ACCENTS for m in marks):
        out = base
        for m in marks:
            out = "\\" + _ACCENTS[m] + "{" + out + "}"
        return out
    return f"[U+{ord(ch):04X}]"


def number(x: float) -> str:
    """A coordinate or size for TikZ: at most 2 decimals, no trailing zeros, never ``-0``."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


PREAMBLE = r"""\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\IfFileExists{lmodern.sty}{\usepackage{lmodern}}{}
\renewcommand{\familydefault}{\sfdefault}
\usepackage{textcomp}
\usepackage{graphicx}
\usepackage{xcolor}
\usepackage{tikz}
% \mgfit{w}{text}: the text, squeezed to w pt when wider (Graphviz measured it at w pt)
\newsavebox{\mgbox}
\newcommand{\mgfit}[2]{\sbox{\mgbox}{#2}\ifdim\wd\mgbox>#1pt\relax
  \resizebox{#1pt}{\height}{\usebox{\mgbox}}\else\usebox{\mgbox}\fi}
"""
