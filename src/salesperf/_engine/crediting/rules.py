"""Crediting rules, compiled: for each measure, the first rule a record matches."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

from salesperf._conditions import Eq, In, Predicate, compile_condition
from salesperf._money import DECIMAL_CONTEXT
from salesperf._plans import Plan

__all__ = ["Rule", "RuleBook"]

_ONE = Decimal(1)
_MUL = DECIMAL_CONTEXT.multiply


class Rule(NamedTuple):
    """A compiled crediting rule; `test` None matches every record."""

    id: str
    measure: str
    factor: Decimal
    unit: bool  # the factor is 1
    test: Predicate | None

    def credit(self, value: Decimal, share: Decimal) -> Decimal:
        """What a payee's `share` of a record worth `value` credits under this rule."""
        if share is not _ONE:
            value = _MUL(value, share)
        return value if self.unit else _MUL(value, self.factor)


class RuleBook:
    """The crediting rules in order: for each measure, the first rule matching a record."""

    __slots__ = ("_default", "_field", "_table", "one_measure", "rules")

    def __init__(self, plan: Plan) -> None:
        self.rules = tuple(Rule(r.id, r.measure, r.factor, r.factor == _ONE,
                                None if r.where is None else compile_condition(r.where))
                           for r in plan.credit_rules)
        self.one_measure = len({r.measure for r in self.rules}) == 1
        self._field, self._table, self._default = _index(plan, self.rules)

    def first_per_measure(self, record: object) -> list[Rule]:
        """The first rule matching `record` for each measure (rules are tried in order)."""
        hits: list[Rule] = []
        seen: set[str] = set()
        for rule in self.rules:
            if rule.measure not in seen and (rule.test is None or rule.test(record)):
                seen.add(rule.measure)
                hits.append(rule)
        return hits

    def first(self, item: Mapping[str, object]) -> Rule | None:
        """The first rule matching a plain record, under a plan with one measure.

        Fast path: when every rule before the first unconditional one tests one field for
        equality or membership, one dict lookup finds it. Proved equal to
        `first_per_measure` by `test_engine_stages.py::TestFastPaths`.
        """
        field = self._field
        if field is None:
            hits = self.first_per_measure(item)
            return hits[0] if hits else None
        key = item.get(field)
        return None if key is None else self._table.get(key, self._default)


def _index(plan: Plan, rules: tuple[Rule, ...],
           ) -> tuple[str | None, dict[object, Rule], Rule | None]:
    """The rules as one lookup, when every rule before the first unconditional one tests the
    same field for equality or membership: (field, rule by value, the unconditional rule or
    None); the first rule listing a value wins, as in order. (None, {}, None) otherwise."""
    fields: set[str] = set()
    table: dict[object, Rule] = {}
    default: Rule | None = None
    unindexed: tuple[None, dict[object, Rule], None] = (None, {}, None)
    try:
        for plan_rule, rule in zip(plan.credit_rules, rules, strict=True):
            where = plan_rule.where
            if where is None:
                default = rule
                break
            if not isinstance(where, Eq | In):
                return unindexed
            fields.add(where.field)
            for value in (where.value,) if isinstance(where, Eq) else where.values:
                if value is not None:  # a None value never matches: it reads as missing
                    table.setdefault(value, rule)
    except TypeError:  # an unhashable value to compare with
        return unindexed
    if len(fields) != 1:
        return unindexed
    return fields.pop(), table, default
