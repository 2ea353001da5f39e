"""Ready-made metric definitions for what sales teams track most.

Each function returns a plain metric definition (data, not code) that you can use as it is or
adjust: field names and status values are parameters, because every CRM names them its own way.

>>> import salesperf.metrics as m
>>> m.win_rate().name
'win rate'
"""

from __future__ import annotations

from collections.abc import Sequence

from salesperf._conditions import AllOf, Condition, Eq, In
from salesperf._metrics import Aggregation, Measure, Ratio, Supplied

__all__ = [
    "average_deal_size",
    "customer_satisfaction",
    "new_customers",
    "retention_rate",
    "revenue",
    "win_rate",
]


def _won(status_field: str, won: str, where: Condition | None) -> Condition:
    base = Eq(status_field, won)
    return base if where is None else AllOf([base, where])


def revenue(*, status_field: str = "status", won: str = "won", field: str = "amount",
            where: Condition | None = None) -> Measure:
    """Sum of `field` over won records."""
    return Measure("revenue", Aggregation.SUM, field, _won(status_field, won, where))


def new_customers(*, customer_field: str = "customer", flag_field: str = "new_customer",
                  status_field: str = "status", won: str = "won") -> Measure:
    """Distinct customers among won records flagged as new business."""
    return Measure("new customers", Aggregation.DISTINCT_COUNT, customer_field,
                   AllOf([Eq(status_field, won), Eq(flag_field, True)]))


def customer_satisfaction(name: str = "customer satisfaction") -> Supplied:
    """A score the host measures itself (CSAT, NPS), supplied per owner and period."""
    return Supplied(name)


def retention_rate(*, kind_field: str = "kind", renewal: str = "renewal",
                   status_field: str = "status", won: str = "won",
                   closed: Sequence[str] = ("won", "lost")) -> Ratio:
    """Renewals won over renewals closed (won or lost)."""
    renewals = Eq(kind_field, renewal)
    return Ratio(
        "retention rate",
        Measure("renewals won", Aggregation.COUNT, where=AllOf([renewals, Eq(status_field, won)])),
        Measure("renewals closed", Aggregation.COUNT,
                where=AllOf([renewals, In(status_field, tuple(closed))])),
    )


def win_rate(*, status_field: str = "status", won: str = "won",
             closed: Sequence[str] = ("won", "lost")) -> Ratio:
    """Deals won over deals closed (won or lost)."""
    return Ratio(
        "win rate",
        Measure("deals won", Aggregation.COUNT, where=Eq(status_field, won)),
        Measure("deals closed", Aggregation.COUNT, where=In(status_field, tuple(closed))),
    )


def average_deal_size(*, status_field: str = "status", won: str = "won",
                      field: str = "amount") -> Measure:
    """Average `field` of won deals."""
    return Measure("average deal size", Aggregation.AVERAGE, field, Eq(status_field, won))
