"""The error model: one root, every definition problem with its path, data errors by record.

DESIGN.md, "Errors and limits".
"""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

import salesperf as sp


class TestHierarchy:
    @pytest.mark.parametrize(
        ("error", "also"),
        [
            (sp.DefinitionError([sp.Problem("a", "bad")]), ValueError),
            (sp.DataError("deal-1", "amount", "bad"), ValueError),
            (sp.MissingRateError("EUR", "USD", dt.date(2026, 1, 1)), LookupError),
        ],
    )
    def test_every_error_is_a_salesperf_error_and_a_familiar_builtin(
        self, error: sp.SalesperfError, also: type[Exception],
    ) -> None:
        assert isinstance(error, sp.SalesperfError)
        assert isinstance(error, also)

    def test_the_root_is_an_exception(self) -> None:
        assert issubclass(sp.SalesperfError, Exception)

    def test_a_missing_rate_is_not_a_key_error(self) -> None:
        # KeyError would print its message in quotes and invite `except KeyError` around dicts.
        assert not issubclass(sp.MissingRateError, KeyError)

    def test_warnings_have_their_own_root(self) -> None:
        assert issubclass(sp.SalesperfWarning, UserWarning)
        assert not issubclass(sp.SalesperfWarning, sp.SalesperfError)


class TestProblem:
    def test_a_problem_reads_path_colon_message(self) -> None:
        problem = sp.Problem("components[1].tiers[2].lower", "must be greater than 0.5, got 0.4")
        assert str(problem) == "components[1].tiers[2].lower: must be greater than 0.5, got 0.4"

    def test_a_problem_without_a_path_is_just_its_message(self) -> None:
        assert str(sp.Problem("", "the plan is empty")) == "the plan is empty"

    def test_problems_are_values(self) -> None:
        assert sp.Problem("a", "bad") == sp.Problem("a", "bad")
        assert len({sp.Problem("a", "bad"), sp.Problem("a", "bad")}) == 1
        with pytest.raises(AttributeError):
            sp.Problem("a", "bad").path = "b"  # type: ignore[misc]


class TestDefinitionError:
    PROBLEMS = (
        sp.Problem("components[1].rate", "must be a decimal number, got 'x'"),
        sp.Problem("calendar.start_month", "must be 1..12, got 13"),
        sp.Problem("components[0].tiers[2].lower", "must be greater than 0.5, got 0.4"),
    )

    def test_every_problem_is_kept_in_the_order_found(self) -> None:
        err = sp.DefinitionError(iter(self.PROBLEMS))
        assert err.problems == self.PROBLEMS

    def test_several_problems_are_counted_then_listed_one_per_line(self) -> None:
        assert str(sp.DefinitionError(self.PROBLEMS)) == (
            "3 problems:\n"
            "  components[1].rate: must be a decimal number, got 'x'\n"
            "  calendar.start_month: must be 1..12, got 13\n"
            "  components[0].tiers[2].lower: must be greater than 0.5, got 0.4"
        )

    def test_one_problem_is_shown_on_its_own(self) -> None:
        err = sp.DefinitionError([sp.Problem("calendar.start_month", "must be 1..12, got 13")])
        assert str(err) == "calendar.start_month: must be 1..12, got 13"

    def test_the_message_is_also_the_exception_argument(self) -> None:
        err = sp.DefinitionError(self.PROBLEMS)
        assert err.args == (str(err),)

    def test_problems_cannot_be_changed_afterwards(self) -> None:
        problems = list(self.PROBLEMS)
        err = sp.DefinitionError(problems)
        problems.clear()
        assert len(err.problems) == 3
        assert isinstance(err.problems, tuple)

    def test_a_definition_error_needs_at_least_one_problem(self) -> None:
        with pytest.raises(ValueError, match="at least one problem"):
            sp.DefinitionError([])

    def test_loading_reports_every_problem_at_once(self) -> None:
        with pytest.raises(sp.DefinitionError) as err:
            sp.ExchangeRates.of([
                sp.ExchangeRate("EUR", "USD", "1.1", dt.date(2026, 1, 1)),
                sp.ExchangeRate("EUR", "USD", "1.2", dt.date(2026, 1, 1)),
                sp.ExchangeRate("EUR", "USD", "1.3", dt.date(2026, 1, 1)),
            ])
        assert [p.path for p in err.value.problems] == ["rates[1]", "rates[2]"]
        assert str(err.value).startswith("2 problems:\n  rates[1]: ")


