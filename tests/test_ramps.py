"""Ramps: a new hire's quota as a share of the full quota by month of tenure.

Issue "Pay across periods" (proration and ramps, applied).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import salesperf as sp

D = Decimal
Q1, Q2 = "2026-Q1", "2026-Q2"


def plan(ramp: tuple[str, ...] = ("0.25", "0.5", "0.75"), **fields: Any) -> sp.CompiledPlan:
    return sp.compile_plan(sp.Plan("p", [sp.TargetBonus("bonus", sp.Curve(
        [(0, 0), (1, 1), (3, 3)]))], ramp=ramp, **fields))


INPUTS: dict[str, Any] = {
    "quotas": [sp.Quota("ana", "revenue", q, 90_000) for q in (Q1, Q2)],
    "target_incentives": [sp.TargetIncentive("ana", q, 1000) for q in (Q1, Q2)]}


def quota(compiled: sp.CompiledPlan, payee: sp.Payee, period: str = Q1) -> Decimal:
    ev = compiled.evaluate([], period, payees=[payee], **INPUTS)
    return D(ev.statement("ana").lines[0].trace["quota"])


class TestRamp:
    def test_a_hire_in_the_first_month_ramps_through_the_quarter(self) -> None:
        """Hired 1 January: 25 % in January (31 days), 50 % in February (28), 75 % in March
        (31): (0.25 × 31 + 0.5 × 28 + 0.75 × 31) / 90 = 45 / 90 = 0.5 of 90,000."""
        hired = sp.Payee("ana", start=dt.date(2026, 1, 1))
        assert quota(plan(), hired) == D(45_000)
        ev = plan().evaluate([], Q1, payees=[hired], **INPUTS)
        line = ev.statement("ana").lines[0]
        assert line.trace["ramp"] == [{"period": Q1, "factor": "0.50"}]
        assert "quota ramped: 2026-Q1 × 50 %" in line.explanation

    def test_a_bonus_says_its_ramp_as_a_commission_does_not_in_34_digits(self) -> None:
        """Hired 1 February: the ramp blends February (25 %) and March (50 %) by days,
        (0.25 × 28 + 0.5 × 31) / 59 = 0.3813…; the target bonus wrote the factor's 34 digits
        where a commission writes "× 38.1 %" (found reading tests/golden/)."""
        hired = sp.Payee("ana", start=dt.date(2026, 2, 1))
        line = plan().evaluate([], Q1, payees=[hired], **INPUTS).statement("ana").lines[0]
        assert line.trace["ramp"][0]["factor"].startswith("0.38135593220338983")
        assert "quota ramped: 2026-Q1 × 38.1 %" in line.explanation

    def test_a_year_to_date_commission_says_the_ramp_of_each_period(self) -> None:
        """Hired 1 March, ramped 25 %, 50 %, 75 %: March at 25 % (Q1 × 25 %); April 50 %,
        May 75 %, June in full: (0.5 × 30 + 0.75 × 31 + 30) / 91 = 68.25 / 91 = 75 %; the
        year's quota so far 22,500 + 67,500."""
        compiled = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.1")], basis=sp.BoundBasis.ATTAINMENT), window=sp.Window.YEAR_TO_DATE)],
            ramp=("0.25", "0.5", "0.75")))
        hired = sp.Payee("ana", start=dt.date(2026, 3, 1))
        deal = [{"id": "D-1", "date": dt.date(2026, 4, 2), "payee": "ana", "amount": D(100)}]
        line = compiled.evaluate(deal, Q2, payees=[hired], **INPUTS).statement("ana").lines[0]
        assert "quota ramped: 2026-Q1 × 25 %, 2026-Q2 × 75 % = 10.00" in line.explanation
        assert line.trace["quota"] == "90000.00"

    def test_after_the_ramp_the_full_quota_applies(self) -> None:
        hired = sp.Payee("ana", start=dt.date(2026, 1, 1))
        assert quota(plan(), hired, Q2) == D(90_000)
        assert "ramp" not in plan().evaluate([], Q2, payees=[hired], **INPUTS).statement(
            "ana").lines[0].trace

    def test_ramp_and_proration_together(self) -> None:
        """Hired 1 February, prorated 59 of 90 days: February is the first month of tenure
        (25 %, 28 days), March the second (50 %, 31 days): ramp (7 + 15.5) / 59; quota
        90,000 × 59/90 × 22.5/59 = 22,500."""
        compiled = plan(proration=sp.ProrationBasis.CALENDAR_DAYS)
        assert quota(compiled, sp.Payee("ana", start=dt.date(2026, 2, 1))) == D(22_500)

    def test_a_payee_without_a_hire_date_is_not_ramped(self) -> None:
        assert quota(plan(), sp.Payee("ana")) == D(90_000)

    def test_a_ramp_share_outside_0_to_1_is_a_plan_problem(self) -> None:
        with pytest.raises(sp.DefinitionError, match=r"plan\.ramp\[1\]: must be from 0 to 1"):
            plan(("0.5", "1.5"))


class TestRampProperties:
    @given(st.dates(dt.date(2025, 6, 1), dt.date(2026, 3, 31)))
    def test_a_ramped_quota_never_exceeds_the_full_one_nor_falls_for_a_longer_tenure(
            self, hired: dt.date) -> None:
        earlier = hired - dt.timedelta(days=31)
        now = quota(plan(), sp.Payee("ana", start=hired))
        assert D(0) < now <= D(90_000)
        if earlier >= dt.date(2025, 1, 1):
            assert quota(plan(), sp.Payee("ana", start=earlier)) >= now
