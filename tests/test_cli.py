"""The command line, run as a real subprocess over the example files the docs use."""

import csv
import io
import json
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

    @pytest.mark.parametrize("which", ["plan", "request", "response"])
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

    @pytest.mark.parametrize(("name", "make"), [("request-v1", sp.request_schema),
                                                ("response-v1", sp.response_schema)])
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
