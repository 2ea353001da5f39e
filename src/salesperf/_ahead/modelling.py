"""Plan modelling on history: two or more plans (or versions of one) evaluated over the same
records — cost per payee and in total, the change, payout as a share of revenue, who gains
and who loses, each plan's payout curve — optionally under a scenario (history scaled,
quotas changed)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from salesperf._engine import Assignment, CompiledPlan, Quota, TargetIncentive
from salesperf._engine.explain import money, pct
from salesperf._errors import DefinitionError, Problem
from salesperf._money import DECIMAL_CONTEXT, ExchangeRates, to_decimal
from salesperf._plans.parts import dec
from salesperf._records import Hierarchy, Payee, Record, as_record

from .curves import DEFAULT_ATTAINMENTS, PayoutCurve, first_measure, payout_curve, plan_breakpoints

__all__ = ["PlanChange", "PlanComparison", "PayeeChange", "PlanCost", "Scenario", "compare_plans"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_DIV = DECIMAL_CONTEXT.divide
_MUL = DECIMAL_CONTEXT.multiply


def _quotas(values: Iterable[Quota] | None) -> tuple[Quota, ...] | None:
    return None if values is None else tuple(values)


@attrs.frozen
class Scenario:
    """What-ifs on the history itself: every record's amount × `scale` (0.9: a year 10 %
    down), every quota × `quota_scale`, after `quotas` (when given) replace the host's."""

    name: str = "as recorded"
    scale: Decimal = attrs.field(default=_ONE, converter=dec)
    quota_scale: Decimal = attrs.field(default=_ONE, converter=dec)
    quotas: tuple[Quota, ...] | None = attrs.field(default=None, converter=_quotas)

    def __attrs_post_init__(self) -> None:
        bad = [Problem(f"scenario.{name}", f"must be >= 0, got {value}")
               for name, value in (("scale", self.scale), ("quota_scale", self.quota_scale))
               if value < 0]
        if bad:
            raise DefinitionError(bad)

    def records(self, records: Iterable[Record | Mapping[str, object]]
                ) -> list[Record | Mapping[str, object]]:
        """The history under the scenario: records as given (plain mappings stay mappings,
        which the engine credits fastest), their amounts × `scale`."""
        if self.scale == _ONE:
            return list(records)
        out: list[Record | Mapping[str, object]] = []
        for r in records:
            amount = amount_of(r)
            if amount is None:
                out.append(r)
            elif isinstance(r, Record):
                out.append(attrs.evolve(r, amount=_MUL(amount, self.scale)))
            else:
                out.append({**r, "amount": _MUL(amount, self.scale)})
        return out

    def apply_to_quotas(self, quotas: Iterable[Quota]) -> list[Quota]:
        """The quotas under the scenario."""
        given = list(self.quotas if self.quotas is not None else quotas)
        if self.quota_scale == _ONE:
            return given
        return [attrs.evolve(q, amount=_MUL(q.amount, self.quota_scale)) for q in given]


@attrs.frozen
class PlanCost:
    """What one plan costs on the history: each payee's earnings over the plan year through
    the period (every statement's `earned`, the earlier periods' included), their total,
    the revenue of the same records and dates, and the plan's payout curve if asked for."""

    name: str
    plan: str
    version: int
    total: Decimal
    by_payee: Mapping[str, Decimal]
    revenue: Decimal
    curve: PayoutCurve | None = None

    @property
    def payout_ratio(self) -> Decimal | None:
        """The cost as a share of revenue (None when there is no revenue)."""
        return None if self.revenue == 0 else _DIV(self.total, self.revenue)


@attrs.frozen
class PayeeChange:
    """One payee's cost under a plan against the first plan's."""

    payee: str
    baseline: Decimal
    cost: Decimal

    @property
    def change(self) -> Decimal:
        return self.cost - self.baseline

    @property
    def change_ratio(self) -> Decimal | None:
        """The change as a share of the baseline (None when the baseline is 0)."""
        return None if self.baseline == 0 else _DIV(self.change, self.baseline)


@attrs.frozen
class PlanChange:
    """A plan against the first plan: the change in total and payee by payee."""

    name: str
    change: Decimal
    payees: tuple[PayeeChange, ...]

    @property
    def gainers(self) -> tuple[str, ...]:
        """The payees who earn more, the largest gain first."""
        return tuple(c.payee for c in sorted(self.payees, key=lambda c: (-c.change, c.payee))
                     if c.change > 0)

    @property
    def losers(self) -> tuple[str, ...]:
        """The payees who earn less, the largest loss first."""
        return tuple(c.payee for c in sorted(self.payees, key=lambda c: (c.change, c.payee))
                     if c.change < 0)

    @property
    def unchanged(self) -> tuple[str, ...]:
        return tuple(c.payee for c in self.payees if c.change == 0)


