"""The accelerated path (issue 17, "The moonshot: exact and vectorised"): for every plan and
every set of records, ``evaluate(..., accelerated=True)`` gives exactly the pure engine's
evaluation — statements, every line with its trace and explanation, every credit, every
exclusion, or the same error — whether it takes the accelerated path or falls back, from
records or from columns; and `explain_path` says why it falls back.
"""

from __future__ import annotations

import datetime as dt
import io
import pickle
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import salesperf as sp
from salesperf.testing import plans, rate_tables, records

np = pytest.importorskip("numpy")

D = Decimal
QUARTERS = ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")
PAYEES = (sp.Payee("ana"), sp.Payee("ben", end=dt.date(2026, 9, 15)))


def inputs(quota: int) -> dict[str, Any]:
    return {"payees": PAYEES,
            "quotas": [sp.Quota(p.id, "revenue", q, quota) for p in PAYEES for q in QUARTERS],
            "target_incentives": [sp.TargetIncentive(p.id, q, 5000) for p in PAYEES
                                  for q in QUARTERS]}


def everything(plan: sp.CompiledPlan, recs: Any, period: str, accelerated: bool,
               **kw: Any) -> object:
    """Everything an evaluation says — statements with every line, trace and sentence,
    credits, exclusions, the tables, each line's exact value as written — or its error."""
    try:
        ev = plan.evaluate(recs, period, accelerated=accelerated, **kw)
    except sp.SalesperfError as err:
        return type(err), str(err)
    stream = io.StringIO()  # first: the response as JSON lines, read from blocks by chunks
    sp.write_response(ev, stream, include_earlier=True)
    lines = [line for st_ in (*ev.earlier, *ev.statements) for line in st_.lines]
    return (stream.getvalue(), sp.response_document(ev, include_earlier=True),
            ev.to_dict(),
            [(str(line.exact), str(line.amount), line.date, line.record) for line in lines],
            [line.explanation for line in reversed(lines)],  # read in another order
            [s.explain(traces=True) for s in ev.statements],
            ev.lines_table(earlier=True).columns, ev.credits_table().columns,
            ev.statements_table(earlier=True).columns, ev.exclusions_table().columns,
            [(c.record, str(c.amount), c.attributes) for c in ev.credits])


@st.composite
def accelerable_plans(draw: st.DrawFn) -> sp.Plan:
    """Plans of the shapes the accelerated path evaluates: cumulative commissions over each
    period (every tier mode, amount or attainment bounds) with or without a cap per
    period, at a multiple of the target incentive or of the earnings at 100 %; a SPIFF of
    an amount or a rate; crediting rules by product (with factors) or by amount."""
    cap = draw(st.none() | st.builds(
        sp.Cap, per_period=st.sampled_from([None, "900", "5000.5"]),
        target_incentive_multiple=st.sampled_from([None, "0.5", "2"]),
        earnings_at_attainment=st.none() | st.just("1"),
        multiple=st.sampled_from(["1", "1.5"])))
    if cap is not None and cap.per_period is None and cap.target_incentive_multiple is None \
            and cap.earnings_at_attainment is None:
        cap = None
    components: list[Any] = [sp.Commission("c", draw(rate_tables()), cap=cap)]
    if draw(st.booleans()):
        components.append(sp.Commission("c2", draw(rate_tables(sp.BoundBasis.AMOUNT))))
    spiff = draw(st.sampled_from(["none", "amount", "rate"]))
    if spiff != "none":
        where: Any = draw(st.sampled_from([
            sp.Eq("product", "b", sp.Missing.FALSE),
            sp.AllOf([sp.Eq("product", "b", sp.Missing.FALSE),
                      sp.Not(sp.In("region", ["x"], sp.Missing.TRUE))]),
            sp.AnyOf([sp.Ne("product", "a", sp.Missing.FALSE),
                      sp.Compare("amount", ">=", 50_000, sp.Missing.FALSE)])]))
        components.append(sp.Spiff("s", where, start=dt.date(2026, 2, 1),
                                   end=dt.date(2026, 8, 31),
                                   **({"amount": draw(st.sampled_from(["25", "33.33"]))}
                                      if spiff == "amount" else
                                      {"rate": draw(st.sampled_from(["0.01", "0.125"]))})))
    rules = draw(st.sampled_from([
        [sp.CreditRule("all")],
        [sp.CreditRule("half", where=sp.Eq("product", "a", sp.Missing.FALSE), factor="0.5"),
         sp.CreditRule("rest")],
        [sp.CreditRule("a-only", where=sp.In("product", ["a"]), factor="1.25")],
        [sp.CreditRule("big", where=sp.Compare("amount", ">=", 5000), factor="1.5"),
         sp.CreditRule("rest")],
    ]))
    return sp.Plan("p", components, credit_rules=rules,
                   rounding=draw(st.sampled_from(list(sp.RoundingMode))))


