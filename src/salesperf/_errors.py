"""One error model for the whole library.

Every exception salesperf raises on purpose derives from `SalesperfError`. Definitions (plans,
calendars, goals, periods given as text) fail with a `DefinitionError` that carries *every*
problem found, each with a path; bad host data fails with a `DataError` naming the record and
the field.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = [
    "DataError",
    "DefinitionError",
    "MissingRateError",
    "Problem",
    "SalesperfError",
    "SalesperfWarning",
]


class SalesperfError(Exception):
    """Root of every error salesperf raises on purpose."""


class SalesperfWarning(UserWarning):
    """Root of every warning salesperf emits."""


@attrs.frozen
class Problem:
    """One thing wrong with a definition: where it is and what is wrong.

    >>> str(Problem("calendar.start_month", "must be 1..12, got 13"))
    'calendar.start_month: must be 1..12, got 13'
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DefinitionError(SalesperfError, ValueError):
    """A definition (plan, calendar, goal, period text…) is invalid.

    `problems` lists every problem found, in the order found, so that an admin can fix them
    all at once.

    >>> err = DefinitionError([Problem("a", "bad"), Problem("b[1]", "worse")])
    >>> print(err)
    2 problems:
      a: bad
      b[1]: worse
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        if not self.problems:
            raise ValueError("a DefinitionError needs at least one problem")
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines.extend(f"  {p}" for p in self.problems)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._render()

    def __reduce__(self) -> tuple[type[DefinitionError], tuple[tuple[Problem, ...]]]:
        return (type(self), (self.problems,))


class DataError(SalesperfError, ValueError):
    """A host-supplied record is unusable; names the record id and the field.

    >>> print(DataError("deal-7", "amount", "must be a decimal number, got 'abc'"))
    record 'deal-7', field 'amount': must be a decimal number, got 'abc'
    """

    record_id: str | None
    field: str | None
    message: str

    def __init__(self, record_id: str | None, field: str | None, message: str) -> None:
        self.record_id = record_id
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.record_id is not None:
            where.append(f"record {self.record_id!r}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def __reduce__(self) -> tuple[type[DataError], tuple[str | None, str | None, str]]:
        return (type(self), (self.record_id, self.field, self.message))


class MissingRateError(SalesperfError, LookupError):
    """No exchange rate is known for a currency pair on a date."""

    def __init__(self, base: str, quote: str, on: object) -> None:
        self.base = base
        self.quote = quote
        self.on = on
        super().__init__(f"no exchange rate {base}->{quote} effective on {on}")

    def __reduce__(self) -> tuple[type[MissingRateError], tuple[str, str, object]]:
        return (type(self), (self.base, self.quote, self.on))


def join_path(prefix: str, path: str) -> str:
    """Join two path fragments: ``join_path("plan", "tiers[1]") == "plan.tiers[1]"``."""
    if not prefix:
        return path
    if not path:
        return prefix
    if path.startswith("["):
        return prefix + path
    return f"{prefix}.{path}"
