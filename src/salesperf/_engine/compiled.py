"""A compiled plan: the front door to the stages, records → credits → earnings → payments →
statements."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping

import attrs

from salesperf._errors import DefinitionError, Problem
from salesperf._money import DECIMAL_CONTEXT, ROUNDING_CONTEXT, Currency, ExchangeRates, currency
from salesperf._periods import Period
from salesperf._plans import Plan
from salesperf._records import Hierarchy, Payee, Record

from .crediting import Crediting, Dates
from .earning import Earner, earn, earner
from .earning.window import total
from .inputs import Assignment, Quota, Roster, TargetIncentive, Year, incentive_table, quota_table
from .payments import paid_table, payments
from .statements import ComponentTotal, Evaluation, Lines, Statement

__all__ = ["CompiledPlan", "compile_plan", "without_fast_paths"]

_HALF_UP = decimal.ROUND_HALF_UP


def compile_plan(plan: Plan) -> CompiledPlan:
    """Check a plan — every problem at once, each with its path — and compile it.

    The compiled plan is immutable and safe to share between threads.
    """
    problems = plan.problems()
    if problems:
        raise DefinitionError(problems)
    return CompiledPlan(plan, currency(plan.currency), Crediting(plan),
                        tuple(earner(c) for c in plan.components), True)


def without_fast_paths(compiled: CompiledPlan) -> CompiledPlan:
    """The same plan, evaluated on its general paths only: for the properties proving that
    every fast path gives exactly what the general path gives."""
    plan = compiled.plan
    return attrs.evolve(compiled, earners=tuple(earner(c, fast=False)
                                                for c in plan.components), fast=False)


@attrs.frozen
class CompiledPlan:
    """A checked plan with its conditions compiled; evaluate it as often as you like."""

    plan: Plan
    currency: Currency
    _crediting: Crediting
    _earners: tuple[Earner, ...]
    _fast: bool

    def evaluate(
        self,
        records: Iterable[Record | Mapping[str, object]],
        period: Period | str,
        *,
        payees: Iterable[Payee] = (),
        hierarchy: Hierarchy | None = None,
        assignments: Iterable[Assignment] | None = None,
        quotas: Iterable[Quota] = (),
        target_incentives: Iterable[TargetIncentive] = (),
        rates: ExchangeRates | None = None,
        paid: Mapping[tuple[str, str], object] | None = None,
        as_of: dt.date | None = None,
        supplied: Mapping[tuple[str, str, str], object] | None = None,
    ) -> Evaluation:
        """Evaluate the plan year through `period` and return the statements for `period`.

        Records may be `Record` objects or plain mappings, in any order, read once. Earlier
        periods of the plan year are evaluated too, so that year-to-date windows and true-ups
        are right: payable = earned year to date − paid for earlier periods, where `paid`
        gives what the host actually paid per ``(payee, period label)`` (by default, what
        this evaluation computes as payable for those periods). Evaluating again with the
        same inputs gives the same result and never pays twice. Records dated after `as_of`
        (the host's "as of" date, for a period not yet closed) are excluded with that reason.
        `supplied` gives the values of metrics the host measures itself (CSAT, NPS…) for KPI
        bonuses, by ``(metric name, payee, period label)``.
        """
        # Plain operators (+, -, sum) round to the thread's context; evaluate in salesperf's
        # own, so a host's (or a thread's) decimal settings cannot change a result.
        with decimal.localcontext(DECIMAL_CONTEXT):
            return self._evaluate(records, period, payees, hierarchy, assignments, quotas,
                                  target_incentives, rates, paid, as_of, supplied)

    def _evaluate(
        self,
        records: Iterable[Record | Mapping[str, object]],
        period: Period | str,
        payees: Iterable[Payee],
        hierarchy: Hierarchy | None,
        assignments: Iterable[Assignment] | None,
        quotas: Iterable[Quota],
        target_incentives: Iterable[TargetIncentive],
        rates: ExchangeRates | None,
        paid: Mapping[tuple[str, str], object] | None,
        as_of: dt.date | None,
        supplied: Mapping[tuple[str, str, str], object] | None,
    ) -> Evaluation:
        plan = self.plan
        target = plan.calendar.parse(period) if isinstance(period, str) else period
        if target.grain is not plan.frequency:
            raise DefinitionError([Problem("period", f"the plan pays by {plan.frequency.value}; "
                                           f"got the {target.grain.value} {target}")])
        year = target.year()
        periods = tuple(p for p in year.subperiods(plan.frequency) if p.start <= target.start)
        if hierarchy is None:
            hierarchy = Hierarchy.of(payees)
        elif payees:
            raise DefinitionError([Problem("payees", "give payees or a hierarchy, not both")])
        roster = Roster(hierarchy, assignments, year.start, target.end)
        # records → credits
        credited = self._crediting.run(records, Dates(plan, year, target, as_of), roster, rates,
                                      self._fast)
        inputs = Year(year, periods, roster, quota_table(quotas),
                      incentive_table(target_incentives), dict(supplied or {}))
        so_far = Period.custom(year.start, target.end, target.calendar)
        on_plan = sorted(pid for pid in hierarchy.payees if roster.on_plan(pid, so_far))
        paid_map = paid_table(paid)
        statements: list[Statement] = []
        earlier: list[Statement] = []
        code, quantum = self.currency.code, self.currency.quantum
        ids = tuple(c.id for c in plan.components)
        labels, last = inputs.labels, len(periods) - 1
        for pid in on_plan:
            # credits → earnings
            earned = earn(pid, self._earners, inputs, credited, quantum, plan.rounding)
            # Block totals are rounded already; quantizing writes each to the cent.
            totals = [tuple([ComponentTotal(cid, v.quantize(quantum, _HALF_UP, ROUNDING_CONTEXT), n)
                             for cid, v, n in zip(ids, e.sums, e.counts, strict=True)])
                      for e in earned]
            earned_per_period = [total(t.earned for t in period) for period in totals]
            # earnings → payments → statements
            for k, payment in enumerate(payments(pid, labels, earned_per_period, paid_map,
                                                 quantum)):
                label = labels[k]
                st = Statement(pid, label, code, Lines(pid, label, earned[k].blocks, quantum),
                               totals[k], *payment)
                (statements if k == last else earlier).append(st)
        return Evaluation(plan.id, plan.version, str(target), tuple(statements),
                          credited.public(), tuple(credited.exclusions), tuple(earlier))
