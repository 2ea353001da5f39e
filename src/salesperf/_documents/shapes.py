"""How the value classes look in a document, for the loader, the dumper and the schema alike.

The "kind" tag of each class in a union, the key of each field, how an enum member is
spelt, which type hints a walk follows — and how a given value is named in a message.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import types
import typing
from decimal import Decimal
from typing import Any, Union

import attrs

from salesperf import _conditions as cond
from salesperf._errors import shown
from salesperf._metrics import Growth, Measure, Ratio, Supplied
from salesperf._money import RoundingMode
from salesperf._periods import CalendarYear, FiscalYear, RetailCalendar
from salesperf._plans import Commission, KpiBonus, Overlay, Rollup, Spiff, TargetBonus

__all__ = [
    "CALENDARS",
    "COMPARE",
    "CONDITION_TYPES",
    "KINDS",
    "MAX_INT",
    "as_given",
    "comparison_key",
    "enum_token",
    "field_key",
    "init_fields",
    "kind_of",
    "type_hints",
    "union_args",
]

#: The "kind" tag of each class that appears in a union.
KINDS: dict[type, str] = {
    Commission: "commission", TargetBonus: "target_bonus", KpiBonus: "kpi_bonus",
    Spiff: "spiff", Overlay: "overlay", Rollup: "rollup", Measure: "measure", Ratio: "ratio",
    Growth: "growth", Supplied: "supplied", CalendarYear: "calendar_year",
    FiscalYear: "fiscal_year", RetailCalendar: "retail",
}
CALENDARS = (CalendarYear, FiscalYear, RetailCalendar)
CONDITION_TYPES = frozenset(typing.get_args(cond.Condition))

#: Whole-number fields (a version, a month, a tier index) stay below this.
MAX_INT = 10**18


def comparison_key(op: cond.Comparison) -> str:
    """A comparison's key in a document, its name in lower case: ``{"field": "x", "ge": 1}``."""
    return op.name.lower()


#: Each comparison by its key in a document.
COMPARE = {comparison_key(c): c for c in cond.Comparison}


def enum_token(member: enum.Enum) -> str:
    # Rounding modes read as "half_up", not as the decimal module's "ROUND_HALF_UP".
    if isinstance(member.value, str) and not isinstance(member, RoundingMode):
        return member.value
    return member.name.lower()


# Cached: a request holds up to a million items of a few classes, and resolving a class's
# hints costs as much as loading a hundred items. Classes do not change once defined.
def type_hints(cls: type) -> dict[str, Any]:
    return _type_hints(cls)


def init_fields(cls: type) -> list[attrs.Attribute[Any]]:
    return _init_fields(cls)


@functools.cache
def _type_hints(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@functools.cache
def _init_fields(cls: Any) -> list[attrs.Attribute[Any]]:
    return [a for a in attrs.fields(cls) if a.init]


def field_key(a: attrs.Attribute[Any]) -> str:
    return a.alias or a.name.lstrip("_")


def union_args(tp: Any) -> tuple[Any, ...] | None:
    if typing.get_origin(tp) in (Union, types.UnionType):
        return typing.get_args(tp)
    return None


def kind_of(value: object) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "a boolean",
            type(None): "null", int: "a number", Decimal: "a number", dt.date: "a date"}.get(
        type(value), type(value).__name__)


def as_given(value: object) -> str:
    """What was given, as a document author wrote it: ``a number 5``, ``text 'x'``."""
    if isinstance(value, int) and abs(value) >= MAX_INT:
        # Python refuses to write an int of more than 4300 digits as text.
        return f"a number of {len(str(Decimal(value)))} digits"
    return f"{kind_of(value)} {shown(value)}"
