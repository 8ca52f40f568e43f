"""Checks of notebook 2, "Write backward yourself".

* 2.1 :func:`topological_order` -- ``my_topological_order(root)``: every node once, each
  after all of its parents, on graphs with fan-out and a chain 5,000 deep;
* 2.2 :func:`chain_rule_loop` -- ``my_backward(root)``, graded by
  :func:`micrograd_ed.check.check_backward` (its sentence and hint are the feedback);
* 2.3 :func:`value_class` -- ``MyValue``, graded by :func:`micrograd_ed.check.check_engine`;
* 2.4 :func:`recursion_prediction` -- which checked graphs a recursive sort fails, and why;
* 2.5 :func:`other_label` -- the backward pass by hand through the XOR net for ``y = 0``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from micrograd_ed.check.backward import BackwardReport, check_backward
from micrograd_ed.check.engine import EngineReport, check_engine
from micrograd_ed.check.exercises import Mistake, NotDone, Part, Tally, blank, exercise
from micrograd_ed.engine import Value
from micrograd_ed.engine import topological_order as library_order

DEEP = 5000


def _lecture() -> Value:
    a, b, c, f = (Value(v, label=n) for v, n in ((2.0, "a"), (-3.0, "b"), (10.0, "c"),
                                                 (-2.0, "f")))
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def _fan_out() -> Value:
    """x feeds h and L directly; h feeds L through g: x is reached by paths of length 1 and 3."""
    x = Value(1.5, label="x")
    y = Value(-2.0, label="y")
    h = x * y
    h.label = "h"
    g = h + y
    g.label = "g"
    k = g * h
    k.label = "k"
    L = k + x
    L.label = "L"
    return L


def _deep() -> Value:
    v = Value(1.0, label="x")
    for _ in range(DEEP):
        v = v * 1.0001
    return v


def _name(v: Value) -> str:
    return v.label or f"the {v.op} node"


def _check_order(order: object, root: Value, where: str) -> None:
    """Raise Mistake unless ``order`` lists root's graph once each, parents first."""
    if order is None or order is Ellipsis:
        raise NotDone("not done yet: my_topological_order returned "
                      f"{'None' if order is None else '...'}; it should return a list of nodes.")
    try:
        order = list(order)
    except TypeError:
        raise Mistake(f"on {where}, my_topological_order returned a {type(order).__name__}, "
                      "not a list of nodes") from None
    ids = [id(v) for v in order]
    if len(set(ids)) != len(ids):
        twice = next(v for k, v in enumerate(order) if id(v) in ids[:k])
        raise Mistake(f"on {where}, {_name(twice)} appears twice in your order",
                      "keep a set of the nodes you have already visited and skip them")
    everything = {id(v): v for v in library_order(root)}
    listed = set(ids)
    missing = [v for i, v in everything.items() if i not in listed]
    if missing:
        raise Mistake(f"on {where}, your order misses {len(missing)} of the {len(everything)} "
                      f"nodes (for example {_name(missing[0])})",
                      "visit every parent of every node you take off the stack")
    extra = [v for v in order if id(v) not in everything]
    if extra:
        raise Mistake(f"on {where}, your order holds something that is not in the graph: "
                      f"{extra[0]!r}")
    pos = {id(v): k for k, v in enumerate(order)}
    for v in order:
        for p in v.parents:
            if pos[id(p)] > pos[id(v)]:
                raise Mistake(
                    f"on {where}, {_name(v)} comes before its parent {_name(p)}: backward would "
                    f"pass on {_name(v)}'s gradient before it is complete",
                    "append a node only after all of its parents have been appended (when "
                    "you come back to it with 'its parents are done'), not when you first "
                    "see it; reversing a list of first visits is not enough when one node is "
                    "reached by two paths")
    if order[-1] is not root:
        raise Mistake(f"on {where}, the output is not last in your order")


