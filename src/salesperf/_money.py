"""Exact money: Decimal amounts, ISO 4217 currencies, named rounding and currency conversion."""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from salesperf._errors import (
    DefinitionError,
    MissingRateError,
    Problem,
    SalesperfError,
    shown,
)

__all__ = [
    "CURRENCIES",
    "Currency",
    "ExchangeRate",
    "ExchangeRates",
    "Money",
    "RoundingMode",
    "currency",
    "round_cumulative",
    "to_decimal",
]

#: Precision used for every Decimal operation inside salesperf. 34 digits (IEEE decimal128)
#: keeps any realistic amount and rate exact; rounding to money happens only at named points.
DECIMAL_CONTEXT = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_EVEN, traps=[
    decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow,
])


#: Rounding to a minor unit keeps every digit before the point, which can be more than the
#: 34 of DECIMAL_CONTEXT (1E+32 to the cent is 35 digits; `Limits` admit amounts up to 1E+31
#: and millions of them): this context rounds any finite amount without running out of
#: digits. Arithmetic stays in DECIMAL_CONTEXT.
ROUNDING_CONTEXT = decimal.Context(prec=decimal.MAX_PREC, rounding=decimal.ROUND_HALF_EVEN,
                                   Emax=DECIMAL_CONTEXT.Emax, Emin=DECIMAL_CONTEXT.Emin,
                                   traps=[decimal.InvalidOperation, decimal.DivisionByZero,
                                          decimal.Overflow])


def plain(value: Decimal) -> Decimal:
    """The same number without a positive exponent, so it prints as 250000, not 2.5E+5."""
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value  # type: ignore[operator]


class RoundingMode(enum.Enum):
    """How an amount is rounded to its currency's minor unit; the plan names one."""

    HALF_UP = decimal.ROUND_HALF_UP
    HALF_EVEN = decimal.ROUND_HALF_EVEN
    HALF_DOWN = decimal.ROUND_HALF_DOWN
    UP = decimal.ROUND_UP
    DOWN = decimal.ROUND_DOWN
    CEILING = decimal.ROUND_CEILING
    FLOOR = decimal.ROUND_FLOOR


@attrs.frozen
class Currency:
    """An ISO 4217 currency and the number of decimals of its minor unit.

    >>> currency("JPY").quantum
    Decimal('1')
    >>> currency("BHD").quantum
    Decimal('0.001')
    """

    code: str
    minor_units: int = attrs.field(repr=False)
    quantum: Decimal = attrs.field(init=False, repr=False, eq=False)

    @quantum.default
    def _quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.minor_units)

    def round(self, amount: Decimal, mode: RoundingMode = RoundingMode.HALF_UP) -> Decimal:
        """Round an exact amount to this currency's minor unit with `mode`."""
        return amount.quantize(self.quantum, mode.value, ROUNDING_CONTEXT)  # positional: faster

    def __str__(self) -> str:
        return self.code


_MINOR_UNITS = {
    # The common currencies of sales compensation; extend with `Currency(code, units)`.
    "AED": 2, "AUD": 2, "BHD": 3, "BRL": 2, "CAD": 2, "CHF": 2, "CLP": 0, "CNY": 2,
    "CZK": 2, "DKK": 2, "EUR": 2, "GBP": 2, "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2,
    "INR": 2, "ISK": 0, "JOD": 3, "JPY": 0, "KRW": 0, "KWD": 3, "MXN": 2, "MYR": 2,
    "NOK": 2, "NZD": 2, "OMR": 3, "PHP": 2, "PLN": 2, "SAR": 2, "SEK": 2, "SGD": 2,
    "THB": 2, "TND": 3, "TRY": 2, "TWD": 2, "USD": 2, "VND": 0, "ZAR": 2,
}

#: The currencies salesperf knows by code, with their ISO 4217 minor units.
CURRENCIES: Mapping[str, Currency] = {code: Currency(code, n) for code, n in _MINOR_UNITS.items()}


def currency(code: str | Currency, *, path: str = "currency") -> Currency:
    """Look up a currency by ISO 4217 code (a `Currency` passes through).

    >>> currency("KWD").minor_units
    3
    >>> currency("XXQ")
    Traceback (most recent call last):
    ...
    salesperf._errors.DefinitionError: currency: unknown ISO 4217 currency code 'XXQ'...
    """
    if isinstance(code, Currency):
        return code
    found = CURRENCIES.get(code) if isinstance(code, str) else None
    if found is None:
        raise DefinitionError([Problem(
            path, f"unknown ISO 4217 currency code {code!r}; known codes include "
            "USD, EUR, GBP, JPY, CNY, INR, BHD, KWD (or pass a Currency)",
        )])
    return found


