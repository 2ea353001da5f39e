"""What issue 17's remaining targets would need: two floors, measured on this machine.

    python benchmarks/floors.py

1. The fixed cost per payee (earning for 1,000 payees without credits, as `run.py`
   measures it) with the plan's own earners, and with every component's earner replaced by
   one that earns nothing: what is left is the evaluation's loop, the component totals,
   payments, `Lines` and `Statement` — the cost of a statement per payee before any rate
   table is built. CPU time, medians of nine.
2. The cost of formatting the figures a line of the standard workload writes, each once:
   seven decimals in plain digits (credit, share, factor, measure after, attainment after,
   slice, exact value), three amounts to the cent (credit, measure after, exact value), the
   attainment as a percentage, the date, and a trace's dict of twenty keys. The best of
   seven timings of 100,000 calls each.
"""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import sys
import time
import timeit
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

sys.path.insert(0, str(Path(__file__).parent))

import workload  # a sibling module, found through the path set just above

import salesperf as sp
from salesperf._engine.explain import money, pct, permille
from salesperf._plain import digits


class EarnsNothing:
    """An earner whose component earns nothing: no blocks, in any period."""

    def blocks(self, *args: Any) -> list[Any]:
        return []


def fixed_costs() -> tuple[float, float]:
    """µs a payee: the plan's earners, and earners that earn nothing."""
    plan = sp.compile_plan(sp.loads_plan(workload.PLAN_FILE.read_text()))
    reps = workload.rep_ids()
    hierarchy = sp.Hierarchy.of(sp.Payee(rep) for rep in reps)
    amounts = list(workload.quotas(20_000).values())
    quotas = [sp.Quota(rep, "revenue", "2026-Q1", amounts[i]) for i, rep in enumerate(reps)]
    credited = plan.credit([], "2026-Q1", hierarchy=hierarchy)
    nothing = attrs.evolve(plan, earners=tuple(EarnsNothing() for _ in plan.plan.components))

    def per_payee(compiled: sp.CompiledPlan) -> float:
        times = []
        for _ in range(9):
            gc.collect()
            start = time.process_time()
            compiled.earn(credited, quotas=quotas)
            times.append(time.process_time() - start)
        return statistics.median(times) / len(reps) * 1e6

    return per_payee(plan), per_payee(nothing)


def formatting() -> dict[str, float]:
    """µs a call of each formatting step a line takes, and the line's sum."""
    x, share = Decimal("183984.37"), Decimal("0.3641812549485352335708630245447348")
    day = dt.date(2026, 2, 7)

    def best(fn: Callable[[], object]) -> float:
        return min(timeit.repeat(fn, number=100_000, repeat=7)) * 10  # µs a call

    steps = {"digits": best(lambda: digits(x)), "money": best(lambda: money(x)),
             "percentage": best(lambda: pct(permille(share))),
             "date": best(day.isoformat),
             "dict": best(lambda: {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7,
                                   "h": 8, "i": 9, "j": 10, "k": 11, "l": 12, "m": 13,
                                   "n": 14, "o": 15, "p": 16, "q": 17, "r": 18, "s": 19,
                                   "t": 20})}
    steps["a line"] = (7 * steps["digits"] + 3 * steps["money"] + steps["percentage"]
                       + steps["date"] + steps["dict"])
    return steps


def main() -> int:
    own, nothing = fixed_costs()
    print(f"fixed cost: {own:.1f} µs a payee with the plan's earners, {nothing:.1f} µs with "
          "earners that earn nothing (totals, payments, statements)")
    steps = formatting()
    print("formatting, µs a call: " + ", ".join(f"{name} {value:.2f}"
                                                for name, value in steps.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
