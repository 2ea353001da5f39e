"""The performance request and response: one JSON document in, one out, like the commission
request (`salesperf._requests`), for a whole review cycle.

A request carries records, scorecards (goals name their period by label in the request's
calendar), a review template and assessments, calibration targets, feedback, improvement
plans, facts from the host and a rule set; the response carries the period's scorecard
results, reviews, calibration, feedback checks, plan assessments and recommendations, as
plain data. Both have JSON Schemas, shipped in ``salesperf/schemas/``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from salesperf._documents import LIMITS, Limits, kind_of
from salesperf._errors import DataError, Problem, join_path
from salesperf._goals import Scorecard, ScorecardResult, evaluate_performance
from salesperf._people.calibration import BandTarget, Calibration, calibrate
from salesperf._people.documents import (
    PlanEntry,
    ScorecardEntry,
    build_plan,
    build_scorecard,
    checked,
    document_schema,
    load_document,
    read_period,
)
from salesperf._people.feedback import Feedback, check_feedback
from salesperf._people.improvement import ImprovementPlan, PlanAssessment, assess_plan
from salesperf._people.reviews import Assessment, ReviewResult, ReviewTemplate, review
from salesperf._people.rules import (
    Conflict,
    Fact,
    Facts,
    Recommendation,
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
from salesperf._scoring import RatingScale

__all__ = [
    "LoadedRequest",
    "PerformanceRequest",
    "PerformanceResponse",
    "evaluate_performance_request",
    "load_performance_request",
    "performance_request_schema",
    "performance_response_schema",
]

REQUEST_FORMAT = "salesperf.performance-request"
RESPONSE_FORMAT = "salesperf.performance-response"


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
    request = load_document(PerformanceRequest, REQUEST_FORMAT, data, limits, handled=("records",))
    problems: list[Problem] = []
    cal = request.calendar
    period = read_period(cal, request.period, "period", problems)
    cards = [build_scorecard(entry, cal, f"scorecards[{i}]", problems)
             for i, entry in enumerate(request.scorecards)]
    plans = [build_plan(entry, cal, f"improvement_plans[{i}]", problems)
             for i, entry in enumerate(request.improvement_plans)]
    facts = []
    for i, f in enumerate(request.facts):
        at = read_period(cal, f.period, f"facts[{i}].period", problems)
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
                problems.append(Problem(join_path(f"records[{i}]", err.field or ""),
                                        err.message))
    period = checked(period, problems)
    as_of = request.as_of or period.last_day
    return LoadedRequest(request, period, as_of, tuple(c for c in cards if c is not None),
                         tuple(p for p in plans if p is not None), tuple(facts)), records


def performance_request_schema() -> dict[str, Any]:
    """The JSON Schema of performance request documents."""
    schema = document_schema(PerformanceRequest, "salesperf performance request",
                             "performance-request-v1", REQUEST_FORMAT)
    schema["$defs"]["PerformanceRequest"]["properties"]["records"] = {
        "type": "array", "items": {"type": "object", "required": ["id", "date"]}}
    return schema


@attrs.frozen
class PerformanceResponse:
    """What a performance request answers for its period, as of a date.

    `evaluate_performance_request` writes it as plain data, leaving out `recommendations`
    and `conflicts` when the request has no rule set; `performance_response_schema`
    describes that document.
    """

    period: Period
    as_of: dt.date
    scorecards: Sequence[ScorecardResult]
    reviews: Sequence[ReviewResult]
    calibration: Calibration | None
    feedback_findings: Sequence[str]
    improvement_plans: Sequence[PlanAssessment]
    recommendations: Sequence[Recommendation] = ()
    conflicts: Sequence[Conflict] = ()


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
    response = PerformanceResponse(
        period, loaded.as_of, tuple(c for c in report.scorecards if c.period == period),
        tuple(reviews), calibration, tuple(str(f) for f in findings),
        tuple(assess_plan(p, data, loaded.as_of) for p in loaded.plans))
    if request.rules is not None:
        periods = sorted({p for _, p in cards} | {period})
        facts = [*facts_from_report(report), *facts_from_reviews(reviews),
                 *facts_from_feedback(request.feedback, periods,
                                      people=sorted({o for o, _ in cards})),
                 *loaded.facts]
        found = recommend(request.rules, facts, period)
        response = attrs.evolve(response, recommendations=found.actions,
                                conflicts=found.conflicts)
    body: dict[str, Any] = to_plain(response)
    if request.rules is None:
        del body["recommendations"], body["conflicts"]
    return {"format": RESPONSE_FORMAT, "format_version": 1, **body}


def performance_response_schema() -> dict[str, Any]:
    """The JSON Schema of performance response documents."""
    schema = document_schema(PerformanceResponse, "salesperf performance response",
                             "performance-response-v1", RESPONSE_FORMAT)
    defs = schema["$defs"]
    # Results carry periods by label (`to_plain`), and are as long as the data: the limits
    # that bound a request's cost do not bound its answer.
    defs["Period"] = {"type": "string", "description": "a period's label, such as '2026-Q2'"}
    _unbounded(defs)
    schema["$defs"] = {k: v for k, v in defs.items() if k in _referenced(schema)}
    return schema


def _unbounded(node: object) -> None:
    """Drop the limits on lengths (but not the length of a fixed pair) throughout a schema."""
    if isinstance(node, dict):
        if "prefixItems" not in node:
            node.pop("maxItems", None)
        node.pop("maxLength", None)
        for value in node.values():
            _unbounded(value)
    elif isinstance(node, list):
        for value in node:
            _unbounded(value)


def _referenced(schema: dict[str, Any]) -> set[str]:
    """The names of the definitions a schema's root reaches, directly or through others."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref.removeprefix("#/$defs/")
                if name not in found:
                    found.add(name)
                    walk(schema["$defs"][name])
            for key, value in node.items():
                if key != "$defs":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found
