"""Goal and scorecard results as tables (`Table`) and as HTML for notebooks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from salesperf._html import html_table
from salesperf._table import Table

if TYPE_CHECKING:  # the results are defined by `_goals`, which reads this module
    from salesperf._goals import GoalResult, PerformanceReport, ScorecardResult

__all__ = ["GOAL_COLUMNS", "SCORECARD_COLUMNS", "goal_table", "report_html", "scorecard_html",
           "scorecard_table"]

#: A goal result's columns: on which scorecard (None for a standalone goal), whose, when,
#: the numbers, the rating, how many records counted and the explanation.
GOAL_COLUMNS = ("scorecard", "goal", "owner", "period", "actual", "target", "attainment",
                "score", "rating", "records", "explanation")
SCORECARD_COLUMNS = ("scorecard", "owner", "period", "score", "rating", "goals", "explanation")


def _goal_row(card: str | None, g: GoalResult) -> tuple[Any, ...]:
    return (card, g.goal, g.owner, str(g.period), g.actual, g.target, g.attainment, g.score,
            g.rating, len(g.records), g.explanation)


def goal_table(standalone: Iterable[GoalResult], cards: Iterable[ScorecardResult] = ()) -> Table:
    """Standalone goal results, then each scorecard's, one row each (`GOAL_COLUMNS`)."""
    rows = [_goal_row(None, g) for g in standalone]
    rows += [_goal_row(card.scorecard, g) for card in cards for g in card.goals]
    return Table("goals", {name: [row[i] for row in rows]
                           for i, name in enumerate(GOAL_COLUMNS)})


def scorecard_table(cards: Iterable[ScorecardResult]) -> Table:
    """One row per scorecard result (`SCORECARD_COLUMNS`)."""
    rows = [(c.scorecard, c.owner, str(c.period), c.score, c.rating, len(c.goals),
             c.explanation) for c in cards]
    return Table("scorecards", {name: [row[i] for row in rows]
                                for i, name in enumerate(SCORECARD_COLUMNS)})


def scorecard_html(card: ScorecardResult) -> str:
    """The scorecard's goals with their weights and scores, and the weighted score."""
    rows: list[tuple[object, ...]] = [
        (g.goal, card.weights.get(g.goal), g.actual, g.target, g.attainment, g.score, g.rating,
         g.explanation) for g in card.goals]
    rows.append(("score", None, None, None, None, card.score, card.rating, card.explanation))
    return html_table(("goal", "weight", "actual", "target", "attainment", "score", "rating",
                       "explanation"), rows,
                      caption=f"Scorecard {card.scorecard} for {card.owner}, {card.period}")


def report_html(report: PerformanceReport) -> str:
    """The leaderboard, then every scorecard's score, then the standalone goals."""
    parts = []
    if report.leaderboard:
        parts.append(html_table(("rank", "owner", "score", "percentile"),
                                [(r.rank, r.id, r.value, r.percentile)
                                 for r in report.leaderboard], caption="Leaderboard"))
    if report.scorecards:
        parts.append(html_table(("scorecard", "owner", "period", "score", "rating"),
                                [(c.scorecard, c.owner, c.period, c.score, c.rating)
                                 for c in report.scorecards], caption="Scorecards"))
    if report.goals:
        parts.append(html_table(("goal", "owner", "period", "actual", "target", "attainment",
                                 "score", "rating"),
                                [(g.goal, g.owner, g.period, g.actual, g.target, g.attainment,
                                  g.score, g.rating) for g in report.goals], caption="Goals"))
    return "".join(parts) or html_table((), (), caption="No results")
