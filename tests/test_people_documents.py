"""People documents: rule sets, review templates and performance requests as JSON, with
schemas and path errors; and `salesperf review` over the example shipped in the package."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from typing import Any

import pytest

import salesperf as sp


def validate(document: object, schema: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema)


def example() -> dict[str, Any]:
    text = resources.files("salesperf").joinpath("_data/example_people.json").read_text("utf-8")
    doc: dict[str, Any] = sp.loads_json(text)
    return doc


def problems(err: pytest.ExceptionInfo[sp.DefinitionError]) -> list[str]:
    return [str(p) for p in err.value.problems]


class TestRuleSets:
    def test_a_rule_set_document_loads_and_dumps_back_to_itself(self) -> None:
        doc = example()["rules"]
        rules = sp.load_rule_set(doc)
        assert [r.id for r in rules.rules][:2] == ["qualification", "pip"]
        dumped = sp.dump_rule_set(rules)
        assert sp.load_rule_set(dumped) == rules
        assert dumped["format"] == "salesperf.rules"

    def test_the_schema_accepts_the_document_and_its_dump(self) -> None:
        rules = sp.load_rule_set(example()["rules"])
        validate(json.loads(sp.dumps_rule_set(rules)), sp.rule_set_schema())

    def test_problems_name_their_path_and_suggest_keys(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_rule_set({"id": "r", "rules": [
                {"id": "a", "action": {"kind": "training"}, "when": {"field": "x", "lt": 1},
                 "top": 2},
                {"id": "a", "action": {"kind": "coaching"}, "perods": 2}]})
        assert problems(err) == [
            "rules[0].by: `top` and `by` go together: the best N by a fact",
            "rules[1].perods: unknown key 'perods' — did you mean 'periods'?"]

    def test_a_newer_format_version_is_refused(self) -> None:
        with pytest.raises(sp.DefinitionError, match="format_version: this salesperf reads "
                           "version 1, got 2"):
            sp.load_rule_set({"format_version": 2, "id": "r", "rules": []})


class TestReviewTemplates:
    def test_a_template_round_trips_and_its_problems_have_paths(self) -> None:
        doc = example()["review"]
        template = sp.load_review_template(doc)
        assert sp.load_review_template(sp.dump_review_template(template)) == template
        validate(sp.dump_review_template(template), sp.review_template_schema())
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_review_template({**doc, "scale": {"lowest": 5, "highest": 1}})
        assert problems(err) == ["scale.highest: must be above lowest 5, got 1"]
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_review_template({**doc, "parts": [{"source": "manager", "weight": 0},
                                                      {"source": "manger", "weight": 1}]})
        assert problems(err) == [
            ("parts[1].source: expected one of 'scorecard', 'manager', 'self', 'peers', got "
            "'manger' — did you mean 'manager'?")]


class TestPerformanceRequests:
    def test_the_example_validates_against_the_schema(self) -> None:
        validate(json.loads(json.dumps(example(), default=str)), sp.performance_request_schema())

    def test_the_example_runs_to_a_json_safe_response(self) -> None:
        loaded, records = sp.load_performance_request(example())
        response = sp.evaluate_performance_request(loaded, records)
        assert response["format"] == "salesperf.performance-response"
        assert json.loads(json.dumps(response)) == response
        assert [r["person"] for r in response["reviews"]] == ["ana", "ben", "cy", "dee"]
        assert [m["person"] for m in response["calibration"]["moves"]] == ["ana"]
        assert response["improvement_plans"][0]["progress"] == "at_risk"
        assert {(r["person"], r["rule"]) for r in response["recommendations"]} >= {
            ("cy", "qualification"), ("dee", "top-seller"), ("ana", "streak")}

    def test_period_labels_are_checked_in_the_request_s_calendar(self) -> None:
        doc = example()
        doc["period"] = "2026-Q5"
        doc["scorecards"][0]["goals"][0]["period"] = "Q1"
        doc["improvement_plans"][0]["milestones"][0]["goal"] = "calls"
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_performance_request(doc)
        found = problems(err)
        assert [p.split(":")[0] for p in found] == [
            "period", "scorecards[0].goals[0].period", "improvement_plans[0].milestones[0].goal"]

    def test_unknown_keys_anywhere_are_reported_with_their_path(self) -> None:
        doc = example()
        doc["feedback"][0]["recods"] = ["A-5"]
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_performance_request(doc)
        assert problems(err) == [
            "feedback[0].recods: unknown key 'recods' — did you mean 'records'?"]


def salesperf(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "salesperf", *args], capture_output=True,
                          text=True, check=False, timeout=120)


class TestTheCommand:
    def test_review_runs_the_shipped_example(self) -> None:
        done = salesperf("review")
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Performance 2026-Q2 as of 2026-06-15")
        assert "pip-cy (cy, active) on 2026-06-15: at_risk, milestone m2 behind" in done.stdout
        assert "→ training 'qualification' for cy" in done.stdout

    def test_review_as_json_is_the_response_document(self) -> None:
        done = salesperf("review", "--format", "json")
        loaded, records = sp.load_performance_request(example())
        assert json.loads(done.stdout) == sp.evaluate_performance_request(loaded, records)

    def test_a_bad_request_prints_every_problem_and_exits_1(self, tmp_path: Any) -> None:
        doc = example()
        doc["period"] = "2026-Q5"
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(doc, default=str))
        done = salesperf("review", str(path))
        assert done.returncode == 1
        assert "period: " in done.stderr
