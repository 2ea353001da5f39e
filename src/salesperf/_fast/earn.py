"""Earning, vectorised: what each credit earns on each commission and SPIFF, for every payee
at once, in exact integers; the blocks the pure engine's `earn` rounds and the statements
read, with each line's exact value made as a Decimal when read.

A commission's line earns f(measure after it) − f(measure before it), with f the payee's
rate table for the period (bounds scaled by the quota for attainment tiers), capped: the
pure engine's `CommissionTerms.earn`. Here every amount is an integer of a power of ten
chosen so that nothing is rounded — credits and bounds of 10**-sx, rates of 10**-sr,
earnings of 10**-sf with sf >= sx + sr — and f is computed for every credit of every payee
at once. Values are checked to stay inside 64 bits before anything is computed; a plan or
records that could leave them go to the pure path. A line's value is made as the Decimal
the pure engine computes, with the same exponent: Decimal arithmetic keeps the smaller
exponent of a sum and adds those of a product, so the exponent follows from the credit's
and the terms'; a line worth exactly 0 (whose sign Decimal arithmetic decides) is
computed as the pure engine computes it.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Sequence
from decimal import Decimal
from operator import methodcaller
from typing import Any

import numpy as np
import numpy.typing as npt

from salesperf._engine.crediting import AMOUNT, Credits
from salesperf._engine.earning.commission import CommissionEarner
from salesperf._engine.explain import CommissionTerms, CommissionWriter, SpiffWriter, Writer
from salesperf._engine.inputs import Year
from salesperf._engine.rates import Rates
from salesperf._engine.statements import Block
from salesperf._engine.versions import Versions
from salesperf._money import DECIMAL_CONTEXT
from salesperf._plans import BoundBasis, Commission, Spiff, TierMode

from .credit import Credited
from .intake import Unsupported
from .lazy import Picked, Values

__all__ = ["FastCommission", "FastSpiff", "exponent"]

Ints = npt.NDArray[np.int64]
_ZERO = Decimal(0)
_SAFE = float(1 << 61)  # every intermediate stays below this (with a margin for the estimate)
_MUL = DECIMAL_CONTEXT.multiply
_ADD = DECIMAL_CONTEXT.add
_SUB = DECIMAL_CONTEXT.subtract


def exponent(value: Decimal) -> int:
    e = value.as_tuple().exponent
    if not isinstance(e, int):  # pragma: no cover - terms and credits are finite
        raise Unsupported("a value that is not finite")
    return e


def _scale(value: Decimal) -> int:
    return max(0, -exponent(value))


def _int(value: Decimal, scale: int) -> int:
    scaled = value.scaleb(scale, DECIMAL_CONTEXT)
    out = int(scaled)
    if out != scaled:  # pragma: no cover - scales are chosen so that it never is
        raise Unsupported("a value is not exact at the chosen scale")
    return out


_TRAP = decimal.Context(prec=60, traps=[decimal.Inexact, decimal.InvalidOperation,
                                        decimal.Overflow, decimal.Rounded])


def _exact(values: list[Decimal], scale: int) -> tuple[int, Ints]:
    """The values as integers of 10**-s, for the smallest s >= scale at which all are
    exact (tried at `scale` first, which is usually enough)."""
    while True:
        shift = methodcaller("scaleb", scale, _TRAP)
        try:
            ints = [int(_TRAP.to_integral_exact(v)) for v in map(shift, values)]
        except (decimal.Inexact, decimal.Rounded):
            scale = max([scale + 1] + [_scale(v) for v in values])
            continue
        if any(abs(i) >= 1 << 62 for i in ints):
            raise Unsupported("amounts too large for exact 64-bit arithmetic")
        return scale, np.asarray(ints, np.int64)


def _decimal(n: int, e: int, scale: int) -> Decimal:
    """The Decimal n × 10**-scale written with exponent e (exactly: the digits below e are
    zeros)."""
    shift = scale + e
    if shift >= 0:
        q, r = divmod(n, 10**shift)
        if r:  # pragma: no cover - the exponent rules say it never is
            raise ArithmeticError("a line's value is not exact at its exponent")
        return Decimal(f"{q}E{e}")
    return Decimal(f"{n * 10**-shift}E{e}")


def _periods_of(credited: Credited, year: Year) -> Ints:
    """Each credit's period index."""
    starts = np.asarray([p.start.toordinal() for p in year.periods], np.int64)
    return np.searchsorted(starts, credited.day, side="right").astype(np.int64) - 1


