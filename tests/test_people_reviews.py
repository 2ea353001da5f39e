"""Reviews: weighted parts with missing-part policies, the self gap, and calibration."""

from __future__ import annotations

from decimal import Decimal

import pytest

import salesperf as sp

H1 = sp.CalendarYear().parse("2026-H1")
COMPETENCIES = [sp.Competency("prospecting"), sp.Competency("negotiation")]
FIVE = sp.RatingScale([sp.RatingBand("1 below"), sp.RatingBand("2 near", 2),
                       sp.RatingBand("3 meets", 3), sp.RatingBand("4 exceeds", 4),
                       sp.RatingBand("5 outstanding", "4.6")])


def rated(person: str, rater: str, role: sp.Role, **values: str) -> sp.Assessment:
    return sp.Assessment(person, rater, role,
                         [sp.CompetencyRating(c, v) for c, v in values.items()])


def template(*parts: sp.ReviewPart, step: str | None = None,
             lowest: int = 0, highest: int = 1) -> sp.ReviewTemplate:
    return sp.ReviewTemplate("h1", parts, COMPETENCIES, sp.ReviewScale(lowest, highest, step))


class TestWorkedCases:
    def test_scorecard_70_percent_at_090_and_competencies_30_percent_at_060_give_081(
            self) -> None:
        t = template(sp.ReviewPart(sp.PartSource.SCORECARD, "0.7"),
                     sp.ReviewPart(sp.PartSource.MANAGER, "0.3"))
        r = sp.review(t, "ana", H1, scorecard=Decimal("0.90"), assessments=[
            rated("ana", "mia", sp.Role.MANAGER, prospecting="0.60", negotiation="0.60")])
        assert r.final == Decimal("0.81")
        assert [p.value for p in r.parts] == [Decimal("0.90"), Decimal("0.60")]

    def test_a_score_of_36_a_self_assessment_of_4_and_peers_at_3_round_as_the_scale_says(
            self) -> None:
        t = sp.ReviewTemplate("h1", [sp.ReviewPart(sp.PartSource.MANAGER, 1),
                                     sp.ReviewPart(sp.PartSource.SELF, 1),
                                     sp.ReviewPart(sp.PartSource.PEERS, 1)],
                              COMPETENCIES, sp.ReviewScale(1, 5, "0.1", ratings=FIVE))
        r = sp.review(t, "ana", H1, assessments=[
            rated("ana", "mia", sp.Role.MANAGER, prospecting="4", negotiation="3.2"),
            rated("ana", "ana", sp.Role.SELF, prospecting="4", negotiation="4"),
            rated("ana", "ben", sp.Role.PEER, prospecting="3", negotiation="2"),
            rated("ana", "cy", sp.Role.PEER, prospecting="3", negotiation="4"),
        ])
        assert r.score == Decimal("3.533333333333333333333333333333333")  # (3.6 + 4 + 3) / 3
        assert r.final == Decimal("3.5")
        assert r.rating == "3 meets"
        assert "rounded to 3.5" in r.explanation

    def test_weights_are_relative_shares(self) -> None:
        a = template(sp.ReviewPart(sp.PartSource.SCORECARD, 70),
                     sp.ReviewPart(sp.PartSource.MANAGER, 30))
        b = template(sp.ReviewPart(sp.PartSource.SCORECARD, "0.7"),
                     sp.ReviewPart(sp.PartSource.MANAGER, "0.3"))
        given = [rated("ana", "mia", sp.Role.MANAGER, prospecting="0.6")]
        assert (sp.review(a, "ana", H1, scorecard=Decimal("0.9"), assessments=given).score
                == sp.review(b, "ana", H1, scorecard=Decimal("0.9"), assessments=given).score)


class TestMissingParts:
    def parts(self, missing: sp.MissingData) -> sp.ReviewTemplate:
        return template(sp.ReviewPart(sp.PartSource.SCORECARD, "0.5"),
                        sp.ReviewPart(sp.PartSource.MANAGER, "0.3"),
                        sp.ReviewPart(sp.PartSource.SELF, "0.2", missing))

    manager = (rated("ana", "mia", sp.Role.MANAGER, prospecting="0.6"),)

    def test_renormalise_leaves_the_part_out_and_scales_the_others(self) -> None:
        r = sp.review(self.parts(sp.MissingData.RENORMALISE), "ana", H1,
                      scorecard=Decimal("0.8"), assessments=self.manager)
        assert r.score == (Decimal("0.5") * Decimal("0.8") + Decimal("0.3") * Decimal("0.6")
                           ) / Decimal("0.8")
        assert "without self" in r.explanation

    def test_zero_counts_it_as_zero(self) -> None:
        r = sp.review(self.parts(sp.MissingData.ZERO), "ana", H1, scorecard=Decimal("0.8"),
                      assessments=self.manager)
        assert r.score == Decimal("0.58")

    def test_fail_names_the_person_and_the_part(self) -> None:
        with pytest.raises(sp.DataError, match=r"parts\['self'\].*no self assessment"):
            sp.review(self.parts(sp.MissingData.FAIL), "ana", H1, scorecard=Decimal("0.8"),
                      assessments=self.manager)

    def test_a_scorecard_result_gives_its_score_and_names_itself(self) -> None:
        q1 = sp.CalendarYear().parse("2026-Q1")
        card = sp.Scorecard("ana-q1", [sp.Goal("revenue", sp.metrics.revenue(), 100, q1, "ana")])
        report = sp.evaluate_performance(
            [{"id": "D-1", "date": "2026-02-01", "payee": "ana", "amount": "90",
              "status": "won"}],
            scorecards=[card])
        t = template(sp.ReviewPart(sp.PartSource.SCORECARD, 1))
        r = sp.review(t, "ana", H1, scorecard=report.scorecard("ana"))
        assert r.final == Decimal("0.9")
        assert r.parts[0].explanation == "scorecard ana-q1 score 0.9"
        assert r.explanation == "ana 2026-H1 review h1 = (1 × 0.9 (scorecard)) / 1 = 0.9"


