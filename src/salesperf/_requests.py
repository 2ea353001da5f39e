"""Evaluation documents: one JSON request in, one JSON response out; records from CSV text.

This is the contract other teams' services wrap. The request carries the plan (or a plan id
and the plans), payees, quotas and targets, records, the period, an as-of date and options;
the response (`salesperf._responses`) carries statements, lines, credits, exclusions and
traces as plain data.

The module is over 500 lines because the request and the record files it refers to (CSV with
a column mapping, JSON lines) are one contract, checked together; reading records from files
is the part to move out when it grows (a DataFrame source would join it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from salesperf._documents import (
    LIMITS,
    Limits,
    Loader,
    kind_of,
    load_plan,
    loads_json,
    plan_schema,
    schema_for,
    wrong_kind,
)
from salesperf._engine import (
    Assignment,
    Draw,
    Evaluation,
    Quota,
    Receipt,
    TargetIncentive,
    compile_plan,
)
from salesperf._errors import (
    DataError,
    DefinitionError,
    Problem,
    SalesperfWarning,
    join_path,
    shown,
)
from salesperf._money import ExchangeRate, ExchangeRates, to_decimal
from salesperf._plans import Plan
from salesperf._records import Hierarchy, Payee, Record, ReportingChange
from salesperf._responses import response_document

__all__ = [
    "ColumnMapping",
    "EvaluationRequest",
    "evaluate_request",
    "load_request",
    "loads_request",
    "records_from_csv",
    "records_from_json_lines",
    "request_schema",
    "run_request",
]

REQUEST_FORMAT = "salesperf.request"
CORE_COLUMNS = ("id", "date", "payee", "payees", "amount", "currency", "split")
_TYPES = ("text", "decimal", "integer", "boolean", "date")


def _mapping(values: Mapping[str, str]) -> Mapping[str, str]:
    # Checked here, where a list or a number would otherwise fail inside dict(); each problem
    # is reported by __attrs_post_init__ with its path.
    if not isinstance(values, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
        return _NOT_A_MAPPING
    return dict(values)


_NOT_A_MAPPING: Mapping[str, str] = MappingProxyType({})


@attrs.frozen
class ColumnMapping:
    """How a CSV export's columns become record fields.

    `columns` maps a record field (``id``, ``date``, ``payee``, ``payees``, ``amount``,
    ``currency``, ``split`` or any attribute) to the CSV column holding it; columns not
    mentioned keep their own header as the attribute name. `types` converts attribute columns
    (``decimal``, ``integer``, ``boolean``, ``date`` or ``text``, the default). Several payees
    are separated by ``;``; a split reads ``ana:0.6;ben:0.4``. Empty cells are absent values.
    """

    columns: Mapping[str, str] = attrs.field(factory=dict, converter=_mapping)
    types: Mapping[str, str] = attrs.field(factory=dict, converter=_mapping)

    def __attrs_post_init__(self) -> None:
        problems = [Problem(name, "expected an object of text values (record field → CSV "
                            "column, or attribute → type)")
                    for name in ("columns", "types")
                    if getattr(self, name) is _NOT_A_MAPPING]
        problems += [Problem(f"types.{shown(k) if len(k) > 100 else k}",
                             f"expected one of {', '.join(_TYPES)}, got {shown(v)}")
                     for k, v in self.types.items() if v not in _TYPES]
        if problems:
            raise DefinitionError(problems)

    @classmethod
    def from_document(cls, data: object) -> ColumnMapping:
        """A mapping from its document form, ``{"columns": {...}, "types": {...}}`` (the
        ``columns`` of a request, or the file given to ``--columns``)."""
        if not isinstance(data, Mapping):
            raise DefinitionError([Problem("", f"a column mapping is an object with "
                                           f"'columns' and 'types', got {kind_of(data)}")])
        unknown = [Problem(shown(k), "unknown key; a column mapping has 'columns' and 'types'")
                   for k in data if k not in ("columns", "types")]
        if unknown:
            raise DefinitionError(unknown)
        return cls(data.get("columns", {}), data.get("types", {}))


def records_from_csv(text: str | Iterable[str], mapping: ColumnMapping | None = None, *,
                     limits: Limits = LIMITS) -> Iterator[Record]:
    """Read records from CSV text or its lines (an open file), one at a time.

    The host reads the file; lines stream through, so a file of any length costs memory for
    one row at a time. More than `limits.max_records` rows, or a cell longer than
    `limits.max_request_chars`, is a `DataError`.

    >>> rows = "Deal,Closed,Rep,Value,Cur,New logo\\nD-1,2026-02-03,ana,1200.50,USD,yes\\n"
    >>> m = ColumnMapping({"id": "Deal", "date": "Closed", "payee": "Rep", "amount": "Value",
    ...                    "currency": "Cur", "new_customer": "New logo"},
    ...                   {"new_customer": "boolean"})
    >>> [(r.id, r.amount, r.get("new_customer")) for r in records_from_csv(rows, m)]
    [('D-1', Decimal('1200.50'), True)]
    """
    mapping = mapping or ColumnMapping()
    lines = io.StringIO(text) if isinstance(text, str) else text
    line = 1
    bad: list[tuple[int, DataError]] = []  # every unusable row, up to limits.max_problems
    try:
        reader = csv.DictReader(lines)
        headers = reader.fieldnames or []
        missing = [c for c in mapping.columns.values() if c not in headers]
        if missing:
            raise DefinitionError([Problem(f"columns[{shown(c)}]", f"no such CSV column; the "
                                           f"header has {shown(', '.join(headers))}")
                                   for c in missing])
        by_column = {column: field for field, column in mapping.columns.items()}
        fields = {by_column.get(h, h) for h in headers}
        unmapped = " and ".join(repr(f) for f in ("id", "date") if f not in fields)
        if unmapped:
            raise DefinitionError([Problem("columns", f"no CSV column holds the record's "
                                           f"{unmapped}; the header has "
                                           f"{shown(', '.join(headers))}: a column mapping "
                                           "says which columns hold the record fields")])
        for line, row in enumerate(reader, start=2):
            if line - 1 > limits.max_records:
                raise DataError(f"line {line}", None, f"more than {limits.max_records} records "
                                "(Limits.max_records)")
            try:
                record = _csv_record(line, row, by_column, mapping, limits)
            except DataError as err:
                bad.append((line, err))
                if len(bad) >= limits.max_problems:
                    break
                continue
            if not bad:  # after an unusable row, the rest is only checked
                yield record
    except csv.Error as err:
        raise DataError(f"line {line + 1}", None, f"not valid CSV: {err}") from None
    if bad:
        raise _bad_rows(bad, mapping, limits)


def _bad_rows(bad: list[tuple[int, DataError]], mapping: ColumnMapping,
              limits: Limits) -> DataError:
    """One error for every unusable CSV row, each named by its line, its record and the
    column as the export names it."""
    def column(err: DataError) -> str | None:
        return None if err.field is None else mapping.columns.get(err.field, err.field)

    if len(bad) == 1:
        line, err = bad[0]
        return DataError(err.record_id, column(err), f"{err.message} (CSV line {line})")
    out = []
    for line, err in bad:
        where = [f"line {line}"]
        if err.record_id is not None and err.record_id != f"line {line}":
            where.append(f"record {err.record_id!r}")
        if err.field is not None:
            where.append(f"column {column(err)!r}")
        out.append(f"  {', '.join(where)}: {err.message}")
    more = (f" (stopped after {limits.max_problems}, Limits.max_problems)"
            if len(bad) >= limits.max_problems else "")
    return DataError(None, None, f"{len(bad)} CSV rows are unusable{more}:\n" + "\n".join(out))


# The csv module refuses cells over 131,072 characters unless told otherwise; the limit on
# a request's text bounds them instead.
csv.field_size_limit(max(csv.field_size_limit(), LIMITS.max_request_chars))


def _csv_record(line: int, row: Mapping[str | None, str | None], by_column: Mapping[str, str],
                mapping: ColumnMapping, limits: Limits) -> Record:
    data: dict[str, object] = {}
    for column, cell in row.items():
        if column is None:
            raise DataError(f"line {line}", None, "the row has more cells than the header")
        field = by_column.get(column, column)
        if cell is None or cell.strip() == "":
            continue
        data[field] = cell.strip()
    rid = shown(data.get("id", f"line {line}"))[1:-1] if len(
        str(data.get("id", ""))) > limits.max_text else str(data.get("id", f"line {line}"))
    if "payees" in data:
        data["payees"] = [p.strip() for p in str(data["payees"]).split(";") if p.strip()]
    if "split" in data:
        data["split"] = split_shares(rid, str(data["split"]))
    for field, kind in mapping.types.items():
        if field in data and field not in CORE_COLUMNS:
            data[field] = typed_value(rid, field, str(data[field]), kind)
    return Record.from_mapping(data, limits=limits)


def records_from_json_lines(lines: str | Iterable[str], *,
                            limits: Limits = LIMITS) -> Iterator[Record]:
    """Read records from JSON lines — one record object per line — one at a time.

    Numbers are read exactly (as `loads_json` reads them); blank lines are skipped. Like
    `records_from_csv`, this streams: an open file of any length costs memory for one line.

    >>> [r.amount for r in records_from_json_lines(
    ...     '{"id": "D-1", "date": "2026-02-03", "payee": "ana", "amount": 12.50}\\n')]
    [Decimal('12.50')]
    """
    source = io.StringIO(lines) if isinstance(lines, str) else lines
    count = 0
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        count += 1
        if count > limits.max_records:
            raise DataError(f"line {number}", None, f"more than {limits.max_records} records "
                            "(Limits.max_records)")
        try:
            data = loads_json(line, limits)
        except DefinitionError as err:
            raise DataError(f"line {number}", None, err.problems[0].message) from None
        if not isinstance(data, dict):
            raise DataError(f"line {number}", None, f"expected a record object, got "
                            f"{kind_of(data)}")
        yield Record.from_mapping(data, limits=limits)


def split_shares(rid: str, text: str) -> dict[str, str]:
    """A split cell, ``ana:0.6;ben:0.4``, as shares by payee (CSV and DataFrames)."""
    out = {}
    for part in text.split(";"):
        payee, sep, share = part.partition(":")
        if not sep:
            raise DataError(rid, "split", f"expected 'payee:share;payee:share', got {shown(text)}")
        out[payee.strip()] = share.strip()
    return out


def typed_value(rid: str, field: str, text: str, kind: str) -> object:
    """A text cell as its mapping's type says (CSV and DataFrames), or a `DataError`."""
    try:
        if kind == "decimal":
            return to_decimal(text, path=field)
        if kind == "integer":
            return int(text)
        if kind == "date":
            return dt.date.fromisoformat(text)
        if kind == "boolean":
            lowered = text.lower()
            if lowered in ("true", "yes", "y", "1"):
                return True
            if lowered in ("false", "no", "n", "0"):
                return False
            raise ValueError(f"expected true/false, yes/no or 1/0, got {shown(text)}")
    except (ValueError, DefinitionError) as err:
        message = err.problems[0].message if isinstance(err, DefinitionError) else str(err)
        raise DataError(rid, field, f"as {kind}: {message}") from None
    return text


