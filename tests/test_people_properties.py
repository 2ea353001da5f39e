"""Properties of the people side: input order never matters, every recommendation names its
rule and inputs, and a rule set round-trips through JSON."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

import salesperf as sp

CAL = sp.CalendarYear()
QUARTERS = [CAL.parse(q) for q in ("2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2")]
PEOPLE = ["ana", "ben", "cy", "dee", "eli"]
NAMES = ["win rate", "revenue", "score"]

values = st.decimals(min_value=0, max_value=2, places=2)


@st.composite
def histories(draw: st.DrawFn) -> list[sp.Facts]:
    out: list[sp.Facts] = []
    for person in draw(st.lists(st.sampled_from(PEOPLE), min_size=1, unique=True)):
        out.extend(sp.Facts(person, q, {n: draw(values) for n in NAMES})
                   for q in QUARTERS[draw(st.integers(0, 3)):])
    return out


leaves = st.builds(sp.Compare, st.sampled_from(NAMES), st.sampled_from(list(sp.Comparison)),
                   values)
conditions = st.one_of(leaves, st.builds(sp.AllOf, st.lists(leaves, min_size=1, max_size=3)),
                       st.builds(sp.AnyOf, st.lists(leaves, min_size=1, max_size=3)),
                       st.builds(sp.Not, leaves))
actions = st.builds(sp.Action, st.sampled_from(list(sp.ActionKind)),
                    st.sampled_from(["", "qualification", "top seller"]))


@st.composite
def rules(draw: st.DrawFn, rule_id: str) -> sp.Rule:
    ranked = draw(st.booleans())
    return sp.Rule(rule_id, draw(actions), draw(st.none() | conditions),
                   periods=draw(st.integers(1, 3)),
                   top=draw(st.integers(1, 3)) if ranked else None,
                   by=draw(st.sampled_from(NAMES)) if ranked else None,
                   lowest_first=draw(st.booleans()), description=draw(st.text(max_size=10)))


@st.composite
def rule_sets(draw: st.DrawFn) -> sp.RuleSet:
    n = draw(st.integers(1, 4))
    return sp.RuleSet("rules", [draw(rules(f"r{i}")) for i in range(n)],
                      conflicts=draw(st.sampled_from([sp.RuleSet("x", []).conflicts, ()])))


@given(rule_sets(), histories(), st.randoms(use_true_random=False))
def test_the_order_of_the_facts_never_changes_the_recommendations(
        rule_set: sp.RuleSet, history: list[sp.Facts], random: object) -> None:
    shuffled = list(history)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert sp.recommend(rule_set, history, QUARTERS[-1]) == sp.recommend(rule_set, shuffled,
                                                                         QUARTERS[-1])


def fields(condition: sp.Condition | None) -> set[str]:
    if condition is None:
        return set()
    if isinstance(condition, sp.AllOf | sp.AnyOf):
        return set().union(*(fields(c) for c in condition.conditions))
    if isinstance(condition, sp.Not):
        return fields(condition.condition)
    return {condition.field}


@given(rule_sets(), histories())
def test_every_recommendation_names_its_rule_and_the_facts_it_read(
        rule_set: sp.RuleSet, history: list[sp.Facts]) -> None:
    known = {(f.person, f.period): f for f in history}
    by_id = {r.id: r for r in rule_set.rules}
    for rec in sp.recommend(rule_set, history, QUARTERS[-1]).actions:
        rule = by_id[rec.rule]
        assert rec.action == rule.action
        assert rec.explanation.startswith(f"{rule.id}: ")
        assert rec.explanation.endswith(f"→ {rule.action} for {rec.person}")
        assert {i.fact for i in rec.inputs} == fields(rule.when) | (
            {rule.by} if rule.by else set())
        for i in rec.inputs:
            assert known[(rec.person, i.period)].get(i.fact) == i.value
        if rule.when is not None:
            assert len({i.period for i in rec.inputs}) == rule.periods


@given(rule_sets())
def test_a_rule_set_round_trips_through_json(rule_set: sp.RuleSet) -> None:
    text = sp.dumps_rule_set(rule_set)
    assert sp.loads_rule_set(text) == rule_set
    assert sp.dumps_rule_set(sp.loads_rule_set(text)) == text


H1 = CAL.parse("2026-H1")
TEMPLATE = sp.ReviewTemplate("h1", [sp.ReviewPart(sp.PartSource.SCORECARD, 2),
                                    sp.ReviewPart(sp.PartSource.MANAGER, 1),
                                    sp.ReviewPart(sp.PartSource.SELF, 1),
                                    sp.ReviewPart(sp.PartSource.PEERS, 1)],
                             [sp.Competency("a", 2), sp.Competency("b")],
                             sp.ReviewScale(1, 5, "0.1"))
ratings = st.decimals(min_value=1, max_value=5, places=1)


@st.composite
def assessments(draw: st.DrawFn) -> list[sp.Assessment]:
    out = [sp.Assessment("ana", "mia", sp.Role.MANAGER,
                         [sp.CompetencyRating("a", draw(ratings)),
                          sp.CompetencyRating("b", draw(ratings))])]
    out.extend(sp.Assessment("ana", peer, sp.Role.PEER, [sp.CompetencyRating("a", draw(ratings))])
               for peer in draw(st.lists(st.sampled_from(PEOPLE[1:]), unique=True)))
    if draw(st.booleans()):
        out.append(sp.Assessment("ana", "ana", sp.Role.SELF,
                                 [sp.CompetencyRating("b", draw(ratings))]))
    return out


@given(assessments(), st.none() | ratings, st.randoms(use_true_random=False))
def test_the_order_of_assessments_never_changes_a_review(
        given_: list[sp.Assessment], card: Decimal | None, random: object) -> None:
    shuffled = list(given_)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    a = sp.review(TEMPLATE, "ana", H1, scorecard=card, assessments=given_)
    b = sp.review(TEMPLATE, "ana", H1, scorecard=card, assessments=shuffled)
    assert a == b
    assert a.final is not None
    assert 1 <= a.final <= 5


FIVE = sp.RatingScale([sp.RatingBand("1"), sp.RatingBand("2", 2), sp.RatingBand("3", 3),
                       sp.RatingBand("4", 4), sp.RatingBand("5", "4.5")])


@given(st.dictionaries(st.sampled_from(PEOPLE), ratings, min_size=1),
       st.decimals(min_value=0, max_value=1, places=2), st.randoms(use_true_random=False))
def test_the_order_of_reviews_never_changes_a_calibration(
        scores: dict[str, Decimal], top: Decimal, random: object) -> None:
    reviews = [sp.ReviewResult("h1", p, H1, s, s, FIVE.rate(s), (), None, (), "")
               for p, s in scores.items()]
    shuffled = list(reviews)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    targets = [sp.BandTarget("5", at_most=top)]
    a, b = sp.calibrate(reviews, FIVE, targets), sp.calibrate(shuffled, FIVE, targets)
    assert a == b
    assert next(x for x in a.bands if x.rating == "5").after <= max(
        0, int(top * len(reviews)))
