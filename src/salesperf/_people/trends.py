"""Trends: a person's or team's metric or attainment over the last N periods, with growth.

A `Trend` is a series of values by period (any calendar), the change and growth from each
period to the next, and whether it is improving — the input that feedback checks and
recommendation rules read.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from salesperf._errors import DefinitionError, Problem
from salesperf._goals import Goal, OwnerKind, evaluate_goal, records_of
from salesperf._metrics import Metric, SuppliedLookup, evaluate_metric
from salesperf._money import DECIMAL_CONTEXT
from salesperf._periods import Period
from salesperf._records import Hierarchy, Record, as_records
from salesperf._scoring import Direction

__all__ = ["Trend", "attainment_trend", "last_periods", "metric_trend", "nothing_supplied",
           "trend"]


def last_periods(period: Period, n: int) -> list[Period]:
    """The `n` periods ending with `period`, oldest first (any calendar, any grain).

    >>> from salesperf._periods import FiscalYear
    >>> [str(p) for p in last_periods(FiscalYear(start_month=7).parse("FY2027-Q1"), 3)]
    ['FY2026-Q3', 'FY2026-Q4', 'FY2027-Q1']
    """
    if n < 1:
        raise DefinitionError([Problem("periods", f"must be at least 1, got {n}")])
    out = [period]
    for _ in range(n - 1):
        out.append(out[-1].previous())
    return out[::-1]


def nothing_supplied(name: str, period: Period) -> Decimal | None:
    """The `SuppliedLookup` of a caller without host-measured values: none is known."""
    return None


def growth(before: Decimal, after: Decimal) -> Decimal | None:
    """``(after − before) / |before|``; None on a zero base (as the `Growth` metric)."""
    if before == 0:
        return None
    return DECIMAL_CONTEXT.divide(DECIMAL_CONTEXT.subtract(after, before),
                                  DECIMAL_CONTEXT.abs(before))


@attrs.frozen
class Trend:
    """Values of one measure for one subject over consecutive periods, oldest first.

    `changes` and `growth` have one entry per step (None where a value or, for growth, the
    base is missing or zero). A trend is `improving` when it has at least two values and
    every step between values moves the better way (up, or down when lower is better), and
    it `fell` when its last step moved the worse way.
    """

    subject: str
    measure: str
    periods: tuple[Period, ...]
    values: tuple[Decimal | None, ...]
    direction: Direction = Direction.HIGHER_IS_BETTER

    def __attrs_post_init__(self) -> None:
        if not self.periods or len(self.periods) != len(self.values):
            raise DefinitionError([Problem("values", f"a trend needs one value for each of "
                                           f"at least one period, got {len(self.values)} for "
                                           f"{len(self.periods)}")])

    @property
    def changes(self) -> tuple[Decimal | None, ...]:
        """`value − previous value` per step (None where either is missing)."""
        return tuple(None if a is None or b is None else DECIMAL_CONTEXT.subtract(b, a)
                     for a, b in itertools.pairwise(self.values))

    @property
    def growth(self) -> tuple[Decimal | None, ...]:
        """`growth` per step: the change over the earlier value's size (None where either is
        missing or the earlier one is 0)."""
        return tuple(None if a is None or b is None else growth(a, b)
                     for a, b in itertools.pairwise(self.values))

    @property
    def overall_growth(self) -> Decimal | None:
        """Growth from the first value to the last (None without both, or on a zero base)."""
        a, b = self.values[0], self.values[-1]
        return None if a is None or b is None else growth(a, b)

    def _better(self, change: Decimal) -> bool:
        return change > 0 if self.direction is Direction.HIGHER_IS_BETTER else change < 0

    @property
    def improving(self) -> bool:
        """Whether every step between at least two values moves the better way."""
        changes = self.changes
        return bool(changes) and all(c is not None and self._better(c) for c in changes)

    @property
    def fell(self) -> bool:
        """Whether the last step moved the worse way."""
        last = self.changes[-1] if self.changes else None
        return last is not None and last != 0 and not self._better(last)

    @property
    def last_two(self) -> tuple[tuple[Period, Decimal | None], tuple[Period, Decimal | None]]:
        """The last two (period, value) pairs; a trend of one period has no last step."""
        if len(self.periods) < 2:
            raise DefinitionError([Problem("periods", f"{self.subject} {self.measure} has one "
                                           "period, so no last step")])
        return ((self.periods[-2], self.values[-2]), (self.periods[-1], self.values[-1]))

    @property
    def explanation(self) -> str:
        """The values by period, the growth over them, and whether it is improving."""
        points = ", ".join(f"{p} {v if v is not None else 'no value'}"
                           for p, v in zip(self.periods, self.values, strict=True))
        state = ("improving" if self.improving else "falling" if self.fell
                 else "not improving")
        grown = self.overall_growth
        more = f"; growth {self.periods[0]} to {self.periods[-1]} = {grown}" if grown is not None \
            else ""
        return f"{self.subject} {self.measure}: {points}{more}; {state}"


def trend(subject: str, measure: str, values: Mapping[Period, Decimal | None], *,
          direction: Direction = Direction.HIGHER_IS_BETTER) -> Trend:
    """A trend from values keyed by period; the periods must follow one another.

    >>> from salesperf._periods import CalendarYear
    >>> q = CalendarYear().parse
    >>> t = trend("ana", "revenue", {q("2026-Q2"): Decimal(120), q("2026-Q1"): Decimal(100)})
    >>> t.growth, t.improving, t.explanation
    ((Decimal('0.2'),), True, 'ana revenue: 2026-Q1 100, 2026-Q2 120; growth 2026-Q1 to \
2026-Q2 = 0.2; improving')
    """
    periods = sorted(values)
    if not periods:
        raise DefinitionError([Problem("values", "a trend needs at least one period")])
    for a, b in itertools.pairwise(periods):
        if a.end != b.start:
            raise DefinitionError([Problem("values", f"periods must follow one another; "
                                           f"{a} is followed by {b}")])
    return Trend(subject, measure, tuple(periods), tuple(values[p] for p in periods), direction)


def metric_trend(metric: Metric, records: Iterable[Record | Mapping[str, object]],
                 owner: str, period: Period, n: int, *,
                 owner_kind: OwnerKind = OwnerKind.PAYEE, hierarchy: Hierarchy | None = None,
                 supplied: SuppliedLookup | None = None,
                 direction: Direction = Direction.HIGHER_IS_BETTER) -> Trend:
    """A metric of a payee (or a team) over the `n` periods ending with `period`.

    `supplied` looks up host-measured values by (metric name, period) for this owner.
    """
    own = records_of(owner, owner_kind, as_records(records), hierarchy)
    lookup = nothing_supplied if supplied is None else supplied
    values = {p: evaluate_metric(metric, own, p, lookup).value for p in last_periods(period, n)}
    return trend(owner, metric.name, values, direction=direction)


def attainment_trend(goals: Sequence[Goal], records: Iterable[Record | Mapping[str, object]],
                     *, hierarchy: Hierarchy | None = None) -> Trend:
    """Attainment of one owner's goals, one per period (the same goal set each period).

    The goals must share an owner and follow one another; each is evaluated over its own
    period, so the targets may change from period to period.
    """
    owners = {(g.owner, g.owner_kind) for g in goals}
    if len(owners) != 1:
        raise DefinitionError([Problem("goals", "an attainment trend needs the goals of one "
                                       "owner")])
    if len({g.period for g in goals}) != len(goals):
        raise DefinitionError([Problem("goals", "an attainment trend needs one goal per period")])
    data = sorted(as_records(records), key=lambda r: (r.date, r.id))
    values = {g.period: evaluate_goal(g, data, hierarchy, supplied=nothing_supplied, curve=None,
                                      scale=None).attainment for g in goals}
    return trend(goals[0].owner, f"{goals[0].id} attainment", values)
