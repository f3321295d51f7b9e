"""Form fields that carry the shared checks, and helpers for showing a service's errors.

Every form of the app builds its fields from these, so a value with a NUL, a line break where
one line is expected, digits such as "²", a year such as 9999 or an unknown time zone is
refused by the form, field by field, before a view or a service sees it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from coffeechat.lib.validation import (
    LINE_LIMIT,
    TEXT_LIMIT,
    TextValidator,
    check_line,
    check_text,
    check_time_zone,
    check_year,
    parse_id,
    parse_int,
)


class LineField(forms.CharField):
    """One line of text: no line breaks or control characters, at most `max_length`."""

    default_limit = LINE_LIMIT

    def __init__(self, *, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(max_length=max_length or self.default_limit, **kwargs)

    def to_python(self, value: Any) -> str | None:
        # Checked as sent, before stripping, so the size in a message is what was typed; a
        # field's own error_messages may word a refusal (by its code) for its users.
        if isinstance(value, str) and value:
            try:
                value = self.check(value)
            except ValidationError as error:
                code = getattr(error, "code", None)
                if code is not None and code in self.error_messages:
                    raise ValidationError(self.error_messages[code], code=code) from None
                raise
        return super().to_python(value)

    def check(self, value: str) -> str:
        return check_line(value, limit=self.max_length or self.default_limit)


class TextField(LineField):
    """Text of several lines (a note, a draft): no control characters, at most `max_length`."""

    default_limit = TEXT_LIMIT
    widget = forms.Textarea

    def check(self, value: str) -> str:
        return check_text(value, limit=self.max_length or self.default_limit)


class TimeZoneField(LineField):
    """The name of a time zone from the IANA database, e.g. Europe/London."""

    default_limit = 64

    def check(self, value: str) -> str:
        return check_time_zone(super().check(value.strip()))


class EmailField(forms.EmailField):
    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return check_line(value, limit=self.max_length or LINE_LIMIT) if value else value


class URLField(forms.URLField):
    def to_python(self, value: Any) -> str | None:
        # Checked before Django adds a scheme, so a control character cannot hide in a URL.
        if isinstance(value, str) and value:
            check_line(value.strip(), limit=self.max_length or LINE_LIMIT)
        return super().to_python(value)


class WholeNumberField(forms.IntegerField):
    """A whole number in ASCII digits (Django's IntegerField takes "²" and "٣" as digits)."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return parse_int(str(value))


class IdField(WholeNumberField):
    """The id of one of the user's objects, as a form or query string names it."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        return parse_id(value)


class OwnedChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """One of the objects in `queryset`, named by its id in ASCII digits."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        try:
            parse_id(value)
        except ValidationError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None
        return super().to_python(value)


class DateField(forms.DateField):
    """A day from MIN_YEAR to MAX_YEAR, so it can be moved to any time zone and written out."""

    def to_python(self, value: Any) -> date | None:
        value = super().to_python(value)
        return check_year(value) if value is not None else None


class DateTimeField(forms.DateTimeField):
    def to_python(self, value: Any) -> datetime | None:
        value = super().to_python(value)
        return check_year(value) if value is not None else None


# Django's fields for which a field above stands in. A form of the app uses none of these
# directly (coffeechat/tests/test_forms.py checks every form).
REPLACED = {
    forms.CharField: "LineField or TextField",
    forms.EmailField: "EmailField",
    forms.URLField: "URLField",
    forms.IntegerField: "WholeNumberField or IdField",
    forms.ModelChoiceField: "OwnedChoiceField",
    forms.DateField: "DateField",
    forms.DateTimeField: "DateTimeField",
}

# Model fields and the form field each becomes in a ModelForm, most specific first.
_MODEL_FIELDS: list[tuple[type[models.Field[Any, Any]], type[forms.Field]]] = [
    (models.EmailField, EmailField),
    (models.URLField, URLField),
    (models.TextField, TextField),
    (models.CharField, LineField),
    (models.IntegerField, WholeNumberField),
    (models.DateTimeField, DateTimeField),
    (models.DateField, DateField),
]


def model_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """A ModelForm's `formfield_callback`: the fields above instead of Django's own."""
    if db_field.choices is None and "form_class" not in kwargs:
        if isinstance(db_field, models.ForeignKey):
            kwargs["form_class"] = OwnedChoiceField
        else:
            for model_class, form_class in _MODEL_FIELDS:
                if isinstance(db_field, model_class):
                    kwargs["form_class"] = form_class
                    break
        # A text field's limit is its validator's: the form says the same as the model.
        limits = [v.limit for v in db_field.validators if isinstance(v, TextValidator)]
        if limits and db_field.max_length is None:
            kwargs.setdefault("max_length", min(limits))
    return db_field.formfield(**kwargs)


def apply_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Shows a service's ValidationError on the form, by field where the form has that field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def error_text(error: ValidationError, labels: dict[str, str] | None = None) -> str:
    """A ValidationError as one line, naming the fields it is about (by `labels`, the
    words the page uses for them, where given)."""
    labels = labels or {}
    if hasattr(error, "error_dict"):
        parts = []
        for field, errors in error.message_dict.items():
            name = labels.get(field) or field.replace("_", " ")
            label = "" if field == "__all__" else f"{name}: "
            parts.append(label + " ".join(errors))
        return "; ".join(parts)
    return " ".join(error.messages)