class TestDataError:
    def test_names_the_record_and_the_field(self) -> None:
        err = sp.DataError("deal-7", "amount", "must be a decimal number, got 'abc'")
        assert str(err) == "record 'deal-7', field 'amount': must be a decimal number, got 'abc'"
        assert (err.record_id, err.field, err.message) == (
            "deal-7", "amount", "must be a decimal number, got 'abc'",
        )

    def test_names_only_the_record_when_no_field_is_at_fault(self) -> None:
        err = sp.DataError("deal-7", None, "appears twice")
        assert str(err) == "record 'deal-7': appears twice"

    def test_names_only_the_field_when_the_record_has_no_id(self) -> None:
        assert str(sp.DataError(None, "date", "is missing")) == "field 'date': is missing"

    def test_is_just_the_message_with_neither(self) -> None:
        assert str(sp.DataError(None, None, "no records")) == "no records"

    def test_record_ids_are_quoted_so_blanks_show(self) -> None:
        assert str(sp.DataError(" 7", "amount", "bad")).startswith("record ' 7', ")


class TestMissingRateError:
    def test_names_the_pair_and_the_date(self) -> None:
        err = sp.MissingRateError("EUR", "USD", dt.date(2025, 12, 31))
        assert str(err) == "no exchange rate EUR->USD effective on 2025-12-31"
        assert (err.base, err.quote, err.on) == ("EUR", "USD", dt.date(2025, 12, 31))


class TestPickling:
    """Errors cross process boundaries (worker pools) with their attributes intact."""

    def test_a_definition_error_keeps_its_problems(self) -> None:
        err = sp.DefinitionError([sp.Problem("a", "bad"), sp.Problem("b[1]", "worse")])
        copy = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own bytes, in a test
        assert type(copy) is sp.DefinitionError
        assert copy.problems == err.problems
        assert str(copy) == str(err)
        assert copy.args == err.args

    def test_a_data_error_keeps_record_field_and_message(self) -> None:
        err = sp.DataError("deal-7", "amount", "bad")
        copy = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own bytes, in a test
        assert type(copy) is sp.DataError
        assert (copy.record_id, copy.field, copy.message) == ("deal-7", "amount", "bad")
        assert str(copy) == str(err)

    def test_a_data_error_without_record_or_field_survives(self) -> None:
        copy = pickle.loads(pickle.dumps(sp.DataError(None, None, "bad")))  # noqa: S301
        assert (copy.record_id, copy.field, copy.message) == (None, None, "bad")

    def test_a_missing_rate_error_keeps_pair_and_date(self) -> None:
        err = sp.MissingRateError("EUR", "USD", dt.date(2026, 1, 1))
        copy = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own bytes, in a test
        assert type(copy) is sp.MissingRateError
        assert (copy.base, copy.quote, copy.on) == ("EUR", "USD", dt.date(2026, 1, 1))
        assert str(copy) == str(err)

    def test_the_root_error_keeps_its_message(self) -> None:
        copy = pickle.loads(pickle.dumps(sp.SalesperfError("cannot add USD and EUR")))  # noqa: S301
        assert type(copy) is sp.SalesperfError
        assert str(copy) == "cannot add USD and EUR"

    @pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
    def test_every_pickle_protocol_works(self, protocol: int) -> None:
        err = sp.DefinitionError([sp.Problem("a", "bad")])
        copy = pickle.loads(pickle.dumps(err, protocol=protocol))  # noqa: S301
        assert copy.problems == err.problems
