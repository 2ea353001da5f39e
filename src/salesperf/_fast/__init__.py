"""The accelerated path: exact and vectorised (the `fast` extra, with NumPy).

`CompiledPlan.evaluate(..., accelerated=True)` comes here. The plans `shape` accepts are
credited (`credit`) and earned (`earn`) for every record and payee at once, in integers of
powers of ten chosen so that nothing is rounded; then the pure engine's own `earn` stage
rounds the blocks cumulatively, settles payments and makes the statements, exactly as on
the pure path. What the `Evaluation` holds reads exactly as the pure engine's: its credit
rows and each line's exact value are made when first read (`lazy`), from what this path
computed. Anything else — a plan shape, a record, an input this path does not read, or an
error — is evaluated by the pure engine, the reference, which raises any error itself.
`tests/test_fast.py` proves both paths give the same evaluation.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from salesperf._errors import DefinitionError, Problem, SalesperfError
from salesperf._money import DECIMAL_CONTEXT, ExchangeRates
from salesperf._periods import Period
from salesperf._plans import Commission, Spiff
from salesperf._records import Hierarchy, Payee

from .shape import plan_reasons

if TYPE_CHECKING:
    from salesperf._engine.compiled import CompiledPlan
    from salesperf._engine.inputs import Assignment, Draw, Quota, Receipt, TargetIncentive
    from salesperf._engine.statements import Evaluation

__all__ = ["evaluate", "is_columns", "path_reasons", "plan_reasons", "pure_records"]


def is_columns(records: object) -> bool:
    """Whether `records` are columns (a mapping of names to arrays, or a DataFrame) rather
    than an iterable of records."""
    return isinstance(records, Mapping) or (hasattr(records, "columns")
                                            and hasattr(records, "to_numpy"))


def evaluate(compiled: CompiledPlan, records: Any, period: Period | str, **inputs: Any,
             ) -> Evaluation:
    """`compiled.evaluate(records, period, **inputs)`, on the accelerated path where it
    applies (see `path_reasons`) and on the pure path otherwise; records may also be
    columns (`is_columns`)."""
    records = _read_once(records, inputs)
    outcome = _attempt(compiled, records, period, inputs)
    if isinstance(outcome, str):
        return compiled.evaluate(pure_records(compiled, records), period, **inputs)
    return outcome


def _read_once(records: Any, inputs: dict[str, Any]) -> Any:
    """Iterables among `records` and `inputs` read into lists (in place, for `inputs`), so
    that the pure path can read them again after an attempt."""
    for name in ("payees", "assignments", "quotas", "target_incentives", "draws", "receipts"):
        if inputs.get(name) is not None and not isinstance(inputs[name], list | tuple):
            inputs[name] = list(inputs[name])
    return records if is_columns(records) or isinstance(records, list) else list(records)


def pure_records(compiled: CompiledPlan, records: Any) -> Any:
    """The records the pure path evaluates: columns as the plain dicts they stand for."""
    if is_columns(records):
        from .intake import column_rows

        return column_rows(records, _places(compiled))
    return records


def path_reasons(compiled: CompiledPlan, records: Any = None, period: Period | str | None = None,
                 **inputs: Any) -> tuple[str, ...]:
    """Why `compiled` (and, given records and a period, its evaluation of them) takes the
    pure path; empty when the accelerated path evaluates it."""
    reasons = plan_reasons(compiled.versions or (compiled.plan,))
    if reasons or records is None or period is None:
        return tuple(reasons)
    outcome = _attempt(compiled, _read_once(records, inputs), period, inputs)
    return (outcome,) if isinstance(outcome, str) else ()


def _places(compiled: CompiledPlan) -> int:
    exponent = compiled.currency.quantum.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _attempt(compiled: CompiledPlan, records: Any, period: Period | str,
             inputs: dict[str, Any]) -> Evaluation | str:
    """The evaluation on the accelerated path, or why it takes the pure path."""
    reasons = plan_reasons(compiled.versions or (compiled.plan,))
    if reasons:
        return reasons[0]
    try:
        return _accelerated(compiled, records, period, **inputs)
    except SalesperfError as err:
        return f"the evaluation raises an error, which the pure path raises: {err}"
    except Exception as err:
        from .intake import Unsupported

        if isinstance(err, Unsupported):
            return str(err)
        raise


def _accelerated(
    compiled: CompiledPlan,
    records: Any,
    period: Period | str,
    *,
    payees: Iterable[Payee] = (),
    hierarchy: Hierarchy | None = None,
    assignments: Iterable[Assignment] | None = None,
    quotas: Iterable[Quota] = (),
    target_incentives: Iterable[TargetIncentive] = (),
    rates: ExchangeRates | None = None,
    paid: Mapping[tuple[str, str], object] | None = None,
    as_of: dt.date | None = None,
    supplied: Mapping[tuple[str, str, str], object] | None = None,
    draws: Iterable[Draw] = (),
    opening_balances: Mapping[str, object] | None = None,
    holidays: Collection[dt.date] = (),
    receipts: Iterable[Receipt] = (),
) -> Evaluation:
    import attrs

    from salesperf._engine.compiled import Credited
    from salesperf._engine.crediting import Dates
    from salesperf._engine.crediting.stage import VersionRules
    from salesperf._engine.earning.commission import CommissionEarner
    from salesperf._engine.inputs import Roster
    from salesperf._engine.versions import Versions, of_plans

    from .credit import credit
    from .earn import FastCommission, FastSpiff
    from .intake import from_columns, from_records

    plan = compiled.plan
    with decimal.localcontext(DECIMAL_CONTEXT):
        target = plan.calendar.parse(period) if isinstance(period, str) else period
        if target.grain is not plan.frequency:
            raise DefinitionError([Problem("period", "not the plan's frequency")])
        year = target.year()
        if hierarchy is None:
            hierarchy = Hierarchy.of(payees)
        elif payees:
            raise DefinitionError([Problem("payees", "give payees or a hierarchy, not both")])
        roster = Roster(hierarchy, assignments, year.start, target.end)
        dates = Dates(of_plans(compiled.versions or (plan,)), year, target, as_of)
        home, places = compiled.currency.code, _places(compiled)
        intake = (from_columns(records, home, places) if is_columns(records)
                  else from_records(records, home, places))
        credited = credit(intake, plan, VersionRules(plan), dates, roster)
    earners: list[Any] = []
    for comp in plan.components:
        if isinstance(comp, Commission):
            earners.append(FastCommission(CommissionEarner(Versions([comp])), credited))
        elif isinstance(comp, Spiff):
            earners.append(FastSpiff(Versions([comp]), credited))
    fast = attrs.evolve(compiled, earners=tuple(earners))
    return fast.earn(Credited(plan.id, target, credited.credits, roster, rates),
                     quotas=quotas, target_incentives=target_incentives, paid=paid,
                     supplied=supplied, draws=draws, opening_balances=opening_balances,
                     holidays=holidays, receipts=receipts)
