"""The standard benchmark workload: deterministic, seeded deals, quotas and the plan.

1,000 reps; deals in one quarter with a close date, an amount (Decimal, 2 places,
500–50,000), one of 8 product categories, one of 5 regions and a new-customer flag.
Quarterly quotas of 2,400,000–9,600,000 spread attainment from about 40 % to about 220 %.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

CATEGORIES = ("software", "cloud", "services", "support", "hardware", "training",
              "security", "analytics")
REGIONS = ("na", "latam", "emea", "apac", "anz")
QUARTER_START = dt.date(2026, 1, 1)
QUARTER_DAYS = 90
PLAN_FILE = Path(__file__).with_name("plan.json")


def rep_ids(reps: int = 1_000) -> list[str]:
    return [f"rep-{i:04d}" for i in range(reps)]


def quotas(deals: int, reps: int = 1_000, seed: int = 7) -> dict[str, Decimal]:
    """Quarterly quota per rep, scaled with the number of deals so that attainment keeps
    spreading from about 40 % to about 220 % at every size (2.4M–9.6M at 200,000 deals)."""
    rng = random.Random(seed)
    scale = Decimal(deals) / Decimal(200_000)
    return {rep: (Decimal(rng.randrange(2_400_000, 9_600_001, 1_000)) * scale).quantize(
        Decimal("0.01")) for rep in rep_ids(reps)}


def deals(count: int, reps: int = 1_000, seed: int = 2026) -> Iterator[dict[str, Any]]:
    """`count` deals as plain dicts, generated lazily (the same sequence for the same seed)."""
    rng = random.Random(seed)
    ids = rep_ids(reps)
    for n in range(count):
        owner = ids[rng.randrange(reps)]
        yield {
            "id": f"D{n:07d}",
            "date": QUARTER_START + dt.timedelta(days=rng.randrange(QUARTER_DAYS)),
            "payee": owner,
            "amount": Decimal(rng.randrange(50_000, 5_000_001)).scaleb(-2),
            "category": CATEGORIES[rng.randrange(8)],
            "region": REGIONS[rng.randrange(5)],
            "new_customer": rng.random() < 0.3,
        }
