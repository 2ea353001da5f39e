"""Explanations: the trace and the sentence of a line, written from the line's facts when
someone reads them (a large evaluation does not pay for sentences nobody reads)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from salesperf._money import DECIMAL_CONTEXT, ROUNDING_CONTEXT
from salesperf._plain import digits
from salesperf._plans import Application, Commission, Spiff, TierMode

from .crediting import AMOUNT, DATE, FACTOR, RECORD, REVERSES, RULE, SHARE, CreditRow, Reversal
from .rates import Rates
from .versions import Versions

__all__ = ["CommissionTerms", "CommissionWriter", "SpiffWriter", "money", "pct", "permille",
           "prorated", "ramped", "readable"]

_ZERO = Decimal(0)
_CENT = Decimal("0.01")
_PERMILLE = Decimal("0.001")
_MUL = DECIMAL_CONTEXT.multiply
_DIV = DECIMAL_CONTEXT.divide


def pct(value: Decimal) -> str:
    """A fraction as a percentage for a sentence: 0.125 → '12.5 %'."""
    return f"{(value * 100).normalize():f} %"


def prorated(parts: Sequence[Mapping[str, str]]) -> str:
    """What a trace's proration says, in words: '2026-Q1 59 of 90 days'."""
    return ", ".join(f"{p['period']} {p['active']} of {p['total']} "
                     + ("working days" if p["basis"] == "working_days" else "days")
                     for p in parts)


def ramped(ramps: Sequence[Mapping[str, str]]) -> str:
    """What a trace's ramp says, in words: '2026-Q1 × 63.1 %' (the trace keeps the exact
    factor, blended over the months of a period by days)."""
    return ", ".join(f"{r['period']} × {pct(permille(Decimal(r['factor'])))}" for r in ramps)


def permille(value: Decimal) -> Decimal:
    """A fraction to a tenth of a percent, for a sentence."""
    return value.quantize(_PERMILLE, None, ROUNDING_CONTEXT)


def readable(value: Decimal) -> str:
    """A score or fraction for a sentence, to three places: 0.94444… → '0.944', 1.0 → '1'."""
    return f"{permille(value).normalize():f}"


def money(value: Decimal) -> str:
    """An amount for a sentence, to the cent; traces keep the exact value."""
    return f"{value.quantize(_CENT, None, ROUNDING_CONTEXT):,}"


class CommissionTerms:
    """What holds for a commission over one payee's window: its rate table and quota, the
    gate, the multiplier and the caps. Earning computes with it; a line's trace cites it.

    One per payee and window, so kept to plain slots.
    """

    __slots__ = ("base", "cap", "comp", "factor", "gate_value", "mods", "notes", "open_gate",
                 "pay_all", "per_record_cap", "plain", "quota", "threshold")

    def __init__(self, comp: Commission, base: Rates, quota: Decimal | None,
                 mods: Mapping[str, Any], notes: tuple[str, ...], threshold: Decimal | None,
                 pay_all: bool, open_gate: bool, cap: Decimal | None,
                 per_record_cap: Decimal | None, factor: Decimal) -> None:
        self.comp, self.base, self.quota, self.mods, self.notes = comp, base, quota, mods, notes
        self.threshold, self.pay_all, self.open_gate = threshold, pay_all, open_gate
        self.cap, self.per_record_cap, self.factor = cap, per_record_cap, factor
        # No gate, no multiplier: earnings are the rate table's, capped.
        self.plain = open_gate and threshold is None and factor == 1
        # What the table pays at the gate's threshold, taken off when paying only above it.
        self.gate_value = base(threshold) if threshold is not None else _ZERO

    def earn(self, x: Decimal, capped: bool = True) -> Decimal:
        """Earnings at cumulative measure x, after gate, multiplier and cap."""
        cap = self.cap
        if self.plain:
            value = self.base(x)
        else:
            threshold = self.threshold
            if not self.open_gate or (threshold is not None and x < threshold):
                return _ZERO
            value = self.base(x)
            if not self.pay_all and threshold is not None:
                value = value - self.gate_value
            value = _MUL(value, self.factor)
        return value if cap is None or not capped or value <= cap else cap

    def per_record(self, amount: Decimal) -> Decimal:
        """What one credit earns on its own, capped per record (not yet for the period)."""
        value = self.earn(amount)
        limit = self.per_record_cap
        return limit if limit is not None and value > limit else value


