"""Plan documents: loading, dumping, the JSON Schema, versions, limits and error messages.

Checked against issue 5: a plan loads from a mapping or JSON text and dumps back to an equal
plan; numbers stay exact; every problem is reported at once with its path; unknown keys
suggest the closest known key; documents are bounded data, and bad input only ever raises a
`DefinitionError`. The fixtures are files: ``tests/plans/valid/*.json`` are realistic plans,
and each ``tests/plans/invalid/NAME.json`` has beside it ``NAME.expected``, the exact problems
its loading reports, one ``path: message`` per line, in order.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import salesperf as sp
from salesperf._documents import plans as plan_documents

PLANS = Path(__file__).parent / "plans"
VALID = sorted((PLANS / "valid").glob("*.json"))
INVALID = sorted((PLANS / "invalid").glob("*.json"))
SCHEMA_FILE = Path(sp.__file__).parent / "schemas" / "plan-v1.json"


def read(path: Path) -> Any:
    """A JSON file as `loads_plan` reads it: numbers as Decimal, never through float."""
    return json.loads(path.read_text("utf-8"), parse_float=Decimal)


def problems(err: sp.DefinitionError) -> list[str]:
    return [str(p) for p in err.problems]


def minimal(**fields: Any) -> dict[str, Any]:
    """A small valid plan document, with `fields` replaced."""
    doc: dict[str, Any] = {"format": "salesperf.plan", "format_version": 1, "id": "p",
                           "components": [{"kind": "spiff", "id": "s", "amount": "50"}]}
    doc.update(fields)
    return doc


def validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    schema = sp.plan_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_fixture_folders_are_not_empty() -> None:
    assert len(VALID) >= 3
    assert len(INVALID) >= 12
    assert all(p.with_suffix(".expected").is_file() for p in INVALID)


# -- valid documents ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
class TestValidDocuments:
    def test_loads_from_text_bytes_and_a_mapping_to_the_same_plan(self, path: Path) -> None:
        plan = sp.loads_plan(path.read_text("utf-8"))
        assert isinstance(plan, sp.Plan)
        assert sp.loads_plan(path.read_bytes()) == plan
        assert sp.load_plan(read(path)) == plan

    def test_dump_then_load_gives_an_equal_plan(self, path: Path) -> None:
        plan = sp.loads_plan(path.read_text("utf-8"))
        assert sp.load_plan(sp.dump_plan(plan)) == plan
        assert sp.loads_plan(sp.dumps_plan(plan)) == plan
        assert sp.loads_plan(sp.dumps_plan(plan, indent=None)) == plan

    def test_dumped_text_is_stable(self, path: Path) -> None:
        """Dumping what was loaded from a dump writes the same text, number for number."""
        text = sp.dumps_plan(sp.loads_plan(path.read_text("utf-8")))
        assert sp.dumps_plan(sp.loads_plan(text)) == text

    def test_the_dump_is_laid_out_as_json_dumps_would(self, path: Path) -> None:
        plan = sp.loads_plan(path.read_text("utf-8"))
        text = sp.dumps_plan(plan)
        data: dict[str, Any] = json.loads(text, parse_float=Decimal)
        assert data == sp.dump_plan(plan)
        assert list(data)[:2] == ["format", "format_version"]
        # These plans' condition numbers are whole, so the standard library writes them alike.
        assert not any(isinstance(v, float) for v in _leaves(json.loads(text)))
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        flat = sp.dumps_plan(plan, indent=None)
        assert flat == json.dumps(json.loads(text), ensure_ascii=False)

    def test_the_document_and_its_dump_validate_against_the_schema(self, path: Path) -> None:
        check = validator()
        check.validate(read(path))
        check.validate(json.loads(sp.dumps_plan(sp.loads_plan(path.read_text("utf-8")))))

    def test_the_plan_compiles(self, path: Path) -> None:
        sp.compile_plan(sp.loads_plan(path.read_text("utf-8")))


def _leaves(value: object) -> Iterator[object]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def test_the_example_in_the_docs_is_the_valid_fixture() -> None:
    """docs/documents.md shows account-executive.json in full; the two must not drift."""
    page = (Path(__file__).parent.parent / "docs" / "documents.md").read_text("utf-8")
    shown = page.split("```json\n", 1)[1].split("```", 1)[0]
    assert json.loads(shown) == json.loads((PLANS / "valid" / "account-executive.json").read_text(
        "utf-8"))


# -- invalid documents -------------------------------------------------------------------------


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_an_invalid_document_reports_exactly_its_expected_problems(path: Path) -> None:
    expected = path.with_suffix(".expected").read_text("utf-8").splitlines()
    with pytest.raises(sp.DefinitionError) as info:
        sp.loads_plan(path.read_bytes())
    assert problems(info.value) == expected
    assert str(info.value) == (expected[0] if len(expected) == 1 else "\n".join(
        [f"{len(expected)} problems:", *(f"  {line}" for line in expected)]))


#: Invalid documents whose problems are of structure, which the schema sees too.
STRUCTURAL = ["bad-calendar", "bad-conditions", "bad-enums", "bad-format-version", "bad-kinds",
              "bad-retail-calendar", "inexact-numbers", "list-too-long", "missing-required",
              "newer-format-version", "not-an-object", "several-problems", "text-too-long",
              "unknown-keys", "wrong-format", "wrong-types"]


@pytest.mark.parametrize("name", STRUCTURAL)
def test_the_schema_rejects_structurally_invalid_documents(name: str) -> None:
    assert not validator().is_valid(read(PLANS / "invalid" / f"{name}.json"))


class TestMessages:
    def test_an_unknown_key_suggests_the_closest_known_key(self) -> None:
        doc = minimal(components=[{"kind": "commission", "id": "c",
                                   "rates": {"teirs": [{"lower": "0", "rate": "0.05"}]}}])
        with pytest.raises(sp.DefinitionError) as info:
            sp.load_plan(doc)
        assert problems(info.value)[0] == (
            "components[0].rates.teirs: unknown key 'teirs' — did you mean 'tiers'?")

    def test_an_unknown_key_with_no_close_match_lists_the_known_keys(self) -> None:
        with pytest.raises(sp.DefinitionError) as info:
            sp.load_plan(minimal(xyz=1))
        assert problems(info.value) == [
            ("xyz: unknown key 'xyz'; known keys: id, components, credit_rules, extra_credit, "
             "version, currency, rounding, calendar, frequency, effective_from, effective_until, "
             "payments, proration, ramp")]

    def test_tier_bounds_name_the_tier_the_bound_and_the_value(self) -> None:
        tiers = [{"lower": "0", "rate": "0.03"}, {"lower": "0.5", "rate": "0.05"},
                 {"lower": "0.4", "rate": "0.08"}]
        doc = minimal(components=[
            {"kind": "spiff", "id": "s", "amount": "50"},
            {"kind": "commission", "id": "c", "rates": {"basis": "attainment", "tiers": tiers}}])
        with pytest.raises(sp.DefinitionError) as info:
            sp.load_plan(doc)
        assert problems(info.value) == [
            "components[1].rates.tiers[2].lower: must be above 0.5, got 0.4"]

    def test_problems_of_structure_and_meaning_are_reported_together(self) -> None:
        doc = minimal(components=[
            {"kind": "spiff", "id": "s", "amount": "-5"},
            {"kind": "spiff", "id": "t", "amount": "x"}], frequency="quartr")
        with pytest.raises(sp.DefinitionError) as info:
            sp.load_plan(doc)
        assert problems(info.value) == [
            "components[0].amount: must be >= 0, got -5",
            "components[1].amount: must be a decimal number such as '1250.00', got 'x'",
            ("frequency: expected one of 'month', 'quarter', 'half', 'year', 'custom', got "
             "'quartr' — did you mean 'quarter'?")]

    def test_a_wrong_field_stands_in_for_no_whole_object_problem(self) -> None:
        """A spiff whose amount is wrong is not also said to lack an amount."""
        with pytest.raises(sp.DefinitionError) as info:
            sp.load_plan(minimal(components=[{"kind": "spiff", "id": "s", "amount": True}]))
        assert problems(info.value) == [
            "components[0].amount: must be a decimal number, got bool True"]

    @pytest.mark.parametrize("data", [[], "plan", None, 5])
    def test_the_document_must_be_an_object(self, data: Any) -> None:
        with pytest.raises(sp.DefinitionError, match="a plan document is an object"):
            sp.load_plan(data)


# -- numbers -----------------------------------------------------------------------------------


class TestNumbers:
    def test_json_numbers_are_read_as_exact_decimals(self) -> None:
        text = json.dumps(minimal(components=[{"kind": "commission", "id": "c", "rates": {
            "tiers": [{"lower": 0, "rate": "RATE"}]}}])).replace('"RATE"', "0.1000")
        commission = sp.loads_plan(text).components[0]
        assert isinstance(commission, sp.Commission)
        tier = commission.rates.tiers[0]
        assert (str(tier.lower), str(tier.rate)) == ("0", "0.1000")
        assert tier.rate == Decimal("0.1")  # not 0.1000000000000000055511151231257827

    def test_exponents_and_long_decimals_stay_exact(self) -> None:
        for written in ("1E-7", "1.5E+3", "0.333333333333333333333333333333333", "-0.00"):
            text = json.dumps(minimal(components=[{"kind": "spiff", "id": "s", "rate": "X"}]))
            spiff = sp.loads_plan(text.replace('"X"', written)).components[0]
            assert isinstance(spiff, sp.Spiff)
            assert str(spiff.rate) == written

    def test_a_condition_on_negative_zero_reads_back_as_written(self) -> None:
        text = json.dumps(minimal(components=[{"kind": "spiff", "id": "s", "amount": "1",
                                               "where": {"field": "amount", "lt": "X"}}]))
        text = text.replace('"X"', "-0")
        assert sp.dumps_plan(sp.loads_plan(text)) == sp.dumps_plan(
            sp.loads_plan(sp.dumps_plan(sp.loads_plan(text))))
        assert '"lt": -0' in sp.dumps_plan(sp.loads_plan(text))

    def test_a_float_in_a_mapping_is_refused_not_converted(self) -> None:
        doc = minimal(components=[{"kind": "spiff", "id": "s", "amount": 0.1,
                                   "where": {"field": "amount", "gt": 0.5}}])
        with pytest.raises(sp.DefinitionError) as info:
            sp.load_plan(doc)
        assert [p.path for p in info.value.problems] == [
            "components[0].where.gt", "components[0].amount"]
        assert all("float" in p.message for p in info.value.problems)

    def test_condition_numbers_are_written_as_exact_json_numbers(self) -> None:
        plan = sp.Plan("p", [sp.Spiff("s", where=sp.Compare("amount", ">=", Decimal("1E+3")),
                                      amount=Decimal("0.10"))])
        text = sp.dumps_plan(plan, indent=None)
        assert '"ge": 1E+3' in text
        assert '"amount": "0.10"' in text
        assert sp.loads_plan(text) == plan

    def test_each_comparison_is_written_as_its_lower_case_name(self) -> None:
        for op in sp.Comparison:
            plan = sp.Plan("p", [sp.Spiff("s", where=sp.Compare("amount", op, 5), amount=1)])
            where = sp.dump_plan(plan)["components"][0]["where"]
            assert where == {"field": "amount", op.name.lower(): 5}
            assert sp.load_plan(sp.dump_plan(plan)) == plan

    def test_text_shaped_like_a_number_mark_stays_text(self) -> None:
        """Regression: Decimals were once written by marking them inside strings."""
        tricky = "\x001.5\x00"
        plan = sp.Plan(tricky, [sp.Spiff(tricky, where=sp.Eq("sku", tricky), amount=1)])
        assert sp.loads_plan(sp.dumps_plan(plan)) == plan

    def test_a_default_written_with_other_digits_is_kept(self) -> None:
        plan = sp.Plan("p", [sp.Spiff("s", amount=1)],
                       credit_rules=[sp.CreditRule("all", factor=Decimal("1.00"))])
        again = sp.loads_plan(sp.dumps_plan(plan))
        assert str(again.credit_rules[0].factor) == "1.00"
        assert "factor" not in sp.dumps_plan(sp.Plan("p", [sp.Spiff("s", amount=1)],
                                                     credit_rules=[sp.CreditRule("all")]))

    def test_huge_whole_numbers_are_a_problem_not_a_crash(self) -> None:
        text = json.dumps(minimal()).replace('"format_version": 1', '"version": 1' + "0" * 5000
                                             + ', "format_version": 1')
        with pytest.raises(sp.DefinitionError) as info:
            sp.loads_plan(text)
        assert problems(info.value)[0].startswith("version: expected a whole number, got a "
                                                  "number 1")


# -- versions and migration --------------------------------------------------------------------


class TestVersions:
    @pytest.mark.parametrize("version", [0, -1, 2, 99, "1", True, None, Decimal("1.0"), [1]])
    def test_an_unknown_version_is_rejected(self, version: object) -> None:
        with pytest.raises(sp.DefinitionError) as info:
            sp.load_plan(minimal(format_version=version))
        assert [p.path for p in info.value.problems] == ["format_version"]

    def test_a_newer_version_says_so(self) -> None:
        with pytest.raises(sp.DefinitionError, match="written by a newer salesperf"):
            sp.load_plan(minimal(format_version=sp.FORMAT_VERSION + 1))

    def test_a_document_without_format_fields_reads_as_the_current_version(self) -> None:
        doc = minimal()
        del doc["format"], doc["format_version"]
        assert sp.load_plan(doc) == sp.load_plan(minimal())

    def test_a_dump_carries_the_format_and_its_version(self) -> None:
        data = sp.dump_plan(sp.load_plan(minimal()))
        assert (data["format"], data["format_version"]) == ("salesperf.plan", sp.FORMAT_VERSION)

    def test_migrations_bring_an_older_document_up_one_version_at_a_time(
            self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Pretend the format is at version 3, and version 1 and 2 named two keys otherwise."""
        steps: list[int] = []

        def one_to_two(doc: dict[str, Any]) -> dict[str, Any]:
            steps.append(1)
            doc["id"] = doc.pop("plan_id")
            return doc

        def two_to_three(doc: dict[str, Any]) -> dict[str, Any]:
            steps.append(2)
            doc["components"] = doc.pop("parts")
            return doc

        monkeypatch.setattr(plan_documents, "FORMAT_VERSION", 3)
        monkeypatch.setattr(plan_documents, "MIGRATIONS", {1: one_to_two, 2: two_to_three})
        current = sp.load_plan(minimal(format_version=3))
        old = minimal(format_version=1, plan_id="p", parts=minimal()["components"])
        del old["id"], old["components"]
        original = copy.deepcopy(old)
        assert sp.load_plan(old) == current
        assert steps == [1, 2]
        assert old == original  # the caller's document is left alone
        steps.clear()
        newer = minimal(format_version=2, parts=minimal()["components"])
        del newer["components"]
        assert sp.load_plan(newer) == current
        assert steps == [2]
        with pytest.raises(sp.DefinitionError, match="format_version"):
            sp.load_plan(minimal(format_version=4))


