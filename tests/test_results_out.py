"""Results out (issue 15, issue 17's columnar export): tables of columns without pandas,
CSV to a host's stream, and the HTML a notebook shows.

The worked example, with its arithmetic, is in `worked_results.py`.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
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
Q1 = "2026-Q1"


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

    @settings(max_examples=min(40, settings().max_examples), deadline=None)
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


class TestTablesInFull:
    """Every column of every table, and the earlier periods first when asked. (Mutation
    testing: `statements_table`, `components_table` and `credits_table` were read only in
    part.)"""

    def test_a_statement_row_holds_every_settlement_field_and_its_line_count(self) -> None:
        table = evaluation().statements_table()
        assert table.names == (
            "payee", "name", "period", "currency", "earned", "earned_ytd", "paid_before",
            "payable", "draw", "top_up", "recovered", "forgiven", "balance_before",
            "balance_after", "paid", "released", "held", "pay_currency", "pay_rate",
            "pay_rate_date", "pay_amount", "lines")
        ben = evaluation().statement("ben")
        assert table.dicts()[1] == {
            **{name: getattr(ben, name) for name in table.names[:-1]}, "lines": 2}
        assert (ben.earned, ben.paid, ben.released, ben.held) == (
            D("500.00"), D("500.00"), D("500.00"), D("0.00"))

    def test_earlier_periods_statements_and_components_come_first(self) -> None:
        ev = evaluation("2026-Q2")
        assert [(r["payee"], r["period"], r["lines"]) for r in
                ev.statements_table(earlier=True).dicts()] == [
            ("ana", "2026-Q1", 2), ("ben", "2026-Q1", 2), ("ana", "2026-Q2", 1),
            ("ben", "2026-Q2", 1)]
        assert ev.statements_table().columns["period"] == ["2026-Q2", "2026-Q2"]
        assert ev.components_table(earlier=True).rows() == [
            ("ana", "2026-Q1", "commission", D("14500.00"), 2),
            ("ben", "2026-Q1", "commission", D("500.00"), 2),
            ("ana", "2026-Q2", "commission", D("500.00"), 1),
            ("ben", "2026-Q2", "commission", D("500.00"), 1)]
        assert ev.components_table().names == ("payee", "period", "component", "earned",
                                               "lines")
        assert len(ev.components_table()) == 2

    def test_credits_given_as_values_are_tabled_by_payee_measure_date_and_record(
            self) -> None:
        day = dt.date(2026, 1, 5)

        def credit(record: str, payee: str, measure: str, d: dt.date) -> sp.Credit:
            return sp.Credit(record, payee, measure, d, D(1), D(1), D("0.5"), "r",
                             sp.CreditKind.OVERLAY)

        given = (credit("B", "ben", "revenue", day), credit("A", "ana", "units", day),
                 credit("C", "ana", "revenue", day + dt.timedelta(1)),
                 credit("B", "ana", "revenue", day), credit("A", "ana", "revenue", day))
        table = sp.Evaluation("p", 1, Q1, (), given, ()).credits_table()
        assert table.names == ("record", "payee", "measure", "date", "amount", "share",
                               "factor", "rule", "kind")
        assert [(r["payee"], r["measure"], r["record"]) for r in table.dicts()] == [
            ("ana", "revenue", "A"), ("ana", "revenue", "B"), ("ana", "revenue", "C"),
            ("ana", "units", "A"), ("ben", "revenue", "B")]
        assert set(table.columns["kind"]) == {"overlay"}
        assert table.rows()[0][3:] == (day, D(1), D(1), D("0.5"), "r", "overlay")

    def test_each_table_is_named_for_what_it_holds(self) -> None:
        ev = evaluation()
        assert [t.name for t in (ev.lines_table(), ev.statements_table(),
                                 ev.components_table(), ev.credits_table(),
                                 ev.exclusions_table())] == [
            "lines", "statements", "components", "credits", "exclusions"]
        assert sp.Evaluation("p", 1, Q1, (), (), ()).credits_table().name == "credits"

    def test_exclusions_table_names_its_columns(self) -> None:
        table = sp.Evaluation("p", 1, Q1, (), (), (
            sp.Exclusion("D-1", "why"), sp.Exclusion("D-2", "because", "ana"))).exclusions_table()
        assert table.names == ("record", "payee", "reason")
        assert table.rows() == [("D-1", None, "why"), ("D-2", "ana", "because")]


class TestLineChunks:
    """`Lines.chunks`, which the response stream writes from: a block's lines `size` at a
    time, each chunk's values what the `Line` values say, rounded across the chunks as
    within them, and a writer that writes line `first + k`'s trace and sentence."""

    @pytest.mark.parametrize("size", [1, 2, 3, 1024])
    def test_chunks_of_any_size_say_what_the_lines_say(self, size: int) -> None:
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.0333")]), floor=100)]))
        recs = [{"id": f"D-{i}", "date": dt.date(2026, 1, 1 + i), "payee": "ana",
                 "amount": D(f"{i}15.55")} for i in range(5)]
        st_ = plan.evaluate(recs, Q1, payees=[sp.Payee("ana")]).statement("ana")
        chunks = list(st_.lines.chunks(size))  # type: ignore[attr-defined]
        got = []
        for c in chunks:
            assert (c.component, c.payee, c.period) == ("c", "ana", Q1)
            assert len(c.records) == len(c.dates) == len(c.exact) == len(c.amounts) <= size
            for k in range(len(c.exact)):
                trace = c.write.trace(c.first + k)
                got.append((c.records[k], c.dates[k], c.exact[k], c.amounts[k],
                            trace["exact"], c.write.text(c.first + k)))
        want = [(li.record, li.date, li.exact, li.amount, li.trace["exact"],
                 li.explanation.split(", paid ")[0]) for li in st_.lines]
        assert got == want
        assert len(want) == 6  # five deals and the floor
        assert [c.first for c in chunks][:2] == ([0, size] if size < 5 else [0, 0])
        assert sum(li.amount for li in st_.lines) == D("100.00")
        assert any(li.amount != li.exact for li in st_.lines)  # rounding carried across

    def test_by_default_a_chunk_is_1024_lines(self) -> None:
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.1")]))]))
        recs = [{"id": f"D-{i}", "date": dt.date(2026, 1, 1), "payee": "ana", "amount": D(i)}
                for i in range(1030)]
        lines = plan.evaluate(recs, Q1, payees=[sp.Payee("ana")]).statement("ana").lines
        assert [(len(c.exact), c.first) for c in lines.chunks()] == [  # type: ignore[attr-defined]
            (1024, 0), (6, 1024)]

    def test_the_largest_amounts_are_rounded_in_any_caller_s_context(self) -> None:
        """Running totals past 34 digits are still rounded to the cent exactly, and a
        caller's own decimal context changes nothing."""
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "1")]))]))
        recs = [{"id": f"D-{i}", "date": dt.date(2026, 1, 1 + i), "payee": "ana",
                 "amount": D("9.99E+31")} for i in range(3)]
        lines = plan.evaluate(recs, Q1, payees=[sp.Payee("ana")]).statement("ana").lines
        with decimal.localcontext(decimal.Context(prec=3)):
            chunks = list(lines.chunks(2))  # type: ignore[attr-defined]
            made = [li.amount for li in lines]
        assert made == [D("99900000000000000000000000000000.00")] * 3
        assert [a for c in chunks for a in c.amounts] == made
        assert evaluation().lines_table().name == "lines"

    def test_a_chunk_s_lists_are_its_own(self) -> None:
        lines = evaluation().statement("ana").lines
        first = next(iter(lines.chunks(1)))  # type: ignore[attr-defined]
        first.exact.clear()
        first.amounts.clear()
        again = next(iter(lines.chunks(1)))  # type: ignore[attr-defined]
        assert (again.exact, again.amounts, again.records) == (
            [D("6000.00")], [D("6000.00")], ["D-1"])


