"""Properties of the commission engine that hold for every plan and every set of records.

Issue 4, "Done means": marginal payout is continuous and never decreases with sales;
retroactive pays at least marginal when rates rise with tiers; splits conserve the amount;
permuting records changes nothing; lines add up to totals; payables over the year add up to
the year-to-date earnings; re-evaluation is idempotent; every record is accounted for.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import salesperf as sp
from salesperf.testing import (
    assert_nothing_lost,
    assert_statements_add_up,
    deals,
    money,
    rates,
)

D = Decimal
MARGINAL = sp.TierMode.MARGINAL
RETROACTIVE = sp.TierMode.RETROACTIVE
HYBRID = sp.TierMode.HYBRID
QUARTERS = ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")
PAYEES = (sp.Payee("ana"), sp.Payee("ben"))
YEAR_START, YEAR_END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


# -- strategies --------------------------------------------------------------------------------


@st.composite
def tier_tables(draw: st.DrawFn, *, rising: bool = False) -> tuple[list[int], list[Decimal]]:
    """Tier lower bounds (from 0, strictly rising, in amounts) and their rates."""
    bounds = sorted(draw(st.sets(st.integers(1, 300_000), max_size=4)))
    table_rates = draw(st.lists(rates(), min_size=len(bounds) + 1, max_size=len(bounds) + 1))
    return [0, *bounds], sorted(table_rates) if rising else table_rates


def rate_table(bounds: Sequence[int], table_rates: Sequence[Decimal],
               mode: sp.TierMode = MARGINAL, through: int | None = None) -> sp.RateTable:
    return sp.RateTable([sp.Tier(b, r) for b, r in zip(bounds, table_rates, strict=True)],
                        mode, retroactive_through=through)


quarters = st.sampled_from(QUARTERS)


# -- helpers -----------------------------------------------------------------------------------


def exact_earnings(plan: sp.CompiledPlan, records: Sequence[sp.Record],
                   period: str = "2026-Q1") -> Decimal:
    """The unrounded earnings of `ana` in `period`."""
    st_ = plan.evaluate(records, period, payees=[sp.Payee("ana")]).statement("ana")
    return sum((line.exact for line in st_.lines), D(0))


def one_deal(amount: Decimal) -> list[sp.Record]:
    return [sp.Record("D-1", dt.date(2026, 1, 15), ("ana",), amount)]


def full_plan() -> sp.CompiledPlan:
    """A plan with a bit of everything that works on amounts and quotas."""
    tiers = [sp.Tier(0, "0.04"), sp.Tier(1, "0.06"), sp.Tier("1.5", "0.09")]
    return sp.compile_plan(sp.Plan("p", [
        sp.Commission("ytd", sp.RateTable(tiers, RETROACTIVE, sp.BoundBasis.ATTAINMENT),
                      window=sp.Window.YEAR_TO_DATE, cap=sp.Cap(per_record=3000)),
        sp.Commission("q", sp.RateTable([sp.Tier(0, "0.01"), sp.Tier(50_000, "0.02"),
                                         sp.Tier(100_000, "0.035")], HYBRID,
                                        retroactive_through=1)),
        sp.Spiff("s", sp.Eq("product", "b"), amount="33.33"),
        sp.TargetBonus("bonus", sp.Curve([(0, 0), (1, 1), (2, "2.5")], extrapolate=True)),
    ]))


def inputs(quota_values: Sequence[int] = (150_000,) * 4) -> dict[str, Any]:
    return {
        "payees": PAYEES,
        "quotas": [sp.Quota(p.id, "revenue", q, v) for p in PAYEES
                   for q, v in zip(QUARTERS, quota_values, strict=True)],
        "target_incentives": [sp.TargetIncentive(p.id, q, 5000) for p in PAYEES
                              for q in QUARTERS],
    }


quota_values = st.lists(st.integers(1, 400_000), min_size=4, max_size=4)


# -- tiers -------------------------------------------------------------------------------------


class TestTierProperties:
    @given(tier_tables(), money("0", "200000"), money("0", "50000"))
    def test_marginal_payout_never_decreases_and_moves_no_faster_than_the_top_rate(
            self, table: tuple[list[int], list[Decimal]], sales: Decimal,
            more: Decimal) -> None:
        """Continuity: f(x + d) − f(x) lies in [0, max rate × d]."""
        bounds, table_rates = table
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", rate_table(bounds,
                                                                          table_rates))]))
        low = exact_earnings(plan, one_deal(sales))
        high = exact_earnings(plan, one_deal(sales + more))
        assert D(0) <= high - low <= max(table_rates) * more

    @given(tier_tables(), deals(max_size=8, payees=("ana",), end=dt.date(2026, 3, 31)))
    def test_marginal_payout_of_many_records_is_the_payout_of_their_total(
            self, table: tuple[list[int], list[Decimal]], records: list[sp.Record]) -> None:
        bounds, table_rates = table
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", rate_table(bounds,
                                                                          table_rates))]))
        total = sum((r.amount or D(0) for r in records), D(0))
        assert exact_earnings(plan, records) == exact_earnings(plan, one_deal(total))

    @given(tier_tables(rising=True), deals(max_size=8, payees=("ana",),
                                           end=dt.date(2026, 3, 31)), st.data())
    def test_retroactive_pays_at_least_hybrid_and_hybrid_at_least_marginal_when_rates_rise(
            self, table: tuple[list[int], list[Decimal]], records: list[sp.Record],
            data: st.DataObject) -> None:
        bounds, table_rates = table
        through = data.draw(st.integers(0, len(bounds) - 1))
        paid = {}
        for mode in sp.TierMode:
            rt = rate_table(bounds, table_rates, mode, through if mode is HYBRID else None)
            plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", rt)]))
            paid[mode] = exact_earnings(plan, records)
        assert paid[MARGINAL] <= paid[HYBRID] <= paid[RETROACTIVE]


# -- crediting ---------------------------------------------------------------------------------


class TestCreditProperties:
    @given(money("-50000", "500000"), st.lists(st.integers(0, 100), min_size=0, max_size=4),
           st.decimals(min_value="0", max_value="1.5", places=2, allow_nan=False,
                       allow_infinity=False))
    def test_a_split_conserves_the_credited_amount(self, amount: Decimal, cuts: list[int],
                                                   factor: Decimal) -> None:
        points = [0, *sorted(cuts), 100]
        shares = {f"p{i}": D(points[i + 1] - points[i]) / 100 for i in range(len(points) - 1)}
        record = sp.Record("D-1", dt.date(2026, 2, 1), tuple(shares), amount, None,
                           {"split": shares})
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable([sp.Tier(0, 1)]))],
                                       credit_rules=[sp.CreditRule("all", factor=factor)]))
        ev = plan.evaluate([record], "2026-Q1", payees=[sp.Payee(p) for p in shares])
        assert sum((c.amount for c in ev.credits), D(0)) == amount * factor
        assert not ev.exclusions

    @given(deals(refunds=True, start=dt.date(2025, 11, 1), end=dt.date(2027, 1, 31),
                 payees=("ana", "ben", "zed")), quarters)
    def test_every_record_is_credited_or_excluded(self, records: list[sp.Record],
                                                  period: str) -> None:
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable([sp.Tier(0, 1)]))],
                                       credit_rules=[sp.CreditRule("a", where=sp.Eq("product",
                                                                                    "a"))]))
        ev = plan.evaluate(records, period, payees=[sp.Payee("ana"),
                                                    sp.Payee("ben", end=dt.date(2026, 6, 30))])
        assert_nothing_lost(records, ev)


# -- evaluation --------------------------------------------------------------------------------


class TestEvaluationProperties:
    @given(deals(refunds=True), quarters, quota_values, st.randoms(use_true_random=False))
    def test_permuting_records_changes_nothing(self, records: list[sp.Record], period: str,
                                               quotas: list[int], rnd: random.Random) -> None:
        shuffled = list(records)
        rnd.shuffle(shuffled)
        plan = full_plan()
        first = plan.evaluate(records, period, **inputs(quotas))
        second = plan.evaluate(shuffled, period, **inputs(quotas))
        assert first.to_dict() == second.to_dict()

    @given(deals(refunds=True), quarters, quota_values)
    def test_lines_add_up_to_the_rounded_totals(self, records: list[sp.Record], period: str,
                                                quotas: list[int]) -> None:
        ev = full_plan().evaluate(records, period, **inputs(quotas))
        usd = sp.currency("USD")
        assert_statements_add_up(ev)
        for payee in ("ana", "ben"):
            year = [s for s in (*ev.earlier, *ev.statements) if s.payee == payee]
            for comp in ("ytd", "q", "s", "bonus"):
                lines = [line for s in year for line in s.lines if line.component == comp]
                exact = sum((line.exact for line in lines), D(0))
                assert sum((line.amount for line in lines), D(0)) == usd.round(exact)
                assert all(abs(line.amount - line.exact) <= D("0.01") for line in lines)

    @given(deals(refunds=True), quarters, quota_values)
    def test_payables_over_the_year_add_up_to_earnings_year_to_date(
            self, records: list[sp.Record], period: str, quotas: list[int]) -> None:
        ev = full_plan().evaluate(records, period, **inputs(quotas))
        for payee in ("ana", "ben"):
            year = [s for s in (*ev.earlier, *ev.statements) if s.payee == payee]
            assert [s.period for s in year] == list(QUARTERS[:len(year)])
            assert sum((s.payable for s in year), D(0)) == year[-1].earned_ytd
            assert sum((s.earned for s in year), D(0)) == year[-1].earned_ytd

    @given(deals(refunds=True), quarters, quota_values)
    def test_evaluating_again_is_idempotent_and_never_pays_twice(
            self, records: list[sp.Record], period: str, quotas: list[int]) -> None:
        plan = full_plan()
        first = plan.evaluate(records, period, **inputs(quotas))
        again = plan.evaluate(records, period, **inputs(quotas))
        assert again.to_dict() == first.to_dict()
        paid = {(s.payee, s.period): s.payable for s in first.earlier}
        reported = plan.evaluate(records, period, paid=paid,
                                 **inputs(quotas))
        assert reported.statements == first.statements
        # The period before, evaluated on its own, is what the later evaluation assumed.
        if first.earlier:
            before = first.earlier[-1]
            alone = plan.evaluate(records, before.period,
                                  **inputs(quotas))
            assert alone.statement(before.payee) == before


# -- plain dicts and records -------------------------------------------------------------------

#: Crediting rules the engine reads as one lookup (equality and membership on one field), and
#: rules it must try one by one.
RULE_SETS = {
    "lookup": [sp.CreditRule("half", where=sp.Eq("category", "a", sp.Missing.FALSE),
                             factor="0.5"),
               sp.CreditRule("listed", where=sp.In("category", ["b", "c"], sp.Missing.FALSE)),
               sp.CreditRule("rest")],
    "lookup-no-default": [sp.CreditRule("only-a", where=sp.Eq("category", "a"))],  # missing: error
    "scan": [sp.CreditRule("big", where=sp.Compare("amount", ">=", 1000), factor=2),
             sp.CreditRule("rest")],
}


@st.composite
def plain_records(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Plain dicts with the cases the engine's inline path must hand on: unknown payees and
    payees who leave, dates outside the year, explicit currencies, missing or odd fields,
    the odd duplicate id."""
    out = []
    for i in range(draw(st.integers(0, 12))):
        record: dict[str, Any] = {
            "id": f"R-{draw(st.integers(0, 14)) if draw(st.booleans()) and i else i:02}",
            "date": draw(st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
                         | st.dates(dt.date(2025, 11, 1), dt.date(2027, 1, 31))),
            "payee": draw(st.sampled_from(["ana", "ana", "ben", "zed"])),
            "amount": draw(money("-5000", "20000")),
        }
        category = draw(st.sampled_from(["a", "a", "b", "c", "d", None, ["a"]]))
        if category is not None:
            record["category"] = category
        currency = draw(st.sampled_from([None, "absent", "USD"]))
        if currency != "absent":
            record["currency"] = currency
        out.append(record)
    return out


