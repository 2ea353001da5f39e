"""The response streamed as JSON lines (issue 17, the service path): the stream is the response
document entry by entry, written as `json.dumps` writes each entry, read from the evaluation
a chunk at a time in memory that does not grow with the number of lines.

The worked example, with its arithmetic, is in `worked_results.py`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tracemalloc
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import salesperf as sp
from salesperf.testing import plans, records
from worked_results import PAYEES, evaluation

D = Decimal
QUARTERS = [f"2026-Q{k}" for k in range(1, 5)]


def lines_of(text: str) -> list[str]:
    """A stream's lines, each with its newline: split at newlines only (`str.splitlines`
    also splits at U+2028, which JSON text may hold as it is)."""
    return [line + "\n" for line in text.split("\n")[:-1]]


def entries(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines_of(text)]


def stream(ev: sp.Evaluation, **options: Any) -> str:
    out = io.StringIO()
    count = sp.write_response(ev, out, **options)
    assert count == out.getvalue().count("\n")
    return out.getvalue()


class TestWorkedExample:
    def test_the_stream_entry_by_entry(self) -> None:
        """ana's D-1 and D-2 (6,000 and 8,500), ben's D-<3> (100.005 paid 100.01) and his
        floor's period line (399.995 paid 399.99); three credits; zed's D-4 excluded."""
        got = entries(stream(evaluation(), traces=False))
        assert got[0] == {
            "type": "response", "format": "salesperf.response-lines", "format_version": 1,
            "plan": "ae", "version": 1, "period": "2026-Q1", "traces": False,
            "statements": 2, "lines": 4, "credits": 3, "exclusions": 1, "currency": "USD",
            "earned": "15000.00", "payable": "15000.00", "paid": "15000.00"}
        assert [(e["type"], e.get("payee")) for e in got[1:]] == [
            ("statement", "ana"), ("line", "ana"), ("line", "ana"),
            ("statement", "ben"), ("line", "ben"), ("line", "ben"),
            ("credit", "ana"), ("credit", "ana"), ("credit", "ben"), ("exclusion", "zed")]
        lines = [(e["record"], e["date"], e["exact"], e["amount"]) for e in got
                 if e["type"] == "line"]
        assert lines == [("D-1", "2026-02-03", "6000.00", "6000.00"),
                         ("D-2", "2026-03-10", "8500.00", "8500.00"),
                         ("D-<3>", "2026-03-01", "100.0050", "100.01"),
                         (None, "2026-03-31", "399.9950", "399.99")]
        assert got[4] == {"type": "statement", **{
            k: v for k, v in sp.response_document(evaluation())["statements"][1].items()
            if k != "lines"}}
        assert got[-1] == {"type": "exclusion", "record": "D-4",
                           "reason": "unknown payee 'zed'", "payee": "zed"}

    def test_with_traces_each_line_carries_the_document_s_trace_and_explanation(self) -> None:
        got = [e for e in entries(stream(evaluation())) if e["type"] == "line"]
        doc = sp.response_document(evaluation())
        assert [{k: v for k, v in e.items() if k != "type"} for e in got] == [
            line for s in doc["statements"] for line in s["lines"]]
        assert got[2]["explanation"].endswith("paid 100.01 after rounding to the running total")

    def test_the_lines_iterator_gives_the_entries_write_response_writes(self) -> None:
        lines = list(sp.response_lines(evaluation(), traces=False))
        assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
        assert "".join(lines) == stream(evaluation(), traces=False)

    def test_earlier_statements_come_last_with_their_lines_when_asked(self) -> None:
        ev = evaluation("2026-Q2")
        assert "earlier_statement" not in stream(ev)
        got = entries(stream(ev, include_earlier=True, traces=False))
        assert got[0]["earlier_statements"] == 2
        assert got[0]["earlier_lines"] == 4
        tail = [(e["type"], e["period"]) for e in got if e["type"] in (
            "earlier_statement", "line") and e["period"] == "2026-Q1"]
        assert tail == [("earlier_statement", "2026-Q1"), ("line", "2026-Q1"),
                        ("line", "2026-Q1")] * 2
        assert sp.response_from_lines(lines_of(stream(ev, include_earlier=True))) == (
            sp.response_document(ev, include_earlier=True))


class TestStream:
    """The stream, put back together, is the response document, for every plan."""

    @settings(max_examples=40, deadline=None)
    @given(plans(), records(), st.sampled_from(["2026-Q1", "2026-Q2", "2026-Q4"]),
           st.booleans())
    def test_the_stream_put_back_together_is_the_response_document(
            self, plan: sp.Plan, recs: list[object], period: str, earlier: bool) -> None:
        """Every statement, line (with its trace and sentence), credit and exclusion, in
        every rounding mode, with clawbacks, splits and period lines."""
        ev = sp.compile_plan(plan).evaluate(
            recs, period, payees=PAYEES,  # type: ignore[arg-type]
            quotas=[sp.Quota(p.id, "revenue", q, 40_000) for p in PAYEES for q in QUARTERS])
        text = stream(ev, include_earlier=earlier)
        doc = sp.response_document(ev, include_earlier=earlier)
        assert sp.response_from_lines(io.StringIO(text)) == doc
        for entry in lines_of(text):
            assert json.dumps(json.loads(entry), ensure_ascii=False,
                              separators=(",", ":")) + "\n" == entry
        for key in ("statements", "earlier") if earlier else ("statements",):
            for s in doc[key]:
                for line in s["lines"]:
                    del line["trace"], line["explanation"]
        assert sp.response_from_lines(
            sp.response_lines(ev, traces=False, include_earlier=earlier)) == doc

    def test_a_request_s_stream_is_its_response(self) -> None:
        from test_cli import EXAMPLES  # the example request the docs use

        request, recs = sp.loads_request((EXAMPLES / "request.json").read_text("utf-8"))
        ev = request.evaluate(recs)
        assert sp.response_from_lines(sp.response_lines(ev)) == sp.evaluate_request(
            request, recs)

    def test_every_entry_is_what_json_dumps_writes(self) -> None:
        """Lines and credits are written by hand (fast path): the text is json.dumps's for
        the entry, with escaped and non-ASCII text and amounts whose str() has an exponent."""
        rates = sp.RateTable([sp.Tier(0, "0.0000001")])
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", rates)],
                                       credit_rules=[sp.CreditRule('r"1\\')]))
        recs = [{"id": 'D-"1"\\ é\u2028', "date": "2026-01-05", "payee": "ana ß",
                 "amount": D("1.5E+3")},
                {"id": "DE-2", "date": "2026-01-06", "payee": "ana ß", "amount": D("1E-9")}]
        ev = plan.evaluate(recs, "2026-Q1", payees=[sp.Payee("ana ß")])
        text = stream(ev)
        for entry in lines_of(text):
            assert json.dumps(json.loads(entry), ensure_ascii=False,
                              separators=(",", ":")) + "\n" == entry
        got = entries(text)
        made = [e for e in got if e["type"] == "credit"]
        assert [c["amount"] for c in made] == ["1500", "0.000000001"]
        # 1500 × 0.0000001 and 1E-9 × 0.0000001 = 1E-16 (str() writes exponents for both)
        assert [li["exact"] for li in got if li["type"] == "line"] == [
            "0.0001500", "0.0000000000000001"]
        assert sp.response_from_lines(lines_of(text)) == sp.response_document(ev)

    def test_statements_made_by_hand_stream_too(self) -> None:
        """An evaluation built from `Line` and `Credit` values, not by the engine."""
        line = sp.Line("c", "ana", "2026-Q1", "D-1", dt.date(2026, 1, 5), D("1E-7"), D("0.00"))
        statement = sp.Statement("ana", "2026-Q1", "USD", (line,), (), D(0), D(0), D(0), D(0))
        credit = sp.Credit("D-1", "ana", "revenue", dt.date(2026, 1, 5), D("1E+2"), D(1),
                           D(1), "all", sp.CreditKind.DIRECT)
        ev = sp.Evaluation("p", 1, "2026-Q1", (statement,), (credit,), ())
        got = entries(stream(ev))
        assert got[2]["exact"] == "0.0000001"
        assert got[3]["amount"] == "100"
        assert sp.response_from_lines(lines_of(stream(ev))) == sp.response_document(ev)


#: Values results hold, and their subclasses and containers: what `to_plain` is given.
_PLAIN_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5)
    | st.decimals(allow_nan=False, allow_infinity=False, places=None)
    | st.dates() | st.datetimes(timezones=st.none() | st.just(dt.timezone.utc))
    | st.sampled_from(list(sp.RoundingMode)) | st.sampled_from(list(sp.CreditKind)),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=8)


class TestPlainData:
    @given(_PLAIN_VALUES)
    def test_the_table_of_exact_types_gives_what_the_checks_give(self, value: object) -> None:
        """`to_plain`'s fast path (a table by exact type) against its checks alone."""
        from salesperf import _plain

        fast, table = _plain.to_plain(value), _plain._BY_TYPE
        _plain._BY_TYPE = {}
        try:
            general = _plain.to_plain(value)
        finally:
            _plain._BY_TYPE = table
        assert json.dumps(fast) == json.dumps(general)
        assert fast == general

    @given(st.decimals() | st.builds(Decimal, st.sampled_from(
               ["sNaN", "-sNaN", "NaN123", "-0E+5", "1E-7", "-1.50E-6", "123E+3"])),
           st.booleans())
    def test_digits_writes_what_the_f_format_writes(self, value: Decimal,
                                                     capitals: bool) -> None:
        """`digits`' fast path (`str` when it writes no exponent), for every Decimal —
        NaNs, infinities, any exponent — under a context writing either letter."""
        import decimal

        from salesperf._plain import digits

        with decimal.localcontext() as ctx:
            ctx.capitals = int(capitals)
            assert digits(value) == f"{value:f}"

    def test_values_of_subclasses_are_written_as_their_checks_write_them(self) -> None:
        """`to_plain` writes the exact types results hold most by a table (fast path); a
        subclass of one of them — a datetime, an enum of text or numbers — is not in the
        table and is written as before: the table never changes what a value becomes."""
        import enum

        from salesperf._plain import to_plain

        class Kind(str, enum.Enum):
            A = "a"

        class Level(enum.IntEnum):
            ONE = 1

        when = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.timezone.utc)
        assert to_plain(D("1E-7")) == "0.0000001"
        assert to_plain(D("-0.50")) == "-0.50"
        assert to_plain(dt.date(2026, 1, 5)) == "2026-01-05"
        assert to_plain(when) == "2026-01-05T09:30:00+00:00"
        assert [to_plain(v) for v in ("x", 3, True, None)] == ["x", 3, True, None]
        assert type(to_plain(True)) is bool
        assert to_plain(Kind.A) is Kind.A
        assert json.dumps(to_plain(Kind.A)) == '"a"'
        assert to_plain(Level.ONE) is Level.ONE
        assert json.dumps(to_plain(Level.ONE)) == "1"
        assert to_plain({"a": [D(1), (dt.date(2026, 2, 1),)]}) == {"a": ["1", ["2026-02-01"]]}


