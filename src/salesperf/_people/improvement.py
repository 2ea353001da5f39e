"""Improvement plans: goals with milestones for a person who falls short, a status that moves
only through allowed transitions, and progress checked against the metrics on any date.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from salesperf._errors import DefinitionError, Problem
from salesperf._goals import Goal, evaluate_goal
from salesperf._metrics import evaluate_metric
from salesperf._money import to_decimal
from salesperf._people.trends import nothing_supplied
from salesperf._periods import Period
from salesperf._records import Record, as_records
from salesperf._scoring import Direction, attainment

__all__ = [
    "GoalProgress",
    "ImprovementPlan",
    "Milestone",
    "MilestoneProgress",
    "PlanAssessment",
    "PlanStatus",
    "Progress",
    "StatusChange",
    "TRANSITIONS",
    "assess_plan",
]


class PlanStatus(enum.Enum):
    """Where an improvement plan stands; it moves only along `TRANSITIONS`."""

    DRAFT = "draft"
    ACTIVE = "active"
    EXTENDED = "extended"
    MET = "met"
    NOT_MET = "not_met"
    CANCELLED = "cancelled"


_FINAL = (PlanStatus.MET, PlanStatus.NOT_MET, PlanStatus.CANCELLED)

#: The moves a plan's status may make; met, not met and cancelled are final.
TRANSITIONS: Mapping[PlanStatus, frozenset[PlanStatus]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.ACTIVE, PlanStatus.CANCELLED}),
    PlanStatus.ACTIVE: frozenset({PlanStatus.EXTENDED, *_FINAL}),
    PlanStatus.EXTENDED: frozenset({PlanStatus.EXTENDED, *_FINAL}),
    PlanStatus.MET: frozenset(),
    PlanStatus.NOT_MET: frozenset(),
    PlanStatus.CANCELLED: frozenset(),
}


def _decimal(value: object) -> Decimal:
    return to_decimal(value, path="target")


@attrs.frozen
class Milestone:
    """An interim target: by `due`, the goal's metric from the goal's period start reaches
    `target` (for a lower-is-better goal: stays at or under it)."""

    id: str
    goal: str
    target: Decimal = attrs.field(converter=_decimal)
    due: dt.date
    description: str = ""


@attrs.frozen
class StatusChange:
    """One move of a plan's status: when, by whom, and why."""

    status: PlanStatus
    on: dt.date
    by: str
    note: str = ""


def _goals(values: Iterable[Goal]) -> tuple[Goal, ...]:
    return tuple(values)


def _milestones(values: Iterable[Milestone]) -> tuple[Milestone, ...]:
    return tuple(values)


def _history(values: Iterable[StatusChange]) -> tuple[StatusChange, ...]:
    return tuple(values)


def _names(status: Iterable[PlanStatus]) -> str:
    return ", ".join(sorted(s.value for s in status)) or "none (it is final)"


