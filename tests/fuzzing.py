"""Hostile documents for the fuzzing suite (`test_fuzzing.py`) and its long run
(`benchmarks/fuzz.py`): valid plans and requests mutated at random places, and values chosen
to hurt — huge and tiny numbers, deep nesting, long text, wrong types, floats, dates that do
not exist, duplicate keys.

Driven by a `random.Random`, so that hypothesis (through `st.randoms()`) and a plain seeded
loop share one mutator. `check_api` and `check_cli` say what escaped, if anything: only
`SalesperfError` subclasses may leave the API, and the command line exits 1 or 2 with a
message, never a traceback.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import salesperf as sp

ROOT = Path(__file__).parent.parent
PLANS = sorted((ROOT / "tests" / "plans" / "valid").glob("*.json"))


def _load(path: Path) -> Any:
    return sp.loads_json(path.read_text("utf-8"))


def seed_documents() -> list[tuple[str, Any]]:
    """The valid documents mutations start from: each valid plan, and the example request."""
    request = _load(ROOT / "examples" / "request.json")
    return [("plan", _load(p)) for p in PLANS] + [("request", request)]


def _nested(levels: int, leaf: object) -> object:
    value = leaf
    for i in range(levels):
        value = {"a": value} if i % 2 else [value]
    return value


#: Numbers at the edges of the limits: they load, and the evaluation must compute them.
EDGES = [Decimal("9.999999999999999999999999999999999E+30"), Decimal("1E-30"), Decimal("-1E+30"),
         Decimal("0"), Decimal("-0"), Decimal("0.000000000000000000000000000001"), Decimal(1),
         Decimal("1E+30"), Decimal("-1E-30")]

#: Values that hurt: each a function of the random source, so that sizes vary.
HOSTILE: list[Callable[[random.Random], object]] = [
    lambda r: r.choice(EDGES),
    lambda r: str(r.choice(EDGES)),
    lambda r: Decimal(f"1e{r.randint(25, 40)}"),
    lambda r: Decimal(f"9.{'9' * r.randint(20, 40)}e{r.randint(28, 31)}"),
    lambda r: Decimal(f"1e-{r.randint(25, 40)}"),
    lambda r: Decimal(f"-1e{r.randint(0, 32)}"),
    lambda r: Decimal("0E-50"),
    lambda r: Decimal("NaN") if r.random() < 0.5 else Decimal("-Infinity"),
    lambda r: 10 ** r.randint(17, 5_000),
    lambda r: -r.randint(1, 10**6),
    lambda r: 0,
    lambda r: r.choice([0.1, 1e308, float("nan"), -0.0, 2.5]),
    lambda r: "x" * r.choice([0, 1_001, 200_000]),
    lambda r: r.choice(["2026-02-30", "2026-13-01", "0000-01-01", "9999-12-31", "2026-1-1",
                        "2026-02-29", "2024-02-29", "２０２６-01-01"]),
    lambda r: r.choice(["NaN", "-Infinity", "1e999999", "1_000", " 5 ", "0x10", "", "\x00"]),
    lambda r: _nested(r.choice([33, 500, 2_000]), "x"),
    lambda r: [r.random() < 0.5] * r.choice([0, 1_001]),
    lambda r: {str(i): i for i in range(r.choice([0, 3, 1_001]))},
    lambda r: r.choice([None, True, False, [], {}, [[]], {"kind": "commission"}]),
    lambda r: dt.date(2026, 1, 1),
    lambda r: {"kind": r.choice(["measure", "growth", "ratio", "supplied", "spiff",
                                 "fiscal_year", "retail", "overlay", [], None])},
]


def hostile(r: random.Random) -> object:
    return r.choice(HOSTILE)(r)


def _places(doc: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every path into a document: the keys and indexes leading to each value."""
    out = [path]
    if len(path) > 40:  # the deeply nested values the mutator itself put there
        return out
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _places(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc[:40]):  # enough places; long record lists stay cheap
            out += _places(v, (*path, i))
    return out


def _parent(doc: Any, path: tuple[object, ...]) -> Any:
    for step in path[:-1]:
        doc = doc[step]
    return doc


def mutate(doc: Any, r: random.Random, times: int = 3) -> Any:
    """A copy of `doc` with up to `times` mutations: a value replaced by a hostile one or by
    another part of the document, a key removed or added, a list emptied or repeated."""
    doc = copy.deepcopy(doc)
    for _ in range(r.choice([1, 1, r.randint(1, times)])):
        places = _places(doc)[1:]
        if not places:
            return hostile(r)
        path = r.choice(places)
        parent, last = _parent(doc, path), path[-1]
        action = r.random()
        if action < 0.55:
            parent[last] = hostile(r)
        elif action < 0.65:  # another part of the document, even one around this place
            other = r.choice(places)
            try:
                parent[last] = copy.deepcopy(_parent(doc, other)[other[-1]])
            except RecursionError:  # a deeply nested hostile value
                parent[last] = hostile(r)
        elif action < 0.75 and isinstance(parent, dict):
            del parent[last]
        elif action < 0.85 and isinstance(parent, dict):
            parent[r.choice(["kind", "id", "x", "amount", "tiers", "rate", "missing"])] = (
                hostile(r))
        elif isinstance(parent[last], list) and parent[last]:
            parent[last] = parent[last] * r.choice([0, 2, 50])
        else:
            parent[last] = hostile(r)
    return doc