class TestMemory:
    def test_writing_takes_memory_that_does_not_grow_with_the_lines(self) -> None:
        """One payee's 3,000 deals and then 12,000, one block of lines each: tracemalloc's
        peak while writing the stream (the evaluation made before) stays about the same —
        a chunk of lines at a time — while four times as many lines are written."""
        rates = sp.RateTable([sp.Tier(0, "0.05")])
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", rates)]))

        def peak(n: int) -> int:
            recs = [{"id": f"D-{i}", "date": dt.date(2026, 1, 1) + dt.timedelta(i % 90),
                     "payee": "ana", "amount": D(1000 + i)} for i in range(n)]
            ev = plan.evaluate(recs, "2026-Q1", payees=[sp.Payee("ana")])
            sink = _Counting()
            tracemalloc.start()
            try:
                sp.write_response(ev, sink, traces=False)
                _, top = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            assert sink.newlines == 1 + 1 + 2 * n  # header, statement, lines and credits
            return top

        small, large = peak(3_000), peak(12_000)
        assert large < 1.3 * small, (small, large)


class _Counting:
    """A text sink that keeps nothing but a count of newlines."""

    def __init__(self) -> None:
        self.newlines = 0

    def write(self, text: str) -> int:
        self.newlines += text.count("\n")
        return len(text)


