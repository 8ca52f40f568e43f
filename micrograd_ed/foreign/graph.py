"""A read-only mirror of another engine's graph, in micrograd_ed's own node type.

The renderer (draw_graph, step_through) reads a `Value`'s ``data``, ``grad``, ``op``,
``label``, ``parents`` and ``local_grads``. Another engine's node holds the first ones under
names `Names` describes; its local derivatives it keeps either as numbers (``_local_grads``,
one per operand) or only inside a closure (``_backward``) that applies the chain rule

    parent.grad += (d node / d parent) * node.grad          (micrograd's closure, for one edge)

`read_graph` walks the learner's graph and builds a graph of Values that carries the same
numbers, without changing the learner's graph. A closure's local derivatives are read by
calling it with ``node.grad = 1`` and every operand's grad 0: what each operand then holds is
d node / d operand. The call runs on shallow copies of the nodes (the closure's own cells
rebound to them), so each *slot* of the op gets its own copy: in ``a * a`` the closure writes
``self.grad`` and ``other.grad``, two slots of one node, and each copy receives what its slot
receives (here ``a`` each, 2a in all). Where the closure cannot be rebound (a bound method,
operands not held in its cells), it runs on the learner's nodes themselves, with every grad
and attribute it could touch put back exactly afterwards; then an operand used twice by one
op shows as one edge carrying both uses, and the mirror says so.

The mirror's grads are the learner's grads, as their engine left them. The renderer marks a
node whose grad is not the sum of its edges' shares (``grad of the op's result x local
derivative``, added over the node's uses): exactly where a wrong engine (``=`` for ``+=``, a
bad sort) went wrong.
"""

from __future__ import annotations

import copy
import math
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from micrograd_ed.engine import Value
from micrograd_ed.engine.speed import binary, nary, unary
from micrograd_ed.foreign.names import Names, NamesError, detect
from micrograd_ed.foreign.ops import METHOD_OPS, POWER, SPELLINGS, infer, off_the_rule

#: What the renderer says about a marked node of another engine's graph.
MARK_NOTE = "grad \u2260 the sum of its edges: its engine did not add them up"
MAX_NODES = 100_000         # a walk that finds more nodes than this is refused (a cycle?)

class ForeignGraphError(ValueError):
    """Another engine's graph cannot be read; the message says which node and why."""


@dataclass
class Mirror:
    """A learner's graph read into micrograd_ed's own nodes (see the module docstring).

    ``root`` is the mirror of the learner's root; ``of`` maps each mirror node to the
    learner's node it copies; ``notes`` says, in words, what was found and assumed;
    ``source`` names the engine (its class).
    """

    root: Value
    source: str
    names: Names | None
    notes: list[str] = field(default_factory=list)
    of: dict[Value, object] = field(default_factory=dict)
    mark_note: str = MARK_NOTE
    head: str = ""                  # the caption's first phrase (default: whose graph)
    off: dict[tuple[Value, int], float] = field(default_factory=dict)  # (node, slot) -> rule

    def caption(self) -> str:
        """One sentence for a legend or a player's first step: whose graph, read how."""
        return "; ".join(self.phrases()) + "."

    def phrases(self) -> list[str]:
        """The caption in short phrases (a legend packs them into lines)."""
        head = self.head or f"a graph of {self.source} nodes, as its engine left it"
        return [head, *self.notes]


