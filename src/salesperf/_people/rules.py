"""Recommendation and recognition rules, as data, over a person's results by period.

A person's results for a period are `Facts`: named values (metric actuals, attainments,
scores, ratings, review scores, feedback counts) from wherever the host has them — the
`facts_from_*` helpers read salesperf's own results. Rules are written in the condition
language records use, read against those facts: ``Compare("win rate", "<", "0.2")``. A rule
may ask that its condition hold for several consecutive periods (a streak), and may keep only
the best N by one fact (top N, most improved). Every number in a period also has its change
and growth on the period before, as ``<name>.change`` and ``<name>.growth``, so trends are
facts like any other.

Every recommendation names its rule and the facts it read; pairs of actions a rule set
declares incompatible (an improvement plan and a promotion review) are reported, never
resolved silently.
"""

from __future__ import annotations

import enum
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from salesperf import _conditions as cond
from salesperf._conditions import Condition, compile_condition
from salesperf._errors import DataError, DefinitionError, Problem
from salesperf._goals import PerformanceReport
from salesperf._money import DECIMAL_CONTEXT
from salesperf._people.feedback import Feedback, FeedbackKind
from salesperf._people.reviews import ReviewResult
from salesperf._people.trends import growth, last_periods
from salesperf._periods import Period
from salesperf._scoring import rank

__all__ = [
    "DEFAULT_CONFLICTS",
    "Action",
    "ActionKind",
    "Conflict",
    "Fact",
    "Facts",
    "RuleInput",
    "Recommendation",
    "Recommendations",
    "Rule",
    "RuleSet",
    "describe_condition",
    "facts_from_feedback",
    "facts_from_report",
    "facts_from_reviews",
    "recommend",
]


class ActionKind(enum.Enum):
    """What a rule recommends."""

    TRAINING = "training"
    COACHING = "coaching"
    RECOGNITION = "recognition"
    PROMOTION_REVIEW = "promotion_review"
    IMPROVEMENT_PLAN = "improvement_plan"


@attrs.frozen
class Action:
    """An action and its topic: the training course, the coaching focus, the award's name."""

    kind: ActionKind
    topic: str = ""

    def __str__(self) -> str:
        words = self.kind.value.replace("_", " ")
        return f"{words} {self.topic!r}" if self.topic else words


def _positive(name: str, value: object) -> list[Problem]:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return [Problem(name, f"must be a whole number of at least 1, got {value!r}")]
    return []


@attrs.frozen
class Rule:
    """When `when` holds for a person in each of the last `periods` periods (no condition
    always holds), recommend `action`; with `top`, only for the best `top` of them by the
    fact `by` (ties share a place, so more may qualify; `lowest_first` when less is
    better)."""

    id: str
    action: Action
    when: Condition | None = None
    periods: int = 1
    top: int | None = None
    by: str | None = None
    lowest_first: bool = False
    description: str = ""

    def __attrs_post_init__(self) -> None:
        problems = _positive("periods", self.periods)
        if self.top is not None:
            problems += _positive("top", self.top)
        if (self.top is None) != (self.by is None):
            problems.append(Problem("by" if self.by is None else "top",
                                    "`top` and `by` go together: the best N by a fact"))
        if not self.id:
            problems.append(Problem("id", "every rule needs an id"))
        try:
            compile_condition(self.when, "when")
        except DefinitionError as err:
            problems += err.problems
        if problems:
            raise DefinitionError(problems)


def _rules(values: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(values)


#: Actions that contradict each other for one person in one period.
DEFAULT_CONFLICTS: tuple[tuple[ActionKind, ActionKind], ...] = (
    (ActionKind.IMPROVEMENT_PLAN, ActionKind.PROMOTION_REVIEW),
    (ActionKind.IMPROVEMENT_PLAN, ActionKind.RECOGNITION),
)


def _pairs(values: Iterable[tuple[ActionKind, ActionKind]]
           ) -> tuple[tuple[ActionKind, ActionKind], ...]:
    return tuple((a, b) for a, b in values)


@attrs.frozen
class RuleSet:
    """Recommendation and recognition rules, and the pairs of actions that conflict."""

    id: str
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)
    conflicts: tuple[tuple[ActionKind, ActionKind], ...] = attrs.field(
        default=DEFAULT_CONFLICTS, converter=_pairs)
    description: str = ""

    def __attrs_post_init__(self) -> None:
        problems = []
        seen: set[str] = set()
        for i, r in enumerate(self.rules):
            if r.id in seen:
                problems.append(Problem(f"rules[{i}].id", f"duplicate rule id {r.id!r}"))
            seen.add(r.id)
        for i, (a, b) in enumerate(self.conflicts):
            if a is b:
                problems.append(Problem(f"conflicts[{i}]", f"an action cannot conflict with "
                                        f"itself, got {a.value} twice"))
        if problems:
            raise DefinitionError(problems)


