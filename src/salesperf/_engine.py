"""The commission engine: compile a plan once, then evaluate it over a period's records.

The data flows one way: records → credits → per-payee measures → component lines →
statements. Every line carries a trace (a JSON-safe dict) and a sentence a payee can read.
"""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
import enum
import typing
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import partial
from typing import Any, Final, NamedTuple

import attrs

from salesperf._conditions import Eq, In, Predicate, compile_condition
from salesperf._errors import DataError, DefinitionError, Problem, SalesperfError
from salesperf._goals import Goal, RollupBy, Scorecard, _evaluate_goal, _score_card
from salesperf._money import (
    DECIMAL_CONTEXT,
    Currency,
    ExchangeRates,
    Money,
    currency,
    to_decimal,
)
from salesperf._periods import Period
from salesperf._plain import to_plain
from salesperf._plans import (
    Application,
    BoundBasis,
    Cap,
    Commission,
    Component,
    CreditRule,
    Gate,
    KpiBonus,
    Overlay,
    Plan,
    RateTable,
    Rollup,
    Spiff,
    TargetBonus,
    TierMode,
    Window,
)
from salesperf._records import _CORE_FIELDS, Hierarchy, Payee, Record, as_record

__all__ = [
    "Assignment",
    "CompiledPlan",
    "ComponentTotal",
    "Credit",
    "CreditKind",
    "Evaluation",
    "Exclusion",
    "Line",
    "Quota",
    "Statement",
    "TargetIncentive",
    "compile_plan",
]

_T = typing.TypeVar("_T")
_ZERO = Decimal(0)
_ONE = Decimal(1)
_INFINITY = Decimal("Infinity")
_HALF_UP = decimal.ROUND_HALF_UP
_ADD = DECIMAL_CONTEXT.add
_MUL = DECIMAL_CONTEXT.multiply
_DIV = DECIMAL_CONTEXT.divide


# -- host inputs -------------------------------------------------------------------------------


def _amount(value: object) -> Decimal:
    return to_decimal(value, path="amount")


@attrs.frozen
class Quota:
    """A payee's quota for a measure in one period (a label of the plan's calendar)."""

    payee: str
    measure: str
    period: str
    amount: Decimal = attrs.field(converter=_amount)


@attrs.frozen
class TargetIncentive:
    """A payee's target incentive for a period; `component` None applies to every bonus."""

    payee: str
    period: str
    amount: Decimal = attrs.field(converter=_amount)
    component: str | None = None


@attrs.frozen
class Assignment:
    """`payee` is on the plan from `start` through `end` (inclusive; None: open)."""

    payee: str
    start: dt.date | None = None
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


# -- results -----------------------------------------------------------------------------------


class CreditKind(enum.Enum):
    DIRECT = "direct"
    OVERLAY = "overlay"
    ROLLUP = "rollup"


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


# A line before it becomes a `Line`: (record id, date, exact, what its detail is made from…).
_Row = tuple[Any, ...]
#: How a line's trace and sentence are written from the line (its facts and values), when read.
Detail = Callable[["Line"], tuple[dict[str, Any], str]]
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
    detail: Detail
    facts: _Row

    def details(self) -> tuple[dict[str, Any], str]:
        """The trace and the explanation, written together (read both at once this way)."""
        # Written in salesperf's own decimal context, like the evaluation itself.
        with decimal.localcontext(DECIMAL_CONTEXT):
            trace, text = self.detail(self)
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


def _given(line: Line) -> tuple[dict[str, Any], str]:
    """The detail of a line whose facts carry it written: (record, date, exact, trace, text)."""
    return line.facts[3], line.facts[4]


@attrs.frozen
class ComponentTotal:
    """A component's earnings for a payee in a period."""

    component: str
    earned: Decimal
    lines: int


class _Lazy(Sequence[_T]):
    """A read-only sequence made the first time it is read (lines, credits).

    Evaluation keeps compact tuples; the `Line` and `Credit` values a reader asks for are
    made then, once, by `_make`, so that evaluating a large tenant costs what the arithmetic
    costs. (One object per sequence: a large evaluation keeps few objects alive.)
    """

    __slots__ = ("_length", "_made")

    def __init__(self, length: int) -> None:
        self._length = length
        self._made: tuple[_T, ...] | None = None

    def _make(self) -> tuple[_T, ...]:
        raise NotImplementedError

    def _items(self) -> tuple[_T, ...]:
        if self._made is None:
            self._made = self._make()
        return self._made

    @typing.overload
    def __getitem__(self, index: int) -> _T: ...

    @typing.overload
    def __getitem__(self, index: slice) -> tuple[_T, ...]: ...

    def __getitem__(self, index: int | slice) -> _T | tuple[_T, ...]:
        return self._items()[index]

    def __iter__(self) -> Iterator[_T]:
        return iter(self._items())

    def __len__(self) -> int:
        return self._length

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Lazy):
            return self._items() == other._items()
        return isinstance(other, Sequence) and self._items() == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(self._items()))


class _Lines(_Lazy[Line]):
    """A statement's lines, rounded one by one (cumulatively) when first read."""

    __slots__ = ("_blocks", "_mode", "_payee", "_period", "_quantum")

    def __init__(self, payee: str, period: str, blocks: list[_Block], quantum: Decimal,
                 mode: str) -> None:
        super().__init__(sum(len(b) for b in blocks))
        self._payee, self._period, self._blocks = payee, period, blocks
        self._quantum, self._mode = quantum, mode

    def _make(self) -> tuple[Line, ...]:
        lines: list[Line] = []
        add = lines.append
        payee, period, quantum, mode = self._payee, self._period, self._quantum, self._mode
        with decimal.localcontext(DECIMAL_CONTEXT):
            for b in self._blocks:
                component, make = b.component, b.make
                running = b.start
                before = running.quantize(quantum, mode)
                if b.columns is not None:  # a line's facts are its credit
                    for c, value in zip(b.columns[0], b.columns[1], strict=True):
                        running = running + value
                        rounded = running.quantize(quantum, mode)
                        add(_new_line(Line, (component, payee, period, c[_RID], c[_DATE], value,
                                             rounded - before, make, c)))
                        before = rounded
                    continue
                for row in b.rows:
                    running = running + row[2]
                    rounded = running.quantize(quantum, mode)
                    add(_new_line(Line, (component, payee, period, row[0], row[1], row[2],
                                         rounded - before, make, row)))
                    before = rounded
        return tuple(lines)


class _Credits(_Lazy[Credit]):
    """An evaluation's credits, as `Credit` values when first read."""

    __slots__ = ("_by", "_records")

    def __init__(self, credits_by: Mapping[tuple[str, str], list[_C]],
                 records: Sequence[object]) -> None:
        super().__init__(sum(len(b) for b in credits_by.values()))
        self._by, self._records = credits_by, records

    def _make(self) -> tuple[Credit, ...]:
        records = self._records
        made = [Credit(c[_RID], c[_PAYEE], c[_MEASURE], c[_DATE], c[_AMOUNT], c[_SHARE],
                       c[_FACTOR], c[_RULE], CreditKind(c[_KIND]), _attributes(records[c[_SEQ]]))
                for bucket in self._by.values() for c in bucket]
        made.sort(key=lambda c: (c.date, c.record, c.payee, c.measure, c.kind.value, c.rule))
        return tuple(made)


_TRACE_FACTS = ("rule", "tier", "rate", "quota", "attainment_after", "exact", "rounded")


