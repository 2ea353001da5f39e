"""Clawbacks: a record that `reverses` an earlier one takes back what the original earned —
at the tier and rate it was paid, pro rata for a partial reversal — inside the plan's
clawback window, as a negative line in the period of the reversal; anything else is excluded
with its reason.

Issue "Pay across periods" (clawbacks) and DESIGN.md "Across periods".
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import salesperf as sp

D = Decimal
Q1 = "2026-Q1"
ANA = [sp.Payee("ana")]
TIERS = sp.RateTable([sp.Tier(0, "0.10"), sp.Tier(100_000, "0.15")])


def plan(table: sp.RateTable = TIERS, **terms: Any) -> sp.CompiledPlan:
    return sp.compile_plan(sp.Plan("p", [sp.Commission("c", table)],
                                   payments=sp.PaymentTerms(**terms)))


def deal(rid: str, day: dt.date, amount: object = None, payee: str = "ana",
         **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"id": rid, "date": day, "payee": payee, **fields}
    if amount is not None:
        record["amount"] = D(str(amount))
    return record


def cancel(rid: str, day: dt.date, original: str, amount: object = None) -> dict[str, Any]:
    return deal(rid, day, amount, reverses=original)


HISTORY = [deal("D-1", dt.date(2026, 1, 10), 60_000), deal("D-2", dt.date(2026, 2, 10), 60_000)]


class TestTakingBack:
    def test_a_cancelled_deal_takes_back_what_it_paid_not_today_s_rate(self) -> None:
        """D-1 (60,000) earns 6,000 at 10 %; D-2 takes the measure to 120,000 and earns
        40,000 × 10 % + 20,000 × 15 % = 7,000. Cancelling D-1 takes back its 6,000 — not
        60,000 at today's 15 % — and the measure falls to 60,000, so D-3 (30,000) earns
        3,000 at 10 %."""
        records = [*HISTORY, cancel("X-1", dt.date(2026, 3, 1), "D-1"),
                   deal("D-3", dt.date(2026, 3, 15), 30_000)]
        lines = plan().evaluate(records, Q1, payees=ANA).statement("ana").lines
        assert [(line.record, line.amount) for line in lines] == [
            ("D-1", D("6000.00")), ("D-2", D("7000.00")), ("X-1", D("-6000.00")),
            ("D-3", D("3000.00"))]
        clawback = lines[2]
        assert clawback.trace["kind"] == "clawback"
        assert clawback.trace["reverses"] == "D-1"
        assert (clawback.trace["cumulative_before"], clawback.trace["cumulative_after"]) == (
            "120000", "60000")
        assert clawback.explanation == (
            "X-1 on 2026-03-01: reverses 100 % of D-1 (-60,000.00 of revenue, which goes from "
            "120,000.00 to 60,000.00): takes back 100 % of the 6,000.00 D-1 earned = -6,000.00")

    def test_a_partial_reversal_takes_back_its_share(self) -> None:
        """−15,000 of a 60,000 deal is a quarter: a quarter of 6,000."""
        records = [*HISTORY, cancel("X-1", dt.date(2026, 3, 1), "D-1", -15_000)]
        lines = plan().evaluate(records, Q1, payees=ANA).statement("ana").lines
        assert lines[-1].amount == D("-1500.00")
        assert lines[-1].trace["fraction"] == "0.25"

    def test_a_clawback_lands_in_the_period_of_the_reversal(self) -> None:
        records = [*HISTORY, cancel("X-1", dt.date(2026, 4, 20), "D-2")]
        ev = plan().evaluate(records, "2026-Q2", payees=ANA)
        q2 = ev.statement("ana")
        assert [(line.record, line.amount) for line in q2.lines] == [("X-1", D("-7000.00"))]
        assert (q2.payable, q2.paid, q2.balance_after) == (D("-7000.00"), D("0.00"),
                                                           D("7000.00"))

    def test_reversals_in_parts_take_back_at_most_the_whole(self) -> None:
        records = [*HISTORY, cancel("X-1", dt.date(2026, 3, 1), "D-1", -30_000),
                   cancel("X-2", dt.date(2026, 3, 2), "D-1", -24_000),
                   cancel("X-3", dt.date(2026, 3, 3), "D-1", -12_000),
                   cancel("X-4", dt.date(2026, 3, 4), "D-1")]
        ev = plan().evaluate(records, Q1, payees=ANA)
        lines = {line.record: line.amount for line in ev.statement("ana").lines}
        assert (lines["X-1"], lines["X-2"], lines["X-4"]) == (
            D("-3000.00"), D("-2400.00"), D("-600.00"))  # what is left, a tenth
        assert "X-3" not in lines
        assert [e.reason for e in ev.exclusions] == [
            "reverses 0.2 of D-1, more than the 0.1 that remains"]

    def test_a_manager_s_rollup_and_a_spiff_are_clawed_back_too(self) -> None:
        compiled = sp.compile_plan(sp.Plan(
            "p", [sp.Commission("c", TIERS), sp.Spiff("s", sp.Eq("logo", True, sp.Missing.FALSE),
                                                       amount=500)],
            extra_credit=[sp.Rollup("up", share="0.5")]))
        payees = [sp.Payee("mia"), sp.Payee("ana", manager="mia")]
        records = [deal("D-1", dt.date(2026, 1, 10), 60_000, logo=True),
                   cancel("X-1", dt.date(2026, 2, 1), "D-1", -30_000)]
        ev = compiled.evaluate(records, Q1, payees=payees)
        ana = {(line.component, line.record): line.amount for line in ev.statement("ana").lines}
        mia = {(line.component, line.record): line.amount for line in ev.statement("mia").lines}
        assert ana == {("c", "D-1"): D("6000.00"), ("c", "X-1"): D("-3000.00"),
                       ("s", "D-1"): D("500.00"), ("s", "X-1"): D("-250.00")}
        assert mia == {("c", "D-1"): D("3000.00"), ("c", "X-1"): D("-1500.00")}


class TestYearToDate:
    def test_a_reversal_takes_back_what_the_original_was_paid_in_its_own_period(self) -> None:
        """A year-to-date window recomputes earlier periods' credits against the grown quota,
        which moved the gate: D-2 now "earns" 2,750.00 as the credit that crosses it. The
        reversal used to take back that recomputed 2,750.00 for a 15,000 deal at 5 %; it
        takes back the 750.00 D-2 was paid in Q1. (Found by the golden scenario of
        tests/test_engine_golden.py; the clawback tests had period windows only.)"""
        compiled = sp.compile_plan(sp.Plan("p", [sp.Commission(
            "c", sp.RateTable([sp.Tier(0, "0.05")]), window=sp.Window.YEAR_TO_DATE,
            gate=sp.Gate("0.25"))]))
        records = [deal("D-1", dt.date(2026, 1, 10), 40_000),
                   deal("D-2", dt.date(2026, 2, 3), 15_000),
                   deal("X-1", dt.date(2026, 4, 20), reverses="D-2")]
        quotas = [sp.Quota("ana", "revenue", q, 100_000) for q in (Q1, "2026-Q2")]
        q1 = compiled.evaluate(records, Q1, payees=ANA, quotas=quotas).statement("ana")
        assert [line.amount for line in q1.lines] == [D("2000.00"), D("750.00")]
        q2 = compiled.evaluate(records, "2026-Q2", payees=ANA, quotas=quotas).statement("ana")
        (undo,) = [line for line in q2.lines if line.record == "X-1"]
        assert undo.amount == D("-750.00")
        assert "takes back 100 % of the 750.00 D-2 earned" in undo.explanation
        # From Q3 on, D-2 and its reversal are both recomputed against the year's quota: they
        # cancel, and the year to date is D-1's alone (40,000, below the gate at 75,000).
        q3 = compiled.evaluate(records, "2026-Q3", payees=ANA, quotas=[
            *quotas, sp.Quota("ana", "revenue", "2026-Q3", 100_000)]).statement("ana")
        alone = compiled.evaluate(records[:1], "2026-Q3", payees=ANA, quotas=[
            *quotas, sp.Quota("ana", "revenue", "2026-Q3", 100_000)]).statement("ana")
        assert q3.earned_ytd == alone.earned_ytd == D("0.00")


class TestExcluded:
    @pytest.mark.parametrize(("reversal", "reason"), [
        (cancel("X-1", dt.date(2026, 3, 15), "D-1"),
         "reverses D-1 of 2026-01-10, 64 days before: outside the 30-day clawback window"),
        (cancel("X-1", dt.date(2026, 3, 1), "D-9"), "reverses 'D-9', which was not credited"),
        (cancel("X-1", dt.date(2026, 1, 5), "D-1"),
         "dated 2026-01-05, before D-1 (2026-01-10), the record it reverses"),
        (cancel("X-1", dt.date(2026, 1, 20), "D-1", 500),
         "a reversal's amount is the change to D-1 (60000), so of the opposite sign; got 500"),
        (cancel("X-1", dt.date(2026, 1, 20), "D-1", -90_000),
         "reverses 1.5 of D-1, more than the 1 that remains"),
        (deal("X-1", dt.date(2026, 1, 20), -100, reverses="D-1", currency="EUR"),
         "in EUR, while D-1 is in the plan currency"),
    ])
    def test_a_reversal_that_cannot_take_back_is_excluded_with_its_reason(
            self, reversal: dict[str, Any], reason: str) -> None:
        ev = plan(clawback_days=30).evaluate([*HISTORY, reversal], Q1, payees=ANA)
        assert [(e.record, e.reason) for e in ev.exclusions] == [("X-1", reason)]
        assert "X-1" not in {line.record for line in ev.statement("ana").lines}

    def test_a_negative_clawback_window_is_a_plan_problem(self) -> None:
        with pytest.raises(sp.DefinitionError, match=r"plan\.payments\.clawback_days"):
            plan(clawback_days=-1)


# -- properties --------------------------------------------------------------------------------


@st.composite
def books(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Deals, some of them reversed in full or in part, later."""
    records: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 8))):
        day = draw(st.dates(dt.date(2026, 1, 1), dt.date(2026, 6, 30)))
        records.append(deal(f"D-{i}", day, draw(st.integers(100, 90_000))))
    for i, original in enumerate(list(records)):
        if draw(st.booleans()):
            later = original["date"] + dt.timedelta(days=draw(st.integers(0, 120)))
            share = draw(st.sampled_from([None, "0.5", "0.25"]))
            amount = None if share is None else -original["amount"] * D(share)
            records.append(cancel(f"X-{i}", later, original["id"], amount))
    return records


