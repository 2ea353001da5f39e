"""Periods and calendars, through the public API.

Worked examples come with their sources: the NRF 4-5-4 retail calendar
(https://nrf.com/resources/4-5-4-calendar), Apple's 52/53-week fiscal year (Form 10-K: "the
52- or 53-week period that ends on the last Saturday of September"), the US federal fiscal
year (31 U.S.C. § 1102: October 1 to September 30; FY2026 began on 1 October 2025) and Japan's
fiscal year (Public Finance Act, art. 11: April 1 to March 31; fiscal 2025 began 1 April 2025).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import salesperf as sp

D = dt.date
G = sp.Grain
CY = sp.CalendarYear()
NRF = sp.RetailCalendar()  # 4-5-4, Saturday nearest the end of January, named by starting year


def span(period: sp.Period) -> tuple[dt.date, dt.date]:
    """First and last day of a period, both inclusive, as people write them."""
    return period.start, period.last_day


def case_id(value: object) -> str:
    """Readable test ids: a calendar by its kind, anything else as itself."""
    return type(value).__name__ if isinstance(value, sp.Calendar) else str(value)


def weeks(period: sp.Period) -> int:
    assert period.days % 7 == 0, f"{period!r} is not whole weeks"
    return period.days // 7


class TestGrain:
    @pytest.mark.parametrize(
        ("grain", "months"),
        [(G.MONTH, 1), (G.QUARTER, 3), (G.HALF, 6), (G.YEAR, 12), (G.CUSTOM, 0)],
    )
    def test_a_grain_counts_the_months_in_one_of_its_periods(
        self, grain: sp.Grain, months: int,
    ) -> None:
        assert grain.months == months


class TestPeriod:
    def test_a_period_is_half_open_its_start_is_inside_and_its_end_is_not(self) -> None:
        q2 = CY.parse("2026-Q2")
        assert (q2.start, q2.end) == (D(2026, 4, 1), D(2026, 7, 1))
        assert q2.start in q2
        assert q2.last_day in q2
        assert q2.end not in q2
        assert D(2026, 3, 31) not in q2

    def test_days_counts_every_day_and_last_day_is_the_day_before_end(self) -> None:
        feb = CY.parse("2024-02")
        assert feb.days == 29  # 2024 is a leap year
        assert feb.last_day == D(2024, 2, 29)
        every_day = list(feb.dates())
        assert len(every_day) == 29
        assert (every_day[0], every_day[-1]) == (D(2024, 2, 1), D(2024, 2, 29))

    def test_a_period_contains_the_periods_inside_it(self) -> None:
        year = CY.parse("2026")
        assert CY.parse("2026-Q4") in year
        assert CY.parse("2027-01") not in year
        assert sp.Period.custom(D(2026, 12, 1), D(2027, 1, 2)) not in year

    def test_a_datetime_or_a_string_is_not_in_a_period(self) -> None:
        q2 = CY.parse("2026-Q2")
        assert dt.datetime(2026, 5, 1, 12, tzinfo=dt.timezone.utc) not in q2
        assert "2026-05-01" not in q2

    def test_periods_are_values_equal_by_grain_dates_and_calendar(self) -> None:
        assert CY.parse("2026-Q2") == sp.CalendarYear().parse("2026-Q2")
        assert len({CY.parse("2026-Q2"), CY.parse("2026-Q2"), CY.parse("2026-Q3")}) == 2
        totals = {CY.parse("2026-Q2"): Decimal(100)}
        assert totals[CY.period(G.QUARTER, D(2026, 5, 17))] == Decimal(100)

    def test_the_same_days_cut_by_another_calendar_or_grain_are_another_period(self) -> None:
        calendar_q2 = CY.parse("2026-Q2")
        fiscal_q2 = sp.FiscalYear().parse("FY2026-Q2")
        assert span(calendar_q2) == span(fiscal_q2)
        assert calendar_q2 != fiscal_q2
        assert calendar_q2 != sp.Period.custom(calendar_q2.start, calendar_q2.end, CY)

    def test_periods_sort_by_start_then_end(self) -> None:
        labels = ["2026", "2025-12", "2026-H1", "2026-01", "2026-Q1", "2026-02"]
        ordered = sorted(CY.parse(s) for s in labels)
        assert [str(p) for p in ordered] == ["2025-12", "2026-01", "2026-Q1", "2026-H1", "2026",
                                             "2026-02"]

    def test_a_period_must_end_after_it_starts(self) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            sp.Period(G.MONTH, D(2026, 1, 1), D(2026, 1, 1))
        assert caught.value.problems == (sp.Problem(
            "period", "must end after it starts, got start 2026-01-01 and end 2026-01-01",
        ),)

    def test_a_custom_period_includes_its_start_and_excludes_its_end(self) -> None:
        p = sp.Period.custom(D(2026, 1, 15), D(2026, 2, 15))
        assert p.grain is G.CUSTOM
        assert p.calendar is None
        assert str(p) == "2026-01-15..2026-02-14"
        assert repr(p) == "Period('2026-01-15..2026-02-14', 2026-01-15..2026-02-14)"

    def test_repr_shows_the_label_and_both_inclusive_ends(self) -> None:
        assert repr(CY.parse("2026-Q2")) == "Period('2026-Q2', 2026-04-01..2026-06-30)"

    # -- navigation ---------------------------------------------------------------------

    @pytest.mark.parametrize(
        ("label", "following", "preceding"),
        [
            ("2026-Q2", "2026-Q3", "2026-Q1"),
            ("2026-Q4", "2027-Q1", "2026-Q3"),
            ("2026-01", "2026-02", "2025-12"),
            ("2026-H2", "2027-H1", "2026-H1"),
            ("2026", "2027", "2025"),
        ],
    )
    def test_next_and_previous_step_one_period_of_the_same_grain_across_years(
        self, label: str, following: str, preceding: str,
    ) -> None:
        p = CY.parse(label)
        assert str(p.next()) == following
        assert str(p.previous()) == preceding

    def test_next_and_previous_of_a_custom_period_keep_its_length(self) -> None:
        p = sp.Period.custom(D(2026, 1, 15), D(2026, 2, 15))
        assert str(p.next()) == "2026-02-15..2026-03-17"
        assert str(p.previous()) == "2025-12-15..2026-01-14"

    def test_a_retail_month_after_a_53_week_year_starts_the_next_year(self) -> None:
        last = NRF.parse("FY2023-M12")
        assert span(last) == (D(2023, 12, 31), D(2024, 2, 3))
        assert str(last.next()) == "FY2024-M01"
        assert last.next().start == D(2024, 2, 4)

    def test_subperiods_partition_a_period_into_a_finer_grain(self) -> None:
        assert [str(p) for p in CY.parse("2026").subperiods(G.QUARTER)] == [
            "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4",
        ]
        assert [str(p) for p in CY.parse("2026-H2").subperiods(G.MONTH)] == [
            "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12",
        ]
        assert CY.parse("2026-03").subperiods(G.MONTH) == [CY.parse("2026-03")]

    def test_subperiods_of_a_retail_quarter_follow_the_pattern(self) -> None:
        q1 = NRF.parse("FY2025-Q1")
        assert span(q1) == (D(2025, 2, 2), D(2025, 5, 3))
        assert [span(m) for m in q1.subperiods(G.MONTH)] == [
            (D(2025, 2, 2), D(2025, 3, 1)),
            (D(2025, 3, 2), D(2025, 4, 5)),
            (D(2025, 4, 6), D(2025, 5, 3)),
        ]

    @pytest.mark.parametrize(
        ("label", "grain", "message"),
        [
            ("2026-03", G.QUARTER, "cannot cut a month period into quarter periods"),
            ("2026-Q1", G.YEAR, "cannot cut a quarter period into year periods"),
            ("2026", G.CUSTOM, "cannot cut a year period into custom periods"),
            ("2026-01-01..2026-03-31", G.MONTH, "cannot cut a custom period into month periods"),
        ],
    )
    def test_subperiods_must_be_of_a_finer_calendar_grain(
        self, label: str, grain: sp.Grain, message: str,
    ) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            CY.parse(label).subperiods(grain)
        assert caught.value.problems == (sp.Problem("grain", message),)

    def test_year_is_the_calendar_year_holding_the_period_start(self) -> None:
        assert str(CY.parse("2026-Q3").year()) == "2026"
        assert str(sp.FiscalYear(start_month=7).parse("FY2027-M12").year()) == "FY2027"
        assert str(CY.parse("2026-12-01..2027-01-31").year()) == "2026"

    def test_a_period_without_a_calendar_cannot_find_its_year(self) -> None:
        p = sp.Period.custom(D(2026, 1, 1), D(2026, 2, 1))
        with pytest.raises(sp.DefinitionError) as caught:
            p.year()
        assert caught.value.problems == (sp.Problem(
            "period",
            "2026-01-01..2026-01-31 has no calendar; build it from a calendar to navigate years",
        ),)

    # -- intersection ---------------------------------------------------------------------

    def test_overlapping_periods_intersect_in_the_days_they_share(self) -> None:
        q2 = CY.parse("2026-Q2")
        fiscal_q1 = sp.FiscalYear(start_month=5).parse("FY2027-Q1")  # May..Jul 2026
        shared = q2 & fiscal_q1
        assert shared == sp.Period.custom(D(2026, 5, 1), D(2026, 7, 1), CY)
        assert str(shared) == "2026-05-01..2026-06-30"

    def test_a_period_inside_another_is_their_intersection(self) -> None:
        assert CY.parse("2026") & CY.parse("2026-05") == CY.parse("2026-05")
        assert CY.parse("2026-05").intersection(CY.parse("2026")) == CY.parse("2026-05")

    def test_periods_that_only_touch_or_are_apart_do_not_intersect(self) -> None:
        assert CY.parse("2026-Q1") & CY.parse("2026-Q2") is None
        assert CY.parse("2026-Q1") & CY.parse("2026-Q4") is None

    # -- period to date -------------------------------------------------------------------

    def test_period_to_date_runs_from_the_start_through_as_of(self) -> None:
        q2 = CY.parse("2026-Q2")
        assert str(q2.to_date(D(2026, 5, 15))) == "2026-04-01..2026-05-15"
        assert str(q2.to_date(D(2026, 4, 1))) == "2026-04-01..2026-04-01"

    def test_period_to_date_on_or_after_the_last_day_is_the_whole_period(self) -> None:
        q2 = CY.parse("2026-Q2")
        assert q2.to_date(D(2026, 6, 30)) == q2
        assert q2.to_date(D(2026, 12, 31)) == q2

    def test_period_to_date_before_the_period_starts_is_an_error(self) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            CY.parse("2026-Q2").to_date(D(2026, 3, 31))
        assert caught.value.problems == (sp.Problem(
            "as_of", "2026-03-31 is before the period 2026-Q2 starts (2026-04-01)",
        ),)

    def test_year_to_date_runs_from_the_year_start_through_the_period_end(self) -> None:
        assert str(CY.parse("2026-Q2").year_to_date()) == "2026-01-01..2026-06-30"
        assert CY.parse("2026-Q4").year_to_date() == CY.parse("2026")
        fy = sp.FiscalYear(start_month=7)
        assert str(fy.parse("FY2027-Q2").year_to_date()) == "2026-07-01..2026-12-31"

    def test_year_to_date_as_of_stops_at_as_of_within_the_period(self) -> None:
        q2 = CY.parse("2026-Q2")
        assert str(q2.year_to_date(D(2026, 5, 15))) == "2026-01-01..2026-05-15"
        assert str(q2.year_to_date(D(2026, 9, 1))) == "2026-01-01..2026-06-30"

    def test_year_to_date_as_of_before_the_year_starts_is_an_error(self) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            CY.parse("2026-Q2").year_to_date(D(2025, 12, 31))
        assert caught.value.problems == (sp.Problem(
            "as_of", "2025-12-31 is before the year 2026 starts",
        ),)


class TestCalendarYear:
    def test_a_calendar_year_runs_january_to_december(self) -> None:
        assert span(CY.year(2026)) == (D(2026, 1, 1), D(2026, 12, 31))
        assert CY.year_of(D(2026, 12, 31)) == 2026
        assert CY.year_of(D(2027, 1, 1)) == 2027

    @pytest.mark.parametrize(
        ("grain", "day", "label", "first", "last"),
        [
            (G.MONTH, D(2024, 2, 29), "2024-02", D(2024, 2, 1), D(2024, 2, 29)),
            (G.QUARTER, D(2026, 5, 17), "2026-Q2", D(2026, 4, 1), D(2026, 6, 30)),
            (G.HALF, D(2026, 7, 1), "2026-H2", D(2026, 7, 1), D(2026, 12, 31)),
            (G.YEAR, D(2026, 12, 31), "2026", D(2026, 1, 1), D(2026, 12, 31)),
        ],
    )
    def test_the_period_of_a_grain_holding_a_date(
        self, grain: sp.Grain, day: dt.date, label: str, first: dt.date, last: dt.date,
    ) -> None:
        p = CY.period(grain, day)
        assert str(p) == label
        assert span(p) == (first, last)

    def test_a_year_has_twelve_months_four_quarters_and_two_halves(self) -> None:
        assert [str(p) for p in CY.periods(G.HALF, 2026)] == ["2026-H1", "2026-H2"]
        assert len(CY.periods(G.QUARTER, 2026)) == 4
        assert [p.days for p in CY.periods(G.MONTH, 2026)] == [
            31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
        ]

    def test_a_calendar_does_not_cut_custom_periods(self) -> None:
        for cut in (lambda: CY.period(G.CUSTOM, D(2026, 1, 1)),
                    lambda: CY.periods(G.CUSTOM, 2026)):
            with pytest.raises(sp.DefinitionError) as caught:
                cut()
            assert caught.value.problems == (sp.Problem(
                "grain", "a custom period is not cut by a calendar",
            ),)

    def test_describe_names_the_calendar(self) -> None:
        assert CY.describe() == "calendar year"


class TestFiscalYear:
    def test_a_july_year_named_after_its_ending_year_runs_july_to_june(self) -> None:
        fy = sp.FiscalYear(start_month=7)
        assert fy.label is sp.YearLabel.ENDING
        assert span(fy.year(2027)) == (D(2026, 7, 1), D(2027, 6, 30))
        assert str(fy.period(G.YEAR, D(2026, 7, 1))) == "FY2027"
        assert str(fy.period(G.YEAR, D(2027, 6, 30))) == "FY2027"
        assert fy.year_of(D(2026, 6, 30)) == 2026

    def test_the_same_july_year_named_after_its_starting_year_is_fy2026(self) -> None:
        fy = sp.FiscalYear(start_month=7, label=sp.YearLabel.STARTING)
        assert span(fy.year(2026)) == (D(2026, 7, 1), D(2027, 6, 30))
        assert str(fy.period(G.QUARTER, D(2026, 8, 1))) == "FY2026-Q1"

    def test_months_quarters_and_halves_count_from_the_start_month(self) -> None:
        fy = sp.FiscalYear(start_month=7)
        assert span(fy.parse("FY2027-M01")) == (D(2026, 7, 1), D(2026, 7, 31))
        assert span(fy.parse("FY2027-M12")) == (D(2027, 6, 1), D(2027, 6, 30))
        assert span(fy.parse("FY2027-Q3")) == (D(2027, 1, 1), D(2027, 3, 31))
        assert span(fy.parse("FY2027-H2")) == (D(2027, 1, 1), D(2027, 6, 30))

    def test_us_federal_fiscal_2026_runs_october_2025_to_september_2026(self) -> None:
        federal = sp.FiscalYear(start_month=10)  # 31 U.S.C. § 1102
        assert span(federal.year(2026)) == (D(2025, 10, 1), D(2026, 9, 30))
        assert str(federal.period(G.QUARTER, D(2025, 12, 25))) == "FY2026-Q1"

    def test_japan_fiscal_2025_runs_april_2025_to_march_2026(self) -> None:
        japan = sp.FiscalYear(start_month=4, label=sp.YearLabel.STARTING)  # Public Finance Act
        assert span(japan.year(2025)) == (D(2025, 4, 1), D(2026, 3, 31))
        assert str(japan.period(G.MONTH, D(2026, 3, 31))) == "FY2025-M12"

    def test_a_january_year_is_named_alike_by_either_label(self) -> None:
        starting = sp.FiscalYear(start_month=1, label=sp.YearLabel.STARTING)
        ending = sp.FiscalYear(start_month=1, label=sp.YearLabel.ENDING)
        assert span(starting.year(2026)) == span(ending.year(2026)) == (D(2026, 1, 1),
                                                                       D(2026, 12, 31))
        assert str(starting.parse("FY2026-M03")) == "FY2026-M03"
        assert span(starting.parse("FY2026-M03")) == span(CY.parse("2026-03"))

    @pytest.mark.parametrize("start_month", range(1, 13))
    @pytest.mark.parametrize("label", list(sp.YearLabel))
    def test_a_fiscal_year_starts_on_the_first_of_its_start_month(
        self, start_month: int, label: sp.YearLabel,
    ) -> None:
        fy = sp.FiscalYear(start_month=start_month, label=label)
        year = fy.year(2026)
        assert (year.start.month, year.start.day) == (start_month, 1)
        starts_in = 2026 if label is sp.YearLabel.STARTING or start_month == 1 else 2025
        assert year.start.year == starts_in
        assert year.end == D(starts_in + 1, start_month, 1)

    def test_describe_says_the_start_month_and_the_label_convention(self) -> None:
        assert sp.FiscalYear(start_month=10).describe() == (
            "fiscal year starting in October, named after the year it ends"
        )
        assert sp.FiscalYear(start_month=4, label=sp.YearLabel.STARTING).describe() == (
            "fiscal year starting in April, named after the year it starts"
        )

    @pytest.mark.parametrize("start_month", [0, 13, -1])
    def test_the_start_month_must_be_1_to_12(self, start_month: int) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            sp.FiscalYear(start_month=start_month)
        assert caught.value.problems == (sp.Problem(
            "calendar.start_month", f"must be 1..12, got {start_month}",
        ),)
        assert str(caught.value) == f"calendar.start_month: must be 1..12, got {start_month}"

    def test_the_start_month_must_be_a_whole_number_not_a_bool_or_text(self) -> None:
        for value in (True, "7", 7.0):
            with pytest.raises(sp.DefinitionError) as caught:
                sp.FiscalYear(start_month=value)  # type: ignore[arg-type]
            assert caught.value.problems == (sp.Problem(
                "calendar.start_month", f"must be 1..12, got {value!r}",
            ),)

    def test_an_enum_value_stands_for_its_member(self) -> None:
        assert sp.FiscalYear(7, "starting") == sp.FiscalYear(7, sp.YearLabel.STARTING)

    def test_every_bad_field_is_reported_at_once(self) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            sp.FiscalYear(start_month=13, label="end")
        assert caught.value.problems == (
            sp.Problem("calendar.start_month", "must be 1..12, got 13"),
            sp.Problem("calendar.label", "must be one of 'starting', 'ending', got 'end'"),
        )


class TestRetailCalendar:
    def test_the_default_is_the_nrf_4_5_4_calendar(self) -> None:
        assert sp.RetailCalendar() == sp.RetailCalendar(
            pattern=sp.RetailPattern.P454, end_month=1, end_weekday=5,
            year_end=sp.YearEnd.NEAREST, label=sp.YearLabel.STARTING,
        )
        assert NRF.describe() == (
            "4-5-4 retail calendar ending on the Saturday nearest the end of January, "
            "named after the year it starts"
        )

    @pytest.mark.parametrize(
        ("year", "first", "last", "week_count"),
        [
            (2017, D(2017, 1, 29), D(2018, 2, 3), 53),
            (2022, D(2022, 1, 30), D(2023, 1, 28), 52),
            (2023, D(2023, 1, 29), D(2024, 2, 3), 53),
            (2024, D(2024, 2, 4), D(2025, 2, 1), 52),
            (2025, D(2025, 2, 2), D(2026, 1, 31), 52),
            (2026, D(2026, 2, 1), D(2027, 1, 30), 52),
        ],
    )
    def test_nrf_years_end_on_the_saturday_nearest_january_31(
        self, year: int, first: dt.date, last: dt.date, week_count: int,
    ) -> None:
        fiscal = NRF.year(year)
        assert span(fiscal) == (first, last)
        assert weeks(fiscal) == week_count
        assert last.weekday() == 5
        assert str(fiscal) == f"FY{year}"

    def test_nrf_months_follow_4_5_4_and_a_53rd_week_lengthens_the_last_month(self) -> None:
        assert [weeks(m) for m in NRF.year(2025).subperiods(G.MONTH)] == [4, 5, 4] * 4
        assert [weeks(m) for m in NRF.year(2023).subperiods(G.MONTH)] == [4, 5, 4] * 3 + [4, 5, 5]
        january_2024 = NRF.parse("FY2023-M12")
        assert span(january_2024) == (D(2023, 12, 31), D(2024, 2, 3))

    def test_a_date_in_the_53rd_week_belongs_to_the_year_it_lengthens(self) -> None:
        assert NRF.year_of(D(2024, 2, 3)) == 2023
        assert NRF.year_of(D(2024, 2, 4)) == 2024
        assert str(NRF.period(G.QUARTER, D(2024, 2, 1))) == "FY2023-Q4"

    @pytest.mark.parametrize(
        ("pattern", "quarter_weeks"),
        [
            (sp.RetailPattern.P445, [4, 4, 5]),
            (sp.RetailPattern.P454, [4, 5, 4]),
            (sp.RetailPattern.P544, [5, 4, 4]),
        ],
    )
    def test_the_pattern_sets_the_weeks_of_each_month_of_a_quarter(
        self, pattern: sp.RetailPattern, quarter_weeks: list[int],
    ) -> None:
        cal = sp.RetailCalendar(pattern=pattern)
        for quarter in cal.periods(G.QUARTER, 2025):
            assert weeks(quarter) == 13
            assert [weeks(m) for m in quarter.subperiods(G.MONTH)] == quarter_weeks

    def test_apple_fiscal_years_end_on_the_last_saturday_of_september(self) -> None:
        # Apple puts a 53rd week in its first quarter; only the year boundaries compare.
        apple = sp.RetailCalendar(end_month=9, year_end=sp.YearEnd.LAST,
                                  label=sp.YearLabel.ENDING)
        assert span(apple.year(2022)) == (D(2021, 9, 26), D(2022, 9, 24))
        assert span(apple.year(2023)) == (D(2022, 9, 25), D(2023, 9, 30))
        assert weeks(apple.year(2023)) == 53
        assert span(apple.year(2024)) == (D(2023, 10, 1), D(2024, 9, 28))
        assert weeks(apple.year(2024)) == 52

    def test_nearest_may_end_after_the_month_and_last_never_does(self) -> None:
        nearest = sp.RetailCalendar(year_end=sp.YearEnd.NEAREST)
        last = sp.RetailCalendar(year_end=sp.YearEnd.LAST)
        # 2024-01-31 is a Wednesday: the nearest Saturday is 2024-02-03, the last one 01-27.
        assert nearest.year(2023).last_day == D(2024, 2, 3)
        assert last.year(2023).last_day == D(2024, 1, 27)

    def test_an_ending_label_names_the_year_after_the_one_it_starts_in(self) -> None:
        ending = sp.RetailCalendar(label=sp.YearLabel.ENDING)
        assert span(ending.year(2026)) == span(NRF.year(2025))
        assert str(ending.period(G.YEAR, D(2025, 6, 1))) == "FY2026"

    def test_end_weekday_sets_the_weekday_every_year_ends_on(self) -> None:
        sunday = sp.RetailCalendar(end_weekday=6)
        for year in range(2020, 2030):
            assert sunday.year(year).last_day.weekday() == 6
            assert weeks(sunday.year(year)) in (52, 53)

    def test_each_bad_field_names_its_path(self) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            sp.RetailCalendar(end_weekday=7)
        assert caught.value.problems == (sp.Problem(
            "calendar.end_weekday", "must be 0 (Monday) .. 6 (Sunday), got 7",
        ),)

    def test_every_bad_field_is_reported_at_once(self) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            sp.RetailCalendar(
                pattern="4-4-5",  # type: ignore[arg-type]
                end_month=0,
                end_weekday=True,
                year_end="closest",
                label="end",
            )
        assert caught.value.problems == (
            sp.Problem("calendar.pattern",
                       "must be one of (4, 4, 5), (4, 5, 4), (5, 4, 4), got '4-4-5'"),
            sp.Problem("calendar.end_month", "must be 1..12, got 0"),
            sp.Problem("calendar.end_weekday", "must be 0 (Monday) .. 6 (Sunday), got True"),
            sp.Problem("calendar.year_end", "must be one of 'nearest', 'last', got 'closest'"),
            sp.Problem("calendar.label", "must be one of 'starting', 'ending', got 'end'"),
        )
        assert str(caught.value).startswith("5 problems:\n  calendar.pattern: ")


class TestParsingAndFormatting:
    @pytest.mark.parametrize(
        ("calendar", "label", "first", "last"),
        [
            (CY, "2026", D(2026, 1, 1), D(2026, 12, 31)),
            (CY, "2026-H1", D(2026, 1, 1), D(2026, 6, 30)),
            (CY, "2026-Q2", D(2026, 4, 1), D(2026, 6, 30)),
            (CY, "2026-03", D(2026, 3, 1), D(2026, 3, 31)),
            (CY, "2026-01-15..2026-02-14", D(2026, 1, 15), D(2026, 2, 14)),
            (CY, "2026-01-15..2026-01-15", D(2026, 1, 15), D(2026, 1, 15)),
            (sp.FiscalYear(start_month=7), "FY2027", D(2026, 7, 1), D(2027, 6, 30)),
            (sp.FiscalYear(start_month=7), "FY2027-H1", D(2026, 7, 1), D(2026, 12, 31)),
            (sp.FiscalYear(start_month=7), "FY2027-Q2", D(2026, 10, 1), D(2026, 12, 31)),
            (sp.FiscalYear(start_month=7), "FY2027-M03", D(2026, 9, 1), D(2026, 9, 30)),
            (NRF, "FY2025", D(2025, 2, 2), D(2026, 1, 31)),
            (NRF, "FY2025-Q1", D(2025, 2, 2), D(2025, 5, 3)),
            (NRF, "FY2023-M12", D(2023, 12, 31), D(2024, 2, 3)),
            (NRF, "2025-02-02..2025-02-08", D(2025, 2, 2), D(2025, 2, 8)),
        ],
        ids=case_id,
    )
    def test_a_label_names_its_days_and_formats_back_unchanged(
        self, calendar: sp.Calendar, label: str, first: dt.date, last: dt.date,
    ) -> None:
        period = calendar.parse(label)
        assert span(period) == (first, last)
        assert period.calendar == calendar
        assert str(period) == label
        assert calendar.format(period) == label

    @pytest.mark.parametrize(
        ("label", "grain"),
        [("2026", G.YEAR), ("2026-H2", G.HALF), ("2026-Q4", G.QUARTER), ("2026-12", G.MONTH),
         ("2026-04-01..2026-06-30", G.CUSTOM)],
    )
    def test_the_label_form_gives_the_grain(self, label: str, grain: sp.Grain) -> None:
        assert CY.parse(label).grain is grain

    def test_a_custom_label_of_a_calendar_period_stays_custom(self) -> None:
        custom = CY.parse("2026-04-01..2026-06-30")
        assert custom.grain is G.CUSTOM
        assert span(custom) == span(CY.parse("2026-Q2"))
        assert str(custom) == "2026-04-01..2026-06-30"

    def test_the_calendar_year_rejects_a_bad_label_showing_accepted_forms(self) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            CY.parse("2026-Q5")
        assert str(caught.value) == (
            "period: expected a period such as '2026', '2026-H1', '2026-Q2', '2026-03' or "
            "'2026-01-15..2026-02-14' (calendar year); got '2026-Q5'"
        )

    def test_a_fiscal_year_rejects_a_bad_label_showing_its_own_forms_and_convention(
        self,
    ) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            sp.FiscalYear(start_month=7).parse("2027-Q1")
        assert caught.value.problems == (sp.Problem(
            "period",
            "expected a period such as 'FY2026', 'FY2026-H1', 'FY2026-Q2', 'FY2026-M03' or "
            "'2026-01-15..2026-02-14' (fiscal year starting in July, named after the year it "
            "ends); got '2027-Q1'",
        ),)

    @pytest.mark.parametrize(
        ("calendar", "text"),
        [
            (CY, "2026-Q5"),
            (CY, "2026-Q0"),
            (CY, "2026-H3"),
            (CY, "2026-13"),
            (CY, "2026-00"),
            (CY, "2026-3"),
            (CY, "26-Q1"),
            (CY, "2026Q1"),
            (CY, "2026-q1"),
            (CY, " 2026"),
            (CY, "2026\n"),
            (CY, ""),
            (CY, "FY2026"),
            (CY, "2026-M03"),
            (CY, "0003"),
            (CY, "9998"),
            (CY, "２０２６-Q2"),  # other scripts' digits: format would write '2026-Q2'
            (CY, "2026-02-30..2026-03-01"),
            (CY, "2026-03-01..2026-02-28"),
            (CY, "2026-01-01...2026-01-31"),
            (CY, "2026-01-01 .. 2026-01-31"),
            (sp.FiscalYear(), "2026"),
            (sp.FiscalYear(), "fy2026"),
            (sp.FiscalYear(), "FY2026-03"),
            (sp.FiscalYear(), "FY2026-M13"),
            (sp.FiscalYear(), "FY2026-M3"),
            (sp.FiscalYear(), "FY 2026"),
            (NRF, "FY2025-W01"),
            (NRF, "FY٢٠٢٥"),
            (sp.RetailCalendar(end_month=6, label=sp.YearLabel.ENDING), "FY0002"),
        ],
        ids=case_id,
    )
    def test_a_bad_label_is_a_definition_error_naming_the_rejected_text(
        self, calendar: sp.Calendar, text: str,
    ) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            calendar.parse(text)
        (problem,) = caught.value.problems
        assert problem.path == "period"
        assert problem.message.startswith("expected a period such as ")
        assert problem.message.endswith(f"; got {text!r}")
        for example in calendar.examples():
            assert repr(example) in problem.message
        assert f"({calendar.describe()})" in problem.message

    def test_the_error_path_is_the_one_the_caller_gives(self) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            CY.parse("Q2", path="plan.periods[1]")
        assert caught.value.problems[0].path == "plan.periods[1]"

    def test_a_label_that_is_not_text_is_a_definition_error(self) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            CY.parse(2026)  # type: ignore[arg-type]
        assert caught.value.problems == (
            sp.Problem("period", "expected a period label, got 2026"),
        )

    def test_years_from_4_to_9997_parse_and_format_for_every_calendar(self) -> None:
        calendars: list[sp.Calendar] = [
            CY,
            sp.FiscalYear(start_month=2, label=sp.YearLabel.ENDING),
            sp.RetailCalendar(end_month=6, year_end=sp.YearEnd.LAST, label=sp.YearLabel.ENDING),
            sp.RetailCalendar(end_month=12, end_weekday=0),
        ]
        for cal in calendars:
            head = "" if cal is CY else "FY"
            for text in (f"{head}0004", f"{head}0004-Q1", f"{head}9997", f"{head}9997-H2"):
                assert str(cal.parse(text)) == text

    def test_examples_lists_one_label_of_each_form(self) -> None:
        assert CY.examples() == ("2026", "2026-H1", "2026-Q2", "2026-03",
                                 "2026-01-15..2026-02-14")
        assert NRF.examples() == ("FY2026", "FY2026-H1", "FY2026-Q2", "FY2026-M03",
                                  "2026-01-15..2026-02-14")


class TestProration:
    Q1 = CY.parse("2026-Q1")  # 90 days
    MARCH = CY.parse("2026-03")  # 22 weekdays (1 March 2026 is a Sunday)

    def test_a_hire_mid_period_counts_the_days_from_the_hire_date(self) -> None:
        share = sp.prorate(self.Q1, active_from=D(2026, 2, 1))
        assert (share.active, share.total) == (59, 90)
        assert share.basis is sp.ProrationBasis.CALENDAR_DAYS
        assert str(share) == "59 of 90 days"

    def test_a_leaver_counts_the_days_through_the_last_working_day(self) -> None:
        share = sp.prorate(self.Q1, active_until=D(2026, 1, 31))
        assert (share.active, share.total) == (31, 90)

    def test_both_ends_are_inclusive(self) -> None:
        share = sp.prorate(self.Q1, D(2026, 2, 10), D(2026, 2, 10))
        assert (share.active, share.total) == (1, 90)

    def test_an_employment_covering_the_period_is_active_throughout(self) -> None:
        for active_from, active_until in [(None, None), (D(2020, 1, 1), None),
                                          (None, D(2030, 1, 1)), (D(2026, 1, 1), D(2026, 3, 31))]:
            share = sp.prorate(self.Q1, active_from, active_until)
            assert (share.active, share.total) == (90, 90)
            assert share.apply(Decimal("1234.56")) == Decimal("1234.56")

    def test_an_open_end_stored_as_the_last_representable_date_is_open(self) -> None:
        share = sp.prorate(self.Q1, D(2026, 2, 1), dt.date.max)  # 9999-12-31, common in HR data
        assert (share.active, share.total) == (59, 90)

    @pytest.mark.parametrize(
        ("active_from", "active_until"),
        [
            (D(2026, 4, 1), None),  # hired after the period
            (None, D(2025, 12, 31)),  # left before it
            (D(2025, 1, 1), D(2025, 12, 31)),
            (D(2026, 6, 1), D(2026, 9, 30)),
        ],
    )
    def test_an_employment_outside_the_period_is_zero_active(
        self, active_from: dt.date | None, active_until: dt.date | None,
    ) -> None:
        share = sp.prorate(self.Q1, active_from, active_until)
        assert (share.active, share.total) == (0, 90)
        assert share.fraction == 0
        assert share.apply(Decimal(90000)) == 0

    def test_an_employment_ending_before_it_starts_is_an_error(self) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            sp.prorate(self.Q1, D(2026, 2, 1), D(2026, 1, 31))
        assert caught.value.problems == (sp.Problem(
            "active_until", "must not be before active_from (2026-02-01), got 2026-01-31",
        ),)

    def test_apply_multiplies_before_it_divides_so_the_whole_share_is_exact(self) -> None:
        share = sp.prorate(self.Q1, active_from=D(2026, 2, 1))
        assert share.apply(Decimal(90000)) == Decimal(59000)
        third = sp.Proration(1, 3, sp.ProrationBasis.CALENDAR_DAYS)
        assert third.apply(Decimal(3)) == Decimal(1)
        assert third.fraction == Decimal("0.3333333333333333333333333333333333")

    def test_working_days_skip_the_weekend_and_the_holidays(self) -> None:
        share = sp.prorate(self.MARCH, D(2026, 3, 16), basis=sp.ProrationBasis.WORKING_DAYS,
                           holidays={D(2026, 3, 17)})
        assert (share.active, share.total) == (11, 21)
        assert str(share) == "11 of 21 working days"

    def test_a_holiday_on_a_weekend_or_outside_the_period_is_not_counted_twice(self) -> None:
        share = sp.prorate(self.MARCH, basis=sp.ProrationBasis.WORKING_DAYS,
                           holidays={D(2026, 3, 1), D(2026, 3, 7), D(2026, 4, 1)})
        assert (share.active, share.total) == (22, 22)

    def test_the_weekend_can_be_any_weekdays(self) -> None:
        # A Friday-Saturday weekend: March 2026 has four Fridays and four Saturdays.
        share = sp.prorate(self.MARCH, D(2026, 3, 29), basis=sp.ProrationBasis.WORKING_DAYS,
                           weekend={4, 5})
        assert (share.active, share.total) == (3, 23)  # Sun 29, Mon 30, Tue 31
        no_weekend = sp.prorate(self.MARCH, basis=sp.ProrationBasis.WORKING_DAYS, weekend=())
        assert (no_weekend.active, no_weekend.total) == (31, 31)

    def test_calendar_days_ignore_holidays_and_weekends(self) -> None:
        share = sp.prorate(self.MARCH, D(2026, 3, 16), holidays={D(2026, 3, 17)})
        assert (share.active, share.total) == (16, 31)

    def test_a_period_with_no_working_days_prorates_to_zero(self) -> None:
        weekend = sp.Period.custom(D(2026, 3, 7), D(2026, 3, 9))  # Saturday and Sunday
        share = sp.prorate(weekend, basis=sp.ProrationBasis.WORKING_DAYS)
        assert (share.active, share.total) == (0, 0)
        assert share.fraction == 0
        assert share.apply(Decimal(500)) == 0

    def test_a_proration_is_a_value(self) -> None:
        a = sp.prorate(self.Q1, active_from=D(2026, 2, 1))
        assert a == sp.Proration(59, 90, sp.ProrationBasis.CALENDAR_DAYS)
        assert hash(a) == hash(sp.Proration(59, 90, sp.ProrationBasis.CALENDAR_DAYS))
