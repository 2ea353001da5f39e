"""The demo: a real run over the example team shipped in the package.

`build_report` is pure (data in, text out) so that it is tested like the rest of the core; the
command line reads the shipped file and prints the report.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from typing import Any

from salesperf import metrics
from salesperf._conditions import AllOf, Eq
from salesperf._engine import Assignment, Quota, TargetIncentive, compile_plan
from salesperf._goals import Goal, RollupBy, Scorecard, evaluate_performance, rollup
from salesperf._money import ExchangeRate, ExchangeRates, Money, currency
from salesperf._periods import CalendarYear, FiscalYear, Grain, prorate
from salesperf._plans import (
    BoundBasis,
    Cap,
    Commission,
    CreditRule,
    KpiBonus,
    KpiItem,
    Plan,
    RateTable,
    Spiff,
    Tier,
)
from salesperf._records import Hierarchy, Payee, Record
from salesperf._scoring import Curve, RatingBand, RatingScale

QUARTERLY_QUOTA = Decimal(450_000)
TARGET_INCENTIVE = Decimal(12_000)


def load_example() -> dict[str, Any]:
    """The example team shipped with salesperf, as plain JSON data (numbers stay text)."""
    text = resources.files("salesperf").joinpath("_data/example_team.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return data


def example_plan() -> Plan:
    """The demo's plan: tiered commission with a cap, a SPIFF and a KPI bonus."""
    won = Eq("status", "won")
    return Plan(
        id="ae-2026",
        version=1,
        currency="USD",
        calendar=CalendarYear(),
        frequency=Grain.QUARTER,
        credit_rules=[
            CreditRule("services-at-half", where=AllOf([won, Eq("category", "services")]),
                       factor=Decimal("0.5")),
            CreditRule("won-deals", where=won),
        ],
        components=[
            Commission(
                "commission",
                RateTable([Tier(0, "0.03"), Tier("0.5", "0.05"), Tier(1, "0.08"),
                           Tier("1.5", "0.10")], basis=BoundBasis.ATTAINMENT),
                cap=Cap(earnings_at_attainment=Decimal(1), multiple=Decimal(3)),
            ),
            Spiff("cloud-new-logo", where=AllOf([Eq("category", "cloud"),
                                                 Eq("new_customer", True)]),
                  start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), amount=Decimal(250)),
            KpiBonus(
                "kpi-bonus",
                [KpiItem(metrics.win_rate(), Decimal("0.5")),
                 KpiItem(metrics.new_customers(), Decimal("0.5"))],
                curve=Curve([(0, 0), ("0.5", 0), (1, 1), ("1.5", "1.5")]),
            ),
        ],
    )


def example_inputs(data: Mapping[str, Any]) -> dict[str, Any]:
    """The demo's evaluation of the example team, as the keyword arguments of
    `CompiledPlan.evaluate`: records, the 2026-Q1 period, the hierarchy, assignments,
    quotas and target incentives prorated to each rep's days in the quarter, and the rates."""
    quarter = CalendarYear().parse("2026-Q1")
    home = currency(data["currency"])
    rates = ExchangeRates.of(
        ExchangeRate(r["base"], r["quote"], r["rate"], dt.date.fromisoformat(r["effective"]))
        for r in data["exchange_rates"]
    )
    people = [*data["managers"], *data["payees"]]
    hierarchy = Hierarchy.of(
        Payee(p["id"], p["name"], p.get("manager"), p.get("team"),
              dt.date.fromisoformat(p["start"]),
              dt.date.fromisoformat(p["end"]) if "end" in p else None)
        for p in people
    )
    reps = [hierarchy.payees[p["id"]] for p in data["payees"]]
    # A split deal belongs to the people its split names (its owner may be someone else).
    records = [Record.from_mapping({**d, "payees": sorted(d["split"])} if "split" in d
                                   else {**d, "payee": d["owner"]}) for d in data["deals"]]
    # Quotas and targets, prorated to each rep's days of employment in the quarter.
    quotas, incentives = [], []
    for rep in reps:
        share = prorate(quarter, rep.start, rep.end)
        quotas.append(Quota(rep.id, "revenue", str(quarter),
                            home.round(share.apply(QUARTERLY_QUOTA))))
        quotas.append(Quota(rep.id, "win rate", str(quarter), Decimal("0.75")))
        quotas.append(Quota(rep.id, "new customers", str(quarter), Decimal(4)))
        incentives.append(TargetIncentive(rep.id, str(quarter),
                                          home.round(share.apply(TARGET_INCENTIVE))))
    return {"records": records, "period": quarter, "hierarchy": hierarchy, "quotas": quotas,
            "assignments": [Assignment(r.id, r.start, r.end) for r in reps],
            "target_incentives": incentives, "rates": rates}


