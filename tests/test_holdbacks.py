"""Holdbacks and pay on cash: a commission that holds back a share of what each record earns
until a date or until the customer pays; statements show earned, released and held.

Issue "Pay across periods" (holdbacks and pay on cash); DESIGN.md "Holdbacks/accrual basis".
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
ANA = [sp.Payee("ana")]


ON_CASH = sp.Holdback()  # all of it, until the customer pays


def plan(holdback: sp.Holdback | None = ON_CASH) -> sp.CompiledPlan:
    return sp.compile_plan(sp.Plan("p", [sp.Commission(
        "c", sp.RateTable([sp.Tier(0, "0.05")]), holdback=holdback)]))


def deal(rid: str, day: dt.date, amount: object, **fields: Any) -> dict[str, Any]:
    return {"id": rid, "date": day, "payee": "ana", "amount": D(str(amount)), **fields}


def year(ev: sp.Evaluation) -> list[sp.Statement]:
    return [*ev.earlier, *ev.statements]


DEAL = [deal("D-1", dt.date(2026, 2, 1), 20_000)]


class TestPayOnCash:
    def test_the_issue_s_case(self) -> None:
        """A 20,000 deal at 5 % earns 1,000; with 15,000 collected in Q1 it pays 750 then,
        and the other 250 in Q2 when the rest is collected."""
        receipts = [sp.Receipt("D-1", dt.date(2026, 3, 1), 15_000),
                    sp.Receipt("D-1", dt.date(2026, 5, 10), 5_000)]
        q1, q2 = year(plan().evaluate(DEAL, "2026-Q2", payees=ANA, receipts=receipts))
        assert (q1.earned, q1.released, q1.held, q1.payable, q1.paid) == (
            D("1000.00"), D("750.00"), D("250.00"), D("750.00"), D("750.00"))
        assert (q2.earned, q2.released, q2.held, q2.payable, q2.paid) == (
            D("0.00"), D("250.00"), D("0.00"), D("250.00"), D("250.00"))
        assert "  released 750.00 of the earnings; held back 250.00" in q1.explain()
        assert q2.explain().splitlines()[-2:] == [
            "  released 250.00 of the earnings; held back 0.00", "  paid 250.00"]

    def test_a_receipt_after_the_period_releases_nothing_yet(self) -> None:
        receipts = [sp.Receipt("D-1", dt.date(2026, 4, 2), 20_000)]
        st_ = plan().evaluate(DEAL, "2026-Q1", payees=ANA, receipts=receipts).statement("ana")
        assert (st_.released, st_.held, st_.paid) == (D("0.00"), D("1000.00"), D("0.00"))

    def test_only_the_held_share_waits(self) -> None:
        st_ = plan(sp.Holdback("0.4")).evaluate(DEAL, "2026-Q1", payees=ANA).statement("ana")
        assert (st_.released, st_.held) == (D("600.00"), D("400.00"))

    def test_a_clawback_of_an_unpaid_deal_takes_back_nothing_paid(self) -> None:
        """Cancelled before the customer paid: the line and its reversal are both held, so
        nothing was paid and nothing is taken back from pay."""
        records = [*DEAL, deal("X-1", dt.date(2026, 3, 1), -20_000, reverses="D-1")]
        st_ = plan().evaluate(records, "2026-Q1", payees=ANA).statement("ana")
        assert (st_.earned, st_.released, st_.held, st_.paid) == (D("0.00"),) * 3 + (
            D("0.00"),)


class TestUntilADate:
    def test_the_held_share_is_released_in_the_period_of_its_date(self) -> None:
        hold = sp.Holdback("0.5", until=dt.date(2026, 5, 15))
        q1, q2 = year(plan(hold).evaluate(DEAL, "2026-Q2", payees=ANA))
        assert (q1.released, q1.held, q2.released, q2.held) == (
            D("500.00"), D("500.00"), D("500.00"), D("0.00"))


class TestDefinition:
    def test_a_share_outside_0_to_1_is_a_plan_problem(self) -> None:
        with pytest.raises(sp.DefinitionError, match=r"components\[0\]\.holdback\.share"):
            plan(sp.Holdback("1.5"))

    def test_a_holdback_round_trips_through_a_plan_document(self) -> None:
        p = plan(sp.Holdback("0.25", until=dt.date(2026, 6, 30))).plan
        assert sp.loads_plan(sp.dumps_plan(p)) == p

    def test_a_request_document_carries_receipts(self) -> None:
        document = {"format": "salesperf.request", "period": "2026-Q1",
                    "plan": sp.dump_plan(plan().plan), "payees": [{"id": "ana"}],
                    "receipts": [{"record": "D-1", "date": "2026-03-01", "amount": "5000"}],
                    "records": [{"id": "D-1", "date": "2026-02-01", "payee": "ana",
                                 "amount": "20000"}]}
        request, records = sp.load_request(document)
        statement = sp.evaluate_request(request, records)["statements"][0]
        assert (statement["released"], statement["held"]) == ("250.00", "750.00")


@st.composite
def cash(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[sp.Receipt], sp.Holdback]:
    deals = [deal(f"D-{i}", draw(st.dates(dt.date(2026, 1, 1), dt.date(2026, 9, 30))),
                  draw(st.integers(-2000, 40_000))) for i in range(draw(st.integers(0, 6)))]
    receipts = [sp.Receipt(d["id"], d["date"] + dt.timedelta(days=draw(st.integers(0, 200))),
                           draw(st.integers(0, 40_000)))
                for d in deals for _ in range(draw(st.integers(0, 2)))]
    hold = sp.Holdback(draw(st.sampled_from(["1", "0.5", "0"])),
                       until=draw(st.none() | st.dates(dt.date(2026, 1, 1),
                                                       dt.date(2027, 1, 31))))
    return deals, receipts, hold


class TestHoldbackProperties:
    @given(cash(), st.sampled_from(["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]))
    def test_released_and_held_add_up_to_earned_and_never_exceed_it(
            self, history: Any, period: str) -> None:
        deals, receipts, hold = history
        statements = year(plan(hold).evaluate(deals, period, payees=ANA, receipts=receipts))
        last = statements[-1]
        assert sum((s.released for s in statements), D(0)) + last.held == last.earned_ytd
        assert sum((s.payable for s in statements), D(0)) == last.earned_ytd - last.held
        if all(d["amount"] >= 0 for d in deals):
            assert all(s.held >= 0 for s in statements)


class TestWhatIsHeld:
    """Only a held commission's record lines wait; its period lines (a floor, a true-up) and
    other components are released at once, and a record with nothing to collect is not held.
    (Mutation testing, `released`/`_release`.)"""

    def test_other_components_and_a_floor_are_released_at_once(self) -> None:
        compiled = sp.compile_plan(sp.Plan("p", [
            sp.Spiff("s", sp.Eq("logo", True, sp.Missing.FALSE), amount=300),
            sp.Commission("c", sp.RateTable([sp.Tier(0, "0.05")]), holdback=ON_CASH,
                          floor=1500),
            sp.Commission("u", sp.RateTable([sp.Tier(0, "0.01")]))]))
        ev = compiled.evaluate([deal("D-1", dt.date(2026, 2, 1), 20_000, logo=True)],
                               "2026-Q1", payees=ANA)
        q1 = ev.statement("ana")
        # earned: SPIFF 300, commission 1,000 held + floor 500, other commission 200
        assert (q1.earned, q1.released, q1.held) == (D("2000.00"), D("1000.00"),
                                                      D("1000.00"))

    def test_a_year_to_date_true_up_is_released_and_the_records_after_it_held(self) -> None:
        compiled = sp.compile_plan(sp.Plan("p", [sp.Commission(
            "c", sp.RateTable([sp.Tier(0, "0.05")]), window=sp.Window.YEAR_TO_DATE,
            gate=sp.Gate("0.5"), holdback=sp.Holdback("0.5"))]))
        quotas = [sp.Quota("ana", "revenue", f"2026-Q{q}", 10_000) for q in (1, 2)]
        records = [deal("D-1", dt.date(2026, 2, 1), 8_000),
                   deal("D-2", dt.date(2026, 5, 1), 4_000)]
        receipts = [sp.Receipt("D-1", dt.date(2026, 2, 2), 8_000)]
        q1, q2 = year(compiled.evaluate(records, "2026-Q2", payees=ANA, quotas=quotas,
                                        receipts=receipts))
        # Q1: 8,000 of a 10,000 quota passes the gate: 400, collected in full.
        assert (q1.earned, q1.released, q1.held) == (D("400.00"), D("400.00"), D("0.00"))
        # Q2: the year's quota is 20,000 and 8,000 no longer passes the gate (−400, a
        # true-up released at once); with D-2, 12,000 passes it: 600, half held. Released
        # by Q2: 400 − 400 + 300 = 300, of which 400 in Q1.
        assert [line.amount for line in q2.lines] == [D("-400.00"), D("600.00")]
        assert (q2.released, q2.held) == (D("-100.00"), D("300.00"))

    def test_a_refund_has_nothing_to_collect_and_is_released_at_once(self) -> None:
        records = [deal("D-1", dt.date(2026, 2, 1), 20_000),
                   deal("R-1", dt.date(2026, 2, 5), -4_000)]
        q1 = plan().evaluate(records, "2026-Q1", payees=ANA).statement("ana")
        assert (q1.earned, q1.released, q1.held) == (D("800.00"), D("-200.00"), D("1000.00"))

    @pytest.mark.parametrize("amount", ["0.60", "1"])
    def test_a_deal_of_a_unit_or_less_waits_for_its_receipts_too(self, amount: str) -> None:
        compiled = sp.compile_plan(sp.Plan("p", [sp.Commission(
            "c", sp.RateTable([sp.Tier(0, 100)]), holdback=ON_CASH)]))  # 100 a unit
        receipts = [sp.Receipt("D-1", dt.date(2026, 2, 6), "0.30")]
        q1 = compiled.evaluate([deal("D-1", dt.date(2026, 2, 1), amount)], "2026-Q1",
                               payees=ANA, receipts=receipts).statement("ana")
        assert q1.released == D("30.00")  # 100 × 0.30 collected
