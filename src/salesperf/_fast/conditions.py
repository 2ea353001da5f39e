"""Conditions over columns: a compiled condition's answer for many records at once, with
the same equality, membership and missing-field rules as `salesperf._conditions`."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from decimal import Decimal
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from salesperf._conditions import AllOf, AnyOf, Condition, Eq, In, Missing, Ne, Not, NotIn

from .intake import Unsupported

__all__ = ["RecordByRecord", "holds"]

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
#: Values compared here as Python compares them (anything else: record by record).
_PLAIN = frozenset({str, int, bool, Decimal, dt.date, type(None)})


class RecordByRecord(Exception):  # noqa: N818 - a route, not an error
    """The condition is tested record by record instead (as crediting tests it)."""


def holds(condition: Condition | None, values: Callable[[str, Ints], Any],
          chosen: Ints) -> Bools:
    """Whether the condition holds for each of the records `chosen`, `values(field,
    chosen)` giving the field's values for them (None: no record has it). `AllOf` and
    `AnyOf` test their parts in order on the records still undecided, as a compiled
    condition does. A record lacking a field a condition needs without a `missing` policy
    is `Unsupported`: the pure path raises the error."""
    n = len(chosen)
    if condition is None:
        return np.ones(n, bool)
    if isinstance(condition, AllOf | AnyOf):
        every = isinstance(condition, AllOf)
        out: Bools = np.full(n, every)
        open_: Ints = np.arange(n)  # the records no part has decided yet
        for part in condition.conditions:
            if not len(open_):
                break
            answer = holds(part, values, chosen[open_])
            decided = ~answer if every else answer
            out[open_[decided]] = not every
            open_ = open_[~decided]
        return out
    if isinstance(condition, Not):
        return ~holds(condition.condition, values, chosen)
    if isinstance(condition, Eq | Ne | In | NotIn):
        column = values(condition.field, chosen)
        present: Bools
        if column is None:
            present, answer = np.zeros(n, bool), np.zeros(n, bool)
        elif isinstance(condition, Eq | Ne):
            present, answer = _equal(column, condition.value, n)
        else:
            present, answer = _member(column, condition.values, n)
        if isinstance(condition, Ne | NotIn):
            answer = ~answer
        if not present.all():
            if condition.missing is Missing.ERROR:
                raise Unsupported(f"a record lacks the field {condition.field!r} a condition "
                                  "needs")
            answer = np.where(present, answer, condition.missing is Missing.TRUE)
        return answer
    raise RecordByRecord


def _plain(column: Any, n: int) -> tuple[list[Any], Bools]:
    values = (column.tolist() if isinstance(column, np.ndarray)
              else column if isinstance(column, list) else list(column))
    kinds = set(map(type, values))
    if not kinds <= _PLAIN:
        raise RecordByRecord
    present = (np.fromiter(map(operator.is_not, values, repeat(None)), bool, n)
               if type(None) in kinds else np.ones(n, bool))
    return values, present


def _equal(column: Any, expected: object, n: int) -> tuple[Bools, Bools]:
    if isinstance(column, np.ndarray) and (
            (column.dtype.kind == "U" and type(expected) is str)
            or (column.dtype.kind == "b" and type(expected) is bool)):
        return np.ones(n, bool), np.asarray(column == expected, bool)
    if type(expected) not in _PLAIN:
        raise RecordByRecord
    values, present = _plain(column, n)
    return present, np.fromiter(map(operator.eq, values, repeat(expected)), bool, n)


def _member(column: Any, choices: tuple[object, ...], n: int) -> tuple[Bools, Bools]:
    try:
        among = frozenset(choices)
    except TypeError:
        raise RecordByRecord from None
    values, present = _plain(column, n)
    return present, np.fromiter(map(among.__contains__, values), bool, n)
