"""Which attribute of another engine's node holds what, given or found.

A node of a micrograd-style engine has a number, a gradient and its operands, and usually an
op name and either its local derivatives or a closure that applies them. `Names` says which
attributes those are; `detect` looks at a node (or a class) and fills in what was not given,
trying the names that published engines use, and says in words what it found and what it
assumed, so a report can tell the learner.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

# The names published engines use, most common first (micrograd, its follow-alongs and ports,
# microgpt's local-gradient style, and a few spelled out in other ways).
CANDIDATES: dict[str, tuple[str, ...]] = {
    "data": ("data", "value", "val", "_data"),
    "grad": ("grad", "grade", "gradient", "_grad", "g"),
    "backward": ("backward", "backwards", "backprop", "backpropagate", "backwardpropagation",
                 "backward_pass", "backPropagate"),
    "parents": ("_prev", "_children", "parents", "children", "_parents", "prev", "_inputs",
                "inputs", "_operands"),
    "op": ("_op", "op", "_operator", "_operation", "operation", "_op_name"),
    "local_grads": ("_local_grads", "local_grads", "_grads_local"),
    "step": ("_backward", "_backward_fn", "_grad_fn", "backward_fn"),
    "label": ("label", "_label", "name", "_name"),
}
REQUIRED = ("data", "grad", "backward")

# The method names published engines give the unary ops, the op's own name first (omnigrad
# calls them reLU, ln and sigmod; others ReLU, Sigmoid, Tanh).
OP_METHODS: dict[str, tuple[str, ...]] = {
    "tanh": ("tanh", "Tanh", "TanH"),
    "exp": ("exp", "Exp"),
    "log": ("log", "ln", "Log", "Ln"),
    "relu": ("relu", "ReLU", "reLU", "Relu"),
    "sigmoid": ("sigmoid", "Sigmoid", "sigmod", "sig"),
}


class NamesError(AttributeError):
    """A node lacks an attribute it needs, under every name tried; the message says which."""


@dataclass(frozen=True)
class Names:
    """Attribute names of another engine's nodes. ``None``: the engine has no such thing
    (no op names, no stored local derivatives, no per-node closure, no labels)."""

    data: str = "data"
    grad: str = "grad"
    backward: str = "backward"
    parents: str | None = "_prev"
    op: str | None = "_op"
    local_grads: str | None = None
    step: str | None = "_backward"
    label: str | None = "label"

    def describe(self) -> str:
        """``.data, .grad, backward(), operands in ._prev, op in ._op, ...`` in one line."""
        parts = [f".{self.data} for the number", f".{self.grad} for the gradient",
                 f"{self.backward}() for backprop"]
        parts.append(f"operands in .{self.parents}" if self.parents else "no operands found")
        if self.op:
            parts.append(f"op name in .{self.op}")
        if self.local_grads:
            parts.append(f"local derivatives in .{self.local_grads}")
        elif self.step:
            parts.append(f"each node's chain-rule step in .{self.step}()")
        return ", ".join(parts)


def _has(obj: object, name: str) -> bool:
    """Does obj (a node, or a class) have attribute `name`? For a class, look at what its
    __init__ assigns too, since instance attributes are not on the class."""
    if isinstance(obj, type):
        if any(name in vars(k) for k in obj.__mro__ if k is not object):
            return True
        init = getattr(obj, "__init__", None)
        code = getattr(init, "__code__", None)
        return code is not None and name in code.co_names
    try:
        getattr(obj, name)
    except Exception:       # noqa: BLE001 - a property of the learner's may raise anything
        return False
    return True


def detect(obj: object, **given: str | None) -> tuple[Names, list[str]]:
    """Names for a node (or its class): the `given` ones as they are, the others found.

    Returns the names and, in words, each name that was found rather than given and each
    thing that was not found at all (``"no op name: tried _op, op, ..."``). Raises
    `NamesError` when the number, the gradient or backprop cannot be found, naming what was
    tried and how to say it (``check_engine(V, grad="grade")``).
    """
    unknown = set(given) - {f.name for f in fields(Names)}
    if unknown:
        raise TypeError(f"unknown name(s) {', '.join(sorted(unknown))}; the names are "
                        f"{', '.join(f.name for f in fields(Names))}")
    found: dict[str, str | None] = {}
    notes: list[str] = []
    missing: list[str] = []
    what = obj.__name__ if isinstance(obj, type) else type(obj).__name__
    for field in fields(Names):
        key = field.name
        if key in given:
            name = given[key]
            if name is not None and not _has(obj, name) and key in REQUIRED:
                raise NamesError(f"{what} has no .{name} (given as {key}={name!r})")
            found[key] = name
            continue
        hit = next((n for n in CANDIDATES[key] if _has(obj, n)), None)
        if hit is None:
            if key in REQUIRED:
                tried = ", ".join(CANDIDATES[key])
                raise NamesError(
                    f"{what}: found no {key} attribute (tried {tried}); say which it is, "
                    f"e.g. {key}=\"my_{key}\"")
            missing.append(key)
        elif hit != getattr(Names, key):
            notes.append(f"{key} is .{hit}")
        found[key] = hit
    if found["local_grads"] or found["step"]:       # one way to know the local derivatives
        missing = [k for k in missing if k not in ("local_grads", "step")]
    for key in missing:
        if key != "label":                          # (most engines have no labels)
            notes.append(f"no {key.replace('_', ' ')} found (tried "
                         f"{', '.join(CANDIDATES[key])})")
    return replace(Names(), **found), notes


def op_method(cls: type, op: str) -> str | None:
    """The name of ``cls``'s method for the unary op ``op`` (one of :data:`OP_METHODS`, or
    any other op name, tried as it is): the op's own name when the class has it, else the
    first other name published engines use for it; None when the class has neither."""
    for name in OP_METHODS.get(op, (op,)):
        if callable(getattr(cls, name, None)):
            return name
    return None


def op_notes(cls: type) -> list[str]:
    """In words, each unary op ``cls`` defines under another name (``relu is reLU()``)."""
    out = []
    for op in OP_METHODS:
        name = op_method(cls, op)
        if name is not None and name != op:
            out.append(f"{op} is {name}()")
    return out
