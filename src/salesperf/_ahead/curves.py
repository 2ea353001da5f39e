"""Payout curves and attainment tables as data: for a plan and a quota, what a payee earns in
a period at each attainment — ready to plot, or to read as a table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from salesperf._engine import CompiledPlan, Quota, TargetIncentive
from salesperf._errors import DataError, DefinitionError, Problem
from salesperf._money import DECIMAL_CONTEXT, to_decimal
from salesperf._periods import Period
from salesperf._plans import BoundBasis, Commission, TargetBonus
from salesperf._records import Payee

__all__ = ["DEFAULT_ATTAINMENTS", "CurvePoint", "PayoutCurve", "first_measure", "payout_curve",
           "plan_breakpoints"]

_ZERO = Decimal(0)
_DIV = DECIMAL_CONTEXT.divide
_MUL = DECIMAL_CONTEXT.multiply
#: 0 %, 10 %, … 200 %: where a curve is read when the caller names no attainments.
DEFAULT_ATTAINMENTS = tuple(Decimal(k) / 10 for k in range(21))
_PAYEE = "payee"


@attrs.frozen
class CurvePoint:
    """What the plan pays at one attainment: the measure credited (attainment × quota), the
    period's earnings, each component's, and as fractions of the target incentive and of
    the measure."""

    attainment: Decimal
    measure: Decimal
    earned: Decimal
    components: tuple[tuple[str, Decimal], ...]
    payout_of_target: Decimal | None  # earned ÷ target incentive (None without one)
    effective_rate: Decimal | None  # earned ÷ measure (None at 0)


@attrs.frozen
class PayoutCurve:
    """A plan's attainment → payout curve for one quota (and target incentive), point by
    point; `table()` gives it as rows of plain text values, one per attainment."""

    plan: str
    version: int
    period: str
    measure: str
    quota: Decimal
    target_incentive: Decimal | None
    points: tuple[CurvePoint, ...]

    def earned_at(self, attainment: object) -> Decimal:
        """The earnings at one of the curve's attainments."""
        wanted = to_decimal(attainment, path="attainment")
        for point in self.points:
            if point.attainment == wanted:
                return point.earned
        known = ", ".join(str(p.attainment) for p in self.points)
        raise DefinitionError([Problem("attainment", f"not a point of the curve: {wanted}; "
                                       f"points: {known}")])

    def table(self) -> list[dict[str, str | None]]:
        """One row per attainment: attainment, measure, earned, payout of target, effective
        rate and each component's earnings — exact decimal text, ready for a chart or a
        data frame."""
        return [{"attainment": str(p.attainment), "measure": str(p.measure),
                 "earned": str(p.earned),
                 "payout_of_target": _text(p.payout_of_target),
                 "effective_rate": _text(p.effective_rate),
                 **{f"component:{cid}": str(v) for cid, v in p.components}} for p in self.points]

    def to_dict(self) -> dict[str, Any]:
        return {"plan": self.plan, "version": self.version, "period": self.period,
                "measure": self.measure, "quota": str(self.quota),
                "target_incentive": _text(self.target_incentive), "points": self.table()}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def payout_curve(
    plan: CompiledPlan,
    period: Period | str,
    *,
    quota: object,
    target_incentive: object = None,
    measure: str | None = None,
    attainments: Iterable[object] | None = None,
    breakpoints: bool = True,
    record: Mapping[str, object] | None = None,
    date: dt.date | None = None,
    quotas: Sequence[Quota] = (),
) -> PayoutCurve:
    """What `plan` pays one payee in `period` at each attainment of `quota` for `measure`.

    Each point is a real evaluation of the plan: one record dated `date` (default: the
    period's first day) with the fields of `record` (for the crediting rules to select) and
    the amount that credits attainment × quota to the measure (a rule with a credit factor
    is allowed for). So every gate, cap, floor, multiplier and bonus of the plan is in the
    curve, exactly. `attainments` defaults to 0 %–200 % by 10 %; with `breakpoints`, the
    plan's own attainments where pay changes slope (tier bounds, gate thresholds, bonus
    curve points) are added. `quotas` gives the quotas of other measures (a gate or a
    multiplier on them) for the payee ``"payee"``.

    A window that runs year to date reads the quotas of earlier periods too: draw such a
    plan's curve for the first period of its year.
    """
    compiled_period = plan.plan.calendar.parse(period) if isinstance(period, str) else period
    label = str(compiled_period)
    measure = measure or first_measure(plan)
    amount = to_decimal(quota, path="quota")
    if amount <= 0:
        raise DefinitionError([Problem("quota", f"must be above 0, got {amount}")])
    incentive = None if target_incentive is None else to_decimal(target_incentive,
                                                                 path="target_incentive")
    wanted = [to_decimal(a, path=f"attainments[{i}]")
              for i, a in enumerate(DEFAULT_ATTAINMENTS if attainments is None else attainments)]
    if breakpoints and wanted:
        low, high = min(wanted), max(wanted)
        wanted += [b for b in plan_breakpoints(plan, amount, measure) if low <= b <= high]
    inputs = {"payees": [Payee(_PAYEE)],
              "quotas": [Quota(_PAYEE, measure, label, amount), *quotas],
              "target_incentives": [] if incentive is None else
              [TargetIncentive(_PAYEE, label, incentive)]}
    day = date or compiled_period.start
    fields = {k: v for k, v in (record or {}).items() if k not in ("id", "date", "payee",
                                                                    "payees", "amount")}
    points = []
    for att in sorted(set(wanted)):
        target = _MUL(att, amount)
        ev = _evaluate(plan, label, fields, day, target, measure, inputs)
        st = ev.statement(_PAYEE)
        points.append(CurvePoint(
            att, target, st.earned, tuple((c.component, c.earned) for c in st.components),
            None if not incentive else _DIV(st.earned, incentive),
            None if target == 0 else _DIV(st.earned, target)))
    return PayoutCurve(plan.plan.id, plan.plan.version, label, measure, amount, incentive,
                       tuple(points))


