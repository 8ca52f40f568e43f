"""A PyTorch scalar expression's graph, read into micrograd_ed's own nodes (needs torch).

A 0-d tensor that requires grad carries ``grad_fn``, the node of PyTorch's backward graph
that made it; ``grad_fn.next_functions`` are its operands' nodes, one per slot (``None``
for a plain-number operand, ``AccumulateGrad`` for a leaf tensor). `read_torch` walks
that graph and builds a mirror of Values with PyTorch's own numbers:

* data: a leaf's value; an op's result from what PyTorch saved (``_saved_result``, or the
  operand a later op saved, ``_saved_self``/``_saved_other``), or recomputed from its
  operands (``x + y``), or, for a result nothing saved, solved from the op it feeds;
* local derivatives: each backward node called on a gradient of 1 gives d result / d slot
  for every slot, as PyTorch computes it (``a * a`` gives two);
* gradients: ``torch.autograd.grad`` run once from the root, with a hook on each backward
  node reading the gradient of its result (hooks removed afterwards; no ``.grad`` set).

The tensors are only read: no ``.grad`` is written and the graph stays usable (its saved
values are kept, ``retain_graph=True``). A graph whose saved values were freed by an earlier
``backward()`` cannot be read; the error says to draw before, or to pass
``retain_graph=True``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from micrograd_ed.engine import Value, ops
from micrograd_ed.engine.speed import binary, nary, unary
from micrograd_ed.foreign.graph import ForeignGraphError, Mirror

#: PyTorch backward node -> micrograd_ed's op name ("rsub": c - x, PyTorch's own name).
OPS = {"AddBackward0": "+", "AddBackward1": "+", "SubBackward0": "-", "SubBackward1": "-",
       "MulBackward0": "*", "MulBackward1": "*", "DivBackward0": "/", "DivBackward1": "/",
       "PowBackward0": "**", "PowBackward1": "**", "RsubBackward1": "rsub",
       # the op table's unary rows under PyTorch's names: tanh -> TanhBackward0, ...
       **{f"{name.title().replace('_', '')}Backward0": name for name in ops.UNARY}}
FREED = ("PyTorch freed this graph's saved values when backward() ran on it; draw it before "
         "backward(), or call backward(retain_graph=True)")


def read_torch(root: object, labels: Mapping[str, object] | None = None) -> Mirror:
    """The mirror of the graph behind a 0-d tensor ``root`` (see the module docstring).

    ``labels`` names tensors (``{"a": a, "e": e}``): leaves, or results you kept.
    """
    import torch

    if not isinstance(root, torch.Tensor):
        raise TypeError(f"read_torch expects a torch.Tensor, got {type(root).__name__}")
    if root.numel() != 1 or root.dim() != 0:
        raise ValueError(f"the picture shows scalar graphs: this tensor has shape "
                         f"{tuple(root.shape)}; reduce it to a 0-d tensor (.sum()) first")
    names, kept = _names(labels)
    if root.grad_fn is None:
        v = Value(float(root.detach().item()), label=names.get(id(root), ""))
        return Mirror(v, "torch.Tensor", None, ["a leaf tensor: nothing computed it"], {v: root})
    fns = _walk(root.grad_fn)
    try:
        with torch.no_grad():
            data, unseen = _values(fns, root, kept)
            local = {id(f): _locals(f, root.dtype) for f in fns if _kind(f) != "leaf"}
        grads = _grads(fns, root, torch)
    except RuntimeError as exc:
        if "freed" in str(exc) or "second time" in str(exc):
            raise ForeignGraphError(FREED) from None
        raise
    mirrors: dict[int, Value] = {}
    of: dict[Value, object] = {}
    unknown: list[str] = []
    for f in fns:
        label = names.get(id(f), "")
        if _kind(f) == "leaf":
            label = names.get(id(f.variable), label)
            m = Value(data[id(f)], label=label)
        else:
            slots = [(g, i) for i, (g, _) in enumerate(f.next_functions) if g is not None]
            op, const = _op(f, data, slots)
            if op not in OPS.values():
                unknown.append(type(f).__name__)
            parents = tuple(mirrors[id(g)] for g, _ in slots)
            ds = [local[id(f)][i] for _, i in slots]
            if len(parents) == 1:
                m = unary(data[id(f)], op, parents[0], ds[0], const)
            elif len(parents) == 2 and const is None:
                m = binary(data[id(f)], op, parents[0], parents[1], ds[0], ds[1])
            else:
                m = nary(data[id(f)], op, parents, tuple(ds))
            if label:
                m.label = label
        m.grad = grads[id(f)]
        mirrors[id(f)] = m
        of[m] = f.variable if _kind(f) == "leaf" else f
    notes = ["values as PyTorch saved them (or recomputed), local derivatives from its "
             "backward nodes, grads from torch.autograd.grad"]
    if unseen:
        notes.append(f"values PyTorch keeps nowhere (the result of {', '.join(unseen[:3])} "
                     "with a plain number) show as nan: name those tensors in labels=")
    if unknown:
        notes.append(f"ops shown by PyTorch's name: {', '.join(sorted(set(unknown)))}")
    head = f"a PyTorch expression ({str(root.dtype).replace('torch.', '')}), PyTorch's numbers"
    return Mirror(mirrors[id(root.grad_fn)], "PyTorch tensor", None, notes, of, head=head)


# ------------------------------------------------------------------------ walk
def _kind(f: object) -> str:
    return "leaf" if type(f).__name__ == "AccumulateGrad" else "op"


def _walk(top: object) -> list[object]:
    """The backward nodes behind ``top``, operands first (``top`` last), without recursion."""
    seen: dict[int, object] = {id(top): top}
    stack = [top]
    while stack:
        f = stack.pop()
        for g, _ in f.next_functions:
            if g is not None and id(g) not in seen:
                seen[id(g)] = g
                stack.append(g)
    uses = {k: 0 for k in seen}
    for f in seen.values():
        for g in {id(g) for g, _ in f.next_functions if g is not None}:
            uses[g] += 1
    order, ready = [], [top]
    while ready:
        f = ready.pop()
        order.append(f)
        for g in {id(g): g for g, _ in f.next_functions if g is not None}.values():
            uses[id(g)] -= 1
            if uses[id(g)] == 0:
                ready.append(g)
    order.reverse()
    return order


def _names(labels: Mapping[str, object] | None) -> tuple[dict[int, str], dict[int, float]]:
    """(id of a leaf tensor, or of the backward node of a kept result -> its name;
    id of that backward node -> the kept result's value)."""
    out: dict[int, str] = {}
    kept: dict[int, float] = {}
    for name, t in (labels or {}).items():
        if not isinstance(name, str):
            raise TypeError(f"labels maps names (str) to tensors, got the key {name!r}")
        if not hasattr(t, "grad_fn") or not hasattr(t, "item"):
            raise TypeError(f"labels[{name!r}] is {type(t).__name__}, not a tensor")
        fn = t.grad_fn
        out[id(fn if fn is not None else t)] = name
        if fn is not None:
            kept[id(fn)] = float(t.detach().item())
    return out, kept


# ---------------------------------------------------------------------- numbers
def _saved(f: object, name: str) -> float | None:
    x = getattr(f, name, None)
    if x is None:
        return None
    try:
        return float(x.detach().item() if hasattr(x, "detach") else x)
    except (TypeError, ValueError):
        return None


def _values(fns: list[object], root: object,
            kept: dict[int, float]) -> tuple[dict[int, float], list[str]]:
    """Every node's forward value (see the module docstring), nan where PyTorch kept it
    nowhere (``x + 2``: the 2 is not saved, so neither x + 2 nor x can be solved for); and
    the names of those ops."""
    val: dict[int, float] = {id(fns[-1]): float(root.detach().item())}   # type: ignore[attr-defined]
    val |= kept
    for f in fns:
        if _kind(f) == "leaf":
            val[id(f)] = float(f.variable.detach().item())
        elif (r := _saved(f, "_saved_result")) is not None:
            val[id(f)] = r
    for _ in range(len(fns)):                  # until nothing new is learnt
        before = len(val)
        for f in fns:
            if _kind(f) == "leaf":
                continue
            slots = f.next_functions
            for i, name in ((0, "_saved_self"), (1, "_saved_other")):
                if i < len(slots) and slots[i][0] is not None and id(slots[i][0]) not in val:
                    x = _saved(f, name)
                    if x is not None:
                        val[id(slots[i][0])] = x
            if id(f) not in val:
                z = _forward(f, val)
                if z is not None:
                    val[id(f)] = z
            _solve(f, val)
        if len(val) == before:
            break
    missing = [f for f in fns if id(f) not in val]
    for f in missing:
        val[id(f)] = math.nan
    return val, [OPS.get(type(f).__name__, type(f).__name__) for f in missing]


def _operands(f: object, val: dict[int, float]) -> list[float | None]:
    return [val.get(id(g)) if g is not None else None for g, _ in f.next_functions]


def _forward(f: object, val: dict[int, float]) -> float | None:
    """The result of ``f`` from its operands' values (and what it saved), or None."""
    name = type(f).__name__
    xs = _operands(f, val)
    alpha = _saved(f, "_saved_alpha") or 1.0
    if name == "MulBackward0":
        s, o = _saved(f, "_saved_self"), _saved(f, "_saved_other")
        s = xs[0] if s is None else s
        o = xs[1] if o is None else o
        return None if s is None or o is None else s * o
    if name == "DivBackward0":
        s, o = _saved(f, "_saved_self"), _saved(f, "_saved_other")
        s = xs[0] if s is None else s
        o = xs[1] if o is None else o
        return None if s is None or o is None or o == 0 else s / o
    if name == "PowBackward0":
        s, k = _saved(f, "_saved_self"), _saved(f, "_saved_exponent")
        return None if s is None or k is None else s ** k
    if name == "LogBackward0":
        s = _saved(f, "_saved_self")
        return math.log(s) if s is not None and s > 0 else None
    if None in xs:
        return None
    if name == "AddBackward0":
        return xs[0] + alpha * xs[1]                # type: ignore[operator]
    if name == "SubBackward0":
        return xs[0] - alpha * xs[1]                # type: ignore[operator]
    if name == "NegBackward0":
        return -xs[0]                               # type: ignore[operator]
    return None


def _solve(f: object, val: dict[int, float]) -> None:
    """An operand of a ``+``/``-`` nothing saved, from the result and the other operand."""
    name = type(f).__name__
    if name not in ("AddBackward0", "SubBackward0", "NegBackward0") or id(f) not in val:
        return
    z, slots = val[id(f)], f.next_functions
    xs = _operands(f, val)
    alpha = _saved(f, "_saved_alpha") or 1.0
    if name == "NegBackward0":
        if slots[0][0] is not None and xs[0] is None:
            val[id(slots[0][0])] = -z
        return
    sign = 1.0 if name == "AddBackward0" else -1.0
    g0, g1 = slots[0][0], slots[1][0]
    if g0 is not None and xs[0] is None and (g1 is None or xs[1] is not None):
        if g1 is not None:
            val[id(g0)] = z - sign * alpha * xs[1]      # type: ignore[operator]
    elif g1 is not None and xs[1] is None and g0 is not None and xs[0] is not None:
        val[id(g1)] = sign * (z - xs[0]) / alpha


def _locals(f: object, dtype: object) -> list[float]:
    """d result / d slot for every slot of ``f``, from ``f`` itself (nan for a constant)."""
    import torch

    out = f(torch.ones((), dtype=dtype))                     # type: ignore[operator]
    if not isinstance(out, tuple):
        out = (out,)
    return [math.nan if g is None else float(g.item()) for g in out]


def _grads(fns: list[object], root: object, torch) -> dict[int, float]:
    """d root / d node for every node, by one torch.autograd.grad with hooks."""
    got: dict[int, float] = {id(fns[-1]): 1.0}
    handles = []

    def hook(f):
        def read(grad_inputs, grad_outputs):
            if grad_outputs and grad_outputs[0] is not None:
                got[id(f)] = float(grad_outputs[0].item())
        return read

    leaves = [f for f in fns if _kind(f) == "leaf"]
    try:
        for f in fns:
            if _kind(f) != "leaf" and f is not fns[-1]:
                handles.append(f.register_hook(hook(f)))
        grads = torch.autograd.grad(root, [f.variable for f in leaves], retain_graph=True,
                                    allow_unused=True)
    finally:
        for h in handles:
            h.remove()
    for f, g in zip(leaves, grads):
        got[id(f)] = 0.0 if g is None else float(g.item())
    return {id(f): got.get(id(f), 0.0) for f in fns}


def _op(f: object, data: dict[int, float], slots: list) -> tuple[str, float | None]:
    """(op name, the plain-number operand) of backward node ``f``."""
    name = type(f).__name__
    op = OPS.get(name) or re.sub(r"Backward\d*$", "", name).lower()
    n = len(f.next_functions)
    z = data[id(f)]
    x = data[id(slots[0][0])] if slots else None
    alpha = _saved(f, "_saved_alpha") or 1.0
    if op == "**" and len(slots) == 1:
        return op, _saved(f, "_saved_exponent")
    if op == "rsub":                               # z = c - alpha x
        return op, None if x is None else z + alpha * x
    if len(slots) == n or op not in ("+", "-", "*", "/"):
        return op, None
    c: float | None = None
    if op == "*":
        c = _saved(f, "_saved_other") if slots[0][1] == 0 else _saved(f, "_saved_self")
    elif op == "/":
        c = _saved(f, "_saved_other")
    elif x is not None and op == "+":
        c = (z - x) / alpha
    elif x is not None and op == "-":
        c = (x - z) / alpha
    return op, c
