"""Trends: values over the last N periods of any calendar, growth, improving or falling."""

from __future__ import annotations

from decimal import Decimal

import pytest

import salesperf as sp


class TestTrend:
    def test_growth_per_step_and_overall(self) -> None:
        q = sp.CalendarYear().parse
        t = sp.trend("ana", "revenue", {q("2026-Q1"): Decimal(100), q("2026-Q2"): Decimal(120),
                                        q("2026-Q3"): Decimal(150)})
        assert t.growth == (Decimal("0.2"), Decimal("0.25"))
        assert t.overall_growth == Decimal("0.5")
        assert t.improving
        assert not t.fell

    def test_lower_is_better_improves_as_it_falls(self) -> None:
        q = sp.CalendarYear().parse
        t = sp.trend("ana", "days to close", {q("2026-Q1"): Decimal(40),
                                              q("2026-Q2"): Decimal(30)},
                     direction=sp.Direction.LOWER_IS_BETTER)
        assert t.improving
        assert not t.fell

    def test_a_missing_value_breaks_the_improvement(self) -> None:
        q = sp.CalendarYear().parse
        t = sp.trend("ana", "x", {q("2026-Q1"): Decimal(1), q("2026-Q2"): None,
                                  q("2026-Q3"): Decimal(3)})
        assert t.changes == (None, None)
        assert not t.improving

    def test_a_trend_has_one_value_per_period_and_at_least_one(self) -> None:
        q = sp.CalendarYear().parse
        with pytest.raises(sp.DefinitionError, match="got 1 for 2"):
            sp.Trend("ana", "x", (q("2026-Q1"), q("2026-Q2")), (Decimal(1),))
        with pytest.raises(sp.DefinitionError, match="got 0 for 0"):
            sp.Trend("ana", "x", (), ())

    def test_a_trend_of_one_period_has_no_last_step(self) -> None:
        t = sp.trend("ana", "x", {sp.CalendarYear().parse("2026-Q1"): Decimal(1)})
        assert not t.fell
        with pytest.raises(sp.DefinitionError, match="one period, so no last step"):
            _ = t.last_two

    def test_periods_must_follow_one_another(self) -> None:
        q = sp.CalendarYear().parse
        with pytest.raises(sp.DefinitionError, match="2026-Q1 is followed by 2026-Q3"):
            sp.trend("ana", "x", {q("2026-Q1"): Decimal(1), q("2026-Q3"): Decimal(2)})


class TestFromRecords:
    deals = tuple({"id": f"D-{i}", "date": d, "payee": "ana", "amount": a, "status": "won"}
                  for i, (d, a) in enumerate([("2025-05-02", "100"), ("2025-08-02", "80"),
                                              ("2025-11-02", "120")]))

    def test_a_metric_over_the_last_n_periods_of_a_fiscal_calendar(self) -> None:
        fy = sp.FiscalYear(start_month=4)
        t = sp.metric_trend(sp.metrics.revenue(), list(self.deals), "ana",
                            fy.parse("FY2026-Q3"), 3)
        assert [str(p) for p in t.periods] == ["FY2026-Q1", "FY2026-Q2", "FY2026-Q3"]
        assert t.values == (Decimal(100), Decimal(80), Decimal(120))
        assert t.fell is False
        assert t.growth == (Decimal("-0.2"), Decimal("0.5"))

    def test_attainment_over_goals_with_changing_targets(self) -> None:
        cal = sp.CalendarYear()
        goals = [sp.Goal("revenue", sp.metrics.revenue(), t, cal.parse(p), "ana")
                 for p, t in (("2025-Q2", 100), ("2025-Q3", 100), ("2025-Q4", 200))]
        t = sp.attainment_trend(goals, list(self.deals))
        assert t.values == (Decimal(1), Decimal("0.8"), Decimal("0.6"))
        assert t.fell

    def test_last_periods_counts_back_from_the_period(self) -> None:
        months = sp.last_periods(sp.CalendarYear().parse("2026-02"), 3)
        assert [str(m) for m in months] == ["2025-12", "2026-01", "2026-02"]

    def test_last_periods_needs_at_least_one(self) -> None:
        with pytest.raises(sp.DefinitionError, match="must be at least 1"):
            sp.last_periods(sp.CalendarYear().parse("2026-Q1"), 0)
