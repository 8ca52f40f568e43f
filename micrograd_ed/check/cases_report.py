"""What every checker's report of graded cases answers the same way: ``ok``, truth value,
the first failing case and its hint (check_backward's and check_layer_backward's reports)."""

from __future__ import annotations

from typing import Any


class CasesReport:
    """A report with ``cases``, each having ``ok`` and ``hint``; a dataclass adds the fields."""

    cases: list[Any]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.cases)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def first_failure(self) -> Any | None:
        return next((c for c in self.cases if not c.ok), None)

    @property
    def hint(self) -> str:
        """The hint of the first failing case ('' when all pass or no mistake was recognised)."""
        f = self.first_failure
        return f.hint if f is not None else ""
