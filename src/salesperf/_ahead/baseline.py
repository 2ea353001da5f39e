"""A period's records credited once, with everything needed to earn them again: what a
what-if and a forecast start from, so that each of them credits only its own records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

import attrs

from salesperf._engine import (
    Assignment,
    CompiledPlan,
    Credited,
    Draw,
    Evaluation,
    Quota,
    Receipt,
    TargetIncentive,
)
from salesperf._errors import DataError, DefinitionError, Problem
from salesperf._money import ExchangeRates
from salesperf._periods import Period
from salesperf._records import Hierarchy, Payee, Record, as_record

__all__ = ["Baseline"]


@attrs.frozen(eq=False)
class Baseline:
    """A plan's records for a period credited once (`credited`), with the host's inputs to
    credit more records the same way and to earn them.

    Make it with `Baseline.of`, once per period; then every `what_if` (and `forecast`)
    credits only its own hypothetical records, merges them with these credits and earns for
    one payee — instead of evaluating every payee again.
    """

    plan: CompiledPlan
    credited: Credited
    hierarchy: Hierarchy
    assignments: tuple[Assignment, ...] | None = None
    rates: ExchangeRates | None = None
    as_of: dt.date | None = None
    quotas: tuple[Quota, ...] = ()
    target_incentives: tuple[TargetIncentive, ...] = ()
    paid: Mapping[tuple[str, str], object] | None = None
    supplied: Mapping[tuple[str, str, str], object] | None = None
    draws: tuple[Draw, ...] = ()
    opening_balances: Mapping[str, object] | None = None
    holidays: frozenset[dt.date] = frozenset()
    receipts: tuple[Receipt, ...] = ()
    # The ids of the records credited, to check a hypothetical record's id against without
    # merging with every payee's credits (None: not known, so merging checks).
    record_ids: frozenset[str] | None = attrs.field(default=None, repr=False)
    # The records as given (read once by `of`), for a forecast's run rate to project.
    records: tuple[Record | Mapping[str, object], ...] = attrs.field(default=(), repr=False,
                                                                     eq=False)
    _by_id: dict[str, Record | Mapping[str, object]] = attrs.field(
        init=False, factory=dict, repr=False, eq=False)  # `records` by id, made when needed

    @classmethod
    def of(
        cls,
        plan: CompiledPlan,
        records: Iterable[Record | Mapping[str, object]],
        period: Period | str,
        *,
        payees: Iterable[Payee] = (),
        hierarchy: Hierarchy | None = None,
        assignments: Iterable[Assignment] | None = None,
        rates: ExchangeRates | None = None,
        as_of: dt.date | None = None,
        quotas: Iterable[Quota] = (),
        target_incentives: Iterable[TargetIncentive] = (),
        paid: Mapping[tuple[str, str], object] | None = None,
        supplied: Mapping[tuple[str, str, str], object] | None = None,
        draws: Iterable[Draw] = (),
        opening_balances: Mapping[str, object] | None = None,
        holidays: Collection[dt.date] = (),
        receipts: Iterable[Receipt] = (),
    ) -> Baseline:
        """Credit `records` for `period` (the arguments of `CompiledPlan.evaluate`) and keep
        the inputs to earn them."""
        if hierarchy is None:
            hierarchy = Hierarchy.of(payees)
        elif payees:
            raise DefinitionError([Problem("payees", "give payees or a hierarchy, not both")])
        kept = None if assignments is None else tuple(assignments)
        ids: set[str] = set()
        given: list[Record | Mapping[str, object]] = []
        credited = plan.credit(_noting_ids(records, ids, given), period, hierarchy=hierarchy,
                               assignments=kept, rates=rates, as_of=as_of)
        return cls(plan, credited, hierarchy, kept, rates, as_of, tuple(quotas),
                   tuple(target_incentives), paid, supplied, tuple(draws), opening_balances,
                   frozenset(holidays), tuple(receipts), frozenset(ids), tuple(given))

    @property
    def period(self) -> Period:
        return self.credited.period

    def credit(self, records: Iterable[Record | Mapping[str, object]], *,
               as_of: dt.date | None = None) -> Credited:
        """Credit more records as the baseline's were (same payees, assignments, rates), to
        merge with them. Hypothetical records are usually dated after the baseline's
        `as_of`, so they are credited as of `as_of` (None: every date of the period)."""
        return self.plan.credit(records, self.period, hierarchy=self.hierarchy,
                                assignments=self.assignments, rates=self.rates, as_of=as_of)

    def with_records(self, payee: str, credited: Credited) -> tuple[Credited, Credited]:
        """The payee's own credits, and those merged with `credited` (records credited
        apart with `credit`): what earning for the payee alone needs, before and after.

        Only the payee's credits are merged, so a what-if costs what the payee's records
        cost, not the tenant's; a record id already in the baseline is still a `DataError`.
        """
        mine = self.credited.only([payee])
        if self.record_ids is None:
            self.credited.merge(credited)  # checks every id, at the cost of every credit
        else:
            clash = sorted(set(_ids(credited)) & self.record_ids)
            if clash:
                raise DataError(clash[0], "id", "two records have this id")
        return mine, mine.merge(credited)

    def given(self, ids: Iterable[str]) -> list[Record]:
        """The records with these ids as the host gave them (to `of`), as `Record` values;
        an id not among them is left out."""
        if not self._by_id and self.records:
            for record in self.records:
                rid = _id(record)
                if isinstance(rid, str):
                    self._by_id[rid] = record
        found = (self._by_id.get(rid) for rid in ids)
        return [as_record(r) for r in found if r is not None]

    def earn(self, credited: Credited | None = None, *, only: Collection[str] | None = None,
             **changes: Any) -> Evaluation:
        """Earn `credited` (by default the baseline's credits) with the baseline's inputs,
        for the payees `only` (None: everyone); `changes` replace inputs (``quotas=...``)."""
        inputs: dict[str, Any] = {
            "quotas": self.quotas, "target_incentives": self.target_incentives,
            "paid": self.paid, "supplied": self.supplied, "draws": self.draws,
            "opening_balances": self.opening_balances, "holidays": self.holidays,
            "receipts": self.receipts}
        unknown = sorted(set(changes) - set(inputs))
        if unknown:
            raise DefinitionError([Problem(name, "not an input of earn; known: "
                                           + ", ".join(sorted(inputs))) for name in unknown])
        inputs.update(changes)
        return self.plan.earn(self.credited if credited is None else credited, only=only,
                              **inputs)


def _id(record: Record | Mapping[str, object]) -> object:
    return record.id if isinstance(record, Record) else record.get("id")


def _noting_ids(records: Iterable[Record | Mapping[str, object]], ids: set[str],
                kept: list[Record | Mapping[str, object]]
                ) -> Iterator[Record | Mapping[str, object]]:
    """The records as they are, read once, noting each one's id and keeping it on the way."""
    add, keep = ids.add, kept.append
    for record in records:
        rid = _id(record)
        if isinstance(rid, str):
            add(rid)
        keep(record)
        yield record


def _ids(credited: Credited) -> set[str]:
    """The ids of the records in credits made by `credit` (credited or excluded)."""
    return {c.record for c in credited.credits} | {e.record for e in credited.exclusions}
