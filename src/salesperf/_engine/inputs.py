"""What the host supplies besides records: quotas, target incentives, plan assignments, and
the plan year they are read in (`Year`), with one answer to "is this payee active".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from salesperf._errors import DataError, DefinitionError, Problem
from salesperf._money import DECIMAL_CONTEXT, to_decimal
from salesperf._periods import Grain, Period, Proration, ProrationBasis, prorate
from salesperf._plain import digits
from salesperf._records import Hierarchy, Payee

__all__ = ["Assignment", "Draw", "Quota", "Receipt", "Roster", "TargetIncentive", "Year"]

_ZERO = Decimal(0)
_DAY = dt.timedelta(days=1)


def _amount(value: object) -> Decimal:
    return to_decimal(value, path="amount")


def _not_negative(_: object, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    # A negative quota would put every sale above 100 % of it (paying the top rate from the
    # first dollar); a negative target incentive would make a bonus take money away.
    if value < 0:
        raise DefinitionError([Problem(attribute.name, f"must not be negative, got {value}")])


@attrs.frozen
class Quota:
    """A payee's quota for a measure in one period (a label of the plan's calendar)."""

    payee: str
    measure: str
    period: str
    amount: Decimal = attrs.field(converter=_amount, validator=_not_negative)


@attrs.frozen
class TargetIncentive:
    """A payee's target incentive for a period; `component` None applies to every bonus."""

    payee: str
    period: str
    amount: Decimal = attrs.field(converter=_amount, validator=_not_negative)
    component: str | None = None


@attrs.frozen
class Receipt:
    """What the customer paid of a record (in the record's currency) on a day: releases
    earnings a commission holds back until the customer pays."""

    record: str
    date: dt.date
    amount: Decimal = attrs.field(converter=_amount)


@attrs.frozen
class Draw:
    """A payment guaranteed to a payee for a period: when the period's payable falls short,
    the draw pays the difference. A recoverable draw's top-up is a balance the payee repays
    from later earnings; a non-recoverable one is never taken back."""

    payee: str
    period: str
    amount: Decimal = attrs.field(converter=_amount)
    recoverable: bool = True

    @amount.validator
    def _not_negative(self, _: attrs.Attribute[Decimal], value: Decimal) -> None:
        if value < 0:
            raise DefinitionError([Problem("amount", f"a draw must be >= 0, got {value}")])


@attrs.frozen
class Assignment:
    """`payee` is on the plan from `start` through `end` (inclusive; None: open)."""

    payee: str
    start: dt.date | None = None
    end: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise DefinitionError([Problem("end", f"must not be before start {self.start}, "
                                           f"got {self.end}")])

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        """Whether the assignment covers any day from `first` through `last`."""
        return (self.start is None or self.start <= last) and (self.end is None
                                                               or self.end >= first)


