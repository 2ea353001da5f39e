"""SPIFFs: a fixed amount or a rate per credited record that qualifies, inside a date window.

Whether a record qualifies (its condition and dates) is decided in crediting and carried on
its credit; here only the payee's period is read.
"""

from __future__ import annotations

from decimal import Decimal

from salesperf._engine.crediting import (
    AMOUNT,
    DATE,
    KIND,
    REVERSES,
    SHARE,
    SPIFFS,
    WHOLE,
    CreditKind,
    Credits,
)
from salesperf._engine.explain import SpiffWriter
from salesperf._engine.inputs import Year
from salesperf._engine.statements import Block
from salesperf._engine.versions import Versions
from salesperf._money import DECIMAL_CONTEXT
from salesperf._plans import Spiff

from .window import Memory, between

__all__ = ["SpiffEarner"]

_ZERO = Decimal(0)
_MUL = DECIMAL_CONTEXT.multiply
_DIRECT = CreditKind.DIRECT.value


class SpiffEarner:
    """Earns one SPIFF for a payee, period by period."""

    __slots__ = ("comp", "versions")

    def __init__(self, versions: Versions[Spiff]) -> None:
        self.versions, self.comp = versions, versions.items[-1]

    def blocks(self, pid: str, k: int, earlier: Decimal, year: Year, credited: Credits,
               memory: Memory) -> list[Block]:
        versions, p = self.versions, year.periods[k]
        comp = versions.items[0]
        sid = comp.id
        todo, values = [], []
        running = _ZERO
        for c in between(credited.of(pid, comp.measure), p.start, p.end):
            if c[KIND] != _DIRECT or sid not in c[SPIFFS]:
                continue
            if not versions.single:
                comp = versions.at(c[DATE])
            amount, rate = comp.amount, comp.rate if comp.rate is not None else _ZERO
            if amount is not None:
                value = amount if c[SHARE] is WHOLE else _MUL(amount, c[SHARE])
                undo = c[REVERSES]
                if undo is not None:  # a clawback: its share of the original's amount
                    value = -_MUL(value, undo.fraction)
            else:
                value = _MUL(c[AMOUNT], rate)  # a clawback's credit is negative already
            todo.append(c)
            values.append(value)
            running = running + value
        if not todo:  # no lines, no block (an empty block would say nothing)
            return []
        block = Block(sid, SpiffWriter(versions, todo, values), todo, values)
        block.exact = running
        return [block]
