"""People documents: rule sets, review templates, scorecards and improvement plans, as JSON,
and what every people document shares — how it is read, written and described.

They are read by the same loader as plans (`salesperf._documents.Loader`): every problem is
collected with its path and raised once, unknown keys get suggestions, numbers stay exact
and sizes are bounded. Goals name their period by its label (``"2026-Q1"``) in the
document's calendar — a scorecard's or improvement plan's own, or a performance request's
(`performance`). Each document has a JSON Schema, shipped in ``salesperf/schemas/``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from salesperf._documents import (
    LIMITS,
    Limits,
    Loader,
    kind_of,
    loads_json,
    schema_for,
    wrong_kind,
)
from salesperf._documents.json_text import write_json
from salesperf._documents.unstructure import unstructure
from salesperf._errors import DefinitionError, Problem, join_path
from salesperf._goals import Goal, MissingData, OwnerKind, Scorecard
from salesperf._metrics import Metric
from salesperf._people.improvement import ImprovementPlan, Milestone, PlanStatus, StatusChange
from salesperf._people.reviews import ReviewTemplate
from salesperf._people.rules import RuleSet
from salesperf._periods import Calendar, CalendarYear, Period
from salesperf._scoring import Curve, Direction

__all__ = [
    "GoalEntry",
    "PlanEntry",
    "ScorecardEntry",
    "build_plan",
    "build_scorecard",
    "checked",
    "document_schema",
    "dump_document",
    "dump_improvement_plan",
    "dump_review_template",
    "dump_rule_set",
    "dump_scorecard",
    "dumps_rule_set",
    "improvement_plan_schema",
    "load_document",
    "load_improvement_plan",
    "load_review_template",
    "load_rule_set",
    "load_scorecard",
    "loads_rule_set",
    "read_period",
    "review_template_schema",
    "rule_set_schema",
    "scorecard_schema",
]

RULES_FORMAT = "salesperf.rules"
REVIEW_FORMAT = "salesperf.review-template"
SCORECARD_FORMAT = "salesperf.scorecard"
PLAN_FORMAT = "salesperf.improvement-plan"

T = TypeVar("T")


def load_document(cls: type[T], fmt: str, data: object, limits: Limits,
                  handled: tuple[str, ...] = ()) -> T:
    """Structure a document of `cls` in format `fmt` (version 1), or raise every problem with
    its path; `handled` names keys the caller reads itself."""
    if not isinstance(data, Mapping):
        raise DefinitionError([Problem("", f"a {fmt} document is an object, got "
                                       f"{kind_of(data)}")])
    other = wrong_kind(data, fmt)
    if other is not None:
        raise DefinitionError([other])
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


def dump_document(value: object, cls: type, fmt: str) -> dict[str, Any]:
    """`value`, of `cls`, as a plain document of format `fmt`: what `load_document` reads."""
    body = unstructure(value, cls)
    assert isinstance(body, dict)
    return {"format": fmt, "format_version": 1, **body}


def document_schema(cls: type, title: str, name: str, fmt: str) -> dict[str, Any]:
    """The JSON Schema of documents of `cls` in format `fmt`, with `$id` ``…/<name>.json``."""
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
    return load_document(RuleSet, RULES_FORMAT, data, limits)


def loads_rule_set(text: str | bytes, *, limits: Limits = LIMITS) -> RuleSet:
    """A `RuleSet` from JSON text; numbers are read as Decimal, never through float."""
    return load_rule_set(loads_json(text, limits), limits=limits)


def dump_rule_set(rule_set: RuleSet) -> dict[str, Any]:
    """The rule set as a plain document; `load_rule_set` reads it back to an equal one."""
    return dump_document(rule_set, RuleSet, RULES_FORMAT)


def dumps_rule_set(rule_set: RuleSet, *, indent: int | None = 2) -> str:
    """The rule set as JSON text, numbers written exactly."""
    return write_json(dump_rule_set(rule_set), indent)


def rule_set_schema() -> dict[str, Any]:
    """The JSON Schema of rule set documents."""
    return document_schema(RuleSet, "salesperf rule set document", "rules-v1", RULES_FORMAT)


def load_review_template(data: Mapping[str, Any], *, limits: Limits = LIMITS
                         ) -> ReviewTemplate:
    """A `ReviewTemplate` from a plain mapping, every problem reported with its path."""
    return load_document(ReviewTemplate, REVIEW_FORMAT, data, limits)


def dump_review_template(template: ReviewTemplate) -> dict[str, Any]:
    """The template as a plain document; `load_review_template` reads it back."""
    return dump_document(template, ReviewTemplate, REVIEW_FORMAT)


def review_template_schema() -> dict[str, Any]:
    """The JSON Schema of review template documents."""
    return document_schema(ReviewTemplate, "salesperf review template document",
                           "review-template-v1", REVIEW_FORMAT)


# -- goals, scorecards and improvement plans ---------------------------------------------


@attrs.frozen
class GoalEntry:
    """A goal in a document: as `Goal`, its period a label in the document's calendar."""

    id: str
    metric: Metric
    target: Decimal
    period: str
    owner: str
    owner_kind: OwnerKind = OwnerKind.PAYEE
    direction: Direction = Direction.HIGHER_IS_BETTER
    weight: Decimal = Decimal(1)
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
class ScorecardDocument(ScorecardEntry):
    """A scorecard on its own: its goals name their period by label in `calendar`."""

    calendar: Calendar = attrs.field(factory=CalendarYear)