class TestClawbackProperties:
    @given(books(), st.sampled_from(sp.TierMode), st.randoms(use_true_random=False))
    def test_the_order_of_the_records_changes_nothing(
            self, records: list[dict[str, Any]], mode: sp.TierMode, rnd: random.Random) -> None:
        compiled = plan(sp.RateTable([sp.Tier(0, "0.05"), sp.Tier(50_000, "0.09")], mode,
                                     retroactive_through=0 if mode is sp.TierMode.HYBRID
                                     else None))
        shuffled = rnd.sample(records, len(records))
        first = compiled.evaluate(records, "2026-Q4", payees=ANA)
        again = compiled.evaluate(shuffled, "2026-Q4", payees=ANA)
        assert first.to_dict() == again.to_dict()

    @given(books(), st.sampled_from(sp.TierMode), st.sampled_from(sp.Window),
           st.sampled_from([None, sp.Gate("0.25"), sp.Gate("0.25", pay_from_first_unit=False)]))
    def test_a_full_reversal_takes_back_exactly_what_its_deal_s_line_paid(
            self, records: list[dict[str, Any]], mode: sp.TierMode, window: sp.Window,
            gate: sp.Gate | None) -> None:
        """In every window — a year-to-date one recomputes earlier credits against a grown
        quota — a reversal takes back what the deal was paid in its own period."""
        table = sp.RateTable([sp.Tier(0, "0.05"), sp.Tier(1, "0.09")], mode,
                             basis=sp.BoundBasis.ATTAINMENT,
                             retroactive_through=0 if mode is sp.TierMode.HYBRID else None)
        compiled = sp.compile_plan(sp.Plan("p", [sp.Commission("c", table, window=window,
                                                               gate=gate)]))
        quotas = [sp.Quota("ana", "revenue", f"2026-Q{q}", 60_000) for q in range(1, 5)]
        ev = compiled.evaluate(records, "2026-Q4", payees=ANA, quotas=quotas)
        lines = {line.record: line for s in (*ev.earlier, *ev.statements) for line in s.lines
                 if line.record is not None}
        for r in records:
            undo = lines.get(r["id"])
            if "reverses" in r and "amount" not in r and undo is not None:
                assert undo.exact == -lines[r["reverses"]].exact

    @given(books())
    def test_reversing_every_deal_in_full_leaves_nothing_earned(
            self, records: list[dict[str, Any]]) -> None:
        """Whatever tiers the deals crossed, each reversal takes back exactly what its deal
        earned, so a year of deals all cancelled in full nets to nothing."""
        deals = [r for r in records if "reverses" not in r]
        cancels = [cancel(f"X-{r['id']}", dt.date(2026, 12, 31), r["id"]) for r in deals]
        ev = plan().evaluate([*deals, *cancels], "2026-Q4", payees=ANA)
        year = [*ev.earlier, *ev.statements]
        assert sum((line.exact for s in year for line in s.lines), D(0)) == 0
        assert ev.exclusions == ()


