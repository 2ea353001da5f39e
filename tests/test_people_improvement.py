"""Improvement plans: status moves only along allowed transitions, and progress on any date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import salesperf as sp

Q3 = sp.CalendarYear().parse("2026-Q3")
REVENUE = sp.Goal("revenue", sp.metrics.revenue(), 90_000, Q3, "ben")
MILESTONES = [sp.Milestone("m1", "revenue", 25_000, dt.date(2026, 7, 31)),
              sp.Milestone("m2", "revenue", 55_000, dt.date(2026, 8, 31))]


def active(**kw: object) -> sp.ImprovementPlan:
    plan = sp.ImprovementPlan("pip-ben", "ben", "mia", [REVENUE], MILESTONES, **kw)  # type: ignore[arg-type]
    return plan.transition(sp.PlanStatus.ACTIVE, dt.date(2026, 7, 1), "mia", "agreed")


def deal(rid: str, day: str, amount: str) -> dict[str, str]:
    return {"id": rid, "date": day, "payee": "ben", "amount": amount, "status": "won"}


DEALS = [deal("B-1", "2026-07-10", "30000"), deal("B-2", "2026-08-20", "10000"),
         deal("B-3", "2026-09-15", "60000")]


class TestStatus:
    def test_a_plan_starts_as_a_draft_and_moves_along_the_allowed_transitions(self) -> None:
        plan = active()
        assert plan.status is sp.PlanStatus.ACTIVE
        done = plan.transition(sp.PlanStatus.MET, dt.date(2026, 9, 30), "mia")
        assert [h.status for h in done.history] == [sp.PlanStatus.ACTIVE, sp.PlanStatus.MET]

    @pytest.mark.parametrize("final", [sp.PlanStatus.MET, sp.PlanStatus.NOT_MET,
                                       sp.PlanStatus.CANCELLED])
    def test_met_not_met_and_cancelled_are_final(self, final: sp.PlanStatus) -> None:
        plan = active().transition(final, dt.date(2026, 9, 30), "mia")
        with pytest.raises(sp.DefinitionError, match=f"cannot move from {final.value} to "
                           "active; allowed: none"):
            plan.transition(sp.PlanStatus.ACTIVE, dt.date(2026, 10, 1), "mia")

    def test_a_draft_cannot_be_met_without_becoming_active(self) -> None:
        plan = sp.ImprovementPlan("p", "ben", "mia", [REVENUE])
        with pytest.raises(sp.DefinitionError, match="allowed: active, cancelled"):
            plan.transition(sp.PlanStatus.MET, dt.date(2026, 7, 1), "mia")

    def test_an_extension_needs_a_later_due_date_and_moves_it(self) -> None:
        plan = active()
        with pytest.raises(sp.DefinitionError, match="an extension needs a due date after "
                           "2026-09-30, got None"):
            plan.transition(sp.PlanStatus.EXTENDED, dt.date(2026, 9, 30), "mia")
        longer = plan.transition(sp.PlanStatus.EXTENDED, dt.date(2026, 9, 30), "mia",
                                 due=dt.date(2026, 10, 31))
        assert longer.deadline == dt.date(2026, 10, 31)

    def test_a_status_that_contradicts_its_history_is_refused(self) -> None:
        with pytest.raises(sp.DefinitionError, match="a plan without history is a draft"):
            sp.ImprovementPlan("p", "ben", "mia", [REVENUE], status=sp.PlanStatus.ACTIVE)
        with pytest.raises(sp.DefinitionError, match=r"history\[0\].status: cannot move from "
                           "draft to met"):
            sp.ImprovementPlan("p", "ben", "mia", [REVENUE], status=sp.PlanStatus.MET,
                               history=[sp.StatusChange(sp.PlanStatus.MET, dt.date(2026, 7, 1),
                                                        "mia")])

    def test_milestones_name_a_goal_of_the_plan_and_fall_within_it(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.ImprovementPlan("p", "ben", "mia", [REVENUE], [
                sp.Milestone("m1", "calls", 10, dt.date(2026, 7, 31)),
                sp.Milestone("m2", "revenue", 10, dt.date(2026, 12, 31))])
        assert [str(p) for p in err.value.problems] == [
            "milestones[0].goal: no goal 'calls' in the plan; it has revenue",
            ("milestones[1].due: must be from 2026-07-01 to the plan's due date 2026-09-30, "
            "got 2026-12-31")]


class TestProgress:
    def test_at_risk_on_a_date_because_a_milestone_is_behind(self) -> None:
        a = sp.assess_plan(active(), DEALS, dt.date(2026, 9, 5))
        assert a.progress is sp.Progress.AT_RISK
        assert [(m.id, m.actual, m.behind) for m in a.milestones] == [
            ("m1", Decimal("30000"), False), ("m2", Decimal("40000"), True)]
        assert a.explanation == ("pip-ben (ben, active) on 2026-09-05: at_risk, milestone m2 "
                                 "behind")
        assert a.milestones[1].explanation == (
            "m2: revenue 2026-07-01 to 2026-08-31 = 40000 against 55000: behind")
        assert a.suggested is None

    def test_on_track_while_every_milestone_due_is_reached(self) -> None:
        a = sp.assess_plan(active(), DEALS, dt.date(2026, 8, 15))
        assert a.progress is sp.Progress.ON_TRACK
        assert [m.reached for m in a.milestones] == [True, False]

    def test_met_when_every_goal_is_met_and_it_suggests_the_move(self) -> None:
        a = sp.assess_plan(active(), DEALS, dt.date(2026, 9, 20))
        assert a.progress is sp.Progress.MET
        assert a.suggested is sp.PlanStatus.MET
        assert a.status is sp.PlanStatus.ACTIVE  # never moved silently

    def test_missed_when_the_due_date_passes_with_a_goal_unmet(self) -> None:
        a = sp.assess_plan(active(), DEALS[:2], dt.date(2026, 9, 30))
        assert a.progress is sp.Progress.MISSED
        assert a.suggested is sp.PlanStatus.NOT_MET
        assert "due 2026-09-30 and not met: revenue" in a.explanation

    def test_records_after_the_date_do_not_count(self) -> None:
        early = sp.assess_plan(active(), DEALS, dt.date(2026, 9, 14))
        assert early.goals[0].actual == Decimal("40000")
