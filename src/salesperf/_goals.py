"""Goals, target splits, team roll-ups, scorecards, and the evaluation of a period."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from salesperf._errors import DataError, DefinitionError, Problem
from salesperf._goal_views import goal_table, report_html, scorecard_html, scorecard_table
from salesperf._metrics import (
    Metric,
    MetricValue,
    SuppliedLookup,
    check_metric,
    evaluate_metric,
    exact_sum,
)
from salesperf._money import (
    DECIMAL_CONTEXT,
    Currency,
    RoundingMode,
    plain,
    round_cumulative,
    to_decimal,
)
from salesperf._periods import Grain, Period
from salesperf._records import Hierarchy, Record, as_records
from salesperf._scoring import Curve, Direction, Ranked, RatingScale, attainment, rank
from salesperf._table import Table

__all__ = [
    "Finding",
    "Goal",
    "GoalResult",
    "MissingData",
    "OwnerKind",
    "PerformanceReport",
    "Scorecard",
    "ScorecardResult",
    "Severity",
    "check_goal",
    "evaluate_performance",
    "rollup",
    "split_target",
    "team_target",
]

_ONE = Decimal(1)
_ZERO = Decimal(0)


class OwnerKind(enum.Enum):
    """Whether a goal belongs to one payee or to a team."""

    PAYEE = "payee"
    TEAM = "team"


def _decimal(value: object) -> Decimal:
    return to_decimal(value, path="target")


def _weight(value: object) -> Decimal:
    return to_decimal(value, path="weight")


@attrs.frozen
class Goal:
    """A specific, measurable, time-bound target for a payee or a team.

    `weight` is the goal's share of its scorecard as a fraction (0.6 = 60 %).
    """

    id: str
    metric: Metric
    target: Decimal = attrs.field(converter=_decimal)
    period: Period
    owner: str
    owner_kind: OwnerKind = OwnerKind.PAYEE
    direction: Direction = Direction.HIGHER_IS_BETTER
    weight: Decimal = attrs.field(default=_ONE, converter=_weight)
    description: str = ""


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Finding:
    """One SMART problem with a goal: an error makes it unusable, a warning asks a human."""

    severity: Severity
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity.value}: {self.path}: {self.message}"


#: A target this many times the trailing average is flagged as doubtful.
STRETCH_LIMIT = Decimal("1.5")


def check_goal(goal: Goal, history: Sequence[Decimal] = (), *, path: str = "goal") -> list[Finding]:
    """Report what makes a goal less than SMART.

    Errors: what is missing or malformed (no id or owner, an invalid metric, a negative target,
    a weight outside 0..1). Warnings need `history`, the owner's actuals for earlier periods of
    the same length: a target far above the trailing average (more than 1.5×) is doubtful, and
    one the owner already beats on average does not stretch.

    >>> from salesperf._metrics import Measure
    >>> from salesperf._periods import CalendarYear
    >>> g = Goal("g1", Measure("revenue"), 300_000, CalendarYear().parse("2026-Q1"), "ana")
    >>> [str(f) for f in check_goal(g, history=[Decimal(100_000), Decimal(140_000)])]
    ['warning: goal.target: 300000 is 2.5× the trailing average of 120000 over 2 periods; \
doubtful achievability']
    """
    found = [Finding(Severity.ERROR, p.path, p.message)
             for p in check_metric(goal.metric, f"{path}.metric")]

    def error(field: str, message: str) -> None:
        found.append(Finding(Severity.ERROR, f"{path}.{field}", message))

    if not goal.id:
        error("id", "every goal needs an id")
    if not goal.owner:
        error("owner", "every goal needs an owner (a payee or a team)")
    if goal.target < 0:
        error("target", f"must not be negative, got {goal.target}")
    if not _ZERO < goal.weight <= _ONE:
        error("weight", f"must be above 0 and at most 1 (100 %), got {goal.weight}")
    if history and goal.target > 0:
        average = DECIMAL_CONTEXT.divide(exact_sum(history), len(history))
        where = f"the trailing average of {average} over {len(history)} periods"
        higher = goal.direction is Direction.HIGHER_IS_BETTER
        if average <= 0:
            if higher:
                found.append(Finding(Severity.WARNING, f"{path}.target",
                                     f"{goal.target} has no track record: {where}"))
        else:
            ratio = DECIMAL_CONTEXT.divide(goal.target, average)
            stretch = ratio if higher else DECIMAL_CONTEXT.divide(_ONE, ratio)
            if stretch > STRETCH_LIMIT:
                found.append(Finding(Severity.WARNING, f"{path}.target",
                                     f"{goal.target} is {_short(ratio)}× {where}; "
                                     "doubtful achievability"))
            elif stretch < _ONE:
                found.append(Finding(Severity.WARNING, f"{path}.target",
                                     f"{goal.target} is already beaten on average ({where}); "
                                     "it does not stretch"))
    return found


def _short(value: Decimal) -> str:
    # plain(): normalize() alone writes 10 as 1E+1.
    return str(plain(value.quantize(Decimal("0.01")).normalize()))


def split_target(
    total: object,
    period: Period,
    grain: Grain,
    weights: Mapping[str, object] | None = None,
    *,
    fixed: Mapping[str, object] | None = None,
    currency: Currency | None = None,
    rounding: RoundingMode = RoundingMode.HALF_UP,
) -> dict[Period, Decimal]:
    """Split a target across the sub-periods of `period`, evenly or by seasonal weights.

    `weights` are keyed by sub-period label (``"2026-03"``) and must cover every sub-period
    and total exactly 1 (100 %). Sub-targets already set in `fixed` are kept; the rest of the
    total is spread over the other sub-periods in proportion to their weights. With a
    `currency`, sub-targets are rounded cumulatively so they still add up to the total.

    >>> from salesperf._periods import CalendarYear
    >>> year = CalendarYear().parse("2026")
    >>> seasonal = {"2026-Q1": "0.2", "2026-Q2": "0.25", "2026-Q3": "0.25", "2026-Q4": "0.3"}
    >>> split = split_target(1_000_000, year, Grain.QUARTER, seasonal)
    >>> {str(p): v for p, v in split.items()}
    {'2026-Q1': Decimal('200000'), '2026-Q2': Decimal('250000'), '2026-Q3': Decimal('250000'), \
'2026-Q4': Decimal('300000')}
    """
    amount = to_decimal(total, path="total")
    subs = period.subperiods(grain)
    labels = [str(p) for p in subs]
    problems: list[Problem] = []
    fixed_values: dict[str, Decimal] = {}
    for label, value in (fixed or {}).items():
        if label not in labels:
            problems.append(Problem(f"fixed[{label!r}]", f"is not a {grain.value} of {period}; "
                                    f"expected one of {', '.join(labels)}"))
        else:
            fixed_values[label] = to_decimal(value, path=f"fixed[{label!r}]")
    if weights is None:
        shares = dict.fromkeys(labels, _ONE)
    else:
        shares = {}
        for label, value in weights.items():
            if label not in labels:
                problems.append(Problem(f"weights[{label!r}]", f"is not a {grain.value} of "
                                        f"{period}; expected one of {', '.join(labels)}"))
            else:
                shares[label] = to_decimal(value, path=f"weights[{label!r}]")
                if shares[label] < 0:
                    problems.append(Problem(f"weights[{label!r}]", f"must not be negative, "
                                            f"got {shares[label]}"))
        missing = [label for label in labels if label not in shares]
        if missing:
            problems.append(Problem("weights", f"no weight for {', '.join(missing)}"))
        elif exact_sum(shares.values()) != _ONE:
            problems.append(Problem("weights", f"must total 1 (100 %), got "
                                    f"{exact_sum(shares.values())}"))
    already = exact_sum(fixed_values.values())
    rest = DECIMAL_CONTEXT.subtract(amount, already)
    open_labels = [label for label in labels if label not in fixed_values]
    open_weight = exact_sum(shares[label] for label in open_labels if label in shares)
    if rest < 0:
        problems.append(Problem("fixed", f"sub-targets already set ({already}) exceed the "
                                f"total {amount}"))
    elif rest != 0 and not open_labels:
        problems.append(Problem("fixed", f"every sub-period is set and they total {already}, "
                                f"not {amount}; leave one open or correct them"))
    elif rest != 0 and not problems and open_weight == 0:
        problems.append(Problem("weights", "the sub-periods left to fill have no weight, so "
                                "the rest of the total has nowhere to go"))
    if problems:
        raise DefinitionError(problems)
    # Each part is the difference of two cumulative shares, and the last cumulative share is
    # the rest itself, so the parts add up to the total exactly even where a share has no
    # finite decimal (100 in three parts). An inexact cumulative share is cut to 33 digits of
    # the rest's magnitude so that every difference is itself exact.
    step = Decimal(1).scaleb(rest.adjusted() - 32)
    exact: dict[str, Decimal] = {}
    cumulative_weight = before = _ZERO
    for label in open_labels:
        cumulative_weight = DECIMAL_CONTEXT.add(cumulative_weight, shares[label])
        if label == open_labels[-1] or open_weight == 0:
            now = rest
        else:
            now = DECIMAL_CONTEXT.divide(DECIMAL_CONTEXT.multiply(rest, cumulative_weight),
                                         open_weight)
            cut = now.quantize(step, context=DECIMAL_CONTEXT)
            now = now if cut == now else cut
        exact[label] = plain(DECIMAL_CONTEXT.subtract(now, before))
        before = now
    if currency is not None:
        exact = dict(zip(open_labels, round_cumulative(exact.values(), currency, rounding),
                         strict=True))
    values = {**fixed_values, **exact}
    return {p: values[label] for p, label in zip(subs, labels, strict=True)}


def team_target(member_goals: Iterable[Goal]) -> Decimal:
    """A team target set as the sum of its members' targets."""
    return exact_sum(g.target for g in member_goals)


