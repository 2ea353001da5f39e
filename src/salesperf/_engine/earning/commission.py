"""Commissions: rate tables over each credit, cumulatively over the window or record by
record, with gates, multipliers, caps, floors and year-to-date true-ups."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from salesperf._engine.crediting import (
    AMOUNT,
    DATE,
    KIND,
    RECORD,
    REVERSES,
    RULE,
    CreditRow,
    Credits,
)
from salesperf._engine.explain import (
    CommissionTerms,
    CommissionWriter,
    money,
    pct,
    permille,
    prorated,
    ramped,
)
from salesperf._engine.inputs import Year
from salesperf._engine.rates import Rates
from salesperf._engine.statements import Block, period_line
from salesperf._engine.versions import Versions
from salesperf._errors import DataError
from salesperf._money import DECIMAL_CONTEXT
from salesperf._plain import digits
from salesperf._plans import Application, BoundBasis, Commission, TierMode, Window

from .window import Memory, attainment, between, cap_limit, total

__all__ = ["CommissionEarner"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_INFINITY = Decimal("Infinity")
_ADD = DECIMAL_CONTEXT.add
_MUL = DECIMAL_CONTEXT.multiply


class CommissionEarner:
    """Earns one commission component for a payee, period by period."""

    __slots__ = ("comp", "fast", "to_date", "versions")

    def __init__(self, versions: Versions[Commission], fast: bool = True) -> None:
        # Versions keep a commission's id, measure, application, window and holdback.
        self.versions, self.comp, self.fast = versions, versions.items[-1], fast
        self.to_date = self.comp.window is Window.YEAR_TO_DATE

    def terms(self, comp: Commission, pid: str, k: int, year: Year,
              credited: Credits) -> CommissionTerms:
        """The rate table, gate, multiplier and caps of a version of the commission, for the
        payee's window through `k`.

        Fast path: terms that depend on nothing of the payee's but their quota — no gate on
        another measure, no multiplier, no cap by target incentive, no proration or ramp —
        are made once per quota as written (100.00 is not 100: traces keep the places) and
        shared by every payee with that quota in the evaluation (`Year.shared`); proved
        equal by `test_engine_stages.py::TestFastPaths`.
        """
        to_date = self.to_date
        who = f"component {comp.id!r}"
        needs_quota = (comp.rates.basis is BoundBasis.ATTAINMENT
                       or (comp.gate is not None and comp.gate.measure is None)
                       or (comp.cap is not None and comp.cap.earnings_at_attainment is not None))
        quota = year.quota(pid, comp.measure, k, to_date, who) if needs_quota else None
        if quota is not None and quota == 0 and comp.rates.basis is BoundBasis.ATTAINMENT:
            raise DataError(None, "quotas", f"the quota of payee {pid!r} for "
                            f"{comp.measure!r} in {year.window(k, to_date)} is 0; {who} has "
                            "attainment tiers")
        if not (self.fast and _quota_only(comp) and not year.ramp
                and (year.proration is None or pid in year.roster.whole_year)):
            return self._terms(comp, pid, k, year, credited, quota)
        mine = year.shared.get((id(comp), k))
        if mine is None:
            mine = year.shared[id(comp), k] = {}
        written = None if quota is None else quota.as_tuple()
        key = None if written is None else (quota, written.exponent, written.sign)
        shared: CommissionTerms | None = mine.get(key)
        if shared is None:
            shared = mine[key] = self._terms(comp, pid, k, year, credited, quota)
        return shared

    def _terms(self, comp: Commission, pid: str, k: int, year: Year, credited: Credits,
               quota: Decimal | None) -> CommissionTerms:
        to_date = self.to_date
        who = f"component {comp.id!r}"
        base = Rates(comp.rates, quota)
        notes: list[str] = []
        mods: dict[str, Any] = {}
        # What holds for the whole window: gates on another measure, multipliers, caps.
        gate, open_gate = comp.gate, True
        if gate is not None and gate.measure is not None:
            _, _, att = attainment(pid, gate.measure, k, to_date, year, credited, who)
            open_gate = att >= gate.min_attainment
            mods["gate"] = {"measure": gate.measure, "attainment": digits(att),
                            "required": digits(gate.min_attainment), "passed": open_gate}
            if not open_gate:
                notes.append(f"gate closed: {gate.measure} at {pct(permille(att))} of quota, "
                             f"below {pct(gate.min_attainment)}")
        factor = _ONE
        if comp.multiplier is not None:
            measure = comp.multiplier.measure
            _, _, att = attainment(pid, measure, k, to_date, year, credited, who)
            lowest = comp.multiplier.bands.points[0][0]
            if att < lowest:
                raise DataError(None, "multiplier", f"{measure} attainment of payee {pid!r} in "
                                f"{year.window(k, to_date)} is {pct(permille(att))}, below the "
                                "first "
                                f"band ({pct(lowest)}) of {who}'s multiplier; add a band at 0")
            factor = comp.multiplier.bands(att)
            mods["multiplier"] = {"measure": measure, "attainment": digits(att),
                                  "factor": digits(factor)}
            if factor != _ONE:
                notes.append(f"× {factor} kicker ({measure} at {pct(permille(att))})")
        parts = year.prorated(pid, k, to_date)
        if parts and (quota is not None or (comp.cap is not None and comp.cap.
                                            target_incentive_multiple is not None)):
            mods["proration"] = parts
            notes.append(f"quota and target incentive prorated: {prorated(parts)}")
        ramps = year.ramped(pid, k, to_date)
        if ramps and quota is not None:
            mods["ramp"] = ramps
            notes.append(f"quota ramped: {ramped(ramps)}")
        cap = cap_limit(comp.cap, base, quota, pid, comp.id, k, to_date, year)
        if cap is not None:
            mods["cap"] = digits(cap)
        threshold = None
        if gate is not None and gate.measure is None and quota is not None:
            threshold = _MUL(gate.min_attainment, quota)
            mods["gate"] = {"measure": comp.measure, "required": digits(gate.min_attainment),
                            "threshold": digits(threshold),
                            "pay_from_first_unit": gate.pay_from_first_unit}
        return CommissionTerms(comp, base, quota, mods, tuple(notes), threshold,
                               gate is None or gate.pay_from_first_unit, open_gate, cap,
                               comp.cap.per_record if comp.cap is not None else None, factor)

    def blocks(self, pid: str, k: int, earlier: Decimal, year: Year, credited: Credits,
               memory: Memory) -> list[Block]:
        """The commission's lines for period `k`; `earlier` is what it earned before `k`."""
        comp, p = self.comp, year.periods[k]
        window = year.window(k, self.to_date)
        mine = between(credited.of(pid, comp.measure), window.start, window.end)
        versions = (Versions((self.terms(self.comp, pid, k, year, credited),))
                    if self.versions.single
                    else self.versions.map(lambda c: self.terms(c, pid, k, year, credited)))
        terms = versions.at(p.last_day)  # for the period's own lines: true-up, floor
        # Only where a clawback will read what a credit earned is it kept.
        kept = memory if (pid, comp.measure) in credited.reversed else None
        if comp.application is Application.PER_RECORD:
            todo = [c for c in mine if c[DATE] >= p.start]
            return self._floor(terms, p.last_day,
                               [self._per_record(versions, todo, kept)] if todo else [])

        # A period window starts from nothing; a year-to-date window recomputes what the
        # records of earlier periods earn now (the quota may have grown) against what they
        # earned then, and pays or takes back the difference.
        n_before = bisect.bisect_left(mine, (p.start,))  # 0 for a period window
        cumulative = recomputed = _ZERO
        if n_before:
            cumulative = total(c[AMOUNT] for c in mine[:n_before])
            # Recomputed together, a record and its reversal cancel: the reversal takes back
            # its share of what the record earns now, not of what it was paid (kept apart
            # for the reversals read in their own period).
            recomputed = total(_cumulative(versions, mine[:n_before], _ZERO,
                                           None if kept is None else {}))
        blocks: list[Block] = []
        opening = recomputed - earlier if self.to_date else _ZERO
        if opening != 0:
            trace = {"component": comp.id, "kind": "true-up", "measure": comp.measure,
                     "cumulative": digits(cumulative), "earned_before": digits(earlier),
                     "exact": digits(opening), **terms.mods}
            text = (f"true-up: {comp.measure} year to date of {money(cumulative)} now earns "
                    f"{money(recomputed)} against {money(earlier)} earned before")
            blocks.append(period_line(comp.id, p.start, opening, trace, text))
        todo = mine[n_before:] if n_before else mine
        if not todo:  # no lines, no block (an empty block would say nothing)
            return self._floor(terms, p.last_day, blocks)
        if self.fast and versions.single and terms.plain and (
                terms.base.mode is TierMode.MARGINAL and terms.per_record_cap is None
                and kept is None):
            values, exact = _marginal(terms, todo, cumulative, terms.earn(cumulative))
        else:
            values, exact = _cumulative(versions, todo, cumulative, kept), None
        block = Block(comp.id, CommissionWriter(versions, todo, values, cumulative), todo,
                      values)
        block.exact = exact
        blocks.append(block)
        return self._floor(terms, p.last_day, blocks)

    def _per_record(self, versions: Versions[CommissionTerms], todo: list[CreditRow],
                    kept: Memory | None) -> Block:
        """Each credit earns on its own, capped per record, then for the period."""
        values = []
        running = _ZERO
        for c in todo:
            terms = versions.at(c[DATE])
            cap = terms.cap
            value = _step(c, terms.per_record(c[AMOUNT]), None, kept)
            if cap is not None and value > cap - running:
                value = cap - running
                if kept is not None and c[REVERSES] is None:  # what it was actually paid
                    kept[c[RECORD], c[RULE], c[KIND]] = value
            running = _ADD(running, value)
            values.append(value)
        return Block(self.comp.id, CommissionWriter(versions, todo, values, _ZERO), todo,
                     values)

    def _floor(self, terms: CommissionTerms, day: dt.date, blocks: list[Block]) -> list[Block]:
        comp = terms.comp  # the version in force on the period's last day
        if comp.floor is None:
            return blocks
        earned = total([v for block in blocks for v in block.values])
        lift = comp.floor - earned
        if lift <= 0:
            return blocks
        trace = {"component": comp.id, "kind": "floor", "floor": digits(comp.floor),
                 "earned": digits(earned), "exact": digits(lift)}
        text = (f"floor: {comp.id} earned {money(earned)}, lifted to the floor of "
                f"{money(comp.floor)}")
        return [*blocks, period_line(comp.id, day, lift, trace, text, floor=True)]