class TestReadingBack:
    def test_a_line_that_is_not_an_entry_is_named(self) -> None:
        head = next(sp.response_lines(evaluation()))
        with pytest.raises(sp.DefinitionError) as err:
            sp.response_from_lines([head, "{not json\n"])
        assert err.value.problems[0].path == "line 2"
        with pytest.raises(sp.DefinitionError, match=r"line 2: expected an entry object whose "
                           r"type is one of 'response', .*, got 'row'"):
            sp.response_from_lines([head, '{"type": "row"}'])
        with pytest.raises(sp.DefinitionError, match="line 2: a line entry before any "
                           "statement entry"):
            sp.response_from_lines([head, '{"type": "line"}'])
        with pytest.raises(sp.DefinitionError, match="no header entry"):
            sp.response_from_lines([])


class TestSchema:
    def test_every_entry_of_the_example_s_stream_is_valid(self) -> None:
        jsonschema = pytest.importorskip("jsonschema")
        validator = jsonschema.Draft202012Validator(sp.response_lines_schema())
        for ev in (evaluation(), evaluation("2026-Q2")):
            for options in ({}, {"traces": False}, {"include_earlier": True}):
                for entry in entries(stream(ev, **options)):
                    validator.validate(entry)

    def test_an_entry_of_an_unknown_type_is_not_valid(self) -> None:
        jsonschema = pytest.importorskip("jsonschema")
        validator = jsonschema.Draft202012Validator(sp.response_lines_schema())
        assert not validator.is_valid({"type": "row"})
        line = next(e for e in entries(stream(evaluation())) if e["type"] == "line")
        assert not validator.is_valid({**line, "exact": 1.5e3, "extra": True})