# -- the schema --------------------------------------------------------------------------------


class TestSchema:
    def test_the_shipped_schema_file_is_the_generated_schema(self) -> None:
        assert json.loads(SCHEMA_FILE.read_text("utf-8")) == sp.plan_schema(), (
            "regenerate src/salesperf/schemas/plan-v1.json from sp.plan_schema()")

    def test_the_schema_ships_inside_the_package(self) -> None:
        shipped = resources.files("salesperf").joinpath("schemas/plan-v1.json")
        assert json.loads(shipped.read_text("utf-8")) == sp.plan_schema()

    def test_the_schema_is_a_valid_draft_2020_12_schema(self) -> None:
        schema = validator().schema
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$defs"]["Plan"]["properties"]["format_version"]["maximum"] == (
            sp.FORMAT_VERSION)

    def test_the_schema_states_the_limits(self) -> None:
        schema = sp.plan_schema(sp.Limits(max_list=7, max_text=9))
        tiers = schema["$defs"]["RateTable"]["properties"]["tiers"]
        assert tiers["maxItems"] == 7
        assert schema["$defs"]["Plan"]["properties"]["id"]["maxLength"] == 9

    @staticmethod
    def curve_ending_at(y: str) -> dict[str, Any]:
        return minimal(components=[{"kind": "target_bonus", "id": "b",
                                    "curve": {"points": [["0", "0"], ["1", y]]}}])

    @pytest.mark.parametrize("text", ["0", "-0.05", "1E+5", "1.5e-7", "1_000.50", ".5", "5.",
                                      " 12 "])
    def test_decimal_text_the_loader_reads_matches_the_schema(self, text: str) -> None:
        validator().validate(self.curve_ending_at(text))
        sp.load_plan(self.curve_ending_at(text))

    @pytest.mark.parametrize("text", ["", "5%", "1,000", "NaN", "abc", "1e", "--1"])
    def test_decimal_text_the_loader_refuses_fails_the_schema(self, text: str) -> None:
        doc = self.curve_ending_at(text)
        assert not validator().is_valid(doc)
        with pytest.raises(sp.DefinitionError):
            sp.load_plan(doc)


