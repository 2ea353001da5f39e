"""A small declarative condition language over record fields.

Conditions are data — frozen values built in Python or loaded from plain dicts — never code.
Metrics, crediting rules, SPIFFs and recommendation rules all select records with them.
`compile` turns a condition into a plain function once, so that evaluation over many records
is a single call per record.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable, Collection, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeAlias

import attrs

from salesperf._errors import DataError, DefinitionError, Problem
from salesperf._records import Record

__all__ = [
    "AllOf",
    "AnyOf",
    "Between",
    "Compare",
    "Comparison",
    "Condition",
    "Eq",
    "In",
    "IsSet",
    "Missing",
    "Ne",
    "Not",
    "NotIn",
    "Predicate",
    "compile_condition",
]

# A compiled condition: takes a `Record` or a plain mapping (both answer `get(field, None)`).
Predicate: TypeAlias = Callable[[Any], bool]


class Missing(enum.Enum):
    """What a field condition does with a record that lacks the field."""

    ERROR = "error"  # raise a DataError naming the record and the field (the default)
    FALSE = "false"  # the condition does not hold
    TRUE = "true"  # the condition holds


def _record_id(record: object) -> str | None:
    rid = record.get("id") if isinstance(record, Mapping) else getattr(record, "id", None)
    return None if rid is None else str(rid)


def _absent(record: Record, field: str, missing: Missing) -> bool:
    """What a condition says of a record without `field`: its policy, or a DataError."""
    if missing is Missing.ERROR:
        raise DataError(_record_id(record), field, "the record has no such field; give the "
                        "condition a `missing` policy to treat absent values")
    return missing is Missing.TRUE


# Predicates take a `Record` or a plain mapping: both answer ``get(field)`` with None for a
# field they lack. Equality and membership never raise, so they are tested inline; ordering
# can meet values of different types, which is a DataError naming the record and field.


def _field_test(field: str, missing: Missing, test: Callable[[object], bool]) -> Predicate:
    def predicate(record: Record) -> bool:
        value = record.get(field, None)
        if value is None:
            return _absent(record, field, missing)
        try:
            return test(value)
        except TypeError:
            raise DataError(_record_id(record), field, f"cannot compare {value!r} "
                            f"({type(value).__name__}) in this condition") from None

    return predicate


def _comparable(value: object) -> object:
    """Numbers compare as Decimal whatever their type (a float never reaches here)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _no_float(value: object, path: str) -> list[Problem]:
    if isinstance(value, float):
        # Text would compare with text fields only, never with a Decimal amount, so the
        # exact alternative to suggest is a Decimal.
        return [Problem(path, f"must not be a float, got {value!r}; use "
                        f"Decimal({str(value)!r}) or an int")]
    return []


def _equality(field: str, expected: object, missing: Missing, equal: bool) -> Predicate:
    def predicate(record: Record) -> bool:
        value = record.get(field, None)
        if value is None:
            return _absent(record, field, missing)
        return (value == expected) is equal

    return predicate


@attrs.frozen
class Eq:
    """``field == value``."""

    field: str
    value: object
    missing: Missing = Missing.ERROR

    def compile(self) -> Predicate:
        return _equality(self.field, self.value, self.missing, equal=True)

    def problems(self, path: str) -> list[Problem]:
        return _no_float(self.value, f"{path}.value")


@attrs.frozen
class Ne:
    """``field != value``."""

    field: str
    value: object
    missing: Missing = Missing.ERROR

    def compile(self) -> Predicate:
        return _equality(self.field, self.value, self.missing, equal=False)

    def problems(self, path: str) -> list[Problem]:
        return _no_float(self.value, f"{path}.value")


def _tuple(values: Iterable[object]) -> tuple[object, ...]:
    return tuple(values)


def _membership(field: str, values: tuple[object, ...], missing: Missing,
                inside: bool) -> Predicate:
    # Equal numbers hash alike whatever their type (Decimal(5), 5), so a set serves.
    try:
        choices: Collection[object] = frozenset(values)
    except TypeError:
        choices = values

    def predicate(record: Record) -> bool:
        value = record.get(field, None)
        if value is None:
            return _absent(record, field, missing)
        try:
            return (value in choices) is inside
        except TypeError:
            return any(value == v for v in values) is inside

    return predicate


