"""Cost of load + evaluate + explain as a request grows along one dimension.

    .venv/bin/python benchmarks/cost.py            # each shape at 1x, 2x, 4x, 8x its base size

For each shape of `tests/costs.py` (records, payees, tiers, conditions, nested growth),
prints the time (median of 3) and the work (function calls) per size, and the bound
measured: the largest ratio, over consecutive doublings, of the extra time (or work) of a
doubling to the previous one's — 2 for linear cost, 4 for quadratic. docs/documents.md
(*Limits*) gives the figures.
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

import itertools

from costs import SHAPES, seconds, work

BASE = {"records": 2_160, "payees": 480, "tiers": 100, "conditions": 120, "growth": 3}


def main() -> int:
    for shape, base in BASE.items():
        sizes = [base * 2**k for k in range(4)]
        times, works = [], []
        for n in sizes:
            doc = SHAPES[shape](n)
            times.append(statistics.median(seconds(doc) for _ in range(3)))
            works.append(work(doc))

        def bound(xs: Sequence[float]) -> float:
            steps = [b - a for a, b in itertools.pairwise(xs)]
            return max(b / a for a, b in itertools.pairwise(steps))

        print(f"{shape:<11}" + "  ".join(f"{n:>6,}: {t * 1000:7.0f} ms {w:>10,} calls"
                                          for n, t, w in zip(sizes, times, works, strict=True)))
        print(f"{'':<11}extra cost per doubling / the previous one's: time {bound(times):.2f}, "
              f"work {bound(works):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
