"""salesperf.plot (issue 15): each chart's data, read back from the Axes (Agg, no pixels).

The payout curve's plan pays 10 % of revenue up to the quota of 100,000 and 15 % above,
capped at 20,000 a quarter: 50 % attainment pays 5,000, 100 % pays 10,000, 150 % pays
10,000 + 50,000 × 15 % = 17,500, and from 166.67 % on the cap holds it at 20,000.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import matplotlib
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

import salesperf as sp
import salesperf.plot as spp
from worked_results import evaluation, performance

matplotlib.use("Agg")
D = Decimal
CAPPED = sp.compile_plan(sp.Plan("ae", [sp.Commission("c", sp.RateTable(
    [sp.Tier(0, "0.10"), sp.Tier(1, "0.15")], basis=sp.BoundBasis.ATTAINMENT),
    cap=sp.Cap(per_period=20_000))]))


def axes() -> Axes:
    return Figure().subplots()


def xs(line: Line2D) -> list[float]:
    return [float(v) for v in np.asarray(line.get_xdata())]


def ys(line: Line2D) -> list[float]:
    return [float(v) for v in np.asarray(line.get_ydata())]


def bars(ax: Axes) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def legend(ax: Axes) -> list[str]:
    shown = ax.get_legend()
    assert shown is not None
    return [t.get_text() for t in shown.get_texts()]


class TestPayoutCurve:
    def test_a_cap_of_three_times_the_pay_at_quota_is_marked_and_other_quotas_are_given(
            self) -> None:
        """The plan of the example notebook's kind: capped at 3 × what 100 % pays (10,000 →
        30,000), gated on another measure whose quota the curve needs (the notebook could
        not draw such a plan before; found by the notebook's author)."""
        plan = sp.compile_plan(sp.Plan("ae", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.10"), sp.Tier(1, "0.15")], basis=sp.BoundBasis.ATTAINMENT),
            cap=sp.Cap(earnings_at_attainment=1, multiple=3),
            gate=sp.Gate("0.5", measure="margin"))],
            credit_rules=[sp.CreditRule("all"), sp.CreditRule("m", measure="margin")]))
        margin = [sp.Quota("payee", "margin", "2026-Q1", 100_000)]
        with pytest.raises(sp.DataError, match="no quota for payee 'payee', measure 'margin'"):
            spp.payout_points(plan, 100_000, ["1"], period="2026-Q1")
        ax = spp.payout_curve(plan, 100_000, ax=axes(), period="2026-Q1",
                              attainments=["1", "2", "3"], quotas=margin)
        assert "cap of c: 30,000.00" in legend(ax)
        (cap,) = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
        assert ys(cap) == [30_000.0, 30_000.0]
        assert spp.payout_points(plan, 100_000, ["3"], period="2026-Q1", quotas=margin) == [
            (D(3), D("30000.00"))]

    def test_points_are_what_the_plan_pays_at_each_attainment(self) -> None:
        points = spp.payout_points(CAPPED, 100_000, ["0", "0.5", "1", "1.5", "2"],
                                   period="2026-Q1")
        assert points == [(D(0), D("0.00")), (D("0.5"), D("5000.00")), (D(1), D("10000.00")),
                          (D("1.5"), D("17500.00")), (D(2), D("20000.00"))]

    def test_the_line_tiers_and_caps_are_drawn(self) -> None:
        ax = spp.payout_curve(CAPPED, 100_000, ax=axes(), period="2026-Q1",
                              attainments=["0", "0.5", "1", "1.5", "2"])
        curve, tier = ax.get_lines()[:2]
        assert xs(curve) == [0.0, 0.5, 1.0, 1.5, 2.0]
        assert ys(curve) == [0.0, 5000.0, 10000.0, 17500.0, 20000.0]
        assert xs(tier) == [1.0, 1.0]  # a vertical line where 15 % starts
        cap = ax.get_lines()[2]
        assert ys(cap) == [20000.0, 20000.0]
        assert legend(ax) == [
            "payout", "tier from 100 %", "cap of c: 20,000"]
        assert ax.get_ylabel() == "payout (USD)"

    def test_amount_tiers_are_marked_at_their_attainment_and_incentive_caps_drawn(self) -> None:
        plan = sp.compile_plan(sp.Plan("se", [
            sp.Commission("c", sp.RateTable([sp.Tier(0, "0.05"), sp.Tier(80_000, "0.08")])),
            sp.TargetBonus("b", sp.Curve([(0, 0), (1, 1)], extrapolate=True),
                           cap=sp.Cap(target_incentive_multiple=2))],
            effective_from=dt.date(2026, 1, 1)))
        ax = spp.payout_curve(plan, 100_000, ax=axes(), target_incentive=1000,
                              attainments=["0.5", "1", "3"])
        assert xs(ax.get_lines()[1]) == [0.8, 0.8]
        assert legend(ax) == [
            "payout", "tier from 80 %", "cap of b: 2,000"]
        # 300 %: 80,000 × 5 % + 220,000 × 8 % = 21,600, and the bonus capped at 2 × 1,000.
        assert ys(ax.get_lines()[0])[-1] == 23600.0

    def test_a_plan_without_a_start_needs_a_period(self) -> None:
        with pytest.raises(sp.DefinitionError, match="give the period"):
            spp.payout_points(CAPPED, 100_000)