def _quota_only(comp: Commission) -> bool:
    """Whether the commission's terms for a window depend on nothing of the payee's but the
    quota (see `CommissionEarner.terms`)."""
    gate, cap = comp.gate, comp.cap
    return ((gate is None or gate.measure is None) and comp.multiplier is None
            and (cap is None or cap.target_incentive_multiple is None))


def _cumulative(versions: Versions[CommissionTerms], todo: Sequence[CreditRow],
                cumulative: Decimal, kept: Memory | None) -> list[Decimal]:
    """Each credit earns f(measure after it) − f(measure before it), capped per record, with
    f the rate table (gate, multiplier, cap) of the version in force on its date."""
    values = []
    if versions.single:
        terms = versions.items[0]
        earn, per_record_cap = terms.earn, terms.per_record_cap
        h_before = earn(cumulative)
        for c in todo:
            after = _ADD(cumulative, c[AMOUNT])
            h_after = earn(after)
            values.append(_step(c, h_after - h_before, per_record_cap, kept))
            cumulative, h_before = after, h_after
        return values
    for c in todo:  # f changes with the version: both ends under the credit's own
        terms = versions.at(c[DATE])
        after = _ADD(cumulative, c[AMOUNT])
        values.append(_step(c, terms.earn(after) - terms.earn(cumulative),
                            terms.per_record_cap, kept))
        cumulative = after
    return values


