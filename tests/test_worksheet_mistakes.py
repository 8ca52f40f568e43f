"""Every typical mistake changes at least one answer on every sheet (issue 23).

The mistakes are modelled here independently of micrograd_ed.teach.mistakes: a tiny
micrograd-style engine written for this test, in which ONE op node (the k-th made) slips
the way a student slips -- forgets "× b", drops the minus sign, writes a wrong local
derivative, takes log as log10 -- or in which every op writes ``=`` instead of ``+=``.
Each sheet is built with that engine (``sheet.build(V)``) and its answers compared with the
key at 3 significant digits.
"""

from __future__ import annotations

import math

import pytest

from micrograd_ed.teach.worksheet import make_worksheet

SEEDS = range(10)


def student_engine(slip: str, at: int):
    """A Value class whose op node number ``at`` (in the order they are made) makes ``slip``;
    with slip "assign", every op writes its shares with = instead of +=."""

    class V:
        made = 0

        def __init__(self, data, parents=(), local=(), op=""):
            self.data, self.grad, self.parents, self.op = float(data), 0.0, parents, op
            self.local = list(local)
            self.k = None
            if op:
                self.k = V.made
                V.made += 1
            if self.k == at:
                self._slip()

        def _slip(self):
            x = [p.data for p in self.parents]
            if slip == "forget factor 0" and self.op == "*":
                self.local[0] = 1.0
            elif slip == "forget factor 1" and self.op == "*":
                self.local[1] = 1.0
            elif slip == "own factor" and self.op == "*" and self.parents[0] is not \
                    self.parents[1]:
                self.local = [x[0], x[1]]
            elif slip == "sign" and self.op == "-":
                self.local[1] = 1.0
            elif slip == "pow no k" and self.op == "**":
                self.local[0] = x[0]              # d(x²) = x, the 2 forgotten
            elif slip == "pow not lowered" and self.op == "**":
                self.local[0] = 2 * x[0] ** 2
            elif slip == "tanh input" and self.op == "tanh":
                self.local[0] = 1 - x[0] ** 2
            elif slip == "tanh no square" and self.op == "tanh":
                self.local[0] = 1 - self.data
            elif slip == "sigmoid alone" and self.op == "sigmoid":
                self.local[0] = self.data
            elif slip == "sigmoid input" and self.op == "sigmoid":
                self.local[0] = x[0] * (1 - x[0])
            elif slip == "exp input" and self.op == "exp":
                self.local[0] = x[0]
            elif slip == "log input" and self.op == "log":
                self.local[0] = x[0]
            elif slip == "log10" and self.op == "log":
                self.data = math.log10(x[0])

        def __add__(self, o):
            return V(self.data + o.data, (self, o), (1.0, 1.0), "+")

        def __sub__(self, o):
            return V(self.data - o.data, (self, o), (1.0, -1.0), "-")

        def __mul__(self, o):
            return V(self.data * o.data, (self, o), (o.data, self.data), "*")

        def __pow__(self, k):
            return V(self.data ** k, (self,), (k * self.data ** (k - 1),), "**")

        def tanh(self):
            t = math.tanh(self.data)
            return V(t, (self,), (1 - t * t,), "tanh")

        def sigmoid(self):
            s = 1 / (1 + math.exp(-self.data))
            return V(s, (self,), (s * (1 - s),), "sigmoid")

        def exp(self):
            e = math.exp(self.data)
            return V(e, (self,), (e,), "exp")

        def log(self):
            return V(math.log(self.data), (self,), (1 / self.data,), "log")

        def backward(self):
            order, seen = [], set()

            def visit(v):
                if id(v) not in seen:
                    seen.add(id(v))
                    for p in v.parents:
                        visit(p)
                    order.append(v)

            visit(self)
            self.grad = 1.0
            for v in reversed(order):
                for p, d in zip(v.parents, v.local):
                    if slip == "assign":
                        p.grad = v.grad * d
                    else:
                        p.grad += v.grad * d

    return V


SLIPS = ("forget factor 0", "forget factor 1", "own factor", "sign", "pow no k",
         "pow not lowered", "tanh input", "tanh no square", "sigmoid alone", "sigmoid input",
         "exp input", "log input", "log10")
