"""Paying a payee in their own currency: what is paid, converted at the rate in force on the
period's last day, the rate and its date named on the statement.

Issue "Pay across periods" (currencies).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import salesperf as sp

D = Decimal
PLAN = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable([sp.Tier(0, "0.10")]))]))
DEALS = [{"id": "D-1", "date": dt.date(2026, 2, 1), "payee": "eva", "amount": D("45000")}]
RATES = sp.ExchangeRates.of([sp.ExchangeRate("USD", "EUR", "0.90", dt.date(2026, 1, 1)),
                             sp.ExchangeRate("USD", "EUR", "0.92", dt.date(2026, 3, 31))])


class TestPaidInTheirOwnCurrency:
    def test_what_is_paid_is_converted_at_the_period_end_rate(self) -> None:
        """4,500.00 USD at 0.92 (the rate from 31 March, Q1's last day) = 4,140.00 EUR."""
        st_ = PLAN.evaluate(DEALS, "2026-Q1", payees=[sp.Payee("eva", currency="EUR")],
                            rates=RATES).statement("eva")
        assert (st_.paid, st_.pay_currency, st_.pay_rate, st_.pay_rate_date, st_.pay_amount) == (
            D("4500.00"), "EUR", D("0.92"), dt.date(2026, 3, 31), D("4140.00"))
        assert st_.settlement[-1] == ("paid 4,500.00 USD is 4,140.00 EUR at 0.92, the rate of "
                                      "2026-03-31")
        assert st_.to_dict()["pay_amount"] == "4140.00"

    def test_a_payee_paid_in_the_plan_currency_has_no_conversion(self) -> None:
        st_ = PLAN.evaluate(DEALS, "2026-Q1", payees=[sp.Payee("eva", currency="USD")],
                            rates=RATES).statement("eva")
        assert (st_.pay_currency, st_.pay_amount, st_.settlement) == (None, None, ())

    def test_without_rates_it_is_an_error_naming_the_payee(self) -> None:
        with pytest.raises(sp.DataError, match="payee 'eva' is paid in EUR"):
            PLAN.evaluate(DEALS, "2026-Q1", payees=[sp.Payee("eva", currency="EUR")])

    def test_an_unknown_currency_is_an_error_naming_the_payee_s_field(self) -> None:
        with pytest.raises(sp.DefinitionError) as caught:
            PLAN.evaluate(DEALS, "2026-Q1", payees=[sp.Payee("eva", currency="ZZZ")])
        assert [p.path for p in caught.value.problems] == ["payees['eva'].currency"]
        assert str(caught.value).startswith(
            "payees['eva'].currency: unknown ISO 4217 currency code 'ZZZ'")

    def test_a_missing_rate_names_the_pair_and_date(self) -> None:
        rates = sp.ExchangeRates.of([sp.ExchangeRate("USD", "EUR", "0.9", dt.date(2026, 6, 1))])
        with pytest.raises(sp.MissingRateError, match="2026-03-31"):
            PLAN.evaluate(DEALS, "2026-Q1", payees=[sp.Payee("eva", currency="EUR")],
                          rates=rates)
