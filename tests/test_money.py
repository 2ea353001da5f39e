"""Money: currencies, exact input, arithmetic, named rounding, cumulative rounding, rates.

Behaviour is checked through the public API (`import salesperf as sp`) against
DESIGN.md, "Money and rounding".
"""

from __future__ import annotations

import datetime as dt
import decimal
import operator
from collections.abc import Callable
from decimal import Decimal

import pytest

import salesperf as sp

D = Decimal
HALF_UP = sp.RoundingMode.HALF_UP
HALF_EVEN = sp.RoundingMode.HALF_EVEN
HALF_DOWN = sp.RoundingMode.HALF_DOWN
UP = sp.RoundingMode.UP
DOWN = sp.RoundingMode.DOWN
CEILING = sp.RoundingMode.CEILING
FLOOR = sp.RoundingMode.FLOOR


def only_problem(err: pytest.ExceptionInfo[sp.DefinitionError]) -> sp.Problem:
    """The single problem an input check reported."""
    assert len(err.value.problems) == 1
    return err.value.problems[0]


class TestCurrency:
    @pytest.mark.parametrize(
        ("code", "minor_units", "quantum"),
        [
            ("USD", 2, "0.01"),
            ("EUR", 2, "0.01"),
            ("GBP", 2, "0.01"),
            ("CNY", 2, "0.01"),
            ("INR", 2, "0.01"),
            ("JPY", 0, "1"),
            ("BHD", 3, "0.001"),
            ("KWD", 3, "0.001"),
        ],
    )
    def test_a_currency_has_its_iso_4217_minor_unit(
        self, code: str, minor_units: int, quantum: str,
    ) -> None:
        cur = sp.currency(code)
        assert cur.code == code
        assert cur.minor_units == minor_units
        assert cur.quantum == D(quantum)
        assert cur.quantum.as_tuple().exponent == -minor_units

    def test_known_currencies_are_listed_by_code(self) -> None:
        for code, cur in sp.CURRENCIES.items():
            assert cur.code == code
            assert sp.currency(code) is cur

    def test_a_currency_object_passes_through_lookup(self) -> None:
        custom = sp.Currency("XTS", 4)
        assert sp.currency(custom) is custom
        assert custom.quantum == D("0.0001")

    def test_a_currency_prints_as_its_code(self) -> None:
        assert str(sp.currency("EUR")) == "EUR"

    def test_currencies_with_the_same_code_and_units_are_equal(self) -> None:
        assert sp.Currency("USD", 2) == sp.currency("USD")
        assert hash(sp.Currency("USD", 2)) == hash(sp.currency("USD"))

    def test_an_unknown_code_is_a_definition_error_naming_the_code_and_path(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.currency("XXQ", path="plan.currency")
        problem = only_problem(err)
        assert problem.path == "plan.currency"
        assert "unknown ISO 4217 currency code 'XXQ'" in problem.message
        assert "USD" in problem.message  # says what would have been accepted

    def test_codes_are_case_sensitive(self) -> None:
        with pytest.raises(sp.DefinitionError, match="'usd'"):
            sp.currency("usd")

    def test_a_non_text_code_is_a_definition_error(self) -> None:
        with pytest.raises(sp.DefinitionError, match="unknown ISO 4217 currency code 840"):
            sp.currency(840)  # type: ignore[arg-type]


class TestToDecimal:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (D("1250.10"), D("1250.10")),
            (1250, D(1250)),
            (-3, D(-3)),
            ("1250.10", D("1250.10")),
            ("-0.005", D("-0.005")),
            ("  42.5 ", D("42.5")),
            ("1_000.00", D("1000.00")),
            ("1E+3", D("1E+3")),
        ],
    )
    def test_decimal_int_and_decimal_text_are_accepted_exactly(
        self, value: object, expected: Decimal,
    ) -> None:
        result = sp.to_decimal(value)
        assert result == expected
        assert result.as_tuple() == expected.as_tuple()  # trailing zeros are kept

    def test_a_decimal_is_returned_unchanged(self) -> None:
        value = D("0.10")
        assert sp.to_decimal(value) is value

    @pytest.mark.parametrize(("value", "text"), [(0.1, "0.1"), (1250.5, "1250.5"), (3.0, "3.0")])
    def test_a_float_is_refused_with_the_decimal_string_to_use_instead(
        self, value: float, text: str,
    ) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.to_decimal(value, path="deals[3].amount")
        problem = only_problem(err)
        assert problem.path == "deals[3].amount"
        assert f"got float {value!r}" in problem.message
        assert f"Decimal('{text}')" in problem.message
        assert f"the string '{text}'" in problem.message

    @pytest.mark.parametrize("value", [True, False])
    def test_a_bool_is_refused_although_it_is_an_int(self, value: bool) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.to_decimal(value, path="rate")
        problem = only_problem(err)
        assert problem.path == "rate"
        assert problem.message == f"must be a decimal number, got bool {value!r}"

    @pytest.mark.parametrize(
        "value",
        ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf",
         D("NaN"), D("Infinity"), D("-Infinity")],
    )
    def test_nan_and_infinity_are_refused(self, value: object) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.to_decimal(value, path="goal.target")
        problem = only_problem(err)
        assert problem.path == "goal.target"
        assert problem.message == f"must be a finite number, got {value!r}"

    @pytest.mark.parametrize("value", ["", "abc", "1,250.00", "12.5%", "$10", "1.2.3", "0x10"])
    def test_text_that_is_not_a_decimal_number_is_refused_with_an_example(
        self, value: str,
    ) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.to_decimal(value, path="records[0].amount")
        problem = only_problem(err)
        assert problem.path == "records[0].amount"
        assert problem.message == f"must be a decimal number such as '1250.00', got {value!r}"

    @pytest.mark.parametrize("value", [None, [1], {"amount": 1}, b"1.00"])
    def test_other_types_are_refused_naming_the_type(self, value: object) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.to_decimal(value)
        problem = only_problem(err)
        assert problem.path == "value"  # the default path
        assert f"got {type(value).__name__} {value!r}" in problem.message

    def test_the_refusal_is_a_salesperf_error_and_a_value_error(self) -> None:
        with pytest.raises(sp.SalesperfError):
            sp.to_decimal(0.5)
        with pytest.raises(ValueError, match="got float"):
            sp.to_decimal(0.5)


