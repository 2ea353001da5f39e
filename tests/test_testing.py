"""salesperf.testing (issue 15): the assertions catch what they promise to catch, and the
strategies draw what their docstrings say."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings

import salesperf as sp
from salesperf import testing
from worked_results import PAYEES, QUOTAS, RECORDS, evaluation

D = Decimal


class TestAssertions:
    def test_a_sound_evaluation_passes(self) -> None:
        ev = evaluation("2026-Q2")
        testing.assert_statements_add_up(ev)
        testing.assert_nothing_lost(RECORDS, ev)

    def test_a_lost_record_is_named(self) -> None:
        more = [*RECORDS, {"id": "D-9", "date": "2026-03-03", "payee": "ana", "amount": "1"}]
        with pytest.raises(AssertionError, match=r"neither credited nor excluded: \['D-9'\]"):
            testing.assert_nothing_lost(more, evaluation())
        with pytest.raises(AssertionError, match=r"never given: \['D-4'\]"):
            testing.assert_nothing_lost(RECORDS[:3], evaluation())
        silent = sp.Evaluation("p", 1, "2026-Q1", (), (), (sp.Exclusion("D-1", ""),))
        with pytest.raises(AssertionError, match="without a reason"):
            testing.assert_nothing_lost(RECORDS[:1], silent)

    def test_statements_that_do_not_add_up_are_named(self) -> None:
        good = evaluation().statement("ana")
        line = good.lines[0]

        def evaluation_of(st: sp.Statement) -> sp.Evaluation:
            return sp.Evaluation("p", 1, "2026-Q1", (st,), (), ())

        short = sp.Statement("ana", "2026-Q1", "USD", good.lines[:1], good.components,
                             good.earned, good.earned_ytd, good.paid_before, good.payable)
        with pytest.raises(AssertionError, match=r"statement of 'ana' for 2026-Q1: lines add "
                                                 r"up to 6000\.00, earned 14500\.00"):
            testing.assert_statements_add_up(evaluation_of(short))
        far = sp.Statement("ana", "2026-Q1", "USD", (line.replace(exact=D(5990)),
                                                     *good.lines[1:]), good.components,
                           good.earned, good.earned_ytd, good.paid_before, good.payable)
        with pytest.raises(AssertionError, match="more than one minor unit from exact"):
            testing.assert_statements_add_up(evaluation_of(far))
        miscounted = sp.Statement("ana", "2026-Q1", "USD", good.lines, (
            sp.ComponentTotal("commission", good.earned, 3),), good.earned, good.earned_ytd,
            good.paid_before, good.payable)
        with pytest.raises(AssertionError, match="2 lines of 'commission', its total says 3"):
            testing.assert_statements_add_up(evaluation_of(miscounted))


class TestStrategies:
    @settings(max_examples=30, deadline=None)
    @given(testing.records(payees=("ana", "ben", "cy"), max_size=6))
    def test_records_are_dicts_or_records_of_the_payees_given(self, recs: list[object]) -> None:
        for r in recs:
            record = r if isinstance(r, sp.Record) else sp.Record.from_mapping(r)  # type: ignore[arg-type]
            assert record.payees
            assert set(record.payees) <= {"ana", "ben", "cy"}
            # A clawback comes up to 60 days after the deal it reverses.
            assert dt.date(2025, 12, 1) <= record.date <= dt.date(2027, 4, 1)

    @settings(max_examples=30, deadline=None)
    @given(testing.deals(refunds=True, payees=("zed",)), testing.money("-1", "1", 3),
           testing.rates("0.05"))
    def test_deals_money_and_rates_stay_in_their_ranges(
            self, deals: list[sp.Record], amount: Decimal, rate: Decimal) -> None:
        assert all(r.payees == ("zed",) and D(-20000) <= r.amount <= D(120000)  # type: ignore[operator]
                   for r in deals)
        assert -1 <= amount <= 1
        assert amount == amount.quantize(D("0.001"))
        assert 0 <= rate <= D("0.05")

    @settings(max_examples=20, deadline=None)
    @given(testing.plans())
    def test_plans_compile_and_evaluate_the_records_strategy_s_payees(
            self, plan: sp.Plan) -> None:
        ev = sp.compile_plan(plan).evaluate(RECORDS, "2026-Q1", payees=PAYEES, quotas=QUOTAS)
        testing.assert_statements_add_up(ev)
        testing.assert_nothing_lost(RECORDS, ev)