@attrs.frozen
class Statement:
    """What a payee earned in a period and what is payable after true-up."""

    payee: str
    period: str
    currency: str
    lines: Sequence[Line]
    components: tuple[ComponentTotal, ...]
    earned: Decimal
    earned_ytd: Decimal
    paid_before: Decimal
    payable: Decimal

    def to_dict(self) -> dict[str, Any]:
        """The statement as plain JSON-safe data (amounts as exact decimal text)."""
        data: dict[str, Any] = to_plain(self)
        return data

    def explain(self, *, traces: bool = False) -> str:
        """The statement as text a payee can read, line by line; with `traces`, each line
        is followed by the key facts of its trace (rule, tier, rate, quota, attainment…)."""
        out = [f"Statement for {self.payee}, {self.period} ({self.currency})"]
        for total in self.components:
            out.append(f"  {total.component}: {total.earned:,}")
            for line in self.lines:
                if line.component != total.component:
                    continue
                trace, text = line.details()
                out.append(f"    {line.amount:>12,}  {text}")
                if traces:
                    facts = [f"{key} {trace[key]}" for key in _TRACE_FACTS
                             if trace.get(key) not in (None, "")]
                    out.append(f"    {'':>12}  trace: {', '.join(facts)}")
        out.append(f"  earned this period {self.earned:,}; earned year to date "
                   f"{self.earned_ytd:,}; paid before {self.paid_before:,.2f}; "
                   f"payable {self.payable:,}")
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
        for s in self.statements:
            if s.payee == payee:
                return s
        raise DataError(None, "payee", f"no statement for {payee!r} in {self.period}")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = to_plain(self)
        return data


# -- rate tables -------------------------------------------------------------------------------


class _Rates:
    """A rate table with bounds in amounts, compiled into f(x) for a cumulative measure x.

    ``starts[i]`` is what the table pays at ``bounds[i]`` (marginal and hybrid), so f(x) is
    one bisection, one subtraction, one multiplication and one addition. Made once per payee
    and window (attainment bounds scale with the quota), so kept to plain slots.
    """

    __slots__ = ("bounds", "mode", "rates", "retro_through", "starts")

    def __init__(self, table: RateTable, quota: Decimal | None) -> None:
        tiers = table.tiers
        bounds = [t.lower for t in tiers]
        if table.basis is BoundBasis.ATTAINMENT:
            if quota is None:  # pragma: no cover - callers check first
                raise SalesperfError("attainment tiers need a quota")
            bounds = [b * quota for b in bounds]
        rates = [t.rate for t in tiers]
        self.bounds, self.rates = tuple(bounds), tuple(rates)
        self.mode, self.retro_through = table.mode, table.retroactive_through
        # Marginal: what each tier's lower bound has earned. Hybrid: the same above the last
        # retroactive tier, starting from that tier's rate on the whole of the next bound.
        first = (self.retro_through or 0) + 1 if self.mode is TierMode.HYBRID else 0
        starts = [_ZERO] * len(bounds)
        if first < len(bounds):
            starts[first] = _MUL(bounds[first], rates[first - 1]) if first else _ZERO
            for i in range(first + 1, len(bounds)):
                starts[i] = _ADD(starts[i - 1], _MUL(bounds[i] - bounds[i - 1], rates[i - 1]))
        self.starts = tuple(starts)

    def tier_of(self, x: Decimal) -> int:
        i = bisect.bisect_right(self.bounds, x) - 1
        return i if i > 0 else 0

    def __call__(self, x: Decimal) -> Decimal:
        i = bisect.bisect_right(self.bounds, x) - 1
        i = max(i, 0)
        mode = self.mode
        if mode is TierMode.MARGINAL or (mode is TierMode.HYBRID
                                         and i > (self.retro_through or 0)):
            return _ADD(self.starts[i], _MUL(x - self.bounds[i], self.rates[i]))
        return _MUL(x, self.rates[i])

    def slices(self, before: Decimal, after: Decimal) -> list[tuple[int, Decimal]]:
        """How the move from `before` to `after` splits across tiers: (tier, slice)."""
        low, high = min(before, after), max(before, after)
        bounds, last = self.bounds, len(self.bounds) - 1
        out = []
        for i, lo in enumerate(bounds):
            a = max(low, lo) if i else low
            b = high if i == last else min(high, bounds[i + 1])
            if b > a:
                out.append((i, b - a))
        return out

    def slice_facts(self, slices: list[tuple[int, Decimal]]) -> list[dict[str, str]]:
        """The slices as a trace gives them: tier, its bounds and rate, the slice."""
        bounds, last = self.bounds, len(self.bounds) - 1
        return [{"tier": str(i + 1), "lower": str(bounds[i]),
                 "upper": "" if i == last else str(bounds[i + 1]),
                 "rate": str(self.rates[i]), "slice": str(part)} for i, part in slices]


def _pct(value: Decimal) -> str:
    return f"{(value * 100).normalize():f} %"


_CENT = Decimal("0.01")
_PERMILLE = Decimal("0.001")


def _money(value: Decimal) -> str:
    """An amount for a sentence, to the cent; traces keep the exact value."""
    return f"{value.quantize(_CENT, None, DECIMAL_CONTEXT):,}"


# -- compiling ---------------------------------------------------------------------------------


def compile_plan(plan: Plan) -> CompiledPlan:
    """Check a plan — every problem at once, each with its path — and compile it.

    The compiled plan is immutable and safe to share between threads.
    """
    problems = plan.problems()
    if problems:
        raise DefinitionError(problems)
    rules = tuple((r.id, r.measure, r.factor, r.factor == _ONE,
                   None if r.where is None else compile_condition(r.where))
                  for r in plan.credit_rules)
    one_measure = len({r.measure for r in plan.credit_rules}) == 1
    extra = tuple((e, compile_condition(e.where) if isinstance(e, Overlay) else _always)
                  for e in plan.extra_credit)
    spiffs = {c.id: (compile_condition(c.where), partial(_spiff_detail, c))
              for c in plan.components if isinstance(c, Spiff)}
    return CompiledPlan(plan, currency(plan.currency), rules,
                        one_measure, _rule_index(plan.credit_rules, rules),
                        extra, spiffs)


def _always(record: Record) -> bool:
    return True


# An internal credit, kept as a tuple of plain values on the hot path (see `_Credits` for
# the public `Credit`): (date, record id, sequence, payee, measure, amount, share, factor,
# rule id, kind). The sequence number is the record's index in the evaluation's list of
# records: credits hold no reference to a record, so that the garbage collector can stop
# tracking them.
_C = tuple[dt.date, str, int, str, str, Decimal, Decimal, Decimal, str, str]
_DIRECT = CreditKind.DIRECT.value
_DATE: Final = 0
_RID: Final = 1
_SEQ: Final = 2
_PAYEE: Final = 3
_MEASURE: Final = 4
_AMOUNT: Final = 5
_SHARE: Final = 6
_FACTOR: Final = 7
_RULE: Final = 8
_KIND: Final = 9
# Lines kept as columns: the credits, each one's exact value, the measure before the first.
_Columns = tuple[Sequence[_C], list[Decimal], Decimal]


class _Block:
    """One component's lines for one payee and period, before they become `Line` values.

    Rows are tuples of plain values, which the garbage collector stops tracking, so a large
    evaluation keeps few tracked objects; ``make(row)`` writes a row's trace and sentence
    when someone reads them. A row starts (record id, date, exact value). Rounding telescopes:
    the block's rounded total is round(running total after it) − round(running total before
    it), so rows are rounded one by one only when their `Line` values are made.

    A cumulative commission keeps its lines as columns instead — its credits, each one's
    value and the cumulative measure before the first — and writes the rows
    (record id, date, value, credit, cumulative after) when they are read.
    """

    __slots__ = ("columns", "component", "exact", "floor", "make", "rows", "start", "total")

    def __init__(self, component: str, make: Detail,
                 rows: Sequence[_Row] = (), floor: bool = False) -> None:
        self.component, self.make, self.floor = component, make, floor
        self.rows = rows
        self.columns: _Columns | None = None  # a cumulative commission's lines
        self.exact: Decimal | None = None  # the sum of the rows' exact values, if known
        self.start = _ZERO  # the component's running exact total before this block
        self.total = _ZERO  # the block's rounded total

    def __len__(self) -> int:
        return len(self.rows) if self.columns is None else len(self.columns[1])

    def all_rows(self) -> Sequence[_Row]:
        if self.columns is None:
            return self.rows
        return _column_rows(*self.columns)


def _column_rows(credited: Sequence[_C], values: Sequence[Decimal],
                 cumulative: Decimal) -> list[_Row]:
    """The rows of commission lines kept as columns, from the measure before the first:
    (record id, date, value, credit, cumulative measure after)."""
    rows = []
    with decimal.localcontext(DECIMAL_CONTEXT):
        for c, value in zip(credited, values, strict=True):
            cumulative = cumulative + c[_AMOUNT]
            rows.append((c[_RID], c[_DATE], value, c, cumulative))
    return rows


