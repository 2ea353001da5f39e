"""The commission engine: compile a plan once, then evaluate it over a period's records.

The data flows one way: records → credits → per-payee measures → component lines →
statements. Every line carries a trace (a JSON-safe dict) and a sentence a payee can read.
"""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
import enum
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from salesperf._conditions import Predicate, compile_condition
from salesperf._errors import DataError, DefinitionError, Problem, SalesperfError
from salesperf._goals import Goal, RollupBy, Scorecard, _evaluate_goal, _score_card
from salesperf._money import (
    DECIMAL_CONTEXT,
    Currency,
    ExchangeRates,
    Money,
    currency,
    round_cumulative,
    to_decimal,
)
from salesperf._periods import Period
from salesperf._plain import to_plain
from salesperf._plans import (
    Application,
    BoundBasis,
    Cap,
    Commission,
    Component,
    CreditRule,
    Gate,
    KpiBonus,
    Overlay,
    Plan,
    RateTable,
    Rollup,
    Spiff,
    TargetBonus,
    TierMode,
    Window,
)
from salesperf._records import Hierarchy, Payee, Record, as_record

__all__ = [
    "Assignment",
    "CompiledPlan",
    "ComponentTotal",
    "Credit",
    "CreditKind",
    "Evaluation",
    "Exclusion",
    "Line",
    "Quota",
    "Statement",
    "TargetIncentive",
    "compile_plan",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_ADD = DECIMAL_CONTEXT.add
_MUL = DECIMAL_CONTEXT.multiply
_DIV = DECIMAL_CONTEXT.divide


# -- host inputs -------------------------------------------------------------------------------


def _amount(value: object) -> Decimal:
    return to_decimal(value, path="amount")


@attrs.frozen
class Quota:
    """A payee's quota for a measure in one period (a label of the plan's calendar)."""

    payee: str
    measure: str
    period: str
    amount: Decimal = attrs.field(converter=_amount)


@attrs.frozen
class TargetIncentive:
    """A payee's target incentive for a period; `component` None applies to every bonus."""

    payee: str
    period: str
    amount: Decimal = attrs.field(converter=_amount)
    component: str | None = None


@attrs.frozen
class Assignment:
    """`payee` is on the plan from `start` through `end` (inclusive; None: open)."""

    payee: str
    start: dt.date | None = None
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


# -- results -----------------------------------------------------------------------------------


class CreditKind(enum.Enum):
    DIRECT = "direct"
    OVERLAY = "overlay"
    ROLLUP = "rollup"


@attrs.frozen
class Credit:
    """The share of a record credited to a payee for a measure, in the plan currency."""

    record: str
    payee: str
    measure: str
    date: dt.date
    amount: Decimal
    share: Decimal
    factor: Decimal
    rule: str
    kind: CreditKind
    attributes: Mapping[str, object] = attrs.field(eq=False, repr=False, factory=dict)


@attrs.frozen
class Exclusion:
    """A record (or one payee's share of it) that earned nothing, and why."""

    record: str
    reason: str
    payee: str | None = None


@attrs.frozen
class Line:
    """One amount on a statement: what a record (or a period-end adjustment) earned."""

    component: str
    payee: str
    period: str
    record: str | None
    date: dt.date
    exact: Decimal
    amount: Decimal
    trace: Mapping[str, Any]
    explanation: str


@attrs.frozen
class ComponentTotal:
    """A component's earnings for a payee in a period."""

    component: str
    earned: Decimal
    lines: int


@attrs.frozen
class Statement:
    """What a payee earned in a period and what is payable after true-up."""

    payee: str
    period: str
    currency: str
    lines: tuple[Line, ...]
    components: tuple[ComponentTotal, ...]
    earned: Decimal
    earned_ytd: Decimal
    paid_before: Decimal
    payable: Decimal

    def to_dict(self) -> dict[str, Any]:
        """The statement as plain JSON-safe data (amounts as exact decimal text)."""
        data: dict[str, Any] = to_plain(self)
        return data

    def explain(self) -> str:
        """The statement as text a payee can read, line by line."""
        out = [f"Statement for {self.payee}, {self.period} ({self.currency})"]
        for total in self.components:
            out.append(f"  {total.component}: {total.earned:,}")
            out.extend(f"    {line.amount:>12,}  {line.explanation}" for line in self.lines
                       if line.component == total.component)
        out.append(f"  earned this period {self.earned:,}; earned year to date "
                   f"{self.earned_ytd:,}; paid before {self.paid_before:,.2f}; "
                   f"payable {self.payable:,}")
        return "\n".join(out)


@attrs.frozen
class Evaluation:
    """The result of evaluating a plan for a period: statements, credits and exclusions.

    Every input record is accounted for: it appears in `credits`, in `exclusions`, or in both
    (when one payee's share was credited and another's excluded).
    """

    plan: str
    version: int
    period: str
    statements: tuple[Statement, ...]
    credits: tuple[Credit, ...]
    exclusions: tuple[Exclusion, ...]
    earlier: tuple[Statement, ...] = ()

    def statement(self, payee: str) -> Statement:
        for s in self.statements:
            if s.payee == payee:
                return s
        raise DataError(None, "payee", f"no statement for {payee!r} in {self.period}")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = to_plain(self)
        return data


# -- rate tables -------------------------------------------------------------------------------


@attrs.frozen
class _Rates:
    """A rate table with bounds in amounts: f(x) for a cumulative measure x."""

    bounds: tuple[Decimal, ...]
    rates: tuple[Decimal, ...]
    mode: TierMode
    retro_through: int | None

    def tier_of(self, x: Decimal) -> int:
        return max(0, bisect.bisect_right(self.bounds, x) - 1)

    def __call__(self, x: Decimal) -> Decimal:
        if self.mode is TierMode.RETROACTIVE:
            return _MUL(x, self.rates[self.tier_of(x)])
        if self.mode is TierMode.HYBRID:
            k = self.retro_through if self.retro_through is not None else 0
            if k + 1 >= len(self.bounds) or x < self.bounds[k + 1]:
                return _MUL(x, self.rates[self.tier_of(x)])
            return _ADD(_MUL(self.bounds[k + 1], self.rates[k]), self._marginal(x, k + 1))
        return self._marginal(x, 0)

    def _marginal(self, x: Decimal, first: int) -> Decimal:
        if x < self.bounds[first]:
            return _MUL(x - self.bounds[first], self.rates[first])
        total = _ZERO
        for i in range(first, len(self.bounds)):
            lo = self.bounds[i]
            if x <= lo:
                break
            hi = self.bounds[i + 1] if i + 1 < len(self.bounds) else None
            top = x if hi is None or x < hi else hi
            total = _ADD(total, _MUL(top - lo, self.rates[i]))
        return total

    def slices(self, before: Decimal, after: Decimal) -> list[dict[str, str]]:
        """How the move from `before` to `after` splits across tiers (for traces)."""
        low, high = min(before, after), max(before, after)
        out = []
        for i, lo in enumerate(self.bounds):
            hi = self.bounds[i + 1] if i + 1 < len(self.bounds) else None
            a = max(low, lo) if i else low
            b = high if hi is None else min(high, hi)
            if b > a:
                out.append({"tier": str(i + 1), "lower": str(lo),
                            "upper": "" if hi is None else str(hi),
                            "rate": str(self.rates[i]), "slice": str(b - a)})
        return out


def _rates(table: RateTable, quota: Decimal | None) -> _Rates:
    bounds = tuple(t.lower for t in table.tiers)
    if table.basis is BoundBasis.ATTAINMENT:
        if quota is None:  # pragma: no cover - callers check first
            raise SalesperfError("attainment tiers need a quota")
        bounds = tuple(_MUL(b, quota) for b in bounds)
    return _Rates(bounds, tuple(t.rate for t in table.tiers), table.mode,
                  table.retroactive_through)


def _pct(value: Decimal) -> str:
    return f"{(value * 100).normalize():f} %"


def _money(value: Decimal) -> str:
    """An amount for a sentence, to the cent; traces keep the exact value."""
    return f"{value.quantize(Decimal('0.01'), context=DECIMAL_CONTEXT):,}"


# -- compiling ---------------------------------------------------------------------------------


def _plan_problems(plan: Plan) -> list[Problem]:
    out: list[Problem] = []
    try:
        currency(plan.currency, path="plan.currency")
    except DefinitionError as err:
        out.extend(err.problems)
    if not plan.components:
        out.append(Problem("plan.components", "a plan needs at least one component"))
    if not plan.credit_rules:
        out.append(Problem("plan.credit_rules", "a plan needs at least one crediting rule"))
    if plan.frequency.months == 0 or plan.frequency.months > 12:
        out.append(Problem("plan.frequency", f"must be month, quarter, half or year, got "
                           f"{plan.frequency.value}"))
    if (plan.effective_from and plan.effective_until
            and plan.effective_until < plan.effective_from):
        out.append(Problem("plan.effective_until", "must not be before effective_from"))
    ids: set[str] = set()
    for kind, items in (("components", plan.components), ("credit_rules", plan.credit_rules),
                        ("extra_credit", plan.extra_credit)):
        for i, item in enumerate(items):
            out.extend(item.problems(f"plan.{kind}[{i}]"))
            if kind == "components":
                if item.id in ids:
                    out.append(Problem(f"plan.components[{i}].id",
                                       f"duplicate component id {item.id!r}"))
                ids.add(item.id)
    measures = {r.measure for r in plan.credit_rules} | {e.measure for e in plan.extra_credit}
    for i, comp in enumerate(plan.components):
        used = _measures_used(comp)
        for name, measure in used:
            if measure not in measures:
                out.append(Problem(f"plan.components[{i}].{name}",
                                   f"no crediting rule credits the measure {measure!r}; known: "
                                   f"{', '.join(sorted(measures))}"))
    return out


def _measures_used(comp: Component) -> list[tuple[str, str]]:
    used: list[tuple[str, str]] = []
    if isinstance(comp, Commission | TargetBonus | Spiff):
        used.append(("measure", comp.measure))
    if isinstance(comp, Commission | TargetBonus) and comp.gate and comp.gate.measure:
        used.append(("gate.measure", comp.gate.measure))
    if isinstance(comp, Commission) and comp.multiplier:
        used.append(("multiplier.measure", comp.multiplier.measure))
    return used


def compile_plan(plan: Plan) -> CompiledPlan:
    """Check a plan — every problem at once, each with its path — and compile it.

    The compiled plan is immutable and safe to share between threads.
    """
    problems = _plan_problems(plan)
    if problems:
        raise DefinitionError(problems)
    rules = tuple((r, compile_condition(r.where)) for r in plan.credit_rules)
    extra = tuple((e, compile_condition(e.where) if isinstance(e, Overlay) else _always)
                  for e in plan.extra_credit)
    spiffs = {c.id: compile_condition(c.where) for c in plan.components if isinstance(c, Spiff)}
    return CompiledPlan(plan, currency(plan.currency), rules, extra, spiffs)


def _always(record: Record) -> bool:
    return True


@attrs.frozen
class _Context:
    """Everything a payee's evaluation needs besides the plan."""

    year: Period
    periods: tuple[Period, ...]
    quotas: Mapping[tuple[str, str, str], Decimal]
    incentives: Mapping[tuple[str, str, str | None], Decimal]
    records_by_payee: Mapping[str, tuple[Record, ...]]
    hierarchy: Hierarchy
    assigned: Mapping[str, tuple[Assignment, ...]] | None


@attrs.frozen
class CompiledPlan:
    """A checked plan with its conditions compiled; evaluate it as often as you like."""

    plan: Plan
    currency: Currency
    _rules: tuple[tuple[CreditRule, Predicate], ...]
    _extra: tuple[tuple[Overlay | Rollup, Predicate], ...]
    _spiffs: Mapping[str, Predicate]

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
    ) -> Evaluation:
        """Evaluate the plan year through `period` and return the statements for `period`.

        Records may be `Record` objects or plain mappings, in any order, read once. Earlier
        periods of the plan year are evaluated too, so that year-to-date windows and true-ups
        are right: payable = earned year to date − paid for earlier periods, where `paid`
        gives what the host actually paid per ``(payee, period label)`` (by default, what
        this evaluation computes as payable for those periods). Evaluating again with the
        same inputs gives the same result and never pays twice.
        """
        # Plain operators (+, -, sum) round to the thread's context; evaluate in salesperf's
        # own, so a host's (or a thread's) decimal settings cannot change a result.
        with decimal.localcontext(DECIMAL_CONTEXT):
            return self._evaluate(records, period, payees, hierarchy, assignments, quotas,
                                  target_incentives, rates, paid)

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
    ) -> Evaluation:
        plan = self.plan
        cal = plan.calendar
        target = cal.parse(period) if isinstance(period, str) else period
        if target.grain is not plan.frequency:
            raise DefinitionError([Problem("period", f"the plan pays by {plan.frequency.value}; "
                                           f"got the {target.grain.value} {target}")])
        year = target.year()
        periods = tuple(p for p in year.subperiods(plan.frequency) if p.start <= target.start)
        if hierarchy is None:
            hierarchy = Hierarchy.of(payees)
        elif payees:
            raise DefinitionError([Problem("payees", "give payees or a hierarchy, not both")])
        assigned = _assignments(assignments, hierarchy)
        found, exclusions, by_payee = self._credit(records, year, target, hierarchy, assigned,
                                                     rates)
        ctx = _Context(year, periods, _quota_table(quotas), _incentive_table(target_incentives),
                       by_payee, hierarchy, assigned)
        credits_by: dict[tuple[str, str], list[Credit]] = defaultdict(list)
        for c in found:
            credits_by[(c.payee, c.measure)].append(c)
        on_plan = sorted(
            pid for pid, p in hierarchy.payees.items()
            if _on_plan(pid, p, assigned, year.start, target.end)
        )
        paid_map = {(p, str(q)): to_decimal(v, path=f"paid[{p!r}, {q!r}]")
                    for (p, q), v in (paid or {}).items()}
        statements: list[Statement] = []
        earlier: list[Statement] = []
        for pid in on_plan:
            per_period = self._payee(pid, credits_by, ctx)
            paid_so_far = _ZERO
            earned_ytd = _ZERO
            for p in periods:
                lines = per_period[str(p)]
                totals = tuple(
                    ComponentTotal(c.id, self.currency.round(
                        sum((ln.amount for ln in lines if ln.component == c.id), _ZERO)),
                                   sum(1 for ln in lines if ln.component == c.id))
                    for c in plan.components
                )
                earned = self.currency.round(sum((t.earned for t in totals), _ZERO))
                earned_ytd += earned
                payable = earned_ytd - paid_so_far
                st = Statement(pid, str(p), self.currency.code, tuple(lines), totals, earned,
                               earned_ytd, self.currency.round(paid_so_far),
                               self.currency.round(payable))
                (statements if p == target else earlier).append(st)
                paid_so_far += paid_map.get((pid, str(p)), payable)
        return Evaluation(plan.id, plan.version, str(target), tuple(statements), tuple(found),
                          tuple(exclusions), tuple(earlier))

    # -- crediting -----------------------------------------------------------------------------

    def _credit(
        self,
        records: Iterable[Record | Mapping[str, object]],
        year: Period,
        target: Period,
        hierarchy: Hierarchy,
        assigned: Mapping[str, tuple[Assignment, ...]] | None,
        rates: ExchangeRates | None,
    ) -> tuple[list[Credit], list[Exclusion], dict[str, tuple[Record, ...]]]:
        plan = self.plan
        found: list[Credit] = []
        exclusions: list[Exclusion] = []
        by_payee: dict[str, list[Record]] = defaultdict(list)
        seen: set[str] = set()
        home = self.currency.code
        for item in records:
            record = as_record(item)
            if record.id in seen:
                raise DataError(record.id, "id", "two records have this id")
            seen.add(record.id)
            if not year.start <= record.date < target.end:
                exclusions.append(Exclusion(record.id, f"dated {record.date}, outside the plan "
                                            f"year {year} through {target}"))
                continue
            if ((plan.effective_from and record.date < plan.effective_from)
                    or (plan.effective_until and record.date > plan.effective_until)):
                exclusions.append(Exclusion(record.id, f"dated {record.date}, outside plan "
                                            f"{plan.id} v{plan.version}'s effective dates"))
                continue
            for pid in record.payees:
                by_payee[pid].append(record)
            matched: set[str] = set()
            direct: list[Credit] = []
            for rule, match in self._rules:
                if rule.measure in matched or not match(record):
                    continue
                matched.add(rule.measure)
                value = _in_currency(record, home, rates)
                for pid, share in _shares(record):
                    why = _inactive(pid, record.date, hierarchy, assigned)
                    if why:
                        exclusions.append(Exclusion(record.id, why, pid))
                        continue
                    amount = _MUL(_MUL(value, share), rule.factor)
                    direct.append(Credit(record.id, pid, rule.measure, record.date, amount, share,
                                         rule.factor, rule.id, CreditKind.DIRECT,
                                         record.attributes))
            extra: list[Credit] = []
            for more, applies in self._extra:
                if not applies(record):
                    continue
                if isinstance(more, Overlay):
                    value = _in_currency(record, home, rates)
                    for pid in more.payees:
                        why = _inactive(pid, record.date, hierarchy, assigned)
                        if why:
                            exclusions.append(Exclusion(record.id, why, pid))
                            continue
                        extra.append(Credit(record.id, pid, more.measure, record.date,
                                            _MUL(value, more.share), more.share, _ONE, more.id,
                                            CreditKind.OVERLAY, record.attributes))
                    continue
                for credit in direct:
                    if credit.measure != more.measure:
                        continue
                    if more.by is RollupBy.TEAM:
                        team = hierarchy.team_of(credit.payee, record.date)
                        chain: tuple[str, ...] = () if team is None else (team,)
                    else:
                        chain = hierarchy.managers_above(credit.payee,
                                                         record.date)[: more.levels]
                    for manager in chain:
                        why = _inactive(manager, record.date, hierarchy, assigned)
                        if why:
                            exclusions.append(Exclusion(record.id, f"rollup: {why}", manager))
                            continue
                        extra.append(Credit(record.id, manager, more.measure, record.date,
                                            _MUL(credit.amount, more.share), more.share, _ONE,
                                            more.id, CreditKind.ROLLUP, record.attributes))
            if not direct and not extra:
                if not matched:
                    exclusions.append(Exclusion(record.id, "no crediting rule matched"))
                continue
            found.extend(direct)
            found.extend(extra)
        found.sort(key=lambda c: (c.date, c.record, c.payee, c.measure, c.kind.value, c.rule))
        exclusions.sort(key=lambda e: (e.record, e.payee or "", e.reason))
        return found, exclusions, {p: tuple(sorted(rs, key=lambda r: (r.date, r.id)))
                                     for p, rs in by_payee.items()}

    # -- earning -------------------------------------------------------------------------------

    def _payee(self, pid: str, credits_by: Mapping[tuple[str, str], list[Credit]],
               ctx: _Context) -> dict[str, list[Line]]:
        """Every line of every component for one payee, per period of the year so far."""
        out: dict[str, list[Line]] = {str(p): [] for p in ctx.periods}
        payee = ctx.hierarchy.payees[pid]
        # A payee hired (or put on the plan) mid-year earns nothing, and needs no quota or
        # target incentive, for the periods before.
        active = [p for p in ctx.periods if _on_plan(pid, payee, ctx.assigned, p.start, p.end)]
        for comp in self.plan.components:
            exact: list[tuple[Period, Line]] = []
            for p in active:
                # What the component earned before, without floor lifts: a floor is a
                # guarantee for its period, which a later true-up must not take back.
                earlier = sum((ln.exact for q, ln in exact
                               if q.start < p.start and ln.trace.get("kind") != "floor"), _ZERO)
                exact.extend((p, ln) for ln in self._component(comp, pid, p, earlier,
                                                               credits_by, ctx))
            rounded = round_cumulative((ln.exact for _, ln in exact), self.currency,
                                       self.plan.rounding)
            for (p, ln), amount in zip(exact, rounded, strict=True):
                trace = {**ln.trace, "rounded": str(amount)}
                out[str(p)].append(attrs.evolve(ln, amount=amount, trace=trace))
        return out

    def _component(self, comp: Component, pid: str, p: Period, earlier: Decimal,
                   credits_by: Mapping[tuple[str, str], list[Credit]],
                   ctx: _Context) -> list[Line]:
        if isinstance(comp, Commission):
            return self._commission(comp, pid, p, earlier, credits_by, ctx)
        if isinstance(comp, Spiff):
            return self._spiff(comp, pid, p, credits_by)
        if isinstance(comp, TargetBonus):
            return self._target_bonus(comp, pid, p, credits_by, ctx)
        return self._kpi_bonus(comp, pid, p, ctx)

    def _quota(self, pid: str, measure: str, window: Period, ctx: _Context, who: str) -> Decimal:
        """The quota for a window: its own quota, else the sum of its periods' quotas."""
        direct = ctx.quotas.get((pid, measure, str(window)))
        if direct is not None:
            return direct
        total = _ZERO
        payee = ctx.hierarchy.payees[pid]
        for p in ctx.periods:
            # Periods before a mid-year hire (or assignment) carry no quota.
            if (p.start >= window.end or p.end <= window.start
                    or not _on_plan(pid, payee, ctx.assigned, p.start, p.end)):
                continue
            q = ctx.quotas.get((pid, measure, str(p)))
            if q is None:
                raise DataError(None, "quotas", f"no quota for payee {pid!r}, measure "
                                f"{measure!r} in {p}; {who} needs it")
            total += q
        return total

    def _attainment(self, pid: str, measure: str, window: Period,
                    credits_by: Mapping[tuple[str, str], list[Credit]], ctx: _Context,
                    who: str) -> tuple[Decimal, Decimal, Decimal]:
        """(credited, quota, attainment) of a measure over a window."""
        credited = sum((c.amount for c in credits_by.get((pid, measure), ())
                        if window.start <= c.date < window.end), _ZERO)
        quota = self._quota(pid, measure, window, ctx, who)
        if quota == 0:
            raise DataError(None, "quotas", f"the quota of payee {pid!r} for {measure!r} in "
                            f"{window} is 0, so attainment is undefined; {who} needs it")
        return credited, quota, _DIV(credited, quota)

    def _incentive(self, pid: str, comp: str, p: Period, ctx: _Context) -> Decimal:
        for key in ((pid, str(p), comp), (pid, str(p), None)):
            if key in ctx.incentives:
                return ctx.incentives[key]
        raise DataError(None, "target_incentives", f"no target incentive for payee {pid!r} in "
                        f"{p}; component {comp!r} needs it")

    def _commission(self, comp: Commission, pid: str, p: Period, earlier: Decimal,
                    credits_by: Mapping[tuple[str, str], list[Credit]],
                    ctx: _Context) -> list[Line]:
        window = p if comp.window is Window.PERIOD else Period.custom(ctx.year.start, p.end,
                                                                       p.calendar)
        who = f"component {comp.id!r}"
        mine = [c for c in credits_by.get((pid, comp.measure), ())
                if window.start <= c.date < window.end]
        needs_quota = (comp.rates.basis is BoundBasis.ATTAINMENT
                       or (comp.gate is not None and comp.gate.measure is None)
                       or (comp.cap is not None and comp.cap.earnings_at_attainment is not None))
        quota = self._quota(pid, comp.measure, window, ctx, who) if needs_quota else None
        if quota is not None and quota == 0 and comp.rates.basis is BoundBasis.ATTAINMENT:
            raise DataError(None, "quotas", f"the quota of payee {pid!r} for "
                            f"{comp.measure!r} in {window} is 0; {who} has attainment tiers")
        base = _rates(comp.rates, quota)
        notes: list[str] = []
        trace_mods: dict[str, Any] = {}

        # What holds for the whole window: gates on another measure, multipliers, caps.
        open_gate = True
        if comp.gate is not None and comp.gate.measure is not None:
            _, _, att = self._attainment(pid, comp.gate.measure, window, credits_by, ctx, who)
            open_gate = att >= comp.gate.min_attainment
            trace_mods["gate"] = {"measure": comp.gate.measure, "attainment": str(att),
                                  "required": str(comp.gate.min_attainment),
                                  "passed": open_gate}
            if not open_gate:
                notes.append(f"gate closed: {comp.gate.measure} at {_pct(att)} of quota, "
                             f"below {_pct(comp.gate.min_attainment)}")
        factor = _ONE
        if comp.multiplier is not None:
            _, _, att = self._attainment(pid, comp.multiplier.measure, window, credits_by, ctx,
                                         who)
            lowest = comp.multiplier.bands.points[0][0]
            if att < lowest:
                raise DataError(None, "multiplier", f"{comp.multiplier.measure} attainment of "
                                f"payee {pid!r} in {window} is {_pct(att)}, below the first "
                                f"band ({_pct(lowest)}) of {who}'s multiplier; add a band at 0")
            factor = comp.multiplier.bands(att)
            trace_mods["multiplier"] = {"measure": comp.multiplier.measure,
                                        "attainment": str(att), "factor": str(factor)}
            if factor != _ONE:
                notes.append(f"× {factor} kicker ({comp.multiplier.measure} at {_pct(att)})")
        cap = self._cap(comp.cap, base, quota, pid, comp.id, window, ctx)
        if cap is not None:
            trace_mods["cap"] = str(cap)
        threshold = None
        if comp.gate is not None and comp.gate.measure is None and quota is not None:
            threshold = _MUL(comp.gate.min_attainment, quota)
            trace_mods["gate"] = {"measure": comp.measure, "required":
                                  str(comp.gate.min_attainment), "threshold": str(threshold),
                                  "pay_from_first_unit": comp.gate.pay_from_first_unit}
        gate_value = base(threshold) if threshold is not None else _ZERO
        pay_all = comp.gate is None or comp.gate.pay_from_first_unit

        def earn(x: Decimal, capped: bool = True) -> Decimal:
            """Earnings at cumulative measure x, after gate, multiplier and cap."""
            if not open_gate:
                return _ZERO
            if threshold is not None and x < threshold:
                return _ZERO
            value = base(x) if pay_all or threshold is None else base(x) - gate_value
            value = _MUL(value, factor)
            return min(value, cap) if capped and cap is not None else value

        per_record_cap = comp.cap.per_record if comp.cap is not None else None

        def why(before: Decimal, after: Decimal, uncapped: Decimal) -> list[str]:
            """What the gate and the caps did to a line, for its explanation."""
            out = list(notes)
            if threshold is not None and open_gate:
                if after < threshold:
                    out.append(f"below the gate at {_money(threshold)}")
                elif before < threshold:
                    out.append(f"passes the gate at {_money(threshold)}, paying "
                               + ("from the first unit" if pay_all else "only above it"))
            if cap is not None and earn(after, capped=False) > cap:
                out.append(f"capped at {_money(cap)} for the window")
            if per_record_cap is not None and uncapped > per_record_cap:
                out.append(f"capped at {_money(per_record_cap)} per record")
            return out

        lines: list[Line] = []
        if comp.application is Application.PER_RECORD:
            running = _ZERO
            for c in mine:
                if c.date < p.start:
                    continue
                raw = earn(c.amount)
                said = why(_ZERO, _ZERO, raw)
                if per_record_cap is not None:
                    raw = min(raw, per_record_cap)
                if cap is not None and raw > cap - running:
                    raw = cap - running
                    said.append(f"capped at {_money(cap)} for the period")
                running += raw
                lines.append(self._commission_line(comp, c, p, base, _ZERO, c.amount, raw,
                                                   quota, trace_mods, said))
            return self._floor(comp, pid, p, lines, earlier)

        def increment(before: Decimal, after: Decimal) -> Decimal:
            value = earn(after) - earn(before)
            return value if per_record_cap is None else min(value, per_record_cap)

        # A period window starts from nothing; a year-to-date window recomputes what the
        # records of earlier periods earn now (the quota may have grown) against what they
        # earned then, and pays or takes back the difference.
        cumulative = recomputed = _ZERO
        before_period = [c for c in mine if c.date < p.start]
        for c in before_period:
            recomputed += increment(cumulative, cumulative + c.amount)
            cumulative += c.amount
        opening = recomputed - earlier if comp.window is Window.YEAR_TO_DATE else _ZERO
        if opening != 0:
            lines.append(Line(comp.id, pid, str(p), None, p.start, opening, _ZERO, {
                "component": comp.id, "kind": "true-up", "measure": comp.measure,
                "cumulative": str(cumulative), "earned_before": str(earlier),
                "exact": str(opening), **trace_mods,
            }, f"true-up: {comp.measure} year to date of {_money(cumulative)} now earns "
               f"{_money(recomputed)} against {_money(earlier)} earned before"))
        for c in mine[len(before_period):]:
            after = cumulative + c.amount
            value = increment(cumulative, after)
            said = why(cumulative, after, earn(after) - earn(cumulative))
            lines.append(self._commission_line(comp, c, p, base, cumulative, after, value,
                                               quota, trace_mods, said))
            cumulative = after
        return self._floor(comp, pid, p, lines, earlier)

    def _cap(self, cap: Cap | None, base: Callable[[Decimal], Decimal], quota: Decimal | None,
             pid: str, comp: str, window: Period, ctx: _Context) -> Decimal | None:
        if cap is None:
            return None
        limits = []
        if cap.per_period is not None:
            limits.append(cap.per_period)
        if cap.target_incentive_multiple is not None:
            # The target incentive of the window: the period's, or the year's so far.
            payee = ctx.hierarchy.payees[pid]
            incentive = sum((self._incentive(pid, comp, q, ctx) for q in ctx.periods
                             if window.start <= q.start and q.end <= window.end
                             and _on_plan(pid, payee, ctx.assigned, q.start, q.end)), _ZERO)
            limits.append(_MUL(cap.target_incentive_multiple, incentive))
        if cap.earnings_at_attainment is not None and quota is not None:
            limits.append(_MUL(cap.multiple, base(_MUL(cap.earnings_at_attainment, quota))))
        return min(limits) if limits else None

    def _floor(self, comp: Commission, pid: str, p: Period, lines: list[Line],
               earlier: Decimal) -> list[Line]:
        if comp.floor is None:
            return lines
        total = sum((ln.exact for ln in lines), _ZERO)
        lift = comp.floor - total
        if lift <= 0:
            return lines
        return [*lines, Line(comp.id, pid, str(p), None, p.last_day, lift, _ZERO, {
            "component": comp.id, "kind": "floor", "floor": str(comp.floor),
            "earned": str(total), "exact": str(lift)},
            f"floor: {comp.id} earned {_money(total)}, lifted to the floor of "
            f"{_money(comp.floor)}")]

    def _commission_line(self, comp: Commission, c: Credit, p: Period, base: _Rates,
                         before: Decimal, after: Decimal, value: Decimal,
                         quota: Decimal | None, mods: Mapping[str, Any],
                         notes: Sequence[str]) -> Line:
        slices = base.slices(before, after)
        if base.mode is TierMode.MARGINAL:
            parts = [f"{_money(Decimal(s['slice']))} at {_pct(Decimal(s['rate']))}"
                     for s in slices]
            how = " + ".join(parts) or "nothing"
        elif base.mode is TierMode.RETROACTIVE:
            how = (f"{_money(after)} at {_pct(base.rates[base.tier_of(after)])} − "
                   f"{_money(before)} at {_pct(base.rates[base.tier_of(before)])}")
        else:
            how = (f"{_money(base(after))} on {_money(after)} − {_money(base(before))} on "
                   f"{_money(before)} (retroactive through tier {(base.retro_through or 0) + 1}, "
                   "marginal above)")
        trace: dict[str, Any] = {
            "component": comp.id, "kind": "commission", "record": c.record,
            "date": c.date.isoformat(), "measure": comp.measure, "rule": c.rule,
            "credit": str(c.amount), "share": str(c.share), "factor": str(c.factor),
            "cumulative_before": str(before), "cumulative_after": str(after),
            "mode": base.mode.value, "tiers": slices, "tier": str(base.tier_of(after) + 1),
            "rate": str(base.rates[base.tier_of(after)]), "arithmetic": how,
            "exact": str(value), **mods,
        }
        credit_text = f"credited {_money(c.amount)}"
        if c.share != 1 or c.factor != 1:
            credit_text += f" ({_pct(c.share)} share × {_pct(c.factor)} credit)"
        text = f"{c.record} on {c.date}: {credit_text}"
        if comp.application is Application.CUMULATIVE:
            text += f"; {comp.measure} from {_money(before)} to {_money(after)}"
            if quota is not None and quota != 0:
                trace["quota"] = str(quota)
                trace["attainment_before"] = str(_DIV(before, quota))
                trace["attainment_after"] = str(_DIV(after, quota))
                text += (f" ({_pct(_DIV(before, quota).quantize(Decimal('0.001')))} → "
                         f"{_pct(_DIV(after, quota).quantize(Decimal('0.001')))} of quota "
                         f"{_money(quota)})")
        text += f": {how}"
        if notes:
            text += "; " + "; ".join(notes)
        text += f" = {_money(value)}"
        return Line(comp.id, c.payee, str(p), c.record, c.date, value, _ZERO, trace, text)

    def _spiff(self, comp: Spiff, pid: str, p: Period,
               credits_by: Mapping[tuple[str, str], list[Credit]]) -> list[Line]:
        match = self._spiffs[comp.id]
        lines = []
        for c in credits_by.get((pid, comp.measure), ()):
            if not p.start <= c.date < p.end or c.kind is not CreditKind.DIRECT:
                continue
            if (comp.start and c.date < comp.start) or (comp.end and c.date > comp.end):
                continue
            if not match(_credit_record(c)):
                continue
            if comp.amount is not None:
                value = _MUL(comp.amount, c.share)
                how = f"{_money(comp.amount)} × {_pct(c.share)} share"
            else:
                rate = comp.rate if comp.rate is not None else _ZERO
                value = _MUL(c.amount, rate)
                how = f"{_money(c.amount)} × {_pct(rate)}"
            lines.append(Line(comp.id, pid, str(p), c.record, c.date, value, _ZERO, {
                "component": comp.id, "kind": "spiff", "record": c.record,
                "date": c.date.isoformat(), "share": str(c.share), "arithmetic": how,
                "exact": str(value)}, f"{c.record} on {c.date}: SPIFF {comp.id}: {how} = "
                f"{_money(value)}"))
        return lines

    def _target_bonus(self, comp: TargetBonus, pid: str, p: Period,
                      credits_by: Mapping[tuple[str, str], list[Credit]],
                      ctx: _Context) -> list[Line]:
        who = f"component {comp.id!r}"
        credited, quota, att = self._attainment(pid, comp.measure, p, credits_by, ctx, who)
        incentive = self._incentive(pid, comp.id, p, ctx)
        pct = comp.curve(att)
        value = _MUL(incentive, pct)
        how = (f"{comp.measure} {_money(credited)} of quota {_money(quota)} = {_pct(att)} "
               f"attainment → {_pct(pct)} of target incentive {_money(incentive)}")
        trace: dict[str, Any] = {"component": comp.id, "kind": "target_bonus",
                                 "measure": comp.measure, "credited": str(credited),
                                 "quota": str(quota), "attainment": str(att),
                                 "payout_fraction": str(pct), "target_incentive": str(incentive)}
        def at(attained: Decimal) -> Decimal:
            return _MUL(incentive, comp.curve(attained))

        value, how = self._bonus_limits(comp.gate, comp.cap, comp.id, comp.measure, pid, p,
                                        credits_by, ctx, value, how, trace, att, at)
        trace["exact"] = str(value)
        return [Line(comp.id, pid, str(p), None, p.last_day, value, _ZERO, trace,
                     f"{comp.id}: {how} = {_money(value)}")]

    def _bonus_limits(self, gate: Gate | None, cap: Cap | None, comp: str, measure: str,
                      pid: str, p: Period,
                      credits_by: Mapping[tuple[str, str], list[Credit]], ctx: _Context,
                      value: Decimal, how: str, trace: dict[str, Any],
                      own: Decimal, at: Callable[[Decimal], Decimal]) -> tuple[Decimal, str]:
        if gate is not None:
            att = own
            if gate.measure is not None:
                _, _, att = self._attainment(pid, gate.measure, p, credits_by, ctx,
                                             f"component {comp!r}")
            passed = att >= gate.min_attainment
            trace["gate"] = {"measure": gate.measure or measure, "attainment": str(att),
                             "required": str(gate.min_attainment), "passed": passed}
            if not passed:
                return _ZERO, (f"{how}; gate closed ({gate.measure or measure} at {_pct(att)}, "
                               f"below {_pct(gate.min_attainment)})")
        limit = self._cap(cap, at, _ONE, pid, comp, p, ctx)
        if limit is not None and value > limit:
            trace["cap"] = str(limit)
            return limit, f"{how}; capped at {_money(limit)}"
        return value, how

    def _kpi_bonus(self, comp: KpiBonus, pid: str, p: Period, ctx: _Context) -> list[Line]:
        records = ctx.records_by_payee.get(pid, ())
        goals = []
        for item in comp.items:
            target = ctx.quotas.get((pid, item.target_name, str(p)))
            if target is None:
                raise DataError(None, "quotas", f"no target for payee {pid!r}, "
                                f"{item.target_name!r} in {p}; KPI bonus {comp.id!r} needs it")
            goals.append(Goal(item.target_name, item.metric, target, p, pid,
                              direction=item.direction, weight=item.weight))
        card = Scorecard(comp.id, goals, comp.missing, comp.item_curve)
        results = tuple(
            _evaluate_goal(g, records, ctx.hierarchy, supplied=_no_supplied,
                           curve=comp.item_curve, scale=None)
            for g in goals
        )
        scored = _score_card(card, results, None)
        incentive = self._incentive(pid, comp.id, p, ctx)
        if scored.score is None:
            raise DataError(None, f"{comp.id}", f"no KPI of {pid!r} has data in {p}")
        pct = comp.curve(scored.score)
        value = _MUL(incentive, pct)
        trace = {"component": comp.id, "kind": "kpi_bonus", "score": str(scored.score),
                 "payout_fraction": str(pct), "target_incentive": str(incentive),
                 "items": [{"goal": r.goal, "actual": None if r.actual is None else str(r.actual),
                            "target": str(r.target),
                            "attainment": None if r.attainment is None else str(r.attainment),
                            "score": None if r.score is None else str(r.score),
                            "weight": str(scored.weights.get(r.goal, _ZERO)),
                            "records": list(r.records)} for r in results],
                 "arithmetic": scored.explanation, "exact": str(value)}
        text = (f"{comp.id}: {scored.explanation} → {_pct(pct)} of target incentive "
                f"{_money(incentive)} = {_money(value)}")
        return [Line(comp.id, pid, str(p), None, p.last_day, value, _ZERO, trace, text)]


