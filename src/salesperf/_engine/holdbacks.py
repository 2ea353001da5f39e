"""Holdbacks, between earning and payment: of what each record line earned, the part
released to be paid by the end of each period — all of it, or, for a commission that holds
back, what its `Holdback` releases by then (on a date, or as the customer pays).

Released earnings take the place of earned ones in the year-to-date payable: payable =
released year to date − paid before; what is earned and not yet released is `held`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from salesperf._money import DECIMAL_CONTEXT
from salesperf._periods import Period
from salesperf._plans import Holdback

from .crediting import AMOUNT, RECORD, REVERSES, CreditRow
from .earning import Earned
from .earning.window import total as sum_of
from .inputs import Receipt

__all__ = ["Receipts", "released"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_ADD = DECIMAL_CONTEXT.add
_MUL = DECIMAL_CONTEXT.multiply
_DIV = DECIMAL_CONTEXT.divide


class Receipts:
    """What the customer paid of each record, by any day (the host's receipts)."""

    __slots__ = ("_days", "_totals")

    def __init__(self, receipts: Iterable[Receipt]) -> None:
        grouped: dict[str, list[Receipt]] = defaultdict(list)
        for c in receipts:
            grouped[c.record].append(c)
        self._days: dict[str, list[dt.date]] = {}
        self._totals: dict[str, list[Decimal]] = {}
        for record, items in grouped.items():
            items.sort(key=lambda c: (c.date, c.amount))
            running, totals = _ZERO, []
            for c in items:
                running = _ADD(running, c.amount)
                totals.append(running)
            self._days[record], self._totals[record] = [c.date for c in items], totals

    def through(self, record: str, day: dt.date) -> Decimal:
        """What was collected of `record` on or before `day`."""
        days = self._days.get(record)
        if days is None:
            return _ZERO
        i = bisect.bisect_right(days, day)
        return self._totals[record][i - 1] if i else _ZERO


def released(earned: Sequence[Earned], periods: Sequence[Period],
             holdbacks: Mapping[str, Holdback], receipts: Receipts,
             amount_of: Mapping[str, Decimal | None]) -> list[Decimal]:
    """The exact earnings released by the end of each period, year to date. `amount_of`
    gives each record's amount, which its receipts are a share of."""
    out = []
    for k, period in enumerate(periods):
        day, total = period.last_day, _ZERO
        for so_far in earned[: k + 1]:
            for block in so_far.blocks:
                terms = holdbacks.get(block.component)
                if terms is None or block.day is not None:  # not held: a period line
                    total = _ADD(total, sum_of(block.values))
                    continue
                for c, value in zip(block.rows, block.values, strict=True):
                    total = _ADD(total, _release(value, c, terms, day, receipts, amount_of))
        out.append(total)
    return out


def _release(value: Decimal, c: CreditRow, terms: Holdback, day: dt.date,
             receipts: Receipts, amount_of: Mapping[str, Decimal | None]) -> Decimal:
    """What of a line's `value` is released by `day`."""
    held = _MUL(value, terms.share)
    free = value - held
    if terms.until is not None:
        return value if day >= terms.until else free
    undo = c[REVERSES]
    record = c[RECORD] if undo is None else undo.record  # held as the line it reverses
    amount = amount_of.get(record)
    if amount is None or amount <= 0 or c[AMOUNT] == 0:  # nothing to collect
        return value
    share = min(_ONE, _DIV(receipts.through(record, day), amount))
    return _ADD(free, _MUL(held, share))
