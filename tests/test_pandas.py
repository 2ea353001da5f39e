"""salesperf.pandas (issue 15): records in from a DataFrame with a column mapping as for CSV,
results out as DataFrames with exact amounts (or floats, when asked) and datetime64 dates."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import salesperf as sp
import salesperf.pandas as spd
from worked_results import PAYEES, PLAN, QUOTAS, evaluation, performance

D = Decimal


class TestResultsOut:
    def test_lines_keep_exact_amounts_and_dates_as_datetime64(self) -> None:
        frame = spd.lines(evaluation())
        assert list(frame.columns) == ["component", "payee", "period", "record", "date",
                                       "exact", "amount"]
        assert frame["amount"].dtype == object
        assert list(frame["amount"]) == [D("6000.00"), D("8500.00"), D("100.01"), D("399.99")]
        assert frame["amount"].sum() == D("15000.00")  # exact: Decimal + Decimal
        assert str(frame["date"].dtype) == "datetime64[s]"
        assert list(frame["date"].dt.date) == [dt.date(2026, 2, 3), dt.date(2026, 3, 10),
                                               dt.date(2026, 3, 1), dt.date(2026, 3, 31)]
        assert frame["record"].isna().tolist() == [False, False, False, True]

    def test_floats_when_asked_for_statistics_and_charts(self) -> None:
        frame = spd.lines(evaluation(), floats=True)
        assert frame["amount"].dtype == np.float64
        assert frame["amount"].tolist() == [6000.0, 8500.0, 100.01, 399.99]
        assert frame["exact"].tolist() == [6000.0, 8500.0, 100.005, 399.995]

    def test_statements_components_credits_exclusions(self) -> None:
        ev = evaluation()
        statements = spd.statements(ev, floats=True)
        assert statements[["payee", "payable"]].values.tolist() == [["ana", 14500.0],
                                                                    ["ben", 500.0]]
        assert statements["lines"].dtype == np.int64
        assert statements["pay_rate"].isna().all()  # nobody paid in another currency
        assert spd.components(ev)["earned"].tolist() == [D("14500.00"), D("500.00")]
        credited = spd.credits(ev)
        assert str(credited["date"].dtype) == "datetime64[s]"
        assert credited["kind"].tolist() == ["direct"] * 3
        assert spd.exclusions(ev).values.tolist() == [["D-4", "zed", "unknown payee 'zed'"]]

    def test_earlier_periods_too(self) -> None:
        ev = evaluation("2026-Q2")
        assert spd.statements(ev, earlier=True)["period"].tolist() == [
            "2026-Q1", "2026-Q1", "2026-Q2", "2026-Q2"]
        assert len(spd.lines(ev, earlier=True)) == 6
        assert len(spd.components(ev, earlier=True)) == 4

    def test_goal_and_scorecard_results(self) -> None:
        report = performance()
        goals = spd.goals(report, floats=True)
        assert goals[["owner", "attainment"]].values.tolist() == [["ana", 1.2], ["ben", 0.9]]
        assert spd.goals(report.scorecards[0].goals)["scorecard"].isna().all()
        assert spd.scorecards(report)["owner"].tolist() == ["ana", "ben"]
        assert spd.scorecards(report.scorecards[1:])["owner"].tolist() == ["ben"]

    def test_a_missing_date_is_nat(self) -> None:
        frame = spd.frame(sp.Table("t", {"day": [dt.date(1969, 12, 31), None],
                                         "n": [1, None]}))
        assert frame["day"].tolist()[0] == pd.Timestamp("1969-12-31")
        assert pd.isna(frame["day"].tolist()[1])
        assert frame["n"].tolist()[0] == 1


class TestRecordsIn:
    MAPPING = sp.ColumnMapping({"id": "Deal", "date": "Closed", "payee": "Rep",
                                "amount": "Value", "new_customer": "New logo"},
                               {"new_customer": "boolean"})

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "Deal": ["D-1", "D-2", "D-<3>", "D-4"],
            "Closed": pd.to_datetime(["2026-02-03", "2026-03-10", "2026-03-01", "2026-03-02"]),
            "Rep": ["ana", "ana", "ben", "zed"],
            "Value": [D(60000), "70000", D("1000.05"), 10],
            "New logo": ["yes", "no", None, ""],
            "region": ["emea", np.nan, "apac", "na"],
        })

    def test_a_frame_evaluates_as_the_same_deals_do(self) -> None:
        recs = list(spd.records(self.frame(), self.MAPPING))
        assert [(r.id, r.date, r.payees, r.amount) for r in recs] == [
            ("D-1", dt.date(2026, 2, 3), ("ana",), D(60000)),
            ("D-2", dt.date(2026, 3, 10), ("ana",), D(70000)),
            ("D-<3>", dt.date(2026, 3, 1), ("ben",), D("1000.05")),
            ("D-4", dt.date(2026, 3, 2), ("zed",), D(10))]
        assert [r.get("new_customer", None) for r in recs] == [True, False, None, None]
        assert [r.get("region", None) for r in recs] == ["emea", None, "apac", "na"]
        ev = PLAN.evaluate(recs, "2026-Q1", payees=PAYEES, quotas=QUOTAS)
        assert ev.lines_table().rows() == evaluation().lines_table().rows()

    def test_several_payees_and_splits_read_as_in_csv(self) -> None:
        frame = pd.DataFrame({"id": ["S-1"], "date": ["2026-01-05"], "payees": ["ana; ben"],
                              "split": ["ana:0.6;ben:0.4"], "amount": ["100"],
                              "seats": np.array([3], dtype=np.int64)})
        (rec,) = spd.records(frame)
        assert rec.payees == ("ana", "ben")
        assert rec.get("split") == {"ana": "0.6", "ben": "0.4"}
        assert rec.get("seats") == 3
        assert type(rec.get("seats")) is int

    def test_a_float_column_is_refused_naming_it(self) -> None:
        frame = pd.DataFrame({"id": ["D-1"], "date": ["2026-01-05"], "amount": [1.1]})
        with pytest.raises(sp.DataError, match=r"field 'amount': the column holds binary "
                                               r"floats \(float64\)"):
            list(spd.records(frame))

    def test_a_mapped_column_that_is_not_there_is_a_definition_error(self) -> None:
        with pytest.raises(sp.DefinitionError, match="no such column"):
            list(spd.records(pd.DataFrame({"id": ["D-1"]}), sp.ColumnMapping({"date": "Day"})))

    def test_a_bad_cell_names_its_record_and_field(self) -> None:
        frame = pd.DataFrame({"id": ["D-9"], "date": ["2026-01-05"], "won": ["perhaps"]})
        with pytest.raises(sp.DataError, match="record 'D-9', field 'won': as boolean"):
            list(spd.records(frame, sp.ColumnMapping(types={"won": "boolean"})))

    def test_a_row_without_id_is_named_by_its_index(self) -> None:
        frame = pd.DataFrame({"date": ["2026-01-05"], "split": ["ana"]}, index=[7])
        with pytest.raises(sp.DataError, match="record 'row 7', field 'split'"):
            list(spd.records(frame))

    def test_more_rows_than_the_limits_allow_are_refused(self) -> None:
        frame = pd.DataFrame({"id": ["a", "b"], "date": ["2026-01-05"] * 2})
        with pytest.raises(sp.DataError, match="more than 1 records"):
            list(spd.records(frame, limits=sp.Limits(max_records=1)))


@pytest.mark.parametrize(("module", "needs", "extra"), [
    ("salesperf.pandas", "pandas", "pandas"),
    ("salesperf.plot", "matplotlib", "plot"),
    ("salesperf.testing", "hypothesis", "testing"),
])
def test_an_extra_that_is_not_installed_says_what_to_install(
        module: str, needs: str, extra: str) -> None:
    code = (f"import sys; sys.modules[{needs!r}] = None\n"
            f"try:\n    import {module}\nexcept ImportError as err:\n    print(err)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == f"{module} needs {needs}: pip install 'salesperf[{extra}]'"
