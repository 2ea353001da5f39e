"""The commission engine: crediting, rate tables, modifiers, bonuses, statements and true-ups.

Behaviour is checked through the public API (`import salesperf as sp`) against DESIGN.md
("Crediting", "Rates and tiers", "Across periods") and issue 4. The published worked examples
of shared/examples/commission-examples.md each have their own test in
`TestCommissionExamples`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import attrs
import pytest

import salesperf as sp

D = Decimal
Q1, Q2, Q3, Q4 = "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"
MARGINAL = sp.TierMode.MARGINAL
RETROACTIVE = sp.TierMode.RETROACTIVE
HYBRID = sp.TierMode.HYBRID
ATTAINMENT = sp.BoundBasis.ATTAINMENT
YTD = sp.Window.YEAR_TO_DATE
STEPS = sp.CurveKind.STEPS


# -- helpers -----------------------------------------------------------------------------------


def day(month: int, d: int = 15) -> dt.date:
    return dt.date(2026, month, d)


def deal(rid: str, when: dt.date, amount: object, payee: str | Sequence[str] = "ana",
         **attributes: object) -> sp.Record:
    payees = (payee,) if isinstance(payee, str) else tuple(payee)
    return sp.Record(rid, when, payees, D(str(amount)), None, attributes)


def table(*tiers: tuple[object, object], mode: sp.TierMode = MARGINAL,
          basis: sp.BoundBasis = sp.BoundBasis.AMOUNT,
          through: int | None = None) -> sp.RateTable:
    return sp.RateTable([sp.Tier(lower, rate) for lower, rate in tiers], mode, basis, through)


def flat(rate: object) -> sp.RateTable:
    return table((0, rate))


def compiled(*components: sp.Component, **plan: Any) -> sp.CompiledPlan:
    return sp.compile_plan(sp.Plan("plan", components, **plan))


def quota(amount: object, period: str = Q1, payee: str = "ana",
          measure: str = "revenue") -> sp.Quota:
    return sp.Quota(payee, measure, period, amount)


def incentive(amount: object, period: str = Q1, payee: str = "ana",
              component: str | None = None) -> sp.TargetIncentive:
    return sp.TargetIncentive(payee, period, amount, component)


def run(plan: sp.CompiledPlan, records: Iterable[sp.Record | Mapping[str, object]],
        period: str = Q1,
        **inputs: Any) -> sp.Evaluation:
    if "hierarchy" not in inputs:
        inputs.setdefault("payees", [sp.Payee("ana")])
    return plan.evaluate(records, period, **inputs)


def statement(plan: sp.CompiledPlan, records: Iterable[sp.Record], period: str = Q1,
              payee: str = "ana", **inputs: Any) -> sp.Statement:
    return run(plan, records, period, **inputs).statement(payee)


def amounts(st: sp.Statement) -> list[Decimal]:
    return [line.amount for line in st.lines]


def credited(ev: sp.Evaluation, payee: str, measure: str = "revenue") -> Decimal:
    return sum((c.amount for c in ev.credits if c.payee == payee and c.measure == measure), D(0))


THIRD = D(1) / D(3)
# A second measure, for gates and multipliers: each new-logo record credits 1 new logo.
LOGOS_RULES = (sp.CreditRule("sales", where=sp.Ne("kind", "logo", sp.Missing.TRUE)),
               sp.CreditRule("logos", "new_logos", sp.Eq("kind", "logo", sp.Missing.FALSE)))


def logos(count: int, month: int = 2) -> list[sp.Record]:
    return [deal(f"L-{i}", day(month, 1 + i % 28), 1, kind="logo") for i in range(count)]


# -- the published examples --------------------------------------------------------------------


class TestCommissionExamples:
    """shared/examples/commission-examples.md, examples A-G, one test each."""

    def test_example_a_marginal_pays_each_slice_at_its_own_rate(self) -> None:
        """shared/examples/commission-examples.md, example A (marginal): 14,500."""
        plan = compiled(sp.Commission("c", table((0, "0.10"), (1, "0.15"), basis=ATTAINMENT)))
        records = [deal("D-1", day(1), 50_000), deal("D-2", day(2), 50_000),
                   deal("D-3", day(3), 30_000)]
        st = statement(plan, records, quotas=[quota(100_000)])
        assert st.earned == D("14500.00")
        assert amounts(st) == [D("5000.00"), D("5000.00"), D("4500.00")]

    def test_example_a_retroactive_pays_the_whole_measure_at_the_tier_reached(self) -> None:
        """shared/examples/commission-examples.md, example A (retroactive): 19,500."""
        plan = compiled(sp.Commission("c", table((0, "0.10"), (1, "0.15"), mode=RETROACTIVE,
                                                 basis=ATTAINMENT)))
        records = [deal("D-1", day(1), 50_000), deal("D-2", day(2), 50_000),
                   deal("D-3", day(3), 30_000)]
        st = statement(plan, records, quotas=[quota(100_000)])
        assert st.earned == D("19500.00")
        # D-2 reaches quota: it carries the retroactive uplift of D-1 (50,000 × 5 %).
        assert amounts(st) == [D("5000.00"), D("10000.00"), D("4500.00")]

    def test_example_b_amount_tiers_marginal(self) -> None:
        """shared/examples/commission-examples.md, example B: 9,200."""
        plan = compiled(sp.Commission("c", table((0, "0.04"), (200_000, "0.06"))))
        st = statement(plan, [deal("D-1", day(1), 150_000), deal("D-2", day(2), 70_000)])
        assert st.earned == D("9200.00")
        assert amounts(st) == [D("6000.00"), D("3200.00")]

    def test_example_c_three_tiers_one_transaction_marginal(self) -> None:
        """shared/examples/commission-examples.md, example C (split tiers): 1,200."""
        rates = table((0, "0.01"), (10_000, "0.02"), (50_000, "0.03"))
        st = statement(compiled(sp.Commission("c", rates)), [deal("D-1", day(1), 60_000)])
        assert st.earned == D("1200.00")
        trace = st.lines[0].trace
        assert [(t["tier"], t["slice"]) for t in trace["tiers"]] == [
            ("1", "10000"), ("2", "40000"), ("3", "10000")]

    def test_example_c_three_tiers_one_transaction_retroactive(self) -> None:
        """shared/examples/commission-examples.md, example C (unsplit tiers): 1,800."""
        rates = table((0, "0.01"), (10_000, "0.02"), (50_000, "0.03"), mode=RETROACTIVE)
        st = statement(compiled(sp.Commission("c", rates)), [deal("D-1", day(1), 60_000)])
        assert st.earned == D("1800.00")

    def test_example_d_stepped_accelerators(self) -> None:
        """shared/examples/commission-examples.md, example D: 8,250."""
        rates = table((0, "0.05"), (1, "0.06"), ("1.25", "0.07"), basis=ATTAINMENT)
        st = statement(compiled(sp.Commission("c", rates)), [deal("D-1", day(1), 150_000)],
                       quotas=[quota(100_000)])
        assert st.earned == D("8250.00")

    def test_example_e_target_incentive_accelerator(self) -> None:
        """shared/examples/commission-examples.md, example E: 130 % pays 145,000."""
        curve = sp.Curve([(0, 0), (1, 1), (2, "2.5")], extrapolate=True)
        plan = compiled(sp.TargetBonus("bonus", curve))
        st = statement(plan, [deal("D-1", day(1), 650_000)], quotas=[quota(500_000)],
                       target_incentives=[incentive(100_000)])
        assert st.earned == D("145000.00")
        trace = st.lines[0].trace
        assert (trace["attainment"], trace["payout_fraction"]) == ("1.3", "1.45")

    def test_example_e_decelerator_below_quota(self) -> None:
        """shared/examples/commission-examples.md, example E: a decelerator paying 0.5 points
        of target incentive per point of attainment pays 20,000 at 40 %."""
        plan = compiled(sp.TargetBonus("bonus", sp.Curve([(0, 0), (1, "0.5")])))
        st = statement(plan, [deal("D-1", day(1), 200_000)], quotas=[quota(500_000)],
                       target_incentives=[incentive(100_000)])
        assert st.earned == D("20000.00")

    def test_example_f_a_split_credits_each_payee_its_share(self) -> None:
        """shared/examples/commission-examples.md, example F: 60/40 of 10,000."""
        plan = compiled(sp.Commission("c", flat("0.1")))
        record = deal("D-1", day(1), 10_000, ("ana", "ben"), split={"ana": "0.6", "ben": "0.4"})
        ev = run(plan, [record], payees=[sp.Payee("ana"), sp.Payee("ben")])
        assert (credited(ev, "ana"), credited(ev, "ben")) == (D("6000.0"), D("4000.0"))
        assert ev.statement("ana").earned == D("600.00")
        assert ev.statement("ben").earned == D("400.00")

    def test_example_f_a_split_not_totalling_100_percent_is_an_error(self) -> None:
        """shared/examples/commission-examples.md, example F: a 90 % split names the record
        and the total."""
        plan = compiled(sp.Commission("c", flat("0.1")))
        record = deal("D-1", day(1), 10_000, ("ana", "ben"), split={"ana": "0.6", "ben": "0.3"})
        with pytest.raises(sp.DataError) as err:
            run(plan, [record], payees=[sp.Payee("ana"), sp.Payee("ben")])
        assert err.value.record_id == "D-1"
        assert err.value.field == "split"
        assert "got 0.9" in str(err.value)

    def test_example_g_lines_are_rounded_cumulatively(self) -> None:
        """shared/examples/commission-examples.md, example G: thirds of 1.00 are 0.33, 0.34,
        0.33 and add up to 1.00."""
        plan = compiled(sp.Commission("c", flat(THIRD)))
        records = [deal(f"D-{i}", day(1, i), 1) for i in (1, 2, 3)]
        st = statement(plan, records)
        assert amounts(st) == [D("0.33"), D("0.34"), D("0.33")]
        assert st.earned == D("1.00")
        # Each line stays within a cent of its exact value.
        assert all(abs(line.amount - line.exact) < D("0.01") for line in st.lines)


# -- rate tables -------------------------------------------------------------------------------


class TestRateTables:
    def test_a_flat_table_pays_one_rate_on_everything(self) -> None:
        st = statement(compiled(sp.Commission("c", flat("0.075"))),
                       [deal("D-1", day(1), 1000), deal("D-2", day(2), 3000)])
        assert amounts(st) == [D("75.00"), D("225.00")]

    @pytest.mark.parametrize(("sales", "expected"), [
        ("99999.99", "9999.999"),  # just below the boundary: the lower tier
        ("100000", "15000"),  # on the boundary: the higher tier
        ("100000.01", "15000.0015"),
    ])
    def test_a_value_on_a_boundary_belongs_to_the_higher_tier(self, sales: str,
                                                              expected: str) -> None:
        plan = compiled(sp.Commission("c", table((0, "0.10"), (1, "0.15"), mode=RETROACTIVE,
                                                 basis=ATTAINMENT)))
        st = statement(plan, [deal("D-1", day(1), sales)], quotas=[quota(100_000)])
        assert st.lines[0].exact == D(expected)

    def test_a_refund_s_slices_are_taken_back_and_say_so(self) -> None:
        """A refund moves the measure down through the tiers: 110,000 → 90,000 takes back
        10,000 at 8 % and 10,000 at 5 %. Its sentence read "10,000.00 at 5 % + 10,000.00
        at 8 % = -1,300.00", as if it paid (found reading a refund in tests/golden/)."""
        plan = compiled(sp.Commission("c", table((0, "0.05"), (100_000, "0.08"))))
        st = statement(plan, [deal("D-1", day(1), 110_000), deal("R-1", day(2), -20_000)])
        refund = st.lines[1]
        assert refund.amount == D("-1300.00")
        assert refund.explanation.endswith(
            ": -10,000.00 at 5 % + -10,000.00 at 8 % = -1,300.00")
        assert [t["slice"] for t in refund.trace["tiers"]] == ["-10000", "-10000"]
        one_tier = statement(plan, [deal("D-1", day(1), 50_000), deal("R-1", day(2), -2_000)])
        assert one_tier.lines[1].explanation.endswith(": -2,000.00 at 5 % = -100.00")

    def test_on_the_boundary_the_trace_names_the_higher_tier(self) -> None:
        plan = compiled(sp.Commission("c", table((0, "0.04"), (200_000, "0.06"))))
        st = statement(plan, [deal("D-1", day(1), 200_000)])
        assert (st.lines[0].trace["tier"], st.lines[0].trace["rate"]) == ("2", "0.06")

    @pytest.mark.parametrize(("sales", "expected"), [
        (50_000, "2500"),  # tier 1, retroactive zone
        (150_000, "15000"),  # tier 2 reached: all of it at 10 %
        (200_000, "20000"),  # the end of the retroactive zone
        (250_000, "30000"),  # 200,000 at 10 % + 50,000 at 20 % marginal
    ])
    def test_hybrid_is_retroactive_through_the_named_tier_and_marginal_above(
            self, sales: int, expected: str) -> None:
        rates = table((0, "0.05"), (100_000, "0.10"), (200_000, "0.20"), mode=HYBRID, through=1)
        st = statement(compiled(sp.Commission("c", rates)), [deal("D-1", day(1), sales)])
        assert st.lines[0].exact == D(expected)

    def test_hybrid_lies_between_marginal_and_retroactive(self) -> None:
        tiers = ((0, "0.05"), (100_000, "0.10"), (200_000, "0.20"))
        records = [deal("D-1", day(1), 250_000)]
        paid = {mode: statement(compiled(sp.Commission(
            "c", table(*tiers, mode=mode, through=1 if mode is HYBRID else None))),
            records).earned for mode in sp.TierMode}
        assert paid[MARGINAL] == D("25000.00")
        assert paid[HYBRID] == D("30000.00")
        assert paid[RETROACTIVE] == D("50000.00")

    def test_hybrid_is_continuous_where_the_marginal_part_starts(self) -> None:
        rates = table((0, "0.05"), (100_000, "0.10"), (200_000, "0.20"), mode=HYBRID, through=1)
        plan = compiled(sp.Commission("c", rates))
        below = statement(plan, [deal("D-1", day(1), "199999.99")]).lines[0].exact
        at = statement(plan, [deal("D-1", day(1), 200_000)]).lines[0].exact
        assert D(0) < at - below <= D("0.01")

    def test_hybrid_lines_explain_both_sides_of_the_difference(self) -> None:
        rates = table((0, "0.05"), (100, "0.10"), (200, "0.20"), mode=HYBRID, through=1)
        st = statement(compiled(sp.Commission("c", rates)),
                       [deal("D-1", day(1), 150), deal("D-2", day(2), 100)])
        assert amounts(st) == [D("15.00"), D("15.00")]
        assert "30.00 on 250.00 − 15.00 on 150.00" in st.lines[1].explanation

    def test_a_retroactive_uplift_lands_on_the_record_that_crosses_the_boundary(self) -> None:
        rates = table((0, "0.10"), (1, "0.15"), mode=RETROACTIVE, basis=ATTAINMENT)
        records = [deal("D-2", day(2), 50_000), deal("D-1", day(1), 60_000)]
        st = statement(compiled(sp.Commission("c", rates)), records, quotas=[quota(100_000)])
        assert [line.record for line in st.lines] == ["D-1", "D-2"]
        # 110,000 × 15 % − 60,000 × 10 %
        assert amounts(st) == [D("6000.00"), D("10500.00")]

    def test_records_on_one_day_are_ordered_by_id(self) -> None:
        rates = table((0, "0.10"), (100, "0.20"), mode=RETROACTIVE)
        records = [deal("B", day(1), 60), deal("A", day(1), 60)]
        st = statement(compiled(sp.Commission("c", rates)), records)
        assert [(line.record, line.amount) for line in st.lines] == [
            ("A", D("6.00")), ("B", D("18.00"))]

    def test_attainment_bounds_move_with_the_quota(self) -> None:
        plan = compiled(sp.Commission("c", table((0, "0.10"), (1, "0.15"), basis=ATTAINMENT)))
        records = [deal("D-1", day(1), 130_000)]
        assert statement(plan, records, quotas=[quota(100_000)]).earned == D("14500.00")
        assert statement(plan, records, quotas=[quota(200_000)]).earned == D("13000.00")


