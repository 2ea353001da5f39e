"""Statements, the last stage: what a payee earned and is paid in a period, line by line,
and the evaluation that holds them with every credit and exclusion.

A component's lines for one payee and period are kept as a `Block` of exact values until
read; `Line` values, their rounding and their sentences are made then.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import accumulate, islice, repeat
from operator import methodcaller
from typing import Any, ClassVar, NamedTuple

import attrs

from salesperf._errors import DataError
from salesperf._money import DECIMAL_CONTEXT, ROUNDING_CONTEXT
from salesperf._plain import digits, to_plain
from salesperf._table import Table

from .crediting import CREDIT_COLUMNS, DATE, RECORD, Credit, CreditList, CreditRow, Exclusion
from .explain import Writer, pct, permille, to_cents
from .lazy import Lazy

__all__ = ["Block", "ComponentTotal", "Evaluation", "Line", "LineChunk", "Statement", "Writer",
           "line_details"]

_ZERO = Decimal(0)

class LineSlots:
    """A line's values, filled in once by `new_line`, which then makes the object a `Line`:
    a `Line` refuses every assignment, and setting nine slots on a plain object is the
    cheapest way to make one (a line per record, by the hundred thousand)."""

    __slots__ = ("_index", "_write", "amount", "component", "date", "exact", "payee",
                 "period", "record")
    component: str
    payee: str
    period: str
    record: str | None  # None for a line for the period (true-up, floor, bonus)
    date: dt.date
    exact: Decimal
    amount: Decimal
    _write: Writer  # writes the line's trace and sentence …
    _index: int  # … by its place in its block


class Line(LineSlots):
    """One amount on a statement: what a record (or a period-end adjustment) earned.

    `exact` is the unrounded value; `amount` is the line after cumulative rounding. The trace
    and the explanation are written when read, so that evaluating a large tenant does not pay
    for sentences nobody reads. Read-only; what writes the explanation is private and no part
    of the line's value: lines are equal when their seven fields are.
    """

    __slots__ = ()
    #: The line's fields, in order (what `to_dict`, tables and the schema show).
    _fields: ClassVar[tuple[str, ...]] = (
        "component", "payee", "period", "record", "date", "exact", "amount")

    def __new__(cls, component: str, payee: str, period: str, record: str | None,
                date: dt.date, exact: Decimal, amount: Decimal) -> Line:
        return new_line(component, payee, period, record, date, exact, amount, _BY_HAND, 0)

    def _values(self) -> tuple[object, ...]:
        return (self.component, self.payee, self.period, self.record, self.date, self.exact,
                self.amount)

    def details(self) -> tuple[dict[str, Any], str]:
        """The trace and the explanation, written together (read both at once this way)."""
        return line_details(self._write, self._index, self.exact, self.amount)

    @property
    def trace(self) -> dict[str, Any]:
        """Structured, JSON-safe: component, inputs, quota, attainment, tier, rate, arithmetic."""
        trace = self._write.trace(self._index)
        trace["rounded"] = str(self.amount)
        return trace

    @property
    def explanation(self) -> str:
        """The line in a sentence a payee can follow."""
        return paid_text(self._write.text(self._index), self.exact, self.amount)

    def replace(self, **changes: Any) -> Line:
        """A copy with some fields changed (its explanation still the original's)."""
        values: dict[str, Any] = dict(zip(self._fields, self._values(), strict=True))
        values.update(changes)
        v = values
        return new_line(v["component"], v["payee"], v["period"], v["record"], v["date"],
                        v["exact"], v["amount"], self._write, self._index)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Line is read-only; use replace({name}=...) for a changed copy")

    def __reduce__(self) -> tuple[Callable[..., Line], tuple[object, ...]]:
        # Made again as an evaluation makes it (pickle and copy would set the slots).
        return new_line, (*self._values(), self._write, self._index)

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a Line is read-only")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Line):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in
                          zip(self._fields, self._values(), strict=True))
        return f"Line({shown})"

    def __plain__(self) -> dict[str, Any]:
        trace, text = self.details()
        return {"component": self.component, "payee": self.payee, "period": self.period,
                "record": self.record, "date": self.date.isoformat(), "exact": str(self.exact),
                "amount": str(self.amount), "trace": trace, "explanation": text}