def plain(recs: Sequence[Any]) -> list[Any]:
    """The records without splits and clawbacks (which the accelerated path leaves to the
    pure engine), a few for a payee nobody knows."""
    out = []
    for r in recs:
        data = r if isinstance(r, dict) else None
        if data is not None and ("split" in data or "reverses" in data):
            continue
        if isinstance(r, sp.Record) and (len(r.payees) != 1 or "split" in r.attributes):
            continue
        out.append(r)
    if out and isinstance(out[-1], dict):
        out[-1] = {**out[-1], "payee": "cy"}
    return out


def as_columns(recs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"id": np.array([r["id"] for r in recs], dtype=str),
            "date": np.array([r["date"] for r in recs], dtype="datetime64[D]"),
            "payee": np.array([r["payee"] for r in recs], dtype=str),
            "amount": np.array([int(r["amount"].scaleb(2)) for r in recs], dtype=np.int64),
            "product": np.array([r["product"] for r in recs], dtype=str)}


class TestSameEvaluation:
    """The accelerated path gives exactly the pure engine's evaluation."""

    @given(accelerable_plans(), records(), st.sampled_from(QUARTERS),
           st.sampled_from([1, 40_000, 150_000]), st.randoms())
    def test_accelerated_plans_evaluate_exactly_as_on_the_pure_path(
            self, plan: sp.Plan, recs: list[Any], period: str, quota: int,
            rng: random.Random) -> None:
        """Records in order of their ids (sorted once) or in any order (sorted by id)."""
        compiled = sp.compile_plan(plan)
        recs = plain(recs)
        if rng.random() < 0.5:
            rng.shuffle(recs)
        kw = inputs(quota)
        reasons = compiled.explain_path(recs, period, **kw)
        # It does take the accelerated path, unless the evaluation is an error.
        assert reasons == () or reasons[0].startswith("the evaluation raises an error")
        assert everything(compiled, recs, period, True, **kw) == everything(
            compiled, recs, period, False, **kw)

    @given(plans(), records(), st.sampled_from(QUARTERS), st.sampled_from([1, 40_000]))
    def test_any_plan_and_records_evaluate_as_on_the_pure_path(
            self, plan: sp.Plan, recs: list[Any], period: str, quota: int) -> None:
        """Whatever path it takes: splits, clawbacks, gates, floors… fall back."""
        compiled = sp.compile_plan(plan)
        kw = inputs(quota)
        assert everything(compiled, recs, period, True, **kw) == everything(
            compiled, recs, period, False, **kw)

    @given(accelerable_plans(), records(), st.sampled_from(QUARTERS), st.randoms())
    def test_columns_evaluate_as_the_records_they_stand_for(
            self, plan: sp.Plan, recs: list[Any], period: str, rng: random.Random) -> None:
        compiled = sp.compile_plan(plan)
        dicts = [r for r in plain(recs) if isinstance(r, dict)]
        if rng.random() < 0.5:
            rng.shuffle(dicts)
        columns = as_columns(dicts)
        kw = inputs(40_000)
        rows = [{**r, "amount": D(int(r["amount"].scaleb(2))).scaleb(-2)} for r in dicts]
        assert everything(compiled, columns, period, True, **kw) == everything(
            compiled, rows, period, False, **kw)


    @given(st.lists(st.fixed_dictionaries({}, optional={
               "product": st.sampled_from(["a", "b", None, 1, True, D("1.0"), D(0), False]),
               "region": st.sampled_from(["x", "y", None, 0])}), min_size=1, max_size=40),
           st.sampled_from([
               sp.Eq("product", "b", sp.Missing.FALSE),
               sp.Eq("product", True, sp.Missing.TRUE),
               sp.AllOf([sp.In("product", ["b", 1], sp.Missing.FALSE),
                         sp.Ne("region", "x", sp.Missing.TRUE)]),
               sp.AnyOf([sp.Eq("region", 0, sp.Missing.FALSE),
                         sp.NotIn("product", [D(0)], sp.Missing.FALSE)])]),
           st.booleans())
    def test_conditions_over_fields_of_any_plain_values_answer_as_record_by_record(
            self, fields: list[dict[str, Any]], where: Any, shuffled: bool) -> None:
        """Fields read once as columns and picked from: equal values of different types
        (1, True, 1.0), None and a missing field answer as crediting answers them."""
        plan = sp.compile_plan(sp.Plan("p", [
            sp.Commission("c", sp.RateTable([sp.Tier(0, "0.1")])),
            sp.Spiff("s", where, amount="10")],
            credit_rules=[sp.CreditRule("one", where=sp.Eq("product", 1, sp.Missing.FALSE),
                                        factor="2"), sp.CreditRule("rest")]))
        deals = [{"id": f"D-{i:03d}", "date": dt.date(2026, 1 + i % 3, 1 + i % 28),
                  "payee": "ana", "amount": D(100 + i), **extra}
                 for i, extra in enumerate(fields)]
        if shuffled:
            deals.reverse()
        kw: dict[str, Any] = {"payees": PAYEES}
        assert plan.explain_path(deals, "2026-Q1", **kw) == ()
        assert everything(plan, deals, "2026-Q1", True, **kw) == everything(
            plan, deals, "2026-Q1", False, **kw)


