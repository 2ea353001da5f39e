"""Results as rows: statements, lines, credits, exclusions and counts as pandas frames, and
records read back from a pandas partition.

Every amount is exact decimal text (``str(Decimal)``, as `to_dict()` writes it), every date
ISO text, traces and lists JSON text: columns that Parquet, CSV and any warehouse keep exactly,
with no float anywhere. `decimal.Decimal(text)` reads an amount back.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import pandas as pd

from salesperf import Credit, Evaluation, Exclusion, Record, Statement

__all__ = ["COLUMNS", "Frames", "credit_rows", "exclusion_rows", "frames", "line_rows",
           "records_of", "statement_rows"]

_AMOUNTS = ("earned", "earned_ytd", "paid_before", "payable", "draw", "top_up", "recovered",
            "forgiven", "balance_before", "balance_after", "paid", "released", "held")

#: Each frame's columns, in order. Counts are integers; every other column is text or None.
COLUMNS: dict[str, tuple[str, ...]] = {
    "statements": ("payee", "period", "currency", *_AMOUNTS, "pay_currency", "pay_rate",
                   "pay_rate_date", "pay_amount", "components", "settlement", "lines"),
    "lines": ("payee", "period", "line", "component", "record", "date", "exact", "amount",
              "trace", "explanation"),
    "credits": ("record", "payee", "measure", "date", "amount", "share", "factor", "rule",
                "kind"),
    "exclusions": ("record", "payee", "reason"),
    "counts": ("partition", "records", "credited", "excluded"),
}
_INTEGERS = frozenset({"lines", "line", "partition", "records", "credited", "excluded"})
#: How each frame is sorted to compare with one process: the order `evaluate` gives.
ORDER: dict[str, tuple[str, ...]] = {
    "statements": ("payee", "period"),
    "lines": ("payee", "period", "line"),
    "credits": ("date", "record", "payee", "measure", "kind", "rule"),
    "exclusions": ("record", "payee", "reason"),
    "counts": ("partition",),
}


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def frame(name: str, rows: Iterable[Sequence[object]]) -> pd.DataFrame:
    """A frame of `name`'s columns; integers as int64, everything else as Python objects."""
    columns = list(COLUMNS[name])
    data = pd.DataFrame(list(rows) or None, columns=columns, dtype=object)
    integers = [c for c in columns if c in _INTEGERS]
    data[integers] = data[integers].astype("int64")
    return data


def statement_rows(statements: Iterable[Statement]) -> list[tuple[object, ...]]:
    """A row per statement; components and settlement steps as JSON text."""
    out: list[tuple[object, ...]] = []
    for s in statements:
        components = json.dumps([{"component": t.component, "earned": str(t.earned),
                                  "lines": t.lines} for t in s.components])
        out.append((s.payee, s.period, s.currency, *(str(getattr(s, a)) for a in _AMOUNTS),
                    s.pay_currency, _text(s.pay_rate), _text(s.pay_rate_date),
                    _text(s.pay_amount), components, json.dumps(list(s.settlement)),
                    len(s.lines)))
    return out


def line_rows(statements: Iterable[Statement], traces: bool = True) -> list[tuple[object, ...]]:
    """A row per statement line, numbered in its statement; with `traces`, its trace (JSON
    text) and explanation, written now (the costly part), else None."""
    out: list[tuple[object, ...]] = []
    for s in statements:
        for k, line in enumerate(s.lines):
            trace: str | None = None
            text: str | None = None
            if traces:
                facts, text = line.details()
                trace = json.dumps(facts, sort_keys=True)
            out.append((line.payee, line.period, k, line.component, line.record,
                        line.date.isoformat(), str(line.exact), str(line.amount), trace, text))
    return out


def credit_rows(given: Iterable[Credit]) -> list[tuple[object, ...]]:
    """A row per credit (the record's own attributes are left out: they are the input)."""
    return [(c.record, c.payee, c.measure, c.date.isoformat(), str(c.amount), str(c.share),
             str(c.factor), c.rule, c.kind.value) for c in given]


def exclusion_rows(exclusions: Iterable[Exclusion]) -> list[tuple[object, ...]]:
    return [(e.record, e.payee, e.reason) for e in exclusions]