def _step(c: CreditRow, earned: Decimal, per_record_cap: Decimal | None,
          kept: Memory | None) -> Decimal:
    """What one credit earns: `earned` (capped per record), or, for a clawback, minus its
    share of what the credit it reverses earned. The clawback moves the measure too, so
    what later credits earn starts from the measure without the reversed share; what it
    takes back is what the original earned at its own tier and rate, not today's."""
    undo = c[REVERSES]
    if undo is not None:
        earned_then = None if kept is None else kept.get((undo.record, c[RULE], c[KIND]))
        return _ZERO if earned_then is None else -_MUL(earned_then, undo.fraction)
    if per_record_cap is not None and earned > per_record_cap:
        earned = per_record_cap
    if kept is not None:  # what it earned in its own period, the first computed: a later
        # year-to-date recompute may move it (a gate the grown quota moved), not what it paid
        kept.setdefault((c[RECORD], c[RULE], c[KIND]), earned)
    return earned


def _marginal(terms: CommissionTerms, todo: list[CreditRow], cumulative: Decimal,
              h_before: Decimal) -> tuple[list[Decimal], Decimal]:
    """Fast path for `_cumulative` under marginal tiers with no gate, multiplier or cap per
    record (at most a window cap): each credit lands in the tier [low, high) the last one
    did unless it crosses out, so most credits cost one comparison, one multiplication and
    two additions. Also returns the values' exact total, which telescopes. Proved equal to
    `_cumulative` by `test_engine_stages.py::TestFastPaths`. The evaluation runs in
    salesperf's decimal context, so operators are exact here.
    """
    base = terms.base
    bounds, starts, rates = base.bounds, base.starts, base.rates
    values: list[Decimal] = []
    add = values.append
    limit = _INFINITY if terms.cap is None else terms.cap
    h_start = h_before
    low = high = earned = bound = rate = _ZERO  # no tier yet: the first credit finds it
    for c in todo:
        after = cumulative + c[AMOUNT]
        if not low <= after < high:
            i = bisect.bisect_right(bounds, after) - 1
            if i < 0:  # noqa: PLR1730 - cheaper than max() here
                i = 0
            low = bounds[i] if i else -_INFINITY  # the first tier reaches below 0
            high = bounds[i + 1] if i + 1 < len(bounds) else _INFINITY
            earned, bound, rate = starts[i], bounds[i], rates[i]  # earned at its bound
        h_after = earned + (after - bound) * rate
        if h_after > limit:  # noqa: PLR1730 - cheaper than min() here
            h_after = limit
        add(h_after - h_before)
        cumulative, h_before = after, h_after
    return values, h_before - h_start