def _no_supplied(name: str, period: Period) -> object:
    return None


def _credit_record(c: Credit) -> Record:
    return Record(c.record, c.date, (c.payee,), c.amount, None, c.attributes)


def _in_currency(record: Record, home: str, rates: ExchangeRates | None) -> Decimal:
    if record.amount is None:
        raise DataError(record.id, "amount", "a credited record needs an amount")
    if record.currency is None or record.currency == home:
        return record.amount
    if rates is None:
        raise DataError(record.id, "currency", f"is {record.currency}, the plan pays in {home}, "
                        "and no exchange rates were given")
    return rates.convert(Money(record.amount, currency(record.currency)), home, record.date).amount


def _shares(record: Record) -> list[tuple[str, Decimal]]:
    split = record.get("split", None)
    if split is None:
        if len(record.payees) == 1:
            return [(record.payees[0], _ONE)]
        if not record.payees:
            raise DataError(record.id, "payees", "a credited record needs a payee")
        raise DataError(record.id, "split", f"has {len(record.payees)} payees and no split "
                        "saying how to share it")
    if not isinstance(split, Mapping):
        raise DataError(record.id, "split", f"must map payee ids to shares, got {split!r}")
    shares = []
    for pid, raw in sorted(split.items()):
        try:
            shares.append((str(pid), to_decimal(raw, path="split")))
        except DefinitionError as err:
            raise DataError(record.id, f"split[{pid!r}]", err.problems[0].message) from None
    total = sum((s for _, s in shares), _ZERO)
    if total != _ONE:
        raise DataError(record.id, "split", f"shares must total exactly 1 (100 %), got {total}")
    if any(s < 0 for _, s in shares):
        raise DataError(record.id, "split", "shares must not be negative")
    return shares


