"""Evaluation responses: the whole document, and the same response streamed as JSON lines.

`response_document` makes the response as one dict, which a service writes with `json.dump`;
for a large tenant that dict (every line with its trace and sentence) costs many times the
evaluation. `write_response` writes the same response as JSON lines instead — a header
entry, then each statement followed by its lines, then every credit and exclusion — a chunk
of lines at a time, read straight from the evaluation's kept values without making `Line`
or `Credit` values, so that its memory does not grow with the number of lines written.
`response_from_lines` puts the stream back together as the document.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
import json.encoder
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from itertools import islice
from operator import itemgetter
from typing import Any, cast

import attrs

from salesperf._documents import kind_of, schema_for
from salesperf._engine import Credit, Evaluation, Statement
from salesperf._engine.crediting import (
    AMOUNT,
    DATE,
    FACTOR,
    KIND,
    RECORD,
    RULE,
    SHARE,
    CreditList,
    CreditRow,
)
from salesperf._engine.statements import LineChunk, Lines, line_details
from salesperf._errors import DefinitionError, Problem, shown
from salesperf._money import DECIMAL_CONTEXT
from salesperf._plain import digits, to_plain
from salesperf._table import TextSink

__all__ = ["RESPONSE_FORMAT", "RESPONSE_LINES_FORMAT", "Entry", "response_document",
           "response_from_lines", "response_lines", "response_lines_schema", "response_schema",
           "write_response"]

RESPONSE_FORMAT = "salesperf.response"
RESPONSE_LINES_FORMAT = "salesperf.response-lines"

#: Lines of the stream built and written together: enough to make each write worth its
#: call, few enough that a chunk's text (with traces, about 1.5 kB a line) stays small.
CHUNK = 1024


class Entry(enum.Enum):
    """What one line of a response stream holds: its ``type``."""

    RESPONSE = "response"  # the header: plan, period, counts and totals; always first
    STATEMENT = "statement"  # a statement without its lines, which follow it
    LINE = "line"  # a line of the statement before it
    CREDIT = "credit"
    EXCLUSION = "exclusion"
    EARLIER_STATEMENT = "earlier_statement"  # a statement of an earlier period of the year


def response_document(result: Evaluation, *, include_earlier: bool = False) -> dict[str, Any]:
    """An evaluation as a response document (plain JSON-safe data)."""
    # A credit's attributes are the host's own record fields, not results: they are left out
    # before conversion (a host's field may hold values that are not plain data).
    body: dict[str, Any] = {}
    for a in attrs.fields(type(result)):
        if a.name == "credits":
            body[a.name] = [{f.name: to_plain(getattr(c, f.name))
                             for f in attrs.fields(type(c)) if f.name != "attributes"}
                            for c in result.credits]
        elif a.name in ("statements", "earlier"):
            if include_earlier or a.name != "earlier":
                body[a.name] = [s.to_dict() for s in getattr(result, a.name)]
        elif not a.name.startswith("_"):
            body[a.name] = to_plain(getattr(result, a.name))
    return {"format": RESPONSE_FORMAT, "format_version": 1, **body}


# -- the stream ----------------------------------------------------------------------------

# Each entry is written as `json.dumps(entry, ensure_ascii=False, separators=(",", ":"))`
# writes it; lines and credits are written by hand in that very form (fast path:
# `tests/test_responses.py::TestStream::test_every_entry_is_what_json_dumps_writes`).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_encode = _ENCODER.encode
_text = json.encoder.encode_basestring  # a str as JSON text, quoted and escaped


def _text_or_null(value: str | None) -> str:
    return "null" if value is None else _text(value)


def response_lines(result: Evaluation, *, traces: bool = True,
                   include_earlier: bool = False) -> Iterator[str]:
    """The response as JSON lines, one entry (a JSON object ending in a newline) at a time.

    First a header — ``{"type": "response", "format": "salesperf.response-lines", ...}``
    with the plan, version and period, how many statements, lines, credits and exclusions
    follow, and the statements' total earned, payable and paid — then each statement
    (``"type": "statement"``, its fields but its lines) followed by its lines
    (``"type": "line"``), every credit, every exclusion, and with `include_earlier` the
    earlier periods' statements (``"earlier_statement"``), each followed by its lines.
    Amounts are exact decimal text as in `response_document`. With `traces` (the default)
    each line carries its trace and explanation, as the document's lines do — most of the
    stream's cost; without, the stream costs about what the evaluation costs
    (docs/performance.md, *The service path*).

    `response_from_lines` turns the stream back into the document; its schema is
    `response_lines_schema`. Lines and credits are read from the evaluation a chunk at a
    time, without making `Line` or `Credit` values.
    """
    for chunk in _chunks(result, traces, include_earlier):
        for text in chunk.split("\n")[:-1]:  # JSON text holds no raw newline
            yield text + "\n"


def write_response(result: Evaluation, out: TextSink, *, traces: bool = True,
                   include_earlier: bool = False) -> int:
    """Write the response as JSON lines (`response_lines`) to `out`, a text stream the host
    opened (UTF-8: text is written as it is, not escaped to ASCII); return the number of
    entries written. The memory it takes does not grow with the number of lines.

    >>> import io, json, salesperf as sp
    >>> plan = sp.Plan("p", [sp.Commission("c", sp.RateTable([sp.Tier(0, "0.1")]))])
    >>> ev = sp.compile_plan(plan).evaluate(
    ...     [{"id": "D-1", "date": "2026-02-03", "payee": "ana", "amount": "1000.50"}],
    ...     "2026-Q1", payees=[sp.Payee("ana")])
    >>> out = io.StringIO()
    >>> sp.write_response(ev, out, traces=False)
    4
    >>> lines = out.getvalue().split("\\n")  # a stream's lines end in a newline
    >>> [json.loads(line)["type"] for line in lines[:-1]]
    ['response', 'statement', 'line', 'credit']
    >>> print(lines[2])
    {"type":"line","component":"c","payee":"ana",...,"exact":"100.050","amount":"100.05"}
    """
    count = 0
    for chunk in _chunks(result, traces, include_earlier):
        out.write(chunk)
        count += chunk.count("\n")
    return count


def _chunks(result: Evaluation, traces: bool, include_earlier: bool) -> Iterator[str]:
    """The stream's entries as text (each ending in a newline), a chunk at a time."""
    # Text that repeats — payees, components, rules, dates — is written once: these grow
    # with the payees and the days of the period, not with the lines.
    texts, dates = _Texts(), _Dates()
    yield _header(result, traces, include_earlier)
    yield from _statements(result.statements, Entry.STATEMENT, traces, texts, dates)
    yield from _credits(result.credits, texts, dates)
    for start in range(0, len(result.exclusions), CHUNK):
        yield "".join([_entry(Entry.EXCLUSION, to_plain(e))
                       for e in islice(result.exclusions, start, start + CHUNK)])
    if include_earlier:
        yield from _statements(result.earlier, Entry.EARLIER_STATEMENT, traces, texts, dates)


