"""The five worksheet levels: which graphs, which numbers, which blanks.

Each level is a function ``draw(rng) -> (inputs, steps, allowed)`` that picks a shape and
numbers with the seeded ``random.Random``; ``allowed(nodes)`` says whether the numbers came
out well (no function far into its flat tail, no log of a non-positive number). The sheet
generator retries until every answer is nonzero and of a readable size.

1. a chain of + and ×;  2. fan-out and reuse (a node used twice);
3. tanh / exp / log / sigmoid;  4. one neuron with a squared-error loss;
5. a 2-2-1 network on one example.

Levels 1 and 2 use small integers; levels 3 to 5 numbers with one decimal.
"""

from __future__ import annotations

import random
from collections.abc import Callable

Steps = list[tuple[str, str]]
Draw = Callable[[random.Random], tuple[dict[str, float], Steps]]

LEVELS = (1, 2, 3, 4, 5)
TITLES = {
    1: "a chain of + and \u00d7",
    2: "fan-out and reuse",
    3: "a function in the chain",
    4: "one neuron with a loss",
    5: "a 2-2-1 network on one example",
}


def _int(rng: random.Random, low: int = -5, high: int = 5) -> float:
    """A nonzero integer in [low, high], as a float."""
    return float(rng.choice([k for k in range(low, high + 1) if k != 0]))


def _dec(rng: random.Random, high: float = 2.0) -> float:
    """A nonzero number with one decimal in [-high, high]."""
    n = round(high * 10)
    return rng.choice([k for k in range(-n, n + 1) if k != 0]) / 10


def _pos(rng: random.Random, low: float = 0.5, high: float = 3.0) -> float:
    """A positive number with one decimal in [low, high]."""
    return rng.randint(round(low * 10), round(high * 10)) / 10


def level1(rng: random.Random) -> tuple[dict[str, float], Steps]:
    n = rng.choice((3, 4))
    names = "abcde"[: n + 1]
    ops = [rng.choice("+*") for _ in range(n)]
    if "+" not in ops:
        ops[rng.randrange(n)] = "+"
    if "*" not in ops:
        ops[rng.randrange(n)] = "*"
    inner = ["p", "q", "r"][: n - 1] + ["L"]
    steps, prev = [], names[0]
    for k, op in enumerate(ops):
        new = names[k + 1]
        left, right = (prev, new) if rng.random() < 0.7 else (new, prev)
        steps.append((inner[k], f"{left} {op} {right}"))
        prev = inner[k]
    return {x: _int(rng) for x in names}, steps


_LEVEL2 = (
    [("p", "a {0} b"), ("q", "p {1} a"), ("L", "q * p")],
    [("p", "a {0} b"), ("q", "p * p"), ("L", "q {1} a")],
    [("p", "a {0} b"), ("q", "b {1} c"), ("L", "p * q")],
    [("p", "a * a"), ("q", "p {0} b"), ("r", "q * a"), ("L", "r {1} p")],
    [("p", "a {0} b"), ("q", "p {1} c"), ("r", "q * p"), ("L", "r {0} b")],
)


def level2(rng: random.Random) -> tuple[dict[str, float], Steps]:
    shape = rng.choice(_LEVEL2)
    ops = [rng.choice("+-*") for _ in range(2)]
    steps = [(name, text.format(*ops)) for name, text in shape]
    used = sorted({t for _, text in steps for t in text.split() if t in "abc"})
    return {x: _int(rng, -4, 4) for x in used}, steps


_LEVEL3 = (
    [("p", "a * b"), ("n", "p + c"), ("L", "tanh(n)")],
    [("p", "a + b"), ("q", "exp(p)"), ("L", "q * c")],
    [("p", "a * b"), ("q", "sigmoid(p)"), ("L", "q * c")],
    [("p", "a * b"), ("q", "log(p)"), ("L", "q * c")],
    [("p", "exp(a)"), ("q", "p + b"), ("r", "log(q)"), ("L", "r * c")],
    [("p", "a * b"), ("q", "tanh(p)"), ("r", "sigmoid(c)"), ("L", "q * r")],
)


