"""Assertions about evaluations that hold for every plan: the rules of DESIGN.md a host's own
tests can check on its own plans and data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

import salesperf as sp

__all__ = ["assert_nothing_lost", "assert_statements_add_up"]


def assert_statements_add_up(evaluation: sp.Evaluation) -> None:
    """Every statement of the evaluation (earlier periods too) adds up: its lines and its
    components' totals to what it says was earned, each component's lines to that
    component's total, and each line within one minor unit of its exact value.

    Raises `AssertionError` naming the statement and what does not add up.
    """
    for st in (*evaluation.earlier, *evaluation.statements):
        where = f"statement of {st.payee!r} for {st.period}"
        quantum = sp.currency(st.currency).quantum
        lines = list(st.lines)
        by_lines = sum((line.amount for line in lines), Decimal(0))
        assert by_lines == st.earned, f"{where}: lines add up to {by_lines}, earned {st.earned}"
        by_components = sum((t.earned for t in st.components), Decimal(0))
        assert by_components == st.earned, (
            f"{where}: components add up to {by_components}, earned {st.earned}")
        for total in st.components:
            own = [line for line in lines if line.component == total.component]
            summed = sum((line.amount for line in own), Decimal(0))
            assert summed == total.earned, (
                f"{where}: the lines of {total.component!r} add up to {summed}, its total is "
                f"{total.earned}")
            assert len(own) == total.lines, (
                f"{where}: {len(own)} lines of {total.component!r}, its total says "
                f"{total.lines}")
        far = [line for line in lines if abs(line.amount - line.exact) > quantum]
        assert not far, f"{where}: lines more than one minor unit from exact: {far}"


def _record_id(record: sp.Record | Mapping[str, object]) -> str:
    return record.id if isinstance(record, sp.Record) else str(record["id"])


def assert_nothing_lost(records: Iterable[sp.Record | Mapping[str, object]],
                        evaluation: sp.Evaluation) -> None:
    """Every record given to the evaluation was credited or excluded with a reason, and
    nothing else was: the records must be the very ones evaluated (a list, not a
    generator the evaluation already read).

    Raises `AssertionError` naming the records lost, or found that were never given.
    """
    given = {_record_id(r) for r in records}
    found = {c.record for c in evaluation.credits} | {e.record for e in evaluation.exclusions}
    lost, unknown = sorted(given - found), sorted(found - given)
    assert not lost, f"records neither credited nor excluded: {lost}"
    assert not unknown, f"credits or exclusions of records never given: {unknown}"
    silent = [e for e in evaluation.exclusions if not e.reason]
    assert not silent, f"exclusions without a reason: {silent}"