# -- limits and untrusted input ----------------------------------------------------------------


class TestLimits:
    def test_the_default_limits(self) -> None:
        assert (sp.LIMITS.max_document_chars, sp.LIMITS.max_depth, sp.LIMITS.max_list,
                sp.LIMITS.max_text, sp.LIMITS.max_digits, sp.LIMITS.max_exponent) == (
            2_000_000, 32, 1_000, 1_000, 34, 30)

    def test_a_document_longer_than_the_limit_is_not_parsed(self) -> None:
        text = json.dumps(minimal())
        with pytest.raises(sp.DefinitionError, match="more than the limit of 50"):
            sp.loads_plan(text, limits=sp.Limits(max_document_chars=50))

    def test_list_length_text_size_and_depth_follow_the_given_limits(self) -> None:
        limits = sp.Limits(max_list=2, max_text=5, max_depth=6)
        # The document is the first level, its component list the second, a component the
        # third and the component's condition the fourth; each `not` adds one.
        doc = minimal(id="toolong", components=[
            {"kind": "spiff", "id": "s", "amount": "1", "where": {"not": {"not": {"not": {
                "not": {"field": "a", "eq": 1}}}}}},
            {"kind": "spiff", "id": "t", "amount": "1"},
            {"kind": "spiff", "id": "u", "amount": "1"}])
        with pytest.raises(sp.DefinitionError) as info:
            sp.load_plan(doc, limits=limits)
        assert problems(info.value) == [
            "id: must be at most 5 characters, got 7",
            "components: must have at most 2 items, got 3"]
        del doc["components"][2]
        doc["id"] = "short"
        with pytest.raises(sp.DefinitionError) as info:
            sp.load_plan(doc, limits=limits)
        assert problems(info.value) == [
            "components[0].where.not.not.not: nests deeper than 6 levels"]

    def test_deeply_nested_json_is_refused_before_it_is_walked(self) -> None:
        for text in ("[" * 100_000, '{"a":' * 100_000):
            with pytest.raises(sp.DefinitionError):
                sp.loads_plan(text)

    def test_a_duplicate_key_is_an_error_not_silently_the_last(self) -> None:
        with pytest.raises(sp.DefinitionError, match="'id' appears twice"):
            sp.loads_plan('{"id": "a", "id": "b", "components": []}')

    def test_bytes_that_are_not_utf8_are_an_error(self) -> None:
        with pytest.raises(sp.DefinitionError, match="not UTF-8"):
            sp.loads_plan(b'{"id": "\xff"}')

    def test_no_code_is_ever_run_or_imported_from_a_document(self) -> None:
        """Data only: no eval, exec, compile, dynamic import, pickle or marshal anywhere."""
        builtins = {"eval", "exec", "compile", "__import__"}  # a condition's .compile() is ours
        banned_modules = {"pickle", "marshal", "shelve", "dill", "cloudpickle"}
        for source in Path(sp.__file__).parent.rglob("*.py"):
            tree = ast.parse(source.read_text("utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    func = node.func
                    bad = (isinstance(func, ast.Name) and func.id in builtins) or (
                        isinstance(func, ast.Attribute) and func.attr == "import_module")
                    assert not bad, f"{source.name}:{node.lineno} runs or imports code"
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                        node.module or ""]
                    assert not banned_modules & {n.split(".")[0] for n in names}, source.name


# -- robustness: mutated documents -------------------------------------------------------------

VALID_DOCS = [read(p) for p in VALID]
VALID_TEXTS = [p.read_text("utf-8") for p in VALID]


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)} | {
            v for v in value.values() if isinstance(v, str) and v.isidentifier()}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _subtrees(value: object) -> list[object]:
    out = [value]
    if isinstance(value, dict):
        out += [t for v in value.values() for t in _subtrees(v)]
    elif isinstance(value, list):
        out += [t for v in value for t in _subtrees(v)]
    return out


