"""Validating a model instance the way every service does before it writes."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from coffeechat.lib.validation import tidy_line


def validate_instance(instance: models.Model, *, fields: Iterable[str] | None = None) -> None:
    """The fields' validators and the model's clean(), as full_clean() runs them.

    Relations are left out: services check owners themselves, and validating a foreign key
    costs a query. Uniqueness is the services' to word. With `fields`, only those are checked,
    so a value stored before a limit existed does not block an unrelated change.
    """
    names = {f.name for f in instance._meta.concrete_fields}
    skipped = {f.name for f in instance._meta.concrete_fields if f.is_relation}
    if fields is not None:
        skipped |= names - set(fields)
    instance.full_clean(exclude=sorted(skipped), validate_unique=False, validate_constraints=False)


def tidy_lines(values: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """`values` with each of `names` present made a tidy line (tidy_line), errors by field."""
    tidied = dict(values)
    errors: dict[str, ValidationError] = {}
    for name in names:
        if isinstance(tidied.get(name), str):
            try:
                tidied[name] = tidy_line(tidied[name])
            except ValidationError as error:
                errors[name] = error
    if errors:
        raise ValidationError(errors)
    return tidied
