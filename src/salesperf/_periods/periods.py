"""Periods and the calendars that cut them.

Every calendar divides its year into twelve *months* — calendar months, fiscal months or the
4-4-5 / 4-5-4 / 5-4-4 retail periods — so quarters (3 months), halves (6) and years (12) are
cut the same way for every kind of calendar. A `Period` is a half-open interval of dates
``[start, end)`` with a grain and the calendar it belongs to; parse and format are inverses.

Why this module is over 500 lines: `Period` and `Calendar` are one concept seen from two
sides — a period navigates (next, same period last year, subperiods) and names itself
through its calendar, and a calendar cuts, parses and formats periods. Apart, each would
import the other, and the parser would sit away from the formatter it must invert.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import functools
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator

import attrs
from dateutil.relativedelta import relativedelta

from salesperf._errors import DefinitionError, Problem

__all__ = [
    "Calendar",
    "CalendarYear",
    "FiscalYear",
    "Grain",
    "Period",
    "RetailCalendar",
    "RetailPattern",
    "YearEnd",
    "YearLabel",
]

_ONE_DAY = dt.timedelta(days=1)
# Room for a fiscal year to start or end a year away, and for a retail year's start to be
# placed from the nominal year two before its label (a year-0 date would raise ValueError).
_MIN_YEAR, _MAX_YEAR = 4, 9997


class Grain(enum.Enum):
    """How coarse a period is. `CUSTOM` is any other interval of days."""

    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    CUSTOM = "custom"

    @property
    def months(self) -> int:
        """Number of calendar months (or retail periods) in one period of this grain."""
        return _MONTHS[self]


_MONTHS = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.HALF: 6, Grain.YEAR: 12, Grain.CUSTOM: 0}


class YearLabel(enum.Enum):
    """Whether a fiscal year is named after the calendar year it starts or ends in."""

    STARTING = "starting"
    ENDING = "ending"


@functools.total_ordering
@attrs.frozen(order=False, repr=False)
class Period:
    """A half-open interval of dates ``[start, end)`` with a grain and a calendar.

    Periods are values: immutable, hashable, ordered by start then end.

    >>> q2 = CalendarYear().parse("2026-Q2")
    >>> q2.start, q2.end, q2.days
    (datetime.date(2026, 4, 1), datetime.date(2026, 7, 1), 91)
    >>> dt.date(2026, 5, 17) in q2
    True
    >>> [str(m) for m in q2.subperiods(Grain.MONTH)]
    ['2026-04', '2026-05', '2026-06']
    >>> str(q2.next()), str(q2.previous())
    ('2026-Q3', '2026-Q1')
    >>> str(q2.year_to_date())
    '2026-01-01..2026-06-30'
    """

    grain: Grain
    start: dt.date
    end: dt.date
    calendar: Calendar | None = attrs.field(default=None, eq=True, hash=True)

    def __attrs_post_init__(self) -> None:
        if not self.start < self.end:
            raise DefinitionError([Problem(
                "period", f"must end after it starts, got start {self.start} and end {self.end}",
            )])

    @classmethod
    def custom(cls, start: dt.date, end: dt.date, calendar: Calendar | None = None) -> Period:
        """A period of any length: `start` included, `end` excluded."""
        return cls(Grain.CUSTOM, start, end, calendar)

    # -- basic properties ------------------------------------------------------------------

    @property
    def days(self) -> int:
        """Length in days."""
        return (self.end - self.start).days

    @property
    def last_day(self) -> dt.date:
        """The last date inside the period (``end`` is exclusive)."""
        return self.end - _ONE_DAY

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Period):
            return self.start <= item.start and item.end <= self.end
        if isinstance(item, dt.date) and not isinstance(item, dt.datetime):
            return self.start <= item < self.end
        return False

    def dates(self) -> Iterator[dt.date]:
        """Every date in the period, in order."""
        day = self.start
        while day < self.end:
            yield day
            day += _ONE_DAY

    def _sort_key(self) -> tuple[dt.date, dt.date, int]:
        return (self.start, self.end, -self.grain.months)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    def __str__(self) -> str:
        return self._cal().format(self) if self.calendar else _format_custom(self)

    def __repr__(self) -> str:
        return f"Period({str(self)!r}, {self.start.isoformat()}..{self.last_day.isoformat()})"

    # -- navigation ------------------------------------------------------------------------

    def _cal(self) -> Calendar:
        if self.calendar is None:
            raise DefinitionError([Problem(
                "period", f"{self} has no calendar; build it from a calendar to navigate years",
            )])
        return self.calendar

    def next(self) -> Period:
        """The following period of the same grain (a custom period: the same length)."""
        if self.grain is Grain.CUSTOM:
            return Period(self.grain, self.end, self.end + (self.end - self.start), self.calendar)
        return self._cal().period(self.grain, self.end)

    def previous(self) -> Period:
        """The preceding period of the same grain (a custom period: the same length)."""
        if self.grain is Grain.CUSTOM:
            return Period(self.grain, self.start - (self.end - self.start), self.start,
                          self.calendar)
        return self._cal().period(self.grain, self.start - _ONE_DAY)

    def same_period_last_year(self) -> Period:
        """The period in the same position of the previous year (a custom period: a year back).

        >>> str(CalendarYear().parse("2026-Q2").same_period_last_year())
        '2025-Q2'
        """
        if self.grain is Grain.CUSTOM:
            back = relativedelta(years=-1)
            return Period(self.grain, self.start + back, self.end + back, self.calendar)
        cal = self._cal()
        year, index = cal._index(self)
        return cal.periods(self.grain, year - 1)[index]

    def subperiods(self, grain: Grain) -> list[Period]:
        """The periods of a finer `grain` that partition this one.

        >>> [str(p) for p in CalendarYear().parse("2026").subperiods(Grain.HALF)]
        ['2026-H1', '2026-H2']
        """
        if grain is Grain.CUSTOM or self.grain is Grain.CUSTOM or grain.months > self.grain.months:
            raise DefinitionError([Problem(
                "grain", f"cannot cut a {self.grain.value} period into {grain.value} periods",
            )])
        cal = self._cal()
        result = []
        day = self.start
        while day < self.end:
            sub = cal.period(grain, day)
            result.append(sub)
            day = sub.end
        return result

    def year(self) -> Period:
        """The calendar's year that contains this period's start."""
        return self._cal().period(Grain.YEAR, self.start)

    def intersection(self, other: Period) -> Period | None:
        """The days both periods share, or None; a custom period unless one contains the other."""
        start, end = max(self.start, other.start), min(self.end, other.end)
        if start >= end:
            return None
        if (start, end) == (self.start, self.end):
            return self
        if (start, end) == (other.start, other.end):
            return other
        return Period.custom(start, end, self.calendar or other.calendar)

    __and__ = intersection

    def to_date(self, as_of: dt.date) -> Period:
        """Period to date: from this period's start through `as_of` (inclusive).

        >>> str(CalendarYear().parse("2026-Q2").to_date(dt.date(2026, 5, 15)))
        '2026-04-01..2026-05-15'
        """
        if as_of < self.start:
            raise DefinitionError([Problem(
                "as_of", f"{as_of} is before the period {self} starts ({self.start})",
            )])
        end = min(as_of + _ONE_DAY, self.end)
        return self if end == self.end else Period.custom(self.start, end, self.calendar)

    def year_to_date(self, as_of: dt.date | None = None) -> Period:
        """From the start of the containing year through this period's end (or `as_of`)."""
        year = self.year()
        end = self.end if as_of is None else min(as_of + _ONE_DAY, self.end)
        if end <= year.start:
            raise DefinitionError([Problem("as_of", f"{as_of} is before the year {year} starts")])
        return year if end == year.end else Period.custom(year.start, end, self.calendar)


