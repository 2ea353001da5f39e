"""Plan documents: load and dump a `Plan`, its JSON Schema, and the format's versions.

A plan document is the plan's fields plus ``format`` and ``format_version``; an older version
is brought up to date one step at a time (`MIGRATIONS`) before it is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from salesperf._documents.json_text import LIMITS, Limits, loads_json, write_json
from salesperf._documents.kinds import wrong_kind
from salesperf._documents.schema import schema_for
from salesperf._documents.shapes import MAX_INT, as_given, kind_of
from salesperf._documents.structure import Loader
from salesperf._documents.unstructure import unstructure
from salesperf._errors import DefinitionError, Problem, shown
from salesperf._plans import Plan

__all__ = [
    "FORMAT_VERSION",
    "MIGRATIONS",
    "dump_plan",
    "dumps_plan",
    "load_plan",
    "loads_plan",
    "plan_schema",
]

#: The current version of the plan document format.
FORMAT_VERSION = 1
_FORMAT = "salesperf.plan"

#: Migration steps: MIGRATIONS[n] turns a version-n document into version n + 1.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def _migrate(data: Mapping[str, Any]) -> dict[str, Any]:
    """Bring an older document up to FORMAT_VERSION, one version at a time."""
    version = data.get("format_version", FORMAT_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DefinitionError([Problem("format_version", f"expected a whole number from 1 to "
                                       f"{FORMAT_VERSION}, got {as_given(version)}")])
    if version > FORMAT_VERSION:
        shown = version if version < MAX_INT else as_given(version)
        raise DefinitionError([Problem("format_version", f"this salesperf reads versions 1 to "
                                       f"{FORMAT_VERSION}, got {shown}: the document was written "
                                       "by a newer salesperf")])
    doc = dict(data)
    while version < FORMAT_VERSION:  # pragma: no cover - there is only version 1 so far
        doc = MIGRATIONS[version](doc)
        version += 1
    return doc


def load_plan(data: Mapping[str, Any], *, limits: Limits = LIMITS) -> Plan:
    """Build a `Plan` from a plain mapping; every problem is collected and raised once.

    >>> plan = load_plan({"id": "p", "components": [{"kind": "commission", "id": "c",
    ...     "rates": {"teirs": [{"lower": "0", "rate": "0.05"}]}}]})
    Traceback (most recent call last):
    ...
    salesperf._errors.DefinitionError: 2 problems:
      components[0].rates.teirs: unknown key 'teirs' — did you mean 'tiers'?
      components[0].rates.tiers: is required
    """
    if not isinstance(data, Mapping):
        raise DefinitionError([Problem("", f"a plan document is an object, got "
                                       f"{kind_of(data)}")])
    other = wrong_kind(data, _FORMAT)
    if other is not None:
        raise DefinitionError([other])
    doc = _migrate(data)
    fmt = doc.pop("format", _FORMAT)
    doc.pop("format_version", None)
    loader = Loader(limits)
    if fmt != _FORMAT:
        loader.fail("format", f"expected {_FORMAT!r}, got {shown(fmt)}")
    plan = loader.instance(Plan, doc, "", 0)
    if loader.problems:
        raise DefinitionError(loader.problems)
    assert isinstance(plan, Plan)
    # What only the whole plan shows: the currency, duplicate ids, measures no rule credits.
    problems = plan.problems("")
    if problems:
        raise DefinitionError(problems)
    return plan


def loads_plan(text: str | bytes, *, limits: Limits = LIMITS) -> Plan:
    """Build a `Plan` from JSON text; numbers are read as Decimal, never through float."""
    return load_plan(loads_json(text, limits), limits=limits)


def dump_plan(plan: Plan) -> dict[str, Any]:
    """The plan as a plain, JSON-ready document; `load_plan` reads it back to an equal plan."""
    body = unstructure(plan, Plan)
    assert isinstance(body, dict)
    return {"format": _FORMAT, "format_version": FORMAT_VERSION, **body}


def dumps_plan(plan: Plan, *, indent: int | None = 2) -> str:
    """The plan as JSON text; numbers in conditions are written exactly, as JSON numbers."""
    return write_json(dump_plan(plan), indent)


def plan_schema(limits: Limits = LIMITS) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of plan documents, generated from the plan classes."""
    schema = schema_for(Plan, "salesperf plan document", "plan-v1", limits)
    plan_def = schema["$defs"]["Plan"]
    plan_def["properties"] = {"format": {"const": _FORMAT},
                              "format_version": {"type": "integer", "minimum": 1,
                                                 "maximum": FORMAT_VERSION},
                              **plan_def["properties"]}
    return schema