def _containers(value: object) -> list[dict[str, Any] | list[Any]]:
    return [t for t in _subtrees(value) if isinstance(t, dict | list)]


#: Every key and kind the valid documents use: renaming to one of them makes a document that
#: is wrong in its structure rather than merely misspelt.
KNOWN_WORDS = sorted(_keys(VALID_DOCS) | {"kind", "not", "all", "any", "between", "in"})

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**40), 10**40) | st.text(max_size=12)
    | st.sampled_from(KNOWN_WORDS) | st.decimals() | st.floats()
    | st.sampled_from(["0", "0.5", "-1", "2026-01-31", "1E+999999", "NaN", ""]),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(KNOWN_WORDS) | st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    """A valid document with a few keys deleted or renamed and values replaced or added."""
    doc = copy.deepcopy(draw(st.sampled_from(VALID_DOCS)))
    for _ in range(draw(st.integers(1, 6))):
        node = draw(st.sampled_from(_containers(doc)))
        action = draw(st.sampled_from(["delete", "rename", "replace", "transplant", "add"]))
        if action == "transplant":
            value = copy.deepcopy(draw(st.sampled_from(_subtrees(doc))))
        else:
            value = draw(json_values)
        if isinstance(node, dict):
            if not node or action == "add":
                node[draw(st.sampled_from(KNOWN_WORDS) | st.text(max_size=8))] = value
                continue
            key = draw(st.sampled_from(sorted(node)))
            if action == "delete":
                del node[key]
            elif action == "rename":
                node[draw(st.sampled_from(KNOWN_WORDS) | st.text(max_size=8))] = node.pop(key)
            else:
                node[key] = value
        else:
            if not node or action == "add":
                node.append(value)
                continue
            index = draw(st.integers(0, len(node) - 1))
            if action in ("delete", "rename"):
                del node[index]
            else:
                node[index] = value
    return doc