@attrs.frozen
class ImprovementPlan:
    """Goals and milestones for one person, owned by a manager, due on `due`.

    `due` is when the goals must be met; it defaults to the last day of the latest goal
    period, and an extension moves it. `history` records every status change;
    `transition` is the only way to make one.
    """

    id: str
    person: str
    owner: str
    goals: tuple[Goal, ...] = attrs.field(converter=_goals)
    milestones: tuple[Milestone, ...] = attrs.field(default=(), converter=_milestones)
    due: dt.date | None = None
    status: PlanStatus = PlanStatus.DRAFT
    history: tuple[StatusChange, ...] = attrs.field(default=(), converter=_history)
    description: str = ""

    def __attrs_post_init__(self) -> None:
        problems = self.problems("")
        if problems:
            raise DefinitionError(problems)

    def problems(self, path: str) -> list[Problem]:
        """Every problem of the plan, each with its path under `path`: goals that are not the
        person's or share an id, milestones outside their goal or the plan, a history that
        moves along no allowed transition, a status that is not the history's last."""

        def at(rest: str) -> str:
            return f"{path}.{rest}" if path else rest

        out = []
        if not self.goals:
            out.append(Problem(at("goals"), "needs at least one goal"))
        ids: dict[str, Goal] = {}
        for i, g in enumerate(self.goals):
            if g.owner != self.person:
                out.append(Problem(at(f"goals[{i}].owner"), f"must be the plan's person "
                                   f"{self.person!r}, got {g.owner!r}"))
            if g.id in ids:
                out.append(Problem(at(f"goals[{i}].id"), f"duplicate goal id {g.id!r}"))
            ids[g.id] = g
        for i, m in enumerate(self.milestones):
            goal = ids.get(m.goal)
            if goal is None:
                out.append(Problem(at(f"milestones[{i}].goal"), f"no goal {m.goal!r} in the "
                                   f"plan; it has {', '.join(ids) or 'none'}"))
            elif not goal.period.start <= m.due <= self.deadline:
                out.append(Problem(at(f"milestones[{i}].due"), f"must be from "
                                   f"{goal.period.start} to the plan's due date "
                                   f"{self.deadline}, got {m.due}"))
        statuses = (PlanStatus.DRAFT, *(h.status for h in self.history))
        for i, (a, b) in enumerate(zip(statuses, self.history, strict=False)):
            if b.status not in TRANSITIONS[a]:
                out.append(Problem(at(f"history[{i}].status"), f"cannot move from {a.value} to "
                                   f"{b.status.value}; allowed: {_names(TRANSITIONS[a])}"))
        if self.history and self.history[-1].status is not self.status:
            out.append(Problem(at("status"), f"must be the last status in the history, "
                               f"{self.history[-1].status.value}, got {self.status.value}"))
        elif not self.history and self.status is not PlanStatus.DRAFT:
            out.append(Problem(at("status"), f"a plan without history is a draft, got "
                               f"{self.status.value}"))
        return out

    @property
    def deadline(self) -> dt.date:
        """`due`, or the last day of the latest goal period."""
        if self.due is not None:
            return self.due
        return max((g.period.last_day for g in self.goals), default=dt.date.min)

    def transition(self, to: PlanStatus, on: dt.date, by: str, note: str = "", *,
                   due: dt.date | None = None) -> ImprovementPlan:
        """The plan with its status moved to `to`; a move not in `TRANSITIONS` is refused.

        An extension needs a new `due` date later than the current one.

        >>> from salesperf._metrics import Measure
        >>> from salesperf._periods import CalendarYear
        >>> g = Goal("revenue", Measure("revenue"), 90_000, CalendarYear().parse("2026-Q3"),
        ...          "ben")
        >>> plan = ImprovementPlan("pip-1", "ben", "mia", [g])
        >>> plan = plan.transition(PlanStatus.ACTIVE, dt.date(2026, 7, 1), "mia")
        >>> plan.transition(PlanStatus.DRAFT, dt.date(2026, 7, 2), "mia")
        Traceback (most recent call last):
        ...
        salesperf._errors.DefinitionError: status: cannot move from active to draft; allowed: \
cancelled, extended, met, not_met
        """
        problems = []
        if to not in TRANSITIONS[self.status]:
            problems.append(Problem("status", f"cannot move from {self.status.value} to "
                                    f"{to.value}; allowed: {_names(TRANSITIONS[self.status])}"))
        if self.history and on < self.history[-1].on:
            problems.append(Problem("on", f"must not be before the last change "
                                    f"({self.history[-1].on}), got {on}"))
        if to is PlanStatus.EXTENDED and (due is None or due <= self.deadline):
            problems.append(Problem("due", f"an extension needs a due date after "
                                    f"{self.deadline}, got {due}"))
        elif to is not PlanStatus.EXTENDED and due is not None:
            problems.append(Problem("due", "only an extension changes the due date"))
        if problems:
            raise DefinitionError(problems)
        return attrs.evolve(self, status=to, history=(*self.history,
                                                      StatusChange(to, on, by, note)),
                            due=due if due is not None else self.due)


class Progress(enum.Enum):
    """How a plan stands against its metrics on a date."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    MET = "met"
    MISSED = "missed"


@attrs.frozen
class MilestoneProgress:
    """A milestone on a date: the goal's metric from its period's start through the due date
    against the milestone's target (no value before it is due)."""

    id: str
    goal: str
    due: dt.date
    target: Decimal
    actual: Decimal | None
    reached: bool
    behind: bool  # due on or before the date and not reached
    explanation: str


@attrs.frozen
class GoalProgress:
    """A plan's goal on a date: its actual so far, attainment, and whether it is met."""

    goal: str
    actual: Decimal | None
    target: Decimal
    attainment: Decimal | None
    met: bool
    explanation: str


@attrs.frozen
class PlanAssessment:
    """A plan's progress on a date, each goal and milestone explained, and the status move
    the progress suggests (None when none); the plan itself is never moved."""

    plan: str
    person: str
    as_of: dt.date
    status: PlanStatus
    progress: Progress
    suggested: PlanStatus | None
    goals: tuple[GoalProgress, ...]
    milestones: tuple[MilestoneProgress, ...]
    explanation: str


