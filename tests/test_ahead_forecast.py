"""Pacing and forecasts (issue #14): attainment to date, the pace needed per remaining day,
and the period's end forecast by run rate and by weighted pipeline — each with its method
and inputs; on the period's last day every forecast is the actual."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import salesperf as sp
from salesperf.testing import plans, records
from test_engine_stages import QUARTERS, inputs

D = Decimal
Q1 = "2026-Q1"
MID = dt.date(2026, 2, 14)  # day 45 of the 90 days of 2026-Q1
ANA = [sp.Payee("ana"), sp.Payee("ben")]
QUOTAS = [sp.Quota("ana", "revenue", Q1, 500_000), sp.Quota("ben", "revenue", Q1, 200_000)]
SO_FAR = [{"id": "D-1", "date": "2026-01-20", "payee": "ana", "amount": "120000"},
          {"id": "D-2", "date": "2026-02-03", "payee": "ana", "amount": "180000"},
          {"id": "D-3", "date": "2026-02-10", "payee": "ben", "amount": "90000"},
          {"id": "D-9", "date": "2026-03-03", "payee": "ana", "amount": "5000"}]  # after as_of
PIPELINE = [
    {"id": "P-1", "date": "2026-03-15", "payee": "ana", "amount": "200000", "stage": "commit"},
    {"id": "P-2", "date": "2026-03-20", "payee": "ana", "amount": "100000", "probability": "0.3"},
    {"id": "P-3", "date": "2026-04-10", "payee": "ana", "amount": "50000", "probability": "0.5"},
    {"id": "P-4", "date": "2026-02-01", "payee": "ana", "amount": "50000", "probability": "0.5"},
    {"id": "P-5", "date": "2026-03-01", "payee": "ben", "amount": "80000", "stage": "commit"},
]


def plan() -> sp.CompiledPlan:
    """5 % up to quota, 8 % above."""
    return sp.compile_plan(sp.Plan("ae", [sp.Commission("c", sp.RateTable(
        [sp.Tier(0, "0.05"), sp.Tier(1, "0.08")], basis=sp.BoundBasis.ATTAINMENT))]))


def baseline(as_of: dt.date = MID, records: list[dict[str, Any]] | None = None,
             **kw: Any) -> sp.Baseline:
    return sp.Baseline.of(plan(), SO_FAR if records is None else records, Q1, payees=ANA,
                          quotas=QUOTAS, as_of=as_of, **kw)


class TestPace:
    def test_attainment_to_date_and_the_pace_needed(self) -> None:
        pace = sp.forecast(baseline(), "ana").pace
        assert (pace.actual, pace.quota, pace.attainment) == (D(300_000), D(500_000), D("0.6"))
        assert (pace.elapsed, pace.total, pace.remaining) == (45, 90, 45)
        # 200,000 to go in 45 days; 300,000 in 45 days so far.
        assert pace.needed == D(200_000)
        assert pace.needed_per_day == D("4444.444444444444444444444444444444")  # 200,000 / 45
        assert pace.per_day == D("6666.666666666666666666666666666667")  # 300,000 / 45

    def test_working_days_skip_weekends_and_the_baseline_s_holidays(self) -> None:
        holiday = dt.date(2026, 2, 16)
        pace = sp.forecast(baseline(holidays=[holiday]), "ana",
                           basis=sp.ProrationBasis.WORKING_DAYS).pace
        q1 = sp.CalendarYear().parse(Q1)
        done = sp.prorate(q1, active_until=MID, basis=sp.ProrationBasis.WORKING_DAYS,
                          holidays={holiday})
        assert (pace.elapsed, pace.total) == (done.active, done.total) == (32, 63)
        assert pace.needed_per_day == D("6451.612903225806451612903225806452")  # 200,000 / 31

    def test_made_quota_needs_nothing_more(self) -> None:
        pace = sp.forecast(baseline(), "ben").pace  # 90,000 of 200,000
        assert pace.needed == D(110_000)
        made = sp.forecast(sp.Baseline.of(plan(), SO_FAR, Q1, payees=ANA, as_of=MID, quotas=[
            sp.Quota("ana", "revenue", Q1, 250_000)]), "ana").pace
        assert made.needed == 0
        assert made.needed_per_day == 0

    def test_a_payee_without_a_quota_has_no_attainment_or_pace_needed(self) -> None:
        flat = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.1")]))]))
        f = sp.forecast(sp.Baseline.of(flat, SO_FAR, Q1, payees=ANA, as_of=MID), "ana")
        assert (f.pace.quota, f.pace.attainment, f.pace.needed, f.pace.needed_per_day) == (
            None, None, None, None)
        assert f.run_rate.expected.attainment is None


class TestRunRate:
    def test_half_way_through_a_quarter_300000_sold_forecasts_600000(self) -> None:
        f = sp.forecast(baseline(), "ana")
        run = f.run_rate
        assert run.method is sp.ForecastMethod.RUN_RATE
        assert run.inputs == {"actual": "300000", "elapsed": "45", "total": "90",
                              "basis": "calendar_days", "factor": "1", "records": "2"}
        # 600,000 of a 500,000 quota: 25,000 at 5 % + 100,000 at 8 % = 33,000.
        assert run.expected == sp.ForecastOutcome(D(600_000), D("1.2"), D("33000.00"))
        assert f.earned_to_date == D("15000.00")
        assert run.text == ("run rate: 300,000.00 in 45 of 90 days → revenue 600,000.00 "
                            "(120 % of quota), earning 33,000.00")

    def test_a_third_of_the_way_through(self) -> None:
        run = sp.forecast(baseline(dt.date(2026, 1, 30)), "ana").run_rate  # day 30 of 90
        # 120,000 in 30 days → 360,000 (72 %) → 18,000.
        assert run.expected == sp.ForecastOutcome(D(360_000), D("0.72"), D("18000.00"))

    def test_a_run_rate_needs_the_records_a_baseline_made_by_of_keeps(self) -> None:
        made = baseline()
        bare = sp.Baseline(made.plan, made.credited, made.hierarchy, as_of=MID,
                           quotas=made.quotas)
        with pytest.raises(sp.DefinitionError, match=r"make it with Baseline\.of"):
            sp.forecast(bare, "ana")

    def test_a_forecast_needs_an_as_of_date_inside_the_period(self) -> None:
        with pytest.raises(sp.DefinitionError, match="needs the baseline made with an as_of"):
            sp.forecast(sp.Baseline.of(plan(), SO_FAR, Q1, payees=ANA, quotas=QUOTAS), "ana")
        with pytest.raises(sp.DefinitionError, match="must be a day of 2026-Q1"):
            sp.forecast(baseline(dt.date(2026, 4, 1)), "ana")


class TestWeightedPipeline:
    def test_low_expected_and_high(self) -> None:
        f = sp.forecast(baseline(), "ana", pipeline=PIPELINE, stages={"commit": "0.9"})
        pipe = f.pipeline
        assert pipe is not None
        assert pipe.method is sp.ForecastMethod.WEIGHTED_PIPELINE
        # Open and closing in the period: P-1 200,000 at 90 % and P-2 100,000 at 30 % (P-5
        # is ben's). Expected 300,000 + 180,000 + 30,000 = 510,000 → 25,000 + 800 = 25,800.
        assert pipe.expected == sp.ForecastOutcome(D(510_000), D("1.02"), D("25800.00"))
        # Low: deals of at least 50 %: 300,000 + 180,000 → 24,000.
        assert pipe.low == sp.ForecastOutcome(D(480_000), D("0.96"), D("24000.00"))
        # High: every deal in full: 600,000 → 33,000.
        assert pipe.high == sp.ForecastOutcome(D(600_000), D("1.2"), D("33000.00"))
        assert pipe.skipped == (
            ("P-3", "expected to close on 2026-04-10, after 2026-Q1"),
            ("P-4", "expected to close on 2026-02-01, not after 2026-02-14"))
        assert pipe.inputs["commit"] == "0.5"
        assert pipe.inputs["after"] == "2026-02-14"

    def test_the_pipeline_of_another_payee_does_not_count(self) -> None:
        pipe = sp.forecast(baseline(), "ben", pipeline=PIPELINE,
                           stages={"commit": "0.9"}).pipeline
        assert pipe is not None
        assert pipe.expected.measure == D(90_000 + 72_000)

    def test_a_deal_without_a_probability_or_a_known_stage_is_a_data_error(self) -> None:
        deal = {"id": "P-9", "date": "2026-03-15", "payee": "ana", "amount": "1"}
        with pytest.raises(sp.DataError, match="record 'P-9', field 'probability'"):
            sp.forecast(baseline(), "ana", pipeline=[deal])
        with pytest.raises(sp.DataError, match="no probability for the stage 'won'"):
            sp.forecast(baseline(), "ana", pipeline=[{**deal, "stage": "won"}],
                        stages={"commit": "0.9"})
        with pytest.raises(sp.DataError, match=r"must be from 0 to 1, got 1\.5"):
            sp.forecast(baseline(), "ana", pipeline=[{**deal, "probability": "1.5"}])

    def test_explain_and_plain_data(self) -> None:
        f = sp.forecast(baseline(), "ana", pipeline=PIPELINE, stages={"commit": "0.9"})
        assert f.explain().splitlines() == [
            "Forecast for ana, 2026-Q1 as of 2026-02-14 (45 of 90 days)",
            "  revenue to date 300,000.00 of quota 500,000.00 (60 %); earned 15,000.00",
            "  needed: 200,000.00 in 45 days, 4,444.44 a day",
            ("  run rate: 300,000.00 in 45 of 90 days → revenue 600,000.00 (120 % of quota), "
            "earning 33,000.00"),
            ("  weighted pipeline of 2 open deals: low 480,000.00 (earning 24,000.00), expected "
            "510,000.00 (earning 25,800.00), high 600,000.00 (earning 33,000.00)")]
        data = f.to_dict()
        assert data["run_rate"]["expected"] == {"measure": "600000", "attainment": "1.2",
                                                "earned": "33000.00"}
        assert data["pace"]["needed"] == "200000"


class TestTeamForecast:
    def test_the_team_adds_up(self) -> None:
        team = sp.team_forecast(baseline(), ["ana", "ben"], pipeline=PIPELINE,
                                stages={"commit": "0.9"})
        assert (team.actual, team.quota) == (D(390_000), D(700_000))
        # ben: 90,000 in 45 of 90 days → 180,000, at 5 % 9,000; with ana's 600,000 → 33,000.
        assert team.run_rate == sp.ForecastOutcome(
            D(780_000), D("1.114285714285714285714285714285714"), D("42000.00"))
        expected = team.pipeline()
        assert expected is not None
        assert expected.measure == D(510_000 + 162_000)
        assert sp.team_forecast(baseline(), ["ana"]).pipeline() is None


class TestOnTheLastDay:
    @given(plans(), records(), st.sampled_from(QUARTERS), st.data())
    def test_every_forecast_on_the_last_day_is_the_actual(
            self, plan: sp.Plan, recs: list[Any], period: str, data: st.DataObject) -> None:
        compiled = sp.compile_plan(plan)
        recs = [r for r in recs if "reverses" not in (r if isinstance(r, dict) else {})]
        kw = inputs(40_000)
        last = compiled.plan.calendar.parse(period).last_day
        try:
            actual = compiled.evaluate(recs, period, as_of=last, **kw).statement("ana")
        except sp.SalesperfError:
            return
        pipeline = [{"id": f"P-{i}", "date": data.draw(st.dates(dt.date(2026, 1, 1),
                                                                 dt.date(2026, 12, 31))),
                     "payee": "ana", "amount": "1000", "probability": "0.5"}
                    for i in range(data.draw(st.integers(0, 3)))]
        f = sp.forecast(sp.Baseline.of(compiled, recs, period, as_of=last, **kw), "ana",
                        pipeline=pipeline)
        assert f.pace.remaining == 0
        assert f.earned_to_date == actual.earned
        outcomes: list[sp.ForecastOutcome | None] = [f.run_rate.expected]
        if f.pipeline is not None:
            outcomes += [f.pipeline.expected, f.pipeline.low, f.pipeline.high]
        for outcome in outcomes:
            assert outcome is not None
            assert (outcome.measure, outcome.earned) == (f.pace.actual, actual.earned)


class TestForecastProperties:
    @given(st.lists(st.tuples(st.dates(dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
                              st.decimals("0", "90000", places=2)), max_size=8),
           st.dates(dt.date(2026, 1, 1), dt.date(2026, 3, 30)),
           st.sampled_from(list(sp.ProrationBasis)))
    def test_the_run_rate_ends_at_actual_times_total_over_elapsed_days(
            self, sales: list[tuple[dt.date, Decimal]], as_of: dt.date,
            basis: sp.ProrationBasis) -> None:
        recs = [{"id": f"D-{i}", "date": day, "payee": "ana", "amount": amount}
                for i, (day, amount) in enumerate(sales)]
        f = sp.forecast(baseline(as_of, records=recs), "ana", basis=basis)
        pace = f.pace
        assert pace.actual == sum((a for d, a in sales if d <= as_of), D(0))
        expected = f.run_rate.expected.measure
        if pace.elapsed == 0:
            assert expected == pace.actual
        else:
            exact = pace.actual * pace.total / pace.elapsed
            assert abs(expected - exact) <= D("1e-20") * max(D(1), exact)

    @given(st.lists(st.tuples(st.dates(dt.date(2026, 1, 1), dt.date(2026, 4, 30)),
                              st.decimals("0", "90000", places=2),
                              st.decimals("0", "1", places=2)), min_size=1, max_size=6))
    def test_low_expected_and_high_are_in_order(
            self, deals: list[tuple[dt.date, Decimal, Decimal]]) -> None:
        pipeline = [{"id": f"P-{i}", "date": day, "payee": "ana", "amount": amount,
                     "probability": p} for i, (day, amount, p) in enumerate(deals)]
        pipe = sp.forecast(baseline(), "ana", pipeline=pipeline).pipeline
        assert pipe is not None
        assert pipe.low is not None
        assert pipe.high is not None
        assert pipe.low.measure <= pipe.expected.measure <= pipe.high.measure
        # the plan never pays less for more (marginal tiers, rates above 0)
        assert pipe.low.earned <= pipe.expected.earned <= pipe.high.earned