class TestExplainPath:
    """`explain_path` names every reason a plan, or an evaluation, takes the pure path."""

    def test_the_standard_shapes_take_the_accelerated_path(self) -> None:
        plan = sp.compile_plan(sp.Plan("p", [
            sp.Commission("c", sp.RateTable([sp.Tier(0, "0.02"), sp.Tier("0.5", "0.05")],
                                            basis=sp.BoundBasis.ATTAINMENT),
                          cap=sp.Cap(earnings_at_attainment="1", multiple="3")),
            sp.Spiff("s", sp.Eq("category", "cloud"), amount="250")],
            credit_rules=[sp.CreditRule("half", where=sp.Eq("category", "services"), factor="0.5"),
                          sp.CreditRule("rest")]))
        assert plan.explain_path() == ()

    @pytest.mark.parametrize(("commission", "reason"), [
        (sp.Commission("c", sp.RateTable([sp.Tier(0, "0.1")]),
                       application=sp.Application.PER_RECORD), "pays record by record"),
        (sp.Commission("c", sp.RateTable([sp.Tier(0, "0.1")]), window=sp.Window.YEAR_TO_DATE),
         "year-to-date window"),
        (sp.Commission("c", sp.RateTable([sp.Tier(0, "0.1")]), gate=sp.Gate("0.5")), "gate"),
        (sp.Commission("c", sp.RateTable([sp.Tier(0, "0.1")]), floor="100"), "floor"),
        (sp.Commission("c", sp.RateTable([sp.Tier(0, "0.1")]), cap=sp.Cap(per_record="9")),
         "caps each record"),
    ])
    def test_each_other_shape_says_why(self, commission: sp.Commission, reason: str) -> None:
        reasons = sp.compile_plan(sp.Plan("p", [commission])).explain_path()
        assert len(reasons) == 1
        assert f"component 'c' {reason}" in reasons[0] or reason in reasons[0]

    def test_records_the_accelerated_path_does_not_read_are_named(self) -> None:
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.1")]))]))
        split = [{"id": "D-1", "date": dt.date(2026, 1, 5), "payees": ["ana", "ben"],
                  "split": {"ana": "0.5", "ben": "0.5"}, "amount": D("100.00")}]
        kw: dict[str, Any] = {"payees": PAYEES}
        assert plan.explain_path(split, "2026-Q1", **kw) == (
            "a record names several payees, a split or a reversal",)
        assert plan.evaluate(split, "2026-Q1", accelerated=True, **kw) == plan.evaluate(
            split, "2026-Q1", **kw)

    def test_amounts_too_large_for_64_bits_take_the_pure_path(self) -> None:
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.1"), sp.Tier(10**12, "0.2")]))]))
        deals = [{"id": f"D-{i}", "date": dt.date(2026, 1, 5), "payee": "ana",
                  "amount": D(10**15) + D("0.01")} for i in range(3)]
        kw: dict[str, Any] = {"payees": PAYEES}
        reasons = plan.explain_path(deals, "2026-Q1", **kw)
        assert len(reasons) == 1
        assert "64-bit" in reasons[0]
        fast = plan.evaluate(deals, "2026-Q1", accelerated=True, **kw)
        assert fast.to_dict() == plan.evaluate(deals, "2026-Q1", **kw).to_dict()

    def test_amounts_with_more_places_than_the_currency_take_the_pure_path(self) -> None:
        """Never rounded to fit: 0.005 of a dollar is a reason to fall back."""
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.1")]))]))
        deals = [{"id": "D-1", "date": dt.date(2026, 1, 5), "payee": "ana",
                  "amount": D("100.005")},
                 {"id": "D-2", "date": dt.date(2026, 1, 6), "payee": "ana",
                  "amount": D("100.00")}]
        kw: dict[str, Any] = {"payees": PAYEES}
        reasons = plan.explain_path(deals, "2026-Q1", **kw)
        expected = ("an amount has more than 2 decimal places, or is too large for exact "
                    "64-bit arithmetic")
        assert reasons == (expected,)
        fast = plan.evaluate(deals, "2026-Q1", accelerated=True, **kw)
        assert fast.to_dict() == plan.evaluate(deals, "2026-Q1", **kw).to_dict()

    @given(accelerable_plans(), records(), st.sampled_from(QUARTERS))
    def test_an_accelerated_evaluation_pickles_as_the_pure_one(
            self, plan: sp.Plan, recs: list[Any], period: str) -> None:
        compiled = sp.compile_plan(plan)
        recs, kw = plain(recs), inputs(40_000)
        try:
            pure = compiled.evaluate(recs, period, **kw)
        except sp.SalesperfError:
            return
        fast = compiled.evaluate(recs, period, accelerated=True, **kw)
        arrived = pickle.loads(pickle.dumps(fast))  # noqa: S301 - our own bytes, in a test
        assert arrived == pure
        assert arrived.to_dict() == pure.to_dict()

    @pytest.mark.parametrize("amount", ["NaN", "-NaN", "sNaN", "Infinity", "-Infinity"])
    def test_an_amount_that_is_not_finite_takes_the_pure_path_and_its_error(
            self, amount: str) -> None:
        """Found in review: a NaN amount raised a bare ValueError from the accelerated
        path, where the pure path names the record and field."""
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.1")]))]))
        deals = [{"id": "D-1", "date": dt.date(2026, 1, 5), "payee": "ana",
                  "amount": D("100.00")},
                 {"id": "D-2", "date": dt.date(2026, 1, 6), "payee": "ana",
                  "amount": D(amount)}]
        kw: dict[str, Any] = {"payees": PAYEES}
        assert plan.explain_path(deals, "2026-Q1", **kw) == (
            "an amount is not a finite number",)
        with pytest.raises(sp.DataError, match="record 'D-2', field 'amount'"):
            plan.evaluate(deals, "2026-Q1", accelerated=True, **kw)

    @pytest.mark.parametrize("currency", [["USD"], {"code": "USD"}, 840])
    def test_a_currency_that_is_not_text_takes_the_pure_path_and_its_error(
            self, currency: object) -> None:
        """Found in review: an unhashable currency raised a bare TypeError from the
        accelerated path, where the pure path names the record and field."""
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.1")]))]))
        deals = [{"id": "D-1", "date": dt.date(2026, 1, 5), "payee": "ana",
                  "amount": D("100.00")},
                 {"id": "D-2", "date": dt.date(2026, 1, 6), "payee": "ana",
                  "amount": D("100.00"), "currency": currency}]
        kw: dict[str, Any] = {"payees": PAYEES}
        assert plan.explain_path(deals, "2026-Q1", **kw) == (
            "a record's currency is not text",)
        with pytest.raises(sp.DataError, match="record 'D-2', field 'currency'"):
            plan.evaluate(deals, "2026-Q1", accelerated=True, **kw)
        columns: Any = {"id": np.array(["D-1", "D-2"]), "payee": np.array(["ana", "ana"]),
                   "date": np.array(["2026-01-05", "2026-01-06"], dtype="datetime64[D]"),
                   "amount": np.array([10000, 10000]),
                   "currency": np.array([None, currency], dtype=object)}
        assert plan.explain_path(columns, "2026-Q1", **kw) == (
            "a record's currency is not text",)

    def test_the_columns_held_through_an_evaluation_are_not_traversed_by_gc(self) -> None:
        """`Intake`'s promise: the garbage collector traverses every young list, and a list
        of a million values held through an evaluation cost two collections of about
        50 ms each; columns are held as NumPy arrays, which it does not traverse."""
        import gc

        from salesperf._fast.intake import from_columns, from_records

        deals = [{"id": f"D-{i}", "date": dt.date(2026, 1, 5), "payee": "ana",
                  "amount": D(f"1.5{i}"), "product": "abc"[i]} for i in range(3)]
        intake = from_records(deals, "USD", 2)
        assert intake.field("product", None) == ["a", "b", "c"]
        assert intake.field("product", np.array([2, 0])) == ["c", "a"]
        assert intake.decimal(1) is deals[1]["amount"]
        # Columns of text and Decimals as objects (as a DataFrame gives them) are kept so.
        columns = from_columns({"id": np.array(["D-0", "D-1"], dtype=object),
                                "date": np.array(["2026-01-05"] * 2, dtype="datetime64[D]"),
                                "payee": np.array(["ana", "ana"], dtype=object),
                                "amount": np.array([D("1.50"), D("2")], dtype=object)},
                               "USD", 2)
        assert columns.decimal(1) == D("2")
        held = [intake.ids, intake.days, intake.payees, intake.amounts, columns.ids,
                columns.payees, columns.amounts]
        assert all(isinstance(column, np.ndarray) for column in held)
        assert not any(gc.is_tracked(column) for column in held)

    def test_records_given_once_are_read_once(self) -> None:
        """A generator is read into a list first, so that a fallback reads it again."""
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.1")]), gate=sp.Gate("0.5"))]))
        deals = [{"id": "D-1", "date": dt.date(2026, 1, 5), "payee": "ana",
                  "amount": D("100.00")}]
        kw = inputs(100)
        fast = plan.evaluate(iter(deals), "2026-Q1", accelerated=True, **kw)
        assert fast == plan.evaluate(deals, "2026-Q1", **kw)
