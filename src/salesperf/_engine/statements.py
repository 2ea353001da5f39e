"""Statements, the last stage: what a payee earned and is paid in a period, line by line,
and the evaluation that holds them with every credit and exclusion.

A component's lines for one payee and period are kept as a `Block` of exact values until
read; `Line` values, their rounding and their sentences are made then.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

import attrs

from salesperf._errors import DataError
from salesperf._money import DECIMAL_CONTEXT, ROUNDING_CONTEXT
from salesperf._plain import digits, to_plain

from .crediting import DATE, RECORD, Credit, CreditRow, Exclusion
from .explain import money as _money
from .explain import pct, permille
from .lazy import Lazy

__all__ = ["Block", "ComponentTotal", "Evaluation", "Line", "Statement", "Writer"]

_ZERO = Decimal(0)

#: Writes line `j` of a block: its trace and a sentence ending in its exact value.
Writer = Callable[[int], tuple[dict[str, Any], str]]
_LINE_FIELDS = 7  # the fields that say what a line is; the others only how to explain it


class Line(NamedTuple):
    """One amount on a statement: what a record (or a period-end adjustment) earned.

    `exact` is the unrounded value; `amount` is the line after cumulative rounding. The trace
    and the explanation are written when read, so that evaluating a large tenant does not pay
    for sentences nobody reads. A named tuple, cheap to make by the hundred thousand; lines
    are equal when their first seven fields are.
    """

    component: str
    payee: str
    period: str
    record: str | None
    date: dt.date
    exact: Decimal
    amount: Decimal
    detail: Writer
    facts: int  # the line's place in its block, which `detail` reads it by

    def details(self) -> tuple[dict[str, Any], str]:
        """The trace and the explanation, written together (read both at once this way)."""
        # Written in salesperf's own decimal context, like the evaluation itself.
        with decimal.localcontext(DECIMAL_CONTEXT):
            trace, text = self.detail(self.facts)
            exact, paid = _money(self.exact), _money(self.amount)
        if exact != paid:
            text += f", paid {paid} after rounding to the running total"
        return {**trace, "rounded": str(self.amount)}, text

    @property
    def trace(self) -> dict[str, Any]:
        """Structured, JSON-safe: component, inputs, quota, attainment, tier, rate, arithmetic."""
        return self.details()[0]

    @property
    def explanation(self) -> str:
        """The line in a sentence a payee can follow."""
        return self.details()[1]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Line) and self[:_LINE_FIELDS] == other[:_LINE_FIELDS]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:_LINE_FIELDS])

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in
                          zip(self._fields[:_LINE_FIELDS], self, strict=False))
        return f"Line({shown})"

    def __plain__(self) -> dict[str, Any]:
        trace, text = self.details()
        return {"component": self.component, "payee": self.payee, "period": self.period,
                "record": self.record, "date": self.date.isoformat(), "exact": str(self.exact),
                "amount": str(self.amount), "trace": trace, "explanation": text}


_new_line = tuple.__new__  # `Line(...)` with no checks, for lines made by the hundred thousand


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


class Given:
    """The trace and sentence of a period line (true-up, floor, bonus), written as it was
    computed."""

    __slots__ = ("text", "trace")

    def __init__(self, trace: dict[str, Any], text: str) -> None:
        self.trace, self.text = trace, text

    def __call__(self, j: int) -> tuple[dict[str, Any], str]:
        return self.trace, self.text


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
                    add(_new_line(Line, (component, payee, period, None, b.day, value,
                                         rounded - before, write, 0)))
                    continue
                for j, (c, value) in enumerate(zip(b.rows, b.values, strict=True)):
                    running = running + value
                    rounded = running.quantize(quantum, mode, ROUNDING_CONTEXT)
                    add(_new_line(Line, (component, payee, period, c[RECORD], c[DATE], value,
                                         rounded - before, write, j)))
                    before = rounded
        return tuple(lines)


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
