"""The reference: a careful hand-written pure-Python loop with Decimal, no engine.

It computes exactly what the benchmark plan says — services credited at 50 %, marginal
commission tiers by attainment of the quarterly quota (0–50 %: 2 %, 50–100 %: 5 %,
100–150 %: 8 %, above: 10 %) on the cumulative credited amount in (close date, id) order,
capped per rep at 3× the commission at 100 %, a 250 SPIFF per new-customer cloud deal closed
in the quarter's third month (not capped) — with per-deal lines rounded cumulatively to
cents (ROUND_HALF_UP), as DESIGN.md says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
RATES = (Decimal("0.02"), Decimal("0.05"), Decimal("0.08"), Decimal("0.10"))
BOUNDS = (Decimal(0), Decimal("0.5"), Decimal(1), Decimal("1.5"))
HALF = Decimal("0.5")
SPIFF = Decimal(250)
THIRD_MONTH = dt.date(2026, 3, 1)
QUARTER_END = dt.date(2026, 4, 1)


def commission(x: Decimal, bounds: tuple[Decimal, ...]) -> Decimal:
    """Marginal tiers: each slice of x at its own tier's rate."""
    total = Decimal(0)
    for i in range(4):
        lo = bounds[i]
        if x <= lo:
            break
        hi = bounds[i + 1] if i < 3 else None
        top = x if hi is None or x < hi else hi
        total += (top - lo) * RATES[i]
    return total


def run(deals: Iterable[Mapping[str, Any]],
        quotas: Mapping[str, Decimal]) -> tuple[dict[str, Decimal], list[tuple[str, str, Decimal]]]:
    """Per-rep totals and per-deal lines (deal id, component, rounded amount)."""
    by_rep: dict[str, list[tuple[dt.date, str, Decimal, bool]]] = {}
    for d in deals:
        amount = d["amount"]
        if d["category"] == "services":
            amount = amount * HALF
        spiff = (d["category"] == "cloud" and d["new_customer"]
                 and THIRD_MONTH <= d["date"] < QUARTER_END)
        by_rep.setdefault(d["payee"], []).append((d["date"], d["id"], amount, spiff))
    totals: dict[str, Decimal] = {}
    lines: list[tuple[str, str, Decimal]] = []
    for rep, items in by_rep.items():
        items.sort()
        quota = quotas[rep]
        bounds = tuple(b * quota for b in BOUNDS)
        cap = 3 * commission(quota, bounds)
        cumulative = Decimal(0)
        rounded_before = Decimal("0.00")
        spiffs = Decimal(0)
        for _, deal_id, amount, spiff in items:
            cumulative += amount
            earned = commission(cumulative, bounds)
            if earned > cap:  # noqa: PLR1730 - as a hand-written loop reads; min() is slower
                earned = cap
            rounded = earned.quantize(CENT, ROUND_HALF_UP)
            lines.append((deal_id, "commission", rounded - rounded_before))
            rounded_before = rounded
            if spiff:
                lines.append((deal_id, "spiff", SPIFF))
                spiffs += SPIFF
        totals[rep] = rounded_before + spiffs
    return totals, lines
