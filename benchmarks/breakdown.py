"""Where `evaluate()`'s time goes, on the standard workload: by stage and by function.

    python benchmarks/breakdown.py                 # 200,000 deals
    python benchmarks/breakdown.py --deals 20000 --top 20

Stages are timed with the stages API (`CompiledPlan.credit`, then `CompiledPlan.earn`),
medians of the repeats, CPU time of the process, with the share of each the garbage
collector took (`gc.callbacks`); then the earning stage for the same payees without credits
(the fixed cost per payee) and the reference's time for scale. Last, one `evaluate()` under
cProfile: the functions with the most time of their own, as a share of the profiled total
(the profiler slows calls more than loops, so read the shares, not the seconds).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).parent))

# Sibling modules, found through the path set just above.
import reference
import workload

import salesperf as sp


class Collector:
    """CPU time the garbage collector takes while it is installed."""

    def __init__(self) -> None:
        self.spent = 0.0
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._start = time.process_time()
        else:
            self.spent += time.process_time() - self._start


def timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    """(CPU time, of which the collector's, result)."""
    gc.collect()
    collector = Collector()
    gc.callbacks.append(collector)
    try:
        start = time.process_time()
        result = fn()
        spent = time.process_time() - start
    finally:
        gc.callbacks.remove(collector)
    return spent, collector.spent, result


def stages(deals_count: int, repeats: int) -> list[tuple[str, float, float]]:
    """(stage, median seconds, median seconds in the collector) for each stage."""
    plan = sp.compile_plan(sp.loads_plan(workload.PLAN_FILE.read_text()))
    hierarchy = sp.Hierarchy.of(sp.Payee(rep) for rep in workload.rep_ids())
    amounts = workload.quotas(deals_count)
    quotas = [sp.Quota(rep, "revenue", "2026-Q1", a) for rep, a in amounts.items()]
    deals = list(workload.deals(deals_count))
    none = plan.credit([], "2026-Q1", hierarchy=hierarchy)
    runs: dict[str, list[tuple[float, float]]] = {}
    for _ in range(repeats):
        t, g, done = timed(lambda: plan.credit(deals, "2026-Q1", hierarchy=hierarchy))
        runs.setdefault("credit (crediting pass, sorting)", []).append((t, g))
        t, g, _ = timed(partial(plan.earn, cast("sp.Credited", done), quotas=quotas))
        runs.setdefault("earn (commission, SPIFF, payments, statements)", []).append((t, g))
        t, g, _ = timed(lambda: plan.earn(none, quotas=quotas))
        runs.setdefault("  of which fixed: earn for the same payees, no credits", []).append(
            (t, g))
        t, g, _ = timed(lambda: reference.run(deals, amounts))
        runs.setdefault("reference (the whole hand-written loop)", []).append((t, g))
        del done
    return [(name, statistics.median(t for t, _ in v), statistics.median(g for _, g in v))
            for name, v in runs.items()]


def functions(deals_count: int, top: int) -> list[tuple[float, int, str]]:
    """(share of the profiled total, calls, function) for the `top` functions by own time."""
    plan = sp.compile_plan(sp.loads_plan(workload.PLAN_FILE.read_text()))
    hierarchy = sp.Hierarchy.of(sp.Payee(rep) for rep in workload.rep_ids())
    quotas = [sp.Quota(rep, "revenue", "2026-Q1", a)
              for rep, a in workload.quotas(deals_count).items()]
    deals = list(workload.deals(deals_count))
    profile = cProfile.Profile()
    profile.enable()
    plan.evaluate(deals, "2026-Q1", hierarchy=hierarchy, quotas=quotas)
    profile.disable()
    stats = pstats.Stats(profile)
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in table.values())
    rows = sorted(table.items(), key=lambda kv: -kv[1][2])[:top]
    return [(row[2] / total, row[1], f"{Path(file).name}:{line}({name})")
            for (file, line, name), row in rows]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    rows = stages(args.deals, args.repeats)
    reference_time = rows[-1][1]
    print(f"{args.deals:,} deals, 1,000 payees; CPU time, medians of {args.repeats}")
    print(f"{'stage':56} {'s':>7} {'÷ ref':>6} {'in gc':>6}")
    for name, t, g in rows:
        print(f"{name:56} {t:7.3f} {t / reference_time:6.2f} {g / t if t else 0:6.0%}")
    fixed = rows[2][1] / 1_000 * 1e6
    print(f"fixed cost: {fixed:.1f} µs a payee")
    print(f"\n{'own time':>8} {'calls':>9}  function (one evaluate() under cProfile)")
    for share, calls, where in functions(args.deals, args.top):
        print(f"{share:8.1%} {calls:9,}  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
