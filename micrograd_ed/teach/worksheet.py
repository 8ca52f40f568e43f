"""Backprop worksheets with answer keys: ``make_worksheet(level, seed)``.

A worksheet is a small graph given as steps, one named node per step, in the expression
syntax of the ``graph`` command (:mod:`micrograd_ed.teach.expr`)::

    p = a * b;   q = p + c;   L = q * d

The student fills in numbered blanks: the data of the computed nodes (forward pass, in
order), then the grads (backward pass, from the output back; grad L = 1 is given).
:meth:`Worksheet.save` writes

* ``worksheet.svg``: the graph with each blank shown as ``? (n)``; ``answers.svg``: the same
  figure, filled in;
* ``worksheet.pdf`` and ``worksheet.tex``: the handout, A4 or Letter pages with a name field,
  the instructions on top, the graph and room to work, then the answer boxes;
  ``answers.pdf`` and ``answers.tex``: its key (:mod:`micrograd_ed.teach.handout`);
* ``worksheet.json``: ``level``, ``seed``, ``inputs`` {name: number}, ``steps``
  [[name, expression], ...] (the last is the output) and ``blanks``
  [{"name", "quantity": "data" or "grad", "answer"}, ...] in the order they are numbered.

The numbers are drawn with ``random.Random`` seeded by level and seed, and redrawn until no
answer is 0 (or too small or large to read) and every typical mistake (a missing factor,
``=`` for ``+=``, a wrong local derivative: :mod:`micrograd_ed.teach.mistakes`) changes at
least one answer: the same level and seed give the same bytes.
Every answer comes from micrograd_ed's own Value; :meth:`Worksheet.build` also builds the
sheet with any micrograd-style class, so ``compare(sheet.build, StudentValue)`` works.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral
from pathlib import Path

from micrograd_ed.check.figure import Figure, draw, fig_num
from micrograd_ed.engine import Value
from micrograd_ed.files.atomic import write_atomic
from micrograd_ed.teach import expr, mistakes
from micrograd_ed.teach.expr import names, parse
from micrograd_ed.teach.worksheet_levels import (
    CLUSTERS,
    COMPACT,
    DATA_BLANKS,
    DRAWS,
    FLAT,
    LEVELS,
    LONG_FROM,
    MAGNITUDE,
    OP_NAMES,
    TITLES,
)

MAX_DRAWS = 2000
FILES = ("worksheet.svg", "answers.svg", "worksheet.json")


@dataclass(frozen=True)
class Blank:
    """One thing to fill in: the ``quantity`` ("data" or "grad") of node ``name``."""

    name: str
    quantity: str
    answer: float


@dataclass(frozen=True)
class Worksheet:
    """One sheet: its inputs, steps and numbered blanks (see the module's docstring)."""

    level: int
    seed: int
    inputs: dict[str, float]
    steps: list[tuple[str, str]]
    blanks: list[Blank]

    # ------------------------------------------------------------ graph
    def build(self, V: type = Value) -> dict[str, object]:
        """Every node of the sheet built with class ``V``: inputs, then one per step."""
        return evaluate(self.inputs, self.steps, V)

    def graph(self) -> dict[str, Value]:
        """The sheet with micrograd_ed's Value, labelled by name, after backward()."""
        nodes = self.build(Value)
        for name, v in nodes.items():
            v.label = name
        list(nodes.values())[-1].backward()
        return nodes

    @property
    def output(self) -> str:
        return self.steps[-1][0]

    @property
    def ops(self) -> list[str]:
        """The ops on this sheet (the engine's names: ``*``, ``+``, ``log``, ...), each once,
        in the order of the steps."""
        seen: list[str] = []
        nodes = self.build(Value)
        for name, _ in self.steps:
            op = nodes[name].op
            if op not in seen:
                seen.append(op)
        return seen

    @property
    def title(self) -> str:
        """``Level 3, a function in the chain (seed 1)``."""
        return f"level {self.level}, {TITLES[self.level]} (seed {self.seed})"

    def header(self) -> list[str]:
        """What a handout says above the graph: the ops on the sheet (exactly those), and
        what to fill in, in which order."""
        return [
            "Ops on this sheet: " + ", ".join(OP_NAMES.get(op, op) for op in self.ops) + ".",
            f"Fill in each blank ? (n): first the data, in the order of the steps (the "
            f"forward pass), then the grads, from {self.output} back (grad {self.output} = 1 "
            f"is given). Write 3 significant digits.",
        ]

    # ------------------------------------------------------------ files
    def to_json(self) -> str:
        """The sheet as JSON text in the documented schema (keys in that order)."""
        doc = {
            "level": self.level,
            "seed": self.seed,
            "inputs": dict(self.inputs),
            "steps": [[name, text] for name, text in self.steps],
            "blanks": [{"name": b.name, "quantity": b.quantity, "answer": b.answer}
                       for b in self.blanks],
        }
        return json.dumps(doc, indent=2, allow_nan=False) + "\n"

    def figure(self, answers: bool = False, caption: bool = True):
        """The student's sheet (``? (n)`` for each blank), or with ``answers`` the key;
        ``caption=False`` leaves out the title and instructions (a handout prints them above
        the graph)."""
        nodes = self.graph()
        number = {(b.name, b.quantity): k + 1 for k, b in enumerate(self.blanks)}
        name_of = {v: n for n, v in nodes.items()}

        made = {name: shown(text) for name, text in self.steps}

        def text(v: Value) -> list[str]:
            name = name_of[v]
            lines = [f"{name} = {made[name]}" if name in made else name]
            for q, x in (("data", v.data), ("grad", v.grad)):
                k = number.get((name, q))
                if k is None:
                    lines.append(f"{q} {sheet_num(x)}")
                elif answers:
                    lines.append(f"{q} {sheet_num(x)}   ({k})")
                else:
                    lines.append(f"{q} ?   ({k})")
            return lines

        root = nodes[self.output]
        what = "Answers" if answers else "Backprop worksheet"
        title = f"{what}: {self.title}; {len(self.blanks)} blanks" if caption else ""
        legend = [""]
        if answers:
            legend.append("(n): the number of the blank on the worksheet")
        else:
            legend += [self.header()[0]]
            legend += ["fill in each ? (n): first the data, in the order of the steps "
                       "(forward pass),",
                       f"then the grads, from {self.output} back (grad {self.output} = 1)"]
        clusters = [(box, [nodes[n] for n in group]) for box, group in
                    CLUSTERS.get(self.level, ())]
        fig = Figure(root, text, title=title, legend=legend if caption else (),
                     inline_ops=True, clusters=clusters,
                     long_from={nodes[n] for n in LONG_FROM.get(self.level, ())},
                     **dict(zip(("ranksep", "node_margin"), COMPACT.get(self.level, ()))))
        return draw(fig, max_nodes=200,
                    summary=f"worksheet level {self.level} seed {self.seed}"
                            + (" (answers)" if answers else ""))

    def files(self, paper: str = "a4") -> dict[str, bytes]:
        """Every file of the sheet, by name, as bytes (nothing is written): the figures as
        SVG, the handouts on ``paper`` ("a4" or "letter") as PDF (when the renderer can
        lay out) and LaTeX, and the JSON."""
        from micrograd_ed.teach import handout

        paper = handout.check_paper(paper)
        sheet, key = self.figure(False), self.figure(True)
        out = {"worksheet.svg": sheet.svg().encode("utf-8"),
               "answers.svg": key.svg().encode("utf-8")}
        if pdf_supported():
            out["worksheet.pdf"] = handout.handout_pdf(self, False, paper)
            out["answers.pdf"] = handout.handout_pdf(self, True, paper)
        out["worksheet.tex"] = handout.handout_tex(self, False, paper).encode("utf-8")
        out["answers.tex"] = handout.handout_tex(self, True, paper).encode("utf-8")
        out["worksheet.json"] = self.to_json().encode("utf-8")
        return out

    def save(self, out: str | Path, paper: str = "a4") -> list[Path]:
        """Write the sheet; returns the paths. Every file is rendered before the first is
        written, and each is written atomically.

        ``out`` is a folder (created if missing) for all the files of :meth:`files`, or a
        file name ending in ``.tex`` or ``.pdf``: then the handout goes there and its answer
        key beside it (``w.tex`` and ``w-answers.tex``).
        """
        from micrograd_ed.teach import handout

        path = Path(out)
        suffix = path.suffix.lower()
        if suffix in (".tex", ".pdf") and not path.is_dir():
            paper = handout.check_paper(paper)
            key = path.with_name(f"{path.stem}-answers{path.suffix}")
            if suffix == ".tex":
                data = {path: handout.handout_tex(self, False, paper).encode("utf-8"),
                        key: handout.handout_tex(self, True, paper).encode("utf-8")}
            else:
                data = {path: handout.handout_pdf(self, False, paper),
                        key: handout.handout_pdf(self, True, paper)}
            for p, payload in data.items():
                write_atomic(p, payload)
            return list(data)
        folder = path
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(f"cannot write the worksheet into {folder}: it exists and "
                                     f"is not a folder")
        files = self.files(paper)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, payload in files.items():
            write_atomic(folder / name, payload)
            paths.append(folder / name)
        return paths


# ------------------------------------------------------------ making
def make_worksheet(level: int, seed: int, out: str | Path | None = None,
                   paper: str = "a4") -> Worksheet:
    """A worksheet of ``level`` 1-5 from ``seed`` (an int >= 0); writes it to ``out`` if given
    (a folder, or a ``.tex`` / ``.pdf`` handout: see :meth:`Worksheet.save`), on ``paper``
    "a4" or "letter".

    Levels: 1 a chain of + and ×; 2 fan-out and reuse; 3 tanh/exp/log/sigmoid; 4 one neuron
    with a loss; 5 a 2-2-1 network on one example.
    """
    if isinstance(level, bool) or not isinstance(level, Integral) or level not in LEVELS:
        raise ValueError(f"level must be one of 1, 2, 3, 4, 5, got {level!r}")
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    level, seed = int(level), int(seed)
    rng = random.Random(seed * 8 + level)
    for _ in range(MAX_DRAWS):
        inputs, steps = DRAWS[level](rng)
        sheet = _sheet(level, seed, inputs, steps)
        if sheet is not None:
            if out is not None:
                sheet.save(out, paper)
            return sheet
    raise RuntimeError(f"no good numbers found for level {level}, seed {seed} after "
                       f"{MAX_DRAWS} draws (a bug in the level's ranges)")


def _sheet(level: int, seed: int, inputs: dict[str, float],
           steps: list[tuple[str, str]]) -> Worksheet | None:
    """The sheet for these numbers, or None when they make a poor exercise."""
    try:
        nodes = evaluate(inputs, steps, Value)
    except (ArithmeticError, ValueError):
        return None
    if not _allowed(nodes):
        return None
    for name, v in nodes.items():
        v.label = name
    root = nodes[steps[-1][0]]
    root.backward()
    data = [Blank(name, "data", float(nodes[name].data)) for name, _ in steps
            if DATA_BLANKS[level](name)]
    grads = [Blank(name, "grad", float(nodes[name].grad))
             for name in reversed(list(nodes)) if nodes[name] is not root]
    blanks = data + grads
    low, high = MAGNITUDE[level]
    if any(not (low <= abs(b.answer) <= high) for b in blanks):
        return None
    if mistakes.unnoticed(nodes, root, [(b.name, b.quantity) for b in blanks]):
        return None                     # some typical mistake would still give every answer
    return Worksheet(level, seed, dict(inputs), list(steps), blanks)


def _allowed(nodes: Mapping[str, Value]) -> bool:
    """No tanh/sigmoid far into its flat tail, no exp of more than FLAT, no log below 0.1."""
    for v in nodes.values():
        if v.op in ("tanh", "sigmoid", "exp") and abs(v.parents[0].data) > FLAT:
            return False
        if v.op == "log" and v.parents[0].data < 0.1:
            return False
    return True


# -------------------------------------------------------- evaluation
def evaluate(inputs: Mapping[str, float], steps: list[tuple[str, str]],
             V: type = Value) -> dict[str, object]:
    """Build the steps with class ``V``: each expression (checked by :func:`expr.parse`)
    may use the inputs and the names of earlier steps; a name is one node, used as often as
    it appears. Returns {name: node}, inputs first, the last step last."""
    env: dict[str, object] = {name: V(float(x)) for name, x in inputs.items()}
    for name, text in steps:
        if name in env:
            raise ValueError(f"step {name} = {text}: the name {name!r} is already used")
        tree = parse(text)
        for used in names(tree):
            if used not in env:
                raise ValueError(f"in {text!r}: {used!r} is not an input or an earlier step")
        env[name] = expr.evaluate(tree, text, env, V=V, finite=False)
    return env


# --------------------------------------------------------------- helpers
_POWERS = {"2": "\u00b2", "3": "\u00b3"}


def shown(text: str) -> str:
    """A step as printed on the sheet: ``d ** 2`` -> ``d²``, ``a * b`` -> ``a × b``,
    ``o - y`` -> ``o − y`` (one minus sign, U+2212, on every page)."""
    text = " ".join(text.split())
    text = re.sub(r"\s*\*\*\s*(\d+)", lambda m: _POWERS.get(m.group(1), "^" + m.group(1)),
                  text)
    return text.replace("*", "\u00d7").replace("-", "\u2212")


def sheet_num(x: float) -> str:
    """A number as the sheet prints it: 4 significant digits, the minus sign U+2212."""
    return fig_num(x).replace("-", "\u2212")


def pdf_supported() -> bool:
    """Can a Diagram be saved as PDF here (the renderer's PDF output, issue 10)?"""
    from micrograd_ed.viz.core import diagram

    return ".pdf" in getattr(diagram, "SAVE_FORMATS", {})


def _pdf(d) -> bytes:
    """The diagram's PDF (reproducible: the renderer stamps a fixed creation date)."""
    return d.pdf()



