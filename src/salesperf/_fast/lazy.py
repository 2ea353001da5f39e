"""What the accelerated path holds, made into the pure engine's values when read: credit
rows (the tuples crediting makes) and a block's exact line values (Decimals), so that the
`Evaluation` it returns reads — lines, traces, explanations, credits — exactly as the pure
engine's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from salesperf._engine.crediting import WHOLE, CreditKind, CreditRow
from salesperf._engine.crediting.rules import Rule
from salesperf._engine.lazy import Lazy

__all__ = ["Bucket", "Picked", "Source", "Values"]

Ints = npt.NDArray[np.int64]
_DIRECT = CreditKind.DIRECT.value


class Source:
    """What credit rows are made from, for every credit in (payee, date, record) order:
    record `seq[j]` credited under rule `rules[rule[j]]` on day `day[j]`, with the SPIFFs
    `spiffs(seq[j])` it qualifies for."""

    __slots__ = ("amount", "day", "ids", "rule", "rules", "seq", "spiffs")

    def __init__(self, seq: Ints, rule: Ints, day: Ints, rules: Sequence[Rule], ids: Any,
                 amount: Callable[[int], Decimal],
                 spiffs: Callable[[int], tuple[str, ...]]) -> None:
        self.seq, self.rule, self.day, self.rules = seq, rule, day, rules
        self.ids, self.amount, self.spiffs = ids, amount, spiffs


class Bucket(Lazy[CreditRow]):
    """A payee's credits for the measure, in (date, record) order — credits `lo:hi` of the
    source — as crediting's rows when first read."""

    __slots__ = ("_hi", "_lo", "_pid", "_source")

    def __init__(self, pid: str, source: Source, lo: int, hi: int) -> None:
        super().__init__(hi - lo)
        self._pid, self._source, self._lo, self._hi = pid, source, lo, hi

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickled as the rows it makes (what it holds reads closures of the evaluation).
        return tuple, (self[:],)

    def _make(self) -> tuple[CreditRow, ...]:
        src, lo, hi, pid = self._source, self._lo, self._hi, self._pid
        ids, amount, spiffs, rules = src.ids, src.amount, src.spiffs, src.rules
        fromordinal = dt.date.fromordinal
        out = []
        for i, r, d in zip(src.seq[lo:hi].tolist(), src.rule[lo:hi].tolist(),
                           src.day[lo:hi].tolist(), strict=True):
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

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return tuple, (self[:],)

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

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return tuple, (self[:],)

    def _make(self) -> tuple[Decimal, ...]:
        return self._made_by()