@attrs.frozen
class _Context:
    """Everything a payee's evaluation needs besides the plan."""

    year: Period
    periods: tuple[Period, ...]
    labels: tuple[str, ...]
    label_of: Mapping[tuple[dt.date, dt.date], str]  # a period's label by its days
    quotas: Mapping[tuple[str, str, str], Decimal]
    incentives: Mapping[tuple[str, str, str | None], Decimal]
    records_by_payee: Mapping[str, list[object]]
    hierarchy: Hierarchy
    assigned: Mapping[str, tuple[Assignment, ...]] | None
    records: Sequence[object]  # every record read, by the sequence number credits keep
    whole_year: frozenset[str]  # payees employed and on the plan from the year's start on
    indexed: tuple[tuple[int, Period, str], ...] = attrs.field(init=False)

    @indexed.default
    def _indexed(self) -> tuple[tuple[int, Period, str], ...]:
        return tuple((k, p, label)
                     for k, (p, label) in enumerate(zip(self.periods, self.labels, strict=True)))


@attrs.frozen
class CompiledPlan:
    """A checked plan with its conditions compiled; evaluate it as often as you like."""

    plan: Plan
    currency: Currency
    _rules: tuple[_Rule, ...]
    _one_measure: bool
    _rule_index: _RuleIndex | None
    _extra: tuple[tuple[Overlay | Rollup, Predicate], ...]
    _spiffs: Mapping[str, tuple[Predicate, Detail]]

    def evaluate(
        self,
        records: Iterable[Record | Mapping[str, object]],
        period: Period | str,
        *,
        payees: Iterable[Payee] = (),
        hierarchy: Hierarchy | None = None,
        assignments: Iterable[Assignment] | None = None,
        quotas: Iterable[Quota] = (),
        target_incentives: Iterable[TargetIncentive] = (),
        rates: ExchangeRates | None = None,
        paid: Mapping[tuple[str, str], object] | None = None,
        as_of: dt.date | None = None,
    ) -> Evaluation:
        """Evaluate the plan year through `period` and return the statements for `period`.

        Records may be `Record` objects or plain mappings, in any order, read once. Earlier
        periods of the plan year are evaluated too, so that year-to-date windows and true-ups
        are right: payable = earned year to date − paid for earlier periods, where `paid`
        gives what the host actually paid per ``(payee, period label)`` (by default, what
        this evaluation computes as payable for those periods). Evaluating again with the
        same inputs gives the same result and never pays twice. Records dated after `as_of`
        (the host's "as of" date, for a period not yet closed) are excluded with that reason.
        """
        # Plain operators (+, -, sum) round to the thread's context; evaluate in salesperf's
        # own, so a host's (or a thread's) decimal settings cannot change a result.
        with decimal.localcontext(DECIMAL_CONTEXT):
            return self._evaluate(records, period, payees, hierarchy, assignments, quotas,
                                  target_incentives, rates, paid, as_of)

    def _evaluate(
        self,
        records: Iterable[Record | Mapping[str, object]],
        period: Period | str,
        payees: Iterable[Payee],
        hierarchy: Hierarchy | None,
        assignments: Iterable[Assignment] | None,
        quotas: Iterable[Quota],
        target_incentives: Iterable[TargetIncentive],
        rates: ExchangeRates | None,
        paid: Mapping[tuple[str, str], object] | None,
        as_of: dt.date | None,
    ) -> Evaluation:
        plan = self.plan
        cal = plan.calendar
        target = cal.parse(period) if isinstance(period, str) else period
        if target.grain is not plan.frequency:
            raise DefinitionError([Problem("period", f"the plan pays by {plan.frequency.value}; "
                                           f"got the {target.grain.value} {target}")])
        year = target.year()
        periods = tuple(p for p in year.subperiods(plan.frequency) if p.start <= target.start)
        if hierarchy is None:
            hierarchy = Hierarchy.of(payees)
        elif payees:
            raise DefinitionError([Problem("payees", "give payees or a hierarchy, not both")])
        assigned = _assignments(assignments, hierarchy)
        # Payees employed and on the plan all year need no check, record by record or period
        # by period.
        whole_year = frozenset(
            pid for pid, p in hierarchy.payees.items()
            if (p.start is None or p.start <= year.start)
            and (p.end is None or p.end >= target.end) and assigned is None)
        credits_by, exclusions, by_payee, kept = self._credit(records, year, target, hierarchy,
                                                              assigned, whole_year, rates, as_of)
        labels = tuple(str(p) for p in periods)
        ctx = _Context(year, periods, labels,
                       {(p.start, p.end): label for p, label in zip(periods, labels, strict=True)},
                       _quota_table(quotas),
                       _incentive_table(target_incentives), by_payee, hierarchy, assigned, kept,
                       whole_year)
        on_plan = sorted(
            pid for pid, p in hierarchy.payees.items()
            if _on_plan(pid, p, assigned, year.start, target.end)
        )
        paid_map = {(p, str(q)): to_decimal(v, path=f"paid[{p!r}, {q!r}]")
                    for (p, q), v in (paid or {}).items()}
        statements: list[Statement] = []
        earlier: list[Statement] = []
        code, quantum, mode = self.currency.code, self.currency.quantum, plan.rounding.value
        ids = tuple(c.id for c in plan.components)
        last = len(periods) - 1
        for pid in on_plan:
            paid_so_far = earned_ytd = _ZERO
            for k, (blocks, sums, counts) in enumerate(self._payee(pid, credits_by, ctx)):
                # Block totals are rounded already; quantizing writes each to the cent.
                totals = tuple([ComponentTotal(cid, v.quantize(quantum, _HALF_UP), n)
                                for cid, v, n in zip(ids, sums, counts, strict=True)])
                earned = _sum(t.earned for t in totals)
                earned_ytd = earned_ytd + earned
                payable = earned_ytd - paid_so_far
                label = labels[k]
                st = Statement(pid, label, code, _Lines(pid, label, blocks, quantum, mode),
                               totals, earned, earned_ytd,
                               paid_so_far.quantize(quantum, _HALF_UP),
                               payable.quantize(quantum, _HALF_UP))
                (statements if k == last else earlier).append(st)
                paid_so_far = paid_so_far + paid_map.get((pid, label), payable)
        return Evaluation(plan.id, plan.version, str(target), tuple(statements),
                          _Credits(credits_by, kept),
                          tuple(exclusions), tuple(earlier))

    # -- crediting -----------------------------------------------------------------------------

    def _credit(
        self,
        records: Iterable[Record | Mapping[str, object]],
        year: Period,
        target: Period,
        hierarchy: Hierarchy,
        assigned: Mapping[str, tuple[Assignment, ...]] | None,
        whole_year: frozenset[str],
        rates: ExchangeRates | None,
        as_of: dt.date | None,
    ) -> tuple[dict[tuple[str, str], list[_C]], list[Exclusion], dict[str, list[object]],
               list[object]]:
        """One pass over the records: every record is credited or excluded with a reason.

        `credit_one` handles any record. Under a plan with one measure and no overlays,
        roll-ups or KPI bonuses, the common record — a plain dict of exact types, one payee
        employed and on the plan all year, in the plan currency, dated inside the window —
        is credited inline instead, with the same result.
        """
        plan = self.plan
        exclusions: list[Exclusion] = []
        by_payee: dict[str, list[object]] = defaultdict(list)
        keep_records = any(isinstance(c, KpiBonus) for c in plan.components)
        seen: set[str] = set()
        kept: list[object] = []  # every record, by the sequence number credits keep
        home = self.currency.code
        first_day, stop = year.start, target.end
        eff_from, eff_until = plan.effective_from, plan.effective_until
        rules = self._rules
        inactive = _activity(hierarchy, assigned)
        extras = self._extra
        by_measure: dict[str, defaultdict[str, list[_C]]] = {
            m: defaultdict(list) for _, m, *_ in rules}

        def credit_one(item: Record | Mapping[str, object], index: int) -> None:
            # A plain dict with exact types is read as it is, without copying; anything else
            # goes through `Record.from_mapping`, which names the record and field of any bad
            # value.
            if type(item) is dict:
                record: object = item
                rid, day, amount = item.get("id"), item.get("date"), item.get("amount")
                payee, cur, split = item.get("payee"), item.get("currency"), item.get("split")
                if (type(rid) is str and type(day) is dt.date and type(payee) is str
                        and (type(amount) is Decimal and amount.is_finite())
                        and (cur is None or type(cur) is str) and "payees" not in item):
                    owners: tuple[str, ...] = (payee,)
                else:
                    record, rid, day, owners, amount, cur, split = _view(as_record(item))
            else:
                record, rid, day, owners, amount, cur, split = _view(as_record(item))
            if rid in seen:
                raise DataError(rid, "id", "two records have this id")
            seen.add(rid)
            kept.append(record)
            if not first_day <= day < stop:
                exclusions.append(Exclusion(rid, f"dated {day}, outside the plan year {year} "
                                            f"through {target}"))
                return
            if as_of is not None and day > as_of:
                exclusions.append(Exclusion(rid, f"dated {day}, after the as-of date {as_of}"))
                return
            if (eff_from and day < eff_from) or (eff_until and day > eff_until):
                exclusions.append(Exclusion(rid, f"dated {day}, outside plan {plan.id} "
                                            f"v{plan.version}'s effective dates"))
                return
            if keep_records:
                for pid in owners:
                    by_payee[pid].append(record)
            direct: list[_C] | None = [] if extras else None
            credited_any = False
            value: Decimal | None = None
            hits = _first_per_measure(rules, record)
            for rule_id, measure, factor, unit, _ in hits:
                if value is None:
                    value = (amount if amount is not None and (cur is None or cur == home)
                             else _in_currency(rid, day, amount, cur, home, rates))
                buckets = by_measure[measure]
                for pid, share in (((owners[0], _ONE),) if split is None and len(owners) == 1
                                   else _shares(rid, owners, split)):
                    if pid not in whole_year:
                        why = inactive(pid, day)
                        if why:
                            exclusions.append(Exclusion(rid, why, pid))
                            continue
                    credited = value if share is _ONE else _MUL(value, share)
                    if not unit:
                        credited = _MUL(credited, factor)
                    credit = (day, rid, index, pid, measure, credited, share, factor, rule_id,
                              _DIRECT)
                    buckets[pid].append(credit)
                    credited_any = True
                    if direct is not None:
                        direct.append(credit)
            if direct is not None:
                extra = self._extra_credit(extras, record, index, rid, day, direct, value,
                                           amount, cur, rates, hierarchy, inactive, exclusions)
                for credit in extra:
                    by_measure.setdefault(credit[_MEASURE], defaultdict(list))[
                        credit[_PAYEE]].append(credit)
                credited_any = credited_any or bool(extra)
            if not hits and not credited_any:
                exclusions.append(Exclusion(rid, "no crediting rule matched"))

        if not self._one_measure or extras or keep_records:
            for index, item in enumerate(records):
                credit_one(item, index)
        else:
            # The common record, inline: every test it fails sends it to `credit_one`. The
            # window's dates, as a set, check a date's type and range in one lookup; each
            # payee employed all year maps to their credits, which checks the payee too.
            lo, hi = first_day, stop
            if eff_from is not None:
                lo = max(lo, eff_from)
            for last in (as_of, eff_until):
                if last is not None:
                    hi = min(hi, last + _DAY)
            days = {lo + dt.timedelta(days=n) for n in range((hi - lo).days)}
            by_payee_credits = by_measure[rules[0][1]]
            credits_of: dict[object, list[_C]] = {pid: by_payee_credits[pid]
                                                  for pid in whole_year}
            if self._rule_index is not None:
                field, rule_of, default = self._rule_index
            else:
                field, rule_of, default = "", {}, None
            number = Decimal
            for index, item in enumerate(records):
                try:
                    if type(item) is dict:
                        rid, day, amount = item.get("id"), item.get("date"), item.get("amount")
                        mine = credits_of.get(item.get("payee"))
                        if (mine is not None and day in days and type(rid) is str
                                and rid not in seen and type(amount) is number
                                and amount.is_finite() and "payees" not in item
                                and "split" not in item
                                and item.get("currency", home) == home):
                            if field:
                                key = item.get(field)
                                rule = None if key is None else rule_of.get(key, default)
                            else:
                                hits = _first_per_measure(rules, item)
                                rule = hits[0] if hits else None
                            if rule is not None:
                                seen.add(rid)
                                rule_id, measure, factor, unit, _ = rule
                                mine.append((day, rid, index, item["payee"], measure,
                                             amount if unit else amount * factor, _ONE,
                                             factor, rule_id, _DIRECT))
                                kept.append(item)
                                continue
                except TypeError:  # an unhashable value: `credit_one` reads it properly
                    pass
                credit_one(item, index)
        credits_by = {(pid, measure): bucket for measure, buckets in by_measure.items()
                      for pid, bucket in buckets.items() if bucket}
        # (date, record id, sequence) is unique, so the sort never compares further.
        for bucket in credits_by.values():
            bucket.sort()
        exclusions.sort(key=lambda e: (e.record, e.payee or "", e.reason))
        return credits_by, exclusions, by_payee, kept

    def _extra_credit(self, extras: tuple[tuple[Overlay | Rollup, Predicate], ...],
                      record: object, index: int, rid: str, day: dt.date, direct: list[_C],
                      value: Decimal | None, amount: Decimal | None, cur: str | None,
                      rates: ExchangeRates | None, hierarchy: Hierarchy,
                      inactive: Callable[[str, dt.date], str | None],
                      exclusions: list[Exclusion]) -> list[_C]:
        """Overlay and roll-up credits for one record; they never reduce anyone's credit."""
        extra: list[_C] = []
        for more, applies in extras:
            if not applies(record):
                continue
            if isinstance(more, Overlay):
                if value is None:
                    value = _in_currency(rid, day, amount, cur, self.currency.code, rates)
                for pid in more.payees:
                    why = inactive(pid, day)
                    if why:
                        exclusions.append(Exclusion(rid, why, pid))
                        continue
                    extra.append((day, rid, index, pid, more.measure,
                                  _MUL(value, more.share), more.share, _ONE, more.id,
                                  CreditKind.OVERLAY.value))
                continue
            for credit in direct:
                if credit[_MEASURE] != more.measure:
                    continue
                if more.by is RollupBy.TEAM:
                    team = hierarchy.team_of(credit[_PAYEE], day)
                    chain: tuple[str, ...] = () if team is None else (team,)
                else:
                    chain = hierarchy.managers_above(credit[_PAYEE], day)[: more.levels]
                for manager in chain:
                    why = inactive(manager, day)
                    if why:
                        exclusions.append(Exclusion(rid, f"rollup: {why}", manager))
                        continue
                    extra.append((day, rid, index, manager, more.measure,
                                  _MUL(credit[_AMOUNT], more.share), more.share, _ONE,
                                  more.id, CreditKind.ROLLUP.value))
        return extra

    # -- earning -------------------------------------------------------------------------------

    def _payee(self, pid: str, credits_by: Mapping[tuple[str, str], list[_C]],
               ctx: _Context) -> list[tuple[list[_Block], list[Decimal], list[int]]]:
        """Every line of every component for one payee, per period of the year so far, with
        each component's rounded total and number of lines in the period."""
        n = len(self.plan.components)
        out: list[tuple[list[_Block], list[Decimal], list[int]]] = [
            ([], [_ZERO] * n, [0] * n) for _ in ctx.periods]
        # A payee hired (or put on the plan) mid-year earns nothing, and needs no quota or
        # target incentive, for the periods before.
        active = ctx.indexed
        if pid not in ctx.whole_year:
            payee = ctx.hierarchy.payees[pid]
            active = tuple(item for item in active
                           if _on_plan(pid, payee, ctx.assigned, item[1].start, item[1].end))
        quantum, mode = self.currency.quantum, self.plan.rounding.value
        for i, comp in enumerate(self.plan.components):
            # Lines are rounded cumulatively over the year: each is the change in the rounded
            # running total, so they add up to the rounded total.
            running = rounded_before = _ZERO
            earned_before = _ZERO  # what the component earned in earlier periods, no floors
            for k, p, label in active:
                blocks, sums, counts = out[k]
                for block in self._component(comp, pid, p, label, earned_before, credits_by,
                                             ctx):
                    exact = block.exact
                    if exact is None:
                        exact = block.exact = _sum(row[2] for row in block.all_rows())
                    block.start = running
                    running = running + exact
                    rounded = running.quantize(quantum, mode)
                    block.total = rounded - rounded_before
                    sums[i] = sums[i] + block.total
                    counts[i] += len(block)
                    rounded_before = rounded
                    if not block.floor:
                        earned_before = earned_before + exact
                    blocks.append(block)
        return out

    def _component(self, comp: Component, pid: str, p: Period, label: str, earlier: Decimal,
                   credits_by: Mapping[tuple[str, str], list[_C]],
                   ctx: _Context) -> list[_Block]:
        if isinstance(comp, Commission):
            return self._commission(comp, pid, p, label, earlier, credits_by, ctx)
        if isinstance(comp, Spiff):
            return self._spiff(comp, pid, p, credits_by, ctx)
        if isinstance(comp, TargetBonus):
            return self._target_bonus(comp, pid, p, credits_by, ctx)
        return self._kpi_bonus(comp, pid, p, ctx)

    def _quota(self, pid: str, measure: str, window: Period, ctx: _Context, who: str) -> Decimal:
        """The quota for a window: its own quota, else the sum of its periods' quotas."""
        label = ctx.label_of.get((window.start, window.end)) or str(window)
        direct = ctx.quotas.get((pid, measure, label))
        if direct is not None:
            return direct
        total = _ZERO
        payee = ctx.hierarchy.payees[pid]
        for p, label in zip(ctx.periods, ctx.labels, strict=True):
            # Periods before a mid-year hire (or assignment) carry no quota.
            if (p.start >= window.end or p.end <= window.start
                    or not _on_plan(pid, payee, ctx.assigned, p.start, p.end)):
                continue
            q = ctx.quotas.get((pid, measure, label))
            if q is None:
                raise DataError(None, "quotas", f"no quota for payee {pid!r}, measure "
                                f"{measure!r} in {p}; {who} needs it")
            total = _ADD(total, q)
        return total

    def _attainment(self, pid: str, measure: str, window: Period,
                    credits_by: Mapping[tuple[str, str], list[_C]], ctx: _Context,
                    who: str) -> tuple[Decimal, Decimal, Decimal]:
        """(credited, quota, attainment) of a measure over a window."""
        start, end = window.start, window.end
        credited = _sum(c[_AMOUNT] for c in credits_by.get((pid, measure), ())
                        if start <= c[_DATE] < end)
        quota = self._quota(pid, measure, window, ctx, who)
        if quota == 0:
            raise DataError(None, "quotas", f"the quota of payee {pid!r} for {measure!r} in "
                            f"{window} is 0, so attainment is undefined; {who} needs it")
        return credited, quota, _DIV(credited, quota)

    def _incentive(self, pid: str, comp: str, p: Period, ctx: _Context) -> Decimal:
        label = ctx.label_of.get((p.start, p.end)) or str(p)
        for key in ((pid, label, comp), (pid, label, None)):
            if key in ctx.incentives:
                return ctx.incentives[key]
        raise DataError(None, "target_incentives", f"no target incentive for payee {pid!r} in "
                        f"{p}; component {comp!r} needs it")

    def _commission(self, comp: Commission, pid: str, p: Period, label: str, earlier: Decimal,
                    credits_by: Mapping[tuple[str, str], list[_C]],
                    ctx: _Context) -> list[_Block]:
        window = p if comp.window is Window.PERIOD else Period.custom(ctx.year.start, p.end,
                                                                       p.calendar)
        who = f"component {comp.id!r}"
        start, end = window.start, window.end
        mine = _between(credits_by.get((pid, comp.measure), []), start, end)
        needs_quota = (comp.rates.basis is BoundBasis.ATTAINMENT
                       or (comp.gate is not None and comp.gate.measure is None)
                       or (comp.cap is not None and comp.cap.earnings_at_attainment is not None))
        quota = self._quota(pid, comp.measure, window, ctx, who) if needs_quota else None
        if quota is not None and quota == 0 and comp.rates.basis is BoundBasis.ATTAINMENT:
            raise DataError(None, "quotas", f"the quota of payee {pid!r} for "
                            f"{comp.measure!r} in {window} is 0; {who} has attainment tiers")
        base = _Rates(comp.rates, quota)
        notes: list[str] = []
        trace_mods: dict[str, Any] = {}

        # What holds for the whole window: gates on another measure, multipliers, caps.
        open_gate = True
        if comp.gate is not None and comp.gate.measure is not None:
            _, _, att = self._attainment(pid, comp.gate.measure, window, credits_by, ctx, who)
            open_gate = att >= comp.gate.min_attainment
            trace_mods["gate"] = {"measure": comp.gate.measure, "attainment": str(att),
                                  "required": str(comp.gate.min_attainment),
                                  "passed": open_gate}
            if not open_gate:
                notes.append(f"gate closed: {comp.gate.measure} at {_pct(att)} of quota, "
                             f"below {_pct(comp.gate.min_attainment)}")
        factor = _ONE
        if comp.multiplier is not None:
            _, _, att = self._attainment(pid, comp.multiplier.measure, window, credits_by, ctx,
                                         who)
            lowest = comp.multiplier.bands.points[0][0]
            if att < lowest:
                raise DataError(None, "multiplier", f"{comp.multiplier.measure} attainment of "
                                f"payee {pid!r} in {window} is {_pct(att)}, below the first "
                                f"band ({_pct(lowest)}) of {who}'s multiplier; add a band at 0")
            factor = comp.multiplier.bands(att)
            trace_mods["multiplier"] = {"measure": comp.multiplier.measure,
                                        "attainment": str(att), "factor": str(factor)}
            if factor != _ONE:
                notes.append(f"× {factor} kicker ({comp.multiplier.measure} at {_pct(att)})")
        cap = self._cap(comp.cap, base, quota, pid, comp.id, window, ctx)
        if cap is not None:
            trace_mods["cap"] = str(cap)
        threshold = None
        if comp.gate is not None and comp.gate.measure is None and quota is not None:
            threshold = _MUL(comp.gate.min_attainment, quota)
            trace_mods["gate"] = {"measure": comp.measure, "required":
                                  str(comp.gate.min_attainment), "threshold": str(threshold),
                                  "pay_from_first_unit": comp.gate.pay_from_first_unit}
        pay_all = comp.gate is None or comp.gate.pay_from_first_unit
        plain = open_gate and threshold is None and factor == _ONE
        per_record_cap = comp.cap.per_record if comp.cap is not None else None
        line = _CommissionLine(comp, base, quota, trace_mods, tuple(notes), threshold, pay_all,
                               open_gate, cap, per_record_cap, factor, plain)
        earn = line.earn
        blocks: list[_Block] = []
        rows: list[_Row] = []
        main = _Block(comp.id, line, rows)
        if comp.application is Application.PER_RECORD:
            running = _ZERO
            for c in mine:
                if c[_DATE] < p.start:
                    continue
                uncapped = raw = earn(c[_AMOUNT])
                if per_record_cap is not None and raw > per_record_cap:
                    raw = per_record_cap
                period_capped = cap is not None and raw > cap - running
                if period_capped and cap is not None:
                    raw = cap - running
                running = _ADD(running, raw)
                rows.append((c[_RID], c[_DATE], raw, c, _ZERO, c[_AMOUNT], uncapped,
                             period_capped))
            return self._floor(comp, p, [main])

        # A period window starts from nothing; a year-to-date window recomputes what the
        # records of earlier periods earn now (the quota may have grown) against what they
        # earned then, and pays or takes back the difference.
        cumulative = recomputed = _ZERO
        h_before = earn(_ZERO)
        period_start = p.start
        n_before = 0
        for c in mine:
            if c[_DATE] >= period_start:
                break
            after = _ADD(cumulative, c[_AMOUNT])
            h_after = earn(after)
            step = h_after - h_before
            if per_record_cap is not None and step > per_record_cap:
                step = per_record_cap
            recomputed = _ADD(recomputed, step)
            cumulative, h_before = after, h_after
            n_before += 1
        opening = recomputed - earlier if comp.window is Window.YEAR_TO_DATE else _ZERO
        if opening != 0:
            trace = {"component": comp.id, "kind": "true-up", "measure": comp.measure,
                     "cumulative": str(cumulative), "earned_before": str(earlier),
                     "exact": str(opening), **trace_mods}
            text = (f"true-up: {comp.measure} year to date of {_money(cumulative)} now earns "
                    f"{_money(recomputed)} against {_money(earlier)} earned before")
            blocks.append(_Block(comp.id, _given, [(None, p.start, opening, trace, text)]))
        blocks.append(main)
        todo = mine[n_before:] if n_before else mine
        h_start = h_before
        if plain and base.mode is TierMode.MARGINAL and per_record_cap is None:
            # The common case, written out: marginal tiers and at most a window cap. The
            # evaluation runs in salesperf's decimal context, so operators are exact here.
            # Each credit lands in the tier [low, high) the last one did, unless it crosses.
            bounds, starts, rates = base.bounds, base.starts, base.rates
            values: list[Decimal] = []
            main.rows, main.make = (), line.columns
            main.columns = line.kept_as = (todo, values, cumulative)
            add = values.append
            limit = _INFINITY if cap is None else cap
            low = high = earned = bound = rate = _ZERO  # no tier yet: the first credit finds it
            for c in todo:
                after = cumulative + c[_AMOUNT]
                if not low <= after < high:
                    i = bisect.bisect_right(bounds, after) - 1
                    if i < 0:  # noqa: PLR1730 - cheaper than max() here
                        i = 0
                    low = bounds[i] if i else -_INFINITY  # the first tier reaches below 0
                    high = bounds[i + 1] if i + 1 < len(bounds) else _INFINITY
                    earned, bound, rate = starts[i], bounds[i], rates[i]  # earned at its bound
                h_after = earned + (after - bound) * rate
                if h_after > limit:  # noqa: PLR1730 - cheaper than min() here
                    h_after = limit
                add(h_after - h_before)
                cumulative, h_before = after, h_after
            main.exact = h_before - h_start
            return self._floor(comp, p, blocks)
        for c in todo:
            after = _ADD(cumulative, c[_AMOUNT])
            h_after = earn(after)
            value = uncapped = h_after - h_before
            if per_record_cap is not None and value > per_record_cap:
                value = per_record_cap
            rows.append((c[_RID], c[_DATE], value, c, cumulative, after, uncapped, False))
            cumulative, h_before = after, h_after
        return self._floor(comp, p, blocks)

    def _cap(self, cap: Cap | None, base: Callable[[Decimal], Decimal], quota: Decimal | None,
             pid: str, comp: str, window: Period, ctx: _Context) -> Decimal | None:
        if cap is None:
            return None
        limits = []
        if cap.per_period is not None:
            limits.append(cap.per_period)
        if cap.target_incentive_multiple is not None:
            # The target incentive of the window: the period's, or the year's so far.
            payee = ctx.hierarchy.payees[pid]
            incentive = _sum(self._incentive(pid, comp, q, ctx) for q in ctx.periods
                             if window.start <= q.start and q.end <= window.end
                             and _on_plan(pid, payee, ctx.assigned, q.start, q.end))
            limits.append(_MUL(cap.target_incentive_multiple, incentive))
        if cap.earnings_at_attainment is not None and quota is not None:
            limits.append(_MUL(cap.multiple, base(_MUL(cap.earnings_at_attainment, quota))))
        return min(limits) if limits else None

    def _floor(self, comp: Commission, p: Period, blocks: list[_Block]) -> list[_Block]:
        if comp.floor is None:
            return blocks
        total = _sum(row[2] for block in blocks for row in block.all_rows())
        lift = comp.floor - total
        if lift <= 0:
            return blocks
        trace = {"component": comp.id, "kind": "floor", "floor": str(comp.floor),
                 "earned": str(total), "exact": str(lift)}
        text = (f"floor: {comp.id} earned {_money(total)}, lifted to the floor of "
                f"{_money(comp.floor)}")
        return [*blocks, _Block(comp.id, _given, [(None, p.last_day, lift, trace, text)],
                                floor=True)]

    def _spiff(self, comp: Spiff, pid: str, p: Period,
               credits_by: Mapping[tuple[str, str], list[_C]], ctx: _Context) -> list[_Block]:
        match, detail = self._spiffs[comp.id]
        records = ctx.records
        rows: list[_Row] = []
        block = _Block(comp.id, detail, rows)
        first = max(p.start, comp.start) if comp.start else p.start
        last = min(p.last_day, comp.end) if comp.end else p.last_day
        amount, rate = comp.amount, comp.rate if comp.rate is not None else _ZERO
        total = _ZERO
        for c in _between(credits_by.get((pid, comp.measure), []), first, last + _DAY):
            if c[_KIND] != _DIRECT or not match(records[c[_SEQ]]):
                continue
            if amount is not None:
                value = amount if c[_SHARE] is _ONE else _MUL(amount, c[_SHARE])
            else:
                value = _MUL(c[_AMOUNT], rate)
            rows.append((c[_RID], c[_DATE], value, c))
            total = total + value
        block.exact = total
        return [block]

    def _target_bonus(self, comp: TargetBonus, pid: str, p: Period,
                      credits_by: Mapping[tuple[str, str], list[_C]],
                      ctx: _Context) -> list[_Block]:
        who = f"component {comp.id!r}"
        credited, quota, att = self._attainment(pid, comp.measure, p, credits_by, ctx, who)
        incentive = self._incentive(pid, comp.id, p, ctx)
        pct = comp.curve(att)
        value = _MUL(incentive, pct)
        how = (f"{comp.measure} {_money(credited)} of quota {_money(quota)} = {_pct(att)} "
               f"attainment → {_pct(pct)} of target incentive {_money(incentive)}")
        trace: dict[str, Any] = {"component": comp.id, "kind": "target_bonus",
                                 "measure": comp.measure, "credited": str(credited),
                                 "quota": str(quota), "attainment": str(att),
                                 "payout_fraction": str(pct), "target_incentive": str(incentive)}

        def at(attained: Decimal) -> Decimal:
            return _MUL(incentive, comp.curve(attained))

        value, how = self._bonus_limits(comp.gate, comp.cap, comp.id, comp.measure, pid, p,
                                        credits_by, ctx, value, how, trace, att, at)
        trace["exact"] = str(value)
        text = f"{comp.id}: {how} = {_money(value)}"
        return [_Block(comp.id, _given, [(None, p.last_day, value, trace, text)])]

    def _bonus_limits(self, gate: Gate | None, cap: Cap | None, comp: str, measure: str,
                      pid: str, p: Period,
                      credits_by: Mapping[tuple[str, str], list[_C]], ctx: _Context,
                      value: Decimal, how: str, trace: dict[str, Any],
                      own: Decimal, at: Callable[[Decimal], Decimal]) -> tuple[Decimal, str]:
        if gate is not None:
            att = own
            if gate.measure is not None:
                _, _, att = self._attainment(pid, gate.measure, p, credits_by, ctx,
                                             f"component {comp!r}")
            passed = att >= gate.min_attainment
            trace["gate"] = {"measure": gate.measure or measure, "attainment": str(att),
                             "required": str(gate.min_attainment), "passed": passed}
            if not passed:
                return _ZERO, (f"{how}; gate closed ({gate.measure or measure} at {_pct(att)}, "
                               f"below {_pct(gate.min_attainment)})")
        limit = self._cap(cap, at, _ONE, pid, comp, p, ctx)
        if limit is not None and value > limit:
            trace["cap"] = str(limit)
            return limit, f"{how}; capped at {_money(limit)}"
        return value, how

    def _kpi_bonus(self, comp: KpiBonus, pid: str, p: Period, ctx: _Context) -> list[_Block]:
        records = [as_record(r) for r in ctx.records_by_payee.get(pid, ())]  # type: ignore[arg-type]
        goals = []
        for item in comp.items:
            target = ctx.quotas.get((pid, item.target_name, str(p)))
            if target is None:
                raise DataError(None, "quotas", f"no target for payee {pid!r}, "
                                f"{item.target_name!r} in {p}; KPI bonus {comp.id!r} needs it")
            goals.append(Goal(item.target_name, item.metric, target, p, pid,
                              direction=item.direction, weight=item.weight))
        card = Scorecard(comp.id, goals, comp.missing, comp.item_curve)
        results = tuple(
            _evaluate_goal(g, records, ctx.hierarchy, supplied=_no_supplied,
                           curve=comp.item_curve, scale=None)
            for g in goals
        )
        scored = _score_card(card, results, None)
        incentive = self._incentive(pid, comp.id, p, ctx)
        if scored.score is None:
            raise DataError(None, f"{comp.id}", f"no KPI of {pid!r} has data in {p}")
        pct = comp.curve(scored.score)
        value = _MUL(incentive, pct)
        trace = {"component": comp.id, "kind": "kpi_bonus", "score": str(scored.score),
                 "payout_fraction": str(pct), "target_incentive": str(incentive),
                 "items": [{"goal": r.goal, "actual": None if r.actual is None else str(r.actual),
                            "target": str(r.target),
                            "attainment": None if r.attainment is None else str(r.attainment),
                            "score": None if r.score is None else str(r.score),
                            "weight": str(scored.weights.get(r.goal, _ZERO)),
                            "records": list(r.records)} for r in results],
                 "arithmetic": scored.explanation, "exact": str(value)}
        text = (f"{comp.id}: {scored.explanation} → {_pct(pct)} of target incentive "
                f"{_money(incentive)} = {_money(value)}")
        return [_Block(comp.id, _given, [(None, p.last_day, value, trace, text)])]