@attrs.frozen
class PlanDocument(PlanEntry):
    """An improvement plan on its own: its goals name their period by label in `calendar`."""

    calendar: Calendar = attrs.field(factory=CalendarYear)


def read_period(calendar: Calendar, label: str, path: str, problems: list[Problem]
                ) -> Period | None:
    """The period `label` names in `calendar`, or None after adding the problem."""
    try:
        return calendar.parse(label, path=path)
    except DefinitionError as err:
        problems.extend(err.problems)
        return None


def build_goals(entries: Sequence[GoalEntry], calendar: Calendar, path: str,
                problems: list[Problem]) -> list[Goal] | None:
    """The goals of a document, their period labels read in `calendar` (None on a problem)."""
    goals = []
    for j, e in enumerate(entries):
        at = join_path(path, f"goals[{j}].period")
        period = read_period(calendar, e.period, at, problems)
        if period is not None:
            goals.append(Goal(e.id, e.metric, e.target, period, e.owner, e.owner_kind,
                              e.direction, e.weight, e.description))
    return goals if len(goals) == len(entries) else None


def build_scorecard(entry: ScorecardEntry, calendar: Calendar, path: str,
                    problems: list[Problem]) -> Scorecard | None:
    """The `Scorecard` of a document's entry at `path`, or None after adding its problems."""
    goals = build_goals(entry.goals, calendar, path, problems)
    if goals is None:
        return None
    try:
        return Scorecard(entry.id, goals, entry.missing, entry.curve)
    except DefinitionError as err:
        # A scorecard names its problems after itself, `scorecard['id'].goals[1].weight`.
        own = f"scorecard[{entry.id!r}]"
        problems.extend(Problem(join_path(path, p.path.removeprefix(own).lstrip(".")),
                                p.message) for p in err.problems)
        return None


def build_plan(entry: PlanEntry, calendar: Calendar, path: str, problems: list[Problem]
               ) -> ImprovementPlan | None:
    """The `ImprovementPlan` of a document's entry at `path`, or None after adding its
    problems."""
    goals = build_goals(entry.goals, calendar, path, problems)
    if goals is None:
        return None
    try:
        return ImprovementPlan(entry.id, entry.person, entry.owner, goals, entry.milestones,
                               entry.due, entry.status, entry.history, entry.description)
    except DefinitionError as err:
        problems.extend(Problem(join_path(path, p.path), p.message) for p in err.problems)
        return None


def checked(value: T | None, problems: list[Problem]) -> T:
    """`value`, once the document is known to have no problem; else raise them all."""
    if problems or value is None:
        raise DefinitionError(problems)
    return value


