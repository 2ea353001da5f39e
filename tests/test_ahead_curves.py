"""Payout curves and attainment tables as data (issue #14): for a plan and a quota, what the
plan pays at each attainment, every point a real evaluation of the plan."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import salesperf as sp

D = Decimal
Q1 = "2026-Q1"


def plan_with_bonus() -> sp.CompiledPlan:
    """5 % to quota, 8 % to 150 %, 10 % above; and a bonus paying 1:1 to 100 % of target
    incentive, then 1.5 points per point."""
    return sp.compile_plan(sp.Plan("ae", [
        sp.Commission("c", sp.RateTable([sp.Tier(0, "0.05"), sp.Tier(1, "0.08"),
                                         sp.Tier("1.5", "0.10")],
                                        basis=sp.BoundBasis.ATTAINMENT)),
        sp.TargetBonus("b", sp.Curve([(0, 0), (1, 1), (2, "2.5")]))]))


class TestPayoutCurve:
    def test_worked_curve_with_a_commission_and_a_bonus(self) -> None:
        curve = sp.payout_curve(plan_with_bonus(), Q1, quota=100_000, target_incentive=10_000,
                                attainments=["0", "0.5", "1", "1.25", "2"])
        # 1.5 is added: the 10 % tier starts there.
        assert [p.attainment for p in curve.points] == [D(0), D("0.5"), D(1), D("1.25"),
                                                        D("1.5"), D(2)]
        # At 125 %: 100,000 × 5 % + 25,000 × 8 % = 7,000; bonus 1 + 0.25 × 1.5 = 137.5 % of
        # 10,000 = 13,750.
        p125 = curve.points[3]
        assert (p125.measure, p125.earned, p125.components) == (
            D(125_000), D("20750.00"), (("c", D("7000.00")), ("b", D("13750.00"))))
        assert p125.payout_of_target == D("2.075")
        assert p125.effective_rate == D("0.166")
        # At 200 %: 5,000 + 4,000 + 5,000 = 14,000 and 250 % of 10,000.
        assert curve.earned_at(2) == D("39000.00")
        assert curve.points[0].effective_rate is None

    def test_the_table_is_plain_text_rows(self) -> None:
        curve = sp.payout_curve(plan_with_bonus(), Q1, quota=100_000, attainments=[1],
                                target_incentive=10_000)
        assert curve.table() == [{"attainment": "1", "measure": "100000",
                                  "earned": "15000.00", "payout_of_target": "1.50",
                                  "effective_rate": "0.15", "component:c": "5000.00",
                                  "component:b": "10000.00"}]

    def test_default_attainments_run_from_0_to_200_percent(self) -> None:
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.1")]))]))
        curve = sp.payout_curve(plan, Q1, quota=50_000)
        assert [p.attainment for p in curve.points] == [D(k) / 10 for k in range(21)]
        assert curve.to_dict()["points"][20]["earned"] == "10000.00"
        assert curve.measure == "revenue"

    def test_a_credit_factor_is_allowed_for(self) -> None:
        """Services are credited at 50 %: the record is doubled so the measure is right."""
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.1")]))], credit_rules=[
                sp.CreditRule("services", where=sp.Eq("kind", "services"), factor="0.5"),
                sp.CreditRule("rest")]))
        curve = sp.payout_curve(plan, Q1, quota=10_000, attainments=[1],
                                record={"kind": "services"})
        assert (curve.points[0].measure, curve.points[0].earned) == (D(10_000), D("1000.00"))

    def test_a_record_the_rules_do_not_credit_is_a_data_error(self) -> None:
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.1")]))], credit_rules=[sp.CreditRule("won", where=sp.Eq(
                "status", "won", sp.Missing.FALSE))]))
        with pytest.raises(sp.DataError, match="no crediting rule matched"):
            sp.payout_curve(plan, Q1, quota=10_000, attainments=[1])
        ok = sp.payout_curve(plan, Q1, quota=10_000, attainments=[1], record={"status": "won"})
        assert ok.points[0].earned == D("1000.00")

    def test_bad_inputs_name_what_was_wrong(self) -> None:
        with pytest.raises(sp.DefinitionError, match="quota: must be above 0"):
            sp.payout_curve(plan_with_bonus(), Q1, quota=0)
        with pytest.raises(sp.DataError, match="no target incentive for payee 'payee'"):
            sp.payout_curve(plan_with_bonus(), Q1, quota=1)
        curve = sp.payout_curve(plan_with_bonus(), Q1, quota=1, attainments=[1],
                                target_incentive=1)
        with pytest.raises(sp.DefinitionError, match=r"not a point of the curve: 0\.5"):
            curve.earned_at("0.5")


class TestCurveProperties:
    @given(st.sets(st.sampled_from(["0.5", "0.8", "1", "1.25", "2"]), max_size=3),
           st.lists(st.decimals("0", "0.2", places=3), min_size=4, max_size=4),
           st.sampled_from([None, "0.3", "0.6"]), st.sampled_from([None, "900", "5000"]),
           st.integers(1_000, 300_000))
    def test_a_marginal_plan_never_pays_less_for_more(
            self, uppers: set[str], rates: list[Decimal], gate: str | None, cap: str | None,
            quota: int) -> None:
        bounds = ["0", *sorted(uppers, key=D)]
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission(
            "c", sp.RateTable([sp.Tier(b, r) for b, r in zip(bounds, rates, strict=False)],
                              basis=sp.BoundBasis.ATTAINMENT),
            gate=None if gate is None else sp.Gate(gate),
            cap=None if cap is None else sp.Cap(per_period=cap))]))
        curve = sp.payout_curve(plan, Q1, quota=quota)
        earned = [p.earned for p in curve.points]
        assert earned == sorted(earned)
        for point in curve.points:  # each point is the plan evaluated at that measure
            assert point.measure == point.attainment * quota
