"""The components of a plan: the ways a payee earns — commissions on rate tables, target and
KPI bonuses, SPIFFs — with their gates, caps and multipliers."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import TypeAlias

import attrs

from salesperf._conditions import Condition
from salesperf._errors import Problem
from salesperf._goals import MissingData
from salesperf._metrics import Metric, check_metric
from salesperf._plans.parts import ONE as _ONE
from salesperf._plans.parts import ZERO as _ZERO
from salesperf._plans.parts import check_condition, dec, opt_dec
from salesperf._scoring import Curve, Direction

__all__ = ["Application", "BoundBasis", "Cap", "Commission", "Component", "Gate", "Holdback",
           "KpiBonus",
           "KpiItem", "Multiplier", "RateTable", "Spiff", "TargetBonus", "Tier", "TierMode",
           "Window"]



class TierMode(enum.Enum):
    """How a rate table turns a measure into money."""

    MARGINAL = "marginal"  # each slice at its own tier's rate
    RETROACTIVE = "retroactive"  # the whole measure at the rate of the tier reached
    HYBRID = "hybrid"  # retroactive up to `retroactive_through`, marginal above it


class BoundBasis(enum.Enum):
    """What tier bounds are expressed in."""

    AMOUNT = "amount"
    ATTAINMENT = "attainment"  # fractions of quota: 1 = 100 %


@attrs.frozen
class Tier:
    """A tier from `lower` (inclusive) up to the next tier's lower bound, paid at `rate`."""

    lower: Decimal = attrs.field(converter=dec)
    rate: Decimal = attrs.field(converter=dec)


def _tiers(values: Iterable[Tier]) -> tuple[Tier, ...]:
    return tuple(values)


@attrs.frozen
class RateTable:
    """An ordered list of tiers; a value exactly on a boundary belongs to the higher tier.

    The first tier starts at 0 and bounds rise strictly, so there are no gaps or overlaps.
    """

    tiers: tuple[Tier, ...] = attrs.field(converter=_tiers)
    mode: TierMode = TierMode.MARGINAL
    basis: BoundBasis = BoundBasis.AMOUNT
    retroactive_through: int | None = None

    def problems(self, path: str) -> list[Problem]:
        out = []
        if not self.tiers:
            out.append(Problem(f"{path}.tiers", "needs at least one tier"))
        elif self.tiers[0].lower != 0:
            out.append(Problem(f"{path}.tiers[0].lower", "must be 0 so that every value has "
                               f"a tier, got {self.tiers[0].lower}"))
        for i, tier in enumerate(self.tiers):
            if i and tier.lower <= self.tiers[i - 1].lower:
                out.append(Problem(f"{path}.tiers[{i}].lower",
                                   f"must be above {self.tiers[i - 1].lower}, got {tier.lower}"))
            if tier.rate < 0:
                out.append(Problem(f"{path}.tiers[{i}].rate", f"must be >= 0, got {tier.rate}"))
        if self.mode is TierMode.HYBRID:
            k = self.retroactive_through
            if k is None or not 0 <= k < len(self.tiers):
                out.append(Problem(f"{path}.retroactive_through",
                                   f"a hybrid table names the last retroactive tier, an index "
                                   f"0..{len(self.tiers) - 1}, got {k!r}"))
        elif self.retroactive_through is not None:
            out.append(Problem(f"{path}.retroactive_through",
                               f"only a hybrid table has one, this table is {self.mode.value}"))
        return out


# -- modifiers ---------------------------------------------------------------------------------


@attrs.frozen
class Gate:
    """Pay nothing until `measure` reaches `min_attainment` of its quota.

    On the component's own measure the gate is checked record by record, so the record that
    passes it earns the catch-up; with `pay_from_first_unit` false, only what lies above the
    gate is paid. On another measure the gate is checked at the end of the window.
    """

    min_attainment: Decimal = attrs.field(converter=dec)
    measure: str | None = None  # None: the component's own measure
    pay_from_first_unit: bool = True

    def problems(self, path: str) -> list[Problem]:
        if self.min_attainment < 0:
            return [Problem(f"{path}.min_attainment", f"must be >= 0, got {self.min_attainment}")]
        return []


@attrs.frozen
class Cap:
    """Upper limits on a component's earnings (each optional; all that are set apply).

    - `per_record`: no single line earns more.
    - `per_period`: the window's earnings stop at this amount.
    - `target_incentive_multiple`: at most this multiple of the payee's target incentive.
    - `earnings_at_attainment` with `multiple`: at most `multiple` × what the component pays
      at that attainment (e.g. 3 × the commission at 100 %).
    """

    per_record: Decimal | None = attrs.field(default=None, converter=opt_dec)
    per_period: Decimal | None = attrs.field(default=None, converter=opt_dec)
    target_incentive_multiple: Decimal | None = attrs.field(default=None, converter=opt_dec)
    earnings_at_attainment: Decimal | None = attrs.field(default=None, converter=opt_dec)
    multiple: Decimal = attrs.field(default=_ONE, converter=dec)

    def problems(self, path: str) -> list[Problem]:
        out = [Problem(f"{path}.{name}", f"must be >= 0, got {value}")
               for name, value in attrs.asdict(self, recurse=False).items()
               if value is not None and value < 0]
        if all(v is None for v in (self.per_record, self.per_period,
                                   self.target_incentive_multiple, self.earnings_at_attainment)):
            out.append(Problem(path, "sets no limit"))
        return out


@attrs.frozen
class Multiplier:
    """Scales a component by `measure`'s attainment at the end of the window, through a
    step `bands` curve (attainment → factor). Attainment below the first band is an error
    unless the curve's ``below`` factor is declared by giving a band at 0."""

    measure: str
    bands: Curve

    def problems(self, path: str) -> list[Problem]:
        return self.bands.problems(f"{path}.bands")


