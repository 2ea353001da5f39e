"""Unstructure: values of the plan and result classes as plain, JSON-ready data.

The same walk over type hints as loading (`structure`) and the schema (`schema`), so that
what is written is what is read and what is described.
"""

from __future__ import annotations

import datetime as dt
import enum
import typing
from decimal import Decimal
from typing import Any

import attrs

from salesperf import _conditions as cond
from salesperf._documents.shapes import (
    CONDITION_TYPES,
    KINDS,
    comparison_key,
    enum_token,
    field_key,
    init_fields,
    type_hints,
    union_args,
)

__all__ = ["unstructure"]

def unstructure(value: object, tp: Any) -> Any:
    """`value`, of type `tp`, as plain JSON-ready data: the inverse of `Loader.value`.

    A field left at its default is left out; a number in a condition stays a Decimal.
    """
    if value is None:
        return None
    args = union_args(tp)
    if args is not None and frozenset(a for a in args if a is not type(None)) == CONDITION_TYPES:
        return _dump_condition(value)
    if isinstance(value, enum.Enum):
        return enum_token(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        inner = typing.get_args(tp) if typing.get_origin(tp) is tuple else ()
        if len(inner) == 2 and inner[1] is Ellipsis:
            return [unstructure(v, inner[0]) for v in value]
        if inner:
            return [unstructure(v, t) for v, t in zip(value, inner, strict=True)]
        return [unstructure(v, Any) for v in value]
    if attrs.has(type(value)):
        cls = type(value)
        hints = type_hints(cls)
        out: dict[str, Any] = {}
        if cls in KINDS:
            out["kind"] = KINDS[cls]
        for a in init_fields(cls):
            field_value = getattr(value, a.name)
            dumped = unstructure(field_value, hints[a.name])
            # Leave defaults out (a Factory default never equals a value), but not a value
            # that only equals one: 1.00 is written as given, to read back as 1.00.
            if a.default is not attrs.NOTHING and field_value == a.default and (
                    dumped == unstructure(a.default, hints[a.name])):
                continue
            out[field_key(a)] = dumped
        return out
    return value


def _dump_condition(c: object) -> dict[str, Any]:
    if isinstance(c, cond.AllOf | cond.AnyOf):
        word = "all" if isinstance(c, cond.AllOf) else "any"
        return {word: [_dump_condition(x) for x in c.conditions]}
    if isinstance(c, cond.Not):
        return {"not": _dump_condition(c.condition)}
    assert isinstance(c, cond.Eq | cond.Ne | cond.In | cond.NotIn | cond.Compare | cond.Between
                      | cond.IsSet)
    out: dict[str, Any] = {"field": c.field}
    if isinstance(c, cond.IsSet):
        out["is_set"] = True
        return out
    if isinstance(c, cond.Eq | cond.Ne):
        out["eq" if isinstance(c, cond.Eq) else "ne"] = _dump_scalar(c.value)
    elif isinstance(c, cond.In | cond.NotIn):
        out["in" if isinstance(c, cond.In) else "not_in"] = [_dump_scalar(v) for v in c.values]
    elif isinstance(c, cond.Compare):
        out[comparison_key(c.op)] = _dump_scalar(c.value)
    else:
        out["between"] = [_dump_scalar(c.start), _dump_scalar(c.end)]
    if c.missing is not cond.Missing.ERROR:
        out["missing"] = c.missing.value
    return out


def _dump_scalar(value: object) -> object:
    # A number stays a Decimal (text would load back as text); `dumps_plan` writes it exactly.
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
