"""Review cycles: one person's period, scored from weighted parts, and calibrated across a team.

A review combines the scorecard result with the ratings of a manager, the person themself and
peers on a template's competencies. Each part has a weight (weights are relative shares, so
70/30, 0.7/0.3 and 1/1/1 all work) and a missing-part policy, the scorecard's own
`MissingData`. `calibration` compares a team's ratings with a target distribution.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

import attrs

from salesperf._errors import DataError, DefinitionError, Problem
from salesperf._goals import MissingData, ScorecardResult
from salesperf._metrics import exact_sum
from salesperf._money import DECIMAL_CONTEXT, RoundingMode, plain, to_decimal
from salesperf._periods import Period
from salesperf._scoring import Curve, RatingScale

__all__ = [
    "Assessment",
    "Competency",
    "CompetencyRating",
    "PartResult",
    "ReviewPart",
    "ReviewResult",
    "ReviewScale",
    "ReviewTemplate",
    "Role",
    "PartSource",
    "review",
]

_ONE = Decimal(1)
_ZERO = Decimal(0)


def _decimal(value: object) -> Decimal:
    return to_decimal(value, path="value")


def _optional(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value)


def mean(values: Iterable[Decimal]) -> Decimal:
    """The exact mean, summed in sorted order so that no input order changes the result."""
    ordered = sorted(values)
    return DECIMAL_CONTEXT.divide(exact_sum(ordered), len(ordered))


class Role(enum.Enum):
    """Who gave an assessment."""

    MANAGER = "manager"
    SELF = "self"
    PEER = "peer"


class PartSource(enum.Enum):
    """Where a review part's value comes from."""

    SCORECARD = "scorecard"  # the period's scorecard score (through the part's curve, if any)
    MANAGER = "manager"  # the manager's competency ratings
    SELF = "self"  # the person's own competency ratings
    PEERS = "peers"  # the mean of the peers' competency ratings


_ROLE_OF = {PartSource.MANAGER: Role.MANAGER, PartSource.SELF: Role.SELF,
            PartSource.PEERS: Role.PEER}


@attrs.frozen
class Competency:
    """A skill or behaviour the review rates; `weight` is its share among the competencies."""

    id: str
    weight: Decimal = attrs.field(default=_ONE, converter=_decimal)
    description: str = ""


@attrs.frozen
class ReviewPart:
    """One weighted part of a review and what happens when it has no value.

    `curve` maps the part's raw value onto the review scale (a scorecard score of 0..1.5 onto
    1..5, say); without one the raw value is used as it is.
    """

    source: PartSource
    weight: Decimal = attrs.field(converter=_decimal)
    missing: MissingData = MissingData.RENORMALISE
    curve: Curve | None = None


@attrs.frozen
class ReviewScale:
    """The range ratings are given on, how a final score is rounded, and its rating bands.

    `step` rounds the final score to a multiple of itself (0.1 gives 3.5 for 3.5333…) with
    `rounding`; None leaves it exact. `ratings` names bands over the final score.
    """

    lowest: Decimal = attrs.field(converter=_decimal)
    highest: Decimal = attrs.field(converter=_decimal)
    step: Decimal | None = attrs.field(default=None, converter=_optional)
    rounding: RoundingMode = RoundingMode.HALF_UP
    ratings: RatingScale | None = None

    def __attrs_post_init__(self) -> None:
        problems = []
        if self.highest <= self.lowest:
            problems.append(Problem("highest", f"must be above lowest {self.lowest}, "
                                    f"got {self.highest}"))
        if self.step is not None and self.step <= 0:
            problems.append(Problem("step", f"must be above 0, got {self.step}"))
        if problems:
            raise DefinitionError(problems)

    def round(self, score: Decimal) -> Decimal:
        """`score` rounded to the scale's step (exact when it has none)."""
        if self.step is None:
            return score
        steps = DECIMAL_CONTEXT.divide(score, self.step).quantize(
            _ONE, rounding=self.rounding.value, context=DECIMAL_CONTEXT)
        return plain(DECIMAL_CONTEXT.multiply(steps, self.step))


def _parts(values: Iterable[ReviewPart]) -> tuple[ReviewPart, ...]:
    return tuple(values)


def _competencies(values: Iterable[Competency]) -> tuple[Competency, ...]:
    return tuple(values)


def _weighted(name: str, items: Iterable[tuple[Decimal, str]], key_name: str,
              repeated: str) -> list[Problem]:
    """The problems of a list of weighted items with keys: a weight not above 0, and a key
    given again (`repeated` says so, with ``{key}``)."""
    problems = []
    seen: set[str] = set()
    for i, (weight, key) in enumerate(items):
        if weight <= 0:
            problems.append(Problem(f"{name}[{i}].weight", f"must be above 0, got {weight}"))
        if key in seen:
            problems.append(Problem(f"{name}[{i}].{key_name}", repeated.format(key=key)))
        seen.add(key)
    return problems


