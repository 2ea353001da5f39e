"""Hypothesis strategies and assertions for testing code that uses salesperf.

Needs the extra: ``pip install 'salesperf[testing]'`` (it brings hypothesis). salesperf's own
property tests draw from these very strategies.

- periods: `calendars` (every kind, every setting), `periods`, `custom_periods`,
  `any_periods`, `labels`, `labelled`, `dates`, `employments`, `proration_cases` …
- money: `money` (cents by default), `rates`, `exact_decimals` (varied exponents);
- plans and records: `plans`, `commissions`, `rate_tables`, `records` (dicts and
  `Record` values, with splits and clawbacks) and `deals` (`Record` values);
- assertions: `assert_statements_add_up` and `assert_nothing_lost` (every record credited
  or excluded with a reason).

    >>> from hypothesis import given, settings
    >>> import salesperf as sp
    >>> from salesperf.testing import assert_nothing_lost, assert_statements_add_up
    >>> from salesperf.testing import plans, records
    >>> @settings(max_examples=10, deadline=None)
    ... @given(plans(), records())
    ... def test_my_plans_keep_their_promises(plan, deals):
    ...     ev = sp.compile_plan(plan).evaluate(
    ...         deals, "2026-Q2", payees=[sp.Payee("ana"), sp.Payee("ben")],
    ...         quotas=[sp.Quota(p, "revenue", q, 50_000) for p in ("ana", "ben")
    ...                 for q in ("2026-Q1", "2026-Q2")])
    ...     assert_statements_add_up(ev)
    ...     assert_nothing_lost(deals, ev)
    >>> test_my_plans_keep_their_promises()
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401 - checked here so that the message says what to install
except ImportError as err:  # pragma: no cover - the tests run with hypothesis installed
    raise ImportError("salesperf.testing needs hypothesis: pip install 'salesperf[testing]'"
                      ) from err

from salesperf.testing._assertions import assert_nothing_lost, assert_statements_add_up
from salesperf.testing._money import exact_decimals, money, rates
from salesperf.testing._periods import (
    CALENDAR_GRAINS,
    CALENDAR_KINDS,
    MAX_DATE,
    MIN_DATE,
    ProrationCase,
    any_periods,
    calendar_years,
    calendars,
    custom_periods,
    dates,
    employments,
    fiscal_years,
    grains,
    labelled,
    labels,
    near_labels,
    overlapping_pairs,
    periods,
    proration_cases,
    retail_calendars,
    weekends,
    years,
)
from salesperf.testing._plans import commissions, deals, plans, rate_tables, records

__all__ = [
    "CALENDAR_GRAINS",
    "CALENDAR_KINDS",
    "MAX_DATE",
    "MIN_DATE",
    "ProrationCase",
    "any_periods",
    "assert_nothing_lost",
    "assert_statements_add_up",
    "calendar_years",
    "calendars",
    "commissions",
    "custom_periods",
    "dates",
    "deals",
    "employments",
    "exact_decimals",
    "fiscal_years",
    "grains",
    "labelled",
    "labels",
    "money",
    "near_labels",
    "overlapping_pairs",
    "periods",
    "plans",
    "proration_cases",
    "rate_tables",
    "rates",
    "records",
    "retail_calendars",
    "weekends",
    "years",
]
