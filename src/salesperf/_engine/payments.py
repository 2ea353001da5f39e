"""Payments, the third stage: what is payable per period from what was earned.

Payable for a period = earned year to date through it − paid for earlier periods, where
what was paid is the host's figure when it gives one (else what this evaluation computes as
payable then). Recomputing a period with the same inputs never pays twice. Draws, holdbacks
and clawbacks will settle here, between earning and the statement.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import NamedTuple

from salesperf._money import ROUNDING_CONTEXT, to_decimal

__all__ = ["Payment", "paid_table", "payments"]

_ZERO = Decimal(0)
_HALF_UP = "ROUND_HALF_UP"


class Payment(NamedTuple):
    """A payee's payment for one period: all amounts in the plan currency."""

    earned: Decimal
    earned_ytd: Decimal
    paid_before: Decimal
    payable: Decimal


def paid_table(paid: Mapping[tuple[str, str], object] | None) -> dict[tuple[str, str], Decimal]:
    """What the host paid per (payee, period label), as exact amounts."""
    return {(p, str(q)): to_decimal(v, path=f"paid[{p!r}, {q!r}]")
            for (p, q), v in (paid or {}).items()}


def payments(pid: str, labels: Sequence[str], earned: Sequence[Decimal],
             paid: Mapping[tuple[str, str], Decimal], quantum: Decimal) -> Iterator[Payment]:
    """The payee's payment for each period, from what it earned in each (rounded already)."""
    paid_so_far = earned_ytd = _ZERO
    for label, amount in zip(labels, earned, strict=True):
        earned_ytd = earned_ytd + amount
        payable = earned_ytd - paid_so_far
        yield Payment(amount, earned_ytd, paid_so_far.quantize(quantum, _HALF_UP, ROUNDING_CONTEXT),
                      payable.quantize(quantum, _HALF_UP, ROUNDING_CONTEXT))
        paid_so_far = paid_so_far + paid.get((pid, label), payable)
