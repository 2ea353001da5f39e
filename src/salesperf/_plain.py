"""Turning results into plain, JSON-serialisable data."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from salesperf._periods import Period

__all__ = ["digits", "to_plain"]


def digits(value: Decimal) -> str:
    """A Decimal as plain digits, never in exponent notation, keeping its places.

    >>> digits(Decimal("1E-7")), digits(Decimal("0E+2")), digits(Decimal("1.50"))
    ('0.0000001', '0', '1.50')
    """
    # `str` writes the same digits unless it writes an exponent (with the letter of the
    # caller's context), in about half the time: the common case, proved the same by
    # `tests/test_responses.py::TestPlainData`.
    text = str(value)
    return f"{value:f}" if "E" in text or "e" in text else text


def to_plain(value: object) -> Any:
    """Results as plain data: dicts, lists, text and booleans.

    Decimals become text (exact: ``"1250.10"``), dates ISO text, periods their labels and
    enums their values, so that `json.dumps` never needs a float.
    """
    convert = _BY_TYPE.get(type(value))  # fast path: the exact types results hold most
    if convert is not None:
        return convert(value)
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, Decimal):
        return digits(value)
    if isinstance(value, Period):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return to_plain(value.value)
    plain = getattr(value, "__plain__", None)
    if plain is not None:
        return plain()
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))  # type: ignore[arg-type]
        return {a.name: to_plain(getattr(value, a.name))
                for a in fields if not a.name.startswith("_")}
    if isinstance(value, Mapping):
        return {str(to_plain(k)): to_plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((to_plain(v) for v in value), key=repr)
    if isinstance(value, Sequence):
        return [to_plain(v) for v in value]
    raise TypeError(f"cannot turn {type(value).__name__} into plain data")


def _same(value: Any) -> Any:
    return value


#: What `to_plain` makes of a value of exactly these types (not of their subclasses, which
#: go through its checks): the same as its checks make of them.
_BY_TYPE: dict[type, Callable[[Any], Any]] = {
    str: _same, int: _same, bool: _same, type(None): _same,
    Decimal: digits, dt.date: dt.date.isoformat}
