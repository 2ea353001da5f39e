"""What the accelerated path holds, made into the pure engine's values when read: credit
rows (the tuples crediting makes) and a block's exact line values (Decimals), so that the
`Evaluation` it returns reads — lines, traces, explanations, credits — exactly as the pure
engine's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from salesperf._engine.crediting import WHOLE, CreditKind, CreditRow
from salesperf._engine.crediting.rules import Rule
from salesperf._engine.lazy import Lazy

__all__ = ["Bucket", "Picked", "Values"]

Ints = npt.NDArray[np.int64]
_DIRECT = CreditKind.DIRECT.value


class Bucket(Lazy[CreditRow]):
    """A payee's credits for the measure, in (date, record) order, as crediting's rows when
    first read: record `seq[j]` credited under rule `rules[j]` with the SPIFFs
    `spiffs[j]` it qualifies for."""

    __slots__ = ("_amount", "_day", "_ids", "_pid", "_rule", "_rules", "_seq", "_spiffs")

    def __init__(self, pid: str, seq: Ints, rule: Ints, rules: Sequence[Rule],
                 ids: Sequence[str], day: Ints, amount: Callable[[int], Decimal],
                 spiffs: Callable[[int], tuple[str, ...]]) -> None:
        super().__init__(len(seq))
        self._pid, self._seq, self._rule, self._rules = pid, seq, rule, rules
        self._ids, self._day, self._amount, self._spiffs = ids, day, amount, spiffs

    def _make(self) -> tuple[CreditRow, ...]:
        pid, ids, amount, spiffs, rules = (self._pid, self._ids, self._amount, self._spiffs,
                                           self._rules)
        fromordinal = dt.date.fromordinal
        out = []
        for i, r, d in zip(self._seq.tolist(), self._rule.tolist(), self._day.tolist(),
                           strict=True):
            rule = rules[r]
            out.append((fromordinal(d), str(ids[i]), i, pid, rule.measure,
                        rule.credit(amount(i), WHOLE), WHOLE, rule.factor, rule.id, _DIRECT,
                        spiffs(i), None))
        return tuple(out)


class Picked(Lazy[CreditRow]):
    """Some of a bucket's rows (a period's, or those a SPIFF pays), by their places."""

    __slots__ = ("_bucket", "_places")

    def __init__(self, bucket: Bucket, places: Sequence[int]) -> None:
        super().__init__(len(places))
        self._bucket, self._places = bucket, places

    def _make(self) -> tuple[CreditRow, ...]:
        rows = self._bucket[:]
        return tuple(rows[j] for j in self._places)


class Values(Lazy[Decimal]):
    """A block's exact line values, made when first read by `make` from what the
    accelerated path holds."""

    __slots__ = ("_made_by",)

    def __init__(self, length: int, make: Callable[[], tuple[Decimal, ...]]) -> None:
        super().__init__(length)
        self._made_by = make

    def _make(self) -> tuple[Decimal, ...]:
        return self._made_by()
