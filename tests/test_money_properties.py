"""Properties of money rounding, conversion and input (DESIGN.md, "Money and rounding").

The strategies here are money-specific; they can move to the shared strategies module when
`salesperf.testing` ships.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import salesperf as sp
from salesperf import testing

#: A sample of minor units: two decimals, none and three.
CURRENCY_SAMPLE = [sp.currency("USD"), sp.currency("JPY"), sp.currency("BHD")]

currencies = st.sampled_from(CURRENCY_SAMPLE)
modes = st.sampled_from(list(sp.RoundingMode))


@st.composite
def amounts(draw: st.DrawFn, max_places: int = 6) -> Decimal:
    """An exact amount of up to a trillion, positive or negative, with up to `max_places`
    decimals — few enough digits that sums of a few dozen stay exact in 34 digits, and
    often a tie for the currencies in the sample. Small amounts are drawn as often as large
    ones, so running totals often change sign near zero, where rounding is most delicate."""
    places = draw(st.integers(min_value=0, max_value=max_places))
    size = draw(st.sampled_from([10**3, 10**6, 10**12]))
    units = draw(st.integers(min_value=-size, max_value=size))
    return Decimal(f"{units}E-{places}")


@st.composite
def minor_unit_amounts(draw: st.DrawFn, cur: sp.Currency) -> Decimal:
    """A whole number of `cur`'s minor units, as an amount already rounded would be."""
    units = draw(st.integers(min_value=-(10**12), max_value=10**12))
    return Decimal(units) * cur.quantum


positive_rates = st.builds(
    lambda units, places: Decimal(f"{units}E-{places}"),
    st.integers(min_value=1, max_value=10**7),
    st.integers(min_value=0, max_value=6),
)

dates = testing.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))


def exact_sum(values: list[Decimal]) -> Decimal:
    """The sum with no rounding at all: an inexact step would raise."""
    with decimal.localcontext() as ctx:
        ctx.prec = 100
        ctx.traps[decimal.Inexact] = True
        return sum(values, Decimal(0))


class TestRoundCumulative:
    @given(st.lists(amounts(), max_size=30), currencies, modes)
    @example([Decimal(1) / 3] * 3, sp.currency("USD"), sp.RoundingMode.HALF_UP)
    @example([Decimal("0.009"), Decimal("-0.018")], sp.currency("USD"), sp.RoundingMode.DOWN)
    @example([Decimal("0.001"), Decimal("-0.002")], sp.currency("USD"), sp.RoundingMode.UP)
    @example([Decimal("-0.5"), Decimal("1")], sp.currency("JPY"), sp.RoundingMode.DOWN)
    def test_lines_add_up_to_the_rounded_total(
        self, values: list[Decimal], cur: sp.Currency, mode: sp.RoundingMode,
    ) -> None:
        lines = sp.round_cumulative(values, cur, mode)
        assert len(lines) == len(values)
        assert exact_sum(lines) == cur.round(exact_sum(values), mode)

    @given(st.lists(amounts(), max_size=30), currencies, modes)
    @example([Decimal("0.009"), Decimal("-0.018")], sp.currency("USD"), sp.RoundingMode.DOWN)
    @example([Decimal("0.001"), Decimal("-0.002")], sp.currency("USD"), sp.RoundingMode.UP)
    @example([Decimal("-0.5"), Decimal("1")], sp.currency("JPY"), sp.RoundingMode.DOWN)
    @example([Decimal("0.0009"), Decimal("-0.0018")], sp.currency("BHD"), sp.RoundingMode.UP)
    def test_each_line_is_within_one_minor_unit_of_its_exact_value(
        self, values: list[Decimal], cur: sp.Currency, mode: sp.RoundingMode,
    ) -> None:
        lines = sp.round_cumulative(values, cur, mode)
        for line, exact in zip(lines, values, strict=True):
            assert abs(line - exact) <= cur.quantum
            assert line.quantize(cur.quantum) == line  # a whole number of minor units

    @given(amounts(), currencies, modes)
    def test_one_amount_gives_one_line_rounded_with_the_mode(
        self, value: Decimal, cur: sp.Currency, mode: sp.RoundingMode,
    ) -> None:
        assert sp.round_cumulative([value], cur, mode) == [cur.round(value, mode)]


