"""How far a payee is from what changes their pay next: the next tier of a rate table, a
gate, a cap, the next point of a bonus curve — read from a statement's traces and the plan's
own (public) rate tables, exact to the unit of the measure."""

from __future__ import annotations

import decimal
import enum
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from salesperf._engine import CompiledPlan, Quota, Statement
from salesperf._engine.explain import money, pct
from salesperf._engine.rates import Rates
from salesperf._money import DECIMAL_CONTEXT
from salesperf._plans import Application, BoundBasis, Commission, TargetBonus, Window
from salesperf._scoring import CurveKind

__all__ = ["Distance", "Reach", "distances"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_DIV = DECIMAL_CONTEXT.divide
_MUL = DECIMAL_CONTEXT.multiply
_MEASURED = ("commission", "clawback")


class Reach(enum.Enum):
    """What a distance leads to."""

    TIER = "tier"  # the next tier of a commission's rate table
    GATE = "gate"  # the gate that opens a component
    CAP = "cap"  # the cap where a commission stops earning more
    POINT = "point"  # the next point of a target bonus's payout curve


@attrs.frozen
class Distance:
    """How much more of `measure` reaches the next tier, gate, cap or curve point.

    `current` is the cumulative measure over the component's window now, `at` the value
    where the change happens and `more` = `at` − `current` (exact; for a cap, the least
    amount in the plan currency's minor unit that reaches it). A gate on another measure
    has no amount: `more_attainment` says how much more of that measure's quota it needs.
    `rate` is the rate of the tier reached (or the payout fraction of the curve point);
    `text` says it in a sentence.
    """

    component: str
    reach: Reach
    measure: str
    current: Decimal
    at: Decimal | None
    more: Decimal | None
    text: str
    rate: Decimal | None = None
    more_attainment: Decimal | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"component": self.component, "reach": self.reach.value,
                "measure": self.measure, "current": str(self.current),
                "at": _text(self.at), "more": _text(self.more), "rate": _text(self.rate),
                "more_attainment": _text(self.more_attainment), "text": self.text}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def distances(plan: CompiledPlan, statement: Statement,
              quotas: Iterable[Quota] = ()) -> tuple[Distance, ...]:
    """What lies ahead of a payee in a statement's period, component by component.

    Commissions applied to the cumulative measure give the next tier, the gate on their own
    measure (or how far another measure's gate is from opening) and the cap; target bonuses
    the next point of their curve and their gate. The measure now is read from the last
    line's trace; a component with no line yet starts from 0 in a period window, with the
    quota from `quotas` (a year-to-date window without a line is left out: its measure to
    date is not on the statement). Rate tables are the latest version's.
    """
    out: list[Distance] = []
    fallback = {(q.payee, q.measure, q.period): q.amount for q in quotas}
    for comp in plan.plan.components:
        if isinstance(comp, Commission) and comp.application is Application.CUMULATIVE:
            out += _commission(comp, _last_traces(statement, comp.id),
                               fallback.get((statement.payee, comp.measure, statement.period)),
                               plan.currency.quantum)
        elif isinstance(comp, TargetBonus):
            traces = _last_traces(statement, comp.id)
            if traces:
                out += _bonus(comp, traces[-1])
    return tuple(out)


def _last_traces(statement: Statement, component: str) -> list[Mapping[str, Any]]:
    """The traces of a component's lines from the last back to the last one that measures
    (a record's line), in statement order: a trace is written when read, so only these are."""
    out: list[Mapping[str, Any]] = []
    for line in reversed(statement.lines):
        if line.component == component:
            out.append(line.trace)
            if out[-1].get("kind") in _MEASURED:
                break
    return out[::-1]