class TestMoney:
    def test_of_builds_exact_money_from_host_input(self) -> None:
        money = sp.Money.of("1250.105", "USD")
        assert money.amount == D("1250.105")
        assert money.currency == sp.currency("USD")

    def test_of_refuses_a_float_naming_the_path(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.Money.of(19.99, "USD", path="deals[0].amount")
        assert only_problem(err).path == "deals[0].amount"

    def test_of_refuses_an_unknown_currency(self) -> None:
        with pytest.raises(sp.DefinitionError, match="unknown ISO 4217"):
            sp.Money.of("1", "ABC")

    def test_zero_is_zero_in_the_currency(self) -> None:
        assert sp.Money.zero("JPY") == sp.Money.of(0, "JPY")

    def test_arithmetic_is_exact_and_unrounded(self) -> None:
        a = sp.Money.of("0.1", "USD")
        b = sp.Money.of("0.2", "USD")
        assert (a + b).amount == D("0.3")
        assert (b - a).amount == D("0.1")
        assert (a * D("0.333")).amount == D("0.0333")
        assert (3 * a).amount == D("0.3")
        assert (-a).amount == D("-0.1")
        assert (a - b).amount == D("-0.1")

    def test_arithmetic_keeps_the_currency(self) -> None:
        yen = sp.Money.of(1000, "JPY") + sp.Money.of(1, "JPY")
        assert yen == sp.Money.of(1001, "JPY")
        assert yen.currency.code == "JPY"

    def test_arithmetic_does_not_depend_on_the_callers_decimal_context(self) -> None:
        big = sp.Money.of("123456789.12", "USD")
        with decimal.localcontext() as ctx:
            ctx.prec = 3
            assert (-big).amount == D("-123456789.12")
            assert (big + big).amount == D("246913578.24")
            assert (big - sp.Money.of("0.01", "USD")).amount == D("123456789.11")
            assert (big * 2).amount == D("246913578.24")

    @pytest.mark.parametrize(
        ("op", "verb"),
        [
            (operator.add, "add"),
            (operator.sub, "subtract"),
            (operator.lt, "compare"),
            (operator.le, "compare"),
            (operator.gt, "compare"),
            (operator.ge, "compare"),
        ],
    )
    def test_mixing_currencies_is_an_error_that_says_to_convert(
        self, op: Callable[[sp.Money, sp.Money], object], verb: str,
    ) -> None:
        usd = sp.Money.of(1, "USD")
        eur = sp.Money.of(1, "EUR")
        with pytest.raises(sp.SalesperfError, match=f"cannot {verb} USD and EUR") as err:
            op(usd, eur)
        assert "ExchangeRates.convert" in str(err.value)

    def test_money_in_different_currencies_is_not_equal(self) -> None:
        assert sp.Money.of(1, "USD") != sp.Money.of(1, "EUR")

    def test_equal_amounts_compare_equal_whatever_their_trailing_zeros(self) -> None:
        assert sp.Money.of("1.5", "USD") == sp.Money.of("1.50", "USD")
        assert hash(sp.Money.of("1.5", "USD")) == hash(sp.Money.of("1.50", "USD"))

    def test_money_in_one_currency_is_ordered_by_amount(self) -> None:
        small, large = sp.Money.of("9.99", "USD"), sp.Money.of("10", "USD")
        assert small < large
        assert small <= large
        assert large > small
        assert large >= small
        assert sorted([large, small]) == [small, large]

    @pytest.mark.parametrize("factor", [0.5, "2", None])
    def test_multiplying_by_anything_but_decimal_or_int_is_a_type_error(
        self, factor: object,
    ) -> None:
        with pytest.raises(TypeError):
            sp.Money.of(1, "USD") * factor  # type: ignore[operator]

    def test_adding_a_plain_number_is_a_type_error(self) -> None:
        with pytest.raises(TypeError):
            sp.Money.of(1, "USD") + 1  # type: ignore[operator]

    def test_money_prints_with_thousands_separators_and_code(self) -> None:
        assert str(sp.Money.of("1234567.5", "USD")) == "1,234,567.5 USD"
        assert str(sp.Money.of(1001, "JPY")) == "1,001 JPY"

    def test_money_is_immutable(self) -> None:
        money = sp.Money.of(1, "USD")
        with pytest.raises(AttributeError):
            money.amount = D(2)  # type: ignore[misc]


ROUNDING_CASES = [
    # amount, mode, expected (USD, 2 decimals)
    ("2.675", HALF_UP, "2.68"), ("2.675", HALF_EVEN, "2.68"), ("2.675", HALF_DOWN, "2.67"),
    ("2.675", UP, "2.68"), ("2.675", DOWN, "2.67"),
    ("2.675", CEILING, "2.68"), ("2.675", FLOOR, "2.67"),
    ("-2.675", HALF_UP, "-2.68"), ("-2.675", HALF_EVEN, "-2.68"),
    ("-2.675", HALF_DOWN, "-2.67"), ("-2.675", UP, "-2.68"), ("-2.675", DOWN, "-2.67"),
    ("-2.675", CEILING, "-2.67"), ("-2.675", FLOOR, "-2.68"),
    ("0.125", HALF_UP, "0.13"), ("0.125", HALF_EVEN, "0.12"), ("0.125", HALF_DOWN, "0.12"),
    ("0.125", UP, "0.13"), ("0.125", DOWN, "0.12"),
    ("0.125", CEILING, "0.13"), ("0.125", FLOOR, "0.12"),
    ("-0.125", HALF_UP, "-0.13"), ("-0.125", HALF_EVEN, "-0.12"),
    ("-0.125", HALF_DOWN, "-0.12"), ("-0.125", UP, "-0.13"), ("-0.125", DOWN, "-0.12"),
    ("-0.125", CEILING, "-0.12"), ("-0.125", FLOOR, "-0.13"),
    # not a tie: the half modes agree, the directed ones do not
    ("2.6749", HALF_UP, "2.67"), ("2.6749", HALF_EVEN, "2.67"),
    ("2.6749", HALF_DOWN, "2.67"), ("2.6751", HALF_DOWN, "2.68"),
    ("2.671", UP, "2.68"), ("2.679", DOWN, "2.67"),
    ("-2.671", CEILING, "-2.67"), ("-2.671", FLOOR, "-2.68"),
    # already on the minor unit: unchanged by every mode
    ("2.67", UP, "2.67"), ("2.67", FLOOR, "2.67"),
]


class TestRounding:
    """Every mode on ties and near-ties; the mode is named, the default is HALF_UP."""

    @pytest.mark.parametrize(("amount", "mode", "expected"), ROUNDING_CASES)
    def test_each_mode_rounds_to_the_minor_unit_as_named(
        self, amount: str, mode: sp.RoundingMode, expected: str,
    ) -> None:
        rounded = sp.Money.of(amount, "USD").rounded(mode)
        assert rounded.amount == D(expected)
        assert rounded.amount.as_tuple().exponent == -2
        assert rounded.currency.code == "USD"

    def test_the_default_mode_is_half_up(self) -> None:
        assert sp.Money.of("0.125", "USD").rounded().amount == D("0.13")
        assert sp.currency("USD").round(D("0.125")) == D("0.13")

    @pytest.mark.parametrize(
        ("amount", "mode", "expected"),
        [
            ("2.5", HALF_UP, "3"), ("2.5", HALF_EVEN, "2"), ("3.5", HALF_EVEN, "4"),
            ("2.5", HALF_DOWN, "2"), ("-2.5", HALF_UP, "-3"), ("1234.4", UP, "1235"),
            ("1234.9", DOWN, "1234"), ("-0.4", FLOOR, "-1"),
        ],
    )
    def test_yen_rounds_to_whole_units(
        self, amount: str, mode: sp.RoundingMode, expected: str,
    ) -> None:
        rounded = sp.Money.of(amount, "JPY").rounded(mode).amount
        assert rounded == D(expected)
        assert rounded.as_tuple().exponent == 0

    @pytest.mark.parametrize(
        ("code", "amount", "mode", "expected"),
        [
            ("BHD", "1.2345", HALF_UP, "1.235"), ("BHD", "1.2345", HALF_EVEN, "1.234"),
            ("BHD", "1.2355", HALF_EVEN, "1.236"), ("KWD", "-0.0005", HALF_UP, "-0.001"),
            ("KWD", "10.0001", CEILING, "10.001"),
        ],
    )
    def test_three_decimal_currencies_round_to_the_fils(
        self, code: str, amount: str, mode: sp.RoundingMode, expected: str,
    ) -> None:
        rounded = sp.Money.of(amount, code).rounded(mode).amount
        assert rounded == D(expected)
        assert rounded.as_tuple().exponent == -3

    def test_rounding_pads_an_amount_to_the_minor_unit(self) -> None:
        assert str(sp.Money.of("5", "USD").rounded().amount) == "5.00"
        assert str(sp.Money.of("5", "BHD").rounded().amount) == "5.000"

    def test_every_mode_is_one_of_the_seven_named_modes(self) -> None:
        assert {m.name for m in sp.RoundingMode} == {
            "HALF_UP", "HALF_EVEN", "HALF_DOWN", "UP", "DOWN", "CEILING", "FLOOR",
        }


class TestRoundCumulative:
    def test_three_equal_thirds_of_one_dollar_round_to_lines_that_add_up(self) -> None:
        """Worked example G, /work/shared/examples/commission-examples.md.

        Three records each earning exactly 1/3 of a 1.00 total produce lines
        0.33, 0.34, 0.33, and the lines add up to 1.00.
        """
        third = D(1) / 3
        lines = sp.round_cumulative([third, third, third], "USD")
        assert lines == [D("0.33"), D("0.34"), D("0.33")]
        assert sum(lines) == D("1.00")

    def test_line_i_is_rounded_running_total_minus_the_previous_one(self) -> None:
        amounts = [D("0.004"), D("0.004"), D("0.004"), D("0.004")]
        # running totals 0.004, 0.008, 0.012, 0.016 round to 0.00, 0.01, 0.01, 0.02
        assert sp.round_cumulative(amounts, "USD") == [D("0"), D("0.01"), D("0"), D("0.01")]

    def test_per_line_rounding_would_lose_the_cents_that_cumulative_rounding_keeps(
        self,
    ) -> None:
        amounts = [D("0.004")] * 10
        assert sum(sp.currency("USD").round(a) for a in amounts) == D("0")
        assert sum(sp.round_cumulative(amounts, "USD")) == D("0.04")

    def test_lines_use_the_named_mode(self) -> None:
        amounts = [D("0.125"), D("0.125")]
        assert sp.round_cumulative(amounts, "USD", HALF_UP) == [D("0.13"), D("0.12")]
        assert sp.round_cumulative(amounts, "USD", HALF_EVEN) == [D("0.12"), D("0.13")]

    def test_lines_are_in_the_currencys_minor_unit(self) -> None:
        third = D(100) / 3
        assert sp.round_cumulative([third] * 3, "JPY") == [D(33), D(34), D(33)]
        assert sp.round_cumulative([D(1) / 3] * 3, "BHD") == [
            D("0.333"), D("0.334"), D("0.333"),
        ]

    def test_refunds_make_negative_lines(self) -> None:
        lines = sp.round_cumulative([D("10.005"), D("-10.005")], "USD")
        assert lines == [D("10.01"), D("-10.01")]
        assert sum(lines) == 0

    @pytest.mark.parametrize("mode", [UP, DOWN])
    @pytest.mark.parametrize(
        "amounts",
        [
            [D("0.009"), D("-0.018")],
            [D("-0.001"), D("0.002")],
            [D("0.001"), D("-0.002")],
            [D("-0.009"), D("0.018"), D("-0.009")],
        ],
    )
    def test_up_and_down_keep_each_line_within_a_cent_when_the_running_total_changes_sign(
        self, amounts: list[Decimal], mode: sp.RoundingMode,
    ) -> None:
        lines = sp.round_cumulative(amounts, "USD", mode)
        total = sp.currency("USD").round(sum(amounts, D(0)), mode)
        assert sum(lines) == total
        for line, exact in zip(lines, amounts, strict=True):
            assert abs(line - exact) <= D("0.01")

    def test_no_amounts_give_no_lines(self) -> None:
        assert sp.round_cumulative([], "USD") == []

    def test_any_iterable_is_accepted_once(self) -> None:
        lines = sp.round_cumulative((D(1) / 3 for _ in range(3)), "USD", DOWN)
        assert lines == [D("0.33"), D("0.33"), D("0.33")]

    def test_lines_do_not_depend_on_the_callers_decimal_context(self) -> None:
        with decimal.localcontext() as ctx:
            ctx.prec = 3
            assert sp.round_cumulative([D("12345.67")], "USD") == [D("12345.67")]

    def test_an_unknown_currency_is_a_definition_error(self) -> None:
        with pytest.raises(sp.DefinitionError, match="XXQ"):
            sp.round_cumulative([D(1)], "XXQ")


def eur_usd(*rates: tuple[str, dt.date]) -> sp.ExchangeRates:
    return sp.ExchangeRates.of(
        sp.ExchangeRate("EUR", "USD", D(rate), effective) for rate, effective in rates
    )


JAN = dt.date(2026, 1, 1)
JUL = dt.date(2026, 7, 1)


class TestExchangeRates:
    def test_the_rate_on_a_date_is_the_latest_effective_on_or_before_it(self) -> None:
        rates = eur_usd(("1.10", JAN), ("1.20", JUL))
        assert rates.rate("EUR", "USD", dt.date(2026, 3, 31)) == D("1.10")
        assert rates.rate("EUR", "USD", dt.date(2026, 6, 30)) == D("1.10")
        assert rates.rate("EUR", "USD", dt.date(2030, 1, 1)) == D("1.20")

    def test_on_its_effective_date_the_new_rate_applies(self) -> None:
        rates = eur_usd(("1.10", JAN), ("1.20", JUL))
        assert rates.rate("EUR", "USD", JAN) == D("1.10")
        assert rates.rate("EUR", "USD", JUL) == D("1.20")

    def test_the_order_rates_are_given_in_does_not_matter(self) -> None:
        forward = eur_usd(("1.10", JAN), ("1.20", JUL))
        backward = eur_usd(("1.20", JUL), ("1.10", JAN))
        for day in (JAN, dt.date(2026, 4, 1), JUL, dt.date(2027, 1, 1)):
            assert forward.rate("EUR", "USD", day) == backward.rate("EUR", "USD", day)

    def test_convert_multiplies_exactly_without_rounding(self) -> None:
        rates = eur_usd(("1.0837", JAN))
        converted = rates.convert(sp.Money.of("100.05", "EUR"), "USD", JAN)
        assert converted == sp.Money.of("108.424185", "USD")
        assert converted.rounded() == sp.Money.of("108.42", "USD")

    def test_convert_accepts_a_currency_object(self) -> None:
        rates = eur_usd(("1.5", JAN))
        converted = rates.convert(sp.Money.of(2, "EUR"), sp.currency("USD"), JAN)
        assert converted == sp.Money.of(3, "USD")

    def test_a_pair_given_only_one_way_is_inverted(self) -> None:
        rates = eur_usd(("1.25", JAN))
        assert rates.rate("USD", "EUR", JAN) == D("0.8")
        assert rates.convert(sp.Money.of(100, "USD"), "EUR", JAN) == sp.Money.of(80, "EUR")

    def test_an_inverted_rate_is_exact_to_34_significant_digits(self) -> None:
        rates = eur_usd(("3", JAN))
        assert rates.rate("USD", "EUR", JAN) == D("0." + "3" * 34)

    def test_the_inverse_uses_the_same_effective_dates(self) -> None:
        rates = eur_usd(("1.25", JAN), ("2", JUL))
        assert rates.rate("USD", "EUR", dt.date(2026, 6, 30)) == D("0.8")
        assert rates.rate("USD", "EUR", JUL) == D("0.5")
        with pytest.raises(sp.MissingRateError):
            rates.rate("USD", "EUR", dt.date(2025, 12, 31))

    def test_a_direct_rate_wins_over_an_inverted_one(self) -> None:
        rates = sp.ExchangeRates.of([
            sp.ExchangeRate("EUR", "USD", D("1.25"), JAN),
            sp.ExchangeRate("USD", "EUR", D("0.81"), JAN),
        ])
        assert rates.rate("USD", "EUR", JAN) == D("0.81")
        assert rates.rate("EUR", "USD", JAN) == D("1.25")

    def test_a_currency_converts_to_itself_at_one_without_any_rates(self) -> None:
        rates = sp.ExchangeRates.of([])
        assert rates.rate("JPY", "JPY", JAN) == 1
        money = sp.Money.of("123.456", "USD")
        assert rates.convert(money, "USD", JAN) == money

    def test_a_missing_rate_names_the_pair_and_the_date(self) -> None:
        rates = eur_usd(("1.10", JAN))
        day = dt.date(2025, 12, 31)
        with pytest.raises(sp.MissingRateError) as err:
            rates.convert(sp.Money.of(100, "EUR"), "USD", day)
        assert str(err.value) == "no exchange rate EUR->USD effective on 2025-12-31"
        assert (err.value.base, err.value.quote, err.value.on) == ("EUR", "USD", day)

    def test_an_unknown_pair_is_missing(self) -> None:
        rates = eur_usd(("1.10", JAN))
        with pytest.raises(sp.MissingRateError, match="GBP->JPY effective on 2026-01-01"):
            rates.rate("GBP", "JPY", JAN)

    def test_rates_are_not_chained_through_a_third_currency(self) -> None:
        rates = sp.ExchangeRates.of([
            sp.ExchangeRate("EUR", "USD", D("1.1"), JAN),
            sp.ExchangeRate("USD", "JPY", D("150"), JAN),
        ])
        with pytest.raises(sp.MissingRateError, match="EUR->JPY"):
            rates.rate("EUR", "JPY", JAN)

    def test_a_missing_rate_is_a_salesperf_lookup_error_not_a_key_error(self) -> None:
        err = sp.MissingRateError("EUR", "USD", JAN)
        assert isinstance(err, sp.SalesperfError)
        assert isinstance(err, LookupError)
        assert not isinstance(err, KeyError)

    def test_two_different_rates_for_a_pair_on_one_date_are_a_definition_error(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.ExchangeRates.of([
                sp.ExchangeRate("EUR", "USD", D("1.10"), JAN),
                sp.ExchangeRate("EUR", "USD", D("1.20"), JUL),
                sp.ExchangeRate("EUR", "USD", D("1.11"), JAN),
                sp.ExchangeRate("GBP", "USD", D("1.3"), JAN),
                sp.ExchangeRate("GBP", "USD", D("1.4"), JAN),
            ])
        assert err.value.problems == (
            sp.Problem("rates[2]", "two different EUR->USD rates effective on 2026-01-01"),
            sp.Problem("rates[4]", "two different GBP->USD rates effective on 2026-01-01"),
        )

    def test_the_same_rate_given_twice_is_accepted(self) -> None:
        rates = eur_usd(("1.10", JAN), ("1.100", JAN))
        assert rates.rate("EUR", "USD", JAN) == D("1.1")

    @pytest.mark.parametrize("rate", ["0", "-1.10", 0, D("-0.0001")])
    def test_a_rate_must_be_positive(self, rate: object) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.ExchangeRate("EUR", "USD", rate, JAN)
        problem = only_problem(err)
        assert problem.path == "rate"
        assert problem.message.startswith("must be > 0, got ")

    def test_a_rate_is_exact_host_input(self) -> None:
        assert sp.ExchangeRate("EUR", "USD", "1.0837", JAN).rate == D("1.0837")
        with pytest.raises(sp.DefinitionError, match=r"got float 1\.08") as err:
            sp.ExchangeRate("EUR", "USD", 1.08, JAN)
        assert only_problem(err).path == "rate"
