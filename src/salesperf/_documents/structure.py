"""Structure: plain data (from JSON or Python) into plan and request classes, every problem
collected with its path.

A walk over the classes' type hints: unions are told apart by their "kind" tag, conditions
have their own compact form (``{"field": "status", "eq": "won"}``), and every size is
bounded by the `Limits`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import re
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from salesperf import _conditions as cond
from salesperf._documents.shapes import (
    CALENDARS,
    COMPARE,
    CONDITION_TYPES,
    KINDS,
    MAX_INT,
    as_given,
    enum_token,
    field_key,
    init_fields,
    kind_of,
    type_hints,
    union_args,
)
from salesperf._errors import DefinitionError, Problem, join_path, shown
from salesperf._limits import Limits, number_problem
from salesperf._money import to_decimal
from salesperf._periods import Calendar
from salesperf._plans import (
    Commission,
    CreditRule,
    KpiBonus,
    Overlay,
    Rollup,
    Spiff,
    TargetBonus,
)

__all__ = ["Loader"]

#: Classes whose `problems(path)` checks their meaning (tiers rising, weights totalling 1…),
#: beyond what their constructors check. Each checks its own parts, so these are the only
#: ones asked: the parts of every component, crediting rule and extra credit.
_CHECKED = (Commission, TargetBonus, KpiBonus, Spiff, CreditRule, Overlay, Rollup)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f" — did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(known)}"


def _key_name(key: object, limits: Limits) -> str:
    """A key as a path names it: text up to the text limit, anything else as it is shown."""
    if isinstance(key, str) and len(key) <= limits.max_text:
        return key
    return shown(key)


class Loader:
    """Structure plain data into the classes its type hints name, collecting every problem.

    Each method returns the value, or None after adding the problems to `problems`; a
    caller checks `problems` once at the end and raises them all together.
    """

    def __init__(self, limits: Limits, *, long_lists: bool = False) -> None:
        self.limits = limits
        self.problems: list[Problem] = []
        # A request's own lists (its payees, quotas…) may hold `max_items`; lists inside them
        # and every list of a plan hold `max_list`.
        self.long_lists = long_lists

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def value(self, tp: Any, data: object, path: str, depth: int) -> Any:
        # `depth` counts the objects and lists around `data`: the document itself is at 0.
        if depth >= self.limits.max_depth and isinstance(data, Mapping | list):
            self.fail(path, f"nests deeper than {self.limits.max_depth} levels")
            return None
        args = union_args(tp)
        if args is not None:
            return self.union(args, data, path, depth)
        origin = typing.get_origin(tp)
        if origin is tuple:
            return self.tuple_(typing.get_args(tp), data, path, depth)
        if tp is Calendar:
            return self.tagged(CALENDARS, data, path, depth)
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
                if abs(data) < MAX_INT:
                    return data
                self.fail(path, f"must be a whole number below {MAX_INT:.0e}, got {as_given(data)}")
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
            self.fail(path, f"expected an ISO date such as '2026-03-31', got {shown(data)}")
            return None
        elif tp is object:
            return self.condition_value(data, path)
        names = {bool: "true or false", int: "a whole number", str: "text"}
        self.fail(path, f"expected {names.get(tp, tp)}, got {as_given(data)}")
        return None

    def number(self, value: Decimal, path: str) -> Decimal | None:
        """`value` if its size is within the limits (see `Limits`), else None and a problem."""
        found = number_problem(value, self.limits)
        if found is not None:
            self.fail(path, found)
            return None
        return value

    def enum(self, tp: type[enum.Enum], data: object, path: str) -> Any:
        tokens = {enum_token(m): m for m in tp}
        if isinstance(data, str) and data in tokens:
            return tokens[data]
        hint = ""
        if isinstance(data, str):
            close = difflib.get_close_matches(data, list(tokens), n=1)
            hint = f" — did you mean {close[0]!r}?" if close else ""
        self.fail(path, f"expected one of {', '.join(map(repr, tokens))}, got {shown(data)}{hint}")
        return None

    def tuple_(self, args: tuple[Any, ...], data: object, path: str, depth: int) -> Any:
        if not isinstance(data, list):
            self.fail(path, f"expected a list, got {kind_of(data)}")
            return None
        most = self.limits.max_items if self.long_lists and depth == 1 else self.limits.max_list
        if len(data) > most:
            self.fail(path, f"must have at most {most} items, got {len(data)}")
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
        if frozenset(rest) == CONDITION_TYPES:
            return self.condition(data, path, depth)
        if len(rest) == 1:
            return self.value(rest[0], data, path, depth)
        return self.tagged(rest, data, path, depth)

    def tagged(self, classes: tuple[type, ...], data: object, path: str, depth: int) -> Any:
        kinds = {KINDS[c]: c for c in classes}
        if not isinstance(data, Mapping):
            self.fail(path, f"expected an object with a 'kind' of {', '.join(map(repr, kinds))}, "
                      f"got {kind_of(data)}")
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
            self.fail(join_path(path, "kind"),
                      f"expected one of {expected}, got {shown(kind)}{hint}")
            return None
        return self.instance(kinds[str(kind)], data, path, depth, tagged=True)

    def instance(self, cls: type, data: object, path: str, depth: int,
                 tagged: bool = False, handled: tuple[str, ...] = ()) -> Any:
        """Structure an attrs class; `handled` names keys the caller reads itself."""
        if not isinstance(data, Mapping):
            self.fail(path, f"expected an object, got {kind_of(data)}")
            return None
        hints = type_hints(cls)
        fields = init_fields(cls)
        known = [field_key(a) for a in fields]
        before = len(self.problems)
        data = {k: v for k, v in data.items() if k not in handled}
        known += [h for h in handled if h not in known]
        for key in data:
            if key == "kind" and tagged:
                continue
            if key not in known:
                name = _key_name(key, self.limits)
                if len(self.problems) >= self.limits.max_problems:
                    # Enough said: the error only counts these, so spare the suggestions.
                    self.fail(join_path(path, name), "unknown key")
                    continue
                self.fail(join_path(path, name), f"unknown key {shown(key)}"
                          f"{_suggest(name, known)}")
        unknown = len(self.problems) > before
        kwargs: dict[str, Any] = {}
        failed = False  # a required field is missing or wrong
        for a in fields:
            key = field_key(a)
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
            self.fail(path, f"expected a condition object, got {kind_of(data)}")
            return None
        for word, cls in (("all", cond.AllOf), ("any", cond.AnyOf)):
            if word in data:
                if set(data) != {word}:
                    self.fail(path, f"an {word!r} condition has no other keys")
                    return None
                items = data[word]
                if not isinstance(items, list):
                    self.fail(f"{path}.{word}", f"expected a list of conditions, got "
                              f"{kind_of(items)}")
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
        ops = ["eq", "ne", "in", "not_in", *COMPARE, "between", "is_set"]
        known = ["field", "missing", *ops]
        before = len(self.problems)
        for key in data:
            if key not in known:
                name = _key_name(key, self.limits)
                self.fail(f"{path}.{name}", f"unknown key {shown(key)}{_suggest(name, known)}")
        field = data.get("field")
        if not isinstance(field, str) or not field:
            self.fail(f"{path}.field", f"expected a field name, got {shown(field)}")
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
                self.fail(where, f"expected true, got {shown(raw)}")
                return None
            return cond.IsSet(field)
        if op in ("in", "not_in", "between"):
            if not isinstance(raw, list) or len(raw) > self.limits.max_list:
                self.fail(where, f"expected a list (at most {self.limits.max_list} values), got "
                          f"{kind_of(raw)}" + (f" of {len(raw)}" if isinstance(raw, list)
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
            kinds = {kind_of(v) for v in values if v is not None}
            if len(kinds) > 1:
                self.fail(where, f"expected two dates, two numbers or two texts, got "
                          f"{kind_of(start)} and {kind_of(end)}")
                return None
            return self.build(cond.Between, where, field, start, end, missing)
        value = self.condition_value(raw, where)
        if op in COMPARE:
            return self.build(cond.Compare, where, field, COMPARE[op], value, missing)
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
                  f"{kind_of(data)}")
        return None


def _reroot(inner: str, path: str) -> str:
    """Place a constructor's own problem path (e.g. 'calendar.start_month') under `path`."""
    for word in ("calendar.", "curve.", "rating_scale."):
        if inner.startswith(word):
            return join_path(path, inner[len(word):])
    return join_path(path, inner) if inner and not inner.startswith(path) else (inner or path)
