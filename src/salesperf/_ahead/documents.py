"""Looking-ahead documents: a what-if, forecast or comparison request in — an evaluation
request with a few keys of its own — and a response out, as plain JSON-safe data, each with
a JSON Schema. `salesperf whatif|forecast|compare` reads and writes these."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from salesperf._documents import LIMITS, Limits, Loader, kind_of, load_plan, schema_for
from salesperf._engine import CompiledPlan, compile_plan
from salesperf._errors import DataError, DefinitionError, Problem, shown
from salesperf._money import ExchangeRates, to_decimal
from salesperf._periods import ProrationBasis
from salesperf._records import Hierarchy, Payee, Record
from salesperf._requests import EvaluationRequest, load_request, request_schema
from salesperf._responses import response_schema

from .baseline import Baseline
from .forecast import ForecastOutcome, TeamForecast, team_forecast
from .modelling import PlanComparison, Scenario, compare_plans
from .whatif import WhatIf, what_if

__all__ = ["compare_document", "compare_request", "compare_request_schema",
           "compare_response_schema", "compare_result", "forecast_document",
           "forecast_request", "forecast_request_schema", "forecast_response_schema",
           "forecast_result", "whatif_document", "whatif_request", "whatif_request_schema",
           "whatif_response_schema", "whatif_result"]

_ID = "https://salesperf.invalid/schemas"


def _decimal(value: object) -> Decimal:
    return to_decimal(value, path="value")


@attrs.frozen
class StageProbability:
    """The probability that an open deal at a pipeline stage closes (0 to 1)."""

    stage: str
    probability: Decimal = attrs.field(converter=_decimal)


@attrs.frozen
class ForecastOptions:
    """Whom a forecast request forecasts, and how: see `salesperf.forecast`."""

    payees: tuple[str, ...]
    measure: str = "revenue"
    basis: ProrationBasis = ProrationBasis.CALENDAR_DAYS
    weekend: tuple[int, ...] = (5, 6)
    stages: tuple[StageProbability, ...] = ()
    commit: Decimal = attrs.field(default=Decimal("0.5"), converter=_decimal)


@attrs.frozen
class CurveOptions:
    """The quota (and target incentive) each compared plan's payout curve is drawn for."""

    quota: Decimal = attrs.field(converter=_decimal)
    target_incentive: Decimal | None = None


@attrs.frozen
class WhatIfExtra:
    """The keys a what-if request adds to an evaluation request (and `hypothetical`, its
    records)."""

    payee: str


@attrs.frozen
class ForecastExtra:
    """The keys a forecast request adds to an evaluation request, whose `as_of` it needs
    (and `pipeline`, the open deals as records)."""

    forecast: ForecastOptions


@attrs.frozen
class CompareExtra:
    """The keys a comparison request adds to an evaluation request (and `compare`, the
    plans compared by name, the first the baseline): a scenario, the curves' quota, and the
    revenue when it is measured otherwise than the records' amounts."""

    scenario: Scenario | None = None
    curve: CurveOptions | None = None
    revenue: Decimal | None = None


_FORMATS = {"whatif": "salesperf.whatif", "forecast": "salesperf.forecast",
            "compare": "salesperf.compare"}


def _load(data: object, kind: str, keys: tuple[str, ...], limits: Limits
          ) -> tuple[EvaluationRequest | None, list[Record], dict[str, Any], Loader]:
    """The evaluation request inside a looking-ahead request, and its own keys as given;
    every problem is collected in the loader."""
    loader = Loader(limits, long_lists=True)
    if not isinstance(data, Mapping):
        raise DefinitionError([Problem("", f"a {kind} request is an object, got "
                                       f"{kind_of(data)}")])
    doc = dict(data)
    fmt, version = doc.pop("format", None), doc.pop("format_version", 1)
    wanted = f"{_FORMATS[kind]}-request"
    if fmt != wanted:
        loader.fail("format", f"expected {wanted!r}, got {shown(fmt)}")
    if version != 1:
        loader.fail("format_version", f"expected 1, got {shown(version)}")
    own = {k: doc.pop(k) for k in keys if k in doc}
    stand_in = False
    if kind == "compare" and "plan" not in doc and "plan_id" not in doc:
        # The evaluation request needs a plan: the first one compared stands in (its own
        # problems are reported at its own place, compare[0].plan).
        first = own.get("compare")
        if isinstance(first, list) and first and isinstance(first[0], Mapping):
            doc["plan"], stand_in = first[0].get("plan"), True
    request: EvaluationRequest | None = None
    records: list[Record] = []
    try:
        request, records = load_request(doc, limits=limits)
    except DefinitionError as err:
        loader.problems.extend(p for p in err.problems if not (
            stand_in and (p.path == "plan" or p.path.startswith("plan."))))
    return request, records, own, loader


