"""Crediting rules: which records credit which payees, for which measures, with what share."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from salesperf._conditions import Condition
from salesperf._errors import Problem
from salesperf._goals import RollupBy
from salesperf._plans.parts import ONE as _ONE
from salesperf._plans.parts import check_condition, dec

__all__ = ["CreditRule", "Overlay", "Rollup"]


@attrs.frozen
class CreditRule:
    """Credits records that match `where` to their payees, for one measure.

    The record's amount (converted to the plan currency) times `factor` is credited; a record
    with several payees is split by its ``split`` field (payee → share, totalling exactly 1).
    Rules are tried in order and the first matching rule of a measure credits it.
    """

    id: str
    measure: str = "revenue"
    where: Condition | None = None
    factor: Decimal = attrs.field(default=_ONE, converter=dec)

    def problems(self, path: str) -> list[Problem]:
        out = check_condition(self.where, f"{path}.where")
        if self.factor < 0:
            out.append(Problem(f"{path}.factor", f"must be >= 0, got {self.factor}"))
        return out


def _names(values: Iterable[str]) -> tuple[str, ...]:
    # A typed converter: with the bare `tuple`, mypy rejects every argument (`_T_co`).
    return tuple(values)


@attrs.frozen
class Overlay:
    """Also credits `payees` (specialists, overlay reps) with `share` of matching records.

    An overlay never reduces anyone else's credit.
    """

    id: str
    payees: tuple[str, ...] = attrs.field(converter=_names)
    measure: str = "revenue"
    where: Condition | None = None
    share: Decimal = attrs.field(default=_ONE, converter=dec)

    def problems(self, path: str) -> list[Problem]:
        out = check_condition(self.where, f"{path}.where")
        if self.share < 0:
            out.append(Problem(f"{path}.share", f"must be >= 0, got {self.share}"))
        if not self.payees:
            out.append(Problem(f"{path}.payees", "needs at least one payee"))
        return out


@attrs.frozen
class Rollup:
    """Also credits the managers above each credited payee, through the hierarchy on the
    record's date: `levels` levels up (None: all the way), with `share` of the credit.

    With `by` TEAM it credits the payee's team on the record's date instead; the team is
    paid like a payee, so the hierarchy lists it as one.
    """

    id: str
    measure: str = "revenue"
    levels: int | None = None
    share: Decimal = attrs.field(default=_ONE, converter=dec)
    by: RollupBy = RollupBy.MANAGER

    def problems(self, path: str) -> list[Problem]:
        out = []
        if self.levels is not None and self.levels < 1:
            out.append(Problem(f"{path}.levels", f"must be >= 1, got {self.levels}"))
        if self.levels is not None and self.by is RollupBy.TEAM:
            out.append(Problem(f"{path}.levels", "a team roll-up credits one team, so it has "
                               f"no levels, got {self.levels}"))
        if self.share < 0:
            out.append(Problem(f"{path}.share", f"must be >= 0, got {self.share}"))
        return out


# -- rate tables -------------------------------------------------------------------------------
