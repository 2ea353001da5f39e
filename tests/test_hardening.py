"""Issue #12, hardening: each class reproduces one defect found by hostile input, through the
public API, and pins the rule that now holds. docs/documents.md (*Limits*, *Security*) names
these classes beside the promises they check.
"""

from __future__ import annotations

import decimal
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import salesperf as sp

D = Decimal
EXAMPLES = Path(__file__).parent.parent / "examples"


def example_request() -> dict[str, Any]:
    doc = sp.loads_json((EXAMPLES / "request.json").read_text("utf-8"))
    assert isinstance(doc, dict)
    return doc


def record_of(doc: dict[str, Any], rid: str) -> dict[str, Any]:
    (found,) = [r for r in doc["records"] if r["id"] == rid]
    assert isinstance(found, dict)
    return found


def evaluate_everything(doc: dict[str, Any]) -> dict[str, Any]:
    """Load, evaluate, read every line's explanation and trace, and write the response."""
    request, records = sp.load_request(doc)
    for statement in request.evaluate(records).statements:
        statement.explain(traces=True)
        for line in statement.lines:
            assert line.explanation
            assert line.trace
    response = sp.evaluate_request(request, records)
    json.dumps(response)
    return response


def one_rep_plan(**commission: Any) -> dict[str, Any]:
    return {"id": "p", "components": [{"kind": "commission", "id": "c", "rates": {
        "basis": "attainment", "tiers": [{"lower": "0", "rate": "0.05"},
                                         {"lower": "1", "rate": "0.08"}]}, **commission}]}


def one_rep_request(records: list[dict[str, Any]], quota: str = "100000",
                    **extra: Any) -> dict[str, Any]:
    return {"period": "2026-Q1", "plan": one_rep_plan(), "payees": [{"id": "ana"}],
            "quotas": [{"payee": "ana", "measure": "revenue", "period": "2026-Q1",
                        "amount": quota}], "records": records, **extra}


def deal(rid: str, amount: str, **attributes: Any) -> dict[str, Any]:
    return {"id": rid, "date": "2026-02-03", "payee": "ana", "amount": amount, **attributes}


class TestRecordNumbersAreBoundedAndComputable:
    """A record's numbers are bounded like a plan's (`max_digits`, `max_exponent`), and every
    number the limits admit is computed end to end: totals, lines, traces, explanations."""

    def test_an_amount_beyond_the_limits_is_a_problem_naming_the_record(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_request(one_rep_request([deal("D-1", "1e32")]))
        (problem,) = err.value.problems
        assert problem.path == "records[0].amount"
        assert "1E+31" in problem.message

    def test_a_numeric_attribute_beyond_the_limits_is_a_problem(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_request(one_rep_request([deal("D-1", "1", score=D("1e-40"))]))
        assert err.value.problems[0].path == "records[0].score"

    @pytest.mark.parametrize("amount", ["9.99999999999999999999999999999999e30", "1e-30"])
    def test_the_largest_and_smallest_amounts_are_computed_and_explained(
            self, amount: str) -> None:
        records = [deal(f"D-{i}", amount) for i in range(300)]
        response = evaluate_everything(one_rep_request(records))
        (statement,) = response["statements"]
        # Exact to the cent while totals fit in 34 significant digits; beyond, to 34 digits.
        digits34 = decimal.Context(prec=34)
        lines = D(0)
        for line in statement["lines"]:
            lines = digits34.add(lines, D(line["amount"]))
        assert lines == digits34.plus(D(statement["earned"]))

    def test_the_smallest_quota_is_explained(self) -> None:
        doc = example_request()
        for quota in doc["quotas"]:
            quota["amount"] = "1e-30"
        response = evaluate_everything(doc)
        dev = next(s for s in response["statements"] if s["payee"] == "dev")
        assert "of quota 0.00" in dev["lines"][0]["explanation"]


class TestDistinctCountOfAnyValue:
    """`distinct_count` counts lists and objects too (equal when their JSON is equal)."""

    def test_lists_and_objects_are_counted(self) -> None:
        metric = sp.Measure("m", sp.Aggregation.DISTINCT_COUNT, "tags")
        period = sp.CalendarYear().parse("2026-Q1")
        records = [sp.Record.from_mapping({"id": str(i), "date": "2026-01-05", "tags": tags})
                   for i, tags in enumerate([["a"], ["a"], {"k": [1]}, {"k": [1]}, ["b"]])]
        assert sp.evaluate_metric(metric, records, period).value == 3


def nested(levels: int) -> object:
    value: object = "x"
    for _ in range(levels):
        value = {"a": value}
    return value


class TestNestingAndHugeValuesInRecords:
    """The depth limit applies to records; errors about any value are written safely."""

    def test_a_record_attribute_nested_too_deeply_is_a_problem(self) -> None:
        doc = example_request()
        record_of(doc, "D-0070")["extra"] = nested(500)
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_request(doc)
        (problem,) = err.value.problems
        at = doc["records"].index(record_of(doc, "D-0070"))
        assert problem.path.startswith(f"records[{at}].extra.a.a")
        assert "deeper than 32" in problem.message

    @pytest.mark.parametrize("value", [nested(2_000), 10**5_000, "x" * 2_000_000],
                             ids=["deep", "huge-int", "long-text"])
    def test_any_value_in_the_wrong_place_gives_a_short_problem(self, value: object) -> None:
        for doc in ({"id": "p", "components": value}, {"id": value, "components": []}):
            with pytest.raises(sp.DefinitionError) as err:
                sp.load_plan(doc)
            assert len(str(err.value)) < 400
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_request(one_rep_request([{"id": value, "date": "2026-01-01"}]))
        assert len(str(err.value)) < 400

    @pytest.mark.parametrize("value", [nested(2_000), 10**5_000, 10**5_000 + D(0)],
                             ids=["deep", "huge-int", "huge-decimal"])
    def test_a_record_id_of_any_kind_gives_a_data_error(self, value: object) -> None:
        with pytest.raises(sp.DataError) as err:
            sp.Record.from_mapping({"id": value, "date": "2026-01-01"})
        assert len(str(err.value)) < 400


class TestFloatsInRecords:
    """A float anywhere in a record is refused when the record is read, never later."""

    @pytest.mark.parametrize("value", [1.5, [1.5], {"a": 1.5}])
    def test_a_float_attribute_is_refused_at_load(self, value: object) -> None:
        doc = one_rep_request([deal("D-1", "100", score=value)])
        with pytest.raises(sp.DefinitionError) as err:
            sp.load_request(doc)
        assert err.value.problems[0].path.startswith("records[0].score")
        assert "float" in err.value.problems[0].message

    def test_json_from_plain_json_loads_is_refused_not_crashed(self) -> None:
        text = json.dumps(one_rep_request([deal("D-1", "100", score=0.5)]))
        with pytest.raises(sp.DefinitionError):
            sp.load_request(json.loads(text))


def lazy(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield from items
