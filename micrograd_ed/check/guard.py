"""Running a student's code: every error becomes a sentence that names the op, never a traceback.

:func:`student_error` turns an exception raised while a student's value class (or backward
function) ran into a :class:`StudentError`: which op was running (``*`` for ``__mul__`` and
for the ``_backward`` closure inside it, ``tanh`` for a missing method, the constructor for
``V(x)``), the line of the student's code, and what to do about the common cases (a number
on the left of an operator, a plain number where a Value was expected, a recursion too deep).

:func:`default_recursion_limit` runs a block at Python's default recursion limit (1000), the
limit a student's engine meets in a plain script, whatever the caller had set.
"""

from __future__ import annotations

import linecache
import os
import re
import sys
import types
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

DEFAULT_RECURSION_LIMIT = 1000

# A method's name -> the op it implements, as a student reads it.
OP_OF_METHOD = {
    "__add__": "+", "__radd__": "+ (number on the left)", "__mul__": "*",
    "__rmul__": "* (number on the left)", "__sub__": "-", "__rsub__": "- (number on the left)",
    "__truediv__": "/", "__rtruediv__": "/ (number on the left)", "__pow__": "**",
    "__rpow__": "** (number on the left)", "__neg__": "unary -", "__init__": "the constructor",
    "backward": "backward()",
}
_REFLECTED = {"+": "__radd__", "*": "__rmul__", "-": "__rsub__", "/": "__rtruediv__",
              "**": "__rpow__"}
_FORWARD = {"+": "__add__", "*": "__mul__", "-": "__sub__", "/": "__truediv__",
            "**": "__pow__"}
# What a reflected op must compute: `2 - v` is other - self, never self - other.
_REFLECTED_BODY = {
    "+": "`return self + other` (+ does not care about order)",
    "*": "`return self * other` (* does not care about order)",
    "-": "`return (-self) + other` (2 - v is other - self, not self - other)",
    "/": "`return other * self**-1` (2 / v is other / self, not self / other)",
    "**": "`return {cls}(other) ** self` (2 ** v is other ** self)",
}
_UNSUPPORTED = re.compile(r"unsupported operand type\(s\) for ([^:]+): '([^']+)' and '([^']+)'")
_NUMBERS = ("int", "float")


def safe_repr(obj: object, limit: int = 40) -> str:
    """repr(obj) cut to ``limit`` characters, never raising (a student's __repr__ may)."""
    try:
        text = repr(obj)
    except Exception as e:
        text = f"<{type(obj).__name__} whose repr raised {type(e).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class StudentError:
    """An exception raised by a student's code, in words.

    ``phase``: "forward" (building the expression) or "backward"; ``op``: the op that was
    running ("*", "tanh", "backward()", ...) or "" when unknown; ``where``: the student's
    line, as ``Value.__mul__, line 14: other.grad += ...``; ``kind``: the exception's
    class name; ``message``: its text; ``hint``: what usually causes it ("" if nothing).
    """

    phase: str
    op: str
    where: str
    kind: str
    message: str
    hint: str = ""
    recursion_depth: int = 0

    @property
    def is_recursion(self) -> bool:
        return self.kind == "RecursionError"

    def __str__(self) -> str:
        op = f" in {self.op}" if self.op else ""
        where = f" ({self.where})" if self.where else ""
        did = ("ran out of time" if self.kind == "Timeout" else       # the checker's timer
               f"raised {self.kind}")
        text = f"{self.phase}: your code {did}{op}{where}: {self.message}"
        return text + (f"\n  hint: {self.hint}" if self.hint else "")


def _codes_of(obj: object) -> Iterator[types.CodeType]:
    """Every code object of a function, its nested functions (``_backward``) included."""
    code = getattr(obj, "__code__", None)
    if code is None:
        return
    todo = [code]
    while todo:
        c = todo.pop()
        yield c
        todo.extend(k for k in c.co_consts if isinstance(k, types.CodeType))


