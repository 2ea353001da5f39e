"""A rep's what-if (issue #14): what hypothetical records earn, the statement before and
after, and the distance to the next tier, gate or cap — equal to evaluating with the records
added, at the cost of one payee."""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import salesperf as sp
from salesperf.testing import plans, records
from test_engine_stages import QUARTERS, inputs

D = Decimal
Q1 = "2026-Q1"
ANA = [sp.Payee("ana"), sp.Payee("ben")]


def deal(rid: str, date: str, amount: str | int, payee: str = "ana") -> dict[str, Any]:
    return {"id": rid, "date": date, "payee": payee, "amount": str(amount)}


def tiered(cap: sp.Cap | None = None, gate: sp.Gate | None = None) -> sp.CompiledPlan:
    """5 % up to quota, 8 % from 100 % to 150 %, 10 % above (attainment bounds)."""
    return sp.compile_plan(sp.Plan("ae", [sp.Commission("c", sp.RateTable(
        [sp.Tier(0, "0.05"), sp.Tier(1, "0.08"), sp.Tier("1.5", "0.10")],
        basis=sp.BoundBasis.ATTAINMENT), cap=cap, gate=gate)]))


QUOTAS = [sp.Quota(p, "revenue", Q1, 100_000) for p in ("ana", "ben")]
SO_FAR = [deal("D-1", "2026-01-10", 60_000), deal("D-2", "2026-02-10", 27_600),
          deal("D-3", "2026-02-11", 9_000, "ben")]


