"""Explanations: the trace and the sentence of a line, written from the line's facts when
someone reads them (a large evaluation does not pay for sentences nobody reads).

Everything here computes in salesperf's decimal context by name (``DECIMAL_CONTEXT.subtract``
rather than ``-``), so a trace read in any caller's context is the same, without the cost
of entering a context for every line read (`tests/test_engine_stages.py::TestExplanations`
reads traces under a context that traps every rounding).
"""

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

__all__ = ["CommissionTerms", "CommissionWriter", "LineFacts", "Point", "SpiffWriter", "Writer",
           "money", "pct", "permille", "prorated", "ramped", "readable", "to_cents"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_CENT = Decimal("0.01")
_PERMILLE = Decimal("0.001")
_MUL = DECIMAL_CONTEXT.multiply
_DIV = DECIMAL_CONTEXT.divide
_SUB = DECIMAL_CONTEXT.subtract


def pct(value: Decimal) -> str:
    """A fraction as a percentage for a sentence: 0.125 → '12.5 %'."""
    return f"{digits(value.scaleb(2, DECIMAL_CONTEXT).normalize(DECIMAL_CONTEXT))} %"


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
    return f"{permille(value).normalize(DECIMAL_CONTEXT):f}"


def money(value: Decimal) -> str:
    """An amount for a sentence, to the cent; traces keep the exact value."""
    return f"{value.quantize(_CENT, None, ROUNDING_CONTEXT):,}"


def to_cents(value: Decimal) -> Decimal:
    """An amount to the cent, as `money` rounds it before writing it."""
    return value.quantize(_CENT, None, ROUNDING_CONTEXT)


class CommissionTerms:
    """What holds for a commission over one payee's window: its rate table and quota, the
    gate, the multiplier and the caps. Earning computes with it; a line's trace cites it.

    One per payee and window, so kept to plain slots.
    """

    __slots__ = ("_words", "base", "cap", "comp", "factor", "gate_value", "mods", "notes",
                 "open_gate", "pay_all", "per_record_cap", "plain", "quota", "threshold")

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
        self._words: Words | None = None  # written when a line is first read

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
                value = _SUB(value, self.gate_value)
            value = _MUL(value, self.factor)
        return value if cap is None or not capped or value <= cap else cap

    def uncapped(self, point: Point) -> Decimal:
        """Earnings at a point's measure, before the cap (its tier known when plain)."""
        return self.base.at(point.x, point.tier) if self.plain else self.earn(point.x, False)

    def per_record(self, amount: Decimal) -> Decimal:
        """What one credit earns on its own, capped per record (not yet for the period)."""
        value = self.earn(amount)
        limit = self.per_record_cap
        return limit if limit is not None and value > limit else value

    def words(self) -> Words:
        """What the terms say in every line's trace and sentence."""
        words = self._words
        if words is None:
            words = self._words = Words(self)
        return words


class Words:
    """What one version's terms say in every line's trace and sentence, written once per
    payee and window when one of its lines is first read; a tier's rate in words when a line
    first crosses it (a line costs the tiers it crosses, not the size of the table)."""

    __slots__ = ("component", "measure", "mode", "quota", "quota_money", "rates")

    def __init__(self, terms: CommissionTerms) -> None:
        comp, quota = terms.comp, terms.quota
        self.component, self.measure, self.mode = comp.id, comp.measure, terms.base.mode.value
        # A line of a cumulative commission shows the attainment of a quota that is not 0.
        self.quota: str | None = None
        self.quota_money = ""
        if quota is not None and quota != 0:
            self.quota, self.quota_money = digits(quota), money(quota)
        self.rates: dict[int, str] = {}

    def rate(self, base: Rates, i: int) -> str:
        """Tier i's rate in a sentence."""
        shown = self.rates.get(i)
        if shown is None:
            shown = self.rates[i] = pct(base.rates[i])
        return shown


class Writer:
    """Writes the trace and the sentence of a block's lines, from a line's place in its
    block, when someone reads them. `trace` gives a new dict on every call (the reader may
    change it)."""

    __slots__ = ()

    def trace(self, j: int) -> dict[str, Any]:
        """Line j's trace."""
        raise NotImplementedError

    def text(self, j: int) -> str:
        """Line j's sentence, ending in its exact value."""
        raise NotImplementedError


class Point:
    """The cumulative measure at one end of a line, under the terms of the line's version,
    and what a trace and a sentence say of it. Consecutive lines of a block share one (line
    j's point after it is line j + 1's point before it), so reading a block's lines in
    order writes each point once."""

    __slots__ = ("attainment", "digits", "money", "shown", "tier", "x")
    attainment: str  # with a quota (not 0), of a cumulative commission
    shown: str  # the attainment in a sentence

    def __init__(self, terms: CommissionTerms, x: Decimal, cumulative: bool) -> None:
        self.x, self.tier = x, terms.base.tier_of(x)
        self.digits, self.money = digits(x), money(x)
        quota = terms.quota
        if cumulative and quota is not None and quota != 0:  # attainment of the quota
            attainment = _DIV(x, quota)
            self.attainment, self.shown = digits(attainment), pct(permille(attainment))


class LineFacts:
    """What line j of a commission block says, shared by its trace and its sentence: the
    credit, its value, the version's terms and number, the points before and after it, the
    slices of the rate table it crosses and its arithmetic in words."""

    __slots__ = ("after", "before", "c", "credited", "cumulative", "date", "how", "j", "slices",
                 "terms", "value", "version", "words")
    j: int
    c: CreditRow
    value: Decimal  # the line's exact value
    date: str
    credited: str  # the credit in words
    terms: CommissionTerms
    words: Words
    version: int | None  # the plan version's number, when the plan has versions
    cumulative: bool
    before: Point
    after: Point
    slices: list[tuple[int, Decimal]]  # not for a clawback
    how: str  # not for a clawback


class CommissionWriter(Writer):
    """Writes the lines of one commission block: from its credits, their values and the
    cumulative measure before the first, each line's measure before and after it.

    Keeps the last line's facts: its trace and its sentence are written from one set, and
    the next line starts from its point after (fast path for reading a block in order;
    `tests/test_engine_stages.py::TestExplanations` proves that lines read in any order
    say the same). A line read out of order starts from its measure before, summed once for
    the block.
    """

    __slots__ = ("_before", "_last", "rows", "start", "values", "versions")

    def __init__(self, versions: Versions[CommissionTerms], rows: Sequence[CreditRow],
                 values: Sequence[Decimal], start: Decimal) -> None:
        self.versions, self.rows, self.values, self.start = versions, rows, values, start
        self._before: list[Decimal] | None = None
        self._last: LineFacts | None = None

    def _measure_before(self, j: int) -> Decimal:
        if j == 0:
            return self.start
        if self._before is None:
            running, before = self.start, []
            for c in self.rows:
                before.append(running)
                running = DECIMAL_CONTEXT.add(running, c[AMOUNT])
            self._before = before
        return self._before[j]

    def facts(self, j: int) -> LineFacts:
        """Line j's facts."""
        last = self._last
        if last is not None and last.j == j:  # its trace, then its sentence
            return last
        f = LineFacts()
        c = f.c = self.rows[j]
        f.j, f.value, f.date = j, self.values[j], c[DATE].isoformat()
        f.credited = money(c[AMOUNT])
        versions = self.versions
        if len(versions.items) == 1:
            terms, f.version = versions.items[0], None
        else:
            terms, f.version = versions.at(c[DATE]), versions.number(c[DATE])
        f.terms, f.words = terms, terms._words or terms.words()  # written once per terms
        cumulative = f.cumulative = terms.comp.application is Application.CUMULATIVE
        if not cumulative:  # each record on its own: from nothing to its credit
            f.before, f.after = Point(terms, _ZERO, False), Point(terms, c[AMOUNT], False)
        else:
            before = f.before = (last.after if last is not None and last.j == j - 1
                                 and last.terms is terms
                                 else Point(terms, self._measure_before(j), True))
            f.after = Point(terms, DECIMAL_CONTEXT.add(before.x, c[AMOUNT]), True)
        if c[REVERSES] is None:  # a clawback's trace and sentence cite no tier
            f.slices, f.how = _arithmetic(terms, f.words, f.before, f.after, c[AMOUNT],
                                          f.credited)
        self._last = f
        return f

    def trace(self, j: int) -> dict[str, Any]:
        f = self.facts(j)
        c, terms, before, after = f.c, f.terms, f.before, f.after
        words, undo = f.words, c[REVERSES]
        if undo is not None:
            trace = {"component": words.component, "kind": "clawback", "record": c[RECORD],
                     "date": f.date, "measure": words.measure, "rule": c[RULE],
                     "credit": digits(c[AMOUNT]), "share": digits(c[SHARE]),
                     "factor": digits(c[FACTOR]), "cumulative_before": before.digits,
                     "cumulative_after": after.digits, "mode": words.mode,
                     "exact": digits(f.value), **terms.mods}
            if f.version is not None:
                trace["version"] = f.version
            trace.update(reverses=undo.record, fraction=digits(undo.fraction),
                         original_earned=digits(_taken_from(f.value, undo)))
            return trace
        base = terms.base
        tier = base.tier_fact(after.tier)
        trace = {"component": words.component, "kind": "commission", "record": c[RECORD],
                 "date": f.date, "measure": words.measure, "rule": c[RULE],
                 "credit": digits(c[AMOUNT]), "share": digits(c[SHARE]),
                 "factor": digits(c[FACTOR]), "cumulative_before": before.digits,
                 "cumulative_after": after.digits, "mode": words.mode,
                 "tiers": base.slice_facts(f.slices), "tier": tier["tier"], "rate": tier["rate"],
                 "arithmetic": f.how, "exact": digits(f.value), **terms.mods}
        if f.version is not None:
            trace["version"] = f.version
        if f.cumulative and words.quota is not None:
            trace["quota"] = words.quota
            trace["attainment_before"] = before.attainment
            trace["attainment_after"] = after.attainment
        return trace

    def text(self, j: int) -> str:
        f = self.facts(j)
        c, terms, before, after = f.c, f.terms, f.before, f.after
        undo, words = c[REVERSES], f.words
        if undo is not None:  # what it takes back of what the record it reverses earned
            fraction = pct(undo.fraction)
            return (f"{c[RECORD]} on {f.date}: reverses {fraction} of {undo.record} "
                    f"({f.credited} of {words.measure}, which goes from {before.money} "
                    f"to {after.money}): takes back {fraction} of the "
                    f"{money(_taken_from(f.value, undo))} {undo.record} earned = "
                    f"{money(f.value)}")
        text = f"{c[RECORD]} on {f.date}: {credit_text(c, f.credited)}"
        if f.cumulative:
            text += f"; {words.measure} from {before.money} to {after.money}"
            if words.quota is not None:
                text += f" ({before.shown} → {after.shown} of quota {words.quota_money})"
        notes = _why(terms, before, after, f.value, f.cumulative)
        if f.version is not None:
            notes.append(f"under plan version {f.version}")
        if notes:
            return f"{text}: {f.how}; {'; '.join(notes)} = {money(f.value)}"
        return f"{text}: {f.how} = {money(f.value)}"


def _arithmetic(terms: CommissionTerms, words: Words, before: Point, after: Point,
                credit: Decimal, credited: str) -> tuple[list[tuple[int, Decimal]], str]:
    """The slices of the rate table a line crosses — negative where the measure falls — and
    its arithmetic in words (a slice that is the whole credit shown as the credit is:
    `credited`)."""
    base = terms.base
    slices = base.slices(before.x, after.x, before.tier, after.tier)
    if after.x < before.x:  # the measure falls (a refund): each slice is taken back
        slices = [(i, part.copy_negate()) for i, part in slices]
    mode = base.mode
    if mode is TierMode.MARGINAL:
        how = " + ".join([f"{credited if part == credit else money(part)} at "
                          f"{words.rate(base, i)}" for i, part in slices])
        return slices, how or "nothing"
    if mode is TierMode.RETROACTIVE:
        return slices, (f"{after.money} at {words.rate(base, after.tier)} − "
                        f"{before.money} at {words.rate(base, before.tier)}")
    return slices, (f"{money(base(after.x))} on {after.money} − {money(base(before.x))} on "
                    f"{before.money} (retroactive through tier {(base.retro_through or 0) + 1}, "
                    "marginal above)")


def _taken_from(value: Decimal, undo: Reversal) -> Decimal:
    """What the record a clawback reverses earned, from what the clawback takes back (its
    share is never 0: a reversal that would take nothing is excluded when credited)."""
    return _DIV(DECIMAL_CONTEXT.minus(value), undo.fraction)


def credit_text(c: CreditRow, credited: str) -> str:
    """What a record credited (`credited`, its amount in words), with the share and factor
    when they are not 100 %."""
    text = f"credited {credited}"
    if c[SHARE] != _ONE or c[FACTOR] != _ONE:  # a Decimal: cheaper to compare than 1
        text += f" ({pct(c[SHARE])} share × {pct(c[FACTOR])} credit)"
    return text


def _why(terms: CommissionTerms, before: Point, after: Point, value: Decimal,
         cumulative: bool) -> list[str]:
    """What the gate and the caps did to a line, for its explanation."""
    out = list(terms.notes)
    threshold = terms.threshold
    if threshold is not None and terms.open_gate:
        if after.x < threshold:
            out.append(f"below the gate at {money(threshold)}")
        elif before.x < threshold:
            out.append(f"passes the gate at {money(threshold)}, paying "
                       + ("from the first unit" if terms.pay_all else "only above it"))
    cap, per_record_cap = terms.cap, terms.per_record_cap
    if cap is not None and cumulative and terms.uncapped(after) > cap:
        out.append(f"capped at {money(cap)} for the window")
    if per_record_cap is not None and (
            _SUB(terms.earn(after.x), terms.earn(before.x)) if cumulative
            else terms.earn(after.x)) > per_record_cap:
        out.append(f"capped at {money(per_record_cap)} per record")
    # Each record on its own is capped per record, then for the period.
    if not cumulative and cap is not None and value != terms.per_record(after.x):
        out.append(f"capped at {money(cap)} for the period")
    return out


class SpiffWriter(Writer):
    """Writes the lines of one SPIFF block."""

    __slots__ = ("rows", "values", "versions")

    def __init__(self, versions: Versions[Spiff], rows: Sequence[CreditRow],
                 values: Sequence[Decimal]) -> None:
        self.versions, self.rows, self.values = versions, rows, values

    def _how(self, j: int) -> tuple[CreditRow, Spiff, str]:
        c = self.rows[j]
        comp = self.versions.at(c[DATE])
        undo = c[REVERSES]
        if comp.amount is not None:
            how = f"{money(comp.amount)} × {pct(c[SHARE])} share"
            if undo is not None:
                how = f"− {how} × {pct(undo.fraction)} reversed"
        else:
            how = f"{money(c[AMOUNT])} × {pct(comp.rate or _ZERO)}"
        return c, comp, how

    def trace(self, j: int) -> dict[str, Any]:
        c, comp, how = self._how(j)
        trace = {"component": comp.id, "kind": "spiff", "record": c[RECORD],
                 "date": c[DATE].isoformat(), "share": digits(c[SHARE]), "arithmetic": how,
                 "exact": digits(self.values[j])}
        undo = c[REVERSES]
        if undo is not None:
            trace.update(kind="clawback", reverses=undo.record, fraction=digits(undo.fraction))
        return trace

    def text(self, j: int) -> str:
        c, comp, how = self._how(j)
        undo = c[REVERSES]
        if undo is not None:
            how = f"reverses {undo.record}: {how}"
        return f"{c[RECORD]} on {c[DATE]}: SPIFF {comp.id}: {how} = {money(self.values[j])}"