def line_details(write: Writer, index: int, exact: Decimal,
                 amount: Decimal) -> tuple[dict[str, Any], str]:
    """The trace and sentence of line `index` of a block written by `write` (`Line.details`,
    and the response stream, which writes them without making `Line` values)."""
    # In salesperf's own decimal context: the writers compute in it by name (`explain`).
    trace = write.trace(index)
    trace["rounded"] = str(amount)
    return trace, paid_text(write.text(index), exact, amount)


def paid_text(text: str, exact: Decimal, amount: Decimal) -> str:
    """A line's sentence, saying what was paid when it is not the exact value to the cent
    (as `money` writes them: compared to the cent, sign included, before writing either)."""
    exact_cents, paid = to_cents(exact), to_cents(amount)
    if exact_cents != paid or exact_cents.is_signed() != paid.is_signed():
        return f"{text}, paid {paid:,} after rounding to the running total"
    return text


_blank = LineSlots.__new__


def new_line(component: str, payee: str, period: str, record: str | None, date: dt.date,
             exact: Decimal, amount: Decimal, write: Writer, index: int) -> Line:
    """A `Line` from its seven values, its writer and its place in its block, unchecked:
    for lines made by the hundred thousand."""
    line = _blank(LineSlots)
    line.component, line.payee, line.period, line.record = component, payee, period, record
    line.date, line.exact, line.amount = date, exact, amount
    line._write, line._index = write, index
    line.__class__ = Line  # the same slots: from now on read-only
    return line  # type: ignore[return-value]


class Block:
    """One component's lines for one payee and period, before they become `Line` values.

    A line per credit in `rows` (its exact value at the same place in `values`), or, with
    a `day`, one line for the period dated that day (a true-up, a floor, a bonus).
    ``write(j)`` writes line j's trace and sentence when someone reads them. Rounding
    telescopes: the block's rounded total is round(running total after it) − round(running
    total before it) with the component's rounding mode for the year, so lines are rounded
    one by one only when their `Line` values are made.
    """

    __slots__ = ("component", "day", "exact", "floor", "mode", "rows", "start",
                 "total", "values", "write")

    def __init__(self, component: str, write: Writer, rows: Sequence[CreditRow],
                 values: Sequence[Decimal], day: dt.date | None = None,
                 floor: bool = False) -> None:
        self.component, self.write, self.floor = component, write, floor
        self.rows, self.values, self.day = rows, values, day
        self.exact: Decimal | None = None  # the sum of the values, if known
        self.start = _ZERO  # the component's running exact total before this block
        self.total = _ZERO  # the block's rounded total
        self.mode = decimal.ROUND_HALF_UP  # the component's rounding mode for the year

    def __len__(self) -> int:
        return len(self.values)


class Given(Writer):
    """The trace and sentence of a period line (true-up, floor, bonus), written as it was
    computed."""

    __slots__ = ("_text", "_trace")

    def __init__(self, trace: dict[str, Any], text: str) -> None:
        self._trace, self._text = trace, text

    def trace(self, j: int) -> dict[str, Any]:
        return dict(self._trace)

    def text(self, j: int) -> str:
        return self._text


#: The trace and sentence of a line made by hand, not by an evaluation.
_BY_HAND = Given({}, "a line given by hand")


def period_line(component: str, day: dt.date, value: Decimal, trace: dict[str, Any],
                text: str, floor: bool = False) -> Block:
    """A block of one line for the period, not for a record."""
    return Block(component, Given(trace, text), (), [value], day, floor)


