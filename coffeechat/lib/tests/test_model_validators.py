import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from coffeechat.lib import validation


@pytest.mark.parametrize("value", ["a\x00b", "\x1b[2J", "\x7f", "\x85" + "\x9f", "lone \udcff"])
def test_text_and_line_validators_refuse_control_characters(value):
    for validate in (validation.TextValidator(), validation.LineValidator()):
        with pytest.raises(ValidationError):
            validate(value)


def test_the_text_validator_holds_text_to_its_limit_and_keeps_line_breaks():
    validate = validation.TextValidator(12)
    validate("one\r\ntwo\tsix")
    with pytest.raises(ValidationError):
        validate("x" * 13)


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "a\u2028b", "a\x1eb"])
def test_the_line_validator_refuses_line_breaks(value):
    with pytest.raises(ValidationError):
        validation.LineValidator()(value)


def test_the_line_validator_takes_tabs_and_any_script():
    assert validation.LineValidator()("Zoë\tÅngström 李 🚀 ‎") is None


def test_tidy_line_collapses_spaces_but_refuses_line_breaks():
    assert validation.tidy_line("  Ada \t Lovelace ") == "Ada Lovelace"
    with pytest.raises(ValidationError):
        validation.tidy_line("Ada\nLovelace")


@pytest.mark.parametrize("value", [dt.date(1899, 12, 31), dt.datetime(2201, 1, 1)])
def test_the_year_validator_refuses_dates_out_of_range(value):
    with pytest.raises(ValidationError):
        validation.validate_year(value)


@pytest.mark.parametrize("name", ["Nowhere/City", " Europe/London", "UTC\x00"])
def test_the_time_zone_validator_takes_only_a_zone_name_exactly(name):
    with pytest.raises(ValidationError):
        validation.validate_time_zone(name)
    validation.validate_time_zone("Europe/London")


def test_remove_control_keeps_tabs_and_line_breaks():
    assert validation.remove_control("a\x00b\tc\nd\x1b") == "ab\tc\nd"


def test_the_validators_are_equal_by_limit_so_migrations_stay_still():
    assert validation.TextValidator(5) == validation.TextValidator(5)
    assert validation.TextValidator(5) != validation.TextValidator(6)
    assert validation.LineValidator() == validation.LineValidator()
