"""Properties of the condition language: compiled predicates mean what they say.

The engine hands predicates plain dicts on its fast path and `Record` objects elsewhere, so
every property also checks that both give the same answer.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import salesperf as sp

FIELDS = ("size", "tier")
values = st.one_of(st.integers(-5, 5), st.decimals(-5, 5, places=1, allow_nan=False))
records = st.fixed_dictionaries({"size": values, "tier": values})
OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@st.composite
def leaf(draw: st.DrawFn) -> tuple[sp.Condition, Callable[[dict[str, object]], bool]]:
    """A field condition and a plain-Python oracle for it."""
    field = draw(st.sampled_from(FIELDS))
    kind = draw(st.sampled_from(["eq", "ne", "in", "not_in", "compare", "between"]))
    value = draw(values)
    if kind == "eq":
        return sp.Eq(field, value), lambda r: r[field] == value
    if kind == "ne":
        return sp.Ne(field, value), lambda r: r[field] != value
    if kind in ("in", "not_in"):
        choices = tuple(draw(st.lists(values, max_size=4)))
        if kind == "in":
            return sp.In(field, choices), lambda r: r[field] in choices
        return sp.NotIn(field, choices), lambda r: r[field] not in choices
    if kind == "compare":
        op = draw(st.sampled_from(sorted(OPS)))
        return sp.Compare(field, op, value), lambda r: OPS[op](r[field], value)
    low, high = sorted((value, draw(values)))
    return sp.Between(field, low, high), lambda r: low <= r[field] <= high


def conditions() -> st.SearchStrategy[tuple[sp.Condition, Callable[[dict[str, object]], bool]]]:
    def combine(children: st.SearchStrategy[
            tuple[sp.Condition, Callable[[dict[str, object]], bool]]]) -> st.SearchStrategy[
            tuple[sp.Condition, Callable[[dict[str, object]], bool]]]:
        many = st.lists(children, max_size=3)
        return st.one_of(
            many.map(lambda cs: (sp.AllOf([c for c, _ in cs]),
                                 lambda r: all(o(r) for _, o in cs))),
            many.map(lambda cs: (sp.AnyOf([c for c, _ in cs]),
                                 lambda r: any(o(r) for _, o in cs))),
            children.map(lambda c: (sp.Not(c[0]), lambda r: not c[1](r))),
        )

    return st.recursive(leaf(), combine, max_leaves=8)


def as_record(data: dict[str, object]) -> sp.Record:
    return sp.Record("R-1", dt.date(2026, 1, 1), ("ana",), attributes=data)


@given(conditions(), records)
def test_a_compiled_condition_agrees_with_its_meaning(
    case: tuple[sp.Condition, Callable[[dict[str, object]], bool]], data: dict[str, object],
) -> None:
    condition, oracle = case
    predicate = sp.compile_condition(condition)
    assert predicate(data) is oracle(data)


@given(conditions(), records)
def test_a_record_and_the_same_plain_mapping_give_the_same_answer(
    case: tuple[sp.Condition, Callable[[dict[str, object]], bool]], data: dict[str, object],
) -> None:
    predicate = sp.compile_condition(case[0])
    assert predicate(data) is predicate(as_record(data))


@given(conditions(), records)
def test_not_is_the_negation(
    case: tuple[sp.Condition, Callable[[dict[str, object]], bool]], data: dict[str, object],
) -> None:
    condition = case[0]
    assert sp.compile_condition(sp.Not(condition))(data) is not sp.compile_condition(
        condition)(data)


@given(st.sampled_from(list(sp.Missing)), st.sampled_from(["eq", "in", "compare"]))
def test_a_missing_field_follows_the_policy_whatever_the_operator(
    missing: sp.Missing, kind: str,
) -> None:
    conditions: dict[str, sp.Condition] = {
        "eq": sp.Eq("size", 1, missing), "in": sp.In("size", (1,), missing),
        "compare": sp.Compare("size", ">", Decimal(0), missing)}
    predicate = sp.compile_condition(conditions[kind])
    if missing is sp.Missing.ERROR:
        for record in ({"id": "R-1"}, as_record({})):
            with pytest.raises(sp.DataError) as err:
                predicate(record)
            assert (err.value.record_id, err.value.field) == ("R-1", "size")
    else:
        expected = missing is sp.Missing.TRUE
        assert predicate({"id": "R-1"}) is expected
        assert predicate(as_record({})) is expected


@given(st.lists(st.tuples(st.sampled_from(FIELDS), values,
                          st.sampled_from([sp.Missing.FALSE, sp.Missing.TRUE])),
                min_size=1, max_size=3),
       st.dictionaries(st.sampled_from(FIELDS), values))
def test_equalities_together_hold_when_each_holds(
    tests: list[tuple[str, object, sp.Missing]], data: dict[str, object],
) -> None:
    """All-equality conditions compile to one comparison for plain dicts; a record lacking a
    field still follows each condition's `missing` policy."""
    predicate = sp.compile_condition(sp.AllOf([sp.Eq(f, v, m) for f, v, m in tests]))
    meaning = all(data[f] == v if f in data else m is sp.Missing.TRUE for f, v, m in tests)
    assert predicate(data) is meaning
    assert predicate(as_record(data)) is meaning