class TestLine:
    def test_a_line_made_by_hand_is_read_only_and_compares_by_value(self) -> None:
        line = sp.Line("c", "ana", "2026-Q1", "D-1", dt.date(2026, 1, 5), D("1.5"), D("1.50"))
        assert line == sp.Line("c", "ana", "2026-Q1", "D-1", dt.date(2026, 1, 5), D("1.5"),
                               D("1.50"))
        assert line != "c"
        assert {line: 1}[line.replace()] == 1
        assert line.replace(record=None).record is None

    def test_a_changed_copy_keeps_its_line_s_explanation_and_lines_hash_apart(
            self) -> None:
        lines = evaluation().statement("ana").lines
        second = lines[1]
        copy_ = second.replace(record="D-2b")
        assert copy_.record == "D-2b"
        assert (copy_.trace, copy_.explanation) == (second.trace, second.explanation)
        assert copy_.explanation.startswith("D-2 on 2026-03-10: credited 70,000.00")
        assert len({hash(li) for li in lines}) == 2

    def test_a_line_pickles_and_copies_with_its_explanation(self) -> None:
        line = evaluation().statement("ben").lines[1]
        sent = pickle.loads(pickle.dumps(line))  # noqa: S301 - our own bytes, in a test
        for again in (sent, copy.copy(line), copy.deepcopy(line)):
            assert again == line
            assert again.explanation == line.explanation


