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
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Union

import attrs

from salesperf import _conditions as cond
from salesperf._errors import DefinitionError, Problem, join_path
from salesperf._metrics import Growth, Measure, Ratio, Supplied
from salesperf._money import RoundingMode, to_decimal
from salesperf._periods import Calendar, CalendarYear, FiscalYear, RetailCalendar
from salesperf._plans import (
    Commission,
    CreditRule,
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
    #: A number has at most this many significant digits (the precision salesperf computes
    #: with, so that every number in a plan is used exactly) …
    max_digits: int = 34
    #: … and is from 10**-max_exponent up to (not including) 10**(max_exponent + 1) in size,
    #: so that no product or quotient of plan numbers and amounts can overflow.
    max_exponent: int = 30


LIMITS = Limits()

#: The "kind" tag of each class that appears in a union.
_KINDS: dict[type, str] = {
    Commission: "commission", TargetBonus: "target_bonus", KpiBonus: "kpi_bonus",
    Spiff: "spiff", Overlay: "overlay", Rollup: "rollup", Measure: "measure", Ratio: "ratio",
    Growth: "growth", Supplied: "supplied", CalendarYear: "calendar_year",
    FiscalYear: "fiscal_year", RetailCalendar: "retail",
}
_CALENDARS = (CalendarYear, FiscalYear, RetailCalendar)
#: Classes whose `problems(path)` checks their meaning (tiers rising, weights totalling 1…),
#: beyond what their constructors check. Each checks its own parts, so these are the only
#: ones asked: the parts of every component, crediting rule and extra credit.
_CHECKED = (Commission, TargetBonus, KpiBonus, Spiff, CreditRule, Overlay, Rollup)
_CONDITION_TYPES = frozenset(typing.get_args(cond.Condition))
#: A comparison's key in a document: {"field": "amount", "ge": 1000}.
_COMPARE = {c.name.lower(): c for c in cond.Comparison}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _enum_token(member: enum.Enum) -> str:
    # Rounding modes read as "half_up", not as the decimal module's "ROUND_HALF_UP".
    if isinstance(member.value, str) and not isinstance(member, RoundingMode):
        return member.value
    return member.name.lower()


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
            type(None): "null", int: "a number", Decimal: "a number", dt.date: "a date"}.get(
        type(value), type(value).__name__)


def _found(value: object) -> str:
    """What was given, as a document author wrote it: ``a number 5``, ``text 'x'``."""
    if isinstance(value, int) and abs(value) >= _MAX_INT:
        # Python refuses to write an int of more than 4300 digits as text.
        return f"a number of {len(str(Decimal(value)))} digits"
    shown = str(value) if isinstance(value, Decimal) else repr(value)
    return f"{_kind_of(value)} {shown}"


#: Whole-number fields (a version, a month, a tier index) stay below this.
_MAX_INT = 10**18


# -- loading -----------------------------------------------------------------------------------