@attrs.frozen
class In:
    """``field`` is one of ``values``."""

    field: str
    values: tuple[object, ...] = attrs.field(converter=_tuple)
    missing: Missing = Missing.ERROR

    def compile(self) -> Predicate:
        return _membership(self.field, self.values, self.missing, inside=True)

    def problems(self, path: str) -> list[Problem]:
        return [p for i, v in enumerate(self.values) for p in _no_float(v, f"{path}.values[{i}]")]


@attrs.frozen
class NotIn:
    """``field`` is none of ``values``."""

    field: str
    values: tuple[object, ...] = attrs.field(converter=_tuple)
    missing: Missing = Missing.ERROR

    def compile(self) -> Predicate:
        return _membership(self.field, self.values, self.missing, inside=False)

    def problems(self, path: str) -> list[Problem]:
        return [p for i, v in enumerate(self.values) for p in _no_float(v, f"{path}.values[{i}]")]


class Comparison(enum.Enum):
    """The ordering a `Compare` condition tests; the value is its Python spelling.

    A plan document writes it as the lower-case name: ``{"field": "amount", "ge": 1000}``.

    >>> Comparison(">=")
    <Comparison.GE: '>='>
    """

    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


_OPERATORS: dict[Comparison, Callable[[Any, Any], bool]] = {
    Comparison.LT: operator.lt, Comparison.LE: operator.le,
    Comparison.GT: operator.gt, Comparison.GE: operator.ge,
}


def _comparison(op: Comparison | str) -> Comparison:
    """Accept the spelling (``">="``) for the member (`Comparison.GE`).

    An unknown spelling is kept as given: a condition does not know where it sits in a plan,
    so `Compare.problems` reports it with its full path, and `compile_condition` checks before
    it compiles.
    """
    try:
        return Comparison(op)
    except ValueError:
        return op  # type: ignore[return-value]  # reported by Compare.problems


@attrs.frozen
class Compare:
    """``field <op> value`` with op a `Comparison` or its spelling: ``<``, ``<=``, ``>``, ``>=``.

    >>> Compare("amount", ">=", 1000).op
    <Comparison.GE: '>='>
    """

    field: str
    op: Comparison = attrs.field(converter=_comparison)
    value: object
    missing: Missing = Missing.ERROR

    def compile(self) -> Predicate:
        fn, bound = _OPERATORS[self.op], _comparable(self.value)
        return _field_test(self.field, self.missing, lambda v: fn(_comparable(v), bound))

    def problems(self, path: str) -> list[Problem]:
        out = _no_float(self.value, f"{path}.value")
        given: object = self.op  # an unknown spelling stays as given: see `_comparison`
        if not isinstance(given, Comparison):
            spellings = ", ".join(repr(c.value) for c in Comparison)
            out.append(Problem(f"{path}.op", f"must be one of {spellings}, got {given!r}"))
        return out


@attrs.frozen
class Between:
    """``start <= field <= end`` (both inclusive), for dates or numbers; either end may be open.

    >>> Between("date", dt.date(2026, 3, 1), dt.date(2026, 3, 31)).compile()(
    ...     Record("D-1", dt.date(2026, 3, 31)))
    True
    """

    field: str
    start: object = None
    end: object = None
    missing: Missing = Missing.ERROR

    def compile(self) -> Predicate:
        low, high = _comparable(self.start), _comparable(self.end)

        def test(value: object) -> bool:
            v: Any = _comparable(value)
            return (low is None or low <= v) and (high is None or v <= high)

        return _field_test(self.field, self.missing, test)

    def problems(self, path: str) -> list[Problem]:
        out = _no_float(self.start, f"{path}.start") + _no_float(self.end, f"{path}.end")
        if self.start is None and self.end is None:
            out.append(Problem(path, "needs a start, an end or both"))
        elif self.start is not None and self.end is not None:
            try:
                if _comparable(self.start) > _comparable(self.end):  # type: ignore[operator]
                    out.append(Problem(f"{path}.end", f"must not be before start {self.start}, "
                                       f"got {self.end}"))
            except TypeError:
                out.append(Problem(path, f"start {self.start!r} and end {self.end!r} are not "
                                   "comparable"))
        return out


