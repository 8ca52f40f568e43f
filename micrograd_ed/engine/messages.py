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
    if c.__class__ is int:
        return float(c)
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


# ------------------------------------- the ops' domain checks (value.py calls them)
EXP_MAX = 709.782712893384  # math.log(sys.float_info.max): exp() above it overflows


def _any(cond) -> bool:
    return bool(cond.any()) if cond.__class__ is _ndarray else cond


def divisor(x, y) -> None:
    """x / y needs y != 0 (y a Value or a plain number)."""
    if not hasattr(y, "data"):
        if y == 0:
            raise ZeroDivisionError(f"division by zero: {names((x, 'x'))[0]} / {y!r}")
    elif _any(y.data == 0):
        nx, ny = names((x, "x"), (y, "y"))
        raise ZeroDivisionError(f"division by zero: {nx} / {ny} with {ny} = {show(y.data)}")


def batch_sizes(op: str, x, y) -> ValueError:
    """Two batches of different sizes met in one op: name both and their sizes."""
    nx, ny = names((x, "x"), (y, "y"))
    def count(v) -> str:
        n = v.data.size
        return f"{n} sample" if n == 1 else f"{n} samples"

    return ValueError(f"batch sizes differ in {nx} {op} {ny}: {nx} holds {count(x)} and "
                      f"{ny} holds {count(y)}; every batch in a graph needs the same number "
                      "of samples (a size-1 batch is not a plain number)")


def power(x, k: float | np.ndarray) -> None:
    """x ** k for a plain number k, or a batch of them (one per sample): k finite, no
    complex result, no 0 to a negative power; the same errors for a float and a batch."""
    nx, d = names((x, "x"))[0], x.data
    if k.__class__ is _ndarray:
        if not np.isfinite(k).all():
            raise ValueError(f"the exponent must be a finite number: {nx} ** {show(k)}")
        if ((k != np.floor(k)) & (np.asarray(d) < 0)).any():
            raise ValueError(f"negative base to a non-integer power: {nx} ** {show(k)} "
                             f"with {nx} = {show(d)} (the result would be complex)")
        if ((k < 0) & (np.asarray(d) == 0)).any():
            raise ZeroDivisionError(f"0 raised to a negative power: {nx} ** {show(k)} "
                                    f"with {nx} = {show(d)}")
        return
    if not math.isfinite(k):
        raise ValueError(f"the exponent must be a finite number: {nx} ** {k!r}")
    if k != int(k) and _any(d < 0):
        raise ValueError(f"negative base to a non-integer power: {nx} ** {k!r} "
                         f"with {nx} = {show(d)} (the result would be complex)")
    if k < 0 and _any(d == 0):
        raise ZeroDivisionError(f"0 raised to a negative power: {nx} ** {k!r} "
                                f"with {nx} = {show(d)}")


def positive_base(x, k) -> Data:
    """x ** k for a Value k needs x > 0 (ln x is in dz/dk). Returns x's data."""
    if _any(x.data <= 0):
        nx, nk = names((x, "x"), (k, "k"))
        raise ValueError(f"a Value exponent needs a positive base: {nx} ** {nk} "
                         f"with {nx} = {show(x.data)}")
    return x.data


def power_overflow(x, k) -> OverflowError:
    if hasattr(k, "data"):
        nx, nk = names((x, "x"), (k, "k"))
        return OverflowError(f"overflow in power: {nx} ** {nk} with "
                             f"{nx} = {show(x.data)}, {nk} = {show(k.data)}")
    nx = names((x, "x"))[0]
    return OverflowError(f"overflow in power: {nx} ** {k!r} with {nx} = {show(x.data)}")


def exp_argument(x) -> Data:
    """exp(x) needs x <= 709.78 (above, e**x is larger than the largest float)."""
    if _any(x.data > EXP_MAX):
        nx = names((x, "x"))[0]
        raise OverflowError(f"exp overflow: exp({nx}) with {nx} = {show(x.data)} "
                            f"(exp of more than {EXP_MAX:.1f} exceeds the largest float)")
    return x.data


def log_argument(x) -> Data:
    """log(x) needs x > 0."""
    if _any(x.data <= 0):
        nx = names((x, "x"))[0]
        raise ValueError(f"log of a non-positive number: log({nx}) with {nx} = {show(x.data)}")
    return x.data


def slope(s: object) -> float:
    """leaky_relu's slope: a finite real number."""
    if isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, float, np.number)):
        raise TypeError(f"leaky_relu: slope must be a real number, got "
                        f"{type(s).__name__} {s!r:.40}")
    if not math.isfinite(s):
        raise ValueError(f"leaky_relu: slope must be finite, got {s!r}")
    return float(s)
