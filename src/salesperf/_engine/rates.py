"""Rate tables compiled into f(x): what a cumulative measure x earns."""

from __future__ import annotations

import bisect
from decimal import Decimal

from salesperf._errors import SalesperfError
from salesperf._money import DECIMAL_CONTEXT
from salesperf._plain import digits
from salesperf._plans import BoundBasis, RateTable, TierMode

__all__ = ["Rates"]

_ZERO = Decimal(0)
_ADD = DECIMAL_CONTEXT.add
_MUL = DECIMAL_CONTEXT.multiply
_SUB = DECIMAL_CONTEXT.subtract


class Rates:
    """A rate table with bounds in amounts, compiled into f(x) for a cumulative measure x.

    ``starts[i]`` is what the table pays at ``bounds[i]`` (marginal and hybrid), so f(x) is
    one bisection, one subtraction, one multiplication and one addition. Made once per payee
    and window (attainment bounds scale with the quota), so kept to plain slots.
    """

    __slots__ = ("_facts", "bounds", "mode", "rates", "retro_through", "starts")

    def __init__(self, table: RateTable, quota: Decimal | None) -> None:
        tiers = table.tiers
        bounds = [t.lower for t in tiers]
        if table.basis is BoundBasis.ATTAINMENT:
            if quota is None:  # pragma: no cover - callers check first
                raise SalesperfError("attainment tiers need a quota")
            bounds = [b * quota for b in bounds]
        rates = [t.rate for t in tiers]
        self.bounds, self.rates = tuple(bounds), tuple(rates)
        self.mode, self.retro_through = table.mode, table.retroactive_through
        # Marginal: what each tier's lower bound has earned. Hybrid: the same above the last
        # retroactive tier, starting from that tier's rate on the whole of the next bound.
        first = (self.retro_through or 0) + 1 if self.mode is TierMode.HYBRID else 0
        starts = [_ZERO] * len(bounds)
        if first < len(bounds):
            starts[first] = _MUL(bounds[first], rates[first - 1]) if first else _ZERO
            for i in range(first + 1, len(bounds)):
                starts[i] = _ADD(starts[i - 1], _MUL(bounds[i] - bounds[i - 1], rates[i - 1]))
        self.starts = tuple(starts)
        self._facts: dict[int, dict[str, str]] | None = None  # when a trace first cites one

    def tier_of(self, x: Decimal) -> int:
        """The tier x falls in; a value on a boundary belongs to the higher tier."""
        i = bisect.bisect_right(self.bounds, x) - 1
        return i if i > 0 else 0

    def marginal_from(self, i: int) -> bool:
        """Whether tier i pays its slice at its own rate (marginal, or hybrid above the last
        retroactive tier) rather than the whole measure at its rate."""
        mode = self.mode
        return mode is TierMode.MARGINAL or (mode is TierMode.HYBRID
                                             and i > (self.retro_through or 0))

    def __call__(self, x: Decimal) -> Decimal:
        return self.at(x, self.tier_of(x))

    def at(self, x: Decimal, i: int) -> Decimal:
        """f(x), x in tier i."""
        if self.marginal_from(i):
            return _ADD(self.starts[i], _MUL(_SUB(x, self.bounds[i]), self.rates[i]))
        return _MUL(x, self.rates[i])

    def slices(self, before: Decimal, after: Decimal, tier_before: int | None = None,
               tier_after: int | None = None) -> list[tuple[int, Decimal]]:
        """How the move from `before` to `after` splits across tiers: (tier, slice).
        `tier_before` and `tier_after`, when the caller knows them, are their tiers."""
        if tier_before is None or tier_after is None:
            tier_before, tier_after = self.tier_of(before), self.tier_of(after)
        # Only the tiers from low's to high's: a line's explanation costs what it crosses,
        # not the size of the table. (A tier never decreases as x grows.)
        low, high, first, top = ((before, after, tier_before, tier_after) if before <= after
                                 else (after, before, tier_after, tier_before))
        if first == top:  # within one tier (most lines): the whole move
            return [(first, _SUB(high, low))] if high > low else []
        return self._crossing(low, high, first, top)

    def _crossing(self, low: Decimal, high: Decimal, first: int,
                  top: int) -> list[tuple[int, Decimal]]:
        """`slices` from tier `first` (low's) to tier `top` (high's), low <= high."""
        bounds, last = self.bounds, len(self.bounds) - 1
        out = []
        for i in range(first, top + 1):
            lo = bounds[i]
            a = lo if i and lo > low else low
            b = high if i == last or high <= bounds[i + 1] else bounds[i + 1]
            if b > a:
                out.append((i, _SUB(b, a)))
        return out

    def tier_fact(self, i: int) -> dict[str, str]:
        """Tier i as a trace gives it: its number, its bounds and its rate (written the first
        time a line's trace cites it)."""
        facts = self._facts
        if facts is None:
            facts = self._facts = {}
        fact = facts.get(i)
        if fact is None:
            bounds = self.bounds
            fact = facts[i] = {
                "tier": str(i + 1), "lower": digits(bounds[i]),
                "upper": "" if i == len(bounds) - 1 else digits(bounds[i + 1]),
                "rate": digits(self.rates[i])}
        return fact

    def slice_facts(self, slices: list[tuple[int, Decimal]]) -> list[dict[str, str]]:
        """The slices as a trace gives them: tier, its bounds and rate, the slice."""
        return [{**self.tier_fact(i), "slice": digits(part)} for i, part in slices]