class TestWhatAReversalMayTakeBack:
    """Each limit on a reversal holds on its boundary, and each reason names the values.
    (Mutation testing, `_reversal_share`: the boundaries and the currencies were unread.)"""

    def test_a_reversal_on_its_deal_s_own_day_or_the_window_s_last_day_takes_back(
            self) -> None:
        for day in (dt.date(2026, 1, 10), dt.date(2026, 2, 9)):  # 0 and 30 days after D-1
            ev = plan(clawback_days=30).evaluate([*HISTORY, cancel("X-1", day, "D-1")], Q1,
                                                 payees=ANA)
            assert ev.exclusions == ()
            lines = {line.record: line.amount for line in ev.statement("ana").lines}
            assert lines["X-1"] == D("-6000.00")
        late = plan(clawback_days=30).evaluate(
            [*HISTORY, cancel("X-1", dt.date(2026, 2, 10), "D-1")], Q1, payees=ANA)
        assert [e.reason for e in late.exclusions] == [
            "reverses D-1 of 2026-01-10, 31 days before: outside the 30-day clawback window"]

    def test_without_a_window_a_reversal_a_year_later_takes_back(self) -> None:
        ev = plan().evaluate([*HISTORY, cancel("X-1", dt.date(2026, 12, 31), "D-1")],
                             "2026-Q4", payees=ANA)
        assert ev.exclusions == ()
        (undo,) = [li for li in ev.statement("ana").lines if li.record == "X-1"]
        assert undo.amount == D("-6000.00")

    def test_a_reversal_of_nothing_is_refused_as_of_the_wrong_sign(self) -> None:
        ev = plan().evaluate([*HISTORY, cancel("X-1", dt.date(2026, 2, 1), "D-1", 0)], Q1,
                             payees=ANA)
        assert [e.reason for e in ev.exclusions] == [
            "a reversal's amount is the change to D-1 (60000), so of the opposite sign; got 0"]

    def test_a_reversal_of_a_fraction_of_a_unit_must_be_of_the_opposite_sign_too(
            self) -> None:
        ev = plan().evaluate([*HISTORY, cancel("X-1", dt.date(2026, 2, 1), "D-1", "0.5")], Q1,
                             payees=ANA)
        assert [e.reason for e in ev.exclusions] == [
            ("a reversal's amount is the change to D-1 (60000), so of the opposite sign; "
            "got 0.5")]

    def test_a_deal_of_under_a_unit_is_reversed_in_part(self) -> None:
        compiled = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, 100)]))]))
        ev = compiled.evaluate([deal("D-1", dt.date(2026, 1, 5), "0.5"),
                                cancel("X-1", dt.date(2026, 1, 6), "D-1", "-0.25")], Q1,
                               payees=ANA)
        assert ev.exclusions == ()
        assert [line.amount for line in ev.statement("ana").lines] == [D("50.00"),
                                                                       D("-25.00")]

    def test_reversals_are_settled_in_date_order_whatever_their_ids(self) -> None:
        records = [*HISTORY, cancel("X-1", dt.date(2026, 3, 5), "D-1", -40_000),
                   cancel("X-2", dt.date(2026, 3, 1), "D-1", -40_000),
                   cancel("X-0", dt.date(2026, 3, 2), "D-9")]  # excluded: the rest go on
        ev = plan().evaluate(records, Q1, payees=ANA)
        lines = {line.record: line.amount for line in ev.statement("ana").lines}
        assert lines["X-2"] == D("-4000.00")
        assert [(e.record, e.reason.split(" ")[1]) for e in ev.exclusions] == [
            ("X-0", "'D-9',"), ("X-1", "0.6666666666666666666666666666666667")]

    def test_a_per_record_commission_takes_back_what_its_deal_was_paid(self) -> None:
        """Record by record, capped at 1,000 for the period: D-1 earns 600, D-2 is paid the
        400 left of the cap; reversing half of D-2 takes back 200 of what it was paid (not
        half of the 600 it would have earned)."""
        compiled = sp.compile_plan(sp.Plan("p", [sp.Commission(
            "c", sp.RateTable([sp.Tier(0, "0.10")]), application=sp.Application.PER_RECORD,
            cap=sp.Cap(per_period=1000))]))
        records = [deal("D-1", dt.date(2026, 1, 5), 6000), deal("D-2", dt.date(2026, 1, 6), 6000),
                   cancel("X-1", dt.date(2026, 1, 7), "D-2", -3000),
                   cancel("X-2", dt.date(2026, 1, 8), "D-1")]
        lines = compiled.evaluate(records, Q1, payees=ANA).statement("ana").lines
        assert [(line.record, line.amount) for line in lines] == [
            ("D-1", D("600.00")), ("D-2", D("400.00")), ("X-1", D("-200.00")),
            ("X-2", D("-600.00"))]

    def test_a_deal_of_no_amount_has_no_share_to_take(self) -> None:
        records = [deal("D-0", dt.date(2026, 1, 5), 0), *HISTORY,
                   cancel("X-1", dt.date(2026, 2, 1), "D-0", -10)]
        ev = plan().evaluate(records, Q1, payees=ANA)
        assert [e.reason for e in ev.exclusions] == [
            "reverses D-0, which has no amount to take a share of"]
        whole = plan().evaluate([*records[:-1], cancel("X-1", dt.date(2026, 2, 1), "D-0")],
                                Q1, payees=ANA)
        assert whole.exclusions == ()  # no amount given: all that is left, here nothing

    def test_a_refund_is_reversed_by_a_positive_amount(self) -> None:
        records = [*HISTORY, deal("R-1", dt.date(2026, 2, 20), -10_000),
                   cancel("X-1", dt.date(2026, 3, 1), "R-1", 2_500)]
        ev = plan().evaluate(records, Q1, payees=ANA)
        lines = {line.record: line.exact for line in ev.statement("ana").lines}
        assert ev.exclusions == ()
        assert lines["X-1"] == -lines["R-1"] * D("0.25")

    def test_a_reversal_in_its_deal_s_currency_takes_its_share(self) -> None:
        rates = sp.ExchangeRates.of([sp.ExchangeRate("EUR", "USD", "1.5", dt.date(2026, 1, 1))])
        records = [deal("D-1", dt.date(2026, 1, 10), 40_000, currency="EUR"),
                   deal("X-1", dt.date(2026, 2, 1), -10_000, reverses="D-1", currency="EUR"),
                   deal("X-2", dt.date(2026, 2, 2), -10, reverses="D-1")]
        ev = plan().evaluate(records, Q1, payees=ANA, rates=rates)
        lines = {line.record: line.amount for line in ev.statement("ana").lines}
        assert lines == {"D-1": D("6000.00"), "X-1": D("-1500.00")}  # 60,000 USD, a quarter
        assert [(e.record, e.reason) for e in ev.exclusions] == [
            ("X-2", "in the plan currency, while D-1 is in EUR")]

    def test_a_reversal_that_takes_all_that_is_left_leaves_nothing_to_take(self) -> None:
        records = [*HISTORY, cancel("X-1", dt.date(2026, 3, 1), "D-1", -45_000),
                   cancel("X-2", dt.date(2026, 3, 2), "D-1", -15_000),
                   cancel("X-3", dt.date(2026, 3, 3), "D-1", -1)]
        ev = plan().evaluate(records, Q1, payees=ANA)
        lines = {line.record: line.amount for line in ev.statement("ana").lines}
        assert (lines["X-1"], lines["X-2"]) == (D("-4500.00"), D("-1500.00"))
        assert [(e.record, e.reason) for e in ev.exclusions] == [
            ("X-3", ("reverses 0.00001666666666666666666666666666666667 of D-1, more than "
                    "the 0.00 that remains"))]

    def test_reversals_on_one_day_are_settled_in_the_order_of_their_ids(self) -> None:
        day = dt.date(2026, 3, 1)
        records = [*HISTORY, cancel("X-2", day, "D-1", -40_000),
                   cancel("X-1", day, "D-1", -30_000)]
        ev = plan().evaluate(records, Q1, payees=ANA)
        lines = {line.record: line.amount for line in ev.statement("ana").lines}
        assert lines["X-1"] == D("-3000.00")
        assert [(e.record, e.reason) for e in ev.exclusions] == [
            ("X-2", ("reverses 0.6666666666666666666666666666666667 of D-1, more than the 0.5 "
                    "that remains"))]

    def test_a_clawback_credit_mirrors_its_deal_s_credit(self) -> None:
        """Same payee, measure, share, factor, rule and kind; the amount negated, for the
        share reversed, dated the reversal's day."""
        compiled = sp.compile_plan(sp.Plan(
            "p", [sp.Commission("c", TIERS)],
            credit_rules=[sp.CreditRule("half", where=sp.Eq("kind", "renewal"), factor="0.5"),
                          sp.CreditRule("rest")]))
        split = {"id": "D-1", "date": dt.date(2026, 1, 10), "payees": ["ana", "ben"],
                 "split": {"ana": "0.75", "ben": "0.25"}, "amount": D(40_000),
                 "kind": "renewal"}
        records = [split, cancel("X-1", dt.date(2026, 2, 1), "D-1", -10_000)]
        ev = compiled.evaluate(records, Q1, payees=[sp.Payee("ana"), sp.Payee("ben")])
        got = [(c.record, c.payee, c.date, c.amount, c.share, c.factor, c.rule, c.kind)
               for c in ev.credits]
        assert got == [
            ("D-1", "ana", dt.date(2026, 1, 10), D("15000.000"), D("0.75"), D("0.5"), "half",
             sp.CreditKind.DIRECT),
            ("D-1", "ben", dt.date(2026, 1, 10), D("5000.000"), D("0.25"), D("0.5"), "half",
             sp.CreditKind.DIRECT),
            ("X-1", "ana", dt.date(2026, 2, 1), D("-3750.00000"), D("0.75"), D("0.5"), "half",
             sp.CreditKind.DIRECT),
            ("X-1", "ben", dt.date(2026, 2, 1), D("-1250.00000"), D("0.25"), D("0.5"), "half",
             sp.CreditKind.DIRECT)]

    def test_a_spiff_clawback_says_what_it_reverses(self) -> None:
        compiled = sp.compile_plan(sp.Plan("p", [
            sp.Commission("c", TIERS),
            sp.Spiff("s", sp.Eq("logo", True, sp.Missing.FALSE), amount=500)]))
        records = [deal("D-1", dt.date(2026, 1, 10), 1000, logo=True),
                   cancel("X-1", dt.date(2026, 1, 20), "D-1", -500),
                   cancel("X-2", dt.date(2026, 1, 21), "D-1")]
        ev = compiled.evaluate(records, Q1, payees=ANA)
        lines = {(li.component, li.record): li for li in ev.statement("ana").lines}
        undo = lines["s", "X-1"]
        assert undo.explanation == ("X-1 on 2026-01-20: SPIFF s: reverses D-1: − 500.00 × "
                                    "100 % share × 50 % reversed = -250.00")
        assert {k: undo.trace[k] for k in ("kind", "reverses", "fraction", "arithmetic")} == {
            "kind": "clawback", "reverses": "D-1", "fraction": "0.5",
            "arithmetic": "− 500.00 × 100 % share × 50 % reversed"}
        assert lines["s", "D-1"].trace["kind"] == "spiff"
        assert lines["s", "X-2"].explanation.endswith("× 50 % reversed = -250.00")

    def test_a_reversal_of_a_deal_reversed_in_full_is_excluded(self) -> None:
        """It used to be credited with nothing, its sentence saying the deal had earned
        0.00 ("takes back 0 % of the 0.00 D-1 earned"), which is false: what the deal
        earned cannot be read back from a share of 0. (Found by mutation testing:
        `_taken_from`'s guard against a share of 0.)"""
        records = [*HISTORY, cancel("X-1", dt.date(2026, 2, 1), "D-1"),
                   cancel("X-2", dt.date(2026, 2, 2), "D-1")]
        ev = plan().evaluate(records, Q1, payees=ANA)
        assert [(e.record, e.reason) for e in ev.exclusions] == [
            ("X-2", "reverses D-1, which is already reversed in full")]
        assert "X-2" not in {line.record for line in ev.statement("ana").lines}
        assert "X-2" not in {c.record for c in ev.credits}
