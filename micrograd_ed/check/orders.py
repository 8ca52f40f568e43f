"""Set orders chosen by the checker, so that a verdict is the same in every run.

A student's topological sort often iterates a set of nodes (``_prev = set(children)``,
``visited``). CPython orders a set by its members' hashes, and an object's default hash is
its address, so such a sort can list a node twice in one run and not in the next, as the
memory allocator happens to place the graph. Building the graph afresh at other addresses
finds this only by luck: the addresses a process hands out depend on everything it did
before, so the same check could pass in one run and fail in the next.

:func:`chosen_orders` takes that luck away. While it is active (in this thread or task
only: a :mod:`contextvars` variable), a node's hash is not its address but

    hash(node) = mix(seed, k),   k = how many nodes were hashed before it in this run,

where ``mix`` is SplitMix64, a bijective 64-bit mixer. The k-th node hashed gets the same
hash in every process, so every set a student builds is ordered the same way for the same
``seed``, and different seeds give unrelated orders. The checker runs each graph once per
seed (``seed = 0, 1, 2, ...``), so a sort that depends on set order meets many orders, the
same ones in every run of the check.

Only a class that uses Python's default hash (``object.__hash__``) is given chosen hashes; a
class that defines its own ``__hash__`` is run as written. Outside the block, and in other
threads, every node keeps its default hash: the class's ``__hash__`` is swapped for one that
returns ``object.__hash__(node)`` there, and the original is put back when the last block on
that class ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

_MASK = (1 << 64) - 1


def splitmix64(x: int) -> int:
    """SplitMix64's finaliser: a bijection of 64-bit integers whose output bits all depend
    on every input bit (Steele, Lea and Flood, 2014)."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


@dataclass
class _Run:
    """One block's hashes: node address -> hash, and the nodes, kept alive so that an
    address is never reused by another node while the block runs."""

    seed: int
    hashes: dict[int, int] = field(default_factory=dict)
    nodes: list = field(default_factory=list)


_current: ContextVar[_Run | None] = ContextVar("micrograd_ed_check_orders", default=None)
_lock = threading.Lock()
_patched: dict[type, int] = {}          # class -> how many blocks use it


def _chosen_hash(node: object) -> int:
    """The node's hash: its address outside a block; ``mix(seed, k)`` inside one (one frame
    only, so that a student's deep recursion meets Python's limit where it would anyway)."""
    run = _current.get()
    if run is None:
        return object.__hash__(node)
    h = run.hashes.get(id(node))
    if h is None:
        k = len(run.nodes)
        h = splitmix64((run.seed << 32) ^ k) >> 2           # a non-negative Py_hash_t
        run.hashes[id(node)] = h
        run.nodes.append(node)
    return h


def _install(cls: type) -> bool:
    with _lock:
        if cls in _patched:
            _patched[cls] += 1
            return True
        if cls.__hash__ is not object.__hash__:     # its own hash, or unhashable: as written
            return False
        try:
            cls.__hash__ = _chosen_hash                     # type: ignore[method-assign]
        except (TypeError, AttributeError):                 # a built-in or frozen class
            return False
        _patched[cls] = 1
        return True


def _uninstall(cls: type) -> None:
    with _lock:
        _patched[cls] -= 1
        if _patched[cls] == 0:
            del _patched[cls]
            del cls.__hash__                   # back to the inherited object.__hash__


def orders_are_chosen(cls: type) -> bool:
    """Would :func:`chosen_orders` choose the set orders of ``cls``'s nodes?"""
    return cls in _patched or cls.__hash__ is object.__hash__


@contextmanager
def chosen_orders(cls: type, seed: int) -> Iterator[bool]:
    """Within the block, ``cls``'s nodes hash as ``mix(seed, k)`` (see the module's
    docstring); yields whether it could (False for a class with its own ``__hash__``)."""
    installed = _install(cls)
    token = _current.set(_Run(seed)) if installed else None
    try:
        yield installed
    finally:
        if installed:
            _current.reset(token)
            _uninstall(cls)
