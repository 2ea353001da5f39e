"""People documents: rule sets, review templates, scorecards, improvement plans and the
performance request and response as JSON, with schemas shipped in the package and path errors;
and `salesperf review` over the example shipped in the package."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
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


def as_json(document: dict[str, Any]) -> Any:
    """A document as a JSON reader sees it: exact numbers written as JSON numbers or text."""
    return json.loads(json.dumps(document, default=str))


class TestScorecards:
    def test_a_scorecard_document_loads_and_dumps_back_to_itself(self) -> None:
        loaded, _ = sp.load_performance_request(example())
        card = loaded.scorecards[0]
        dumped = sp.dump_scorecard(card)
        assert dumped["format"] == "salesperf.scorecard"
        assert dumped["goals"][0]["period"] == "2026-Q1"
        assert sp.load_scorecard(dumped) == card
        validate(as_json(dumped), sp.scorecard_schema())

    def test_goal_periods_are_labels_in_the_document_s_calendar(self) -> None:
        doc = sp.dump_scorecard(sp.load_performance_request(example())[0].scorecards[0])
        for goal in doc["goals"]:
            goal["period"] = "FY2027-Q1"
        card = sp.load_scorecard({**doc, "calendar": {"kind": "fiscal_year", "start_month": 7}})
        assert {g.period for g in card.goals} == {sp.FiscalYear(start_month=7).parse("FY2027-Q1")}
        assert sp.load_scorecard(sp.dump_scorecard(card)) == card

    def test_problems_of_the_scorecard_keep_their_path_inside_a_request(self) -> None:
        doc = example()
        doc["scorecards"][1]["goals"][1]["weight"] = "0.5"
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_performance_request(doc)
        assert problems(err) == ["scorecards[1].goals: weights must total 1 (100 %), got 1.1"]

class TestImprovementPlans:
    def test_a_plan_document_loads_and_dumps_back_to_itself(self) -> None:
        plan = sp.load_performance_request(example())[0].plans[0]
        dumped = sp.dump_improvement_plan(plan)
        assert dumped["format"] == "salesperf.improvement-plan"
        assert sp.load_improvement_plan(dumped) == plan
        validate(as_json(dumped), sp.improvement_plan_schema())

    def test_a_moved_plan_round_trips_with_its_history(self) -> None:
        plan = sp.load_performance_request(example())[0].plans[0]
        longer = plan.transition(sp.PlanStatus.EXTENDED, dt.date(2026, 6, 30), "mia",
                                 due=dt.date(2026, 7, 31))
        assert sp.load_improvement_plan(sp.dump_improvement_plan(longer)) == longer

    def test_every_problem_is_reported_with_its_path(self) -> None:
        doc = sp.dump_improvement_plan(sp.load_performance_request(example())[0].plans[0])
        doc["history"][0]["stauts"] = "met"
        doc["milestones"][0]["due"] = "2026-02-30"
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_improvement_plan(doc)
        assert [p.split(":")[0] for p in problems(err)] == [
            "milestones[0].due", "history[0].stauts"]

    def test_period_labels_are_read_once_the_document_is_well_formed(self) -> None:
        doc = sp.dump_improvement_plan(sp.load_performance_request(example())[0].plans[0])
        doc["goals"][0]["period"] = "2026-Q7"
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_improvement_plan(doc)
        assert [p.split(":")[0] for p in problems(err)] == ["goals[0].period"]

    def test_goals_in_two_calendars_cannot_be_written_as_one_document(self) -> None:
        plan = sp.load_performance_request(example())[0].plans[0]
        goal = plan.goals[0]
        fiscal = sp.Goal("calls", goal.metric, 100, sp.FiscalYear(start_month=7).parse(
            "FY2026-Q4"), goal.owner)
        odd = sp.ImprovementPlan(plan.id, plan.person, plan.owner, [goal, fiscal])
        with pytest.raises(sp.DefinitionError, match=r"goals\[1\]\.period: FY2026-Q4 is not "
                           "a period of the calendar of the other goals"):
            sp.dump_improvement_plan(odd)


class TestPublishedSchemas:
    """Each people document's schema ships in the package, and the examples satisfy them."""

    @pytest.mark.parametrize(("name", "make"), [
        ("rules-v1", sp.rule_set_schema),
        ("review-template-v1", sp.review_template_schema),
        ("scorecard-v1", sp.scorecard_schema),
        ("improvement-plan-v1", sp.improvement_plan_schema),
        ("performance-request-v1", sp.performance_request_schema),
        ("performance-response-v1", sp.performance_response_schema)])
    def test_the_shipped_file_is_the_generated_schema(
        self, name: str, make: Callable[[], dict[str, Any]],
    ) -> None:
        shipped = resources.files("salesperf").joinpath(f"schemas/{name}.json")
        schema = make()
        assert json.loads(shipped.read_text("utf-8")) == schema, (
            f"regenerate src/salesperf/schemas/{name}.json: salesperf schema "
            f"{name.removesuffix('-v1')} > src/salesperf/schemas/{name}.json")
        assert schema["$id"].endswith(f"/{name}.json")

    def test_the_command_prints_each_of_them(self) -> None:
        done = salesperf("schema", "performance-response")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == sp.performance_response_schema()

    def test_the_example_response_with_and_without_rules_is_valid(self) -> None:
        doc = example()
        loaded, records = sp.load_performance_request(doc)
        response = sp.evaluate_performance_request(loaded, records)
        validate(response, sp.performance_response_schema())
        del doc["rules"]
        loaded, records = sp.load_performance_request(doc)
        bare = sp.evaluate_performance_request(loaded, records)
        assert "recommendations" not in bare
        validate(bare, sp.performance_response_schema())


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
