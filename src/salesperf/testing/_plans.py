"""Hypothesis strategies for plans that evaluate, and the records to evaluate them over.

`plans()` and `records()` are made for each other: the plans credit records by their
``product`` (``"a"`` or ``"b"``) and amount, pay a SPIFF on product ``"b"`` from February to
August, and measure ``revenue`` against quotas; the records are deals of 2026 (and a few
just outside it) for the payees given, with refunds, the odd split and clawbacks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

import salesperf as sp
from salesperf.testing._money import money, rates

__all__ = ["commissions", "deals", "plans", "rate_tables", "records"]

_BOUNDS = ["0.5", "0.8", "1", "1.25", "2"]  # attainment tier bounds, as plans write them


@st.composite
def rate_tables(draw: st.DrawFn, basis: sp.BoundBasis | None = None) -> sp.RateTable:
    """Rate tables of every mode (marginal, retroactive, hybrid) with up to four tiers,
    bounded by attainment or by amount (or by `basis`), rates from 0 to 20 %."""
    basis = basis or draw(st.sampled_from(sp.BoundBasis))
    if basis is sp.BoundBasis.ATTAINMENT:
        uppers = sorted(draw(st.sets(st.sampled_from(_BOUNDS), max_size=3)), key=Decimal)
    else:
        uppers = [str(b) for b in sorted(draw(st.sets(st.integers(1, 90_000), max_size=3)))]
    bounds = ["0", *uppers]
    mode = draw(st.sampled_from(sp.TierMode))
    through = (draw(st.integers(0, len(bounds) - 1))
               if mode is sp.TierMode.HYBRID else None)
    return sp.RateTable([sp.Tier(b, draw(rates("0.2", 4))) for b in bounds], mode, basis,
                        retroactive_through=through)


@st.composite
def commissions(draw: st.DrawFn, cid: str = "c") -> sp.Commission:
    """Commissions of every shape: per record or cumulative, every window, with or without
    a cap (per record, per period, at attainment), a gate and a floor."""
    application = draw(st.sampled_from(sp.Application))
    per_record = application is sp.Application.PER_RECORD  # no quota, so no attainment
    table = draw(rate_tables(sp.BoundBasis.AMOUNT if per_record else None))
    cap = draw(st.none() | st.builds(
        sp.Cap, per_record=st.none() | st.sampled_from(["400", "2500"]),
        per_period=st.sampled_from([None, "900", "5000"]),
        earnings_at_attainment=st.none() | st.just("1")))
    if cap is not None and cap.per_record is None and cap.per_period is None and (
            cap.earnings_at_attainment is None):
        cap = None
    gate = None if per_record else draw(st.none() | st.builds(
        sp.Gate, st.sampled_from(["0.3", "0.6"]), pay_from_first_unit=st.booleans()))
    return sp.Commission(cid, table, cap=cap, gate=gate,
                         window=draw(st.sampled_from(sp.Window)),
                         application=application,
                         floor=draw(st.sampled_from([None, "150"])))


@st.composite
def plans(draw: st.DrawFn, rounding: sp.RoundingMode | None = None,
          currency: str = "USD") -> sp.Plan:
    """Quarterly plans of 2026 with a commission (`commissions`), sometimes a SPIFF on
    product ``"b"``, crediting rules by product or amount, every rounding mode (or
    `rounding`)."""
    components: list[Any] = [draw(commissions())]
    if draw(st.booleans()):
        components.append(sp.Spiff("s", sp.Eq("product", "b", sp.Missing.FALSE),
                                   start=dt.date(2026, 2, 1), end=dt.date(2026, 8, 31),
                                   amount=draw(st.sampled_from(["25", "33.33"]))))
    rules = draw(st.sampled_from([
        [sp.CreditRule("all")],
        [sp.CreditRule("half", where=sp.Eq("product", "a", sp.Missing.FALSE), factor="0.5"),
         sp.CreditRule("rest")],
        [sp.CreditRule("big", where=sp.Compare("amount", ">=", 5000), factor="1.5"),
         sp.CreditRule("rest")],
    ]))
    return sp.Plan("p", components, credit_rules=rules, currency=currency,
                   rounding=rounding or draw(st.sampled_from(list(sp.RoundingMode))))


@st.composite
def records(draw: st.DrawFn, *, payees: Sequence[str] = ("ana", "ben"), max_size: int = 14,
            amount: st.SearchStrategy[Decimal] | None = None) -> list[Any]:
    """Deals of 2026 as plain dicts or `Record` values (both are drawn), with refunds, dates
    just outside the year, the odd split between the first two `payees` and up to two
    clawbacks (``reverses``) of earlier deals. The first payee is drawn twice as often."""
    amounts = money("-3000", "60000") if amount is None else amount
    out: list[Any] = []
    for i in range(draw(st.integers(0, max_size))):
        data: dict[str, Any] = {
            "id": f"R-{i:02}",
            "date": draw(st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
                         | st.dates(dt.date(2025, 12, 1), dt.date(2027, 1, 31))),
            "amount": draw(amounts),
            "product": draw(st.sampled_from(["a", "b"])),
        }
        if len(payees) > 1 and draw(st.integers(0, 9)) == 0:
            data["payees"], data["split"] = list(payees[:2]), {payees[0]: "0.6",
                                                               payees[1]: "0.4"}
        else:
            data["payee"] = draw(st.sampled_from([payees[0], *payees]))
        out.append(sp.Record.from_mapping(data) if draw(st.booleans()) else data)
    for i in range(draw(st.integers(0, 2)) if out else 0):  # clawbacks of earlier deals
        original = draw(st.sampled_from(out))
        day = original["date"] if isinstance(original, dict) else original.date
        undo: dict[str, Any] = {"id": f"X-{i}", "date": day + dt.timedelta(days=draw(
            st.integers(0, 60))), "payee": payees[0], "reverses": original["id"]
            if isinstance(original, dict) else original.id}
        if draw(st.booleans()):
            undo["amount"] = Decimal("-100")
        out.append(undo)
    return out


@st.composite
def deals(draw: st.DrawFn, *, max_size: int = 16, refunds: bool = False,
          start: dt.date = dt.date(2026, 1, 1), end: dt.date = dt.date(2026, 12, 31),
          payees: Sequence[str] = ("ana", "ben")) -> list[sp.Record]:
    """`Record` values with unique ids, dates in [start, end], one payee each and a
    ``product`` (``"a"`` or ``"b"``); amounts up to 120,000, and refunds down to -20,000
    with `refunds`."""
    count = draw(st.integers(0, max_size))
    amount = money("-20000" if refunds else "0", "120000")
    return [sp.Record(f"R-{i:02}", draw(st.dates(start, end)), (draw(st.sampled_from(payees)),),
                      draw(amount), None, {"product": draw(st.sampled_from(["a", "b"]))})
            for i in range(count)]
