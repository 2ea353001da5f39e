"""Recommendation and recognition rules: conditions over facts, streaks, top N, growth,
explanations that name the rule and its inputs, and conflicts reported."""

from __future__ import annotations

from decimal import Decimal

import pytest

import salesperf as sp

CAL = sp.CalendarYear()
Q = [CAL.parse(q) for q in ("2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2")]


def facts(person: str, *values: dict[str, object]) -> list[sp.Facts]:
    """One person's facts for the last len(values) quarters of Q."""
    return [sp.Facts(person, p, v) for p, v in zip(Q[-len(values):], values, strict=True)]


QUALIFICATION = sp.Rule("qualification", sp.Action(sp.ActionKind.TRAINING, "qualification"),
                        sp.Compare("win rate", "<", Decimal("0.2")), periods=2)


class TestRecommendations:
    def test_win_rate_below_20_percent_for_2_periods_recommends_qualification_training(
            self) -> None:
        history = [*facts("ben", {"win rate": Decimal("0.18")}, {"win rate": Decimal("0.15")}),
                   *facts("ana", {"win rate": Decimal("0.35")}, {"win rate": Decimal("0.15")})]
        found = sp.recommend(sp.RuleSet("coach", [QUALIFICATION]), history, Q[-1])
        [rec] = found.actions
        assert (rec.person, rec.rule, rec.action) == (
            "ben", "qualification", sp.Action(sp.ActionKind.TRAINING, "qualification"))
        assert rec.inputs == (sp.RuleInput("win rate", Q[-2], Decimal("0.18")),
                              sp.RuleInput("win rate", Q[-1], Decimal("0.15")))
        assert rec.explanation == (
            "qualification: win rate < 0.2 in each of the last 2 periods (win rate in 2026-Q1 "
            "= 0.18, win rate in 2026-Q2 = 0.15) → training 'qualification' for ben")

    def test_one_period_of_history_is_not_enough_for_a_two_period_rule(self) -> None:
        found = sp.recommend(sp.RuleSet("coach", [QUALIFICATION]),
                             facts("cy", {"win rate": Decimal("0.1")}), Q[-1])
        assert found.actions == ()

    def test_a_missing_fact_is_an_error_naming_the_person_period_and_fact(self) -> None:
        with pytest.raises(sp.DataError, match=r"record 'ben 2026-Q1', field 'win rate'"):
            sp.recommend(sp.RuleSet("coach", [QUALIFICATION]),
                         facts("ben", {"score": Decimal(1)}, {"win rate": Decimal("0.1")}), Q[-1])

    def test_a_missing_policy_lets_a_rule_pass_over_people_without_the_fact(self) -> None:
        rule = sp.Rule("q", sp.Action(sp.ActionKind.COACHING),
                       sp.Compare("win rate", "<", Decimal("0.2"), missing=sp.Missing.FALSE))
        found = sp.recommend(sp.RuleSet("r", [rule]),
                             facts("ben", {"score": Decimal(1)}), Q[-1])
        assert found.actions == ()

    def test_growth_and_change_on_the_period_before_are_facts_too(self) -> None:
        rule = sp.Rule("slump", sp.Action(sp.ActionKind.COACHING, "pipeline"),
                       sp.Compare("revenue.growth", "<=", Decimal("-0.2")))
        found = sp.recommend(sp.RuleSet("r", [rule]), facts(
            "ben", {"revenue": Decimal(100)}, {"revenue": Decimal(75)}), Q[-1])
        [rec] = found.actions
        assert rec.inputs == (sp.RuleInput("revenue.growth", Q[-1], Decimal("-0.25")),)

    def test_rules_read_ratings_and_feedback_counts(self) -> None:
        rule = sp.Rule("promote", sp.Action(sp.ActionKind.PROMOTION_REVIEW),
                       sp.AllOf([sp.Eq("review.rating", "5 outstanding"),
                                 sp.Compare("feedback.praise", ">=", 2)]))
        note = sp.Feedback("F-1", "ana", "mia", sp.Role.MANAGER, Q[-1].start,
                           sp.FeedbackKind.PRAISE)
        praise = [note, sp.Feedback("F-2", "ana", "ben", sp.Role.PEER, Q[-1].start,
                                    sp.FeedbackKind.PRAISE)]
        history = [sp.Facts("ana", Q[-1], {"review.rating": "5 outstanding"}),
                   *sp.facts_from_feedback(praise, [Q[-1]])]
        [rec] = sp.recommend(sp.RuleSet("r", [rule]), history, Q[-1]).actions
        assert rec.explanation == (
            "promote: review.rating = '5 outstanding' and feedback.praise >= 2 "
            "(review.rating in 2026-Q2 = '5 outstanding', feedback.praise in 2026-Q2 = 2) "
            "→ promotion review for ana")


