"""Charts with matplotlib: a plan's payout curve, a team's attainment, a leaderboard and a
statement's waterfall.

Needs the extra: ``pip install 'salesperf[plot]'``. Each function draws on the `Axes` it is
given (or on a new figure's) and returns it, so a notebook shows it and a host can style or
save it. Amounts are drawn as floats — a picture, never money to compute with.

    >>> import matplotlib
    >>> matplotlib.use("Agg")  # no display needed (a notebook has its own backend)
    >>> from matplotlib.figure import Figure
    >>> import salesperf as sp
    >>> import salesperf.plot as spp
    >>> plan = sp.compile_plan(sp.Plan("ae", [sp.Commission("c", sp.RateTable(
    ...     [sp.Tier(0, "0.10"), sp.Tier(1, "0.15")], basis=sp.BoundBasis.ATTAINMENT),
    ...     cap=sp.Cap(per_period=20_000))]))
    >>> ax = spp.payout_curve(plan, 100_000, ax=Figure().subplots(), period="2026-Q1")
    >>> ax.get_title(), ax.get_xlabel()
    ('ae: payout against attainment (quota 100,000)', 'attainment')
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['payout', 'tier from 100 %', 'cap of c: 20,000']
"""

from __future__ import annotations

try:
    from matplotlib.axes import Axes
    from matplotlib.ticker import PercentFormatter
except ImportError as err:  # pragma: no cover - the tests run with the extra installed
    raise ImportError("salesperf.plot needs matplotlib: pip install 'salesperf[plot]'"
                      ) from err

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

from salesperf._ahead import PayoutCurve
from salesperf._ahead import payout_curve as payout_curve_of
from salesperf._engine import CompiledPlan, Evaluation, Quota, Statement
from salesperf._errors import DefinitionError, Problem
from salesperf._goals import GoalResult, PerformanceReport
from salesperf._money import to_decimal
from salesperf._periods import Period
from salesperf._plans import BoundBasis, Commission, TargetBonus
from salesperf._scoring import Ranked

__all__ = ["DEFAULT_ATTAINMENTS", "attainment_distribution", "leaderboard", "payout_curve",
           "payout_points", "statement_waterfall", "waterfall_steps"]

#: Attainment points of a payout curve by default: 0 % to 200 % in steps of 2 %.
DEFAULT_ATTAINMENTS = tuple(Decimal(k) / 50 for k in range(101))


