"""Plan versions inside a period: each record is credited and earns under the version in
force on its date; cumulative measures and year-to-date attainment run on across the change;
every line says which version it used.

Issue "Pay across periods" (plan versions inside a period); DESIGN.md "Effective-dated
versions".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import salesperf as sp

D = Decimal
Q1 = "2026-Q1"
ANA = [sp.Payee("ana")]
CHANGE = dt.date(2026, 2, 15)


def version(number: int, *tiers: tuple[object, str], start: dt.date | None = None,
            **fields: Any) -> sp.Plan:
    return sp.Plan("ae", [sp.Commission("c", sp.RateTable(
        [sp.Tier(lower, rate) for lower, rate in tiers]))], version=number,
        effective_from=start, **fields)


def deal(rid: str, day: dt.date, amount: object, **fields: Any) -> dict[str, Any]:
    return {"id": rid, "date": day, "payee": "ana", "amount": D(str(amount)), **fields}


V1 = version(1, (0, "0.10"))
V2_RATES = sp.RateTable([sp.Tier(0, "0.10"), sp.Tier(80_000, "0.20")])
V2 = version(2, (0, "0.10"), (80_000, "0.20"), start=CHANGE)
DEALS = [deal("D-1", dt.date(2026, 1, 10), 50_000), deal("D-2", dt.date(2026, 3, 1), 50_000)]


class TestEarningUnderTheVersionInForce:
    def test_each_record_earns_under_its_date_s_version_and_the_measure_runs_on(self) -> None:
        """D-1 (v1, 10 %) earns 5,000. D-2 falls under v2, whose accelerator starts at
        80,000; the measure runs on from 50,000, so D-2 earns 30,000 × 10 % + 20,000 × 20 %
        = 7,000."""
        lines = sp.compile_plan([V1, V2]).evaluate(DEALS, Q1, payees=ANA).statement("ana").lines
        assert [(line.record, line.amount, line.trace["version"]) for line in lines] == [
            ("D-1", D("5000.00"), 1), ("D-2", D("7000.00"), 2)]
        assert lines[1].trace["cumulative_before"] == "50000"
        assert lines[1].explanation.endswith("; under plan version 2 = 7,000.00")

    def test_a_spiff_pays_and_says_the_amount_of_its_record_s_version(self) -> None:
        def spiffed(number: int, amount: int, start: dt.date | None) -> sp.Plan:
            return sp.Plan("ae", [sp.Spiff("s", sp.Eq("logo", True, sp.Missing.FALSE),
                                           amount=amount)], version=number,
                           effective_from=start)
        plan = sp.compile_plan([spiffed(1, 100, None), spiffed(2, 200, CHANGE)])
        lines = plan.evaluate([deal(r, d, 10, logo=True) for r, d in (
            ("D-1", dt.date(2026, 1, 10)), ("D-2", dt.date(2026, 3, 1)))], Q1,
            payees=ANA).statement("ana").lines
        assert [(line.amount, line.explanation) for line in lines] == [
            (D("100.00"), "D-1 on 2026-01-10: SPIFF s: 100.00 × 100 % share = 100.00"),
            (D("200.00"), "D-2 on 2026-03-01: SPIFF s: 200.00 × 100 % share = 200.00")]

    def test_a_clawback_s_trace_names_the_version_it_was_credited_under(self) -> None:
        records = [*DEALS, deal("X-1", dt.date(2026, 1, 20), -25_000, reverses="D-1")]
        lines = sp.compile_plan([V1, V2]).evaluate(records, Q1, payees=ANA).statement(
            "ana").lines
        undo = next(line for line in lines if line.record == "X-1")
        assert (undo.amount, undo.trace["kind"], undo.trace["version"]) == (
            D("-2500.00"), "clawback", 1)

    def test_a_target_bonus_pays_under_the_version_in_force_on_the_period_s_last_day(
            self) -> None:
        def bonus(number: int, top: str, start: dt.date | None) -> sp.Plan:
            return sp.Plan("ae", [sp.TargetBonus("b", sp.Curve([(0, 0), (1, top)]))],
                           version=number, effective_from=start)
        plan = sp.compile_plan([bonus(1, "1", None), bonus(2, "2", CHANGE)])
        st_ = plan.evaluate(DEALS[:1], Q1, payees=ANA,
                            quotas=[sp.Quota("ana", "revenue", Q1, 100_000)],
                            target_incentives=[sp.TargetIncentive("ana", Q1, 1000)]
                            ).statement("ana")
        assert st_.earned == D("1000.00")  # 50 % on version 2's curve: 2 × 0.5 × 1,000

    def test_a_per_record_commission_earns_under_each_record_s_version(self) -> None:
        per_record = []
        for v in (V1, V2):
            (commission,) = v.components
            assert isinstance(commission, sp.Commission)
            per_record.append(attrs.evolve(v, components=[attrs.evolve(
                commission, application=sp.Application.PER_RECORD)]))
        deals = [*DEALS, deal("D-3", dt.date(2026, 3, 2), 90_000)]
        lines = sp.compile_plan(per_record).evaluate(deals, Q1, payees=ANA).statement(
            "ana").lines
        # each on its own: v1 10 % on D-1; v2 10 % to 80,000 and 20 % above on D-2 and D-3
        assert [line.amount for line in lines] == [D("5000.00"), D("5000.00"), D("10000.00")]

    def test_a_per_record_cap_holds_across_versions(self) -> None:
        capped = [attrs.evolve(v, components=[sp.Commission("c", sp.RateTable(
            [sp.Tier(0, rate)]), cap=sp.Cap(per_record=3000))]) for v, rate in (
            (V1, "0.10"), (V2, "0.20"))]
        lines = sp.compile_plan(capped).evaluate(DEALS, Q1, payees=ANA).statement(
            "ana").lines
        assert [line.amount for line in lines] == [D("3000.00"), D("3000.00")]
        assert lines[1].explanation.endswith(
            "; capped at 3,000.00 per record; under plan version 2 = 3,000.00")

    def test_attainment_tiers_read_the_payee_s_quota_under_each_version(self) -> None:
        versions = [attrs.evolve(v, components=[sp.Commission("c", sp.RateTable(
            [sp.Tier(0, rate)], basis=sp.BoundBasis.ATTAINMENT))]) for v, rate in (
            (V1, "0.10"), (V2, "0.20"))]
        lines = sp.compile_plan(versions).evaluate(
            DEALS, Q1, payees=ANA, quotas=[sp.Quota("ana", "revenue", Q1, 100_000)]
        ).statement("ana").lines
        assert [(line.amount, line.trace["quota"], line.trace["attainment_after"])
                for line in lines] == [(D("5000.00"), "100000", "0.5"),
                                       (D("10000.00"), "100000", "1")]

    def test_one_version_alone_writes_no_version(self) -> None:
        lines = sp.compile_plan(V1).evaluate(DEALS, Q1, payees=ANA).statement("ana").lines
        assert "version" not in lines[0].trace

    def test_crediting_rules_change_with_the_version(self) -> None:
        """v2 credits services at half: the January deal counts whole, the March one half."""
        half = attrs.evolve(V2, credit_rules=[
            sp.CreditRule("services", where=sp.Eq("kind", "services"), factor="0.5"),
            sp.CreditRule("rest")])
        records = [deal("D-1", dt.date(2026, 1, 10), 10_000, kind="services"),
                   deal("D-2", dt.date(2026, 3, 1), 10_000, kind="services")]
        ev = sp.compile_plan([V1, half]).evaluate(records, Q1, payees=ANA)
        assert [(c.record, c.amount, c.rule) for c in ev.credits] == [
            ("D-1", D("10000"), "all"), ("D-2", D("5000.0"), "services")]

    def test_a_record_before_the_first_version_is_excluded(self) -> None:
        late = attrs.evolve(V1, effective_from=dt.date(2026, 1, 15))
        ev = sp.compile_plan([late, V2]).evaluate(DEALS, Q1, payees=ANA)
        assert [e.reason for e in ev.exclusions] == [
            "dated 2026-01-10, outside plan ae v1–v2's effective dates"]

    def test_a_request_with_several_versions_of_the_chosen_plan_uses_them_all(self) -> None:
        document = {"format": "salesperf.request", "period": Q1, "plan_id": "ae",
                    "plans": [sp.dump_plan(V2), sp.dump_plan(V1)], "payees": [{"id": "ana"}],
                    "records": [{"id": d["id"], "date": d["date"].isoformat(), "payee": "ana",
                                 "amount": str(d["amount"])} for d in DEALS]}
        request, records = sp.load_request(document)
        assert sp.evaluate_request(request, records)["statements"][0]["earned"] == "12000.00"


class TestVersionProblems:
    @pytest.mark.parametrize(("versions", "problem"), [
        ([V1, attrs.evolve(V2, effective_from=None)],
         "versions[1].effective_from: a later version needs the date it takes effect"),
        ([V1, attrs.evolve(V2, version=1)], "versions[1].version: must be greater than 1, got 1"),
        ([V1, attrs.evolve(V2, id="other")],
         "versions[1].id: must be the same in every version, as in versions[0]: 'ae'"),
        ([attrs.evolve(V1, effective_until=dt.date(2026, 2, 1)), V2],
         ("versions[0].effective_until: must be the day before the next version takes effect "
          "(2026-02-15), or left open")),
        ([V1, attrs.evolve(V2, components=[sp.Commission("d", V2_RATES)])],
         "versions[1].components: every version has the same components, in the same order: c"),
        ([V1, attrs.evolve(V2, components=[sp.Commission(
            "c", V2_RATES, window=sp.Window.YEAR_TO_DATE)])],
         ("versions[1].components[0].window: must be the same in every version, as in "
          "versions[0]: <Window.PERIOD: 'period'>")),
    ])
    def test_versions_that_do_not_fit_together_are_reported_with_their_path(
            self, versions: list[sp.Plan], problem: str) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.compile_plan(versions)
        assert [str(p) for p in err.value.problems] == [problem]


class TestMovingBetweenPlans:
    def test_a_payee_moving_to_another_plan_mid_period_splits_it_each_part_prorated(
            self) -> None:
        """Ana leaves plan A on 14 February and joins plan B on the 15th: each plan measures
        her part of the quarter against its share of the quota (45 and 45 of 90 days)."""
        def plan(pid: str) -> sp.CompiledPlan:
            return sp.compile_plan(sp.Plan(pid, [sp.TargetBonus("bonus", sp.Curve(
                [(0, 0), (1, 1)]))], proration=sp.ProrationBasis.CALENDAR_DAYS))
        inputs: dict[str, Any] = {
            "payees": ANA, "quotas": [sp.Quota("ana", "revenue", Q1, 90_000)],
            "target_incentives": [sp.TargetIncentive("ana", Q1, 9000)]}
        a = plan("a").evaluate(DEALS, Q1, assignments=[
            sp.Assignment("ana", end=dt.date(2026, 2, 14))], **inputs).statement("ana")
        b = plan("b").evaluate(DEALS, Q1, assignments=[
            sp.Assignment("ana", start=CHANGE)], **inputs).statement("ana")
        assert (a.lines[0].trace["quota"], b.lines[0].trace["quota"]) == ("45000", "45000")
        assert (a.lines[0].trace["credited"], b.lines[0].trace["credited"]) == ("50000",
                                                                                "50000")


class TestVersionProperties:
    @given(st.lists(st.tuples(st.dates(dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
                              st.integers(1, 60_000)), max_size=8))
    def test_identical_versions_change_nothing(self, raw: list[tuple[dt.date, int]]) -> None:
        """A second version equal to the first (but for its number and date) pays exactly
        what the plan alone pays: the measure runs on across the change."""
        records = [deal(f"D-{i}", day, amount) for i, (day, amount) in enumerate(raw)]
        same = attrs.evolve(version(2, (0, "0.10"), (80_000, "0.20")), effective_from=CHANGE)
        alone = version(1, (0, "0.10"), (80_000, "0.20"))
        one = sp.compile_plan(alone).evaluate(records, Q1, payees=ANA).statement("ana")
        two = sp.compile_plan([alone, same]).evaluate(records, Q1, payees=ANA).statement("ana")
        assert [(line.record, line.exact) for line in one.lines] == [
            (line.record, line.exact) for line in two.lines]
