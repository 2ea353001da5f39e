"""Hypothesis strategies for periods, calendars and proration inputs.

`calendars()` draws every kind of calendar with every setting, so a property given it holds
for every kind. Dates stay in 1990..2100: wide enough to cross leap
years, the 2000 and 2100 century rules and many 53-week retail years, narrow enough to stay
fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import NamedTuple

from hypothesis import strategies as st

import salesperf as sp

__all__ = [
    "CALENDAR_GRAINS",
    "CALENDAR_KINDS",
    "MAX_DATE",
    "MIN_DATE",
    "ProrationCase",
    "any_periods",
    "calendar_years",
    "calendars",
    "custom_periods",
    "dates",
    "employments",
    "fiscal_years",
    "grains",
    "labelled",
    "labels",
    "near_labels",
    "overlapping_pairs",
    "periods",
    "proration_cases",
    "retail_calendars",
    "weekends",
    "years",
]

MIN_DATE = dt.date(1990, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)

#: The grains a calendar cuts (every grain but CUSTOM), finest first.
CALENDAR_GRAINS = (sp.Grain.MONTH, sp.Grain.QUARTER, sp.Grain.HALF, sp.Grain.YEAR)


def dates(min_value: dt.date = MIN_DATE, max_value: dt.date = MAX_DATE) -> st.SearchStrategy[
    dt.date
]:
    """Dates in 1990..2100 (or a narrower range)."""
    return st.dates(min_value, max_value)


def years() -> st.SearchStrategy[int]:
    """Year labels whose periods stay inside 1989..2101."""
    return st.integers(MIN_DATE.year, MAX_DATE.year)


def grains() -> st.SearchStrategy[sp.Grain]:
    """Any grain a calendar cuts: month, quarter, half or year."""
    return st.sampled_from(CALENDAR_GRAINS)


def calendar_years() -> st.SearchStrategy[sp.CalendarYear]:
    """The (only) calendar-year calendar."""
    return st.just(sp.CalendarYear())


def fiscal_years() -> st.SearchStrategy[sp.FiscalYear]:
    """Fiscal years of every start month, labelled by starting or ending year."""
    return st.builds(
        sp.FiscalYear,
        start_month=st.integers(1, 12),
        label=st.sampled_from(sp.YearLabel),
    )


def retail_calendars() -> st.SearchStrategy[sp.RetailCalendar]:
    """Retail calendars of every pattern, end month, end weekday, year end and label."""
    return st.builds(
        sp.RetailCalendar,
        pattern=st.sampled_from(sp.RetailPattern),
        end_month=st.integers(1, 12),
        end_weekday=st.integers(0, 6),
        year_end=st.sampled_from(sp.YearEnd),
        label=st.sampled_from(sp.YearLabel),
    )


#: One strategy per kind of calendar, so a property can be run for each kind explicitly.
CALENDAR_KINDS: dict[str, Callable[[], st.SearchStrategy[sp.Calendar]]] = {
    "calendar-year": calendar_years,
    "fiscal-year": fiscal_years,
    "retail": retail_calendars,
}


def calendars() -> st.SearchStrategy[sp.Calendar]:
    """A calendar of any kind."""
    return st.one_of([kind() for kind in CALENDAR_KINDS.values()])


@st.composite
def periods(
    draw: st.DrawFn,
    calendar: st.SearchStrategy[sp.Calendar] | None = None,
    grain: st.SearchStrategy[sp.Grain] | None = None,
    around: st.SearchStrategy[dt.date] | None = None,
) -> sp.Period:
    """A period cut by a calendar: the period of some grain holding some date."""
    cal = draw(calendars() if calendar is None else calendar)
    g = draw(grains() if grain is None else grain)
    return cal.period(g, draw(dates() if around is None else around))


@st.composite
def custom_periods(
    draw: st.DrawFn,
    calendar: st.SearchStrategy[sp.Calendar | None] | None = None,
    max_days: int = 800,
) -> sp.Period:
    """A custom period of 1..`max_days` days starting in 1990..2100, with or without calendar."""
    cal = draw((st.none() | calendars()) if calendar is None else calendar)
    start = draw(dates())
    days = draw(st.integers(1, max_days))
    return sp.Period.custom(start, start + dt.timedelta(days=days), cal)


def any_periods(
    calendar: st.SearchStrategy[sp.Calendar] | None = None,
) -> st.SearchStrategy[sp.Period]:
    """A calendar period of any grain, or a custom period, of one calendar."""
    cals = calendars() if calendar is None else calendar
    return cals.flatmap(lambda cal: periods(st.just(cal)) | custom_periods(st.just(cal)))


@st.composite
def overlapping_pairs(
    draw: st.DrawFn,
    calendar: st.SearchStrategy[sp.Calendar] | None = None,
) -> tuple[sp.Period, sp.Period]:
    """Two periods of one calendar near each other, so that they often (not always) overlap."""
    cal = draw(calendars() if calendar is None else calendar)
    first = draw(any_periods(st.just(cal)))
    near = dates(first.start - dt.timedelta(days=400), first.end + dt.timedelta(days=400))
    anchor = draw(near)
    if draw(st.booleans()):
        second = cal.period(draw(grains()), anchor)
    else:
        second = sp.Period.custom(anchor, anchor + dt.timedelta(days=draw(st.integers(1, 500))),
                                  cal)
    return first, second


@st.composite
def labels(draw: st.DrawFn, calendar: sp.Calendar) -> str:
    """A well-formed label for `calendar`, in the documented forms.

    Calendar years: ``2026``, ``2026-H1``, ``2026-Q2``, ``2026-03``; fiscal and retail years:
    ``FY2026``, ``FY2026-H1``, ``FY2026-Q2``, ``FY2026-M03``; any calendar: a custom range
    ``2026-01-15..2026-02-14`` (both ends included).
    """
    if draw(st.integers(0, 4)) == 0:
        first = draw(dates())
        last = draw(dates(first, min(MAX_DATE, first + dt.timedelta(days=800))))
        return f"{first.isoformat()}..{last.isoformat()}"
    calendar_year = isinstance(calendar, sp.CalendarYear)
    head = f"{'' if calendar_year else 'FY'}{draw(years()):04d}"
    grain = draw(grains())
    count = 12 // grain.months
    index = draw(st.integers(1, count))
    if grain is sp.Grain.YEAR:
        return head
    if grain is sp.Grain.HALF:
        return f"{head}-H{index}"
    if grain is sp.Grain.QUARTER:
        return f"{head}-Q{index}"
    return f"{head}-{'' if calendar_year else 'M'}{index:02d}"


def labelled(
    calendar: st.SearchStrategy[sp.Calendar] | None = None,
) -> st.SearchStrategy[tuple[sp.Calendar, str]]:
    """A calendar and a well-formed label for it."""
    cals = calendars() if calendar is None else calendar
    return cals.flatmap(lambda cal: st.tuples(st.just(cal), labels(cal)))


def near_labels() -> st.SearchStrategy[str]:
    """Text shaped like a label that may or may not be one: bad parts, other digits, spaces."""
    return st.from_regex(
        r"\s?(FY|fy|F)?\d{3,5}(-(H\d|Q\d|M?\d{1,3}|\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}))?\s?",
        fullmatch=True,
    )


@st.composite
def employments(
    draw: st.DrawFn, period: sp.Period, margin: int = 60,
) -> tuple[dt.date | None, dt.date | None]:
    """An employment ``(active_from, active_until)`` near `period`; None is an open end.

    Both ends are inclusive and may fall outside the period; ``active_until`` is never before
    ``active_from``.
    """
    near = dates(period.start - dt.timedelta(days=margin), period.end + dt.timedelta(days=margin))
    active_from = draw(st.none() | near)
    lowest = period.start - dt.timedelta(days=margin) if active_from is None else active_from
    active_until = draw(st.none() | dates(lowest, period.end + dt.timedelta(days=margin)))
    return active_from, active_until


class ProrationCase(NamedTuple):
    """Everything `prorate` takes, drawn together because each part depends on the period."""

    period: sp.Period
    active_from: dt.date | None
    active_until: dt.date | None
    holidays: frozenset[dt.date]
    weekend: Collection[int]


@st.composite
def proration_cases(
    draw: st.DrawFn, calendar: st.SearchStrategy[sp.Calendar] | None = None,
) -> ProrationCase:
    """A period (calendar or custom), an employment near it, holidays inside it and a weekend."""
    period = draw(any_periods(calendar))
    active_from, active_until = draw(employments(period))
    holidays = draw(st.frozensets(dates(period.start, period.last_day), max_size=10))
    return ProrationCase(period, active_from, active_until, holidays, draw(weekends()))


def weekends() -> st.SearchStrategy[frozenset[int]]:
    """Weekend weekdays (0 = Monday): none, the usual two, or any other small set."""
    return st.sampled_from([frozenset({5, 6}), frozenset({4, 5}), frozenset({6}), frozenset()]) | (
        st.frozensets(st.integers(0, 6), max_size=7)
    )

