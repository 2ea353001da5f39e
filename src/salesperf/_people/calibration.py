"""Calibration: a team's review ratings against a target distribution, and who would move.

Calibration never changes a review: it lists the people who would move, and why, for the
managers who calibrate to decide.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

import attrs

from salesperf._errors import DefinitionError, Problem
from salesperf._money import DECIMAL_CONTEXT, plain, to_decimal
from salesperf._people.reviews import ReviewResult
from salesperf._scoring import RatingScale

__all__ = ["BandCount", "BandTarget", "Calibration", "Move", "calibrate"]

_ONE = Decimal(1)
_ZERO = Decimal(0)


def _optional(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _short(value: Decimal) -> str:
    return str(plain(value.normalize(DECIMAL_CONTEXT)))


@attrs.frozen
class BandTarget:
    """The share of a team a rating should hold: at most and/or at least (0.15 = 15 %)."""

    rating: str
    at_most: Decimal | None = attrs.field(default=None, converter=_optional)
    at_least: Decimal | None = attrs.field(default=None, converter=_optional)

    def __attrs_post_init__(self) -> None:
        problems = [Problem(name, f"must be from 0 to 1, got "
                            f"{value}") for name, value in (("at_most", self.at_most),
                                                            ("at_least", self.at_least))
                    if value is not None and not _ZERO <= value <= _ONE]
        if self.at_most is not None and self.at_least is not None and (
                self.at_least > self.at_most):
            problems.append(Problem("at_least", "must not be above "
                                    f"at_most {self.at_most}, got {self.at_least}"))
        if problems:
            raise DefinitionError(problems)


@attrs.frozen
class Move:
    """A person calibration would move from one rating to another, and why."""

    person: str
    score: Decimal
    from_rating: str
    to_rating: str
    reason: str


@attrs.frozen
class BandCount:
    """How many people a rating holds before and after the proposed moves."""

    rating: str
    before: int
    after: int
    share_before: Decimal
    share_after: Decimal
    target: str


@attrs.frozen
class Calibration:
    """A team's rating distribution against its targets, with the moves that would meet them.

    Nothing is moved: `moves` lists proposals for the people who calibrate.
    """

    bands: tuple[BandCount, ...]
    moves: tuple[Move, ...]
    explanation: str

    @property
    def within_targets(self) -> bool:
        """Whether the ratings as given already meet every target."""
        return not self.moves


def _share(n: int, total: int) -> Decimal:
    return _ZERO if total == 0 else DECIMAL_CONTEXT.divide(Decimal(n), Decimal(total))


def calibrate(reviews: Iterable[ReviewResult], scale: RatingScale,
              targets: Iterable[BandTarget]) -> Calibration:
    """Compare a team's ratings with target shares and list who would move to meet them.

    A rating over its `at_most` share gives up its lowest-scoring people (ties broken by id)
    to the rating below, which may in turn pass some on; a rating under its `at_least` share
    takes the highest-scoring people of the rating below it. Reviews without a final score
    are not counted. The reviews are never changed.

    >>> from salesperf._scoring import RatingBand
    >>> scale = RatingScale([RatingBand("meets"), RatingBand("exceeds", 4)])
    >>> from salesperf._periods import CalendarYear
    >>> h1 = CalendarYear().parse("2026-H1")
    >>> def r(p, s):
    ...     return ReviewResult("t", p, h1, Decimal(s), Decimal(s), scale.rate(Decimal(s)), (),
    ...                         None, (), "")
    >>> c = calibrate([r("ana", "4.5"), r("ben", "4.1"), r("cy", "3")], scale,
    ...               [BandTarget("exceeds", at_most="0.34")])
    >>> [(m.person, m.from_rating, m.to_rating) for m in c.moves]
    [('ben', 'exceeds', 'meets')]
    """
    order = [b.rating for b in scale.bands]  # lowest first
    wanted: dict[str, BandTarget] = {}
    problems = []
    for t in targets:
        if t.rating not in order:
            problems.append(Problem(f"targets[{t.rating!r}]", f"no such rating; the scale has "
                                    f"{', '.join(order)}"))
        wanted[t.rating] = t
    scored = sorted(((r.person, r.final, r.rating) for r in reviews
                     if r.final is not None and r.rating is not None),
                    key=lambda x: (x[0], x[1]))
    for person, _, rating in scored:
        if rating not in order:
            problems.append(Problem(f"reviews[{person!r}].rating", f"{rating!r} is not on the "
                                    "calibration scale"))
    if problems:
        raise DefinitionError(problems)
    total = len(scored)
    now: dict[str, str] = {p: rating for p, _, rating in scored if rating is not None}
    score_of = {p: s for p, s, _ in scored if s is not None}
    moves: list[Move] = []

    def members(rating: str) -> list[str]:
        return sorted((p for p, r in now.items() if r == rating), key=lambda p: (score_of[p], p))

    for i in range(len(order) - 1, 0, -1):  # from the top down, so that moves cascade
        top = wanted.get(order[i])
        if top is None or top.at_most is None:
            continue
        allowed = int(DECIMAL_CONTEXT.multiply(top.at_most, Decimal(total)).to_integral_value(
            rounding="ROUND_FLOOR"))
        inside = members(order[i])
        for p in inside[:max(0, len(inside) - allowed)]:
            now[p] = order[i - 1]
            moves.append(Move(p, score_of[p], order[i], order[i - 1],
                              f"{order[i]} holds {len(inside)} of {total}; at most "
                              f"{_pct(top.at_most)} allows {allowed}, and {p} has one of its "
                              f"lowest scores ({score_of[p]})"))
    for i in range(1, len(order)):
        floor = wanted.get(order[i])
        if floor is None or floor.at_least is None:
            continue
        needed = int(DECIMAL_CONTEXT.multiply(floor.at_least, Decimal(total)).to_integral_value(
            rounding="ROUND_CEILING"))
        inside = members(order[i])
        below = sorted(members(order[i - 1]), key=lambda p: (-score_of[p], p))
        for p in below[:max(0, needed - len(inside))]:
            now[p] = order[i]
            moves.append(Move(p, score_of[p], order[i - 1], order[i],
                              f"{order[i]} holds {len(inside)} of {total}; at least "
                              f"{_pct(floor.at_least)} needs {needed}, and {p} has one of the "
                              f"highest scores below it ({score_of[p]})"))
    before = Counter(r for _, _, r in scored)
    after = Counter(now.values())
    bands = tuple(BandCount(rating, before[rating], after[rating],
                            _share(before[rating], total), _share(after[rating], total),
                            _describe(wanted.get(rating)))
                  for rating in order)
    text = (f"{total} reviews; " + "; ".join(f"{b.rating} {b.before} → {b.after}"
                                              for b in bands)
            + (f"; {len(moves)} would move" if moves else "; within every target"))
    return Calibration(bands, tuple(moves), text)


def _pct(value: Decimal) -> str:
    return f"{_short(DECIMAL_CONTEXT.multiply(value, Decimal(100)))} %"


def _describe(target: BandTarget | None) -> str:
    if target is None:
        return ""
    parts = []
    if target.at_least is not None:
        parts.append(f"at least {_pct(target.at_least)}")
    if target.at_most is not None:
        parts.append(f"at most {_pct(target.at_most)}")
    return ", ".join(parts)
