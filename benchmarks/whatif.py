"""Benchmark: a rep's what-if against a full evaluation with the hypothetical deal added.

    python benchmarks/whatif.py                         # 200,000 deals, 500 reps
    python benchmarks/whatif.py --deals 2000 --repeats 1  # a smoke run

The standard plan and workload (see workload.py), with the deals shared among `--reps` reps.
The host credits the period's deals once (`sp.Baseline.of`); each what-if then credits only
the hypothetical deal, merges it and earns for one rep, before and after. The alternative is
evaluating everyone again with the deal added. Both are timed several times on the same
inputs (median, garbage collected before each); the what-if's statement after must equal the
rep's statement in the full evaluation (exit 2 otherwise).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import workload  # a sibling module, found through the path set just above

import salesperf as sp


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=200_000)
    parser.add_argument("--reps", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    plan = sp.compile_plan(sp.loads_plan(workload.PLAN_FILE.read_text()))
    reps = workload.rep_ids(args.reps)
    hierarchy = sp.Hierarchy.of(sp.Payee(rep) for rep in reps)
    quotas = [sp.Quota(rep, "revenue", "2026-Q1", amount * 1_000 / args.reps)
              for rep, amount in workload.quotas(args.deals, args.reps).items()]
    deals = list(workload.deals(args.deals, args.reps))
    rep = reps[len(reps) // 2]
    extra = {"id": "WHATIF-1", "date": dt.date(2026, 3, 20), "payee": rep,
             "amount": Decimal("48000.00"), "category": "cloud", "region": "emea",
             "new_customer": True}

    def full() -> sp.Statement:
        return plan.evaluate([*deals, extra], "2026-Q1", hierarchy=hierarchy,
                             quotas=quotas).statement(rep)

    baseline_time, base = timed(lambda: sp.Baseline.of(plan, deals, "2026-Q1",
                                                       hierarchy=hierarchy, quotas=quotas), 1)
    assert isinstance(base, sp.Baseline)
    whatif_time, result = timed(lambda: sp.what_if(base, rep, [extra]), args.repeats * 10)
    full_time, statement = timed(full, args.repeats)
    assert isinstance(result, sp.WhatIf)
    assert isinstance(statement, sp.Statement)
    same = result.after.to_dict() == statement.to_dict()
    print(f"{args.deals:,} deals, {args.reps:,} reps; what-if of one deal for {rep} "
          f"(earns {result.records[0].earned:,}):")
    print(f"  full evaluate with the deal added  {full_time * 1000:10.1f} ms")
    print(f"  what-if on a baseline              {whatif_time * 1000:10.1f} ms  "
          f"({full_time / whatif_time:,.0f}× faster)")
    print(f"  baseline (credit the period once)  {baseline_time * 1000:10.1f} ms")
    print(f"  statement after equals the full evaluation's: {same}")
    return 0 if same else 2


if __name__ == "__main__":
    sys.exit(main())