class Application(enum.Enum):
    """Whether tiers apply to each record alone or to the cumulative measure."""

    CUMULATIVE = "cumulative"
    PER_RECORD = "per_record"


class Window(enum.Enum):
    """The measurement window a cumulative measure runs over."""

    PERIOD = "period"  # period to date
    YEAR_TO_DATE = "year_to_date"


# -- components --------------------------------------------------------------------------------


@attrs.frozen
class Holdback:
    """Part of a commission's earnings held back until a date or until the customer pays.

    Each record line holds back `share` of what it earns. With `until`, the held part is
    released in full on that date; without, it is released as the customer pays: pro rata
    to what the host's receipts for the record add up to, across as many periods as they
    take. A clawback line is held and released as the line it reverses; period lines
    (true-ups, floors) are not held.
    """

    share: Decimal = attrs.field(default=_ONE, converter=dec)
    until: dt.date | None = None

    def problems(self, path: str) -> list[Problem]:
        if not _ZERO <= self.share <= _ONE:
            return [Problem(f"{path}.share", f"must be from 0 to 1, got {self.share}")]
        return []


@attrs.frozen
class Commission:
    """Commission on a credited measure through a rate table."""

    id: str
    rates: RateTable
    measure: str = "revenue"
    application: Application = Application.CUMULATIVE
    window: Window = Window.PERIOD
    gate: Gate | None = None
    cap: Cap | None = None
    floor: Decimal | None = attrs.field(default=None, converter=opt_dec)
    multiplier: Multiplier | None = None
    holdback: Holdback | None = None

    def problems(self, path: str) -> list[Problem]:
        out = self.rates.problems(f"{path}.rates")
        if self.application is Application.PER_RECORD:
            if self.rates.basis is BoundBasis.ATTAINMENT:
                out.append(Problem(f"{path}.rates.basis", "a per-record commission has no quota "
                                   "to measure attainment against; use amount bounds"))
            if self.gate is not None and self.gate.measure is None:
                out.append(Problem(f"{path}.gate.measure", "a per-record commission can only be "
                                   "gated on another measure"))
        for name, part in (("gate", self.gate), ("cap", self.cap), ("multiplier", self.multiplier),
                           ("holdback", self.holdback)):
            if part is not None:
                out += part.problems(f"{path}.{name}")
        if self.floor is not None and self.floor < 0:
            out.append(Problem(f"{path}.floor", f"must be >= 0, got {self.floor}"))
        return out


@attrs.frozen
class TargetBonus:
    """A target-incentive bonus: target incentive × `curve`(attainment of `measure`)."""

    id: str
    curve: Curve
    measure: str = "revenue"
    gate: Gate | None = None
    cap: Cap | None = None

    def problems(self, path: str) -> list[Problem]:
        out = self.curve.problems(f"{path}.curve")
        for name, part in (("gate", self.gate), ("cap", self.cap)):
            if part is not None:
                out += part.problems(f"{path}.{name}")
        return out


@attrs.frozen
class KpiItem:
    """One measure of a KPI/MBO bonus: a metric over the payee's records, its weight, and
    the name of the host-supplied target (a quota) it is scored against."""

    metric: Metric
    weight: Decimal = attrs.field(converter=dec)
    target: str = ""
    direction: Direction = Direction.HIGHER_IS_BETTER

    @property
    def target_name(self) -> str:
        return self.target or self.metric.name


def _items(values: Iterable[KpiItem]) -> tuple[KpiItem, ...]:
    return tuple(values)


@attrs.frozen
class KpiBonus:
    """A multi-measure KPI/MBO bonus: target incentive × `curve`(weighted scorecard score).

    Each item's score is its attainment through `item_curve` (if any); weights total 1.
    """

    id: str
    items: tuple[KpiItem, ...] = attrs.field(converter=_items)
    curve: Curve
    item_curve: Curve | None = None
    missing: MissingData = MissingData.FAIL

    def problems(self, path: str) -> list[Problem]:
        out = self.curve.problems(f"{path}.curve")
        if self.item_curve is not None:
            out += self.item_curve.problems(f"{path}.item_curve")
        total = sum((i.weight for i in self.items), _ZERO)
        if total != _ONE:
            out.append(Problem(f"{path}.items", f"weights must total 1 (100 %), got {total}"))
        for i, item in enumerate(self.items):
            out += check_metric(item.metric, f"{path}.items[{i}].metric")
            if item.weight <= 0:
                out.append(Problem(f"{path}.items[{i}].weight", f"must be > 0, got {item.weight}"))
        return out


@attrs.frozen
class Spiff:
    """A fixed `amount` (or a `rate` of the credited amount) per credited record matching
    `where` and dated from `start` through `end` (inclusive)."""

    id: str
    where: Condition | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    amount: Decimal | None = attrs.field(default=None, converter=opt_dec)
    rate: Decimal | None = attrs.field(default=None, converter=opt_dec)
    measure: str = "revenue"

    def problems(self, path: str) -> list[Problem]:
        out = check_condition(self.where, f"{path}.where")
        if (self.amount is None) == (self.rate is None):
            out.append(Problem(path, "needs exactly one of amount or rate"))
        for name in ("amount", "rate"):
            value = getattr(self, name)
            if value is not None and value < 0:
                out.append(Problem(f"{path}.{name}", f"must be >= 0, got {value}"))
        if self.start and self.end and self.end < self.start:
            out.append(Problem(f"{path}.end", f"must not be before start {self.start}, "
                               f"got {self.end}"))
        return out


Component: TypeAlias = Commission | TargetBonus | KpiBonus | Spiff