@attrs.frozen
class PaidAmount:
    """What the host already paid a payee for a period."""

    payee: str
    period: str
    amount: Decimal = attrs.field(converter=to_decimal)


@attrs.frozen
class OpeningBalance:
    """What a payee owed at the start of the plan year (a balance carried from the last)."""

    payee: str
    amount: Decimal = attrs.field(converter=to_decimal)


@attrs.frozen
class SuppliedValue:
    """The value of a metric the host measures itself (CSAT, NPS…) for a payee and period,
    read by KPI bonus items on a `Supplied` metric."""

    metric: str
    payee: str
    period: str
    value: Decimal = attrs.field(converter=to_decimal)


@attrs.frozen
class Options:
    """Options of an evaluation request."""

    include_earlier: bool = False  # also return the statements of earlier periods of the year


@attrs.frozen
class EvaluationRequest:
    """Everything one evaluation needs, as loaded from a request document."""

    period: str
    plan: Plan | None = None
    plan_id: str | None = None
    plans: tuple[Plan, ...] = ()
    as_of: dt.date | None = None
    payees: tuple[Payee, ...] = ()
    reporting_changes: tuple[ReportingChange, ...] = ()
    assignments: tuple[Assignment, ...] | None = None
    quotas: tuple[Quota, ...] = ()
    target_incentives: tuple[TargetIncentive, ...] = ()
    exchange_rates: tuple[ExchangeRate, ...] = ()
    paid: tuple[PaidAmount, ...] = ()
    supplied: tuple[SuppliedValue, ...] = ()
    draws: tuple[Draw, ...] = ()
    opening_balances: tuple[OpeningBalance, ...] = ()
    holidays: tuple[dt.date, ...] = ()
    receipts: tuple[Receipt, ...] = ()
    columns: ColumnMapping | None = None
    records_csv: str | None = None
    options: Options = Options()

    def evaluate(self, records: Iterable[Record]) -> Evaluation:
        """Evaluate the request over `records`: the `Evaluation`, as `CompiledPlan.evaluate`
        gives it (`evaluate_request` gives the response document instead).

        The records stream through once, unless the request names no payees: then every
        payee a record names is one.
        """
        plan = compile_plan(self.chosen_versions())
        payees = self.payees
        if not payees:
            records = list(records)
            payees = tuple(Payee(p) for p in sorted({p for r in records for p in r.payees}))
        return plan.evaluate(
            records, self.period, hierarchy=Hierarchy.of(payees, self.reporting_changes),
            assignments=self.assignments, quotas=self.quotas,
            target_incentives=self.target_incentives,
            rates=ExchangeRates.of(self.exchange_rates) if self.exchange_rates else None,
            paid={(p.payee, p.period): p.amount for p in self.paid}, as_of=self.as_of,
            supplied={(s.metric, s.payee, s.period): s.value for s in self.supplied},
            draws=self.draws,
            opening_balances={b.payee: b.amount for b in self.opening_balances},
            holidays=self.holidays, receipts=self.receipts,
        )

    def chosen_plan(self) -> Plan:
        """The plan the request evaluates (its latest version, when it has several)."""
        return self.chosen_versions()[-1]

    def chosen_versions(self) -> tuple[Plan, ...]:
        """The plan the request evaluates: `plan`, or every plan in `plans` with the id
        `plan_id` — several are the plan's effective-dated versions, in date order."""
        if self.plan is not None:
            return (self.plan,)
        chosen = sorted((p for p in self.plans if p.id == self.plan_id),
                        key=lambda p: (p.effective_from or dt.date.min, p.version))
        if not chosen:
            known = ", ".join(repr(p.id) for p in self.plans) or "none"
            raise DefinitionError([Problem("plan_id", f"no plan with id {self.plan_id!r} among "
                                           f"{known}")])
        return tuple(chosen)