def build_report(data: Mapping[str, Any]) -> str:
    """Render the demo report for example data shaped like `load_example()`."""
    fiscal = FiscalYear(start_month=7)
    home = currency(data["currency"])
    given = example_inputs(data)
    quarter, hierarchy, rates = given["period"], given["hierarchy"], given["rates"]
    quotas, records = given["quotas"], given["records"]
    reps = [hierarchy.payees[p["id"]] for p in data["payees"]]

    fiscal_quarter = fiscal.format(fiscal.period(Grain.QUARTER, quarter.start))
    out = [f"salesperf demo — {data['description']}",
           (f"Quarter {quarter} ({quarter.start} to {quarter.last_day}), which is "
            f"{fiscal_quarter} in a {fiscal.describe()}."),
           ""]

    plan = compile_plan(example_plan())
    result = plan.evaluate(**given)
    credited: dict[str, Decimal] = defaultdict(Decimal)
    for c in result.credits:
        credited[c.payee] += c.amount
    quota_of = {q.payee: q.amount for q in quotas if q.measure == "revenue"}

    out.append(f"Plan {plan.plan.id} v{plan.plan.version}: marginal commission by attainment "
               "(3 % to 50 %, 5 % to 100 %, 8 % to 150 %, 10 % above), capped at 3× the "
               "commission at 100 %; a 250 USD SPIFF per new-logo cloud deal in March; a KPI "
               "bonus on win rate and new customers (50/50).")
    out.append(f"  {'rep':<14}{'credited':>14}{'quota':>13}{'att.':>8}{'commission':>12}"
               f"{'SPIFF':>8}{'KPI':>10}{'payable':>12}")
    for st in result.statements:
        name = hierarchy.payees[st.payee].name or st.payee
        parts = {t.component: t.earned for t in st.components}
        credit = home.round(credited[st.payee])
        att = credit / quota_of[st.payee]
        out.append(f"  {name:<14}{credit:>14,}{quota_of[st.payee]:>13,}{percent(att):>8}"
                   f"{parts['commission']:>12,}{parts['cloud-new-logo']:>8,}"
                   f"{parts['kpi-bonus']:>10,}{st.payable:>12,}")
    total = sum((s.payable for s in result.statements), Decimal(0))
    out.append(f"  {'team total':<14}{'':>65}{total:>12,}")
    reasons = Counter(e.reason.split(",")[0] for e in result.exclusions)
    out.append(f"  {len(records)} deals: {len({c.record for c in result.credits})} credited, "
               f"{len(result.exclusions)} excluded ("
               + "; ".join(f"{n} {why}" for why, n in sorted(reasons.items())) + ").")
    out.append("")

    best = max(result.statements, key=lambda s: (s.payable, s.payee))
    out.append("The top earner's statement, explained line by line (first lines):")
    text = best.explain().splitlines()
    out.extend([*text[:6], "    …", *[ln for ln in text if not ln.startswith("      ")][-3:]])
    out.append("")

    # The performance side: a 60/40 scorecard per rep, rated, ranked, rolled up by team.
    scale = RatingScale([RatingBand("1 below"), RatingBand("2 near", "0.7"),
                         RatingBand("3 meets", "0.9"), RatingBand("4 exceeds", "1.1"),
                         RatingBand("5 outstanding", "1.25")])
    cards = [
        Scorecard(f"{rep.id}-q1", [
            Goal("revenue", metrics.revenue(), quota_of[rep.id], quarter, rep.id,
                 weight=Decimal("0.6")),
            Goal("win rate", metrics.win_rate(), Decimal("0.75"), quarter, rep.id,
                 weight=Decimal("0.4")),
        ], curve=Curve([(0, 0), ("1.5", "1.5")]))
        for rep in reps
    ]
    report = evaluate_performance(
        [Record.from_mapping({**d, "payee": d["owner"], "amount": _usd(d, rates)})
         for d in data["deals"]],
        scorecards=cards, hierarchy=hierarchy, rating_scale=scale,
    )
    out.append("Scorecards (60 % revenue attainment, 40 % win rate against 75 %), "
               "leaderboard:")
    for entry in report.leaderboard:
        card = report.scorecard(entry.id)
        out.append(f"  {entry.rank:>2}. {hierarchy.payees[entry.id].name:<14} score "
                   f"{entry.value:.3f}  rating {card.rating}")
    payable = {s.payee: s.payable for s in result.statements}
    teams = rollup(payable, hierarchy, quarter, by=RollupBy.TEAM)
    out.append("Payable rolled up by team: "
               + ", ".join(f"{t} {v:,}" for t, v in teams.items()))
    return "\n".join(out)


def percent(fraction: Decimal) -> str:
    """A fraction as a whole percentage, written as salesperf writes every percentage:
    0.684 → '68 %'."""
    return f"{fraction * 100:.0f} %"


def _usd(deal: Mapping[str, Any], rates: ExchangeRates) -> Decimal:
    day = dt.date.fromisoformat(deal["date"])
    return rates.convert(Money.of(deal["amount"], deal["currency"]), "USD", day).amount
