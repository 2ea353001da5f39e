"""JSON text, exactly: read with every number a Decimal, written with each Decimal's digits.

Reading refuses duplicate keys, NaN and Infinity, and documents over the size limit; every
failure is a `DefinitionError`. `Limits` bound what any document may cost to load.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from salesperf._errors import DefinitionError, Problem, shown
from salesperf._limits import LIMITS, Limits

__all__ = ["LIMITS", "Limits", "loads_json", "write_json"]



def loads_json(text: str | bytes, limits: Limits = LIMITS, *,
               max_chars: int | None = None) -> Any:
    """Parse a JSON document exactly: numbers as Decimal, duplicate keys and non-numbers
    refused, within the size limit (`max_chars`, by default `limits.max_document_chars`);
    every failure is a `DefinitionError`."""
    most = limits.max_document_chars if max_chars is None else max_chars
    if len(text) > most:
        raise DefinitionError([Problem("", f"the document has {len(text)} characters, more "
                                       f"than the limit of {most}")])
    try:
        return json.loads(text, parse_float=Decimal, parse_int=_parse_int,
                          parse_constant=_no_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as err:
        # Some of json's messages end in "starting at", which the position completes.
        what = err.msg.removesuffix(" at")
        raise DefinitionError([Problem("", f"not valid JSON: {what} at line {err.lineno}, "
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
            raise DefinitionError([Problem("", f"the key {shown(key)} appears twice in one object; "
                                           "keep one")])
        out[key] = value
    return out


def write_json(value: object, indent: int | None, level: int = 0) -> str:
    """JSON text laid out like `json.dumps`, with each Decimal written as its exact digits.

    json.dumps cannot write a Decimal as a number, and marking one inside a string to unquote
    it later would also unquote a text value that happens to look like the mark.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot write the number {value} as JSON")
        return str(value)
    if isinstance(value, dict | list):
        deeper = level + 1
        items = ([f"{json.dumps(str(k), ensure_ascii=False)}: {write_json(v, indent, deeper)}"
                  for k, v in value.items()] if isinstance(value, dict)
                 else [write_json(v, indent, deeper) for v in value])
        ends = "{}" if isinstance(value, dict) else "[]"
        if not items:
            return ends
        if indent is None:
            return ends[0] + ", ".join(items) + ends[1]
        inner, outer = "\n" + " " * (indent * (level + 1)), "\n" + " " * (indent * level)
        return ends[0] + inner + ("," + inner).join(items) + outer + ends[1]
    return json.dumps(value, ensure_ascii=False)
