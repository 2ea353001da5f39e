"""Clawbacks, settled once every record is credited: a reversal mirrors the credits of the
record it reverses, for the share it takes back, dated its own day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from salesperf._money import DECIMAL_CONTEXT
from salesperf._records import Record

from .rows import (
    AMOUNT,
    DATE,
    FACTOR,
    KIND,
    MEASURE,
    PAYEE,
    RECORD,
    RULE,
    SEQ,
    SHARE,
    SPIFFS,
    CreditRow,
    Exclusion,
    Reversal,
    amount_of,
)

__all__ = ["reverse"]

_ONE = Decimal(1)
_MUL = DECIMAL_CONTEXT.multiply
_DIV = DECIMAL_CONTEXT.divide


def reverse(pending: list[tuple[dt.date, str, int, Record]],
            by_measure: dict[str, defaultdict[str, list[CreditRow]]],
            kept: list[object], exclusions: list[Exclusion], window: int | None,
            ) -> frozenset[tuple[str, str]]:
    """Clawback credits: each reversal mirrors every credit of the record it reverses,
    for the share it reverses, dated the reversal's day. Reversals are settled in (date,
    id) order, so that what remains of a record to reverse never depends on the order
    the records came in. Returns the (payee, measure) buckets that hold one."""
    wanted = {rec.attributes.get("reverses") for *_, rec in pending}
    rows_of: dict[object, list[CreditRow]] = defaultdict(list)
    for buckets in by_measure.values():
        for bucket in buckets.values():
            for row in bucket:
                if row[RECORD] in wanted:
                    rows_of[row[RECORD]].append(row)
    remaining: dict[str, Decimal] = {}
    touched: set[tuple[str, str]] = set()
    for day, rid, index, rec in sorted(pending, key=lambda p: (p[0], p[1])):
        original = rec.attributes["reverses"]
        rows = rows_of.get(original)
        if not isinstance(original, str) or not rows:
            exclusions.append(Exclusion(rid, f"reverses {original!r}, which was not "
                                        "credited"))
            continue
        rows.sort()
        left = remaining.get(original, _ONE)
        share = _reversal_share(rec, rows[0][DATE], kept[rows[0][SEQ]], window, left)
        if isinstance(share, str):
            exclusions.append(Exclusion(rid, share))
            continue
        remaining[original] = left - share
        undo = Reversal(original, share)
        for row in rows:
            by_measure[row[MEASURE]][row[PAYEE]].append((
                day, rid, index, row[PAYEE], row[MEASURE], -_MUL(row[AMOUNT], share),
                row[SHARE], row[FACTOR], row[RULE], row[KIND], row[SPIFFS], undo))
            touched.add((row[PAYEE], row[MEASURE]))
    return frozenset(touched)


def _reversal_share(rec: Record, orig_day: dt.date, original: object, window: int | None,
                    left: Decimal) -> Decimal | str:
    """The share of the record it reverses that a reversal takes back (all that is `left`
    when it gives no amount; nothing left is a reason), or why it cannot take any."""
    target = rec.attributes["reverses"]
    orig_amount, orig_cur = amount_of(original)
    if rec.date < orig_day:
        return f"dated {rec.date}, before {target} ({orig_day}), the record it reverses"
    if window is not None and (rec.date - orig_day).days > window:
        return (f"reverses {target} of {orig_day}, {(rec.date - orig_day).days} days "
                f"before: outside the {window}-day clawback window")
    if rec.amount is None:
        return left if left else f"reverses {target}, which is already reversed in full"
    if not orig_amount:
        return f"reverses {target}, which has no amount to take a share of"
    if (rec.currency or None) != (orig_cur or None):
        return (f"in {rec.currency or 'the plan currency'}, while {target} is in "
                f"{orig_cur or 'the plan currency'}")
    if (rec.amount > 0) == (orig_amount > 0) or rec.amount == 0:
        return (f"a reversal's amount is the change to {target} ({orig_amount}), so of the "
                f"opposite sign; got {rec.amount}")
    fraction = _DIV(-rec.amount, orig_amount)
    if fraction > left:
        return f"reverses {fraction} of {target}, more than the {left} that remains"
    return fraction