class _CommissionLine:
    """Writes the trace and the sentence of a commission line, when someone reads them.

    One per payee and window, so kept to plain slots."""

    __slots__ = ("base", "by_credit", "cap", "comp", "factor", "gate_value", "kept_as",
                 "mods", "notes", "open_gate", "pay_all", "per_record_cap", "plain", "quota",
                 "threshold")

    def __init__(self, comp: Commission, base: _Rates, quota: Decimal | None,
                 mods: Mapping[str, Any], notes: tuple[str, ...], threshold: Decimal | None,
                 pay_all: bool, open_gate: bool, cap: Decimal | None,
                 per_record_cap: Decimal | None, factor: Decimal, plain: bool) -> None:
        self.comp, self.base, self.quota, self.mods, self.notes = comp, base, quota, mods, notes
        self.threshold, self.pay_all, self.open_gate = threshold, pay_all, open_gate
        self.cap, self.per_record_cap, self.factor = cap, per_record_cap, factor
        self.plain = plain  # no gate, no multiplier: earnings are the rate table's, capped
        # What the table pays at the gate's threshold, taken off when paying only above it.
        self.gate_value = base(threshold) if threshold is not None else _ZERO
        # Lines kept as columns (credits, values, the measure before the first), and their
        # rows by credit, written when the first trace is read.
        self.kept_as: _Columns = ((), [], _ZERO)
        self.by_credit: dict[int, _Row] | None = None

    def earn(self, x: Decimal, capped: bool = True) -> Decimal:
        """Earnings at cumulative measure x, after gate, multiplier and cap."""
        cap = self.cap
        if self.plain:
            value = self.base(x)
        else:
            threshold = self.threshold
            if not self.open_gate or (threshold is not None and x < threshold):
                return _ZERO
            value = self.base(x)
            if not self.pay_all and threshold is not None:
                value = value - self.gate_value
            value = _MUL(value, self.factor)
        return value if cap is None or not capped or value <= cap else cap

    def why(self, before: Decimal, after: Decimal, uncapped: Decimal,
            period_capped: bool) -> list[str]:
        """What the gate and the caps did to a line, for its explanation."""
        out = list(self.notes)
        threshold = self.threshold
        if threshold is not None and self.open_gate:
            if after < threshold:
                out.append(f"below the gate at {_money(threshold)}")
            elif before < threshold:
                out.append(f"passes the gate at {_money(threshold)}, paying "
                           + ("from the first unit" if self.pay_all else "only above it"))
        cumulative = self.comp.application is Application.CUMULATIVE
        if self.cap is not None and cumulative and self.earn(after, capped=False) > self.cap:
            out.append(f"capped at {_money(self.cap)} for the window")
        if self.per_record_cap is not None and uncapped > self.per_record_cap:
            out.append(f"capped at {_money(self.per_record_cap)} per record")
        if period_capped and self.cap is not None:
            out.append(f"capped at {_money(self.cap)} for the period")
        return out

    def __call__(self, line: Line) -> tuple[dict[str, Any], str]:
        return self.write(line.facts)

    def columns(self, line: Line) -> tuple[dict[str, Any], str]:
        """The detail of a line kept in columns, whose facts are its credit."""
        if self.by_credit is None:
            self.by_credit = {id(row[3]): row for row in _column_rows(*self.kept_as)}
        return self.write(self.by_credit[id(line.facts)])

    def write(self, row: _Row) -> tuple[dict[str, Any], str]:
        """A row is (record id, date, value, credit, before, after, uncapped, period cap), or
        (record id, date, value, credit, after) when no cap per record or period applied."""
        if len(row) == 5:
            _, _, value, c, after = row
            before, uncapped, period_capped = after - c[_AMOUNT], value, False
        else:
            _, _, value, c, before, after, uncapped, period_capped = row
        base, comp, quota = self.base, self.comp, self.quota
        slices = base.slices(before, after)
        tier = base.tier_of(after)
        if base.mode is TierMode.MARGINAL:
            parts = [f"{_money(part)} at {_pct(base.rates[i])}" for i, part in slices]
            how = " + ".join(parts) or "nothing"
        elif base.mode is TierMode.RETROACTIVE:
            how = (f"{_money(after)} at {_pct(base.rates[tier])} − "
                   f"{_money(before)} at {_pct(base.rates[base.tier_of(before)])}")
        else:
            how = (f"{_money(base(after))} on {_money(after)} − {_money(base(before))} on "
                   f"{_money(before)} (retroactive through tier {(base.retro_through or 0) + 1}, "
                   "marginal above)")
        trace: dict[str, Any] = {
            "component": comp.id, "kind": "commission", "record": c[_RID],
            "date": c[_DATE].isoformat(), "measure": comp.measure, "rule": c[_RULE],
            "credit": str(c[_AMOUNT]), "share": str(c[_SHARE]), "factor": str(c[_FACTOR]),
            "cumulative_before": str(before), "cumulative_after": str(after),
            "mode": base.mode.value, "tiers": base.slice_facts(slices), "tier": str(tier + 1),
            "rate": str(base.rates[tier]), "arithmetic": how,
            "exact": str(value), **self.mods,
        }
        credit_text = f"credited {_money(c[_AMOUNT])}"
        if c[_SHARE] != 1 or c[_FACTOR] != 1:
            credit_text += f" ({_pct(c[_SHARE])} share × {_pct(c[_FACTOR])} credit)"
        text = f"{c[_RID]} on {c[_DATE]}: {credit_text}"
        if comp.application is Application.CUMULATIVE:
            text += f"; {comp.measure} from {_money(before)} to {_money(after)}"
            if quota is not None and quota != 0:
                start, end = _DIV(before, quota), _DIV(after, quota)
                trace["quota"] = str(quota)
                trace["attainment_before"] = str(start)
                trace["attainment_after"] = str(end)
                text += (f" ({_pct(start.quantize(_PERMILLE))} → {_pct(end.quantize(_PERMILLE))}"
                         f" of quota {_money(quota)})")
        text += f": {how}"
        notes = self.why(before, after, uncapped, period_capped)
        if notes:
            text += "; " + "; ".join(notes)
        text += f" = {_money(value)}"
        return trace, text