@attrs.frozen
class ReviewTemplate:
    """How a review cycle scores a person: its parts, competencies and scale.

    >>> t = ReviewTemplate("h1", [ReviewPart(PartSource.SCORECARD, 70),
    ...                           ReviewPart(PartSource.SCORECARD, 30)],
    ...                    [Competency("a")], ReviewScale(0, 1))
    Traceback (most recent call last):
    ...
    salesperf._errors.DefinitionError: parts[1].source: the scorecard part appears twice
    """

    id: str
    parts: tuple[ReviewPart, ...] = attrs.field(converter=_parts)
    competencies: tuple[Competency, ...] = attrs.field(converter=_competencies)
    scale: ReviewScale
    description: str = ""

    def __attrs_post_init__(self) -> None:
        problems = _weighted("parts", [(p.weight, p.source.value) for p in self.parts],
                             "source", "the {key} part appears twice")
        if not self.parts:
            problems.append(Problem("parts", "needs at least one part"))
        problems += _weighted("competencies", [(c.weight, c.id) for c in self.competencies],
                              "id", "duplicate competency {key!r}")
        if any(p.source is not PartSource.SCORECARD for p in self.parts) and (
                not self.competencies):
            problems.append(Problem("competencies", "parts rated on competencies need at "
                                    "least one competency"))
        if problems:
            raise DefinitionError(problems)


@attrs.frozen
class CompetencyRating:
    """One rating of one competency."""

    competency: str
    value: Decimal = attrs.field(converter=_decimal)


def _ratings(values: Iterable[CompetencyRating]) -> tuple[CompetencyRating, ...]:
    return tuple(values)


@attrs.frozen
class Assessment:
    """One rater's ratings of a person's competencies for a period."""

    person: str
    rater: str
    role: Role
    ratings: tuple[CompetencyRating, ...] = attrs.field(converter=_ratings)
    comment: str = ""


@attrs.frozen
class PartResult:
    """A review part's value, the weight it counted with, and how it was found."""

    source: PartSource
    value: Decimal | None
    weight: Decimal
    explanation: str


@attrs.frozen
class ReviewResult:
    """A person's review: exact and rounded score, rating, every part, and the self gap.

    `gap` is the self-assessment minus the manager's (positive: the person rates themself
    higher); `competency_gaps` gives it per competency rated by both.
    """

    template: str
    person: str
    period: Period
    score: Decimal | None
    final: Decimal | None
    rating: str | None
    parts: tuple[PartResult, ...]
    gap: Decimal | None
    competency_gaps: tuple[tuple[str, Decimal], ...]
    explanation: str


def _rater_value(template: ReviewTemplate, assessment: Assessment, where: str
                 ) -> tuple[Decimal, dict[str, Decimal]]:
    """A rater's weighted mean over the competencies they rated, and each rating."""
    weights = {c.id: c.weight for c in template.competencies}
    scale = template.scale
    given: dict[str, Decimal] = {}
    for i, r in enumerate(assessment.ratings):
        path = f"{where}.ratings[{i}]"
        if r.competency not in weights:
            raise DataError(assessment.rater, path, f"unknown competency {r.competency!r}; "
                            f"the template has {', '.join(weights)}")
        if r.competency in given:
            raise DataError(assessment.rater, path, f"{r.competency!r} is rated twice")
        if not scale.lowest <= r.value <= scale.highest:
            raise DataError(assessment.rater, path, f"must be from {scale.lowest} to "
                            f"{scale.highest}, got {r.value}")
        given[r.competency] = r.value
    if not given:
        raise DataError(assessment.rater, f"{where}.ratings", "rates no competency")
    total = exact_sum(sorted(weights[c] for c in given))
    weighted = exact_sum(sorted(DECIMAL_CONTEXT.multiply(weights[c], v) for c, v in
                                given.items()))
    return DECIMAL_CONTEXT.divide(weighted, total), given


