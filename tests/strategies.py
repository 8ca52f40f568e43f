"""Hypothesis strategies for random expression graphs (kept apart from the tests)."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

# A program is a list of steps; each step makes one new node from earlier ones,
# so nodes get reused (diamonds) and constants mix in on either side.
UNARY = ("neg", "exp", "tanh", "sigmoid", "relu", "softplus", "square", "cube", "log_sq")
BINARY = ("+", "-", "*", "/")


@dataclass(frozen=True)
class Step:
    kind: str  # 'unary', 'binary' or 'const'
    op: str
    i: int  # index of the first operand (mod the nodes so far)
    j: int  # index of the second operand
    c: float  # the constant, for 'const' steps
    left: bool  # constant on the left of the op


finite = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False, allow_infinity=False)
steps = st.builds(
    Step,
    kind=st.sampled_from(("unary", "binary", "binary", "const")),
    op=st.sampled_from(UNARY + BINARY),
    i=st.integers(0, 50),
    j=st.integers(0, 50),
    c=st.floats(min_value=-3.0, max_value=3.0).filter(lambda c: abs(c) > 0.1),
    left=st.booleans(),
)
programs = st.tuples(
    st.lists(finite, min_size=1, max_size=4), st.lists(steps, min_size=1, max_size=12)
)


def run(program, inputs, lib):
    """Evaluate a program on `inputs` with `lib` ops (micrograd_ed Values or torch tensors).

    Returns the sum of the last two nodes, or None where the program leaves the
    region where every op is smooth (division near 0, kinks of relu).
    """
    _, prog = program
    nodes = list(inputs)
    for s in prog:
        a, b = nodes[s.i % len(nodes)], nodes[s.j % len(nodes)]
        if s.kind == "unary" or s.op in UNARY:
            op = s.op if s.op in UNARY else "tanh"
            if op == "exp" and lib.data(a) > 5:
                op = "tanh"
            if op == "relu" and abs(lib.data(a)) < 1e-3:
                return None
            out = lib.unary(op, a)
        elif s.kind == "binary":
            if s.op == "/" and abs(lib.data(b)) < 0.3:
                return None
            out = lib.binary(s.op, a, b)
        else:
            if s.op == "/" and s.left and abs(lib.data(a)) < 0.3:
                return None
            out = lib.binary(s.op, s.c, a) if s.left else lib.binary(s.op, a, s.c)
        if abs(lib.data(out)) > 1e6:
            return None
        nodes.append(out)
    return nodes[-1] + nodes[-2] if len(nodes) > 1 else nodes[-1]


class ValueOps:
    """Program ops on micrograd_ed Values."""

    @staticmethod
    def data(v):
        return v.data if hasattr(v, "data") else float(v)

    @staticmethod
    def unary(op, a):
        if op == "neg":
            return -a
        if op == "square":
            return a**2
        if op == "cube":
            return a**3
        if op == "log_sq":
            return (a * a + 1.0).log()
        return getattr(a, op)()

    @staticmethod
    def binary(op, a, b):
        return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b}[
            op
        ]()
