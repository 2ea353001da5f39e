"""What kind of document a mapping is, so that a loader given the wrong one says so once,
instead of listing every key of the other kind as unknown.

A document says its kind in ``format``; one without it is told by the keys only a plan or
only an evaluation request has.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from salesperf._errors import Problem

__all__ = ["DOCUMENT_KINDS", "document_kind", "wrong_kind"]

#: Every document format salesperf reads or writes, with what a person calls it.
DOCUMENT_KINDS = {
    "salesperf.plan": "a plan document",
    "salesperf.request": "an evaluation request",
    "salesperf.response": "an evaluation response",
    "salesperf.rules": "a rule set",
    "salesperf.review-template": "a review template",
    "salesperf.scorecard": "a scorecard document",
    "salesperf.improvement-plan": "an improvement plan",
    "salesperf.performance-request": "a performance request",
    "salesperf.performance-response": "a performance response",
}

_REQUEST_ONLY = ("plan", "plans", "plan_id", "records", "records_csv", "quotas")


def document_kind(data: Mapping[Any, Any]) -> str | None:
    """The format of a document: its ``format`` when that is one salesperf knows, else
    ``salesperf.plan`` for a document with ``components`` and no ``period``, or
    ``salesperf.request`` for one with a ``period``, a key only a request has and no
    ``components``; None when the document does not say.

    >>> document_kind({"format": "salesperf.request"})
    'salesperf.request'
    >>> document_kind({"id": "p", "components": []})
    'salesperf.plan'
    >>> document_kind({"period": "2026-Q1", "plan_id": "p", "plans": []})
    'salesperf.request'
    >>> document_kind({"id": "p"}) is None
    True
    """
    given = data.get("format")
    if isinstance(given, str) and given in DOCUMENT_KINDS:
        return given
    if given is not None:
        return None
    if "components" in data and "period" not in data:
        return "salesperf.plan"
    if "period" in data and "components" not in data and any(k in data for k in _REQUEST_ONLY):
        return "salesperf.request"
    return None


def wrong_kind(data: Mapping[Any, Any], expected: str) -> Problem | None:
    """The one problem of a document of another kind than `expected`, or None.

    >>> print(wrong_kind({"period": "2026-Q1", "plan_id": "p"}, "salesperf.plan"))
    expected a plan document (format 'salesperf.plan'), got an evaluation request
    (format 'salesperf.request')
    """
    kind = document_kind(data)
    if kind is None or kind == expected:
        return None
    return Problem("", f"expected {DOCUMENT_KINDS[expected]} (format {expected!r}), got "
                   f"{DOCUMENT_KINDS[kind]} (format {kind!r})")
