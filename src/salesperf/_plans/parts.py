"""What the plan modules share: exact converters and the check of a condition in place."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from salesperf._conditions import Condition, compile_condition
from salesperf._errors import DefinitionError, Problem
from salesperf._money import to_decimal

__all__ = ["ONE", "ZERO", "as_tuple", "check_condition", "dec", "opt_dec"]

ZERO = Decimal(0)
ONE = Decimal(1)


def dec(value: object) -> Decimal:
    return to_decimal(value)


def opt_dec(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value)


def as_tuple(values: Iterable[object]) -> tuple[object, ...]:
    return tuple(values)


def check_condition(where: Condition | None, path: str) -> list[Problem]:
    try:
        compile_condition(where, path)
    except DefinitionError as err:
        return list(err.problems)
    return []