def as_text(doc: Any, r: random.Random) -> str:
    """`doc` as JSON text, sometimes with a key written twice or the text cut short."""
    try:
        text = _write(doc)
    except (TypeError, ValueError, RecursionError):  # a float NaN, a too-deep value
        return "{}"
    roll = r.random()
    if roll < 0.1 and text.startswith("{"):
        return '{"period": "2026-Q1", ' + text[1:]  # "period" may now appear twice
    if roll < 0.15:
        return text[: r.randint(0, len(text))]
    return text


def _write(doc: Any) -> str:
    def default(value: object) -> object:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    return json.dumps(doc, default=default)


def check_api(kind: str, doc: Any, as_json: str | None = None) -> BaseException | None:
    """Load (from the mapping, or from `as_json`), evaluate and explain every line; the
    exception that escaped if it is not a `SalesperfError`, else None."""
    try:
        if kind == "plan":
            plan = sp.loads_plan(as_json) if as_json is not None else sp.load_plan(doc)
            request, records = sp.load_request(_request_for(plan))
        else:
            request, records = (sp.loads_request(as_json) if as_json is not None
                                else sp.load_request(doc))
        evaluation = request.evaluate(records)
        for statement in evaluation.statements:
            statement.explain(traces=True)
            for line in statement.lines:
                _ = line.explanation, line.trace
        json.dumps(sp.response_document(evaluation))
        OUTCOMES["evaluated"] += 1
    except sp.SalesperfError:
        OUTCOMES["refused with a SalesperfError"] += 1
        return None
    except Exception as err:
        return err
    return None


_REQUEST: dict[str, Any] = {}
#: How the documents checked so far ended (for the long run's report).
OUTCOMES: Counter[str] = Counter()


def _request_for(plan: sp.Plan) -> dict[str, Any]:
    """The example request around a mutated plan: its records and payees, a period of the
    plan's calendar, and a quota and target incentive for each name the plan measures."""
    if not _REQUEST:
        base = _load(ROOT / "examples" / "request.json")
        for key in ("plans", "plan_id", "quotas", "target_incentives"):
            del base[key]
        _REQUEST.update(base)
    period = plan.calendar.period(plan.frequency, dt.date(2026, 3, 15))
    periods = [period]
    while len(periods) < 13:
        periods.append(periods[-1].previous())
    dumped = sp.dump_plan(plan)
    names = {"revenue"} | _names(dumped)
    payees = [p["id"] for p in _REQUEST["payees"]]
    fields = _fields(dumped)
    records = [{**fields, **r} for r in _REQUEST["records"]]
    return {**_REQUEST, "plan": dumped, "period": str(period), "records": records,
            "quotas": [{"payee": p, "measure": n, "period": str(q), "amount": "100000"}
                       for p in payees for n in sorted(names) for q in periods],
            "target_incentives": [{"payee": p, "period": str(q), "amount": "5000"}
                                  for p in payees for q in periods]}


def _fields(doc: object) -> dict[str, object]:
    """A value for each field the plan's conditions read, as its conditions spell one."""
    found: dict[str, object] = {}
    if isinstance(doc, dict):
        field = doc.get("field")
        if isinstance(field, str):
            value: object = Decimal(1)
            for op in ("eq", "ne", "in", "not_in", "between"):
                if op in doc:
                    given = doc[op]
                    value = given[0] if isinstance(given, list) and given else given
            found[field] = value
        for v in doc.values():
            found = {**_fields(v), **found}
    elif isinstance(doc, list):
        for v in doc:
            found = {**_fields(v), **found}
    return found


def _names(doc: object) -> set[str]:
    """Every measure and target a plan document names."""
    found: set[str] = set()
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k in ("measure", "target", "name") and isinstance(v, str):
                found.add(v)
            found |= _names(v)
    elif isinstance(doc, list):
        for v in doc:
            found |= _names(v)
    return found


def check_cli(text: str, tmp: Path, command: str = "run") -> str | None:
    """Run the command line on a request (`run`) or plan (`validate`) document; what went
    wrong (a traceback or an unexpected exit code), else None."""
    path = tmp / "document.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    done = subprocess.run([sys.executable, "-m", "salesperf", command, str(path)],
                          capture_output=True, text=True, check=False, timeout=120)
    if "Traceback" in done.stderr or done.returncode not in (0, 1, 2):
        return f"exit {done.returncode}: {done.stderr[-2000:]}"
    if done.returncode and not done.stderr.startswith("salesperf:"):
        return f"exit {done.returncode} without a message: {done.stderr[:200]!r}"
    return None