class Calendar(ABC):
    """How periods are cut: every calendar splits its year into twelve months.

    Subclasses define where a labelled year's twelve months start; everything else — which
    period holds a date, navigation, parsing and formatting — is shared.
    """

    prefix: str = "FY"
    month_token: str = "M"

    @abstractmethod
    def month_starts(self, year: int) -> tuple[dt.date, ...]:
        """The 13 dates that bound the twelve months of the year labelled `year`."""

    @abstractmethod
    def year_of(self, day: dt.date) -> int:
        """The label of the year that contains `day`."""

    @abstractmethod
    def describe(self) -> str:
        """A sentence naming the calendar and its labelling convention."""

    def period(self, grain: Grain, day: dt.date) -> Period:
        """The period of `grain` that contains `day`.

        >>> str(FiscalYear(start_month=7).period(Grain.QUARTER, dt.date(2026, 8, 1)))
        'FY2027-Q1'
        """
        if grain is Grain.CUSTOM:
            raise DefinitionError([Problem("grain", "a custom period is not cut by a calendar")])
        year = self.year_of(day)
        bounds = self.month_starts(year)
        month = bisect.bisect_right(bounds, day) - 1
        size = grain.months
        first = month - month % size
        return Period(grain, bounds[first], bounds[first + size], self)

    def periods(self, grain: Grain, year: int) -> list[Period]:
        """The periods of `grain` that tile the year labelled `year`, in order."""
        bounds = self.month_starts(year)
        size = grain.months
        if size == 0:
            raise DefinitionError([Problem("grain", "a custom period is not cut by a calendar")])
        return [Period(grain, bounds[i], bounds[i + size], self) for i in range(0, 12, size)]

    def year(self, year: int) -> Period:
        """The whole year labelled `year`."""
        bounds = self.month_starts(year)
        return Period(Grain.YEAR, bounds[0], bounds[12], self)

    def _index(self, period: Period) -> tuple[int, int]:
        year = self.year_of(period.start)
        bounds = self.month_starts(year)
        month = bounds.index(period.start)
        return year, month // period.grain.months

    def format(self, period: Period) -> str:
        """The label of a period of this calendar; `parse` reads it back."""
        if period.grain is Grain.CUSTOM:
            return _format_custom(period)
        year, index = self._index(period)
        head = f"{self.prefix}{year:04d}"
        return {
            Grain.YEAR: head,
            Grain.HALF: f"{head}-H{index + 1}",
            Grain.QUARTER: f"{head}-Q{index + 1}",
            Grain.MONTH: f"{head}-{self.month_token}{index + 1:02d}",
        }[period.grain]

    def examples(self) -> tuple[str, ...]:
        """Example labels of each form this calendar accepts (used in error messages)."""
        p = self.prefix
        return (f"{p}2026", f"{p}2026-H1", f"{p}2026-Q2", f"{p}2026-{self.month_token}03",
                "2026-01-15..2026-02-14")

    def parse(self, text: str, *, path: str = "period") -> Period:
        """Read a period label; the inverse of `format`.

        >>> CalendarYear().parse("2026-Q5")
        Traceback (most recent call last):
        ...
        salesperf._errors.DefinitionError: period: expected a period such as '2026', '2026-H1', \
'2026-Q2', '2026-03' or '2026-01-15..2026-02-14' (calendar year); got '2026-Q5'
        """
        if not isinstance(text, str):
            raise DefinitionError([Problem(path, f"expected a period label, got {text!r}")])
        custom = _CUSTOM_RE.fullmatch(text)
        if custom:
            try:
                first = dt.date.fromisoformat(custom[1])
                last = dt.date.fromisoformat(custom[2])
                if first <= last:
                    return Period.custom(first, last + _ONE_DAY, self)
            except ValueError:
                pass
            raise self._parse_error(text, path)
        match = re.fullmatch(
            rf"{re.escape(self.prefix)}(\d{{4}})(?:-(?:H([12])|Q([1-4])|"
            rf"{re.escape(self.month_token)}(0[1-9]|1[0-2])))?",
            text,
            re.ASCII,  # \d would also match other scripts' digits, which format never writes
        )
        if not match:
            raise self._parse_error(text, path)
        year = int(match[1])
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            raise self._parse_error(text, path)
        bounds = self.month_starts(year)
        half, quarter, month = match[2], match[3], match[4]
        if half:
            grain, index = Grain.HALF, int(half) - 1
        elif quarter:
            grain, index = Grain.QUARTER, int(quarter) - 1
        elif month:
            grain, index = Grain.MONTH, int(month) - 1
        else:
            grain, index = Grain.YEAR, 0
        offset = index * grain.months
        return Period(grain, bounds[offset], bounds[offset + grain.months], self)

    def _parse_error(self, text: str, path: str) -> DefinitionError:
        *head, last = (repr(e) for e in self.examples())
        return DefinitionError([Problem(
            path, f"expected a period such as {', '.join(head)} or {last} ({self.describe()}); "
            f"got {text!r}",
        )])