class TestApplication:
    def test_per_record_tiers_apply_to_each_record_alone(self) -> None:
        rates = table((0, "0.01"), (10_000, "0.02"), mode=RETROACTIVE)
        records = [deal("D-1", day(1), 5000), deal("D-2", day(2), 20_000)]
        per_record = compiled(sp.Commission("c", rates, application=sp.Application.PER_RECORD))
        cumulative = compiled(sp.Commission("c", rates))
        assert amounts(statement(per_record, records)) == [D("50.00"), D("400.00")]
        assert amounts(statement(cumulative, records)) == [D("50.00"), D("450.00")]

    def test_per_record_marginal_tiers_slice_each_record(self) -> None:
        rates = table((0, "0.01"), (10_000, "0.02"))
        plan = compiled(sp.Commission("c", rates, application=sp.Application.PER_RECORD))
        st = statement(plan, [deal("D-1", day(1), 5000), deal("D-2", day(2), 20_000)])
        assert amounts(st) == [D("50.00"), D("300.00")]

    def test_a_period_window_starts_every_period_from_nothing(self) -> None:
        rates = table((0, "0.10"), (1000, "0.20"), mode=RETROACTIVE)
        records = [deal("D-1", day(1), 900), deal("D-2", day(4), 900)]
        ev = run(compiled(sp.Commission("c", rates)), records, Q2)
        assert [st.earned for st in ev.earlier] == [D("90.00")]
        q2 = ev.statement("ana")
        assert amounts(q2) == [D("90.00")]  # no true-up of Q1, and 900 is still tier 1
        assert (q2.earned_ytd, q2.paid_before, q2.payable) == (D("180.00"), D("90.00"),
                                                             D("90.00"))


# -- across periods ----------------------------------------------------------------------------


class TestHybridWords:
    def test_a_hybrid_line_says_through_which_tier_it_is_retroactive(self) -> None:
        plan = compiled(sp.Commission("c", table((0, "0.05"), (1000, "0.10"), (2000, "0.2"),
                                                 mode=HYBRID, through=0)))
        st = statement(plan, [deal("D-1", day(1), 1500)])
        assert "(retroactive through tier 1, marginal above)" in st.lines[0].explanation


class TestYearToDate:
    def plan(self) -> sp.CompiledPlan:
        return compiled(sp.Commission("c", table((0, "0.05"), (1, "0.10"), mode=RETROACTIVE,
                                                 basis=ATTAINMENT), window=YTD))

    def inputs(self) -> dict[str, Any]:
        return {"quotas": [quota(100_000, Q1), quota(200_000, Q2)]}

    def records(self) -> list[sp.Record]:
        return [deal("D-1", day(2), 120_000), deal("D-2", day(5), 200_000)]

    def test_a_true_up_line_recomputes_earlier_periods_when_the_quota_grows(self) -> None:
        ev = run(self.plan(), self.records(), Q2, **self.inputs())
        (q1,) = ev.earlier
        assert q1.earned == D("12000.00")  # 120 % of 100,000: all at 10 %
        q2 = ev.statement("ana")
        true_up, line = q2.lines
        # Year to date the quota is 300,000: D-1's 120,000 is 40 %, so it earns 5 %.
        assert (true_up.record, true_up.amount) == (None, D("-6000.00"))
        assert true_up.trace == {
            "component": "c", "kind": "true-up", "measure": "revenue", "cumulative": "120000",
            "earned_before": "12000.00", "exact": "-6000.00", "rounded": "-6000.00"}
        assert true_up.explanation == (
            "true-up: revenue year to date of 120,000.00 now earns 6,000.00 against "
            "12,000.00 earned before")
        # D-2 takes the year to 320,000 (106.7 %): 32,000 in all, less the 6,000 left.
        assert (line.record, line.amount) == ("D-2", D("26000.00"))
        assert (q2.earned, q2.earned_ytd, q2.paid_before, q2.payable) == (
            D("20000.00"), D("32000.00"), D("12000.00"), D("20000.00"))

    def test_a_later_true_up_counts_the_earlier_true_ups(self) -> None:
        """In Q3 the year's quota is 400,000: 320,000 is 80 %, all at 5 %: 16,000 year to
        date, whatever Q2's true-up took back on the way."""
        ev = run(self.plan(), self.records(), "2026-Q3",
                 quotas=[*self.inputs()["quotas"], quota(100_000, "2026-Q3")])
        assert [s.earned for s in (*ev.earlier, *ev.statements)] == [
            D("12000.00"), D("20000.00"), D("-16000.00")]
        assert ev.statement("ana").earned_ytd == D("16000.00")

    def test_a_clawback_of_an_earlier_period_is_recomputed_as_taken_back(self) -> None:
        """D-1 reversed in full within Q1: recomputed in Q2 it still nets to nothing, so
        there is nothing to true up. (A defect found by mutation testing: the recompute
        earned D-1 at the grown quota, 6,000, but took back what it was paid in Q1, 12,000,
        so a cancelled deal left the payee 6,000 in debt.)"""
        records = [deal("D-1", day(2), 120_000),
                   sp.Record("X-1", day(3), ("ana",), None, None, {"reverses": "D-1"})]
        q2 = run(self.plan(), records, Q2, **self.inputs()).statement("ana")
        assert (q2.lines, q2.earned, q2.earned_ytd) == ((), D("0.00"), D("0.00"))

    def test_a_record_on_a_period_s_first_day_earns_in_that_period(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"), window=YTD,
                                      application=sp.Application.PER_RECORD))
        st = run(plan, [deal("D-1", day(1), 100), deal("D-2", day(4, 1), 300)], Q2)
        assert [(li.record, li.amount) for li in st.statement("ana").lines] == [
            ("D-2", D("30.00"))]

    def test_payable_is_earned_year_to_date_less_what_was_paid(self) -> None:
        paid = {("ana", Q1): "10000"}
        q2 = run(self.plan(), self.records(), Q2, paid=paid, **self.inputs()).statement("ana")
        assert (q2.paid_before, q2.payable) == (D("10000"), D("22000.00"))

    def test_evaluating_again_never_pays_twice(self) -> None:
        first = run(self.plan(), self.records(), Q2, **self.inputs())
        again = run(self.plan(), self.records(), Q2, **self.inputs())
        assert again.to_dict() == first.to_dict()
        # Telling the engine what was actually paid (what it said was payable) changes nothing.
        paid = {("ana", st.period): st.payable for st in first.earlier}
        reported = run(self.plan(), self.records(), Q2, paid=paid, **self.inputs())
        assert reported.statement("ana") == first.statement("ana")

    def test_an_earlier_period_is_the_same_evaluated_on_its_own_or_later(self) -> None:
        alone = run(self.plan(), self.records(), Q1, **self.inputs()).statement("ana")
        later = run(self.plan(), self.records(), Q2, **self.inputs()).earlier[0]
        assert alone == later

    def test_payables_over_the_year_add_up_to_earnings_year_to_date(self) -> None:
        quotas = [quota(100_000, q) for q in (Q1, Q2, Q3, Q4)]
        records = [deal(f"D-{m}", day(m), 10_000 * m) for m in range(1, 13)]
        ev = run(self.plan(), records, Q4, quotas=quotas)
        year = [*ev.earlier, ev.statement("ana")]
        assert [st.period for st in year] == [Q1, Q2, Q3, Q4]
        assert sum(st.payable for st in year) == year[-1].earned_ytd
        assert sum(st.earned for st in year) == year[-1].earned_ytd

    def test_records_after_the_period_are_not_counted_yet(self) -> None:
        ev = run(self.plan(), self.records(), Q1, **self.inputs())
        assert ev.statement("ana").earned == D("12000.00")
        assert [(e.record, "outside the plan year" in e.reason) for e in ev.exclusions] == [
            ("D-2", True)]

    def test_the_period_must_have_the_plans_payout_grain(self) -> None:
        with pytest.raises(sp.DefinitionError, match="the plan pays by quarter"):
            run(self.plan(), self.records(), "2026-03", **self.inputs())