def method_codes(cls: type) -> dict[types.CodeType, str]:
    """code object -> the name of the method of ``cls`` (or of a base) it belongs to."""
    out: dict[types.CodeType, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is object:
            continue
        for name, member in vars(klass).items():
            func = member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
            if isinstance(func, property):
                func = func.fget
            for code in _codes_of(func):
                if not _is_ours(code):      # (check/orders.py's __hash__, while it is lent)
                    out[code] = name
    return out


def _frames(tb: types.TracebackType | None) -> list[tuple[types.CodeType, int]]:
    out = []
    while tb is not None:
        out.append((tb.tb_frame.f_code, tb.tb_lineno))
        tb = tb.tb_next
    return out


def _line(code: types.CodeType, lineno: int) -> str:
    text = linecache.getline(code.co_filename, lineno).strip()
    return " ".join(text.split())[:100]


def student_error(e: BaseException, phase: str, cls: type | None = None,
                  user_code: types.CodeType | None = None, what: str = "",
                  limit: int | None = None) -> StudentError:
    """Describe exception ``e`` raised by student code (``cls``'s methods, or ``user_code``).

    ``what`` names the function being run when there is no class (e.g. "your backward");
    ``limit`` is the recursion limit the code ran under (for the words of a RecursionError).
    """
    frames = _frames(e.__traceback__)
    methods = method_codes(cls) if cls is not None else {}
    op, where = "", ""
    for code, lineno in reversed(frames):             # innermost first
        if code in methods:
            name = methods[code]
            op = OP_OF_METHOD.get(name, name)
            owner = cls.__name__ if cls is not None else ""
            qual = f"{owner}.{name}" + ("" if code.co_name == name else f", in {code.co_name}")
            where = f"{qual}, line {lineno}: {_line(code, lineno)}"
            break
        if user_code is not None and code is user_code:
            where = f"{what or code.co_name}, line {lineno}: {_line(code, lineno)}"
            break
    if not where:
        outer = [(c, n) for c, n in frames if not _is_ours(c)]
        if outer:
            code, lineno = outer[-1]
            where = f"{code.co_name}, line {lineno}: {_line(code, lineno)}"
    kind = type(e).__name__
    message = " ".join(str(e).split()) or "(no message)"
    hint, depth = "", 0
    if isinstance(e, RecursionError):
        depth = recursion_depth(frames)
        hint = recursion_hint(frames, depth, limit or sys.getrecursionlimit())
    elif isinstance(e, TypeError) and cls is not None:
        op, hint = _type_error(message, cls, op)
    elif isinstance(e, AttributeError):
        op, hint = _attribute_error(e, cls, op)
    return StudentError(phase, op, where, kind, message, hint, depth)


def _is_ours(code: types.CodeType) -> bool:
    """Frames of micrograd_ed.check itself (never the student's)."""
    return f"micrograd_ed{os.sep}check{os.sep}" in code.co_filename


def recursion_depth(frames: list[tuple[types.CodeType, int]]) -> int:
    """How deep the recursion went: the number of frames of the function that called itself."""
    if not frames:
        return 0
    counts = Counter(code for code, _ in frames)
    return counts.most_common(1)[0][1]


def recursion_hint(frames: list[tuple[types.CodeType, int]], depth: int, limit: int) -> str:
    counts = Counter(code for code, _ in frames)
    name = counts.most_common(1)[0][0].co_name if counts else "a function"
    return (f"{name}() calls itself once per level of the graph, and Python stops a "
            f"recursion at about {limit:,} calls (here it broke at depth "
            f"{depth:,}). Build the topological order with a loop and an explicit stack "
            f"(or Kahn's algorithm) instead of recursion.")


def _type_error(message: str, cls: type, op: str) -> tuple[str, str]:
    name = cls.__name__
    if message.startswith((f"{name}()", f"{name}.__init__()")) or (
            op == "the constructor" and "argument" in message):
        return ("the constructor",
                "V(x) must make a node from one number: def __init__(self, data, ...) with "
                "every other parameter optional")
    m = _UNSUPPORTED.search(message)
    if m:
        sym, left, right = m.group(1).strip(), m.group(2), m.group(3)
        if left in _NUMBERS and right == name and sym in _REFLECTED:
            return (f"{sym} (number on the left)",
                    f"`2 {sym} v` calls {name}.{_REFLECTED[sym]}(v, 2) (self is v, other is "
                    f"2); define it: {_REFLECTED_BODY[sym].format(cls=name)}")
        if left == name and sym in _FORWARD:
            what = "a plain number" if right in _NUMBERS else f"a {right}"
            return sym, f"{name} has no working {_FORWARD[sym]} for {what} ({right}) operand"
    return op, ""


def _attribute_error(e: AttributeError, cls: type | None, op: str) -> tuple[str, str]:
    name = getattr(e, "name", None)
    obj = getattr(e, "obj", None)
    if cls is not None and isinstance(obj, cls) and name:
        return name, f"{cls.__name__} has no {name}: add it"
    if name in ("data", "grad", "_prev", "_backward") and isinstance(obj, (int, float)):
        return op, ("a plain number reached code that expects a Value: wrap numbers first, "
                    "as in `other = other if isinstance(other, Value) else Value(other)`")
    return op, ""


@contextmanager
def default_recursion_limit() -> Iterator[int]:
    """Run the block at Python's default recursion limit (1000); yields the limit in force.

    The limit counts every frame on the stack, the caller's too; when the caller is
    already deeper than the default allows, the limit stays what it was.
    """
    old = sys.getrecursionlimit()
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    new = DEFAULT_RECURSION_LIMIT if depth + 50 < DEFAULT_RECURSION_LIMIT else old
    sys.setrecursionlimit(new)
    try:
        yield new
    finally:
        sys.setrecursionlimit(old)