class CommissionWriter:
    """Writes the lines of one commission block: from its credits, their values and the
    cumulative measure before the first, each line's measure before and after it."""

    __slots__ = ("_before", "rows", "start", "values", "versions")

    def __init__(self, versions: Versions[CommissionTerms], rows: Sequence[CreditRow],
                 values: Sequence[Decimal], start: Decimal) -> None:
        self.versions, self.rows, self.values, self.start = versions, rows, values, start
        self._before: list[Decimal] | None = None

    def _measure_before(self, j: int) -> Decimal:
        if self._before is None:
            running, before = self.start, []
            for c in self.rows:
                before.append(running)
                running = DECIMAL_CONTEXT.add(running, c[AMOUNT])
            self._before = before
        return self._before[j]

    def __call__(self, j: int) -> tuple[dict[str, Any], str]:
        c, value, versions = self.rows[j], self.values[j], self.versions
        terms = versions.at(c[DATE])
        comp = terms.comp
        cumulative = comp.application is Application.CUMULATIVE
        if cumulative:
            before = self._measure_before(j)
            after = DECIMAL_CONTEXT.add(before, c[AMOUNT])
            uncapped = terms.earn(after) - terms.earn(before)
            period_capped = False
        else:  # each record on its own, capped per record, then for the period
            before, after = _ZERO, c[AMOUNT]
            uncapped = terms.earn(after)
            period_capped = terms.cap is not None and value != terms.per_record(after)
        base, quota = terms.base, terms.quota
        slices = base.slices(before, after)
        tier = base.tier_of(after)
        if base.mode is TierMode.MARGINAL:
            parts = [f"{money(part)} at {pct(base.rates[i])}" for i, part in slices]
            how = " + ".join(parts) or "nothing"
        elif base.mode is TierMode.RETROACTIVE:
            how = (f"{money(after)} at {pct(base.rates[tier])} − "
                   f"{money(before)} at {pct(base.rates[base.tier_of(before)])}")
        else:
            how = (f"{money(base(after))} on {money(after)} − {money(base(before))} on "
                   f"{money(before)} (retroactive through tier {(base.retro_through or 0) + 1}, "
                   "marginal above)")
        undo = c[REVERSES]
        trace: dict[str, Any] = {
            "component": comp.id, "kind": "commission" if undo is None else "clawback",
            "record": c[RECORD],
            "date": c[DATE].isoformat(), "measure": comp.measure, "rule": c[RULE],
            "credit": digits(c[AMOUNT]), "share": digits(c[SHARE]), "factor": digits(c[FACTOR]),
            "cumulative_before": digits(before), "cumulative_after": digits(after),
            "mode": base.mode.value, "tiers": base.slice_facts(slices), "tier": str(tier + 1),
            "rate": digits(base.rates[tier]), "arithmetic": how,
            "exact": digits(value), **terms.mods,
        }
        if not versions.single:
            trace["version"] = versions.number(c[DATE])
        if undo is not None:
            return _clawback(trace, c, undo, value, before, after, comp.measure)
        text = f"{c[RECORD]} on {c[DATE]}: {credit_text(c)}"
        if cumulative:
            text += f"; {comp.measure} from {money(before)} to {money(after)}"
            if quota is not None and quota != 0:
                start, end = _DIV(before, quota), _DIV(after, quota)
                trace["quota"] = digits(quota)
                trace["attainment_before"] = digits(start)
                trace["attainment_after"] = digits(end)
                text += (f" ({pct(permille(start))} → {pct(permille(end))}"
                         f" of quota {money(quota)})")
        text += f": {how}"
        notes = _why(terms, before, after, uncapped, period_capped, cumulative)
        if not versions.single:
            notes.append(f"under plan version {versions.number(c[DATE])}")
        if notes:
            text += "; " + "; ".join(notes)
        text += f" = {money(value)}"
        return trace, text