def _entry(kind: Entry, fields: Mapping[str, Any]) -> str:
    return _encode({"type": kind.value, **fields}) + "\n"


def _header(result: Evaluation, traces: bool, include_earlier: bool) -> str:
    statements = result.statements
    currencies = {st.currency for st in statements}
    head: dict[str, Any] = {
        "format": RESPONSE_LINES_FORMAT, "format_version": 1,
        "plan": result.plan, "version": result.version, "period": result.period,
        "traces": traces,
        "statements": len(statements),
        "lines": sum(len(st.lines) for st in statements),
        "credits": len(result.credits), "exclusions": len(result.exclusions)}
    if include_earlier:
        head["earlier_statements"] = len(result.earlier)
        head["earlier_lines"] = sum(len(st.lines) for st in result.earlier)
    head["currency"] = currencies.pop() if len(currencies) == 1 else None
    with decimal.localcontext(DECIMAL_CONTEXT):  # totals in salesperf's own context
        for name in ("earned", "payable", "paid"):
            head[name] = digits(sum((getattr(st, name) for st in statements), Decimal(0)))
    return _entry(Entry.RESPONSE, head)


_STATEMENT_FIELDS = tuple(a.name for a in attrs.fields(Statement) if a.name != "lines")


def _statements(statements: Iterable[Statement], kind: Entry, traces: bool, texts: _Texts,
                dates: _Dates) -> Iterator[str]:
    for st in statements:
        yield _entry(kind, {name: to_plain(getattr(st, name)) for name in _STATEMENT_FIELDS})
        lines = st.lines
        if isinstance(lines, Lines):
            for chunk in lines.chunks(CHUNK):
                yield _line_texts(chunk, traces, texts, dates)
        else:  # lines given as `Line` values
            for start in range(0, len(lines), CHUNK):
                yield "".join([_entry(Entry.LINE, _line_fields(line.__plain__(), traces))
                               for line in islice(lines, start, start + CHUNK)])