# ------------------------------------------------------------------------ the walk
def read_graph(root: object, names: Names | None = None, *,
               labels: Mapping[str, object] | None = None, **given: str | None) -> Mirror:
    """The mirror of the graph that computed another engine's ``root``.

    ``names`` (or keywords such as ``grad="grade"``, ``parents="_children"``) say where the
    node keeps what; what is not said is found by `detect`, and the mirror's notes say
    what was found. ``labels`` names nodes (``{"a": a, "b": b}``) for engines without
    labels. The learner's graph is read, never changed: afterwards every node's data, grad
    and attributes are the objects they were before.
    """
    if isinstance(root, Value):
        raise TypeError("read_graph reads another engine's graph; a micrograd_ed Value is "
                        "drawn as it is")
    if names is None:
        try:
            names, notes = detect(root, **given)
        except NamesError:
            if "backward" in given:
                raise
            names, notes = detect(root, backward=None, **given)   # not needed to draw
            notes.append("no backward() yet (drawing does not need it)")
    elif given:
        raise TypeError(f"give either names= or keywords ({', '.join(given)}), not both")
    else:
        notes = []
    own = getattr(root, "__dict__", {}).get(names.backward)
    if not (names.local_grads or names.step) and isinstance(own, types.FunctionType):
        names = replace(names, step=names.backward)   # a closure per node in .backward
        notes = [n for n in notes if not n.startswith(("no local grads", "no step"))]
        notes.append(f"each node's chain-rule step in .{names.backward} (set on every node)")
    if not (names.parents and (names.local_grads or names.step)):
        raise ForeignGraphError(
            f"{type(root).__name__}: cannot read the graph without its operands and a way to "
            f"its local derivatives (found {names.describe()}); say where they are, e.g. "
            "parents=\"_children\", local_grads=\"_local_grads\" or step=\"_backward\"")
    nodes = _walk(root, names)
    given_labels = _labels(labels, nodes)
    reader = _Reader(names, nodes)
    try:
        mirrors: dict[int, Value] = {}
        of: dict[Value, object] = {}
        for node in nodes:
            m = reader.mirror(node, mirrors, given_labels.get(id(node)))
            mirrors[id(node)] = m
            of[m] = node
    finally:
        reader.restore()
    notes += reader.notes()
    off = off_the_rule(list(of))
    for (m, i), want in list(off.items())[:3]:
        notes.append(f"{m.label or m.op + ' node'}, operand {i + 1}: local derivative "
                     f"{m.local_grads[i]:.4g}, where the rule of {m.op} gives {want:.4g}")
    if len(off) > 3:
        notes.append(f"and {len(off) - 3} more local derivatives off their rule")
    cls = type(root)
    where = "" if cls.__module__ in ("__main__", "builtins") else cls.__module__ + "."
    return Mirror(mirrors[id(root)], where + cls.__qualname__, names, notes, of, off=off)


def _walk(root: object, names: Names) -> list[object]:
    """Every node ``root`` depends on, operands before their results (root last), once
    each, without recursion."""
    seen: dict[int, object] = {id(root): root}
    stack = [root]
    while stack:
        v = stack.pop()
        for p in _operands(v, names):
            if id(p) not in seen:
                seen[id(p)] = p
                stack.append(p)
                if len(seen) > MAX_NODES:
                    raise ForeignGraphError(f"more than {MAX_NODES:,} nodes behind "
                                            f"{type(root).__name__} root: too many to draw")
    uses = {k: 0 for k in seen}
    for v in seen.values():
        for p in set(map(id, _operands(v, names))):
            uses[p] += 1
    order, ready = [], [root]
    while ready:
        v = ready.pop()
        order.append(v)
        for p in {id(p): p for p in _operands(v, names)}.values():   # (a*a: once)
            uses[id(p)] -= 1
            if uses[id(p)] == 0:
                ready.append(p)
    if len(order) != len(seen):
        raise ForeignGraphError(f"the graph behind this {type(root).__name__} has a cycle: "
                                "a node is its own operand")
    order.reverse()
    return order


def _operands(v: object, names: Names) -> list[object]:
    """The node's operands as the engine keeps them: a list or tuple in its order; a set in
    a fixed order (its own order follows memory addresses, so it changes from run to run)."""
    ps = getattr(v, names.parents, None) if names.parents else None
    if not ps:
        return []
    if isinstance(ps, (set, frozenset)):
        return sorted(ps, key=lambda p: _sort_key(p, names))
    return list(ps)


def _sort_key(p: object, names: Names) -> tuple:
    label = getattr(p, names.label, "") if names.label else ""
    try:
        data = float(getattr(p, names.data))
    except (TypeError, ValueError):
        data = math.nan
    return (str(label or ""), data if data == data else math.inf)


def _labels(labels: Mapping[str, object] | None, nodes: list[object]) -> dict[int, str]:
    if not labels:
        return {}
    ids = {id(n) for n in nodes}
    out = {}
    for name, node in labels.items():
        if not isinstance(name, str):
            raise TypeError(f"labels maps names (str) to nodes, got the key {name!r}")
        if id(node) not in ids:
            raise ValueError(f"labels[{name!r}] is not a node of this graph")
        out[id(node)] = name
    return out