class RollupBy(enum.Enum):
    TEAM = "team"
    MANAGER = "manager"


def rollup(values: Mapping[str, Decimal], hierarchy: Hierarchy, on: Period,
           by: RollupBy = RollupBy.MANAGER) -> dict[str, Decimal]:
    """Sum payees' values up the hierarchy as it stood at the end of `on`.

    By manager, every manager gets the sum over everyone below them, directly or not; by
    team, every team gets the sum over its members.
    """
    day = on.last_day
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for pid, value in sorted(values.items()):
        if by is RollupBy.TEAM:
            team = hierarchy.team_of(pid, day)
            if team is not None:
                totals[team] = DECIMAL_CONTEXT.add(totals[team], value)
        else:
            for manager in hierarchy.managers_above(pid, day):
                totals[manager] = DECIMAL_CONTEXT.add(totals[manager], value)
    return dict(sorted(totals.items()))


class MissingData(enum.Enum):
    """What a scorecard does with a goal whose metric has no value."""

    RENORMALISE = "renormalise"  # drop it and scale the other weights up to 100 %
    ZERO = "zero"  # count it as a score of 0
    FAIL = "fail"  # raise a DataError naming the scorecard and the goal


def _goals(values: Iterable[Goal]) -> tuple[Goal, ...]:
    return tuple(values)


