"""The checks every value passes, whichever door it came in by.

Forms, htmx endpoints, the CLI, importers and restore all call these, so a value a form
would refuse is refused everywhere, with the same words. Each check raises Django's
ValidationError with a message a user can read; the caller adds the field or line.
"""

import datetime as dt
import re
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# The years a date may fall in: wide enough for any real career, narrow enough that every
# date can be shifted by any time zone and written to iCalendar, vCard and JSON.
MIN_YEAR = 1900
MAX_YEAR = 2200

# Size limits for text, in characters. Every text field and every text a rule, linter,
# preview or search reads is held to one of these before any work is done on it.
NAME_LIMIT = 200  # a person's or organisation's name, a subject line, a title
LINE_LIMIT = 500  # any other one-line value
TEXT_LIMIT = 20_000  # a note, a draft, a template, a pitch: several pages of writing
SEARCH_LIMIT = 200  # what a search box takes

# Line breaks of every kind, including the ones Python's splitlines() and vCard readers honour.
_LINE_BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"
# Lone surrogates are here too: they come from undecodable bytes in a command line or from
# JSON escapes, and no database can store them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
_LINE_BREAK = re.compile(f"[{_LINE_BREAKS}]")


def check_text(value: str, *, limit: int = TEXT_LIMIT) -> str:
    """Multi-line text: no NUL or other control characters, at most `limit` characters.

    Tabs and line breaks are kept; Windows and old Mac line ends become \\n.
    """
    value = check_size(value.replace("\r\n", "\n").replace("\r", "\n"), limit=limit)
    if _CONTROL.search(value):
        raise ValidationError(
            "Remove the control characters (such as NUL) from this text.", code="control"
        )
    return value


def check_size(value: str, *, limit: int = TEXT_LIMIT) -> str:
    """At most `limit` characters: the first check on any text a linter, preview or search reads,
    made before anything reads the text itself."""
    if len(value) > limit:
        raise ValidationError(
            f"Keep this to {limit:,} characters (it has {len(value):,}).", code="max_length"
        )
    return value


def check_line(value: str, *, limit: int = LINE_LIMIT) -> str:
    """One-line text such as a name or a subject: no line breaks, no control characters."""
    if _LINE_BREAK.search(value):
        raise ValidationError("This must fit on one line.", code="line_break")
    return check_text(value, limit=limit)


def tidy_line(value: str) -> str:
    """One-line text with runs of spaces made one and the ends trimmed.

    A line break or control character is refused (check_line), never folded into a space;
    the size is left to the field the value goes into.
    """
    check_line(value, limit=max(len(value), 1))
    return " ".join(value.split())


def one_line(value: str) -> str:
    """`value` as writers of mail headers and calendar lines need it, whatever was stored:
    line breaks, control characters and runs of white space each become one space."""
    return " ".join(_CONTROL.sub(" ", value).split())


def is_single_line(value: str) -> bool:
    return not _LINE_BREAK.search(value) and not _CONTROL.search(value)


def parse_int(value: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number written in ASCII digits (int() also takes "²" and "٣"), within bounds."""
    text = value.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 18:
        raise ValidationError("Enter a whole number.", code="invalid")
    number = int(text)
    if minimum is not None and number < minimum:
        raise ValidationError(f"Enter {minimum:,} or more.", code="min_value")
    if maximum is not None and number > maximum:
        raise ValidationError(f"Enter {maximum:,} or less.", code="max_value")
    return number


def parse_id(value: object) -> int:
    """A database id from a URL or form: a positive whole number in ASCII digits."""
    return parse_int(str(value), minimum=1, maximum=2**63 - 1)


def is_id(value: object) -> bool:
    """Whether parse_id would take `value`, for a key such as "own:12" read from outside."""
    try:
        parse_id(value)
    except ValidationError:
        return False
    return True


_Day = TypeVar("_Day", bound=dt.date)


def check_year(value: _Day) -> _Day:
    """Dates and datetimes from MIN_YEAR to MAX_YEAR."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(
            f"Choose a date between {MIN_YEAR} and {MAX_YEAR}.", code="out_of_range"
        )
    return value


def time_zone(name: str) -> ZoneInfo:
    """A time zone from the IANA database by its name, e.g. "Europe/London"."""
    name = name.strip()
    if not name or len(name) > 64 or not is_single_line(name) or name not in _zone_names():
        raise ValidationError(
            f"“{name[:64]}” is not a time zone; use a name such as Europe/London.",
            code="time_zone",
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(f"“{name}” is not a time zone.", code="time_zone") from error


def check_time_zone(name: str) -> str:
    time_zone(name)
    return name.strip()


_ZONES: frozenset[str] | None = None


def _zone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


# The same checks as model field validators, so every ModelForm and every service that calls
# full_clean() applies them. Django skips validators for empty values.


@deconstructible
class TextValidator:
    """Model validator for multi-line text: check_text with the field's limit."""

    def __init__(self, limit: int = TEXT_LIMIT):
        self.limit = limit

    def __call__(self, value: str) -> None:
        value = str(value)
        # isprintable() is false for every control character and line break: text without
        # any is accepted without the full check (imports call this on every row).
        if not (len(value) <= self.limit and value.isprintable()):
            check_text(value, limit=self.limit)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and (type(other), other.limit) == (
            type(self),
            self.limit,
        )


@deconstructible
class LineValidator:
    """Model validator for one-line text; the field's max_length holds it to its size."""

    def __call__(self, value: str) -> None:
        value = str(value)
        if not value.isprintable():
            check_line(value, limit=max(len(value), 1))

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)


def validate_year(value: dt.date) -> None:
    """Model validator for dates and datetimes (check_year)."""
    check_year(value)


def validate_time_zone(value: str) -> None:
    """Model validator: the name of an IANA time zone, exactly as stored."""
    if check_time_zone(value) != value:
        raise ValidationError("Write the time zone without spaces around it.", code="time_zone")


def remove_control(value: str) -> str:
    """`value` without the control characters check_text refuses (tabs and line breaks stay)."""
    return _CONTROL.sub("", value)
