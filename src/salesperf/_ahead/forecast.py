"""Pacing and forecasts to the end of a period, on an `as_of` date inside it: attainment to
date, the pace needed per remaining day, and the period's measure, attainment and payout
forecast by run rate and by weighted pipeline — each forecast with its method and inputs.

Every forecast is a what-if: the records it projects are credited like real ones, merged
with the baseline's and earned for the payee, so the payout is the plan's own.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from salesperf._engine import Credited
from salesperf._engine.explain import money, pct
from salesperf._errors import DataError, DefinitionError, Problem
from salesperf._money import DECIMAL_CONTEXT, to_decimal
from salesperf._periods import ProrationBasis, prorate
from salesperf._records import Record, as_record

from .baseline import Baseline

__all__ = ["Forecast", "ForecastMethod", "ForecastOutcome", "Pace", "Projection",
           "TeamForecast", "forecast", "team_forecast"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_DIV = DECIMAL_CONTEXT.divide
_MUL = DECIMAL_CONTEXT.multiply
_DAY = dt.timedelta(days=1)


class ForecastMethod(enum.Enum):
    """How a forecast projects the rest of the period."""

    RUN_RATE = "run_rate"  # the rest of the period as the days so far
    WEIGHTED_PIPELINE = "weighted_pipeline"  # open deals × their probability of closing


@attrs.frozen
class ForecastOutcome:
    """The period's end as forecast: its measure, attainment of the quota and earnings."""

    measure: Decimal
    attainment: Decimal | None
    earned: Decimal

    def to_dict(self) -> dict[str, str | None]:
        return {"measure": str(self.measure), "attainment": _text(self.attainment),
                "earned": str(self.earned)}


@attrs.frozen
class Projection:
    """A forecast by one method: `expected`, and for a pipeline a `low` and `high` range;
    `inputs` are the figures it used (exact decimal text) and `text` says how."""

    method: ForecastMethod
    inputs: Mapping[str, str]
    expected: ForecastOutcome
    low: ForecastOutcome | None = None
    high: ForecastOutcome | None = None
    text: str = ""
    skipped: tuple[tuple[str, str], ...] = ()  # pipeline records left out, with the reason

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method.value, "inputs": dict(self.inputs),
                "expected": self.expected.to_dict(),
                "low": None if self.low is None else self.low.to_dict(),
                "high": None if self.high is None else self.high.to_dict(),
                "text": self.text,
                "skipped": [{"record": r, "reason": why} for r, why in self.skipped]}


@attrs.frozen
class Pace:
    """Where a payee stands on `as_of`: the measure to date against the quota, the days
    elapsed (as_of included) and remaining, counted as calendar or working days, and the
    pace needed per remaining day to make the quota."""

    measure: str
    actual: Decimal
    quota: Decimal | None
    basis: ProrationBasis
    elapsed: int
    total: int

    @property
    def remaining(self) -> int:
        return self.total - self.elapsed

    @property
    def attainment(self) -> Decimal | None:
        return None if not self.quota else _DIV(self.actual, self.quota)

    @property
    def needed(self) -> Decimal | None:
        """What is left to sell to make the quota (0 once made)."""
        return None if self.quota is None else max(self.quota - self.actual, _ZERO)

    @property
    def needed_per_day(self) -> Decimal | None:
        """The pace needed per remaining day (None without a quota or a day left)."""
        needed = self.needed
        return None if needed is None or self.remaining == 0 else _DIV(needed, self.remaining)

    @property
    def per_day(self) -> Decimal | None:
        """The pace so far per elapsed day (None before the first)."""
        return None if self.elapsed == 0 else _DIV(self.actual, self.elapsed)

    def to_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "actual": str(self.actual),
                "quota": _text(self.quota), "attainment": _text(self.attainment),
                "basis": self.basis.value, "elapsed": self.elapsed, "total": self.total,
                "remaining": self.remaining, "needed": _text(self.needed),
                "needed_per_day": _text(self.needed_per_day), "per_day": _text(self.per_day)}


