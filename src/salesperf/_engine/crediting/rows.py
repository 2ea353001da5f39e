"""What crediting produces: credit rows (read by named fields), the public `Credit` and
`Exclusion` values, and `Credits`, the stage's result."""

from __future__ import annotations

import datetime as dt
import enum
import operator
from collections.abc import Collection, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, NamedTuple

import attrs

from salesperf._engine.lazy import Lazy
from salesperf._errors import DataError
from salesperf._records import CORE_FIELDS, Record

__all__ = ["AMOUNT", "CREDIT_COLUMNS", "DATE", "FACTOR", "KIND", "MEASURE", "NO_SPIFFS", "PAYEE",
           "RECORD", "REVERSES", "RULE", "SEQ", "SHARE", "SPIFFS", "WHOLE", "Credit",
           "CreditKind", "CreditList", "CreditRow", "Credits", "Exclusion", "Reversal",
           "amount_of"]

#: The share of a record credited to its one payee; a row's share *is* this object then.
WHOLE = Decimal(1)


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
#: factor, rule id, kind, SPIFFs, reversal), its fields read by the names below. `seq` is the
#: record's index in the evaluation's records: a row holds no reference to a record. (date, record,
#: seq) is unique in a payee's credits for a measure and orders them. A plain tuple rather
#: than a named one, on purpose: the garbage collector stops tracking exact tuples of plain
#: values, never a subclass's, and tracking every credit of a large evaluation measured +20 %
#: on `evaluate()` and +50 % on making its lines (benchmarks/run.py, 200,000 deals).
CreditRow = tuple[dt.date, str, int, str, str, Decimal, Decimal, Decimal, str, str,
                  tuple[str, ...], "Reversal | None"]
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
REVERSES: Final = 11  # for a clawback: the record it reverses and the share reversed


class Reversal(NamedTuple):
    """What a clawback credit takes back: a share of what `record`'s credit (of the same
    payee, measure, rule and kind) earned."""

    record: str
    fraction: Decimal


NO_SPIFFS: tuple[str, ...] = ()


class Credits:
    """What crediting produced: each payee's credits per measure, sorted by (date, record),
    every exclusion with its reason, and what later stages read of the records."""

    __slots__ = ("attributed", "by", "exclusions", "records", "reversed")

    def __init__(self, by: dict[tuple[str, str], list[CreditRow]],
                 exclusions: list[Exclusion], records: list[object],
                 attributed: dict[str, list[Record]],
                 reversed_: frozenset[tuple[str, str]] = frozenset()) -> None:
        self.by, self.exclusions, self.records = by, exclusions, records
        self.attributed = attributed  # each payee's records, for KPI metrics
        self.reversed = reversed_  # the (payee, measure) credits that hold a clawback

    def of(self, pid: str, measure: str) -> list[CreditRow]:
        return self.by.get((pid, measure), [])

    def amounts(self) -> dict[str, Decimal | None]:
        """Each record's amount as it was given (in its own currency), by id."""
        out: dict[str, Decimal | None] = {}
        for record in self.records:
            rid = _id_of(record)
            if rid is not None:
                out[rid] = amount_of(record)[0]
        return out

    def only(self, payees: Collection[str]) -> Credits:
        """The credits of `payees` alone, with the records they read (renumbered) and the
        exclusions of their shares; exclusions of whole records stay with the whole."""
        by = {key: rows for key, rows in self.by.items() if key[0] in payees}
        attributed = {pid: rs for pid, rs in self.attributed.items() if pid in payees}
        seqs = sorted({row[SEQ] for rows in by.values() for row in rows})
        new = {old: k for k, old in enumerate(seqs)}
        return Credits({key: [_renumbered(row, new[row[SEQ]]) for row in rows]
                        for key, rows in by.items()},
                       [e for e in self.exclusions if e.payee in payees],
                       [self.records[s] for s in seqs], attributed,
                       frozenset(k for k in self.reversed if k[0] in payees))

    def merged(self, other: Credits) -> Credits:
        """These credits and `other`'s, of records credited apart (each record in one part);
        a record id in both parts is an error, as in one pass."""
        ids = {rid for rid in map(_id_of, self.records) if rid is not None}
        for rid in map(_id_of, other.records):
            if rid in ids:
                raise DataError(rid, "id", "two records have this id")
        offset = len(self.records)
        by = {key: list(rows) for key, rows in self.by.items()}
        for key, rows in other.by.items():
            bucket = by.setdefault(key, [])
            bucket.extend(_renumbered(row, row[SEQ] + offset) for row in rows)
            bucket.sort()
        attributed = {pid: list(rs) for pid, rs in self.attributed.items()}
        for pid, rs in other.attributed.items():
            attributed.setdefault(pid, []).extend(rs)
        exclusions = self.exclusions + other.exclusions
        exclusions.sort(key=lambda e: (e.record, e.payee or "", e.reason))
        return Credits(by, exclusions, self.records + other.records, attributed,
                       self.reversed | other.reversed)

    def public(self) -> Sequence[Credit]:
        """The credits as `Credit` values, made when first read."""
        return CreditList(self.by, self.records)