@attrs.frozen
class Scorecard:
    """Weighted goals of one owner for one period, producing one score.

    Weights must total exactly 1 (100 %). The score of each goal is its attainment passed
    through `curve` (if any); the scorecard score is the weighted sum.
    """

    id: str
    goals: tuple[Goal, ...] = attrs.field(converter=_goals)
    missing: MissingData = MissingData.RENORMALISE
    curve: Curve | None = None

    def __attrs_post_init__(self) -> None:
        problems = []
        weight_total = exact_sum(g.weight for g in self.goals)
        if weight_total != _ONE:
            problems.append(Problem(f"scorecard[{self.id!r}].goals",
                                    f"weights must total 1 (100 %), got {weight_total}"))
        # A negative weight could hide behind a 100 % total, and a repeated goal id would
        # make two goals share one entry of the result's weights.
        seen: set[str] = set()
        for i, g in enumerate(self.goals):
            if not _ZERO < g.weight <= _ONE:
                problems.append(Problem(f"scorecard[{self.id!r}].goals[{i}].weight",
                                        f"must be above 0 and at most 1, got {g.weight}"))
            if g.id in seen:
                problems.append(Problem(f"scorecard[{self.id!r}].goals[{i}].id",
                                        f"duplicate goal id {g.id!r}"))
            seen.add(g.id)
        owners = {(g.owner, g.owner_kind, g.period) for g in self.goals}
        if len(owners) > 1:
            problems.append(Problem(f"scorecard[{self.id!r}].goals", "all goals must share one "
                                    "owner and one period"))
        if not self.goals:
            problems.append(Problem(f"scorecard[{self.id!r}].goals", "needs at least one goal"))
        if problems:
            raise DefinitionError(problems)