def _clawback(trace: dict[str, Any], c: CreditRow, undo: Reversal, value: Decimal,
              before: Decimal, after: Decimal, measure: str) -> tuple[dict[str, Any], str]:
    """A clawback line: what it takes back of what the record it reverses earned."""
    earned = _DIV(-value, undo.fraction) if undo.fraction else _ZERO
    trace.update(reverses=undo.record, fraction=digits(undo.fraction),
                 original_earned=digits(earned))
    for key in ("tiers", "tier", "rate", "arithmetic"):
        trace.pop(key, None)
    text = (f"{c[RECORD]} on {c[DATE]}: reverses {pct(undo.fraction)} of {undo.record} "
            f"({money(c[AMOUNT])} of {measure}, which goes from {money(before)} to "
            f"{money(after)}): takes back {pct(undo.fraction)} of the {money(earned)} "
            f"{undo.record} earned = {money(value)}")
    return trace, text


def credit_text(c: CreditRow) -> str:
    """What a record credited, with the share and factor when they are not 100 %."""
    text = f"credited {money(c[AMOUNT])}"
    if c[SHARE] != 1 or c[FACTOR] != 1:
        text += f" ({pct(c[SHARE])} share × {pct(c[FACTOR])} credit)"
    return text


def _why(terms: CommissionTerms, before: Decimal, after: Decimal, uncapped: Decimal,
         period_capped: bool, cumulative: bool) -> list[str]:
    """What the gate and the caps did to a line, for its explanation."""
    out = list(terms.notes)
    threshold = terms.threshold
    if threshold is not None and terms.open_gate:
        if after < threshold:
            out.append(f"below the gate at {money(threshold)}")
        elif before < threshold:
            out.append(f"passes the gate at {money(threshold)}, paying "
                       + ("from the first unit" if terms.pay_all else "only above it"))
    if terms.cap is not None and cumulative and terms.earn(after, capped=False) > terms.cap:
        out.append(f"capped at {money(terms.cap)} for the window")
    if terms.per_record_cap is not None and uncapped > terms.per_record_cap:
        out.append(f"capped at {money(terms.per_record_cap)} per record")
    if period_capped and terms.cap is not None:
        out.append(f"capped at {money(terms.cap)} for the period")
    return out


class SpiffWriter:
    """Writes the lines of one SPIFF block."""

    __slots__ = ("rows", "values", "versions")

    def __init__(self, versions: Versions[Spiff], rows: Sequence[CreditRow],
                 values: Sequence[Decimal]) -> None:
        self.versions, self.rows, self.values = versions, rows, values

    def __call__(self, j: int) -> tuple[dict[str, Any], str]:
        c, value = self.rows[j], self.values[j]
        comp = self.versions.at(c[DATE])
        undo = c[REVERSES]
        if comp.amount is not None:
            how = f"{money(comp.amount)} × {pct(c[SHARE])} share"
            if undo is not None:
                how = f"− {how} × {pct(undo.fraction)} reversed"
        else:
            how = f"{money(c[AMOUNT])} × {pct(comp.rate or _ZERO)}"
        trace = {"component": comp.id, "kind": "spiff", "record": c[RECORD],
                 "date": c[DATE].isoformat(), "share": digits(c[SHARE]), "arithmetic": how,
                 "exact": digits(value)}
        if undo is not None:
            trace.update(kind="clawback", reverses=undo.record, fraction=digits(undo.fraction))
            how = f"reverses {undo.record}: {how}"
        return trace, f"{c[RECORD]} on {c[DATE]}: SPIFF {comp.id}: {how} = {money(value)}"
