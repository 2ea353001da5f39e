"""Records in, as columns: Python records (plain dicts or `Record` values) or columns given
as arrays, read once into the few arrays the accelerated path computes with.

Anything the accelerated path does not read exactly as the pure engine does — a record
that is not plain, a split, a reversal, a currency other than the plan's, an amount that is
not an exact decimal — is a reason to evaluate on the pure path (`Unsupported`), which
then reads every record itself and raises any error as it would.
"""

from __future__ import annotations

import datetime as dt
import decimal
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from itertools import islice, repeat
from operator import itemgetter
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from salesperf._records import Record

__all__ = ["ORDINAL_1970", "Intake", "Unsupported", "column_rows", "from_columns",
           "from_records"]

Ints = npt.NDArray[np.int64]
ORDINAL_1970 = dt.date(1970, 1, 1).toordinal()
_CORE = ("id", "date", "payee", "amount", "currency")
# Exact conversion to minor units: scaleb and to_integral_exact raise rather than round.
_EXACT = decimal.Context(prec=60, traps=[decimal.Inexact, decimal.InvalidOperation,
                                         decimal.Overflow])
_LIMIT = 1 << 53  # |amount| in minor units: sums of a million stay far inside int64


class Unsupported(Exception):  # noqa: N818 - a reason, not an error: the pure path runs
    """A reason the accelerated path leaves an evaluation to the pure engine."""


class Intake:
    """The records as the accelerated path reads them: ids, dates (as day ordinals), payees
    (as codes into their names, sorted) and amounts (integers of 10**-scale) as columns, and
    how to read a record's field.

    Columns of Python values are NumPy arrays of objects (or of text), not lists: the
    garbage collector traverses every list it finds young, and a million-value list held
    through an evaluation cost two collections of about 50 ms each at 1,000,000 records
    (measured with `gc.callbacks`); an array it does not traverse
    (`tests/test_fast.py::TestExplainPath::test_the_columns_held_through_an_evaluation_are_not_traversed_by_gc`)."""

    __slots__ = ("amounts", "days", "decimal", "field", "ids", "names", "ordered", "payees",
                 "records", "scale", "test")

    def __init__(self, ids: npt.NDArray[Any], days: Ints, payees: list[str], amounts: Ints,
                 scale: int, records: Sequence[object],
                 field: Callable[[str, Ints | None], Any],
                 test: Callable[[Callable[[Any], bool], int], bool],
                 decimal: Callable[[int], Decimal]) -> None:
        self.ids, self.days, self.amounts = ids, days, amounts
        self.names = sorted(set(payees))  # each payee once
        codes = dict(zip(self.names, range(len(self.names)), strict=True))
        self.payees: Ints = np.fromiter(map(codes.__getitem__, payees), np.int64, len(payees))
        self.scale, self.records = scale, records
        self.decimal = decimal  # record i's amount, the Decimal the pure engine reads
        self.ordered = False  # the ids are given in increasing order (so unique)
        self.field = field  # a field's values for the records chosen (None: all) or None
        self.test = test  # a compiled condition applied to record i, as crediting applies it

    def __len__(self) -> int:
        return len(self.ids)


def _minor_units(amounts: Sequence[Decimal], scale: int) -> Ints:
    """Exact integers of 10**-scale; `Unsupported` for an amount with more places."""
    unit = Decimal(10**scale)
    try:  # a multiplication and an integral value, each trapping any rounding
        out = np.fromiter(map(int, map(_EXACT.to_integral_exact,
                                       map(_EXACT.multiply, amounts, repeat(unit)))),
                          np.int64, len(amounts))
    except (decimal.Inexact, decimal.InvalidOperation, decimal.Overflow, OverflowError,
            ValueError):
        if not all(map(Decimal.is_finite, amounts)):  # NaN, infinite: read only here
            raise Unsupported("an amount is not a finite number") from None
        raise Unsupported(f"an amount has more than {scale} decimal places, or is too "
                          "large for exact 64-bit arithmetic") from None
    if len(out) and int(np.abs(out).max()) >= _LIMIT:
        raise Unsupported("an amount is too large for exact 64-bit arithmetic")
    return out


def _untracked(values: Sequence[Any]) -> npt.NDArray[Any]:
    """The values as a NumPy array of objects, each as it is (see `Intake`)."""
    return np.fromiter(values, object, len(values))


def _one_currency(currencies: Sequence[object], home: str) -> None:
    if not set(map(type, currencies)) <= {str, type(None)}:
        raise Unsupported("a record's currency is not text")
    if any(c is not None and c != home for c in set(currencies)):
        raise Unsupported(f"a record is in another currency than the plan's ({home})")


