"""Library errors read as one line: where, what, and how to fix it."""

from __future__ import annotations

from rescuewatch.errors import InputError


def test_input_row_error_names_file_row_and_column() -> None:
    error = InputError("not a date", path="a.csv", row=3, field="event_date", hint="use YYYY-MM-DD")
    assert str(error) == "a.csv, row 3, column 'event_date': not a date (use YYYY-MM-DD)"


def test_option_error_names_the_option_not_a_column() -> None:
    error = InputError("claim ids must be integers: 'x'", field="--claims")
    assert str(error) == "--claims: claim ids must be integers: 'x'"
