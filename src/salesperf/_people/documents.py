"""People documents: rule sets, review templates and the performance request, as JSON.

They are read by the same loader as plans (`salesperf._documents.Loader`): every problem is
collected with its path and raised once, unknown keys get suggestions, numbers stay exact
and sizes are bounded. In a performance request, goals name their period by its label
(``"2026-Q1"``) in the request's calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from salesperf._documents import LIMITS, Limits, Loader, kind_of, loads_json, schema_for
from salesperf._documents.json_text import write_json
from salesperf._documents.unstructure import unstructure
from salesperf._errors import DataError, DefinitionError, Problem
from salesperf._goals import (
    Goal,
    MissingData,
    OwnerKind,
    Scorecard,
    ScorecardResult,
    evaluate_performance,
)
from salesperf._metrics import Metric
from salesperf._money import to_decimal
from salesperf._people.calibration import BandTarget, calibrate
from salesperf._people.feedback import Feedback, check_feedback
from salesperf._people.improvement import (
    ImprovementPlan,
    Milestone,
    PlanStatus,
    StatusChange,
    assess_plan,
)
from salesperf._people.reviews import Assessment, ReviewResult, ReviewTemplate, review
from salesperf._people.rules import (
    Fact,
    Facts,
    RuleSet,
    facts_from_feedback,
    facts_from_report,
    facts_from_reviews,
    recommend,
)
from salesperf._people.trends import trend
from salesperf._periods import Calendar, CalendarYear, Period
from salesperf._plain import to_plain
from salesperf._records import Record
from salesperf._scoring import Curve, Direction, RatingScale

__all__ = [
    "PerformanceRequest",
    "dump_review_template",
    "dump_rule_set",
    "dumps_rule_set",
    "evaluate_performance_request",
    "load_performance_request",
    "load_review_template",
    "load_rule_set",
    "loads_rule_set",
    "performance_request_schema",
    "review_template_schema",
    "rule_set_schema",
]

RULES_FORMAT = "salesperf.rules"
REVIEW_FORMAT = "salesperf.review-template"
REQUEST_FORMAT = "salesperf.performance-request"
RESPONSE_FORMAT = "salesperf.performance-response"

T = TypeVar("T")


def _load(cls: type[T], fmt: str, data: object, limits: Limits,
          handled: tuple[str, ...] = ()) -> T:
    """Structure a document of `cls`, or raise every problem with its path."""
    if not isinstance(data, Mapping):
        raise DefinitionError([Problem("", f"a {fmt} document is an object, got "
                                       f"{kind_of(data)}")])
    doc = dict(data)
    loader = Loader(limits)
    given = doc.pop("format", fmt)
    version = doc.pop("format_version", 1)
    if given != fmt:
        loader.fail("format", f"expected {fmt!r}, got {given!r}")
    if isinstance(version, bool) or version != 1:
        loader.fail("format_version", f"this salesperf reads version 1, got {version!r}")
    built = loader.instance(cls, doc, "", 0, handled=handled)
    if loader.problems:
        raise DefinitionError(loader.problems)
    assert isinstance(built, cls)
    return built


def _dump(value: object, cls: type, fmt: str) -> dict[str, Any]:
    body = unstructure(value, cls)
    assert isinstance(body, dict)
    return {"format": fmt, "format_version": 1, **body}


def _schema(cls: type, title: str, name: str, fmt: str) -> dict[str, Any]:
    schema = schema_for(cls, title, name)
    props = schema["$defs"][cls.__name__]["properties"]
    schema["$defs"][cls.__name__]["properties"] = {
        "format": {"const": fmt}, "format_version": {"const": 1}, **props}
    return schema


def load_rule_set(data: Mapping[str, Any], *, limits: Limits = LIMITS) -> RuleSet:
    """A `RuleSet` from a plain mapping; every problem is collected and raised once.

    >>> load_rule_set({"id": "r", "rules": [
    ...     {"id": "low-win-rate", "action": {"kind": "trainig", "topic": "qualification"},
    ...      "when": {"field": "win rate", "lt": 0.2}},
    ...     {"id": "streak", "action": {"kind": "recognition"}, "periods": 0,
    ...      "when": {"field": "score", "ge": 1}}]})
    Traceback (most recent call last):
    ...
    salesperf._errors.DefinitionError: 3 problems:
      rules[0].action.kind: expected one of 'training', 'coaching', 'recognition', \
