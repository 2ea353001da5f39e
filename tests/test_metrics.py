"""Metrics: measures over the records of a period, ratios, growth, supplied values, ready-mades.

Issue 3: sum, count, distinct count, average, minimum and maximum over a field, with filters;
the ratio of two metrics; growth against the previous period or the same period a year
earlier; values the host supplies directly; ready-made revenue, new customers, customer
satisfaction, retention rate, win rate and average deal size.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

import pytest

import salesperf as sp
import salesperf.metrics as m

D = Decimal
CAL = sp.CalendarYear()
Q1 = CAL.parse("2026-Q1")
SUM, COUNT, DISTINCT, AVERAGE, MIN, MAX = (
    sp.Aggregation.SUM, sp.Aggregation.COUNT, sp.Aggregation.DISTINCT_COUNT,
    sp.Aggregation.AVERAGE, sp.Aggregation.MIN, sp.Aggregation.MAX,
)
WON = sp.Eq("status", "won")


def deal(rid: str, date: str, status: str, amount: str, customer: str, kind: str = "new",
         new_customer: bool = True) -> sp.Record:
    return sp.Record.from_mapping({
        "id": rid, "date": date, "payee": "ana", "amount": amount, "currency": "USD",
        "status": status, "customer": customer, "kind": kind, "new_customer": new_customer,
    })


#: Ana's deals. In 2026-Q1: won 70,000 + 50,000 + 30,000 = 150,000 over 3 deals; 5 closed
#: (won or lost); one still open; renewals: D-3 won, D-6 lost. Around it: 80,000 won in
#: 2025-Q4, 60,000 won in 2025-Q1, and one deal in 2026-Q2.
DEALS = [
    deal("D-1", "2026-01-10", "won", "70000.00", "acme"),
    deal("D-2", "2026-02-03", "lost", "20000.00", "bolt"),
    deal("D-3", "2026-02-20", "won", "50000.00", "acme", "renewal", new_customer=False),
    deal("D-4", "2026-03-31", "won", "30000.00", "cara"),
    deal("D-5", "2026-03-15", "open", "40000.00", "dyn"),
    deal("D-6", "2026-03-20", "lost", "10000.00", "eon", "renewal", new_customer=False),
    deal("P-1", "2025-12-31", "won", "80000.00", "zed"),
    deal("L-1", "2025-01-15", "won", "60000.00", "yak"),
    deal("N-1", "2026-04-01", "won", "99999.00", "xen"),
]


def value(metric: sp.Metric, records: list[sp.Record] = DEALS, period: sp.Period = Q1,
          supplied: dict[str, object] | None = None) -> Decimal | None:
    found = supplied or {}
    return sp.evaluate_metric(metric, records, period,
                              lambda name, p: found.get(f"{name}@{p}")).value


class TestMeasure:
    @pytest.mark.parametrize(
        ("measure", "expected"),
        [
            (sp.Measure("revenue", SUM, "amount", WON), D("150000.00")),
            (sp.Measure("pipeline", SUM), D("220000.00")),
            (sp.Measure("deals", COUNT), D(6)),
            (sp.Measure("won deals", COUNT, where=WON), D(3)),
            (sp.Measure("customers", DISTINCT, "customer"), D(5)),
            (sp.Measure("won customers", DISTINCT, "customer", WON), D(2)),
            (sp.Measure("average won", AVERAGE, "amount", WON), D("50000.00")),
            (sp.Measure("smallest won", MIN, "amount", WON), D("30000.00")),
            (sp.Measure("largest won", MAX, "amount", WON), D("70000.00")),
        ],
    )
    def test_each_aggregation_over_the_matching_records_of_the_period(
        self, measure: sp.Measure, expected: Decimal,
    ) -> None:
        assert value(measure) == expected

    @pytest.mark.parametrize(
        ("aggregation", "expected"),
        [(SUM, D(0)), (COUNT, D(0)), (DISTINCT, D(0)), (AVERAGE, None), (MIN, None),
         (MAX, None)],
    )
    def test_with_no_records_sums_and_counts_are_zero_and_the_rest_have_no_value(
        self, aggregation: sp.Aggregation, expected: Decimal | None,
    ) -> None:
        result = sp.evaluate_metric(sp.Measure("x", aggregation, where=sp.Eq("status", "void")),
                                    DEALS, Q1)
        assert result.value == expected
        assert result.records == ()

    def test_only_records_dated_inside_the_half_open_period_count(self) -> None:
        result = sp.evaluate_metric(sp.Measure("all", COUNT), DEALS, Q1)
        # 2026-03-31 is in; 2025-12-31 and 2026-04-01 are not.
        assert result.records == ("D-1", "D-2", "D-3", "D-5", "D-6", "D-4")

    def test_records_outside_the_period_are_not_even_filtered(self) -> None:
        stray = sp.Record("X-1", dt.date(2026, 7, 1))  # no status at all, but out of Q1
        assert value(sp.Measure("won", COUNT, where=WON), [*DEALS, stray]) == 3

    def test_the_trace_lists_the_records_that_counted_in_date_order(self) -> None:
        result = sp.evaluate_metric(sp.Measure("revenue", SUM, where=WON), DEALS[::-1], Q1)
        assert result.records == ("D-1", "D-3", "D-4")
        assert result.explanation == "revenue = sum of amount over 3 records = 150000.00"

    @pytest.mark.parametrize(
        ("measure", "explanation"),
        [
            (sp.Measure("deals", COUNT), "deals = count of 6 records = 6"),
            (sp.Measure("customers", DISTINCT, "customer"),
             "customers = 5 distinct customer in 6 records"),
            (sp.Measure("avg", AVERAGE, where=WON),
             "avg = average of amount over 3 records = 50000.00"),
            (sp.Measure("avg", AVERAGE, where=sp.Eq("status", "void")),
             "avg: no records, so no average"),
        ],
    )
    def test_every_value_explains_itself(self, measure: sp.Measure, explanation: str) -> None:
        assert sp.evaluate_metric(measure, DEALS, Q1).explanation == explanation

    def test_numbers_in_attributes_may_be_ints_decimals_or_decimal_text(self) -> None:
        records = [sp.Record("A", dt.date(2026, 1, 2), attributes={"units": n})
                   for n in (3, D("1.5"), "2.25")]
        assert value(sp.Measure("units", SUM, "units"), records) == D("6.75")

    @pytest.mark.parametrize(
        ("attributes", "message"),
        [({}, "the record has no such field"), ({"units": None}, "the record has no such field"),
         ({"units": 0.5}, "got float 0.5"), ({"units": "many"}, "decimal number")],
    )
    def test_a_missing_or_non_numeric_value_is_a_data_error_naming_record_and_field(
        self, attributes: dict[str, object], message: str,
    ) -> None:
        records = [sp.Record("OK", dt.date(2026, 1, 2), attributes={"units": 1}),
                   sp.Record("BAD", dt.date(2026, 1, 3), attributes=attributes)]
        with pytest.raises(sp.DataError) as err:
            value(sp.Measure("units", SUM, "units"), records)
        assert (err.value.record_id, err.value.field) == ("BAD", "units")
        assert message in err.value.message

    def test_a_bad_filter_is_a_definition_error_naming_the_metric(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            value(sp.Measure("big", COUNT, where=sp.Compare("amount", "~", 5)))
        assert [p.path for p in err.value.problems] == ["metrics['big'].where.op"]

    def test_sums_stay_exact_whatever_decimal_context_the_host_set(self) -> None:
        records = [sp.Record("A", dt.date(2026, 1, 2), amount=D("123456789.01")),
                   sp.Record("B", dt.date(2026, 1, 3), amount=D("0.02"))]
        with decimal.localcontext() as ctx:
            ctx.prec = 5
            assert value(sp.Measure("sum"), records) == D("123456789.03")
            assert value(sp.Measure("avg", AVERAGE), records) == D("61728394.515")


class TestRatio:
    WIN_RATE = sp.Ratio("win rate", sp.Measure("won", COUNT, where=WON),
                        sp.Measure("closed", COUNT, where=sp.In("status", ["won", "lost"])))

    def test_a_ratio_divides_one_metric_by_another(self) -> None:
        result = sp.evaluate_metric(self.WIN_RATE, DEALS, Q1)
        assert result.value == D("0.6")
        assert result.explanation == "win rate = won / closed = 3 / 5 = 0.6"

    def test_its_trace_holds_the_records_of_both_sides(self) -> None:
        result = sp.evaluate_metric(self.WIN_RATE, DEALS, Q1)
        assert result.records == ("D-1", "D-2", "D-3", "D-4", "D-6")

    def test_a_zero_denominator_gives_no_value(self) -> None:
        result = sp.evaluate_metric(self.WIN_RATE, DEALS, CAL.parse("2026-Q3"))
        assert result.value is None
        assert result.explanation == "win rate = won / closed: no value (0 / 0)"

    def test_a_side_without_a_value_gives_no_value(self) -> None:
        ratio = sp.Ratio("avg per deal", sp.Measure("avg", AVERAGE, where=sp.Eq("status", "x")),
                         sp.Measure("n", COUNT))
        assert value(ratio) is None

    def test_a_ratio_is_exact_to_34_digits(self) -> None:
        ratio = sp.Ratio("third", sp.Measure("one", COUNT, where=sp.Eq("customer", "bolt")),
                         sp.Measure("three", COUNT, where=sp.In("customer", ["bolt", "dyn",
                                                                            "eon"])))
        assert value(ratio) == D("0.3333333333333333333333333333333333")


class TestGrowth:
    REVENUE = sp.Measure("revenue", SUM, where=WON)

    @pytest.mark.parametrize(
        ("against", "base", "expected"),
        [
            # (150,000 − 80,000) / 80,000 and (150,000 − 60,000) / 60,000
            (sp.GrowthBase.PREVIOUS_PERIOD, "2025-Q4", D("0.875")),
            (sp.GrowthBase.SAME_PERIOD_LAST_YEAR, "2025-Q1", D("1.5")),
        ],
    )
    def test_growth_compares_with_the_previous_period_or_the_same_period_last_year(
        self, against: sp.GrowthBase, base: str, expected: Decimal,
    ) -> None:
        result = sp.evaluate_metric(sp.Growth("growth", self.REVENUE, against), DEALS, Q1)
        assert result.value == expected
        assert result.explanation.startswith(f"growth = (2026-Q1 − {base}) / |{base}| = ")
        assert set(result.records) == {"D-1", "D-3", "D-4", "P-1" if "Q4" in base else "L-1"}

    def test_a_zero_base_gives_no_value(self) -> None:
        growth = sp.Growth("growth", self.REVENUE)
        assert value(growth, period=CAL.parse("2025-Q3")) is None

    @pytest.mark.parametrize(
        ("before", "now", "expected"),
        [("-100", "50", D("1.5")), ("-100", "-150", D("-0.5")), ("100", "50", D("-0.5"))],
    )
    def test_growth_keeps_the_sign_of_the_change_even_from_a_negative_base(
        self, before: str, now: str, expected: Decimal,
    ) -> None:
        records = [sp.Record("A", dt.date(2025, 12, 1), amount=D(before)),
                   sp.Record("B", dt.date(2026, 1, 1), amount=D(now))]
        assert value(sp.Growth("net growth", sp.Measure("net")), records) == expected

    def test_growth_of_a_supplied_value_looks_up_both_periods(self) -> None:
        growth = sp.Growth("csat growth", sp.Supplied("csat"), sp.GrowthBase.PREVIOUS_PERIOD)
        supplied: dict[str, object] = {"csat@2026-Q1": "4.5", "csat@2025-Q4": "4.0"}
        assert value(growth, supplied=supplied) == D("0.125")


class TestSupplied:
    def test_a_supplied_value_comes_from_the_host(self) -> None:
        result = sp.evaluate_metric(sp.Supplied("csat"), [], Q1, lambda name, p: "4.6")
        assert result.value == D("4.6")
        assert result.records == ()
        assert result.explanation == "csat = 4.6 (supplied for 2026-Q1)"

    def test_a_value_not_supplied_is_no_value(self) -> None:
        result = sp.evaluate_metric(sp.Supplied("csat"), [], Q1)
        assert result.value is None
        assert result.explanation == "csat: no value supplied for 2026-Q1"

    @pytest.mark.parametrize("bad", [4.6, "good", True])
    def test_a_supplied_value_that_is_not_an_exact_number_is_a_data_error(
        self, bad: object,
    ) -> None:
        with pytest.raises(sp.DataError) as err:
            sp.evaluate_metric(sp.Supplied("csat"), [], Q1, lambda name, p: bad)
        assert err.value.field == "csat"


class TestReadyMadeMetrics:
    @pytest.mark.parametrize(
        ("metric", "name", "expected"),
        [
            (m.revenue(), "revenue", D("150000.00")),
            (m.new_customers(), "new customers", D(2)),  # acme (D-1) and cara (D-4)
            (m.retention_rate(), "retention rate", D("0.5")),  # renewals: D-3 won, D-6 lost
            (m.win_rate(), "win rate", D("0.6")),  # 3 won of 5 closed; D-5 is still open
            (m.average_deal_size(), "average deal size", D("50000.00")),
        ],
    )
    def test_ready_made_metrics_over_the_sample_quarter(
        self, metric: sp.Metric, name: str, expected: Decimal,
    ) -> None:
        assert metric.name == name
        assert value(metric) == expected

    def test_customer_satisfaction_is_supplied_by_the_host(self) -> None:
        csat = m.customer_satisfaction()
        assert csat == sp.Supplied("customer satisfaction")
        assert value(csat, supplied={"customer satisfaction@2026-Q1": "4.2"}) == D("4.2")

    def test_field_names_and_status_values_are_parameters(self) -> None:
        rows = [sp.Record("O-1", dt.date(2026, 1, 5), amount=D(10), attributes={"stage": "CW"}),
                sp.Record("O-2", dt.date(2026, 1, 6), amount=D(30), attributes={"stage": "CL"}),
                sp.Record("O-3", dt.date(2026, 1, 7), amount=D(20), attributes={"stage": "CW"})]
        assert value(m.revenue(status_field="stage", won="CW"), rows) == D(30)
        assert value(m.win_rate(status_field="stage", won="CW", closed=["CW", "CL"]),
                     rows) == D("0.6666666666666666666666666666666667")
        assert value(m.average_deal_size(status_field="stage", won="CL"), rows) == D(30)

    def test_revenue_takes_an_extra_filter(self) -> None:
        assert value(m.revenue(where=sp.Eq("kind", "renewal"))) == D("50000.00")

    def test_ready_made_definitions_are_plain_data(self) -> None:
        assert m.revenue() == sp.Measure("revenue", SUM, "amount", sp.Eq("status", "won"))
        assert m.win_rate() == m.win_rate()
