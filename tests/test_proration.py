"""Proration, applied: a plan that prorates measures a payee employed or on the plan for part
of a period against that part of its quota and target incentive.

Issue "Pay across periods" (proration and ramps, applied); DESIGN.md "Periods": "Proration of
a quota or draw for a partial period uses the fraction of days the payee was active, unless
the plan names another basis (working days with host-supplied holidays)."
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import salesperf as sp

D = Decimal
Q1 = "2026-Q1"
ATTAINMENT = sp.BoundBasis.ATTAINMENT


def plan(proration: sp.ProrationBasis | None = sp.ProrationBasis.CALENDAR_DAYS
         ) -> sp.CompiledPlan:
    return sp.compile_plan(sp.Plan("p", [
        sp.Commission("c", sp.RateTable([sp.Tier(0, "0.05"), sp.Tier(1, "0.10")],
                                        basis=ATTAINMENT)),
        sp.TargetBonus("bonus", sp.Curve([(0, 0), (1, 1), (2, 2)])),
    ], proration=proration))


QUOTAS: dict[str, Any] = {"quotas": [sp.Quota("ana", "revenue", Q1, 90_000)],
                          "target_incentives": [sp.TargetIncentive("ana", Q1, 9000)]}
HIRED_1_FEB = [sp.Payee("ana", start=dt.date(2026, 2, 1))]
DEAL = [{"id": "D-1", "date": dt.date(2026, 3, 2), "payee": "ana", "amount": D(59_000)}]


class TestProratedQuota:
    def test_a_rep_hired_on_1_february_is_measured_against_59_of_90_days(self) -> None:
        """Quota 90,000 × 59/90 = 59,000: a 59,000 deal is 100 % attainment, so it earns
        59,000 × 5 % = 2,950 and the bonus pays 100 % of 9,000 × 59/90 = 5,900."""
        st_ = plan().evaluate(DEAL, Q1, payees=HIRED_1_FEB, **QUOTAS).statement("ana")
        commission, bonus = st_.lines
        assert commission.trace["quota"] == "59000"
        assert commission.trace["attainment_after"] == "1"
        assert commission.amount == D("2950.00")
        assert commission.trace["proration"] == [
            {"period": Q1, "active": "59", "total": "90", "basis": "calendar_days"}]
        assert "quota and target incentive prorated: 2026-Q1 59 of 90 days" in (
            commission.explanation)
        assert bonus.amount == D("5900.00")
        assert "(quota and target incentive prorated: 2026-Q1 59 of 90 days)" in (
            bonus.explanation)

    def test_without_proration_the_full_quarter_s_quota_applies(self) -> None:
        st_ = plan(None).evaluate(DEAL, Q1, payees=HIRED_1_FEB, **QUOTAS).statement("ana")
        assert st_.lines[0].trace["quota"] == "90000"
        assert "proration" not in st_.lines[0].trace

    def test_a_commission_prorates_only_what_it_reads_a_quota_or_incentive_for(self) -> None:
        """Amount tiers read no quota: nothing to prorate, nothing said. A cap as a multiple
        of the target incentive reads the incentive, prorated: 3,000 × 59/90 = 1,966.67."""
        def commission(cap: sp.Cap | None) -> sp.CompiledPlan:
            return sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
                [sp.Tier(0, "0.05")]), cap=cap)], proration=sp.ProrationBasis.CALENDAR_DAYS))
        plain = commission(None).evaluate(DEAL, Q1, payees=HIRED_1_FEB, **QUOTAS)
        line = plain.statement("ana").lines[0]
        assert "proration" not in line.trace
        assert "prorated" not in line.explanation
        capped = commission(sp.Cap(target_incentive_multiple=1)).evaluate(
            DEAL, Q1, payees=HIRED_1_FEB, quotas=[],
            target_incentives=[sp.TargetIncentive("ana", Q1, 3000)])
        line = capped.statement("ana").lines[0]
        assert line.trace["proration"] == [
            {"period": Q1, "active": "59", "total": "90", "basis": "calendar_days"}]
        assert line.amount == D("1966.67")

    def test_a_payee_on_the_plan_all_period_is_not_prorated(self) -> None:
        st_ = plan().evaluate(DEAL, Q1, payees=[sp.Payee("ana")], **QUOTAS).statement("ana")
        assert st_.lines[0].trace["quota"] == "90000"

    def test_working_days_skip_weekends_and_the_host_s_holidays(self) -> None:
        """Q1 2026 has 64 working days, less one holiday: 63; from Monday 2 March, 22 less the
        holiday: 21. The quota is 90,000 × 21/63 = 30,000."""
        hired = [sp.Payee("ana", start=dt.date(2026, 3, 2))]
        st_ = plan(sp.ProrationBasis.WORKING_DAYS).evaluate(
            DEAL, Q1, payees=hired, holidays={dt.date(2026, 3, 17)}, **QUOTAS).statement("ana")
        assert st_.lines[0].trace["proration"] == [
            {"period": Q1, "active": "21", "total": "63", "basis": "working_days"}]
        assert st_.lines[0].trace["quota"] == "30000"
        assert "quota and target incentive prorated: 2026-Q1 21 of 63 working days" in (
            st_.lines[0].explanation)

    def test_a_year_to_date_window_names_each_prorated_period(self) -> None:
        """Hired on 1 February, on the plan until 31 May: Q1 59 of 90 days, Q2 61 of 91,
        in one sentence."""
        compiled = sp.compile_plan(sp.Plan("p", [sp.Commission(
            "c", sp.RateTable([sp.Tier(0, "0.05"), sp.Tier(1, "0.10")], basis=ATTAINMENT),
            window=sp.Window.YEAR_TO_DATE)], proration=sp.ProrationBasis.CALENDAR_DAYS))
        deal = [{"id": "D-2", "date": dt.date(2026, 4, 2), "payee": "ana", "amount": D(1000)}]
        quotas = [sp.Quota("ana", "revenue", q, 90_000) for q in (Q1, "2026-Q2")]
        st_ = compiled.evaluate(deal, "2026-Q2", payees=HIRED_1_FEB, quotas=quotas,
                                assignments=[sp.Assignment("ana", end=dt.date(2026, 5, 31))]
                                ).statement("ana")
        assert ("quota and target incentive prorated: 2026-Q1 59 of 90 days, "
                "2026-Q2 61 of 91 days = 50.00") in st_.lines[0].explanation

    def test_assignments_count_only_the_days_on_the_plan(self) -> None:
        """On the plan 1–31 January and again from 1 March: 31 + 31 = 62 of 90 days."""
        assignments = [sp.Assignment("ana", end=dt.date(2026, 1, 31)),
                       sp.Assignment("ana", start=dt.date(2026, 3, 1))]
        st_ = plan().evaluate(DEAL, Q1, payees=[sp.Payee("ana")], assignments=assignments,
                              **QUOTAS).statement("ana")
        assert st_.lines[0].trace["proration"][0]["active"] == "62"
        assert st_.lines[0].trace["quota"] == "62000"

    def test_a_year_to_date_quota_prorates_only_the_partial_period(self) -> None:
        ytd = sp.compile_plan(sp.Plan("p", [sp.Commission(
            "c", sp.RateTable([sp.Tier(0, "0.05"), sp.Tier(1, "0.10")], basis=ATTAINMENT),
            window=sp.Window.YEAR_TO_DATE)], proration=sp.ProrationBasis.CALENDAR_DAYS))
        quotas = [sp.Quota("ana", "revenue", q, 90_000) for q in (Q1, "2026-Q2")]
        deals = [*DEAL, {"id": "D-2", "date": dt.date(2026, 5, 4), "payee": "ana",
                         "amount": D(10_000)}]
        q1, q2 = ytd.evaluate(deals, "2026-Q2", payees=HIRED_1_FEB, quotas=quotas).earlier[0], \
            ytd.evaluate(deals, "2026-Q2", payees=HIRED_1_FEB, quotas=quotas).statements[0]
        assert q1.lines[0].trace["quota"] == "59000"
        assert q2.lines[-1].trace["quota"] == "149000"  # 59,000 + 90,000
        assert q2.lines[-1].trace["proration"] == [
            {"period": Q1, "active": "59", "total": "90", "basis": "calendar_days"}]


class TestProrationProperties:
    @given(st.dates(dt.date(2025, 12, 1), dt.date(2026, 3, 31)),
           st.dates(dt.date(2026, 1, 1), dt.date(2026, 4, 30)))
    def test_the_quota_is_the_quarter_s_times_the_days_employed_in_it(
            self, start: dt.date, end: dt.date) -> None:
        """Counted independently: the days from max(start, 1 Jan) through min(end, 31 Mar),
        of 90. (Payees employed the whole quarter are not prorated at all.)"""
        if end < start:
            start, end = end, start
        bonus = sp.compile_plan(sp.Plan("p", [sp.TargetBonus("bonus", sp.Curve([(0, 0), (1, 1)]))],
                                        proration=sp.ProrationBasis.CALENDAR_DAYS))
        ev = bonus.evaluate([], Q1, payees=[sp.Payee("ana", start=start, end=end)], **QUOTAS)
        days = (min(end, dt.date(2026, 3, 31)) - max(start, dt.date(2026, 1, 1))).days + 1
        if days <= 0:
            assert ev.statements == ()
            return
        trace = ev.statement("ana").lines[0].trace
        assert D(trace["quota"]) == D(90_000) * days / 90
        assert D(trace["target_incentive"]) == D(9000) * days / 90
        assert ("proration" in trace) == (days < 90)