def _spiff_detail(comp: Spiff, line: Line) -> tuple[dict[str, Any], str]:
    _, _, value, c = line.facts
    if comp.amount is not None:
        how = f"{_money(comp.amount)} × {_pct(c[_SHARE])} share"
    else:
        how = f"{_money(c[_AMOUNT])} × {_pct(comp.rate or _ZERO)}"
    trace = {"component": comp.id, "kind": "spiff", "record": c[_RID],
             "date": c[_DATE].isoformat(), "share": str(c[_SHARE]), "arithmetic": how,
             "exact": str(value)}
    return trace, f"{c[_RID]} on {c[_DATE]}: SPIFF {comp.id}: {how} = {_money(value)}"


def _attributes(record: object) -> Mapping[str, object]:
    if isinstance(record, Record):
        return record.attributes
    assert isinstance(record, Mapping)
    return {k: v for k, v in record.items() if k not in _CORE_FIELDS}


_DAY = dt.timedelta(days=1)


# A compiled crediting rule: (id, measure, factor, factor is 1, condition or None for all).
_Rule = tuple[str, str, Decimal, bool, Predicate | None]
_RuleIndex = tuple[str, dict[object, _Rule], _Rule | None]


def _first_per_measure(rules: tuple[_Rule, ...], record: object) -> list[_Rule]:
    """The first rule matching `record` for each measure (rules are tried in order)."""
    hits: list[_Rule] = []
    seen: set[str] = set()
    for rule in rules:
        if rule[1] not in seen and (rule[4] is None or rule[4](record)):
            seen.add(rule[1])
            hits.append(rule)
    return hits


