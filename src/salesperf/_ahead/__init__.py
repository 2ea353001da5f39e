"""Looking ahead: a rep's what-if, payout curves, plan modelling on history, and pacing and
forecasts — pure functions over the host's data, built on the engine's stages.

- `baseline`: a period's records credited once, with the inputs to earn them again;
- `distances`: what lies ahead of a payee — the next tier, gate, cap or curve point;
- `whatif`: hypothetical records for one payee, before and after;
- `curves`: a plan's payout at each attainment of a quota, as data to plot;
- `modelling`: plans (or versions) compared on the same history, under scenarios;
- `forecast`: pace and forecasts to the period's end on an `as_of` date;
- `documents`: what-if, forecast and comparison request and response documents.
"""

from salesperf._ahead.baseline import Baseline
from salesperf._ahead.curves import CurvePoint, PayoutCurve, payout_curve
from salesperf._ahead.distances import Distance, Reach, distances
from salesperf._ahead.documents import (
    compare_request,
    compare_request_schema,
    compare_response_schema,
    forecast_request,
    forecast_request_schema,
    forecast_response_schema,
    whatif_request,
    whatif_request_schema,
    whatif_response_schema,
)
from salesperf._ahead.forecast import (
    Forecast,
    ForecastMethod,
    ForecastOutcome,
    Pace,
    Projection,
    TeamForecast,
    forecast,
    team_forecast,
)
from salesperf._ahead.modelling import (
    PayeeChange,
    PlanChange,
    PlanComparison,
    PlanCost,
    Scenario,
    compare_plans,
)
from salesperf._ahead.whatif import RecordEarning, WhatIf, what_if

__all__ = [
    "Baseline",
    "CurvePoint",
    "Distance",
    "Forecast",
    "ForecastMethod",
    "ForecastOutcome",
    "Pace",
    "PayeeChange",
    "PayoutCurve",
    "PlanChange",
    "PlanComparison",
    "PlanCost",
    "Projection",
    "Reach",
    "RecordEarning",
    "Scenario",
    "TeamForecast",
    "WhatIf",
    "compare_plans",
    "compare_request",
    "compare_request_schema",
    "compare_response_schema",
    "distances",
    "forecast",
    "forecast_request",
    "forecast_request_schema",
    "forecast_response_schema",
    "payout_curve",
    "team_forecast",
    "what_if",
    "whatif_request",
    "whatif_request_schema",
    "whatif_response_schema",
]
