"""The evaluation as a Dask task graph, in three steps: credit each partition of the records,
send each group of payees' credits to where the group is earned, earn and write statements.

Every task is a pure function of its inputs, so a task Dask runs again (after losing the
worker that ran it or held its result) gives the same result, and Dask keeps one result
per task: nothing is credited twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import attrs
import dask
import dask.bag as db
import dask.dataframe as dd
import pandas as pd
from dask.delayed import Delayed, delayed

from salesperf import (
    Assignment,
    CompiledPlan,
    Credited,
    DataError,
    DefinitionError,
    Draw,
    ExchangeRates,
    Hierarchy,
    Payee,
    Period,
    Problem,
    Quota,
    Receipt,
    Record,
    TargetIncentive,
)

from ._rows import (
    Frames,
    credit_rows,
    exclusion_rows,
    frame,
    line_rows,
    records_of,
    statement_rows,
)

__all__ = ["NAMES", "Results", "evaluate", "group_of"]

#: The frames of results, in the order `Results` holds them.
NAMES = ("statements", "lines", "credits", "exclusions", "counts")


def group_of(key: str, groups: int) -> int:
    """The group (of `groups`) a payee's credits, or a record id, are sent to: the same on
    every machine and in every process (Python's own `hash` of a string is not)."""
    return zlib.crc32(key.encode("utf-8")) % groups


@attrs.frozen(eq=False)
class _Crediting:
    """What every crediting task reads: sent to each worker once."""

    plan: CompiledPlan
    period: Period
    hierarchy: Hierarchy
    assignments: tuple[Assignment, ...] | None
    rates: ExchangeRates | None
    as_of: dt.date | None
    members: tuple[frozenset[str], ...]  # the hierarchy's payees in each group


@attrs.frozen(eq=False)
class _Earning:
    """What every earning task reads: sent to each worker once."""

    crediting: _Crediting
    quotas: tuple[Quota, ...]
    target_incentives: tuple[TargetIncentive, ...]
    paid: Mapping[tuple[str, str], object] | None
    supplied: Mapping[tuple[str, str, str], object] | None
    draws: tuple[Draw, ...]
    opening_balances: Mapping[str, object] | None
    holidays: frozenset[dt.date]
    receipts: tuple[Receipt, ...]
    traces: bool

    def base(self, group: int) -> Credited:
        """No credits, with the roster and rates the parts were credited with (they arrive
        without: see `Credited.detached`), for the group's payees."""
        c = self.crediting
        return c.plan.credit((), c.period, hierarchy=c.hierarchy, assignments=c.assignments,
                             rates=c.rates, as_of=c.as_of).only(c.members[group])

    def earn(self, credited: Credited, only: Collection[str] | None = None) -> Any:
        return self.crediting.plan.earn(credited, quotas=self.quotas,
                              target_incentives=self.target_incentives, paid=self.paid,
                              supplied=self.supplied, draws=self.draws,
                              opening_balances=self.opening_balances, holidays=self.holidays,
                              receipts=self.receipts, only=only)


@attrs.frozen(eq=False)
class Results:
    """A cluster's results as Dask DataFrames, each partitioned as it was made: the period's
    statements and their lines (by payee group), every credit and exclusion and the counts
    of records read, credited and excluded (by crediting partition). Columns and types are
    in `COLUMNS`: amounts are exact decimal text.

    The frames share their tasks: compute them together (`gather`, `to_parquet`, or
    `dask.compute(*results.frames())`) to run the evaluation once.
    """

    statements: dd.DataFrame
    lines: dd.DataFrame
    credits: dd.DataFrame
    exclusions: dd.DataFrame
    counts: dd.DataFrame

    def frames(self) -> tuple[dd.DataFrame, ...]:
        """The five frames, in the order of `NAMES`."""
        return tuple(getattr(self, name) for name in NAMES)

    def gather(self) -> Frames:
        """Compute every frame at once and bring them here as pandas frames, sorted as
        `CompiledPlan.evaluate` orders its results, with Python values."""
        return Frames.of(*dask.compute(*self.frames()))

    def to_parquet(self, path: str, **options: Any) -> None:
        """Write every frame under `path` (a folder per frame: ``statements/``, ``lines/``
        …), computing the evaluation once. `options` go to `dask.dataframe.to_parquet`."""
        base = path.rstrip("/")
        dask.compute(*(data.to_parquet(f"{base}/{name}", compute=False, write_index=False,
                                       **options)
                       for name, data in zip(NAMES, self.frames(), strict=True)))


def evaluate(
    plan: CompiledPlan,
    records: dd.DataFrame | db.Bag,
    period: Period | str,
    *,
    payees: Iterable[Payee] = (),
    hierarchy: Hierarchy | None = None,
    assignments: Iterable[Assignment] | None = None,
    rates: ExchangeRates | None = None,
    as_of: dt.date | None = None,
    quotas: Iterable[Quota] = (),
    target_incentives: Iterable[TargetIncentive] = (),
    paid: Mapping[tuple[str, str], object] | None = None,
    supplied: Mapping[tuple[str, str, str], object] | None = None,
    draws: Iterable[Draw] = (),
    opening_balances: Mapping[str, object] | None = None,
    holidays: Collection[dt.date] = (),
    receipts: Iterable[Receipt] = (),
    groups: int | None = None,
    traces: bool = True,
) -> Results:
    """`CompiledPlan.evaluate` over a Dask DataFrame or Bag of records, partitioned any way.

    The arguments are `evaluate`'s. Records are credited partition by partition; each
    partition's credits are split by payee group (`groups` of them, by default as many as
    partitions) and sent to where the group is earned, which gives the statements. A
    record that reverses another (``reverses``) is first sent, with the record it
    reverses, to one partition. With `traces`, each line's trace and explanation are
    written (the costly part of lines); without, those columns are None.

    Nothing runs until the results are computed, except a first pass reading which records
    are reversed when some may be (a Bag, or a DataFrame with a ``reverses`` column). The
    arguments other than records are checked here, with the errors `evaluate` raises; a bad
    record raises, when computed, the `DataError` that `evaluate` raises for it.
    """
    payees, quotas, target_incentives = tuple(payees), tuple(quotas), tuple(target_incentives)
    assignments = None if assignments is None else tuple(assignments)
    draws, receipts = tuple(draws), tuple(receipts)
    # The same checks and errors as one process, before anything is sent anywhere.
    probe = plan.credit((), period, payees=payees, hierarchy=hierarchy,
                        assignments=assignments, rates=rates, as_of=as_of)
    if groups is not None and groups < 1:
        raise DefinitionError([Problem("groups", f"must be at least 1, got {groups}")])
    hierarchy = Hierarchy.of(payees) if hierarchy is None else hierarchy
    parts = _partitions(records)
    count = groups or len(parts)
    members: list[set[str]] = [set() for _ in range(count)]
    for pid in hierarchy.payees:
        members[group_of(pid, count)].add(pid)
    crediting = _Crediting(plan, probe.period, hierarchy, assignments, rates, as_of,
                           tuple(map(frozenset, members)))
    earning = _Earning(crediting, quotas, target_incentives, paid, supplied, draws,
                       opening_balances, frozenset(holidays), receipts, traces)
    earning.earn(probe, only=())

    token = uuid.uuid4().hex
    credit_setup = delayed(crediting, name=f"salesperf-crediting-{token}", traverse=False)
    earn_setup = delayed(earning, name=f"salesperf-earning-{token}", traverse=False)
    units = _with_reversals(parts, records, token)
    credited = [delayed(_credit, nout=5, pure=True)(
        credit_setup, unit, k, dask_key_name=f"salesperf-credit-{token}-{k}")
        for k, unit in enumerate(units)]
    earned = [delayed(_earn, nout=2, pure=True)(
        earn_setup, g, [out[3][g] for out in credited], [out[4][g] for out in credited],
        dask_key_name=f"salesperf-earn-{token}-{g}") for g in range(count)]
    made = {"statements": [e[0] for e in earned], "lines": [e[1] for e in earned],
            "credits": [c[0] for c in credited], "exclusions": [c[1] for c in credited],
            "counts": [c[2] for c in credited]}
    return Results(*(dd.from_delayed(made[name], meta=frame(name, ()), verify_meta=False,
                                     prefix=f"salesperf-{name}")
                     for name in NAMES))


def _partitions(records: object) -> list[Delayed]:
    if isinstance(records, dd.DataFrame | db.Bag):
        parts: list[Delayed] = records.to_delayed()
        return parts
    raise DefinitionError([Problem("records", "expected a Dask DataFrame or Bag of records; "
                                   f"got {type(records).__name__}")])


# -- clawbacks: a reversal is credited in the same partition as the record it reverses ------


def _with_reversals(parts: list[Delayed], records: object, token: str) -> list[Delayed]:
    """The partitions to credit: `parts` as they are, unless some record reverses another;
    then every reversal and every record reversed goes to the partition its original's id
    picks, and the others stay where they are."""
    if isinstance(records, dd.DataFrame):  # a first pass reads one column (of Parquet files)
        if "reverses" not in records.columns:
            return parts
        named = records["reverses"].dropna().unique().compute().tolist()
        targets = frozenset(t for t in named if isinstance(t, str))
    else:  # a first pass reads the records
        found = dask.compute(*(delayed(_reversed, pure=True)(p) for p in parts))
        targets = frozenset().union(*found)
    if not targets:
        return parts
    wanted = delayed(targets, name=f"salesperf-reversed-{token}", traverse=False)
    count = len(parts)
    routed = [delayed(_route, nout=2, pure=True)(p, wanted, count,
                                                 dask_key_name=f"salesperf-route-{token}-{k}")
              for k, p in enumerate(parts)]
    return [delayed(_unit, pure=True)(stay, [out[1][k] for out in routed],
                                      dask_key_name=f"salesperf-unit-{token}-{k}")
            for k, (stay, _) in enumerate(routed)]


def _reversed(part: object) -> frozenset[str]:
    """The ids a Bag partition's records reverse."""
    return frozenset(t for r in records_of(part) if isinstance(t := _fields(r)[1], str))


def _fields(record: object) -> tuple[object, object]:
    """A record's id and the id it reverses, as given (the engine checks them)."""
    if isinstance(record, Record):
        return record.id, record.attributes.get("reverses")
    if isinstance(record, Mapping):
        return record.get("id"), record.get("reverses")
    return None, None


def _route(part: object, targets: frozenset[str], count: int
           ) -> tuple[list[object], tuple[list[object], ...]]:
    """A partition's records that stay, and those sent to each partition: a reversal to its
    original's, a reversed record to its own id's."""
    stay: list[object] = []
    sent: tuple[list[object], ...] = tuple([] for _ in range(count))
    for record in records_of(part):
        rid, original = _fields(record)
        key = original if isinstance(original, str) else rid if rid in targets else None
        if isinstance(key, str):
            sent[group_of(key, count)].append(record)
        else:
            stay.append(record)
    return stay, sent


def _unit(stay: list[object], arriving: Sequence[list[object]]) -> list[object]:
    return [*stay, *(r for part in arriving for r in part)]


# -- the two stages as tasks -------------------------------------------------------------------


def _credit(setup: _Crediting, part: object, index: int) -> tuple[
        pd.DataFrame, pd.DataFrame, pd.DataFrame, tuple[Credited, ...],
        tuple[tuple[str, ...], ...]]:
    """Credit one partition: its credits, exclusions and counts as frames, its credits split
    by payee group, and its record ids by group (to find an id given twice across
    partitions, as one process does)."""
    records = records_of(part)
    credited = setup.plan.credit(records, setup.period, hierarchy=setup.hierarchy,
                                 assignments=setup.assignments, rates=setup.rates,
                                 as_of=setup.as_of)
    made, exclusions = credited.credits, credited.exclusions
    ids = [str(_fields(r)[0]) for r in records]  # every one a string: crediting checked
    done = {c.record for c in made}
    excluded = {e.record for e in exclusions} - done
    lost = set(ids) - done - excluded
    if lost or len(done) + len(excluded) != len(ids):  # pragma: no cover - the engine's promise
        raise DataError(min(lost, default=None), None, f"partition {index}: {len(ids)} records "
                        f"in, but {len(done)} credited and {len(excluded)} excluded")
    count = len(setup.members)
    wanted = [set(m) for m in setup.members]
    for pid in credited.payees:
        wanted[group_of(pid, count)].add(pid)
    for e in exclusions:
        if e.payee is not None:
            wanted[group_of(e.payee, count)].add(e.payee)
    by_group: list[list[str]] = [[] for _ in range(count)]
    for rid in ids:
        by_group[group_of(rid, count)].append(rid)
    return (frame("credits", credit_rows(made)),
            frame("exclusions", exclusion_rows(exclusions)),
            frame("counts", [(index, len(ids), len(done), len(excluded))]),
            tuple(credited.only(w).detached() for w in wanted), tuple(map(tuple, by_group)))


def _merged(pieces: Sequence[Credited]) -> Credited:
    """The pieces merged in pairs, then pairs of pairs (the first always first, so that its
    roster is kept): each merge copies what it merges, so merging one by one would copy the
    first piece once per piece."""
    level = list(pieces)
    while len(level) > 1:
        level = [level[k].merge(level[k + 1]) if k + 1 < len(level) else level[k]
                 for k in range(0, len(level), 2)]
    return level[0]


def _earn(setup: _Earning, group: int, pieces: Sequence[Credited],
          ids: Sequence[Sequence[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Earn for one group of payees from their credits, gathered from every partition
    (detached: merged into the group's base, which has the roster)."""
    seen: set[str] = set()
    for chunk in ids:
        for rid in chunk:
            if rid in seen:
                raise DataError(rid, "id", "two records have this id")
            seen.add(rid)
    statements = setup.earn(_merged([setup.base(group), *pieces])).statements
    return (frame("statements", statement_rows(statements)),
            frame("lines", line_rows(statements, setup.traces)))