# -- facts -------------------------------------------------------------------------------


def _fact_value(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


@attrs.frozen
class Fact:
    """One named value of a person's period, and where it came from."""

    name: str
    value: object = attrs.field(converter=_fact_value)
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.value, Decimal | str | bool):
            raise DefinitionError([Problem("value", f"must be a Decimal, an "
                                           f"int, text or a boolean, got "
                                           f"{type(self.value).__name__} {self.value!r}")])


def _facts(values: Iterable[Fact] | Mapping[str, object]) -> tuple[Fact, ...]:
    if isinstance(values, Mapping):
        return tuple(Fact(k, v) for k, v in values.items())
    return tuple(values)


@attrs.frozen
class Facts:
    """A person's named results for one period; conditions read them with `get`.

    >>> from salesperf._periods import CalendarYear
    >>> f = Facts("ben", CalendarYear().parse("2026-Q1"), {"win rate": Decimal("0.18")})
    >>> f.get("win rate"), f.id
    (Decimal('0.18'), 'ben 2026-Q1')
    """

    person: str
    period: Period
    values: tuple[Fact, ...] = attrs.field(converter=_facts)
    _by_name: dict[str, Fact] = attrs.field(init=False, repr=False, eq=False)

    @_by_name.default
    def _index(self) -> dict[str, Fact]:
        out: dict[str, Fact] = {}
        for f in self.values:
            if f.name in out:
                raise DataError(f"{self.person} {self.period}", f.name, "given twice")
            out[f.name] = f
        return out

    @property
    def id(self) -> str:
        """How errors name these facts: ``"ben 2026-Q1"``."""
        return f"{self.person} {self.period}"

    def get(self, name: str, default: object = None) -> object:
        """The value of the fact `name` (`default` when there is none): what conditions read."""
        found = self._by_name.get(name)
        return default if found is None else found.value

    def fact(self, name: str) -> Fact | None:
        """The fact `name`, with its source, or None."""
        return self._by_name.get(name)


def _merge(facts: Iterable[Facts]) -> dict[tuple[str, Period], Facts]:
    """Facts by person and period, several sources for one period joined into one."""
    parts: dict[tuple[str, Period], list[Fact]] = defaultdict(list)
    for f in facts:
        parts[(f.person, f.period)].extend(f.values)
    return {key: Facts(key[0], key[1], sorted(values, key=lambda v: v.name))
            for key, values in sorted(parts.items())}


def _with_changes(facts: dict[tuple[str, Period], Facts]) -> dict[tuple[str, Period], Facts]:
    """Each numeric fact's change and growth on the period before, where both are known."""
    out = {}
    for (person, period), now in facts.items():
        try:
            before = facts.get((person, period.previous()))
        except DefinitionError:  # a period without a calendar has no previous period
            before = None
        extra = []
        for f in now.values:
            old = before.fact(f.name) if before is not None else None
            if (old is None or not isinstance(f.value, Decimal)
                    or not isinstance(old.value, Decimal)):
                continue
            change = DECIMAL_CONTEXT.subtract(f.value, old.value)
            extra.append(Fact(f"{f.name}.change", change, f"{f.name} {f.value} − {old.value} "
                              f"in {before.period if before else ''}"))
            grown = growth(old.value, f.value)
            if grown is not None:
                extra.append(Fact(f"{f.name}.growth", grown, f"({f.value} − {old.value}) / "
                                  f"|{old.value}|"))
        known = {f.name for f in now.values}
        extra = [f for f in extra if f.name not in known]  # a host's own value wins
        out[(person, period)] = Facts(person, period, (*now.values, *extra)) if extra else now
    return out


def facts_from_report(report: PerformanceReport) -> list[Facts]:
    """Facts from `evaluate_performance`: each scorecard's ``score`` and ``rating``, and
    for each goal its actual (named as the goal), ``<goal>.attainment`` and
    ``<goal>.score``."""
    values: dict[tuple[str, Period], list[Fact]] = defaultdict(list)
    for card in report.scorecards:
        key = (card.owner, card.period)
        if card.score is not None:
            values[key].append(Fact("score", card.score, card.explanation))
        if card.rating is not None:
            values[key].append(Fact("rating", card.rating, card.explanation))
    for g in (*report.goals, *(g for card in report.scorecards for g in card.goals)):
        key = (g.owner, g.period)
        for name, value in ((g.goal, g.actual), (f"{g.goal}.attainment", g.attainment),
                            (f"{g.goal}.score", g.score)):
            if value is not None and not any(f.name == name for f in values[key]):
                values[key].append(Fact(name, value, g.explanation))
    return [Facts(p, period, v) for (p, period), v in sorted(values.items())]