class _Loader:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def value(self, tp: Any, data: object, path: str, depth: int) -> Any:
        # `depth` counts the objects and lists around `data`: the document itself is at 0.
        if depth >= self.limits.max_depth and isinstance(data, Mapping | list):
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
            if isinstance(data, str) and len(data) > self.limits.max_text:
                self.fail(path, f"must be at most {self.limits.max_text} characters, "
                          f"got {len(data)}")
                return None
            try:
                return self.number(to_decimal(data, path=path), path)
            except DefinitionError as err:
                self.problems.extend(err.problems)
                return None
        if tp is bool:
            if isinstance(data, bool):
                return data
        elif tp is int:
            if isinstance(data, int) and not isinstance(data, bool):
                if abs(data) < _MAX_INT:
                    return data
                self.fail(path, f"must be a whole number below {_MAX_INT:.0e}, got {_found(data)}")
                return None
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
        self.fail(path, f"expected {names.get(tp, tp)}, got {_found(data)}")
        return None

    def number(self, value: Decimal, path: str) -> Decimal | None:
        """`value` if its size is within the limits (see `Limits`), else None and a problem."""
        digits, size = len(value.as_tuple().digits), value.adjusted()
        if digits > self.limits.max_digits:
            self.fail(path, f"must have at most {self.limits.max_digits} significant digits, "
                      f"got {digits}")
            return None
        if not -self.limits.max_exponent <= size <= self.limits.max_exponent:
            self.fail(path, f"must be between 1E-{self.limits.max_exponent} and "
                      f"1E+{self.limits.max_exponent + 1} in size, got {value}")
            return None
        return value

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
        expected = ', '.join(map(repr, kinds))
        if "kind" not in data:
            self.fail(join_path(path, "kind"), f"is required: one of {expected}")
            return None
        kind = data["kind"]
        # A list or an object as the kind is unhashable: test for text before looking it up.
        if not isinstance(kind, str) or kind not in kinds:
            close = difflib.get_close_matches(kind, list(kinds), n=1) if isinstance(
                kind, str) else []
            hint = f" — did you mean {close[0]!r}?" if close else ""
            self.fail(join_path(path, "kind"), f"expected one of {expected}, got {kind!r}{hint}")
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
        unknown = len(self.problems) > before
        kwargs: dict[str, Any] = {}
        failed = False  # a required field is missing or wrong
        for a in fields:
            key = _key(a)
            if key not in data:
                if a.default is attrs.NOTHING:
                    self.fail(join_path(path, key), "is required")
                    failed = True
                continue
            at = len(self.problems)
            value = self.value(hints[a.name], data[key], join_path(path, key), depth + 1)
            if len(self.problems) == at:
                kwargs[key] = value
            elif a.default is attrs.NOTHING:
                failed = True
            # else: leave the wrong optional field at its default and check the others
        if failed or unknown:
            # Without a required field there is nothing to check; with an unknown key (most
            # likely a misspelt optional one) its absence would only add confusing problems.
            return None
        defaulted = len(self.problems) > before
        try:
            built = cls(**kwargs)
        except DefinitionError as err:
            self.problems.extend(Problem(_reroot(p.path, path), p.message)
                                 for p in err.problems)
        except (TypeError, ValueError, ArithmeticError) as err:
            self.fail(path, f"invalid {cls.__name__}: {err}")
        else:
            if isinstance(built, _CHECKED):
                # A problem of the whole object ("needs exactly one of amount or rate") may
                # only be the default standing in for a wrong field, already reported.
                self.problems.extend(p for p in built.problems(path)
                                     if not (defaulted and p.path == path))
            if len(self.problems) == before:
                return built
        return None

    # -- conditions: {"field": "status", "eq": "won"}, {"all": [...]}, {"not": {...}} ---------

    def condition(self, data: object, path: str, depth: int) -> Any:
        if depth >= self.limits.max_depth:
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
        elif len(field) > self.limits.max_text:
            self.fail(f"{path}.field", f"must be at most {self.limits.max_text} characters, "
                      f"got {len(field)}")
        chosen = [k for k in ops if k in data]
        if len(chosen) != 1:
            self.fail(path, f"expected exactly one operator of {', '.join(ops)}, or 'all', "
                      f"'any', 'not'; got {chosen or 'none'}")
        missing = cond.Missing.ERROR
        if "missing" in data:
            missing = self.enum(cond.Missing, data["missing"], f"{path}.missing")
        if len(chosen) != 1:
            return None
        # The operator's value is checked even when the field is wrong, to report both.
        op = chosen[0]
        built = self.leaf(op, field, data[op], missing, path)
        return None if len(self.problems) > before else built

    def leaf(self, op: str, field: Any, raw: object, missing: Any, path: str) -> Any:
        where = f"{path}.{op}"
        if op == "is_set":
            if raw is not True:
                self.fail(where, f"expected true, got {raw!r}")
                return None
            return cond.IsSet(field)
        if op in ("in", "not_in", "between"):
            if not isinstance(raw, list) or len(raw) > self.limits.max_list:
                self.fail(where, f"expected a list (at most {self.limits.max_list} values), got "
                          f"{_kind_of(raw)}" + (f" of {len(raw)}" if isinstance(raw, list)
                                                else ""))
                return None
            values = [self.condition_value(v, f"{where}[{i}]") for i, v in enumerate(raw)]
            if op != "between":
                return self.build(cond.In if op == "in" else cond.NotIn, where, field, values,
                                  missing)
            if len(values) != 2:
                self.fail(where, f"expected [start, end] (null for an open end), got "
                          f"{len(values)} values")
                return None
            start, end = values
            kinds = {_kind_of(v) for v in values if v is not None}
            if len(kinds) > 1:
                self.fail(where, f"expected two dates, two numbers or two texts, got "
                          f"{_kind_of(start)} and {_kind_of(end)}")
                return None
            return self.build(cond.Between, where, field, start, end, missing)
        value = self.condition_value(raw, where)
        if op in _COMPARE:
            return self.build(cond.Compare, where, field, _COMPARE[op], value, missing)
        return self.build(cond.Eq if op == "eq" else cond.Ne, where, field, value, missing)

    def build(self, cls: Callable[..., Any], where: str, *args: Any) -> Any:
        """Build a field condition; its own problems are placed at the operator (`where`)."""
        built = cls(*args)
        # The classes name their parts `value`, `values`, `start` and `end`: in a document
        # they are the operator's value or the items of its list.
        parent = where.rsplit(".", 1)[0]
        rename = {f"{parent}.value": where, f"{parent}.start": f"{where}[0]",
                  f"{parent}.end": f"{where}[1]", f"{parent}.values": where}
        found = built.problems(parent)
        if not found:
            return built
        for p in found:
            at = p.path
            for old, new in rename.items():
                if at == old or at.startswith(f"{old}["):
                    at = new + at[len(old):]
                    break
            self.fail(at, p.message)
        return None

    def condition_value(self, data: object, path: str) -> object:
        """Condition values are JSON scalars; ISO dates become dates, numbers Decimals."""
        if isinstance(data, str):
            if len(data) > self.limits.max_text:
                self.fail(path, f"must be at most {self.limits.max_text} characters, "
                          f"got {len(data)}")
                return None
            if _ISO_DATE.fullmatch(data):
                try:
                    return dt.date.fromisoformat(data)
                except ValueError:
                    return data
            return data
        if isinstance(data, Decimal) and not data.is_finite():
            # NaN would make an ordering comparison raise while records are evaluated.
            self.fail(path, f"must be a finite number, got {data}")
            return None
        if data is None or isinstance(data, bool | dt.date):
            return data
        if isinstance(data, Decimal | int):
            return self.number(Decimal(data), path)
        if isinstance(data, float):
            # Text would stay text here, never compare with a number: suggest exact numbers.
            self.fail(path, f"must not be a float, got {data!r}; pass Decimal({str(data)!r}), "
                      "or read the JSON with loads_plan, which keeps numbers exact")
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
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DefinitionError([Problem("format_version", f"expected a whole number from 1 to "
                                       f"{FORMAT_VERSION}, got {_found(version)}")])
    if version > FORMAT_VERSION:
        shown = version if version < _MAX_INT else _found(version)
        raise DefinitionError([Problem("format_version", f"this salesperf reads versions 1 to "
                                       f"{FORMAT_VERSION}, got {shown}: the document was written "
                                       "by a newer salesperf")])
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
    # What only the whole plan shows: the currency, duplicate ids, measures no rule credits.
    problems = plan.problems("")
    if problems:
        raise DefinitionError(problems)
    return plan


