"""`check_layer_backward`: a learner's own numpy backprop, on graded nets and batches.

The learner writes ``fn(Ws, bs, X, y) -> (dWs, dbs)``: for weight matrices ``Ws[l]``
(n_out x n_in), biases ``bs[l]``, a batch X (B x n_in) and its targets y, the gradients of the
mean cost over the batch, ``dWs[l]`` with the shape of ``Ws[l]`` and ``dbs[l]`` with the shape
of ``bs[l]``. Each graded case (fixed seeds: one sample, a batch, two hidden layers with a
square one, and the digit network's 784-16-16-10) runs twice, on fresh copies, each time under
the checker's time budget (check/budget.py); the result is compared with
:func:`layer_backprop`'s, array by array in backward order (the output layer's dW and db
first), and the first wrong array is named, with the mistake it matches (layers/mistakes.py).

Nothing the learner's code does ends in a traceback: every outcome is a sentence.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from micrograd_ed.check.budget import CaseTimeout, time_budget
from micrograd_ed.check.cases_report import CasesReport
from micrograd_ed.check.explain import distinct
from micrograd_ed.check.guard import safe_repr, student_error
from micrograd_ed.layers.backprop import Backprop, backprop_matrices
from micrograd_ed.layers.costs import Cost, cost_of
from micrograd_ed.layers.mistakes import (
    all_shapes,
    close,
    error_hint,
    recognise,
    shape_hint,
    shapes_here,
)
from micrograd_ed.nn import canonical_activation

#: the graded nets: (name, layer sizes from the input, batch size, seed)
NETS = [
    ("one sample, 3-4-2", [3, 4, 2], 1, 1),
    ("batch of 5, 3-4-2", [3, 4, 2], 5, 2),
    ("two hidden layers, 4-5-5-3, batch of 6", [4, 5, 5, 3], 6, 3),
    ("the digit network, 784-16-16-10, batch of 8", [784, 16, 16, 10], 8, 4),
]
#: seconds each run of the learner's function may take
BUDGET = 5.0


@dataclass(frozen=True)
class Net:
    """One graded case: the arrays handed to the learner, and the right answer."""

    name: str
    Ws: list[np.ndarray]
    bs: list[np.ndarray]
    X: np.ndarray
    y: np.ndarray
    expected: Backprop


def graded_nets(activation: str, output_activation: str, cost: Cost) -> list[Net]:
    """The graded cases, the same numbers on every run (seeded numpy generators)."""
    out = []
    for name, sizes, B, seed in NETS:
        rng = np.random.default_rng(seed)
        Ws, bs = [], []
        for n_in, n_out in zip(sizes, sizes[1:]):
            bound = math.sqrt(6.0 / (n_in + n_out))           # Xavier: no layer saturates
            Ws.append(rng.uniform(-bound, bound, (n_out, n_in)))
            bs.append(rng.uniform(-0.5, 0.5, n_out))
        big = sizes[0] > 100
        X = rng.uniform(0.0, 1.0, (B, sizes[0])) if big else rng.normal(0.0, 1.0, (B, sizes[0]))
        k = sizes[-1]
        if cost.classes:
            y = rng.integers(0, k, B)
        elif cost.name == "hinge":
            y = rng.choice([-1.0, 1.0], (B, k))
        elif cost.name in ("binary_cross_entropy", "bce_with_logits"):
            y = rng.integers(0, 2, (B, k)).astype(np.float64)
        else:
            y = rng.normal(0.0, 1.0, (B, k))
        acts = [activation] * (len(Ws) - 1) + [output_activation]
        expected = backprop_matrices(Ws, bs, acts, X, y, cost)
        out.append(Net(name, Ws, bs, X, y, expected))
    return out


@dataclass
class CaseResult:
    """One graded case: ``ok``; for a failure the ``message``, the first wrong ``layer`` and
    ``array`` ("dW" or "db"), the entry, the expected and received numbers, and the ``hint``."""

    name: str
    ok: bool
    message: str
    layer: int | None = None
    array: str | None = None
    entry: tuple[int, ...] | None = None
    expected: float | None = None
    got: float | None = None
    hint: str = ""
    detail: str = ""
    run: bool = True
    short: str = ""         # the message in a few words, for the list of nets

    def __post_init__(self) -> None:
        if not self.short:
            self.short = "right" if self.ok else self.message


@dataclass
class LayerCheckReport(CasesReport):
    """What :func:`check_layer_backward` found: ``.ok``, ``.cases``, ``.first_failure``,
    ``.sentence`` (one line) and ``.hint``."""

    function: str
    setup: str
    cases: list[CaseResult]

    @property
    def sentence(self) -> str:
        """The verdict in one sentence."""
        f = self.first_failure
        if f is None:
            return (f"{self.function}: all {len(self.cases)} graded nets right "
                    f"(every dW and db agrees with layer_backprop).")
        return f"{self.function}: {f.name}: {f.message}"

    def _lines(self) -> list[str]:
        passed = sum(c.ok for c in self.cases)
        lines = [f"check_layer_backward({self.function}): {passed} of {len(self.cases)} "
                 f"graded nets right ({self.setup})"]
        width = max(len(c.name) for c in self.cases)
        for c in self.cases:
            mark = "✓" if c.ok else ("✗" if c.run else "-")
            lines.append(f"  {mark} {c.name:<{width}}  {c.short}")
        f = self.first_failure
        if f is not None:
            lines += ["", f"first failing net: {f.name}", f"  {f.message}"]
            if f.detail:
                lines.append(f"  {f.detail}")
            if f.hint:
                lines.append(f"  hint: {f.hint}")
        return lines

    def __str__(self) -> str:
        return "\n".join(textwrap.fill(x, 100, subsequent_indent="      ") if len(x) > 100
                         else x for x in self._lines())

    def _repr_markdown_(self) -> str:
        passed = sum(c.ok for c in self.cases)
        out = [f"**check_layer_backward(`{self.function}`)**: {passed} of {len(self.cases)} "
               f"graded nets right ({_md(self.setup)})", "", "| | net | result |",
               "|---|---|---|"]
        for c in self.cases:
            mark = "✓" if c.ok else ("✗" if c.run else "–")
            out.append(f"| {mark} | {_md(c.name)} | {_md(c.short)} |")
        f = self.first_failure
        if f is not None:
            out += ["", f"**First failing net:** {_md(f.name)}. {_md(f.message)}"]
            if f.detail:
                out += ["", _md(f.detail)]
            if f.hint:
                out += ["", f"**Hint:** {_md(f.hint)}"]
        return "\n".join(out)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": str(self), "text/markdown": self._repr_markdown_()}


def _md(text: str) -> str:
    """Plain text safe inside a markdown table cell (code spans keep their backticks)."""
    return text.replace("|", "\\|").replace("\n", " ")


# ------------------------------------------------------------------ the check
def check_layer_backward(fn: Callable[..., Any], *, activation: str = "tanh",
                         output_activation: str = "linear", loss: Any = "cross_entropy",
                         budget: float = BUDGET, atol: float = 1e-8,
                         rtol: float = 1e-6) -> LayerCheckReport:
    """Run ``fn(Ws, bs, X, y) -> (dWs, dbs)`` on every graded net and compare with
    :func:`layer_backprop`; see the module's docstring.

    The nets' hidden layers use `activation`, the last layer `output_activation`, and the
    cost is `loss` (a name or a function of micrograd_ed.losses), as the learner's function
    assumes; the defaults are the digit network's (tanh, a linear output, softmax and
    cross-entropy, averaged over the batch). Each run may take `budget` seconds.
    """
    if not callable(fn):
        raise TypeError(f"check_layer_backward expects a function fn(Ws, bs, X, y), got "
                        f"{type(fn).__name__}")
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not budget > 0:
        raise ValueError(f"check_layer_backward: budget must be a number of seconds > 0, "
                         f"got {budget!r:.40}")
    activation = canonical_activation(activation)
    output_activation = canonical_activation(output_activation)
    cost = cost_of(loss)
    if cost.name == "binary_cross_entropy" and output_activation != "sigmoid":
        raise ValueError("check_layer_backward: binary_cross_entropy needs probabilities; "
                         "use output_activation='sigmoid' (or loss='bce_with_logits')")
    name = getattr(fn, "__name__", type(fn).__name__)
    setup = f"{activation} hidden layers, {output_activation} output, {cost.name}"
    results: list[CaseResult] = []
    hung = False
    for net in graded_nets(activation, output_activation, cost):
        if hung:
            results.append(CaseResult(net.name, False, "not run (an earlier net ran out of "
                                       "time)", run=False))
            continue
        results.append(_case(fn, net, float(budget), atol, rtol))
        hung = results[-1].short == "ran out of time"
    return LayerCheckReport(name, setup, results)


def _case(fn: Callable, net: Net, budget: float, atol: float, rtol: float) -> CaseResult:
    runs = []
    for _ in range(2):                  # twice, on fresh copies: the same answer both times?
        args = ([W.copy() for W in net.Ws], [b.copy() for b in net.bs], net.X.copy(),
                net.y.copy())
        try:
            with time_budget(budget, f"the net {net.name!r}", student=fn):
                value = fn(*args)
        except CaseTimeout:
            return CaseResult(net.name, False,
                              f"did not finish within its budget of {budget:g} s and was "
                              f"stopped",
                              hint="a loop that never ends? (a while whose condition never "
                                   "changes, or a for over a list that grows)",
                              short="ran out of time")
        except (Exception, SystemExit) as e:        # the learner's (sys.exit() included)
            return _error(fn, net, e)
        parsed = _parse(value, net)
        if isinstance(parsed, CaseResult):
            return parsed
        runs.append(parsed)
    first = _compare(net, runs[0], atol, rtol)
    if not first.ok:
        if not first.hint and _low_precision(value):
            first.hint = ("your arrays are float32 (or float16), whose numbers carry about 7 "
                          "(3) digits; the check compares to 6: compute in float64, numpy's "
                          "default (leave out dtype=np.float32 and .astype(np.float32))")
            first.detail = ""
        return first
    for arrays0, arrays1, what in zip(runs[0], runs[1], ("dW", "db")):
        for i, (g0, g1) in enumerate(zip(arrays0, arrays1)):
            if not np.array_equal(g0, g1):
                return CaseResult(net.name, False, f"gave different {what} of layer {i} on two "
                                  f"runs with the same inputs", i, what,
                                  hint="does it use randomness, or keep something between "
                                       "calls (a global, or a default argument it changes)?")
    return CaseResult(net.name, True, "right")


def _low_precision(value: Any) -> bool:
    """Does the learner's return hold a float32 or float16 array?"""
    try:
        return any(getattr(x, "dtype", None) in (np.float32, np.float16)
                   for part in value for x in part)
    except TypeError:
        return False


