"""Scoring: attainment, scoring curves, rating scales and rankings."""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from salesperf._errors import DefinitionError, Problem
from salesperf._money import DECIMAL_CONTEXT, to_decimal

__all__ = [
    "Curve",
    "CurveKind",
    "Direction",
    "Ranked",
    "RatingBand",
    "RatingScale",
    "attainment",
    "rank",
]

_ONE = Decimal(1)
_ZERO = Decimal(0)


class Direction(enum.Enum):
    """Whether more of a metric is better (revenue) or less is (churn, days to close)."""

    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


def attainment(actual: Decimal, target: Decimal,
               direction: Direction = Direction.HIGHER_IS_BETTER) -> Decimal:
    """How far `actual` went towards `target`, as an exact fraction (1 = 100 %).

    Higher is better: ``actual / target``. Lower is better, the ratio inverted linearly:
    ``(2 × target − actual) / target``, never below 0 — so 10 % under a lower-is-better
    target is 110 %, 10 % over it is 90 %, and an actual of 0 is 200 %.

    A zero target has no ratio: attainment is 100 % when the actual meets it (≥ 0 when higher
    is better, ≤ 0 when lower is better) and 0 % otherwise.

    >>> attainment(Decimal(130_000), Decimal(100_000))
    Decimal('1.3')
    >>> attainment(Decimal(18), Decimal(20), Direction.LOWER_IS_BETTER)
    Decimal('1.1')
    >>> attainment(Decimal(3), Decimal(0))
    Decimal('1')
    """
    if target == 0:
        meets = actual >= 0 if direction is Direction.HIGHER_IS_BETTER else actual <= 0
        return _ONE if meets else _ZERO
    if target < 0:
        raise DefinitionError([Problem("target", f"must not be negative, got {target}")])
    if direction is Direction.HIGHER_IS_BETTER:
        return DECIMAL_CONTEXT.divide(actual, target)
    twice = DECIMAL_CONTEXT.multiply(2, target)
    return max(_ZERO, DECIMAL_CONTEXT.divide(DECIMAL_CONTEXT.subtract(twice, actual), target))


class CurveKind(enum.Enum):
    """How a curve maps between its points."""

    LINEAR = "linear"  # straight lines between points
    STEPS = "steps"  # the value of the highest point reached; a value on a point takes it


def _points(values: Iterable[tuple[object, object]]) -> tuple[tuple[Decimal, Decimal], ...]:
    return tuple((to_decimal(x, path="points.x"), to_decimal(y, path="points.y"))
                 for x, y in values)


def _optional(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value)


@attrs.frozen
class Curve:
    """Maps an input (usually attainment) to an output (a score or a payout percentage).

    ``points`` are ``(x, y)`` pairs with strictly increasing x. Below the first point the
    curve gives the first y (a STEPS curve gives ``below``); above the last point it gives
    the last y unless ``extrapolate`` extends the last segment's slope. ``floor`` and ``cap``
    then bound the result.

    >>> payout = Curve([(0, 0), (1, 1), (2, "2.5")], extrapolate=True)
    >>> payout(Decimal("1.3")), payout(Decimal("0.4")), payout(Decimal(3))
    (Decimal('1.45'), Decimal('0.4'), Decimal('4.0'))
    >>> steps = Curve([("0.5", 1), (1, 3), ("1.25", 5)], kind=CurveKind.STEPS)
    >>> steps(Decimal("0.49")), steps(Decimal(1)), steps(Decimal(2))
    (Decimal('0'), Decimal('3'), Decimal('5'))
    """

    points: tuple[tuple[Decimal, Decimal], ...] = attrs.field(converter=_points)
    kind: CurveKind = CurveKind.LINEAR
    floor: Decimal | None = attrs.field(default=None, converter=_optional)
    cap: Decimal | None = attrs.field(default=None, converter=_optional)
    extrapolate: bool = False
    below: Decimal = attrs.field(default=_ZERO, converter=to_decimal)
    _xs: tuple[Decimal, ...] = attrs.field(init=False, repr=False, eq=False)

    @_xs.default
    def _xs_default(self) -> tuple[Decimal, ...]:
        return tuple(x for x, _ in self.points)

    def __attrs_post_init__(self) -> None:
        problems = self.problems("curve")
        if problems:
            raise DefinitionError(problems)

    def problems(self, path: str) -> list[Problem]:
        out = [
            Problem(f"{path}.points[{i}]", f"x must be above {self.points[i - 1][0]}, "
                    f"got {self.points[i][0]}")
            for i in range(1, len(self.points)) if self.points[i][0] <= self.points[i - 1][0]
        ]
        if not self.points:
            out.append(Problem(f"{path}.points", "needs at least one point"))
        if self.floor is not None and self.cap is not None and self.cap < self.floor:
            out.append(Problem(f"{path}.cap", f"must not be below floor {self.floor}, "
                               f"got {self.cap}"))
        return out

    def __call__(self, x: Decimal) -> Decimal:
        y = self._raw(x)
        if self.floor is not None and y < self.floor:
            y = self.floor
        if self.cap is not None and y > self.cap:
            y = self.cap
        return y

    def _raw(self, x: Decimal) -> Decimal:
        xs, pts = self._xs, self.points
        i = bisect.bisect_right(xs, x)  # points[:i] have x <= value
        if self.kind is CurveKind.STEPS:
            return pts[i - 1][1] if i else self.below
        if i == 0:
            # Only the upside extrapolates (as documented): extending the first segment
            # below a threshold point such as (0.5, 0) would give negative scores.
            return pts[0][1]
        if i == len(pts):
            if self.extrapolate and len(pts) > 1:
                return _line(pts[-2], pts[-1], x)
            return pts[-1][1]
        return _line(pts[i - 1], pts[i], x)