def loads_plan(text: str | bytes, *, limits: Limits = LIMITS) -> Plan:
    """Build a `Plan` from JSON text; numbers are read as Decimal, never through float."""
    return load_plan(loads_json(text, limits), limits=limits)


def loads_json(text: str | bytes, limits: Limits = LIMITS) -> Any:
    """Parse a JSON document exactly: numbers as Decimal, duplicate keys and non-numbers
    refused, within the size limit; every failure is a `DefinitionError`."""
    if len(text) > limits.max_document_chars:
        raise DefinitionError([Problem("", f"the document has {len(text)} characters, more "
                                       f"than the limit of {limits.max_document_chars}")])
    try:
        return json.loads(text, parse_float=Decimal, parse_int=_parse_int,
                          parse_constant=_no_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as err:
        raise DefinitionError([Problem("", f"not valid JSON: {err.msg} at line {err.lineno}, "
                                       f"column {err.colno}")]) from None
    except UnicodeDecodeError as err:
        raise DefinitionError([Problem("", f"not valid JSON: the bytes are not UTF-8 text "
                                       f"({err.reason} at byte {err.start})")]) from None
    except RecursionError:
        raise DefinitionError([Problem("", "nests too deeply to read")]) from None


def _no_constant(name: str) -> object:
    raise DefinitionError([Problem("", f"{name} is not a number salesperf accepts")])


def _parse_int(text: str) -> int | Decimal:
    # int() refuses more than 4300 digits with a ValueError; such a number can only be meant
    # as a Decimal, and an int field then says it expected a whole number of sensible size.
    # "-0" stays the Decimal it was written from (an int has no sign of zero), so that a
    # condition on -0 reads back and writes out as it was.
    return int(text) if len(text) <= 100 and text != "-0" else Decimal(text)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            # json.loads would keep the last silently; an admin meant one of them.
            raise DefinitionError([Problem("", f"the key {key!r} appears twice in one object; "
                                           "keep one")])
        out[key] = value
    return out


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
            dumped = _dump(field_value, hints[a.name])
            # Leave defaults out (a Factory default never equals a value), but not a value
            # that only equals one: 1.00 is written as given, to read back as 1.00.
            if a.default is not attrs.NOTHING and field_value == a.default and (
                    dumped == _dump(a.default, hints[a.name])):
                continue
            out[_key(a)] = dumped
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
        out[c.op.name.lower()] = _dump_scalar(c.value)
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
    return _write(dump_plan(plan), indent, 0)


def _write(value: object, indent: int | None, level: int) -> str:
    """JSON text laid out like `json.dumps`, with each Decimal written as its exact digits.

    json.dumps cannot write a Decimal as a number, and marking one inside a string to unquote
    it later would also unquote a text value that happens to look like the mark.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot write the number {value} as JSON")
        return str(value)
    if isinstance(value, dict | list):
        items = ([f"{json.dumps(str(k), ensure_ascii=False)}: {_write(v, indent, level + 1)}"
                  for k, v in value.items()] if isinstance(value, dict)
                 else [_write(v, indent, level + 1) for v in value])
        ends = "{}" if isinstance(value, dict) else "[]"
        if not items:
            return ends
        if indent is None:
            return ends[0] + ", ".join(items) + ends[1]
        inner, outer = "\n" + " " * (indent * (level + 1)), "\n" + " " * (indent * level)
        return ends[0] + inner + ("," + inner).join(items) + outer + ends[1]
    return json.dumps(value, ensure_ascii=False)


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
                defs[name] = an_object(tp, props, required)
            return {"$ref": f"#/$defs/{name}"}
        if isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields"):
            name = tp.__name__  # a named tuple result (a statement line), written as an object
            if name not in defs:
                hints = _hints(tp)
                defs[name] = an_object(tp, {f: schema(hints[f]) for f in tp._fields},
                                       list(tp._fields))
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
