"""Crediting rules, compiled: for each measure, the first rule a record matches."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

from salesperf._conditions import Eq, In, Predicate, compile_condition
from salesperf._money import DECIMAL_CONTEXT
from salesperf._plans import Plan

from .rows import WHOLE as _ONE  # the very object a whole share is, compared by identity

__all__ = ["Index", "Rule", "RuleBook"]

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


class Index(NamedTuple):
    """The crediting rules as one lookup: the rule for a record is ``table.get(record's
    field, default)``, None when the record has no such field."""

    field: str
    table: dict[object, Rule]
    default: Rule | None


class RuleBook:
    """The crediting rules in order: for each measure, the first rule matching a record."""

    __slots__ = ("index", "one_measure", "rules")

    def __init__(self, plan: Plan) -> None:
        self.rules = tuple(Rule(r.id, r.measure, r.factor, r.factor == _ONE,
                                None if r.where is None else compile_condition(r.where))
                           for r in plan.credit_rules)
        self.one_measure = len({r.measure for r in self.rules}) == 1
        self.index = _index(plan, self.rules)

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
        equality or membership, one dict lookup (`index`) finds it. Proved equal to
        `first_per_measure` by `test_engine_stages.py::TestFastPaths`.
        """
        index = self.index
        if index is None:
            hits = self.first_per_measure(item)
            return hits[0] if hits else None
        key = item.get(index.field)
        return None if key is None else index.table.get(key, index.default)


def _index(plan: Plan, rules: tuple[Rule, ...]) -> Index | None:
    """The rules as one lookup, when every rule before the first unconditional one tests the
    same field for equality or membership; the first rule listing a value wins, as in
    order. None otherwise."""
    fields: set[str] = set()
    table: dict[object, Rule] = {}
    default: Rule | None = None
    try:
        for plan_rule, rule in zip(plan.credit_rules, rules, strict=True):
            where = plan_rule.where
            if where is None:
                default = rule
                break
            if not isinstance(where, Eq | In):
                return None
            fields.add(where.field)
            for value in (where.value,) if isinstance(where, Eq) else where.values:
                if value is not None:  # a None value never matches: it reads as missing
                    table.setdefault(value, rule)
    except TypeError:  # an unhashable value to compare with
        return None
    if len(fields) != 1:
        return None
    return Index(fields.pop(), table, default)
