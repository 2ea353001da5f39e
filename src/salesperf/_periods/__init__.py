"""Periods, the calendars that cut them (`periods`), and proration over a period (`proration`)."""

from salesperf._periods.periods import (
    Calendar,
    CalendarYear,
    FiscalYear,
    Grain,
    Period,
    RetailCalendar,
    RetailPattern,
    YearEnd,
    YearLabel,
)
from salesperf._periods.proration import Proration, ProrationBasis, prorate

__all__ = [
    "Calendar",
    "CalendarYear",
    "FiscalYear",
    "Grain",
    "Period",
    "Proration",
    "ProrationBasis",
    "RetailCalendar",
    "RetailPattern",
    "YearEnd",
    "YearLabel",
    "prorate",
]
