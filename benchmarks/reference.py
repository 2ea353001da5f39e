"""The reference: a careful hand-written pure-Python loop with Decimal, no engine.

It computes exactly what the benchmark plan says — services credited at 50 %, marginal
commission tiers by attainment of the quarterly quota (0–50 %: 2 %, 50–100 %: 5 %,
100–150 %: 8 %, above: 10 %) on the cumulative credited amount in (close date, id) order,
capped per rep at 3× the commission at 100 %, a 250 SPIFF per new-customer cloud deal closed
in the quarter's third month (not capped) — with per-deal lines rounded cumulatively to
cents (ROUND_HALF_UP), as DESIGN.md says.

Careful means what someone who knows Python and Decimal would write for speed without
giving up exactness: one pass to group deals by rep, a sort per rep, the tier boundaries and
what each tier's start has earned worked out once per rep, and per deal only the arithmetic
of the tier it lands in. Like any hand-written loop it knows its data: amounts are
positive, so the cumulative amount only climbs through the tiers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
RATES = (Decimal("0.02"), Decimal("0.05"), Decimal("0.08"), Decimal("0.10"))
BOUNDS = (Decimal(0), Decimal("0.5"), Decimal(1), Decimal("1.5"))  # × quota
HALF = Decimal("0.5")
SPIFF = Decimal(250)
ZERO = Decimal(0)
THIRD_MONTH = dt.date(2026, 3, 1)
QUARTER_END = dt.date(2026, 4, 1)


def run(deals: Iterable[Mapping[str, Any]],
        quotas: Mapping[str, Decimal]) -> tuple[dict[str, Decimal], list[tuple[str, str, Decimal]]]:
    """Per-rep totals and per-deal lines (deal id, component, rounded amount)."""
    by_rep: dict[str, list[tuple[dt.date, str, Decimal, bool]]] = {}
    for d in deals:
        amount, category = d["amount"], d["category"]
        if category == "services":
            amount = amount * HALF
        spiff = (category == "cloud" and d["new_customer"]
                 and THIRD_MONTH <= d["date"] < QUARTER_END)
        items = by_rep.get(d["payee"])
        if items is None:
            items = by_rep[d["payee"]] = []
        items.append((d["date"], d["id"], amount, spiff))
    totals: dict[str, Decimal] = {}
    lines: list[tuple[str, str, Decimal]] = []
    line = lines.append
    for rep, items in by_rep.items():
        items.sort()
        quota = quotas[rep]
        lows = [b * quota for b in BOUNDS]  # where each tier starts, in amounts
        tops = [*lows[1:], None]
        starts = [ZERO]  # what the tiers below a tier's start pay in full
        for i in range(1, len(lows)):
            starts.append(starts[-1] + (lows[i] - lows[i - 1]) * RATES[i - 1])
        cap = 3 * starts[2]  # 3× the commission at exactly 100 % attainment
        tier, top = 0, tops[0]
        cumulative = ZERO
        rounded_before = Decimal("0.00")
        spiffs = ZERO
        for _, deal_id, amount, spiff in items:
            cumulative += amount
            while top is not None and cumulative >= top:
                tier += 1
                top = tops[tier]
            earned = starts[tier] + (cumulative - lows[tier]) * RATES[tier]
            if earned > cap:  # noqa: PLR1730 - as a hand-written loop reads; min() is slower
                earned = cap
            rounded = earned.quantize(CENT, ROUND_HALF_UP)
            line((deal_id, "commission", rounded - rounded_before))
            rounded_before = rounded
            if spiff:
                line((deal_id, "spiff", SPIFF))
                spiffs += SPIFF
        totals[rep] = rounded_before + spiffs
    return totals, lines