class Lines(Lazy[Line]):
    """A statement's lines, rounded one by one (cumulatively) when first read."""

    __slots__ = ("_blocks", "_payee", "_period", "_quantum")

    def __init__(self, payee: str, period: str, blocks: list[Block], quantum: Decimal) -> None:
        super().__init__(sum(len(b) for b in blocks))
        self._payee, self._period, self._blocks, self._quantum = payee, period, blocks, quantum

    def _make(self) -> tuple[Line, ...]:
        lines: list[Line] = []
        add = lines.append
        payee, period, quantum = self._payee, self._period, self._quantum
        with decimal.localcontext(DECIMAL_CONTEXT):
            for b in self._blocks:
                component, write, mode = b.component, b.write, b.mode
                running = b.start
                before = running.quantize(quantum, mode, ROUNDING_CONTEXT)
                if b.day is not None:  # one line for the period
                    value = b.values[0]
                    rounded = (running + value).quantize(quantum, mode, ROUNDING_CONTEXT)
                    add(new_line(component, payee, period, None, b.day, value,
                                 rounded - before, write, 0))
                    continue
                for j, (c, value) in enumerate(zip(b.rows, b.values, strict=True)):
                    running = running + value
                    rounded = running.quantize(quantum, mode, ROUNDING_CONTEXT)
                    add(new_line(component, payee, period, c[RECORD], c[DATE], value,
                                 rounded - before, write, j))
                    before = rounded
        return tuple(lines)

    def chunks(self, size: int = 1024) -> Iterator[LineChunk]:
        """The lines' values, up to `size` lines of one block at a time, without making
        `Line` values: the running totals and their rounding are computed a chunk at a time,
        as `_make` computes them (fast path for tables and the response stream; `tests/
        test_results_out.py::TestLinesTable::test_the_columns_are_the_lines_values_for_every_plan`
        proves them equal). A chunk's lists are new: the caller may keep them."""
        quantum = self._quantum
        for b in self._blocks:
            quantize = methodcaller("quantize", quantum, b.mode, ROUNDING_CONTEXT)
            running = b.start
            for first in range(0, len(b.values), size):
                values = list(islice(b.values, first, first + size))
                rows = b.rows[first:first + size]  # none for the one line for the period
                records = list(map(_record_of, rows)) if b.day is None else [None]
                dates = list(map(_date_of, rows)) if b.day is None else [b.day]
                # In salesperf's context, left before the chunk is handed over.
                with decimal.localcontext(DECIMAL_CONTEXT):
                    totals = list(accumulate(values, initial=running))
                    rounded = list(map(quantize, totals))
                    amounts = list(map(operator.sub, islice(rounded, 1, None), rounded))
                running = totals[-1]
                yield LineChunk(b.component, self._payee, self._period, records, dates,
                                values, amounts, b.write, first)

    def add_columns(self, columns: LineColumns) -> None:
        """Append the lines' values to `columns` (component, payee, period, record, date,
        exact, amount), a chunk at a time (`chunks`), without making `Line` values."""
        for c in self.chunks(size=1 << 30):  # a block at a time
            n = len(c.exact)
            parts: tuple[Iterable[Any], ...] = (repeat(c.component, n), repeat(c.payee, n),
                                                repeat(c.period, n), c.records, c.dates,
                                                c.exact, c.amounts)
            for column, values in zip(columns, parts, strict=True):
                column.extend(values)


class LineChunk(NamedTuple):
    """Consecutive lines of one block: their values as columns (`Lines.chunks`)."""

    component: str
    payee: str
    period: str
    records: list[str | None]  # None for a line for the period
    dates: list[dt.date]
    exact: list[Decimal]
    amounts: list[Decimal]  # rounded cumulatively
    write: Writer  # writes the trace and sentence of line `first + k` of the block
    first: int


#: The seven columns of a table of lines, in `Line._fields` order: component, payee, period,
#: record, date, exact, amount.
LineColumns = list[list[Any]]
_record_of = operator.itemgetter(RECORD)
_date_of = operator.itemgetter(DATE)


def line_columns(statements: Iterable[Statement]) -> dict[str, list[Any]]:
    """The lines of `statements` as columns by name, in the statements' order."""
    columns: LineColumns = [[] for _ in Line._fields]
    for st in statements:
        lines = st.lines
        if isinstance(lines, Lines):
            lines.add_columns(columns)
        else:  # lines given as `Line` values
            for line in lines:
                for column, value in zip(columns, line._values(), strict=True):
                    column.append(value)
    return dict(zip(Line._fields, columns, strict=True))