def _rule_index(plan_rules: Sequence[CreditRule], rules: tuple[_Rule, ...]) -> _RuleIndex | None:
    """The crediting rules as one lookup, when every rule before the first unconditional one
    tests the same field for equality or membership: (field, rule by value, the
    unconditional rule or None). The first rule listing a value wins, as in order."""
    fields: set[str] = set()
    table: dict[object, _Rule] = {}
    default: _Rule | None = None
    try:
        for plan_rule, rule in zip(plan_rules, rules, strict=True):
            where = plan_rule.where
            if where is None:
                default = rule
                break
            if not isinstance(where, Eq | In):
                return None
            fields.add(where.field)
            for value in (where.value,) if isinstance(where, Eq) else where.values:
                if value is not None:  # a None value never matches: it reads as missing
                    table.setdefault(value, rule)
    except TypeError:  # an unhashable value to compare with
        return None
    if len(fields) != 1:
        return None
    return fields.pop(), table, default


def _between(bucket: list[_C], start: dt.date, end: dt.date) -> list[_C]:
    """The credits dated in [start, end), found by bisection (credits are sorted by date);
    the bucket itself (not a copy) when all of its credits are."""
    lo, hi = bisect.bisect_left(bucket, (start,)), bisect.bisect_left(bucket, (end,))
    return bucket if lo == 0 and hi == len(bucket) else bucket[lo:hi]