@attrs.frozen
class GoalResult:
    """How one owner did against one goal, with the trace of what counted."""

    goal: str
    owner: str
    period: Period
    actual: Decimal | None
    target: Decimal
    attainment: Decimal | None
    score: Decimal | None
    rating: str | None
    records: tuple[str, ...]
    explanation: str


@attrs.frozen
class ScorecardResult:
    """A scorecard's weighted score, the weights used, and each goal's result."""

    scorecard: str
    owner: str
    period: Period
    score: Decimal | None
    rating: str | None
    weights: Mapping[str, Decimal]
    goals: tuple[GoalResult, ...]
    explanation: str

    def _repr_html_(self) -> str:
        return scorecard_html(self)


@attrs.frozen
class PerformanceReport:
    """Everything `evaluate_performance` found, plus a leaderboard by scorecard score."""

    goals: tuple[GoalResult, ...]
    scorecards: tuple[ScorecardResult, ...]
    leaderboard: tuple[Ranked, ...]

    def goal(self, goal_id: str, owner: str) -> GoalResult:
        """The result of a goal, standalone or on a scorecard, for an owner."""
        for g in (*self.goals, *(g for card in self.scorecards for g in card.goals)):
            if g.goal == goal_id and g.owner == owner:
                return g
        raise DataError(None, "goal", f"no result for goal {goal_id!r} of {owner!r}")

    def scorecard(self, owner: str) -> ScorecardResult:
        for s in self.scorecards:
            if s.owner == owner:
                return s
        raise DataError(None, "owner", f"no scorecard result for {owner!r}")

    def goals_table(self) -> Table:
        """Every goal result, standalone then on scorecards, as a `Table` (one row each)."""
        return goal_table(self.goals, self.scorecards)

    def scorecards_table(self) -> Table:
        return scorecard_table(self.scorecards)

    def _repr_html_(self) -> str:
        return report_html(self)


def records_of(owner: str, kind: OwnerKind, records: Sequence[Record],
               hierarchy: Hierarchy | None) -> list[Record]:
    """The records that count for a payee (they are one of its payees) or a team."""
    if kind is OwnerKind.PAYEE:
        return [r for r in records if owner in r.payees]
    if hierarchy is None:
        raise DefinitionError([Problem("hierarchy", f"team goals (team {owner!r}) need the "
                                       "hierarchy that says who is in which team")])
    return [r for r in records
            if any(hierarchy.team_of(p, r.date) == owner for p in r.payees if p in
                   hierarchy.payees)]


def evaluate_goal(goal: Goal, records: Sequence[Record], hierarchy: Hierarchy | None, *,
                   supplied: SuppliedLookup, curve: Curve | None,
                   scale: RatingScale | None) -> GoalResult:
    own = records_of(goal.owner, goal.owner_kind, records, hierarchy)
    value: MetricValue = evaluate_metric(goal.metric, own, goal.period, supplied)
    if value.value is None:
        return GoalResult(goal.id, goal.owner, goal.period, None, goal.target, None, None, None,
                          value.records, f"{value.explanation}; no attainment")
    att = attainment(value.value, goal.target, goal.direction)
    score = curve(att) if curve is not None else att
    rating = scale.rate(score) if scale is not None else None
    how = ("actual / target" if goal.direction is Direction.HIGHER_IS_BETTER
           else "(2 × target − actual) / target")
    text = (f"{value.explanation}; attainment = {how} = {value.value} against {goal.target} "
            f"= {att}")
    if curve is not None:
        text += f"; score = curve({att}) = {score}"
    if rating is not None:
        text += f"; rating {rating}"
    return GoalResult(goal.id, goal.owner, goal.period, value.value, goal.target, att, score,
                      rating, value.records, text)


