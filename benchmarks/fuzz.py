"""The fuzzing suite's long run: many more hostile documents than CI tries.

    .venv/bin/python benchmarks/fuzz.py                       # 20,000 documents, seed 0
    .venv/bin/python benchmarks/fuzz.py --documents 2000 --cli 50 --seed 7

Each document is a valid plan or request (tests/plans/valid, examples/) mutated at random
(`tests/fuzzing.py`), checked through the Python API — load, evaluate, explain every line,
write the response — from a mapping and from JSON text; `--cli` documents also go through
the command line. Prints the documents tried and every escape (an exception other than a
`SalesperfError`, or a traceback); exits 1 if anything escaped. docs/documents.md
(*Security*) gives the figure of the last run.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from salesperf._errors import shown

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

from fuzzing import (
    OUTCOMES,
    as_text,
    check_api,
    check_cli,
    hostile,
    mutate,
    seed_documents,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--cli", type=int, default=200, help="documents also run by the CLI")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    r = random.Random(args.seed)
    seeds = seed_documents()
    escapes: list[str] = []
    started = time.perf_counter()
    for n in range(args.documents):
        kind, doc = r.choice(seeds)
        if n % 10 == 0:
            mutated = hostile(r)
            escaped = check_api(kind, mutated)
        else:
            mutated = mutate(doc, r)
            escaped = (check_api(kind, None, as_text(mutated, r)) if n % 3 == 0
                       else check_api(kind, mutated))
        if escaped is not None:
            escapes.append(f"document {n}: {type(escaped).__name__}: {str(escaped)[:200]} "
                           f"for {shown(mutated)}")
            print(escapes[-1], flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.cli):
            kind, doc = r.choice(seeds)
            problem = check_cli(as_text(mutate(doc, r), r), Path(tmp),
                                "run" if kind == "request" else "validate")
            if problem is not None:
                escapes.append(problem)
    took = time.perf_counter() - started
    print(f"{args.documents:,} documents through the API and {args.cli:,} through the command "
          f"line in {took:.0f} s (seed {args.seed}): {len(escapes)} escapes")
    print("API outcomes: " + ", ".join(f"{n:,} {what}" for what, n in OUTCOMES.most_common()))
    for e in escapes[:50]:
        print("  " + e)
    return 1 if escapes else 0


if __name__ == "__main__":
    sys.exit(main())