def _sum(values: Iterable[Decimal]) -> Decimal:
    total = _ZERO
    for v in values:
        total = _ADD(total, v)
    return total


def _view(record: Record) -> tuple[object, str, dt.date, tuple[str, ...], Decimal | None,
                                   str | None, object]:
    """(record, id, date, payees, amount, currency, split) of a `Record`."""
    return (record, record.id, record.date, record.payees, record.amount, record.currency,
            record.attributes.get("split"))


def _activity(hierarchy: Hierarchy, assigned: Mapping[str, tuple[Assignment, ...]] | None,
              ) -> Callable[[str, dt.date], str | None]:
    """Why a payee cannot be credited on a day (None: they can), with a cache per payee."""
    cache: dict[str, tuple[Payee | None, tuple[Assignment, ...] | None]] = {}

    def why(pid: str, day: dt.date) -> str | None:
        entry = cache.get(pid)
        if entry is None:
            entry = cache[pid] = (hierarchy.payees.get(pid),
                                  None if assigned is None else assigned.get(pid, ()))
        payee, spans = entry
        if payee is None:
            return f"unknown payee {pid!r}"
        if (payee.start is not None and day < payee.start) or (
                payee.end is not None and day > payee.end):
            return f"payee {pid!r} not employed on {day}"
        if spans is not None and not any(a.covers(day) for a in spans):
            return f"payee {pid!r} not on the plan on {day}"
        return None

    return why


