"""Host data: records (deals, orders, measured values), payees and the reporting hierarchy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from salesperf._errors import DataError, DefinitionError, Problem, shown
from salesperf._limits import LIMITS, Limits, number_problem, value_problem
from salesperf._money import to_decimal

__all__ = ["Hierarchy", "Payee", "Record", "ReportingChange", "as_record", "as_records"]

_MISSING: Any = object()
_MAX_ID = 10**18
CORE_FIELDS = frozenset({"id", "date", "payee", "payees", "amount", "currency"})


def _freeze(value: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(value))


@attrs.frozen(slots=True)
class Record:
    """A host-supplied fact: a deal, order, invoice, refund or measured value.

    ``payees`` are the people the record belongs to (its owner or owners); ``attributes``
    hold every other field the host supplies (category, region, status…). Conditions and
    metrics read fields by name with `get`, which names the record and field when a field is
    missing.

    >>> r = Record("D-1", dt.date(2026, 2, 3), ("ana",), Decimal("1200.00"), "USD",
    ...            {"category": "cloud"})
    >>> r.get("category"), r.get("amount")
    ('cloud', Decimal('1200.00'))
    >>> r.get("region")
    Traceback (most recent call last):
    ...
    salesperf._errors.DataError: record 'D-1', field 'region': the record has no such field
    """

    id: str
    date: dt.date
    payees: tuple[str, ...] = ()
    amount: Decimal | None = None
    currency: str | None = None
    attributes: Mapping[str, object] = attrs.field(factory=dict, converter=_freeze, eq=False)
    _attributes_key: tuple[tuple[str, str], ...] = attrs.field(init=False, repr=False)

    def __reduce__(self) -> tuple[Any, ...]:
        # `attributes` is a read-only view, which pickle cannot copy: rebuild from a dict.
        return (Record, (self.id, self.date, self.payees, self.amount, self.currency,
                         dict(self.attributes)))

    @_attributes_key.default
    def _key(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((k, repr(v)) for k, v in self.attributes.items()))

    def get(self, field: str, default: object = _MISSING) -> object:
        """The value of a field; a missing field is a `DataError` unless a default is given."""
        if field in CORE_FIELDS:
            value = self.payees if field in ("payee", "payees") else getattr(self, field)
            if value is not None:
                return value
        else:
            # A null (JSON null, SQL NULL) is no value, as it is for the core fields: a
            # condition's `missing` policy and `has` must treat it like an absent field.
            value = self.attributes.get(field)
            if value is not None:
                return value
        if default is not _MISSING:
            return default
        raise DataError(self.id, field, "the record has no such field")

    def has(self, field: str) -> bool:
        """Whether the record has a (non-null) value for `field`."""
        return self.get(field, None) is not None

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], *, limits: Limits = LIMITS) -> Record:
        """Build a record from a plain mapping (JSON, a CSV row, an ORM dict).

        Recognised keys: ``id``, ``date`` (a `date` or ISO text), ``payee`` (one id) or
        ``payees`` (a list), ``amount`` (Decimal, int or decimal text — never a float),
        ``currency``; every other key becomes an attribute. Numbers, text, lists and nesting
        are bounded by `limits` (see docs/documents.md, *Limits*), and a float anywhere is
        refused: it is not exact.

        >>> Record.from_mapping({"id": "D-2", "date": "2026-02-03", "payee": "ben",
        ...                      "amount": "99.50", "currency": "EUR", "status": "won"})
        Record(id='D-2', date=datetime.date(2026, 2, 3), payees=('ben',), \
amount=Decimal('99.50'), currency='EUR', attributes=mappingproxy({'status': 'won'}))
        """
        if not isinstance(data, Mapping):
            raise DataError(None, None, f"a record must be a mapping, got {type(data).__name__}")
        raw_id = data.get("id")
        if (raw_id is None or isinstance(raw_id, bool) or not isinstance(raw_id, str | int)
                or (isinstance(raw_id, int) and abs(raw_id) >= _MAX_ID)
                or (isinstance(raw_id, str) and len(raw_id) > limits.max_text)):
            raise DataError(None, "id", f"every record needs a text or integer id, got "
                            f"{shown(raw_id)} (text has at most {limits.max_text} characters, "
                            "an integer is below 10**18)")
        rid = str(raw_id)
        date = data.get("date")
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                raise DataError(rid, "date", f"must be an ISO date such as '2026-03-31', "
                                f"got {shown(date)}") from None
        elif isinstance(date, dt.datetime):
            date = date.date()
        if not isinstance(date, dt.date):
            raise DataError(rid, "date", f"must be a date, got {shown(date)}")
        payees = _payees(rid, data, limits)
        amount = None
        if data.get("amount") is not None:
            try:
                amount = to_decimal(data["amount"], path="amount")
            except DefinitionError as err:
                raise DataError(rid, "amount", err.problems[0].message) from None
            found = number_problem(amount, limits)
            if found is not None:
                raise DataError(rid, "amount", found)
        cur = data.get("currency")
        if cur is not None and not (isinstance(cur, str) and len(cur) <= limits.max_text):
            raise DataError(rid, "currency", f"must be an ISO 4217 code, got {shown(cur)}")
        attributes = {k: v for k, v in data.items() if k not in CORE_FIELDS}
        for key, value in attributes.items():
            if not isinstance(key, str) or len(key) > limits.max_text:
                raise DataError(rid, None, f"a field name must be text of at most "
                                f"{limits.max_text} characters, got {shown(key)}")
            bad = value_problem(value, limits, 1)
            if bad is not None:
                raise DataError(rid, key + bad[0], bad[1])
        return cls(rid, date, payees, amount, cur, attributes)


def _payees(rid: str, data: Mapping[str, object], limits: Limits) -> tuple[str, ...]:
    if "payees" in data and data["payees"] is not None:
        raw = data["payees"]
        if not isinstance(raw, list | tuple):
            raise DataError(rid, "payees", f"must be a list of payee ids, got {shown(raw)}")
        values = tuple(raw)
        if len(values) > limits.max_list or not all(
                isinstance(v, str) and len(v) <= limits.max_text for v in values):
            raise DataError(rid, "payees", f"must be a list of at most {limits.max_list} payee "
                            f"ids, got {shown(raw)}")
        return values
    one = data.get("payee")
    if one is None:
        return ()
    if not isinstance(one, str) or len(one) > limits.max_text:
        raise DataError(rid, "payee", f"must be a payee id, got {shown(one)}")
    return (one,)


def as_record(item: Record | Mapping[str, object]) -> Record:
    """A `Record` as it is, or one built from a mapping with `Record.from_mapping`."""
    return item if isinstance(item, Record) else Record.from_mapping(item)


def as_records(items: Iterable[Record | Mapping[str, object]]) -> list[Record]:
    """Records from records or mappings; ids must be unique (a duplicate is a `DataError`)."""
    out = []
    seen: set[str] = set()
    for item in items:
        record = as_record(item)
        if record.id in seen:
            raise DataError(record.id, "id", "two records have this id")
        seen.add(record.id)
        out.append(record)
    return out


@attrs.frozen
class Payee:
    """A person (or team) who can be credited and paid.

    ``start`` and ``end`` are the employment dates, both inclusive (a hire date and a last
    working day); None means open. ``manager`` and ``team`` hold from the start; later changes
    go in `Hierarchy` as `ReportingChange` entries. ``currency`` is the one the payee is paid
    in, when it is not the plan's.
    """

    id: str
    name: str | None = None
    manager: str | None = None
    team: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    currency: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise DefinitionError([Problem(
                f"payees[{self.id!r}].end",
                f"must not be before start {self.start}, got {self.end}",
            )])

    def active_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@attrs.frozen
class ReportingChange:
    """From `effective` on, `payee` reports to `manager` and belongs to `team`."""

    payee: str
    effective: dt.date
    manager: str | None
    team: str | None


@attrs.frozen
class Hierarchy:
    """The effective-dated reporting lines: who manages whom, and who is in which team.

    >>> h = Hierarchy.of(
    ...     [Payee("mia"), Payee("noah"), Payee("ana", manager="mia", team="west")],
    ...     [ReportingChange("ana", dt.date(2026, 4, 1), manager="noah", team="east")],
    ... )
    >>> h.manager_of("ana", dt.date(2026, 3, 31)), h.manager_of("ana", dt.date(2026, 4, 1))
    ('mia', 'noah')
    >>> h.members("west", dt.date(2026, 1, 5))
    ('ana',)
    """

    payees: Mapping[str, Payee]
    _changes: Mapping[str, tuple[ReportingChange, ...]]

    def __reduce__(self) -> tuple[Any, ...]:
        # Its maps are read-only views, which pickle cannot copy: rebuild them from dicts.
        return (_hierarchy, (dict(self.payees), dict(self._changes)))

    @classmethod
    def of(cls, payees: Iterable[Payee], changes: Iterable[ReportingChange] = ()) -> Hierarchy:
        given = list(payees)
        by_id: dict[str, Payee] = {}
        problems = []
        for i, p in enumerate(given):
            if p.id in by_id:
                problems.append(Problem(f"payees[{i}].id", f"duplicate payee id {p.id!r}"))
            by_id[p.id] = p
        grouped: dict[str, list[ReportingChange]] = {}
        for i, c in enumerate(changes):
            if c.payee not in by_id:
                problems.append(Problem(f"changes[{i}].payee", f"unknown payee {c.payee!r}"))
            if c.manager is not None and c.manager not in by_id:
                problems.append(Problem(f"changes[{i}].manager", f"unknown payee {c.manager!r}"))
            grouped.setdefault(c.payee, []).append(c)
        for i, p in enumerate(given):
            if p.manager is not None and p.manager not in by_id:
                problems.append(Problem(f"payees[{i}].manager", f"unknown payee {p.manager!r}"))
        if problems:
            raise DefinitionError(problems)
        frozen = {k: tuple(sorted(v, key=lambda c: c.effective)) for k, v in grouped.items()}
        return cls(MappingProxyType(by_id), MappingProxyType(frozen))

    def _line(self, payee: str, on: dt.date) -> tuple[str | None, str | None]:
        try:
            p = self.payees[payee]
        except KeyError:
            raise DataError(None, "payee", f"unknown payee {payee!r}") from None
        manager, team = p.manager, p.team
        for change in self._changes.get(payee, ()):
            if change.effective > on:
                break
            manager, team = change.manager, change.team
        return manager, team

    def manager_of(self, payee: str, on: dt.date) -> str | None:
        return self._line(payee, on)[0]

    def team_of(self, payee: str, on: dt.date) -> str | None:
        return self._line(payee, on)[1]

    def managers_above(self, payee: str, on: dt.date) -> tuple[str, ...]:
        """The chain of managers above `payee` on `on`, nearest first."""
        chain: list[str] = []
        current = self.manager_of(payee, on)
        while current is not None:
            if current in chain or current == payee:
                raise DefinitionError([Problem(
                    "hierarchy", f"reporting cycle through {current!r} on {on}",
                )])
            chain.append(current)
            current = self.manager_of(current, on)
        return tuple(chain)

    def members(self, team: str, on: dt.date) -> tuple[str, ...]:
        """The active payees of `team` on `on`, sorted by id."""
        return tuple(sorted(
            pid for pid, p in self.payees.items()
            if p.active_on(on) and self.team_of(pid, on) == team
        ))

    def reports(self, manager: str, on: dt.date) -> tuple[str, ...]:
        """Everyone below `manager` on `on`, directly or not, sorted by id."""
        return tuple(sorted(
            pid for pid, p in self.payees.items()
            if p.active_on(on) and manager in self.managers_above(pid, on)
        ))


def _hierarchy(payees: dict[str, Payee],
               changes: dict[str, tuple[ReportingChange, ...]]) -> Hierarchy:
    return Hierarchy(MappingProxyType(payees), MappingProxyType(changes))