class TestPlainRecordProperties:
    @given(plain_records(), st.sampled_from(sorted(RULE_SETS)), quarters,
           st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
           st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    def test_plain_dicts_evaluate_as_the_equal_records_do(
            self, dicts: list[dict[str, Any]], rules: str, period: str,
            as_of: dt.date | None, effective_from: dt.date | None) -> None:
        """Plain dicts take the engine's inline path when they can; `Record` values never do.
        Both give the same evaluation, or the same error."""
        tiers = [sp.Tier(0, "0.05"), sp.Tier(10_000, "0.08")]
        plan = sp.compile_plan(sp.Plan(
            "p", [sp.Commission("c", sp.RateTable(tiers), cap=sp.Cap(per_period=900)),
                  sp.Spiff("s", sp.AllOf([sp.Eq("category", "b", sp.Missing.FALSE),
                                          sp.Eq("currency", "USD", sp.Missing.FALSE)]),
                           amount=25)],
            credit_rules=RULE_SETS[rules], effective_from=effective_from))
        payees = [sp.Payee("ana"), sp.Payee("ben", end=dt.date(2026, 5, 31))]

        def run(records: Sequence[object]) -> object:
            try:
                ev = plan.evaluate(records, period, payees=payees, as_of=as_of)  # type: ignore[arg-type]
            except sp.SalesperfError as err:
                return type(err), str(err)
            return ev.to_dict()

        try:
            records = [sp.Record.from_mapping(d) for d in dicts]
        except sp.SalesperfError:
            return  # not a valid record (an unhashable category): nothing to compare
        assert run(dicts) == run(records)
