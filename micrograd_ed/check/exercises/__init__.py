"""The notebooks' exercises: each check runs the learner's work and answers in sentences.

Every "Try it" of ``notebooks/`` ends with a check cell such as::

    nb02.topological_order(my_topological_order)

The call returns a :class:`Verdict`, which a notebook shows as a few lines: one per *part*
(a part is one thing the check looks at, worth one point), ``✓`` or ``✗`` and, for a
failure, a sentence that says what was wrong and a hint that names the likely mistake.
A check never raises: a blank exercise (``...`` or ``raise NotImplementedError`` still in
place) fails every part with the sentence "not done yet", and an exception in the learner's
code becomes a sentence naming it, never a traceback.

The same checks grade otter-grader assignments (``tools/exercises.py`` writes them): each
part becomes one test case, which calls :meth:`Verdict.require` and fails with the part's
sentence and hint as its message. Partial credit is therefore per part.

A check is a function decorated with :func:`exercise`; it receives a :class:`Tally` and the
learner's objects and reports each declared part with ``with t.part(name):``, inside which
:class:`Mistake` (or a plain ``assert`` with a message) marks the part as failed.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ["Exercise", "Mistake", "NotDone", "Part", "PartResult", "Tally", "Verdict",
           "exercise", "registry"]


_NOT_IMPLEMENTED = ("not done yet: the code you are to write still raises NotImplementedError "
                    "(that line is where your code goes). Write it, run its cell, then this "
                    "one.")
_ELLIPSIS = ("not done yet: a `...` is still in the code you are to write. Replace it, run "
             "its cell, then this one.")
_RECURSION = ("RecursionError: your code called itself too deeply (Python stops at about "
              "1,000 nested calls)")
_RECURSION_HINT = "keep a list as your own stack instead of a function that calls itself"


class Mistake(Exception):
    """A part of an exercise is wrong: ``sentence`` says what, ``hint`` the likely cause."""

    def __init__(self, sentence: str, hint: str = ""):
        super().__init__(sentence)
        self.sentence = sentence
        self.hint = hint


class NotDone(Exception):
    """The exercise is still blank: every remaining part fails with this sentence."""

    def __init__(self, sentence: str):
        super().__init__(sentence)
        self.sentence = sentence


@dataclass(frozen=True)
class Part:
    """One thing a check looks at: worth ``points``; ``hidden`` parts are hidden tests in otter."""

    name: str
    points: int = 1
    hidden: bool = False


@dataclass
class PartResult:
    """What one part found: ``ok``; for a failure, the ``sentence`` and the ``hint``."""

    part: Part
    ok: bool
    sentence: str = ""
    hint: str = ""

    def text(self) -> str:
        """The failure in words: the sentence, then "hint: ..." (empty when the part passed)."""
        if self.ok:
            return ""
        return self.sentence + (f"\nhint: {self.hint}" if self.hint else "")


@dataclass
class Verdict:
    """The result of one exercise's check: ``ok``, ``score`` of ``possible``, one line a part."""

    key: str
    title: str
    results: list[PartResult]
    blank: str = ""

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def score(self) -> int:
        return sum(r.part.points for r in self.results if r.ok)

    @property
    def possible(self) -> int:
        return sum(r.part.points for r in self.results)

    def result(self, name: str) -> PartResult:
        for r in self.results:
            if r.part.name == name:
                return r
        raise KeyError(f"exercise {self.key} has no part {name!r}; its parts are "
                       f"{', '.join(repr(r.part.name) for r in self.results)}")

    def require(self, name: str) -> None:
        """Raise AssertionError(sentence and hint) unless part ``name`` passed (for otter)."""
        __tracebackhide__ = True
        r = self.result(name)
        if not r.ok:
            raise AssertionError(r.text())

    def __str__(self) -> str:
        n_ok = sum(r.ok for r in self.results)
        if self.ok:
            n = len(self.results)
            head = f"Exercise {self.key} ({self.title}): " + (
                "its check passes." if n == 1 else f"all {n} checks pass.")
        else:
            n = len(self.results)
            head = f"Exercise {self.key} ({self.title}): " + (
                "its check fails." if n == 1 else f"{n_ok} of {n} checks pass.")
        lines = [head]
        if self.blank:
            first = self.blank[:1].upper() + self.blank[1:]
            lines.append(textwrap.fill(first, 96, initial_indent="  ", subsequent_indent="  "))
        for r in self.results:
            mark = "\u2713" if r.ok else "\u2717"
            lines.append(f"  {mark} {r.part.name}")
            if self.blank and r.sentence == self.blank:
                continue
            for para in r.text().split("\n"):
                if para:
                    lines.append(textwrap.fill(para, 96, initial_indent="      ",
                                               subsequent_indent="        "))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": str(self)}


