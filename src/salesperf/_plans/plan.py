"""A plan: its crediting rules and components, its calendar and payout grain, and the checks
only the whole plan can make."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from salesperf._errors import DefinitionError, Problem
from salesperf._money import RoundingMode, currency
from salesperf._periods import Calendar, CalendarYear, Grain, ProrationBasis
from salesperf._plans.components import Commission, Component, Spiff, TargetBonus
from salesperf._plans.crediting import CreditRule, Overlay, Rollup
from salesperf._plans.parts import dec, opt_dec

__all__ = ["BalancePolicy", "PaymentTerms", "Plan", "measures_used"]


def _shares(values: Iterable[object]) -> tuple[Decimal, ...]:
    return tuple(dec(v) for v in values)


class BalancePolicy(enum.Enum):
    """What happens to a balance the payee owes (a recoverable draw, more taken back than
    earned): it is carried and recovered from later earnings, or forgiven."""

    CARRY = "carry"
    FORGIVE = "forgive"


@attrs.frozen
class PaymentTerms:
    """How payments settle across periods (see "Across periods" in docs/commissions.md).

    - `recovery_limit`: the most one period's earnings repay of a balance (None: no limit).
    - `negative_payable`: a period whose payable is negative (more taken back than earned)
      pays nothing and carries the difference as a balance, or writes it off (`FORGIVE`).
    - `at_year_end`: a balance left after the last period of the plan year is carried into
      the next (the host passes it back as an opening balance) or forgiven.
    - `on_leaving`: a balance left in the period a payee's employment ends.
    - `clawback_days`: a reversal (a record that `reverses` an earlier one) takes back what
      the original earned when dated at most this many days after it (None: any time in the
      plan year); outside the window it is excluded with that reason.
    """

    recovery_limit: Decimal | None = attrs.field(default=None, converter=opt_dec)
    negative_payable: BalancePolicy = BalancePolicy.CARRY
    at_year_end: BalancePolicy = BalancePolicy.CARRY
    on_leaving: BalancePolicy = BalancePolicy.CARRY
    clawback_days: int | None = None

    def problems(self, path: str) -> list[Problem]:
        out = []
        if self.recovery_limit is not None and self.recovery_limit < 0:
            out.append(Problem(f"{path}.recovery_limit", f"must be >= 0, got "
                               f"{self.recovery_limit}"))
        if self.clawback_days is not None and self.clawback_days < 0:
            out.append(Problem(f"{path}.clawback_days", f"must be >= 0, got "
                               f"{self.clawback_days}"))
        return out



def _components(values: Iterable[Component]) -> tuple[Component, ...]:
    return tuple(values)


def _rules(values: Iterable[CreditRule]) -> tuple[CreditRule, ...]:
    return tuple(values)


def _extra(values: Iterable[Overlay | Rollup]) -> tuple[Overlay | Rollup, ...]:
    return tuple(values)


@attrs.frozen
class Plan:
    """A versioned, effective-dated compensation plan: crediting rules and components.

    `frequency` is the payout grain (month or quarter…) of the plan year cut by `calendar`.
    """

    id: str
    components: tuple[Component, ...] = attrs.field(converter=_components)
    credit_rules: tuple[CreditRule, ...] = attrs.field(
        default=(CreditRule("all"),), converter=_rules)
    extra_credit: tuple[Overlay | Rollup, ...] = attrs.field(default=(), converter=_extra)
    version: int = 1
    currency: str = "USD"
    rounding: RoundingMode = RoundingMode.HALF_UP
    calendar: Calendar = attrs.field(factory=CalendarYear)
    frequency: Grain = Grain.QUARTER
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None  # inclusive
    payments: PaymentTerms = PaymentTerms()
    # Prorate quotas and target incentives for periods a payee is employed or on the plan
    # only in part, by calendar or working days (None: never). KPI item targets are not
    # prorated: they may be rates or scores.
    proration: ProrationBasis | None = None
    # A new hire's quota, as a share of the full quota, by month of tenure: (0.25, 0.5) asks
    # a quarter of the quota in the month of hire and half in the next; full after that.
    ramp: tuple[Decimal, ...] = attrs.field(default=(), converter=_shares)

    def _repr_html_(self) -> str:
        from salesperf._plan_views import plan_html  # here: it writes plans as documents

        return plan_html(self)

    def problems(self, path: str = "plan") -> list[Problem]:
        """Every problem of the plan, each with its path: those of its parts, and what only
        the whole plan shows (its currency, duplicate ids, measures no rule credits)."""
        prefix = f"{path}." if path else ""
        out: list[Problem] = []
        try:
            currency(self.currency, path=f"{prefix}currency")
        except DefinitionError as err:
            out.extend(err.problems)
        if not self.components:
            out.append(Problem(f"{prefix}components", "a plan needs at least one component"))
        if not self.credit_rules:
            out.append(Problem(f"{prefix}credit_rules", "a plan needs at least one crediting rule"))
        if self.frequency.months == 0 or self.frequency.months > 12:
            out.append(Problem(f"{prefix}frequency", f"must be month, quarter, half or year, got "
                               f"{self.frequency.value}"))
        out.extend(self.payments.problems(f"{prefix}payments"))
        out.extend(Problem(f"{prefix}ramp[{i}]", f"must be from 0 to 1, got {share}")
                   for i, share in enumerate(self.ramp) if not 0 <= share <= 1)
        if (self.effective_from and self.effective_until
                and self.effective_until < self.effective_from):
            out.append(Problem(f"{prefix}effective_until", "must not be before effective_from"))
        ids: set[str] = set()
        for i, comp in enumerate(self.components):
            out.extend(comp.problems(f"{prefix}components[{i}]"))
            if comp.id in ids:
                out.append(Problem(f"{prefix}components[{i}].id",
                                   f"duplicate component id {comp.id!r}"))
            ids.add(comp.id)
        rules: tuple[tuple[str, Sequence[CreditRule | Overlay | Rollup]], ...] = (
            ("credit_rules", self.credit_rules), ("extra_credit", self.extra_credit))
        for kind, items in rules:
            for i, item in enumerate(items):
                out.extend(item.problems(f"{prefix}{kind}[{i}]"))
        measures = self.measures()
        for i, comp in enumerate(self.components):
            for name, measure in measures_used(comp):
                if measure not in measures:
                    out.append(Problem(f"{prefix}components[{i}].{name}",
                                       f"no crediting rule credits the measure {measure!r}; "
                                       f"known: {', '.join(sorted(measures))}"))
        return out

    def measures(self) -> frozenset[str]:
        """The measures the plan's crediting rules, overlays and roll-ups credit."""
        return frozenset({r.measure for r in self.credit_rules}
                         | {e.measure for e in self.extra_credit})


def measures_used(comp: Component) -> list[tuple[str, str]]:
    """The measures a component reads, each with the field that names it."""
    used: list[tuple[str, str]] = []
    if isinstance(comp, Commission | TargetBonus | Spiff):
        used.append(("measure", comp.measure))
    if isinstance(comp, Commission | TargetBonus) and comp.gate and comp.gate.measure:
        used.append(("gate.measure", comp.gate.measure))
    if isinstance(comp, Commission) and comp.multiplier:
        used.append(("multiplier.measure", comp.multiplier.measure))
    return used
