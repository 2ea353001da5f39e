"""Properties of plan documents: any valid plan dumps to a document that loads back equal.

`plans()` generates arbitrary valid plans — every component kind, conditions of every form
(nested all/any/not too), every kind of metric, every kind of calendar, curves, caps, gates,
multipliers and decimals with varied exponents — that `compile_plan` accepts. The properties
are issue 5's: ``load_plan(dump_plan(p)) == p``, ``loads_plan(dumps_plan(p)) == p``, and the
JSON text writes every number exactly.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import salesperf as sp
from salesperf import testing
from salesperf.testing import exact_decimals as decimals

#: Text that reads as an ISO date is a date in a condition (documented): a condition's text
#: values are drawn from text that does not.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# -- scalars -----------------------------------------------------------------------------------


def zeros() -> st.SearchStrategy[Decimal]:
    """Zero written in any of its forms: 0, 0.00, 0E+2."""
    return st.integers(-4, 2).map(lambda exponent: Decimal((0, (0,), exponent)))


def increasing(values: st.SearchStrategy[Decimal], min_size: int, max_size: int,
               ) -> st.SearchStrategy[list[Decimal]]:
    """Strictly increasing decimals (no two equal in value, whatever their digits)."""
    return st.lists(values, min_size=min_size, max_size=max_size,
                    unique_by=lambda d: d.normalize()).map(sorted)


names = st.text(min_size=1, max_size=12)
dates = testing.dates()
condition_text = st.text(max_size=12).filter(lambda s: not _ISO_DATE.fullmatch(s))
condition_values: st.SearchStrategy[object] = st.one_of(
    st.none(), st.booleans(), condition_text, decimals(signed=True),
    st.integers(-(10**9), 10**9), dates)
missing = st.sampled_from(sp.Missing)


# -- conditions --------------------------------------------------------------------------------


@st.composite
def betweens(draw: st.DrawFn) -> sp.Condition:
    ends = draw(st.one_of(
        st.lists(dates, min_size=2, max_size=2), st.lists(decimals(signed=True), min_size=2,
                                                          max_size=2)))
    start, end = sorted(ends)
    which = draw(st.sampled_from(["both", "start", "end"]))
    return sp.Between(draw(names), None if which == "end" else start,
                      None if which == "start" else end, draw(missing))


leaves: st.SearchStrategy[sp.Condition] = st.one_of(
    st.builds(sp.Eq, names, condition_values, missing),
    st.builds(sp.Ne, names, condition_values, missing),
    st.builds(sp.In, names, st.lists(condition_values, max_size=4), missing),
    st.builds(sp.NotIn, names, st.lists(condition_values, max_size=4), missing),
    st.builds(sp.Compare, names, st.sampled_from(["<", "<=", ">", ">="]),
              st.one_of(decimals(signed=True), dates, condition_text), missing),
    betweens(),
    st.builds(sp.IsSet, names),
)

conditions: st.SearchStrategy[sp.Condition] = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(sp.AllOf, st.lists(inner, max_size=3)),
        st.builds(sp.AnyOf, st.lists(inner, max_size=3)),
        st.builds(sp.Not, inner),
    ),
    max_leaves=6,
)
maybe_conditions = st.none() | conditions


# -- metrics, curves and calendars ---------------------------------------------------------------

metrics: st.SearchStrategy[sp.Metric] = st.recursive(
    st.one_of(
        st.builds(sp.Measure, names, st.sampled_from(sp.Aggregation), names, maybe_conditions),
        st.builds(sp.Supplied, names),
    ),
    lambda inner: st.one_of(
        st.builds(sp.Ratio, names, inner, inner),
        st.builds(sp.Growth, names, inner, st.sampled_from(sp.GrowthBase)),
    ),
    max_leaves=4,
)


@st.composite
def curves(draw: st.DrawFn) -> sp.Curve:
    xs = draw(increasing(decimals(signed=True), 1, 4))
    ys = draw(st.lists(decimals(signed=True), min_size=len(xs), max_size=len(xs)))
    floor, cap = draw(st.none() | decimals(signed=True)), draw(st.none() | decimals(signed=True))
    if floor is not None and cap is not None and cap < floor:
        floor, cap = cap, floor
    return sp.Curve(list(zip(xs, ys, strict=True)), draw(st.sampled_from(sp.CurveKind)), floor,
                    cap, draw(st.booleans()), draw(decimals(signed=True)))


# -- plan parts --------------------------------------------------------------------------------


@st.composite
def rate_tables(draw: st.DrawFn, *, amount_bounds: bool = False) -> sp.RateTable:
    lowers = [draw(zeros()), *draw(increasing(decimals(positive=True), 0, 3))]
    rates = draw(st.lists(decimals(), min_size=len(lowers), max_size=len(lowers)))
    mode = draw(st.sampled_from(sp.TierMode))
    through = draw(st.integers(0, len(lowers) - 1)) if mode is sp.TierMode.HYBRID else None
    basis = sp.BoundBasis.AMOUNT if amount_bounds else draw(st.sampled_from(sp.BoundBasis))
    return sp.RateTable([sp.Tier(lo, r) for lo, r in zip(lowers, rates, strict=True)], mode,
                        basis, through)


@st.composite
def caps(draw: st.DrawFn) -> sp.Cap:
    record, period, incentive, attainment = draw(
        st.lists(st.none() | decimals(), min_size=4, max_size=4).filter(
            lambda v: any(x is not None for x in v)))
    return sp.Cap(record, period, incentive, attainment, draw(decimals()))


def gates(measures: list[str], *, other_measure: bool = False) -> st.SearchStrategy[sp.Gate]:
    measure = st.sampled_from(measures) if other_measure else (
        st.none() | st.sampled_from(measures))
    return st.builds(sp.Gate, decimals(), measure, st.booleans())


@st.composite
def commissions(draw: st.DrawFn, cid: str, measures: list[str]) -> sp.Commission:
    application = draw(st.sampled_from(sp.Application))
    per_record = application is sp.Application.PER_RECORD
    return sp.Commission(
        cid,
        draw(rate_tables(amount_bounds=per_record)),
        measure=draw(st.sampled_from(measures)),
        application=application,
        window=draw(st.sampled_from(sp.Window)),
        gate=draw(st.none() | gates(measures, other_measure=per_record)),
        cap=draw(st.none() | caps()),
        floor=draw(st.none() | decimals()),
        multiplier=draw(st.none() | st.builds(sp.Multiplier, st.sampled_from(measures),
                                              curves())),
    )


@st.composite
def target_bonuses(draw: st.DrawFn, cid: str, measures: list[str]) -> sp.TargetBonus:
    return sp.TargetBonus(cid, draw(curves()), draw(st.sampled_from(measures)),
                          draw(st.none() | gates(measures)), draw(st.none() | caps()))


@st.composite
def kpi_bonuses(draw: st.DrawFn, cid: str, measures: list[str]) -> sp.KpiBonus:
    # Weights are whole hundredths or thousandths that total exactly 1.
    scale = draw(st.sampled_from([2, 3]))
    cuts = draw(st.lists(st.integers(1, 10**scale - 1), max_size=3, unique=True).map(sorted))
    bounds = [0, *cuts, 10**scale]
    weights = [Decimal(b - a).scaleb(-scale) for a, b in itertools.pairwise(bounds)]
    items = [sp.KpiItem(draw(metrics), w, draw(st.just("") | names),
                        draw(st.sampled_from(sp.Direction))) for w in weights]
    return sp.KpiBonus(cid, items, draw(curves()), draw(st.none() | curves()),
                       draw(st.sampled_from(sp.MissingData)))


@st.composite
def spiffs(draw: st.DrawFn, cid: str, measures: list[str]) -> sp.Spiff:
    start, end = draw(st.none() | dates), draw(st.none() | dates)
    if start and end and end < start:
        start, end = end, start
    money = draw(decimals())
    by_amount = draw(st.booleans())
    return sp.Spiff(cid, draw(maybe_conditions), start, end, money if by_amount else None,
                    None if by_amount else money, draw(st.sampled_from(measures)))


COMPONENTS: tuple[Callable[[str, list[str]], st.SearchStrategy[sp.Component]], ...] = (
    commissions, target_bonuses, kpi_bonuses, spiffs)


@st.composite
def plans(draw: st.DrawFn) -> sp.Plan:
    """A valid plan of every kind of part, which `compile_plan` accepts."""
    measures = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    rules = [sp.CreditRule(draw(names), m, draw(maybe_conditions), draw(decimals()))
             for m in measures]
    extra = draw(st.lists(st.one_of(
        st.builds(sp.Overlay, names, st.lists(names, min_size=1, max_size=3),
                  st.sampled_from(measures), maybe_conditions, decimals()),
        st.builds(sp.Rollup, names, st.sampled_from(measures), st.none() | st.integers(1, 5),
                  decimals(), st.just(sp.RollupBy.MANAGER)),
        st.builds(sp.Rollup, names, st.sampled_from(measures), st.none(), decimals(),
                  st.just(sp.RollupBy.TEAM)),
    ), max_size=2))
    ids = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    components = [draw(st.sampled_from(COMPONENTS))(cid, measures) for cid in ids]
    start, until = draw(st.none() | dates), draw(st.none() | dates)
    if start and until and until < start:
        start, until = until, start
    plan = sp.Plan(
        draw(names),
        [draw(c) for c in components],
        credit_rules=draw(st.permutations(rules)),
        extra_credit=extra,
        version=draw(st.integers(1, 10**6)),
        currency=draw(st.sampled_from(sorted(sp.CURRENCIES))),
        rounding=draw(st.sampled_from(sp.RoundingMode)),
        calendar=draw(testing.calendars()),
        frequency=draw(st.sampled_from([g for g in sp.Grain if g is not sp.Grain.CUSTOM])),
        effective_from=start,
        effective_until=until,
    )
    sp.compile_plan(plan)  # the strategy makes only valid plans
    return plan


# -- properties --------------------------------------------------------------------------------

PLAN_SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow,
                                                HealthCheck.data_too_large])


def _numbers(value: object, in_condition: bool = False) -> Iterator[tuple[object, bool]]:
    """Every number in a dumped document, and whether it sits in a condition."""
    if isinstance(value, dict):
        here = in_condition or "field" in value or bool({"all", "any", "not"} & set(value))
        for key, v in value.items():
            yield from _numbers(v, here or key == "where")
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v, in_condition)
    elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        yield value, in_condition


def _as_written(text: str) -> int | Decimal:
    """An integer as the text writes it: Python's json reads `-0` as 0, losing the sign the
    text has (found when the CI profile generated a condition on -0)."""
    return Decimal(text) if text == "-0" else int(text)


class TestRoundTrip:
    @PLAN_SETTINGS
    @given(plans())
    def test_load_of_dump_is_the_same_plan(self, plan: sp.Plan) -> None:
        assert sp.load_plan(sp.dump_plan(plan)) == plan

    @PLAN_SETTINGS
    @given(plans(), st.sampled_from([2, None, 0]))
    def test_loads_of_dumps_is_the_same_plan(self, plan: sp.Plan, indent: int | None) -> None:
        assert sp.loads_plan(sp.dumps_plan(plan, indent=indent)) == plan

    @PLAN_SETTINGS
    @given(plans())
    def test_dumps_is_stable_across_a_round_trip(self, plan: sp.Plan) -> None:
        text = sp.dumps_plan(plan)
        assert sp.dumps_plan(sp.loads_plan(text)) == text

    @PLAN_SETTINGS
    @given(plans())
    def test_every_number_in_the_text_is_written_exactly(self, plan: sp.Plan) -> None:
        """A plan's decimals are written as text, so that no JSON reader takes them for floats;
        only condition values are JSON numbers, written with exactly their own digits."""
        text = sp.dumps_plan(plan)
        written = list(_numbers(json.loads(text, parse_float=Decimal, parse_int=_as_written)))
        for number, in_condition in written:
            assert in_condition or type(number) is int  # a version, a month, a tier index
        expected = [number for number, _ in _numbers(sp.dump_plan(plan))]
        assert [str(n) for n, _ in written] == [str(n) for n in expected]
        assert not any(isinstance(n, float) for n in expected)

    def test_the_dump_of_any_plan_validates_against_the_schema(self) -> None:
        jsonschema = pytest.importorskip("jsonschema")  # a test-only extra
        check = jsonschema.Draft202012Validator(sp.plan_schema())

        @PLAN_SETTINGS
        @given(plans())
        def dump_validates(plan: sp.Plan) -> None:
            check.validate(json.loads(sp.dumps_plan(plan)))

        dump_validates()


@given(decimals(signed=True))
def test_the_decimal_strategy_stays_within_the_document_limits(value: Decimal) -> None:
    assert len(value.as_tuple().digits) <= sp.LIMITS.max_digits
    assert -sp.LIMITS.max_exponent <= value.adjusted() <= sp.LIMITS.max_exponent