def load_request(data: Mapping[str, Any], *,
                 limits: Limits = LIMITS) -> tuple[EvaluationRequest, list[Record]]:
    """Check a request document — every problem at once — and return it with its records."""
    if not isinstance(data, Mapping):
        raise DefinitionError([Problem("", f"a request is an object, got {kind_of(data)}")])
    other = wrong_kind(data, REQUEST_FORMAT)
    if other is not None:
        raise DefinitionError([other])
    doc = dict(data)
    # A request's own lists (payees, quotas…) hold a tenant: up to `max_items` each.
    loader = Loader(limits, long_lists=True)
    fmt = doc.pop("format", REQUEST_FORMAT)
    version = doc.pop("format_version", 1)
    if fmt != REQUEST_FORMAT:
        loader.fail("format", f"expected {REQUEST_FORMAT!r}, got {shown(fmt)}")
    if version != 1:
        loader.fail("format_version", f"expected 1, got {shown(version)}")
    raw_records = doc.get("records", [])
    plans: list[Plan] = []
    for key in ("plan", "plans"):
        if key not in doc:
            continue
        raw = doc[key]
        items = [(key, raw)] if key == "plan" else (
            [(f"plans[{i}]", p) for i, p in enumerate(raw)] if isinstance(raw, list) else [])
        if key == "plans" and not isinstance(raw, list):
            loader.fail("plans", f"expected a list of plan documents, got {kind_of(raw)}")
        if len(items) > limits.max_list:
            loader.fail("plans", f"must have at most {limits.max_list} items, got {len(items)}")
            items = []
        for path, item in items:
            try:
                plans.append(load_plan(item, limits=limits))
            except DefinitionError as err:
                loader.problems.extend(Problem(f"{path}.{p.path}" if p.path else path, p.message)
                                       for p in err.problems)
    request = loader.instance(EvaluationRequest, doc, "", 0,
                              handled=("records", "plan", "plans", "columns", "records_csv"))
    columns = None
    if doc.get("columns") is not None:
        try:
            columns = ColumnMapping.from_document(doc["columns"])
        except DefinitionError as err:
            loader.problems.extend(Problem(join_path("columns", p.path), p.message)
                                   for p in err.problems)
    records_csv = doc.get("records_csv")
    if records_csv is not None and not isinstance(records_csv, str):
        loader.fail("records_csv", f"expected CSV text, got {kind_of(records_csv)}")
        records_csv = None
    records: list[Record] = []
    if not isinstance(raw_records, list):
        loader.fail("records", f"expected a list of records, got {kind_of(raw_records)}")
    elif len(raw_records) > limits.max_records:
        loader.fail("records", f"must have at most {limits.max_records} records, got "
                    f"{len(raw_records)}")
    else:
        for i, item in enumerate(raw_records):
            if len(loader.problems) >= limits.max_problems:
                break
            try:
                records.append(Record.from_mapping(item, limits=limits))
            except DataError as err:
                loader.fail(f"records[{i}]" + (f".{err.field}" if err.field else ""),
                            err.message)
    if loader.problems:
        raise DefinitionError(loader.problems)
    assert isinstance(request, EvaluationRequest)
    request = attrs.evolve(request, columns=columns, records_csv=records_csv)
    if "plan" in data:
        request = attrs.evolve(request, plan=plans[0])
    elif plans:
        request = attrs.evolve(request, plans=tuple(plans))
    if request.plan is None and request.plan_id is None:
        raise DefinitionError([Problem("plan", "a request needs a plan, or a plan_id and plans")])
    if request.records_csv is not None:
        room = attrs.evolve(limits, max_records=limits.max_records - len(records))
        try:
            records.extend(records_from_csv(request.records_csv, request.columns, limits=room))
        except DataError as err:
            if "Limits.max_records" not in err.message:
                raise
            raise DefinitionError([Problem("records_csv", f"a request has at most "
                                           f"{limits.max_records} records, in 'records' and "
                                           "'records_csv' together")]) from None
    return request, records


