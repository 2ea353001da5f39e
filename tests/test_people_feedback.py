"""Feedback checks: specific (linked to evidence) and timely (given while numbers fall)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import salesperf as sp

CAL = sp.CalendarYear()
FELL = sp.trend("ben", "attainment", {CAL.parse("2026-Q1"): Decimal("1.1"),
                                      CAL.parse("2026-Q2"): Decimal("0.8")})
ROSE = sp.trend("ana", "attainment", {CAL.parse("2026-Q1"): Decimal("0.9"),
                                      CAL.parse("2026-Q2"): Decimal("1.2")})


def note(fid: str, person: str, day: dt.date, kind: sp.FeedbackKind,
         **links: tuple[str, ...]) -> sp.Feedback:
    return sp.Feedback(fid, person, "mia", sp.Role.MANAGER, day, kind, "", **links)


class TestSpecific:
    def test_a_concern_with_no_linked_evidence_is_not_specific(self) -> None:
        found = sp.check_feedback([note("F-1", "ben", dt.date(2026, 6, 1),
                                        sp.FeedbackKind.CONCERN)], as_of=dt.date(2026, 6, 2))
        assert [str(f) for f in found] == [
            ("warning: feedback['F-1']: a concern with no linked goal, metric or record is not "
            "specific")]

    def test_a_concern_linked_to_a_metric_or_records_is_specific(self) -> None:
        found = sp.check_feedback([
            note("F-1", "ben", dt.date(2026, 6, 1), sp.FeedbackKind.CONCERN,
                 metrics=("win rate",)),
            note("F-2", "ben", dt.date(2026, 6, 1), sp.FeedbackKind.CONCERN,
                 records=("B-3", "B-4")),
            note("F-3", "ben", dt.date(2026, 6, 1), sp.FeedbackKind.PRAISE)],
            as_of=dt.date(2026, 6, 2))
        assert found == []


class TestTimely:
    def test_falling_attainment_with_old_feedback_is_not_timely(self) -> None:
        found = sp.check_feedback([note("F-1", "ben", dt.date(2026, 5, 1),
                                        sp.FeedbackKind.COACHING)],
                                  as_of=dt.date(2026, 7, 3), attainment=[FELL, ROSE])
        assert [f.path for f in found] == ["person['ben']"]
        assert "is 63 days old, more than 30" in found[0].message

    def test_falling_attainment_with_no_feedback_at_all_is_reported(self) -> None:
        found = sp.check_feedback([], as_of=dt.date(2026, 7, 3), attainment=[FELL])
        assert found[0].message.endswith("and there is no feedback")

    def test_recent_feedback_is_timely_and_later_feedback_does_not_count(self) -> None:
        recent = note("F-1", "ben", dt.date(2026, 6, 20), sp.FeedbackKind.COACHING)
        later = note("F-2", "ben", dt.date(2026, 7, 10), sp.FeedbackKind.COACHING)
        assert sp.check_feedback([recent], as_of=dt.date(2026, 7, 3), attainment=[FELL]) == []
        assert sp.check_feedback([later], as_of=dt.date(2026, 7, 3), attainment=[FELL]) != []

    def test_the_window_is_the_host_s_choice(self) -> None:
        old = note("F-1", "ben", dt.date(2026, 5, 1), sp.FeedbackKind.COACHING)
        assert sp.check_feedback([old], as_of=dt.date(2026, 7, 3), attainment=[FELL],
                                 within_days=90) == []