#: The columns of a table of credits, in `Credit`'s field order (without the attributes).
CREDIT_COLUMNS = ("record", "payee", "measure", "date", "amount", "share", "factor", "rule",
                  "kind")
_CREDIT_FIELDS = (RECORD, PAYEE, MEASURE, DATE, AMOUNT, SHARE, FACTOR, RULE, KIND)


class CreditList(Lazy[Credit]):
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

    def buckets(self) -> Iterator[tuple[tuple[str, str], list[CreditRow]]]:
        """Each (payee, measure) in order with its credit rows in (date, record) order: the
        order of `columns`, with nothing copied."""
        return ((key, self._by[key]) for key in sorted(self._by))

    def columns(self) -> dict[str, list[Any]]:
        """The credits as columns (`CREDIT_COLUMNS`; the kind as its text), read from the
        rows without making `Credit` values: by payee and measure, each payee's credits
        for a measure in (date, record) order as crediting sorted them (sorting every
        credit again, as the `Credit` values are, would cost more than the rest)."""
        rows = [row for _, bucket in self.buckets() for row in bucket]
        return {name: list(map(operator.itemgetter(i), rows))
                for name, i in zip(CREDIT_COLUMNS, _CREDIT_FIELDS, strict=True)}


def _renumbered(row: CreditRow, seq: int) -> CreditRow:
    return (row[DATE], row[RECORD], seq, row[PAYEE], row[MEASURE], row[AMOUNT], row[SHARE],
            row[FACTOR], row[RULE], row[KIND], row[SPIFFS], row[REVERSES])


def _id_of(record: object) -> str | None:
    if isinstance(record, Record):
        return record.id
    # No mutate: crediting keeps only `Record`s and plain dicts, each with a str id, so
    # the other branches are never taken (their mutants cannot be told apart).
    rid = record.get("id") if isinstance(record, Mapping) else None  # pragma: no mutate
    return rid if isinstance(rid, str) else None  # pragma: no mutate


def _attributes(record: object) -> Mapping[str, object]:
    if isinstance(record, Record):
        return record.attributes
    if not isinstance(record, Mapping):  # pragma: no cover - crediting keeps only these
        raise TypeError(f"not a record: {record!r}")  # pragma: no mutate - never raised
    return {k: v for k, v in record.items() if k not in CORE_FIELDS}


def amount_of(record: object) -> tuple[Decimal | None, str | None]:
    """A kept record's amount and currency, as it was given."""
    if isinstance(record, Record):
        return record.amount, record.currency
    if not isinstance(record, Mapping):  # pragma: no cover - crediting keeps only these
        raise TypeError(f"not a record: {record!r}")  # pragma: no mutate - never raised
    amount, cur = record.get("amount"), record.get("currency")
    # No mutate: a kept plain dict's amount is a Decimal and its currency None or a str
    # (crediting checks both), so the other branches are never taken.
    exact = amount if isinstance(amount, Decimal) else None  # pragma: no mutate
    code = cur if isinstance(cur, str) else None  # pragma: no mutate
    return exact, code
