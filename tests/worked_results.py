"""The worked example the tests of results out share (tables, pandas, charts, testing).

The worked example: a plan paying 10 % of revenue up to the quota (100,000) and 15 % above,
with a floor of 500 a quarter.
- ana: D-1 60,000 on 2026-02-03 earns 60,000 × 10 % = 6,000; D-2 70,000 on 2026-03-10 takes
  her from 60 % to 130 %: 40,000 × 10 % + 30,000 × 15 % = 8,500. Earned 14,500.
- ben: D-<3> 1,000.05 earns 100.005, paid 100.01 (half up); the floor lifts the quarter to
  500: a period line of 500 − 100.005 = 399.995, paid 399.99 so that the lines add to 500.
- zed is nobody's payee: D-4 is excluded with the reason "unknown payee 'zed'".

The performance report: ana won 70,000 + 50,000 = 120,000 against a goal of 100,000
(attainment 1.2), ben 90,000 (0.9); texts with ``&`` and ``<`` test escaping.
"""

from __future__ import annotations

import salesperf as sp

PLAN = sp.compile_plan(sp.Plan("ae", [sp.Commission("commission", sp.RateTable(
    [sp.Tier(0, "0.10"), sp.Tier(1, "0.15")], basis=sp.BoundBasis.ATTAINMENT), floor="500")]))
RECORDS = [{"id": "D-1", "date": "2026-02-03", "payee": "ana", "amount": "60000"},
           {"id": "D-2", "date": "2026-03-10", "payee": "ana", "amount": "70000"},
           {"id": "D-<3>", "date": "2026-03-01", "payee": "ben", "amount": "1000.05"},
           {"id": "D-4", "date": "2026-03-02", "payee": "zed", "amount": "10"}]
PAYEES = [sp.Payee("ana"), sp.Payee("ben")]
QUOTAS = [sp.Quota(p, "revenue", q, 100_000) for p in ("ana", "ben")
          for q in ("2026-Q1", "2026-Q2")]


def evaluation(period: str = "2026-Q1") -> sp.Evaluation:
    return PLAN.evaluate(RECORDS, period, payees=PAYEES, quotas=QUOTAS)


def performance() -> sp.PerformanceReport:
    """ana won 70,000 + 50,000 = 120,000 against 100,000 (attainment 1.2); ben 90,000 (0.9)."""
    deals = [{"id": i, "date": d, "payee": p, "status": "won", "amount": a}
             for i, d, p, a in (("A-1", "2026-01-14", "ana", "70000"),
                                ("A-2", "2026-02-09", "ana", "50000"),
                                ("B-1", "2026-02-11", "ben", "90000"))]
    q1 = sp.CalendarYear().parse("2026-Q1")
    metric = sp.Measure("won", sp.Aggregation.SUM, "amount", sp.Eq("status", "won"))
    cards = [sp.Scorecard("card & co", [sp.Goal("won <revenue>", metric, 100_000, q1, who)])
             for who in ("ana", "ben")]
    return sp.evaluate_performance(deals, scorecards=cards)
