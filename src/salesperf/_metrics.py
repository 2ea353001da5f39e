"""Declarative metrics: measures over records in a period, ratios, growth, supplied values."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TypeAlias

import attrs

from salesperf._conditions import Condition, compile_condition
from salesperf._errors import DataError, DefinitionError, Problem
from salesperf._money import DECIMAL_CONTEXT, to_decimal
from salesperf._periods import Period
from salesperf._records import Record

__all__ = [
    "Aggregation",
    "Growth",
    "GrowthBase",
    "Measure",
    "Metric",
    "MetricValue",
    "Ratio",
    "Supplied",
    "evaluate_metric",
]


class Aggregation(enum.Enum):
    """How a measure combines the values of the records it selects."""

    SUM = "sum"
    COUNT = "count"
    DISTINCT_COUNT = "distinct_count"
    AVERAGE = "average"
    MIN = "min"
    MAX = "max"


class GrowthBase(enum.Enum):
    """What a growth metric compares a period with."""

    PREVIOUS_PERIOD = "previous_period"
    SAME_PERIOD_LAST_YEAR = "same_period_last_year"


@attrs.frozen
class Measure:
    """An aggregation of one field over the records in the period that match `where`.

    `field` is ignored by COUNT. With no matching records SUM and COUNT are 0; AVERAGE, MIN
    and MAX have no value (None: "no data"), which scorecards handle by their stated policy.
    """

    name: str
    aggregation: Aggregation = Aggregation.SUM
    field: str = "amount"
    where: Condition | None = None


@attrs.frozen
class Ratio:
    """``numerator / denominator`` (win rate, conversion); no value when the denominator is 0."""

    name: str
    numerator: Metric
    denominator: Metric


@attrs.frozen
class Growth:
    """``(this period − base period) / |base period|`` for another metric; none on a zero base.

    Dividing by the size of the base keeps the sign of the change: going from −100 to 50 is
    growth of 1.5 (150 %), not −1.5.
    """

    name: str
    metric: Metric
    against: GrowthBase = GrowthBase.PREVIOUS_PERIOD


@attrs.frozen
class Supplied:
    """A value the host measures itself (a customer-satisfaction score, an NPS)."""

    name: str


Metric: TypeAlias = Measure | Ratio | Growth | Supplied

#: Looks up a supplied metric's value for a period: (metric name, period) -> value or None.
SuppliedLookup: TypeAlias = Callable[[str, Period], object]


@attrs.frozen
class MetricValue:
    """A metric's value for one owner and period, and where it came from."""

    value: Decimal | None
    records: tuple[str, ...]
    explanation: str


def _no_supplied(name: str, period: Period) -> object:
    return None


def evaluate_metric(
    metric: Metric,
    records: Sequence[Record],
    period: Period,
    supplied: SuppliedLookup = _no_supplied,
) -> MetricValue:
    """Evaluate `metric` over `records` (already the owner's) for `period`.

    Records outside the period are ignored, so one list can serve a period and the period it
    is compared with.

    >>> import datetime as dt
    >>> from salesperf._conditions import Eq
    >>> from salesperf._periods import CalendarYear
    >>> deals = [Record("D-1", dt.date(2026, 1, 9), amount=Decimal(500), attributes={"won": True}),
    ...          Record("D-2", dt.date(2026, 2, 9), amount=Decimal(700), attributes={"won": False})]
    >>> win_rate = Ratio("win rate", Measure("won", Aggregation.COUNT, where=Eq("won", True)),
    ...                  Measure("all", Aggregation.COUNT))
    >>> v = evaluate_metric(win_rate, deals, CalendarYear().parse("2026-Q1"))
    >>> v.value, v.records, v.explanation
    (Decimal('0.5'), ('D-1', 'D-2'), 'win rate = won / all = 1 / 2 = 0.5')
    """
    return _evaluate(metric, records, period, supplied, {})


_Memo: TypeAlias = dict[tuple[int, Period], MetricValue]


def _evaluate(metric: Metric, records: Sequence[Record], period: Period,
              supplied: SuppliedLookup, memo: _Memo) -> MetricValue:
    """`evaluate_metric`, each (metric, period) once: a growth of a growth asks for its inner
    metric in the same periods as its own base does, so without `memo` the work would double
    with each level of nesting; with it, it grows with the number of metrics and periods."""
    key = (id(metric), period)  # the metric objects live as long as this one evaluation
    found = memo.get(key)
    if found is None:
        found = memo[key] = _evaluate_once(metric, records, period, supplied, memo)
    return found


