"""The crediting pass: one pass over the records, each credited or excluded with a reason."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import NamedTuple

from salesperf._conditions import Predicate, compile_condition
from salesperf._engine.inputs import Roster
from salesperf._engine.versions import Versions
from salesperf._errors import DataError, DefinitionError, shown
from salesperf._goals import RollupBy
from salesperf._money import DECIMAL_CONTEXT, ExchangeRates, Money, currency, to_decimal
from salesperf._periods import Period
from salesperf._plans import KpiBonus, Overlay, Plan, Spiff
from salesperf._records import Record, as_record

from .clawbacks import reverse
from .rows import (
    AMOUNT,
    MEASURE,
    NO_SPIFFS,
    PAYEE,
    WHOLE,
    CreditKind,
    CreditRow,
    Credits,
    Exclusion,
)
from .rules import Rule, RuleBook

__all__ = ["Crediting", "Dates", "PlainView", "VersionRules"]

_ZERO = Decimal(0)
_ONE = WHOLE
_DAY = dt.timedelta(days=1)
_MUL = DECIMAL_CONTEXT.multiply
_DIRECT = CreditKind.DIRECT.value
_NO_SPIFFS = NO_SPIFFS


class _SpiffTest(NamedTuple):
    id: str
    measure: str
    first: dt.date | None
    last: dt.date | None
    test: Predicate

    def runs_on(self, day: dt.date) -> bool:
        return (self.first is None or self.first <= day) and (self.last is None
                                                             or day <= self.last)


class Dates:
    """The record dates an evaluation credits: the plan year through the period evaluated,
    up to the as-of date, inside the plan's effective dates. One place for the reasons a
    date is excluded, and for the set of dates the fast path checks a date against."""

    __slots__ = ("as_of", "first", "plans", "stop", "target", "year")

    def __init__(self, plans: Versions[Plan], year: Period, target: Period,
                 as_of: dt.date | None) -> None:
        self.plans, self.year, self.target, self.as_of = plans, year, target, as_of
        self.first, self.stop = year.start, target.end

    def why_not(self, day: dt.date) -> str | None:
        if not self.first <= day < self.stop:
            return f"dated {day}, outside the plan year {self.year} through {self.target}"
        if self.as_of is not None and day > self.as_of:
            return f"dated {day}, after the as-of date {self.as_of}"
        first, last = self.plans.items[0], self.plans.items[-1]
        if ((first.effective_from and day < first.effective_from)
                or (last.effective_until and day > last.effective_until)):
            versions = (f"v{first.version}" if first is last
                        else f"v{first.version}–v{last.version}")
            return f"dated {day}, outside plan {first.id} {versions}'s effective dates"
        return None

    def all(self) -> frozenset[dt.date]:
        """Every date `why_not` accepts."""
        day, out = self.first, []
        while day < self.stop:
            if self.why_not(day) is None:
                out.append(day)
            day += _DAY
        return frozenset(out)


#: A plain record's core fields, read as they are: (id, date, payee, amount, currency, split).
PlainView = tuple[str, dt.date, str, Decimal, "str | None", object]


class VersionRules:
    """One plan version's crediting: its rules, overlays and roll-ups, SPIFF conditions."""

    __slots__ = ("book", "extra", "spiffs")

    def __init__(self, plan: Plan) -> None:
        self.book = RuleBook(plan)
        self.extra = tuple((e, compile_condition(e.where) if isinstance(e, Overlay)
                            else _always) for e in plan.extra_credit)
        self.spiffs = tuple(_SpiffTest(c.id, c.measure, c.start, c.end,
                                       compile_condition(c.where))
                            for c in plan.components if isinstance(c, Spiff))

    def running(self, day: dt.date, measure: str) -> tuple[_SpiffTest, ...]:
        """The SPIFFs of `measure` that run on `day`."""
        return tuple(s for s in self.spiffs if s.measure == measure and s.runs_on(day))

    def spiffs_of(self, record: object, day: dt.date, measure: str) -> tuple[str, ...]:
        """The SPIFFs of `measure` whose dates and condition the record meets."""
        return _qualifying(self.running(day, measure), record)