@exercise("2.1", "the topological order", "the lecture's graph", "fan-out", "a chain 5,000 deep")
def topological_order(t: Tally, my_topological_order: Callable) -> None:
    """my_topological_order(root) lists every node once, each after its parents."""
    for part, build, where in (("the lecture's graph", _lecture, "L = (a*b + c)*f"),
                               ("fan-out", _fan_out, "L = (x*y + y)*(x*y) + x"),
                               ("a chain 5,000 deep", _deep, "a chain 5,000 deep")):
        with t.part(part):
            root = build()
            _check_order(my_topological_order(root), root, where)


_GROUPS = {
    "the lecture's graph": ("arithmetic",),
    "reused nodes (+=)": ("a + a", "a * a", "fan-out"),
    "a diamond": ("diamond",),
    "a chain 5,000 deep and a sum of 10,000 terms": ("deep chain", "sum of"),
    "every op": ("subtract and divide", "constants on", "neuron", "tanh", "exp", "log",
                 "relu", "sigmoid", "pow"),
}


def _blank_error(report: BackwardReport | EngineReport) -> str:
    for c in report.cases:
        err = getattr(c, "error", None)
        if err is None and getattr(c, "comparison", None) is not None:
            err = c.comparison.error
        if err is not None and err.kind == "NotImplementedError":
            return err.message
    return ""


@exercise("2.2", "the chain-rule loop", *list(_GROUPS)[:-1], Part("every op", hidden=True))
def chain_rule_loop(t: Tally, my_backward: Callable) -> None:
    """my_backward(root) against Value.backward() on check_backward's graphs."""
    if not callable(my_backward):
        raise NotDone(f"not done yet: my_backward is {my_backward!r}, not a function")
    report = check_backward(my_backward)
    if _blank_error(report):
        raise NotDone("not done yet: my_backward (or my_topological_order, which it calls) "
                      "still raises NotImplementedError. Write it, run its cell, then this one.")
    forwards = _walks_forwards(my_backward)
    for part, prefixes in _GROUPS.items():
        with t.part(part):
            for c in report.cases:
                if c.name.startswith(prefixes) and not c.ok:
                    where = f"on {c.name} ({c.formula}): " if c.formula else f"on {c.name}: "
                    hint = c.hint if c.error is not None else (forwards or c.hint)
                    raise Mistake(where + c.message, hint)


_FORWARDS = ("your loop walks the order from the inputs to the output, so every node passes "
             "on its grad before its users have added theirs: walk it backwards, `for node in "
             "reversed(order)`")