@attrs.frozen
class ComponentTotal:
    """A component's earnings for a payee in a period."""

    component: str
    earned: Decimal
    lines: int


_LISTED = 30  # payees an error about an unknown payee lists by name

_TRACE_FACTS = ("rule", "tier", "rate", "quota", "attainment_after", "exact", "rounded")


@attrs.frozen
class Statement:
    """What a payee earned in a period and what is payable after true-up.

    `name` is the payee's display name, when the host gave one (`Payee.name`).
    """

    payee: str
    name: str | None = attrs.field(default=None, kw_only=True)
    period: str
    currency: str
    lines: Sequence[Line]
    components: tuple[ComponentTotal, ...]
    earned: Decimal
    earned_ytd: Decimal
    paid_before: Decimal
    payable: Decimal
    # How the period settles with the payee's balance (see `payments`): the draw guaranteed,
    # what was paid on top of the payable, recovered from it and forgiven, the balance the
    # payee owes before and after, the cash paid, and each step in a sentence.
    draw: Decimal = _ZERO
    top_up: Decimal = _ZERO
    recovered: Decimal = _ZERO
    forgiven: Decimal = _ZERO
    balance_before: Decimal = _ZERO
    balance_after: Decimal = _ZERO
    paid: Decimal = _ZERO
    settlement: tuple[str, ...] = ()
    # Of what was earned, what became payable in the period and what is still held back
    # (a commission with a `Holdback`): payable = released year to date − paid before.
    released: Decimal = _ZERO
    held: Decimal = _ZERO
    # For a payee paid in another currency than the plan's: what is paid, in that currency,
    # at the rate in force on the period's last day.
    pay_currency: str | None = None
    pay_rate: Decimal | None = None
    pay_rate_date: dt.date | None = None
    pay_amount: Decimal | None = None

    def to_dict(self) -> dict[str, Any]:
        """The statement as plain JSON-safe data (amounts as exact decimal text, never in
        exponent notation)."""
        data: dict[str, Any] = to_plain(self)
        for line in data["lines"]:  # a line writes its exact value as str() does
            line["exact"] = digits(Decimal(line["exact"]))
        return data

    def explain(self, *, traces: bool = False) -> str:
        """The statement as text a payee can read, line by line; with `traces`, each line
        is followed by the key facts of its trace (rule, tier, rate, quota, attainment…)."""
        who = self.payee if self.name is None else f"{self.name} ({self.payee})"
        out = [f"Statement for {who}, {self.period} ({self.currency})"]
        for total in self.components:
            out.append(f"  {total.component}: {total.earned:,}")
            for line in self.lines:
                if line.component != total.component:
                    continue
                trace, text = line.details()
                out.append(f"    {line.amount:>12,}  {text}")
                if traces:
                    # Exact in the trace; an attainment to a tenth of a percent here.
                    facts = [f"{key} {pct(permille(Decimal(trace[key])))}"
                             if key.startswith("attainment") else f"{key} {trace[key]}"
                             for key in _TRACE_FACTS if trace.get(key) not in (None, "")]
                    out.append(f"    {'':>12}  trace: {', '.join(facts)}")
        out.append(f"  earned this period {self.earned:,}; earned year to date "
                   f"{self.earned_ytd:,}; paid before {self.paid_before:,.2f}; "
                   f"payable {self.payable:,}")
        if self.held or self.released != self.earned:
            out.append(f"  released {self.released:,} of the earnings; held back "
                       f"{self.held:,}")
        if self.settlement:
            out.extend(f"  {note}" for note in self.settlement)
        if self.settlement or self.held or self.released != self.earned:
            out.append(f"  paid {self.paid:,}")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        from .views import statement_html  # here: views reads this module's classes

        return statement_html(self)


#: The columns of a table of statements (`Evaluation.statements_table`), each a field.
STATEMENT_COLUMNS = tuple(a.name for a in attrs.fields(Statement)
                          if a.name not in ("lines", "components", "settlement"))