def _records(loader: Loader, raw: object, path: str, limits: Limits) -> tuple[Record, ...]:
    if not isinstance(raw, list):
        loader.fail(path, f"expected a list of records, got {kind_of(raw)}")
        return ()
    if len(raw) > limits.max_records:
        loader.fail(path, f"must have at most {limits.max_records} records, got {len(raw)}")
        return ()
    out = []
    for i, item in enumerate(raw):
        try:
            out.append(Record.from_mapping(item, limits=limits))
        except DataError as err:
            loader.fail(f"{path}[{i}]" + (f".{err.field}" if err.field else ""), err.message)
    return tuple(out)


def _baseline(request: EvaluationRequest, records: list[Record]) -> Baseline:
    payees = request.payees or tuple(Payee(p) for p in sorted({p for r in records
                                                                for p in r.payees}))
    return Baseline.of(
        compile_plan(request.chosen_versions()), records, request.period,
        hierarchy=Hierarchy.of(payees, request.reporting_changes),
        assignments=request.assignments, as_of=request.as_of,
        rates=ExchangeRates.of(request.exchange_rates) if request.exchange_rates else None,
        quotas=request.quotas, target_incentives=request.target_incentives,
        paid={(p.payee, p.period): p.amount for p in request.paid},
        supplied={(s.metric, s.payee, s.period): s.value for s in request.supplied},
        draws=request.draws, opening_balances={b.payee: b.amount
                                               for b in request.opening_balances},
        holidays=request.holidays, receipts=request.receipts)


def _done(loader: Loader, request: EvaluationRequest | None) -> EvaluationRequest:
    if loader.problems or request is None:
        raise DefinitionError(loader.problems)
    return request


def whatif_request(data: Mapping[str, Any], *, limits: Limits = LIMITS) -> dict[str, Any]:
    """Answer a what-if request document with its response document (`whatif_result`, as
    a document)."""
    return whatif_document(whatif_result(data, limits=limits))


def whatif_result(data: Mapping[str, Any], *, limits: Limits = LIMITS) -> WhatIf:
    """The `WhatIf` a what-if request document asks for.

    The request is an evaluation request (see `request_schema`) with
    ``"format": "salesperf.whatif-request"``, the ``payee`` and the ``hypothetical`` records;
    the response is `WhatIf.to_dict` with ``"format": "salesperf.whatif-response"``. Every
    problem of the document is reported at once, each with its path.
    """
    request, records, own, loader = _load(data, "whatif", ("payee", "hypothetical"), limits)
    payee = own.get("payee")
    if "payee" not in own:
        loader.fail("payee", "is required")
    elif not isinstance(payee, str):
        loader.fail("payee", f"expected text, got {kind_of(payee)}")
    if "hypothetical" not in own:
        loader.fail("hypothetical", "is required")
    hypothetical = _records(loader, own.get("hypothetical", []), "hypothetical", limits)
    request = _done(loader, request)
    assert isinstance(payee, str)
    return what_if(_baseline(request, records), payee, hypothetical)


def whatif_document(result: WhatIf) -> dict[str, Any]:
    """A what-if as a response document."""
    return {"format": "salesperf.whatif-response", "format_version": 1, **result.to_dict()}


def forecast_request(data: Mapping[str, Any], *, limits: Limits = LIMITS) -> dict[str, Any]:
    """Answer a forecast request document with its response document (`forecast_result`,
    as a document)."""
    return forecast_document(forecast_result(data, limits=limits))