# --------------------------------------------------------------------- one node
class _Reader:
    """Reads each node's numbers; keeps what it changed, to put it back (restore)."""

    def __init__(self, names: Names, nodes: list[object]) -> None:
        self.n = names
        self.saved: dict[int, tuple[object, dict | None, object, object]] = {}
        for v in nodes:                           # everything a closure call could touch
            d = getattr(v, "__dict__", None)
            self.saved[id(v)] = (v, dict(d) if d is not None else None,
                                 getattr(v, names.grad, None), self._step(v))
        self.in_place: list[str] = []
        self.collapsed: list[str] = []
        self.failed: list[str] = []
        self.split: list[str] = []
        self.inferred_ops = False
        self.inferred_numbers = False

    def _step(self, v: object) -> object:
        return getattr(v, self.n.step, None) if self.n.step else None

    def restore(self) -> None:
        """Every node's attributes back to the very objects they were."""
        for v, d, grad, step in self.saved.values():
            if d is not None:
                now = v.__dict__
                for k in [k for k in now if k not in d]:
                    del now[k]
                for k, x in d.items():
                    if now.get(k, _MISSING) is not x:
                        now[k] = x
            else:
                _set(v, self.n.grad, grad)
                if self.n.step and step is not None and self._step(v) is not step:
                    _set(v, self.n.step, step)

    def notes(self) -> list[str]:
        out = []
        if self.inferred_ops:
            out.append("op names from the method that made each node (__mul__: *)")
        if self.inferred_numbers:
            out.append("no op names: each op found from its numbers (z = x + y with local "
                       "derivatives 1, 1; z = x y with y, x; ...), '?' where none fits")
        if self.collapsed:
            out.append(f"{', '.join(self.collapsed[:3])}: an operand used twice by one op is "
                       "one edge carrying both uses (the engine keeps one copy of it)")
        if self.split:
            out.append(f"{', '.join(self.split[:3])}: an operand in two slots of one op gets "
                       "half of what the engine's step gave it on each edge (assumed)")
        if self.in_place and not (self.collapsed or self.split):
            out.append(f"the chain-rule step of {', '.join(self.in_place[:3])} ran on the "
                       "engine's own nodes, every grad put back afterwards")
        if self.failed:
            out.append(f"the chain-rule step of {', '.join(self.failed[:3])} raised an error: "
                       "its edges show nan")
        return out

    # ----------------------------------------------------------------- numbers
    def number(self, v: object, what: str) -> float:
        x = getattr(v, self.n.data if what == "data" else self.n.grad, None)
        if x is None and what == "grad":
            return 0.0
        try:
            return float(x)                     # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ForeignGraphError(
                f"a {type(v).__name__} node's .{getattr(self.n, what)} is "
                f"{type(x).__name__} ({x!r:.40}), not a number") from None

    def mirror(self, v: object, done: dict[int, Value], label: str | None) -> Value:
        """The mirror of ``v`` (its operands are mirrored already)."""
        ps = _operands(v, self.n)
        data, grad = self.number(v, "data"), self.number(v, "grad")
        if label is None and self.n.label:
            raw = getattr(v, self.n.label, "")
            label = raw if isinstance(raw, str) else "" if raw is None else str(raw)
        if not ps:
            m = Value(data, label=label or "")
            m.grad = grad
            return m
        op, const = self.op(v, len(ps))
        if self.n.local_grads:
            slots, local = ps, self.stored_locals(v, ps)
        else:
            slots, local = self.closure_locals(v, ps, label or op)
        if op == "?":
            op, const = self.infer_op(data, [self.number(p, "data") for p in slots], local)
        parents = tuple(done[id(p)] for p in slots)
        if len(parents) == 1:
            m = unary(data, op, parents[0], local[0], const)
        elif len(parents) == 2 and const is None:
            m = binary(data, op, parents[0], parents[1], local[0], local[1])
        else:
            m = nary(data, op, parents, tuple(local), const)
        m.grad = grad
        if label:
            m.label = label
        return m

    def op(self, v: object, arity: int) -> tuple[str, float | None]:
        """(micrograd_ed's op name, the constant) for the engine's op text: ``**2`` is
        ``**`` with 2, ``ReLU`` is ``relu``; an unknown text stays as it is."""
        raw = getattr(v, self.n.op, None) if self.n.op else None
        if raw is None or raw == "":
            raw, const = self.op_from_method(v)
            if raw:
                return raw, const if arity == 1 else None
            return "?", None
        text = str(raw).strip()
        power = POWER.match(text)
        if power and arity == 1:
            return "**", float(power.group(1))
        low = text.lower()
        if low in ("pow", "**") and arity == 1:            # the exponent from the closure
            k = _cells(self._step(v)).get("other")
            number = isinstance(k, (int, float)) and not isinstance(k, bool)
            return "**", float(k) if number else None     # type: ignore[arg-type]
        if low in SPELLINGS:
            return SPELLINGS[low], None
        return text, None

    def infer_op(self, z: float, xs: list[float],
                 local: list[float]) -> tuple[str, float | None]:
        """The op, for an engine that names none (microgpt's), from the numbers: the one
        whose value and local derivatives they are exactly (``z = x + y`` with 1 and 1,
        ``z = x y`` with y and x, ``z = e^x`` with z, ``z = x^k`` with k x^(k-1), ...)."""
        found = infer(z, xs, local)
        if found[0] != "?":
            self.inferred_numbers = True
        return found

    def op_from_method(self, v: object) -> tuple[str, float | None]:
        fn = self._step(v)
        qual = getattr(fn, "__qualname__", "")
        parts = qual.split(".<locals>.")
        if len(parts) < 2:
            return "", None
        method = parts[-2].rsplit(".", 1)[-1]
        op = METHOD_OPS.get(method) or SPELLINGS.get(method.lower(), "")
        if not op:
            return "", None
        self.inferred_ops = True
        const = None
        if op == "**":
            cells = _cells(fn)
            other = cells.get("other")
            if isinstance(other, (int, float)) and not isinstance(other, bool):
                const = float(other)
        return op, const

    def stored_locals(self, v: object, ps: list[object]) -> list[float]:
        lg = list(getattr(v, self.n.local_grads) or ())   # type: ignore[arg-type]
        if len(lg) != len(ps):
            raise ForeignGraphError(
                f"a {type(v).__name__} node has {len(ps)} operands in .{self.n.parents} but "
                f"{len(lg)} local derivatives in .{self.n.local_grads}")
        try:
            return [float(d) for d in lg]
        except (TypeError, ValueError):
            raise ForeignGraphError(f"a {type(v).__name__} node's .{self.n.local_grads} holds "
                                    f"{lg!r:.60}, not numbers") from None

    # ------------------------------------------------------------ closure engines
    def closure_locals(self, v: object, ps: list[object],
                       what: str) -> tuple[list[object], list[float]]:
        """(the operand of each slot, d v / d that slot), by calling the engine's own step."""
        fn = self._step(v)
        if not callable(fn):
            raise ForeignGraphError(f"a {type(v).__name__} node made by {what!r} has no "
                                    f"callable .{self.n.step}")
        whole = self.call_in_place(v, fn, ps, what)
        rebound = self.call_rebound(v, fn, ps)
        if rebound is not None:
            slots, local = rebound
            for p in ps:                              # the copies saw what the nodes saw?
                mine = [d for q, d in zip(slots, local) if q is p]
                if len(mine) == 1 and not _same(mine[0], whole[id(p)]):
                    rebound = None
                    break
        if rebound is not None:
            return rebound
        self.in_place.append(what)
        if len(ps) < _arity(self.op(v, len(ps))[0]):
            self.collapsed.append(f"{what!r}")
        times = [sum(q is p for q in ps) for p in ps]
        if max(times) > 1:
            self.split.append(f"{what!r}")
        return ps, [whole[id(p)] / n for p, n in zip(ps, times)]

    def call_in_place(self, v: object, fn: Callable, ps: list[object],
                      what: str) -> dict[int, float]:
        """node.grad = 1, each operand's grad 0, call, read, put every grad back."""
        g = self.n.grad
        before = {id(x): getattr(x, g, None) for x in (v, *ps)}
        step_before = {id(x): self._step(x) for x in (v, *ps)}
        try:
            for p in ps:
                _set(p, g, 0.0)
            _set(v, g, 1.0)
            try:
                fn()
            except Exception as exc:                # noqa: BLE001 - the learner's code
                self.failed.append(f"{what!r} ({type(exc).__name__}: {exc})")
                return {id(p): math.nan for p in ps}
            out = {}
            for p in ps:
                try:
                    out[id(p)] = float(getattr(p, g))
                except (TypeError, ValueError):
                    out[id(p)] = math.nan
            return out
        finally:
            for x in (v, *ps):
                _set(x, g, before[id(x)])
                if self.n.step and self._step(x) is not step_before[id(x)]:
                    _set(x, self.n.step, step_before[id(x)])

    def call_rebound(self, v: object, fn: Callable,
                     ps: list[object]) -> tuple[list[object], list[float]] | None:
        """The closure run on copies: one copy per cell that holds an operand (a slot), so
        ``a * a`` gets two. None when the closure cannot be rebound this way."""
        code = getattr(fn, "__code__", None)
        closure = getattr(fn, "__closure__", None)
        if not isinstance(fn, types.FunctionType) or not closure or code is None:
            return None
        ids = {id(p): p for p in ps}
        names = code.co_freevars
        contents = [_content(c) for c in closure]
        slot_cells = [i for i, x in enumerate(contents) if id(x) in ids]
        if {id(contents[i]) for i in slot_cells} != set(ids) or not any(
                x is v for x in contents):
            return None                     # an operand, or the node, reached another way
        order = sorted(slot_cells, key=lambda i: (names[i] != "self", i))
        g = self.n.grad
        try:
            cells, copies = [], {}
            for i, x in enumerate(contents):
                if i in slot_cells:
                    c = copy.copy(x)
                    _set(c, g, 0.0)
                    copies[i] = c
                elif x is v:
                    c = copy.copy(x)
                    _set(c, g, 1.0)
                else:
                    c = x
                cells.append(types.CellType(c))
            call = types.FunctionType(code, fn.__globals__, fn.__name__, fn.__defaults__,
                                      tuple(cells))
            call.__kwdefaults__ = fn.__kwdefaults__
            call()
            local = [float(getattr(copies[i], g)) for i in order]
        except Exception:                   # noqa: BLE001 - fall back to the plain call
            return None
        return [contents[i] for i in order], local