class TestFindingAStatement:
    def test_by_id_then_by_display_name_ignoring_case(self) -> None:
        team = [sp.Payee("ana", "Ana Ruiz"), sp.Payee("ben", "ana")]
        ev = PLAN.evaluate(RECORDS[:3], Q1, payees=team, quotas=QUOTAS)
        assert ev.statement("ana").payee == "ana"  # an id before a name
        assert ev.statement("aNA rUIZ").payee == "ana"

    def test_a_name_two_payees_share_finds_neither(self) -> None:
        team = [sp.Payee("ana", "Sam Lee"), sp.Payee("ben", "sam lee")]
        ev = PLAN.evaluate(RECORDS[:3], Q1, payees=team, quotas=QUOTAS)
        with pytest.raises(sp.DataError) as caught:
            ev.statement("Sam Lee")
        assert (caught.value.record_id, caught.value.field) == (None, "payee")
        assert caught.value.message == (
            "no statement for 'Sam Lee' in 2026-Q1; statements are for ana (Sam Lee), "
            "ben (sam lee)")

    def test_the_error_lists_thirty_payees_and_counts_the_rest(self) -> None:
        many = sp.Evaluation("p", 1, Q1, tuple(
            sp.Statement(f"p{i:02}", Q1, "USD", (), (), D(0), D(0), D(0), D(0))
            for i in range(32)), (), ())
        with pytest.raises(sp.DataError) as caught:
            many.statement("zed")
        listed = ", ".join(f"p{i:02}" for i in range(30))
        assert caught.value.message == (
            f"no statement for 'zed' in 2026-Q1; statements are for {listed} and 2 more")
        exactly = sp.Evaluation("p", 1, Q1, many.statements[:30], (), ())
        with pytest.raises(sp.DataError, match=rf"statements are for {listed}$"):
            exactly.statement("zed")
        with pytest.raises(sp.DataError, match=r"statements are for nobody$"):
            sp.Evaluation("p", 1, Q1, (), (), ()).statement("zed")


class TestStatementText:
    def test_with_traces_each_line_is_followed_by_its_key_facts(self) -> None:
        """An attainment to a tenth of a percent; facts without a value are left out."""
        text = evaluation().statement("ben").explain(traces=True).splitlines()
        assert text == [
            "Statement for ben, 2026-Q1 (USD)",
            "  commission: 500.00",
            ("          100.01  D-<3> on 2026-03-01: credited 1,000.05; revenue from 0.00 to "
            "1,000.05 (0 % → 1 % of quota 100,000.00): 1,000.05 at 10 % = 100.00, paid 100.01 "
            "after rounding to the running total"),
            ("                  trace: rule all, tier 1, rate 0.10, quota 100000, "
            "attainment_after 1 %, exact 100.0050, rounded 100.01"),
            ("          399.99  floor: commission earned 100.00, lifted to the floor of 500.00, "
            "paid 399.99 after rounding to the running total"),
            "                  trace: exact 399.9950, rounded 399.99",
            ("  earned this period 500.00; earned year to date 500.00; paid before 0.00; "
            "payable 500.00")]
        assert evaluation().statement("ben").explain() == "\n".join(
            line for line in text if "trace:" not in line)

    def test_a_named_payee_s_statement_names_them(self) -> None:
        ev = PLAN.evaluate(RECORDS[:1], Q1, payees=[sp.Payee("ana", "Ana Ruiz")],
                           quotas=QUOTAS)
        assert ev.statement("ana").explain().startswith(
            "Statement for Ana Ruiz (ana), 2026-Q1 (USD)\n")

    def test_a_line_as_plain_data_is_its_fields_trace_and_sentence(self) -> None:
        ben = evaluation().statement("ben")
        line = ben.lines[0]
        trace, text = line.details()
        assert ben.to_dict()["lines"][0] == {
            "component": "commission", "payee": "ben", "period": Q1, "record": "D-<3>",
            "date": "2026-03-01", "exact": "100.0050", "amount": "100.01", "trace": trace,
            "explanation": text}
        assert trace["rounded"] == "100.01"
        assert text.endswith(", paid 100.01 after rounding to the running total")
        with pytest.raises(AttributeError, match=r"^a Line is read-only; use "
                           r"replace\(amount=\.\.\.\) for a changed copy$"):
            line.amount = D(0)
        with pytest.raises(AttributeError, match=r"^a Line is read-only$"):
            del line.amount
        assert repr(line) == (
            "Line(component='commission', payee='ben', period='2026-Q1', record='D-<3>', "
            "date=datetime.date(2026, 3, 1), exact=Decimal('100.0050'), "
            "amount=Decimal('100.01'))")
        by_hand = sp.Line("c", "ana", Q1, None, dt.date(2026, 1, 1), D(1), D(1))
        assert (by_hand.trace, by_hand.explanation) == ({"rounded": "1"}, "a line given by hand")


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
