"""Plans as documents: plain dicts / JSON in and out, a JSON Schema, precise errors, limits.

One walk over the plan classes' type hints does three jobs — load (structure), dump
(unstructure) and describe (JSON Schema) — so the three can never disagree. Loading collects
every problem with its path and raises once. Documents are data only: nothing is imported,
evaluated or unpickled, and their size, nesting and list lengths are bounded.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import json
import re
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Union

import attrs

from salesperf import _conditions as cond
from salesperf._errors import DefinitionError, Problem, join_path
from salesperf._metrics import Growth, Measure, Ratio, Supplied
from salesperf._money import to_decimal
from salesperf._periods import Calendar, CalendarYear, FiscalYear, RetailCalendar
from salesperf._plans import (
    Commission,
    KpiBonus,
    Overlay,
    Plan,
    Rollup,
    Spiff,
    TargetBonus,
)

__all__ = [
    "FORMAT_VERSION",
    "LIMITS",
    "Limits",
    "dump_plan",
    "dumps_plan",
    "load_plan",
    "loads_plan",
    "plan_schema",
]

#: The current version of the plan document format.
FORMAT_VERSION = 1
_FORMAT = "salesperf.plan"


@attrs.frozen
class Limits:
    """Bounds on what a document may cost to load; documented in docs/documents.md."""

    max_document_chars: int = 2_000_000
    max_depth: int = 32
    max_list: int = 1_000
    max_text: int = 1_000
    max_records: int = 5_000_000


LIMITS = Limits()

#: The "kind" tag of each class that appears in a union.
_KINDS: dict[type, str] = {
    Commission: "commission", TargetBonus: "target_bonus", KpiBonus: "kpi_bonus",
    Spiff: "spiff", Overlay: "overlay", Rollup: "rollup", Measure: "measure", Ratio: "ratio",
    Growth: "growth", Supplied: "supplied", CalendarYear: "calendar_year",
    FiscalYear: "fiscal_year", RetailCalendar: "retail",
}
_CALENDARS = (CalendarYear, FiscalYear, RetailCalendar)
_CONDITION_TYPES = frozenset(typing.get_args(cond.Condition))
_COMPARE = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _enum_token(member: enum.Enum) -> str:
    return member.value if isinstance(member.value, str) else member.name.lower()


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _fields(cls: type) -> list[attrs.Attribute[Any]]:
    return [a for a in attrs.fields(cls) if a.init]


def _key(a: attrs.Attribute[Any]) -> str:
    return a.alias or a.name.lstrip("_")


def _union_args(tp: Any) -> tuple[Any, ...] | None:
    if typing.get_origin(tp) in (Union, types.UnionType):
        return typing.get_args(tp)
    return None


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f" — did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(known)}"


def _kind_of(value: object) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "a boolean",
            type(None): "null"}.get(type(value), type(value).__name__)


# -- loading -----------------------------------------------------------------------------------


class _Loader:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def value(self, tp: Any, data: object, path: str, depth: int) -> Any:
        if depth > self.limits.max_depth:
            self.fail(path, f"nests deeper than {self.limits.max_depth} levels")
            return None
        args = _union_args(tp)
        if args is not None:
            return self.union(args, data, path, depth)
        origin = typing.get_origin(tp)
        if origin is tuple:
            return self.tuple_(typing.get_args(tp), data, path, depth)
        if tp is Calendar:
            return self.tagged(_CALENDARS, data, path, depth)
        if attrs.has(tp):
            return self.instance(tp, data, path, depth)
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return self.enum(tp, data, path)
        return self.scalar(tp, data, path)

    def scalar(self, tp: Any, data: object, path: str) -> Any:
        if tp is Decimal:
            try:
                return to_decimal(data, path=path)
            except DefinitionError as err:
                self.problems.extend(err.problems)
                return None
        if tp is bool:
            if isinstance(data, bool):
                return data
        elif tp is int:
            if isinstance(data, int) and not isinstance(data, bool):
                return data
        elif tp is str:
            if isinstance(data, str):
                if len(data) > self.limits.max_text:
                    self.fail(path, f"must be at most {self.limits.max_text} characters, "
                              f"got {len(data)}")
                return data
        elif tp is dt.date:
            if isinstance(data, str) and _ISO_DATE.fullmatch(data):
                try:
                    return dt.date.fromisoformat(data)
                except ValueError:
                    pass
            self.fail(path, f"expected an ISO date such as '2026-03-31', got {data!r}")
            return None
        elif tp is object:
            return self.condition_value(data, path)
        names = {bool: "true or false", int: "a whole number", str: "text"}
        self.fail(path, f"expected {names.get(tp, tp)}, got {_kind_of(data)} {data!r}")
        return None

    def enum(self, tp: type[enum.Enum], data: object, path: str) -> Any:
        tokens = {_enum_token(m): m for m in tp}
        if isinstance(data, str) and data in tokens:
            return tokens[data]
        hint = ""
        if isinstance(data, str):
            close = difflib.get_close_matches(data, list(tokens), n=1)
            hint = f" — did you mean {close[0]!r}?" if close else ""
        self.fail(path, f"expected one of {', '.join(map(repr, tokens))}, got {data!r}{hint}")
        return None

    def tuple_(self, args: tuple[Any, ...], data: object, path: str, depth: int) -> Any:
        if not isinstance(data, list):
            self.fail(path, f"expected a list, got {_kind_of(data)}")
            return None
        if len(data) > self.limits.max_list:
            self.fail(path, f"must have at most {self.limits.max_list} items, got {len(data)}")
            return None
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(self.value(args[0], item, f"{path}[{i}]", depth + 1)
                         for i, item in enumerate(data))
        if len(data) != len(args):
            self.fail(path, f"expected a list of {len(args)} items, got {len(data)}")
            return None
        return tuple(self.value(t, item, f"{path}[{i}]", depth + 1)
                     for i, (t, item) in enumerate(zip(args, data, strict=True)))

    def union(self, args: tuple[Any, ...], data: object, path: str, depth: int) -> Any:
        rest = tuple(a for a in args if a is not type(None))
        if data is None:
            if len(rest) < len(args):
                return None
            self.fail(path, "must not be null")
            return None
        if frozenset(rest) == _CONDITION_TYPES:
            return self.condition(data, path, depth)
        if len(rest) == 1:
            return self.value(rest[0], data, path, depth)
        return self.tagged(rest, data, path, depth)

    def tagged(self, classes: tuple[type, ...], data: object, path: str, depth: int) -> Any:
        kinds = {_KINDS[c]: c for c in classes}
        if not isinstance(data, Mapping):
            self.fail(path, f"expected an object with a 'kind' of {', '.join(map(repr, kinds))}, "
                      f"got {_kind_of(data)}")
            return None
        kind = data.get("kind")
        if kind not in kinds:
            close = difflib.get_close_matches(str(kind), list(kinds), n=1)
            hint = f" — did you mean {close[0]!r}?" if close else ""
            self.fail(join_path(path, "kind"), f"expected one of {', '.join(map(repr, kinds))}, "
                      f"got {kind!r}{hint}")
            return None
        return self.instance(kinds[str(kind)], data, path, depth, tagged=True)

    def instance(self, cls: type, data: object, path: str, depth: int,
                 tagged: bool = False, handled: tuple[str, ...] = ()) -> Any:
        """Structure an attrs class; `handled` names keys the caller reads itself."""
        if not isinstance(data, Mapping):
            self.fail(path, f"expected an object, got {_kind_of(data)}")
            return None
        hints = _hints(cls)
        fields = _fields(cls)
        known = [_key(a) for a in fields]
        before = len(self.problems)
        data = {k: v for k, v in data.items() if k not in handled}
        known += handled
        for key in data:
            if key == "kind" and tagged:
                continue
            if key not in known:
                self.fail(join_path(path, str(key)),
                          f"unknown key {key!r}{_suggest(str(key), known)}")
        kwargs: dict[str, Any] = {}
        for a in fields:
            key = _key(a)
            if key not in data:
                if a.default is attrs.NOTHING:
                    self.fail(join_path(path, key), "is required")
                continue
            kwargs[key] = self.value(hints[a.name], data[key], join_path(path, key), depth + 1)
        if len(self.problems) > before:
            return None
        try:
            return cls(**kwargs)
        except DefinitionError as err:
            self.problems.extend(Problem(_reroot(p.path, path), p.message)
                                 for p in err.problems)
        except (TypeError, ValueError, ArithmeticError) as err:
            self.fail(path, f"invalid {cls.__name__}: {err}")
        return None

    # -- conditions: {"field": "status", "eq": "won"}, {"all": [...]}, {"not": {...}} ---------

    def condition(self, data: object, path: str, depth: int) -> Any:
        if depth > self.limits.max_depth:
            self.fail(path, f"nests deeper than {self.limits.max_depth} levels")
            return None
        if not isinstance(data, Mapping):
            self.fail(path, f"expected a condition object, got {_kind_of(data)}")
            return None
        for word, cls in (("all", cond.AllOf), ("any", cond.AnyOf)):
            if word in data:
                if set(data) != {word}:
                    self.fail(path, f"an {word!r} condition has no other keys")
                    return None
                items = data[word]
                if not isinstance(items, list):
                    self.fail(f"{path}.{word}", f"expected a list of conditions, got "
                              f"{_kind_of(items)}")
                    return None
                if len(items) > self.limits.max_list:
                    self.fail(f"{path}.{word}", f"must have at most {self.limits.max_list} "
                              f"conditions, got {len(items)}")
                    return None
                parts = [self.condition(c, f"{path}.{word}[{i}]", depth + 1)
                         for i, c in enumerate(items)]
                return None if None in parts else cls(parts)
        if "not" in data:
            if set(data) != {"not"}:
                self.fail(path, "a 'not' condition has no other keys")
                return None
            inner = self.condition(data["not"], f"{path}.not", depth + 1)
            return None if inner is None else cond.Not(inner)
        ops = ["eq", "ne", "in", "not_in", *_COMPARE, "between", "is_set"]
        known = ["field", "missing", *ops]
        before = len(self.problems)
        for key in data:
            if key not in known:
                self.fail(f"{path}.{key}", f"unknown key {key!r}{_suggest(str(key), known)}")
        field = data.get("field")
        if not isinstance(field, str) or not field:
            self.fail(f"{path}.field", f"expected a field name, got {field!r}")
        chosen = [k for k in ops if k in data]
        if len(chosen) != 1:
            self.fail(path, f"expected exactly one operator of {', '.join(ops)}, or 'all', "
                      f"'any', 'not'; got {chosen or 'none'}")
        missing = cond.Missing.ERROR
        if "missing" in data:
            missing = self.enum(cond.Missing, data["missing"], f"{path}.missing")
        if len(self.problems) > before:
            return None
        op = chosen[0]
        raw = data[op]
        where = f"{path}.{op}"
        assert isinstance(field, str)
        if op == "is_set":
            if raw is not True:
                self.fail(where, f"expected true, got {raw!r}")
                return None
            return cond.IsSet(field)
        if op in ("in", "not_in", "between"):
            if not isinstance(raw, list) or len(raw) > self.limits.max_list:
                self.fail(where, f"expected a list (at most {self.limits.max_list} values), got "
                          f"{_kind_of(raw)}")
                return None
            values = [self.condition_value(v, f"{where}[{i}]") for i, v in enumerate(raw)]
            if op == "between":
                if len(values) != 2:
                    self.fail(where, f"expected [start, end] (null for an open end), got "
                              f"{len(values)} values")
                    return None
                return self.build(cond.Between, path, field, values[0], values[1], missing)
            return self.build(cond.In if op == "in" else cond.NotIn, path, field, values, missing)
        value = self.condition_value(raw, where)
        if op in _COMPARE:
            return self.build(cond.Compare, path, field, _COMPARE[op], value, missing)
        return self.build(cond.Eq if op == "eq" else cond.Ne, path, field, value, missing)

    def build(self, cls: Callable[..., Any], path: str, *args: Any) -> Any:
        built = cls(*args)
        found = built.problems(path)
        if found:
            self.problems.extend(found)
            return None
        return built

    def condition_value(self, data: object, path: str) -> object:
        """Condition values are JSON scalars; ISO dates become dates, numbers Decimals."""
        if isinstance(data, str):
            if len(data) > self.limits.max_text:
                self.fail(path, f"must be at most {self.limits.max_text} characters")
            if _ISO_DATE.fullmatch(data):
                try:
                    return dt.date.fromisoformat(data)
                except ValueError:
                    return data
            return data
        if data is None or isinstance(data, bool | Decimal | dt.date):
            return data
        if isinstance(data, int):
            return Decimal(data)
        if isinstance(data, float):
            self.fail(path, f"must not be a float, got {data!r}; write the number as text or "
                      "load JSON with salesperf so that it stays exact")
            return None
        self.fail(path, f"expected text, a number, a boolean, a date or null, got "
                  f"{_kind_of(data)}")
        return None


def _reroot(inner: str, path: str) -> str:
    """Place a constructor's own problem path (e.g. 'calendar.start_month') under `path`."""
    for word in ("calendar.", "curve.", "rating_scale."):
        if inner.startswith(word):
            return join_path(path, inner[len(word):])
    return join_path(path, inner) if inner and not inner.startswith(path) else (inner or path)


