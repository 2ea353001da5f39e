"""Crediting, the first stage: every record is credited to payees for measures, or excluded
with its reason. Later stages read the credits (and the facts crediting carries forward:
which SPIFFs a record qualifies for, the records attributed to a payee for KPI metrics),
never the raw records again.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Final, NamedTuple

import attrs

from salesperf._conditions import Eq, In, Predicate, compile_condition
from salesperf._engine.inputs import Roster
from salesperf._errors import DataError, DefinitionError, shown
from salesperf._goals import RollupBy
from salesperf._money import DECIMAL_CONTEXT, ExchangeRates, Money, currency, to_decimal
from salesperf._periods import Period
from salesperf._plans import KpiBonus, Overlay, Plan, Spiff
from salesperf._records import CORE_FIELDS, Record, as_record

from .lazy import Lazy

__all__ = ["AMOUNT", "DATE", "FACTOR", "KIND", "MEASURE", "PAYEE", "RECORD", "RULE", "SEQ",
           "SHARE", "SPIFFS", "WHOLE", "Credit", "CreditKind", "CreditRow", "Crediting",
           "Credits", "Exclusion"]

_ZERO = Decimal(0)
#: The share of a record credited to its one payee; a row's share *is* this object then.
WHOLE = _ONE = Decimal(1)
_DAY = dt.timedelta(days=1)
_MUL = DECIMAL_CONTEXT.multiply


class CreditKind(enum.Enum):
    DIRECT = "direct"
    OVERLAY = "overlay"
    ROLLUP = "rollup"


_DIRECT = CreditKind.DIRECT.value


@attrs.frozen
class Credit:
    """The share of a record credited to a payee for a measure, in the plan currency."""

    record: str
    payee: str
    measure: str
    date: dt.date
    amount: Decimal
    share: Decimal
    factor: Decimal
    rule: str
    kind: CreditKind
    attributes: Mapping[str, object] = attrs.field(eq=False, repr=False, factory=dict)


@attrs.frozen
class Exclusion:
    """A record (or one payee's share of it) that earned nothing, and why."""

    record: str
    reason: str
    payee: str | None = None


#: A credit as crediting produces it: (date, record id, seq, payee, measure, amount, share,
#: factor, rule id, kind, SPIFFs), its fields read by the names below. `seq` is the record's
#: index in the evaluation's records: a row holds no reference to a record. (date, record,
#: seq) is unique in a payee's credits for a measure and orders them. A plain tuple rather
#: than a named one, on purpose: the garbage collector stops tracking exact tuples of plain
#: values, never a subclass's, and tracking every credit of a large evaluation measured +20 %
#: on `evaluate()` and +50 % on making its lines (benchmarks/run.py, 200,000 deals).
CreditRow = tuple[dt.date, str, int, str, str, Decimal, Decimal, Decimal, str, str,
                  tuple[str, ...]]
DATE: Final = 0
RECORD: Final = 1
SEQ: Final = 2
PAYEE: Final = 3
MEASURE: Final = 4
AMOUNT: Final = 5
SHARE: Final = 6
FACTOR: Final = 7
RULE: Final = 8
KIND: Final = 9  # a CreditKind's value
SPIFFS: Final = 10  # the SPIFFs whose condition and dates the record meets


_NO_SPIFFS: tuple[str, ...] = ()


class Rule(NamedTuple):
    """A compiled crediting rule; `test` None matches every record."""

    id: str
    measure: str
    factor: Decimal
    unit: bool  # the factor is 1
    test: Predicate | None

    def credit(self, value: Decimal, share: Decimal) -> Decimal:
        """What a payee's `share` of a record worth `value` credits under this rule."""
        if share is not _ONE:
            value = _MUL(value, share)
        return value if self.unit else _MUL(value, self.factor)


class RuleBook:
    """The crediting rules in order: for each measure, the first rule matching a record."""

    __slots__ = ("_default", "_field", "_table", "one_measure", "rules")

    def __init__(self, plan: Plan) -> None:
        self.rules = tuple(Rule(r.id, r.measure, r.factor, r.factor == _ONE,
                                None if r.where is None else compile_condition(r.where))
                           for r in plan.credit_rules)
        self.one_measure = len({r.measure for r in self.rules}) == 1
        self._field, self._table, self._default = _index(plan, self.rules)

    def first_per_measure(self, record: object) -> list[Rule]:
        """The first rule matching `record` for each measure (rules are tried in order)."""
        hits: list[Rule] = []
        seen: set[str] = set()
        for rule in self.rules:
            if rule.measure not in seen and (rule.test is None or rule.test(record)):
                seen.add(rule.measure)
                hits.append(rule)
        return hits

    def first(self, item: Mapping[str, object]) -> Rule | None:
        """The first rule matching a plain record, under a plan with one measure.

        Fast path: when every rule before the first unconditional one tests one field for
        equality or membership, one dict lookup finds it. Proved equal to
        `first_per_measure` by `test_engine_stages.py::TestFastPaths`.
        """
        field = self._field
        if field is None:
            hits = self.first_per_measure(item)
            return hits[0] if hits else None
        key = item.get(field)
        return None if key is None else self._table.get(key, self._default)


def _index(plan: Plan, rules: tuple[Rule, ...],
           ) -> tuple[str | None, dict[object, Rule], Rule | None]:
    """The rules as one lookup, when every rule before the first unconditional one tests the
    same field for equality or membership: (field, rule by value, the unconditional rule or
    None); the first rule listing a value wins, as in order. (None, {}, None) otherwise."""
    fields: set[str] = set()
    table: dict[object, Rule] = {}
    default: Rule | None = None
    unindexed: tuple[None, dict[object, Rule], None] = (None, {}, None)
    try:
        for plan_rule, rule in zip(plan.credit_rules, rules, strict=True):
            where = plan_rule.where
            if where is None:
                default = rule
                break
            if not isinstance(where, Eq | In):
                return unindexed
            fields.add(where.field)
            for value in (where.value,) if isinstance(where, Eq) else where.values:
                if value is not None:  # a None value never matches: it reads as missing
                    table.setdefault(value, rule)
    except TypeError:  # an unhashable value to compare with
        return unindexed
    if len(fields) != 1:
        return unindexed
    return fields.pop(), table, default


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

    __slots__ = ("as_of", "first", "plan", "stop", "target", "year")

    def __init__(self, plan: Plan, year: Period, target: Period, as_of: dt.date | None) -> None:
        self.plan, self.year, self.target, self.as_of = plan, year, target, as_of
        self.first, self.stop = year.start, target.end

    def why_not(self, day: dt.date) -> str | None:
        if not self.first <= day < self.stop:
            return f"dated {day}, outside the plan year {self.year} through {self.target}"
        if self.as_of is not None and day > self.as_of:
            return f"dated {day}, after the as-of date {self.as_of}"
        plan = self.plan
        if ((plan.effective_from and day < plan.effective_from)
                or (plan.effective_until and day > plan.effective_until)):
            return f"dated {day}, outside plan {plan.id} v{plan.version}'s effective dates"
        return None

    def all(self) -> frozenset[dt.date]:
        """Every date `why_not` accepts."""
        day, out = self.first, []
        while day < self.stop:
            if self.why_not(day) is None:
                out.append(day)
            day += _DAY
        return frozenset(out)


def plain_view(item: object) -> tuple[str, dt.date, str, Decimal, str | None, object] | None:
    """(id, date, payee, amount, currency, split) of a plain dict holding exact types, read
    as it is without copying; None for anything else, which `Record.from_mapping` reads (and
    names the record and field of any bad value). Both crediting paths read records here."""
    if type(item) is not dict:
        return None
    rid, day, payee = item.get("id"), item.get("date"), item.get("payee")
    amount, cur = item.get("amount"), item.get("currency")
    if (type(rid) is str and type(day) is dt.date and type(payee) is str
            and type(amount) is Decimal and amount.is_finite()
            and (cur is None or type(cur) is str) and "payees" not in item):
        return rid, day, payee, amount, cur, item.get("split")
    return None


class Credits:
    """What crediting produced: each payee's credits per measure, sorted by (date, record),
    every exclusion with its reason, and what later stages read of the records."""

    __slots__ = ("attributed", "by", "exclusions", "records")

    def __init__(self, by: dict[tuple[str, str], list[CreditRow]],
                 exclusions: list[Exclusion], records: list[object],
                 attributed: dict[str, list[Record]]) -> None:
        self.by, self.exclusions, self.records = by, exclusions, records
        self.attributed = attributed  # each payee's records, for KPI metrics

    def of(self, pid: str, measure: str) -> list[CreditRow]:
        return self.by.get((pid, measure), [])

    def public(self) -> Sequence[Credit]:
        """The credits as `Credit` values, made when first read."""
        return _Credits(self.by, self.records)


class Crediting:
    """A plan's crediting, compiled: rules, overlays, roll-ups and SPIFF conditions."""

    __slots__ = ("_extra", "_keep", "_spiffs", "book", "home", "plan")

    def __init__(self, plan: Plan) -> None:
        self.plan, self.home = plan, currency(plan.currency).code
        self.book = RuleBook(plan)
        self._extra = tuple((e, compile_condition(e.where) if isinstance(e, Overlay)
                             else _always) for e in plan.extra_credit)
        self._spiffs = tuple(_SpiffTest(c.id, c.measure, c.start, c.end,
                                        compile_condition(c.where))
                             for c in plan.components if isinstance(c, Spiff))
        self._keep = any(isinstance(c, KpiBonus) for c in plan.components)

    def _spiffs_of(self, record: object, day: dt.date, measure: str) -> tuple[str, ...]:
        """The SPIFFs of `measure` whose dates and condition the record meets."""
        out = _NO_SPIFFS
        for s in self._spiffs:
            if s.measure == measure and s.runs_on(day) and s.test(record):
                out = (*out, s.id)
        return out

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
        book, home, spiffs = self.book, self.home, self._spiffs
        exclusions: list[Exclusion] = []
        attributed: dict[str, list[Record]] = defaultdict(list)
        seen: set[str] = set()
        kept: list[object] = []  # every record, by the sequence number credits keep
        extras = self._extra
        by_measure: dict[str, defaultdict[str, list[CreditRow]]] = {
            r.measure: defaultdict(list) for r in book.rules}

        def credit_one(item: Record | Mapping[str, object], index: int) -> None:
            view = plain_view(item)
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
            if self._keep:
                as_rec = as_record(item)
                for pid in owners:
                    attributed[pid].append(as_rec)
            direct: list[CreditRow] = []
            value: Decimal | None = None
            hits = book.first_per_measure(record)
            for rule in hits:
                if value is None:
                    value = _in_currency(rid, day, amount, cur, home, rates)
                buckets = by_measure[rule.measure]
                qualifies = self._spiffs_of(record, day, rule.measure) if spiffs else _NO_SPIFFS
                for pid, share in (((owners[0], _ONE),) if split is None and len(owners) == 1
                                   else _shares(rid, owners, split)):
                    why = roster.why_not(pid, day)
                    if why:
                        exclusions.append(Exclusion(rid, why, pid))
                        continue
                    row = (day, rid, index, pid, rule.measure,
                                    rule.credit(value, share), share, rule.factor, rule.id,
                                    _DIRECT, qualifies)
                    buckets[pid].append(row)
                    direct.append(row)
            credited_any = bool(direct)
            if extras:
                extra = self._extra_credit(record, index, rid, day, direct, value, amount, cur,
                                           rates, roster, exclusions)
                for row in extra:
                    by_measure.setdefault(row[MEASURE], defaultdict(list))[row[PAYEE]].append(row)
                credited_any = credited_any or bool(extra)
            if not hits and not credited_any:
                exclusions.append(Exclusion(rid, "no crediting rule matched"))

        if not fast or not book.one_measure or extras or self._keep:
            for index, item in enumerate(records):
                credit_one(item, index)
        else:
            # The common record, inline: every test it fails sends it to `credit_one`. The
            # accepted dates, as a set, check a date's range in one lookup; each payee on the
            # plan all year maps to their credits, which checks the payee too.
            days = dates.all()
            # The days some SPIFF runs: on the others a record qualifies for none.
            spiff_days = frozenset(d for d in days if any(t.runs_on(d) for t in spiffs))
            credits_of = {pid: by_measure[book.rules[0].measure][pid]
                          for pid in roster.whole_year}
            # Bound once: called for every record.
            view_of, mine_of, first, spiffs_of = (plain_view, credits_of.get, book.first,
                                                   self._spiffs_of)
            for index, item in enumerate(records):
                view = view_of(item)
                if view is not None:
                    rid, day, payee, amount, cur, split = view
                    mine = mine_of(payee)
                    if (mine is not None and day in days and rid not in seen and split is None
                            and (cur is None or cur == home)):
                        try:
                            rule = first(item)  # type: ignore[arg-type]
                        except TypeError:  # an unhashable value: `credit_one` reads it
                            rule = None
                        if rule is not None:
                            seen.add(rid)
                            kept.append(item)
                            mine.append((
                                day, rid, index, payee, rule.measure,
                                rule.credit(amount, _ONE), _ONE, rule.factor, rule.id, _DIRECT,
                                spiffs_of(item, day, rule.measure) if day in spiff_days
                                else _NO_SPIFFS))
                            continue
                credit_one(item, index)
        by = {(pid, measure): bucket for measure, buckets in by_measure.items()
              for pid, bucket in buckets.items() if bucket}
        # (date, record id, sequence) is unique, so the sort never compares further.
        for bucket in by.values():
            bucket.sort()
        exclusions.sort(key=lambda e: (e.record, e.payee or "", e.reason))
        return Credits(by, exclusions, kept, attributed)

    def _extra_credit(self, record: object, index: int, rid: str, day: dt.date,
                      direct: list[CreditRow], value: Decimal | None, amount: Decimal | None,
                      cur: str | None, rates: ExchangeRates | None, roster: Roster,
                      exclusions: list[Exclusion]) -> list[CreditRow]:
        """Overlay and roll-up credits for one record; they never reduce anyone's credit."""
        extra: list[CreditRow] = []
        hierarchy = roster.hierarchy
        for more, applies in self._extra:
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
                                           CreditKind.OVERLAY.value, _NO_SPIFFS))
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
                                           more.id, CreditKind.ROLLUP.value, _NO_SPIFFS))
        return extra


def _always(record: object) -> bool:
    return True


class _Credits(Lazy[Credit]):
    """An evaluation's credits, as `Credit` values when first read."""

    __slots__ = ("_by", "_records")

    def __init__(self, credits_by: Mapping[tuple[str, str], list[CreditRow]],
                 records: Sequence[object]) -> None:
        super().__init__(sum(len(b) for b in credits_by.values()))
        self._by, self._records = credits_by, records

    def _make(self) -> tuple[Credit, ...]:
        records = self._records
        made = [Credit(c[RECORD], c[PAYEE], c[MEASURE], c[DATE], c[AMOUNT], c[SHARE],
                       c[FACTOR], c[RULE], CreditKind(c[KIND]), _attributes(records[c[SEQ]]))
                for bucket in self._by.values() for c in bucket]
        made.sort(key=lambda c: (c.date, c.record, c.payee, c.measure, c.kind.value, c.rule))
        return tuple(made)


def _attributes(record: object) -> Mapping[str, object]:
    if isinstance(record, Record):
        return record.attributes
    if not isinstance(record, Mapping):  # pragma: no cover - crediting keeps only these
        raise TypeError(f"not a record: {record!r}")
    return {k: v for k, v in record.items() if k not in CORE_FIELDS}


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
