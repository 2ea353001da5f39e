"""A compiled plan: the front door to the stages, records → credits → earnings → payments →
statements."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from salesperf._errors import DefinitionError, Problem
from salesperf._money import (
    DECIMAL_CONTEXT,
    ROUNDING_CONTEXT,
    Currency,
    ExchangeRates,
    currency,
    to_decimal,
)
from salesperf._periods import Period
from salesperf._plan_views import plan_html
from salesperf._plans import Commission, Plan
from salesperf._records import Hierarchy, Payee, Record

from .crediting import Credit, Crediting, Credits, Dates, Exclusion
from .earning import Earner, earn, earner
from .earning.window import total
from .holdbacks import Receipts, released
from .inputs import (
    Assignment,
    Draw,
    Quota,
    Receipt,
    Roster,
    TargetIncentive,
    Year,
    draw_table,
    incentive_table,
    quota_table,
)
from .payments import in_pay_currency, paid_table, payments
from .statements import ComponentTotal, Evaluation, Lines, Statement
from .versions import Versions, check_versions, of_plans

__all__ = ["CompiledPlan", "Credited", "compile_plan", "without_fast_paths"]

_HALF_UP = decimal.ROUND_HALF_UP
_ZERO = Decimal(0)


def compile_plan(plan: Plan | Sequence[Plan]) -> CompiledPlan:
    """Check a plan — every problem at once, each with its path — and compile it.

    Give a plan, or the effective-dated versions of one plan in order: each record is then
    credited and earns under the version in force on its date, while cumulative measures and
    year-to-date windows run on across the change (see `check_versions` for what versions
    may change). The compiled plan is immutable and safe to share between threads.
    """
    plans = (plan,) if isinstance(plan, Plan) else tuple(plan)
    problems = plans[0].problems() if len(plans) == 1 else check_versions(plans)
    if problems:
        raise DefinitionError(problems)
    versions = of_plans(plans)
    return CompiledPlan(plans[-1], currency(plans[-1].currency), Crediting(versions),
                        _earners(versions, fast=True), True, plans)


def without_fast_paths(compiled: CompiledPlan) -> CompiledPlan:
    """The same plan, evaluated on its general paths only: for the properties proving that
    every fast path gives exactly what the general path gives."""
    return attrs.evolve(compiled, earners=_earners(of_plans(compiled.versions), fast=False),
                        fast=False)


def _earners(versions: Versions[Plan], *, fast: bool) -> tuple[Earner, ...]:
    """An earner per component, each with the component as every version defines it."""
    count = len(versions.items[0].components)
    return tuple(earner(Versions([p.components[i] for p in versions.items], versions.starts,
                                 versions.numbers), fast) for i in range(count))


@attrs.frozen(eq=False)
class Credited:
    """A plan year's records credited through a period: the first stage of an evaluation,
    to earn from with `CompiledPlan.earn`. Opaque but picklable, so that parts credited on
    different machines can be sent where they are combined."""

    plan: str  # the plan's id
    period: Period
    _rows: Credits = attrs.field(repr=False)
    _roster: Roster | None = attrs.field(repr=False)  # None: detached, and sent
    _rates: ExchangeRates | None = attrs.field(repr=False)
    _payees: frozenset[str] | None = None  # whom `earn` pays: everyone on the plan if None
    _detached: bool = False

    def __reduce__(self) -> tuple[type[Credited], tuple[object, ...]]:
        # A detached part is sent without the roster and rates: what it is merged into has them.
        roster, rates = (None, None) if self._detached else (self._roster, self._rates)
        return (Credited, (self.plan, self.period, self._rows, roster, rates, self._payees,
                           self._detached))

    @property
    def payees(self) -> frozenset[str]:
        """The payees credited with something."""
        return frozenset(pid for pid, _ in self._rows.by)

    @property
    def credits(self) -> Sequence[Credit]:
        """The credits, as `Credit` values."""
        return self._rows.public()

    @property
    def exclusions(self) -> tuple[Exclusion, ...]:
        """The records (or payees' shares of them) excluded, each with its reason."""
        return tuple(self._rows.exclusions)

    def only(self, payees: Collection[str]) -> Credited:
        """The credits of `payees` alone (to send to where they are earned) with the records
        they read and the exclusions of their shares; `earn` then pays these payees only."""
        wanted = frozenset(payees) if self._payees is None else self._payees & set(payees)
        return attrs.evolve(self, rows=self._rows.only(wanted), payees=wanted)

    def detached(self) -> Credited:
        """These credits to send elsewhere without the roster (hierarchy, assignments) and
        rates they were credited with, which grow with the number of payees: pickled, a
        detached part holds only its credits and the records they read. Merge it into credits
        that have them — `merge` keeps its own — such as ``plan.credit((), period, ...)``
        with the same arguments, made where it arrives; `earn` cannot earn it alone."""
        return attrs.evolve(self, detached=True)

    def merge(self, *others: Credited) -> Credited:
        """These credits and the others', credited apart for the same period: each record in
        exactly one part (a record id in two parts is a `DataError`)."""
        rows, wanted = self._rows, self._payees
        for other in others:
            if (other.plan, other.period) != (self.plan, self.period):
                raise DefinitionError([Problem("credited", f"credited for {other.plan!r} "
                                               f"{other.period}, not {self.plan!r} {self.period}")])
            rows = rows.merged(other._rows)
            wanted = None if wanted is None or other._payees is None else wanted | other._payees
        return attrs.evolve(self, rows=rows, payees=wanted)


@attrs.frozen
class CompiledPlan:
    """A checked plan with its conditions compiled; evaluate it as often as you like."""

    plan: Plan  # the latest version
    currency: Currency
    _crediting: Crediting
    _earners: tuple[Earner, ...]
    _fast: bool
    versions: tuple[Plan, ...] = ()  # every version, in order

    def _repr_html_(self) -> str:
        return plan_html(self.plan, max(len(self.versions), 1))

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
        draws: Iterable[Draw] = (),
        opening_balances: Mapping[str, object] | None = None,
        holidays: Collection[dt.date] = (),
        receipts: Iterable[Receipt] = (),
        accelerated: bool = False,
    ) -> Evaluation:
        """Evaluate the plan year through `period` and return the statements for `period`.

        Records may be `Record` objects or plain mappings, in any order, read once. Earlier
        periods of the plan year are evaluated too, so that year-to-date windows and true-ups
        are right: payable = released earnings year to date − paid for earlier periods, where
        `paid` gives what the host actually paid against earnings per ``(payee, period
        label)`` — the statements' `payable`, not draws or recoveries, which settle with the
        balance — and by default what this evaluation computes as payable for those periods.
        Evaluating again with the same inputs gives the same result and never pays twice.
        Records dated after `as_of` (the host's "as of" date, for a period not yet closed) are
        excluded with that reason.
        `supplied` gives the values of metrics the host measures itself (CSAT, NPS…) for KPI
        bonuses, by ``(metric name, payee, period label)``. `draws` guarantee payees a payment
        per period, and `opening_balances` give what each payee owed at the start of the plan
        year (a balance carried from the year before); the plan's `payments` terms say how
        balances are recovered, carried or forgiven. `holidays` are the days a plan that
        prorates by working days does not count. `receipts` are what customers paid of
        records, which release the earnings a commission holds back until they pay.

        This is `credit` followed by `earn`; call the two yourself to credit records in parts
        (on several machines, or a what-if's extra records) and earn for some payees only.

        With `accelerated` (the `fast` extra, NumPy), the plan shapes `explain_path` accepts
        are evaluated in exact integer arithmetic, vectorised, and everything else on the
        pure path, with the same result; `records` may then also be columns: a mapping of
        column names to arrays (``amount`` as integers in minor units, or Decimals) or a
        pandas DataFrame.
        """
        if accelerated:
            from salesperf._fast import evaluate as evaluate_accelerated

            return evaluate_accelerated(
                self, records, period, payees=payees, hierarchy=hierarchy,
                assignments=assignments, quotas=quotas, target_incentives=target_incentives,
                rates=rates, paid=paid, as_of=as_of, supplied=supplied, draws=draws,
                opening_balances=opening_balances, holidays=holidays, receipts=receipts)
        credited = self.credit(records, period, payees=payees, hierarchy=hierarchy,
                               assignments=assignments, rates=rates, as_of=as_of)
        return self.earn(credited, quotas=quotas, target_incentives=target_incentives,
                         paid=paid, supplied=supplied, draws=draws,
                         opening_balances=opening_balances, holidays=holidays,
                         receipts=receipts)

    def explain_path(self, records: Iterable[Record | Mapping[str, object]] | None = None,
                     period: Period | str | None = None, **inputs: Any) -> tuple[str, ...]:
        """Why ``evaluate(..., accelerated=True)`` evaluates this plan on the pure path: one
        sentence per reason, none when the accelerated path evaluates it. Given records, a
        period and the other inputs of `evaluate`, the reasons of that evaluation (records
        the accelerated path does not read, inputs it does not take, an error)."""
        from salesperf._fast import path_reasons

        return path_reasons(self, records, period, **inputs)

    def credit(
        self,
        records: Iterable[Record | Mapping[str, object]],
        period: Period | str,
        *,
        payees: Iterable[Payee] = (),
        hierarchy: Hierarchy | None = None,
        assignments: Iterable[Assignment] | None = None,
        rates: ExchangeRates | None = None,
        as_of: dt.date | None = None,
    ) -> Credited:
        """The first stage of `evaluate`: credit the plan year's records through `period`.

        Every record is credited to payees or excluded with its reason. Credit records in
        parts as you like — each record in exactly one part, with the same period, payees,
        assignments, rates and `as_of` — and combine the parts with `Credited.merge`: the
        result is what crediting them all at once gives, except that a clawback must be
        credited in the same part as the record it reverses.
        """
        with decimal.localcontext(DECIMAL_CONTEXT):
            target = self._target(period)
            year = target.year()
            if hierarchy is None:
                hierarchy = Hierarchy.of(payees)
            elif payees:
                raise DefinitionError([Problem("payees", "give payees or a hierarchy, not both")])
            roster = Roster(hierarchy, assignments, year.start, target.end)
            rows = self._crediting.run(records, Dates(of_plans(self.versions), year, target,
                                                      as_of), roster, rates, self._fast)
            return Credited(self.plan.id, target, rows, roster, rates)

    def earn(
        self,
        credited: Credited,
        *,
        quotas: Iterable[Quota] = (),
        target_incentives: Iterable[TargetIncentive] = (),
        paid: Mapping[tuple[str, str], object] | None = None,
        supplied: Mapping[tuple[str, str, str], object] | None = None,
        draws: Iterable[Draw] = (),
        opening_balances: Mapping[str, object] | None = None,
        holidays: Collection[dt.date] = (),
        receipts: Iterable[Receipt] = (),
        only: Collection[str] | None = None,
    ) -> Evaluation:
        """The rest of `evaluate`: from credits to earnings, payments and statements.

        With `only` (or credits narrowed by `Credited.only`), earn for those payees alone: the
        evaluation then holds their statements, their credits and the exclusions of their
        shares (exclusions of whole records stay with the whole). A payee's statement depends
        only on their own credits and inputs, so it is the same as in an evaluation of
        everyone.
        """
        if credited.plan != self.plan.id:
            raise DefinitionError([Problem("credited", f"credited under plan "
                                           f"{credited.plan!r}, not {self.plan.id!r}")])
        with decimal.localcontext(DECIMAL_CONTEXT):
            return self._earn(credited, quotas, target_incentives, paid, supplied, draws,
                              opening_balances, frozenset(holidays), receipts, only)

    def _target(self, period: Period | str) -> Period:
        plan = self.plan
        target = plan.calendar.parse(period) if isinstance(period, str) else period
        if target.grain is not plan.frequency:
            raise DefinitionError([Problem("period", f"the plan pays by {plan.frequency.value}; "
                                           f"got the {target.grain.value} {target}")])
        return target

    def _earn(
        self,
        credited: Credited,
        quotas: Iterable[Quota],
        target_incentives: Iterable[TargetIncentive],
        paid: Mapping[tuple[str, str], object] | None,
        supplied: Mapping[tuple[str, str, str], object] | None,
        draws: Iterable[Draw],
        opening_balances: Mapping[str, object] | None,
        holidays: frozenset[dt.date],
        receipts: Iterable[Receipt],
        only: Collection[str] | None,
    ) -> Evaluation:
        plan = self.plan
        target, roster, rates = credited.period, credited._roster, credited._rates
        if roster is None:
            raise DefinitionError([Problem("credited", "credits sent detached: merge them into "
                                           "credits with their roster first")])
        if only is not None:
            credited = credited.only(only)
        rows, only = credited._rows, credited._payees
        hierarchy = roster.hierarchy
        year = target.year()
        periods = tuple(p for p in year.subperiods(plan.frequency) if p.start <= target.start)
        inputs = Year(year, periods, roster, quota_table(quotas),
                      incentive_table(target_incentives), dict(supplied or {}), plan.proration,
                      holidays, plan.ramp)
        so_far = Period.custom(year.start, target.end, target.calendar)
        on_plan = sorted(pid for pid in (hierarchy.payees if only is None else
                                         set(only) & hierarchy.payees.keys())
                         if roster.on_plan(pid, so_far))
        paid_map, draw_map = paid_table(paid), draw_table(draws)
        opening = _opening(opening_balances)
        statements: list[Statement] = []
        earlier: list[Statement] = []
        code, quantum = self.currency.code, self.currency.quantum
        ids = tuple(c.id for c in plan.components)
        labels, last = inputs.labels, len(periods) - 1
        year_ends = target.end == year.end
        holdbacks = {c.id: c.holdback for c in plan.components
                     if isinstance(c, Commission) and c.holdback is not None}
        cash = Receipts(receipts) if holdbacks else None
        amounts = rows.amounts() if holdbacks else {}
        for pid in on_plan:
            # credits → earnings
            earned = earn(pid, self._earners, inputs, rows, quantum, plan.rounding)
            # Block totals are rounded already; quantizing writes each to the cent.
            totals = [tuple([ComponentTotal(cid, v.quantize(quantum, _HALF_UP, ROUNDING_CONTEXT), n)
                             for cid, v, n in zip(ids, e.sums, e.counts, strict=True)])
                      for e in earned]
            earned_per_period = [total(t.earned for t in period) for period in totals]
            # earnings → payments → statements
            settled = payments(pid, labels, earned_per_period, paid_map, quantum,
                               draws=draw_map, opening=opening.get(pid, _ZERO),
                               terms=plan.payments, year_ends=year_ends,
                               leaves=_leaves(hierarchy.payees[pid], periods),
                               released=None if cash is None else released(
                                   earned, periods, holdbacks, cash, amounts))
            pay, name = hierarchy.payees[pid].currency, hierarchy.payees[pid].name
            for k, payment in enumerate(settled):
                label = labels[k]
                lines = Lines(pid, label, earned[k].blocks, quantum)
                if pay is None or pay == code:
                    st = Statement(pid, label, code, lines, totals[k], *payment, name=name)
                else:  # paid in the payee's own currency
                    day = periods[k].last_day
                    rate, amount, note = in_pay_currency(payment.paid, self.currency, pay,
                                                         rates, pid, day)
                    st = Statement(pid, label, code, lines, totals[k], *payment._replace(
                        settlement=(*payment.settlement, note)), pay_currency=pay,
                        pay_rate=rate, pay_rate_date=day, pay_amount=amount, name=name)
                (statements if k == last else earlier).append(st)
        return Evaluation(plan.id, plan.version, str(target), tuple(statements),
                          rows.public(), tuple(rows.exclusions), tuple(earlier))


def _opening(balances: Mapping[str, object] | None) -> dict[str, Decimal]:
    """What each payee owed at the start of the year; never negative."""
    out = {}
    for pid, value in (balances or {}).items():
        amount = to_decimal(value, path=f"opening_balances[{pid!r}]")
        if amount < 0:
            raise DefinitionError([Problem(f"opening_balances[{pid!r}]",
                                           f"a balance the payee owes must be >= 0, got {amount}")])
        out[pid] = amount
    return out


def _leaves(payee: Payee, periods: tuple[Period, ...]) -> int | None:
    """The index of the period in which the payee's employment ends, if it does."""
    if payee.end is None:
        return None
    return next((k for k, p in enumerate(periods) if p.start <= payee.end < p.end), None)
