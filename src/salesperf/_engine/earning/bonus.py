"""Bonuses paid on attainment: a target bonus through a payout curve, and a KPI (MBO) bonus
through a scorecard; each one line per period, with its gate and cap."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from salesperf._engine.crediting import Credits
from salesperf._engine.explain import money, pct, permille, prorated, ramped, readable
from salesperf._engine.inputs import Year
from salesperf._engine.statements import Block, period_line
from salesperf._engine.versions import Versions
from salesperf._errors import DataError
from salesperf._goals import Goal, Scorecard, evaluate_goal, score_card
from salesperf._money import DECIMAL_CONTEXT
from salesperf._periods import Period
from salesperf._plain import digits
from salesperf._plans import Cap, Gate, KpiBonus, TargetBonus

from .window import Memory, attainment, cap_limit

__all__ = ["KpiBonusEarner", "TargetBonusEarner"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_MUL = DECIMAL_CONTEXT.multiply


class TargetBonusEarner:
    """A percentage of target incentive read off a payout curve at the period's attainment."""

    __slots__ = ("versions",)

    def __init__(self, versions: Versions[TargetBonus]) -> None:
        self.versions = versions  # the version in force on the period's last day pays

    def blocks(self, pid: str, k: int, earlier: Decimal, year: Year, credited: Credits,
               memory: Memory) -> list[Block]:
        p = year.periods[k]
        comp = self.versions.at(p.last_day)
        who = f"component {comp.id!r}"
        amount, quota, att = attainment(pid, comp.measure, k, False, year, credited, who)
        incentive = year.incentive(pid, comp.id, k)
        fraction = comp.curve(att)
        value = _MUL(incentive, fraction)
        how = (f"{comp.measure} {money(amount)} of quota {money(quota)} = {pct(permille(att))} "
               f"attainment → {pct(permille(fraction))} of target incentive {money(incentive)}")
        trace: dict[str, Any] = {"component": comp.id, "kind": "target_bonus",
                                 "measure": comp.measure, "credited": digits(amount),
                                 "quota": digits(quota), "attainment": digits(att),
                                 "payout_fraction": digits(fraction),
                                 "target_incentive": digits(incentive)}

        def at(attained: Decimal) -> Decimal:
            return _MUL(incentive, comp.curve(attained))

        parts = year.prorated(pid, k, False)
        if parts:
            trace["proration"] = parts
            how += f" (quota and target incentive prorated: {prorated(parts)})"
        ramps = year.ramped(pid, k, False)
        if ramps:
            trace["ramp"] = ramps
            how += f" (quota ramped: {ramped(ramps)})"
        value, how = _limits(comp.gate, comp.cap, comp.id, comp.measure, pid, k, year, credited,
                             value, how, trace, att, at)
        trace["exact"] = digits(value)
        text = f"{comp.id}: {how} = {money(value)}"
        return [period_line(comp.id, p.last_day, value, trace, text)]


def _limits(gate: Gate | None, cap: Cap | None, comp: str, measure: str, pid: str, k: int,
            year: Year, credited: Credits, value: Decimal, how: str, trace: dict[str, Any],
            own: Decimal, at: Callable[[Decimal], Decimal]) -> tuple[Decimal, str]:
    """A bonus after its gate (on its own or another measure's attainment) and its cap."""
    if gate is not None:
        att = own
        if gate.measure is not None:
            _, _, att = attainment(pid, gate.measure, k, False, year, credited,
                                   f"component {comp!r}")
        passed = att >= gate.min_attainment
        trace["gate"] = {"measure": gate.measure or measure, "attainment": digits(att),
                         "required": digits(gate.min_attainment), "passed": passed}
        if not passed:
            return _ZERO, (f"{how}; gate closed ({gate.measure or measure} at "
                           f"{pct(permille(att))}, "
                           f"below {pct(gate.min_attainment)})")
    limit = cap_limit(cap, at, _ONE, pid, comp, k, False, year)
    if limit is not None and value > limit:
        trace["cap"] = digits(limit)
        return limit, f"{how}; capped at {money(limit)}"
    return value, how


class KpiBonusEarner:
    """A percentage of target incentive read off a curve at a scorecard's score; the
    scorecard's goals are the payee's KPI targets for the period, measured over the records
    crediting attributed to the payee, or supplied by the host."""

    __slots__ = ("versions",)

    def __init__(self, versions: Versions[KpiBonus]) -> None:
        self.versions = versions  # the version in force on the period's last day pays

    def blocks(self, pid: str, k: int, earlier: Decimal, year: Year, credited: Credits,
               memory: Memory) -> list[Block]:
        p, label = year.periods[k], year.labels[k]
        comp = self.versions.at(p.last_day)
        records = credited.attributed.get(pid, [])
        goals = []
        for item in comp.items:
            target = year.quotas.get((pid, item.target_name, label))
            if target is None:
                raise DataError(None, "quotas", f"no target for payee {pid!r}, "
                                f"{item.target_name!r} in {p}; KPI bonus {comp.id!r} needs it")
            goals.append(Goal(item.target_name, item.metric, target, p, pid,
                              direction=item.direction, weight=item.weight))
        # No mutate: `score_card` reads no item curve (the results below are scored with it).
        card = Scorecard(comp.id, goals, comp.missing, comp.item_curve)  # pragma: no mutate
        supplied = year.supplied

        def lookup(name: str, period: Period) -> object:
            return supplied.get((name, pid, str(period)))

        results = tuple(evaluate_goal(g, records, year.roster.hierarchy, supplied=lookup,
                                      curve=comp.item_curve, scale=None) for g in goals)
        scored = score_card(card, results, None)
        incentive = year.incentive(pid, comp.id, k)
        if scored.score is None:
            raise DataError(None, f"{comp.id}", f"no KPI of {pid!r} has data in {p}")
        fraction = comp.curve(scored.score)
        value = _MUL(incentive, fraction)
        trace = {"component": comp.id, "kind": "kpi_bonus", "score": digits(scored.score),
                 "payout_fraction": digits(fraction), "target_incentive": digits(incentive),
                 "items": [{"goal": r.goal,
                            "actual": None if r.actual is None else digits(r.actual),
                            "target": digits(r.target),
                            "attainment": None if r.attainment is None else digits(r.attainment),
                            "score": None if r.score is None else digits(r.score),
                            "weight": digits(scored.weights.get(r.goal, _ZERO)),
                            "records": list(r.records)} for r in results],
                 "arithmetic": scored.explanation, "exact": digits(value)}
        # The trace keeps the exact arithmetic; the sentence shows three places.
        parts = [f"{readable(scored.weights.get(r.goal, _ZERO))} × {readable(r.score)} "
                 f"({r.goal})" for r in results if r.score is not None]
        text = (f"{comp.id}: score = {' + '.join(parts)} = {readable(scored.score)} → "
                f"{pct(permille(fraction))} of target incentive {money(incentive)} = "
                f"{money(value)}")
        return [period_line(comp.id, p.last_day, value, trace, text)]