# -- gates -------------------------------------------------------------------------------------


class TestGates:
    records = (deal("D-1", day(1), 30_000), deal("D-2", day(2), 30_000),
               deal("D-3", day(3), 10_000))

    def gated(self, first_unit: bool) -> sp.CompiledPlan:
        return compiled(sp.Commission("c", flat("0.1"), gate=sp.Gate("0.5",
                                                                     pay_from_first_unit=first_unit)))

    def test_a_year_to_date_gate_on_another_measure_reads_it_year_to_date(self) -> None:
        """Margin: 2 of a 2 quota in Q1, none of Q2's 2: 50 % year to date (the gate
        opens) though 0 % in Q2 alone."""
        plan = compiled(sp.Commission("c", flat("0.1"), window=YTD,
                                      gate=sp.Gate("0.5", measure="margin")),
                        credit_rules=[sp.CreditRule("all"), sp.CreditRule(
                            "margin", measure="margin", where=sp.IsSet("margin"))])
        records = [deal("M-1", day(2), 2, margin=1), deal("D-1", day(5), 1000)]
        quotas = [quota(2, measure="margin"), quota(2, "2026-Q2", measure="margin")]
        st = statement(plan, records, "2026-Q2", quotas=quotas)
        line = next(li for li in st.lines if li.record == "D-1")
        assert line.trace["gate"] == {"measure": "margin", "attainment": "0.5",
                                      "required": "0.5", "passed": True}
        assert line.amount == D("100.00")

    def test_a_line_ending_on_the_gate_passes_it_and_the_next_line_is_above_it(
            self) -> None:
        records = (deal("D-1", day(1), 30_000), deal("D-2", day(2), 20_000),
                   deal("D-3", day(3), 10_000))
        st = statement(self.gated(False), records, quotas=[quota(100_000)])
        assert amounts(st) == [D("0.00"), D("0.00"), D("1000.00")]
        assert [line.explanation.split(": ")[-1] for line in st.lines] == [
            "30,000.00 at 10 %; below the gate at 50,000.00 = 0.00",
            "20,000.00 at 10 %; passes the gate at 50,000.00, paying only above it = 0.00",
            "10,000.00 at 10 % = 1,000.00"]

    def test_a_quota_of_0_shows_no_attainment_and_a_quota_of_1_does(self) -> None:
        for amount, facts in ((0, (None, None)), (1, ("1", "30000"))):
            st = statement(self.gated(True), self.records[:1], quotas=[quota(amount)])
            trace = st.lines[0].trace
            assert (trace.get("quota"), trace.get("attainment_after")) == facts
            assert ("of quota" in st.lines[0].explanation) is (amount == 1)

    def test_an_own_measure_gate_pays_from_the_first_unit_once_passed(self) -> None:
        st = statement(self.gated(True), self.records, quotas=[quota(100_000)])
        # D-2 passes 50 % and catches up on D-1's 30,000 as well.
        assert amounts(st) == [D("0.00"), D("6000.00"), D("1000.00")]
        assert st.lines[0].trace["gate"] == {"measure": "revenue", "required": "0.5",
                                             "threshold": "50000.0",
                                             "pay_from_first_unit": True}
        assert [line.explanation.split(": ")[-1] for line in st.lines] == [
            "30,000.00 at 10 %; below the gate at 50,000.00 = 0.00",
            ("30,000.00 at 10 %; passes the gate at 50,000.00, paying from the first unit "
             "= 6,000.00"),
            "10,000.00 at 10 % = 1,000.00"]

    def test_an_own_measure_gate_can_pay_only_what_lies_above_it(self) -> None:
        st = statement(self.gated(False), self.records, quotas=[quota(100_000)])
        assert amounts(st) == [D("0.00"), D("1000.00"), D("1000.00")]
        assert "passes the gate at 50,000.00, paying only above it = 1,000.00" in (
            st.lines[1].explanation)

    @pytest.mark.parametrize(("first_unit", "expected"), [(True, "5000.00"), (False, "0.00")])
    def test_attainment_exactly_at_the_gate_passes_it(self, first_unit: bool,
                                                      expected: str) -> None:
        st = statement(self.gated(first_unit), [deal("D-1", day(1), 50_000)],
                       quotas=[quota(100_000)])
        assert st.earned == D(expected)

    def test_a_gate_on_another_measure_closed_pays_nothing_and_says_why(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"), gate=sp.Gate(1, "new_logos")),
                        credit_rules=LOGOS_RULES)
        records = [deal("D-1", day(1), 10_000), *logos(1)]
        st = statement(plan, records, quotas=[quota(2, measure="new_logos")])
        assert st.earned == D("0.00")
        assert st.lines[0].trace["gate"] == {"measure": "new_logos", "attainment": "0.5",
                                             "required": "1", "passed": False}
        assert "gate closed: new_logos at 50 % of quota, below 100 %" in st.lines[0].explanation

    def test_a_gate_on_another_measure_open_pays_in_full(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"), gate=sp.Gate(1, "new_logos")),
                        credit_rules=LOGOS_RULES)
        records = [deal("D-1", day(1), 10_000), *logos(2)]
        st = statement(plan, records, quotas=[quota(2, measure="new_logos")])
        assert st.earned == D("1000.00")

    def test_a_gated_target_bonus_pays_nothing_below_the_gate(self) -> None:
        plan = compiled(sp.TargetBonus("bonus", sp.Curve([(0, 0), (1, 1)]), gate=sp.Gate("0.6")))
        inputs: dict[str, Any] = {"quotas": [quota(100_000)],
                                  "target_incentives": [incentive(10_000)]}
        assert statement(plan, [deal("D-1", day(1), 59_999)], **inputs).earned == D("0.00")
        assert statement(plan, [deal("D-1", day(1), 60_000)], **inputs).earned == D("6000.00")


# -- caps and floors ---------------------------------------------------------------------------


