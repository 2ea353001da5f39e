"""The public surface is pinned: an accidental export or removal fails here."""

import salesperf

EXPECTED = [
    "Aggregation",
    "AllOf",
    "AnyOf",
    "Application",
    "Assignment",
    "Between",
    "BoundBasis",
    "CURRENCIES",
    "Calendar",
    "CalendarYear",
    "Cap",
    "Commission",
    "Compare",
    "CompiledPlan",
    "Component",
    "ComponentTotal",
    "Condition",
    "Credit",
    "CreditKind",
    "CreditRule",
    "Currency",
    "Curve",
    "CurveKind",
    "DataError",
    "DefinitionError",
    "Direction",
    "Eq",
    "Evaluation",
    "ExchangeRate",
    "ExchangeRates",
    "Exclusion",
    "Finding",
    "FiscalYear",
    "Gate",
    "Goal",
    "GoalResult",
    "Grain",
    "Growth",
    "GrowthBase",
    "Hierarchy",
    "In",
    "IsSet",
    "KpiBonus",
    "KpiItem",
    "Line",
    "Measure",
    "Metric",
    "MetricValue",
    "Missing",
    "MissingData",
    "MissingRateError",
    "Money",
    "Multiplier",
    "Ne",
    "Not",
    "NotIn",
    "Overlay",
    "OwnerKind",
    "Payee",
    "PerformanceReport",
    "Period",
    "Plan",
    "Problem",
    "Proration",
    "ProrationBasis",
    "Quota",
    "Ranked",
    "RateTable",
    "RatingBand",
    "RatingScale",
    "Ratio",
    "Record",
    "ReportingChange",
    "RetailCalendar",
    "RetailPattern",
    "Rollup",
    "RollupBy",
    "RoundingMode",
    "SalesperfError",
    "SalesperfWarning",
    "Scorecard",
    "ScorecardResult",
    "Severity",
    "Spiff",
    "Statement",
    "Supplied",
    "TargetBonus",
    "TargetIncentive",
    "Tier",
    "TierMode",
    "Window",
    "YearEnd",
    "YearLabel",
    "attainment",
    "check_goal",
    "compile_condition",
    "compile_plan",
    "currency",
    "evaluate_metric",
    "evaluate_performance",
    "metrics",
    "prorate",
    "rank",
    "rollup",
    "round_cumulative",
    "split_target",
    "team_target",
    "to_decimal",
]


def test_all_is_pinned() -> None:
    assert salesperf.__all__ == EXPECTED


def test_all_is_sorted_and_importable() -> None:
    assert salesperf.__all__ == sorted(salesperf.__all__)
    for name in salesperf.__all__:
        assert getattr(salesperf, name) is not None


def test_no_other_public_names() -> None:
    public = {n for n in vars(salesperf) if not n.startswith("_")}
    assert public == set(EXPECTED)


def test_typed_marker_ships() -> None:
    from importlib import resources

    assert resources.files("salesperf").joinpath("py.typed").is_file()