def _axes(ax: Axes | None) -> Axes:
    """The axes given, or a new figure's through pyplot (so that a notebook shows it)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # only now: pyplot picks a backend when imported

    _, new = plt.subplots()
    return new


def _period_of(plan: CompiledPlan, period: Period | str | None) -> Period:
    p = plan.plan
    if isinstance(period, Period):
        return period
    if isinstance(period, str):
        return p.calendar.parse(period)
    if p.effective_from is None:
        raise DefinitionError([Problem("period", "the plan has no effective_from date: give "
                                       "the period to draw the curve for, e.g. '2026-Q1'")])
    return p.calendar.period(p.frequency, p.effective_from)


def payout_points(plan: CompiledPlan, quota: object,
                  attainments: Iterable[object] = DEFAULT_ATTAINMENTS, *,
                  period: Period | str | None = None, measure: str | None = None,
                  target_incentive: object = None,
                  attributes: Mapping[str, object] | None = None, breakpoints: bool = False,
                  quotas: Sequence[Quota] = (),
                  ) -> list[tuple[Decimal, Decimal]]:
    """What the plan pays for each attainment of `quota` in one period: (attainment, earned),
    in order of attainment.

    The points are `salesperf.payout_curve`'s: each an evaluation of one record worth
    attainment × quota (with `attributes`, for plans whose crediting rules or SPIFFs read
    them) through `CompiledPlan.evaluate` — exact, caps, gates and floors included — and,
    with `breakpoints`, the plan's own attainments where pay changes slope too. `period`
    defaults to the period holding the plan's ``effective_from``; `measure` to the plan's
    first; `quotas` gives other measures' quotas (a gate's, a KPI bonus's) for the payee
    ``"payee"``.
    """
    curve = _curve(plan, quota, attainments, period=period, measure=measure,
                   target_incentive=target_incentive, attributes=attributes,
                   breakpoints=breakpoints, quotas=quotas)
    return [(p.attainment, p.earned) for p in curve.points]


def _curve(plan: CompiledPlan, quota: object, attainments: Iterable[object], *,
           period: Period | str | None, measure: str | None, target_incentive: object,
           attributes: Mapping[str, object] | None, breakpoints: bool,
           quotas: Sequence[Quota]) -> PayoutCurve:
    return payout_curve_of(plan, _period_of(plan, period), quota=quota,
                           target_incentive=target_incentive, measure=measure,
                           attainments=attainments, breakpoints=breakpoints,
                           record=attributes, quotas=quotas)


def _marks(plan: CompiledPlan, quota: Decimal, incentive: Decimal | None,
           earned_at: Callable[[str, Decimal], Decimal],
           ) -> tuple[list[tuple[Decimal, str]], list[tuple[Decimal, str]]]:
    """Where tiers start (attainment) and where caps stop earnings (amount), with labels;
    `earned_at(component, attainment)` reads what a component pays at an attainment, for a
    cap set as a multiple of it."""
    tiers: list[tuple[Decimal, str]] = []
    caps: list[tuple[Decimal, str]] = []
    for c in plan.plan.components:
        if isinstance(c, Commission):
            for tier in c.rates.tiers[1:]:
                at = tier.lower if c.rates.basis is BoundBasis.ATTAINMENT else tier.lower / quota
                tiers.append((at, f"tier from {(at * 100).normalize():f} %"))
        if isinstance(c, Commission | TargetBonus) and c.cap is not None:
            if c.cap.per_period is not None:
                caps.append((c.cap.per_period, f"cap of {c.id}: {c.cap.per_period:,}"))
            if c.cap.target_incentive_multiple is not None and incentive is not None:
                level = c.cap.target_incentive_multiple * incentive
                caps.append((level, f"cap of {c.id}: {level:,}"))
            if c.cap.earnings_at_attainment is not None:
                level = c.cap.multiple * earned_at(c.id, c.cap.earnings_at_attainment)
                caps.append((level, f"cap of {c.id}: {level:,}"))
    return sorted(set(tiers)), caps


def payout_curve(plan: CompiledPlan, quota: object, *, ax: Axes | None = None,
                 attainments: Iterable[object] = DEFAULT_ATTAINMENTS,
                 period: Period | str | None = None, measure: str | None = None,
                 target_incentive: object = None,
                 attributes: Mapping[str, object] | None = None,
                 quotas: Sequence[Quota] = ()) -> Axes:
    """The plan's payout against attainment of `quota` (`payout_points`, with the plan's
    breakpoints, so that every kink is drawn where it is), with a dashed
    vertical line where each commission tier starts and a dotted horizontal line at each
    cap (per period, a multiple of `target_incentive`, or a multiple of what a component
    pays at an attainment). `quotas` gives other measures' quotas, as for `payout_points`."""
    amount = to_decimal(quota, path="quota")
    incentive = None if target_incentive is None else to_decimal(target_incentive,
                                                                 path="target_incentive")

    def curve(at: Iterable[object], breakpoints: bool) -> PayoutCurve:
        return _curve(plan, amount, at, period=period, measure=measure,
                      target_incentive=incentive, attributes=attributes,
                      breakpoints=breakpoints, quotas=quotas)

    def earned_at(component: str, attainment: Decimal) -> Decimal:
        (point,) = curve([attainment], False).points
        return dict(point.components)[component]

    points = [(p.attainment, p.earned) for p in curve(attainments, True).points]
    tiers, caps = _marks(plan, amount, incentive, earned_at)
    ax = _axes(ax)
    ax.plot([float(a) for a, _ in points], [float(p) for _, p in points], label="payout")
    for at, text in tiers:
        ax.axvline(float(at), linestyle="--", color="grey", linewidth=0.8, label=text)
    for level, text in caps:
        ax.axhline(float(level), linestyle=":", color="firebrick", linewidth=1, label=text)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("attainment")
    ax.set_ylabel(f"payout ({plan.currency.code})")
    ax.set_title(f"{plan.plan.id}: payout against attainment (quota {amount:,})")
    ax.legend()
    return ax