def _line(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal], x: Decimal) -> Decimal:
    (x0, y0), (x1, y1) = a, b
    # Multiply before dividing: a rounded slope would make a point's own y inexact (0.3 came
    # out as 0.3000000000000000000000000000000000) and could overshoot the next point.
    c = DECIMAL_CONTEXT
    rise = c.multiply(c.subtract(y1, y0), c.subtract(x, x0))
    return c.add(y0, c.divide(rise, c.subtract(x1, x0)))


@attrs.frozen
class RatingBand:
    """A named band of a rating scale starting at `lower` (None: no lower bound)."""

    rating: str
    lower: Decimal | None = attrs.field(default=None, converter=_optional)


def _bands(values: Iterable[RatingBand]) -> tuple[RatingBand, ...]:
    return tuple(values)


@attrs.frozen
class RatingScale:
    """Named bands over a score; a score on a band's lower bound belongs to that band.

    >>> scale = RatingScale([RatingBand("1"), RatingBand("2", "0.7"), RatingBand("3", "0.9"),
    ...                      RatingBand("4", "1.1"), RatingBand("5", "1.25")])
    >>> scale.rate(Decimal("0.69")), scale.rate(Decimal("0.7")), scale.rate(Decimal("1.3"))
    ('1', '2', '5')
    """

    bands: tuple[RatingBand, ...] = attrs.field(converter=_bands)

    def __attrs_post_init__(self) -> None:
        problems = []
        if not self.bands:
            problems.append(Problem("rating_scale.bands", "needs at least one band"))
        previous: Decimal | None = None
        for i, band in enumerate(self.bands):
            if band.lower is None and i > 0:
                problems.append(Problem(f"rating_scale.bands[{i}].lower",
                                        "only the first band may be open below"))
            elif band.lower is not None and previous is not None and band.lower <= previous:
                problems.append(Problem(f"rating_scale.bands[{i}].lower",
                                        f"must be above {previous}, got {band.lower}"))
            previous = band.lower if band.lower is not None else previous
        if problems:
            raise DefinitionError(problems)

    def rate(self, score: Decimal) -> str:
        """The rating of the band that holds `score`."""
        found = None
        for band in self.bands:
            if band.lower is None or score >= band.lower:
                found = band
            else:
                break
        if found is None:
            raise DefinitionError([Problem("rating_scale", f"no band covers the score {score}; "
                                           "open the first band below (lower=None)")])
        return found.rating


@attrs.frozen
class Ranked:
    """One entry of a ranking: position (ties share it), percentile, and the value."""

    id: str
    value: Decimal
    rank: int
    percentile: Decimal


def rank(values: Mapping[str, Decimal], *, descending: bool = True,
         tie_break: Sequence[Mapping[str, Decimal]] = ()) -> list[Ranked]:
    """A leaderboard: best first, ties sharing a rank (1, 2, 2, 4), order fully deterministic.

    Ties are ordered by each `tie_break` value in turn (higher first when `descending`), then
    by id. The percentile is the share of the others with a strictly worse value (1 = best).

    >>> [(r.id, r.rank, str(r.percentile)) for r in rank(
    ...     {"ana": Decimal(5), "ben": Decimal(9), "cy": Decimal(5), "dee": Decimal(1)})]
    [('ben', 1, '1'), ('ana', 2, '0.3333333333333333333333333333333333'), \
('cy', 2, '0.3333333333333333333333333333333333'), ('dee', 4, '0')]
    """
    def signed(value: Decimal) -> Decimal:
        # copy_negate is exact; `-1 * value` would round to the thread's context (28 digits)
        # and sort values that differ further down as ties.
        return value.copy_negate() if descending else value

    def key(item: tuple[str, Decimal]) -> tuple[object, ...]:
        pid, value = item
        extra = tuple(signed(t.get(pid, _ZERO)) for t in tie_break)
        return (signed(value), *extra, pid)

    ordered = sorted(values.items(), key=key)
    ascending = sorted(values.values())
    n = len(ordered)
    out = []
    for pid, value in ordered:
        below = bisect.bisect_left(ascending, value)
        above = n - bisect.bisect_right(ascending, value)
        ahead, worse = (above, below) if descending else (below, above)
        pct = _ONE if n == 1 else DECIMAL_CONTEXT.divide(Decimal(worse), Decimal(n - 1))
        out.append(Ranked(pid, value, ahead + 1, pct))
    return out