def _evaluate(plan: CompiledPlan, label: str, fields: Mapping[str, object], day: dt.date,
              target: Decimal, measure: str, inputs: Mapping[str, Any]) -> Any:
    """An evaluation with one record crediting `target` to `measure`: the record's amount is
    corrected once by the credit factor the crediting rules applied."""
    amount = target
    for _ in range(2):
        data = {**fields, "id": "curve", "date": day, "payee": _PAYEE, "amount": amount}
        ev = plan.evaluate([data], label, **inputs)
        credited = sum((c.amount for c in ev.credits
                        if c.payee == _PAYEE and c.measure == measure), _ZERO)
        if credited == target:
            return ev
        if credited == 0 or amount == 0:
            break
        amount = _DIV(_MUL(amount, target), credited)
    reasons = "; ".join(e.reason for e in ev.exclusions) or "its credit is not proportional"
    raise DataError("curve", "record", f"a record with the fields {dict(fields)!r} does not "
                    f"credit {target} to {measure!r} ({reasons}); give `record` the fields "
                    "the plan's crediting rules select")


def first_measure(plan: CompiledPlan) -> str:
    for comp in plan.plan.components:
        if isinstance(comp, Commission | TargetBonus):
            return comp.measure
    return "revenue"


def plan_breakpoints(plan: CompiledPlan, quota: Decimal, measure: str) -> list[Decimal]:
    """The attainments where the plan's pay for `measure` changes slope."""
    out: list[Decimal] = []
    for comp in plan.plan.components:
        if isinstance(comp, Commission) and comp.measure == measure:
            scale = (lambda b: b) if comp.rates.basis is BoundBasis.ATTAINMENT else (
                lambda b: _DIV(b, quota))
            out += [scale(t.lower) for t in comp.rates.tiers]
            if comp.gate is not None and comp.gate.measure in (None, measure):
                out.append(comp.gate.min_attainment)
        elif isinstance(comp, TargetBonus) and comp.measure == measure:
            out += [x for x, _ in comp.curve.points]
            if comp.gate is not None and comp.gate.measure in (None, measure):
                out.append(comp.gate.min_attainment)
    return out