_CUSTOM_RE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")


def _format_custom(period: Period) -> str:
    return f"{period.start.isoformat()}..{period.last_day.isoformat()}"


def _check_month(value: object, path: str) -> list[Problem]:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
        return [Problem(path, f"must be 1..12, got {value!r}")]
    return []


def _by_value(value: object) -> object:
    """Accept an enum's value for the member itself (``label="ending"``)."""
    for kind in (YearLabel, YearEnd):
        for member in kind:
            if value == member.value:
                return member
    return value


def _check_enum(value: object, kind: type[enum.Enum], path: str) -> list[Problem]:
    if isinstance(value, kind):
        return []
    names = ", ".join(repr(m.value) for m in kind)
    return [Problem(path, f"must be one of {names}, got {value!r}")]


@attrs.frozen
class CalendarYear(Calendar):
    """The calendar year, January to December; labels look like ``2026-Q2`` and ``2026-03``."""

    prefix = ""
    month_token = ""

    def month_starts(self, year: int) -> tuple[dt.date, ...]:
        return _month_starts(year, 1)

    def year_of(self, day: dt.date) -> int:
        return day.year

    def describe(self) -> str:
        return "calendar year"


@functools.lru_cache(maxsize=4096)
def _month_starts(year: int, start_year_month: int) -> tuple[dt.date, ...]:
    # start_year_month is the first month of the year, counting months from January `year`.
    out = []
    for i in range(13):
        m = start_year_month - 1 + i
        out.append(dt.date(year + m // 12, m % 12 + 1, 1))
    return tuple(out)


@attrs.frozen
class FiscalYear(Calendar):
    """A fiscal year of calendar months starting in any month.

    `label` says whether a year is named after the calendar year it starts or ends in; the
    default, `YearLabel.ENDING`, is the common convention (a year from July 2026 to June 2027 is
    FY2027).

    >>> fy = FiscalYear(start_month=7)
    >>> p = fy.parse("FY2027-Q1")
    >>> p.start, p.last_day
    (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    >>> str(FiscalYear(start_month=7, label=YearLabel.STARTING).period(Grain.YEAR, p.start))
    'FY2026'
    >>> FiscalYear(start_month=13)
    Traceback (most recent call last):
    ...
    salesperf._errors.DefinitionError: calendar.start_month: must be 1..12, got 13
    """

    start_month: int = 1
    label: YearLabel = attrs.field(default=YearLabel.ENDING, converter=_by_value)

    def __attrs_post_init__(self) -> None:
        problems = _check_month(self.start_month, "calendar.start_month")
        problems += _check_enum(self.label, YearLabel, "calendar.label")
        if problems:
            raise DefinitionError(problems)

    def _offset(self) -> int:
        """Calendar year of the first month, relative to the label."""
        if self.start_month == 1 or self.label is YearLabel.STARTING:
            return 0
        return -1

    def month_starts(self, year: int) -> tuple[dt.date, ...]:
        return _month_starts(year + self._offset(), self.start_month)

    def year_of(self, day: dt.date) -> int:
        starting = day.year if day.month >= self.start_month else day.year - 1
        return starting - self._offset()

    def describe(self) -> str:
        month = dt.date(2000, self.start_month, 1).strftime("%B")
        return f"fiscal year starting in {month}, named after the year it {self.label.value[:-3]}s"


class RetailPattern(enum.Enum):
    """Weeks in each of a quarter's three months."""

    P445 = (4, 4, 5)
    P454 = (4, 5, 4)
    P544 = (5, 4, 4)


class YearEnd(enum.Enum):
    """Where a retail year ends relative to the last day of its end month."""

    NEAREST = "nearest"  # the chosen weekday nearest the month's last day (may fall after it)
    LAST = "last"  # the last such weekday on or before the month's last day


@attrs.frozen
class RetailCalendar(Calendar):
    """A 52/53-week retail calendar with 4-4-5, 4-5-4 or 5-4-4 months.

    The year ends on `end_weekday` (0 = Monday … 6 = Sunday) nearest to, or last before, the
    end of `end_month`; a 53rd week goes to the year's last month. Defaults follow the NRF
    4-5-4 calendar: years end on the Saturday nearest January 31 and are named after the
    calendar year they start in.

    >>> nrf = RetailCalendar()
    >>> y = nrf.year(2025)
    >>> y.start, y.last_day, y.days // 7
    (datetime.date(2025, 2, 2), datetime.date(2026, 1, 31), 52)
    >>> [p.days // 7 for p in y.subperiods(Grain.MONTH)][:3]
    [4, 5, 4]
    """

    pattern: RetailPattern = RetailPattern.P454
    end_month: int = 1
    end_weekday: int = 5
    year_end: YearEnd = attrs.field(default=YearEnd.NEAREST, converter=_by_value)
    label: YearLabel = attrs.field(default=YearLabel.STARTING, converter=_by_value)

    def __attrs_post_init__(self) -> None:
        problems = _check_enum(self.pattern, RetailPattern, "calendar.pattern")
        problems += _check_month(self.end_month, "calendar.end_month")
        if (isinstance(self.end_weekday, bool) or not isinstance(self.end_weekday, int)
                or not 0 <= self.end_weekday <= 6):
            problems.append(Problem(
                "calendar.end_weekday",
                f"must be 0 (Monday) .. 6 (Sunday), got {self.end_weekday!r}",
            ))
        problems += _check_enum(self.year_end, YearEnd, "calendar.year_end")
        problems += _check_enum(self.label, YearLabel, "calendar.label")
        if problems:
            raise DefinitionError(problems)

    def _nominal(self) -> FiscalYear:
        return FiscalYear(start_month=self.end_month % 12 + 1, label=self.label)

    def _year_end(self, year: int) -> dt.date:
        """The last day of the year labelled `year`."""
        last_nominal = self._nominal().month_starts(year)[12] - _ONE_DAY
        back = (last_nominal.weekday() - self.end_weekday) % 7
        end = last_nominal - dt.timedelta(days=back)
        if self.year_end is YearEnd.NEAREST and back > 3:
            end += dt.timedelta(days=7)
        return end

    def month_starts(self, year: int) -> tuple[dt.date, ...]:
        return _retail_month_starts(self, year)

    def year_of(self, day: dt.date) -> int:
        year = self._nominal().year_of(day)
        if day <= self._year_end(year - 1):
            return year - 1
        if day > self._year_end(year):
            return year + 1
        return year

    def describe(self) -> str:
        weeks = "-".join(str(w) for w in self.pattern.value)
        weekday = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                   "Sunday")[self.end_weekday]
        month = dt.date(2000, self.end_month, 1).strftime("%B")
        where = "nearest the end of" if self.year_end is YearEnd.NEAREST else "last in"
        return (f"{weeks} retail calendar ending on the {weekday} {where} {month}, "
                f"named after the year it {self.label.value[:-3]}s")


@functools.lru_cache(maxsize=4096)
def _retail_month_starts(cal: RetailCalendar, year: int) -> tuple[dt.date, ...]:
    start = cal._year_end(year - 1) + _ONE_DAY
    end = cal._year_end(year) + _ONE_DAY
    bounds = [start]
    day = start
    for weeks in cal.pattern.value * 4:
        day += dt.timedelta(weeks=weeks)
        bounds.append(day)
    bounds[12] = end  # a 53rd week lengthens the last month
    return tuple(bounds)
