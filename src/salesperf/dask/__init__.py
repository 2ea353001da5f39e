"""Evaluate a compiled plan on a Dask cluster, with the results one process gives.

Needs the `dask` extra (``pip install 'salesperf[dask]'``: Dask with its distributed
scheduler, and pandas); importing this module without them raises an `ImportError` that
says so. `salesperf` itself never imports it.

`evaluate` takes a Dask DataFrame (from Parquet files, say) or Bag of records, partitioned
any way, and returns `Results`: the statements, lines, credits, exclusions and per-partition
counts as Dask DataFrames, to write to Parquet or `gather` here. `frames` turns an
evaluation made in one process into the same frames, to compare. See docs/cluster.md.
"""

from __future__ import annotations

try:
    import dask.bag
    import dask.dataframe
    import pandas
except ImportError as err:  # pragma: no cover - tests/test_dask.py runs it in a subprocess
    raise ImportError("salesperf.dask needs Dask and pandas: pip install 'salesperf[dask]'"
                      ) from err

from ._graph import NAMES, Results, evaluate, group_of
from ._rows import COLUMNS, ORDER, Frames, frames

__all__ = ["COLUMNS", "NAMES", "ORDER", "Frames", "Results", "evaluate", "frames", "group_of"]

del dask, pandas
