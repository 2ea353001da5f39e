"""What a person sees of a plan in a notebook: its components and crediting rules as HTML
tables, each part's terms written as in the plan document (`dump_plan`), escaped."""

from __future__ import annotations

import json
from typing import Any

from salesperf._documents import dump_plan
from salesperf._html import html_table
from salesperf._plans import Plan

__all__ = ["plan_html"]

_NAMED = ("kind", "id", "measure")  # shown in their own columns, not among the terms


def _terms(part: dict[str, Any], *, leave: tuple[str, ...] = _NAMED) -> str:
    rest = {k: v for k, v in part.items() if k not in leave}
    return json.dumps(rest, ensure_ascii=False) if rest else ""


def plan_html(plan: Plan, versions: int = 1) -> str:
    """The plan's components (id, kind, measure, terms), then its crediting rules and extra
    credit, under a caption with its currency, payment frequency and dates."""
    doc = dump_plan(plan)
    dates = ""
    if plan.effective_from is not None or plan.effective_until is not None:
        dates = f", from {plan.effective_from or '…'} to {plan.effective_until or '…'}"
    caption = (f"Plan {plan.id}, version {plan.version}: {plan.currency}, paid by "
               f"{plan.frequency.value}{dates}")
    notes = [f"{versions} versions; this is the latest"] if versions > 1 else []
    parts = [html_table(
        ("component", "kind", "measure", "terms"),
        [(c["id"], c["kind"], getattr(component, "measure", ""), _terms(c))
         for component, c in zip(plan.components, doc["components"], strict=True)],
        caption=caption, notes=notes)]
    rules = [(r["id"], rule.measure, _terms(r.get("where") or {}, leave=()) or "every record",
              rule.factor) for rule, r in zip(plan.credit_rules, doc["credit_rules"],
                                               strict=True)]
    parts.append(html_table(("rule", "measure", "where", "factor"), rules,
                            caption="Crediting, first matching rule per measure"))
    if plan.extra_credit:
        parts.append(html_table(
            ("extra credit", "kind", "terms"),
            [(e["id"], type(extra).__name__.lower(), _terms(e, leave=("id", "kind")))
             for extra, e in zip(plan.extra_credit, doc["extra_credit"], strict=True)],
            caption="Overlays and rollups"))
    return "".join(parts)
