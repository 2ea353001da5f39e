"""Engine rules that a plausible defect would break while every other test still passes.

Each class pins one rule of DESIGN.md with hand-worked numbers, through the public API only
(`import salesperf as sp`), and its docstring names the mutation of the engine it was checked
against: with that mutation applied the class fails, without it the class passes.

- "Money and rounding": amounts in another currency are converted with effective-dated rates
  — at the rate in force on the record's own date — and a missing rate is an error naming the
  currency pair and the date.
- "Vocabulary" (scoring curve) and "KPI / MBO bonus" in docs/commissions.md: a KPI bonus pays
  target incentive × `curve`(score), each item scored through `item_curve`; a curve is
  piecewise linear or steps, with floor and cap, so the payout is not the score itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pytest

import salesperf as sp

D = Decimal
Q1, Q2 = "2026-Q1", "2026-Q2"
STEPS = sp.CurveKind.STEPS


def date(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


def flat_commission(rate: str = "0.10", **options: Any) -> sp.Commission:
    return sp.Commission("commission", sp.RateTable([sp.Tier(0, rate)]), **options)


def evaluate(plan: sp.Plan, records: Iterable[sp.Record | Mapping[str, object]],
             period: str = Q1, **inputs: Any) -> sp.Evaluation:
    return sp.compile_plan(plan).evaluate(records, period, payees=[sp.Payee("ana")], **inputs)


def credit_of(ev: sp.Evaluation, record: str) -> Decimal:
    (credit,) = [c for c in ev.credits if c.record == record]
    return credit.amount


def lines_by_record(st: sp.Statement) -> dict[str | None, Decimal]:
    return {line.record: line.amount for line in st.lines}


# -- exchange rates ----------------------------------------------------------------------------

# EUR→USD changes twice inside 2026-Q1; a record dated on an effective date takes the new rate.
EUR_USD = sp.ExchangeRates.of([
    sp.ExchangeRate("EUR", "USD", "1.10", date(1, 1)),
    sp.ExchangeRate("EUR", "USD", "1.20", date(2, 1)),
    sp.ExchangeRate("EUR", "USD", "1.0837", date(3, 1)),
])


def eur_deal(rid: str, when: dt.date, amount: str, *, as_dict: bool,
             cur: str = "EUR") -> sp.Record | dict[str, object]:
    """The same deal as a `Record` or as a plain mapping (the engine reads both)."""
    if as_dict:
        return {"id": rid, "date": when.isoformat(), "payee": "ana", "amount": amount,
                "currency": cur}
    return sp.Record(rid, when, ("ana",), D(amount), cur)


def q1_deals(*, as_dict: bool) -> list[sp.Record | dict[str, object]]:
    return [eur_deal("D-1", date(1, 15), "1000", as_dict=as_dict),
            eur_deal("D-2", date(2, 1), "1000", as_dict=as_dict),
            eur_deal("D-3", date(3, 20), "1234.56", as_dict=as_dict),
            eur_deal("U-1", date(3, 25), "500", as_dict=as_dict, cur="USD")]


class TestConvertingRecordsAtTheirOwnDate:
    """A record in another currency is converted at the rate in force on *its own* date.

    DESIGN.md, "Money and rounding": amounts in another currency are converted with
    host-supplied, effective-dated rates. The rates change twice inside the period, so every
    record below needs a different rate.

    Guards against converting every record at one fixed date. Each of these mutations of
    `src/salesperf/_engine.py` makes this class fail:
    - `_in_currency` converting on a fixed date instead of `day`: the period (and plan-year)
      start 2026-01-01, the first record's date 2026-01-15, or the period end 2026-03-31;
    - the crediting pass calling `_in_currency` with the evaluated period's start or its last
      day instead of the record's date.
    """

    @pytest.mark.parametrize("as_dict", [False, True], ids=["Record", "mapping"])
    def test_each_credit_is_converted_at_the_rate_on_the_records_date(self,
                                                                      as_dict: bool) -> None:
        ev = evaluate(sp.Plan("ae", [flat_commission()]), q1_deals(as_dict=as_dict),
                      rates=EUR_USD)
        # D-1, 2026-01-15: 1,000 EUR × 1.10 (from 01-01)        = 1,100 USD
        # D-2, 2026-02-01: 1,000 EUR × 1.20 (from 02-01, that day) = 1,200 USD
        # D-3, 2026-03-20: 1,234.56 EUR × 1.0837 (from 03-01)
        #                  = 1,234.56 + 1,234.56 × 0.0837 = 1,234.56 + 103.332672
        #                  = 1,337.892672 USD, exact: credits are unrounded
        # U-1, 2026-03-25: 500 USD, the plan currency, as it is
        assert [(c.record, c.amount) for c in ev.credits] == [
            ("D-1", D("1100")), ("D-2", D("1200")), ("D-3", D("1337.892672")), ("U-1", D("500"))]

    @pytest.mark.parametrize("as_dict", [False, True], ids=["Record", "mapping"])
    def test_each_line_earns_on_the_converted_amount(self, as_dict: bool) -> None:
        st = evaluate(sp.Plan("ae", [flat_commission()]), q1_deals(as_dict=as_dict),
                      rates=EUR_USD).statement("ana")
        # 10 % of each credit above, lines rounded cumulatively (DESIGN.md):
        #   D-1: 110.00;  D-2: 120.00 (cumulative 230.00)
        #   D-3: 10 % × 1,337.892672 = 133.7892672; cumulative 363.7892672 → 363.79,
        #        line 363.79 − 230.00 = 133.79
        #   U-1: 50; cumulative 413.7892672 → 413.79, line 413.79 − 363.79 = 50.00
        assert lines_by_record(st) == {"D-1": D("110.00"), "D-2": D("120.00"),
                                       "D-3": D("133.79"), "U-1": D("50.00")}
        assert st.earned == D("413.79")

    def test_a_rate_change_crossed_by_the_tiers_keeps_each_records_rate(self) -> None:
        """Retroactive tiers reached by the later record still read every credit at its date."""
        table = sp.RateTable([sp.Tier(0, "0.05"), sp.Tier(2000, "0.10")],
                             sp.TierMode.RETROACTIVE)
        records = [sp.Record("D-1", date(1, 15), ("ana",), D(1000), "EUR"),
                   sp.Record("D-2", date(2, 1), ("ana",), D(1000), "EUR")]
        st = evaluate(sp.Plan("ae", [sp.Commission("c", table)]), records,
                      rates=EUR_USD).statement("ana")
        # Credits 1,100 (at 1.10) and 1,200 (at 1.20): cumulative 1,100 then 2,300.
        # D-1: 1,100 × 5 % = 55.00; D-2 crosses 2,000: 2,300 × 10 % − 55 = 175.00.
        # At one rate for both (1.10: 2,200 in all; 1.20: 1,200 then 2,400) the lines would
        # be 55.00 + 165.00 or 60.00 + 180.00.
        assert lines_by_record(st) == {"D-1": D("55.00"), "D-2": D("175.00")}
        assert st.earned == D("230.00")

    def test_records_of_earlier_periods_keep_their_rate_in_a_later_period(self) -> None:
        """Year to date, the Q1 records count at their Q1 rates when Q2 is evaluated."""
        rates = sp.ExchangeRates.of([*(sp.ExchangeRate("EUR", "USD", r, d) for r, d in (
            ("1.10", date(1, 1)), ("1.20", date(2, 1)), ("1.50", date(4, 1))))])
        records = [sp.Record("D-1", date(1, 15), ("ana",), D(1000), "EUR"),
                   sp.Record("D-2", date(4, 10), ("ana",), D(1000), "EUR")]
        plan = sp.Plan("ae", [flat_commission(window=sp.Window.YEAR_TO_DATE)])
        ev = evaluate(plan, records, Q2, rates=rates)
        # D-1 (Q1): 1,000 × 1.10 = 1,100 → 110.00 earned in Q1, whatever period is asked for.
        # D-2 (Q2): 1,000 × 1.50 = 1,500 → 150.00; year to date 260.00.
        # Reconverting D-1 at Q2's start (1.50) would add a true-up of +40.00 in Q2.
        assert credit_of(ev, "D-1") == D("1100")
        assert credit_of(ev, "D-2") == D("1500")
        (q1,) = ev.earlier
        assert q1.earned == D("110.00")
        q2 = ev.statement("ana")
        assert lines_by_record(q2) == {"D-2": D("150.00")}
        assert (q2.earned, q2.earned_ytd, q2.payable) == (D("150.00"), D("260.00"),
                                                          D("150.00"))

    def test_an_overlay_credits_the_amount_converted_at_the_records_date(self) -> None:
        plan = sp.Plan("ae", [flat_commission()],
                       extra_credit=[sp.Overlay("specialist", ["sam"], share="0.5")])
        records = [sp.Record("D-1", date(1, 15), ("ana",), D(1000), "EUR"),
                   sp.Record("D-2", date(3, 20), ("ana",), D(1000), "EUR")]
        ev = sp.compile_plan(plan).evaluate(records, Q1, payees=[sp.Payee("ana"),
                                                                   sp.Payee("sam")],
                                            rates=EUR_USD)
        # sam: 50 % of 1,000 × 1.10 = 550 and 50 % of 1,000 × 1.0837 = 541.85.
        assert [(c.record, c.amount) for c in ev.credits if c.payee == "sam"] == [
            ("D-1", D("550")), ("D-2", D("541.85"))]


class TestRecordsInThePlanCurrency:
    """A record in the plan currency is taken as it is: it needs no exchange rate at all."""

    @pytest.mark.parametrize("rates", [None, sp.ExchangeRates.of([])], ids=["no rates",
                                                                            "empty rates"])
    @pytest.mark.parametrize("cur", [None, "USD"], ids=["no currency", "USD"])
    def test_a_plan_currency_record_needs_no_rate(self, cur: str | None,
                                                   rates: sp.ExchangeRates | None) -> None:
        record = sp.Record("U-1", date(2, 10), ("ana",), D("1234.56"), cur)
        ev = evaluate(sp.Plan("ae", [flat_commission()]), [record], rates=rates)
        # 1,234.56 USD × 10 % = 123.456 → 123.46
        assert credit_of(ev, "U-1") == D("1234.56")
        assert ev.statement("ana").earned == D("123.46")

    def test_a_plan_in_euros_converts_dollars_by_the_inverse_rate(self) -> None:
        rates = sp.ExchangeRates.of([sp.ExchangeRate("EUR", "USD", "1.25", date(1, 1))])
        plan = sp.Plan("ae", [flat_commission()], currency="EUR")
        records = [sp.Record("U-1", date(2, 10), ("ana",), D(1000), "USD"),
                   sp.Record("E-1", date(2, 11), ("ana",), D(1000), "EUR")]
        ev = evaluate(plan, records, rates=rates)
        # USD→EUR is only given the other way round: 1 / 1.25 = 0.8, so 1,000 USD = 800 EUR.
        assert credit_of(ev, "U-1") == D("800")
        assert credit_of(ev, "E-1") == D("1000")


class TestMissingExchangeRate:
    """A record whose rate is not known on its date is a `MissingRateError` naming the pair
    and the date (DESIGN.md, "Money and rounding") — never converted at another date's rate,
    never skipped.

    Guards against falling back to a rate from another date (a fixed conversion date that
    happens to have a rate), which would convert the record instead of raising.
    """

    def test_a_record_dated_before_the_first_rate_names_the_pair_and_its_date(self) -> None:
        rates = sp.ExchangeRates.of([sp.ExchangeRate("EUR", "USD", "1.20", date(2, 1))])
        records = [sp.Record("D-1", date(1, 20), ("ana",), D(1000), "EUR")]
        with pytest.raises(sp.MissingRateError) as err:
            evaluate(sp.Plan("ae", [flat_commission()]), records, rates=rates)
        assert str(err.value) == "no exchange rate EUR->USD effective on 2026-01-20"
        assert (err.value.base, err.value.quote, err.value.on) == ("EUR", "USD", date(1, 20))
        assert isinstance(err.value, sp.SalesperfError)

    def test_a_currency_without_any_rate_names_its_pair(self) -> None:
        records = [sp.Record("D-1", date(1, 20), ("ana",), D(1000), "EUR"),
                   sp.Record("G-1", date(2, 5), ("ana",), D(1000), "GBP")]
        with pytest.raises(sp.MissingRateError,
                           match=r"^no exchange rate GBP->USD effective on 2026-02-05$"):
            evaluate(sp.Plan("ae", [flat_commission()]), records, rates=EUR_USD)


# -- KPI bonus curves --------------------------------------------------------------------------

TARGET_INCENTIVE = 10_000
REVENUE_TARGET = 100_000

# Payout curve with a kink at 100 %: 0.8 points of target incentive per point of score below
# it, 2 points above; paying at least 20 % and at most 200 % of target incentive.
KINKED = sp.Curve([(0, 0), (1, "0.8"), (2, "2.8")], floor="0.2", cap=2)


def won_revenue(total: int) -> list[sp.Record]:
    """Two won deals sharing `total`; the revenue metric sums won deals."""
    return [sp.Record("W-1", date(1, 10), ("ana",), D(total) / 2, None, {"status": "won"}),
            sp.Record("W-2", date(2, 10), ("ana",), D(total) / 2, None, {"status": "won"})]


def kpi_statement(bonus: sp.KpiBonus, records: list[sp.Record],
                  targets: Mapping[str, object]) -> sp.Statement:
    return evaluate(sp.Plan("ae", [bonus]), records,
                    quotas=[sp.Quota("ana", name, Q1, value) for name, value in targets.items()],
                    target_incentives=[sp.TargetIncentive("ana", Q1, TARGET_INCENTIVE)],
                    ).statement("ana")


class TestKpiBonusThroughANonLinearCurve:
    """A KPI bonus pays target incentive × `curve`(scorecard score), not × the score.

    docs/commissions.md, "KPI / MBO bonus"; DESIGN.md, "Scoring curve": piecewise linear
    through points, or steps, with floor and cap. One item (revenue, weight 100 %, target
    100,000), so the score is the revenue attainment; target incentive 10,000.

    Guards against the engine ignoring the bonus's curve: with `_kpi_bonus` computing
    `pct = scored.score` instead of `pct = comp.curve(scored.score)`, every case fails but the
    step curve's at 100 % (where that curve gives 1, as the identity does).
    """

    @staticmethod
    def bonus(curve: sp.Curve) -> sp.KpiBonus:
        return sp.KpiBonus("mbo", [sp.KpiItem(sp.metrics.revenue(), 1, "revenue target")],
                           curve)

    @pytest.mark.parametrize(("revenue", "score", "earned"), [
        # below the floor: 0.1 × 0.8 = 0.08, lifted to the floor 0.2        → 2,000.00
        (10_000, "0.1", "2000.00"),
        # below the kink: 0.5 × 0.8 = 0.4                                   → 4,000.00
        (50_000, "0.5", "4000.00"),
        # on the kink: 0.8                                                  → 8,000.00
        (100_000, "1", "8000.00"),
        # above the kink: 0.8 + (1.25 − 1) × 2 = 1.3                        → 13,000.00
        (125_000, "1.25", "13000.00"),
        # above the kink: 0.8 + (1.5 − 1) × 2 = 1.8                         → 18,000.00
        (150_000, "1.5", "18000.00"),
        # past the cap: 0.8 + (1.8 − 1) × 2 = 2.4, capped at 2              → 20,000.00
        (180_000, "1.8", "20000.00"),
        # beyond the last point: 2.8 (no extrapolation), capped at 2        → 20,000.00
        (250_000, "2.5", "20000.00"),
    ])
    def test_a_kinked_curve_with_floor_and_cap_pays_by_segment(self, revenue: int, score: str,
                                                                earned: str) -> None:
        st = kpi_statement(self.bonus(KINKED), won_revenue(revenue),
                           {"revenue target": REVENUE_TARGET})
        assert D(st.lines[0].trace["score"]) == D(score)
        assert st.earned == D(earned)

    @pytest.mark.parametrize(("revenue", "earned"), [
        (79_000, "0.00"),        # 0.79: below the first step (0.8), the curve's `below` of 0
        (80_000, "5000.00"),     # 0.8: on a step takes it → 50 %
        (95_000, "5000.00"),     # 0.95: still the 0.8 step → 50 %
        (100_000, "10000.00"),   # 1: the 1 step → 100 %
        (130_000, "15000.00"),   # 1.3: the 1.2 step → 150 %
    ])
    def test_a_step_curve_pays_the_step_reached(self, revenue: int, earned: str) -> None:
        curve = sp.Curve([("0.8", "0.5"), (1, 1), ("1.2", "1.5")], kind=STEPS)
        st = kpi_statement(self.bonus(curve), won_revenue(revenue),
                           {"revenue target": REVENUE_TARGET})
        assert st.earned == D(earned)


class TestKpiItemsThroughANonLinearItemCurve:
    """Each KPI item's score is its attainment through the bonus's `item_curve`, and the
    weighted item scores make the score (`KpiBonus` docstring; docs/commissions.md).

    Two items: revenue (weight 60 %, target 100,000) and win rate (weight 40 %, target 40 %).
    Two won deals and two lost ones give a win rate of 50 %: attainment 1.25. The item curve
    pays nothing up to 50 % attainment, rises to 1 at 100 %, then half as steeply to 1.25 at
    150 % and stays there. The bonus curve is the identity up to 2, so only the item curve
    bends the result. Win rate's item score: 1 + (1.25 − 1) × 0.5 = 1.125, worth 0.4 × 1.125
    = 0.45 of the score.

    Guards against the engine ignoring the item curve: with `_kpi_bonus` scoring the goals
    with `curve=None` instead of `curve=comp.item_curve`, the score is the weighted
    attainment and every case fails.
    """

    ITEM_CURVE = sp.Curve([("0.5", 0), (1, 1), ("1.5", "1.25")])
    STRAIGHT = sp.Curve([(0, 0), (2, 2)])

    @pytest.mark.parametrize(("revenue", "score", "earned"), [
        # 40 %: below the first point, item score 0;        0.6 × 0 + 0.45 = 0.45
        (40_000, "0.45", "4500.00"),
        # 80 %: (0.8 − 0.5) / 0.5 = 0.6;                    0.6 × 0.6 + 0.45 = 0.81
        (80_000, "0.81", "8100.00"),
        # 120 %: 1 + 0.2 × 0.5 = 1.1;                       0.6 × 1.1 + 0.45 = 1.11
        (120_000, "1.11", "11100.00"),
        # 200 %: beyond the last point, 1.25;               0.6 × 1.25 + 0.45 = 1.2
        (200_000, "1.2", "12000.00"),
    ])
    def test_each_item_is_scored_through_the_item_curve(self, revenue: int, score: str,
                                                         earned: str) -> None:
        bonus = sp.KpiBonus("mbo", [sp.KpiItem(sp.metrics.revenue(), "0.6", "revenue target"),
                                    sp.KpiItem(sp.metrics.win_rate(), "0.4")],
                            self.STRAIGHT, item_curve=self.ITEM_CURVE)
        lost = [sp.Record(f"L-{i}", date(3, 10 + i), ("ana",), D(5_000), None,
                          {"status": "lost"}) for i in (1, 2)]
        st = kpi_statement(bonus, [*won_revenue(revenue), *lost],
                           {"revenue target": REVENUE_TARGET, "win rate": "0.4"})
        assert D(st.lines[0].trace["score"]) == D(score)
        # Target incentive 10,000 × the score (the bonus curve is the identity up to 2).
        assert st.earned == D(earned)
