"""HTML tables for notebooks (`_repr_html_`): every value escaped, amounts right-aligned.

Pure formatting of values the caller has already chosen; no result type is known here.
"""

from __future__ import annotations

import datetime as dt
import enum
import html
from collections.abc import Iterable, Sequence
from decimal import Decimal

__all__ = ["html_cell", "html_table"]


def html_cell(value: object) -> str:
    """A value as escaped text: amounts with thousands separators, dates in ISO form, a
    missing value as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return html.escape(str(value.value))
    return html.escape(str(value))


def html_table(header: Sequence[str], rows: Iterable[Sequence[object]], *,
               caption: str | None = None, notes: Sequence[str] = ()) -> str:
    """A table with a caption, a header row, the rows and notes below (each escaped)."""
    out = ['<table class="salesperf">']
    if caption is not None:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header)
               + "</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        cells = "".join(
            f'<td style="text-align:right">{html_cell(v)}</td>'
            if isinstance(v, Decimal | int) and not isinstance(v, bool)
            else f"<td>{html_cell(v)}</td>" for v in row)
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody>")
    if notes:
        span = max(len(header), 1)
        out.append("<tfoot>" + "".join(f'<tr><td colspan="{span}">{html.escape(n)}</td></tr>'
                                       for n in notes) + "</tfoot>")
    out.append("</table>")
    return "".join(out)
