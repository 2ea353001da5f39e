"""Bounds on what any input may cost, and the checks of values against them.

Documented in docs/documents.md (*Limits*). Plans, request documents and records are all
checked against one `Limits`, so that any input costs time and memory linear in its size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import attrs

from salesperf._errors import shown

__all__ = ["LIMITS", "Limits", "number_problem", "value_problem"]


@attrs.frozen
class Limits:
    """Bounds on what a document may cost to load; documented in docs/documents.md."""

    #: The length of a plan document's JSON text (`loads_plan`, checked before parsing).
    max_document_chars: int = 2_000_000
    max_depth: int = 32
    #: Items in any list of a plan, and in a list or object inside a record.
    max_list: int = 1_000
    max_text: int = 1_000
    #: Records of one evaluation request, wherever they come from (the document, CSV text,
    #: JSON lines, a stream).
    max_records: int = 5_000_000
    #: A number has at most this many significant digits (the precision salesperf computes
    #: with, so that every number in a plan is used exactly) …
    max_digits: int = 34
    #: … and is from 10**-max_exponent up to (not including) 10**(max_exponent + 1) in size.
    max_exponent: int = 30
    #: Items in each list of a request besides its records: payees, quotas, assignments…
    max_items: int = 1_000_000
    #: The length of a request document's JSON text; its records count towards `max_records`
    #: instead, and larger record sets stream from CSV or JSON lines (`records_from_csv`,
    #: `records_from_json_lines`) without ever being one text.
    max_request_chars: int = 200_000_000
    #: Problems one error reports; the rest are counted in a last problem.
    max_problems: int = 100


LIMITS = Limits()


def number_problem(value: Decimal, limits: Limits) -> str | None:
    """Why `value` is outside the limits on numbers, or None when it is within them."""
    if not value.is_finite():
        return f"must be a finite number, got {value}"
    digits, size = len(value.as_tuple().digits), value.adjusted()
    if digits > limits.max_digits:
        return f"must have at most {limits.max_digits} significant digits, got {digits}"
    if not -limits.max_exponent <= size <= limits.max_exponent:
        return (f"must be between 1E-{limits.max_exponent} and 1E+{limits.max_exponent + 1} "
                f"in size, got {shown(value)}")
    return None


def value_problem(value: object, limits: Limits, depth: int = 0) -> tuple[str, str] | None:
    """The first problem of a record's attribute value as (sub-path, message), or None.

    Attribute values are JSON-like: text, booleans, null, dates, exact numbers (a float is
    refused: it is not exact), and lists and objects of them, within the limits on numbers,
    list lengths and depth (the record itself being the first level).
    """
    if value is None or isinstance(value, str | bool | dt.date):
        return None
    if isinstance(value, int | Decimal):
        number = value if isinstance(value, Decimal) else _int_decimal(value)
        found = number_problem(number, limits) if number is not None else (
            f"must be between 1E-{limits.max_exponent} and 1E+{limits.max_exponent + 1} in "
            f"size, got {shown(value)}")
        return None if found is None else ("", found)
    if isinstance(value, float):
        return ("", (f"must not be a float, got {value!r}; floats are not exact: pass "
                    f"Decimal({str(value)!r}) or the string {str(value)!r}, or read JSON "
                    "with salesperf.loads_json, which keeps numbers exact"))
    if isinstance(value, Mapping | list | tuple):
        if depth + 1 >= limits.max_depth:
            return ("", f"nests deeper than {limits.max_depth} levels")
        if len(value) > limits.max_list:
            return ("", f"must have at most {limits.max_list} items, got {len(value)}")
        items = (value.items() if isinstance(value, Mapping)
                 else enumerate(value))
        for key, item in items:
            if isinstance(value, Mapping) and not isinstance(key, str):
                return ("", f"keys must be text, got {shown(key)}")
            found_inner = value_problem(item, limits, depth + 1)
            if found_inner is not None:
                where = f".{key}" if isinstance(value, Mapping) else f"[{key}]"
                return (where + found_inner[0], found_inner[1])
        return None
    kind = type(value).__name__
    return ("", (f"expected text, a number, a boolean, a date, null, a list or an object, "
                f"got {kind}"))


def _int_decimal(value: int) -> Decimal | None:
    # Beyond 4300 digits Python refuses to write an int as text; it is out of bounds anyway.
    return Decimal(value) if value.bit_length() < 4_000 else None