def _no_supplied(name: str, period: Period) -> object:
    return None


def _in_currency(rid: str, day: dt.date, amount: Decimal | None, cur: str | None, home: str,
                 rates: ExchangeRates | None) -> Decimal:
    """A record's amount in the plan currency; a record without a currency is in it."""
    if amount is None:
        raise DataError(rid, "amount", "a credited record needs an amount")
    if cur is None or cur == home:
        return amount
    if rates is None:
        raise DataError(rid, "currency", f"is {cur}, the plan pays in {home}, and no exchange "
                        "rates were given")
    return rates.convert(Money(amount, currency(cur)), home, day).amount


def _shares(rid: str, owners: tuple[str, ...], split: object) -> list[tuple[str, Decimal]]:
    if split is None:
        if not owners:
            raise DataError(rid, "payees", "a credited record needs a payee")
        raise DataError(rid, "split", f"has {len(owners)} payees and no split saying how to "
                        "share it")
    if not isinstance(split, Mapping):
        raise DataError(rid, "split", f"must map payee ids to shares, got {split!r}")
    shares = []
    for pid, raw in sorted(split.items()):
        try:
            shares.append((str(pid), to_decimal(raw, path="split")))
        except DefinitionError as err:
            raise DataError(rid, f"split[{pid!r}]", err.problems[0].message) from None
    total = _sum(s for _, s in shares)
    if total != _ONE:
        raise DataError(rid, "split", f"shares must total exactly 1 (100 %), got {total}")
    if any(s < 0 for _, s in shares):
        raise DataError(rid, "split", "shares must not be negative")
    return shares


def _on_plan(pid: str, payee: Payee, assigned: Mapping[str, tuple[Assignment, ...]] | None,
             start: dt.date, end: dt.date) -> bool:
    last = end - dt.timedelta(days=1)
    employed = ((payee.start is None or payee.start <= last)
                and (payee.end is None or payee.end >= start))
    if not employed:
        return False
    if assigned is None:
        return True
    return any((a.start is None or a.start <= last) and (a.end is None or a.end >= start)
               for a in assigned.get(pid, ()))


def _assignments(assignments: Iterable[Assignment] | None,
                 hierarchy: Hierarchy) -> dict[str, tuple[Assignment, ...]] | None:
    if assignments is None:
        return None
    grouped: dict[str, list[Assignment]] = defaultdict(list)
    problems = []
    for i, a in enumerate(assignments):
        if a.payee not in hierarchy.payees:
            problems.append(Problem(f"assignments[{i}].payee", f"unknown payee {a.payee!r}"))
        grouped[a.payee].append(a)
    if problems:
        raise DefinitionError(problems)
    return {k: tuple(v) for k, v in grouped.items()}


def _quota_table(quotas: Iterable[Quota]) -> dict[tuple[str, str, str], Decimal]:
    table: dict[tuple[str, str, str], Decimal] = {}
    for i, q in enumerate(quotas):
        key = (q.payee, q.measure, q.period)
        if key in table and table[key] != q.amount:
            raise DefinitionError([Problem(f"quotas[{i}]", f"a second, different quota for "
                                           f"{q.payee!r}, {q.measure!r} in {q.period}")])
        table[key] = q.amount
    return table


def _incentive_table(
    items: Iterable[TargetIncentive],
) -> dict[tuple[str, str, str | None], Decimal]:
    table: dict[tuple[str, str, str | None], Decimal] = {}
    for i, t in enumerate(items):
        key = (t.payee, t.period, t.component)
        if key in table and table[key] != t.amount:
            raise DefinitionError([Problem(f"target_incentives[{i}]", "a second, different "
                                           f"target incentive for {t.payee!r} in {t.period}")])
        table[key] = t.amount
    return table