def goal_entries(goals: Sequence[Goal]) -> tuple[Calendar, tuple[GoalEntry, ...]]:
    """The goals as document entries and the one calendar their period labels are read in.

    Raises `DefinitionError` for a goal whose period is not a label of that calendar (a
    period without a calendar, or goals in two calendars): its document would not load back.
    """
    calendar = next((g.period.calendar for g in goals if g.period.calendar is not None),
                    CalendarYear())
    problems = [Problem(f"goals[{i}].period", f"{g.period} is not a period of the calendar "
                        f"of the other goals, {calendar!r}: a document names every period by "
                        "its label in one calendar")
                for i, g in enumerate(goals) if g.period.calendar != calendar]
    if problems:
        raise DefinitionError(problems)
    return calendar, tuple(
        GoalEntry(g.id, g.metric, g.target, str(g.period), g.owner, g.owner_kind, g.direction,
                  g.weight, g.description) for g in goals)


def load_scorecard(data: Mapping[str, Any], *, limits: Limits = LIMITS) -> Scorecard:
    """A `Scorecard` from a plain mapping; goals name their period by label in the document's
    `calendar` (default: the calendar year). Every problem is collected and raised once.

    >>> card = load_scorecard({"id": "ana-q1", "goals": [
    ...     {"id": "revenue", "metric": {"kind": "measure", "name": "revenue",
    ...                                  "field": "amount"},
    ...      "target": "100000", "period": "2026-Q1", "owner": "ana", "weight": "0.6"},
    ...     {"id": "calls", "metric": {"kind": "measure", "name": "calls",
    ...                                "aggregation": "count"},
    ...      "target": "300", "period": "2026-Q1", "owner": "ana", "weight": "0.3"}]})
    Traceback (most recent call last):
    ...
    salesperf._errors.DefinitionError: goals: weights must total 1 (100 %), got 0.9
    """
    doc = load_document(ScorecardDocument, SCORECARD_FORMAT, data, limits)
    problems: list[Problem] = []
    return checked(build_scorecard(doc, doc.calendar, "", problems), problems)


def dump_scorecard(scorecard: Scorecard) -> dict[str, Any]:
    """The scorecard as a plain document; `load_scorecard` reads it back to an equal one."""
    calendar, goals = goal_entries(scorecard.goals)
    doc = ScorecardDocument(scorecard.id, goals, scorecard.missing, scorecard.curve, calendar)
    return dump_document(doc, ScorecardDocument, SCORECARD_FORMAT)


def scorecard_schema() -> dict[str, Any]:
    """The JSON Schema of scorecard documents."""
    return document_schema(ScorecardDocument, "salesperf scorecard document", "scorecard-v1",
                           SCORECARD_FORMAT)


def load_improvement_plan(data: Mapping[str, Any], *, limits: Limits = LIMITS
                          ) -> ImprovementPlan:
    """An `ImprovementPlan` from a plain mapping; goals name their period by label in the
    document's `calendar` (default: the calendar year). Every problem is collected and
    raised once, with its path."""
    doc = load_document(PlanDocument, PLAN_FORMAT, data, limits)
    problems: list[Problem] = []
    return checked(build_plan(doc, doc.calendar, "", problems), problems)


def dump_improvement_plan(plan: ImprovementPlan) -> dict[str, Any]:
    """The plan as a plain document; `load_improvement_plan` reads it back to an equal one."""
    calendar, goals = goal_entries(plan.goals)
    doc = PlanDocument(plan.id, plan.person, plan.owner, goals, plan.milestones, plan.due,
                       plan.status, plan.history, plan.description, calendar)
    return dump_document(doc, PlanDocument, PLAN_FORMAT)


def improvement_plan_schema() -> dict[str, Any]:
    """The JSON Schema of improvement plan documents."""
    return document_schema(PlanDocument, "salesperf improvement plan document",
                           "improvement-plan-v1", PLAN_FORMAT)
