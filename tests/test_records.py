"""Host data: records from plain mappings, payees, and the effective-dated hierarchy.

Behaviour is checked through the public API against DESIGN.md ("Vocabulary", "Errors and
limits": bad records name the record id and the field) and issue 3.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import pytest

import salesperf as sp

D = Decimal
JAN_5 = dt.date(2026, 1, 5)


class TestRecordFromMapping:
    def test_a_plain_mapping_becomes_a_record_with_its_other_keys_as_attributes(self) -> None:
        record = sp.Record.from_mapping({
            "id": "D-1", "date": "2026-02-03", "payee": "ana", "amount": "1200.50",
            "currency": "USD", "status": "won", "region": "west",
        })
        assert record.id == "D-1"
        assert record.date == dt.date(2026, 2, 3)
        assert record.payees == ("ana",)
        assert record.amount == D("1200.50")
        assert record.currency == "USD"
        assert dict(record.attributes) == {"status": "won", "region": "west"}

    def test_a_record_without_money_has_no_amount_or_currency(self) -> None:
        record = sp.Record.from_mapping({"id": "CSAT-1", "date": "2026-02-03", "score": "4.6"})
        assert record.amount is None
        assert record.currency is None
        assert record.payees == ()

    @pytest.mark.parametrize(
        ("given", "payees"),
        [
            ({"payee": "ana"}, ("ana",)),
            ({"payees": ["ana", "ben"]}, ("ana", "ben")),
            ({"payees": ("ben",)}, ("ben",)),
            ({"payees": []}, ()),
            ({}, ()),
            ({"payee": None}, ()),
        ],
    )
    def test_payees_come_from_payee_or_payees(
        self, given: dict[str, object], payees: tuple[str, ...],
    ) -> None:
        record = sp.Record.from_mapping({"id": "D-1", "date": "2026-01-05", **given})
        assert record.payees == payees

    @pytest.mark.parametrize(
        ("date", "expected"),
        [
            ("2026-01-05", JAN_5),
            (JAN_5, JAN_5),
            (dt.datetime(2026, 1, 5, 17, 30), JAN_5),  # noqa: DTZ001 - a naive ORM value
        ],
    )
    def test_a_date_may_be_iso_text_a_date_or_a_datetime(
        self, date: object, expected: dt.date,
    ) -> None:
        record = sp.Record.from_mapping({"id": "D-1", "date": date})
        assert record.date == expected
        assert type(record.date) is dt.date

    @pytest.mark.parametrize(
        ("amount", "expected"),
        [(1200, D(1200)), ("1200.50", D("1200.50")), (D("0.10"), D("0.10")), (None, None)],
    )
    def test_an_amount_is_exact(self, amount: object, expected: Decimal | None) -> None:
        record = sp.Record.from_mapping({"id": "D-1", "date": "2026-01-05", "amount": amount})
        assert record.amount == expected
        assert repr(record.amount) == repr(expected)

    def test_an_integer_id_becomes_text(self) -> None:
        assert sp.Record.from_mapping({"id": 42, "date": "2026-01-05"}).id == "42"

    @pytest.mark.parametrize(
        ("data", "record_id", "field", "message"),
        [
            ({"date": "2026-01-05"}, None, "id", "needs a text or integer id, got None"),
            ({"id": True, "date": "2026-01-05"}, None, "id", "got True"),
            ({"id": 1.5, "date": "2026-01-05"}, None, "id", "got 1.5"),
            ({"id": "D-1"}, "D-1", "date", "must be a date, got None"),
            ({"id": "D-1", "date": "31/03/2026"}, "D-1", "date", "ISO date"),
            ({"id": "D-1", "date": 20260331}, "D-1", "date", "must be a date"),
            ({"id": "D-1", "date": "2026-01-05", "amount": 0.1}, "D-1", "amount", "float"),
            ({"id": "D-1", "date": "2026-01-05", "amount": "1,200"}, "D-1", "amount",
             "decimal number"),
            ({"id": "D-1", "date": "2026-01-05", "amount": "NaN"}, "D-1", "amount", "finite"),
            ({"id": "D-1", "date": "2026-01-05", "currency": 840}, "D-1", "currency", "ISO 4217"),
            ({"id": "D-1", "date": "2026-01-05", "payees": "ana"}, "D-1", "payees", "a list"),
            ({"id": "D-1", "date": "2026-01-05", "payees": ["ana", 7]}, "D-1", "payees",
             "a list"),
            ({"id": "D-1", "date": "2026-01-05", "payee": 7}, "D-1", "payee", "a payee id"),
        ],
    )
    def test_a_bad_record_is_a_data_error_naming_the_record_and_the_field(
        self, data: dict[str, object], record_id: str | None, field: str, message: str,
    ) -> None:
        with pytest.raises(sp.DataError) as err:
            sp.Record.from_mapping(data)
        assert err.value.record_id == record_id
        assert err.value.field == field
        assert message in err.value.message

    def test_something_other_than_a_mapping_is_a_data_error(self) -> None:
        with pytest.raises(sp.DataError, match=r"a record must be a mapping, got list"):
            sp.Record.from_mapping(["D-1", "2026-01-05"])  # type: ignore[arg-type]

    def test_attributes_are_a_read_only_copy(self) -> None:
        source: dict[str, object] = {"id": "D-1", "date": "2026-01-05", "status": "won"}
        record = sp.Record.from_mapping(source)
        source["status"] = "lost"
        assert record.get("status") == "won"
        attributes = record.attributes
        assert isinstance(attributes, Mapping)
        with pytest.raises(TypeError):
            attributes["status"] = "lost"  # type: ignore[index]


class TestRecordFields:
    RECORD = sp.Record("D-1", JAN_5, ("ana", "ben"), D("900.00"), "EUR",
                       {"status": "won", "region": None, "units": 3})

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("id", "D-1"),
            ("date", JAN_5),
            ("payee", ("ana", "ben")),
            ("payees", ("ana", "ben")),
            ("amount", D("900.00")),
            ("currency", "EUR"),
            ("status", "won"),
            ("units", 3),
        ],
    )
    def test_get_reads_core_fields_and_attributes_by_name(self, field: str, value: object) -> None:
        assert self.RECORD.get(field) == value
        assert self.RECORD.has(field)

    @pytest.mark.parametrize("field", ["customer", "region"])
    def test_a_missing_or_null_field_is_a_data_error_naming_the_record_and_field(
        self, field: str,
    ) -> None:
        with pytest.raises(sp.DataError) as err:
            self.RECORD.get(field)
        assert (err.value.record_id, err.value.field) == ("D-1", field)
        assert str(err.value) == f"record 'D-1', field {field!r}: the record has no such field"

    def test_a_default_replaces_a_missing_or_null_field(self) -> None:
        assert self.RECORD.get("customer", "none") == "none"
        assert self.RECORD.get("region", "none") == "none"
        assert not self.RECORD.has("customer")
        assert not self.RECORD.has("region")

    def test_a_core_field_without_a_value_is_missing(self) -> None:
        bare = sp.Record("N-1", JAN_5)
        assert not bare.has("amount")
        assert not bare.has("currency")
        with pytest.raises(sp.DataError, match=r"record 'N-1', field 'amount'"):
            bare.get("amount")

    def test_records_are_values_compared_and_hashed_with_their_attributes(self) -> None:
        one = sp.Record("D-1", JAN_5, ("ana",), D(5), attributes={"status": "won"})
        same = sp.Record("D-1", JAN_5, ("ana",), D(5), attributes={"status": "won"})
        other = sp.Record("D-1", JAN_5, ("ana",), D(5), attributes={"status": "lost"})
        assert one == same
        assert hash(one) == hash(same)
        assert one != other
        assert len({one, same, other}) == 2


class TestPayee:
    @pytest.mark.parametrize(
        ("start", "end", "day", "active"),
        [
            (None, None, JAN_5, True),
            (JAN_5, None, JAN_5, True),  # the hire date counts
            (JAN_5, None, dt.date(2026, 1, 4), False),
            (None, JAN_5, JAN_5, True),  # so does the last working day
            (None, JAN_5, dt.date(2026, 1, 6), False),
            (JAN_5, JAN_5, JAN_5, True),
        ],
    )
    def test_employment_dates_are_inclusive_and_may_be_open(
        self, start: dt.date | None, end: dt.date | None, day: dt.date, active: bool,
    ) -> None:
        assert sp.Payee("ana", start=start, end=end).active_on(day) is active

    def test_an_end_before_the_start_is_a_definition_error(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.Payee("ana", start=dt.date(2026, 3, 1), end=dt.date(2026, 2, 28))
        assert [str(p) for p in err.value.problems] == [
            "payees['ana'].end: must not be before start 2026-03-01, got 2026-02-28",
        ]


def sales_org() -> sp.Hierarchy:
    """vic runs sales; mia leads west (ana, ben), noah leads east (cy). Ben moves on Feb 15."""
    return sp.Hierarchy.of(
        [
            sp.Payee("vic"),
            sp.Payee("mia", manager="vic", team="west"),
            sp.Payee("noah", manager="vic", team="east"),
            sp.Payee("ana", manager="mia", team="west"),
            sp.Payee("ben", manager="mia", team="west"),
            sp.Payee("cy", manager="noah", team="east", start=dt.date(2026, 2, 1)),
        ],
        [sp.ReportingChange("ben", dt.date(2026, 2, 15), manager="noah", team="east")],
    )


class TestHierarchy:
    @pytest.mark.parametrize(
        ("day", "manager", "team"),
        [
            (dt.date(2026, 1, 1), "mia", "west"),
            (dt.date(2026, 2, 14), "mia", "west"),
            (dt.date(2026, 2, 15), "noah", "east"),  # a change holds from its effective date
            (dt.date(2026, 12, 31), "noah", "east"),
        ],
    )
    def test_reporting_lines_are_effective_dated(
        self, day: dt.date, manager: str, team: str,
    ) -> None:
        org = sales_org()
        assert org.manager_of("ben", day) == manager
        assert org.team_of("ben", day) == team

    def test_changes_apply_in_date_order_whatever_order_they_are_given_in(self) -> None:
        changes = [
            sp.ReportingChange("ana", dt.date(2026, 7, 1), manager="vic", team=None),
            sp.ReportingChange("ana", dt.date(2026, 4, 1), manager="noah", team="east"),
        ]
        org = sp.Hierarchy.of([sp.Payee("vic"), sp.Payee("noah"),
                               sp.Payee("ana", manager="vic", team="west")], changes)
        assert [(org.manager_of("ana", d), org.team_of("ana", d)) for d in
                (dt.date(2026, 3, 31), dt.date(2026, 4, 1), dt.date(2026, 7, 1))] == [
            ("vic", "west"), ("noah", "east"), ("vic", None),
        ]

    def test_managers_above_lists_the_chain_nearest_first(self) -> None:
        org = sales_org()
        assert org.managers_above("ben", dt.date(2026, 1, 10)) == ("mia", "vic")
        assert org.managers_above("ben", dt.date(2026, 3, 10)) == ("noah", "vic")
        assert org.managers_above("vic", dt.date(2026, 3, 10)) == ()

    def test_members_are_the_active_payees_of_a_team_on_a_day_sorted_by_id(self) -> None:
        org = sales_org()
        assert org.members("west", dt.date(2026, 1, 10)) == ("ana", "ben", "mia")
        assert org.members("east", dt.date(2026, 1, 10)) == ("noah",)  # cy starts Feb 1
        assert org.members("east", dt.date(2026, 3, 10)) == ("ben", "cy", "noah")

    def test_reports_are_everyone_below_a_manager_directly_or_not(self) -> None:
        org = sales_org()
        assert org.reports("vic", dt.date(2026, 1, 10)) == ("ana", "ben", "mia", "noah")
        assert org.reports("noah", dt.date(2026, 3, 10)) == ("ben", "cy")
        assert org.reports("mia", dt.date(2026, 3, 10)) == ("ana",)

    def test_an_unknown_payee_is_a_data_error(self) -> None:
        with pytest.raises(sp.DataError, match=r"unknown payee 'zed'"):
            sales_org().manager_of("zed", JAN_5)

    def test_every_problem_in_a_hierarchy_is_reported_at_once_with_its_path(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.Hierarchy.of(
                [sp.Payee("ana"), sp.Payee("ana"), sp.Payee("ben", manager="ghost")],
                [sp.ReportingChange("cy", JAN_5, manager="mia", team=None),
                 sp.ReportingChange("ana", JAN_5, manager="phantom", team=None)],
            )
        assert [str(p) for p in err.value.problems] == [
            "payees[1].id: duplicate payee id 'ana'",
            "changes[0].payee: unknown payee 'cy'",
            "changes[0].manager: unknown payee 'mia'",
            "changes[1].manager: unknown payee 'phantom'",
            "payees[2].manager: unknown payee 'ghost'",
        ]

    def test_a_reporting_cycle_is_a_definition_error_naming_the_day(self) -> None:
        org = sp.Hierarchy.of(
            [sp.Payee("ana", manager="ben"), sp.Payee("ben")],
            [sp.ReportingChange("ben", dt.date(2026, 3, 1), manager="ana", team=None)],
        )
        assert org.managers_above("ana", dt.date(2026, 2, 1)) == ("ben",)
        with pytest.raises(sp.DefinitionError, match=r"reporting cycle through .* on 2026-03-01"):
            org.managers_above("ana", dt.date(2026, 3, 1))