def _qualifying(tests: tuple[_SpiffTest, ...], record: object) -> tuple[str, ...]:
    """The SPIFFs among `tests` whose condition the record meets."""
    out = _NO_SPIFFS
    for t in tests:
        if t.test(record):
            out = (*out, t.id)
    return out


class Crediting:
    """A plan's crediting, compiled: for each of its versions (see `versions`), the rules,
    overlays, roll-ups and SPIFF conditions; a record is credited under the version in force
    on its date."""

    __slots__ = ("_keep", "home", "plan", "versions")

    def __init__(self, plans: Versions[Plan]) -> None:
        self.plan = plan = plans.items[-1]
        self.home = currency(plan.currency).code
        self.versions = plans.map(VersionRules)
        self._keep = any(isinstance(c, KpiBonus) for p in plans.items for c in p.components)

    def run(self, records: Iterable[Record | Mapping[str, object]], dates: Dates,
            roster: Roster, rates: ExchangeRates | None, fast: bool = True) -> Credits:
        """One pass over the records: every record is credited or excluded with a reason.

        `credit_one` handles any record. Fast path: under a plan with one measure and no
        overlays, roll-ups or KPI bonuses, the common record — a plain dict of exact types,
        one payee employed and on the plan all year, in the plan currency, dated inside the
        window — is credited inline instead, with the same result; proved equal by
        `test_engine_stages.py::TestFastPaths` and
        `test_engine_properties.py::TestPlainRecordProperties`.
        """
        versions, home = self.versions, self.home
        only = versions.items[0]
        book = only.book
        exclusions: list[Exclusion] = []
        attributed: dict[str, list[Record]] = defaultdict(list)
        seen: set[str] = set()
        kept: list[object] = []  # every record, by the sequence number credits keep
        by_measure: dict[str, defaultdict[str, list[CreditRow]]] = {
            r.measure: defaultdict(list) for v in versions.items for r in v.book.rules}
        pending: list[tuple[dt.date, str, int, Record]] = []  # reversals

        def credit_one(item: Record | Mapping[str, object], index: int,
                       view: PlainView | None) -> None:
            amount: Decimal | None
            if view is not None:
                record: object = item
                rid, day, payee, amount, cur, split = view
                owners: tuple[str, ...] = (payee,)
            else:
                as_rec = as_record(item)
                record, rid, day, owners = as_rec, as_rec.id, as_rec.date, as_rec.payees
                amount, cur, split = (as_rec.amount, as_rec.currency,
                                      as_rec.attributes.get("split"))
            if rid in seen:
                raise DataError(rid, "id", "two records have this id")
            seen.add(rid)
            kept.append(record)
            why = dates.why_not(day)
            if why is not None:
                exclusions.append(Exclusion(rid, why))
                return
            if view is None and as_rec.attributes.get("reverses") is not None:
                pending.append((day, rid, index, as_rec))  # settled once all are credited
                return
            if self._keep:
                as_rec = as_record(item)
                for pid in owners:
                    attributed[pid].append(as_rec)
            rules = only if versions.single else versions.at(day)
            direct: list[CreditRow] = []
            value: Decimal | None = None
            hits = rules.book.first_per_measure(record)
            active: list[tuple[str, Decimal]] = []
            if hits:  # its payees, each active or excluded with the reason, once
                for pid, share in (((owners[0], _ONE),) if split is None and len(owners) == 1
                                   else _shares(rid, owners, split)):
                    why = roster.why_not(pid, day)
                    if why:
                        exclusions.append(Exclusion(rid, why, pid))
                    else:
                        active.append((pid, share))
            if active:  # only a record some payee can be credited with needs its value
                value = worth = _in_currency(rid, day, amount, cur, home, rates)
                for rule in hits:
                    buckets = by_measure[rule.measure]
                    qualifies = (rules.spiffs_of(record, day, rule.measure) if rules.spiffs
                                 else _NO_SPIFFS)
                    for pid, share in active:
                        row: CreditRow = (day, rid, index, pid, rule.measure,
                                          rule.credit(worth, share), share, rule.factor,
                                          rule.id, _DIRECT, qualifies, None)
                        buckets[pid].append(row)
                        direct.append(row)
            credited_any = bool(direct)
            if rules.extra:
                extra = self._extra_credit(rules, record, index, rid, day, direct, value,
                                           amount, cur, rates, roster, exclusions)
                for row in extra:
                    by_measure.setdefault(row[MEASURE], defaultdict(list))[row[PAYEE]].append(row)
                credited_any = credited_any or bool(extra)
            if not hits and not credited_any:
                exclusions.append(Exclusion(rid, "no crediting rule matched"))

        # Fast path: under a plan with one measure and no overlays, roll-ups or KPI bonuses,
        # the common plain record is credited inline when it passes every test below, with
        # the same result as `credit_one` (see `run`'s docstring for the properties). The
        # accepted dates, as a set, check a date's range in one lookup; each payee on the
        # plan all year maps to their credits, which checks the payee too.
        inline = (fast and versions.single and book.one_measure and not only.extra
                  and not self._keep)
        days = dates.all() if inline else frozenset()
        # The SPIFFs running each day: on the others a record qualifies for none.
        measure = book.rules[0].measure
        running_on = {d: on for d in days if (on := only.running(d, measure))}
        credits_of = ({pid: by_measure[book.rules[0].measure][pid] for pid in roster.whole_year}
                      if inline else {})
        mine_of, first, spiffs_on = credits_of.get, book.first, running_on.get
        lookup = book.index
        table: dict[object, Rule] = lookup.table if lookup is not None else {}
        for index, item in enumerate(records):
            # The plain view, read here once for both paths: a plain dict holding exact types
            # is read as it is, without copying; anything else (and a reversal) goes through
            # `Record.from_mapping`, which names the record and field of any bad value.
            if type(item) is not dict:
                credit_one(item, index, None)
                continue
            rid, day, payee = item.get("id"), item.get("date"), item.get("payee")
            amount, cur = item.get("amount"), item.get("currency")
            if not (type(rid) is str and type(day) is dt.date and type(payee) is str
                    and type(amount) is Decimal and amount.is_finite()
                    and (cur is None or type(cur) is str) and "payees" not in item
                    and "reverses" not in item):
                credit_one(item, index, None)
                continue
            split = item.get("split")
            if inline:
                mine = mine_of(payee)
                if (mine is not None and day in days and rid not in seen and split is None
                        and (cur is None or cur == home)):
                    try:  # `RuleBook.first`, its lookup written out where it has one
                        if lookup is None:
                            rule = first(item)
                        else:
                            key = item.get(lookup.field)
                            rule = None if key is None else table.get(key, lookup.default)
                    except TypeError:  # an unhashable value: `credit_one` reads it
                        rule = None
                    if rule is not None:
                        seen.add(rid)
                        kept.append(item)
                        on_day = spiffs_on(day)
                        mine.append((
                            day, rid, index, payee, measure, rule.credit(amount, _ONE), _ONE,
                            rule.factor, rule.id, _DIRECT,
                            _NO_SPIFFS if on_day is None else _qualifying(on_day, item), None))
                        continue
            credit_one(item, index, (rid, day, payee, amount, cur, split))
        reversed_ = (reverse(pending, by_measure, kept, exclusions,
                                     self.plan.payments.clawback_days) if pending
                     else frozenset())
        by = {(pid, measure): bucket for measure, buckets in by_measure.items()
              for pid, bucket in buckets.items() if bucket}
        # (date, record id, sequence) is unique, so the sort never compares further.
        for bucket in by.values():
            bucket.sort()
        exclusions.sort(key=lambda e: (e.record, e.payee or "", e.reason))
        return Credits(by, exclusions, kept, attributed, reversed_)

    def _extra_credit(self, rules: VersionRules, record: object, index: int, rid: str,
                      day: dt.date,
                      direct: list[CreditRow], value: Decimal | None, amount: Decimal | None,
                      cur: str | None, rates: ExchangeRates | None, roster: Roster,
                      exclusions: list[Exclusion]) -> list[CreditRow]:
        """Overlay and roll-up credits for one record; they never reduce anyone's credit."""
        extra: list[CreditRow] = []
        hierarchy = roster.hierarchy
        for more, applies in rules.extra:
            if not applies(record):
                continue
            if isinstance(more, Overlay):
                if value is None:
                    value = _in_currency(rid, day, amount, cur, self.home, rates)
                for pid in more.payees:
                    why = roster.why_not(pid, day)
                    if why:
                        exclusions.append(Exclusion(rid, why, pid))
                        continue
                    extra.append((day, rid, index, pid, more.measure,
                                           _MUL(value, more.share), more.share, _ONE, more.id,
                                           CreditKind.OVERLAY.value, _NO_SPIFFS, None))
                continue
            for credit in direct:
                if credit[MEASURE] != more.measure:
                    continue
                if more.by is RollupBy.TEAM:
                    team = hierarchy.team_of(credit[PAYEE], day)
                    chain: tuple[str, ...] = () if team is None else (team,)
                else:
                    chain = hierarchy.managers_above(credit[PAYEE], day)[: more.levels]
                for manager in chain:
                    why = roster.why_not(manager, day)
                    if why:
                        exclusions.append(Exclusion(rid, f"rollup: {why}", manager))
                        continue
                    extra.append((day, rid, index, manager, more.measure,
                                           _MUL(credit[AMOUNT], more.share), more.share, _ONE,
                                           more.id, CreditKind.ROLLUP.value, _NO_SPIFFS,
                                           None))
        return extra


