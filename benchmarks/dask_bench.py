"""Benchmark: salesperf.dask on a local cluster against one process, from Parquet files to
results written back to Parquet.

    python benchmarks/dask_bench.py                      # 1,000,000 deals, 1 and 2 workers
    python benchmarks/dask_bench.py --deals 5000000      # 5,000,000
    python benchmarks/dask_bench.py --deals 20000 --files 4   # a smoke run

The standard workload (workload.py: 1,000 reps, the benchmark plan) is written once to
Parquet files in a temporary folder. Each configuration runs in a fresh process of its own,
so that its peak memory is its own:

- ``single``: one process reads the files (pandas), evaluates with `CompiledPlan.evaluate`,
  makes the result rows (`salesperf.dask.frames`) and writes them to Parquet; `evaluate`
  alone is timed too.
- ``cluster`` with 1 or 2 workers (one thread each, processes on 127.0.0.1):
  `salesperf.dask.evaluate` over `dask.dataframe.read_parquet`, its results written with
  `Results.to_parquet`; the peak resident memory of each worker is sampled every 0.1 s.

Lines are written without traces (``traces=False``) everywhere: a trace per line is the
costly part of lines and is measured in benchmarks/run.py. Every run's statements are
checked equal to the single process's. Then the shuffle: the bytes and the time to pickle
and unpickle one partition's credits split by payee group, per record — what crosses the
network between machines.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import workload  # a sibling module, found through the path set just above

import salesperf as sp

PERIOD = "2026-Q1"


def write_parquet(deals: int, files: int, folder: Path) -> None:
    """The workload's deals as `files` Parquet files (amounts as decimal128, dates as date32)."""
    import pandas as pd

    per = -(-deals // files)
    generator = workload.deals(deals)
    for k in range(files):
        rows = [next(generator) for _ in range(min(per, deals - k * per))]
        pd.DataFrame(rows).to_parquet(folder / f"part-{k:03d}.parquet", index=False)


def setup(deals: int) -> tuple[sp.CompiledPlan, sp.Hierarchy, list[sp.Quota]]:
    plan = sp.compile_plan(sp.loads_plan(workload.PLAN_FILE.read_text()))
    hierarchy = sp.Hierarchy.of(sp.Payee(rep) for rep in workload.rep_ids())
    quotas = [sp.Quota(rep, "revenue", PERIOD, amount)
              for rep, amount in workload.quotas(deals).items()]
    return plan, hierarchy, quotas


def peak_rss_mib() -> float:
    """This process's peak resident memory (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_single(folder: Path, out: Path, deals: int) -> dict[str, Any]:
    import pandas as pd

    from salesperf.dask import frames

    plan, hierarchy, quotas = setup(deals)
    start = time.perf_counter()
    table = pd.concat([pd.read_parquet(f) for f in sorted(folder.glob("*.parquet"))])
    records = table.to_dict("records")
    del table
    read = time.perf_counter() - start
    start = time.perf_counter()
    evaluation = plan.evaluate(records, PERIOD, hierarchy=hierarchy, quotas=quotas)
    evaluated = time.perf_counter() - start
    made = frames(evaluation, traces=False)
    for name in ("statements", "lines", "credits", "exclusions"):
        getattr(made, name).to_parquet(out / f"{name}.parquet", index=False)
    total = time.perf_counter() - start + read
    return {"mode": "single", "read_s": read, "evaluate_s": evaluated, "total_s": total,
            "peak_mib": [peak_rss_mib()],
            "payable": str(sum(s.payable for s in evaluation.statements))}


def run_cluster(folder: Path, out: Path, deals: int, workers: int) -> dict[str, Any]:
    import dask.dataframe as dd
    import pandas as pd
    import psutil
    from distributed import Client, LocalCluster, get_task_stream

    import salesperf.dask as spd

    plan, hierarchy, quotas = setup(deals)
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address="127.0.0.1:0",
                      memory_limit=0) as cluster, Client(cluster) as client:
        client.run(lambda: __import__("salesperf.dask"))  # warm imports before timing
        pids = client.run(os.getpid)
        peaks = dict.fromkeys(pids.values(), 0)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                for pid in peaks:
                    with contextlib.suppress(psutil.Error):  # a worker that has just ended
                        peaks[pid] = max(peaks[pid], psutil.Process(pid).memory_info().rss)
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        start = time.perf_counter()
        with get_task_stream(client) as stream:
            records = dd.read_parquet(str(folder))
            results = spd.evaluate(plan, records, PERIOD, hierarchy=hierarchy, quotas=quotas,
                                   traces=False)
            results.to_parquet(str(out))
        total = time.perf_counter() - start
        tasks: dict[str, float] = {}  # seconds of work per kind of task, all workers
        for task in stream.data:
            kind = _kind(str(task["key"]))
            for step in task["startstops"]:
                if step["action"] == "compute":
                    tasks[kind] = tasks.get(kind, 0.0) + step["stop"] - step["start"]
                else:  # transfers, (de)serialisation, disk
                    name = f"({step['action']})"
                    tasks[name] = tasks.get(name, 0.0) + step["stop"] - step["start"]
        done.set()
        sampler.join()
    statements = pd.read_parquet(out / "statements")
    return {"mode": f"cluster-{workers}", "total_s": total, "partitions": records.npartitions,
            "tasks": tasks,
            "peak_mib": [p / 2**20 for p in peaks.values()],
            "payable": str(sum(map(sp.to_decimal, statements["payable"])))}


def _kind(key: str) -> str:
    """A task's kind, from its key: ('salesperf-credit-<token>-3', 0) → salesperf-credit."""
    name = key.strip("('\"").split("'")[0].split(",")[0]
    parts = [p for p in name.split("-") if not any(c.isdigit() for c in p)]
    return "-".join(parts).strip("_") or name


def shuffle_cost(folder: Path, deals: int, groups: int) -> dict[str, Any]:
    """Bytes and seconds per record to send one partition's credits, split by payee group,
    to other processes: detached, pickled and unpickled, as the cluster sends them."""
    import pandas as pd

    from salesperf.dask import group_of

    plan, hierarchy, _ = setup(deals)
    first = sorted(folder.glob("*.parquet"))[0]
    records = pd.read_parquet(first).to_dict("records")
    start = time.perf_counter()
    credited = plan.credit(records, PERIOD, hierarchy=hierarchy)
    credit_s = time.perf_counter() - start
    members: list[set[str]] = [set() for _ in range(groups)]
    for pid in hierarchy.payees:
        members[group_of(pid, groups)].add(pid)
    start = time.perf_counter()
    pieces = [credited.only(m).detached() for m in members]  # as the cluster sends them
    split_s = time.perf_counter() - start
    start = time.perf_counter()
    blobs = [pickle.dumps(p, protocol=5) for p in pieces]
    back = [pickle.loads(b) for b in blobs]  # noqa: S301 - our own data
    pickle_s = time.perf_counter() - start
    start = time.perf_counter()
    back[0].merge(*back[1:])
    merge_s = time.perf_counter() - start
    n = len(records)
    empty = len(pickle.dumps(credited.only(()).detached(), protocol=5))  # in every piece
    attached = len(pickle.dumps(credited.only(()), protocol=5))  # were the roster sent too
    return {"piece_bytes": empty, "attached_bytes": attached, "records": n, "groups": groups,
            "credit_us": credit_s / n * 1e6,
            "split_us": split_s / n * 1e6, "pickle_us": pickle_s / n * 1e6,
            "merge_us": merge_s / n * 1e6, "bytes_per_record": sum(map(len, blobs)) / n,
            "hierarchy_bytes": len(pickle.dumps(hierarchy, protocol=5))}


def child(args: argparse.Namespace) -> None:
    folder, out = Path(args.folder), Path(args.out)
    if args.mode == "single":
        result = run_single(folder, out, args.deals)
    elif args.mode == "shuffle":
        result = shuffle_cost(folder, args.deals, args.groups)
    else:
        result = run_cluster(folder, out, args.deals, int(args.workers))
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--workers", type=str, default="1,2")
    parser.add_argument("--mode", choices=["single", "cluster", "shuffle"])  # a child run
    parser.add_argument("--folder")
    parser.add_argument("--out")
    parser.add_argument("--groups", type=int, default=8)
    args = parser.parse_args()
    if args.mode:
        child(args)
        return
    with tempfile.TemporaryDirectory(prefix="salesperf-dask-bench-") as tmp:
        folder = Path(tmp) / "deals"
        folder.mkdir()
        start = time.perf_counter()
        write_parquet(args.deals, args.files, folder)
        print(f"{args.deals:,} deals written to {args.files} Parquet files in "
              f"{time.perf_counter() - start:.1f} s", flush=True)
        runs = [("single", 1), *(("cluster", int(w)) for w in args.workers.split(",") if w)]
        results = []
        for mode, workers in runs:
            out = Path(tmp) / f"out-{mode}-{workers}"
            out.mkdir()
            cmd = [sys.executable, __file__, "--mode", mode, "--folder", str(folder),
                   "--out", str(out), "--deals", str(args.deals), "--workers", str(workers)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
            if done.returncode:
                sys.exit(f"{mode} run failed:\n{done.stderr}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(result)
            peaks = ", ".join(f"{p:,.0f}" for p in result["peak_mib"])
            extra = (f" (read {result['read_s']:.1f} s, evaluate {result['evaluate_s']:.1f} s)"
                     if mode == "single" else f" ({result['partitions']} partitions)")
            print(f"{result['mode']:>10}: {result['total_s']:6.1f} s, "
                  f"{args.deals / result['total_s']:>9,.0f} deals/s{extra}; peak memory "
                  f"per process {peaks} MiB", flush=True)
            for kind, seconds in sorted(result.get("tasks", {}).items(), key=lambda x: -x[1]):
                if seconds < 0.05:
                    continue
                print(f"{'':>12}{kind:<36}{seconds:7.1f} s "
                      f"({seconds / args.deals * 1e6:6.1f} µs/deal)")
        same = len({r["payable"] for r in results}) == 1
        print(f"total payable {results[0]['payable']} in every run: {same}")
        cmd = [sys.executable, __file__, "--mode", "shuffle", "--folder", str(folder),
               "--out", tmp, "--deals", str(args.deals), "--groups", str(args.groups)]
        cost = json.loads(subprocess.run(cmd, capture_output=True, text=True,  # noqa: S603
                                         check=True).stdout.strip().splitlines()[-1])
        print(f"shuffle, one partition of {cost['records']:,} records into {cost['groups']} "
              f"groups: credit {cost['credit_us']:.1f} µs/record, split "
              f"{cost['split_us']:.2f} µs, pickle+unpickle {cost['pickle_us']:.2f} µs, merge "
              f"{cost['merge_us']:.2f} µs, {cost['bytes_per_record']:.0f} bytes/record sent "
              f"(an empty piece is {cost['piece_bytes']:,} bytes sent detached, "
              f"{cost['attached_bytes']:,} with the roster: the hierarchy is "
              f"{cost['hierarchy_bytes']:,})")
        if not same:
            sys.exit(2)


if __name__ == "__main__":
    main()