def _commission(comp: Commission, traces: Sequence[Mapping[str, Any]],
                fallback: Decimal | None, quantum: Decimal) -> list[Distance]:
    measured = [t for t in traces if t.get("kind") in _MEASURED]
    mods: Mapping[str, Any]
    if measured:
        last = measured[-1]
        current = Decimal(last["cumulative_after"])
        quota = Decimal(last["quota"]) if "quota" in last else fallback
        mods = last
    elif traces and traces[0].get("kind") == "true-up":
        current, quota, mods = Decimal(traces[0]["cumulative"]), fallback, traces[0]
    elif comp.window is Window.PERIOD:
        current, quota, mods = _ZERO, fallback, {}
    else:
        return []
    needs_quota = comp.rates.basis is BoundBasis.ATTAINMENT
    if needs_quota and quota is None:
        return []
    base = Rates(comp.rates, quota)
    measure, out = comp.measure, []
    higher = [i for i, bound in enumerate(base.bounds) if bound > current]
    if higher:
        i = higher[0]
        at = base.bounds[i]
        out.append(Distance(comp.id, Reach.TIER, measure, current, at, at - current,
                            f"{money(at - current)} more {measure} reaches the "
                            f"{pct(base.rates[i])} tier (tier {i + 1}, from {money(at)})",
                            rate=base.rates[i]))
    gate = mods.get("gate")
    if gate is None and comp.gate is not None and comp.gate.measure is None and quota:
        # No line yet to cite the gate: it stands where the plan puts it.
        gate = {"threshold": str(_MUL(comp.gate.min_attainment, quota))}
    threshold = None
    if gate is not None and "threshold" in gate:
        threshold = Decimal(gate["threshold"])
        if current < threshold:
            out.append(Distance(comp.id, Reach.GATE, measure, current, threshold,
                                threshold - current, f"{money(threshold - current)} more "
                                f"{measure} passes the gate at {money(threshold)}"))
    elif gate is not None and not gate["passed"]:
        need = Decimal(gate["required"]) - Decimal(gate["attainment"])
        out.append(Distance(comp.id, Reach.GATE, gate["measure"], current, None, None,
                            f"{gate['measure']} needs {pct(need)} more of its quota to open "
                            f"the gate at {pct(Decimal(gate['required']))}",
                            more_attainment=need))
    if "cap" in mods:
        cap = Decimal(mods["cap"])
        factor = Decimal(mods.get("multiplier", {}).get("factor", _ONE))
        pays_above = (threshold is not None and comp.gate is not None
                      and not comp.gate.pay_from_first_unit)
        owed = _DIV(cap, factor) + (base(threshold) if pays_above and threshold is not None
                                    else _ZERO)
        start = current if threshold is None else max(current, threshold)
        capped_at = _reaches(base, start, owed) if factor > 0 else None
        if capped_at is not None:
            # The least amount in the plan currency's minor unit that gets there.
            capped_at = max(start, capped_at.quantize(quantum, decimal.ROUND_CEILING))
            more = max(capped_at - current, _ZERO)
            text = (f"the cap of {money(cap)} is reached" if more == 0 else
                    f"{money(more)} more {measure} reaches the cap of {money(cap)}")
            out.append(Distance(comp.id, Reach.CAP, measure, current, capped_at, more, text))
    return out


def _reaches(base: Rates, start: Decimal, owed: Decimal) -> Decimal | None:
    """The least x ≥ start at which the rate table pays `owed`, or None if it never does."""
    if base(start) >= owed:
        return start
    bounds, rates, last = base.bounds, base.rates, len(base.bounds) - 1
    for i in range(base.tier_of(start), last + 1):
        low = max(start, bounds[i])
        if base(low) >= owed:  # a retroactive tier pays more from its first unit
            return low
        if rates[i] == 0:
            continue
        x = (bounds[i] + _DIV(owed - base.starts[i], rates[i]) if base.marginal_from(i)
             else _DIV(owed, rates[i]))
        if i == last or x < bounds[i + 1]:
            return x
    return None  # pragma: no cover - the last tier with a rate above 0 always gets there


def _bonus(comp: TargetBonus, trace: Mapping[str, Any]) -> list[Distance]:
    out = []
    credited, quota = Decimal(trace["credited"]), Decimal(trace["quota"])
    att, measure = Decimal(trace["attainment"]), comp.measure
    ahead = [(x, y) for x, y in comp.curve.points if x > att]
    if ahead and quota > 0:
        x, y = ahead[0]
        at = _MUL(x, quota)
        shape = "step" if comp.curve.kind is CurveKind.STEPS else "point of the curve"
        out.append(Distance(comp.id, Reach.POINT, measure, credited, at, at - credited,
                            f"{money(at - credited)} more {measure} reaches the {pct(x)} "
                            f"{shape}, paying {pct(y)} of target incentive", rate=y))
    gate = trace.get("gate")
    if gate is not None and not gate["passed"]:
        need = Decimal(gate["required"]) - Decimal(gate["attainment"])
        if gate["measure"] == measure and quota > 0:
            at = _MUL(Decimal(gate["required"]), quota)
            out.append(Distance(comp.id, Reach.GATE, measure, credited, at, at - credited,
                                f"{money(at - credited)} more {measure} passes the gate at "
                                f"{pct(Decimal(gate['required']))} of quota"))
        else:
            out.append(Distance(comp.id, Reach.GATE, gate["measure"], credited, None, None,
                                f"{gate['measure']} needs {pct(need)} more of its quota to "
                                f"open the gate", more_attainment=need))
    return out
