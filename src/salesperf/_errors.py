"""One error model for the whole library.

Every exception salesperf raises on purpose derives from `SalesperfError`. Definitions (plans,
calendars, goals, periods given as text) fail with a `DefinitionError` that carries *every*
problem found, each with a path; bad host data fails with a `DataError` naming the record and
the field.
"""

from __future__ import annotations

import reprlib
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

    #: Problems one error reports; any more are counted in a last problem, so that a
    #: document with a hundred thousand wrong keys gives a message a person can read.
    max_problems = 100

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        if not self.problems:
            raise ValueError("a DefinitionError needs at least one problem")
        if len(self.problems) > self.max_problems:
            more = len(self.problems) - self.max_problems
            self.problems = (*self.problems[:self.max_problems],
                             Problem("", f"… and {more} more problems"))
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


class _Shown(reprlib.Repr):
    """`repr` cut short: a few items of each list, a few levels, long text elided."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxdict, self.maxlist, self.maxtuple = 3, 4, 4, 4
        self.maxstring, self.maxother, self.maxlong = 60, 60, 40

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 200:  # Python refuses to write more than 4300 digits
            return f"<a number of about {int(x.bit_length() * 0.30103) + 1} digits>"
        return super().repr_int(x, level)

    def repr_Decimal(self, x: object, level: int) -> str:  # noqa: N802 - reprlib's naming
        text = str(x)
        return text if len(text) <= self.maxother else f"{text[:25]}…{text[-25:]}"


_SHOWN = _Shown()


def shown(value: object) -> str:
    """`value` as a message quotes it: its repr, at most about 100 characters however large
    or deeply nested it is (a message never echoes a whole document back)."""
    try:
        return _SHOWN.repr(value)
    except (RecursionError, ValueError):  # pragma: no cover - a host object's own repr
        return f"<{type(value).__name__}>"
