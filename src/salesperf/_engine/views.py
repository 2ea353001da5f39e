"""What a person sees of a statement or an evaluation in a notebook: HTML tables
(`_repr_html_`), every text escaped, long lists cut with a count of what is not shown."""

from __future__ import annotations

from decimal import Decimal

from salesperf._html import html_table

from .statements import Evaluation, Statement

__all__ = ["SHOWN", "evaluation_html", "statement_html"]

#: Rows shown before the rest are counted ("… 1,200 more lines").
SHOWN = 50
_SETTLEMENT = ("draw", "top_up", "recovered", "forgiven", "balance_before", "balance_after",
               "held")


def _who(st: Statement) -> str:
    return st.payee if st.name is None else f"{st.payee} ({st.name})"


def statement_html(st: Statement) -> str:
    """The statement's lines by component with their explanations, then its totals."""
    currency = st.currency
    lines = [(line.component, line.record or "", line.date, line.amount, line.explanation)
             for line in st.lines[:SHOWN]]
    notes = [f"… {len(st.lines) - SHOWN:,} more lines"] if len(st.lines) > SHOWN else []
    parts = [html_table(("component", "record", "date", f"amount ({currency})", "explanation"),
                        lines, caption=f"Statement for {_who(st)}, {st.period} ({currency})",
                        notes=notes)]
    totals: list[tuple[str, Decimal | str]] = [
        *((f"{t.component} ({t.lines} lines)", t.earned) for t in st.components),
        ("earned this period", st.earned), ("earned year to date", st.earned_ytd),
        ("paid before", st.paid_before), ("payable", st.payable)]
    totals += [(name.replace("_", " "), getattr(st, name)) for name in _SETTLEMENT
               if getattr(st, name)]
    totals.append(("paid", st.paid))
    if st.pay_currency is not None and st.pay_amount is not None:
        totals.append((f"paid in {st.pay_currency} at {st.pay_rate} on {st.pay_rate_date}",
                       st.pay_amount))
    parts.append(html_table(("", currency), totals, notes=st.settlement))
    return "".join(parts)


def evaluation_html(ev: Evaluation) -> str:
    """One row per statement (what was earned, is payable and was paid), with totals and
    the number of credits and exclusions."""
    shown = ev.statements[:SHOWN]
    rows: list[tuple[object, ...]] = [
        (_who(st), st.earned, st.earned_ytd, st.paid_before, st.payable, st.paid, len(st.lines))
        for st in shown]
    if ev.statements:
        rows.append(("total", *(sum((getattr(st, name) for st in ev.statements), Decimal(0))
                                for name in ("earned", "earned_ytd", "paid_before", "payable",
                                             "paid")),
                     sum(len(st.lines) for st in ev.statements)))
    currency = ev.statements[0].currency if ev.statements else ""
    notes = [f"… {len(ev.statements) - SHOWN:,} more statements (the total counts them)"
             ] if len(ev.statements) > SHOWN else []
    notes.append(f"{len(ev.credits):,} credits, {len(ev.exclusions):,} exclusions")
    return html_table(("payee", "earned", "earned year to date", "paid before", "payable",
                       "paid", "lines"), rows,
                      caption=f"{ev.plan} (version {ev.version}), {ev.period} {currency}".strip(),
                      notes=notes)