def _line_fields(plain: dict[str, Any], traces: bool) -> dict[str, Any]:
    plain["exact"] = digits(Decimal(plain["exact"]))  # as `Statement.to_dict` writes it
    if not traces:
        del plain["trace"], plain["explanation"]
    return plain


def _line_texts(c: LineChunk, traces: bool, texts: _Texts, dates: _Dates,
                exact: Callable[[Decimal], str] = str) -> str:
    """A chunk's lines as the entries `_entry` would write for `Line.__plain__` (with the
    exact value in plain digits, as `Statement.to_dict` writes it), without `Line` values.

    The exact values are written by `str`, which writes what `digits` writes unless it
    writes an exponent; then the chunk is written again with `digits`."""
    head = (f'{{"type":"line","component":{texts[c.component]},"payee":{texts[c.payee]},'
            f'"period":{texts[c.period]},"record":')
    records = (map(_text_or_null, c.records) if None in c.records
               else map(_text, cast("list[str]", c.records)))
    columns = zip(records,
                  map(dates.__getitem__, c.dates), map(exact, c.exact), c.amounts,
                  strict=True)
    if not traces:  # a line's amount is written by str(), as `Line.__plain__` writes it
        text = "".join([f'{head}{record},"date":"{date}","exact":"{value}",'
                        f'"amount":"{amount!s}"}}\n'
                        for record, date, value, amount in columns])
    else:
        out = []
        for j, (record, date, value, amount) in enumerate(columns, start=c.first):
            trace, sentence = line_details(c.write, j, c.exact[j - c.first], amount)
            out.append(f'{head}{record},"date":"{date}","exact":"{value}","amount":'
                       f'"{amount!s}","trace":{_encode(trace)},"explanation":'
                       f'{_text(sentence)}}}\n')
        text = "".join(out)
    if exact is str and _exponent(text):
        return _line_texts(c, traces, texts, dates, digits)
    return text


def _exponent(text: str) -> bool:
    """Whether `text` may hold a number `str` wrote with an exponent (``1E+3``, ``1E-7``),
    which `digits` never writes: a quick test, true too for a record id such as ``DE-1``
    (then the chunk is written again with `digits`, to the same text)."""
    # One search for the letter (memchr, about 70 times quicker than for the two-letter
    # texts), and the two only where it occurs.
    return "E" in text and ("E+" in text or "E-" in text)


def _credits(given: Iterable[Credit], texts: _Texts, dates: _Dates) -> Iterator[str]:
    """Every credit: from a `CreditList`, by payee and measure and then by (date, record),
    read from its rows; credits given as values, in their order."""
    if not isinstance(given, CreditList):
        made = list(given)
        for start in range(0, len(made), CHUNK):
            yield "".join([_entry(Entry.CREDIT, {f.name: to_plain(getattr(c, f.name))
                                                 for f in attrs.fields(Credit)
                                                 if f.name != "attributes"})
                           for c in made[start:start + CHUNK]])
        return
    for (payee, measure), rows in given.buckets():
        # Between the record and the date, the same text for every credit of the bucket.
        middle = f',"payee":{texts[payee]},"measure":{texts[measure]},"date":"'
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            text = _credit_texts(chunk, middle, texts, dates, str)
            if _exponent(text):
                text = _credit_texts(chunk, middle, texts, dates, digits)
            yield text


