"""Documents that grow along one dimension, and the work salesperf does on them, for the
cost property (`test_cost.py`) and its benchmark (`benchmarks/cost.py`).

Work is counted, not timed: the Python and built-in function calls made while a request
is loaded, evaluated, and every line explained and written (`work`). It is exact and the
same on any machine, so a test can hold it to a bound without flaking.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import salesperf as sp

ROOT = Path(__file__).parent.parent


def _example() -> dict[str, Any]:
    doc = sp.loads_json((ROOT / "examples" / "request.json").read_text("utf-8"))
    assert isinstance(doc, dict)
    return doc


def records(n: int, cycle: int = 216) -> dict[str, Any]:
    """The example request with n records: its first `cycle` records (all 216 by default),
    repeated with new ids and dates, so that sizes that are multiples of `cycle` hold the same
    mix of records."""
    doc = _example()
    own = doc["records"][:cycle]
    doc["records"] = [{**own[i % len(own)], "id": f"R-{i}",
                       "date": f"2026-{1 + i % 3:02d}-{1 + i % 28:02d}"} for i in range(n)]
    return doc


def payees(n: int) -> dict[str, Any]:
    """n payees with a quota and a target each, and a deal each."""
    doc = records(n, cycle=12)
    doc["payees"] = [{"id": f"rep-{i}"} for i in range(n)]
    doc["assignments"] = [{"payee": f"rep-{i}"} for i in range(n)]
    doc["quotas"] = [{"payee": f"rep-{i}", "measure": m, "period": "2026-Q1", "amount": a}
                     for i in range(n) for m, a in (("revenue", "100000"), ("win rate", "0.5"),
                                                     ("new customers", "3"),
                                                     ("csat target", "4"))]
    doc["target_incentives"] = [{"payee": f"rep-{i}", "period": "2026-Q1", "amount": "5000"}
                                for i in range(n)]
    for i, r in enumerate(doc["records"]):
        r.pop("split", None)
        r["payee"] = f"rep-{i}"
    return doc


def tiers(n: int) -> dict[str, Any]:
    """The example plan with n commission tiers."""
    doc = records(200)
    (plan,) = doc["plans"]
    plan["components"][0]["rates"]["tiers"] = [
        {"lower": str(Decimal(i) / 10), "rate": f"0.{1 + i % 9}"} for i in range(n)]
    return doc


def conditions(n: int) -> dict[str, Any]:
    """A crediting rule with an `any` of n conditions."""
    doc = records(200)
    (plan,) = doc["plans"]
    plan["credit_rules"][-1]["where"] = {"any": [
        {"field": "customer", "eq": f"C-{i:03d}"} for i in range(n)]}
    return doc


def growth(n: int) -> dict[str, Any]:
    """A KPI item whose metric is growth of growth of … n levels deep."""
    doc = records(200)
    (plan,) = doc["plans"]
    metric: dict[str, Any] = {"kind": "measure", "name": "revenue"}
    for level in range(n):
        metric = {"kind": "growth", "name": f"g{level}", "metric": metric}
    items = plan["components"][2]["items"]
    items[0] = {**items[0], "metric": metric, "target": "win rate"}
    plan["components"][2]["missing"] = "zero"
    return doc


SHAPES: dict[str, Callable[[int], dict[str, Any]]] = {
    "records": records, "payees": payees, "tiers": tiers, "conditions": conditions,
    "growth": growth,
}


def run(doc: dict[str, Any]) -> None:
    """What a service does with a request: load, evaluate, explain every line, respond."""
    text = json.dumps(doc)
    request, recs = sp.loads_request(text)
    evaluation = request.evaluate(recs)
    for statement in evaluation.statements:
        for line in statement.lines:
            _ = line.explanation, line.trace
    json.dumps(sp.response_document(evaluation))


def work(doc: dict[str, Any]) -> int:
    """The function calls `run` makes on `doc`."""
    calls = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        run(doc)
    finally:
        sys.setprofile(None)
    return calls


def seconds(doc: dict[str, Any]) -> float:
    started = time.perf_counter()
    run(doc)
    return time.perf_counter() - started