class TestTheSelfGap:
    def test_the_gap_is_self_minus_manager_overall_and_per_competency(self) -> None:
        t = template(sp.ReviewPart(sp.PartSource.MANAGER, 1), sp.ReviewPart(sp.PartSource.SELF, 1),
                     lowest=1, highest=5)
        r = sp.review(t, "ana", H1, assessments=[
            rated("ana", "mia", sp.Role.MANAGER, prospecting="3", negotiation="4"),
            rated("ana", "ana", sp.Role.SELF, prospecting="5", negotiation="4")])
        assert r.gap == Decimal(1)
        assert r.competency_gaps == (("negotiation", Decimal(0)), ("prospecting", Decimal(2)))


class TestBadInput:
    t = template(sp.ReviewPart(sp.PartSource.MANAGER, 1), lowest=1, highest=5)

    def test_a_rating_off_the_scale_names_the_rater_and_the_rating(self) -> None:
        with pytest.raises(sp.DataError, match=r"ratings\[0\].*must be from 1 to 5, got 6"):
            sp.review(self.t, "ana", H1,
                      assessments=[rated("ana", "mia", sp.Role.MANAGER, prospecting="6")])

    def test_an_unknown_competency_is_an_error(self) -> None:
        with pytest.raises(sp.DataError, match="unknown competency 'closing'"):
            sp.review(self.t, "ana", H1,
                      assessments=[rated("ana", "mia", sp.Role.MANAGER, closing="3")])

    def test_two_manager_assessments_are_an_error_not_a_choice(self) -> None:
        with pytest.raises(sp.DataError, match="2 manager assessments"):
            sp.review(self.t, "ana", H1, assessments=[
                rated("ana", "mia", sp.Role.MANAGER, prospecting="3"),
                rated("ana", "noah", sp.Role.MANAGER, prospecting="4")])

    def test_a_template_reports_every_problem(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.ReviewTemplate("t", [sp.ReviewPart(sp.PartSource.SELF, 0)], [],
                              sp.ReviewScale(1, 5))
        assert [str(p) for p in err.value.problems] == [
            "parts[0].weight: must be above 0, got 0",
            "competencies: parts rated on competencies need at least one competency"]


def result(person: str, score: str) -> sp.ReviewResult:
    s = Decimal(score)
    return sp.ReviewResult("h1", person, H1, s, s, FIVE.rate(s), (), None, (), "")


class TestCalibration:
    team = (result("ana", "4.8"), result("ben", "4.7"), result("cy", "4.6"),
            result("dee", "4.2"), result("eli", "3.5"), result("fay", "3.1"),
            result("gus", "2.5"))

    def test_at_most_15_percent_at_the_top_moves_the_lowest_of_the_top_down(self) -> None:
        c = sp.calibrate(self.team, FIVE, [sp.BandTarget("5 outstanding", at_most="0.15")])
        assert [(m.person, m.from_rating, m.to_rating) for m in c.moves] == [
            ("cy", "5 outstanding", "4 exceeds"), ("ben", "5 outstanding", "4 exceeds")]
        top = next(b for b in c.bands if b.rating == "5 outstanding")
        assert (top.before, top.after, top.target) == (3, 1, "at most 15 %")
        assert "at most 15 % allows 1" in c.moves[0].reason

    def test_moves_cascade_down_when_the_band_below_overflows_too(self) -> None:
        c = sp.calibrate(self.team, FIVE, [sp.BandTarget("5 outstanding", at_most="0.15"),
                                           sp.BandTarget("4 exceeds", at_most="0.3")])
        assert [(m.person, m.to_rating) for m in c.moves] == [
            ("cy", "4 exceeds"), ("ben", "4 exceeds"), ("dee", "3 meets")]

    def test_at_least_moves_the_best_of_the_band_below_up(self) -> None:
        c = sp.calibrate(self.team, FIVE, [sp.BandTarget("3 meets", at_least="0.4")])
        assert [(m.person, m.from_rating, m.to_rating) for m in c.moves] == [
            ("gus", "2 near", "3 meets")]
        assert "at least 40 % needs 3" in c.moves[0].reason

    def test_within_targets_nothing_moves(self) -> None:
        c = sp.calibrate(self.team, FIVE, [sp.BandTarget("5 outstanding", at_most="0.5")])
        assert c.within_targets
        assert c.moves == ()
        assert c.explanation.endswith("within every target")
        # The reviews themselves never change: ReviewResult is frozen, so no test is needed.

    def test_an_unknown_rating_in_the_targets_is_a_definition_error(self) -> None:
        with pytest.raises(sp.DefinitionError, match="no such rating"):
            sp.calibrate(self.team, FIVE, [sp.BandTarget("6 legend", at_most="0.1")])