'promotion_review', 'improvement_plan', got 'trainig' — did you mean 'training'?
      rules[0].when.lt: must not be a float, got 0.2; ...
      rules[1].periods: must be a whole number of at least 1, got 0
    """
    return _load(RuleSet, RULES_FORMAT, data, limits)


def loads_rule_set(text: str | bytes, *, limits: Limits = LIMITS) -> RuleSet:
    """A `RuleSet` from JSON text; numbers are read as Decimal, never through float."""
    return load_rule_set(loads_json(text, limits), limits=limits)


def dump_rule_set(rule_set: RuleSet) -> dict[str, Any]:
    """The rule set as a plain document; `load_rule_set` reads it back to an equal one."""
    return _dump(rule_set, RuleSet, RULES_FORMAT)


def dumps_rule_set(rule_set: RuleSet, *, indent: int | None = 2) -> str:
    """The rule set as JSON text, numbers written exactly."""
    return write_json(dump_rule_set(rule_set), indent)


def rule_set_schema() -> dict[str, Any]:
    """The JSON Schema of rule set documents."""
    return _schema(RuleSet, "salesperf rule set document", "rules-v1", RULES_FORMAT)


def load_review_template(data: Mapping[str, Any], *, limits: Limits = LIMITS
                         ) -> ReviewTemplate:
    """A `ReviewTemplate` from a plain mapping, every problem reported with its path."""
    return _load(ReviewTemplate, REVIEW_FORMAT, data, limits)


def dump_review_template(template: ReviewTemplate) -> dict[str, Any]:
    """The template as a plain document; `load_review_template` reads it back."""
    return _dump(template, ReviewTemplate, REVIEW_FORMAT)


def review_template_schema() -> dict[str, Any]:
    """The JSON Schema of review template documents."""
    return _schema(ReviewTemplate, "salesperf review template document", "review-template-v1",
                   REVIEW_FORMAT)


# -- the performance request -------------------------------------------------------------


def _decimal(value: object) -> Decimal:
    return to_decimal(value, path="target")


def _weight(value: object) -> Decimal:
    return to_decimal(value, path="weight")


@attrs.frozen
class GoalEntry:
    """A goal in a document: as `Goal`, its period a label in the request's calendar."""

    id: str
    metric: Metric
    target: Decimal = attrs.field(converter=_decimal)
    period: str
    owner: str
    owner_kind: OwnerKind = OwnerKind.PAYEE
    direction: Direction = Direction.HIGHER_IS_BETTER
    weight: Decimal = attrs.field(default=Decimal(1), converter=_weight)
    description: str = ""


@attrs.frozen
class ScorecardEntry:
    """A scorecard in a document."""

    id: str
    goals: tuple[GoalEntry, ...]
    missing: MissingData = MissingData.RENORMALISE
    curve: Curve | None = None


@attrs.frozen
class PlanEntry:
    """An improvement plan in a document."""

    id: str
    person: str
    owner: str
    goals: tuple[GoalEntry, ...]
    milestones: tuple[Milestone, ...] = ()
    due: dt.date | None = None
    status: PlanStatus = PlanStatus.DRAFT
    history: tuple[StatusChange, ...] = ()
    description: str = ""


@attrs.frozen
class FactsEntry:
    """Facts the host supplies for a person's period (from its own systems)."""

    person: str
    period: str
    values: tuple[Fact, ...]


@attrs.frozen
class PerformanceRequest:
    """A performance request as loaded: what `evaluate_performance_request` runs.

    Scorecards may cover earlier periods too (for trends, streaks and growth); reviews,
    calibration, feedback checks, improvement plans and recommendations are for `period`,
    as of `as_of` (default: the period's last day).
    """

    period: str
    calendar: Calendar = attrs.field(factory=CalendarYear)
    as_of: dt.date | None = None
    scorecards: tuple[ScorecardEntry, ...] = ()
    rating_scale: RatingScale | None = None
    review: ReviewTemplate | None = None
    assessments: tuple[Assessment, ...] = ()
    calibration: tuple[BandTarget, ...] = ()
    feedback: tuple[Feedback, ...] = ()
    feedback_within_days: int = 30
    improvement_plans: tuple[PlanEntry, ...] = ()
    rules: RuleSet | None = None
    facts: tuple[FactsEntry, ...] = ()


def _period(calendar: Calendar, label: str, path: str, problems: list[Problem]
            ) -> Period | None:
    try:
        return calendar.parse(label, path=path)
    except DefinitionError as err:
        problems.extend(err.problems)
        return None


def _goal(entry: GoalEntry, calendar: Calendar, path: str, problems: list[Problem]
          ) -> Goal | None:
    period = _period(calendar, entry.period, f"{path}.period", problems)
    if period is None:
        return None
    return Goal(entry.id, entry.metric, entry.target, period, entry.owner, entry.owner_kind,
                entry.direction, entry.weight, entry.description)


@attrs.frozen
class LoadedRequest:
    """A performance request with its labels turned into periods and its parts built."""

    request: PerformanceRequest
    period: Period
    as_of: dt.date
    scorecards: tuple[Scorecard, ...]
    plans: tuple[ImprovementPlan, ...]
    facts: tuple[Facts, ...]