class TestRecognition:
    def test_three_quarters_over_100_percent_is_a_streak_award(self) -> None:
        streak = sp.Rule("hat-trick", sp.Action(sp.ActionKind.RECOGNITION, "hat trick"),
                         sp.Compare("revenue.attainment", ">", 1), periods=3)
        history = [
            *facts("ana", {"revenue.attainment": Decimal("1.05")},
                   {"revenue.attainment": Decimal("1.2")}, {"revenue.attainment": Decimal("1.01")}),
            *facts("ben", {"revenue.attainment": Decimal("1.3")},
                   {"revenue.attainment": Decimal("1")}, {"revenue.attainment": Decimal("1.4")}),
        ]
        found = sp.recommend(sp.RuleSet("awards", [streak]), history, Q[-1])
        assert [(a.person, a.action.topic) for a in found.awards] == [("ana", "hat trick")]
        assert len(found.awards[0].inputs) == 3

    def test_top_n_by_a_fact_ties_share_a_place(self) -> None:
        top = sp.Rule("top-2", sp.Action(sp.ActionKind.RECOGNITION, "top seller"), top=2,
                      by="revenue")
        history = [sp.Facts(p, Q[-1], {"revenue": Decimal(v)})
                   for p, v in (("ana", 300), ("ben", 200), ("cy", 200), ("dee", 100))]
        found = sp.recommend(sp.RuleSet("awards", [top]), history, Q[-1])
        assert [a.person for a in found.awards] == ["ana", "ben", "cy"]
        assert found.awards[1].explanation == (
            "top-2: top 2 by revenue (highest first): 2 of 4 with 200 → recognition "
            "'top seller' for ben")

    def test_most_improved_is_the_top_1_by_growth_among_those_who_grew(self) -> None:
        improved = sp.Rule("most-improved", sp.Action(sp.ActionKind.RECOGNITION,
                                                      "most improved"),
                           sp.Compare("revenue.growth", ">", 0), top=1, by="revenue.growth")
        history = [*facts("ana", {"revenue": Decimal(100)}, {"revenue": Decimal(120)}),
                   *facts("ben", {"revenue": Decimal(50)}, {"revenue": Decimal(80)}),
                   *facts("cy", {"revenue": Decimal(90)}, {"revenue": Decimal(60)})]
        [award] = sp.recommend(sp.RuleSet("a", [improved]), history, Q[-1]).awards
        assert award.person == "ben"
        assert award.inputs[-1] == sp.RuleInput("revenue.growth", Q[-1], Decimal("0.6"))

    def test_a_threshold_award(self) -> None:
        club = sp.Rule("club", sp.Action(sp.ActionKind.RECOGNITION, "presidents club"),
                       sp.Compare("score", ">=", Decimal("1.2")))
        history = [sp.Facts("ana", Q[-1], {"score": Decimal("1.25")}),
                   sp.Facts("ben", Q[-1], {"score": Decimal("1.19")})]
        assert [a.person for a in sp.recommend(sp.RuleSet("a", [club]), history,
                                               Q[-1]).awards] == ["ana"]


class TestConflicts:
    def test_an_improvement_plan_and_a_promotion_review_for_one_person_are_reported(
            self) -> None:
        rules = sp.RuleSet("r", [
            sp.Rule("pip", sp.Action(sp.ActionKind.IMPROVEMENT_PLAN),
                    sp.Compare("score", "<", Decimal("0.8"))),
            sp.Rule("promote", sp.Action(sp.ActionKind.PROMOTION_REVIEW),
                    sp.Compare("review.score", ">=", Decimal("4.5")))])
        found = sp.recommend(rules, [sp.Facts("ana", Q[-1], {"score": Decimal("0.7"),
                                                             "review.score": Decimal("4.6")})],
                             Q[-1])
        assert len(found.actions) == 2
        [conflict] = found.conflicts
        assert conflict.rules == ("pip", "promote")
        assert conflict.explanation == (
            "ana: rule pip recommends improvement plan and rule promote recommends promotion "
            "review, which this rule set says conflict")

    def test_a_rule_set_may_declare_its_own_conflicts(self) -> None:
        rules = sp.RuleSet("r", [
            sp.Rule("a", sp.Action(sp.ActionKind.TRAINING, "x")),
            sp.Rule("b", sp.Action(sp.ActionKind.COACHING, "y"))],
            conflicts=[(sp.ActionKind.TRAINING, sp.ActionKind.COACHING)])
        found = sp.recommend(rules, [sp.Facts("ana", Q[-1], {})], Q[-1])
        assert [c.rules for c in found.conflicts] == [("a", "b")]


class TestDefinitions:
    def test_a_rule_reports_every_problem(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.Rule("", sp.Action(sp.ActionKind.RECOGNITION), sp.Compare("x", "≥", 1),
                    periods=0, top=2)
        assert [str(p) for p in err.value.problems] == [
            "periods: must be a whole number of at least 1, got 0",
            "by: `top` and `by` go together: the best N by a fact",
            "id: every rule needs an id",
            "when.op: must be one of '<', '<=', '>', '>=', got '≥'"]

    def test_duplicate_rule_ids_are_refused(self) -> None:
        rule = sp.Rule("a", sp.Action(sp.ActionKind.TRAINING))
        with pytest.raises(sp.DefinitionError, match=r"rules\[1\].id: duplicate rule id 'a'"):
            sp.RuleSet("r", [rule, rule])

    def test_facts_given_twice_for_a_person_s_period_are_an_error(self) -> None:
        with pytest.raises(sp.DataError, match="given twice"):
            sp.recommend(sp.RuleSet("r", [QUALIFICATION]),
                         [sp.Facts("ben", Q[-1], {"win rate": Decimal(1)}),
                          sp.Facts("ben", Q[-1], {"win rate": Decimal(2)})], Q[-1])


class TestFactsFromResults:
    def test_a_report_gives_scores_ratings_actuals_and_attainments(self) -> None:
        q = Q[-1]
        card = sp.Scorecard("ana", [sp.Goal("revenue", sp.metrics.revenue(), 100, q, "ana")])
        report = sp.evaluate_performance(
            [{"id": "D-1", "date": "2026-05-01", "payee": "ana", "amount": "120",
              "status": "won"}], scorecards=[card],
            rating_scale=sp.RatingScale([sp.RatingBand("meets"), sp.RatingBand("exceeds", 1)]))
        [f] = sp.facts_from_report(report)
        assert {x.name: x.value for x in f.values} == {
            "score": Decimal("1.2"), "rating": "exceeds", "revenue": Decimal("120"),
            "revenue.attainment": Decimal("1.2"), "revenue.score": Decimal("1.2")}