@attrs.frozen
class Forecast:
    """A payee's pace and forecasts for a period on `as_of`."""

    payee: str
    period: str
    as_of: dt.date
    pace: Pace
    earned_to_date: Decimal
    run_rate: Projection
    pipeline: Projection | None = None

    def explain(self) -> str:
        p = self.pace
        unit = _unit(p.basis)
        out = [(f"Forecast for {self.payee}, {self.period} as of {self.as_of} "
               f"({p.elapsed} of {p.total} {unit})")]
        standing = f"  {p.measure} to date {money(p.actual)}"
        if p.quota is not None and p.attainment is not None:
            standing += f" of quota {money(p.quota)} ({pct(_short(p.attainment))})"
        out.append(f"{standing}; earned {money(self.earned_to_date)}")
        if p.needed is not None:
            pace = (f"{money(p.needed_per_day)} a {unit[:-1]}" if p.needed_per_day is not None
                    else "no day left")
            out.append(f"  needed: {money(p.needed)} in {p.remaining} {unit}, {pace}")
        out.append(f"  {self.run_rate.text}")
        if self.pipeline is not None:
            out.append(f"  {self.pipeline.text}")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        return {"payee": self.payee, "period": self.period, "as_of": self.as_of.isoformat(),
                "pace": self.pace.to_dict(), "earned_to_date": str(self.earned_to_date),
                "run_rate": self.run_rate.to_dict(),
                "pipeline": None if self.pipeline is None else self.pipeline.to_dict()}