APPLIES = {"forget factor 0": "*", "forget factor 1": "*", "own factor": "*", "sign": "-",
           "pow no k": "**", "pow not lowered": "**", "tanh input": "tanh",
           "tanh no square": "tanh", "sigmoid alone": "sigmoid", "sigmoid input": "sigmoid",
           "exp input": "exp", "log input": "log", "log10": "log"}


def student_answers(sheet, slip: str, at: int) -> tuple[list[float], str | None]:
    """The sheet's answers from an engine slipping at op ``at``; and that op's name."""
    V = student_engine(slip, at)
    nodes = sheet.build(V)
    out = list(nodes.values())[-1]
    out.backward()
    op = next((v.op for v in nodes.values() if v.k == at), None)
    got = [nodes[b.name].data if b.quantity == "data" else nodes[b.name].grad
           for b in sheet.blanks]
    return got, op


def same(got: list[float], sheet) -> bool:
    return all(f"{g:.3g}" == f"{b.answer:.3g}" for g, b in zip(got, sheet.blanks))


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_every_slip_at_every_op_changes_an_answer(level):
    checked = 0
    for seed in SEEDS:
        sheet = make_worksheet(level, seed)
        right, _ = student_answers(sheet, "none", -1)
        assert same(right, sheet)                       # the test's engine agrees with the key
        ops = len(sheet.steps)
        for at in range(ops):
            for slip in SLIPS:
                got, op = student_answers(sheet, slip, at)
                if op != APPLIES[slip]:
                    continue
                if slip == "own factor":
                    nodes = sheet.build(student_engine("none", -1))
                    made = [v for v in nodes.values() if v.k == at][0]
                    if made.parents[0] is made.parents[1]:
                        continue
                checked += 1
                assert not same(got, sheet), (level, seed, slip, sheet.steps[at], sheet.inputs)
    assert checked >= 10 * len(SEEDS) if level >= 4 else checked >= 2 * len(SEEDS)


@pytest.mark.parametrize("level", [2, 5])
def test_equals_for_plus_equals_changes_an_answer(level):
    """Where a value is used twice (level 2's fan-out; level 5's inputs x1, x2), a student
    engine that writes p.grad = ... instead of += gets some answer wrong."""
    for seed in SEEDS:
        sheet = make_worksheet(level, seed)
        got, _ = student_answers(sheet, "assign", -1)
        assert not same(got, sheet), (level, seed, sheet.steps)


def test_level3_seed1_no_longer_hides_a_forgotten_factor():
    """The sheet of the issue: b = 1 let "forgot × b" give the right grad a."""
    sheet = make_worksheet(3, 1)
    muls = [k for k, (_, text) in enumerate(sheet.steps) if "*" in text and "**" not in text]
    for at in muls:
        for slip in ("forget factor 0", "forget factor 1"):
            got, _ = student_answers(sheet, slip, at)
            assert not same(got, sheet), (slip, sheet.steps[at], sheet.inputs)


def test_package_model_agrees_with_the_test_engine():
    """micrograd_ed.teach.mistakes (what the generator uses) finds no unnoticed mistake on
    the sheets, and finds one on a sheet built with b = 1."""
    from micrograd_ed.engine import Value
    from micrograd_ed.teach import mistakes
    from micrograd_ed.teach.worksheet import evaluate

    for level in (1, 3, 5):
        sheet = make_worksheet(level, 0)
        nodes = sheet.graph()
        blanks = [(b.name, b.quantity) for b in sheet.blanks]
        assert mistakes.unnoticed(nodes, nodes[sheet.output], blanks) == []
    nodes = evaluate({"a": 1.6, "b": 1.0, "c": 0.9},
                     [("p", "a * b"), ("q", "log(p)"), ("L", "q * c")], Value)
    nodes["L"].backward()
    blanks = [("p", "data"), ("q", "data"), ("L", "data"), ("q", "grad"), ("p", "grad"),
              ("c", "grad"), ("b", "grad"), ("a", "grad")]
    missed = mistakes.unnoticed(nodes, nodes["L"], blanks)
    assert [m.words for m in missed] == ["grad a: forgot \u00d7 b in p"]