def to_decimal(value: object, *, path: str = "value") -> Decimal:
    """Convert host input to an exact, finite `Decimal`.

    Accepts `Decimal`, `int` and decimal text. A `float` is refused: it is usually already
    wrong (``0.1 + 0.2``) and salesperf never converts money through binary floating point.

    >>> to_decimal("1250.10")
    Decimal('1250.10')
    >>> to_decimal(0.1, path="deal.amount")
    Traceback (most recent call last):
    ...
    salesperf._errors.DefinitionError: deal.amount: must be a Decimal, int or decimal string, \
got float 0.1; ...
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise DefinitionError([Problem(path, f"must be a decimal number, got bool {value!r}")])
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        raise DefinitionError([Problem(
            path, f"must be a Decimal, int or decimal string, got float {value!r}; "
            f"floats are not exact, pass Decimal({str(value)!r}) or the string {str(value)!r}",
        )])
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace("_", ""))
        except decimal.InvalidOperation:
            raise DefinitionError([Problem(
                path, f"must be a decimal number such as '1250.00', got {shown(value)}",
            )]) from None
    else:
        raise DefinitionError([Problem(
            path, f"must be a Decimal, int or decimal string, got {type(value).__name__} "
            f"{shown(value)}",
        )])
    if not result.is_finite():
        given = shown(value) if isinstance(value, str) else repr(value)
        raise DefinitionError([Problem(path, f"must be a finite number, got {given}")])
    return result


@attrs.frozen(order=False)
class Money:
    """An exact amount in a currency.

    Arithmetic keeps amounts exact; `rounded` rounds to the minor unit at the points where
    DESIGN.md says rounding happens. Adding different currencies is an error.

    >>> Money.of("10.005", "USD").rounded()
    Money(amount=Decimal('10.01'), currency=Currency(code='USD'))
    >>> Money.of("10.005", "USD").rounded(RoundingMode.HALF_EVEN).amount
    Decimal('10.00')
    >>> Money.of(1000, "JPY") + Money.of(1, "JPY")
    Money(amount=Decimal('1001'), currency=Currency(code='JPY'))
    """

    amount: Decimal
    currency: Currency

    @classmethod
    def of(cls, amount: object, code: str | Currency, *, path: str = "amount") -> Money:
        """Build money from host input; floats are refused (see `to_decimal`)."""
        return cls(to_decimal(amount, path=path), currency(code))

    @classmethod
    def zero(cls, code: str | Currency) -> Money:
        return cls(Decimal(0), currency(code))

    def rounded(self, mode: RoundingMode = RoundingMode.HALF_UP) -> Money:
        return Money(self.currency.round(self.amount, mode), self.currency)

    def _same(self, other: Money, op: str) -> None:
        if other.currency != self.currency:
            raise SalesperfError(
                f"cannot {op} {self.currency.code} and {other.currency.code}; "
                "convert one first with ExchangeRates.convert"
            )

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "add")
        return Money(DECIMAL_CONTEXT.add(self.amount, other.amount), self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtract")
        return Money(DECIMAL_CONTEXT.subtract(self.amount, other.amount), self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float) or not isinstance(factor, Decimal | int):
            return NotImplemented
        return Money(DECIMAL_CONTEXT.multiply(self.amount, Decimal(factor)), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(DECIMAL_CONTEXT.minus(self.amount), self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount >= other.amount

    def __str__(self) -> str:
        return f"{self.amount:,} {self.currency.code}"


def round_cumulative(
    amounts: Iterable[Decimal],
    cur: str | Currency,
    mode: RoundingMode = RoundingMode.HALF_UP,
) -> list[Decimal]:
    """Round a sequence of exact amounts so that the lines add up to the rounded total.

    Line *i* is ``round(cumulative through i) - round(cumulative through i-1)``: the lines sum
    to ``round(sum(amounts))`` and each is within one minor unit of its exact value.

    `UP` and `DOWN` point away from or towards zero, so a running total whose sign differs
    from the grand total's is rounded in the grand total's direction (`CEILING` or `FLOOR`);
    otherwise a line could miss its exact value by almost two minor units.

    >>> third = Decimal(1) / 3
    >>> round_cumulative([third, third, third], "USD")
    [Decimal('0.33'), Decimal('0.34'), Decimal('0.33')]
    """
    cur = currency(cur)
    amounts = list(amounts)
    total = Decimal(0)
    for amount in amounts:
        total = DECIMAL_CONTEXT.add(total, amount)
    mode = cumulative_mode(mode, total)
    lines: list[Decimal] = []
    exact = Decimal(0)
    rounded_before = Decimal(0).quantize(cur.quantum)
    for amount in amounts:
        exact = DECIMAL_CONTEXT.add(exact, amount)
        rounded_now = cur.round(exact, mode)
        lines.append(DECIMAL_CONTEXT.subtract(rounded_now, rounded_before))
        rounded_before = rounded_now
    return lines


def cumulative_mode(mode: RoundingMode, total: Decimal) -> RoundingMode:
    """The mode that rounds the running totals of lines whose grand total is `total`.

    `UP` and `DOWN` point away from or towards zero, so a running total whose sign differs
    from the grand total's is rounded in the grand total's direction (`CEILING` or `FLOOR`):
    rounded in one fixed direction, each line stays within one minor unit of its exact value,
    and the grand total is still rounded as `mode` says. Other modes are returned as they are.
    `round_cumulative` and the commission engine both round their lines this way.
    """
    directed = _DIRECTED.get(mode)
    if directed is None:
        return mode
    return directed[1] if total < 0 else directed[0]


#: UP and DOWN as a fixed direction: (for a grand total >= 0, for a grand total < 0).
_DIRECTED: Mapping[RoundingMode, tuple[RoundingMode, RoundingMode]] = {
    RoundingMode.UP: (RoundingMode.CEILING, RoundingMode.FLOOR),
    RoundingMode.DOWN: (RoundingMode.FLOOR, RoundingMode.CEILING),
}


def _rate(value: object) -> Decimal:
    return to_decimal(value, path="rate")


@attrs.frozen
class ExchangeRate:
    """One unit of `base` is worth `rate` units of `quote`, from `effective` onwards."""

    base: str
    quote: str
    rate: Decimal = attrs.field(converter=_rate)
    effective: dt.date

    @rate.validator
    def _positive(self, _: attrs.Attribute[Decimal], value: Decimal) -> None:
        if value <= 0:
            raise DefinitionError([Problem("rate", f"must be > 0, got {value}")])


@attrs.frozen
class ExchangeRates:
    """A host-supplied, effective-dated table of exchange rates.

    The rate used on a date is the latest one effective on or before it. A pair given only
    the other way round is inverted (exactly to 34 significant digits). A missing rate raises
    `MissingRateError` naming the pair and the date.

    >>> rates = ExchangeRates.of([
    ...     ExchangeRate("EUR", "USD", Decimal("1.10"), dt.date(2026, 1, 1)),
    ...     ExchangeRate("EUR", "USD", Decimal("1.20"), dt.date(2026, 7, 1)),
    ... ])
    >>> rates.convert(Money.of("100", "EUR"), "USD", dt.date(2026, 3, 31)).amount
    Decimal('110.00')
    >>> rates.convert(Money.of("100", "EUR"), "USD", dt.date(2025, 12, 31))
    Traceback (most recent call last):
    ...
    salesperf._errors.MissingRateError: no exchange rate EUR->USD effective on 2025-12-31
    """

    _table: Mapping[tuple[str, str], tuple[tuple[dt.date, ...], tuple[Decimal, ...]]]

    @classmethod
    def of(cls, rates: Iterable[ExchangeRate]) -> ExchangeRates:
        grouped: dict[tuple[str, str], dict[dt.date, Decimal]] = {}
        problems: list[Problem] = []
        for i, r in enumerate(rates):
            by_date = grouped.setdefault((r.base, r.quote), {})
            if r.effective in by_date and by_date[r.effective] != r.rate:
                problems.append(Problem(
                    f"rates[{i}]",
                    f"two different {r.base}->{r.quote} rates effective on {r.effective}",
                ))
            by_date[r.effective] = r.rate
        if problems:
            raise DefinitionError(problems)
        table = {
            pair: (tuple(sorted(d)), tuple(d[k] for k in sorted(d))) for pair, d in grouped.items()
        }
        return cls(table)

    def rate(self, base: str, quote: str, on: dt.date) -> Decimal:
        """The rate converting `base` into `quote` on date `on`."""
        if base == quote:
            return Decimal(1)
        direct = self._lookup(base, quote, on)
        if direct is not None:
            return direct
        inverse = self._lookup(quote, base, on)
        if inverse is not None:
            return DECIMAL_CONTEXT.divide(Decimal(1), inverse)
        raise MissingRateError(base, quote, on)

    def _lookup(self, base: str, quote: str, on: dt.date) -> Decimal | None:
        entry = self._table.get((base, quote))
        if entry is None:
            return None
        dates, values = entry
        i = bisect.bisect_right(dates, on)
        return values[i - 1] if i else None

    def convert(self, money: Money, to: str | Currency, on: dt.date) -> Money:
        """Convert exactly (unrounded) into another currency at the rate effective on `on`."""
        target = currency(to)
        r = self.rate(money.currency.code, target.code, on)
        return Money(DECIMAL_CONTEXT.multiply(money.amount, r), target)