def loads_request(text: str | bytes, *,
                  limits: Limits = LIMITS) -> tuple[EvaluationRequest, list[Record]]:
    """`load_request` from JSON text, read exactly (`loads_json`); the text may be up to
    `limits.max_request_chars` long, its records up to `limits.max_records`."""
    return load_request(loads_json(text, limits, max_chars=limits.max_request_chars),
                        limits=limits)


def run_request(request: EvaluationRequest, records: Iterable[Record]) -> Evaluation:
    """Deprecated: use ``request.evaluate(records)``, which returns the same `Evaluation`."""
    warnings.warn(
        "run_request is deprecated: use request.evaluate(records), which returns the same "
        "Evaluation (e.g. request.evaluate(records).statement('ana')); evaluate_request "
        "still returns the response document. To silence this warning meanwhile: "
        "warnings.filterwarnings('ignore', 'run_request', salesperf.SalesperfWarning)",
        SalesperfWarning, stacklevel=2)
    return request.evaluate(records)


def evaluate_request(request: EvaluationRequest, records: Iterable[Record]) -> dict[str, Any]:
    """Evaluate a loaded request and return the response document (plain JSON-safe data).

    For the `Evaluation` itself — statements that explain themselves — use
    ``request.evaluate(records)``.
    """
    return response_document(request.evaluate(records),
                             include_earlier=request.options.include_earlier)


def request_schema() -> dict[str, Any]:
    """The JSON Schema of evaluation request documents."""
    schema = schema_for(EvaluationRequest, "salesperf evaluation request", "request-v1")
    props = schema["$defs"]["EvaluationRequest"]["properties"]
    plan_ref = {"$ref": "https://salesperf.invalid/schemas/plan-v1.json"}
    props["plan"] = plan_ref
    props["plans"] = {"type": "array", "items": plan_ref}
    props["records"] = {"type": "array", "maxItems": LIMITS.max_records, "items": {
        "type": "object", "required": ["id", "date"],
        "properties": {"id": {"type": ["string", "integer"]},
                       "date": {"type": "string", "format": "date"},
                       "payee": {"type": "string"},
                       "payees": {"type": "array", "items": {"type": "string"}},
                       "amount": {"$ref": "#/$defs/decimal"},
                       "currency": {"type": "string"},
                       "split": {"type": "object",
                                 "additionalProperties": {"$ref": "#/$defs/decimal"}}}}}
    props["format"] = {"const": REQUEST_FORMAT}
    props["format_version"] = {"const": 1}
    schema["$defs"]["plan"] = plan_schema()
    return schema
