"""A real tenant's request: 100,000 payees and quotas, 1,000,000 records streamed from CSV.

    .venv/bin/python benchmarks/tenant.py                       # the sizes above
    .venv/bin/python benchmarks/tenant.py --payees 10000 --records 100000

Writes the request (payees, assignments, quotas, the plan in benchmarks/plan.json) as a JSON
document and the records as a CSV file in a temporary folder, then does what
`salesperf run request.json --records deals.csv` does: `loads_request` on the document,
`records_from_csv` over the open file (one row in memory at a time) into `request.evaluate`.
Then streams the response as JSON lines to a file (`write_response`, as `salesperf run
--format jsonl` does; `--no-traces` leaves out each line's trace and explanation).
Prints the time of each step and the peak memory of the process (ru_maxrss), and checks that
every record is accounted for. docs/documents.md (*Limits*) gives the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import salesperf as sp


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--payees", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--no-traces", action="store_true",
                        help="stream the response without each line's trace and explanation")
    args = parser.parse_args()
    r = random.Random(0)
    plan = json.loads((Path(__file__).parent / "plan.json").read_text("utf-8"))
    ids = [f"rep-{i:06d}" for i in range(args.payees)]
    with tempfile.TemporaryDirectory() as tmp:
        request_path, csv_path = Path(tmp) / "request.json", Path(tmp) / "deals.csv"
        request_path.write_text(json.dumps({
            "period": "2026-Q1", "plan": plan,
            "payees": [{"id": p} for p in ids],
            "quotas": [{"payee": p, "measure": "revenue", "period": "2026-Q1",
                        "amount": "250000"} for p in ids]}), "utf-8")
        with csv_path.open("w", encoding="utf-8") as out:
            out.write("id,date,payee,amount,category,region,new_customer\n")
            for i in range(args.records):
                out.write(f"D-{i},2026-{r.randint(1, 3):02d}-{r.randint(1, 28):02d},"
                          f"{ids[r.randrange(args.payees)]},{r.randint(50_000, 5_000_000) / 100},"
                          f"{r.choice(['cloud', 'services', 'software'])},emea,"
                          f"{r.choice(['true', 'false'])}\n")
        text_mb = request_path.stat().st_size / 1e6
        base = peak_mb()
        started = time.perf_counter()
        request, _ = sp.loads_request(request_path.read_text("utf-8"))
        loaded = time.perf_counter()
        after_load = peak_mb()
        mapping = sp.ColumnMapping(types={"new_customer": "boolean"})
        with csv_path.open(encoding="utf-8", newline="") as lines:
            evaluation = request.evaluate(sp.records_from_csv(lines, mapping))
        done = time.perf_counter()
        after_evaluation = peak_mb()
        # The service path: the response streamed as JSON lines to a file (`salesperf run
        # ... --format jsonl --no-traces --output response.jsonl`).
        response_path = Path(tmp) / "response.jsonl"
        with response_path.open("w", encoding="utf-8") as out:
            entries = sp.write_response(evaluation, out, traces=not args.no_traces)
        streamed = time.perf_counter()
        after_stream = peak_mb()  # before the check below makes every `Credit`
        response_mb = response_path.stat().st_size / 1e6
    accounted = {c.record for c in evaluation.credits} | {e.record for e in evaluation.exclusions}
    print(f"request of {len(request.payees):,} payees and {len(request.quotas):,} quotas "
          f"({text_mb:.1f} MB of JSON): loaded in {loaded - started:.1f} s; peak memory "
          f"{after_load:,.0f} MB (before loading: {base:,.0f} MB)")
    print(f"{args.records:,} records streamed from CSV and evaluated in {done - loaded:.1f} s; "
          f"peak memory {after_evaluation:,.0f} MB; every record accounted for: "
          f"{len(accounted) == args.records}")
    print(f"response streamed as JSON lines ({entries:,} entries, {response_mb:,.0f} MB, "
          f"{'with' if not args.no_traces else 'without'} traces) in {streamed - done:.1f} s "
          f"({(streamed - done) / (done - loaded):.2f}× the evaluation); peak memory "
          f"{after_stream:,.0f} MB (after the evaluation: {after_evaluation:,.0f} MB)")
    return 0 if len(accounted) == args.records else 2


if __name__ == "__main__":
    sys.exit(main())