def _always(record: object) -> bool:
    return True


def _in_currency(rid: str, day: dt.date, amount: Decimal | None, cur: str | None, home: str,
                 rates: ExchangeRates | None) -> Decimal:
    """A record's amount in the plan currency, at the rate of the record's own date; a
    record without a currency is in it."""
    if amount is None:
        raise DataError(rid, "amount", "a credited record needs an amount")
    if cur is None or cur == home:
        return amount
    if rates is None:
        raise DataError(rid, "currency", f"is {cur}, the plan pays in {home}, and no exchange "
                        "rates were given")
    return rates.convert(Money(amount, currency(cur)), home, day).amount


def _shares(rid: str, owners: tuple[str, ...], split: object) -> list[tuple[str, Decimal]]:
    if split is None:
        if not owners:
            raise DataError(rid, "payees", "a credited record needs a payee")
        raise DataError(rid, "split", f"has {len(owners)} payees and no split saying how to "
                        "share it")
    if not isinstance(split, Mapping):
        raise DataError(rid, "split", f"must map payee ids to shares, got {shown(split)}")
    if owners and set(split) != set(owners):
        # A split shares the record between its own payees: any other key would move the
        # credit to someone the record does not name.
        raise DataError(rid, "split", f"must name exactly the record's payees "
                        f"{shown(sorted(owners))}, got {shown(sorted(map(str, split)))}")
    shares = []
    total = _ZERO
    for pid, raw in sorted(split.items()):
        try:
            share = to_decimal(raw, path="split")
        except DefinitionError as err:
            raise DataError(rid, f"split[{pid!r}]", err.problems[0].message) from None
        shares.append((str(pid), share))
        total = DECIMAL_CONTEXT.add(total, share)
    if total != _ONE:
        raise DataError(rid, "split", f"shares must total exactly 1 (100 %), got {total}")
    if any(s < 0 for _, s in shares):
        raise DataError(rid, "split", "shares must not be negative")
    return shares
