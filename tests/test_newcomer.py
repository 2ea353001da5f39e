"""What a newcomer met in the library (issue 15): documents that say which kind they expected,
JSON and CSV errors that say where, statements that carry names, responses in plain decimals
and explanations a person can read while traces stay exact."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest

import salesperf as sp
from salesperf import examples

EXPONENT = re.compile(r"\d[eE][-+]?\d")


def one_rep(amounts: list[str], rate: str = "0.1") -> dict[str, Any]:
    """A request: a commission of `rate` up to quota (100,000) and 1.5 × `rate` above, for
    one payee, Ana Lima, with a deal of each amount."""
    plan = {"id": "ae", "components": [{"kind": "commission", "id": "commission", "rates": {
        "basis": "attainment",
        "tiers": [{"lower": "0", "rate": rate}, {"lower": "1", "rate": str(Decimal(rate) * 3 / 2)}],
    }}]}
    return {"period": "2026-Q1", "plan": plan,
            "payees": [{"id": "ana", "name": "Ana Lima"}],
            "quotas": [{"payee": "ana", "measure": "revenue", "period": "2026-Q1",
                        "amount": "100000"}],
            "records": [{"id": f"D-{i}", "date": f"2026-02-{i:02}", "payee": "ana", "amount": a}
                        for i, a in enumerate(amounts, start=1)]}


class TestDocumentKinds:
    """A loader given a document of another kind reports that one problem, not every key of
    the other kind as unknown."""

    def test_a_request_given_as_a_plan(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_plan(examples.request_document())
        assert [str(p) for p in err.value.problems] == [
            ("expected a plan document (format 'salesperf.plan'), got an evaluation request "
            "(format 'salesperf.request')")]

    def test_a_plan_given_as_a_request(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_request(examples.plan_document())
        assert [str(p) for p in err.value.problems] == [
            ("expected an evaluation request (format 'salesperf.request'), got a plan document "
            "(format 'salesperf.plan')")]

    def test_documents_without_a_format_are_told_apart_by_their_keys(self) -> None:
        plan = examples.plan_document()
        del plan["format"]
        with pytest.raises(sp.DefinitionError, match="got a plan document"):
            sp.load_request(plan)
        request = examples.request_document()
        del request["format"]
        with pytest.raises(sp.DefinitionError, match="got an evaluation request"):
            sp.load_plan(request)

    def test_a_people_document_given_as_another(self) -> None:
        with pytest.raises(sp.DefinitionError,
                           match=r"^expected a rule set \(format 'salesperf.rules'\), got a "
                                 r"performance request"):
            sp.load_rule_set(examples.performance_request_document())


class TestMessages:
    def test_an_unterminated_string_says_where_it_starts_once(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.loads_json('{"a": "abc')
        assert str(err.value) == ("not valid JSON: Unterminated string starting at line 1, "
                                  "column 7")

    @pytest.mark.parametrize("load", [sp.load_request, sp.load_performance_request])
    def test_an_unknown_key_lists_each_known_key_once(self, load: Any) -> None:
        """Fixed with issue 12 (a request's own keys were listed twice); kept here."""
        with pytest.raises(sp.DefinitionError) as err:
            load({"period": "2026-Q1", "zzzzqqq": 1})
        listed = next(p.message for p in err.value.problems if p.path == "zzzzqqq")
        known = listed.split("known keys: ")[1].split(", ")
        assert len(known) == len(set(known)) > 10


class TestCsv:
    MAPPING = sp.ColumnMapping({"id": "Deal", "date": "Closed", "payee": "Rep",
                                "amount": "Value"})

    def read(self, rows: list[str], **limits: int) -> list[sp.Record]:
        text = "Deal,Closed,Rep,Value\n" + "".join(f"{r}\n" for r in rows)
        return list(sp.records_from_csv(text, self.MAPPING, limits=sp.Limits(**limits)))

    def test_one_bad_row_names_its_record_column_and_line(self) -> None:
        with pytest.raises(sp.DataError) as err:
            self.read(["D-1,2026-01-02,ana,5", "D-2,2026-01-02,ana,abc"])
        assert (err.value.record_id, err.value.field) == ("D-2", "Value")
        assert err.value.message.endswith("got 'abc' (CSV line 3)")

    def test_every_bad_row_is_reported(self) -> None:
        with pytest.raises(sp.DataError) as err:
            self.read(["D-1,2026-01-02,ana,x", "D-2,2026-01-02,ana,5", "D-3,,ana,5",
                       "D-4,2026-01-02,ana,5,extra"])
        assert str(err.value).splitlines() == [
            "3 CSV rows are unusable:",
            ("  line 2, record 'D-1', column 'Value': must be a decimal number such as "
            "'1250.00', got 'x'"),
            "  line 4, record 'D-3', column 'Closed': must be a date, got None",
            "  line 5: the row has more cells than the header",
        ]

    def test_the_report_is_bounded(self) -> None:
        with pytest.raises(sp.DataError) as err:
            self.read([f"D-{i},2026-01-02,ana,x" for i in range(50)], max_problems=5)
        lines = str(err.value).splitlines()
        assert lines[0] == "5 CSV rows are unusable (stopped after 5, Limits.max_problems):"
        assert len(lines) == 6

    def test_no_record_is_given_after_a_bad_row(self) -> None:
        rows = sp.records_from_csv("id,date,amount\nD-1,2026-01-02,1\nD-2,x,1\nD-3,2026-01-02,1\n")
        assert next(rows).id == "D-1"
        with pytest.raises(sp.DataError, match="record 'D-2', field 'date'"):
            next(rows)

    def test_a_header_without_id_or_date_asks_for_a_mapping(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            list(sp.records_from_csv(examples.deals_csv()))
        assert err.value.problems[0].path == "columns"
        assert err.value.problems[0].message.startswith(
            "no CSV column holds the record's 'id' and 'date'; the header has 'Opportunity ID")


class TestStatementsCarryNames:
    def test_a_statement_has_its_payee_s_name(self) -> None:
        request, records = examples.request()
        statement = request.evaluate(records).statement("dev")
        assert statement.name == "Dev Patel"
        assert statement.to_dict()["name"] == "Dev Patel"
        assert statement.explain().startswith("Statement for Dev Patel (dev), 2026-Q1 (USD)")

    def test_a_payee_without_a_name_is_shown_by_id(self) -> None:
        doc = one_rep(["1000"])
        doc["payees"] = [{"id": "ana"}]
        statement = sp.load_request(doc)[0].evaluate(sp.load_request(doc)[1]).statement("ana")
        assert statement.name is None
        assert statement.explain().startswith("Statement for ana, 2026-Q1 (USD)")

    @pytest.mark.parametrize("given", ["dev", "Dev Patel", "DEV PATEL"])
    def test_a_statement_is_found_by_id_or_name(self, given: str) -> None:
        request, records = examples.request()
        assert request.evaluate(records).statement(given).payee == "dev"

    def test_an_unknown_payee_lists_who_has_a_statement(self) -> None:
        request, records = examples.request()
        with pytest.raises(sp.DataError) as err:
            request.evaluate(records).statement("zed")
        assert err.value.message == (
            "no statement for 'zed' in 2026-Q1; statements are for ana (Ana Lima), "
            "ben (Ben Okafor), chloe (Chloe Martin), dev (Dev Patel), eli (Eli Cohen), "
            "fay (Fay Wong), gus (Gus Berg), hana (Hana Sato), ivan (Ivan Petrov), "
            "jo (Jo Keller), kai (Kai Müller), lea (Lea Rossi)")


class TestPlainDecimals:
    def test_the_response_never_writes_an_exponent(self) -> None:
        """0 / 100,000 is Decimal('0E+5') and 0.000001 × 0.1 is Decimal('1E-7'): the
        response writes '0' and '0.0000001'."""
        response = sp.evaluate_request(*sp.load_request(one_rep(["0", "0.000001"])))
        line = response["statements"][0]["lines"][1]
        assert line["exact"] == "0.0000001"
        assert line["trace"]["exact"] == "0.0000001"
        assert response["statements"][0]["lines"][0]["trace"]["attainment_after"] == "0"
        assert not EXPONENT.search(json.dumps(response))

    def test_the_values_are_unchanged(self) -> None:
        request, records = sp.load_request(one_rep(["0", "0.000001"]))
        statement = request.evaluate(records).statement("ana")
        assert [Decimal(line["exact"]) for line in statement.to_dict()["lines"]] == [
            line.exact for line in statement.lines]


class TestReadableExplanations:
    def test_a_kpi_bonus_explains_to_three_places_and_traces_exactly(self) -> None:
        request, records = examples.request()
        line = next(ln for ln in request.evaluate(records).statement("chloe").lines
                    if ln.component == "kpi-bonus")
        # Win rate 8 of 9 won against a 0.75 target: attainment 0.888… / 0.75 = 1.185…
        assert line.explanation.startswith("kpi-bonus: score = 0.5 × ")
        assert not re.search(r"\d\.\d{4}", line.explanation)
        assert re.search(r"\d\.\d{30}", line.trace["arithmetic"])
        assert Decimal(line.trace["score"]) != Decimal(line.trace["score"]).quantize(
            Decimal("0.001"))

    def test_explain_with_traces_shows_attainment_as_a_percentage(self) -> None:
        request, records = examples.request()
        statement = request.evaluate(records).statement("ana")
        text = statement.explain(traces=True)
        assert "attainment_after 16.2 %" in text
        assert "0.1620787670666666666666666666666667" not in text
        exact = [ln.trace["attainment_after"] for ln in statement.lines
                 if ln.trace.get("attainment_after", "").startswith("0.162")]
        assert exact == ["0.1620787670666666666666666666666667"]
