"""The sentences of findings that are about the whole engine rather than one node's numbers:
results that change between runs, a node whose step ran twice, a recursion limit, a hang."""

from __future__ import annotations

from micrograd_ed.check.explain import num


def unstable(right: int, runs: int, name: str, quantity: str, seen: list[float],
             want: float) -> str:
    """``right in 4 of 10 runs ...``: the same graph, built afresh, gave different results."""
    values = ", ".join(num(x) for x in sorted(set(seen)))
    how = (f"right in {right} of {runs} runs" if right else
           f"wrong in all {runs} runs, and wrong in different ways")
    return (f"your backward gives different results for the same graph: {how} on fresh "
            f"graphs ({quantity} {name} was {values}; want {num(want)}). Your topological "
            f"order depends on set or dict order (a set of nodes is ordered by their "
            f"addresses, which change from run to run), or lists a node twice in some runs. "
            f"Build the order with a visited set and a list, appending each node after its "
            f"parents, and go through the list in reverse.")


def twice(steps: list[tuple[str, int]]) -> str:
    """A node's chain-rule step ran more than once in one backward()."""
    named = [(n, k) for n, k in steps if not n.startswith("a node made by")]
    unnamed = len(steps) - len(named)
    parts = [f"{name} ({k} times)" for name, k in named[:3]]
    if unnamed:
        parts.append(f"{unnamed} unnamed node{'s' if unnamed > 1 else ''}")
    shown = ", ".join(parts)
    first = named[0][0] if named else "a node"
    return (f"in one backward(), your code ran the chain-rule step of {shown}: your "
            f"topological order lists {first} more than once, so it passed its gradient on "
            f"more than once. Add a node to the order only the first time you reach it "
            f"(check a visited set before walking its parents), and go through that list "
            f"once, in reverse.")


def recursion(where: str, depth: int, graph: str, limit: int, before: int | None) -> str:
    """A recursive sort that broke at the recursion limit, with the limit that was in force."""
    if before is not None and before < limit:
        at = (f"a recursion limit of {limit:,} (Python's default; your code had set "
              f"{before:,}, which breaks even sooner)")
    elif before is not None and before > limit:
        at = f"a recursion limit of {limit:,} (Python's default, the one a fresh program has)"
    else:
        at = f"Python's default recursion limit ({limit:,})"
    return (f"RecursionError in {where}: the topological sort recurses, one call per level, "
            f"and at {at} it broke at depth {depth:,} of {graph}. Sort with a loop and an "
            f"explicit stack instead.")


def timeout(case: str, seconds: float, where: str) -> str:
    at = f" (it was running {where})" if where else ""
    return (f"the case {case!r} did not finish within its time budget of {seconds:g} s"
            f"{at}: a loop that never ends, or a sort that takes far too long. Change the "
            f"budget with time_limit=.")
