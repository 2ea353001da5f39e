"""salesperf: exact, explainable sales performance management.

Import everything from here; modules whose names start with an underscore are private.
"""

from salesperf._errors import (
    DataError,
    DefinitionError,
    MissingRateError,
    Problem,
    SalesperfError,
    SalesperfWarning,
)
from salesperf._money import (
    CURRENCIES,
    Currency,
    ExchangeRate,
    ExchangeRates,
    Money,
    RoundingMode,
    currency,
    round_cumulative,
    to_decimal,
)
from salesperf._periods import (
    Calendar,
    CalendarYear,
    FiscalYear,
    Grain,
    Period,
    Proration,
    ProrationBasis,
    RetailCalendar,
    RetailPattern,
    YearEnd,
    YearLabel,
    prorate,
)

__version__ = "0.1.0.dev0"

__all__ = [
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
