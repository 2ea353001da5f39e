"""`salesperf.examples`: the example data ships in the package, and the repository's
`examples/` files (the command line's walk-through) hold the same data."""

from importlib import resources
from pathlib import Path

import pytest

import salesperf as sp
from salesperf import examples

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.mark.parametrize("name", ["request.json", "deals.csv", "columns.json"])
def test_the_repository_files_are_the_shipped_ones(name: str) -> None:
    shipped = resources.files("salesperf").joinpath(f"_data/examples/{name}")
    assert shipped.read_text("utf-8") == (EXAMPLES / name).read_text("utf-8")


def test_the_plan_document_is_the_repository_plan() -> None:
    assert examples.plan_document() == sp.loads_json((EXAMPLES / "plan.json").read_text())
    assert sp.load_plan(examples.plan_document()) == examples.plan()


def test_the_request_evaluates_the_example_plan() -> None:
    request, records = examples.request()
    assert request.chosen_plan() == examples.plan()
    result = request.evaluate(records)
    assert {s.payee for s in result.statements} == {
        p["id"] for p in examples.team()["payees"]}
    # Nothing lost: every record is credited or excluded.
    assert {c.record for c in result.credits} | {e.record for e in result.exclusions} == {
        r.id for r in records}


def test_the_csv_export_reads_as_the_request_s_records() -> None:
    _, records = examples.request()
    assert list(sp.records_from_csv(examples.deals_csv(), examples.column_mapping())) == records


def test_each_call_gives_fresh_data() -> None:
    doc = examples.request_document()
    doc["period"] = "2026-Q2"
    assert examples.request_document()["period"] == "2026-Q1"


@pytest.mark.parametrize("name", examples.PLAN_DOCUMENTS)
def test_the_example_plans_are_the_test_fixtures(name: str) -> None:
    fixtures = Path(__file__).parent / "plans"
    fixture = fixtures / ("invalid" if name == "several-problems" else "valid") / f"{name}.json"
    assert examples.plan_text(name) == fixture.read_text("utf-8")


def test_an_unknown_example_plan_names_the_known_ones() -> None:
    with pytest.raises(sp.DefinitionError, match="no example plan 'nope'; the examples are "
                                                 "account-executive, fiscal-year"):
        examples.plan_text("nope")