def outcome(load: Callable[[], sp.Plan]) -> sp.Plan | sp.DefinitionError:
    """The plan `load` returns, or the `DefinitionError` it raises; anything else fails."""
    try:
        return load()
    except sp.DefinitionError as err:
        return err  # it always has problems: a DefinitionError cannot be made without one


def _as_json(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


class TestBadInputNeverCrashes:
    @settings(max_examples=300)
    @given(mutated_documents())
    def test_loading_a_mutated_document_raises_only_a_definition_error(self, doc: Any) -> None:
        result = outcome(lambda: sp.load_plan(doc))
        if isinstance(result, sp.Plan):
            assert sp.load_plan(sp.dump_plan(result)) == result
        else:
            assert all(isinstance(p.path, str) and p.message for p in result.problems)
        outcome(lambda: sp.loads_plan(json.dumps(doc, default=_as_json)))

    @settings(max_examples=200)
    @given(st.sampled_from(VALID_TEXTS), st.data())
    def test_loading_damaged_json_text_raises_only_a_definition_error(
            self, text: str, data: st.DataObject) -> None:
        for _ in range(data.draw(st.integers(1, 4))):
            at = data.draw(st.integers(0, len(text)))
            cut = data.draw(st.integers(0, 8))
            text = text[:at] + data.draw(st.sampled_from(
                ["", "{", "}", "[", "]", ",", ":", '"', "0", "-", "e9", "NaN", "\\", "\x00"]
            ) | st.text(max_size=3)) + text[at + cut:]
        outcome(lambda: sp.loads_plan(text))

    def test_a_condition_at_the_depth_limit_loads(self) -> None:
        """A component's condition is the fourth level: 28 `not`s fit in 32 levels, 29 do not."""
        nest: dict[str, Any] = {"field": "status", "eq": "won"}
        for _ in range(28):
            nest = {"not": nest}
        sp.load_plan(minimal(components=[{"kind": "spiff", "id": "s", "amount": "5",
                                          "where": nest}]))
        with pytest.raises(sp.DefinitionError, match="nests deeper than 32 levels"):
            sp.load_plan(minimal(components=[{"kind": "spiff", "id": "s", "amount": "5",
                                              "where": {"not": nest}}]))

    def test_dates_in_conditions_are_read_as_dates(self) -> None:
        plan = sp.load_plan(minimal(components=[{
            "kind": "spiff", "id": "s", "amount": "5",
            "where": {"field": "closed", "between": ["2026-03-01", None]}}]))
        spiff = plan.components[0]
        assert isinstance(spiff, sp.Spiff)
        assert spiff.where == sp.Between("closed", dt.date(2026, 3, 1), None)
