"""Properties of periods and calendars that hold for every kind of calendar.

The strategies draw calendar years, fiscal years of every start month and label, and retail
calendars of every pattern, end month, end weekday, year end and label; explicit examples pin
the cases most worth checking every run (a 53-week retail year, a July fiscal year).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from hypothesis import example, given
from hypothesis import strategies as st

import salesperf as sp
from salesperf.testing import (
    CALENDAR_GRAINS,
    ProrationCase,
    any_periods,
    calendars,
    dates,
    fiscal_years,
    grains,
    labelled,
    money,
    near_labels,
    overlapping_pairs,
    periods,
    proration_cases,
    retail_calendars,
    years,
)

NRF = sp.RetailCalendar()
JULY = sp.FiscalYear(start_month=7)
NRF_53_WEEK_JANUARY = NRF.parse("FY2023-M12")  # 2023-12-31..2024-02-03


def calendar_of(period: sp.Period) -> sp.Calendar:
    assert period.calendar is not None
    return period.calendar


class TestTiling:
    @given(calendars(), grains(), years())
    @example(NRF, sp.Grain.MONTH, 2023)
    @example(JULY, sp.Grain.QUARTER, 2027)
    def test_the_periods_of_a_grain_tile_the_year_with_no_gap_or_overlap(
        self, cal: sp.Calendar, grain: sp.Grain, year: int,
    ) -> None:
        tiles = cal.periods(grain, year)
        whole = cal.year(year)
        assert len(tiles) == 12 // grain.months
        assert all(p.grain is grain and p.calendar == cal for p in tiles)
        assert tiles[0].start == whole.start
        assert tiles[-1].end == whole.end
        for before, after in pairwise(tiles):
            assert before.end == after.start
        assert sum(p.days for p in tiles) == whole.days

    @given(calendars(), years())
    @example(NRF, 2023)
    def test_consecutive_years_follow_each_other_and_are_named_by_year_of(
        self, cal: sp.Calendar, year: int,
    ) -> None:
        this, following = cal.year(year), cal.year(year + 1)
        assert this.end == following.start
        assert cal.year_of(this.start) == year
        assert cal.year_of(this.last_day) == year
        assert cal.periods(sp.Grain.YEAR, year) == [this]

    @given(calendars(), grains(), years())
    def test_stepping_with_next_visits_the_tiles_of_a_year_in_order(
        self, cal: sp.Calendar, grain: sp.Grain, year: int,
    ) -> None:
        tiles = cal.periods(grain, year)
        walked = [tiles[0]]
        while len(walked) < len(tiles):
            walked.append(walked[-1].next())
        assert walked == tiles

    @given(fiscal_years(), years())
    def test_a_fiscal_year_starts_on_the_first_of_its_month_in_the_year_its_label_says(
        self, cal: sp.FiscalYear, year: int,
    ) -> None:
        whole = cal.year(year)
        assert (whole.start.month, whole.start.day) == (cal.start_month, 1)
        named_after = whole.start if cal.label is sp.YearLabel.STARTING else whole.last_day
        assert named_after.year == year
        assert [p.start.month for p in whole.subperiods(sp.Grain.MONTH)] == [
            (cal.start_month - 1 + i) % 12 + 1 for i in range(12)
        ]

    @given(retail_calendars(), years())
    @example(NRF, 2023)
    def test_a_retail_year_is_52_or_53_whole_weeks_ending_on_its_weekday(
        self, cal: sp.RetailCalendar, year: int,
    ) -> None:
        whole = cal.year(year)
        assert whole.days in (364, 371)
        assert whole.last_day.weekday() == cal.end_weekday
        months = whole.subperiods(sp.Grain.MONTH)
        assert all(m.days % 7 == 0 for m in months)
        weeks = [m.days // 7 for m in months]
        pattern = list(cal.pattern.value) * 4
        # A 53rd week lengthens the last month; every other month follows the pattern.
        assert weeks[:11] == pattern[:11]
        assert weeks[11] - pattern[11] == whole.days // 7 - 52


class TestEveryDateFallsInExactlyOnePeriod:
    @given(calendars(), dates())
    @example(NRF, dt.date(2024, 2, 3))  # the last day of a 53-week year
    @example(JULY, dt.date(2026, 6, 30))
    def test_the_period_holding_a_date_contains_it_and_is_a_tile_of_its_year(
        self, cal: sp.Calendar, day: dt.date,
    ) -> None:
        for grain in CALENDAR_GRAINS:
            period = cal.period(grain, day)
            assert period.grain is grain
            assert day in period
            tiles = cal.periods(grain, cal.year_of(day))
            assert [p for p in tiles if day in p] == [period]

    @given(calendars(), dates())
    def test_the_periods_holding_a_date_nest_inside_each_other(
        self, cal: sp.Calendar, day: dt.date,
    ) -> None:
        holding = [cal.period(grain, day) for grain in CALENDAR_GRAINS]
        for finer, coarser in pairwise(holding):
            assert finer in coarser
        assert holding[-1] == cal.year(cal.year_of(day))


class TestParseAndFormat:
    @given(any_periods())
    @example(NRF_53_WEEK_JANUARY)
    def test_parse_reads_back_what_format_writes(self, period: sp.Period) -> None:
        cal = calendar_of(period)
        assert cal.parse(str(period)) == period
        assert cal.format(period) == str(period)

    @given(labelled())
    @example((JULY, "FY2027-M12"))
    def test_format_writes_back_what_parse_reads(self, case: tuple[sp.Calendar, str]) -> None:
        cal, text = case
        assert str(cal.parse(text)) == text

    @given(calendars(), near_labels())
    @example(sp.CalendarYear(), "２０２６-Q2")
    def test_only_canonical_labels_parse_and_the_rest_fail_with_a_definition_error(
        self, cal: sp.Calendar, text: str,
    ) -> None:
        outcome: sp.Period | sp.DefinitionError
        try:
            outcome = cal.parse(text)
        except sp.DefinitionError as err:
            outcome = err
        if isinstance(outcome, sp.Period):
            assert str(outcome) == text
        else:
            assert str(outcome).endswith(f"; got {text!r}")


class TestSubperiods:
    @given(periods())
    @example(NRF.parse("FY2023"))
    def test_subperiods_partition_their_parent(self, parent: sp.Period) -> None:
        cal = calendar_of(parent)
        for grain in CALENDAR_GRAINS:
            if grain.months > parent.grain.months:
                continue
            subs = parent.subperiods(grain)
            assert len(subs) == parent.grain.months // grain.months
            assert subs[0].start == parent.start
            assert subs[-1].end == parent.end
            for before, after in pairwise(subs):
                assert before.end == after.start
            for sub in subs:
                assert sub.grain is grain
                assert sub in parent
                assert sub == cal.period(grain, sub.start)


class TestNavigation:
    @given(any_periods())
    @example(NRF_53_WEEK_JANUARY)
    def test_next_and_previous_undo_each_other(self, period: sp.Period) -> None:
        assert period.next().previous() == period
        assert period.previous().next() == period

    @given(any_periods())
    def test_next_starts_where_a_period_ends_and_keeps_its_grain(self, period: sp.Period) -> None:
        following, preceding = period.next(), period.previous()
        assert following.start == period.end
        assert preceding.end == period.start
        assert following.grain is preceding.grain is period.grain

    @given(periods(), st.integers(0, 400))
    def test_period_to_date_runs_from_the_start_through_as_of(
        self, period: sp.Period, days_in: int,
    ) -> None:
        as_of = period.start + dt.timedelta(days=days_in)
        so_far = period.to_date(as_of)
        assert so_far.start == period.start
        assert so_far.last_day == min(as_of, period.last_day)
        assert (so_far == period) == (as_of >= period.last_day)

    @given(periods())
    def test_year_to_date_runs_from_the_year_start_through_the_period_end(
        self, period: sp.Period,
    ) -> None:
        cal = calendar_of(period)
        ytd = period.year_to_date()
        assert ytd.start == cal.year(cal.year_of(period.start)).start
        assert ytd.end == period.end


class TestIntersection:
    @given(overlapping_pairs())
    def test_intersection_is_commutative_and_contained_in_both(
        self, pair: tuple[sp.Period, sp.Period],
    ) -> None:
        a, b = pair
        ab, ba = a & b, b & a
        if ab is None:
            assert ba is None
            assert a.end <= b.start or b.end <= a.start
            return
        assert ba is not None
        assert (ab.start, ab.end) == (ba.start, ba.end)
        if (a.start, a.end) != (b.start, b.end):
            # Two periods covering the same days (say 2026-Q2 and 2026-04-01..2026-06-30)
            # intersect to the left operand; otherwise the order cannot matter.
            assert ab == ba
        assert ab in a
        assert ab in b
        assert set(ab.dates()) == set(a.dates()) & set(b.dates())


class TestProration:
    @given(proration_cases(), st.sampled_from(sp.ProrationBasis), money())
    def test_active_is_at_most_total_and_apply_scales_by_active_over_total(
        self, case: ProrationCase, basis: sp.ProrationBasis, amount: Decimal,
    ) -> None:
        share = sp.prorate(case.period, case.active_from, case.active_until, basis=basis,
                           holidays=case.holidays, weekend=case.weekend)

        assert 0 <= share.active <= share.total
        prorated = share.apply(amount)
        if share.total == 0:
            assert prorated == 0
            return
        exact = Fraction(amount) * share.active / share.total
        # apply() multiplies before it divides and keeps 34 significant digits.
        assert abs(Fraction(prorated) - exact) <= abs(exact) / 10**33
        if share.active == share.total:
            assert prorated == amount

    @given(proration_cases())
    def test_active_and_total_count_the_days_of_the_basis(self, case: ProrationCase) -> None:
        period, active_from, active_until, holidays, weekend = case

        def active(day: dt.date) -> bool:
            return ((active_from is None or active_from <= day)
                    and (active_until is None or day <= active_until))

        def working(day: dt.date) -> bool:
            return day.weekday() not in weekend and day not in holidays

        by_days = sp.prorate(period, active_from, active_until)
        assert by_days.total == period.days
        assert by_days.active == sum(1 for d in period.dates() if active(d))

        by_work = sp.prorate(period, active_from, active_until,
                             basis=sp.ProrationBasis.WORKING_DAYS, holidays=holidays,
                             weekend=weekend)
        assert by_work.total == sum(1 for d in period.dates() if working(d))
        assert by_work.active == sum(1 for d in period.dates() if working(d) and active(d))
