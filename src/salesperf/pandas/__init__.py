"""pandas in and out: records from a DataFrame, results as DataFrames with proper dtypes.

Needs the extra: ``pip install 'salesperf[pandas]'``. Every frame is built from a `Table`
(the columnar export, which needs no pandas), column by column:

- amounts (`Decimal`) stay exact by default, in `object` columns of `Decimal` values; with
  ``floats=True`` they become `float64` columns, for plotting and statistics, rounded to
  the nearest binary float (never feed those back as money);
- dates become `datetime64` columns (a missing date is `NaT`);
- counts are integers, text stays text.

    >>> import salesperf as sp
    >>> import salesperf.pandas as spd
    >>> plan = sp.compile_plan(sp.Plan("ae", [sp.Commission("c", sp.RateTable(
    ...     [sp.Tier(0, "0.10")]))]))
    >>> ev = plan.evaluate([{"id": "D-1", "date": "2026-02-03", "payee": "ana",
    ...                      "amount": "1000.10"}], "2026-Q1", payees=[sp.Payee("ana")])
    >>> frame = spd.lines(ev)
    >>> frame[["record", "date", "amount"]]
      record       date  amount
    0    D-1 2026-02-03  100.01
    >>> frame["amount"].iloc[0], str(frame["date"].dtype)
    (Decimal('100.01'), 'datetime64[s]')
    >>> spd.lines(ev, floats=True)["amount"].dtype
    dtype('float64')
"""

from __future__ import annotations

try:
    import numpy as np
    import pandas as pd
except ImportError as err:  # pragma: no cover - the tests run with the extra installed
    raise ImportError("salesperf.pandas needs pandas: pip install 'salesperf[pandas]'"
                      ) from err

import datetime as dt
import math
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from salesperf._engine import Evaluation
from salesperf._errors import DataError, DefinitionError, Problem, shown
from salesperf._goal_views import goal_table, scorecard_table
from salesperf._goals import GoalResult, PerformanceReport, ScorecardResult
from salesperf._limits import LIMITS, Limits
from salesperf._records import Record
from salesperf._requests import CORE_COLUMNS, ColumnMapping, split_shares, typed_value
from salesperf._table import Table

__all__ = ["components", "credits", "exclusions", "frame", "goals", "lines", "records",
           "scorecards", "statements"]


_EPOCH = dt.date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min  # numpy's NaT, as an integer


def frame(table: Table, *, floats: bool = False) -> pd.DataFrame:
    """A `Table` as a DataFrame: amounts exact (`Decimal`) or, with `floats`, `float64`;
    dates `datetime64`; the rest as they are."""
    return pd.DataFrame({name: _series(values, floats) for name, values in
                         table.columns.items()}, index=pd.RangeIndex(len(table)))


def _series(values: list[Any], floats: bool) -> Any:
    kind = next((type(v) for v in values if v is not None), None)
    if kind is Decimal:
        if not floats:
            return pd.Series(values, dtype=object)
        if None in values:
            return np.array([np.nan if v is None else float(v) for v in values])
        return np.array(values, dtype=np.float64)
    if kind is dt.date:
        # Days since 1970 from each date's ordinal (numpy's own reading of `date` objects
        # measured 2.6 µs a date, this 0.1 µs); a missing date is NaT.
        if None in values:
            days = np.fromiter((_NAT if v is None else v.toordinal() - _EPOCH for v in values),
                               dtype=np.int64, count=len(values))
        else:
            days = np.fromiter(map(dt.date.toordinal, values), dtype=np.int64,
                               count=len(values)) - _EPOCH
        return days.view("datetime64[D]").astype("datetime64[s]")
    if kind is int and None not in values:
        return np.array(values, dtype=np.int64)
    return pd.Series(values, dtype=object) if kind is None else values


def lines(evaluation: Evaluation, *, floats: bool = False, earlier: bool = False
          ) -> pd.DataFrame:
    """Every statement line (`Evaluation.lines_table`) as a DataFrame."""
    return frame(evaluation.lines_table(earlier=earlier), floats=floats)


def statements(evaluation: Evaluation, *, floats: bool = False, earlier: bool = False
               ) -> pd.DataFrame:
    """One row per statement (`Evaluation.statements_table`)."""
    return frame(evaluation.statements_table(earlier=earlier), floats=floats)


