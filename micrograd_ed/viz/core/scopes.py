"""Which neuron each node of a graph belongs to, from the ``scope`` that nn records.

micrograd_ed.nn sets ``Value.scope = (layer, neuron)`` on the nodes a neuron
call makes (layer is None for a standalone Neuron). A neuron's weights and bias
are leaves without a scope; they belong to the one neuron that uses them.
"""

from __future__ import annotations

from micrograd_ed.engine import Value

Scope = tuple  # (layer index or None, neuron index)


def users(nodes: list[Value]) -> dict[Value, list[Value]]:
    """For each node, the nodes it is an operand of (once per edge, in topological order)."""
    out: dict[Value, list[Value]] = {v: [] for v in nodes}
    for v in nodes:
        for p in v.parents:
            out[p].append(v)
    return out


def scopes(nodes: list[Value], used_by: dict[Value, list[Value]]) -> dict[Value, Scope]:
    """The neuron each node belongs to: its ``scope``; a leaf used only inside one neuron
    (its weights and bias) belongs to that neuron."""
    scope = {v: _normal(v.scope) for v in nodes if v.scope is not None}
    for v in nodes:
        if not v.op and v not in scope and used_by[v]:
            found = {scope.get(u) for u in used_by[v]}
            if len(found) == 1 and None not in found:
                scope[v] = found.pop()
    return scope


def _normal(s: object) -> Scope:
    """``(layer, neuron)`` from any recorded scope: ints kept, anything else as text."""
    parts = tuple(s) if isinstance(s, (tuple, list)) else (None, s)
    if len(parts) != 2:
        parts = (None, parts)
    return tuple(p if p is None or _plain(p) else str(p) for p in parts)


def count_nodes(nodes: list[Value], scope: dict[Value, Scope], collapse: bool) -> int:
    """How many nodes the picture would have (a Value box, plus an ellipse per op)."""
    if not collapse:
        return len(nodes) + sum(1 for v in nodes if v.op)
    outside = sum(1 + bool(v.op) for v in nodes if v not in scope)
    return outside + len(set(scope.values()))


def scope_title(s: Scope) -> str:
    """"layer 1, neuron 0", or "neuron 0" for a standalone Neuron."""
    layer, neuron = s
    return f"neuron {neuron}" if layer is None else f"layer {layer}, neuron {neuron}"


def clusters(drawn: list[tuple[Value, list[str], str]], scope: dict[Value, Scope],
              group_by: str | None, collapse: bool) -> list[tuple[str, str, list[str]]]:
    """(cluster name, label, member DOT names) for each box, in order of first appearance.

    ``drawn`` lists each drawn Value with its DOT node names (its box and op).
    """
    if group_by is None or (collapse and group_by == "neuron"):
        return []
    boxes: dict[object, tuple[str, str, list[str]]] = {}
    for v, names, _ in drawn:
        s = scope.get(v)
        if s is None:
            continue
        if group_by == "layer":
            if s[0] is None:
                continue
            key, label = s[0], f"layer {s[0]}"
            name = f"cluster_L{s[0]}" if _plain(s[0]) else f"cluster_S_{_hex(s[0])}"
        else:
            key, name, label = s, "cluster_" + scope_id(s), scope_title(s)
        boxes.setdefault(key, (name, label, []))[2].extend(names)
    return list(boxes.values())


def scope_id(s: Scope) -> str:
    """A DOT identifier for scope ``s``: ``L1_N0`` (or ``N0``) for int indices.

    Scopes come from the graph (a model file may hold any text as an index), so
    anything but plain ints is spelled in hex: ``("0 -> evil; x", 1)`` becomes
    ``S_30202d3e...__1``, a valid identifier that cannot end a DOT statement.
    """
    layer, neuron = s
    if _plain(neuron) and (layer is None or _plain(layer)):
        return f"N{neuron}" if layer is None else f"L{layer}_N{neuron}"
    return "S_" + "__".join(_hex(part) for part in (layer, neuron))


def _plain(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _hex(x: object) -> str:
    return str(x).encode("utf-8", "replace").hex() if not _plain(x) else str(x)
