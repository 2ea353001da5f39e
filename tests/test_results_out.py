"""Results out (issue 15, issue 17's columnar export): tables of columns without pandas,
CSV to a host's stream, and the HTML a notebook shows.

The worked example, with its arithmetic, is in `worked_results.py`.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import pickle
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import salesperf as sp
from salesperf.testing import plans, records
from worked_results import PAYEES, PLAN, QUOTAS, RECORDS, evaluation, performance

D = Decimal


def csv_text(table: sp.Table) -> str:
    out = io.StringIO()
    assert table.write_csv(out) == len(table)
    return out.getvalue().replace("\r\n", "\n")


class TestLinesTable:
    def test_the_worked_example_line_by_line(self) -> None:
        table = evaluation().lines_table()
        assert table.names == ("component", "payee", "period", "record", "date", "exact",
                               "amount")
        assert table.rows() == [
            ("commission", "ana", "2026-Q1", "D-1", dt.date(2026, 2, 3), D("6000.00"),
             D("6000.00")),
            ("commission", "ana", "2026-Q1", "D-2", dt.date(2026, 3, 10), D("8500.00"),
             D("8500.00")),
            ("commission", "ben", "2026-Q1", "D-<3>", dt.date(2026, 3, 1), D("100.0050"),
             D("100.01")),
            ("commission", "ben", "2026-Q1", None, dt.date(2026, 3, 31), D("399.9950"),
             D("399.99")),
        ]

    def test_csv_writes_plain_exact_decimals_iso_dates_and_empty_cells(self) -> None:
        assert csv_text(evaluation().lines_table()) == (
            "component,payee,period,record,date,exact,amount\n"
            "commission,ana,2026-Q1,D-1,2026-02-03,6000.00,6000.00\n"
            "commission,ana,2026-Q1,D-2,2026-03-10,8500.00,8500.00\n"
            "commission,ben,2026-Q1,D-<3>,2026-03-01,100.0050,100.01\n"
            "commission,ben,2026-Q1,,2026-03-31,399.9950,399.99\n")

    def test_a_tiny_amount_is_written_without_an_exponent(self) -> None:
        table = sp.Table("t", {"amount": [D("0E-7"), D("1.5E+3")]})
        assert csv_text(table) == "amount\n0.0000000\n1500\n"

    def test_earlier_periods_come_first_when_asked(self) -> None:
        ev = evaluation("2026-Q2")
        assert len(ev.lines_table()) == 2  # the floor of each payee's empty second quarter
        both = ev.lines_table(earlier=True)
        assert both.columns["period"] == ["2026-Q1"] * 4 + ["2026-Q2"] * 2

    @settings(max_examples=40, deadline=None)
    @given(plans(), records(), st.sampled_from(["2026-Q1", "2026-Q2", "2026-Q4"]))
    def test_the_columns_are_the_lines_values_for_every_plan(
            self, plan: sp.Plan, recs: list[object], period: str) -> None:
        """Built block by block without `Line` values, the table says what the lines say:
        every field of every line, rounded by the same cumulative rule, in every mode."""
        quarters = [f"2026-Q{k}" for k in range(1, 5)]
        ev = sp.compile_plan(plan).evaluate(
            recs, period, payees=PAYEES,  # type: ignore[arg-type]
            quotas=[sp.Quota(p.id, "revenue", q, 40_000) for p in PAYEES for q in quarters])
        for earlier in (False, True):
            chosen = (*ev.earlier, *ev.statements) if earlier else ev.statements
            expected = [(li.component, li.payee, li.period, li.record, li.date, li.exact,
                         li.amount) for st in chosen for li in st.lines]
            assert ev.lines_table(earlier=earlier).rows() == expected
        credited = ev.credits_table()
        assert sorted(credited.rows(), key=repr) == sorted(
            ((c.record, c.payee, c.measure, c.date, c.amount, c.share, c.factor, c.rule,
              c.kind.value) for c in ev.credits), key=repr)

    def test_lines_given_by_hand_make_a_table_too(self) -> None:
        ev = evaluation()
        by_hand = sp.Evaluation("ae", 1, "2026-Q1", tuple(
            sp.Statement(st.payee, st.period, st.currency, tuple(st.lines), st.components,
                         st.earned, st.earned_ytd, st.paid_before, st.payable)
            for st in ev.statements), (), ())
        assert by_hand.lines_table().rows() == ev.lines_table().rows()


class TestOtherTables:
    def test_statements_one_row_each_with_settlement_and_line_count(self) -> None:
        table = evaluation().statements_table()
        assert table.names[:8] == ("payee", "name", "period", "currency", "earned",
                                   "earned_ytd", "paid_before", "payable")
        assert table.names[-1] == "lines"
        assert "settlement" not in table.names
        assert "components" not in table.names
        rows = table.dicts()
        assert [(r["payee"], r["earned"], r["payable"], r["paid"], r["lines"]) for r in rows] == [
            ("ana", D("14500.00"), D("14500.00"), D("14500.00"), 2),
            ("ben", D("500.00"), D("500.00"), D("500.00"), 2)]
        assert rows[0]["pay_currency"] is None

    def test_components_credits_and_exclusions(self) -> None:
        ev = evaluation()
        assert ev.components_table().rows() == [
            ("ana", "2026-Q1", "commission", D("14500.00"), 2),
            ("ben", "2026-Q1", "commission", D("500.00"), 2)]
        assert ev.credits_table().rows() == [
            ("D-1", "ana", "revenue", dt.date(2026, 2, 3), D(60000), D(1), D(1), "all",
             "direct"),
            ("D-2", "ana", "revenue", dt.date(2026, 3, 10), D(70000), D(1), D(1), "all",
             "direct"),
            ("D-<3>", "ben", "revenue", dt.date(2026, 3, 1), D("1000.05"), D(1), D(1), "all",
             "direct")]
        assert ev.exclusions_table().rows() == [("D-4", "zed", "unknown payee 'zed'")]
        assert csv_text(ev.exclusions_table()) == (
            "record,payee,reason\nD-4,zed,unknown payee 'zed'\n")

    def test_tables_of_unequal_columns_are_refused(self) -> None:
        with pytest.raises(sp.DataError, match="differ in length"):
            sp.Table("t", {"a": [1], "b": []})

    def test_each_call_makes_a_new_table_the_caller_may_change(self) -> None:
        ev = evaluation()
        first = ev.lines_table()
        first.columns["amount"].clear()
        assert len(ev.lines_table().columns["amount"]) == 4


class TestLine:
    def test_a_line_made_by_hand_is_read_only_and_compares_by_value(self) -> None:
        line = sp.Line("c", "ana", "2026-Q1", "D-1", dt.date(2026, 1, 5), D("1.5"), D("1.50"))
        assert line == sp.Line("c", "ana", "2026-Q1", "D-1", dt.date(2026, 1, 5), D("1.5"),
                               D("1.50"))
        assert line != "c"
        assert {line: 1}[line.replace()] == 1
        assert line.replace(record=None).record is None

    def test_a_line_pickles_and_copies_with_its_explanation(self) -> None:
        line = evaluation().statement("ben").lines[1]
        sent = pickle.loads(pickle.dumps(line))  # noqa: S301 - our own bytes, in a test
        for again in (sent, copy.copy(line), copy.deepcopy(line)):
            assert again == line
            assert again.explanation == line.explanation


class TestHtml:
    def test_a_statement_shows_its_lines_explained_and_its_totals_escaped(self) -> None:
        html = evaluation().statement("ben")._repr_html_()
        assert "<caption>Statement for ben, 2026-Q1 (USD)</caption>" in html
        assert "D-&lt;3&gt;" in html
        assert "D-<3>" not in html
        assert "lifted to the floor of 500.00" in html
        assert '<td style="text-align:right">399.99</td>' in html
        assert "<td>payable</td><td style=\"text-align:right\">500.00</td>" in html

    def test_an_evaluation_shows_a_row_per_statement_and_the_totals(self) -> None:
        html = evaluation()._repr_html_()
        assert "<caption>ae (version 1), 2026-Q1 USD</caption>" in html
        assert "<td>ana</td>" in html
        assert "<td>ben</td>" in html
        assert "<td>total</td><td style=\"text-align:right\">15,000.00</td>" in html
        assert "3 credits, 1 exclusions" in html

    def test_a_payee_s_name_is_shown_beside_the_id(self) -> None:
        ev = PLAN.evaluate(RECORDS[:1], "2026-Q1", payees=[sp.Payee("ana", "Ana <A>")],
                           quotas=QUOTAS)
        assert "Statement for ana (Ana &lt;A&gt;), 2026-Q1" in ev.statement("ana")._repr_html_()
        assert "<td>ana (Ana &lt;A&gt;)</td>" in ev._repr_html_()

    def test_long_lists_are_cut_with_a_count(self) -> None:
        table = sp.Table("many", {"n": list(range(25))})
        html = table._repr_html_()
        assert html.count("<tr>") == 1 + 20 + 1  # header, 20 rows, the note
        assert "… 5 more rows" in html
        assert "<caption>many (25 rows)</caption>" in html

    def test_a_plan_shows_its_components_and_rules_as_its_document_writes_them(self) -> None:
        plan = sp.Plan("ae", [
            sp.Commission("c", sp.RateTable([sp.Tier(0, "0.10")]), cap=sp.Cap(per_period=900)),
            sp.Spiff("s", sp.Eq("product", "<b>"), amount=25)],
            credit_rules=[sp.CreditRule("half", where=sp.Eq("product", "a"), factor="0.5"),
                          sp.CreditRule("rest")],
            extra_credit=[sp.Overlay("se", ["sam"], "revenue")])
        html = plan._repr_html_()
        assert "<caption>Plan ae, version 1: USD, paid by quarter</caption>" in html
        assert ("<td>c</td><td>commission</td><td>revenue</td><td>{&quot;rates&quot;: "
                "{&quot;tiers&quot;: [{&quot;lower&quot;: &quot;0&quot;, &quot;rate&quot;: "
                "&quot;0.10&quot;}]}, &quot;cap&quot;: {&quot;per_period&quot;: "
                "&quot;900&quot;}}</td>") in html
        assert "&quot;eq&quot;: &quot;&lt;b&gt;&quot;" in html
        assert "<b>" not in html
        assert "<td>rest</td><td>revenue</td><td>every record</td>" in html
        assert "<td>se</td><td>overlay</td><td>{&quot;payees&quot;: [&quot;sam&quot;]}</td>" in html
        later = attrs.evolve(plan, version=2, effective_from=dt.date(2026, 4, 1))
        compiled = sp.compile_plan([plan, later])._repr_html_()
        assert "version 2: USD, paid by quarter, from 2026-04-01 to …" in compiled
        assert "2 versions; this is the latest" in compiled

    def test_scorecards_and_reports_show_their_goals(self) -> None:
        report = performance()
        html = report._repr_html_()
        assert "<caption>Leaderboard</caption>" in html
        assert "<caption>Scorecards</caption>" in html
        card = report.scorecard("ana")._repr_html_()
        assert "<caption>Scorecard card &amp; co for ana, 2026-Q1</caption>" in card
        assert "<td>won &lt;revenue&gt;</td>" in card
        assert '<td style="text-align:right">120,000</td>' in card


class TestGoalTables:
    def test_goal_and_scorecard_results_one_row_each(self) -> None:
        report = performance()
        goals = report.goals_table()
        assert [(r["scorecard"], r["owner"], r["actual"], r["attainment"], r["records"])
                for r in goals.dicts()] == [("card & co", "ana", D(120000), D("1.2"), 2),
                                            ("card & co", "ben", D(90000), D("0.9"), 1)]
        cards = report.scorecards_table()
        assert cards.names == ("scorecard", "owner", "period", "score", "rating", "goals",
                               "explanation")
        assert [r[:2] + r[5:6] for r in cards.rows()] == [("card & co", "ana", 1),
                                                        ("card & co", "ben", 1)]