class Roster:
    """Who can be credited and paid, and when: employment dates and plan assignments.

    The one place that answers "is this payee active": on a day (crediting) and in a period
    (earning). Payees employed and on the plan from the year's start through the period
    evaluated are `whole_year`, and need no check at all.
    """

    __slots__ = ("_assigned", "_cache", "hierarchy", "whole_year")

    def __init__(self, hierarchy: Hierarchy, assignments: Iterable[Assignment] | None,
                 first: dt.date, last: dt.date) -> None:
        self.hierarchy = hierarchy
        self._assigned = _assignments(assignments, hierarchy)
        self.whole_year = frozenset(
            pid for pid, p in hierarchy.payees.items()
            if self._assigned is None and (p.start is None or p.start <= first)
            and (p.end is None or p.end >= last))
        self._cache: dict[str, tuple[Payee | None, tuple[Assignment, ...] | None]] = {}

    def _entry(self, pid: str) -> tuple[Payee | None, tuple[Assignment, ...] | None]:
        entry = self._cache.get(pid)
        if entry is None:
            assigned = self._assigned
            entry = self._cache[pid] = (self.hierarchy.payees.get(pid),
                                        None if assigned is None else assigned.get(pid, ()))
        return entry

    def why_not(self, pid: str, day: dt.date) -> str | None:
        """Why `pid` cannot be credited on `day`, or None when they can."""
        if pid in self.whole_year:
            return None
        payee, spans = self._entry(pid)
        if payee is None:
            return f"unknown payee {pid!r}"
        if (payee.start is not None and day < payee.start) or (
                payee.end is not None and day > payee.end):
            return f"payee {pid!r} not employed on {day}"
        if spans is not None and not any(a.covers(day) for a in spans):
            return f"payee {pid!r} not on the plan on {day}"
        return None

    def spans(self, pid: str) -> list[tuple[dt.date | None, dt.date | None]]:
        """The spans (first and last day, None: open) in which `pid` is employed and on the
        plan, in order and not overlapping."""
        payee, assigned = self._entry(pid)
        if payee is None:
            return []
        spans = [(payee.start, payee.end)] if assigned is None else [
            (_later(payee.start, a.start), _earlier(payee.end, a.end)) for a in assigned]
        spans = sorted((s for s in spans if s[0] is None or s[1] is None or s[0] <= s[1]),
                       key=lambda s: s[0] or dt.date.min)
        merged: list[tuple[dt.date | None, dt.date | None]] = []
        for first, last in spans:
            if merged and (merged[-1][1] is None or first is None
                           or first <= merged[-1][1] + _DAY):
                end = merged[-1][1]
                merged[-1] = (merged[-1][0], None if end is None or last is None
                              else max(end, last))
            else:
                merged.append((first, last))
        return merged

    def on_plan(self, pid: str, period: Period) -> bool:
        """Whether `pid` is employed and on the plan on any day of `period`."""
        if pid in self.whole_year:
            return True
        payee, spans = self._entry(pid)
        if payee is None:
            return False
        first, last = period.start, period.last_day
        if not ((payee.start is None or payee.start <= last)
                and (payee.end is None or payee.end >= first)):
            return False
        return spans is None or any(a.overlaps(first, last) for a in spans)


