"""Plan modelling on history (issue #14): plans evaluated over the same records — cost per
payee and in total, the change, payout as a share of revenue, who gains and who loses — and
scenarios that scale the history or change quotas."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import salesperf as sp
from salesperf.testing import plans, records
from test_engine_stages import QUARTERS, inputs

D = Decimal
Q1 = "2026-Q1"
TEAM = [sp.Payee("ana"), sp.Payee("ben")]
HISTORY = [{"id": "D-1", "date": "2026-01-10", "payee": "ana", "amount": "60000"},
           {"id": "D-2", "date": "2026-02-10", "payee": "ana", "amount": "50000"},
           {"id": "D-3", "date": "2026-03-10", "payee": "ben", "amount": "30000"}]


def commission(*tiers: tuple[object, str], basis: sp.BoundBasis = sp.BoundBasis.AMOUNT,
               name: str = "p", version: int = 1) -> sp.CompiledPlan:
    return sp.compile_plan(sp.Plan(name, [sp.Commission("c", sp.RateTable(
        [sp.Tier(lower, rate) for lower, rate in tiers], basis=basis))], version=version))


FLAT = commission((0, "0.08"), version=1)  # this year: 8 % flat
TIERED = commission((0, "0.05"), (50_000, "0.10"), version=2)  # next: 5 % to 50,000, then 10 %


class TestTwoPlansOnOneHistory:
    def compare(self, **kw: Any) -> sp.PlanComparison:
        return sp.compare_plans({"flat": FLAT, "tiered": TIERED}, HISTORY, Q1, payees=TEAM,
                                **kw)

    def test_exact_totals_per_payee_and_in_all(self) -> None:
        result = self.compare()
        flat, tiered = result.costs
        # Flat: ana 110,000 × 8 % = 8,800; ben 30,000 × 8 % = 2,400.
        assert flat.by_payee == {"ana": D("8800.00"), "ben": D("2400.00")}
        assert flat.total == D("11200.00")
        # Tiered: ana 50,000 × 5 % + 60,000 × 10 % = 8,500; ben 30,000 × 5 % = 1,500.
        assert tiered.by_payee == {"ana": D("8500.00"), "ben": D("1500.00")}
        assert tiered.total == D("10000.00")
        assert flat.revenue == tiered.revenue == D(140_000)
        assert flat.payout_ratio == D("0.08")
        assert tiered.payout_ratio == D("0.07142857142857142857142857142857143")  # 1/14

    def test_the_change_and_who_gains_or_loses(self) -> None:
        (against,) = self.compare().against
        assert (against.name, against.change) == ("tiered", D("-1200.00"))
        assert [(c.payee, c.baseline, c.cost, c.change) for c in against.payees] == [
            ("ana", D("8800.00"), D("8500.00"), D("-300.00")),
            ("ben", D("2400.00"), D("1500.00"), D("-900.00"))]
        assert against.losers == ("ben", "ana")  # the largest loss first
        assert against.gainers == against.unchanged == ()
        assert against.payees[1].change_ratio == D("-0.375")

    def test_plans_named_by_id_and_version_when_given_as_a_list(self) -> None:
        result = sp.compare_plans([FLAT, TIERED], HISTORY, Q1, payees=TEAM)
        assert [c.name for c in result.costs] == ["p v1", "p v2"]
        assert result.cost("p v2").total == D("10000.00")
        with pytest.raises(sp.DefinitionError, match="no plan named 'x'"):
            result.cost("x")
        with pytest.raises(sp.DefinitionError, match="two plans are named 'p v1'"):
            sp.compare_plans([FLAT, FLAT], HISTORY, Q1, payees=TEAM)

    def test_a_scenario_scales_the_history(self) -> None:
        result = self.compare(scenario=sp.Scenario("10 % up", scale="1.1"))
        flat, tiered = result.costs
        # ana 121,000 and ben 33,000: flat 9,680 + 2,640; tiered 2,500 + 7,100 and 1,650.
        assert (flat.total, tiered.total) == (D("12320.00"), D("11250.00"))
        assert flat.revenue == D("154000.0")
        assert result.to_dict()["scenario"] == {"name": "10 % up", "scale": "1.1",
                                                "quota_scale": "1", "quotas_replaced": False}

    def test_a_scenario_changes_quotas(self) -> None:
        by_quota = commission((0, "0.05"), (1, "0.10"), basis=sp.BoundBasis.ATTAINMENT)
        quotas = [sp.Quota("ana", "revenue", Q1, 100_000), sp.Quota("ben", "revenue", Q1, 50_000)]
        as_set = sp.compare_plans([by_quota], HISTORY, Q1, payees=TEAM, quotas=quotas)
        # ana 5,000 + 10,000 × 10 % = 6,000; ben 30,000 × 5 % = 1,500.
        assert as_set.costs[0].total == D("7500.00")
        halved = sp.compare_plans([by_quota], HISTORY, Q1, payees=TEAM, quotas=quotas,
                                  scenario=sp.Scenario(quota_scale="0.5"))
        # ana: quota 50,000: 2,500 + 6,000; ben: quota 25,000: 1,250 + 500.
        assert halved.costs[0].by_payee == {"ana": D("8500.00"), "ben": D("1750.00")}
        replaced = sp.compare_plans([by_quota], HISTORY, Q1, payees=TEAM, quotas=quotas,
                                    scenario=sp.Scenario(quotas=[
                                        sp.Quota("ana", "revenue", Q1, 110_000),
                                        sp.Quota("ben", "revenue", Q1, 30_000)]))
        assert replaced.costs[0].total == D("7000.00")  # 5,500 + 1,500: both at 100 %

    def test_the_cost_runs_over_the_plan_year_through_the_period(self) -> None:
        later = [*HISTORY, {"id": "D-4", "date": "2026-04-10", "payee": "ben", "amount": "10000"}]
        result = sp.compare_plans([FLAT], later, "2026-Q2", payees=TEAM)
        assert result.costs[0].by_payee == {"ana": D("8800.00"), "ben": D("3200.00")}
        assert result.costs[0].revenue == D(150_000)

    def test_each_plan_s_curve_comes_with_its_cost(self) -> None:
        result = self.compare(curve_quota=100_000)
        flat, tiered = (c.curve for c in result.costs)
        assert flat is not None
        assert tiered is not None
        assert flat.earned_at(1) == D("8000.00")
        assert tiered.earned_at(1) == D("7500.00")
        rows = result.curve_table()
        assert len(rows) == 21  # 0 %–200 % by 10 %; both plans' kinks are among them
        assert rows[10] == {"attainment": "1", "measure": "100000", "flat": "8000.00",
                            "tiered": "7500.00"}
        assert self.compare().curve_table() == []

    def test_curves_are_read_at_every_plan_s_breakpoints(self) -> None:
        kinked = commission((0, "0.05"), (37_500, "0.10"), version=3)  # a kink at 37.5 %
        result = sp.compare_plans({"flat": FLAT, "kinked": kinked}, HISTORY, Q1,
                                  payees=TEAM, curve_quota=100_000)
        rows = result.curve_table()
        assert [r["attainment"] for r in rows][3:6] == ["0.3", "0.375", "0.4"]
        assert rows[4]["flat"] == "3000.00"
        assert rows[4]["kinked"] == "1875.00"

    def test_explain(self) -> None:
        text = self.compare().explain()
        assert text.splitlines() == [
            "Plans on the history through 2026-Q1 (as recorded)",
            "  flat: 11,200.00, 8 % of revenue 140,000.00",
            "  tiered: 10,000.00, 7.14 % of revenue 140,000.00",
            "  tiered against flat: −1,200.00; 0 gain, 2 lose, 0 unchanged",
            "    ana: 8,800.00 → 8,500.00 (−300.00)",
            "    ben: 2,400.00 → 1,500.00 (−900.00)"]

    def test_a_negative_scale_is_a_definition_error(self) -> None:
        with pytest.raises(sp.DefinitionError, match=r"scenario\.scale: must be >= 0"):
            sp.Scenario(scale="-1")


class TestModellingProperties:
    @given(plans(), records(), st.sampled_from(QUARTERS))
    def test_a_plan_against_itself_changes_nothing(
            self, plan: sp.Plan, recs: list[Any], period: str) -> None:
        compiled = sp.compile_plan(plan)
        kw = inputs(40_000)
        try:
            ev = compiled.evaluate(recs, period, **kw)
        except sp.SalesperfError:
            return
        result = sp.compare_plans({"A": compiled, "A again": compiled}, recs, period, **kw)
        a, again = result.costs
        (against,) = result.against
        assert a.by_payee == again.by_payee
        assert against.change == 0
        assert against.gainers == against.losers == ()
        assert a.total == sum((s.earned for s in (*ev.earlier, *ev.statements)), D(0))

    @settings(max_examples=min(50, settings().max_examples))  # a near-identity
    @given(plans(), records(), st.sampled_from(QUARTERS))
    def test_a_scale_of_one_and_unchanged_quotas_is_the_history_as_recorded(
            self, plan: sp.Plan, recs: list[Any], period: str) -> None:
        compiled = sp.compile_plan(plan)
        kw = inputs(40_000)
        try:
            plain = sp.compare_plans([compiled], recs, period, **kw)
        except sp.SalesperfError:
            return
        same = sp.compare_plans([compiled], recs, period, scenario=sp.Scenario(
            "same", scale=1, quota_scale=1, quotas=kw["quotas"]), **kw)
        assert same.costs == plain.costs
