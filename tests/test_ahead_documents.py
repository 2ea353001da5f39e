"""Looking-ahead documents and commands (issue #14): `salesperf whatif|forecast|compare` on
request documents, with JSON request and response contracts and their schemas."""

from __future__ import annotations

import contextlib
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
from salesperf._cli import main

EXAMPLES = Path(__file__).parent.parent / "examples" / "ahead"
KINDS = ("whatif", "forecast", "compare")
ANSWER: dict[str, Callable[..., dict[str, Any]]] = {
    "whatif": sp.whatif_request, "forecast": sp.forecast_request,
    "compare": sp.compare_request}
SCHEMAS: dict[str, tuple[Callable[[], dict[str, Any]], Callable[[], dict[str, Any]]]] = {
    "whatif": (sp.whatif_request_schema, sp.whatif_response_schema),
    "forecast": (sp.forecast_request_schema, sp.forecast_response_schema),
    "compare": (sp.compare_request_schema, sp.compare_response_schema)}


def example(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{kind}.json").read_text("utf-8"))
    return data


def salesperf(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The command line in this process (quicker than a new one; one test runs it as a
    program)."""
    out, err, given = io.StringIO(), io.StringIO(), sys.stdin
    try:
        sys.stdin = io.StringIO(stdin or "")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        sys.stdin = given
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


class TestRequestsAnswered:
    def test_a_whatif_request_gives_the_what_if_of_the_api(self) -> None:
        response = sp.whatif_request(example("whatif"))
        assert response["format"] == "salesperf.whatif-response"
        assert (response["change"], response["records"][0]["earned"]) == ("1228.00", "1228.00")
        assert response["ahead_before"][0]["text"] == (
            "12,400.00 more revenue reaches the 8 % tier (tier 2, from 100,000.00)")

    def test_a_forecast_request_forecasts_each_payee_and_the_team(self) -> None:
        response = sp.forecast_request(example("forecast"))
        ana, ben = response["forecasts"]
        assert ana["run_rate"]["expected"]["measure"] == "175200"  # 87,600 × 90 / 45
        assert ben["pipeline"]["expected"]["measure"] == "18000.0"  # 9,000 + 30,000 × 0.3
        assert response["team"]["run_rate"]["measure"] == "193200"
        assert response["team"]["pipeline"]["high"]["measure"] == "166600"

    def test_a_compare_request_compares_the_plans_named(self) -> None:
        response = sp.compare_request(example("compare"))
        assert [c["name"] for c in response["costs"]] == ["this year", "flat 6 %"]
        # History × 1.1: ana 96,360 → 4,818 at 5 %, ben 9,900 → 495; flat: 6 % of each.
        assert [c["total"] for c in response["costs"]] == ["5313.00", "6375.60"]
        assert response["against"][0]["gainers"] == ["ana", "ben"]
        assert response["costs"][0]["curve"]["points"][10]["earned"] == "5000.00"

    @pytest.mark.parametrize("kind", KINDS)
    def test_every_problem_is_reported_at_once_with_its_path(self, kind: str) -> None:
        doc = {**example(kind), "format": "salesperf.request", "period": 7}
        doc.pop({"whatif": "payee", "forecast": "forecast", "compare": "compare"}[kind])
        with pytest.raises(sp.DefinitionError) as caught:
            ANSWER[kind](doc)
        paths = [p.path for p in caught.value.problems]
        assert "format" in paths
        assert "period" in paths
        assert {"whatif": "payee", "forecast": "forecast", "compare": "compare"}[kind] in paths

    def test_a_bad_hypothetical_record_names_its_place_and_field(self) -> None:
        doc = example("whatif")
        doc["hypothetical"] = [{"id": "X-1", "date": "2026-03-01", "payee": "ana",
                                "amount": 1.5}]
        with pytest.raises(sp.DefinitionError, match=r"hypothetical\[0\]\.amount"):
            sp.whatif_request(doc)

    def test_bad_forecast_options_and_compare_entries_name_their_path(self) -> None:
        doc = example("forecast")
        doc["forecast"] = {"payees": ["ana"], "basis": "weekdays"}
        with pytest.raises(sp.DefinitionError, match=r"forecast\.basis"):
            sp.forecast_request(doc)
        doc = example("compare")
        doc["compare"] = [{"name": "x", "plan": {"id": "p", "components": []}}, {"plan": {}}]
        with pytest.raises(sp.DefinitionError) as caught:
            sp.compare_request(doc)
        paths = [p.path for p in caught.value.problems]
        assert paths == ["compare[0].plan.components", "compare[1]"]  # each once, in place

    def test_a_forecast_request_needs_an_as_of_date(self) -> None:
        doc = example("forecast")
        del doc["as_of"]
        with pytest.raises(sp.DefinitionError, match="as_of"):
            sp.forecast_request(doc)


class TestSchemas:
    @pytest.mark.parametrize("kind", KINDS)
    @pytest.mark.parametrize("which", [0, 1])
    def test_the_shipped_file_is_the_generated_schema(self, kind: str, which: int) -> None:
        name = f"{kind}-{('request', 'response')[which]}-v1"
        shipped = resources.files("salesperf").joinpath(f"schemas/{name}.json")
        assert json.loads(shipped.read_text("utf-8")) == SCHEMAS[kind][which](), (
            f"regenerate src/salesperf/schemas/{name}.json: salesperf {kind} --schema "
            f"{('request', 'response')[which]} > src/salesperf/schemas/{name}.json")

    @pytest.mark.parametrize("kind", KINDS)
    def test_the_examples_and_their_responses_are_valid(self, kind: str) -> None:
        jsonschema = pytest.importorskip("jsonschema")
        referencing = pytest.importorskip("referencing")
        plan = referencing.Resource.from_contents(sp.plan_schema())
        registry = referencing.Registry().with_resource(plan.id(), plan)
        request_schema, response_schema = (make() for make in SCHEMAS[kind])
        jsonschema.Draft202012Validator(request_schema, registry=registry).validate(
            example(kind))
        jsonschema.Draft202012Validator(response_schema).validate(ANSWER[kind](example(kind)))

    def test_a_request_schema_rejects_an_unknown_key(self) -> None:
        jsonschema = pytest.importorskip("jsonschema")
        validator = jsonschema.Draft202012Validator(sp.whatif_request_schema())
        assert not validator.is_valid({**example("whatif"), "hypothetcal": []})


class TestCommands:
    @pytest.mark.parametrize("kind", KINDS)
    def test_json_output_is_the_response_document(self, kind: str) -> None:
        done = salesperf(kind, str(EXAMPLES / f"{kind}.json"), "--format", "json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == json.loads(json.dumps(ANSWER[kind](example(kind))))

    def test_text_output_explains(self) -> None:
        done = salesperf("whatif", "-", stdin=(EXAMPLES / "whatif.json").read_text())
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[0] == (
            "What-if for ana, 2026-Q1: earned 4,380.00 → 5,608.00 (+1,228.00)")
        forecast = salesperf("forecast", str(EXAMPLES / "forecast.json")).stdout
        assert forecast.splitlines()[-1] == ("team: 96,600.00 of quota 200,000.00; run rate "
                                             "193,200.00, earning 12,420.00")
        compare = salesperf("compare", str(EXAMPLES / "compare.json")).stdout
        assert compare.splitlines()[0] == "Plans on the history through 2026-Q1 (10 % up)"

    def test_the_commands_run_as_a_program(self) -> None:
        done = subprocess.run([sys.executable, "-m", "salesperf", "whatif",
                               str(EXAMPLES / "whatif.json"), "--format", "json"],
                              capture_output=True, text=True, check=False, timeout=120)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["change"] == "1228.00"

    def test_schema_option_prints_the_schema(self) -> None:
        done = salesperf("forecast", "--schema", "response")
        assert json.loads(done.stdout) == sp.forecast_response_schema()

    def test_exit_codes(self) -> None:
        bad = salesperf("whatif", "-", stdin=json.dumps({**example("whatif"), "payee": 3}))
        assert bad.returncode == 1
        assert "payee: expected text, got a number" in bad.stderr
        assert salesperf("compare", "no-such-file.json").returncode == 2
        assert salesperf("forecast").returncode == 2


def test_amounts_in_responses_are_exact_decimal_text() -> None:
    response = sp.whatif_request(example("whatif"))
    assert Decimal(response["after"]["earned"]) == Decimal("5608.00")