def forecast_result(data: Mapping[str, Any], *, limits: Limits = LIMITS) -> TeamForecast:
    """The forecasts a forecast request document asks for.

    The request is an evaluation request with ``"format": "salesperf.forecast-request"``,
    an ``as_of`` date, ``forecast`` options (``payees`` and optionally ``measure``,
    ``basis``, ``weekend``, ``stages``, ``commit``) and optionally the open ``pipeline``;
    the response gives each payee's `Forecast.to_dict` and the team's totals.
    """
    request, records, own, loader = _load(data, "forecast", ("forecast", "pipeline"), limits)
    options = None
    if "forecast" not in own:
        loader.fail("forecast", "is required")
    else:
        options = loader.value(ForecastOptions, own["forecast"], "forecast", 1)
    pipeline = _records(loader, own.get("pipeline", []), "pipeline", limits)
    request = _done(loader, request)
    assert isinstance(options, ForecastOptions)
    return team_forecast(
        _baseline(request, records), options.payees, measure=options.measure,
        basis=options.basis, weekend=options.weekend, pipeline=pipeline,
        stages={s.stage: s.probability for s in options.stages} or None,
        commit=options.commit)


def forecast_document(team: TeamForecast) -> dict[str, Any]:
    """Forecasts as a response document."""
    pipe = {w: team.pipeline(w) for w in ("low", "expected", "high")}
    return {"format": "salesperf.forecast-response", "format_version": 1,
            "forecasts": [f.to_dict() for f in team.forecasts],
            "team": {"actual": str(team.actual), "quota": str(team.quota),
                     "run_rate": team.run_rate.to_dict(),
                     "pipeline": None if pipe["expected"] is None else
                     {w: _outcome(o) for w, o in pipe.items()}}}


def _outcome(outcome: ForecastOutcome | None) -> dict[str, str | None] | None:
    return None if outcome is None else outcome.to_dict()


def compare_request(data: Mapping[str, Any], *, limits: Limits = LIMITS) -> dict[str, Any]:
    """Answer a comparison request document with its response document
    (`compare_result`, as a document)."""
    return compare_document(compare_result(data, limits=limits))


def compare_result(data: Mapping[str, Any], *, limits: Limits = LIMITS) -> PlanComparison:
    """The `PlanComparison` a comparison request document asks for.

    The request is an evaluation request with ``"format": "salesperf.compare-request"``
    and ``compare``: a list of ``{"name", "plan"}`` (plan documents; the first is the
    baseline), optionally a ``scenario`` (``name``, ``scale``, ``quota_scale``,
    ``quotas``), a ``curve`` (``quota``, ``target_incentive``) and ``revenue``; the
    response is `PlanComparison.to_dict`.
    """
    request, records, own, loader = _load(
        data, "compare", ("compare", "scenario", "curve", "revenue"), limits)
    plans: list[tuple[str, CompiledPlan]] = []
    raw = own.get("compare")
    if not isinstance(raw, list) or not raw:
        loader.fail("compare", "expected a list of at least one {\"name\", \"plan\"}, got "
                    f"{kind_of(raw)}")
        raw = []
    elif len(raw) > limits.max_list:
        loader.fail("compare", f"must have at most {limits.max_list} items, got {len(raw)}")
        raw = []
    for i, item in enumerate(raw):
        path = f"compare[{i}]"
        if not isinstance(item, Mapping) or set(item) != {"name", "plan"} or not isinstance(
                item["name"], str):
            loader.fail(path, "expected an object with a 'name' (text) and a 'plan'")
            continue
        try:
            plans.append((item["name"], compile_plan(load_plan(item["plan"], limits=limits))))
        except DefinitionError as err:
            loader.problems.extend(Problem(f"{path}.plan.{p.path}" if p.path else
                                           f"{path}.plan", p.message) for p in err.problems)
    scenario = (loader.value(Scenario, own["scenario"], "scenario", 1)
                if own.get("scenario") is not None else None)
    curve = (loader.value(CurveOptions, own["curve"], "curve", 1)
             if own.get("curve") is not None else None)
    revenue = (loader.value(Decimal, own["revenue"], "revenue", 1)
               if own.get("revenue") is not None else None)
    request = _done(loader, request)
    payees = request.payees or tuple(Payee(p) for p in sorted({p for r in records
                                                                for p in r.payees}))
    names = [n for n, _ in plans]
    if len(set(names)) < len(names):
        raise DefinitionError([Problem("compare", "each plan compared needs its own name")])
    return compare_plans(
        dict(plans), records, request.period,
        hierarchy=Hierarchy.of(payees, request.reporting_changes),
        assignments=request.assignments, quotas=request.quotas,
        target_incentives=request.target_incentives,
        rates=ExchangeRates.of(request.exchange_rates) if request.exchange_rates else None,
        supplied={(s.metric, s.payee, s.period): s.value for s in request.supplied},
        holidays=request.holidays, scenario=scenario, revenue=revenue,
        curve_quota=None if curve is None else curve.quota,
        curve_target_incentive=None if curve is None else curve.target_incentive)


