"""Crediting, vectorised: every record credited to its payee under the first rule that
matches it, or excluded with the reason the pure engine gives, and the credits put in
each payee's (date, record) order by one sort.

Under the plans `shape` accepts (one measure, no overlays or roll-ups) and the records
`intake` accepts (one payee each, no split or reversal, in the plan currency), a record
is credited as the pure engine credits it: excluded for its date (`Dates.why_not`), else
credited under the first matching rule (`RuleBook.first`, or `first_per_measure` for a
record without the field the rules look up) to its payee if `Roster.why_not` allows,
else excluded with that reason; or excluded because no rule matched.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import repeat
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from salesperf._engine.crediting import CreditRow, Credits, Dates, Exclusion
from salesperf._engine.crediting.rules import Rule
from salesperf._engine.crediting.stage import VersionRules
from salesperf._engine.inputs import Roster
from salesperf._plans import Plan, Spiff

from .conditions import RecordByRecord, holds
from .intake import Intake, Unsupported
from .lazy import Bucket, Source

__all__ = ["Credited", "credit"]

Ints = npt.NDArray[np.int64]
_NO_RULE = -1


def _scale(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class Credited:
    """The credits, sorted by payee, then date and record: for each credit its record
    (`seq`), payee group, day, rule, amount (an integer of 10**-scale) and the SPIFFs it
    qualifies for; each payee's credits as a `Bucket` of the pure engine's rows."""

    __slots__ = ("amount", "buckets", "credits", "day", "group", "pids", "qualifies",
                 "rule", "rules", "scale", "seq", "starts")

    def __init__(self, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self, name, value)
        self.seq: Ints
        self.group: Ints  # index into pids
        self.pids: list[str]
        self.starts: Ints  # where each payee's credits start (and, last, the end)
        self.day: Ints
        self.rule: Ints
        self.rules: tuple[Rule, ...]
        self.amount: Ints
        self.scale: int
        self.qualifies: dict[str, npt.NDArray[np.bool_]]  # SPIFF id → qualifies, per credit
        self.buckets: list[Bucket]
        self.credits: Credits


def _rules_of(intake: Intake, rules: VersionRules, live: npt.NDArray[np.bool_]) -> Ints:
    """Each record's rule (its index in `rules.book.rules`), or -1 when none matches."""
    book = rules.book
    place = {id(r): k for k, r in enumerate(book.rules)}
    n = len(intake)
    out: Ints = np.full(n, _NO_RULE, np.int64)
    todo: Ints
    index = book.index
    if index is not None:
        keys: Any = intake.field(index.field, None)
        table = index.table
        if isinstance(keys, np.ndarray) and keys.dtype.kind == "U":  # text: str keys only
            out = np.full(n, _NO_RULE if index.default is None else place[id(index.default)],
                          np.int64)
            done = np.zeros(n, bool)
            for key, found in table.items():
                if type(key) is str:
                    match = (keys == key) & ~done
                    out[match] = place[id(found)]
                    done |= match
            todo = np.zeros(0, np.int64)
        elif keys is None:
            todo = np.flatnonzero(live)
        else:
            keys = keys.tolist() if isinstance(keys, np.ndarray) else keys
            to_place = {key: place[id(rule)] for key, rule in table.items()}
            default = _NO_RULE if index.default is None else place[id(index.default)]
            try:
                out = np.fromiter(map(to_place.get, keys, repeat(default)), np.int64, n)
                absent = None in set(keys)
            except TypeError:
                raise Unsupported("a record's value of the crediting rules' field is not "
                                  "hashable") from None
            todo = np.zeros(0, np.int64)
            if absent:  # a record without the field: the rules in order decide
                none = np.fromiter(map(operator.is_, keys, repeat(None)), bool, n)
                out[none] = _NO_RULE
                todo = np.flatnonzero(live & none)
    else:
        todo = np.flatnonzero(live)
    test = intake.test
    for i in todo.tolist():  # the rules in order, as `first_per_measure` tries them
        hits = test(book.first_per_measure, i)  # type: ignore[arg-type]
        hit = cast("list[Rule]", hits)
        out[i] = place[id(hit[0])] if hit else _NO_RULE
    return out


