"""Feedback: dated notes from a manager or a peer, and the checks that keep them useful.

Good feedback is specific (tied to a goal, a metric or records) and timely (given while the
numbers it is about are fresh). `check_feedback` reports, as `Finding` values, a concern that
links no evidence and a person whose attainment fell without recent feedback.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from salesperf._goals import Finding, Severity
from salesperf._people.reviews import Role
from salesperf._people.trends import Trend

__all__ = ["Feedback", "FeedbackKind", "check_feedback"]


class FeedbackKind(enum.Enum):
    """What a note is: praise, a concern (which should link its evidence), or coaching."""

    PRAISE = "praise"
    CONCERN = "concern"
    COACHING = "coaching"


def _ids(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class Feedback:
    """A dated note about a person, tied to the goals, metrics or records it is about."""

    id: str
    person: str
    author: str
    role: Role
    date: dt.date
    kind: FeedbackKind
    text: str = ""
    goals: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    metrics: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    records: tuple[str, ...] = attrs.field(default=(), converter=_ids)

    @property
    def evidence(self) -> tuple[str, ...]:
        """Every link, written ``goal:…``, ``metric:…`` or ``record:…``."""
        return (*(f"goal:{g}" for g in self.goals), *(f"metric:{m}" for m in self.metrics),
                *(f"record:{r}" for r in self.records))


def check_feedback(feedback: Iterable[Feedback], *, as_of: dt.date,
                   attainment: Iterable[Trend] = (), within_days: int = 30) -> list[Finding]:
    """Report feedback that is not specific, and people whose falling numbers went unremarked.

    - not specific: a concern that links no goal, metric or record;
    - not timely: a person whose attainment `Trend` fell in its last period and who has had
      no feedback in the `within_days` days up to `as_of` (feedback after `as_of` does not
      count: the host passes the date, salesperf never reads the clock).

    Findings are warnings, sorted by path, whatever the order of the inputs.

    >>> from salesperf._people.trends import trend
    >>> from salesperf._periods import CalendarYear
    >>> cal = CalendarYear()
    >>> fell = trend("ben", "attainment", {cal.parse("2026-Q1"): Decimal("1.1"),
    ...                                    cal.parse("2026-Q2"): Decimal("0.8")})
    >>> note = Feedback("F-1", "ben", "mia", Role.MANAGER, dt.date(2026, 5, 2),
    ...                 FeedbackKind.CONCERN, "pipeline looks thin")
    >>> for f in check_feedback([note], as_of=dt.date(2026, 7, 3), attainment=[fell]):
    ...     print(f)
    warning: feedback['F-1']: a concern with no linked goal, metric or record is not specific
    warning: person['ben']: attainment fell from 1.1 in 2026-Q1 to 0.8 in 2026-Q2, and the \
last feedback (F-1 on 2026-05-02) is 62 days old, more than 30
    """
    notes = sorted(feedback, key=lambda f: (f.date, f.id))
    found = [Finding(Severity.WARNING, f"feedback[{f.id!r}]", "a concern with no linked goal, "
                     "metric or record is not specific")
             for f in notes if f.kind is FeedbackKind.CONCERN and not f.evidence]
    for t in sorted(attainment, key=lambda t: t.subject):
        if not t.fell:
            continue
        (p0, v0), (p1, v1) = t.last_two
        why = f"attainment fell from {v0} in {p0} to {v1} in {p1}"
        given = [f for f in notes if f.person == t.subject and f.date <= as_of]
        if not given:
            found.append(Finding(Severity.WARNING, f"person[{t.subject!r}]",
                                 f"{why}, and there is no feedback"))
            continue
        last = given[-1]
        age = (as_of - last.date).days
        if age > within_days:
            found.append(Finding(Severity.WARNING, f"person[{t.subject!r}]",
                                 f"{why}, and the last feedback ({last.id} on {last.date}) is "
                                 f"{age} days old, more than {within_days}"))
    return sorted(found, key=lambda f: (f.path, f.message))
