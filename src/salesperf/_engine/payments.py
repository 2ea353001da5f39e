"""Payments, the third stage: what is paid per period from what was earned.

Payable for a period = earned year to date through it − paid against earnings for earlier
periods, where what was paid is the host's figure when it gives one (else what this
evaluation computes as payable then). Recomputing a period with the same inputs never pays
twice. Then the period settles with the payee's balance — what the payee owes: recoverable
draw top-ups and negative payables carried, recovered from later earnings above the draw.

Per period, all amounts in the plan currency, rounded to its minor unit:

- payable ≥ draw: `recovered` = the least of the balance, payable − draw and the plan's
  recovery limit; `paid` = payable − recovered.
- payable < draw: `paid` = the draw; `top_up` = draw − payable. The part of it that makes up
  a negative payable is carried (or written off, as the plan says); the rest is the draw's
  top-up, carried if the draw is recoverable and forgiven if not.
- The balance after = balance before + top-up − forgiven − recovered; at the end of the plan
  year or when the payee leaves, the plan carries or forgives what is left.

So over any run of periods: Σ paid = earned year to date + (balance after − opening balance)
+ Σ forgiven. A non-recoverable top-up is never counted as paid against earnings, so a
year-to-date true-up cannot recover it by the back door.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import NamedTuple

from salesperf._errors import DataError
from salesperf._money import (
    DECIMAL_CONTEXT,
    ROUNDING_CONTEXT,
    Currency,
    ExchangeRates,
    currency,
    to_decimal,
)
from salesperf._plans import BalancePolicy, PaymentTerms

from .explain import money
from .inputs import Draw

__all__ = ["Payment", "in_pay_currency", "paid_table", "payments"]

_ZERO = Decimal(0)
_HALF_UP = "ROUND_HALF_UP"


class Payment(NamedTuple):
    """A payee's payment for one period: all amounts in the plan currency."""

    earned: Decimal
    earned_ytd: Decimal
    paid_before: Decimal
    payable: Decimal
    draw: Decimal
    top_up: Decimal
    recovered: Decimal
    forgiven: Decimal
    balance_before: Decimal
    balance_after: Decimal
    paid: Decimal
    settlement: tuple[str, ...]  # each step above that applied, in a sentence
    released: Decimal  # of what was earned, what became payable in the period
    held: Decimal  # earned and held back, not yet released, at the end of the period


def paid_table(paid: Mapping[tuple[str, str], object] | None) -> dict[tuple[str, str], Decimal]:
    """What the host paid against earnings per (payee, period label), as exact amounts."""
    return {(p, str(q)): to_decimal(v, path=f"paid[{p!r}, {q!r}]")
            for (p, q), v in (paid or {}).items()}


def payments(pid: str, labels: Sequence[str], earned: Sequence[Decimal],
             paid: Mapping[tuple[str, str], Decimal], quantum: Decimal, *,
             draws: Mapping[tuple[str, str], Draw], opening: Decimal, terms: PaymentTerms,
             year_ends: bool, leaves: int | None,
             released: Sequence[Decimal] | None = None) -> Iterator[Payment]:
    """The payee's payment for each period, from what it earned in each (rounded already).

    `opening` is the balance the payee owed at the start of the year; `year_ends` says the
    last period is the last of the plan year; `leaves` is the index of the period in which
    the payee's employment ends, if it does. `released` is what was released of the
    earnings by the end of each period, year to date, when a component holds some back
    (`holdbacks`); without it, everything earned is released.
    """
    def cents(value: Decimal) -> Decimal:
        return value.quantize(quantum, _HALF_UP, ROUNDING_CONTEXT)

    # Every amount below is in cents from here on, so sums and differences of them are too.
    zero = cents(_ZERO)
    paid_so_far = earned_ytd = released_before = _ZERO
    balance = cents(opening)
    last = len(labels) - 1
    for k, (label, amount) in enumerate(zip(labels, earned, strict=True)):
        earned_ytd = earned_ytd + amount
        released_ytd = earned_ytd if released is None else cents(released[k])
        payable = cents(released_ytd - paid_so_far)
        draw = draws.get((pid, label))
        guarantee = zero if draw is None else cents(draw.amount)
        notes: list[str] = []
        before = balance
        top_up = recovered = forgiven = zero
        if payable >= guarantee:
            room = payable - guarantee
            limit = terms.recovery_limit
            recovered = min(balance, room) if balance > 0 else zero
            if limit is not None and recovered > limit:
                recovered = cents(limit)
            if recovered:
                notes.append(f"recovered {money(recovered)} of the balance of {money(balance)} "
                             f"from the payable of {money(payable)}"
                             + (f" above the draw of {money(guarantee)}" if guarantee else "")
                             + (f" (at most {money(limit)} a period)"
                                if limit is not None and recovered == limit else ""))
            balance = balance - recovered
        else:
            top_up = guarantee - payable
            negative = -payable if payable < 0 else zero
            from_draw = top_up - negative
            if negative:
                if terms.negative_payable is BalancePolicy.CARRY:
                    notes.append(f"payable of {money(payable)} is negative: nothing is taken "
                                 f"back now, {money(negative)} is carried as a balance")
                else:
                    forgiven = forgiven + negative
                    notes.append(f"payable of {money(payable)} is negative: "
                                 f"{money(negative)} is written off")
            if from_draw:
                if draw is not None and draw.recoverable:
                    notes.append(f"draw of {money(guarantee)} tops up the payable of "
                                 f"{money(max(payable, _ZERO))} by {money(from_draw)}, "
                                 "recoverable: added to the balance")
                else:
                    forgiven = forgiven + from_draw
                    notes.append(f"draw of {money(guarantee)} tops up the payable of "
                                 f"{money(max(payable, _ZERO))} by {money(from_draw)}, "
                                 "not recoverable: never taken back")
            balance = balance + top_up - forgiven
        for ends, policy, when in ((k == leaves, terms.on_leaving, "the payee leaves"),
                                   (k == last and year_ends, terms.at_year_end,
                                    "the plan year ends")):
            if ends and balance and policy is BalancePolicy.FORGIVE:
                notes.append(f"balance of {money(balance)} forgiven: {when}")
                forgiven, balance = forgiven + balance, zero
        if before or balance:
            notes.append(f"balance {money(before)} before, {money(balance)} after")
        yield Payment(amount, earned_ytd, cents(paid_so_far), payable, guarantee, top_up,
                      recovered, forgiven, before, balance, payable + top_up - recovered,
                      tuple(notes), released_ytd - released_before,
                      earned_ytd - released_ytd)
        released_before = released_ytd
        paid_so_far = paid_so_far + paid.get((pid, label), payable)


def in_pay_currency(paid: Decimal, home: Currency, pay: str, rates: ExchangeRates | None,
                    pid: str, day: dt.date) -> tuple[Decimal, Decimal, str]:
    """What is paid, in the payee's own currency at the rate in force on `day` (the
    period's last day): (rate, amount, the sentence that says so)."""
    target = currency(pay, path=f"payees[{pid!r}].currency")
    if rates is None:
        raise DataError(None, "rates", f"payee {pid!r} is paid in {target.code}, the plan pays "
                        f"in {home.code}, and no exchange rates were given")
    rate = rates.rate(home.code, target.code, day)
    amount = target.round(DECIMAL_CONTEXT.multiply(paid, rate))
    return rate, amount, (f"paid {money(paid)} {home.code} is {money(amount)} {target.code} "
                          f"at {rate}, the rate of {day}")
