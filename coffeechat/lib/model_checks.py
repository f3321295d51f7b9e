"""Validating a model instance the way every service does before it writes, and the one way
a service changes a saved row."""

import copy
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, TypeVar

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


Row = TypeVar("Row", bound=models.Model)


def update_row(
    row: Row,
    changes: Mapping[str, Any],
    *,
    allowed: Collection[str],
    check: Callable[[Row], None] | None = None,
) -> bool:
    """Changes the saved `row`; returns whether anything changed.

    `changes` may name only fields in `allowed` (anything else is a programming error:
    TypeError). They are applied to a copy first and checked there, by `check` when given
    (which may also tidy the copy's values or derive others), else by the named fields'
    validators; a refused change raises ValidationError and leaves `row` as it was. Then only
    the fields in `allowed` whose values differ are set on `row` and saved, with `updated_at`;
    when none differ nothing is written.
    """
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"{type(row).__name__} fields that cannot change: {sorted(unknown)}")
    probe = copy.copy(row)
    for name, value in changes.items():
        setattr(probe, name, value)
    if check is None:
        validate_instance(probe, fields=changes)
    else:
        check(probe)
    fields = [f for f in row._meta.concrete_fields if f.name in allowed]
    changed = [f.name for f in fields if getattr(probe, f.attname) != getattr(row, f.attname)]
    if not changed:
        return False
    for name in changed:
        setattr(row, name, getattr(probe, name))
    if any(f.name == "updated_at" for f in row._meta.concrete_fields):
        changed.append("updated_at")
    row.save(update_fields=changed)
    return True