def review(template: ReviewTemplate, person: str, period: Period, *,
           scorecard: ScorecardResult | Decimal | None = None,
           assessments: Iterable[Assessment] = ()) -> ReviewResult:
    """Score one person's review for a period from the template's weighted parts.

    `scorecard` is the period's `ScorecardResult` (or its score). `assessments` are the
    manager's, the person's own and peers' ratings; those of other people are ignored. A
    part without a value follows its `missing` policy: RENORMALISE drops it and scales the
    others, ZERO counts it as 0, FAIL raises a `DataError` naming the person and the part.

    >>> from salesperf._periods import CalendarYear
    >>> t = ReviewTemplate("h1", [ReviewPart(PartSource.SCORECARD, "0.7"),
    ...                           ReviewPart(PartSource.MANAGER, "0.3")],
    ...                    [Competency("prospecting")], ReviewScale(0, 1))
    >>> r = review(t, "ana", CalendarYear().parse("2026-H1"), scorecard=Decimal("0.90"),
    ...            assessments=[Assessment("ana", "mia", Role.MANAGER,
    ...                                    [CompetencyRating("prospecting", "0.60")])])
    >>> r.final
    Decimal('0.81')
    >>> print(r.explanation)
    ana 2026-H1 review h1 = (0.7 × 0.90 (scorecard) + 0.3 × 0.60 (manager)) / 1.0 = 0.81
    """
    own = sorted((a for a in assessments if a.person == person),
                 key=lambda a: (a.role.value, a.rater))
    by_role: dict[Role, list[tuple[Assessment, Decimal, dict[str, Decimal]]]] = {}
    for a in own:
        rated, given = _rater_value(template, a, f"assessments[{a.rater!r}]")
        by_role.setdefault(a.role, []).append((a, rated, given))
    for (said, rater), n in sorted(Counter((a.role.value, a.rater) for a in own).items()):
        if n > 1:
            raise DataError(rater, "assessments", f"{rater!r} gave {person!r} {n} {said} "
                            f"assessments for {period}; give one")
    for role in (Role.MANAGER, Role.SELF):
        if len(by_role.get(role, ())) > 1:
            raise DataError(person, "assessments", f"{person!r} has "
                            f"{len(by_role[role])} {role.value} assessments for {period}; "
                            "give one")
    raw: dict[PartSource, tuple[Decimal | None, str]] = {}
    for part in template.parts:
        if part.source is PartSource.SCORECARD:
            card = scorecard.score if isinstance(scorecard, ScorecardResult) else scorecard
            what = (f"scorecard {scorecard.scorecard}" if isinstance(scorecard, ScorecardResult)
                    else "scorecard")
            raw[part.source] = (card, f"{what} score {card}" if card is not None
                                else "no scorecard score")
        else:
            found = by_role.get(_ROLE_OF[part.source], [])
            if not found:
                raw[part.source] = (None, f"no {part.source.value} assessment")
            elif part.source is PartSource.PEERS:
                peers = mean(v for _, v, _ in found)
                raw[part.source] = (peers, f"mean of {len(found)} peers = {peers}")
            else:
                a, rated, _ = found[0]
                raw[part.source] = (rated, f"{a.rater}'s ratings = {rated}")
    results: list[PartResult] = []
    weighted: list[tuple[Decimal, Decimal]] = []
    terms: list[str] = []
    dropped: list[str] = []
    for part in template.parts:
        value, how = raw[part.source]
        if value is not None and part.curve is not None:
            mapped = part.curve(value)
            how = f"{how}, curve({value}) = {mapped}"
            value = mapped
        if value is None:
            if part.missing is MissingData.FAIL:
                raise DataError(person, f"review[{template.id!r}].parts[{part.source.value!r}]",
                                f"{how} for {period} and the part's policy is to fail")
            if part.missing is MissingData.ZERO:
                weighted.append((part.weight, _ZERO))
                terms.append(f"{part.weight} × 0 ({part.source.value}, none)")
                results.append(PartResult(part.source, None, part.weight, f"{how}: counts 0"))
            else:
                dropped.append(part.source.value)
                results.append(PartResult(part.source, None, _ZERO,
                                          f"{how}: left out, the others renormalised"))
            continue
        weighted.append((part.weight, value))
        terms.append(f"{part.weight} × {value} ({part.source.value})")
        results.append(PartResult(part.source, value, part.weight, how))
    gap, competency_gaps = _gaps(by_role)
    head = f"{person} {period} review {template.id}"
    total = exact_sum(sorted(w for w, _ in weighted))
    if total == 0:
        return ReviewResult(template.id, person, period, None, None, None, tuple(results), gap,
                            competency_gaps, f"{head}: no part has a value, so no score")
    score = DECIMAL_CONTEXT.divide(
        exact_sum(sorted(DECIMAL_CONTEXT.multiply(w, v) for w, v in weighted)), total)
    final = template.scale.round(score)
    scale = template.scale.ratings
    rating = scale.rate(final) if scale is not None else None
    text = f"{head} = ({' + '.join(terms)}) / {total} = {score}"
    if final != score:
        text += f", rounded to {final}"
    if dropped:
        text += f" (without {', '.join(dropped)})"
    if rating is not None:
        text += f"; rating {rating}"
    if gap is not None:
        text += f"; self − manager = {gap}"
    return ReviewResult(template.id, person, period, score, final, rating, tuple(results), gap,
                        competency_gaps, text)


def _gaps(by_role: dict[Role, list[tuple[Assessment, Decimal, dict[str, Decimal]]]]
          ) -> tuple[Decimal | None, tuple[tuple[str, Decimal], ...]]:
    if Role.SELF not in by_role or Role.MANAGER not in by_role:
        return None, ()
    _, own, own_given = by_role[Role.SELF][0]
    _, theirs, their_given = by_role[Role.MANAGER][0]
    per = tuple((c, DECIMAL_CONTEXT.subtract(own_given[c], their_given[c]))
                for c in sorted(own_given.keys() & their_given.keys()))
    return DECIMAL_CONTEXT.subtract(own, theirs), per
