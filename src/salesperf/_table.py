"""Tables: results as named columns of plain Python values, for hosts and notebooks.

A `Table` needs nothing beyond the standard library. It is what `salesperf.pandas` builds its
DataFrames from, and what a host writes as CSV to a stream it opened itself (salesperf opens
no files).
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Protocol

from salesperf._errors import DataError
from salesperf._html import html_table

__all__ = ["Table", "TextSink"]

#: Rows shown by a table's HTML form in a notebook; the rest are counted.
SHOWN_ROWS = 20


class TextSink(Protocol):
    """Anything text can be written to: an open text file, `io.StringIO`, `sys.stdout`."""

    def write(self, text: str, /) -> object: ...


def _decimal_text(value: Decimal) -> str:
    return format(value, "f")  # plain digits, never exponent notation such as 0E-7


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


_TEXT: dict[type, Callable[[Any], str]] = {
    str: str, Decimal: _decimal_text, dt.date: dt.date.isoformat, int: str, bool: _bool_text}


def _text(value: object) -> str:
    """A cell as CSV text: exact plain decimals, ISO dates, an empty cell for None."""
    if value is None:
        return ""
    write = _TEXT.get(type(value))
    if write is not None:
        return write(value)
    if isinstance(value, enum.Enum):
        return _text(value.value)
    return str(value)


def _texts(values: list[Any]) -> Iterable[Any]:
    """A column's cells as CSV text; a column of one type converted by one function call
    per cell (text as it is), a mixed one (None among amounts…) cell by cell."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return values
    write = _TEXT.get(kinds.pop()) if len(kinds) == 1 else None
    return map(write or _text, values)


class Table:
    """Named columns of equal length, in order: results as data, with no pandas needed.

    `columns` maps each column's name to its list of values (amounts `Decimal`, dates
    `datetime.date`, a missing value None); the table is made anew on every call that
    returns one, so the lists are the caller's to keep or change.

    >>> t = Table("lines", {"record": ["D-1", None], "amount": [Decimal("10.50"), Decimal(0)]})
    >>> len(t), t.names
    (2, ('record', 'amount'))
    >>> t.rows()
    [('D-1', Decimal('10.50')), (None, Decimal('0'))]
    >>> import io
    >>> out = io.StringIO()
    >>> t.write_csv(out)
    2
    >>> print(out.getvalue().replace("\\r\\n", "\\n"), end="")
    record,amount
    D-1,10.50
    ,0
    """

    __slots__ = ("columns", "name")

    def __init__(self, name: str, columns: Mapping[str, list[Any]]) -> None:
        self.name = name
        self.columns: dict[str, list[Any]] = dict(columns)
        lengths = {len(values) for values in self.columns.values()}
        if len(lengths) > 1:
            raise DataError(None, "columns", f"the columns of table {name!r} differ in length: "
                            f"{sorted(lengths)}")

    @property
    def names(self) -> tuple[str, ...]:
        """The columns' names, in order."""
        return tuple(self.columns)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), ()))

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return zip(*self.columns.values(), strict=True)

    def rows(self) -> list[tuple[Any, ...]]:
        """The rows as tuples, values in the order of `names`."""
        return list(self)

    def dicts(self) -> list[dict[str, Any]]:
        """The rows as dicts by column name."""
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self]

    def write_csv(self, out: TextSink) -> int:
        """Write the header and every row as CSV to `out`, a text stream the host opened
        (with ``newline=""`` for a file, as the `csv` module asks); return the rows written.

        Amounts are written as exact plain decimals (``1250.10``, never ``1.2501E+3``),
        dates in ISO form, a missing value as an empty cell.
        """
        writer = csv.writer(out)
        writer.writerow(self.names)
        writer.writerows(zip(*map(_texts, self.columns.values()), strict=True))
        return len(self)

    def __repr__(self) -> str:
        return f"<Table {self.name!r}: {len(self)} rows × {', '.join(self.names)}>"

    def _repr_html_(self) -> str:
        shown = list(zip(*(values[:SHOWN_ROWS] for values in self.columns.values()),
                         strict=True))
        more = len(self) - len(shown)
        notes = [f"… {more:,} more rows"] if more > 0 else []
        return html_table(self.names, shown, caption=f"{self.name} ({len(self):,} rows)",
                          notes=notes)