def _evaluate_once(metric: Metric, records: Sequence[Record], period: Period,
                   supplied: SuppliedLookup, memo: _Memo) -> MetricValue:
    if isinstance(metric, Measure):
        return _measure(metric, records, period)
    if isinstance(metric, Ratio):
        num = _evaluate(metric.numerator, records, period, supplied, memo)
        den = _evaluate(metric.denominator, records, period, supplied, memo)
        ids = tuple(sorted(set(num.records) | set(den.records)))
        head = f"{metric.name} = {_name(metric.numerator)} / {_name(metric.denominator)}"
        if num.value is None or den.value is None or den.value == 0:
            return MetricValue(None, ids, f"{head}: no value ({num.value} / {den.value})")
        value = DECIMAL_CONTEXT.divide(num.value, den.value)
        return MetricValue(value, ids, f"{head} = {num.value} / {den.value} = {value}")
    if isinstance(metric, Growth):
        base_period = (period.previous() if metric.against is GrowthBase.PREVIOUS_PERIOD
                       else period.same_period_last_year())
        now = _evaluate(metric.metric, records, period, supplied, memo)
        base = _evaluate(metric.metric, records, base_period, supplied, memo)
        ids = tuple(sorted(set(now.records) | set(base.records)))
        head = f"{metric.name} = ({period} − {base_period}) / |{base_period}|"
        if now.value is None or base.value is None or base.value == 0:
            return MetricValue(None, ids, f"{head}: no value ({now.value} against {base.value})")
        size = DECIMAL_CONTEXT.abs(base.value)
        value = DECIMAL_CONTEXT.divide(DECIMAL_CONTEXT.subtract(now.value, base.value), size)
        return MetricValue(value, ids,
                           f"{head} = ({now.value} − {base.value}) / {size} = {value}")
    raw = supplied(metric.name, period)
    if raw is None:
        return MetricValue(None, (), f"{metric.name}: no value supplied for {period}")
    try:
        value = to_decimal(raw, path=metric.name)
    except DefinitionError as err:
        raise DataError(None, metric.name, err.problems[0].message) from None
    return MetricValue(value, (), f"{metric.name} = {value} (supplied for {period})")


def _name(metric: Metric) -> str:
    return metric.name


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """The exact sum of `values` in salesperf's own context.

    The built-in `sum` would round to the thread's current context (28 digits by default, or
    whatever the host set), so results could depend on the caller.
    """
    result = Decimal(0)
    for value in values:
        result = DECIMAL_CONTEXT.add(result, value)
    return result


def _measure(metric: Measure, records: Sequence[Record], period: Period) -> MetricValue:
    match = compile_condition(metric.where, f"metrics[{metric.name!r}].where")
    start, end = period.start, period.end
    chosen = [r for r in records if start <= r.date < end and match(r)]
    chosen.sort(key=lambda r: (r.date, r.id))
    ids = tuple(r.id for r in chosen)
    agg = metric.aggregation
    if agg is Aggregation.COUNT:
        value: Decimal | None = Decimal(len(chosen))
        return MetricValue(value, ids, f"{metric.name} = count of {len(chosen)} records = {value}")
    values = [r.get(metric.field) for r in chosen]
    if agg is Aggregation.DISTINCT_COUNT:
        value = Decimal(len({_hashable(v) for v in values}))
        return MetricValue(value, ids, f"{metric.name} = {value} distinct {metric.field} "
                           f"in {len(chosen)} records")
    numbers = [_number(r, metric.field, v) for r, v in zip(chosen, values, strict=True)]
    if agg is Aggregation.SUM:
        value = exact_sum(numbers)
        return MetricValue(value, ids, f"{metric.name} = sum of {metric.field} over "
                           f"{len(chosen)} records = {value}")
    if not numbers:
        return MetricValue(None, ids, f"{metric.name}: no records, so no {agg.value}")
    if agg is Aggregation.AVERAGE:
        value = DECIMAL_CONTEXT.divide(exact_sum(numbers), len(numbers))
    elif agg is Aggregation.MIN:
        value = min(numbers)
    else:
        value = max(numbers)
    return MetricValue(value, ids, f"{metric.name} = {agg.value} of {metric.field} over "
                       f"{len(chosen)} records = {value}")


def _hashable(value: object) -> object:
    """A value as a set can hold it: lists and objects (JSON attributes) as tuples, equal
    when their contents are equal."""
    if isinstance(value, list | tuple):
        return ("list", tuple(_hashable(v) for v in value))
    if isinstance(value, Mapping):
        return ("object", tuple(sorted((str(k), _hashable(v)) for k, v in value.items())))
    return value


def _number(record: Record, field: str, value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    try:
        return to_decimal(value, path=field)
    except DefinitionError as err:
        raise DataError(record.id, field, err.problems[0].message) from None


def check_metric(metric: Metric, path: str = "metric") -> list[Problem]:
    """Every problem with a metric definition (bad conditions, unnamed metrics)."""
    problems = []
    if not isinstance(metric.name, str) or not metric.name:
        problems.append(Problem(f"{path}.name", "must be a non-empty text"))
    if isinstance(metric, Measure):
        try:
            compile_condition(metric.where, f"{path}.where")
        except DefinitionError as err:
            problems.extend(err.problems)
    elif isinstance(metric, Ratio):
        problems += check_metric(metric.numerator, f"{path}.numerator")
        problems += check_metric(metric.denominator, f"{path}.denominator")
    elif isinstance(metric, Growth):
        problems += check_metric(metric.metric, f"{path}.metric")
    return problems