class TestCaps:
    def test_a_per_record_cap_limits_each_line(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"), cap=sp.Cap(per_record=500)))
        st = statement(plan, [deal("D-1", day(1), 3000), deal("D-2", day(2), 8000)])
        assert amounts(st) == [D("300.00"), D("500.00")]
        assert st.lines[1].explanation.endswith(
            "8,000.00 at 10 %; capped at 500.00 per record = 500.00")

    def test_a_year_to_date_true_up_keeps_earlier_records_capped(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"), window=YTD, cap=sp.Cap(per_record=100)))
        ev = run(plan, [deal("D-1", day(1), 1500), deal("D-2", day(4), 500)], Q2)
        assert ev.earlier[0].earned == D("100.00")
        assert amounts(ev.statement("ana")) == [D("50.00")]  # no true-up of D-1's excess

    def test_a_per_period_cap_stops_the_periods_earnings(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"), cap=sp.Cap(per_period=1000)))
        records = [deal(f"D-{i}", day(i), 6000) for i in (1, 2, 3)]
        st = statement(plan, records)
        assert amounts(st) == [D("600.00"), D("400.00"), D("0.00")]
        assert st.lines[0].trace["cap"] == "1000"
        assert "; capped at 1,000.00 for the window = 400.00" in st.lines[1].explanation

    def test_a_per_period_cap_applies_to_per_record_commissions_too(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"), application=sp.Application.PER_RECORD,
                                      cap=sp.Cap(per_period=1000)))
        st = statement(plan, [deal(f"D-{i}", day(i), 6000) for i in (1, 2, 3)])
        assert amounts(st) == [D("600.00"), D("400.00"), D("0.00")]

    def test_each_line_says_which_cap_stopped_it_and_no_other(self) -> None:
        """A line that reaches a cap exactly is not capped; a later line of a cumulative
        commission is capped per record by what it adds, not by the measure's total; a
        record capped for the period says so, the records before it do not."""
        window = compiled(sp.Commission("c", flat("0.1"), cap=sp.Cap(per_period=1000)))
        st = statement(window, [deal("D-1", day(1), 4000), deal("D-2", day(2), 6000)])
        assert amounts(st) == [D("400.00"), D("600.00")]
        assert [li.explanation.split(": ")[-1] for li in st.lines] == [
            "4,000.00 at 10 % = 400.00", "6,000.00 at 10 % = 600.00"]
        per_record = compiled(sp.Commission("c", flat("0.1"), cap=sp.Cap(per_record=700)))
        st = statement(per_record, [deal("D-1", day(1), 5000), deal("D-2", day(2), 7000),
                                    deal("D-3", day(3), 8000)])
        assert amounts(st) == [D("500.00"), D("700.00"), D("700.00")]
        assert ["capped" in li.explanation for li in st.lines] == [False, False, True]
        period = compiled(sp.Commission("c", flat("0.1"), application=sp.Application.PER_RECORD,
                                        cap=sp.Cap(per_period=1000)))
        st = statement(period, [deal(f"D-{i}", day(i), 6000) for i in (1, 2)])
        assert [li.explanation.split(": ")[-1] for li in st.lines] == [
            "6,000.00 at 10 % = 600.00",
            "6,000.00 at 10 %; capped at 1,000.00 for the period = 400.00"]

    def test_a_cap_as_a_multiple_of_target_incentive(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"),
                                      cap=sp.Cap(target_incentive_multiple=2)))
        st = statement(plan, [deal("D-1", day(1), 50_000)],
                       target_incentives=[incentive(1000)])
        assert st.earned == D("2000.00")
        own = statement(plan, [deal("D-1", day(1), 50_000)],
                        target_incentives=[incentive(1000), incentive(1500, component="c")])
        assert own.earned == D("3000.00")  # the commission's own incentive

    def test_a_year_to_date_cap_uses_the_target_incentive_of_the_year_so_far(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"), window=YTD,
                                      cap=sp.Cap(target_incentive_multiple=1)))
        ev = run(plan, [deal("D-1", day(1), 5000), deal("D-2", day(4), 10_000)], Q2,
                 target_incentives=[incentive(1000, Q1), incentive(1000, Q2)])
        assert ev.statement("ana").earned == D("1000.00")
        assert ev.statement("ana").earned_ytd == D("1500.00")

    def test_three_times_earnings_at_100_percent_caps_a_commission(self) -> None:
        rates = table((0, "0.05"), (1, "0.10"), basis=ATTAINMENT)
        cap = sp.Cap(earnings_at_attainment=1, multiple=3)
        plan = compiled(sp.Commission("c", rates, cap=cap))
        st = statement(plan, [deal("D-1", day(1), 300_000)], quotas=[quota(100_000)])
        # Uncapped 5,000 + 200,000 × 10 % = 25,000; at 100 % it pays 5,000, so at most 15,000.
        assert st.earned == D("15000.00")

    def test_a_multiple_of_earnings_at_100_percent_caps_a_target_bonus(self) -> None:
        curve = sp.Curve([(0, 0), (1, 1), (2, "2.5")], extrapolate=True)
        cap = sp.Cap(earnings_at_attainment=1, multiple=2)
        plan = compiled(sp.TargetBonus("bonus", curve, cap=cap))
        st = statement(plan, [deal("D-1", day(1), 300_000)], quotas=[quota(100_000)],
                       target_incentives=[incentive(1000)])
        assert st.earned == D("2000.00")
        assert "capped at 2,000.00" in st.lines[0].explanation

    def test_a_cap_that_sets_no_limit_is_a_definition_error(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            compiled(sp.Commission("c", flat("0.1"), cap=sp.Cap()))
        assert [str(p) for p in err.value.problems] == ["plan.components[0].cap: sets no limit"]


class TestFloors:
    def test_a_floor_lifts_the_periods_earnings(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"), floor=1000))
        st = statement(plan, [deal("D-1", day(1), 3000)])
        assert amounts(st) == [D("300.00"), D("700.00")]
        assert st.lines[-1].trace == {"component": "c", "kind": "floor", "floor": "1000",
                                      "earned": "300.0", "exact": "700.0",
                                      "rounded": "700.00"}
        assert st.lines[-1].explanation == (
            "floor: c earned 300.00, lifted to the floor of 1,000.00")

    def test_earnings_exactly_at_the_floor_need_no_floor_line(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"), floor=1000))
        assert amounts(statement(plan, [deal("D-1", day(1), 10_000)])) == [D("1000.00")]

    def test_earnings_short_of_the_floor_by_less_than_one_are_lifted(self) -> None:
        """9,995 at 10 % earns 999.50: a floor of 1,000 adds a line of 0.50."""
        plan = compiled(sp.Commission("c", flat("0.1"), floor=1000))
        st = statement(plan, [deal("D-1", day(1), 9995)])
        assert amounts(st) == [D("999.50"), D("0.50")]
        assert st.earned == D("1000.00")

    @pytest.mark.parametrize(("mode", "lift"), [(sp.RoundingMode.HALF_UP, "0.51"),
                                                 (sp.RoundingMode.HALF_EVEN, "0.50")])
    def test_a_floor_s_line_is_rounded_as_the_plan_says(self, mode: sp.RoundingMode,
                                                        lift: str) -> None:
        """999.50 earned under a floor of 1,000.005: the floor's line of 0.505 is rounded
        in the plan's mode."""
        plan = compiled(sp.Commission("c", flat("0.1"), floor="1000.005"), rounding=mode)
        assert amounts(statement(plan, [deal("D-1", day(1), 9995)])) == [D("999.50"), D(lift)]

    def test_lines_past_34_digits_are_read_in_any_context(self) -> None:
        """Lines are rounded in their own context when read, whatever the caller's (here
        Python's default, 28 digits) and past salesperf's 34: eleven of the largest amounts
        in Q1 and twenty-two refunds of them in Q2 make running totals of 33 digits before
        the point (35 to the cent), at the start of Q2's block and of the floor's line
        that lifts Q2 back to 1,000. Totals past 34 digits are exact to 34 digits."""
        plan = compiled(sp.Commission("c", flat(1), floor=1000))
        big = D("9999999999999999999999999999999.99")
        minus = D("-9999999999999999999999999999999.99")  # -big would round to 28 digits
        recs = [{"id": f"D-{i}", "date": f"2026-02-{i:02}", "payee": "ana", "amount": big}
                for i in range(1, 12)]
        recs += [{"id": f"R-{i}", "date": f"2026-05-{i:02}", "payee": "ana", "amount": minus}
                 for i in range(1, 23)]
        ev = plan.evaluate(recs, Q2, payees=[sp.Payee("ana")])
        (q1,), q2 = ev.earlier, ev.statement("ana")
        with decimal.localcontext(decimal.Context()):
            lines = [[line.amount for line in st.lines] for st in (q1, q2)]
        assert len(lines[0]) == 11
        assert len(lines[1]) == 23  # the refunds and the floor's line
        digits34 = decimal.Context(prec=34)
        for st, amounts in zip((q1, q2), lines, strict=True):
            assert functools.reduce(digits34.add, amounts, D(0)) == digits34.plus(st.earned)
        assert q2.earned == D("1000.00")

    def test_earnings_above_the_floor_are_not_changed(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"), floor=1000))
        assert amounts(statement(plan, [deal("D-1", day(1), 30_000)])) == [D("3000.00")]

    def test_a_floor_applies_in_a_period_with_no_records(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"), floor=1000))
        assert statement(plan, []).earned == D("1000.00")

    def test_a_later_year_to_date_true_up_does_not_take_a_floor_back(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"), window=YTD, floor=100))
        ev = run(plan, [deal("D-1", day(1), 10), deal("D-2", day(4), 5000)], Q2)
        assert ev.earlier[0].earned == D("100.00")
        assert ev.statement("ana").earned == D("500.00")


class TestMultipliers:
    bands = sp.Curve([(0, 1), (1, "1.2"), ("1.5", "1.5")], kind=STEPS)

    def earned(self, count: int, bands: sp.Curve | None = None) -> Decimal:
        plan = compiled(sp.Commission("c", flat("0.1"),
                                      multiplier=sp.Multiplier("new_logos", bands or self.bands)),
                        credit_rules=LOGOS_RULES)
        records = [deal("D-0", day(1), 10_000), *logos(count)]
        return statement(plan, records, quotas=[quota(10, measure="new_logos")]).earned

    @pytest.mark.parametrize(("logos", "expected"), [
        (5, "1000.00"), (9, "1000.00"),
        (10, "1200.00"),  # exactly on a band's lower bound: that band
        (14, "1200.00"), (15, "1500.00"), (30, "1500.00"),
    ])
    def test_a_kicker_is_chosen_by_another_measures_attainment_band(
            self, logos: int, expected: str) -> None:
        assert self.earned(logos) == D(expected)

    def test_the_kicker_is_traced_and_explained(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"),
                                      multiplier=sp.Multiplier("new_logos", self.bands)),
                        credit_rules=LOGOS_RULES)
        records = [deal("D-0", day(1), 10_000), *logos(1)]
        st = statement(plan, records, quotas=[quota(1, measure="new_logos")])
        assert st.lines[0].trace["multiplier"] == {"measure": "new_logos", "attainment": "1",
                                                   "factor": "1.2"}
        assert "× 1.2 kicker (new_logos at 100 %)" in st.lines[0].explanation

    def test_attainment_on_the_first_band_takes_it(self) -> None:
        assert self.earned(5, sp.Curve([("0.5", "0.9"), (1, "1.2")], kind=STEPS)) == D(
            "900.00")

    def test_a_year_to_date_commission_reads_its_kicker_year_to_date(self) -> None:
        """New logos: 10 in Q1 (of 10), none in Q2 (of 10): 50 % year to date, 0 % in Q2
        alone, which is below every band and would be an error."""
        plan = compiled(sp.Commission("c", flat("0.1"), window=YTD, multiplier=sp.Multiplier(
            "new_logos", sp.Curve([("0.5", 1), (1, "1.2")], kind=STEPS))),
                        credit_rules=LOGOS_RULES)
        records = [*logos(10), deal("D-1", day(5), 1000)]
        quotas = [quota(10, measure="new_logos"), quota(10, Q2, measure="new_logos")]
        st = statement(plan, records, Q2, quotas=quotas)
        assert st.lines[-1].trace["multiplier"] == {"measure": "new_logos",
                                                    "attainment": "0.5", "factor": "1"}
        with pytest.raises(sp.DataError) as err:  # 10 of 10 + 100: 9.1 % year to date
            statement(plan, records, Q2, quotas=[quota(10, measure="new_logos"),
                                                 quota(100, Q2, measure="new_logos")])
        assert err.value.message.startswith(
            "new_logos attainment of payee 'ana' in 2026-01-01..2026-06-30 is 9.1 %")

    def test_attainment_below_every_band_is_an_error_not_zero(self) -> None:
        bands = sp.Curve([("0.5", 1), (1, "1.2")], kind=STEPS)
        with pytest.raises(sp.DataError) as err:
            self.earned(4, bands)
        assert (err.value.record_id, err.value.field, err.value.message) == (
            None, "multiplier", ("new_logos attainment of payee 'ana' in 2026-Q1 is 40 %, below "
            "the first band (50 %) of component 'c''s multiplier; add a band at 0"))


# -- SPIFFs and bonuses ------------------------------------------------------------------------


class TestSpiffs:
    records = (deal("D-1", day(1, 31), 10_000, product="x1"),  # before the window
               deal("D-2", day(2, 1), 10_000, product="x1"),  # its first day
               deal("D-3", day(2, 10), 10_000, product="x9"),  # another product
               deal("D-4", day(2, 28), 20_000, product="x1"),  # its last day
               deal("D-5", day(3, 1), 10_000, product="x1"))  # after it

    def spiff(self, **pay: object) -> sp.CompiledPlan:
        return compiled(sp.Spiff("launch", sp.Eq("product", "x1"), day(2, 1), day(2, 28),
                                 **pay))  # type: ignore[arg-type]

    def test_a_fixed_amount_per_qualifying_record_inside_the_window(self) -> None:
        st = statement(self.spiff(amount=250), self.records)
        assert [(line.record, line.amount) for line in st.lines] == [
            ("D-2", D("250.00")), ("D-4", D("250.00"))]

    def test_a_rate_of_each_qualifying_records_credit(self) -> None:
        st = statement(self.spiff(rate="0.02"), self.records)
        assert [(line.record, line.amount) for line in st.lines] == [
            ("D-2", D("200.00")), ("D-4", D("400.00"))]
        assert st.lines[0].trace["kind"] == "spiff"

    def test_a_split_record_pays_each_payee_its_share_of_a_fixed_spiff(self) -> None:
        record = deal("D-1", day(2), 10_000, ("ana", "ben"), product="x1",
                      split={"ana": "0.75", "ben": "0.25"})
        ev = run(self.spiff(amount=100), [record], payees=[sp.Payee("ana"), sp.Payee("ben")])
        assert (ev.statement("ana").earned, ev.statement("ben").earned) == (D("75.00"),
                                                                            D("25.00"))

    def test_a_spiff_needs_exactly_one_of_amount_or_rate(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            compiled(sp.Spiff("s", amount=1, rate="0.1"))
        assert [p.path for p in err.value.problems] == ["plan.components[0]"]


class TestTargetBonus:
    def test_a_linear_curve_interpolates_between_points(self) -> None:
        curve = sp.Curve([("0.5", 0), (1, 1), ("1.5", 2)])
        plan = compiled(sp.TargetBonus("bonus", curve))
        st = statement(plan, [deal("D-1", day(1), 75_000)], quotas=[quota(100_000)],
                       target_incentives=[incentive(8000)])
        assert st.earned == D("4000.00")
        assert st.lines[0].explanation == (
            "bonus: revenue 75,000.00 of quota 100,000.00 = 75 % attainment → 50 % of target "
            "incentive 8,000.00 = 4,000.00")

    @pytest.mark.parametrize(("sales", "expected"), [
        (49_999, "0.00"), (50_000, "5000.00"), (99_999, "5000.00"), (100_000, "10000.00"),
    ])
    def test_a_step_curve_pays_the_step_reached(self, sales: int, expected: str) -> None:
        curve = sp.Curve([("0.5", "0.5"), (1, 1)], kind=STEPS)
        plan = compiled(sp.TargetBonus("bonus", curve))
        st = statement(plan, [deal("D-1", day(1), sales)], quotas=[quota(100_000)],
                       target_incentives=[incentive(10_000)])
        assert st.earned == D(expected)

    def test_a_component_specific_target_incentive_wins(self) -> None:
        plan = compiled(sp.TargetBonus("bonus", sp.Curve([(0, 0), (1, 1)])))
        st = statement(plan, [deal("D-1", day(1), 100_000)], quotas=[quota(100_000)],
                       target_incentives=[incentive(1000), incentive(3000, component="bonus")])
        assert st.earned == D("3000.00")


class TestTargetBonusGate:
    def test_a_closed_gate_on_the_bonus_s_own_measure_names_it(self) -> None:
        plan = compiled(sp.TargetBonus("bonus", sp.Curve([(0, 0), (1, 1)]),
                                       gate=sp.Gate("0.5")))
        st = statement(plan, [deal("D-1", day(1), 40_000)], quotas=[quota(100_000)],
                       target_incentives=[incentive(1000)])
        assert st.lines[0].explanation.endswith(
            "; gate closed (revenue at 40 %, below 50 %) = 0.00")
        assert st.lines[0].trace["gate"]["measure"] == "revenue"


class TestTargetBonusLimits:
    """A target bonus's gate on another measure and its cap read the period, never the year
    to date, and the component's own target incentive. (Mutation testing, `_limits`.)"""

    @staticmethod
    def plan(gate: sp.Gate | None = None, cap: sp.Cap | None = None) -> sp.CompiledPlan:
        return compiled(sp.TargetBonus("bonus", sp.Curve([(0, 0), (1, 1), (2, 2)]), gate=gate,
                                       cap=cap),
                        credit_rules=[sp.CreditRule("all"), sp.CreditRule(
                            "margin", measure="margin", where=sp.IsSet("margin"))])

    Q2 = "2026-Q2"
    RECORDS = (deal("D-1", day(2), 100_000, margin=1), deal("D-2", day(5), 100_000))
    QUOTAS = (quota(100_000), quota(100_000, Q2), quota(1, measure="margin"),
              quota(2, Q2, measure="margin"))

    def test_a_gate_on_another_measure_reads_its_attainment_in_the_period(self) -> None:
        """Year to date the margin is 1 of 3 (33 %); in Q2 it is 0 of 2: the gate at 25 %
        is closed, and the sentence names the gate's measure."""
        st = statement(self.plan(gate=sp.Gate("0.25", measure="margin")), self.RECORDS,
                       self.Q2, quotas=self.QUOTAS,
                       target_incentives=[incentive(1000), incentive(1000, self.Q2)])
        assert st.earned == D("0.00")
        assert st.lines[0].trace["gate"] == {"measure": "margin", "attainment": "0",
                                             "required": "0.25", "passed": False}
        assert st.lines[0].explanation.endswith(
            "; gate closed (margin at 0 %, below 25 %) = 0.00")

    def test_a_gate_on_a_measure_without_a_quota_names_the_component(self) -> None:
        with pytest.raises(sp.DataError) as caught:
            statement(self.plan(gate=sp.Gate("0.25", measure="margin")), self.RECORDS,
                      quotas=[quota(100_000)], target_incentives=[incentive(1000)])
        assert caught.value.message == (
            "no quota for payee 'ana', measure 'margin' in 2026-Q1; component 'bonus' needs it")

    def test_a_cap_is_a_multiple_of_the_component_s_incentive_for_the_period(self) -> None:
        """Q2 earns 100 % of the bonus's own 2,000 (the general 500 is not its incentive),
        capped at 0.75 × 2,000 = 1,500 — not at a multiple of the year's incentives."""
        cap = sp.Cap(target_incentive_multiple="0.75")
        incentives = [incentive(500, self.Q2), incentive(2000, self.Q2, component="bonus"),
                      incentive(9000, component="bonus")]
        st = statement(self.plan(cap=cap), self.RECORDS, self.Q2, quotas=self.QUOTAS,
                       target_incentives=incentives)
        assert st.earned == D("1500.00")
        assert st.lines[0].trace["cap"] == "1500.00"
        assert st.lines[0].explanation.endswith("; capped at 1,500.00 = 1,500.00")

    def test_a_bonus_exactly_at_its_cap_is_not_capped(self) -> None:
        st = statement(self.plan(cap=sp.Cap(per_period=1000)), self.RECORDS[:1],
                       quotas=self.QUOTAS, target_incentives=[incentive(1000)])
        assert st.earned == D("1000.00")
        assert "cap" not in st.lines[0].trace
        assert "capped" not in st.lines[0].explanation


class TestKpiBonus:
    def plan(self) -> sp.CompiledPlan:
        items = [sp.KpiItem(sp.metrics.revenue(), "0.6", "revenue target"),
                 sp.KpiItem(sp.metrics.win_rate(), "0.4")]
        return compiled(sp.KpiBonus("mbo", items, sp.Curve([(0, 0), (1, 1), (2, 2)])))

    records = (deal("D-1", day(1), 60_000, status="won"), deal("D-2", day(2), 20_000,
                                                                status="won"),
               deal("D-3", day(2), 50_000, status="lost"), deal("D-4", day(3), 10_000,
                                                                 status="lost"))
    inputs: dict[str, Any] = {  # noqa: RUF012 - read only
        "quotas": [quota(100_000, measure="revenue target"), quota("0.5", measure="win rate")],
        "target_incentives": [incentive(10_000)],
    }

    def test_a_kpi_bonus_pays_the_weighted_scorecard_score_through_its_curve(self) -> None:
        st = statement(self.plan(), self.records, **self.inputs)
        # 0.6 × 80 % (revenue 80,000 of 100,000) + 0.4 × 100 % (won 2 of 4 against 50 %)
        assert st.earned == D("8800.00")
        trace = st.lines[0].trace
        assert trace["kind"] == "kpi_bonus"
        assert trace["score"] == "0.88"
        assert [(i["goal"], i["attainment"], i["weight"]) for i in trace["items"]] == [
            ("revenue target", "0.8", "0.6"), ("win rate", "1", "0.4")]
        assert trace["items"][0]["records"] == ["D-1", "D-2"]

    def test_the_sentence_shows_scores_to_three_places_in_any_caller_s_context(self) -> None:
        line = statement(self.plan(), self.records, **self.inputs).lines[0]
        text = ("mbo: score = 0.6 × 0.8 (revenue target) + 0.4 × 1 (win rate) = 0.88 → 88 % "
                "of target incentive 10,000.00 = 8,800.00")
        assert line.explanation == text
        with decimal.localcontext(decimal.Context(prec=1)):
            assert line.explanation == text

    def test_a_kpi_without_its_target_is_an_error_naming_payee_and_period(self) -> None:
        with pytest.raises(sp.DataError, match="no target for payee 'ana', 'win rate' in "
                           "2026-Q1"):
            statement(self.plan(), self.records, quotas=[quota(1, measure="revenue target")],
                      target_incentives=[incentive(1)])

    def test_a_payee_without_records_scores_zero_on_a_measured_kpi(self) -> None:
        plan = compiled(sp.KpiBonus("mbo", [sp.KpiItem(sp.metrics.revenue(), 1, "won")],
                                    sp.Curve([(0, "0.5"), (1, 1)])))
        team = [sp.Payee("ana"), sp.Payee("ben")]
        ev = run(plan, self.records[:1], payees=team,
                 quotas=[quota(100_000, measure="won", payee=p.id) for p in team],
                 target_incentives=[incentive(1000, payee=p.id) for p in team])
        ben = ev.statement("ben")
        assert ben.earned == D("500.00")  # the curve at a score of 0
        assert ben.lines[0].trace["items"][0]["actual"] == "0"
        assert ev.statement("ana").earned == D("800.00")  # 60 %: 0.5 + 0.6 × 0.5

    def test_the_version_in_force_on_the_period_s_last_day_pays(self) -> None:
        def version(number: int, top: str, start: dt.date | None) -> sp.Plan:
            return sp.Plan("plan", [sp.KpiBonus("mbo", [sp.KpiItem(
                sp.metrics.revenue(), 1, "won")], sp.Curve([(0, 0), (1, top)]))],
                version=number, effective_from=start)
        plan = sp.compile_plan([version(1, "1", None), version(2, "2", day(3, 1))])
        inputs: dict[str, Any] = {"quotas": [quota(100_000, measure="won")],
                                  "target_incentives": [incentive(1000)]}
        st = statement(plan, self.records[:1], **inputs)
        assert st.earned == D("1200.00")  # 60 % on version 2's curve: 2 × 0.6 × 1,000

    def test_kpi_weights_must_total_100_percent(self) -> None:
        items = [sp.KpiItem(sp.metrics.revenue(), "0.6"), sp.KpiItem(sp.metrics.win_rate(), "0.3")]
        with pytest.raises(sp.DefinitionError) as err:
            compiled(sp.KpiBonus("mbo", items, sp.Curve([(0, 0), (1, 1)])))
        assert [str(p) for p in err.value.problems] == [
            "plan.components[0].items: weights must total 1 (100 %), got 0.9"]


# -- crediting ---------------------------------------------------------------------------------


class TestCrediting:
    def test_a_rule_credits_the_records_owner(self) -> None:
        ev = run(compiled(sp.Commission("c", flat("0.1"))), [deal("D-1", day(1), 1000)])
        (credit,) = ev.credits
        assert (credit.record, credit.payee, credit.amount, credit.kind) == (
            "D-1", "ana", D("1000"), sp.CreditKind.DIRECT)

    def test_a_credit_factor_credits_part_of_the_amount(self) -> None:
        rules = (sp.CreditRule("services", where=sp.Eq("kind", "services"), factor="0.5"),
                 sp.CreditRule("all"))
        plan = compiled(sp.Commission("c", flat("0.1")), credit_rules=rules)
        ev = run(plan, [deal("D-1", day(1), 10_000, kind="services"),
                        deal("D-2", day(2), 10_000, kind="licence")])
        assert [(c.record, c.amount, c.rule) for c in ev.credits] == [
            ("D-1", D("5000.0"), "services"), ("D-2", D("10000"), "all")]
        assert "(100 % share × 50 % credit)" in ev.statement("ana").lines[0].explanation

    def test_a_plain_record_with_payee_and_payees_is_read_as_a_record(self) -> None:
        """A dict that also names `payees` is not the common record the inline path
        credits: it is read as a whole, and two payees without a split are an error."""
        record = {"id": "D-1", "date": day(1), "payee": "ana", "payees": ["ana", "ben"],
                  "amount": D(1000)}
        with pytest.raises(sp.DataError, match="2 payees and no split"):
            run(compiled(sp.Commission("c", flat("0.1"))), [record],
                payees=[sp.Payee("ana"), sp.Payee("ben")])

    def test_a_plain_record_s_bad_values_are_named_as_a_record_s(self) -> None:
        """A currency that is not text, a rule field's value that cannot be looked up (a
        list): the same answer as for the `Record` — its field named, or no rule matched."""
        plan = compiled(sp.Commission("c", flat("0.1")),
                        credit_rules=[sp.CreditRule("cloud", where=sp.Eq("product", "cloud"))])
        base = {"id": "D-1", "date": day(1), "payee": "ana", "amount": D(1000)}
        with pytest.raises(sp.DataError, match="must be an ISO 4217 code, got 5") as err:
            run(plan, [{**base, "currency": 5, "product": "cloud"}])
        assert err.value.field == "currency"
        ev = run(plan, [{**base, "product": ["cloud"]}])
        assert [(e.record, e.reason) for e in ev.exclusions] == [
            ("D-1", "no crediting rule matched")]

    def test_a_record_with_several_payees_and_no_split_is_an_error(self) -> None:
        with pytest.raises(sp.DataError, match="no split") as err:
            run(compiled(sp.Commission("c", flat("0.1"))),
                [deal("D-1", day(1), 1000, ("ana", "ben"))],
                payees=[sp.Payee("ana"), sp.Payee("ben")])
        assert err.value.record_id == "D-1"

    def test_an_overlay_credits_more_payees_without_reducing_anyone(self) -> None:
        overlay = sp.Overlay("cloud specialist", ["sam"], where=sp.Eq("product", "cloud"))
        plan = compiled(sp.Commission("c", flat("0.1")), extra_credit=[overlay])
        records = [deal("D-1", day(1), 10_000, product="cloud"),
                   deal("D-2", day(2), 5000, product="onprem")]
        ev = run(plan, records, payees=[sp.Payee("ana"), sp.Payee("sam")])
        assert credited(ev, "ana") == D("15000")
        assert credited(ev, "sam") == D("10000")
        assert [c.kind for c in ev.credits if c.payee == "sam"] == [sp.CreditKind.OVERLAY]
        assert ev.statement("sam").earned == D("1000.00")

    def test_a_rollup_follows_the_hierarchy_on_the_records_date(self) -> None:
        hierarchy = sp.Hierarchy.of(
            [sp.Payee("mia"), sp.Payee("noah"), sp.Payee("ana", manager="mia")],
            [sp.ReportingChange("ana", day(2, 1), manager="noah", team=None)])
        plan = compiled(sp.Commission("c", flat("0.1")), extra_credit=[sp.Rollup("managers")])
        ev = run(plan, [deal("D-1", day(1), 1000), deal("D-2", day(2), 3000)],
                 hierarchy=hierarchy)
        assert credited(ev, "ana") == D("4000")
        assert [(c.record, c.payee) for c in ev.credits if c.kind is sp.CreditKind.ROLLUP] == [
            ("D-1", "mia"), ("D-2", "noah")]

    def test_a_team_rollup_credits_the_payees_team_on_the_records_date(self) -> None:
        hierarchy = sp.Hierarchy.of(
            [sp.Payee("west"), sp.Payee("east"), sp.Payee("ana", team="west"),
             sp.Payee("ben", team="north")],
            [sp.ReportingChange("ana", day(2, 1), manager=None, team="east")])
        plan = compiled(sp.Commission("c", flat("0.1")),
                        extra_credit=[sp.Rollup("teams", by=sp.RollupBy.TEAM)])
        ev = run(plan, [deal("D-1", day(1), 1000), deal("D-2", day(2), 3000),
                        deal("D-3", day(2), 500, "ben")], hierarchy=hierarchy)
        assert [(c.record, c.payee) for c in ev.credits if c.kind is sp.CreditKind.ROLLUP] == [
            ("D-1", "west"), ("D-2", "east")]
        assert credited(ev, "ana") == D("4000")
        # A team that is not a payee cannot be paid: its share is excluded, with the reason.
        assert [(e.record, e.payee, e.reason) for e in ev.exclusions] == [
            ("D-3", "north", "rollup: unknown payee 'north'")]

    def test_a_team_rollup_has_no_levels(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            compiled(sp.Commission("c", flat("0.1")),
                     extra_credit=[sp.Rollup("teams", levels=2, by=sp.RollupBy.TEAM)])
        assert [p.path for p in err.value.problems] == ["plan.extra_credit[0].levels"]

    @pytest.mark.parametrize(("levels", "managers"), [(1, ["lead"]), (None, ["lead", "vp"])])
    def test_a_rollup_goes_up_as_many_levels_as_it_says(self, levels: int | None,
                                                        managers: list[str]) -> None:
        hierarchy = sp.Hierarchy.of([sp.Payee("vp"), sp.Payee("lead", manager="vp"),
                                     sp.Payee("ana", manager="lead")])
        plan = compiled(sp.Commission("c", flat("0.1")),
                        extra_credit=[sp.Rollup("up", levels=levels, share="0.5")])
        ev = run(plan, [deal("D-1", day(1), 1000)], hierarchy=hierarchy)
        assert [(c.payee, c.amount) for c in ev.credits if c.kind is sp.CreditKind.ROLLUP] == [
            (m, D("500.0")) for m in managers]
        assert credited(ev, "ana") == D("1000")

    def test_overlays_and_rollups_never_reduce_anyones_credit(self) -> None:
        hierarchy = sp.Hierarchy.of([sp.Payee("mia"), sp.Payee("sam"),
                                     sp.Payee("ana", manager="mia"),
                                     sp.Payee("ben", manager="mia")])
        records = [deal("D-1", day(1), 10_000, ("ana", "ben"),
                        split={"ana": "0.5", "ben": "0.5"}),
                   deal("D-2", day(2), 4000, "ben")]
        plain = run(compiled(sp.Commission("c", flat("0.1"))), records, hierarchy=hierarchy)
        extra = run(compiled(sp.Commission("c", flat("0.1")), extra_credit=[
            sp.Overlay("o", ("sam",), share="0.3"), sp.Rollup("r")]), records, hierarchy=hierarchy)
        for pid in ("ana", "ben"):
            assert credited(extra, pid) == credited(plain, pid)
            assert extra.statement(pid).earned == plain.statement(pid).earned
        assert credited(extra, "mia") == D("14000")
        assert credited(extra, "sam") == D("4200.0")

    def test_an_overlay_or_rollup_excludes_one_payee_and_credits_the_rest(self) -> None:
        """Each payee of an overlay, each manager up a roll-up's chain, is credited or
        excluded on their own: one who cannot be credited stops no one after them."""
        hierarchy = sp.Hierarchy.of([
            sp.Payee("vp"), sp.Payee("lead", manager="vp", end=day(1, 31)),
            sp.Payee("ana", manager="lead"), sp.Payee("sam")])
        plan = compiled(sp.Commission("c", flat("0.1")), extra_credit=[
            sp.Overlay("o", ["zed", "sam"]), sp.Rollup("up", levels=2)])
        ev = run(plan, [deal("D-1", day(2), 1000)], hierarchy=hierarchy)
        assert sorted((c.payee, c.kind.value) for c in ev.credits) == [
            ("ana", "direct"), ("sam", "overlay"), ("vp", "rollup")]
        assert [(e.payee, e.reason) for e in ev.exclusions] == [
            ("lead", "rollup: payee 'lead' not employed on 2026-02-15"),
            ("zed", "unknown payee 'zed'")]

    def test_a_record_only_an_overlay_credits_is_credited_not_excluded(self) -> None:
        """No crediting rule matches the record, an overlay does: the overlay's payees are
        credited (in a measure no rule credits) and the record is not "unmatched"."""
        plan = compiled(sp.Commission("c", flat("0.1")),
                        sp.Commission("s", flat("0.01"), measure="specialist"),
                        credit_rules=[sp.CreditRule("cloud", where=sp.Eq("product", "cloud"))],
                        extra_credit=[sp.Overlay("o", ["Ann", "sam"], measure="specialist")])
        record = {"id": "D-1", "date": day(2), "payee": "ana", "amount": D(1000),
                  "product": "onprem"}
        ev = run(plan, [record], payees=[sp.Payee("ana"), sp.Payee("sam")])
        assert [(c.payee, c.measure, c.amount, c.kind) for c in ev.credits] == [
            ("sam", "specialist", D(1000), sp.CreditKind.OVERLAY)]
        assert [(e.payee, e.reason) for e in ev.exclusions] == [("Ann", "unknown payee 'Ann'")]
        assert ev.statement("sam").earned == D("10.00")

    def test_a_record_no_rule_matches_is_excluded_before_its_payees(self) -> None:
        """Exclusions are sorted by record, then payee — the record's own (no payee) first,
        whatever the payees' names — then reason."""
        plan = compiled(sp.Commission("c", flat("0.1")),
                        credit_rules=[sp.CreditRule("cloud", where=sp.Eq("product", "cloud"))],
                        extra_credit=[sp.Overlay("o", ["Ann"])])
        record = {"id": "D-1", "date": day(2), "payee": "ana", "amount": D(1000),
                  "product": "onprem"}
        ev = run(plan, [record])
        assert [(e.payee, e.reason) for e in ev.exclusions] == [
            (None, "no crediting rule matched"), ("Ann", "unknown payee 'Ann'")]

    def test_a_rollup_of_one_measure_passes_over_the_record_s_other_measures(self) -> None:
        hierarchy = sp.Hierarchy.of([sp.Payee("mia"), sp.Payee("ana", manager="mia")])
        plan = compiled(sp.Commission("c", flat("0.1")),
                        sp.Commission("u", flat("1"), measure="units"),
                        credit_rules=[sp.CreditRule("rev"),
                                      sp.CreditRule("units", measure="units", factor="0.5")],
                        extra_credit=[sp.Rollup("up", measure="units")])
        ev = run(plan, [deal("D-1", day(2), 1000)], hierarchy=hierarchy)
        assert [(c.payee, c.measure, c.amount) for c in ev.credits
                if c.kind is sp.CreditKind.ROLLUP] == [("mia", "units", D("500.0"))]

    def test_a_record_of_no_amount_earns_nothing_and_says_so(self) -> None:
        st = statement(compiled(sp.Commission("c", flat("0.1"))),
                       [deal("D-1", day(1), 1000), deal("D-2", day(2), 0)])
        assert st.lines[1].explanation == (
            "D-2 on 2026-02-15: credited 0.00; revenue from 1,000.00 to 1,000.00: nothing = 0.00")
        assert (st.lines[1].trace["tiers"], st.lines[1].trace["arithmetic"]) == ([], "nothing")

    def test_a_record_only_an_overlay_credits_names_itself_in_a_currency_error(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1")),
                        extra_credit=[sp.Overlay("o", ["sam"])])
        record = sp.Record("D-1", day(2), ("zed",), D(1000), "EUR")
        with pytest.raises(sp.DataError) as err:
            run(plan, [record], payees=[sp.Payee("sam")])
        assert (err.value.record_id, err.value.field) == ("D-1", "currency")

    def test_a_record_in_another_currency_is_converted_on_its_date(self) -> None:
        rates = sp.ExchangeRates.of([sp.ExchangeRate("EUR", "USD", "1.1", day(1, 1))])
        record = sp.Record("D-1", day(2), ("ana",), D(1000), "EUR")
        ev = run(compiled(sp.Commission("c", flat("0.1"))), [record], rates=rates)
        assert credited(ev, "ana") == D("1100.0")

    def test_a_foreign_record_without_exchange_rates_is_an_error(self) -> None:
        record = sp.Record("D-1", day(2), ("ana",), D(1000), "EUR")
        with pytest.raises(sp.DataError, match="no exchange rates"):
            run(compiled(sp.Commission("c", flat("0.1"))), [record])

    def test_records_may_be_plain_mappings(self) -> None:
        ev = run(compiled(sp.Commission("c", flat("0.1"))),
                 [{"id": "D-1", "date": "2026-01-05", "payee": "ana", "amount": "100"}])
        assert ev.statement("ana").earned == D("10.00")

    def test_two_records_with_one_id_are_an_error(self) -> None:
        with pytest.raises(sp.DataError, match="two records have this id"):
            run(compiled(sp.Commission("c", flat("0.1"))),
                [deal("D-1", day(1), 1), deal("D-1", day(2), 2)])


class TestNothingLost:
    def exclusions(self, ev: sp.Evaluation) -> list[tuple[str, str | None, str]]:
        return [(e.record, e.payee, e.reason) for e in ev.exclusions]

    def test_a_record_outside_the_plan_year_is_excluded_with_the_reason(self) -> None:
        ev = run(compiled(sp.Commission("c", flat("0.1"))),
                 [deal("D-0", dt.date(2025, 12, 31), 100), deal("D-1", day(1), 100)])
        assert self.exclusions(ev) == [
            ("D-0", None, "dated 2025-12-31, outside the plan year 2026 through 2026-Q1")]

    def test_a_record_of_an_unknown_payee_is_excluded(self) -> None:
        ev = run(compiled(sp.Commission("c", flat("0.1"))), [deal("D-1", day(1), 100, "zed")])
        assert self.exclusions(ev) == [("D-1", "zed", "unknown payee 'zed'")]

    def test_a_record_of_an_inactive_payee_is_excluded(self) -> None:
        ev = run(compiled(sp.Commission("c", flat("0.1"))), [deal("D-1", day(2), 100)],
                 payees=[sp.Payee("ana", end=day(1, 31))])
        assert self.exclusions(ev) == [
            ("D-1", "ana", "payee 'ana' not employed on 2026-02-15")]

    def test_a_record_of_a_payee_not_assigned_to_the_plan_is_excluded(self) -> None:
        ev = run(compiled(sp.Commission("c", flat("0.1"))),
                 [deal("D-1", day(1), 100), deal("D-2", day(2), 200)],
                 assignments=[sp.Assignment("ana", start=day(2, 1))])
        assert self.exclusions(ev) == [
            ("D-1", "ana", "payee 'ana' not on the plan on 2026-01-15")]
        assert ev.statement("ana").earned == D("20.00")

    def test_a_record_dated_after_the_as_of_date_is_excluded(self) -> None:
        """A period evaluated before it closes counts only what had happened by then."""
        ev = run(compiled(sp.Commission("c", flat("0.1"))),
                 [deal("D-1", day(1), 100), deal("D-2", day(3), 200)], as_of=day(2, 28))
        assert self.exclusions(ev) == [
            ("D-2", None, "dated 2026-03-15, after the as-of date 2026-02-28")]
        assert ev.statement("ana").earned == D("10.00")

    def test_a_record_no_rule_matches_is_excluded(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1")),
                        credit_rules=[sp.CreditRule("cloud", where=sp.Eq("product", "cloud"))])
        ev = run(plan, [deal("D-1", day(1), 100, product="onprem")])
        assert self.exclusions(ev) == [("D-1", None, "no crediting rule matched")]

    def test_a_record_outside_the_plans_effective_dates_is_excluded(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1")), effective_from=day(2, 1))
        ev = run(plan, [deal("D-1", day(1), 100)])
        assert self.exclusions(ev) == [
            ("D-1", None, "dated 2026-01-15, outside plan plan v1's effective dates")]

    def test_an_excluded_share_still_credits_the_other_payees(self) -> None:
        record = deal("D-1", day(1), 1000, ("ana", "zed"), split={"ana": "0.5", "zed": "0.5"})
        ev = run(compiled(sp.Commission("c", flat("0.1"))), [record])
        assert credited(ev, "ana") == D("500.0")
        assert self.exclusions(ev) == [("D-1", "zed", "unknown payee 'zed'")]

    def test_every_record_is_credited_or_excluded(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1")),
                        credit_rules=[sp.CreditRule("won", where=sp.Eq("status", "won"))])
        records = [deal("D-1", day(1), 100, status="won"),
                   deal("D-2", day(1), 100, status="lost"),
                   deal("D-3", day(1), 100, "zed", status="won"),
                   deal("D-4", dt.date(2027, 1, 1), 100, status="won")]
        ev = run(plan, records)
        accounted = {c.record for c in ev.credits} | {e.record for e in ev.exclusions}
        assert accounted == {r.id for r in records}

    def test_a_payee_hired_mid_year_needs_nothing_for_the_periods_before(self) -> None:
        plan = compiled(sp.TargetBonus("bonus", sp.Curve([(0, 0), (1, 1)])))
        ev = run(plan, [deal("D-1", day(5), 50_000, "ben")], Q2,
                 payees=[sp.Payee("ben", start=day(4, 1))], quotas=[quota(100_000, Q2, "ben")],
                 target_incentives=[incentive(10_000, Q2, "ben")])
        assert ev.statement("ben").earned == D("5000.00")
        assert [(st.period, st.lines) for st in ev.earlier] == [(Q1, ())]

    def test_a_year_to_date_quota_counts_only_the_periods_on_the_plan(self) -> None:
        plan = compiled(sp.Commission("c", table((0, "0.05"), (1, "0.10"), mode=RETROACTIVE,
                                                 basis=ATTAINMENT), window=YTD))
        ev = run(plan, [deal("D-1", day(5), 120_000, "ben")], Q2,
                 payees=[sp.Payee("ben", start=day(4, 1))],
                 quotas=[quota(100_000, Q2, "ben")])
        assert ev.statement("ben").earned == D("12000.00")


class TestMissingInputs:
    def test_a_missing_quota_is_an_error_naming_payee_and_period(self) -> None:
        plan = compiled(sp.Commission("c", table((0, "0.1"), (1, "0.2"), basis=ATTAINMENT)))
        with pytest.raises(sp.DataError) as err:
            run(plan, [deal("D-1", day(1), 100)])
        assert str(err.value) == ("field 'quotas': no quota for payee 'ana', measure 'revenue' "
                                  "in 2026-Q1; component 'c' needs it")

    def test_a_missing_target_incentive_is_an_error_naming_payee_and_period(self) -> None:
        plan = compiled(sp.TargetBonus("bonus", sp.Curve([(0, 0), (1, 1)])))
        with pytest.raises(sp.DataError) as err:
            run(plan, [deal("D-1", day(1), 100)], quotas=[quota(100)])
        assert str(err.value) == ("field 'target_incentives': no target incentive for payee "
                                  "'ana' in 2026-Q1; component 'bonus' needs it")

    def test_a_gate_on_a_measure_without_a_quota_names_the_component(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1"), gate=sp.Gate(1, "new_logos")),
                        credit_rules=LOGOS_RULES)
        with pytest.raises(sp.DataError) as err:
            run(plan, [deal("D-1", day(1), 100)])
        assert err.value.message == (
            "no quota for payee 'ana', measure 'new_logos' in 2026-Q1; component 'c' needs it")

    def test_a_zero_quota_under_attainment_tiers_is_an_error(self) -> None:
        plan = compiled(sp.Commission("c", table((0, "0.1"), (1, "0.2"), basis=ATTAINMENT)))
        with pytest.raises(sp.DataError) as err:
            run(plan, [deal("D-1", day(1), 100)], quotas=[quota(0)])
        assert str(err.value) == (
            "field 'quotas': the quota of payee 'ana' for 'revenue' in 2026-Q1 is 0; "
            "component 'c' has attainment tiers")

    def test_a_zero_quota_names_the_year_to_date_window(self) -> None:
        """A payee who joins in April, under a year-to-date window: the quota that is 0 is
        the window's, named by its dates."""
        plan = compiled(sp.Commission("c", table((0, "0.1"), (1, "0.2"), basis=ATTAINMENT),
                                      window=YTD))
        with pytest.raises(sp.DataError) as err:
            run(plan, [deal("D-1", day(5), 100)], Q2, quotas=[quota(0, Q2)],
                payees=[sp.Payee("ana", start=day(4, 1))])
        assert err.value.message == (
            "the quota of payee 'ana' for 'revenue' in 2026-01-01..2026-06-30 is 0; "
            "component 'c' has attainment tiers")

    def test_a_year_to_date_window_needs_the_quota_of_every_period_so_far(self) -> None:
        plan = compiled(sp.Commission("c", table((0, "0.1"), (1, "0.2"), basis=ATTAINMENT),
                                      window=YTD))
        with pytest.raises(sp.DataError, match="no quota for payee 'ana', measure 'revenue' "
                           "in 2026-Q1"):
            run(plan, [deal("D-1", day(4), 100)], Q2, quotas=[quota(100, Q2)])


# -- plan definitions --------------------------------------------------------------------------


class TestPlanDefinition:
    def test_every_problem_of_a_plan_is_reported_at_once_with_its_path(self) -> None:
        plan = sp.Plan("p", [
            sp.Commission("c", table((0, "0.1"), ("0.5", "-0.2"), ("0.4", "0.3"),
                                     basis=ATTAINMENT)),
            sp.Commission("c", table((1, "0.1")), measure="margin"),
            sp.Spiff("s"),
        ], currency="XXX")
        with pytest.raises(sp.DefinitionError) as err:
            sp.compile_plan(plan)
        currency, *rest = err.value.problems
        assert currency.path == "plan.currency"
        assert "'XXX'" in currency.message
        assert [str(p) for p in rest] == [
            "plan.components[0].rates.tiers[1].rate: must be >= 0, got -0.2",
            "plan.components[0].rates.tiers[2].lower: must be above 0.5, got 0.4",
            ("plan.components[1].rates.tiers[0].lower: must be 0 so that every value has a "
             "tier, got 1"),
            "plan.components[1].id: duplicate component id 'c'",
            "plan.components[2]: needs exactly one of amount or rate",
            ("plan.components[1].measure: no crediting rule credits the measure 'margin'; "
             "known: revenue"),
        ]

    def test_overlapping_tiers_are_rejected(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.compile_plan(sp.Plan("p", [sp.Commission("c", table((0, "0.1"), (0, "0.2")))]))
        assert [str(p) for p in err.value.problems] == [
            "plan.components[0].rates.tiers[1].lower: must be above 0, got 0"]

    @pytest.mark.parametrize(("rates", "problem"), [
        (table((0, "0.1"), (10, "0.2"), mode=HYBRID),
         ("plan.components[0].rates.retroactive_through: a hybrid table names the last "
          "retroactive tier, an index 0..1, got None")),
        (table((0, "0.1"), (10, "0.2"), mode=HYBRID, through=2),
         ("plan.components[0].rates.retroactive_through: a hybrid table names the last "
          "retroactive tier, an index 0..1, got 2")),
        (table((0, "0.1"), through=0),
         ("plan.components[0].rates.retroactive_through: only a hybrid table has one, this "
          "table is marginal")),
        (sp.RateTable([]), "plan.components[0].rates.tiers: needs at least one tier"),
    ])
    def test_a_hybrid_table_names_a_valid_last_retroactive_tier(
            self, rates: sp.RateTable, problem: str) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.compile_plan(sp.Plan("p", [sp.Commission("c", rates)]))
        assert [str(p) for p in err.value.problems] == [problem]

    def test_a_per_record_commission_cannot_use_attainment_or_an_own_gate(self) -> None:
        comp = sp.Commission("c", table((0, "0.1"), (1, "0.2"), basis=ATTAINMENT),
                             application=sp.Application.PER_RECORD, gate=sp.Gate("0.5"))
        with pytest.raises(sp.DefinitionError) as err:
            sp.compile_plan(sp.Plan("p", [comp]))
        assert [p.path for p in err.value.problems] == ["plan.components[0].rates.basis",
                                                        "plan.components[0].gate.measure"]

    def test_a_plan_needs_components_and_crediting_rules(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.compile_plan(sp.Plan("p", [], credit_rules=[]))
        assert [p.path for p in err.value.problems] == ["plan.components", "plan.credit_rules"]

    def test_compiled_plans_are_immutable(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.1")))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            plan.plan = sp.Plan("other", [])  # type: ignore[misc]


# -- results -----------------------------------------------------------------------------------


class TestResults:
    def evaluation(self) -> sp.Evaluation:
        plan = compiled(
            sp.Commission("c", table((0, "0.10"), (1, "0.15"), mode=RETROACTIVE,
                                     basis=ATTAINMENT), window=YTD),
            sp.Spiff("s", sp.Eq("product", "x1"), amount=100),
            sp.TargetBonus("bonus", sp.Curve([(0, 0), (1, 1)])),
        )
        records = [deal("D-1", day(1), 60_000, product="x1"),
                   deal("D-2", day(2), 50_000, product="x9"),
                   deal("D-3", day(4), 30_000, product="x1"),
                   deal("D-9", dt.date(2025, 1, 1), 1, product="x1")]
        return run(plan, records, Q2, quotas=[quota(100_000, Q1), quota(100_000, Q2)],
                   target_incentives=[incentive(1000, Q1), incentive(1000, Q2)])

    def test_results_convert_to_json_safe_dicts(self) -> None:
        ev = self.evaluation()
        data = ev.to_dict()
        assert json.loads(json.dumps(data)) == data
        assert data["period"] == Q2
        assert data["statements"][0]["payable"] == str(ev.statement("ana").payable)
        assert data["exclusions"] == [{"record": "D-9", "payee": None, "reason": (
            "dated 2025-01-01, outside the plan year 2026 through 2026-Q2")}]
        st = ev.statement("ana").to_dict()
        assert json.loads(json.dumps(st)) == st

    def test_every_line_carries_a_json_safe_trace_and_an_explanation(self) -> None:
        ev = self.evaluation()
        for st in (*ev.earlier, *ev.statements):
            for line in st.lines:
                assert json.loads(json.dumps(line.trace)) == line.trace
                assert line.trace["component"] == line.component
                assert line.trace["rounded"] == str(line.amount)
                assert D(line.trace["exact"]) == line.exact
                assert line.explanation

    def test_a_commission_trace_names_tiers_rates_and_the_cumulative_measure(self) -> None:
        line = self.evaluation().earlier[0].lines[1]
        assert line.record == "D-2"
        assert {k: line.trace[k] for k in ("kind", "record", "credit", "cumulative_before",
                                           "cumulative_after", "mode", "tier", "rate")} == {
            "kind": "commission", "record": "D-2", "credit": "50000",
            "cumulative_before": "60000", "cumulative_after": "110000", "mode": "retroactive",
            "tier": "2", "rate": "0.15"}
        assert line.explanation == (
            "D-2 on 2026-02-15: credited 50,000.00; revenue from 60,000.00 to 110,000.00 "
            "(60 % → 110 % of quota 100,000.00): 110,000.00 at 15 % − 60,000.00 at 10 % "
            "= 10,500.00")

    def test_lines_add_up_to_component_and_statement_totals(self) -> None:
        ev = self.evaluation()
        for st in (*ev.earlier, *ev.statements):
            for total in st.components:
                mine = [line for line in st.lines if line.component == total.component]
                assert total.earned == sum((line.amount for line in mine), D(0))
                assert total.lines == len(mine)
            assert st.earned == sum((t.earned for t in st.components), D(0))

    def test_a_statement_explains_itself(self) -> None:
        text = self.evaluation().statement("ana").explain()
        assert text.splitlines()[0] == "Statement for ana, 2026-Q2 (USD)"
        assert "  c: " in text
        assert "true-up: revenue year to date of 110,000.00" in text
        assert "D-3 on 2026-04-15" in text
        assert "SPIFF s: 100.00 × 100 % share = 100.00" in text
        assert text.splitlines()[-4:] == [
            ("  earned this period -2,100.00; earned year to date 15,500.00; paid before "
             "17,600.00; payable -2,100.00"),
            # More taken back (the year-to-date true-up) than earned: carried, not clawed.
            ("  payable of -2,100.00 is negative: nothing is taken back now, 2,100.00 is "
             "carried as a balance"),
            "  balance 0.00 before, 2,100.00 after",
            "  paid 0.00"]

    def test_lines_are_equal_by_what_they_say_not_by_how_they_explain_it(self) -> None:
        first, again = self.evaluation(), self.evaluation()
        line, same = first.statement("ana").lines[0], again.statement("ana").lines[0]
        assert line is not same
        assert line == same
        assert not line != same  # noqa: SIM202 - `!=` is defined apart from `==` on tuples
        assert hash(line) == hash(same)
        assert first.statement("ana") == again.statement("ana")
        assert line != line.replace(amount=line.amount + 1)
        assert line.replace(amount=line.amount + 1).explanation.startswith(
            line.explanation.split(",")[0])
        assert repr(line).startswith("Line(component='c', payee='ana', period='2026-Q2'")
        assert line.details() == (line.trace, line.explanation)

    def test_a_line_shows_its_seven_fields_and_nothing_of_how_it_is_explained(self) -> None:
        """Issue 15: a line's writer and its place in its block are private; the public
        attributes are the seven fields (what tables, DataFrames and the schema show)."""
        line = self.evaluation().statement("ana").lines[0]
        # (mutation testing adds its mutants to the class, each named with a "ǁ")
        public = {name for name in dir(line) if not name.startswith("_") and "ǁ" not in name}
        assert public == {"component", "payee", "period", "record", "date", "exact", "amount",
                          "details", "trace", "explanation", "replace"}
        assert not hasattr(line, "detail")
        assert not hasattr(line, "facts")
        assert "detail" not in repr(line)
        assert "facts" not in repr(line)
        with pytest.raises(AttributeError, match="read-only"):
            line.amount = D(0)
        hand = sp.Line("c", "ana", "2026-Q2", "D-1", day(4), D("1.005"), D("1.01"))
        assert hand.amount == D("1.01")
        assert hand.explanation == ("a line given by hand, paid 1.01 after rounding to the "
                                    "running total")

    def test_a_statement_is_looked_up_by_payee(self) -> None:
        with pytest.raises(sp.DataError, match="no statement for 'zed'"):
            self.evaluation().statement("zed")


class TestDeterminism:
    def plan(self) -> sp.CompiledPlan:
        return compiled(sp.Commission("c", table((0, "0.05"), (50_000, "0.08"),
                                                 (150_000, "0.12"), mode=RETROACTIVE)),
                        sp.Spiff("s", amount=10))

    def records(self) -> list[sp.Record]:
        return [deal(f"D-{i:03}", day(1 + i % 6, 1 + i % 28), 1000 + 937 * i,
                     "ana" if i % 3 else "ben") for i in range(60)]

    def test_compiled_plans_are_safe_to_share_between_threads(self) -> None:
        plan, records = self.plan(), self.records()
        payees = [sp.Payee("ana"), sp.Payee("ben")]
        expected = plan.evaluate(records, Q2, payees=payees).to_dict()
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(
                lambda _: plan.evaluate(records, Q2, payees=payees).to_dict(), range(32)))
        assert all(result == expected for result in results)

    def test_the_callers_decimal_context_does_not_change_a_result(self) -> None:
        plan = compiled(sp.Commission("c", flat("0.0123456789")))
        records = [deal("D-1", day(1), "123456789.01"), deal("D-2", day(2), "0.01")]
        expected = run(plan, records).to_dict()
        with decimal.localcontext() as ctx:
            ctx.prec = 6
            ctx.rounding = decimal.ROUND_DOWN
            assert run(plan, records).to_dict() == expected

    def test_the_order_of_records_changes_nothing(self) -> None:
        plan, records = self.plan(), self.records()
        payees = [sp.Payee("ana"), sp.Payee("ben")]
        forward = plan.evaluate(records, Q2, payees=payees)
        backward = plan.evaluate(list(reversed(records)), Q2, payees=payees)
        assert backward.to_dict() == forward.to_dict()