@attrs.frozen
class Evaluation:
    """The result of evaluating a plan for a period: statements, credits and exclusions.

    Every input record is accounted for: it appears in `credits`, in `exclusions`, or in both
    (when one payee's share was credited and another's excluded).
    """

    plan: str
    version: int
    period: str
    statements: tuple[Statement, ...]
    credits: Sequence[Credit]
    exclusions: tuple[Exclusion, ...]
    earlier: tuple[Statement, ...] = ()

    def statement(self, payee: str) -> Statement:
        """The statement of the payee with id `payee` or, when no id is `payee`, of the one
        payee whose display name it is (ignoring case); else a `DataError` listing the
        payees that have a statement."""
        for s in self.statements:
            if s.payee == payee:
                return s
        named = [s for s in self.statements
                 if s.name is not None and s.name.casefold() == payee.casefold()]
        if len(named) == 1:
            return named[0]
        known = [s.payee if s.name is None else f"{s.payee} ({s.name})"
                 for s in self.statements]
        listed = ", ".join(known[:_LISTED]) + (f" and {len(known) - _LISTED} more"
                                              if len(known) > _LISTED else "")
        raise DataError(None, "payee", f"no statement for {payee!r} in {self.period}; "
                        f"statements are for {listed or 'nobody'}")

    def to_dict(self) -> dict[str, Any]:
        """The evaluation as plain JSON-safe data (what `response_document` writes)."""
        data: dict[str, Any] = to_plain(self)
        for key, statements in (("statements", self.statements), ("earlier", self.earlier)):
            data[key] = [s.to_dict() for s in statements]
        return data

    # -- tables: results as columns, for hosts (CSV) and DataFrames (salesperf.pandas) --

    def _chosen(self, earlier: bool) -> tuple[Statement, ...]:
        return (*self.earlier, *self.statements) if earlier else self.statements

    def lines_table(self, *, earlier: bool = False) -> Table:
        """Every statement line as a `Table`: component, payee, period, record (None for a
        period line such as a true-up), date, exact and amount (rounded cumulatively).

        Built from the evaluation's kept values a block at a time, without making `Line`
        values. With `earlier`, the lines of the plan year's earlier periods come first.
        """
        return Table("lines", line_columns(self._chosen(earlier)))

    def statements_table(self, *, earlier: bool = False) -> Table:
        """One row per statement: payee, period, currency, what was earned and is payable,
        how it settled with draws and balances, what was held back and what was paid
        (`STATEMENT_COLUMNS`), and the number of lines."""
        chosen = self._chosen(earlier)
        columns: dict[str, list[Any]] = {name: [getattr(st, name) for st in chosen]
                                         for name in STATEMENT_COLUMNS}
        columns["lines"] = [len(st.lines) for st in chosen]
        return Table("statements", columns)

    def components_table(self, *, earlier: bool = False) -> Table:
        """What each component earned for each payee and period, and from how many lines."""
        rows = [(st.payee, st.period, t.component, t.earned, t.lines)
                for st in self._chosen(earlier) for t in st.components]
        names = ("payee", "period", "component", "earned", "lines")
        return Table("components", {name: [row[i] for row in rows]
                                    for i, name in enumerate(names)})

    def credits_table(self) -> Table:
        """Every credit: record, payee, measure, date, amount, share, factor, rule and kind
        (its text), by payee and measure and then by date and record, read without making
        `Credit` values."""
        if isinstance(self.credits, CreditList):
            return Table("credits", self.credits.columns())
        made = sorted(self.credits, key=lambda c: (c.payee, c.measure, c.date, c.record))
        return Table("credits", {name: [to_column(getattr(c, name)) for c in made]
                                 for name in CREDIT_COLUMNS})

    def exclusions_table(self) -> Table:
        """Every exclusion: the record, the payee (None when the whole record was excluded)
        and the reason."""
        return Table("exclusions", {name: [getattr(e, name) for e in self.exclusions]
                                    for name in ("record", "payee", "reason")})

    def _repr_html_(self) -> str:
        from .views import evaluation_html  # here: views reads this module's classes

        return evaluation_html(self)


def to_column(value: object) -> object:
    """A value as a table holds it: an enum as its text, anything else as it is."""
    return value.value if isinstance(value, enum.Enum) else value