@attrs.frozen
class TeamForecast:
    """Payees' forecasts added up: will the team make its number?"""

    forecasts: tuple[Forecast, ...]

    def _sum(self, read: Callable[[Forecast], Decimal]) -> Decimal:
        return sum((read(f) for f in self.forecasts), _ZERO)

    @property
    def actual(self) -> Decimal:
        return self._sum(lambda f: f.pace.actual)

    @property
    def quota(self) -> Decimal:
        return self._sum(lambda f: f.pace.quota or _ZERO)

    @property
    def run_rate(self) -> ForecastOutcome:
        return self._outcome(lambda f: f.run_rate.expected)

    def pipeline(self, which: str = "expected") -> ForecastOutcome | None:
        """The team's weighted pipeline forecast: 'low', 'expected' or 'high'."""
        if not self.forecasts or any(f.pipeline is None for f in self.forecasts):
            return None
        if which not in ("low", "expected", "high"):
            raise DefinitionError([Problem("which", f"expected 'low', 'expected' or 'high', "
                                           f"got {which!r}")])
        return self._outcome(lambda f: getattr(f.pipeline, which))

    def _outcome(self, read: Callable[[Forecast], ForecastOutcome]) -> ForecastOutcome:
        measure = self._sum(lambda f: read(f).measure)
        quota = self.quota
        return ForecastOutcome(measure, _DIV(measure, quota) if quota else None,
                       self._sum(lambda f: read(f).earned))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _short(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.001"))


def _unit(basis: ProrationBasis) -> str:
    return "days" if basis is ProrationBasis.CALENDAR_DAYS else "working days"


def forecast(
    baseline: Baseline,
    payee: str,
    *,
    measure: str = "revenue",
    basis: ProrationBasis = ProrationBasis.CALENDAR_DAYS,
    weekend: Sequence[int] = (5, 6),
    pipeline: Iterable[Record | Mapping[str, object]] = (),
    stages: Mapping[str, object] | None = None,
    commit: object = "0.5",
) -> Forecast:
    """The payee's pace and forecasts for the baseline's period on its `as_of` date.

    - Pace: the measure credited to the payee from the period's start through `as_of`, its
      attainment of the payee's quota for the period, and what is needed per remaining day
      (calendar days, or working days without `weekend` days and the baseline's holidays).
    - Run rate: the rest of the period sells as the days so far — each of the payee's
      records to date credited to the measure again, its amount × remaining ÷ elapsed
      days, dated the period's last day — so the measure ends at actual × total ÷ elapsed
      days.
    - Weighted pipeline, when `pipeline` is given: open deals (records dated on their
      expected close day) with a `probability` field, or a `stage` field read in `stages`
      (stage → probability). The deals credited to the payee (their own, or their team's
      through a roll-up) closing after `as_of` and within the period count:
      expected, each amount × its probability; low, only deals with a probability of at
      least `commit`, weighted; high, every deal with a probability above 0, in full.

    Payouts are the plan's earnings for the period with the projected records added. On the
    period's last day nothing is left to project, so every forecast is the actual
    (`tests/test_ahead_forecast.py` proves it).
    """
    as_of, period = baseline.as_of, baseline.period
    if as_of is None:
        raise DefinitionError([Problem("as_of", "a forecast needs the baseline made with an "
                                       "as_of date")])
    if not period.start <= as_of < period.end:
        raise DefinitionError([Problem("as_of", f"must be a day of {period}, got {as_of}")])
    mine = baseline.credited.only([payee])
    now = baseline.earn(mine, only=[payee]).statement(payee)
    actual = _measured(mine, payee, measure, period.start, as_of)
    quota = _quota(baseline, payee, measure)
    holidays = baseline.holidays
    done = prorate(period, active_until=as_of, basis=basis, holidays=holidays, weekend=weekend)
    pace = Pace(measure, actual, quota, basis, done.active, done.total)

    def outcome(extra: Sequence[Record]) -> ForecastOutcome:
        merged = mine.merge(baseline.credit(extra)) if extra else mine
        earned = baseline.earn(merged, only=[payee]).statement(payee).earned if extra else (
            now.earned)
        total = _measured(merged, payee, measure, period.start, period.last_day)
        return ForecastOutcome(total, None if not quota else _DIV(total, quota), earned)

    run = _run_rate(baseline, mine, payee, measure, pace, outcome)
    projected = None if not pipeline else _pipeline(
        baseline, payee, pipeline, stages, to_decimal(commit, path="commit"), outcome)
    return Forecast(payee, str(period), as_of, pace, now.earned, run, projected)


def team_forecast(baseline: Baseline, payees: Iterable[str], **options: Any) -> TeamForecast:
    """`forecast` for each payee (with the same options), to add up for a team."""
    return TeamForecast(tuple(forecast(baseline, p, **options) for p in payees))


def _measured(credited: Credited, payee: str, measure: str, first: dt.date,
              last: dt.date) -> Decimal:
    return sum((c.amount for c in credited.credits if c.payee == payee
                and c.measure == measure and first <= c.date <= last), _ZERO)


def _quota(baseline: Baseline, payee: str, measure: str) -> Decimal | None:
    label = str(baseline.period)
    found = [q.amount for q in baseline.quotas
             if (q.payee, q.measure, q.period) == (payee, measure, label)]
    return found[0] if found else None


_Outcomes = Callable[[Sequence[Record]], ForecastOutcome]


def _run_rate(baseline: Baseline, mine: Credited, payee: str, measure: str, pace: Pace,
              outcome: _Outcomes) -> Projection:
    period = baseline.period
    factor = _ZERO if pace.elapsed == 0 else _DIV(pace.remaining, pace.elapsed)
    ids = {c.record for c in mine.credits if c.payee == payee and c.measure == measure
           and c.date >= period.start}
    if factor and ids and not baseline.records:
        raise DefinitionError([Problem("baseline", "a run rate projects the payee's records, "
                                       "and this baseline keeps none: make it with "
                                       "Baseline.of")])
    extra = [attrs.evolve(record, id=f"{record.id}~run-rate", date=period.last_day,
                          amount=_MUL(record.amount, factor))
             for record in (baseline.given(sorted(ids)) if factor else ())
             if record.amount is not None and "reverses" not in record.attributes]
    expected = outcome(extra)
    unit = _unit(pace.basis)
    text = (f"run rate: {money(pace.actual)} in {pace.elapsed} of {pace.total} {unit} → "
            f"{measure} {money(expected.measure)}")
    if expected.attainment is not None:
        text += f" ({pct(_short(expected.attainment))} of quota)"
    text += f", earning {money(expected.earned)}"
    inputs = {"actual": str(pace.actual), "elapsed": str(pace.elapsed),
              "total": str(pace.total), "basis": pace.basis.value,
              "factor": str(factor), "records": str(len(extra))}
    return Projection(ForecastMethod.RUN_RATE, inputs, expected, text=text)


def _probability(record: Record, stages: Mapping[str, object] | None) -> Decimal:
    value = record.attributes.get("probability")
    if value is None and stages is not None and "stage" in record.attributes:
        stage = record.attributes["stage"]
        if stage not in stages:
            raise DataError(record.id, "stage", f"no probability for the stage {stage!r}; "
                            f"known: {', '.join(sorted(map(str, stages)))}")
        value = stages[str(stage)]
    if value is None:
        raise DataError(record.id, "probability", "an open deal needs a probability, or a "
                        "stage with a stage → probability table")
    p = to_decimal(value, path="probability")
    if not _ZERO <= p <= _ONE:
        raise DataError(record.id, "probability", f"must be from 0 to 1, got {p}")
    return p


def _pipeline(baseline: Baseline, payee: str,
              pipeline: Iterable[Record | Mapping[str, object]],
              stages: Mapping[str, object] | None, commit: Decimal,
              outcome: _Outcomes) -> Projection:
    as_of, period = baseline.as_of, baseline.period
    assert as_of is not None
    deals: list[tuple[Record, Decimal]] = []
    skipped = []
    for given in pipeline:
        record = as_record(given)
        p = _probability(record, stages)
        if record.date <= as_of:
            skipped.append((record.id, (f"expected to close on {record.date}, not after "
                                       f"{as_of}")))
        elif record.date >= period.end:
            skipped.append((record.id, f"expected to close on {record.date}, after {period}"))
        elif record.amount is not None:
            deals.append((record, p))
    # The payee's deals: those credited to them (their own, or a team's through a roll-up).
    theirs = {c.record for c in baseline.credit([r for r, _ in deals]).credits
              if c.payee == payee}
    deals = [(r, p) for r, p in deals if r.id in theirs]

    def weighted(kept: Iterable[tuple[Record, Decimal]]) -> list[Record]:
        return [attrs.evolve(r, amount=_MUL(r.amount or _ZERO, p)) for r, p in kept]

    expected = outcome(weighted(deals))
    low = outcome(weighted((r, p) for r, p in deals if p >= commit))
    high = outcome([r for r, p in deals if p > 0])
    deals_text = "1 open deal" if len(deals) == 1 else f"{len(deals)} open deals"
    text = (f"weighted pipeline of {deals_text}: low {money(low.measure)} "
            f"(earning {money(low.earned)}), expected {money(expected.measure)} (earning "
            f"{money(expected.earned)}), high {money(high.measure)} (earning "
            f"{money(high.earned)})")
    open_total = sum((r.amount or _ZERO for r, _ in deals), _ZERO)
    weighted_total = sum((_MUL(r.amount or _ZERO, p) for r, p in deals), _ZERO)
    inputs = {"open_deals": str(len(deals)), "open_amount": str(open_total),
              "weighted_amount": str(weighted_total), "commit": str(commit),
              "after": as_of.isoformat(), "through": period.last_day.isoformat()}
    return Projection(ForecastMethod.WEIGHTED_PIPELINE, inputs, expected, low, high, text,
                      tuple(skipped))
