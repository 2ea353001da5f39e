"""A rep's what-if: what hypothetical records would earn, the statement before and after, and
what lies ahead — credited and earned for that one payee only, on top of a `Baseline`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from salesperf._engine import Exclusion, Line, Statement
from salesperf._engine.explain import money
from salesperf._plain import to_plain
from salesperf._records import Record, as_record

from .baseline import Baseline
from .distances import Distance, distances

__all__ = ["RecordEarning", "WhatIf", "what_if"]

_ZERO = Decimal(0)


@attrs.frozen
class RecordEarning:
    """What one hypothetical record earns the payee: its lines on the statement after (one
    per component it earns in; a record crossing a tier boundary earns each slice at its
    tier's rate, as its trace shows), their total, and why any share of it was excluded."""

    record: str
    earned: Decimal
    lines: tuple[Line, ...]
    exclusions: tuple[Exclusion, ...] = ()


@attrs.frozen
class WhatIf:
    """A payee's statement before and after hypothetical records, and what each earns.

    `change` is after − before: the records' own lines plus what they move in the lines of
    other records (a record dated before others moves them up the tiers too) and in period
    lines (bonuses, floors). `ahead` is what lies ahead after them (`distances`), `ahead_before`
    what lay ahead before.
    """

    payee: str
    period: str
    records: tuple[RecordEarning, ...]
    before: Statement
    after: Statement
    ahead_before: tuple[Distance, ...]
    ahead: tuple[Distance, ...]

    @property
    def change(self) -> Decimal:
        """What the records add to the period's earnings."""
        return self.after.earned - self.before.earned

    @property
    def payable_change(self) -> Decimal:
        """What the records add to the period's payable."""
        return self.after.payable - self.before.payable

    def explain(self) -> str:
        """The what-if in sentences a rep can follow."""
        out = [(f"What-if for {self.payee}, {self.period}: earned {money(self.before.earned)} "
               f"→ {money(self.after.earned)} ({_signed(self.change)})")]
        for r in self.records:
            out.append(f"  {r.record} earns {money(r.earned)}")
            out.extend(f"    {line.amount:>12,}  {line.explanation}" for line in r.lines)
            out.extend(f"    excluded: {e.reason}" for e in r.exclusions)
        out.extend(f"  next: {d.text}" for d in self.ahead)
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data (amounts as exact decimal text)."""
        return {"payee": self.payee, "period": self.period,
                "change": str(self.change), "payable_change": str(self.payable_change),
                "records": [{"record": r.record, "earned": str(r.earned),
                             "lines": to_plain(list(r.lines)),
                             "exclusions": to_plain(list(r.exclusions))} for r in self.records],
                "before": self.before.to_dict(), "after": self.after.to_dict(),
                "ahead_before": [d.to_dict() for d in self.ahead_before],
                "ahead": [d.to_dict() for d in self.ahead]}


def _signed(value: Decimal) -> str:
    return ("+" if value >= 0 else "−") + money(abs(value))


def what_if(baseline: Baseline, payee: str,
            records: Iterable[Record | Mapping[str, object]]) -> WhatIf:
    """What `records` (hypothetical deals, not in the baseline) would earn `payee`.

    The records are credited alone — with the baseline's payees, assignments and rates, as
    of any date in the period — merged with the baseline's credits and earned for `payee`
    only, before and after; so the statement after is exactly the payee's statement in an
    evaluation of everyone with the records added (`tests/test_ahead_whatif.py` proves it),
    at the cost of one payee. A record id already in the baseline is a `DataError`; a record
    that does not credit the payee earns nothing and shows its exclusions.
    """
    extra = [as_record(r) for r in records]
    credited = baseline.credit(extra)
    mine, merged = baseline.with_records(payee, credited)
    before = baseline.earn(mine, only=[payee]).statement(payee)
    after = baseline.earn(merged, only=[payee]).statement(payee)
    earnings = []
    for record in extra:
        lines = tuple(line for line in after.lines if line.record == record.id)
        excluded = tuple(e for e in credited.exclusions
                         if e.record == record.id and e.payee in (None, payee))
        earnings.append(RecordEarning(record.id, sum((line.amount for line in lines), _ZERO),
                                      lines, excluded))
    plan, quotas = baseline.plan, baseline.quotas
    return WhatIf(payee, after.period, tuple(earnings), before, after,
                  distances(plan, before, quotas), distances(plan, after, quotas))
