from django import forms
from django.core.exceptions import ValidationError


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Shows a service's ValidationError on the form, by field where the form has that field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def error_text(error: ValidationError) -> str:
    """A ValidationError as one line, naming the fields it is about."""
    if hasattr(error, "error_dict"):
        parts = []
        for field, errors in error.message_dict.items():
            label = "" if field == "__all__" else f"{field.replace('_', ' ')}: "
            parts.append(label + " ".join(errors))
        return "; ".join(parts)
    return " ".join(error.messages)