class TestRounding:
    @given(amounts(max_places=8), currencies, modes)
    def test_rounding_is_idempotent(
        self, value: Decimal, cur: sp.Currency, mode: sp.RoundingMode,
    ) -> None:
        once = sp.Money(value, cur).rounded(mode)
        assert once.rounded(mode) == once
        for other in sp.RoundingMode:  # a rounded amount is on the grid of every mode
            assert once.rounded(other) == once

    @given(amounts(max_places=8), currencies, modes)
    def test_rounding_moves_an_amount_by_less_than_one_minor_unit(
        self, value: Decimal, cur: sp.Currency, mode: sp.RoundingMode,
    ) -> None:
        rounded = cur.round(value, mode)
        assert abs(rounded - value) < cur.quantum
        assert rounded.as_tuple().exponent == -cur.minor_units

    @given(amounts(max_places=8), currencies, st.sampled_from([
        sp.RoundingMode.HALF_UP, sp.RoundingMode.HALF_EVEN, sp.RoundingMode.HALF_DOWN,
    ]))
    def test_half_modes_round_to_the_nearest_minor_unit(
        self, value: Decimal, cur: sp.Currency, mode: sp.RoundingMode,
    ) -> None:
        assert abs(cur.round(value, mode) - value) * 2 <= cur.quantum


class TestConversion:
    @given(
        st.data(),
        st.lists(currencies, min_size=2, max_size=2, unique=True),
        positive_rates,
        dates,
        st.booleans(),
    )
    def test_converting_there_and_back_is_within_rounding_of_the_original(
        self,
        data: st.DataObject,
        pair: list[sp.Currency],
        rate: Decimal,
        on: dt.date,
        stored_forward: bool,
    ) -> None:
        base, quote = pair
        stored = (base, quote) if stored_forward else (quote, base)
        rates = sp.ExchangeRates.of([sp.ExchangeRate(stored[0].code, stored[1].code, rate, on)])
        original = sp.Money(data.draw(minor_unit_amounts(base)), base)

        there = rates.convert(original, quote, on)
        back = rates.convert(there, base, on)

        assert there.currency == quote
        assert back.currency == base
        assert abs(back.amount - original.amount) * 2 < base.quantum
        for mode in (sp.RoundingMode.HALF_UP, sp.RoundingMode.HALF_EVEN):
            assert back.rounded(mode) == original.rounded(mode)

    @given(currencies, positive_rates, dates, dates)
    def test_a_rate_applies_from_its_effective_date_onwards(
        self, cur: sp.Currency, rate: Decimal, effective: dt.date, on: dt.date,
    ) -> None:
        rates = sp.ExchangeRates.of([sp.ExchangeRate("EUR", cur.code, rate, effective)])
        if on >= effective:
            assert rates.rate("EUR", cur.code, on) == rate
        else:
            with pytest.raises(sp.MissingRateError) as err:
                rates.rate("EUR", cur.code, on)
            assert (err.value.base, err.value.quote, err.value.on) == ("EUR", cur.code, on)


class TestToDecimal:
    @given(st.decimals(allow_nan=False, allow_infinity=False))
    def test_decimal_text_round_trips_exactly(self, value: Decimal) -> None:
        parsed = sp.to_decimal(str(value))
        assert parsed == value
        assert parsed.as_tuple() == value.as_tuple()  # same digits and exponent

    @given(st.integers())
    def test_an_int_is_taken_exactly(self, value: int) -> None:
        assert sp.to_decimal(value) == value

    @given(st.floats())
    def test_every_float_is_refused(self, value: float) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.to_decimal(value, path="x")
        assert [p.path for p in err.value.problems] == ["x"]
        assert "got float" in err.value.problems[0].message