class Tally:
    """Collects the parts a check reports; see the module's docstring."""

    def __init__(self, parts: tuple[Part, ...]):
        self._parts = {p.name: p for p in parts}
        self.results: dict[str, PartResult] = {}

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        """Report part ``name``: it passes unless the block raises.

        :class:`Mistake` and ``AssertionError`` give the sentence; :class:`NotDone` ends the
        whole check (propagates); any other exception, raised by the learner's code, is
        named in a sentence.
        """
        if name not in self._parts:
            raise KeyError(f"part {name!r} is not declared; declared: {list(self._parts)}")
        part = self._parts[name]
        try:
            yield
        except NotDone:
            raise
        except Mistake as m:
            self.results[name] = PartResult(part, False, m.sentence, m.hint)
        except AssertionError as e:
            self.results[name] = PartResult(part, False, str(e) or "this check failed")
        except NotImplementedError:
            raise NotDone(_NOT_IMPLEMENTED) from None
        except TypeError as e:
            if "ellipsis" not in str(e):
                self.results[name] = _raised(part, e)
            else:
                raise NotDone(_ELLIPSIS) from None
        except RecursionError:
            self.results[name] = PartResult(part, False, _RECURSION, _RECURSION_HINT)
        except Exception as e:
            self.results[name] = _raised(part, e)
        else:
            self.results[name] = PartResult(part, True)


def _raised(part: Part, e: Exception) -> PartResult:
    return PartResult(part, False,
                      f"your code raised {type(e).__name__}: {' '.join(str(e).split())}")


@dataclass
class Exercise:
    """A registered check: its ``key`` ("02.1"), ``title``, ``parts`` and function."""

    key: str
    title: str
    parts: tuple[Part, ...]
    fn: Callable[..., None] = field(repr=False)

    def __call__(self, *args, **kwargs) -> Verdict:
        t = Tally(self.parts)
        blank = failed = ""
        try:
            self.fn(t, *args, **kwargs)
        except NotDone as e:
            blank = e.sentence
        except NotImplementedError:
            blank = _NOT_IMPLEMENTED
        except TypeError as e:
            if "ellipsis" not in str(e):
                failed = _raised(Part(""), e).sentence
            blank = "" if failed else _ELLIPSIS
        except RecursionError:
            failed = _RECURSION
        except Exception as e:                  # the learner's code, run outside a part
            failed = _raised(Part(""), e).sentence
        results = []
        for p in self.parts:
            if p.name in t.results:
                results.append(t.results[p.name])
            else:
                results.append(PartResult(p, False, blank or failed or "not checked: an "
                                          "earlier part stopped the check"))
        return Verdict(self.key, self.title, results, blank)


registry: dict[str, Exercise] = {}


def exercise(key: str, title: str, *parts: Part | str) -> Callable[[Callable], Exercise]:
    """Register a check for exercise ``key`` with its ``parts`` (names or :class:`Part`)."""
    declared = tuple(p if isinstance(p, Part) else Part(p) for p in parts)

    def wrap(fn: Callable) -> Exercise:
        ex = Exercise(key, title, declared, fn)
        functools.update_wrapper(ex, fn)
        registry[key] = ex
        return ex

    return wrap


def blank(value: object, name: str) -> None:
    """Raise :class:`NotDone` when ``value`` is still the blank ``...`` (or None)."""
    if value is Ellipsis or value is None:
        shown = "`...`" if value is Ellipsis else "None"
        raise NotDone(f"not done yet: {name} is still {shown}. Fill it in, run its cell, then "
                      f"this one.")


def parameter_count(model: object, my_count: object, name: str) -> None:
    """Raise :class:`Mistake` unless ``my_count`` is the number of parameters of ``model``
    (``name`` says it in the sentence): Σ over layers of n_in·n_out weights + n_out biases."""
    want = model.num_parameters()
    weights = sum(layer.nin * layer.nout for layer in model.layers)
    if int(my_count) == want:
        return
    if int(my_count) == weights:
        raise Mistake(f"my_count = {int(my_count):,} counts the weights only; {name} has "
                      f"{want:,} parameters", "add one bias per neuron")
    raise Mistake(f"my_count = {int(my_count):,}, but {name} has {want:,} parameters",
                  "each layer has n_in × n_out weights and n_out biases; the n_in of a layer "
                  "is the n_out of the one before")
