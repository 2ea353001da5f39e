"""Example data shipped inside the package, so that every example in the docs runs after
``pip install salesperf``, not only from a checkout.

The example is one team's first quarter of 2026: twelve account executives under two
managers, 216 deals in USD, EUR and JPY, and the plan ``ae-2026`` (a tiered commission with a
cap, a SPIFF and a KPI bonus). The same data comes in the forms a host meets it in:

- `plan` — the plan as frozen values; `plan_document` — the same plan as a plan document;
- `request_document` — an evaluation request (plan, payees, quotas, target incentives,
  exchange rates and records), and `request`, the same document loaded;
- `deals_csv` and `column_mapping` — the deals as a CRM's CSV export, and how its columns
  become record fields;
- `team` — the team as the demo reads it; `performance_request_document` — the review cycle
  `salesperf review` runs;
- `plan_text` — more plan documents as JSON text (`PLAN_DOCUMENTS` names them): an account
  executive's plan, fiscal-year accelerators, retail stores, a team scorecard bonus, and a
  plan with six mistakes, to see how problems are reported.

The files ``examples/request.json``, ``examples/plan.json``, ``examples/deals.csv`` and
``examples/columns.json`` of the repository hold the same data, for the command line's
walk-through; a test keeps them equal.

Each call returns fresh values: change them as you like.

>>> from salesperf import examples
>>> request, records = examples.request()
>>> request.period, request.chosen_plan().id, len(records)
('2026-Q1', 'ae-2026', 216)
>>> examples.plan() == request.chosen_plan()
True
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from salesperf._demo import example_plan, load_example
from salesperf._documents import dump_plan, loads_json
from salesperf._errors import DefinitionError, Problem
from salesperf._plans import Plan
from salesperf._records import Record
from salesperf._requests import ColumnMapping, EvaluationRequest, load_request

__all__ = [
    "PLAN_DOCUMENTS",
    "column_mapping",
    "deals_csv",
    "performance_request_document",
    "plan",
    "plan_document",
    "plan_text",
    "request",
    "request_document",
    "team",
]


#: The plan documents `plan_text` gives; the last has six mistakes.
PLAN_DOCUMENTS = ("account-executive", "fiscal-year-accelerators", "retail-stores",
                  "team-scorecard-bonus", "several-problems")


def _text(name: str) -> str:
    return resources.files("salesperf").joinpath(f"_data/{name}").read_text("utf-8")


def plan() -> Plan:
    """The example plan ``ae-2026``: a marginal commission by attainment (3 % to 50 %, 5 % to
    100 %, 8 % to 150 %, 10 % above) capped at 3× the commission at 100 %, a 250 USD SPIFF on
    new-logo cloud deals in March, and a KPI bonus on win rate and new customers.

    >>> [c.id for c in plan().components]
    ['commission', 'cloud-new-logo', 'kpi-bonus']
    """
    return example_plan()


def plan_document() -> dict[str, Any]:
    """`plan` as a plan document (plain data, as `dump_plan` writes it).

    >>> doc = plan_document()
    >>> doc["format"], doc["id"]
    ('salesperf.plan', 'ae-2026')
    """
    return dump_plan(example_plan())


def plan_text(name: str) -> str:
    """The JSON text of the example plan document `name`, one of `PLAN_DOCUMENTS`.

    >>> from salesperf import loads_plan
    >>> loads_plan(plan_text("retail-stores")).calendar.describe()
    '4-4-5 retail calendar ending on the Saturday last in January, named after the year it starts'
    """
    if name not in PLAN_DOCUMENTS:
        raise DefinitionError([Problem("name", f"no example plan {name!r}; the examples are "
                                       f"{', '.join(PLAN_DOCUMENTS)}")])
    return _text(f"examples/plans/{name}.json")


def request_document() -> dict[str, Any]:
    """The example evaluation request as plain data, numbers read exactly (`loads_json`).

    >>> doc = request_document()
    >>> doc["period"], doc["plan_id"], len(doc["payees"]), len(doc["records"])
    ('2026-Q1', 'ae-2026', 14, 216)
    """
    data: dict[str, Any] = loads_json(_text("examples/request.json"))
    return data


def request() -> tuple[EvaluationRequest, list[Record]]:
    """The example request loaded (`load_request`): the request and its 216 records."""
    return load_request(request_document())


def deals_csv() -> str:
    """The example deals as a CRM's CSV export: its own column names, one deal a row.

    >>> deals_csv().splitlines()[0].split(",")[:5]
    ['Opportunity ID', 'Close Date', 'Owner', 'Amount', 'Currency']
    """
    return _text("examples/deals.csv")


def column_mapping() -> ColumnMapping:
    """How the columns of `deals_csv` become record fields; with it, `records_from_csv`
    reads the same records as `request` holds.

    >>> from salesperf import records_from_csv
    >>> list(records_from_csv(deals_csv(), column_mapping())) == request()[1]
    True
    """
    return ColumnMapping.from_document(loads_json(_text("examples/columns.json")))


def team() -> dict[str, Any]:
    """The example team as ``salesperf demo`` reads it: managers, payees with names, start
    and end dates, exchange rates, holidays and deals (each deal's ``owner``, or its
    ``split``), as plain data.

    >>> data = team()
    >>> [p["name"] for p in data["payees"]][:3]
    ['Ana Lima', 'Ben Okafor', 'Chloe Martin']
    """
    return load_example()


def performance_request_document() -> dict[str, Any]:
    """The review cycle ``salesperf review`` runs by default, as a performance request.

    >>> from salesperf import load_performance_request
    >>> loaded, records = load_performance_request(performance_request_document())
    >>> str(loaded.period)
    '2026-Q2'
    """
    data: dict[str, Any] = loads_json(_text("example_people.json"))
    return data
