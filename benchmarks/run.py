"""Benchmark: salesperf against a hand-written Decimal loop, in one process, same input.

    python benchmarks/run.py                      # 200,000 deals, then 20k and 1M scaling
    python benchmarks/run.py --deals 20000 --repeats 3 --sizes ""
    python benchmarks/run.py --deals 2000 --repeats 1 --sizes "" --no-targets   # a smoke run

For each size: both implementations run alternately on the same list of deals, several
times; the per-rep totals must be identical; the report gives the median of each, the ratio
engine/reference, deals per second, peak memory (tracemalloc, in separate runs) and the cost
of reading every line's trace and explanation. Targets: engine ≤ 1.25× the reference's median
time and ≤ 2× its peak memory. The exit code is 1 when a target is missed (unless
--no-targets) and 2 when the results differ.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

# Sibling modules, found through the path set just above.
import reference
import workload

import salesperf as sp

TIME_TARGET = Decimal("1.25")
MEMORY_TARGET = Decimal(2)


def engine_setup(deals: int) -> Callable[[Any], sp.Evaluation]:
    """The benchmark plan, compiled once, and a function evaluating it over some deals."""
    plan = sp.compile_plan(sp.loads_plan(workload.PLAN_FILE.read_text()))
    hierarchy = sp.Hierarchy.of(sp.Payee(rep) for rep in workload.rep_ids())
    quotas = [sp.Quota(rep, "revenue", "2026-Q1", amount)
              for rep, amount in workload.quotas(deals).items()]

    def run(records: Any) -> sp.Evaluation:
        return plan.evaluate(records, "2026-Q1", hierarchy=hierarchy, quotas=quotas)

    return run


def same_totals(result: sp.Evaluation, expected: dict[str, Decimal]) -> bool:
    """Every rep's payable equals the reference's total (0 for a rep without deals)."""
    return all(s.payable == expected.get(s.payee, 0) for s in result.statements) and len(
        result.statements) == len(workload.rep_ids())


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def peak_memory(fn: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


def read_lines(result: sp.Evaluation) -> Decimal:
    """Make every statement line (record, exact value, rounded amount), without traces."""
    return sum((line.amount for st in result.statements for line in st.lines), Decimal(0))


def read_everything(result: sp.Evaluation) -> int:
    """Make every line, trace and explanation, and every credit (what a full export does)."""
    n = 0
    for st in result.statements:
        for line in st.lines:
            trace, text = line.details()
            n += len(text) + len(trace)
    n += len(result.credits) + len(result.exclusions)
    return n


def bench(deals_count: int, repeats: int, *, memory: bool) -> dict[str, Any]:
    deals = list(workload.deals(deals_count))
    quotas = workload.quotas(deals_count)
    engine = engine_setup(deals_count)
    ref_times: list[float] = []
    eng_times: list[float] = []
    same = True
    for _ in range(repeats):
        t, out = timed(lambda: reference.run(deals, quotas))
        ref_times.append(t)
        ref_totals: dict[str, Decimal] = out[0]  # type: ignore[index]
        del out  # nothing from one run stays alive during the next
        t, result = timed(lambda: engine(deals))
        eng_times.append(t)
        same = same and same_totals(result, ref_totals)  # type: ignore[arg-type]
        del result
    final = engine(deals)
    accounted = len({c.record for c in final.credits}) + len(
        {e.record for e in final.exclusions}) == deals_count
    lines_time, lines_total = timed(partial(read_lines, final))
    # The lines add up to what the statements say was earned.
    accounted = accounted and lines_total == sum((s.earned for s in final.statements),
                                                 Decimal(0))
    read_time, _ = timed(partial(read_everything, final))
    del final
    streamed = same_totals(engine(workload.deals(deals_count)), ref_totals)  # read once
    row: dict[str, Any] = {
        "deals": deals_count,
        "reference": statistics.median(ref_times),
        "engine": statistics.median(eng_times),
        "same_totals": same and streamed,
        "accounted": accounted,
        "lines": lines_time,
        "read_all": read_time,
    }
    row["ratio"] = row["engine"] / row["reference"]
    if memory:
        row["ref_peak"] = peak_memory(lambda: reference.run(deals, quotas))
        row["eng_peak"] = peak_memory(lambda: engine(deals))
        row["memory_ratio"] = row["eng_peak"] / row["ref_peak"]
    return row


def report(rows: Sequence[dict[str, Any]]) -> str:
    head = (f"{'deals':>9} {'reference s':>12} {'engine s':>9} {'ratio':>6} {'deals/s':>10} "
            f"{'ref MiB':>8} {'eng MiB':>8} {'mem':>5} {'lines s':>8} {'read all s':>10}  "
            "results")
    out = [head]
    for r in rows:
        mem = (f"{r['ref_peak'] / 2**20:>8.1f} {r['eng_peak'] / 2**20:>8.1f} "
               f"{r['memory_ratio']:>5.2f}") if "ref_peak" in r else f"{'':>8} {'':>8} {'':>5}"
        ok = "identical" if r["same_totals"] else "DIFFERENT"
        ok += ", every deal accounted for" if r["accounted"] else ", DEALS MISSING"
        out.append(f"{r['deals']:>9,} {r['reference']:>12.3f} {r['engine']:>9.3f} "
                   f"{r['ratio']:>6.2f} {r['deals'] / r['engine']:>10,.0f} {mem} "
                   f"{r['lines']:>8.3f} {r['read_all']:>10.3f}  {ok}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", default="20000,1000000",
                        help="more sizes to run for scaling, comma-separated ('' for none)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument("--no-targets", action="store_true",
                        help="report only; do not fail when a target is missed")
    args = parser.parse_args(argv)
    sizes = [args.deals] + [int(s) for s in args.sizes.split(",") if s.strip()]
    rows = []
    for size in sizes:
        repeats = args.repeats if size <= 200_000 else max(1, min(args.repeats, 3))
        rows.append(bench(size, repeats, memory=not args.no_memory))
        print(report(rows[-1:]) if len(rows) > 1 else report(rows), flush=True)
    if not all(r["same_totals"] and r["accounted"] for r in rows):
        print("FAIL: the engine and the reference disagree", file=sys.stderr)
        return 2
    missed = [r for r in rows if r["ratio"] > TIME_TARGET
              or r.get("memory_ratio", 0) > MEMORY_TARGET]
    if missed:
        sizes_missed = ", ".join(f"{r['deals']:,}" for r in missed)
        print(f"targets (time ≤ {TIME_TARGET}×, memory ≤ {MEMORY_TARGET}×) missed at "
              f"{sizes_missed} deals", file=sys.stderr)
        return 0 if args.no_targets else 1
    print(f"targets met: time ≤ {TIME_TARGET}× and memory ≤ {MEMORY_TARGET}× the reference")
    return 0


if __name__ == "__main__":
    sys.exit(main())