def from_records(records: list[Any], home: str, places: int) -> Intake:
    """Plain dicts of exact types (as the pure engine's inline path reads them) or `Record`
    values, each with one payee, no split, no reversal, in the plan currency."""
    if not records:
        return Intake(np.zeros(0, object), np.zeros(0, np.int64), [], np.zeros(0, np.int64),
                      places, records, lambda name, chosen: [],
                      lambda test, i: test(records[i]), Decimal)
    kinds = set(map(type, records))
    if kinds == {dict}:
        fields = set().union(*records)  # every field some record has, in one pass
        if fields & {"payees", "split", "reverses"}:
            raise Unsupported("a record names several payees, a split or a reversal")
        try:
            ids, days, payees, amounts = (list(map(itemgetter(name), records))
                                          for name in ("id", "date", "payee", "amount"))
        except KeyError:
            raise Unsupported("a record lacks an id, a date, a payee or an amount") from None
        curs = ([r.get("currency") for r in records] if "currency" in fields else [None])
    elif kinds <= {dict, Record}:
        ids, days, payees, amounts, curs = [], [], [], [], []
        for r in records:
            if type(r) is dict:
                if "payees" in r or "split" in r or "reverses" in r:
                    raise Unsupported("a record names several payees, a split or a reversal")
                values = tuple(map(r.get, _CORE))
            else:
                if len(r.payees) != 1 or r.attributes.get("split") is not None or (
                        r.attributes.get("reverses") is not None):
                    raise Unsupported("a record names several payees, a split or a reversal")
                values = (r.id, r.date, r.payees[0], r.amount, r.currency)
            for column, value in zip((ids, days, payees, amounts, curs), values, strict=True):
                column.append(value)
    else:
        raise Unsupported("a record is neither a plain dict nor a Record")
    if set(map(type, ids)) != {str} or set(map(type, payees)) != {str}:
        raise Unsupported("a record's id or payee is not text")
    if set(map(type, days)) != {dt.date}:
        raise Unsupported("a record's date is not a date")
    if set(map(type, amounts)) != {Decimal}:
        raise Unsupported("a record's amount is not a Decimal")
    _one_currency(curs, home)
    # Ids often come in order (a database's key): then they are unique and sorted already.
    ordered = all(map(operator.lt, ids, islice(ids, 1, None)))
    if not ordered and len(set(ids)) != len(ids):
        raise Unsupported("two records have the same id")
    day_numbers = np.fromiter(map(dt.date.toordinal, days), np.int64, len(days))
    cents = _minor_units(amounts, places)

    columns: dict[str, npt.NDArray[Any]] = {}

    def field(name: str, chosen: Ints | None) -> list[Any]:
        # A field is read once, in record order, and then picked from: picking records
        # scattered in memory costs several times more than reading them in order.
        column = columns.get(name)
        if column is None:
            try:
                values = list(map(itemgetter(name), records))
            except (KeyError, TypeError):  # a record without it, or a `Record`
                values = [r.get(name) for r in records]
            column = columns[name] = _untracked(values)
            if chosen is None:
                return values
        picked: list[Any] = (column if chosen is None else column[chosen]).tolist()
        return picked

    def test(predicate: Callable[[Any], bool], i: int) -> bool:
        return predicate(records[i])

    # A plain dict's amount is read from it again (when a line is made from its credit).
    decimal = (cast("Callable[[int], Decimal]", _untracked(amounts).__getitem__)
               if kinds != {dict} else lambda i: records[i]["amount"])
    intake = Intake(_untracked(ids), day_numbers, payees, cents, places, records, field, test,
                    decimal)
    intake.ordered = ordered
    return intake


def _as_array(values: object) -> npt.NDArray[Any]:
    to_numpy = getattr(values, "to_numpy", None)  # a pandas Series
    return np.asarray(to_numpy() if callable(to_numpy) else values)


def _columns_of(columns: object) -> dict[str, npt.NDArray[Any]]:
    """A mapping of column name → values (lists, arrays, Series), or a DataFrame."""
    names = getattr(columns, "columns", None)
    if names is not None and not isinstance(columns, Mapping):  # a DataFrame
        return {str(name): _as_array(columns[name]) for name in names}  # type: ignore[index]
    if not isinstance(columns, Mapping):
        raise TypeError(f"columns must be a mapping of names to arrays, got {columns!r}")
    return {str(name): _as_array(values) for name, values in columns.items()}