def facts_from_reviews(reviews: Iterable[ReviewResult]) -> list[Facts]:
    """Facts from reviews: ``review.score`` (the rounded score), ``review.rating`` and
    ``review.gap`` (self − manager)."""
    out = []
    for r in reviews:
        found = [Fact(n, v, r.explanation) for n, v in (
            ("review.score", r.final), ("review.rating", r.rating), ("review.gap", r.gap))
            if v is not None]
        out.append(Facts(r.person, r.period, found))
    return out


def facts_from_feedback(feedback: Iterable[Feedback], periods: Iterable[Period],
                        people: Iterable[str] = ()) -> list[Facts]:
    """Counts of feedback by kind per person and period: ``feedback.praise``,
    ``feedback.concern``, ``feedback.coaching`` — zero counts included for everyone who had
    feedback in any of the periods, and for `people`."""
    notes = list(feedback)
    chosen = sorted(set(periods))
    everyone = sorted({f.person for f in notes if any(f.date in p for p in chosen)}
                      | set(people))
    out = []
    for person in everyone:
        for p in chosen:
            mine = sorted(f.id for f in notes if f.person == person and f.date in p)
            counts = [Fact(f"feedback.{k.value}",
                           Decimal(sum(1 for f in notes if f.person == person and f.date in p
                                       and f.kind is k)),
                           f"feedback in {p}: {', '.join(mine) or 'none'}")
                      for k in FeedbackKind]
            out.append(Facts(person, p, counts))
    return out


# -- recommendations ---------------------------------------------------------------------


@attrs.frozen
class RuleInput:
    """A fact a rule read: its name, the period and the value."""

    fact: str
    period: Period
    value: object


@attrs.frozen
class Recommendation:
    """An action for a person, the rule that fired, and the facts it fired on."""

    person: str
    period: Period
    rule: str
    action: Action
    inputs: tuple[RuleInput, ...]
    explanation: str


@attrs.frozen
class Conflict:
    """Two recommendations for one person that the rule set says contradict each other."""

    person: str
    period: Period
    rules: tuple[str, str]
    actions: tuple[Action, Action]
    explanation: str


@attrs.frozen
class Recommendations:
    """Everything a rule set recommends for a period, and the conflicts among it."""

    rule_set: str
    period: Period
    actions: tuple[Recommendation, ...]
    conflicts: tuple[Conflict, ...]

    @property
    def awards(self) -> tuple[Recommendation, ...]:
        """The recognition among the actions."""
        return tuple(a for a in self.actions if a.action.kind is ActionKind.RECOGNITION)

    def for_person(self, person: str) -> tuple[Recommendation, ...]:
        """The actions for one person, in the rule set's order."""
        return tuple(a for a in self.actions if a.person == person)


def fields_read(condition: Condition | None) -> list[str]:
    """The fact names a condition reads, in the order written, each once."""
    if condition is None:
        return []
    if isinstance(condition, cond.AllOf | cond.AnyOf):
        found = [f for c in condition.conditions for f in fields_read(c)]
    elif isinstance(condition, cond.Not):
        found = fields_read(condition.condition)
    else:
        found = [condition.field]
    return list(dict.fromkeys(found))


def _shown(value: object) -> str:
    return str(value) if not isinstance(value, str) else repr(value)


def describe_condition(condition: Condition) -> str:
    """A condition as a reader would say it.

    >>> describe_condition(cond.AllOf([cond.Compare("win rate", "<", Decimal("0.2")),
    ...                                cond.Not(cond.Eq("rating", "below"))]))
    "win rate < 0.2 and not (rating = 'below')"
    """
    if isinstance(condition, cond.AllOf | cond.AnyOf):
        word = " and " if isinstance(condition, cond.AllOf) else " or "
        inner = [describe_condition(c) for c in condition.conditions]
        return word.join(f"({t})" if isinstance(c, cond.AllOf | cond.AnyOf) else t
                         for c, t in zip(condition.conditions, inner, strict=True))
    if isinstance(condition, cond.Not):
        return f"not ({describe_condition(condition.condition)})"
    if isinstance(condition, cond.Eq | cond.Ne):
        op = "=" if isinstance(condition, cond.Eq) else "≠"
        return f"{condition.field} {op} {_shown(condition.value)}"
    if isinstance(condition, cond.In | cond.NotIn):
        word = "in" if isinstance(condition, cond.In) else "not in"
        return f"{condition.field} {word} ({', '.join(_shown(v) for v in condition.values)})"
    if isinstance(condition, cond.Compare):
        return f"{condition.field} {condition.op.value} {_shown(condition.value)}"
    if isinstance(condition, cond.Between):
        low = "" if condition.start is None else f"{_shown(condition.start)} ≤ "
        high = "" if condition.end is None else f" ≤ {_shown(condition.end)}"
        return f"{low}{condition.field}{high}"
    return f"{condition.field} is set"


