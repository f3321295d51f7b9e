import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from coffeechat.lib import validation


@pytest.mark.parametrize("value", ["²", "٣", "1.5", "", " ", "abc", "1e3", "9" * 19, "--1"])
def test_it_refuses_what_is_not_a_whole_number_in_ascii_digits(value):
    with pytest.raises(ValidationError):
        validation.parse_int(value)


def test_it_reads_whole_numbers_within_bounds():
    assert validation.parse_int(" 42 ") == 42
    assert validation.parse_int("-3") == -3
    with pytest.raises(ValidationError, match="or more"):
        validation.parse_int("0", minimum=1)
    with pytest.raises(ValidationError, match="or less"):
        validation.parse_int("11", maximum=10)


def test_it_reads_ids_as_positive_numbers():
    assert validation.parse_id("7") == 7
    for bad in ["0", "-1", "abc", "²", str(2**63)]:
        with pytest.raises(ValidationError):
            validation.parse_id(bad)


@pytest.mark.parametrize("value", ["a\x00b", "a\x1bb", "a\x7fb", "a\x9bb"])
def test_it_refuses_control_characters_in_text(value):
    with pytest.raises(ValidationError, match="control characters"):
        validation.check_text(value)


def test_it_keeps_tabs_and_line_breaks_in_text_and_folds_line_ends():
    assert validation.check_text("a\tb\r\nc\rd") == "a\tb\nc\nd"


def test_it_holds_text_to_its_limit():
    validation.check_text("x" * 10, limit=10)
    with pytest.raises(ValidationError, match="10 characters"):
        validation.check_text("x" * 11, limit=10)


def test_it_checks_the_size_of_text_before_its_characters():
    assert validation.check_size("x" * 10, limit=10) == "x" * 10
    with pytest.raises(ValidationError, match="Keep this to 10 characters \\(it has 11\\)"):
        validation.check_size("\x00" * 11, limit=10)
    with pytest.raises(ValidationError, match="10 characters"):
        validation.check_text("\x00" * 11, limit=10)


@pytest.mark.parametrize("value", ["a\rb", "a\nb", "a\u2028b", "a\u0085b", "a\x0bb"])
def test_it_keeps_names_on_one_line(value):
    with pytest.raises(ValidationError, match="one line"):
        validation.check_line(value)
    assert not validation.is_single_line(value)


def test_it_takes_names_in_any_script():
    for name in ["José Müller", "李小龙", "Ольга Петрова", "سارة"]:
        assert validation.check_line(name) == name
        assert validation.is_single_line(name)


@pytest.mark.parametrize("year", [1, 1899, 2201, 9999])
def test_it_refuses_years_out_of_range(year):
    with pytest.raises(ValidationError, match="between 1900 and 2200"):
        validation.check_year(dt.date(year, 1, 1))


def test_it_takes_years_in_range():
    assert validation.check_year(dt.datetime(2200, 12, 31, 23, 59)).year == 2200
    assert validation.check_year(dt.date(1900, 1, 1)).year == 1900


@pytest.mark.parametrize(
    "name", ["", "Mars/Olympus", "../../etc/passwd", "Europe/\nLondon", "UTC\x00", "x" * 100]
)
def test_it_refuses_unknown_time_zones(name):
    with pytest.raises(ValidationError, match="time zone"):
        validation.time_zone(name)


def test_it_knows_time_zones():
    assert str(validation.time_zone("Europe/London")) == "Europe/London"
    assert validation.check_time_zone(" Etc/GMT+12 ") == "Etc/GMT+12"