@attrs.frozen
class PlanComparison:
    """Plans compared on one history: `costs` (the first plan is the baseline) and, for each
    later plan, how it differs from the first (`against`)."""

    period: str
    scenario: Scenario
    costs: tuple[PlanCost, ...]
    against: tuple[PlanChange, ...]

    def cost(self, name: str) -> PlanCost:
        for c in self.costs:
            if c.name == name:
                return c
        raise DefinitionError([Problem("name", f"no plan named {name!r}; plans: "
                                       + ", ".join(c.name for c in self.costs))])

    def curve_table(self) -> list[dict[str, str | None]]:
        """The plans' payout curves side by side, ready to plot: a row per attainment with
        each plan's earnings under its name (empty without curves). The curves are read at
        the same attainments: 0 %–200 % by 10 % and every plan's breakpoints."""
        curves = [(c.name, c.curve) for c in self.costs if c.curve is not None]
        if not curves:
            return []
        rows: list[dict[str, str | None]] = [
            {"attainment": str(p.attainment), "measure": str(p.measure)}
            for p in curves[0][1].points]
        for name, curve in curves:
            for row, point in zip(rows, curve.points, strict=True):
                row[name] = str(point.earned)
        return rows

    def explain(self) -> str:
        """The comparison as text: each plan's cost, its share of revenue, and the change."""
        first = self.costs[0]
        out = [f"Plans on the history through {self.period} ({self.scenario.name})"]
        for c in self.costs:
            ratio = "" if c.payout_ratio is None else f", {pct(_round_ratio(c.payout_ratio))}"
            out.append(f"  {c.name}: {money(c.total)}{ratio} of revenue {money(c.revenue)}")
        for alt in self.against:
            out.append(f"  {alt.name} against {first.name}: {_signed(alt.change)}; "
                       f"{len(alt.gainers)} gain, {len(alt.losers)} lose, "
                       f"{len(alt.unchanged)} unchanged")
            out.extend(f"    {c.payee}: {money(c.baseline)} → {money(c.cost)} "
                       f"({_signed(c.change)})" for c in alt.payees if c.change)
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data (amounts as exact decimal text)."""
        return {
            "period": self.period,
            "scenario": {"name": self.scenario.name, "scale": str(self.scenario.scale),
                         "quota_scale": str(self.scenario.quota_scale),
                         "quotas_replaced": self.scenario.quotas is not None},
            "costs": [{"name": c.name, "plan": c.plan, "version": c.version,
                       "total": str(c.total), "revenue": str(c.revenue),
                       "payout_ratio": None if c.payout_ratio is None else str(c.payout_ratio),
                       "by_payee": {p: str(v) for p, v in sorted(c.by_payee.items())},
                       "curve": None if c.curve is None else c.curve.to_dict()}
                      for c in self.costs],
            "against": [{"name": a.name, "change": str(a.change),
                         "gainers": list(a.gainers), "losers": list(a.losers),
                         "payees": [{"payee": c.payee, "baseline": str(c.baseline),
                                     "cost": str(c.cost), "change": str(c.change)}
                                    for c in a.payees]} for a in self.against]}


def _round_ratio(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"))


def _signed(value: Decimal) -> str:
    return ("+" if value >= 0 else "−") + money(abs(value))


def compare_plans(
    plans: Mapping[str, CompiledPlan] | Sequence[CompiledPlan],
    records: Iterable[Record | Mapping[str, object]],
    period: str,
    *,
    payees: Iterable[Payee] = (),
    hierarchy: Hierarchy | None = None,
    assignments: Iterable[Assignment] | None = None,
    quotas: Iterable[Quota] = (),
    target_incentives: Iterable[TargetIncentive] = (),
    rates: ExchangeRates | None = None,
    supplied: Mapping[tuple[str, str, str], object] | None = None,
    holidays: Collection[dt.date] = (),
    scenario: Scenario | None = None,
    revenue: object = None,
    curve_quota: object = None,
    curve_target_incentive: object = None,
    curve_record: Mapping[str, object] | None = None,
) -> PlanComparison:
    """Evaluate each plan over the same records through `period` and compare what they cost.

    `plans` are compiled plans, named by a mapping (or by their id and version). The first
    is the baseline the others are compared with. Each plan is evaluated through `period`
    (a label of its calendar) with the same host inputs, under `scenario` if given; its cost
    is what every payee earned in the plan year through the period — what the plan would
    have cost on that history, before draws and payment terms. Revenue is the sum of the
    records' amounts dated in the plan year through the period (as given, in the records'
    currency; pass `revenue` to set it). With `curve_quota`, each plan's payout curve for
    that quota (and `curve_target_incentive`) comes with its cost.

    A plan compared with itself changes nothing (`tests/test_ahead_modelling.py`).
    """
    named = _named(plans)
    scenario = scenario or Scenario()
    history = scenario.records(records)
    scenario_quotas = scenario.apply_to_quotas(quotas)
    incentives = list(target_incentives)
    if hierarchy is None:
        hierarchy = Hierarchy.of(payees)
    elif payees:
        raise DefinitionError([Problem("payees", "give payees or a hierarchy, not both")])
    kept = None if assignments is None else list(assignments)
    attainments: list[Decimal] = []
    if curve_quota is not None:  # every plan's curve at the same points, each plan's kinks
        quota = to_decimal(curve_quota, path="curve_quota")
        attainments = sorted(set(DEFAULT_ATTAINMENTS) | {
            b for _, plan in named for b in plan_breakpoints(plan, quota, first_measure(plan))
            if b <= DEFAULT_ATTAINMENTS[-1]})
    costs = []
    for name, plan in named:
        ev = plan.evaluate(history, period, hierarchy=hierarchy, assignments=kept,
                           quotas=scenario_quotas, target_incentives=incentives, rates=rates,
                           supplied=supplied, holidays=holidays)
        by_payee: dict[str, Decimal] = defaultdict(lambda: _ZERO)
        for st in (*ev.earlier, *ev.statements):
            by_payee[st.payee] += st.earned
        target = plan.plan.calendar.parse(period)
        year = target.year()
        sold = (to_decimal(revenue, path="revenue") if revenue is not None else
                _revenue(history, year.start, target.end))
        curve = None if curve_quota is None else payout_curve(
            plan, period, quota=curve_quota, target_incentive=curve_target_incentive,
            record=curve_record, attainments=attainments, breakpoints=False)
        costs.append(PlanCost(name, plan.plan.id, plan.plan.version,
                              sum(by_payee.values(), _ZERO), dict(by_payee), sold, curve))
    first = costs[0]
    against = []
    for cost in costs[1:]:
        everyone = sorted(set(first.by_payee) | set(cost.by_payee))
        changes = tuple(PayeeChange(p, first.by_payee.get(p, _ZERO),
                                    cost.by_payee.get(p, _ZERO)) for p in everyone)
        against.append(PlanChange(cost.name, cost.total - first.total, changes))
    return PlanComparison(period, scenario, tuple(costs), tuple(against))


def _named(plans: Mapping[str, CompiledPlan] | Sequence[CompiledPlan]
           ) -> list[tuple[str, CompiledPlan]]:
    if isinstance(plans, Mapping):
        named = list(plans.items())
    else:
        named = [(f"{p.plan.id} v{p.plan.version}", p) for p in plans]
    if len(named) < 1:
        raise DefinitionError([Problem("plans", "compare at least one plan")])
    names = [n for n, _ in named]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DefinitionError([Problem("plans", f"two plans are named {dupes[0]!r}; name "
                                       "them with a mapping")])
    return named


def amount_of(record: Record | Mapping[str, object]) -> Decimal | None:
    """A record's amount as given, read without building a `Record` when it is plain."""
    if isinstance(record, Record):
        return record.amount
    value = record.get("amount")
    if value is None or isinstance(value, Decimal):
        return value
    return as_record(record).amount  # text or a bad value: read (or refused) as crediting does


def _day(record: Record | Mapping[str, object]) -> dt.date:
    if isinstance(record, Record):
        return record.date
    value = record.get("date")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    return as_record(record).date


def _revenue(history: Iterable[Record | Mapping[str, object]], first: dt.date,
             end: dt.date) -> Decimal:
    """The amounts of the records dated from `first` up to `end`."""
    total = _ZERO
    for record in history:
        amount = amount_of(record)
        if amount is not None and first <= _day(record) < end:
            total = DECIMAL_CONTEXT.add(total, amount)
    return total