def _credit_texts(chunk: list[CreditRow], middle: str, texts: _Texts, dates: _Dates,
                  number: Callable[[Decimal], str]) -> str:
    """Credit rows of one payee and measure as the entries `_entry` would write for their
    `Credit` values, each row read once; the amount, share and factor written by `number`."""
    return "".join([
        f'{{"type":"credit","record":{_text(record)}{middle}{dates[date]}",'
        f'"amount":"{number(amount)}","share":"{number(share)}","factor":"{number(factor)}",'
        f'"rule":{texts[rule]},"kind":{texts[kind]}}}\n'
        for record, date, amount, share, factor, rule, kind in map(_CREDIT_FIELDS, chunk)])


_CREDIT_FIELDS = itemgetter(RECORD, DATE, AMOUNT, SHARE, FACTOR, RULE, KIND)


class _Texts(dict[str, str]):
    """Text values that repeat (payees, components, rules) as JSON text, each escaped once."""

    def __missing__(self, value: str) -> str:
        self[value] = text = _text(value)
        return text


class _Dates(dict[dt.date, str]):
    """Dates as ISO text, each written once (a period has a few hundred)."""

    def __missing__(self, day: dt.date) -> str:
        self[day] = text = day.isoformat()
        return text


def response_from_lines(lines: Iterable[str]) -> dict[str, Any]:
    """The response document a response stream (`response_lines`) makes, put back together:
    each statement with the lines that follow it, the credits in the document's order (by
    date, record, payee, measure, kind and rule), the earlier statements when the stream
    has them — what `response_document` gives for the same evaluation (with the stream's
    traces). A line that is not an entry of a stream is a `DefinitionError` naming it.

    >>> import salesperf as sp
    >>> plan = sp.Plan("p", [sp.Commission("c", sp.RateTable([sp.Tier(0, "0.1")]))])
    >>> ev = sp.compile_plan(plan).evaluate(
    ...     [{"id": "D-1", "date": "2026-02-03", "payee": "ana", "amount": "1000.50"}],
    ...     "2026-Q1", payees=[sp.Payee("ana")])
    >>> sp.response_from_lines(sp.response_lines(ev)) == sp.response_document(ev)
    True
    """
    head: dict[str, Any] | None = None
    lists: dict[str, list[dict[str, Any]]] = {
        "statements": [], "credits": [], "exclusions": [], "earlier": []}
    into = {Entry.STATEMENT: "statements", Entry.EARLIER_STATEMENT: "earlier",
            Entry.CREDIT: "credits", Entry.EXCLUSION: "exclusions"}
    statement: dict[str, Any] | None = None
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        entry = _entry_of(number, text)
        kind = Entry(entry.pop("type"))
        if kind is Entry.RESPONSE:
            head = entry
        elif kind is Entry.LINE:
            if statement is None:
                raise DefinitionError([Problem(f"line {number}", "a line entry before any "
                                               "statement entry")])
            statement["lines"].append(entry)
        else:
            if kind in (Entry.STATEMENT, Entry.EARLIER_STATEMENT):
                statement = entry
                entry["lines"] = []
            lists[into[kind]].append(entry)
    if head is None:
        raise DefinitionError([Problem("", "no header entry ({\"type\": \"response\", ...}): "
                                       "not a response stream")])
    lists["credits"].sort(key=lambda c: (c["date"], c["record"], c["payee"], c["measure"],
                                       c["kind"], c["rule"]))
    if "earlier_statements" not in head:
        del lists["earlier"]
    return {"format": RESPONSE_FORMAT, "format_version": 1, "plan": head.get("plan"),
            "version": head.get("version"), "period": head.get("period"), **lists}


_TYPES = ", ".join(repr(e.value) for e in Entry)