class TestWhatIfWorkedCase:
    """Quota 100,000; ana has 87,600 so far. A 20,000 deal crosses the 100 % boundary."""

    def result(self, **kw: Any) -> sp.WhatIf:
        base = sp.Baseline.of(tiered(**kw), SO_FAR, Q1, payees=ANA, quotas=QUOTAS)
        return sp.what_if(base, "ana", [deal("X-1", "2026-03-01", 20_000)])

    def test_a_deal_crossing_a_tier_boundary_shows_both_slices(self) -> None:
        w = self.result()
        (x1,) = w.records
        (line,) = x1.lines
        # 12,400 fills tier 1 at 5 % (620), 7,600 lands in tier 2 at 8 % (608): 1,228.
        assert x1.earned == line.amount == D("1228.00")
        assert [(s["tier"], D(s["slice"]), D(s["rate"])) for s in line.trace["tiers"]] == [
            ("1", D(12_400), D("0.05")), ("2", D(7_600), D("0.08"))]
        assert "12,400.00 at 5 % + 7,600.00 at 8 % = 1,228.00" in line.explanation

    def test_the_statement_before_and_after(self) -> None:
        w = self.result()
        # Before: 87,600 × 5 % = 4,380. After: + 1,228.
        assert (w.before.earned, w.after.earned, w.change) == (
            D("4380.00"), D("5608.00"), D("1228.00"))
        assert w.payable_change == D("1228.00")
        assert [line.record for line in w.after.lines] == ["D-1", "D-2", "X-1"]

    def test_distance_to_the_next_tier_before_and_after(self) -> None:
        w = self.result()
        (before,) = w.ahead_before
        assert (before.reach, before.more, before.rate) == (sp.Reach.TIER, D(12_400), D("0.08"))
        assert before.text == ("12,400.00 more revenue reaches the 8 % tier "
                               "(tier 2, from 100,000.00)")
        (after,) = w.ahead
        assert (after.reach, after.current, after.at, after.more) == (
            sp.Reach.TIER, D(107_600), D(150_000), D(42_400))

    def test_distance_to_the_cap_is_where_the_table_pays_the_cap(self) -> None:
        # 5,000 to quota, 4,000 to 150 %, then 10 %: 20,000 at 260,000.
        w = self.result(cap=sp.Cap(per_period=20_000))
        cap = next(d for d in w.ahead if d.reach is sp.Reach.CAP)
        assert (cap.at, cap.more) == (D(260_000), D(152_400))
        base = sp.Baseline.of(tiered(cap=sp.Cap(per_period=20_000)), SO_FAR, Q1, payees=ANA,
                              quotas=QUOTAS)
        reach = sp.what_if(base, "ana", [deal("X-1", "2026-03-01", 20_000),
                                         deal("X-2", "2026-03-02", str(cap.more))])
        assert reach.after.earned == D("20000.00")
        assert [d.text for d in reach.ahead if d.reach is sp.Reach.CAP] == [
            "the cap of 20,000.00 is reached"]

    def test_distance_to_a_gate_on_the_own_measure(self) -> None:
        base = sp.Baseline.of(tiered(gate=sp.Gate("0.9")), SO_FAR, Q1, payees=ANA,
                              quotas=QUOTAS)
        w = sp.what_if(base, "ana", [])
        gate = next(d for d in w.ahead if d.reach is sp.Reach.GATE)
        assert (gate.at, gate.more) == (D(90_000), D(2_400))
        assert w.before.earned == D("0.00")
        assert w.records == ()

    def test_a_payee_without_a_line_yet_starts_from_nothing(self) -> None:
        cy = [*ANA, sp.Payee("cy")]
        quotas = [*QUOTAS, sp.Quota("cy", "revenue", Q1, 40_000)]
        base = sp.Baseline.of(tiered(gate=sp.Gate("0.5")), SO_FAR, Q1, payees=cy,
                              quotas=quotas)
        ahead = sp.what_if(base, "cy", []).ahead
        assert [(d.reach, d.current, d.at) for d in ahead] == [
            (sp.Reach.TIER, D(0), D(40_000)), (sp.Reach.GATE, D(0), D(20_000))]

    def test_a_gate_on_another_measure_says_how_much_more_attainment_it_needs(self) -> None:
        plan = sp.compile_plan(sp.Plan("ae", [sp.Commission(
            "c", sp.RateTable([sp.Tier(0, "0.1")]), gate=sp.Gate("0.8", measure="logos"))],
            credit_rules=[sp.CreditRule("logos", "logos", sp.Eq("kind", "logo",
                                                                sp.Missing.FALSE)),
                          sp.CreditRule("sales")]))
        quotas = [sp.Quota("ana", "logos", Q1, 5)]
        base = sp.Baseline.of(plan, [deal("D-1", "2026-01-10", 10_000),
                                     {**deal("L-1", "2026-01-11", 1), "kind": "logo"}],
                              Q1, payees=ANA, quotas=quotas)
        (gate,) = sp.what_if(base, "ana", []).ahead
        assert (gate.reach, gate.measure, gate.more, gate.more_attainment) == (
            sp.Reach.GATE, "logos", None, D("0.6"))  # 1 of 5 is 20 %, the gate is at 80 %
        assert gate.text == "logos needs 60 % more of its quota to open the gate at 80 %"

    def test_a_bonus_shows_its_next_step_and_gate(self) -> None:
        plan = sp.compile_plan(sp.Plan("ae", [sp.TargetBonus(
            "b", sp.Curve([(0, 0), ("0.5", "0.4"), (1, 1)], kind=sp.CurveKind.STEPS),
            gate=sp.Gate("0.3"))]))
        incentives = [sp.TargetIncentive("ana", Q1, 10_000)]
        base = sp.Baseline.of(plan, [deal("D-1", "2026-01-10", 20_000)], Q1, payees=ANA,
                              quotas=QUOTAS, target_incentives=incentives)
        step, gate = sp.what_if(base, "ana", []).ahead
        assert (step.reach, step.at, step.more, step.rate) == (
            sp.Reach.POINT, D(50_000), D(30_000), D("0.4"))
        assert step.text == ("30,000.00 more revenue reaches the 50 % step, paying 40 % of "
                             "target incentive")
        assert (gate.reach, gate.at, gate.more) == (sp.Reach.GATE, D(30_000), D(10_000))

    def test_a_deal_dated_before_others_moves_them_up_the_tiers(self) -> None:
        """The change is more than the record's own line when it lifts later lines."""
        plan = sp.compile_plan(sp.Plan("ae", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.05"), sp.Tier(50_000, "0.10")]))]))
        base = sp.Baseline.of(plan, [deal("D-1", "2026-02-10", 40_000)], Q1, payees=ANA)
        w = sp.what_if(base, "ana", [deal("X-1", "2026-01-05", 30_000)])
        # X-1 comes first: 30,000 at 5 % = 1,500; D-1 now runs 30,000 → 70,000: 20,000 at 5 %
        # + 20,000 at 10 % = 3,000 instead of 2,000.
        assert w.records[0].earned == D("1500.00")
        assert w.change == D("2500.00")

    def test_a_record_that_does_not_credit_the_payee_earns_nothing_and_says_why(self) -> None:
        base = sp.Baseline.of(tiered(), SO_FAR, Q1, payees=ANA, quotas=QUOTAS)
        w = sp.what_if(base, "ana", [deal("X-1", "2026-04-01", 5_000)])
        (x1,) = w.records
        assert (x1.earned, x1.lines, w.change) == (D(0), (), D(0))
        assert [e.reason for e in x1.exclusions] == [
            "dated 2026-04-01, outside the plan year 2026 through 2026-Q1"]

    def test_a_record_id_already_in_the_baseline_is_a_data_error(self) -> None:
        base = sp.Baseline.of(tiered(), SO_FAR, Q1, payees=ANA, quotas=QUOTAS)
        with pytest.raises(sp.DataError, match="D-1"):
            sp.what_if(base, "ana", [deal("D-1", "2026-03-01", 5_000)])

    def test_an_id_of_another_payee_s_record_is_a_data_error_too(self) -> None:
        """Only the payee's credits are merged, but every id of the baseline is checked."""
        base = sp.Baseline.of(tiered(), SO_FAR, Q1, payees=ANA, quotas=QUOTAS)
        with pytest.raises(sp.DataError, match="D-3"):
            sp.what_if(base, "ana", [deal("D-3", "2026-03-01", 5_000)])

    def test_a_baseline_made_from_credits_gives_the_same_what_if(self) -> None:
        plan = tiered()
        credited = plan.credit(SO_FAR, Q1, payees=ANA)
        made = sp.Baseline(plan, credited, sp.Hierarchy.of(ANA), quotas=tuple(QUOTAS))
        extra = [deal("X-1", "2026-03-01", 20_000)]
        assert sp.what_if(made, "ana", extra).to_dict() == self.result().to_dict()
        with pytest.raises(sp.DataError, match="D-3"):
            sp.what_if(made, "ana", [deal("D-3", "2026-03-01", 5_000)])

    def test_explain_and_plain_data(self) -> None:
        w = self.result()
        text = w.explain()
        assert text.splitlines()[0] == ("What-if for ana, 2026-Q1: earned 4,380.00 → "
                                        "5,608.00 (+1,228.00)")
        assert "next: 42,400.00 more revenue reaches the 10 % tier" in text
        data = w.to_dict()
        assert data["change"] == "1228.00"
        assert data["records"][0]["earned"] == "1228.00"
        assert data["ahead_before"][0]["more"] == "12400"

    def test_baseline_earn_rejects_an_unknown_input(self) -> None:
        base = sp.Baseline.of(tiered(), SO_FAR, Q1, payees=ANA, quotas=QUOTAS)
        with pytest.raises(sp.DefinitionError, match="quota: not an input of earn"):
            base.earn(quota=[])


class TestWhatIfIsEvaluatingWithTheRecordsAdded:
    @given(plans(), records(), st.sampled_from(QUARTERS), st.data())
    def test_the_statement_after_is_the_evaluation_with_the_records_added(
            self, plan: sp.Plan, recs: list[Any], period: str, data: st.DataObject) -> None:
        compiled = sp.compile_plan(plan)
        extra = [{"id": f"H-{i}", "date": data.draw(st.dates(dt.date(2026, 1, 1),
                                                             dt.date(2026, 12, 31))),
                  "payee": "ana", "product": data.draw(st.sampled_from(["a", "b"])),
                  "amount": data.draw(st.decimals("0", "80000", places=2))}
                 for i in range(data.draw(st.integers(1, 3)))]
        kw = inputs(40_000)
        try:
            whole = compiled.evaluate([*recs, *extra], period, **kw).statement("ana")
            before = compiled.evaluate(recs, period, **kw).statement("ana")
        except sp.SalesperfError:
            return  # an input the engine rejects: nothing to compare
        base = sp.Baseline.of(compiled, recs, period, **kw)
        w = sp.what_if(base, "ana", extra)
        assert w.after.to_dict() == whole.to_dict()
        assert w.before.to_dict() == before.to_dict()
        assert w.change == whole.earned - before.earned
        for r in w.records:
            assert r.earned == sum((line.amount for line in whole.lines
                                    if line.record == r.record), D(0))


class TestDistancesAreExact:
    """A record of exactly the distance reaches what it names: the next tier's lower bound
    (so it lands in that tier) or the cap (so the component earns exactly the cap)."""

    @given(st.sets(st.integers(1, 90_000), min_size=1, max_size=3),
           st.lists(st.decimals("0.01", "0.2", places=3), min_size=4, max_size=4),
           st.sampled_from(list(sp.TierMode)), st.decimals("0", "60000", places=2),
           st.sampled_from([None, "2000", "7500"]), st.integers(0, 3))
    def test_a_record_of_the_distance_reaches_it(
            self, uppers: set[int], rates: list[Decimal], mode: sp.TierMode, so_far: Decimal,
            cap: str | None, through: int) -> None:
        bounds = [0, *sorted(uppers)]
        table = sp.RateTable([sp.Tier(b, r) for b, r in zip(bounds, rates, strict=False)], mode,
                             retroactive_through=min(through, len(bounds) - 1)
                             if mode is sp.TierMode.HYBRID else None)
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission(
            "c", table, cap=None if cap is None else sp.Cap(per_period=cap))]))
        base = sp.Baseline.of(plan, [deal("D-1", "2026-01-10", str(so_far))], Q1, payees=ANA)
        for d in sp.what_if(base, "ana", []).ahead:
            assert d.more is not None
            assert d.more > 0 or d.reach is sp.Reach.CAP
            if d.more == 0:
                continue
            w = sp.what_if(base, "ana", [deal("X-1", "2026-02-10", str(d.more))])
            (line,) = w.records[0].lines
            assert D(line.trace["cumulative_after"]) == d.at
            if d.reach is sp.Reach.TIER:
                assert line.trace["tier"] == str(bounds.index(int(d.at or 0)) + 1)
            else:
                earned = sum((ln.exact for ln in w.after.lines), D(0))
                assert earned == D(cap or 0)


def test_the_what_if_benchmark_runs_and_finds_the_statements_equal(
        capsys: pytest.CaptureFixture[str]) -> None:
    """`benchmarks/whatif.py` at a smoke size: it exits 0 only when the what-if's statement
    equals the full evaluation's (timings are not checked here)."""
    path = Path(__file__).parent.parent / "benchmarks" / "whatif.py"
    spec = importlib.util.spec_from_file_location("whatif_benchmark", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--deals", "600", "--reps", "20", "--repeats", "1"]) == 0
    assert "statement after equals the full evaluation's: True" in capsys.readouterr().out
