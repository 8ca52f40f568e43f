"""Rough size of a drawing before Graphviz lays it out: for wrapping the legend and
choosing the layout direction of a slide.

Text width uses Arimo's advance widths (em fractions, the font Graphviz measures
with); a picture's width and height come from its ranks: in a left-to-right
layout each rank is a column as wide as its widest box, and as tall as its boxes
stacked. The estimate only has to be good to ~20%: the legend is wrapped well
inside it and the direction is chosen by comparing two estimates.
"""

from __future__ import annotations

from collections.abc import Sequence

_WIDTHS = {**dict.fromkeys("0123456789", 0.556), " ": 0.278, ".": 0.278, ",": 0.278,
           "-": 0.333, "(": 0.333, ")": 0.333, "[": 0.278, "]": 0.278, "i": 0.222,
           "l": 0.222, "j": 0.222, "f": 0.278, "t": 0.278, "r": 0.333, "m": 0.833,
           "w": 0.722, "W": 0.944, "M": 0.833, "=": 0.584, "+": 0.584, "\u00d7": 0.584,
           "\u2212": 0.584}


def text_width(text: str, fontsize: float) -> float:
    """Width in points of one line of ``text`` in Arimo at ``fontsize`` points."""
    em = 0.0
    for ch in text:
        if ch in _WIDTHS:
            em += _WIDTHS[ch]
        elif "a" <= ch <= "z":
            em += 0.52
        elif "A" <= ch <= "Z":
            em += 0.68
        else:
            em += 0.75
    return em * fontsize


def box(text: str, fontsize: float, margin: float = 8.0) -> tuple[float, float]:
    """(width, height) in points of a box holding the lines of ``text``."""
    lines = text.split("\n")
    return (max(text_width(t, fontsize) for t in lines) + 2 * margin,
            len(lines) * fontsize * 1.2 + margin)


def layout_size(ranks: Sequence[Sequence[tuple[float, float]]], rankdir: str,
                nodesep: float, ranksep: float) -> tuple[float, float]:
    """(width, height) in points of boxes ``ranks[r]`` = [(w, h), ...] laid out by rank."""
    gap, sep = nodesep * 72, ranksep * 72
    along, across = [], []
    for boxes in ranks:
        if not boxes:
            continue
        if rankdir in ("LR", "RL"):
            along.append(max(w for w, _ in boxes))
            across.append(sum(h for _, h in boxes) + gap * (len(boxes) - 1))
        else:
            along.append(max(h for _, h in boxes))
            across.append(sum(w for w, _ in boxes) + gap * (len(boxes) - 1))
    length = sum(along) + sep * max(0, len(along) - 1)
    breadth = max(across, default=0.0)
    return (length, breadth) if rankdir in ("LR", "RL") else (breadth, length)


def fit_scale(size: tuple[float, float], frame: tuple[float, float] = (1920, 1080)) -> float:
    """How much a picture of ``size`` points is scaled to fit ``frame`` pixels."""
    w, h = size
    px = 4 / 3  # 1 pt = 4/3 px
    return min(frame[0] / max(w * px, 1), frame[1] / max(h * px, 1))


def drawing_size(sizes: dict[str, tuple[float, float]],
                 edges: Sequence[tuple[str, str, tuple[float, float] | None]], rankdir: str,
                 nodesep: float, ranksep: float) -> tuple[float, float]:
    """(width, height) in points of a dot layout of boxes ``sizes`` joined by ``edges``,
    ``ranksep`` inches apart.

    An edge with a label box spans two ranks, its label box in the rank between its
    ends (the label is a node on the line); an edge without one spans one. A leaf sits
    as late as its first use allows, as dot puts it.
    """
    into: dict[str, list[tuple[str, tuple[float, float] | None]]] = {n: [] for n in sizes}
    for src, tgt, lab in edges:
        if src in sizes and tgt in sizes:
            into[tgt].append((src, lab))
    rank: dict[str, int] = {}

    def rank_of(n: str) -> int:
        stack = [n]
        while stack:
            m = stack[-1]
            todo = [s for s, _ in into[m] if s not in rank]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            rank[m] = max((rank[s] + (1 if lab is None else 2) for s, lab in into[m]),
                          default=0)
        return rank[n]

    for n in sizes:
        rank_of(n)
    out: dict[str, list[int]] = {}     # a leaf sits just before its first use, as in dot
    for tgt, srcs in into.items():
        for src, lab in srcs:
            out.setdefault(src, []).append(rank[tgt] - (1 if lab is None else 2))
    for n in sizes:
        if not into[n] and n in out:
            rank[n] = min(out[n])
    ranks: dict[int, list[tuple[float, float]]] = {}
    for n, size in sizes.items():
        ranks.setdefault(rank[n], []).append(size)
    for src, _, lab in edges:
        if lab is not None and src in rank:
            ranks.setdefault(rank[src] + 1, []).append(lab)
    return layout_size([ranks[r] for r in sorted(ranks)], rankdir, nodesep, ranksep)