def column_rows(columns: object, places: int) -> list[dict[str, Any]]:
    """The records that columns stand for, as plain dicts: what the pure path evaluates when
    the accelerated path leaves columns to it. An integer amount is in minor units
    (``12345`` is ``Decimal("123.45")`` with two places); a date column holds dates or
    NumPy ``datetime64`` days."""
    data = _columns_of(columns)
    names = list(data)
    lists: list[list[Any]] = []
    for name in names:
        values = data[name]
        if name == "amount" and values.dtype.kind in "iu":
            lists.append([Decimal(int(v)).scaleb(-places) for v in values.tolist()])
        elif name == "date" and values.dtype.kind == "M":
            lists.append(values.astype("datetime64[D]").tolist())
        else:
            lists.append(values.tolist())
    return [dict(zip(names, row, strict=True)) for row in zip(*lists, strict=True)]


class _LazyRows(Sequence[dict[str, Any]]):
    """The records that columns stand for, each made as a plain dict when read (the
    credits' attributes read them)."""

    def __init__(self, data: dict[str, npt.NDArray[Any]], places: int) -> None:
        self._data, self._places = data, places
        self._rows: list[dict[str, Any]] | None = None

    def _all(self) -> list[dict[str, Any]]:
        if self._rows is None:
            self._rows = column_rows(self._data, self._places)
        return self._rows

    def __len__(self) -> int:
        return len(self._data["id"])

    def __getitem__(self, index: Any) -> Any:
        return self._all()[index]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._all())


def from_columns(columns: object, home: str, places: int) -> Intake:
    """Columns: ``id``, ``date``, ``payee`` and ``amount`` (integers in minor units, or
    Decimals), and any attributes; an optional ``currency`` column."""
    data = _columns_of(columns)
    for name in ("id", "date", "payee", "amount"):
        if name not in data:
            raise Unsupported(f"the columns have no {name!r}")
    if len({len(v) for v in data.values()}) > 1:
        raise Unsupported("the columns differ in length")
    if "payees" in data or "split" in data or "reverses" in data:
        raise Unsupported("the columns name several payees, splits or reversals")
    if "currency" in data:
        _one_currency(data["currency"].tolist(), home)
    ids: Any = data["id"]
    if ids.dtype.kind != "U":  # text as NumPy holds it; anything else is checked
        given, ordered = ids.tolist(), False  # the array kept: of objects, untracked
        if given and set(map(type, given)) != {str}:
            raise Unsupported("a record's id is not text")
        if len(set(given)) != len(given):
            raise Unsupported("two records have the same id")
    else:
        ordered = len(ids) < 2 or bool(np.all(ids[1:] > ids[:-1]))
        if not ordered and len(np.unique(ids)) != len(ids):
            raise Unsupported("two records have the same id")
    payees = data["payee"].tolist()
    if data["payee"].dtype.kind != "U" and payees and set(map(type, payees)) != {str}:
        raise Unsupported("a record's payee is not text")
    date = data["date"]
    if date.dtype.kind == "M":
        days = date.astype("datetime64[D]").astype(np.int64) + ORDINAL_1970
    else:
        values = date.tolist()
        if values and set(map(type, values)) != {dt.date}:
            raise Unsupported("a record's date is not a date")
        days = np.fromiter(map(dt.date.toordinal, values), np.int64, len(values))
    amount = data["amount"]
    as_decimal: Callable[[int], Decimal]
    if amount.dtype.kind in "iu":
        cents = amount.astype(np.int64)
        if len(cents) and int(np.abs(cents).max()) >= _LIMIT:
            raise Unsupported("an amount is too large for exact 64-bit arithmetic")

        def in_minor_units(i: int) -> Decimal:
            return Decimal(int(cents[i])).scaleb(-places)

        as_decimal = in_minor_units
    else:
        decimals = amount.tolist()
        if decimals and set(map(type, decimals)) != {Decimal}:
            raise Unsupported("the amounts are neither integers (minor units) nor Decimals")
        cents = _minor_units(decimals, places)
        as_decimal = cast("Callable[[int], Decimal]", amount.__getitem__)  # objects
    rows = _LazyRows(data, places)

    def field(name: str, chosen: Ints | None) -> Any:
        values = data.get(name)
        if values is None:
            return None
        return values if chosen is None else values[chosen]

    def test(predicate: Callable[[Any], bool], i: int) -> bool:
        return predicate(rows[i])

    intake = Intake(ids, days, payees, cents, places, rows, field, test, as_decimal)
    intake.ordered = ordered
    return intake
