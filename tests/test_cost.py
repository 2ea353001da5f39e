"""Cost: loading, evaluating and explaining a request takes work at most linear in the size
of its documents and records. `costs.py` grows a request along one dimension at a time;
work is counted in function calls, so the bound holds exactly on any machine (timings are
in `benchmarks/cost.py` and docs/documents.md, *Limits*).

Linear work f(n) = a + b·n has f(4n) − f(n) = 3·(f(2n) − f(n)); quadratic work would give
5. The test allows 3.5: the extra work of the last doubling is at most a sixth more than
the first's. The one shape that is not linear, nested growth, is quadratic in a depth that
the limits bound (its own test).
"""

from __future__ import annotations

import pytest

from costs import SHAPES, work

SIZES = {"records": 216, "payees": 48, "tiers": 40, "conditions": 100}


@pytest.mark.parametrize("shape", sorted(SIZES))
def test_work_grows_at_most_linearly(shape: str) -> None:
    n = SIZES[shape]
    one, two, four = (work(SHAPES[shape](k)) for k in (n, 2 * n, 4 * n))
    assert four > two > one
    assert (four - one) / (two - one) <= 3.5, (one, two, four)


def test_nested_growth_costs_at_most_the_square_of_its_bounded_depth() -> None:
    """A growth nested d deep needs its inner metrics in up to d periods each: d²/2 small
    steps (the measures themselves run d + 1 times, see TestNestedMetricsCostLinearTime).
    Nesting is bounded by `max_depth`, so this is at most a constant factor (32) on work
    linear in the document's size — where it was 2**d before."""
    one, two, four = (work(SHAPES["growth"](k)) for k in (6, 12, 24))
    assert (four - one) / (two - one) <= 5.5, (one, two, four)
