"""Driving a student's value class through the names it chose (micrograd_ed.foreign.Names).

A student's node keeps its number, gradient, operands and chain-rule step under names of its
own (``.grade``, ``backwardpropagation()``, ``_children``). :class:`Driver` reads and calls
them, decides what counts as a node (duck typing: anything with the number, the gradient and
backprop, so a subclass's node and its base class's node mix), walks the student's graph,
and counts how often each node's chain-rule step runs in one backward (a topological order
that lists a node twice runs its step twice).
"""

from __future__ import annotations

import types
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from micrograd_ed.foreign import Names, NamesError, detect

_MAX_WALK = 200_000        # nodes walked at most
_MAX_COUNTED = 2_000       # graphs bigger than this do not get their steps counted


def names_for(cls: type, given: dict[str, str | None]) -> tuple[Names, list[str]]:
    """The names of ``cls``: ``given`` ones as they are, the others detected; a class on which
    backprop or the gradient cannot be found keeps micrograd's names, with a note, so that
    its cases fail with a sentence rather than the check stopping."""
    given = {k: v for k, v in given.items() if v is not None}
    try:
        names, notes = detect(cls, **given)
    except NamesError as e:
        if given and any(f"given as {k}=" in str(e) for k in given):
            raise
        method = _backprop_like(cls, "") if "backward" not in given else []
        try:
            if len(method) != 1:
                raise e
            names, notes = detect(cls, backward=method[0], **given)
            notes = [*notes, f"backward is {method[0]}()"]
        except NamesError as again:
            names, notes = Names(**given), [f"{again}; assumed micrograd's names"]
    if "backward" not in given:
        names, notes = _backprop_method(cls, names, notes)
    return names, notes


def _backprop_like(cls: type, but: str) -> list[str]:
    """The class's methods named like backprop (``backwards``, ``backwardpropagation``)."""
    return [n for n in dir(cls) if isinstance(getattr(cls, n, None), types.FunctionType)
            and n.lower().startswith(("backward", "backprop")) and n != but]


def _backprop_method(cls: type, names: Names, notes: list[str]) -> tuple[Names, list[str]]:
    """When the name found for backprop is only an attribute each node gets in __init__
    (``self.backward = lambda: None``: the per-node chain-rule step), backprop is the class's
    method with a backprop-like name (``backwardpropagation()``, ``backwardit()``)."""
    if isinstance(getattr(cls, names.backward, None), types.FunctionType):
        return names, notes
    methods = _backprop_like(cls, names.backward)
    if len(methods) != 1:
        return names, notes
    step = names.backward if names.step is None else names.step
    notes = [n for n in notes if not n.startswith(("backward is", "no local grads", "no step"))]
    notes.append(f"backward is {methods[0]}() (the .{names.backward} each node gets in "
                 f"__init__ is its chain-rule step)")
    return replace(names, backward=methods[0], step=step), notes


@dataclass
class Driver:
    """How to read and run one student class (``cls``) through its ``names``."""

    cls: type
    names: Names = field(default_factory=Names)
    notes: list[str] = field(default_factory=list)     # what detection found or assumed

    @property
    def closures(self) -> bool:
        """Does the engine keep a chain-rule step per node (micrograd's ``_backward``)?"""
        return self.names.local_grads is None

    def is_node(self, v: object) -> bool:
        """A node is what behaves like one: the class, a base or subclass of it, or anything
        with the number, the gradient and backprop under the engine's names."""
        kind = type(v)
        if isinstance(v, self.cls) or (kind is not object and issubclass(self.cls, kind)):
            return True
        n = self.names
        return all(_has(v, a) for a in (n.data, n.grad)) and callable(
            getattr(v, n.backward, None))

    def read(self, v: object, what: str) -> object:
        """``v.data`` or ``v.grad`` under the engine's names (what: 'data' or 'grad')."""
        return getattr(v, getattr(self.names, what))

    def hidden_backward(self, root: object) -> str:
        """'' or a sentence: an attribute set on the node hides the class's backprop method
        (``self.backward = lambda: None`` in ``__init__``), so ``L.backward()`` runs that."""
        name = self.names.backward
        own = getattr(root, "__dict__", {})
        method = getattr(type(root), name, None)
        if name in own and isinstance(method, types.FunctionType):
            return (f"your __init__ sets self.{name} = {_short(own[name])}, and that "
                    f"attribute hides the method {type(root).__name__}.{name}(): calling "
                    f"L.{name}() ran the attribute, not your backprop, so no gradient moved. "
                    f"Give the per-node step another name (micrograd calls it "
                    f"self._backward).")
        return ""

    def backward(self, root: object) -> None:
        getattr(root, self.names.backward)()

    def parents(self, v: object) -> tuple:
        if not self.names.parents:
            return ()
        try:
            return tuple(getattr(v, self.names.parents))
        except Exception:       # noqa: BLE001 - a student's property may raise anything
            return ()

    def walk(self, root: object) -> Iterator[object]:
        """Every node of the student's graph once (a loop, never recursion)."""
        seen, todo = {id(root)}, [root]
        while todo and len(seen) <= _MAX_WALK:
            v = todo.pop()
            yield v
            for p in self.parents(v):
                if id(p) not in seen:
                    seen.add(id(p))
                    todo.append(p)

    def count_steps(self, root: object) -> Callable[[], Counter] | None:
        """Wrap each node's chain-rule step with a counter; returns a function giving
        {id(node): how many times its step ran}, or None when the engine has no such steps."""
        step = self.names.step
        if not step or not self.closures:
            return None
        counts: Counter = Counter()
        nodes = []
        for v in self.walk(root):
            nodes.append(v)
            if len(nodes) > _MAX_COUNTED:
                return None
        for v in nodes:
            f = getattr(v, step, None)
            own = getattr(v, "__dict__", None)
            if not callable(f) or own is None:
                continue
            own[step] = _counted(f, counts, id(v))
        return lambda: counts


def _counted(f: Callable, counts: Counter, key: int) -> Callable:
    def step(*args, **kwargs):
        counts[key] += 1
        return f(*args, **kwargs)
    return step


def _has(v: object, name: str) -> bool:
    try:
        getattr(v, name)
    except Exception:           # noqa: BLE001
        return False
    return True


def _short(f: object) -> str:
    if getattr(f, "__name__", "") == "<lambda>":
        return "lambda: ..."
    return getattr(f, "__name__", type(f).__name__)