@attrs.frozen
class IsSet:
    """The record has a non-null value for ``field``."""

    field: str

    def compile(self) -> Predicate:
        field = self.field
        return lambda record: record.get(field, None) is not None

    def problems(self, path: str) -> list[Problem]:
        return []


def _conditions(values: Iterable[Condition]) -> tuple[Condition, ...]:
    return tuple(values)


def _all_equal(tests: tuple[Eq, ...]) -> Predicate:
    """Several equalities in one function (a common SPIFF or crediting condition): a plain
    dict's values are compared as one tuple; a record lacking a field, or a `Record`, is
    tested field by field, so that each condition's `missing` policy applies."""
    names = tuple(t.field for t in tests)
    wanted = tuple(t.value for t in tests)
    each = tuple((t.field, t.value, t.missing) for t in tests)

    def predicate(record: Any) -> bool:  # a plain dict or a `Record`
        if type(record) is dict:
            values = tuple(map(record.get, names))
            if values == wanted:
                return True
            if None not in values:
                return False
        for field, expected, missing in each:
            value = record.get(field, None)
            if value is None:
                if not _absent(record, field, missing):
                    return False
            elif (value == expected) is not True:
                return False
        return True

    return predicate


@attrs.frozen
class AllOf:
    """Every condition holds (true when empty)."""

    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions)

    def compile(self) -> Predicate:
        equalities = tuple(c for c in self.conditions if type(c) is Eq)
        if equalities and len(equalities) == len(self.conditions):
            return _all_equal(equalities)
        parts = tuple(c.compile() for c in self.conditions)

        # A plain loop: any()/all() over a generator cost more on the engine's hot path.
        def every(record: Record) -> bool:
            for part in parts:  # noqa: SIM110
                if not part(record):
                    return False
            return True

        return every

    def problems(self, path: str) -> list[Problem]:
        return _nested(self.conditions, f"{path}.all")


@attrs.frozen
class AnyOf:
    """At least one condition holds (false when empty)."""

    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions)

    def compile(self) -> Predicate:
        parts = tuple(c.compile() for c in self.conditions)

        def some(record: Record) -> bool:
            for part in parts:  # noqa: SIM110
                if part(record):
                    return True
            return False

        return some

    def problems(self, path: str) -> list[Problem]:
        return _nested(self.conditions, f"{path}.any")


@attrs.frozen
class Not:
    """The condition does not hold."""

    condition: Condition

    def compile(self) -> Predicate:
        inner = self.condition.compile()
        return lambda record: not inner(record)

    def problems(self, path: str) -> list[Problem]:
        return self.condition.problems(f"{path}.not")


Condition: TypeAlias = Eq | Ne | In | NotIn | Compare | Between | IsSet | AllOf | AnyOf | Not

#: The largest nesting of all/any/not a condition may have; bounds the cost of untrusted input.
MAX_DEPTH = 32


def _nested(conditions: tuple[Condition, ...], path: str) -> list[Problem]:
    return [p for i, c in enumerate(conditions) for p in c.problems(f"{path}[{i}]")]


def _depth(condition: Condition) -> int:
    if isinstance(condition, AllOf | AnyOf):
        return 1 + max((_depth(c) for c in condition.conditions), default=0)
    if isinstance(condition, Not):
        return 1 + _depth(condition.condition)
    return 1


def compile_condition(condition: Condition | None, path: str = "where") -> Predicate:
    """Check a condition and turn it into a function of a record; None matches everything.

    >>> match = compile_condition(AllOf([Eq("status", "won"), Compare("amount", ">=", 1000)]))
    >>> match(Record("D-1", dt.date(2026, 1, 5), amount=Decimal(1500),
    ...              attributes={"status": "won"}))
    True
    """
    if condition is None:
        return lambda record: True
    problems = condition.problems(path)
    if _depth(condition) > MAX_DEPTH:
        problems.append(Problem(path, f"nests deeper than {MAX_DEPTH} levels"))
    if problems:
        raise DefinitionError(problems)
    return condition.compile()