def _inactive(pid: str, day: dt.date, hierarchy: Hierarchy,
              assigned: Mapping[str, tuple[Assignment, ...]] | None) -> str | None:
    payee = hierarchy.payees.get(pid)
    if payee is None:
        return f"unknown payee {pid!r}"
    if not payee.active_on(day):
        return f"payee {pid!r} not employed on {day}"
    if assigned is not None and not any(a.covers(day) for a in assigned.get(pid, ())):
        return f"payee {pid!r} not on the plan on {day}"
    return None


def _on_plan(pid: str, payee: Payee, assigned: Mapping[str, tuple[Assignment, ...]] | None,
             start: dt.date, end: dt.date) -> bool:
    last = end - dt.timedelta(days=1)
    employed = ((payee.start is None or payee.start <= last)
                and (payee.end is None or payee.end >= start))
    if not employed:
        return False
    if assigned is None:
        return True
    return any((a.start is None or a.start <= last) and (a.end is None or a.end >= start)
               for a in assigned.get(pid, ()))


def _assignments(assignments: Iterable[Assignment] | None,
                 hierarchy: Hierarchy) -> dict[str, tuple[Assignment, ...]] | None:
    if assignments is None:
        return None
    grouped: dict[str, list[Assignment]] = defaultdict(list)
    problems = []
    for i, a in enumerate(assignments):
        if a.payee not in hierarchy.payees:
            problems.append(Problem(f"assignments[{i}].payee", f"unknown payee {a.payee!r}"))
        grouped[a.payee].append(a)
    if problems:
        raise DefinitionError(problems)
    return {k: tuple(v) for k, v in grouped.items()}


def _quota_table(quotas: Iterable[Quota]) -> dict[tuple[str, str, str], Decimal]:
    table: dict[tuple[str, str, str], Decimal] = {}
    for i, q in enumerate(quotas):
        key = (q.payee, q.measure, q.period)
        if key in table and table[key] != q.amount:
            raise DefinitionError([Problem(f"quotas[{i}]", f"a second, different quota for "
                                           f"{q.payee!r}, {q.measure!r} in {q.period}")])
        table[key] = q.amount
    return table


def _incentive_table(
    items: Iterable[TargetIncentive],
) -> dict[tuple[str, str, str | None], Decimal]:
    table: dict[tuple[str, str, str | None], Decimal] = {}
    for i, t in enumerate(items):
        key = (t.payee, t.period, t.component)
        if key in table and table[key] != t.amount:
            raise DefinitionError([Problem(f"target_incentives[{i}]", "a second, different "
                                           f"target incentive for {t.payee!r} in {t.period}")])
        table[key] = t.amount
    return table

