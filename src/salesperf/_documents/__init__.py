"""Plans as documents: plain dicts / JSON in and out, a JSON Schema, precise errors, limits.

One walk over the plan classes' type hints does three jobs — load (`structure`), dump
(`unstructure`) and describe (`schema`) — so the three can never disagree; `shapes` is what
they share: kind tags, field keys, enum spellings. Loading collects every problem with its
path and raises once. Documents are data only: nothing is imported, evaluated or unpickled,
and their size, nesting and list lengths are bounded (`json_text.Limits`). `plans` is the
plan document itself: its format, versions, load, dump and schema.
"""

from salesperf._documents.json_text import LIMITS, Limits, loads_json
from salesperf._documents.kinds import DOCUMENT_KINDS, document_kind, wrong_kind
from salesperf._documents.plans import (
    FORMAT_VERSION,
    dump_plan,
    dumps_plan,
    load_plan,
    loads_plan,
    plan_schema,
)
from salesperf._documents.schema import schema_for
from salesperf._documents.shapes import kind_of
from salesperf._documents.structure import Loader

__all__ = [
    "DOCUMENT_KINDS",
    "FORMAT_VERSION",
    "LIMITS",
    "Limits",
    "Loader",
    "document_kind",
    "dump_plan",
    "dumps_plan",
    "kind_of",
    "load_plan",
    "loads_json",
    "loads_plan",
    "plan_schema",
    "schema_for",
    "wrong_kind",
]
