"""The demo: a real run over the example team shipped in the package.

`build_report` is pure (data in, text out) so that it is tested like the rest of the core; the
command line reads the shipped file and prints the report.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from typing import Any

from salesperf._money import ExchangeRate, ExchangeRates, Money, currency, round_cumulative
from salesperf._periods import CalendarYear, FiscalYear, Grain, ProrationBasis, prorate


def load_example() -> dict[str, Any]:
    """The example team shipped with salesperf, as plain JSON data (numbers stay text)."""
    text = resources.files("salesperf").joinpath("_data/example_team.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return data


def build_report(data: Mapping[str, Any]) -> str:
    """Render the demo report for example data shaped like `load_example()`."""
    out: list[str] = []
    cal = CalendarYear()
    fiscal = FiscalYear(start_month=7)
    home = currency(data["currency"])
    rates = ExchangeRates.of(
        ExchangeRate(r["base"], r["quote"], r["rate"], dt.date.fromisoformat(r["effective"]))
        for r in data["exchange_rates"]
    )
    quarter = cal.parse("2026-Q1")
    out.append(f"salesperf demo — {data['description']}")
    out.append(f"Quarter {quarter} ({quarter.start} to {quarter.last_day}); also "
               f"{fiscal.format(fiscal.period(Grain.QUARTER, quarter.start))} in a "
               f"{fiscal.describe()}.")
    out.append("")

    # Won deals, converted exactly into the home currency at the rate effective on each
    # deal's date, bucketed by month.
    by_owner: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    by_month: dict[str, Decimal] = defaultdict(Decimal)
    for deal in sorted(data["deals"], key=lambda d: (d["date"], d["id"])):
        if deal["status"] != "won":
            continue
        day = dt.date.fromisoformat(deal["date"])
        usd = rates.convert(Money.of(deal["amount"], deal["currency"]), home, day).amount
        by_owner[deal["owner"]].append((deal["id"], usd))
        by_month[str(cal.period(Grain.MONTH, day))] += usd

    out.append("Won bookings by month (converted to USD on each deal's date):")
    out.extend(f"  {month}  {home.round(by_month[str(month)]):>14,} USD"
               for month in quarter.subperiods(Grain.MONTH))
    out.append("")

    out.append("Bookings per rep, rounded cumulatively (deal lines add up to the total), "
               "with a 600,000 USD quarterly quota prorated to each rep's employment:")
    out.append(f"  {'rep':<14}{'deals':>6}{'bookings':>15}{'quota':>15}  proration")
    holidays = {dt.date.fromisoformat(h) for h in data["holidays"]}
    for payee in data["payees"]:
        lines = round_cumulative((amount for _, amount in by_owner[payee["id"]]), home)
        share = prorate(
            quarter,
            dt.date.fromisoformat(payee["start"]),
            dt.date.fromisoformat(payee["end"]) if "end" in payee else None,
        )
        working = prorate(
            quarter,
            dt.date.fromisoformat(payee["start"]),
            dt.date.fromisoformat(payee["end"]) if "end" in payee else None,
            basis=ProrationBasis.WORKING_DAYS,
            holidays=holidays,
        )
        quota = home.round(share.apply(Decimal(600_000)))
        note = "full quarter" if share.active == share.total else f"{share}; {working}"
        out.append(f"  {payee['name']:<14}{len(lines):>6}{sum(lines, Decimal(0)):>15,}"
                   f"{quota:>15,}  {note}")
    return "\n".join(out)