def load_performance_request(data: Mapping[str, Any], *, limits: Limits = LIMITS
                             ) -> tuple[LoadedRequest, list[Record]]:
    """Check a performance request document — every problem at once — and return it, built,
    with its records."""
    raw_records = data.get("records", []) if isinstance(data, Mapping) else []
    request = _load(PerformanceRequest, REQUEST_FORMAT, data, limits, handled=("records",))
    problems: list[Problem] = []
    cal = request.calendar
    period = _period(cal, request.period, "period", problems)
    cards = []
    for i, entry in enumerate(request.scorecards):
        goals = [_goal(g, cal, f"scorecards[{i}].goals[{j}]", problems)
                 for j, g in enumerate(entry.goals)]
        if all(g is not None for g in goals):
            try:
                cards.append(Scorecard(entry.id, [g for g in goals if g is not None],
                                       entry.missing, entry.curve))
            except DefinitionError as err:
                problems.extend(Problem(f"scorecards[{i}]", p.message) for p in err.problems)
    plans = []
    for i, plan in enumerate(request.improvement_plans):
        goals = [_goal(g, cal, f"improvement_plans[{i}].goals[{j}]", problems)
                 for j, g in enumerate(plan.goals)]
        if all(g is not None for g in goals):
            try:
                plans.append(ImprovementPlan(plan.id, plan.person, plan.owner,
                                             [g for g in goals if g is not None],
                                             plan.milestones, plan.due, plan.status,
                                             plan.history, plan.description))
            except DefinitionError as err:
                problems.extend(Problem(f"improvement_plans[{i}].{p.path}", p.message)
                                for p in err.problems)
    facts = []
    for i, f in enumerate(request.facts):
        at = _period(cal, f.period, f"facts[{i}].period", problems)
        if at is not None:
            facts.append(Facts(f.person, at, f.values))
    records: list[Record] = []
    if not isinstance(raw_records, list):
        problems.append(Problem("records", f"expected a list of records, got "
                                f"{kind_of(raw_records)}"))
    else:
        for i, item in enumerate(raw_records):
            try:
                records.append(Record.from_mapping(item))
            except DataError as err:
                problems.append(Problem(f"records[{i}]" + (f".{err.field}" if err.field
                                                             else ""), err.message))
    if problems or period is None:
        raise DefinitionError(problems)
    as_of = request.as_of or period.last_day
    return LoadedRequest(request, period, as_of, tuple(cards), tuple(plans),
                         tuple(facts)), records


def performance_request_schema() -> dict[str, Any]:
    """The JSON Schema of performance request documents."""
    schema = _schema(PerformanceRequest, "salesperf performance request", "performance-v1",
                     REQUEST_FORMAT)
    schema["$defs"]["PerformanceRequest"]["properties"]["records"] = {
        "type": "array", "items": {"type": "object", "required": ["id", "date"]}}
    return schema


def evaluate_performance_request(loaded: LoadedRequest, records: Iterable[Record]
                                 ) -> dict[str, Any]:
    """Run a loaded request: the response document (plain, JSON-safe data).

    Scorecards are evaluated for every period they cover; reviews (for everyone with a
    scorecard or an assessment in the period), calibration, feedback checks (attainment as
    each person's scorecard score over the period and the one before), improvement plans as
    of `as_of`, and the recommendations of the rule set over every fact.
    """
    request, period = loaded.request, loaded.period
    data = list(records)
    report = evaluate_performance(data, scorecards=loaded.scorecards,
                                  rating_scale=request.rating_scale)
    cards: dict[tuple[str, Period], ScorecardResult] = {
        (c.owner, c.period): c for c in report.scorecards}
    reviews: list[ReviewResult] = []
    if request.review is not None:
        people = sorted({o for o, p in cards if p == period}
                        | {a.person for a in request.assessments})
        reviews = [review(request.review, person, period, scorecard=cards.get((person, period)),
                          assessments=request.assessments) for person in people]
    calibration = None
    scale = request.review.scale.ratings if request.review is not None else None
    if request.calibration and scale is not None:
        calibration = calibrate(reviews, scale, request.calibration)
    previous = period.previous()
    trends = [trend(owner, "score", {previous: cards[(owner, previous)].score,
                                     period: card.score})
              for (owner, p), card in sorted(cards.items()) if p == period
              and (owner, previous) in cards]
    findings = check_feedback(request.feedback, as_of=loaded.as_of, attainment=trends,
                              within_days=request.feedback_within_days)
    plans = [assess_plan(p, data, loaded.as_of) for p in loaded.plans]
    body: dict[str, Any] = {
        "format": RESPONSE_FORMAT, "format_version": 1, "period": str(period),
        "as_of": loaded.as_of.isoformat(),
        "scorecards": to_plain([c for c in report.scorecards if c.period == period]),
        "reviews": to_plain(reviews),
        "calibration": to_plain(calibration),
        "feedback_findings": [str(f) for f in findings],
        "improvement_plans": to_plain(plans),
    }
    if request.rules is not None:
        periods = sorted({p for _, p in cards} | {period})
        facts = [*facts_from_report(report), *facts_from_reviews(reviews),
                 *facts_from_feedback(request.feedback, periods,
                                      people=sorted({o for o, _ in cards})),
                 *loaded.facts]
        found = recommend(request.rules, facts, period)
        body["recommendations"] = to_plain(found.actions)
        body["conflicts"] = to_plain(found.conflicts)
    return body
