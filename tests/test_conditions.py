"""The condition language: data, not code, over record fields, with a policy for missing values.

Issue 3: equals, not equals, in, not in, comparisons, date ranges, is-set, all/any/not. A field
a record lacks is an error naming the record id and the field, unless the condition says how
to treat a missing value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

import salesperf as sp

D = Decimal
ERROR, FALSE, TRUE = sp.Missing.ERROR, sp.Missing.FALSE, sp.Missing.TRUE

DEAL = sp.Record(
    "D-7", dt.date(2026, 3, 31), ("ana",), D("1500.00"), "USD",
    {"status": "won", "region": "west", "units": 3, "closed": dt.date(2026, 3, 31),
     "renewal": True, "discount": None},
)


def holds(condition: sp.Condition, record: sp.Record = DEAL) -> bool:
    return sp.compile_condition(condition)(record)


class TestFieldConditions:
    @pytest.mark.parametrize(
        ("condition", "expected"),
        [
            (sp.Eq("status", "won"), True),
            (sp.Eq("status", "lost"), False),
            (sp.Eq("status", "WON"), False),  # text is compared exactly
            (sp.Eq("amount", 1500), True),  # numbers compare by value, whatever their type
            (sp.Eq("amount", D("1500.000")), True),
            (sp.Eq("units", D(3)), True),
            (sp.Eq("renewal", True), True),
            (sp.Eq("amount", "1500.00"), False),  # text is not a number
            (sp.Ne("status", "lost"), True),
            (sp.Ne("status", "won"), False),
            (sp.Ne("units", 3), False),
            (sp.In("region", ["west", "east"]), True),
            (sp.In("region", ["north"]), False),
            (sp.In("region", []), False),
            (sp.In("units", [1, 2, 3]), True),
            (sp.NotIn("region", ["north", "south"]), True),
            (sp.NotIn("region", ["west"]), False),
            (sp.NotIn("region", []), True),
        ],
    )
    def test_equality_and_membership(self, condition: sp.Condition, expected: bool) -> None:
        assert holds(condition) is expected

    @pytest.mark.parametrize(
        ("op", "bound", "expected"),
        [
            ("<", 1500, False),
            ("<", D("1500.01"), True),
            ("<=", 1500, True),
            ("<=", D("1499.99"), False),
            (">", 1500, False),
            (">", D("1499.99"), True),
            (">=", 1500, True),
            (">=", D("1500.01"), False),
        ],
    )
    def test_comparisons_include_the_bound_only_for_or_equal(
        self, op: str, bound: object, expected: bool,
    ) -> None:
        assert holds(sp.Compare("amount", op, bound)) is expected

    @pytest.mark.parametrize("op", list(sp.Comparison))
    def test_a_comparison_may_be_given_as_the_enum_or_its_spelling(
        self, op: sp.Comparison,
    ) -> None:
        by_text = sp.Compare("amount", op.value, 1500)
        assert by_text == sp.Compare("amount", op, 1500)
        assert by_text.op is op

    @pytest.mark.parametrize(
        ("start", "end", "expected"),
        [
            (dt.date(2026, 3, 1), dt.date(2026, 3, 31), True),  # both ends are inclusive
            (dt.date(2026, 3, 31), dt.date(2026, 3, 31), True),
            (dt.date(2026, 1, 1), dt.date(2026, 3, 30), False),
            (dt.date(2026, 4, 1), dt.date(2026, 6, 30), False),
            (None, dt.date(2026, 3, 31), True),  # an open start
            (dt.date(2026, 4, 1), None, False),  # an open end
        ],
    )
    def test_a_date_range_holds_between_its_inclusive_ends(
        self, start: dt.date | None, end: dt.date | None, expected: bool,
    ) -> None:
        assert holds(sp.Between("date", start, end)) is expected
        assert holds(sp.Between("closed", start, end)) is expected

    @pytest.mark.parametrize(
        ("start", "end", "expected"),
        [(1000, 1500, True), (D("1500.01"), None, False), (None, 1499, False), (3, 3, True)],
    )
    def test_a_range_works_on_numbers_too(self, start: object, end: object,
                                          expected: bool) -> None:
        field = "units" if start == 3 else "amount"
        assert holds(sp.Between(field, start, end)) is expected

    @pytest.mark.parametrize(
        ("field", "expected"),
        [("status", True), ("amount", True), ("discount", False), ("customer", False)],
    )
    def test_is_set_holds_for_a_present_non_null_value(self, field: str, expected: bool) -> None:
        assert holds(sp.IsSet(field)) is expected


class TestCombinators:
    WON = sp.Eq("status", "won")
    LOST = sp.Eq("status", "lost")

    @pytest.mark.parametrize(
        ("condition", "expected"),
        [
            (sp.AllOf([WON, sp.Eq("region", "west")]), True),
            (sp.AllOf([WON, LOST]), False),
            (sp.AllOf([]), True),  # nothing to fail
            (sp.AnyOf([LOST, WON]), True),
            (sp.AnyOf([LOST]), False),
            (sp.AnyOf([]), False),  # nothing to hold
            (sp.Not(WON), False),
            (sp.Not(LOST), True),
            (sp.Not(sp.AnyOf([LOST, sp.AllOf([WON, sp.Compare("amount", ">", 1000)])])), False),
        ],
    )
    def test_all_any_and_not(self, condition: sp.Condition, expected: bool) -> None:
        assert holds(condition) is expected

    def test_all_of_stops_at_the_first_condition_that_fails(self) -> None:
        lost = sp.Record("D-8", dt.date(2026, 3, 1), attributes={"status": "lost"})
        # The second condition would fail on the missing flag; it is never reached.
        assert not holds(sp.AllOf([self.WON, sp.Eq("new_customer", True)]), lost)

    def test_any_of_stops_at_the_first_condition_that_holds(self) -> None:
        assert holds(sp.AnyOf([self.WON, sp.Eq("new_customer", True)]))

    def test_no_condition_matches_every_record(self) -> None:
        assert sp.compile_condition(None)(DEAL) is True


MakeCondition = Callable[[str, sp.Missing], sp.Condition]

#: One of each field condition, on any field, with any missing policy.
FIELD_CONDITIONS: list[tuple[str, MakeCondition]] = [
    ("eq", lambda f, m: sp.Eq(f, "west", m)),
    ("ne", lambda f, m: sp.Ne(f, "west", m)),
    ("in", lambda f, m: sp.In(f, ["west"], m)),
    ("not in", lambda f, m: sp.NotIn(f, ["west"], m)),
    ("compare", lambda f, m: sp.Compare(f, ">", 1, m)),
    ("between", lambda f, m: sp.Between(f, 1, 2, m)),
]


class TestMissingValues:
    BARE = sp.Record("D-9", dt.date(2026, 3, 5), attributes={"region": None})

    @pytest.mark.parametrize(("name", "make"), FIELD_CONDITIONS)
    @pytest.mark.parametrize("field", ["region", "customer"])
    def test_by_default_a_missing_or_null_field_is_an_error_naming_record_and_field(
        self, name: str, make: MakeCondition, field: str,
    ) -> None:
        with pytest.raises(sp.DataError) as err:
            holds(make(field, ERROR), self.BARE)
        assert (err.value.record_id, err.value.field) == ("D-9", field)
        assert "give the condition a `missing` policy" in err.value.message

    @pytest.mark.parametrize(("name", "make"), FIELD_CONDITIONS)
    @pytest.mark.parametrize("field", ["region", "customer"])
    @pytest.mark.parametrize(("policy", "expected"), [(FALSE, False), (TRUE, True)])
    def test_a_missing_policy_decides_for_absent_and_null_values_alike(
        self, name: str, make: MakeCondition, field: str, policy: sp.Missing, expected: bool,
    ) -> None:
        assert holds(make(field, policy), self.BARE) is expected

    def test_a_policy_is_only_used_when_the_value_is_missing(self) -> None:
        assert holds(sp.Eq("region", "west", TRUE))
        assert not holds(sp.Eq("region", "east", TRUE))

    def test_not_negates_the_policy_result(self) -> None:
        assert not holds(sp.Not(sp.Eq("customer", "acme", TRUE)), self.BARE)
        assert holds(sp.Not(sp.Eq("customer", "acme", FALSE)), self.BARE)

    def test_a_value_that_cannot_be_compared_is_a_data_error_naming_record_and_field(
        self,
    ) -> None:
        with pytest.raises(sp.DataError) as err:
            holds(sp.Compare("status", ">=", 1000))
        assert (err.value.record_id, err.value.field) == ("D-7", "status")
        assert "cannot compare 'won' (str)" in err.value.message


class TestDefinitions:
    def test_every_problem_is_reported_at_once_with_its_path(self) -> None:
        condition = sp.AllOf([
            sp.Eq("rate", 0.5),
            sp.AnyOf([sp.In("tier", [1, 0.2]), sp.Compare("amount", "=>", 100)]),
            sp.Not(sp.Between("date")),
            sp.Between("amount", 10, 5),
            sp.Between("amount", "a", 5),
        ])
        with pytest.raises(sp.DefinitionError) as err:
            sp.compile_condition(condition, "rules[0].where")
        assert [p.path for p in err.value.problems] == [
            "rules[0].where.all[0].value",
            "rules[0].where.all[1].any[0].values[1]",
            "rules[0].where.all[1].any[1].op",
            "rules[0].where.all[2].not",
            "rules[0].where.all[3].end",
            "rules[0].where.all[4]",
        ]
        messages = [p.message for p in err.value.problems]
        assert messages[0] == "must not be a float, got 0.5; use Decimal('0.5') or an int"
        assert messages[2] == "must be one of '<', '<=', '>', '>=', got '=>'"
        assert messages[3] == "needs a start, an end or both"
        assert messages[4] == "must not be before start 10, got 5"
        assert messages[5] == "start 'a' and end 5 are not comparable"

    def test_nesting_is_bounded(self) -> None:
        condition: sp.Condition = sp.Eq("status", "won")
        for _ in range(32):
            condition = sp.Not(condition)
        with pytest.raises(sp.DefinitionError, match=r"where: nests deeper than 32 levels"):
            sp.compile_condition(condition)

    def test_conditions_are_immutable_values(self) -> None:
        one = sp.AllOf([sp.In("region", ["west", "east"]), sp.Not(sp.IsSet("discount"))])
        same = sp.AllOf((sp.In("region", ("west", "east")), sp.Not(sp.IsSet("discount"))))
        assert one == same
        assert hash(one) == hash(same)
        with pytest.raises(AttributeError):
            one.conditions = ()  # type: ignore[misc]