def _error(fn: Callable, net: Net, e: BaseException) -> CaseResult:
    if isinstance(e, NotImplementedError):
        return CaseResult(net.name, False, "raised NotImplementedError: the exercise is not "
                          "done yet", hint="replace the `...` and the `raise "
                          "NotImplementedError` with your code, then run the check again")
    err = student_error(e, "backward", None, getattr(fn, "__code__", None), "your function")
    where = f" ({err.where})" if err.where else ""
    hint = error_hint(err.message) or err.hint
    detail = all_shapes(net.expected) if error_hint(err.message) else ""
    line = f" at line {err.where.split(', line ')[1].split(':')[0]}" if ", line " in \
        err.where else ""
    return CaseResult(net.name, False, f"your function raised {err.kind}{where}: "
                      f"{err.message}", hint=hint, detail=detail,
                      short=f"raised {err.kind}{line}")


def _parse(value: object, net: Net) -> tuple[list[np.ndarray], list[np.ndarray]] | CaseResult:
    """The learner's (dWs, dbs) as float arrays, or a CaseResult saying what is wrong."""
    n = len(net.Ws)

    def bad(message: str, hint: str = "") -> CaseResult:
        return CaseResult(net.name, False, message, hint=hint)

    if value is None or value is Ellipsis:
        return bad(f"returned {value!r}: the exercise is not done yet",
                   "your function must `return dWs, dbs`: a list of one dW per layer and "
                   "a list of one db per layer")
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        return bad(f"returned {safe_repr(value)}, not a pair (dWs, dbs)",
                   "end with `return dWs, dbs`")
    out: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])
    for what, items, into in (("dWs", value[0], out[0]), ("dbs", value[1], out[1])):
        if isinstance(items, np.ndarray) or not hasattr(items, "__len__"):
            return bad(f"{what} is {safe_repr(items)}, not a list of {n} arrays (one per "
                       f"layer)")
        if len(items) != n:
            return bad(f"{what} has {len(items)} entries, but the net has {n} layers",
                       "one array per layer, in the order of Ws (the input's layer first)")
        for i, x in enumerate(items):
            try:
                arr = np.array(x, dtype=np.float64)
            except (TypeError, ValueError):
                return bad(f"{what}[{i}] is {safe_repr(x)}, not an array of numbers")
            if not np.isfinite(arr).all():
                return bad(f"{what}[{i}] holds {'nan' if np.isnan(arr).any() else 'inf'}",
                           "an exp or a division overflowed: compute the softmax from "
                           "z - z.max(axis=1, keepdims=True)")
            into.append(arr)
    return out