def components(evaluation: Evaluation, *, floats: bool = False, earlier: bool = False
               ) -> pd.DataFrame:
    """What each component earned per payee and period (`Evaluation.components_table`)."""
    return frame(evaluation.components_table(earlier=earlier), floats=floats)


def credits(evaluation: Evaluation, *, floats: bool = False) -> pd.DataFrame:  # noqa: A001
    """Every credit (`Evaluation.credits_table`)."""
    return frame(evaluation.credits_table(), floats=floats)


def exclusions(evaluation: Evaluation) -> pd.DataFrame:
    """Every exclusion with its reason (`Evaluation.exclusions_table`)."""
    return frame(evaluation.exclusions_table())


def goals(results: PerformanceReport | Iterable[GoalResult], *, floats: bool = False
          ) -> pd.DataFrame:
    """Goal results — a report's (standalone, then on its scorecards) or the ones given —
    one row each (see `PerformanceReport.goals_table`)."""
    if isinstance(results, PerformanceReport):
        return frame(results.goals_table(), floats=floats)
    return frame(goal_table(results), floats=floats)


def scorecards(results: PerformanceReport | Iterable[ScorecardResult], *, floats: bool = False
               ) -> pd.DataFrame:
    """Scorecard results — a report's or the ones given — one row each."""
    cards = results.scorecards if isinstance(results, PerformanceReport) else results
    return frame(scorecard_table(cards), floats=floats)


def records(data: pd.DataFrame, mapping: ColumnMapping | None = None, *,
            limits: Limits = LIMITS) -> Iterator[Record]:
    """Records from a DataFrame's rows, one at a time, with a column mapping as for CSV.

    `mapping` maps record fields to columns (columns not mentioned keep their name as the
    field) and converts text cells by `types`, exactly as `records_from_csv` does: several
    payees in one text cell are separated by ``;``, a split reads ``ana:0.6;ben:0.4``.
    Cells that already hold values keep them: `Decimal` amounts, integers, booleans, and
    dates (`datetime64` columns or `date` objects; a time of day is dropped, as for a
    record's date). Missing cells (None, NaN, NaT, empty text) are absent fields.

    A `float64` column is refused with a `DataError` naming it: binary floats are not exact.
    Read such a column as text (``pd.read_csv(..., dtype={"Value": str})``) or convert it
    to `Decimal` first.
    """
    mapping = mapping or ColumnMapping()
    headers = [str(c) for c in data.columns]
    missing = [c for c in mapping.columns.values() if c not in headers]
    if missing:
        raise DefinitionError([Problem(f"columns[{shown(c)}]", f"no such column; the "
                                       f"DataFrame has {shown(', '.join(headers))}")
                               for c in missing])
    for column, dtype in zip(headers, data.dtypes, strict=True):
        if getattr(dtype, "kind", "") == "f":
            raise DataError(None, column, f"the column holds binary floats ({dtype}), which "
                            "are not exact: read it as text, e.g. pd.read_csv(..., "
                            f"dtype={{{column!r}: str}}), or convert it to Decimal")
    if len(data) > limits.max_records:
        raise DataError(None, None, f"more than {limits.max_records} records "
                        "(Limits.max_records)")
    by_column = {column: field for field, column in mapping.columns.items()}
    fields = [by_column.get(h, h) for h in headers]
    for index, row in zip(data.index, data.itertuples(index=False, name=None), strict=True):
        yield _record(index, fields, row, mapping, limits)


def _record(index: object, fields: list[str], row: tuple[Any, ...], mapping: ColumnMapping,
            limits: Limits) -> Record:
    values: dict[str, object] = {}
    for field, value in zip(fields, row, strict=True):
        cell = _plain(value)
        if cell is not None:
            values[field] = cell
    rid = str(values.get("id", f"row {index}"))
    for field, value in values.items():
        if not isinstance(value, str):
            continue
        if field == "payees":
            values[field] = [p.strip() for p in value.split(";") if p.strip()]
        elif field == "split":
            values[field] = split_shares(rid, value)
        elif field in mapping.types and field not in CORE_COLUMNS:
            values[field] = typed_value(rid, field, value, mapping.types[field])
    return Record.from_mapping(values, limits=limits)


def _plain(value: object) -> object:
    """A cell as a plain Python value; None for a missing one."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):  # NaN: pandas' missing value
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.generic):
        return value.item()
    return value
