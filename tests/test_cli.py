"""The command line, run as a real subprocess over the example files the docs use."""

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import salesperf as sp

EXAMPLES = Path(__file__).parent.parent / "examples"


def salesperf(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "salesperf", *args], capture_output=True,
                          text=True, input=stdin, check=False, timeout=120)


def _paid(table: str) -> Decimal:
    """The total of what is paid, the table's last column."""
    total = next(ln for ln in table.splitlines() if ln.startswith("total"))
    return Decimal(total.split()[-1].replace(",", ""))


class TestRun:
    def test_a_request_prints_a_table_with_a_total(self) -> None:
        done = salesperf("run", str(EXAMPLES / "request.json"))
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("ae-2026 v1, 2026-Q1")
        assert "175 records credited, 41 excluded" in done.stdout
        assert done.stderr == ""

    def test_csv_records_with_a_column_mapping_give_the_same_result(self) -> None:
        json_run = salesperf("run", str(EXAMPLES / "request.json"))
        csv_run = salesperf("run", str(EXAMPLES / "request.json"), "--records",
                            str(EXAMPLES / "deals.csv"), "--columns",
                            str(EXAMPLES / "columns.json"))
        assert csv_run.returncode == 0, csv_run.stderr
        assert csv_run.stdout == json_run.stdout

    def test_json_output_is_the_response_document(self) -> None:
        done = salesperf("run", str(EXAMPLES / "request.json"), "--format", "json")
        response = json.loads(done.stdout)
        assert response["format"] == "salesperf.response"
        total = sum(Decimal(s["payable"]) for s in response["statements"])
        table = salesperf("run", str(EXAMPLES / "request.json")).stdout
        assert total == _paid(table)

    def test_jsonl_output_is_the_response_streamed(self) -> None:
        """`--format jsonl` writes the response as JSON lines: put back together, it is
        what `--format json` prints."""
        done = salesperf("run", str(EXAMPLES / "request.json"), "--format", "jsonl")
        assert done.returncode == 0, done.stderr
        document = json.loads(salesperf("run", str(EXAMPLES / "request.json"), "--format",
                                        "json").stdout)
        lines = [line + "\n" for line in done.stdout.split("\n")[:-1]]
        assert json.loads(lines[0])["lines"] == 194
        assert sp.response_from_lines(lines) == document

    def test_jsonl_without_traces_leaves_out_each_line_s_trace(self, tmp_path: Path) -> None:
        out = tmp_path / "response.jsonl"
        done = salesperf("run", str(EXAMPLES / "request.json"), "--format", "jsonl",
                         "--no-traces", "--output", str(out))
        assert (done.returncode, done.stdout) == (0, "")
        lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        assert lines[0]["traces"] is False
        assert {tuple(e) for e in lines if e["type"] == "line"} == {(
            "type", "component", "payee", "period", "record", "date", "exact", "amount")}

    def test_output_writes_any_format_to_a_file(self, tmp_path: Path) -> None:
        out = tmp_path / "table.txt"
        done = salesperf("run", str(EXAMPLES / "request.json"), "--output", str(out))
        assert (done.returncode, done.stdout) == (0, "")
        assert out.read_text("utf-8") == salesperf("run", str(EXAMPLES / "request.json")).stdout

    def test_no_traces_goes_with_jsonl_only(self) -> None:
        done = salesperf("run", str(EXAMPLES / "request.json"), "--no-traces")
        assert done.returncode == 2
        assert "--no-traces goes with --format jsonl" in done.stderr

    def test_csv_output_has_a_line_per_statement_line(self) -> None:
        done = salesperf("run", str(EXAMPLES / "request.json"), "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(done.stdout)))
        assert rows[0].keys() == {"payee", "period", "component", "record", "date", "amount",
                                  "explanation"}
        response = json.loads(salesperf("run", str(EXAMPLES / "request.json"), "--format",
                                        "json").stdout)
        assert len(rows) == sum(len(s["lines"]) for s in response["statements"])

    def test_the_plan_and_period_can_be_given_as_options(self) -> None:
        done = salesperf("run", str(EXAMPLES / "request.json"), "--plan",
                         str(EXAMPLES / "plan.json"), "--period", "2026-Q1")
        assert done.returncode == 0, done.stderr

    def test_a_bad_period_is_a_clear_error_not_a_traceback(self) -> None:
        done = salesperf("run", str(EXAMPLES / "request.json"), "--period", "2026-Q5")
        assert done.returncode == 1
        assert "expected a period such as" in done.stderr
        assert "Traceback" not in done.stderr


class TestValidate:
    def test_a_valid_plan_is_ok(self) -> None:
        done = salesperf("validate", str(EXAMPLES / "plan.json"))
        assert done.returncode == 0
        assert done.stdout.startswith("ok: plan 'ae-2026' v1")

    def test_every_problem_is_printed_with_its_path(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({"id": "x", "components": [{"kind": "comission"}],
                                   "credit_rules": [{"id": "r", "whre": {}}]}))
        done = salesperf("validate", str(bad))
        assert done.returncode == 1
        assert done.stdout == ""
        assert done.stderr.splitlines() == [
            "salesperf: 2 problem(s):",
            ("  components[0].kind: expected one of 'commission', 'target_bonus', 'kpi_bonus', "
             "'spiff', got 'comission' — did you mean 'commission'?"),
            "  credit_rules[0].whre: unknown key 'whre' — did you mean 'where'?",
        ]

    @pytest.mark.parametrize("text", ["", "{", "[1, 2]", "NaN", "{\"id\": 1e999999}"])
    def test_broken_json_never_gives_a_traceback(self, tmp_path: Path, text: str) -> None:
        bad = tmp_path / "bad.json"
        bad.write_text(text)
        done = salesperf("validate", str(bad))
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith("salesperf:")

    def test_a_missing_file_is_a_usage_error(self) -> None:
        done = salesperf("validate", "no/such/plan.json")
        assert done.returncode == 2
        assert done.stderr == "salesperf: no such file: no/such/plan.json\n"

    def test_a_plan_can_come_from_stdin(self) -> None:
        done = salesperf("validate", "-", stdin=(EXAMPLES / "plan.json").read_text())
        assert done.returncode == 0


class TestExplainAndSchema:
    def test_explain_prints_each_line_with_its_trace(self) -> None:
        done = salesperf("explain", str(EXAMPLES / "request.json"), "--payee", "dev")
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Statement for Dev Patel (dev), 2026-Q1 (USD)")
        assert "trace: rule won-deals" in done.stdout

    def test_explain_json_is_one_statement(self) -> None:
        done = salesperf("explain", str(EXAMPLES / "request.json"), "--payee", "dev", "--json")
        assert json.loads(done.stdout)["payee"] == "dev"

    def test_an_unknown_payee_names_the_known_ones(self) -> None:
        done = salesperf("explain", str(EXAMPLES / "request.json"), "--payee", "zed")
        assert done.returncode == 1
        assert "no statement for 'zed'" in done.stderr

    @pytest.mark.parametrize("which", ["plan", "request", "response", "response-lines"])
    def test_schema_prints_json_schema(self, which: str) -> None:
        done = salesperf("schema", which)
        assert json.loads(done.stdout)["$schema"].endswith("2020-12/schema")


def test_demo_runs() -> None:
    done = salesperf("demo")
    assert done.returncode == 0
    assert "leaderboard" in done.stdout


class TestRequestsInPython:
    """`request.evaluate` gives the `Evaluation`; `evaluate_request` its response document."""

    def load(self) -> tuple[sp.EvaluationRequest, list[sp.Record]]:
        return sp.load_request(sp.loads_json((EXAMPLES / "request.json").read_text("utf-8")))

    def test_the_response_document_is_the_evaluation_as_data(self) -> None:
        request, records = self.load()
        assert sp.evaluate_request(request, records) == sp.response_document(
            request.evaluate(records))

    def test_run_request_still_works_but_warns_with_the_new_spelling(self) -> None:
        request, records = self.load()
        with pytest.warns(sp.SalesperfWarning, match=r"use request\.evaluate\(records\)"):
            old = sp.run_request(request, records)
        assert old == request.evaluate(records)


class TestPublishedSchemas:
    """The request and response schemas ship in the package, and the examples satisfy them."""

    @pytest.mark.parametrize(("name", "make"), [
        ("request-v1", sp.request_schema), ("response-v1", sp.response_schema),
        ("response-lines-v1", sp.response_lines_schema)])
    def test_the_shipped_file_is_the_generated_schema(
        self, name: str, make: Callable[[], dict[str, Any]],
    ) -> None:
        shipped = resources.files("salesperf").joinpath(f"schemas/{name}.json")
        assert json.loads(shipped.read_text("utf-8")) == make(), (
            f"regenerate src/salesperf/schemas/{name}.json from sp.{make.__name__}()")

    def test_the_example_request_and_its_response_are_valid(self) -> None:
        jsonschema = pytest.importorskip("jsonschema")
        request = json.loads((EXAMPLES / "request.json").read_text())
        jsonschema.Draft202012Validator(sp.request_schema()).validate(request)
        response = json.loads(salesperf("run", str(EXAMPLES / "request.json"), "--format",
                                        "json").stdout)
        jsonschema.Draft202012Validator(sp.response_schema()).validate(response)

    def test_every_entry_of_the_example_s_response_stream_is_valid(self) -> None:
        jsonschema = pytest.importorskip("jsonschema")
        validator = jsonschema.Draft202012Validator(sp.response_lines_schema())
        stream = salesperf("run", str(EXAMPLES / "request.json"), "--format", "jsonl").stdout
        for line in stream.split("\n")[:-1]:
            validator.validate(json.loads(line))


# -- what a newcomer met (issue 15) ---------------------------------------------------------------


class TestDocumentKinds:
    """`validate` checks plans, requests and people documents, telling them apart; a command
    given the wrong kind says which kind it expected."""

    def test_validate_checks_a_request(self) -> None:
        done = salesperf("validate", str(EXAMPLES / "request.json"))
        assert done.returncode == 0, done.stderr
        assert done.stdout == ("ok: evaluation request for 2026-Q1: plan 'ae-2026' v1, "
                               "14 payees, 216 records\n")

    def test_validate_reports_a_request_s_problems(self, tmp_path: Path) -> None:
        doc = json.loads((EXAMPLES / "request.json").read_text())
        doc["quotas"][0]["amont"] = doc["quotas"][0].pop("amount")
        bad = tmp_path / "request.json"
        bad.write_text(json.dumps(doc))
        done = salesperf("validate", str(bad))
        assert done.returncode == 1
        assert "quotas[0].amont: unknown key 'amont' — did you mean 'amount'?" in done.stderr

    def test_validate_checks_a_people_document(self) -> None:
        example = resources.files("salesperf").joinpath("_data/example_people.json")
        done = salesperf("validate", "-", stdin=example.read_text("utf-8"))
        assert (done.returncode, done.stdout) == (0, "ok: a performance request\n")

    def test_validate_refuses_a_response_as_a_usage_error(self, tmp_path: Path) -> None:
        path = tmp_path / "response.json"
        path.write_text(salesperf("run", str(EXAMPLES / "request.json"), "--format",
                                  "json").stdout)
        done = salesperf("validate", str(path))
        assert done.returncode == 2
        assert "is an evaluation response, which salesperf writes" in done.stderr

    def test_run_given_a_plan_says_it_expected_a_request(self) -> None:
        done = salesperf("run", str(EXAMPLES / "plan.json"))
        assert done.returncode == 2
        assert done.stderr.startswith("usage: salesperf run")
        assert ("plan.json is a plan document, not an evaluation request: give it with "
                "--plan") in done.stderr
        assert "did you mean" not in done.stderr

    def test_a_plan_with_period_and_records_runs_without_a_request(self,
                                                                   tmp_path: Path) -> None:
        plan = tmp_path / "plan.json"
        plan.write_text(json.dumps({"id": "flat", "components": [
            {"kind": "commission", "id": "c", "rates": {"tiers": [{"lower": 0, "rate": "0.1"}]}}
        ]}))
        deals = tmp_path / "deals.csv"
        deals.write_text("id,date,payee,amount\nD-1,2026-02-03,ana,1000\n")
        done = salesperf("run", "--plan", str(plan), "--period", "2026-Q1", "--records",
                         str(deals))
        assert done.returncode == 0, done.stderr
        assert "ana" in done.stdout
        assert "1 records credited, 0 excluded" in done.stdout


class TestUsageMistakes:
    """A mistake in calling the command exits 2 with what to do instead."""

    def test_run_without_a_file_prints_its_usage(self) -> None:
        done = salesperf("run")
        assert done.returncode == 2
        assert done.stderr.startswith("usage: salesperf run")
        assert "give an evaluation request document, or a plan with --plan" in done.stderr

    def test_a_plan_without_a_period_asks_for_one(self) -> None:
        done = salesperf("run", "--plan", str(EXAMPLES / "plan.json"))
        assert done.returncode == 2
        assert "give the period with --period" in done.stderr

    @pytest.mark.parametrize("option", ["--plan", "--columns"])
    def test_broken_json_in_an_option_s_file_names_the_file(self, tmp_path: Path,
                                                           option: str) -> None:
        bad = tmp_path / "broken.json"
        bad.write_text('{"id": "p",')
        done = salesperf("run", str(EXAMPLES / "request.json"), "--records",
                         str(EXAMPLES / "deals.csv"), option, str(bad))
        assert done.returncode == 1
        assert f"  {bad}: not valid JSON: " in done.stderr

    def test_version(self) -> None:
        from importlib.metadata import version

        done = salesperf("--version")
        assert (done.returncode, done.stdout) == (0, f"salesperf {version('salesperf')}\n")

    def test_an_unknown_schema_names_the_argument_as_users_see_it(self) -> None:
        done = salesperf("schema", "plans")
        assert done.returncode == 2
        assert "argument document: invalid choice: 'plans'" in done.stderr
        assert "which" not in done.stderr


class TestCsvRecords:
    def write(self, tmp_path: Path, rows: list[str]) -> Path:
        path = tmp_path / "deals.csv"
        path.write_text("Deal,Closed,Rep,Value\n" + "".join(f"{r}\n" for r in rows))
        mapping = tmp_path / "columns.json"
        mapping.write_text(json.dumps({"columns": {"id": "Deal", "date": "Closed",
                                                   "payee": "Rep", "amount": "Value"}}))
        return path

    def test_every_bad_row_is_reported_by_line_and_column(self, tmp_path: Path) -> None:
        path = self.write(tmp_path, ["D-1,2026-01-02,ana,abc", "D-2,2026-01-03,ana,5",
                                     "D-3,2026-13-01,ana,5"])
        done = salesperf("run", str(EXAMPLES / "request.json"), "--records", str(path),
                         "--columns", str(tmp_path / "columns.json"))
        assert done.returncode == 1
        assert done.stderr.splitlines() == [
            "salesperf: error: 2 CSV rows are unusable:",
            ("  line 2, record 'D-1', column 'Value': must be a decimal number such as "
             "'1250.00', got 'abc'"),
            ("  line 4, record 'D-3', column 'Closed': must be an ISO date such as "
             "'2026-03-31', got '2026-13-01'"),
        ]

    def test_without_columns_a_mapping_is_asked_for(self) -> None:
        done = salesperf("run", str(EXAMPLES / "request.json"), "--records",
                         str(EXAMPLES / "deals.csv"))
        assert done.returncode == 1
        lines = done.stderr.splitlines()
        assert lines[1].startswith("  columns: no CSV column holds the record's 'id' and "
                                   "'date'; the header has 'Opportunity ID, Close Date")
        assert lines[2].startswith("  --columns: give a column mapping file")


class TestPayees:
    def test_an_unknown_payee_lists_the_known_ids_and_names(self) -> None:
        done = salesperf("explain", str(EXAMPLES / "request.json"), "--payee", "zed")
        assert done.returncode == 1
        assert ("statements are for ana (Ana Lima), ben (Ben Okafor), chloe (Chloe Martin), "
                "dev (Dev Patel)") in done.stderr

    @pytest.mark.parametrize("name", ["Dev Patel", "dev patel"])
    def test_explain_accepts_the_name_the_demo_prints(self, name: str) -> None:
        done = salesperf("explain", str(EXAMPLES / "request.json"), "--payee", name)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Statement for Dev Patel (dev), 2026-Q1 (USD)")


class TestTables:
    def test_run_s_table_reads_like_the_demo_s(self) -> None:
        table = salesperf("run", str(EXAMPLES / "request.json")).stdout.splitlines()
        assert table[1].split() == ["payee", "name", "revenue", "credited", "quota",
                                    "attainment", "commission", "cloud-new-logo", "kpi-bonus",
                                    "earned", "payable"]
        # The demo's row for Ana Lima: 308,010.78 credited of 450,000.00, 68 %.
        assert table[2].split() == ["ana", "Ana", "Lima", "308,010.78", "450,000.00", "68",
                                    "%", "10,900.54", "0.00", "6,800.00", "17,700.54",
                                    "17,700.54"]
        assert table[-2].split() == ["total", "389,917.20"]

    @pytest.mark.parametrize("args", [["demo"], ["run", str(EXAMPLES / "request.json")]])
    def test_percentages_are_written_with_a_space_as_everywhere_else(self,
                                                                     args: list[str]) -> None:
        out = salesperf(*args).stdout
        assert re.search(r"\d %", out)
        assert not re.search(r"\d%", out)

    def test_what_was_paid_before_has_a_column_when_anything_was(self, tmp_path: Path) -> None:
        """Q1 earned 100.00 (10 % of 1,000) but 60.00 was paid: Q2 pays its 50.00 and 40.00."""
        document = {
            "period": "2026-Q2",
            "plan": {"id": "flat", "components": [{"kind": "commission", "id": "c", "rates": {
                "tiers": [{"lower": "0", "rate": "0.10"}]}}]},
            "paid": [{"payee": "ana", "period": "2026-Q1", "amount": "60"}],
            "records": [{"id": "D-1", "date": "2026-02-03", "payee": "ana", "amount": "1000"},
                        {"id": "D-2", "date": "2026-05-03", "payee": "ana", "amount": "500"}],
        }
        path = tmp_path / "request.json"
        path.write_text(json.dumps(document))
        head, ana = salesperf("run", str(path)).stdout.splitlines()[1:3]
        assert head.split() == ["payee", "c", "earned", "paid", "before", "payable"]
        assert ana.split() == ["ana", "50.00", "50.00", "60.00", "90.00"]
