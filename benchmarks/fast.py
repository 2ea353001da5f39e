"""Benchmark of the accelerated path (the `fast` extra): the hand-written Decimal loop
(`reference.py`), the pure engine and the accelerated path, in one process, same input.

    python benchmarks/fast.py                           # 20k, 200k and 1M deals, 5 repeats
    python benchmarks/fast.py --sizes 2000 --repeats 1  # a smoke run

For each size, in turn and several times: the reference over the deals, the pure engine's
`evaluate()`, `evaluate(..., accelerated=True)` over the same deals (Python dicts: their
conversion included) and over the same deals as NumPy columns (``amount`` in cents; making
the columns is not timed, as a host holding columns has them already). Every payee's
payable must equal the reference's total on every path, and the accelerated evaluation
must give the pure engine's statements. The report gives medians and the ratios to the
reference's median; the targets (issue 17) are ≤ 0.5× from records and ≤ 0.15× from
columns at 200,000 and 1,000,000 deals. The exit code is 2 when results differ and 1 when
a target is missed (unless --no-targets).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

# Sibling modules, found through the path set just above.
import reference
import workload

import salesperf as sp

RECORDS_TARGET = 0.5
COLUMNS_TARGET = 0.15
TARGET_SIZES = (200_000, 1_000_000)


def columns(deals: Sequence[dict[str, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    """The deals as columns: text, days, cents and flags."""
    return {
        "id": np.array([d["id"] for d in deals]),
        "date": np.array([d["date"] for d in deals], dtype="datetime64[D]"),
        "payee": np.array([d["payee"] for d in deals]),
        "amount": np.array([int(d["amount"].scaleb(2)) for d in deals], dtype=np.int64),
        "category": np.array([d["category"] for d in deals]),
        "region": np.array([d["region"] for d in deals]),
        "new_customer": np.array([d["new_customer"] for d in deals], dtype=bool),
    }


def summary(result: Any) -> tuple[list[tuple[Any, ...]], tuple[Any, ...], int]:
    """An evaluation's statements (payee, earned, payable, component totals), exclusions
    and number of credits."""
    return ([(s.payee, s.earned, s.payable, s.components) for s in result.statements],
            result.exclusions, len(result.credits))


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def bench(size: int, repeats: int) -> dict[str, Any]:
    deals = list(workload.deals(size))
    quotas = workload.quotas(size)
    cols = columns(deals)
    plan = sp.compile_plan(sp.loads_plan(workload.PLAN_FILE.read_text()))
    hierarchy = sp.Hierarchy.of(sp.Payee(rep) for rep in workload.rep_ids())
    quota_list = [sp.Quota(rep, "revenue", "2026-Q1", amount) for rep, amount in quotas.items()]
    if plan.explain_path():
        raise SystemExit(f"the plan takes the pure path: {plan.explain_path()}")

    def run(records: Any, accelerated: bool) -> sp.Evaluation:
        return plan.evaluate(records, "2026-Q1", hierarchy=hierarchy, quotas=quota_list,
                             accelerated=accelerated)

    runs: dict[str, Callable[[], object]] = {
        "reference": lambda: reference.run(deals, quotas),
        "pure": lambda: run(deals, False),
        "records": lambda: run(deals, True),
        "columns": lambda: run(cols, True),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    # What each path said, kept as plain values: no run's result stays alive during the
    # next run (a million credits held would make every collection of the next one dearer).
    results: dict[str, Any] = {}
    for _ in range(repeats):
        for name, fn in runs.items():
            t, out = timed(fn)
            times[name].append(t)
            results[name] = cast("tuple[Any, ...]", out)[0] if name == "reference" else summary(out)
            del out
    expected: dict[str, Decimal] = results["reference"]
    same = all(
        all(payable == expected.get(payee, 0) for payee, _, payable, _ in results[name][0])
        and len(results[name][0]) == len(workload.rep_ids())
        for name in ("pure", "records", "columns"))
    identical = all(results[name] == results["pure"] for name in ("records", "columns"))
    row: dict[str, Any] = {name: statistics.median(values) for name, values in times.items()}
    row.update(deals=size, same=same and identical)
    for name in ("pure", "records", "columns"):
        row[f"{name}_ratio"] = row[name] / row["reference"]
    return row


def report(rows: Sequence[dict[str, Any]]) -> str:
    head = (f"{'deals':>9} {'ref s':>7} {'pure s':>7} {'ratio':>5} {'records s':>9} "
            f"{'ratio':>5} {'columns s':>9} {'ratio':>5}  results")
    out = [head]
    out.extend(
        f"{r['deals']:>9,} {r['reference']:>7.3f} {r['pure']:>7.3f} "
                   f"{r['pure_ratio']:>5.2f} {r['records']:>9.3f} {r['records_ratio']:>5.2f} "
                   f"{r['columns']:>9.3f} {r['columns_ratio']:>5.2f}  "
        + ("identical" if r["same"] else "DIFFERENT") for r in rows)
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20000,200000,1000000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-targets", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        rows.append(bench(size, args.repeats))
        print(report(rows[-1:]) if len(rows) > 1 else report(rows), flush=True)
    if not all(r["same"] for r in rows):
        print("FAIL: the paths disagree", file=sys.stderr)
        return 2
    missed = [r for r in rows if r["deals"] in TARGET_SIZES and (
        r["records_ratio"] > RECORDS_TARGET or r["columns_ratio"] > COLUMNS_TARGET)]
    if missed:
        print(f"targets (≤ {RECORDS_TARGET}× from records, ≤ {COLUMNS_TARGET}× from columns) "
              f"missed at {', '.join(format(r['deals'], ',') for r in missed)} deals",
              file=sys.stderr)
        return 0 if args.no_targets else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
