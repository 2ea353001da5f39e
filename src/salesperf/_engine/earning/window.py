"""What every component reads over a payee's window: its credits, attainment and caps."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from salesperf._engine.crediting import AMOUNT, CreditRow, Credits
from salesperf._engine.inputs import Year
from salesperf._errors import DataError
from salesperf._money import DECIMAL_CONTEXT
from salesperf._plans import Cap

__all__ = ["Memory", "attainment", "between", "cap_limit", "total"]

#: What each credit of a payee earned on a component, by (record, rule, kind): read by the
#: clawbacks that take a share of it back, filled only where a clawback will read it.
Memory = dict[tuple[str, str, str], Decimal]

_ZERO = Decimal(0)
_ADD = DECIMAL_CONTEXT.add
_MUL = DECIMAL_CONTEXT.multiply
_DIV = DECIMAL_CONTEXT.divide


def between(bucket: list[CreditRow], start: dt.date, end: dt.date) -> list[CreditRow]:
    """The credits dated in [start, end), found by bisection (credits are sorted by date);
    the bucket itself (not a copy) when all of its credits are."""
    lo, hi = bisect.bisect_left(bucket, (start,)), bisect.bisect_left(bucket, (end,))
    return bucket if lo == 0 and hi == len(bucket) else bucket[lo:hi]


def total(values: Iterable[Decimal]) -> Decimal:
    """The exact sum of some values."""
    out = _ZERO
    for v in values:
        out = _ADD(out, v)
    return out


def attainment(pid: str, measure: str, k: int, to_date: bool, year: Year, credited: Credits,
               who: str) -> tuple[Decimal, Decimal, Decimal]:
    """(credited, quota, attainment) of a measure over the window through period `k`."""
    window = year.window(k, to_date)
    amount = total(c[AMOUNT] for c in between(credited.of(pid, measure), window.start,
                                               window.end))
    quota = year.quota(pid, measure, k, to_date, who)
    if quota == 0:
        raise DataError(None, "quotas", f"the quota of payee {pid!r} for {measure!r} in "
                        f"{window} is 0, so attainment is undefined; {who} needs it")
    return amount, quota, _DIV(amount, quota)


def cap_limit(cap: Cap | None, pays: Callable[[Decimal], Decimal], quota: Decimal | None,
              pid: str, comp: str, k: int, to_date: bool, year: Year) -> Decimal | None:
    """The lowest of a cap's limits for a window, or None without a cap (a cap per record
    applies line by line, not here). `pays(x)` is what the component pays at measure x."""
    if cap is None:
        return None
    limits = []
    if cap.per_period is not None:
        limits.append(cap.per_period)
    if cap.target_incentive_multiple is not None:
        incentive = year.incentive(pid, comp, k, to_date)
        limits.append(_MUL(cap.target_incentive_multiple, incentive))
    if cap.earnings_at_attainment is not None and quota is not None:
        limits.append(_MUL(cap.multiple, pays(_MUL(cap.earnings_at_attainment, quota))))
    return min(limits) if limits else None