def _window(goal: Goal, through: dt.date) -> Period | None:
    """The goal's period from its start through `through` (None before it starts)."""
    if through < goal.period.start:
        return None
    return goal.period.to_date(min(through, goal.period.last_day))


def _reaches(goal: Goal, actual: Decimal, target: Decimal) -> bool:
    return attainment(actual, target, goal.direction) >= 1


def assess_plan(plan: ImprovementPlan, records: Iterable[Record | Mapping[str, object]],
                as_of: dt.date) -> PlanAssessment:
    """Check an improvement plan against the person's records as of a date (inclusive).

    A milestone due on or before `as_of` is reached when the goal's metric, from the goal
    period's start through the due date, reaches its target. The plan is **met** when every
    goal is (a higher-is-better goal can be met early; a lower-is-better one only once its
    period is over), **missed** when the due date has passed with a goal unmet, **at risk**
    when a milestone is behind, and **on track** otherwise.

    >>> from salesperf._metrics import Measure
    >>> from salesperf._periods import CalendarYear
    >>> g = Goal("revenue", Measure("revenue"), 90_000, CalendarYear().parse("2026-Q3"),
    ...          "ben")
    >>> plan = ImprovementPlan("pip-1", "ben", "mia", [g],
    ...                        [Milestone("m1", "revenue", 25_000, dt.date(2026, 7, 31))])
    >>> deals = [{"id": "B-1", "date": "2026-07-10", "payee": "ben", "amount": "20000"}]
    >>> print(assess_plan(plan, deals, dt.date(2026, 8, 1)).explanation)
    pip-1 (ben, draft) on 2026-08-01: at_risk, milestone m1 behind
    """
    data = sorted(as_records(records), key=lambda r: (r.date, r.id))
    by_id = {g.id: g for g in plan.goals}
    through = min(as_of, plan.deadline)
    own = [r for r in data if plan.person in r.payees]
    milestones = []
    for m in sorted(plan.milestones, key=lambda m: (m.due, m.id)):
        goal = by_id[m.goal]
        if m.due > as_of:
            milestones.append(MilestoneProgress(m.id, m.goal, m.due, m.target, None, False,
                                                False, f"{m.id}: due {m.due}, not yet"))
            continue
        window = _window(goal, m.due)
        value = evaluate_metric(goal.metric, own, window).value if window else None
        reached = value is not None and _reaches(goal, value, m.target)
        word = "reached" if reached else "behind"
        milestones.append(MilestoneProgress(
            m.id, m.goal, m.due, m.target, value, reached, not reached,
            f"{m.id}: {goal.metric.name} {goal.period.start} to {m.due} = {value} against "
            f"{m.target}: {word}"))
    goals = []
    for g in plan.goals:
        window = _window(g, through)
        if window is None:
            goals.append(GoalProgress(g.id, None, g.target, None, False,
                                      f"{g.id}: starts {g.period.start}, not yet"))
            continue
        result = evaluate_goal(attrs.evolve(g, period=window), data, None,
                               supplied=nothing_supplied, curve=None, scale=None)
        over = as_of >= plan.deadline or as_of >= g.period.last_day
        early = g.direction is Direction.HIGHER_IS_BETTER
        met = result.attainment is not None and result.attainment >= 1 and (early or over)
        goals.append(GoalProgress(g.id, result.actual, g.target, result.attainment, met,
                                  f"{g.id} to {through}: {result.explanation}"
                                  + ("; met" if met else "")))
    behind = [m.id for m in milestones if m.behind]
    if all(g.met for g in goals):
        progress, suggested = Progress.MET, PlanStatus.MET
        why = "every goal is met"
    elif as_of >= plan.deadline:
        progress, suggested = Progress.MISSED, PlanStatus.NOT_MET
        why = (f"due {plan.deadline} and not met: "
               + ", ".join(g.goal for g in goals if not g.met))
    elif behind:
        progress, suggested = Progress.AT_RISK, None
        why = f"milestone {', '.join(behind)} behind"
    else:
        progress, suggested = Progress.ON_TRACK, None
        why = "every milestone due so far is reached"
    if plan.status in _FINAL or (suggested is not None
                                and suggested not in TRANSITIONS[plan.status]):
        suggested = None
    text = f"{plan.id} ({plan.person}, {plan.status.value}) on {as_of}: {progress.value}, {why}"
    if suggested is not None:
        text += f"; suggest moving it to {suggested.value}"
    return PlanAssessment(plan.id, plan.person, as_of, plan.status, progress, suggested,
                          tuple(goals), tuple(milestones), text)