def _order(root) -> list:
    """Parents first, for any class with .parents (the learner's too); iterative."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    return order


def _lecture_with(V: type):
    a, b, c, f = V(2.0), V(-3.0), V(10.0), V(-2.0)
    return (a * b + c) * f


def _forward_walk_grads(root) -> list[float]:
    """The grads a loop without reversed() leaves, on a fresh graph (the mistake, simulated)."""
    order = _order(root)
    for v in order:
        v.grad = 0.0
    root.grad = 1.0
    for node in order:
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += float(local) * float(node.grad)
    return [float(v.grad) for v in order]


def _walks_forwards(backward: Callable[[object], object], V: type = Value) -> str:
    """The hint above when ``backward(root)`` leaves, on the lecture's graph built with ``V``,
    the grads of a loop that walks the topological order forwards; '' otherwise."""
    try:
        theirs = _lecture_with(V)
        backward(theirs)
        got = [float(v.grad) for v in _order(theirs)]
        wrong = _forward_walk_grads(_lecture_with(V))
    except Exception:
        return ""
    right = _lecture_with(Value)
    right.backward()
    if got == wrong and got != [float(v.grad) for v in _order(right)]:
        return _FORWARDS
    return ""


_NEEDS = {          # the ops of MyValue each part of 2.3 runs
    "+ and * (the lecture's graph)": ("+", "*"),
    "reused nodes": ("+", "*"),
    "-, / and numbers on either side": ("+", "*", "**"),
    "a chain 5,000 deep and a sum of 10,000 terms": ("+", "*"),
    "exp": ("exp",),
    "tanh": ("tanh",),
    "**": ("**",),
}


def _unwritten_ops(MyValue: type) -> list[str]:
    """The ops of MyValue that still return None (their line is still `...`)."""
    probes = {"+": lambda: MyValue(2.0) + MyValue(3.0), "*": lambda: MyValue(2.0) * MyValue(3.0),
              "**": lambda: MyValue(2.0) ** 2, "exp": lambda: MyValue(0.5).exp(),
              "tanh": lambda: MyValue(0.5).tanh()}
    blank_ops = []
    for op, probe in probes.items():
        try:
            out = probe()
        except Exception:
            continue                      # a real error: check_engine puts it in words
        if out is None or out is Ellipsis:
            blank_ops.append(op)
    return blank_ops


def _backward_does_nothing(MyValue: type) -> bool:
    try:
        a, b = MyValue(2.0), MyValue(3.0)
        out = a * b
        out.backward()
        return float(a.grad) == 0 and float(b.grad) == 0
    except Exception:
        return False


_ENGINE_GROUPS = {
    "+ and * (the lecture's graph)": ("arithmetic",),
    "reused nodes": ("a + a", "a * a", "fan-out", "diamond"),
    "-, / and numbers on either side": ("subtract and divide", "constants on"),
    "a chain 5,000 deep and a sum of 10,000 terms": ("deep chain", "sum of"),
    "exp": ("exp",),
    "tanh": ("tanh", "neuron"),
    "**": ("pow",),
}


@exercise("2.3", "a Value class of your own", *_ENGINE_GROUPS.keys())
def value_class(t: Tally, MyValue: type) -> None:
    """MyValue against micrograd_ed's Value with check_engine; a missing op fails its part."""
    if not isinstance(MyValue, type):
        raise NotDone(f"not done yet: MyValue is {MyValue!r}, not a class")
    try:
        probe = MyValue(2.0) * MyValue(3.0)
    except NotImplementedError:
        probe = None
    except Exception:
        probe = True                  # a real error: check_engine will put it in words
    if probe is None or probe is Ellipsis:
        raise NotDone("not done yet: MyValue(2.0) * MyValue(3.0) gives "
                      f"{'None' if probe is None else '...'}; each op should return a new "
                      "MyValue with its parents and local derivatives.")
    unwritten = _unwritten_ops(MyValue)
    idle = not unwritten and _backward_does_nothing(MyValue)
    forwards = "" if unwritten or idle else _walks_forwards(lambda r: r.backward(), MyValue)
    report = check_engine(MyValue)
    for part, prefixes in _ENGINE_GROUPS.items():
        with t.part(part):
            missing = [op for op in _NEEDS[part] if op in unwritten]
            if missing:
                raise Mistake(f"MyValue's {' and '.join(missing)} still return"
                              f"{'s' if len(missing) == 1 else ''} None (the `...` line)",
                              "each op returns MyValue(value, parents, local derivatives)"
                              + ("; / is a · b⁻¹, so it needs your **" if "**" in missing
                                 and part.startswith("-") else ""))
            if idle:
                raise Mistake("after out.backward() every grad is still 0: MyValue's "
                              "backward() does nothing yet", "backward() can call your "
                              "my_backward(self)")
            for c in report.cases:
                if not c.name.startswith(prefixes):
                    continue
                if c.status == "missing":
                    raise Mistake(f"{c.message} (the case {c.formula})",
                                  f"define {part} on MyValue, with its local derivative")
                if not c.ok:
                    first, _, hint = c.message.partition("\n  hint: ")
                    error = c.comparison is not None and c.comparison.error is not None
                    raise Mistake(f"on {c.name} ({c.formula}): {first}",
                                  hint if error else (forwards or hint))


