"""Property tests: random graphs (reused nodes, diamonds, constants) vs central differences."""

from __future__ import annotations

from hypothesis import assume, given, settings
from strategies import ValueOps, programs, run

from micrograd_ed import Value
from micrograd_ed.gradcheck import gradcheck


def build(program):
    """fn(inputs) -> Value for gradcheck, or None if the program leaves the smooth region."""

    def fn(inputs):
        return run(program, inputs, ValueOps)

    return fn


@settings(max_examples=600)
@given(programs)
def test_random_graphs_match_central_differences(program):
    xs, _ = program
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    fn = build(program)
    out = fn(inputs)
    assume(out is not None)
    # central differences are only trustworthy where the function is smooth on [x-eps, x+eps]:
    # the program must stay away from its guarded regions (a kink, a small divisor) there too
    for i in range(len(xs)):
        for step in (-1e-5, 1e-5):
            moved = [Value(x + (step if j == i else 0.0)) for j, x in enumerate(xs)]
            assume(fn(moved) is not None)
    result = gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4)
    assert result.ok, str(result)