def _later(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else min(a, b)


def _assignments(assignments: Iterable[Assignment] | None,
                 hierarchy: Hierarchy) -> dict[str, tuple[Assignment, ...]] | None:
    if assignments is None:
        return None
    grouped: dict[str, list[Assignment]] = defaultdict(list)
    problems = []
    for i, a in enumerate(assignments):
        if a.payee not in hierarchy.payees:
            problems.append(Problem(f"assignments[{i}].payee", f"unknown payee {a.payee!r}"))
        grouped[a.payee].append(a)
    if problems:
        raise DefinitionError(problems)
    return {k: tuple(v) for k, v in grouped.items()}


@attrs.frozen
class Year:
    """The plan year through the period evaluated, and the host's inputs, by period index.

    Components are evaluated period by period; period `k` is ``periods[k]``, its label
    ``labels[k]``. A component's window is the period itself or the year to date through it.
    """

    year: Period
    periods: tuple[Period, ...]
    roster: Roster
    quotas: Mapping[tuple[str, str, str], Decimal]
    incentives: Mapping[tuple[str, str, str | None], Decimal]
    supplied: Mapping[tuple[str, str, str], object]
    proration: ProrationBasis | None = None  # the plan's, for partial periods
    holidays: frozenset[dt.date] = frozenset()  # for proration by working days
    ramp: tuple[Decimal, ...] = ()  # the plan's: a new hire's quota share by month of tenure
    labels: tuple[str, ...] = attrs.field(init=False)
    _shares: dict[tuple[str, int], Proration | None] = attrs.field(init=False, factory=dict)
    _ramps: dict[tuple[str, int], Decimal | None] = attrs.field(init=False, factory=dict)
    # What earners share between payees in this evaluation (terms of equal quotas).
    shared: dict[object, Any] = attrs.field(init=False, factory=dict)
    to_date: tuple[tuple[Period, str], ...] = attrs.field(init=False)  # windows and labels

    @labels.default
    def _labels(self) -> tuple[str, ...]:
        return tuple(str(p) for p in self.periods)

    @to_date.default
    def _to_date(self) -> tuple[tuple[Period, str], ...]:
        windows = [Period.custom(self.year.start, p.end, p.calendar) if k else p
                   for k, p in enumerate(self.periods)]
        return tuple((w, str(w)) for w in windows)

    def window(self, k: int, to_date: bool) -> Period:
        """Period `k`, or the year to date through it."""
        return self.to_date[k][0] if to_date else self.periods[k]

    def active(self, pid: str) -> list[int]:
        """The periods in which `pid` is on the plan: a payee hired (or put on the plan)
        mid-year earns nothing, and needs no quota or target incentive, for those before."""
        if pid in self.roster.whole_year:
            return list(range(len(self.periods)))
        return [k for k, p in enumerate(self.periods) if self.roster.on_plan(pid, p)]

    def quota(self, pid: str, measure: str, k: int, to_date: bool, who: str) -> Decimal:
        """The quota for the window through period `k`: the sum of its periods' quotas
        (periods the payee is not on the plan carry none; partial ones are prorated if the
        plan says so), or the year-to-date window's own quota if the host gave one.
        """
        if to_date and k:  # the host may give a year-to-date quota of its own
            own = self.quotas.get((pid, measure, self.to_date[k][1]))
            if own is not None:
                return own
        total = _ZERO
        for j in range(k + 1) if to_date else (k,):
            if not self.roster.on_plan(pid, self.periods[j]):
                continue
            q = self.quotas.get((pid, measure, self.labels[j]))
            if q is None:
                raise DataError(None, "quotas", f"no quota for payee {pid!r}, measure "
                                f"{measure!r} in {self.periods[j]}; {who} needs it")
            share, ramp = self.share(pid, j), self.ramp_factor(pid, j)
            if share is not None:
                q = share.apply(q)
            if ramp is not None:
                q = DECIMAL_CONTEXT.multiply(q, ramp)
            total = DECIMAL_CONTEXT.add(total, q)
        return total

    def ramp_factor(self, pid: str, j: int) -> Decimal | None:
        """The share of the quota asked of `pid` in period `j` by the plan's ramp: the
        ramp's share for each month of tenure, weighted by the days employed in each month
        of the period; None when the ramp asks the full quota (or there is none)."""
        if not self.ramp:
            return None
        key = (pid, j)
        if key not in self._ramps:
            self._ramps[key] = _ramp(self.ramp, self.roster.hierarchy.payees.get(pid),
                                     self.periods[j])
        return self._ramps[key]

    def ramped(self, pid: str, k: int, to_date: bool) -> list[dict[str, str]]:
        """The periods of the window through `k` whose quota the ramp lowered for `pid`, as
        a trace gives them."""
        if not self.ramp:
            return []
        out = []
        for j in range(k + 1) if to_date else (k,):
            factor = self.ramp_factor(pid, j) if self.roster.on_plan(pid, self.periods[j]) \
                else None
            if factor is not None:
                out.append({"period": self.labels[j], "factor": digits(factor)})
        return out

    def share(self, pid: str, j: int) -> Proration | None:
        """The part of period `j` in which `pid` is employed and on the plan, when the plan
        prorates and that is not the whole period; None otherwise."""
        if self.proration is None or pid in self.roster.whole_year:
            return None
        key = (pid, j)
        if key not in self._shares:
            period = self.periods[j]
            parts = [prorate(period, first, last, basis=self.proration, holidays=self.holidays)
                     for first, last in self.roster.spans(pid)]
            active = sum(p.active for p in parts)
            whole = prorate(period, basis=self.proration, holidays=self.holidays).total
            self._shares[key] = (None if active == whole
                                 else Proration(active, whole, self.proration))
        return self._shares[key]

    def prorated(self, pid: str, k: int, to_date: bool) -> list[dict[str, str]]:
        """The periods of the window through `k` whose quotas and target incentives were
        prorated for `pid`, as a trace gives them."""
        if self.proration is None or pid in self.roster.whole_year:
            return []
        out = []
        for j in range(k + 1) if to_date else (k,):
            share = self.share(pid, j) if self.roster.on_plan(pid, self.periods[j]) else None
            if share is not None:
                out.append({"period": self.labels[j], "active": str(share.active),
                            "total": str(share.total), "basis": share.basis.value})
        return out

    def incentive(self, pid: str, comp: str, k: int, to_date: bool = False) -> Decimal:
        """The target incentive for the window through period `k` (summed over its periods
        the payee is on the plan)."""
        total = _ZERO
        for j in range(k + 1) if to_date and k else (k,):
            if to_date and not self.roster.on_plan(pid, self.periods[j]):
                continue
            label = self.labels[j]
            for key in ((pid, label, comp), (pid, label, None)):
                if key in self.incentives:
                    share = self.share(pid, j)
                    amount = self.incentives[key]
                    total = DECIMAL_CONTEXT.add(total, amount if share is None
                                                else share.apply(amount))
                    break
            else:
                raise DataError(None, "target_incentives", f"no target incentive for payee "
                                f"{pid!r} in {self.periods[j]}; component {comp!r} needs it")
        return total


def quota_table(quotas: Iterable[Quota]) -> dict[tuple[str, str, str], Decimal]:
    """Quotas by (payee, measure, period label); a second, different one is an error."""
    table: dict[tuple[str, str, str], Decimal] = {}
    for i, q in enumerate(quotas):
        key = (q.payee, q.measure, q.period)
        if key in table and table[key] != q.amount:
            raise DefinitionError([Problem(f"quotas[{i}]", f"a second, different quota for "
                                           f"{q.payee!r}, {q.measure!r} in {q.period}")])
        table[key] = q.amount
    return table


def incentive_table(
    items: Iterable[TargetIncentive],
) -> dict[tuple[str, str, str | None], Decimal]:
    """Target incentives by (payee, period label, component or None)."""
    table: dict[tuple[str, str, str | None], Decimal] = {}
    for i, t in enumerate(items):
        key = (t.payee, t.period, t.component)
        if key in table and table[key] != t.amount:
            raise DefinitionError([Problem(f"target_incentives[{i}]", "a second, different "
                                           f"target incentive for {t.payee!r} in {t.period}")])
        table[key] = t.amount
    return table


def draw_table(draws: Iterable[Draw]) -> dict[tuple[str, str], Draw]:
    """Draws by (payee, period label); a second, different one is an error."""
    table: dict[tuple[str, str], Draw] = {}
    for i, d in enumerate(draws):
        key = (d.payee, d.period)
        if key in table and table[key] != d:
            raise DefinitionError([Problem(f"draws[{i}]", f"a second, different draw for "
                                           f"{d.payee!r} in {d.period}")])
        table[key] = d
    return table


def _ramp(ramp: tuple[Decimal, ...], payee: Payee | None, period: Period) -> Decimal | None:
    """See `Year.ramp_factor`."""
    calendar = period.calendar
    if payee is None or payee.start is None or payee.start >= period.end or calendar is None:
        return None
    hired = calendar.period(Grain.MONTH, payee.start)
    weighted = days = _ZERO
    for month in period.subperiods(Grain.MONTH):
        first = max(month.start, payee.start)
        last = month.last_day if payee.end is None else min(month.last_day, payee.end)
        employed = (last - first).days + 1
        if employed <= 0:
            continue
        tenure, start = 0, hired  # months from the month of hire, at most the ramp's length
        while start.start < month.start and tenure < len(ramp):
            start, tenure = start.next(), tenure + 1
        share = ramp[tenure] if tenure < len(ramp) else Decimal(1)
        weighted = DECIMAL_CONTEXT.add(weighted, DECIMAL_CONTEXT.multiply(share, employed))
        days += employed
    if not days or weighted == days:
        return None
    return DECIMAL_CONTEXT.divide(weighted, days)
