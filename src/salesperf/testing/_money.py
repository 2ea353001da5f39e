"""Hypothesis strategies for amounts of money, rates and exact decimals."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

__all__ = ["exact_decimals", "money", "rates"]


def money(min_value: str | Decimal = "-1e9", max_value: str | Decimal = "1e9", places: int = 2,
          ) -> st.SearchStrategy[Decimal]:
    """Amounts with `places` decimals (cents by default) in ``[min_value, max_value]``:
    positive, negative or zero, up to a billion unless told otherwise."""
    return st.decimals(min_value=min_value, max_value=max_value, places=places,
                       allow_nan=False, allow_infinity=False)


def rates(max_value: str | Decimal = "0.3", places: int = 3) -> st.SearchStrategy[Decimal]:
    """Commission rates from 0 to `max_value` (30 % by default), with `places` decimals."""
    return money("0", max_value, places)


def exact_decimals(*, positive: bool = False, signed: bool = False,
                   ) -> st.SearchStrategy[Decimal]:
    """Exact decimals with varied exponents — 7, 0.05, 1.50, 2.5E+3, 0E-8, -0.125 … — for
    numbers a document must keep exactly as written. Never negative unless `signed`; never
    zero when `positive`."""
    return st.builds(
        lambda sign, coefficient, exponent: Decimal(
            (sign, tuple(int(c) for c in str(coefficient)), exponent)),
        st.integers(0, 1) if signed else st.just(0),
        st.integers(1 if positive else 0, 10**12),
        st.integers(-8, 6),
    )