@attrs.frozen(eq=False)
class Frames:
    """Results gathered in one place as pandas frames, each in the order `evaluate` gives
    (see `ORDER`): the statements of the period, their lines, every credit and exclusion,
    and how many records each crediting partition read, credited and excluded."""

    statements: pd.DataFrame
    lines: pd.DataFrame
    credits: pd.DataFrame
    exclusions: pd.DataFrame
    counts: pd.DataFrame

    @classmethod
    def of(cls, statements: pd.DataFrame, lines: pd.DataFrame, credits: pd.DataFrame,  # noqa: A002 - the field's name
           exclusions: pd.DataFrame, counts: pd.DataFrame) -> Frames:
        """The frames a cluster computed (a `Results`' frames, computed however you like),
        with Python values and sorted as `evaluate` orders its results."""
        return cls(ordered("statements", statements), ordered("lines", lines),
                   ordered("credits", credits), ordered("exclusions", exclusions),
                   ordered("counts", counts))

    def equals(self, other: Frames) -> bool:
        """The same statements, lines, credits and exclusions, value for value (the counts,
        which depend on how the records were partitioned, are not compared)."""
        return all(getattr(self, n).equals(getattr(other, n))
                   for n in ("statements", "lines", "credits", "exclusions"))


def frames(evaluation: Evaluation, *, traces: bool = True) -> Frames:
    """An evaluation made in one process, as the frames `Results.gather` gives: to compare
    a cluster's results with, or to write one process's results the same way."""
    credited = {c.record for c in evaluation.credits}
    excluded = {e.record for e in evaluation.exclusions} - credited
    return Frames(frame("statements", statement_rows(evaluation.statements)),
                  frame("lines", line_rows(evaluation.statements, traces)),
                  frame("credits", credit_rows(evaluation.credits)),
                  frame("exclusions", exclusion_rows(evaluation.exclusions)),
                  frame("counts", [(0, len(credited) + len(excluded), len(credited),
                                    len(excluded))]))


def ordered(name: str, data: pd.DataFrame) -> pd.DataFrame:
    """`data` with plain Python values (None for missing), sorted as `evaluate` orders it."""
    columns = COLUMNS[name]
    rows = [tuple(None if _missing(v) else v for v in row)
            for row in data[list(columns)].itertuples(index=False, name=None)]
    keys = [columns.index(c) for c in ORDER[name]]
    rows.sort(key=lambda row: tuple("" if row[k] is None else row[k] for k in keys))
    return frame(name, rows)


# -- records from a pandas partition -----------------------------------------------------------

_MISSING = object()


def _missing(value: object) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value: object) -> object:
    """A cell as salesperf reads a record's field: Python values, not numpy or pandas ones."""
    if _missing(value):
        return _MISSING
    if isinstance(value, pd.Timestamp):
        day = value.to_pydatetime()
        return day.date() if value == value.normalize() and value.tz is None else day
    if hasattr(value, "tolist") and not isinstance(value, (str, Decimal)):
        return value.tolist()  # numpy scalars and arrays (a list column such as `payees`)
    return value


_PLAIN_TYPES = frozenset({str, Decimal, int, bool, dt.date})


def _column(series: pd.Series) -> tuple[list[object], bool]:
    """A column's values as Python values, and whether any is missing."""
    values = series.tolist()
    if all(type(v) in _PLAIN_TYPES for v in values):
        return values, False  # the common case: nothing to convert, nothing missing
    values = [_plain(v) for v in values]
    return values, any(v is _MISSING for v in values)


def records_of(part: object) -> list[Any]:
    """A partition's records as `CompiledPlan.credit` reads them: a pandas frame's rows as
    mappings, without the fields that are missing (None, NaN, NaT), with Python values
    (a midnight timestamp as its date); a bag's items as they are."""
    if not isinstance(part, pd.DataFrame):
        return [dict(r) if isinstance(r, Mapping) and not isinstance(r, dict) else r
                for r in _items(part)]
    names = [str(c) for c in part.columns]
    read = [_column(part[c]) for c in part.columns]
    columns = [values for values, _ in read]
    if not any(missing for _, missing in read):
        return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
    return [{k: v for k, v in zip(names, row, strict=True) if v is not _MISSING}
            for row in zip(*columns, strict=True)]


def _items(part: object) -> Iterable[Any]:
    if isinstance(part, Record | Mapping):
        return [part]
    if isinstance(part, Iterable):
        return part
    return [part]  # the engine names what it cannot read
