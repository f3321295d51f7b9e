import datetime as dt

import pytest
from django import forms

from coffeechat.lib import forms as safe
from coffeechat.lib.validation import LINE_LIMIT


def _clean(field: forms.Field, value):
    try:
        return field.clean(value), None
    except forms.ValidationError as error:
        return None, " ".join(error.messages)


@pytest.mark.parametrize("value", ["a\x00b", "a\x1bb", "a\nb", "a\r\nb", "a\u2028b"])
def test_it_refuses_control_characters_and_line_breaks_in_a_line(value):
    _, error = _clean(safe.LineField(), value)
    assert error


def test_it_keeps_line_breaks_in_text_and_makes_them_unix_ones():
    assert safe.TextField().clean("first\r\nsecond") == "first\nsecond"
    _, error = _clean(safe.TextField(), "a\x00b")
    assert "control characters" in error


def test_it_caps_text_at_the_limits():
    _, error = _clean(safe.LineField(), "x" * (LINE_LIMIT + 1))
    assert f"Keep this to {LINE_LIMIT}" in error
    _, error = _clean(safe.TextField(max_length=10), "x" * 11)
    assert "Keep this to 10 characters (it has 11)" in error
    assert safe.LineField(max_length=10).clean("x" * 10) == "x" * 10


@pytest.mark.parametrize("value", ["²", "٣", "abc", "1.5", "9" * 30])
def test_it_reads_whole_numbers_in_ascii_digits_only(value):
    _, error = _clean(safe.WholeNumberField(), value)
    assert error == "Enter a whole number."


def test_it_keeps_the_bounds_and_their_messages_of_a_whole_number():
    field = safe.WholeNumberField(min_value=5, error_messages={"min_value": "Five at least."})
    assert field.clean(" 7 ") == 7
    assert _clean(field, "4") == (None, "Five at least.")
    assert safe.WholeNumberField(required=False).clean("") is None


@pytest.mark.parametrize("value", ["0", "-3", "²", "own:1", str(2**63)])
def test_it_refuses_what_is_not_an_id(value):
    _, error = _clean(safe.IdField(), value)
    assert error


def test_it_holds_dates_to_the_years_coffeechat_handles():
    assert safe.DateField().clean("2030-05-01") == dt.date(2030, 5, 1)
    for value in ("9999-12-31", "0001-01-01"):
        _, error = _clean(safe.DateField(), value)
        assert error == "Choose a date between 1900 and 2200."
    _, error = _clean(safe.DateTimeField(), "9999-12-31 23:50")
    assert error == "Choose a date between 1900 and 2200."


@pytest.mark.parametrize("value", ["Mars/Olympus", "Europe/London\x00", "x" * 100])
def test_it_refuses_what_is_not_a_time_zone(value):
    _, error = _clean(safe.TimeZoneField(), value)
    assert "is not a time zone" in error or "control characters" in error or "Keep" in error


def test_it_takes_a_time_zone_by_its_name():
    assert safe.TimeZoneField().clean(" Etc/GMT+12 ") == "Etc/GMT+12"


@pytest.mark.parametrize("field", [safe.EmailField(), safe.URLField(assume_scheme="https")])
def test_it_refuses_control_characters_in_addresses(field):
    _, error = _clean(field, "ada\x00@example.com")
    assert error


@pytest.mark.django_db
def test_it_names_objects_by_ascii_ids_only(alice, contact):
    from coffeechat.contacts.models import Contact

    field = safe.OwnedChoiceField(queryset=Contact.objects.filter(owner=alice))
    assert field.clean(str(contact.pk)) == contact
    arabic = str(contact.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for value in (arabic, "²", "9" * 30, "a\x00"):
        _, error = _clean(field, value)
        assert error and "valid choice" in error