class _Groups:
    """The credits in runs of one payee and period: run g is ``lo[g]:hi[g]``."""

    __slots__ = ("at", "hi", "k", "lo", "payee", "size")

    def __init__(self, credited: Credited, year: Year) -> None:
        count = len(year.periods)
        # Credits are sorted by payee and date, so the keys never decrease: runs, no sort.
        key = credited.group * count + _periods_of(credited, year)
        lo = np.flatnonzero(np.diff(key, prepend=-1)) if len(key) else np.zeros(0, np.int64)
        uniques = key[lo]
        self.lo = lo.astype(np.int64)
        self.size = np.diff(self.lo, append=len(key)).astype(np.int64)
        self.hi = self.lo + self.size
        self.payee, self.k = (uniques // count).tolist(), (uniques % count).tolist()
        self.at = {(credited.pids[g], k): n for n, (g, k) in enumerate(
            zip(self.payee, self.k, strict=True))}


class _Prepared:
    """A commission computed for every payee and period with credits."""

    __slots__ = ("capped", "exact", "groups", "scale", "terms", "tier", "values")

    def __init__(self, groups: _Groups, terms: _Terms, values: Ints,
                 tier: Ints, capped: npt.NDArray[np.bool_], exact: list[int],
                 scale: int) -> None:
        self.groups, self.terms, self.values, self.tier = groups, terms, values, tier
        self.capped, self.exact, self.scale = capped, exact, scale


class FastCommission:
    """Earns a cumulative commission for every payee at once (the first time `earn` asks
    for a block), then hands each payee's blocks to `earn` as the pure engine's earner
    would."""

    __slots__ = ("_prepared", "comp", "credited", "pure")

    def __init__(self, pure: CommissionEarner, credited: Credited) -> None:
        self.pure, self.comp, self.credited = pure, pure.comp, credited
        self._prepared: _Prepared | None = None

    def blocks(self, pid: str, k: int, earlier: Decimal, year: Year, rows_in: Credits,
               memory: dict[Any, Decimal]) -> list[Block]:
        prepared = self._prepared
        if prepared is None:
            prepared = self._prepared = self._prepare(year, rows_in)
        n = prepared.groups.at.get((pid, k))
        comp = self.comp
        if n is None:  # no credits: an empty block, after the terms (and their checks)
            terms = self.pure.terms(comp, pid, k, year, rows_in)
            block = Block(comp.id, CommissionWriter(Versions((terms,)), (), (), _ZERO), (),
                          ())
            block.exact = _ZERO
            return [block]
        groups = prepared.groups
        lo, hi = int(groups.lo[n]), int(groups.hi[n])
        bucket = self.credited.buckets[groups.payee[n]]
        start = int(self.credited.starts[groups.payee[n]])
        rows = bucket if hi - lo == len(bucket) else Picked(bucket, range(lo - start,
                                                                          hi - start))
        values = Values(hi - lo, _maker(prepared, n, rows))
        block = Block(comp.id, _Writer(prepared.terms, n, rows, values), rows, values)
        block.exact = _decimal(prepared.exact[n], -prepared.scale, prepared.scale)
        return [block]

    def _prepare(self, year: Year, rows_in: Credits) -> _Prepared:
        credited, comp = self.credited, self.comp
        groups = _Groups(credited, year)
        count = len(groups.lo)
        if comp.measure != credited.rules[0].measure:  # credits of another measure only
            groups = _Groups.__new__(_Groups)
            groups.lo = groups.hi = groups.size = np.zeros(0, np.int64)
            groups.payee, groups.k, groups.at, count = [], [], {}, 0
        pids = [credited.pids[g] for g in groups.payee]
        terms = _Terms(self.pure, comp, pids, groups.k, year, rows_in)
        table = comp.rates
        tiers = len(table.tiers)
        sx, sf, bounds, starts, rate, has_cap, cap = _tables(comp, pids, groups.k, year,
                                                             credited.scale)
        caps_all = cap[has_cap].tolist()
        probe = Rates(table, Decimal(1) if table.basis is BoundBasis.ATTAINMENT else None)
        marginal = np.asarray([probe.marginal_from(i) for i in range(tiers)], bool)
        # Overflow: the largest measure, bound, rate, start and cap bound every intermediate.
        x = credited.amount if count else np.zeros(0, np.int64)  # the groups cover them all
        x = x * 10 ** (sx - credited.scale) if sx > credited.scale else x
        peak_x = float(np.abs(x).astype(np.float64).sum()) if len(x) else 0.0
        peak_b = float(np.abs(bounds).max()) if bounds.size else 0.0
        peak_s = max([float(np.abs(starts).max()) if starts.size else 0.0]
                     + [abs(float(c)) for c in caps_all])
        if ((peak_x + peak_b) * float(np.max(rate, initial=1)) + peak_s >= _SAFE
                or peak_x >= _SAFE):
            raise Unsupported("amounts too large for exact 64-bit arithmetic")
        group = np.repeat(np.arange(count), groups.size)
        running = np.cumsum(x)
        offset = running[groups.lo] - x[groups.lo]
        cum = running - np.repeat(offset, groups.size)
        tier = np.zeros(len(cum), np.int64)
        for t in range(1, tiers):
            tier += cum >= bounds[group, t]
        f = np.where(marginal[tier], starts[group, tier] + (cum - bounds[group, tier])
                     * rate[tier], cum * rate[tier])
        capped = has_cap[group] & (f > cap[group])
        f = np.where(capped, cap[group], f)
        # What the table pays at 0, the measure before each payee's first credit.
        first = 0 if tiers == 1 else np.sum(bounds[:, 1:] <= 0, axis=1)
        tier0 = np.zeros(count, np.int64) + first
        rows_g = np.arange(count)
        f0 = np.where(marginal[tier0], starts[rows_g, tier0] - bounds[rows_g, tier0]
                      * rate[tier0], 0)
        f0 = np.where(has_cap & (f0 > cap), cap, f0)
        before = np.empty_like(f)
        if len(f):
            before[1:] = f[:-1]
            before[groups.lo] = f0
        values = f - before
        exact = (f[groups.hi - 1] - f0).tolist() if count else []
        return _Prepared(groups, terms, values, tier, capped, exact, sf)


class _Terms:
    """The pure engine's terms (rate table, quota, caps, what a trace cites) of each payee
    and period with credits, made when a line of theirs is first read."""

    __slots__ = ("_made", "comp", "k", "pids", "pure", "rows", "year")

    def __init__(self, pure: CommissionEarner, comp: Commission, pids: list[str],
                 k: list[int], year: Year, rows: Credits) -> None:
        self.pure, self.comp, self.pids, self.k, self.year, self.rows = (pure, comp, pids, k,
                                                                         year, rows)
        self._made: dict[int, CommissionTerms] = {}

    def __getitem__(self, n: int) -> CommissionTerms:
        made = self._made.get(n)
        if made is None:
            made = self._made[n] = self.pure.terms(self.comp, self.pids[n], self.k[n],
                                                   self.year, self.rows)
        return made


class _Writer(Writer):
    """A commission block's writer, made when one of its lines is first read."""

    __slots__ = ("_made", "n", "rows", "terms", "values")

    def __init__(self, terms: _Terms, n: int, rows: Sequence[Any],
                 values: Sequence[Decimal]) -> None:
        self.terms, self.n, self.rows, self.values = terms, n, rows, values
        self._made: CommissionWriter | None = None

    def _writer(self) -> CommissionWriter:
        made = self._made
        if made is None:
            made = self._made = CommissionWriter(Versions((self.terms[self.n],)), self.rows,
                                                 self.values, _ZERO)
        return made

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickled as the writer it makes (what it holds reads the evaluation's inputs).
        return _itself, (self._writer(),)

    def trace(self, j: int) -> dict[str, Any]:
        return self._writer().trace(j)

    def text(self, j: int) -> str:
        return self._writer().text(j)


def _itself(writer: CommissionWriter) -> CommissionWriter:
    return writer


def _tables(comp: Commission, pids: list[str], ks: list[int], year: Year,
            scale: int) -> tuple[int, int, Ints, Ints, Ints, npt.NDArray[np.bool_], Ints]:
    """Each payee's rate table for their period, as `CommissionEarner.terms` and `Rates`
    make it, in integers: (sx, sf, bounds of 10**-sx, what each tier's bound has earned of
    10**-sf, rates scaled so that (x − bound) × rate is of 10**-sf, whether a cap applies,
    the cap of 10**-sf). Quotas and target incentives are read as `terms` reads them, with
    the same errors."""
    table, cap_terms = comp.rates, comp.cap
    count, tiers = len(pids), len(table.tiers)
    attainment = table.basis is BoundBasis.ATTAINMENT
    at_attainment = cap_terms is not None and cap_terms.earnings_at_attainment is not None
    who = f"component {comp.id!r}"
    quotas: list[Decimal] = []
    if attainment or at_attainment:
        quotas = [year.quota(pid, comp.measure, k, False, who)
                  for pid, k in zip(pids, ks, strict=True)]
        if attainment and any(q == 0 for q in quotas):
            raise Unsupported("a quota of 0 under attainment tiers")  # an error: pure path
    sl, lowers = _exact([t.lower for t in table.tiers], 0)
    sr, rate_ints = _exact([t.rate for t in table.tiers], 0)
    sq, quota_ints = _exact(quotas, 0)
    s_eaa, eaa = (_exact([cap_terms.earnings_at_attainment], 0)  # type: ignore[list-item]
                  if at_attainment and cap_terms is not None else (0, np.zeros(1, np.int64)))
    sx = max(scale, sl + sq if attainment else sl, s_eaa + sq if at_attainment else 0)
    # In Python integers (a few per payee), checked to fit 64 bits once all are known.
    lowers, rate_ints = lowers.astype(object), rate_ints.astype(object)
    quota_ints = quota_ints.astype(object)
    if attainment:
        bounds = lowers[None, :] * quota_ints[:, None] * 10 ** (sx - sl - sq)
    else:
        bounds = np.repeat(lowers[None, :] * 10 ** (sx - sl), count, axis=0)
    sf = sx + sr
    mode, through = table.mode, table.retroactive_through
    first = (through or 0) + 1 if mode is TierMode.HYBRID else 0
    starts = np.zeros((count, tiers), object)
    if first < tiers:
        if first:
            starts[:, first] = bounds[:, first] * rate_ints[first - 1]
        for i in range(first + 1, tiers):
            starts[:, i] = starts[:, i - 1] + (bounds[:, i] - bounds[:, i - 1]) * rate_ints[i - 1]
    limits: list[tuple[int, Any]] = []  # (scale, limit per payee)
    if cap_terms is not None and cap_terms.per_period is not None:
        s_p, per = _exact([cap_terms.per_period], 0)
        limits.append((s_p, np.repeat(per.astype(object), count)))
    if cap_terms is not None and cap_terms.target_incentive_multiple is not None:
        multiple = cap_terms.target_incentive_multiple
        s_t, by_payee = _exact([_MUL(multiple, year.incentive(pid, comp.id, k, False))
                                for pid, k in zip(pids, ks, strict=True)], 0)
        limits.append((s_t, by_payee.astype(object)))
    if at_attainment and cap_terms is not None:  # multiple × f(attainment × quota)
        x = int(eaa[0]) * quota_ints * 10 ** (sx - s_eaa - sq)
        tier = np.zeros(count, np.int64)
        for t in range(1, tiers):
            tier += (x >= bounds[:, t]).astype(bool)
        probe = Rates(table, Decimal(1) if attainment else None)
        marginal = np.asarray([probe.marginal_from(i) for i in range(tiers)], bool)
        rows = np.arange(count)
        pays = np.where(marginal[tier], starts[rows, tier] + (x - bounds[rows, tier])
                        * rate_ints[tier], x * rate_ints[tier])
        s_m, multiple_int = _exact([cap_terms.multiple], 0)
        limits.append((sf + s_m, pays * int(multiple_int[0])))
    top = max([sf] + [s for s, _ in limits])
    starts = starts * 10 ** (top - sf)
    rate = rate_ints * 10 ** (top - sx - sr)
    cap = np.zeros(count, object)
    if limits:
        cap = np.stack([limit * 10 ** (top - s) for s, limit in limits]).min(axis=0)
    largest = max((abs(int(v)) for part in (bounds, starts, rate, cap) for v in part.flat),
                  default=0)
    if largest >= 1 << 61:
        raise Unsupported("amounts too large for exact 64-bit arithmetic")
    return (sx, top, bounds.astype(np.int64), starts.astype(np.int64),
            rate.astype(np.int64), np.full(count, bool(limits)), cap.astype(np.int64))


def _maker(prepared: _Prepared, n: int,
           rows: Sequence[Any]) -> Callable[[], tuple[Decimal, ...]]:
    """Makes group n's line values as the pure engine's Decimals."""
    def make() -> tuple[Decimal, ...]:
        groups, terms = prepared.groups, prepared.terms[n]
        lo, hi = int(groups.lo[n]), int(groups.hi[n])
        base, cap, sf = terms.base, terms.cap, prepared.scale
        e_bound = [exponent(b) for b in base.bounds]
        e_start = [exponent(s) for s in base.starts]
        e_rate = [exponent(r) for r in base.rates]
        marginal = [base.marginal_from(i) for i in range(len(e_rate))]
        e_cap = 0 if cap is None else exponent(cap)
        e_before = exponent(terms.earn(_ZERO))
        e_cum, cumulative = 0, _ZERO  # the measure before the first credit: Decimal 0
        out = []
        for c, v, i, capped in zip(rows, prepared.values[lo:hi].tolist(),
                                   prepared.tier[lo:hi].tolist(),
                                   prepared.capped[lo:hi].tolist(), strict=True):
            amount = c[AMOUNT]
            after = _ADD(cumulative, amount)
            e_cum = min(e_cum, exponent(amount))  # a sum keeps the smaller exponent
            if capped:
                e_after = e_cap
            elif marginal[i]:  # start + (measure − bound) × rate
                e_after = min(e_start[i], min(e_cum, e_bound[i]) + e_rate[i])
            else:  # measure × rate
                e_after = e_cum + e_rate[i]
            if v == 0:  # its sign as Decimal arithmetic gives it
                out.append(_SUB(terms.earn(after), terms.earn(cumulative)))
            else:
                out.append(_decimal(v, min(e_after, e_before), sf))
            cumulative, e_before = after, e_after
        return tuple(out)

    return make


class FastSpiff:
    """Earns a SPIFF for every payee at once: a fixed amount per qualifying credit, or a
    rate of its amount."""

    __slots__ = ("_places", "comp", "credited", "versions")

    def __init__(self, versions: Versions[Spiff], credited: Credited) -> None:
        self.versions, self.comp, self.credited = versions, versions.items[0], credited
        self._places: dict[tuple[str, int], tuple[int, list[int]]] | None = None

    def blocks(self, pid: str, k: int, earlier: Decimal, year: Year, rows_in: Credits,
               memory: dict[Any, Decimal]) -> list[Block]:
        places = self._places
        if places is None:
            places = self._places = self._prepare(year)
        comp, credited = self.comp, self.credited
        g, picked = places.get((pid, k), (-1, []))
        if not picked:
            block = Block(comp.id, SpiffWriter(self.versions, (), ()), (), ())
            block.exact = _ZERO
            return [block]
        start = int(credited.starts[g])
        rows = Picked(credited.buckets[g], [j - start for j in picked])
        if comp.amount is not None:
            amount = comp.amount
            values: Sequence[Decimal] = (amount,) * len(picked)
            exact = _MUL(amount, Decimal(len(picked)))
        else:
            rate, scale = comp.rate or _ZERO, credited.scale + _scale(comp.rate or _ZERO)
            rate_int = _int(rate, _scale(rate))
            chosen = credited.amount[picked]
            if float(np.abs(chosen).max()) * rate_int >= _SAFE:
                raise Unsupported("amounts too large for exact 64-bit arithmetic")
            ints = (chosen * rate_int).tolist()
            exact = _decimal(sum(ints), -scale, scale)
            values = Values(len(picked), _rated(rows, ints, rate, scale))
        block = Block(comp.id, SpiffWriter(self.versions, rows, values), rows, values)
        block.exact = exact
        return [block]

    def _prepare(self, year: Year) -> dict[tuple[str, int], tuple[int, list[int]]]:
        credited, comp = self.credited, self.comp
        qualifies = credited.qualifies.get(comp.id)
        if qualifies is None or not len(qualifies):
            return {}
        ks = _periods_of(credited, year)
        out: dict[tuple[str, int], tuple[int, list[int]]] = {}
        pids = credited.pids
        for j, g, k in zip(np.flatnonzero(qualifies).tolist(),
                           credited.group[qualifies].tolist(), ks[qualifies].tolist(),
                           strict=True):
            out.setdefault((pids[g], k), (g, []))[1].append(j)
        return out


def _rated(rows: Sequence[Any], ints: list[int], rate: Decimal,
           scale: int) -> Callable[[], tuple[Decimal, ...]]:
    e_rate = exponent(rate)

    def make() -> tuple[Decimal, ...]:
        return tuple(_MUL(c[AMOUNT], rate) if v == 0 else
                     _decimal(v, exponent(c[AMOUNT]) + e_rate, scale)
                     for c, v in zip(rows, ints, strict=True))

    return make