def _migrate(data: Mapping[str, Any]) -> dict[str, Any]:
    """Bring an older document up to FORMAT_VERSION, one version at a time."""
    version = data.get("format_version", FORMAT_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or not (
            1 <= version <= FORMAT_VERSION):
        raise DefinitionError([Problem("format_version", f"expected 1..{FORMAT_VERSION}, got "
                                       f"{version!r}")])
    doc = dict(data)
    while version < FORMAT_VERSION:  # pragma: no cover - there is only version 1 so far
        doc = _MIGRATIONS[version](doc)
        version += 1
    return doc


#: Migration steps: _MIGRATIONS[n] turns a version-n document into version n + 1.
_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def load_plan(data: Mapping[str, Any], *, limits: Limits = LIMITS) -> Plan:
    """Build a `Plan` from a plain mapping; every problem is collected and raised once.

    >>> plan = load_plan({"id": "p", "components": [{"kind": "commission", "id": "c",
    ...     "rates": {"teirs": [{"lower": "0", "rate": "0.05"}]}}]})
    Traceback (most recent call last):
    ...
    salesperf._errors.DefinitionError: 2 problems:
      components[0].rates.teirs: unknown key 'teirs' — did you mean 'tiers'?
      components[0].rates.tiers: is required
    """
    if not isinstance(data, Mapping):
        raise DefinitionError([Problem("", f"a plan document is an object, got "
                                       f"{_kind_of(data)}")])
    doc = _migrate(data)
    fmt = doc.pop("format", _FORMAT)
    doc.pop("format_version", None)
    loader = _Loader(limits)
    if fmt != _FORMAT:
        loader.fail("format", f"expected {_FORMAT!r}, got {fmt!r}")
    plan = loader.instance(Plan, doc, "", 0)
    if loader.problems:
        raise DefinitionError(loader.problems)
    assert isinstance(plan, Plan)
    return plan


def loads_plan(text: str | bytes, *, limits: Limits = LIMITS) -> Plan:
    """Build a `Plan` from JSON text; numbers are read as Decimal, never through float."""
    if len(text) > limits.max_document_chars:
        raise DefinitionError([Problem("", f"the document has {len(text)} characters, more "
                                       f"than the limit of {limits.max_document_chars}")])
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise DefinitionError([Problem("", f"not valid JSON: {err.msg} at line {err.lineno}, "
                                       f"column {err.colno}")]) from None
    except RecursionError:
        raise DefinitionError([Problem("", "nests too deeply to read")]) from None
    return load_plan(data, limits=limits)


def _no_constant(name: str) -> object:
    raise DefinitionError([Problem("", f"{name} is not a number salesperf accepts")])


# -- dumping -----------------------------------------------------------------------------------


def _dump(value: object, tp: Any) -> Any:
    if value is None:
        return None
    args = _union_args(tp)
    if args is not None and frozenset(a for a in args if a is not type(None)) == _CONDITION_TYPES:
        return _dump_condition(value)
    if isinstance(value, enum.Enum):
        return _enum_token(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        inner = typing.get_args(tp) if typing.get_origin(tp) is tuple else ()
        if len(inner) == 2 and inner[1] is Ellipsis:
            return [_dump(v, inner[0]) for v in value]
        if inner:
            return [_dump(v, t) for v, t in zip(value, inner, strict=True)]
        return [_dump(v, Any) for v in value]
    if attrs.has(type(value)):
        cls = type(value)
        hints = _hints(cls)
        out: dict[str, Any] = {}
        if cls in _KINDS:
            out["kind"] = _KINDS[cls]
        for a in _fields(cls):
            field_value = getattr(value, a.name)
            if a.default is not attrs.NOTHING and field_value == a.default:
                continue  # leave defaults out (a Factory default never equals a value)
            out[_key(a)] = _dump(field_value, hints[a.name])
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
        op = {v: k for k, v in _COMPARE.items()}[c.op]
        out[op] = _dump_scalar(c.value)
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


def dump_plan(plan: Plan) -> dict[str, Any]:
    """The plan as a plain, JSON-ready document; `load_plan` reads it back to an equal plan."""
    body = _dump(plan, Plan)
    assert isinstance(body, dict)
    return {"format": _FORMAT, "format_version": FORMAT_VERSION, **body}


def dumps_plan(plan: Plan, *, indent: int | None = 2) -> str:
    """The plan as JSON text; numbers in conditions are written exactly, as JSON numbers."""
    text = json.dumps(dump_plan(plan), indent=indent, ensure_ascii=False, default=_mark_decimal)
    return _MARKED.sub(r"\1", text)


def _mark_decimal(value: object) -> str:
    if isinstance(value, Decimal):
        return f"\x00{value}\x00"
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


_MARKED = re.compile(r'"\\u0000([-+0-9.Ee]+)\\u0000"')


# -- schema ------------------------------------------------------------------------------------


def plan_schema(limits: Limits = LIMITS) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of plan documents, generated from the plan classes."""
    schema = _schema_for(Plan, "salesperf plan document", "plan-v1", limits)
    plan_def = schema["$defs"]["Plan"]
    plan_def["properties"] = {"format": {"const": _FORMAT},
                              "format_version": {"type": "integer", "minimum": 1,
                                                 "maximum": FORMAT_VERSION},
                              **plan_def["properties"]}
    return schema


def _schema_for(cls: type, title: str, name: str, limits: Limits = LIMITS) -> dict[str, Any]:
    """A JSON Schema for documents of an attrs class, walking its type hints."""
    defs: dict[str, Any] = {}
    decimal = {"description": "an exact decimal number, preferably as text such as '0.05'",
               "anyOf": [{"type": "string", "pattern": r"^\s*[-+]?(\d[\d_]*)?(\.\d+)?\s*$"},
                         {"type": "number"}]}
    defs["decimal"] = decimal
    scalar = {"anyOf": [{"type": "string", "maxLength": limits.max_text}, {"type": "number"},
                        {"type": "boolean"}, {"type": "null"}]}
    defs["condition"] = _condition_schema(scalar, limits)

    def schema(tp: Any) -> dict[str, Any]:
        args = _union_args(tp)
        if args is not None:
            rest = [a for a in args if a is not type(None)]
            if frozenset(rest) == _CONDITION_TYPES:
                inner: dict[str, Any] = {"$ref": "#/$defs/condition"}
            elif len(rest) == 1:
                inner = schema(rest[0])
            else:
                inner = {"oneOf": [schema(c) for c in rest]}
            return {"anyOf": [inner, {"type": "null"}]} if len(rest) < len(args) else inner
        if tp is Calendar:
            return {"oneOf": [schema(c) for c in _CALENDARS]}
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
                hints = _hints(tp)
                props: dict[str, Any] = {}
                required = []
                if tp in _KINDS:
                    props["kind"] = {"const": _KINDS[tp]}
                    required.append("kind")
                for a in _fields(tp):
                    props[_key(a)] = schema(hints[a.name])
                    if a.default is attrs.NOTHING:
                        required.append(_key(a))
                defs[name] = {"type": "object", "properties": props, "required": required,
                              "additionalProperties": False,
                              "description": (tp.__doc__ or "").strip().split("\n")[0]}
            return {"$ref": f"#/$defs/{name}"}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return {"enum": [_enum_token(m) for m in tp]}
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
        *(op(k, scalar) for k in _COMPARE),
        op("between", {**values, "minItems": 2, "maxItems": 2}),
        op("is_set", {"const": True}),
    ]}