@exercise("2.4", "the recursive topological order", "which graphs fail", "why")
def recursion_prediction(t: Tally, my_failing_graphs: object, my_error: object,
                         recursive_backward: Callable) -> None:
    """The learner's prediction of check_backward(recursive_backward)'s failures."""
    blank(my_failing_graphs, "my_failing_graphs")
    blank(my_error, "my_error")
    report = check_backward(recursive_backward)
    failed = sorted(c.name for c in report.cases if not c.ok)
    with t.part("which graphs fail"):
        given = [my_failing_graphs] if isinstance(my_failing_graphs, str) else list(
            my_failing_graphs)
        names = [c.name for c in report.cases]
        got = set()
        for g in given:
            hits = [n for n in names if n.lower().startswith(str(g).strip().lower())]
            if len(hits) != 1:
                which = "not the start of" if not hits else "the start of several"
                raise Mistake(f"{g!r} is {which} of the checker's graph names",
                              "copy the names from the report of exercise 2.2: "
                              + ", ".join(names))
            got.add(hits[0])
        if got != set(failed):
            raise Mistake(f"you named {sorted(got)}, but the graphs that fail are {failed}",
                          "a recursive function makes one nested call per level of the graph: "
                          "which graph is deepest?")
    with t.part("why"):
        if not isinstance(my_error, str) or my_error.strip().lower() != "recursionerror":
            raise Mistake(f"{my_error!r} is not the error that stops it",
                          "read the failing line of the report: which exception is named?")


@exercise("2.5", "backprop by hand for the label 0", "dL/da[1,0]", "dL/dz[1,0]",
          Part("the hidden layer (the δ recursion)"))
def other_label(t: Tally, a0: np.ndarray, a1: np.ndarray, W1: np.ndarray,
                dL_da1_y0: object, dL_dz1_y0: object, dL_dz0_y0: object) -> None:
    """The three lines of the backward pass for L = -log(1 - a[1,0])."""
    blank(dL_da1_y0, "dL_da1_y0")
    a = float(np.ravel(a1)[0])
    with t.part("dL/da[1,0]"):
        got = float(np.ravel(dL_da1_y0)[0])
        want = 1 / (1 - a)
        if math.isclose(got, -want, rel_tol=1e-9):
            raise Mistake(f"dL/da[1,0] = {got:.4f} has the wrong sign (it is {want:.4f})",
                          "L = -log(1 - a): the minus of -log and the minus of 1 - a cancel, "
                          "so dL/da = +1/(1 - a)")
        if math.isclose(got, -1 / a, rel_tol=1e-9):
            raise Mistake(f"dL/da[1,0] = {got:.4f} is -1/a, the derivative for the label 1",
                          "for y = 0 the loss is -log(1 - a); differentiate that")
        if not math.isclose(got, want, rel_tol=1e-9):
            raise Mistake(f"dL/da[1,0] = {got:.4f}, but it is {want:.4f}")
    blank(dL_dz1_y0, "dL_dz1_y0")
    with t.part("dL/dz[1,0]"):
        got = float(np.ravel(dL_dz1_y0)[0])
        if not math.isclose(got, a, rel_tol=1e-9):
            raise Mistake(f"dL/dz[1,0] = {got:.4f}, but it is a[1,0] - y = {a:.4f}",
                          "multiply dL/da[1,0] by the sigmoid's slope a(1 - a)")
    blank(dL_dz0_y0, "dL_dz0_y0")
    with t.part("the hidden layer (the δ recursion)"):
        got = np.asarray(dL_dz0_y0, dtype=float).ravel()
        want = a0 * (1 - a0) * (W1.T @ np.array([a])).ravel()
        if got.shape != want.shape:
            raise Mistake(f"dL_dz0_y0 has {got.size} numbers; the hidden layer has {want.size} "
                          "neurons")
        if np.allclose(got, (W1.T @ np.array([a])).ravel(), rtol=1e-9):
            raise Mistake("dL_dz0_y0 is dL/da[0,k], one step short",
                          "multiply by the hidden sigmoids' slopes a0 * (1 - a0)")
        if not np.allclose(got, want, rtol=1e-9, atol=1e-12):
            raise Mistake(f"dL_dz0_y0 = {np.round(got, 4)}, but it is {np.round(want, 4)}",
                          "dL/dz[0,k] = a[0,k](1 - a[0,k]) · Σ_j w[1,j,k] dL/dz[1,j]: W1.T @ "
                          "dL_dz1_y0, times the slopes")