_MISSING = object()


def _content(cell: types.CellType) -> object:
    try:
        return cell.cell_contents
    except ValueError:                  # an empty cell
        return _MISSING


def _cells(fn: object) -> dict[str, object]:
    code, closure = getattr(fn, "__code__", None), getattr(fn, "__closure__", None)
    if code is None or not closure:
        return {}
    return {n: _content(c) for n, c in zip(code.co_freevars, closure)}


def _set(obj: object, name: str, value: object) -> None:
    d = getattr(obj, "__dict__", None)
    if d is not None and name in d:
        d[name] = value                 # (past any property of the learner's)
    else:
        setattr(obj, name, value)


def _same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)


def _arity(op: str) -> int:
    return 2 if op in ("+", "*", "-", "/") else 1


def mirror_of(root: object, names: Names | None = None,
              engine: Mapping[str, object] | None = None, who: str = "draw_graph",
              ) -> Mirror | None:
    """What a picture draws for ``root``: None for a micrograd_ed Value (drawn as it is),
    the Mirror itself, a PyTorch tensor's graph (foreign/torch.py), or another engine's
    graph read through ``names`` / ``engine`` (the keywords of `read_graph`)."""
    engine = dict(engine or {})
    if isinstance(root, Value):
        if names is not None or engine:
            raise TypeError(f"names=/{', '.join(engine) or 'keywords'} describe another "
                            "engine's nodes; a micrograd_ed Value needs none")
        return None
    if isinstance(root, Mirror):
        return root
    if type(root).__module__.split(".")[0] == "torch":
        from micrograd_ed.foreign.torch import read_torch

        if names is not None or set(engine) - {"labels"}:
            raise TypeError("a PyTorch tensor's graph is read through grad_fn: only "
                            "labels= applies")
        return read_torch(root, labels=engine.get("labels"))    # type: ignore[arg-type]
    labels = engine.pop("labels", None)
    try:
        return read_graph(root, names, labels=labels, **engine)  # type: ignore[arg-type]
    except NamesError as exc:
        raise TypeError(f"{who} expects a Value, got {type(root).__name__}, which is not "
                        f"the root of another engine's graph either: {exc}") from None
