"""The public surface is pinned: an accidental export or removal fails here."""

import salesperf

EXPECTED = [
    "CURRENCIES",
    "Calendar",
    "CalendarYear",
    "Currency",
    "DataError",
    "DefinitionError",
    "ExchangeRate",
    "ExchangeRates",
    "FiscalYear",
    "Grain",
    "MissingRateError",
    "Money",
    "Period",
    "Problem",
    "Proration",
    "ProrationBasis",
    "RetailCalendar",
    "RetailPattern",
    "RoundingMode",
    "SalesperfError",
    "SalesperfWarning",
    "YearEnd",
    "YearLabel",
    "currency",
    "prorate",
    "round_cumulative",
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