def attainment_distribution(attainments: Mapping[str, object] | Iterable[GoalResult], *,
                            ax: Axes | None = None, bins: Sequence[float] | int = 10,
                            ) -> Axes:
    """A histogram of a team's attainments (by payee, or goal results' attainments; those
    without one are left out), with a line at 100 %."""
    if isinstance(attainments, Mapping):
        values = [float(to_decimal(v, path=f"attainments[{k!r}]"))
                  for k, v in attainments.items()]
    else:
        values = [float(g.attainment) for g in attainments if g.attainment is not None]
    ax = _axes(ax)
    ax.hist(values, bins=bins, color="steelblue", edgecolor="white")
    ax.axvline(1.0, color="black", linewidth=1, label="100 %")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("attainment")
    ax.set_ylabel("payees")
    ax.set_title(f"Attainment of {len(values)} payees")
    return ax


def leaderboard(entries: PerformanceReport | Evaluation | Iterable[Ranked]
                | Mapping[str, object], *, ax: Axes | None = None, top: int = 20,
                label: str | None = None) -> Axes:
    """The best `top` as horizontal bars, best at the top: a report's leaderboard (scores),
    an evaluation's statements (payable), ranked entries, or values by id (higher first)."""
    if isinstance(entries, PerformanceReport):
        pairs = [(r.id, r.value) for r in entries.leaderboard]
        label = label or "score"
    elif isinstance(entries, Evaluation):
        pairs = sorted(((s.payee, s.payable) for s in entries.statements),
                       key=lambda pair: (-pair[1], pair[0]))
        label = label or f"payable, {entries.period}"
    elif isinstance(entries, Mapping):
        pairs = sorted(((str(k), to_decimal(v, path=f"entries[{k!r}]"))
                        for k, v in entries.items()), key=lambda pair: (-pair[1], pair[0]))
    else:
        pairs = [(r.id, r.value) for r in sorted(entries, key=lambda r: (r.rank, r.id))]
    shown = pairs[:top]
    ax = _axes(ax)
    ax.barh([name for name, _ in shown], [float(v) for _, v in shown], color="seagreen")
    ax.invert_yaxis()  # the best first, at the top
    ax.set_xlabel(label or "value")
    ax.set_title(f"Top {len(shown)} of {len(pairs)}")
    return ax


def waterfall_steps(statement: Statement) -> list[tuple[str, Decimal]]:
    """A statement's steps from nothing to what is paid: each component's earnings, what
    its reversals and refunds took back, the year-to-date true-up (earlier periods' pay and
    holdbacks), a draw's top-up, what was recovered, and what was carried as a balance."""
    steps: list[tuple[str, Decimal]] = []
    for total in statement.components:
        lines = [line.amount for line in statement.lines if line.component == total.component]
        back = sum((a for a in lines if a < 0), Decimal(0))
        steps.append((total.component, total.earned - back))
        if back:
            steps.append((f"{total.component}: taken back", back))
    true_up = statement.payable - statement.earned
    for name, value in (("true-up", true_up), ("draw top-up", statement.top_up),
                        ("recovered", -statement.recovered)):
        if value:
            steps.append((name, value))
    carried = statement.paid - (statement.payable + statement.top_up - statement.recovered)
    if carried:
        steps.append(("carried as balance", carried))
    return steps


def statement_waterfall(statement: Statement, *, ax: Axes | None = None) -> Axes:
    """The statement as a waterfall (`waterfall_steps`): a floating bar per step, green up
    and red down, then a bar for what is paid."""
    steps = waterfall_steps(statement)
    bottoms, heights, colours = [], [], []
    running = Decimal(0)
    for _, value in steps:
        bottoms.append(float(running))
        heights.append(float(value))
        colours.append("seagreen" if value >= 0 else "firebrick")
        running += value
    names = [name for name, _ in steps] + ["paid"]
    ax = _axes(ax)
    ax.bar(names, [*heights, float(statement.paid)], bottom=[*bottoms, 0.0],
           color=[*colours, "steelblue"])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel(statement.currency)
    ax.set_title(f"{statement.payee}, {statement.period}: from earnings to pay")
    ax.tick_params(axis="x", labelrotation=30)
    return ax