def recommend(rule_set: RuleSet, facts: Iterable[Facts], period: Period) -> Recommendations:
    """Apply every rule to every person with facts for `period`.

    Facts for one person and period may come in several pieces (a report's, a review's,
    feedback counts); they are joined, and a name given twice is a `DataError`. A rule over
    N periods needs facts for each of the N periods ending with `period`; a person without
    them does not qualify. A condition reading a fact a person lacks follows its `missing`
    policy (an error naming the person, period and fact, unless it says otherwise). The
    result does not depend on the order of `facts`.

    >>> from salesperf._periods import CalendarYear
    >>> q1, q2 = CalendarYear().parse("2026-Q1"), CalendarYear().parse("2026-Q2")
    >>> rules = RuleSet("coach", [Rule("slump", Action(ActionKind.COACHING, "pipeline"),
    ...                                cond.Compare("revenue.growth", "<", Decimal("-0.2")))])
    >>> found = recommend(rules, [Facts("ben", q1, {"revenue": 100}),
    ...                           Facts("ben", q2, {"revenue": 75})], q2)
    >>> print(found.actions[0].explanation)
    slump: revenue.growth < -0.2 (revenue.growth in 2026-Q2 = -0.25) → coaching 'pipeline' for ben
    """
    known = _with_changes(_merge(facts))
    people = sorted({person for person, p in known if p == period})
    actions: list[Recommendation] = []
    for rule in rule_set.rules:
        match = compile_condition(rule.when, f"rules[{rule.id!r}].when")
        window = last_periods(period, rule.periods)
        names = fields_read(rule.when)
        qualified: list[tuple[str, list[RuleInput]]] = []
        for person in people:
            rows = [known.get((person, p)) for p in window]
            if any(r is None for r in rows):
                continue
            present = [r for r in rows if r is not None]
            if all(match(r) for r in present):
                qualified.append((person, [RuleInput(n, r.period, r.get(n)) for r in present
                                           for n in names]))
        head = f"{rule.id}: "
        if rule.when is not None:
            head += describe_condition(rule.when)
        elif rule.top is None:
            head += "no condition"
        if rule.periods > 1:
            head += f" in each of the last {rule.periods} periods"
        if rule.top is None or rule.by is None:
            for person, inputs in qualified:
                text = f"{head} ({_list(inputs)})" if inputs else head
                actions.append(_made(rule, person, period, inputs, text))
            continue
        by = rule.by
        values: dict[str, Decimal] = {}
        for person, _ in qualified:
            value = known[(person, period)].get(by)
            if not isinstance(value, Decimal):
                raise DataError(f"{person} {period}", by, f"rule {rule.id!r} ranks by {by!r}, "
                                f"which must be a number, got {value!r}")
            values[person] = value
        ranking = {r.id: r for r in rank(values, descending=not rule.lowest_first)}
        order = "lowest" if rule.lowest_first else "highest"
        for person, inputs in qualified:
            place = ranking[person]
            if place.rank > rule.top:
                continue
            text = (f"{head}{'; ' if head != f'{rule.id}: ' else ''}top {rule.top} by {by} "
                    f"({order} first): {place.rank} of {len(values)} with {values[person]}")
            if rule.when is not None:
                text += f" ({_list(inputs)})"
            actions.append(_made(rule, person, period,
                                 [*inputs, RuleInput(by, period, values[person])], text))
    position = {r.id: i for i, r in enumerate(rule_set.rules)}
    actions.sort(key=lambda a: (a.person, position[a.rule]))
    return Recommendations(rule_set.id, period, tuple(actions),
                           tuple(_conflicts(rule_set, actions)))


def _made(rule: Rule, person: str, period: Period, inputs: list[RuleInput],
          text: str) -> Recommendation:
    return Recommendation(person, period, rule.id, rule.action, tuple(inputs),
                          f"{text} → {rule.action} for {person}")


def _list(inputs: list[RuleInput]) -> str:
    return ", ".join(f"{i.fact} in {i.period} = {_shown(i.value)}" for i in inputs)


def _conflicts(rule_set: RuleSet, actions: list[Recommendation]) -> list[Conflict]:
    """Each declared pair among one person's actions (`actions` are sorted by person, so a
    large team costs the sum, not the square, of its people's actions)."""
    out = []
    for _, group in itertools.groupby(actions, key=lambda a: a.person):
        mine = list(group)
        for a, b in itertools.product(mine, mine):
            for x, y in rule_set.conflicts:
                if a.action.kind is x and b.action.kind is y:
                    out.append(Conflict(
                        a.person, a.period, (a.rule, b.rule), (a.action, b.action),
                        f"{a.person}: rule {a.rule} recommends {a.action} and rule {b.rule} "
                        f"recommends {b.action}, which this rule set says conflict"))
    return out
