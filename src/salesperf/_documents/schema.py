"""The JSON Schema (draft 2020-12) of documents, generated from the classes' type hints.

The same walk as loading (`structure`) and dumping (`unstructure`), so that the schema
describes exactly the documents that load.
"""

from __future__ import annotations

import datetime as dt
import enum
import typing
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from salesperf import _conditions as cond
from salesperf._documents.json_text import LIMITS, Limits
from salesperf._documents.shapes import (
    CALENDARS,
    COMPARE,
    CONDITION_TYPES,
    KINDS,
    enum_token,
    field_key,
    init_fields,
    type_hints,
    union_args,
)
from salesperf._periods import Calendar

__all__ = ["schema_for"]


def schema_for(cls: type, title: str, name: str, limits: Limits = LIMITS) -> dict[str, Any]:
    """A JSON Schema for documents of an attrs class, walking its type hints."""
    defs: dict[str, Any] = {}
    digits = r"^\s*[-+]?(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)([eE][-+]?\d+)?\s*$"
    decimal = {"description": "an exact decimal number, preferably as text such as '0.05'",
               "anyOf": [{"type": "string", "pattern": digits},
                         {"type": "number"}]}
    defs["decimal"] = decimal
    scalar = {"anyOf": [{"type": "string", "maxLength": limits.max_text}, {"type": "number"},
                        {"type": "boolean"}, {"type": "null"}]}
    defs["condition"] = _condition_schema(scalar, limits)

    def an_object(tp: type, props: dict[str, Any], required: list[str]) -> dict[str, Any]:
        return {"type": "object", "properties": props, "required": required,
                "additionalProperties": False,
                "description": (tp.__doc__ or "").strip().split("\n")[0]}

    def schema(tp: Any) -> dict[str, Any]:
        args = union_args(tp)
        if args is not None:
            rest = [a for a in args if a is not type(None)]
            if frozenset(rest) == CONDITION_TYPES:
                inner: dict[str, Any] = {"$ref": "#/$defs/condition"}
            elif len(rest) == 1:
                inner = schema(rest[0])
            else:
                inner = {"oneOf": [schema(c) for c in rest]}
            return {"anyOf": [inner, {"type": "null"}]} if len(rest) < len(args) else inner
        if tp is Calendar:
            return {"oneOf": [schema(c) for c in CALENDARS]}
        if typing.get_origin(tp) is Sequence:  # results: as long as the data is
            return {"type": "array", "items": schema(typing.get_args(tp)[0])}
        if typing.get_origin(tp) is tuple:
            inner_args = typing.get_args(tp)
            if len(inner_args) == 2 and inner_args[1] is Ellipsis:
                return {"type": "array", "items": schema(inner_args[0]),
                        "maxItems": limits.max_list}
            return {"type": "array", "prefixItems": [schema(t) for t in inner_args],
                    "minItems": len(inner_args), "maxItems": len(inner_args)}
        if attrs.has(tp):
            name = tp.__name__
            if name not in defs:
                defs[name] = {}  # placeholder against recursion
                hints = type_hints(tp)
                props: dict[str, Any] = {}
                required = []
                if tp in KINDS:
                    props["kind"] = {"const": KINDS[tp]}
                    required.append("kind")
                for a in init_fields(tp):
                    props[field_key(a)] = schema(hints[a.name])
                    if a.default is attrs.NOTHING:
                        required.append(field_key(a))
                defs[name] = an_object(tp, props, required)
            return {"$ref": f"#/$defs/{name}"}
        if isinstance(tp, type) and hasattr(tp, "_fields"):
            # A result of named fields (a named tuple, a statement line), written as an object.
            name = tp.__name__
            if name not in defs:
                hints = type_hints(tp)
                defs[name] = an_object(tp, {f: schema(hints[f]) for f in tp._fields},
                                       list(tp._fields))
            return {"$ref": f"#/$defs/{name}"}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return {"enum": [enum_token(m) for m in tp]}
        if tp is Decimal:
            return {"$ref": "#/$defs/decimal"}
        if tp is dt.date:
            return {"type": "string", "format": "date"}
        if tp is str:
            return {"type": "string", "maxLength": limits.max_text}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if typing.get_origin(tp) in (Mapping, dict) or tp is Mapping:
            return {"type": "object"}
        return scalar

    root = schema(cls)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://salesperf.invalid/schemas/{name}.json",
            "title": title, **root, "$defs": defs}


def _condition_schema(scalar: dict[str, Any], limits: Limits) -> dict[str, Any]:
    ref = {"$ref": "#/$defs/condition"}
    field = {"type": "string", "minLength": 1, "maxLength": limits.max_text}
    missing = {"enum": [m.value for m in cond.Missing]}
    values = {"type": "array", "items": scalar, "maxItems": limits.max_list}

    def op(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "properties": {"field": field, "missing": missing,
                                                 name: schema},
                "required": ["field", name], "additionalProperties": False}

    return {"oneOf": [
        {"type": "object", "properties": {"all": {"type": "array", "items": ref}},
         "required": ["all"], "additionalProperties": False},
        {"type": "object", "properties": {"any": {"type": "array", "items": ref}},
         "required": ["any"], "additionalProperties": False},
        {"type": "object", "properties": {"not": ref}, "required": ["not"],
         "additionalProperties": False},
        op("eq", scalar), op("ne", scalar), op("in", values), op("not_in", values),
        *(op(k, scalar) for k in COMPARE),
        op("between", {**values, "minItems": 2, "maxItems": 2}),
        op("is_set", {"const": True}),
    ]}