def evaluate_performance(
    records: Iterable[Record | Mapping[str, object]],
    *,
    goals: Iterable[Goal] = (),
    scorecards: Iterable[Scorecard] = (),
    hierarchy: Hierarchy | None = None,
    supplied: Mapping[tuple[str, str, str], object] | None = None,
    curve: Curve | None = None,
    rating_scale: RatingScale | None = None,
) -> PerformanceReport:
    """Evaluate goals and scorecards for a period: actual, target, attainment, score, rating.

    `records` are `Record` values or plain mappings (see `Record.from_mapping`); two records
    with one id are a `DataError`. `supplied` holds values the host measures itself, keyed
    by ``(metric name, owner, period label)``. `curve` and `rating_scale` apply to every goal
    (a scorecard's own curve wins for its goals); the scorecard score is rated with
    `rating_scale` too. The result does not depend on the order of `records`.
    """
    data = sorted(as_records(records), key=lambda r: (r.date, r.id))
    values = dict(supplied or {})
    goal_results: list[GoalResult] = []
    card_results: list[ScorecardResult] = []

    def run(goal: Goal, goal_curve: Curve | None) -> GoalResult:
        def lookup(name: str, period: Period) -> object:
            return values.get((name, goal.owner, str(period)))

        return evaluate_goal(goal, data, hierarchy, supplied=lookup, curve=goal_curve,
                              scale=rating_scale)

    goal_results.extend(run(g, curve) for g in goals)
    for card in scorecards:
        results = tuple(run(g, card.curve or curve) for g in card.goals)
        card_results.append(score_card(card, results, rating_scale))
    scores = {c.owner: c.score for c in card_results if c.score is not None}
    return PerformanceReport(tuple(goal_results), tuple(card_results), tuple(rank(scores)))


def score_card(card: Scorecard, results: tuple[GoalResult, ...],
                scale: RatingScale | None) -> ScorecardResult:
    first = card.goals[0]
    weights: dict[str, Decimal] = {}
    parts: list[str] = []
    score = _ZERO
    missing = [r for r in results if r.score is None]
    if missing and card.missing is MissingData.FAIL:
        raise DataError(None, f"scorecard[{card.id!r}].goals[{missing[0].goal!r}]",
                        f"no value for {first.owner!r} in {first.period} and the scorecard's "
                        "policy is to fail")
    present_weight = exact_sum(g.weight for g, r in zip(card.goals, results, strict=True)
                               if r.score is not None)
    for goal, result in zip(card.goals, results, strict=True):
        if result.score is None:
            if card.missing is MissingData.ZERO:
                weights[goal.id] = goal.weight
                parts.append(f"{goal.weight} × 0 (no data)")
            continue
        weight = goal.weight
        if card.missing is MissingData.RENORMALISE and missing:
            weight = DECIMAL_CONTEXT.divide(goal.weight, present_weight)
        weights[goal.id] = weight
        score = DECIMAL_CONTEXT.add(score, DECIMAL_CONTEXT.multiply(weight, result.score))
        parts.append(f"{weight} × {result.score}")
    if not weights or (card.missing is MissingData.RENORMALISE and present_weight == 0):
        return ScorecardResult(card.id, first.owner, first.period, None, None, weights, results,
                               f"{card.id}: no goal has data, so no score")
    rating = scale.rate(score) if scale is not None else None
    text = f"{card.id} score = {' + '.join(parts)} = {score}"
    if missing and card.missing is MissingData.RENORMALISE:
        text += f" (renormalised without {', '.join(r.goal for r in missing)})"
    if rating is not None:
        text += f"; rating {rating}"
    return ScorecardResult(card.id, first.owner, first.period, score, rating, weights, results,
                           text)