class TestTeamCharts:
    def test_attainment_distribution_counts_payees_per_bin(self) -> None:
        ax = spp.attainment_distribution({"ana": D("0.45"), "ben": D("0.95"), "cy": "1.05",
                                          "dee": D("1.1"), "eve": D("1.9")}, ax=axes(),
                                         bins=[0, 0.5, 1, 1.5, 2])
        assert [p.get_height() for p in bars(ax)] == [1, 1, 2, 1]
        assert ax.get_title() == "Attainment of 5 payees"
        assert xs(ax.get_lines()[0]) == [1.0, 1.0]

    def test_attainment_distribution_of_goal_results(self) -> None:
        ax = spp.attainment_distribution(performance().scorecards[0].goals, ax=axes(),
                                         bins=[0, 1, 2])
        assert [p.get_height() for p in bars(ax)] == [0, 1]

    def test_leaderboard_best_first_from_a_report_an_evaluation_or_values(self) -> None:
        ax = spp.leaderboard(performance(), ax=axes())
        assert [t.get_text() for t in ax.get_yticklabels()] == ["ana", "ben"]
        ax = spp.leaderboard(evaluation(), ax=axes())
        assert [p.get_width() for p in bars(ax)] == [14500.0, 500.0]
        assert ax.get_xlabel() == "payable, 2026-Q1"
        ax = spp.leaderboard({"a": 1, "b": 3, "c": 2}, ax=axes(), top=2)
        assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "c"]
        assert ax.get_title() == "Top 2 of 3"
        ranked = sp.rank({"a": D(1), "b": D(3)})
        ax = spp.leaderboard(ranked, ax=axes())
        assert [p.get_width() for p in bars(ax)] == [3.0, 1.0]


class TestWaterfall:
    def test_components_take_backs_true_up_and_what_is_paid(self) -> None:
        """Q2 of a commission of 10 %: Q1 paid 10,000 on a 100,000 deal; in Q2 a 20,000 deal
        earns 2,000 and a refund of -5,000 takes back 500. Earned 1,500, payable 1,500."""
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.10")]), window=sp.Window.YEAR_TO_DATE)]))
        deals = [{"id": "A", "date": "2026-02-01", "payee": "ana", "amount": "100000"},
                 {"id": "B", "date": "2026-05-01", "payee": "ana", "amount": "20000"},
                 {"id": "C", "date": "2026-05-02", "payee": "ana", "amount": "-5000"}]
        st = plan.evaluate(deals, "2026-Q2", payees=[sp.Payee("ana")],
                           paid={("ana", "2026-Q1"): "9000"}).statement("ana")
        assert spp.waterfall_steps(st) == [("c", D("2000.00")), ("c: taken back", D("-500.00")),
                                           ("true-up", D("1000.00"))]
        ax = spp.statement_waterfall(st, ax=axes())
        assert [p.get_height() for p in bars(ax)] == [2000.0, -500.0, 1000.0, 2500.0]
        assert [p.get_y() for p in bars(ax)] == [0.0, 2000.0, 1500.0, 0.0]
        assert [t.get_text() for t in ax.get_xticklabels()] == [
            "c", "c: taken back", "true-up", "paid"]

    def test_a_draw_tops_up_then_is_recovered_and_a_negative_payable_carried(self) -> None:
        """A recoverable draw of 3,000 a quarter and 10 %: Q1 earns 1,000, the draw tops it
        up by 2,000 (owed); Q2 earns 6,000 and 2,000 of it is recovered: paid 4,000; Q3's
        refund earns -500, carried as a balance, and the draw tops the -500 up to 3,000."""
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.10")]))]))
        deals = [{"id": "A", "date": "2026-02-01", "payee": "ana", "amount": "10000"},
                 {"id": "B", "date": "2026-05-01", "payee": "ana", "amount": "60000"},
                 {"id": "C", "date": "2026-08-01", "payee": "ana", "amount": "-5000"}]
        draws = [sp.Draw("ana", q, 3000) for q in ("2026-Q1", "2026-Q2", "2026-Q3")]
        ev = plan.evaluate(deals, "2026-Q3", payees=[sp.Payee("ana")], draws=draws)
        q1, q2, q3 = (*ev.earlier, *ev.statements)
        assert spp.waterfall_steps(q1) == [("c", D("1000.00")), ("draw top-up", D("2000.00"))]
        assert spp.waterfall_steps(q2) == [("c", D("6000.00")), ("recovered", D("-2000.00"))]
        steps = spp.waterfall_steps(q3)
        assert steps[:2] == [("c", D("0")), ("c: taken back", D("-500.00"))]
        for st in (q1, q2, q3):  # the steps always end at what is paid
            assert sum(v for _, v in spp.waterfall_steps(st)) == st.paid
            ax = spp.statement_waterfall(st, ax=axes())
            assert bars(ax)[-1].get_height() == float(st.paid)


def test_without_axes_a_chart_draws_on_a_new_figure() -> None:
    import matplotlib.pyplot as plt

    ax = spp.leaderboard({"a": 1})
    try:
        assert isinstance(ax, Axes)
        assert [p.get_width() for p in bars(ax)] == [1.0]
    finally:
        plt.close("all")