def credit(intake: Intake, plan: Plan, rules: VersionRules, dates: Dates,
           roster: Roster) -> Credited:
    """Credit the records, or raise `Unsupported` (or a `SalesperfError`, which sends the
    evaluation to the pure path, which raises it)."""
    n = len(intake)
    days = intake.days
    book = rules.book
    measure = book.rules[0].measure
    # Dates: the accepted ones as a set of ordinals; the others' reasons, once per day.
    accepted = np.fromiter(sorted(d.toordinal() for d in dates.all()), np.int64)
    date_ok = np.zeros(n, bool)
    if len(accepted) and n:  # one lookup per record in a table of the year's days
        first, table = int(accepted[0]), np.zeros(int(accepted[-1] - accepted[0]) + 1, bool)
        table[accepted - first] = True
        inside = (days >= first) & (days <= int(accepted[-1]))
        date_ok[inside] = table[days[inside] - first]
    exclusions: list[Exclusion] = []
    ids = intake.ids
    why_day: dict[int, str] = {}
    for i in np.flatnonzero(~date_ok).tolist():
        d = int(days[i])
        why = why_day.get(d)
        if why is None:
            why = why_day[d] = dates.why_not(dt.date.fromordinal(d)) or ""
        exclusions.append(Exclusion(str(ids[i]), why))
    rule = _rules_of(intake, rules, date_ok)
    hit = date_ok & (rule != _NO_RULE)
    exclusions.extend(Exclusion(str(ids[i]), "no crediting rule matched")
                      for i in np.flatnonzero(date_ok & (rule == _NO_RULE)).tolist())
    # Payees: those on the plan all year need no check; the others are asked, by day.
    whole = roster.whole_year
    names, payee_code = intake.names, intake.payees
    ok_payee = np.fromiter((p in whole for p in names), bool, len(names))
    credited = hit.copy()
    for i in np.flatnonzero(hit & ~ok_payee[payee_code] if n else hit).tolist():
        pid = names[payee_code[i]]
        why = roster.why_not(pid, dt.date.fromordinal(int(days[i])))
        if why:
            exclusions.append(Exclusion(str(ids[i]), why, pid))
            credited[i] = False
    exclusions.sort(key=lambda e: (e.record, e.payee or "", e.reason))
    # SPIFFs: tested on the records credited on a day one runs, as crediting tests them.
    spiff_ids = [s.id for s in rules.spiffs if s.measure == measure]
    spiff_conditions = {c.id: c.where for c in plan.components if isinstance(c, Spiff)}
    qualifies: dict[str, npt.NDArray[np.bool_]] = {sid: np.zeros(n, bool) for sid in spiff_ids}
    for s in rules.spiffs:  # each SPIFF of the measure on the days it runs (`runs_on`)
        if s.measure != measure:
            continue
        runs = credited.copy()
        if s.first is not None:
            runs &= days >= s.first.toordinal()
        if s.last is not None:
            runs &= days <= s.last.toordinal()
        chosen = np.flatnonzero(runs)
        try:
            answer = holds(spiff_conditions[s.id], intake.field, chosen)
        except RecordByRecord:
            answer = np.fromiter((intake.test(s.test, i) for i in chosen.tolist()), bool,
                                 len(chosen))
        qualifies[s.id][chosen] = answer
    # One sort: by payee, date and record id (unique), as each bucket is sorted.
    where = np.flatnonzero(credited)
    if intake.ordered:  # the ids in order: a record's place is its rank
        id_rank = np.arange(len(where))
    else:
        id_text = ids[where]
        if id_text.dtype.kind != "U":  # text as NumPy sorts it, checked just below
            id_text = np.asarray(id_text.tolist())
        by_id = np.argsort(id_text, kind="stable")
        ordered = id_text[by_id]
        if len(ordered) > 1 and bool(np.any(ordered[1:] == ordered[:-1])):
            raise Unsupported("record ids that differ only in trailing NUL characters")
        id_rank = np.empty(len(where), np.int64)
        id_rank[by_id] = np.arange(len(where))
    group_rank = payee_code[where]
    chosen_days = days[where]
    low = int(np.min(chosen_days)) if len(where) else 0
    span = int(np.max(chosen_days)) - low + 1 if len(where) else 1
    if intake.ordered and span < 1 << 16 and len(names) < 1 << 16:
        # A record's place breaks ties: two stable radix sorts of 16-bit keys, by day and
        # then by payee.
        by_day = np.argsort((chosen_days - low).astype(np.uint16),
                            kind="stable")
        order = by_day[np.argsort(group_rank[by_day].astype(np.uint16), kind="stable")]
    else:
        order = np.lexsort((id_rank, chosen_days, group_rank))
    seq = where[order]
    group = group_rank[order]
    pids = names
    starts = np.searchsorted(group, np.arange(len(pids) + 1))
    rule_sorted = rule[seq]
    rule_list = book.rules
    factors = [r.factor for r in rule_list]
    if any(not f.is_finite() or f < 0 for f in factors):
        raise Unsupported("a crediting rule's factor is negative")
    extra = max((_scale(f) for f in factors), default=0)
    factor_ints = np.asarray([int(f.scaleb(extra)) for f in factors], np.int64)
    peak = int(np.abs(intake.amounts).max()) if n else 0
    if peak * max((int(f) for f in factor_ints.tolist()), default=1) >= 1 << 53:
        raise Unsupported("a credit is too large for exact 64-bit arithmetic")
    amount = intake.amounts[seq] * factor_ints[rule_sorted]
    qualified = {sid: q[seq] for sid, q in qualifies.items()}
    spiffs_of = _spiffs_of(qualifies, spiff_ids)
    source = Source(seq, rule_sorted, days[seq], rule_list, ids, intake.decimal, spiffs_of)
    bounds = starts.tolist()
    buckets = [Bucket(pid, source, bounds[g], bounds[g + 1]) for g, pid in enumerate(pids)]
    by = {(pid, measure): cast("list[CreditRow]", b)
          for pid, b in zip(pids, buckets, strict=True) if len(b)}
    made = Credits(by, exclusions, cast("list[object]", intake.records), {}, frozenset())
    return Credited(seq=seq, group=group, pids=pids, starts=starts, day=days[seq],
                    rule=rule_sorted, rules=rule_list, amount=amount,
                    scale=intake.scale + extra, qualifies=qualified, buckets=buckets,
                    credits=made)


def _spiffs_of(qualifies: dict[str, npt.NDArray[np.bool_]],
               order: Sequence[str]) -> Callable[[int], tuple[str, ...]]:
    """The SPIFFs record i qualifies for, in the plan's order, as crediting lists them."""
    def spiffs(i: int) -> tuple[str, ...]:
        return tuple(sid for sid in order if qualifies[sid][i])

    return spiffs