def _compare(net: Net, got: tuple[list[np.ndarray], list[np.ndarray]], atol: float,
             rtol: float) -> CaseResult:
    """The first wrong array, in backward order: dW then db of the output layer, and down."""
    bp = net.expected
    for i in range(len(bp) - 1, -1, -1):
        for array, mine in (("dW", got[0][i]), ("db", got[1][i])):
            want = getattr(bp[i], array)
            label = f"{array} of layer {i}"
            if mine.shape != want.shape:
                return CaseResult(net.name, False, f"{label} has shape {mine.shape}, expected "
                                  f"{want.shape}", i, array, short=f"{label} has the wrong shape",
                                  hint=shape_hint(bp, i, array, mine.shape),
                                  detail=shapes_here(bp, i))
            if close(mine, want, atol, rtol):
                continue
            err = np.abs(mine - want) - rtol * np.abs(want)
            entry = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), want.shape))
            se, sg = distinct(float(want[entry]), float(mine[entry]))
            wrong = int(np.sum(np.abs(mine - want) > atol + rtol * np.abs(want)))
            others = f" ({wrong} of its {want.size} entries differ)" if want.size > 1 else ""
            mistake = recognise(bp, i, array, mine, atol, rtol)
            later = ("" if i == len(bp) - 1 else
                     f"; the layers above it are right, so look at how delta_{i} is made from "
                     f"delta_{i + 1}")
            return CaseResult(net.name, False,
                              f"the first wrong array (output layer first) is {label}: "
                              f"{array}[{', '.join(map(str, entry))}] = {sg}, expected "
                              f"{se}{others}", i, array, entry, float(want[entry]),
                              float(mine[entry]),
                              hint=mistake.text(bp) if mistake else "",
                              detail=("" if mistake else shapes_here(bp, i) + later),
                              short=f"{label} is wrong")
    return CaseResult(net.name, True, "right")
