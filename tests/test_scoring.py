"""Scoring: attainment, scoring curves, rating scales and rankings.

Issue 3: attainment as an exact Decimal, inverted for lower-is-better goals, with a defined
behaviour for a zero target; piecewise-linear or step curves with floor and cap; configurable
rating bands; rankings and percentiles with deterministic tie-breaking.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

import salesperf as sp

D = Decimal
HIGHER, LOWER = sp.Direction.HIGHER_IS_BETTER, sp.Direction.LOWER_IS_BETTER


class TestAttainment:
    @pytest.mark.parametrize(
        ("actual", "target", "direction", "expected"),
        [
            ("130000", "100000", HIGHER, "1.3"),
            ("100000", "100000", HIGHER, "1"),
            ("0", "100000", HIGHER, "0"),
            ("-5000", "100000", HIGHER, "-0.05"),  # net refunds: below nothing
            ("1", "3", HIGHER, "0.3333333333333333333333333333333333"),  # exact to 34 digits
            # Lower is better: (2 × target − actual) / target, never below 0.
            ("18", "20", LOWER, "1.1"),  # 10 % under target
            ("22", "20", LOWER, "0.9"),  # 10 % over target
            ("20", "20", LOWER, "1"),
            ("0", "20", LOWER, "2"),
            ("40", "20", LOWER, "0"),
            ("55", "20", LOWER, "0"),  # floored at 0
        ],
    )
    def test_attainment_is_the_exact_ratio_inverted_when_lower_is_better(
        self, actual: str, target: str, direction: sp.Direction, expected: str,
    ) -> None:
        assert sp.attainment(D(actual), D(target), direction) == D(expected)

    @pytest.mark.parametrize(
        ("actual", "direction", "expected"),
        [
            ("0", HIGHER, "1"), ("250", HIGHER, "1"), ("-1", HIGHER, "0"),
            ("0", LOWER, "1"), ("-3", LOWER, "1"), ("2", LOWER, "0"),
        ],
    )
    def test_a_zero_target_is_met_fully_or_not_at_all(
        self, actual: str, direction: sp.Direction, expected: str,
    ) -> None:
        # Higher is better: met when actual >= 0. Lower is better (zero incidents): met when
        # actual <= 0. There is no ratio to a zero target, so nothing in between.
        assert sp.attainment(D(actual), D(0), direction) == D(expected)

    def test_higher_is_better_is_the_default(self) -> None:
        assert sp.attainment(D(90), D(100)) == D("0.9")

    def test_a_negative_target_is_a_definition_error(self) -> None:
        with pytest.raises(sp.DefinitionError, match=r"target: must not be negative, got -5"):
            sp.attainment(D(1), D(-5))

    def test_attainment_does_not_depend_on_the_hosts_decimal_context(self) -> None:
        with decimal.localcontext() as ctx:
            ctx.prec = 3
            assert sp.attainment(D("1234.5"), D("1000"), LOWER) == D("0.7655")


class TestLinearCurve:
    # 0 below 50 % attainment, then 0 → 1 up to 100 %, then 1 → 2.5 up to 200 %.
    CURVE = sp.Curve([("0.5", 0), (1, 1), (2, "2.5")])

    @pytest.mark.parametrize(
        ("x", "y"),
        [
            ("-1", "0"), ("0", "0"), ("0.5", "0"),  # below and on the first point: its y
            ("0.75", "0.5"), ("0.9", "0.8"), ("1", "1"),  # on a point: its y
            ("1.3", "1.45"), ("2", "2.5"), ("3", "2.5"),  # above the last point: its y
        ],
    )
    def test_a_linear_curve_interpolates_between_points_and_is_flat_outside(
        self, x: str, y: str,
    ) -> None:
        assert self.CURVE(D(x)) == D(y)

    @pytest.mark.parametrize(("x", "y"), [("3", "4"), ("2.2", "2.8"), ("0.2", "0")])
    def test_extrapolate_extends_the_last_segment_upwards_only(self, x: str, y: str) -> None:
        # Above 200 %: slope 1.5. Below the first point the curve stays at its y, so a
        # threshold point such as (0.5, 0) never turns into a negative score.
        curve = sp.Curve([("0.5", 0), (1, 1), (2, "2.5")], extrapolate=True)
        assert curve(D(x)) == D(y)

    def test_interpolation_is_exact_where_the_answer_is(self) -> None:
        curve = sp.Curve([(0, 0), ("0.9", "0.6"), (1, 1)])
        assert curve(D("0.45")) == D("0.3")
        assert str(sp.Curve([(0, 0), (3, 1)])(D("1.5"))) == "0.5"

    @pytest.mark.parametrize(
        ("x", "y"), [("0", "0.25"), ("0.2", "0.25"), ("0.7", "0.7"), ("1.5", "1.2"), ("3", "1.2")],
    )
    def test_floor_and_cap_bound_the_result(self, x: str, y: str) -> None:
        curve = sp.Curve([(0, 0), (2, 2)], floor="0.25", cap="1.2")
        assert curve(D(x)) == D(y)

    def test_a_single_point_is_a_constant(self) -> None:
        assert sp.Curve([(1, "0.8")])(D(5)) == D("0.8")


class TestStepCurve:
    # Accelerator steps: 0 below 50 %, 1 from 50 %, 3 from 100 %, 5 from 125 %.
    STEPS = sp.Curve([("0.5", 1), (1, 3), ("1.25", 5)], kind=sp.CurveKind.STEPS)

    @pytest.mark.parametrize(
        ("x", "y"),
        [("0", "0"), ("0.49", "0"), ("0.5", "1"), ("0.99", "1"), ("1", "3"), ("1.2499", "3"),
         ("1.25", "5"), ("9", "5")],
    )
    def test_a_step_curve_gives_the_value_of_the_highest_point_reached(
        self, x: str, y: str,
    ) -> None:
        assert self.STEPS(D(x)) == D(y)

    def test_below_the_first_step_it_gives_below(self) -> None:
        curve = sp.Curve([(1, 3)], kind=sp.CurveKind.STEPS, below="0.5")
        assert (curve(D("0.99")), curve(D(1))) == (D("0.5"), D(3))

    def test_floor_and_cap_apply_to_steps_too(self) -> None:
        curve = sp.Curve([("0.5", 1), (1, 3)], kind=sp.CurveKind.STEPS, floor="0.2", cap=2)
        assert [curve(D(x)) for x in ("0", "0.5", "1")] == [D("0.2"), D(1), D(2)]


class TestCurveDefinition:
    def test_every_problem_is_reported_at_once(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.Curve([(0, 0), (1, 1), (1, 2), ("0.5", 3)], floor=2, cap=1)
        assert [str(p) for p in err.value.problems] == [
            "curve.points[2]: x must be above 1, got 1",
            "curve.points[3]: x must be above 1, got 0.5",
            "curve.cap: must not be below floor 2, got 1",
        ]

    def test_a_curve_needs_a_point(self) -> None:
        with pytest.raises(sp.DefinitionError, match=r"curve.points: needs at least one point"):
            sp.Curve([])

    def test_a_float_point_is_refused(self) -> None:
        with pytest.raises(sp.DefinitionError, match=r"points.y: .*float 0.5"):
            sp.Curve([(0, 0.5)])

    def test_a_curve_is_an_immutable_value(self) -> None:
        assert sp.Curve([(0, 0), (1, 1)]) == sp.Curve([("0", "0"), ("1", "1")])
        assert hash(sp.Curve([(0, 0)])) == hash(sp.Curve([(0, 0)]))


FIVE_POINT = sp.RatingScale([
    sp.RatingBand("1"), sp.RatingBand("2", "0.7"), sp.RatingBand("3", "0.9"),
    sp.RatingBand("4", "1.1"), sp.RatingBand("5", "1.25"),
])
WORDS = sp.RatingScale([sp.RatingBand("below"), sp.RatingBand("meets", "0.95"),
                        sp.RatingBand("exceeds", "1.1")])


class TestRatingScale:
    @pytest.mark.parametrize(
        ("scale", "score", "rating"),
        [
            (FIVE_POINT, "-1", "1"), (FIVE_POINT, "0.6999", "1"), (FIVE_POINT, "0.7", "2"),
            (FIVE_POINT, "0.9", "3"), (FIVE_POINT, "1.0999", "3"), (FIVE_POINT, "1.1", "4"),
            (FIVE_POINT, "1.25", "5"), (FIVE_POINT, "4", "5"),
            (WORDS, "0.94", "below"), (WORDS, "0.95", "meets"), (WORDS, "1.1", "exceeds"),
        ],
    )
    def test_a_score_on_a_band_boundary_belongs_to_that_band(
        self, scale: sp.RatingScale, score: str, rating: str,
    ) -> None:
        assert scale.rate(D(score)) == rating

    def test_a_score_below_a_closed_first_band_is_an_error(self) -> None:
        scale = sp.RatingScale([sp.RatingBand("meets", "0.9"), sp.RatingBand("exceeds", "1.1")])
        assert scale.rate(D("0.9")) == "meets"
        with pytest.raises(sp.DefinitionError, match=r"no band covers the score 0.5"):
            scale.rate(D("0.5"))

    def test_every_problem_with_the_bands_is_reported_at_once(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.RatingScale([sp.RatingBand("a"), sp.RatingBand("b", "1"), sp.RatingBand("c", "1"),
                            sp.RatingBand("d"), sp.RatingBand("e", "0.5")])
        assert [str(p) for p in err.value.problems] == [
            "rating_scale.bands[2].lower: must be above 1, got 1",
            "rating_scale.bands[3].lower: only the first band may be open below",
            "rating_scale.bands[4].lower: must be above 1, got 0.5",
        ]

    def test_a_scale_needs_a_band(self) -> None:
        with pytest.raises(sp.DefinitionError, match=r"needs at least one band"):
            sp.RatingScale([])


def ranking(values: dict[str, str], **kwargs: object) -> list[tuple[str, int, str]]:
    entries = sp.rank({k: D(v) for k, v in values.items()}, **kwargs)  # type: ignore[arg-type]
    return [(r.id, r.rank, str(r.percentile)) for r in entries]


THIRD = "0.3333333333333333333333333333333333"


class TestRank:
    def test_best_first_with_ties_sharing_a_rank_and_ordered_by_id(self) -> None:
        assert ranking({"dee": "1", "cy": "5", "ben": "9", "ana": "5"}) == [
            ("ben", 1, "1"), ("ana", 2, THIRD), ("cy", 2, THIRD), ("dee", 4, "0"),
        ]

    def test_ascending_when_lower_is_better(self) -> None:
        assert ranking({"ana": "5", "ben": "9", "cy": "5", "dee": "1"}, descending=False) == [
            ("dee", 1, "1"), ("ana", 2, THIRD), ("cy", 2, THIRD), ("ben", 4, "0"),
        ]

    def test_tie_breaks_order_ties_but_do_not_split_their_rank(self) -> None:
        revenue = {"ana": D(100), "cy": D(300)}
        assert ranking({"ana": "5", "cy": "5", "ben": "7"}, tie_break=[revenue]) == [
            ("ben", 1, "1"), ("cy", 2, "0"), ("ana", 2, "0"),
        ]

    def test_a_later_tie_break_decides_only_when_earlier_ones_tie(self) -> None:
        first = {"ana": D(1), "ben": D(1), "cy": D(2)}
        second = {"ana": D(1), "ben": D(9)}
        order = [r.id for r in sp.rank({p: D(0) for p in ("ana", "ben", "cy")},
                                       tie_break=[first, second])]
        assert order == ["cy", "ben", "ana"]

    def test_one_entry_is_the_best_and_no_entries_is_an_empty_board(self) -> None:
        assert ranking({"ana": "3"}) == [("ana", 1, "1")]
        assert sp.rank({}) == []

    def test_values_that_differ_beyond_28_digits_are_not_ties(self) -> None:
        # Renormalised scores carry 34 digits; the thread's default context has only 28.
        low, high = D("0.33333333333333333333333333331"), D("0.33333333333333333333333333332")
        board = sp.rank({"ana": low, "ben": high})
        assert [(r.id, r.rank) for r in board] == [("ben", 1), ("ana", 2)]
        assert [(r.id, r.rank) for r in sp.rank({"ana": low, "ben": high},
                                                descending=False)] == [("ana", 1), ("ben", 2)]
