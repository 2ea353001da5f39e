"""Proration: the share of a period a payee was active, in calendar or working days."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection
from decimal import Decimal

import attrs

from salesperf._errors import DefinitionError, Problem
from salesperf._money import DECIMAL_CONTEXT
from salesperf._periods.periods import Period

__all__ = ["Proration", "ProrationBasis", "prorate"]


class ProrationBasis(enum.Enum):
    """How the active part of a period is counted."""

    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"


@attrs.frozen
class Proration:
    """The share of a period a payee was active: ``active`` of ``total`` days.

    Kept as a ratio of whole numbers so that applying it stays exact: ``apply`` multiplies
    before it divides.
    """

    active: int
    total: int
    basis: ProrationBasis

    @property
    def fraction(self) -> Decimal:
        """The share as a Decimal (34 significant digits)."""
        if self.total == 0:
            return Decimal(0)
        return DECIMAL_CONTEXT.divide(Decimal(self.active), Decimal(self.total))

    def apply(self, amount: Decimal) -> Decimal:
        """Prorate an amount: ``amount × active ÷ total``."""
        if self.total == 0:
            return Decimal(0)
        return DECIMAL_CONTEXT.divide(DECIMAL_CONTEXT.multiply(amount, self.active), self.total)

    def __str__(self) -> str:
        unit = "days" if self.basis is ProrationBasis.CALENDAR_DAYS else "working days"
        return f"{self.active} of {self.total} {unit}"


def prorate(
    period: Period,
    active_from: dt.date | None = None,
    active_until: dt.date | None = None,
    *,
    basis: ProrationBasis = ProrationBasis.CALENDAR_DAYS,
    holidays: Collection[dt.date] = (),
    weekend: Collection[int] = (5, 6),
) -> Proration:
    """The share of `period` covered by an employment from `active_from` through `active_until`.

    Both ends are inclusive dates (a hire date and a last working day); None means open.
    Working days skip the `weekend` weekdays (0 = Monday) and the host's `holidays`.

    >>> from salesperf._periods import CalendarYear
    >>> q1 = CalendarYear().parse("2026-Q1")
    >>> p = prorate(q1, active_from=dt.date(2026, 2, 1))
    >>> str(p), p.apply(Decimal(90000))
    ('59 of 90 days', Decimal('59000'))
    >>> str(prorate(CalendarYear().parse("2026-03"), dt.date(2026, 3, 16),
    ...             basis=ProrationBasis.WORKING_DAYS, holidays={dt.date(2026, 3, 17)}))
    '11 of 21 working days'
    """
    if active_from is not None and active_until is not None and active_until < active_from:
        raise DefinitionError([Problem(
            "active_until", f"must not be before active_from ({active_from}), got {active_until}",
        )])
    start = period.start if active_from is None else max(period.start, active_from)
    # Compared before adding a day: hosts often store an open end as 9999-12-31 (date.max).
    end = (period.end if active_until is None or active_until >= period.end
           else active_until + dt.timedelta(days=1))

    def count(first: dt.date, stop: dt.date) -> int:
        if first >= stop:
            return 0
        if basis is ProrationBasis.CALENDAR_DAYS:
            return (stop - first).days
        days = Period.custom(first, stop).dates()
        return sum(1 for d in days if d.weekday() not in weekend and d not in holidays)

    return Proration(count(start, end), count(period.start, period.end), basis)
