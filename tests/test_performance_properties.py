"""Properties of scoring, scorecards, splits and rankings (issue 3, "Done means").

- A score never falls as the actual rises on a higher-is-better goal, and never rises on a
  lower-is-better one.
- Permuting the records changes nothing in `evaluate_performance`.
- RENORMALISE keeps the ranking: when every payee lacks data for the same goal, scores and
  ranks are those of a scorecard of the remaining goals re-weighted to 100 %.
- `split_target` parts add up to the total, keep fixed parts, and stay near their share.
- A curve whose points' y values do not decrease never decreases.
- `rank` is deterministic and its ranks and percentiles agree with the values.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

import salesperf as sp
import salesperf.metrics as m
from salesperf.testing import money

D = Decimal
CAL = sp.CalendarYear()
Q1 = CAL.parse("2026-Q1")
HIGHER, LOWER = sp.Direction.HIGHER_IS_BETTER, sp.Direction.LOWER_IS_BETTER
#: Wide enough to add any sum these tests build without rounding.
EXACT = decimal.Context(prec=200)
PAYEES = ("ana", "ben", "cy", "dee", "eve", "fay")


def exact_sum(values: list[Decimal]) -> Decimal:
    total = D(0)
    for v in values:
        total = EXACT.add(total, v)
    return total


# -- strategies --------------------------------------------------------------------------------


@st.composite
def curves(draw: st.DrawFn) -> sp.Curve:
    """A curve of either kind whose points' y values never decrease, with optional bounds.

    A STEPS curve's `below` is at most its first y: a higher value below the first step would
    make the curve fall by construction.
    """
    xs = sorted(draw(st.sets(money("-1", "3", 2), min_size=1, max_size=5)))
    ys = sorted(draw(st.lists(money("-1", "3", 3), min_size=len(xs), max_size=len(xs))))
    kind = draw(st.sampled_from(sp.CurveKind))
    bounds = sorted(draw(st.lists(money("-1", "3", 2), min_size=2, max_size=2)))
    floor = draw(st.none() | st.just(bounds[0]))
    cap = draw(st.none() | st.just(bounds[1]))
    below = draw(money("-2", str(ys[0]), 2))
    return sp.Curve(list(zip(xs, ys, strict=True)), kind=kind, floor=floor, cap=cap,
                    extrapolate=draw(st.booleans()), below=below)


@st.composite
def deals(draw: st.DrawFn, max_size: int = 25) -> list[dict[str, object]]:
    """Deals as plain mappings, with unique ids, mostly in 2026-Q1, some around it."""
    ids = draw(st.lists(st.integers(1, 999), unique=True, max_size=max_size))
    days = st.dates(dt.date(2025, 12, 1), dt.date(2026, 4, 30))
    return [
        {
            "id": f"D-{i}",
            "date": draw(days),
            "payees": draw(st.lists(st.sampled_from(PAYEES[:3]), min_size=1, max_size=2,
                                    unique=True)),
            "status": draw(st.sampled_from(["won", "lost", "open"])),
            "amount": draw(money("-1000", "100000", 2)),
            "customer": draw(st.sampled_from(["acme", "bolt", "cara", "dyn"])),
            "new_customer": draw(st.booleans()),
        }
        for i in ids
    ]


def percent_partition(parts: int) -> st.SearchStrategy[list[Decimal]]:
    """`parts` non-negative multiples of 1 % that total exactly 100 %."""
    return st.lists(st.integers(0, 100), min_size=parts - 1, max_size=parts - 1).map(
        lambda cuts: [D(b - a) / 100 for a, b in
                      zip([0, *sorted(cuts)], [*sorted(cuts), 100], strict=True)])


@st.composite
def positive_weights(draw: st.DrawFn, parts: int) -> list[Decimal]:
    """`parts` positive multiples of 5 % that total exactly 100 %."""
    cuts = sorted(draw(st.sets(st.integers(1, 19), min_size=parts - 1, max_size=parts - 1)))
    return [D(b - a) * D("0.05") for a, b in zip([0, *cuts], [*cuts, 20], strict=True)]


def scores(report: sp.PerformanceReport) -> dict[str, Decimal | None]:
    return {g.owner: g.score for g in report.goals}


# -- properties --------------------------------------------------------------------------------


class TestScoreFollowsTheActual:
    @given(target=money("0", "1000", 2), curve=st.none() | curves(),
           actuals=st.lists(money("-2000", "4000", 2), min_size=2, max_size=2))
    def test_a_score_never_falls_as_the_actual_rises_when_higher_is_better(
        self, target: Decimal, curve: sp.Curve | None, actuals: list[Decimal],
    ) -> None:
        low, high = sorted(actuals)
        result = self.evaluate(target, HIGHER, curve, low, high)
        assert result["low"] <= result["high"]

    @given(target=money("0", "1000", 2), curve=st.none() | curves(),
           actuals=st.lists(money("-2000", "4000", 2), min_size=2, max_size=2))
    def test_a_score_never_rises_as_the_actual_rises_when_lower_is_better(
        self, target: Decimal, curve: sp.Curve | None, actuals: list[Decimal],
    ) -> None:
        low, high = sorted(actuals)
        result = self.evaluate(target, LOWER, curve, low, high)
        assert result["low"] >= result["high"]

    @staticmethod
    def evaluate(target: Decimal, direction: sp.Direction, curve: sp.Curve | None,
                 low: Decimal, high: Decimal) -> dict[str, Decimal]:
        """Two payees with the same goal; "low" has the smaller supplied actual."""
        metric = sp.Supplied("csat")
        goals = [sp.Goal("g", metric, target, Q1, p, direction=direction)
                 for p in ("low", "high")]
        supplied = {("csat", "low", "2026-Q1"): low, ("csat", "high", "2026-Q1"): high}
        report = sp.evaluate_performance([], goals=goals, supplied=supplied, curve=curve)
        out = {}
        for owner, score in scores(report).items():
            assert score is not None
            out[owner] = score
        return out

    @given(records=deals(), extra=money("0", "50000", 2), target=money("0", "300000", 0),
           curve=st.none() | curves())
    def test_another_won_deal_never_lowers_a_revenue_score(
        self, records: list[dict[str, object]], extra: Decimal, target: Decimal,
        curve: sp.Curve | None,
    ) -> None:
        goal = sp.Goal("revenue", m.revenue(), target, Q1, "ana")
        more = [*records, {"id": "EXTRA", "date": "2026-02-01", "payee": "ana",
                           "status": "won", "amount": extra}]
        before = sp.evaluate_performance(records, goals=[goal], curve=curve).goals[0]
        after = sp.evaluate_performance(more, goals=[goal], curve=curve).goals[0]
        assert before.actual is not None
        assert after.actual is not None
        assert before.score is not None
        assert after.score is not None
        assert after.actual >= before.actual
        assert after.score >= before.score


class TestOrderOfRecords:
    @given(records=deals(), order=st.randoms(use_true_random=False),
           curve=st.none() | curves(), policy=st.sampled_from(sp.MissingData))
    def test_permuting_the_records_changes_nothing(
        self, records: list[dict[str, object]], order: object, curve: sp.Curve | None,
        policy: sp.MissingData,
    ) -> None:
        shuffled = list(records)
        order.shuffle(shuffled)  # type: ignore[attr-defined]
        org = sp.Hierarchy.of([sp.Payee("ana", team="west"), sp.Payee("ben", team="west"),
                               sp.Payee("cy", team="east")])
        goals = [
            sp.Goal("new", m.new_customers(), 2, Q1, "west", owner_kind=sp.OwnerKind.TEAM),
            sp.Goal("customers", sp.Measure("customers", sp.Aggregation.DISTINCT_COUNT,
                                            "customer"), 3, Q1, "ben"),
        ]
        cards = [
            sp.Scorecard(p, [
                sp.Goal("revenue", m.revenue(), 100_000, Q1, p, weight="0.5"),
                sp.Goal("win rate", m.win_rate(), "0.5", Q1, p, weight="0.2"),
                sp.Goal("size", m.average_deal_size(), 20_000, Q1, p, weight="0.2"),
                sp.Goal("low", sp.Measure("low", sp.Aggregation.MIN, where=m.revenue().where),
                        10_000, Q1, p, direction=LOWER, weight="0.1"),
            ], missing=policy)
            for p in PAYEES[:3]
        ]
        scale = sp.RatingScale([sp.RatingBand("low"), sp.RatingBand("high", 1)])

        def run(data: list[dict[str, object]]) -> sp.PerformanceReport | str:
            try:
                return sp.evaluate_performance(data, goals=goals, scorecards=cards,
                                               hierarchy=org, curve=curve, rating_scale=scale)
            except sp.DataError as err:  # FAIL with no data: the same error either way
                return str(err)

        first, second = run(records), run(shuffled)
        assert first == second
        assert repr(first) == repr(second)


class TestRenormalise:
    @given(data=st.data(), remaining=st.integers(1, 3), payees=st.integers(2, 6),
           curve=st.none() | curves())
    def test_renormalising_keeps_the_ranking_of_the_remaining_goals(
        self, data: st.DataObject, remaining: int, payees: int, curve: sp.Curve | None,
    ) -> None:
        weights = data.draw(positive_weights(remaining))
        missing_weight = D(data.draw(st.integers(1, 19))) * D("0.05")
        owners = PAYEES[:payees]
        supplied = {(f"m{i}", p, "2026-Q1"): data.draw(money("0", "3", 2))
                    for p in owners for i in range(remaining)}

        def card(owner: str, scale: Decimal | None) -> sp.Scorecard:
            goals = [sp.Goal(f"g{i}", sp.Supplied(f"m{i}"), 1, Q1, owner,
                             weight=w if scale is None else w * scale)
                     for i, w in enumerate(weights)]
            if scale is not None:  # every payee lacks data for this one
                goals.append(sp.Goal("gone", sp.Supplied("never supplied"), 1, Q1, owner,
                                     weight=missing_weight))
            return sp.Scorecard(owner, goals, missing=sp.MissingData.RENORMALISE)

        full = sp.evaluate_performance(
            [], scorecards=[card(p, 1 - missing_weight) for p in owners], supplied=supplied,
            curve=curve)
        reweighted = sp.evaluate_performance(
            [], scorecards=[card(p, None) for p in owners], supplied=supplied, curve=curve)
        assert [(r.id, r.rank, r.percentile) for r in full.leaderboard] == [
            (r.id, r.rank, r.percentile) for r in reweighted.leaderboard]
        assert {c.owner: c.score for c in full.scorecards} == {
            c.owner: c.score for c in reweighted.scorecards}


class TestSplitTarget:
    @given(data=st.data(), grain_pair=st.sampled_from([
        (sp.Grain.YEAR, sp.Grain.QUARTER), (sp.Grain.YEAR, sp.Grain.MONTH),
        (sp.Grain.QUARTER, sp.Grain.MONTH), (sp.Grain.HALF, sp.Grain.QUARTER),
        (sp.Grain.YEAR, sp.Grain.HALF)]),
        code=st.sampled_from([None, "USD", "JPY", "KWD"]))
    def test_parts_add_up_to_the_total_keep_fixed_parts_and_stay_near_their_share(
        self, data: st.DataObject, grain_pair: tuple[sp.Grain, sp.Grain], code: str | None,
    ) -> None:
        outer, inner = grain_pair
        period = CAL.period(outer, data.draw(st.dates(dt.date(2020, 1, 1),
                                                      dt.date(2030, 12, 31))))
        labels = [str(p) for p in period.subperiods(inner)]
        cur = None if code is None else sp.currency(code)
        places = 4 if cur is None else cur.minor_units
        total = data.draw(money("0", "10000000", places))
        weights = (None if data.draw(st.booleans())
                   else dict(zip(labels, data.draw(percent_partition(len(labels))),
                                 strict=True)))
        shares = weights or dict.fromkeys(labels, D(1))
        fixed_labels = data.draw(st.lists(st.sampled_from(labels), unique=True,
                                          max_size=len(labels) - 1))
        open_labels = [label for label in labels if label not in fixed_labels]
        assume(exact_sum([shares[label] for label in open_labels]) > 0)
        fixed = {label: data.draw(money("0", str(total / len(labels)), places)).quantize(
            D(1).scaleb(-places), rounding=decimal.ROUND_DOWN) for label in fixed_labels}
        split = sp.split_target(total, period, inner, weights, fixed=fixed, currency=cur)

        assert [str(p) for p in split] == labels
        assert exact_sum(list(split.values())) == total
        by_label = {str(p): v for p, v in split.items()}
        assert all(by_label[label] == value for label, value in fixed.items())
        rest = EXACT.subtract(total, exact_sum(list(fixed.values())))
        open_weight = exact_sum([shares[label] for label in open_labels])
        tolerance = D("1e-25") * max(D(1), rest) if cur is None else cur.quantum
        for label in open_labels:
            share = EXACT.divide(EXACT.multiply(rest, shares[label]), open_weight)
            assert abs(EXACT.subtract(by_label[label], share)) < tolerance
            if cur is not None:
                assert by_label[label] == by_label[label].quantize(cur.quantum)


class TestCurve:
    @given(curve=curves(), xs=st.lists(money("-3", "6", 4), min_size=2, max_size=2))
    def test_a_curve_with_non_decreasing_points_never_decreases(
        self, curve: sp.Curve, xs: list[Decimal],
    ) -> None:
        low, high = sorted(xs)
        assert curve(low) <= curve(high)

    @given(curve=curves(), x=money("-3", "6", 4))
    def test_the_result_stays_within_floor_and_cap(self, curve: sp.Curve, x: Decimal) -> None:
        y = curve(x)
        assert curve.floor is None or y >= curve.floor
        assert curve.cap is None or y <= curve.cap


def many_digit_money() -> st.SearchStrategy[Decimal]:
    """Scores with up to 34 significant digits, as a renormalised scorecard produces."""
    return st.integers(-(10**34) + 1, 10**34 - 1).map(lambda n: D(n).scaleb(-33))


class TestRank:
    @given(data=st.data(), descending=st.booleans())
    def test_rank_is_deterministic_and_consistent_with_the_values(
        self, data: st.DataObject, descending: bool,
    ) -> None:
        # Values are drawn from a small pool so that ties are common, and the pool often
        # holds near-ties that differ only in their last few digits.
        base = data.draw(st.integers(10**32, 10**34 - 1).map(lambda n: D(n).scaleb(-33)))
        pool = data.draw(st.lists(many_digit_money() | st.integers(0, 3).map(
            lambda k: EXACT.add(base, D(k).scaleb(-31))), min_size=1, max_size=4))
        ids = data.draw(st.lists(st.text("abcdefgh", min_size=1, max_size=3), unique=True,
                                 max_size=12))
        values = {pid: data.draw(st.sampled_from(pool)) for pid in ids}
        tie_break = data.draw(st.lists(st.dictionaries(st.sampled_from(ids or ["x"]),
                                                       many_digit_money()), max_size=2))
        board = sp.rank(values, descending=descending, tie_break=tie_break)
        shuffled = dict(data.draw(st.permutations(list(values.items()))))
        assert sp.rank(shuffled, descending=descending, tie_break=tie_break) == board

        assert sorted(r.id for r in board) == sorted(ids)
        n = len(board)
        for i, entry in enumerate(board):
            better = [v for v in values.values() if (v > entry.value if descending
                                                     else v < entry.value)]
            worse = [v for v in values.values() if (v < entry.value if descending
                                                    else v > entry.value)]
            assert entry.value == values[entry.id]
            assert entry.rank == len(better) + 1
            assert entry.percentile == (1 if n == 1 else
                                        decimal.Context(prec=34).divide(len(worse), n - 1))
            if i:
                previous = board[i - 1]
                assert previous.rank <= entry.rank
                assert (previous.value >= entry.value if descending
                        else previous.value <= entry.value)
                if previous.value == entry.value and not tie_break:
                    assert previous.id < entry.id