def level3(rng: random.Random) -> tuple[dict[str, float], Steps]:
    steps = list(rng.choice(_LEVEL3))
    return {x: _dec(rng) for x in "abc"}, steps


def level4(rng: random.Random) -> tuple[dict[str, float], Steps]:
    act = rng.choice(("tanh", "sigmoid"))
    y = rng.choice((-1.0, 1.0, 0.5)) if act == "tanh" else rng.choice((0.0, 1.0))
    inputs = {"x1": _dec(rng), "x2": _dec(rng), "w1": _dec(rng, 1.5), "w2": _dec(rng, 1.5),
              "b": _dec(rng, 1.0), "y": y}
    steps = [("p1", "w1 * x1"), ("p2", "w2 * x2"), ("s", "p1 + p2"), ("n", "s + b"),
             ("o", f"{act}(n)"), ("d", "o - y"), ("L", "d ** 2")]
    return inputs, steps


def level5(rng: random.Random) -> tuple[dict[str, float], Steps]:
    inputs = {"x1": _dec(rng), "x2": _dec(rng)}
    steps: Steps = []
    for j in (1, 2):
        for i in (1, 2):
            inputs[f"w{j}{i}"] = _dec(rng, 1.5)
        inputs[f"b{j}"] = _dec(rng, 1.0)
        steps += [(f"p{j}1", f"w{j}1 * x1"), (f"p{j}2", f"w{j}2 * x2"),
                  (f"s{j}", f"p{j}1 + p{j}2"), (f"z{j}", f"s{j} + b{j}"),
                  (f"h{j}", f"tanh(z{j})")]
    inputs |= {"v1": _dec(rng, 1.5), "v2": _dec(rng, 1.5), "c": _dec(rng, 1.0),
               "y": rng.choice((-1.0, 1.0, 0.5))}
    steps += [("q1", "v1 * h1"), ("q2", "v2 * h2"), ("s", "q1 + q2"), ("z", "s + c"),
              ("o", "tanh(z)"), ("d", "o - y"), ("L", "d ** 2")]
    return inputs, steps


DRAWS: dict[int, Draw] = {1: level1, 2: level2, 3: level3, 4: level4, 5: level5}

# Which data blanks a level asks for: every computed value, except at level 5, where the
# hidden neurons' weighted sums are given (the sheet is about backprop) and everything from
# the activations on is asked. A given value is never downstream of a blank, so no given
# number gives an answer away.
LEVEL5_GIVEN = frozenset({"p11", "p12", "p21", "p22", "s1", "s2", "z1", "z2"})
DATA_BLANKS: dict[int, Callable[[str], bool]] = {
    1: lambda name: True, 2: lambda name: True, 3: lambda name: True, 4: lambda name: True,
    5: lambda name: name not in LEVEL5_GIVEN,
}
MAGNITUDE = {1: (1.0, 300.0), 2: (1.0, 300.0), 3: (0.01, 100.0), 4: (0.001, 100.0),
             5: (0.001, 100.0)}
# Level 5's hidden neurons are boxed, each kept together (never interleaved); x2 sits one
# rank further left, so its edges pass around x1's and no two edges cross.
CLUSTERS: dict[int, tuple[tuple[str, tuple[str, ...]], ...]] = {
    5: tuple((f"neuron {j}", (f"p{j}1", f"p{j}2", f"s{j}", f"b{j}",
                              f"z{j}", f"h{j}")) for j in (1, 2)),
}
LONG_FROM: dict[int, tuple[str, ...]] = {5: ("x2",)}
# The wide sheets are drawn tighter (inches between ranks, room around a node's text), so
# that printed across an A4 or Letter page their text stays at least 8 pt.
COMPACT: dict[int, tuple[float, str]] = {4: (0.25, "0.08,0.04"), 5: (0.2, "0.06,0.04")}
# How the header names each op: the sheet's own symbols, log with its base.
OP_NAMES = {"*": "\u00d7", "+": "+", "-": "\u2212", "**": "square (x\u00b2)", "tanh": "tanh",
            "exp": "exp", "sigmoid": "sigmoid", "log": "log (the natural log ln, base e)"}
FLAT = 2.5          # |argument| of tanh/sigmoid, and the argument of exp, kept below this
