"""Input checks and error messages: say what was wrong, where (op, name, value), what to do.

Every op checks its operands before it computes anything, and its message names the op and
the operands. An operand with a ``label`` is called by its label; an unlabelled one by the
letter it has in the op's formula (``x / y``, ``x ** k``, ``w_3``), so one message never gives
two different nodes the same name (`names` adds "(operand i)" if two labels collide).
"""

from __future__ import annotations

import math

import numpy as np

Number = int | float
Data = float | np.ndarray

_ndarray = np.ndarray


def check_data(data: object, label: str) -> Data:
    """A Value's data: a float, or a copy of a non-empty 1-D array of real numbers (a batch)."""
    if isinstance(data, (bool, np.bool_)):
        raise TypeError(f"Value data must be a real number, got bool ({data!r})"
                        + (f" for {label!r}" if label else ""))
    if isinstance(data, (int, float, np.integer, np.floating)):
        return float(data)
    if isinstance(data, _ndarray):
        if data.ndim == 0:
            return check_data(data.item(), label)
        if data.ndim != 1 or data.size == 0 or data.dtype.kind not in "iuf":
            raise TypeError(
                "a batched Value needs a non-empty 1-D array of real numbers, got "
                f"an array of shape {data.shape} and dtype {data.dtype}"
                + (f" for {label!r}" if label else ""))
        return np.array(data, dtype=np.float64)
    raise TypeError(f"Value data must be a real number (int or float), got "
                    f"{type(data).__name__} ({data!r:.40})"
                    + (f" for {label!r}" if label else ""))


def check_label(label: object) -> str:
    if not isinstance(label, str):
        raise TypeError(f"Value label must be a str, got {type(label).__name__}")
    return label


def check_real_array(x: np.ndarray, where: object) -> np.ndarray:
    """`x` as float64, refusing arrays that only look numeric (bool, complex, object, text)."""
    if x.dtype.kind not in "iuf":
        raise TypeError(f"{where}: inputs must be real numbers, got an array of dtype "
                        f"{x.dtype} (convert it with .astype(float) if that is what you mean)")
    return x.astype(np.float64, copy=False)


def constant(c: object, op: str, v: object | None) -> float | np.ndarray:
    """Check a plain-number operand of `op` (not a Value): a float, or a checked 1-D batch."""
    if c.__class__ is float:
        return c
    if isinstance(c, (bool, np.bool_)) or not isinstance(c, (int, float, np.number, _ndarray)):
        where = f" with {names((v, 'x'))[0]}" if v is not None else ""
        raise TypeError(f"unsupported operand for {op}{where}: {type(c).__name__} "
                        f"{c!r:.40}; use a Value or a real number")
    if isinstance(c, _ndarray) and c.ndim == 1:
        return check_data(c, "")
    return float(check_data(c, ""))


def names(*nodes: tuple[object, str]) -> list[str]:
    """Names for the nodes one message talks about, given as ``(node, letter)`` pairs.

    A node is called by its label, else by its letter in the op's formula. The same node
    always gets the same name; two different nodes never do.
    """
    out: list[str] = []
    given: dict[int, str] = {}
    for i, (v, letter) in enumerate(nodes):
        if id(v) in given:
            out.append(given[id(v)])
            continue
        name = (getattr(v, "label", "") or letter) if v is not None else letter
        if name in given.values():
            name = f"{name} (operand {i + 1})"
        given[id(v)] = name
        out.append(name)
    return out


def show(x: object) -> str:
    """A number for a message: the float, or a summary of a batch."""
    if x.__class__ is _ndarray:
        if x.size == 0:
            return f"array(shape={x.shape})"
        return f"array(shape={x.shape}, min={np.min(x):.6g}, max={np.max(x):.6g})"
    return repr(x)


def finite(x: Data) -> bool:
    """True if `x` (a float or every entry of a batch) is neither NaN nor infinite."""
    return bool(np.isfinite(x).all()) if x.__class__ is _ndarray else math.isfinite(x)