def compare_document(result: PlanComparison) -> dict[str, Any]:
    """A comparison as a response document."""
    return {"format": "salesperf.compare-response", "format_version": 1, **result.to_dict()}


# -- schemas -----------------------------------------------------------------------------------


def _request_schema(kind: str, extra: type, title: str) -> dict[str, Any]:
    schema = copy.deepcopy(request_schema())
    own = schema_for(extra, title, f"{kind}-request-v1")
    schema["$id"], schema["title"] = own["$id"], title
    props = schema["$defs"]["EvaluationRequest"]["properties"]
    for name, prop in own["$defs"][extra.__name__]["properties"].items():
        props[name] = prop
    for name, definition in own["$defs"].items():
        if name != extra.__name__:
            schema["$defs"].setdefault(name, definition)
    props["format"] = {"const": f"{_FORMATS[kind]}-request"}
    required = schema["$defs"]["EvaluationRequest"]["required"]
    required += [n for n in own["$defs"][extra.__name__]["required"] if n not in required]
    return schema


def _record_list(schema: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(schema["$defs"]["EvaluationRequest"]["properties"]["records"])


def whatif_request_schema() -> dict[str, Any]:
    """The JSON Schema of what-if request documents."""
    schema = _request_schema("whatif", WhatIfExtra, "salesperf what-if request")
    schema["$defs"]["EvaluationRequest"]["properties"]["hypothetical"] = _record_list(schema)
    schema["$defs"]["EvaluationRequest"]["required"].append("hypothetical")
    return schema


def forecast_request_schema() -> dict[str, Any]:
    """The JSON Schema of forecast request documents."""
    schema = _request_schema("forecast", ForecastExtra, "salesperf forecast request")
    records = _record_list(schema)
    records["items"]["properties"].update({"probability": {"$ref": "#/$defs/decimal"},
                                           "stage": {"type": "string"}})
    schema["$defs"]["EvaluationRequest"]["properties"]["pipeline"] = records
    schema["$defs"]["EvaluationRequest"]["required"].append("as_of")
    return schema


def compare_request_schema() -> dict[str, Any]:
    """The JSON Schema of comparison request documents."""
    schema = _request_schema("compare", CompareExtra, "salesperf comparison request")
    plan_ref = {"$ref": f"{_ID}/plan-v1.json"}
    schema["$defs"]["EvaluationRequest"]["properties"]["compare"] = {
        "type": "array", "minItems": 1, "maxItems": LIMITS.max_list, "items": {
            "type": "object", "required": ["name", "plan"], "additionalProperties": False,
            "properties": {"name": {"type": "string"}, "plan": plan_ref}}}
    schema["$defs"]["EvaluationRequest"]["required"].append("compare")
    return schema


def _response_schema(kind: str, title: str, body: dict[str, Any],
                     required: list[str]) -> dict[str, Any]:
    base = response_schema()
    text = {"type": "string"}
    maybe_text = {"type": ["string", "null"]}
    defs: dict[str, Any] = {**base["$defs"], "text": text, "maybe_text": maybe_text}
    return {"$schema": base["$schema"], "$id": f"{_ID}/{kind}-response-v1.json",
            "title": title, "type": "object",
            "required": ["format", "format_version", *required],
            "properties": {"format": {"const": f"{_FORMATS[kind]}-response"},
                           "format_version": {"const": 1}, **body},
            "additionalProperties": False, "$defs": defs}


def _obj(props: dict[str, Any], *, nullable: bool = False) -> dict[str, Any]:
    shape = {"type": "object", "required": list(props), "properties": props,
             "additionalProperties": False}
    return {"anyOf": [shape, {"type": "null"}]} if nullable else shape


_TEXT = {"$ref": "#/$defs/text"}
_MAYBE = {"$ref": "#/$defs/maybe_text"}
_DISTANCE = _obj({k: _TEXT if k in ("component", "reach", "measure", "current", "text")
                  else _MAYBE for k in ("component", "reach", "measure", "current", "at", "more",
                                        "rate", "more_attainment", "text")})
_OUTCOME = {k: (_TEXT if k != "attainment" else _MAYBE)
            for k in ("measure", "attainment", "earned")}


def whatif_response_schema() -> dict[str, Any]:
    """The JSON Schema of what-if response documents."""
    statement = {"$ref": "#/$defs/Statement"}
    distances = {"type": "array", "items": _DISTANCE}
    body = {"payee": _TEXT, "period": _TEXT, "change": _TEXT, "payable_change": _TEXT,
            "records": {"type": "array", "items": _obj({
                "record": _TEXT, "earned": _TEXT,
                "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}},
                "exclusions": {"type": "array", "items": {"$ref": "#/$defs/Exclusion"}}})},
            "before": statement, "after": statement, "ahead_before": distances,
            "ahead": distances}
    return _response_schema("whatif", "salesperf what-if response", body, list(body))


def forecast_response_schema() -> dict[str, Any]:
    """The JSON Schema of forecast response documents."""
    outcome = _obj(_OUTCOME)
    projection = {"method": {"enum": ["run_rate", "weighted_pipeline"]},
                  "inputs": {"type": "object", "additionalProperties": _TEXT},
                  "expected": outcome, "low": _obj(_OUTCOME, nullable=True),
                  "high": _obj(_OUTCOME, nullable=True), "text": _TEXT,
                  "skipped": {"type": "array", "items": _obj({"record": _TEXT,
                                                              "reason": _TEXT})}}
    pace = {"measure": _TEXT, "actual": _TEXT, "quota": _MAYBE, "attainment": _MAYBE,
            "basis": {"enum": [b.value for b in ProrationBasis]},
            "elapsed": {"type": "integer"}, "total": {"type": "integer"},
            "remaining": {"type": "integer"}, "needed": _MAYBE, "needed_per_day": _MAYBE,
            "per_day": _MAYBE}
    one = _obj({"payee": _TEXT, "period": _TEXT, "as_of": {"type": "string", "format": "date"},
                "pace": _obj(pace), "earned_to_date": _TEXT, "run_rate": _obj(projection),
                "pipeline": _obj(projection, nullable=True)})
    body = {"forecasts": {"type": "array", "items": one},
            "team": _obj({"actual": _TEXT, "quota": _TEXT, "run_rate": outcome,
                          "pipeline": _obj({"low": outcome, "expected": outcome,
                                            "high": outcome}, nullable=True)})}
    return _response_schema("forecast", "salesperf forecast response", body, list(body))


def compare_response_schema() -> dict[str, Any]:
    """The JSON Schema of comparison response documents."""
    money_by_payee = {"type": "object", "additionalProperties": _TEXT}
    point = {"type": "object", "additionalProperties": _MAYBE}
    curve = _obj({"plan": _TEXT, "version": {"type": "integer"}, "period": _TEXT,
                  "measure": _TEXT, "quota": _TEXT, "target_incentive": _MAYBE,
                  "points": {"type": "array", "items": point}}, nullable=True)
    cost = _obj({"name": _TEXT, "plan": _TEXT, "version": {"type": "integer"},
                 "total": _TEXT, "revenue": _TEXT, "payout_ratio": _MAYBE,
                 "by_payee": money_by_payee, "curve": curve})
    change = _obj({"payee": _TEXT, "baseline": _TEXT, "cost": _TEXT, "change": _TEXT})
    against = _obj({"name": _TEXT, "change": _TEXT,
                    "gainers": {"type": "array", "items": _TEXT},
                    "losers": {"type": "array", "items": _TEXT},
                    "payees": {"type": "array", "items": change}})
    body = {"period": _TEXT,
            "scenario": _obj({"name": _TEXT, "scale": _TEXT, "quota_scale": _TEXT,
                              "quotas_replaced": {"type": "boolean"}}),
            "costs": {"type": "array", "items": cost},
            "against": {"type": "array", "items": against}}
    return _response_schema("compare", "salesperf comparison response", body, list(body))
