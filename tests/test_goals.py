"""Goals, SMART checks, target splits, team targets and roll-ups, scorecards, evaluation.

Issue 3. The worked examples state their arithmetic in the docstring: a 60/40 weighted
scorecard, a seasonal split with a kept sub-target and cumulative rounding, and a team roll-up
along a hierarchy with a mid-period reporting change.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import salesperf as sp
import salesperf.metrics as m

D = Decimal
CAL = sp.CalendarYear()
Q1 = CAL.parse("2026-Q1")
YEAR = CAL.parse("2026")
LOWER = sp.Direction.LOWER_IS_BETTER
REVENUE = m.revenue()
WIN_RATE = m.win_rate()
CSAT = m.customer_satisfaction()


def deal(rid: str, date: str, payee: str, status: str, amount: str) -> dict[str, object]:
    """A deal as a host sends it: a plain mapping."""
    return {"id": rid, "date": date, "payee": payee, "status": status, "amount": amount,
            "currency": "USD"}


#: Ana: won 70,000 + 50,000 = 120,000; lost 3; one open. Win rate 2 / 5 = 0.4.
#: Ben: won 90,000 in one deal, nothing lost. Win rate 1 / 1 = 1.
DEALS = [
    deal("A-1", "2026-01-14", "ana", "won", "70000"),
    deal("A-2", "2026-02-09", "ana", "won", "50000"),
    deal("A-3", "2026-02-20", "ana", "lost", "15000"),
    deal("A-4", "2026-03-05", "ana", "lost", "25000"),
    deal("A-5", "2026-03-30", "ana", "lost", "5000"),
    deal("A-6", "2026-03-12", "ana", "open", "40000"),
    deal("B-1", "2026-02-11", "ben", "won", "90000"),
    deal("B-0", "2025-12-30", "ben", "won", "99000"),  # the quarter before: never counts
]


def goal(goal_id: str, metric: sp.Metric, target: object, owner: str = "ana",
         weight: object = 1, **kwargs: object) -> sp.Goal:
    return sp.Goal(goal_id, metric, target, Q1, owner, weight=weight,
                   **kwargs)  # type: ignore[arg-type]


def sixty_forty(owner: str, **kwargs: object) -> sp.Scorecard:
    return sp.Scorecard(f"{owner}-q1", [
        goal("revenue", REVENUE, 100_000, owner, "0.6"),
        goal("win rate", WIN_RATE, "0.5", owner, "0.4"),
    ], **kwargs)  # type: ignore[arg-type]


class TestGoal:
    def test_targets_and_weights_become_exact_decimals(self) -> None:
        g = goal("revenue", REVENUE, "100000.00", weight="0.6")
        assert (g.target, g.weight) == (D("100000.00"), D("0.6"))
        assert g.owner_kind is sp.OwnerKind.PAYEE
        assert g.direction is sp.Direction.HIGHER_IS_BETTER

    def test_a_float_target_is_refused(self) -> None:
        with pytest.raises(sp.DefinitionError, match=r"target: .*float"):
            goal("revenue", REVENUE, 1e5)


class TestCheckGoal:
    def test_a_well_formed_goal_without_history_has_no_findings(self) -> None:
        assert sp.check_goal(goal("revenue", REVENUE, 100_000)) == []

    def test_errors_name_everything_missing_or_malformed(self) -> None:
        bad = sp.Goal("", sp.Measure("", where=sp.Eq("status", 0.5)), -5, Q1, "", weight=0)
        assert [str(f) for f in sp.check_goal(bad, path="goals[2]")] == [
            "error: goals[2].metric.name: must be a non-empty text",
            ("error: goals[2].metric.where.value: must not be a float, got 0.5; use "
             "Decimal('0.5') or an int"),
            "error: goals[2].id: every goal needs an id",
            "error: goals[2].owner: every goal needs an owner (a payee or a team)",
            "error: goals[2].target: must not be negative, got -5",
            "error: goals[2].weight: must be above 0 and at most 1 (100 %), got 0",
        ]
        assert {f.severity for f in sp.check_goal(bad)} == {sp.Severity.ERROR}

    @pytest.mark.parametrize("weight", ["0", "-0.1", "1.01"])
    def test_a_weight_must_be_a_share_of_a_scorecard(self, weight: str) -> None:
        [finding] = sp.check_goal(goal("revenue", REVENUE, 1, weight=weight))
        assert finding.path == "goal.weight"

    def test_nested_metric_problems_carry_their_path(self) -> None:
        broken = sp.Ratio("r", sp.Measure("n", where=sp.Compare("amount", "!", 1)),
                          sp.Growth("g", sp.Measure("")))
        assert [f.path for f in sp.check_goal(goal("r", broken, 1))] == [
            "goal.metric.numerator.where.op", "goal.metric.denominator.metric.name",
        ]

    @pytest.mark.parametrize(
        ("target", "history", "direction", "warning"),
        [
            (300_000, ["100000", "140000"], sp.Direction.HIGHER_IS_BETTER,
             ("300000 is 2.5× the trailing average of 120000 over 2 periods; doubtful "
              "achievability")),
            (1_000_000, ["100000"], sp.Direction.HIGHER_IS_BETTER,
             ("1000000 is 10× the trailing average of 100000 over 1 periods; doubtful "
              "achievability")),
            (100_000, ["120000", "130000"], sp.Direction.HIGHER_IS_BETTER,
             ("100000 is already beaten on average (the trailing average of 125000 over 2 "
              "periods); it does not stretch")),
            (50_000, ["0", "0"], sp.Direction.HIGHER_IS_BETTER,
             "50000 has no track record: the trailing average of 0 over 2 periods"),
            # Lower is better (days to close): a target far below history is the stretch.
            (60, ["100"], LOWER,
             "60 is 0.6× the trailing average of 100 over 1 periods; doubtful achievability"),
            (120, ["100"], LOWER,
             ("120 is already beaten on average (the trailing average of 100 over 1 "
              "periods); it does not stretch")),
        ],
    )
    def test_history_warns_of_doubtful_or_slack_targets(
        self, target: int, history: list[str], direction: sp.Direction, warning: str,
    ) -> None:
        g = goal("g", REVENUE, target, direction=direction)
        findings = sp.check_goal(g, [D(h) for h in history])
        assert [(f.severity, f.path, f.message) for f in findings] == [
            (sp.Severity.WARNING, "goal.target", warning),
        ]

    @pytest.mark.parametrize(
        ("target", "history", "direction"),
        [(150, ["100"], sp.Direction.HIGHER_IS_BETTER),  # exactly 1.5×: a stretch, not doubt
         (100, ["100"], sp.Direction.HIGHER_IS_BETTER),
         (80, ["100"], LOWER), (0, ["100"], sp.Direction.HIGHER_IS_BETTER),
         (50, ["0"], LOWER)],
    )
    def test_a_target_within_reach_of_history_has_no_warning(
        self, target: int, history: list[str], direction: sp.Direction,
    ) -> None:
        g = goal("g", REVENUE, target, direction=direction)
        assert sp.check_goal(g, [D(h) for h in history]) == []


class TestSplitTarget:
    def test_worked_example_a_seasonal_split_keeping_a_sub_target_set_earlier(self) -> None:
        """Annual 100,000.00 USD; seasonal weights Q1 10 %, Q2–Q4 30 % each; Q1 already 20,000.

        Q1 keeps its 20,000.00. The rest, 100,000 − 20,000 = 80,000, is spread over Q2–Q4 in
        proportion to their weights, 0.3 / 0.9 each: 26,666.666… per quarter.

        Rounded cumulatively to cents: cumulative 26,666.67 → Q2 26,666.67; cumulative
        53,333.33 → Q3 53,333.33 − 26,666.67 = 26,666.66; cumulative 80,000.00 → Q4 26,666.67.
        Total: 20,000.00 + 26,666.67 + 26,666.66 + 26,666.67 = 100,000.00.
        """
        seasonal = {"2026-Q1": "0.1", "2026-Q2": "0.3", "2026-Q3": "0.3", "2026-Q4": "0.3"}
        split = sp.split_target("100000.00", YEAR, sp.Grain.QUARTER, seasonal,
                                fixed={"2026-Q1": "20000.00"}, currency=sp.currency("USD"))
        assert {str(p): v for p, v in split.items()} == {
            "2026-Q1": D("20000.00"), "2026-Q2": D("26666.67"), "2026-Q3": D("26666.66"),
            "2026-Q4": D("26666.67"),
        }
        assert sum(split.values()) == D("100000.00")
        assert list(split) == YEAR.subperiods(sp.Grain.QUARTER)

    def test_an_even_split_into_months_rounds_cumulatively(self) -> None:
        """1,000,000 / 12 = 83,333.333…: cumulative rounding gives 83,333.33, .34, .33, …"""
        split = sp.split_target(1_000_000, YEAR, sp.Grain.MONTH, currency=sp.currency("USD"))
        assert [str(v) for v in split.values()] == ["83333.33", "83333.34", "83333.33"] * 4
        assert sum(split.values()) == 1_000_000

    def test_seasonal_weights_without_rounding(self) -> None:
        seasonal = {"2026-Q1": "0.2", "2026-Q2": "0.25", "2026-Q3": "0.25", "2026-Q4": "0.3"}
        split = sp.split_target(1_000_000, YEAR, sp.Grain.QUARTER, seasonal)
        assert [str(v) for v in split.values()] == ["200000", "250000", "250000", "300000"]

    def test_without_a_currency_the_parts_still_add_up_to_the_total_exactly(self) -> None:
        split = sp.split_target(100, Q1, sp.Grain.MONTH)
        parts = list(split.values())
        total = parts[0]
        for part in parts[1:]:
            total = total.fma(1, part)  # exact addition, whatever the context
        assert total == 100
        # Each part is the difference of cumulative thirds cut to 33 digits (33.33…, 66.66…7,
        # 100), so it is within one unit of the last digit of 100 / 3.
        assert [str(p) for p in parts] == ["33.333333333333333333333333333333",
                                           "33.333333333333333333333333333334",
                                           "33.333333333333333333333333333333"]

    def test_a_currency_without_minor_units_rounds_to_whole_units(self) -> None:
        split = sp.split_target(1000, Q1, sp.Grain.MONTH, currency=sp.currency("JPY"))
        assert [str(v) for v in split.values()] == ["333", "334", "333"]

    def test_zero_weights_with_everything_set_leave_nothing_to_spread(self) -> None:
        split = sp.split_target(300, Q1, sp.Grain.MONTH,
                                {"2026-01": 1, "2026-02": 0, "2026-03": 0},
                                fixed={"2026-01": 300})
        assert list(split.values()) == [300, 0, 0]

    @pytest.mark.parametrize(
        ("weights", "fixed", "problems"),
        [
            ({"2026-01": "0.3", "2026-02": "0.3", "2026-03": "0.3"}, None,
             ["weights: must total 1 (100 %), got 0.9"]),
            ({"2026-01": "0.5", "2026-02": "0.5"}, None, ["weights: no weight for 2026-03"]),
            ({"2026-01": "1.2", "2026-02": "-0.2", "2026-03": "0"}, None,
             ["weights['2026-02']: must not be negative, got -0.2"]),
            ({"2026-01": "0.5", "2026-02": "0.5", "2026-03": "0", "2026-04": "0"}, None,
             [("weights['2026-04']: is not a month of 2026-Q1; expected one of 2026-01, "
               "2026-02, 2026-03")]),
            (None, {"2026-Q2": 5}, [("fixed['2026-Q2']: is not a month of 2026-Q1; expected "
                                     "one of 2026-01, 2026-02, 2026-03")]),
            (None, {"2026-01": 700, "2026-02": 400},
             ["fixed: sub-targets already set (1100) exceed the total 1000"]),
            (None, {"2026-01": 300, "2026-02": 300, "2026-03": 300},
             [("fixed: every sub-period is set and they total 900, not 1000; leave one open "
               "or correct them")]),
            ({"2026-01": 1, "2026-02": 0, "2026-03": 0}, {"2026-01": 400},
             [("weights: the sub-periods left to fill have no weight, so the rest of the "
               "total has nowhere to go")]),
        ],
    )
    def test_a_split_that_cannot_add_up_is_a_definition_error(
        self, weights: dict[str, object] | None, fixed: dict[str, object] | None,
        problems: list[str],
    ) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.split_target(1000, Q1, sp.Grain.MONTH, weights, fixed=fixed)
        assert [str(p) for p in err.value.problems] == problems

    def test_a_coarser_grain_cannot_split_a_period(self) -> None:
        with pytest.raises(sp.DefinitionError, match=r"cannot cut a quarter period into year"):
            sp.split_target(1000, Q1, sp.Grain.YEAR)


def sales_org() -> sp.Hierarchy:
    """vic runs sales; mia leads west (ana, ben); noah leads east (cy). Ben moves on Feb 15."""
    return sp.Hierarchy.of(
        [
            sp.Payee("vic"),
            sp.Payee("mia", manager="vic", team="west"),
            sp.Payee("noah", manager="vic", team="east"),
            sp.Payee("ana", manager="mia", team="west"),
            sp.Payee("ben", manager="mia", team="west"),
            sp.Payee("cy", manager="noah", team="east"),
        ],
        [sp.ReportingChange("ben", dt.date(2026, 2, 15), manager="noah", team="east")],
    )


TEAM_DEALS = [
    deal("W-1", "2026-01-10", "ana", "won", "40000"),
    deal("W-2", "2026-01-20", "ben", "won", "30000"),  # ben is still in west
    deal("E-1", "2026-02-02", "cy", "won", "25000"),
    deal("E-2", "2026-03-03", "ben", "won", "20000"),  # ben has moved to east
]


class TestTeamTargetsAndRollups:
    def test_worked_example_a_team_roll_up_with_a_mid_quarter_reporting_change(self) -> None:
        """Ben moves from mia's west team to noah's east team on 2026-02-15.

        Deals: ana 40,000 (Jan 10); ben 30,000 (Jan 20, west) and 20,000 (Mar 3, east);
        cy 25,000 (Feb 2). Payee actuals: ana 40,000, ben 50,000, cy 25,000.

        `rollup` sums payee totals along the hierarchy as it stands on the period's last day
        (Mar 31), so all of ben's 50,000 goes east: by team west = 40,000 and east = 50,000 +
        25,000 = 75,000; by manager mia = 40,000, noah = 75,000 and vic, above both,
        40,000 + 75,000 = 115,000.

        A team goal counts each deal for the team its payee was in on the deal's date: west =
        40,000 + 30,000 = 70,000 and east = 25,000 + 20,000 = 45,000. West's target is set
        explicitly at 100,000 (attainment 0.7); east's is the sum of its members' goals on
        Mar 31, ben 50,000 + cy 40,000 = 90,000 (attainment 45,000 / 90,000 = 0.5).
        """
        org = sales_org()
        members = {"ana": goal("rev", REVENUE, 60_000, "ana"),
                   "ben": goal("rev", REVENUE, 50_000, "ben"),
                   "cy": goal("rev", REVENUE, 40_000, "cy")}
        report = sp.evaluate_performance(TEAM_DEALS, goals=members.values())
        actuals = {g.owner: g.actual for g in report.goals if g.actual is not None}
        assert actuals == {"ana": 40_000, "ben": 50_000, "cy": 25_000}

        assert sp.rollup(actuals, org, Q1, sp.RollupBy.TEAM) == {"east": 75_000, "west": 40_000}
        assert sp.rollup(actuals, org, Q1) == {"mia": 40_000, "noah": 75_000, "vic": 115_000}

        east_members = org.members("east", Q1.last_day)
        assert east_members == ("ben", "cy", "noah")
        east_target = sp.team_target(members[p] for p in east_members if p in members)
        assert east_target == 90_000
        team_goals = [goal("team rev", REVENUE, 100_000, "west", owner_kind=sp.OwnerKind.TEAM),
                      goal("team rev", REVENUE, east_target, "east",
                           owner_kind=sp.OwnerKind.TEAM)]
        teams = sp.evaluate_performance(TEAM_DEALS, goals=team_goals, hierarchy=org)
        west, east = teams.goal("team rev", "west"), teams.goal("team rev", "east")
        assert (west.actual, west.attainment, west.records) == (D(70_000), D("0.7"),
                                                                ("W-1", "W-2"))
        assert (east.actual, east.attainment, east.records) == (D(45_000), D("0.5"),
                                                                ("E-1", "E-2"))

    def test_rollup_uses_the_hierarchy_on_the_last_day_of_the_period(self) -> None:
        january = CAL.parse("2026-01")
        assert sp.rollup({"ben": D(7)}, sales_org(), january, sp.RollupBy.TEAM) == {"west": 7}
        assert sp.rollup({"ben": D(7)}, sales_org(), Q1, sp.RollupBy.TEAM) == {"east": 7}

    def test_a_payee_without_a_team_rolls_up_to_no_team(self) -> None:
        assert sp.rollup({"vic": D(5)}, sales_org(), Q1, sp.RollupBy.TEAM) == {}

    def test_team_target_is_the_sum_of_member_targets(self) -> None:
        assert sp.team_target([goal("r", REVENUE, "100.50"), goal("r", REVENUE, 200)]) == D(
            "300.50")
        assert sp.team_target([]) == 0

    def test_a_team_goal_needs_the_hierarchy(self) -> None:
        team_goal = goal("team rev", REVENUE, 1, "west", owner_kind=sp.OwnerKind.TEAM)
        with pytest.raises(sp.DefinitionError, match=r"team goals .*west.* need the hierarchy"):
            sp.evaluate_performance(TEAM_DEALS, goals=[team_goal])


class TestScorecardDefinition:
    @pytest.mark.parametrize(
        ("weights", "total"), [(("0.6", "0.3"), "0.9"), (("0.6", "0.5"), "1.1")],
    )
    def test_weights_must_total_100_percent_and_the_error_names_card_and_total(
        self, weights: tuple[str, str], total: str,
    ) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.Scorecard("ana-q1", [goal("revenue", REVENUE, 1, weight=weights[0]),
                                    goal("win rate", WIN_RATE, 1, weight=weights[1])])
        assert [str(p) for p in err.value.problems] == [
            f"scorecard['ana-q1'].goals: weights must total 1 (100 %), got {total}",
        ]

    def test_every_weight_is_a_positive_share_even_when_they_total_100_percent(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.Scorecard("odd", [goal("a", REVENUE, 1, weight="1.2"),
                                 goal("b", WIN_RATE, 1, weight="-0.2")])
        assert [str(p) for p in err.value.problems] == [
            "scorecard['odd'].goals[0].weight: must be above 0 and at most 1, got 1.2",
            "scorecard['odd'].goals[1].weight: must be above 0 and at most 1, got -0.2",
        ]

    def test_goal_ids_are_unique_and_goals_share_one_owner_and_period(self) -> None:
        other = sp.Goal("revenue", REVENUE, 1, CAL.parse("2026-Q2"), "ben", weight="0.5")
        with pytest.raises(sp.DefinitionError) as err:
            sp.Scorecard("mixed", [goal("revenue", REVENUE, 1, weight="0.5"), other])
        assert [str(p) for p in err.value.problems] == [
            "scorecard['mixed'].goals[1].id: duplicate goal id 'revenue'",
            "scorecard['mixed'].goals: all goals must share one owner and one period",
        ]

    def test_a_scorecard_needs_a_goal(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.Scorecard("empty", [])
        assert [p.message for p in err.value.problems] == [
            "weights must total 1 (100 %), got 0", "needs at least one goal",
        ]


WORDS = sp.RatingScale([sp.RatingBand("below"), sp.RatingBand("meets", "0.9"),
                        sp.RatingBand("exceeds", "1.05")])


class TestScorecardScore:
    def test_worked_example_a_60_40_scorecard(self) -> None:
        """Ana: 60 % revenue against 100,000, 40 % win rate against 50 %.

        Revenue: won 70,000 + 50,000 = 120,000 → attainment 120,000 / 100,000 = 1.2.
        Win rate: 2 won of 5 closed (the open deal does not count) = 0.4 → 0.4 / 0.5 = 0.8.
        Score: 0.6 × 1.2 + 0.4 × 0.8 = 0.72 + 0.32 = 1.04.
        Ben: revenue 90,000 → 0.9; win rate 1 / 1 = 1 → 2. Score 0.6 × 0.9 + 0.4 × 2 = 1.34.
        """
        report = sp.evaluate_performance(DEALS, scorecards=[sixty_forty("ana"),
                                                            sixty_forty("ben")])
        ana = report.scorecard("ana")
        assert [(g.goal, g.actual, g.target, g.attainment) for g in ana.goals] == [
            ("revenue", 120_000, 100_000, D("1.2")), ("win rate", D("0.4"), D("0.5"), D("0.8")),
        ]
        assert ana.score == D("1.04")
        assert dict(ana.weights) == {"revenue": D("0.6"), "win rate": D("0.4")}
        assert ana.explanation == "ana-q1 score = 0.6 × 1.2 + 0.4 × 0.8 = 1.04"
        assert report.scorecard("ben").score == D("1.34")
        assert [(r.id, r.rank) for r in report.leaderboard] == [("ben", 1), ("ana", 2)]

    def test_worked_example_the_60_40_scorecard_through_a_curve_and_a_rating_scale(
        self,
    ) -> None:
        """The curve pays 0 below 50 %, rises to 1 at 100 % and on to 1.5 at 150 %, flat after.

        Ana: revenue curve(1.2) = 1 + 0.5 × 0.2 / 0.5 = 1.2; win rate curve(0.8) =
        0.3 / 0.5 = 0.6; score 0.6 × 1.2 + 0.4 × 0.6 = 0.72 + 0.24 = 0.96: "meets" (≥ 0.9).
        Ben: curve(0.9) = 0.8, curve(2) = 1.5; score 0.6 × 0.8 + 0.4 × 1.5 = 0.48 + 0.6 = 1.08:
        "exceeds" (≥ 1.05).
        """
        curve = sp.Curve([("0.5", 0), (1, 1), ("1.5", "1.5")])
        report = sp.evaluate_performance(
            DEALS, scorecards=[sixty_forty("ana", curve=curve), sixty_forty("ben", curve=curve)],
            rating_scale=WORDS,
        )
        ana, ben = report.scorecard("ana"), report.scorecard("ben")
        assert [(g.score, g.rating) for g in ana.goals] == [
            (D("1.2"), "exceeds"), (D("0.6"), "below"),
        ]
        assert (ana.score, ana.rating) == (D("0.96"), "meets")
        assert [(g.score, g.rating) for g in ben.goals] == [
            (D("0.8"), "below"), (D("1.5"), "exceeds"),
        ]
        assert (ben.score, ben.rating) == (D("1.08"), "exceeds")

    def three_goals(self, missing: sp.MissingData) -> sp.Scorecard:
        """Revenue 50 % (attainment 1.2), win rate 30 % (0.8), CSAT 20 % (no value supplied)."""
        return sp.Scorecard("ana-q1", [
            goal("revenue", REVENUE, 100_000, weight="0.5"),
            goal("win rate", WIN_RATE, "0.5", weight="0.3"),
            goal("csat", CSAT, "4.5", weight="0.2"),
        ], missing=missing)

    def test_renormalise_drops_a_goal_without_data_and_scales_the_rest_to_100_percent(
        self,
    ) -> None:
        """Weights 0.5 / 0.8 = 0.625 and 0.3 / 0.8 = 0.375: 0.625 × 1.2 + 0.375 × 0.8 = 1.05."""
        card = sp.evaluate_performance(
            DEALS, scorecards=[self.three_goals(sp.MissingData.RENORMALISE)]).scorecard("ana")
        assert card.score == D("1.05")
        assert dict(card.weights) == {"revenue": D("0.625"), "win rate": D("0.375")}
        assert card.explanation == ("ana-q1 score = 0.625 × 1.2 + 0.375 × 0.8 = 1.0500 "
                                    "(renormalised without csat)")
        csat = card.goals[2]
        assert (csat.actual, csat.attainment, csat.score) == (None, None, None)
        assert csat.explanation == ("customer satisfaction: no value supplied for 2026-Q1; "
                                    "no attainment")

    def test_zero_counts_a_goal_without_data_as_a_score_of_zero(self) -> None:
        """0.5 × 1.2 + 0.3 × 0.8 + 0.2 × 0 = 0.6 + 0.24 = 0.84."""
        card = sp.evaluate_performance(
            DEALS, scorecards=[self.three_goals(sp.MissingData.ZERO)]).scorecard("ana")
        assert card.score == D("0.84")
        assert dict(card.weights) == {"revenue": D("0.5"), "win rate": D("0.3"),
                                      "csat": D("0.2")}
        assert card.explanation == "ana-q1 score = 0.5 × 1.2 + 0.3 × 0.8 + 0.2 × 0 (no data) = 0.84"

    def test_fail_raises_a_data_error_naming_the_scorecard_and_the_goal(self) -> None:
        with pytest.raises(sp.DataError) as err:
            sp.evaluate_performance(DEALS, scorecards=[self.three_goals(sp.MissingData.FAIL)])
        assert err.value.field == "scorecard['ana-q1'].goals['csat']"
        assert err.value.message == ("no value for 'ana' in 2026-Q1 and the scorecard's "
                                     "policy is to fail")

    def test_any_policy_scores_normally_when_every_goal_has_data(self) -> None:
        supplied = {("customer satisfaction", "ana", "2026-Q1"): "4.5"}
        scores = {
            policy: sp.evaluate_performance(DEALS, scorecards=[self.three_goals(policy)],
                                            supplied=supplied).scorecard("ana").score
            for policy in sp.MissingData
        }
        # 0.5 × 1.2 + 0.3 × 0.8 + 0.2 × 1 = 1.04
        assert set(scores.values()) == {D("1.04")}

    @pytest.mark.parametrize(
        ("policy", "score"), [(sp.MissingData.RENORMALISE, None), (sp.MissingData.ZERO, D(0))],
    )
    def test_with_no_data_at_all_renormalise_has_no_score_and_zero_scores_zero(
        self, policy: sp.MissingData, score: Decimal | None,
    ) -> None:
        card = sp.Scorecard("nobody", [goal("csat", CSAT, 4, "zed")], missing=policy)
        result = sp.evaluate_performance([], scorecards=[card], rating_scale=WORDS)
        assert result.scorecards[0].score == score
        assert result.scorecards[0].rating == (None if score is None else "below")
        assert [r.id for r in result.leaderboard] == ([] if score is None else ["zed"])


class TestEvaluatePerformance:
    def test_each_goal_reports_actual_target_attainment_score_rating_and_trace(self) -> None:
        curve = sp.Curve([(0, 0), (1, 1), (2, "1.5")])
        report = sp.evaluate_performance(DEALS, goals=[goal("revenue", REVENUE, 100_000)],
                                         curve=curve, rating_scale=WORDS)
        result = report.goal("revenue", "ana")
        assert result == sp.GoalResult(
            goal="revenue", owner="ana", period=Q1, actual=D(120_000), target=D(100_000),
            attainment=D("1.2"), score=D("1.1"), rating="exceeds", records=("A-1", "A-2"),
            explanation="revenue = sum of amount over 2 records = 120000; attainment = actual / "
                        "target = 120000 against 100000 = 1.2; score = curve(1.2) = 1.10; "
                        "rating exceeds",
        )

    def test_a_goal_on_a_scorecard_can_be_looked_up_like_a_standalone_goal(self) -> None:
        report = sp.evaluate_performance(DEALS, scorecards=[sixty_forty("ana")])
        assert report.goal("revenue", "ana") == report.scorecard("ana").goals[0]
        with pytest.raises(sp.DataError, match="no result for goal 'revenue' of 'zed'"):
            report.goal("revenue", "zed")

    def test_lower_is_better_goals_invert_attainment(self) -> None:
        days = sp.Measure("days to close", sp.Aggregation.AVERAGE, "days")
        records = [{"id": "C-1", "date": "2026-01-05", "payee": "ana", "days": 18},
                   {"id": "C-2", "date": "2026-02-05", "payee": "ana", "days": 30}]
        result = sp.evaluate_performance(
            records, goals=[goal("speed", days, 30, direction=LOWER)]).goal("speed", "ana")
        # average 24 days against 30: (2 × 30 − 24) / 30 = 1.2
        assert (result.actual, result.attainment) == (D(24), D("1.2"))
        assert "(2 × target − actual) / target = 24 against 30 = 1.2" in result.explanation

    def test_records_may_be_plain_mappings_or_records(self) -> None:
        as_records = [sp.Record.from_mapping(d) for d in DEALS]
        goals = [goal("revenue", REVENUE, 100_000)]
        assert (sp.evaluate_performance(DEALS, goals=goals)
                == sp.evaluate_performance(as_records, goals=goals)
                == sp.evaluate_performance([*as_records[:3], *DEALS[3:]], goals=goals))

    def test_two_records_with_one_id_are_a_data_error(self) -> None:
        with pytest.raises(sp.DataError, match=r"record 'A-1', field 'id': two records have"):
            sp.evaluate_performance([*DEALS, DEALS[0]], goals=[goal("revenue", REVENUE, 1)])

    def test_a_bad_record_is_a_data_error_naming_it(self) -> None:
        bad = {**DEALS[0], "id": "A-9", "amount": 12.5}
        with pytest.raises(sp.DataError, match=r"record 'A-9', field 'amount'"):
            sp.evaluate_performance([bad], goals=[goal("revenue", REVENUE, 1)])

    def test_supplied_values_are_keyed_by_metric_owner_and_period(self) -> None:
        supplied = {("customer satisfaction", "ana", "2026-Q1"): "4.2",
                    ("customer satisfaction", "ben", "2026-Q1"): "4.8",
                    ("customer satisfaction", "ana", "2025-Q4"): "1.0"}
        report = sp.evaluate_performance([], goals=[goal("csat", CSAT, "4.0"),
                                                    goal("csat", CSAT, "4.0", "ben")],
                                         supplied=supplied)
        assert report.goal("csat", "ana").attainment == D("1.05")
        assert report.goal("csat", "ben").attainment == D("1.2")

    def test_a_scorecards_own_curve_wins_over_the_shared_one(self) -> None:
        halves = sp.Curve([(0, 0), (1, "0.5")])
        doubles = sp.Curve([(0, 0), (1, 2)])
        card = sp.Scorecard("ana", [goal("revenue", REVENUE, 100_000)], curve=halves)
        report = sp.evaluate_performance(DEALS, goals=[goal("revenue", REVENUE, 100_000)],
                                         scorecards=[card], curve=doubles)
        assert report.goal("revenue", "ana").score == 2  # curve(1.2) flat after (1, 2)
        assert report.scorecard("ana").score == D("0.5")

    def test_the_leaderboard_breaks_ties_by_id(self) -> None:
        cards = [sp.Scorecard(p, [goal("csat", CSAT, 4, p)]) for p in ("cy", "ana", "ben")]
        supplied = {("customer satisfaction", p, "2026-Q1"): 4 for p in ("cy", "ana", "ben")}
        report = sp.evaluate_performance([], scorecards=cards, supplied=supplied)
        assert [(r.id, r.rank, r.percentile) for r in report.leaderboard] == [
            ("ana", 1, D(0)), ("ben", 1, D(0)), ("cy", 1, D(0)),
        ]

    def test_a_goal_without_data_has_no_attainment_score_or_rating(self) -> None:
        avg = m.average_deal_size()
        result = sp.evaluate_performance(DEALS, goals=[goal("avg", avg, 1, "cy")],
                                         rating_scale=WORDS).goal("avg", "cy")
        assert (result.actual, result.attainment, result.score, result.rating) == (
            None, None, None, None)
        assert result.records == ()

    def test_looking_up_a_result_that_is_not_there_is_an_error(self) -> None:
        report = sp.evaluate_performance(DEALS, goals=[goal("revenue", REVENUE, 1)])
        with pytest.raises(sp.DataError, match=r"no result for goal 'revenue' of 'ben'"):
            report.goal("revenue", "ben")
        with pytest.raises(sp.DataError, match=r"no scorecard result for 'ana'"):
            report.scorecard("ana")
