"""Earning, the second stage: from a payee's credited, what each component earns in each
period of the year so far, as blocks of exact lines, rounded cumulatively per component."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol, TypeVar

from salesperf._engine.crediting import Credits
from salesperf._engine.inputs import Year
from salesperf._engine.statements import Block
from salesperf._engine.versions import Versions
from salesperf._money import ROUNDING_CONTEXT, RoundingMode, cumulative_mode
from salesperf._plans import Commission, Component, KpiBonus, Spiff, TargetBonus

from .bonus import KpiBonusEarner, TargetBonusEarner
from .commission import CommissionEarner
from .spiff import SpiffEarner
from .window import Memory, total

__all__ = ["Earned", "Earner", "earner", "earn"]

_ZERO = Decimal(0)


class Earner(Protocol):
    """Earns one component for a payee in period `k`; `earlier` is what the component
    earned before `k` (without floors); `memory` keeps what each credit earned across the
    periods, for the clawbacks that take it back."""

    def blocks(self, pid: str, k: int, earlier: Decimal, year: Year, credited: Credits,
               memory: Memory) -> list[Block]: ...


def earner(versions: Versions[Component], fast: bool = True) -> Earner:
    """The earner of a component, in each version of the plan (`fast`: with its fast
    paths). Versions keep a component's kind (see `check_versions`)."""
    comp = versions.items[-1]
    if isinstance(comp, Commission):
        return CommissionEarner(_only(versions, Commission), fast)
    if isinstance(comp, Spiff):
        return SpiffEarner(_only(versions, Spiff))
    if isinstance(comp, TargetBonus):
        return TargetBonusEarner(_only(versions, TargetBonus))
    if isinstance(comp, KpiBonus):
        return KpiBonusEarner(_only(versions, KpiBonus))
    raise TypeError(f"not a component: {comp!r}")  # pragma: no cover - plans hold only these


_C = TypeVar("_C")


def _only(versions: Versions[Component], kind: type[_C]) -> Versions[_C]:
    items = [c for c in versions.items if isinstance(c, kind)]
    if len(items) != len(versions.items):  # pragma: no cover - check_versions rules it out
        raise TypeError(f"a component changes kind between versions: {versions.items!r}")
    return Versions(items, versions.starts, versions.numbers)


class Earned:
    """What a payee earned in one period: each component's blocks, rounded total and number
    of lines."""

    __slots__ = ("blocks", "counts", "sums")

    def __init__(self, components: int) -> None:
        self.blocks: list[Block] = []
        self.sums = [_ZERO] * components
        self.counts = [0] * components


def earn(pid: str, earners: tuple[Earner, ...], year: Year, credited: Credits,
         quantum: Decimal, rounding: RoundingMode) -> list[Earned]:
    """Every line of every component for one payee, per period of the year so far.

    Lines are rounded cumulatively over the year, component by component: each is the change
    in the rounded running total, so they add up to the rounded total, in the mode
    `cumulative_mode` gives for the component's total (the same rule as `round_cumulative`).
    """
    out = [Earned(len(earners)) for _ in year.periods]
    active = year.active(pid)
    for i, component in enumerate(earners):
        found: list[tuple[int, Block, Decimal]] = []
        memory: Memory = {}
        running = _ZERO
        earned_before = _ZERO  # what the component earned in earlier periods, no floors
        for k in active:
            for block in component.blocks(pid, k, earned_before, year, credited, memory):
                exact = block.exact
                if exact is None:
                    exact = block.exact = total(block.values)
                block.start = running
                running = running + exact
                if not block.floor:
                    earned_before = earned_before + exact
                found.append((k, block, running))
        if not found:
            continue
        mode = cumulative_mode(rounding, running).value
        rounded_before = _ZERO
        for k, block, after in found:
            rounded = after.quantize(quantum, mode, ROUNDING_CONTEXT)
            block.mode, block.total = mode, rounded - rounded_before
            rounded_before = rounded
            period = out[k]
            period.sums[i] = period.sums[i] + block.total
            period.counts[i] += len(block)
            period.blocks.append(block)
    return out