def _entry_of(number: int, text: str) -> dict[str, Any]:
    """A line of a stream as its entry, or a `DefinitionError` naming the line."""
    try:
        entry = json.loads(text)
    except json.JSONDecodeError as err:
        raise DefinitionError([Problem(f"line {number}", f"not JSON: {err.msg} (column "
                                       f"{err.colno})")]) from None
    if not isinstance(entry, dict) or entry.get("type") not in _VALUES:
        got = shown(entry.get("type")) if isinstance(entry, dict) else kind_of(entry)
        raise DefinitionError([Problem(f"line {number}", f"expected an entry object whose "
                                       f"type is one of {_TYPES}, got {got}")])
    return entry


_VALUES = {e.value for e in Entry}


# -- schemas -------------------------------------------------------------------------------


def response_schema() -> dict[str, Any]:
    """The JSON Schema of evaluation response documents."""
    schema = schema_for(Evaluation, "salesperf evaluation response", "response-v1")
    # A line's trace and explanation are written when read.
    line = schema["$defs"]["Line"]
    line["properties"]["trace"] = {"type": "object"}
    line["properties"]["explanation"] = {"type": "string"}
    line["required"] += ["trace", "explanation"]
    for cls in ("Credit", "Statement", "Evaluation"):  # results may be as long as the data
        for prop in schema["$defs"][cls]["properties"].values():
            prop.pop("maxItems", None)
    props = schema["$defs"]["Evaluation"]["properties"]
    props["format"] = {"const": RESPONSE_FORMAT}
    props["format_version"] = {"const": 1}
    return schema


def response_lines_schema() -> dict[str, Any]:
    """The JSON Schema of one line of a response stream (`response_lines`): an entry of one
    of the `Entry` types, told apart by ``type``."""
    defs = response_schema()["$defs"]

    def entry(kind: Entry, name: str, drop: tuple[str, ...] = (),
              optional: tuple[str, ...] = ()) -> dict[str, Any]:
        base: dict[str, Any] = json.loads(json.dumps(defs[name]))  # a copy
        for key in drop:
            del base["properties"][key]
        base["required"] = ["type", *(k for k in base["required"]
                                      if k not in drop and k not in optional)]
        base["properties"] = {"type": {"const": kind.value}, **base["properties"]}
        return base

    count = {"type": "integer", "minimum": 0}
    total = {"$ref": "#/$defs/decimal"}
    header = {
        "type": "object", "description": "The first entry: what the stream holds.",
        "properties": {
            "type": {"const": Entry.RESPONSE.value},
            "format": {"const": RESPONSE_LINES_FORMAT}, "format_version": {"const": 1},
            "plan": {"type": "string"}, "version": {"type": "integer"},
            "period": {"type": "string"}, "traces": {"type": "boolean"},
            "statements": count, "lines": count, "credits": count, "exclusions": count,
            "earlier_statements": count, "earlier_lines": count,
            "currency": {"type": ["string", "null"]},
            "earned": total, "payable": total, "paid": total},
        "required": ["type", "format", "format_version", "plan", "version", "period",
                     "traces", "statements", "lines", "credits", "exclusions", "currency",
                     "earned", "payable", "paid"],
        "additionalProperties": False}
    entries = {
        "ResponseHeader": header,
        "StatementEntry": entry(Entry.STATEMENT, "Statement", drop=("lines",)),
        "LineEntry": entry(Entry.LINE, "Line", optional=("trace", "explanation")),
        "CreditEntry": entry(Entry.CREDIT, "Credit", drop=("attributes",)),
        "ExclusionEntry": entry(Entry.EXCLUSION, "Exclusion"),
        "EarlierStatementEntry": entry(Entry.EARLIER_STATEMENT, "Statement", drop=("lines",)),
    }
    used = ("decimal", "ComponentTotal")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://salesperf.invalid/schemas/response-lines-v1.json",
        "title": "salesperf evaluation response stream: one line (JSON lines)",
        "oneOf": [{"$ref": f"#/$defs/{name}"} for name in entries],
        "$defs": {**{name: defs[name] for name in used}, **entries},
    }
