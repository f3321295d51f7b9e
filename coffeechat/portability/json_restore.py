"""One user's JSON export, back into the database: checked whole, then written whole.

Every record is read and checked first (types, the shared checks of lib.validation, then the
model's own validators through full_clean(), as a form would), with every reference to
another record of the file; only then are the user's rows replaced, in one transaction. So
the first bad record is named before anything is written, and nothing is half-written.
"""

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, connection, models, transaction
from django.utils import timezone

from coffeechat.accounts.models import Profile
from coffeechat.agenda.models import AgendaMark
from coffeechat.lib.owned import OwnedModel, Owner
from coffeechat.lib.validation import check_text, check_time_zone, check_year
from coffeechat.portability.exporters import (
    FORMAT,
    MANY_TO_MANY,
    SECTION_OF_MODEL,
    SECTIONS,
    TIMESTAMPS,
    VERSION,
    Progress,
    exported_fields,
    related_model,
    translate_item_key,
)
from coffeechat.portability.models import ImportBatch

Ids = dict[type[models.Model], dict[int, int]]


@dataclass
class _Record:
    obj: OwnedModel
    export_id: int
    # (field, export id) of each reference; resolved to a primary key when written.
    references: list[tuple[models.Field, int]] = field(default_factory=list)


def check_version(data: dict[str, Any], *, supported: int, where: str) -> None:
    version = data.get("version")
    if type(version) is not int or version < 1:
        raise ValidationError(f"{where} has an unknown format version ({version!r}).")
    if version > supported:
        raise ValidationError(
            f"{where} was written by a newer coffeechat (format version {version}; this one "
            f"reads version {supported}). Upgrade coffeechat to restore it."
        )


@dataclass
class Export:
    """An export that passed every check, ready to be written for any owner."""

    profile: dict[str, Any] | None
    records: dict[str, list[_Record]]
    sections: dict[str, list[Any]]


def restore_json(*, owner: Owner, data: Any, progress: Progress | None = None) -> dict[str, int]:
    """Replaces everything `owner` owns with the export `data`; returns the count per section.

    Export ids become new primary keys in the order of the file, so exporting again gives
    the same file. Raises ValidationError naming the record and field at fault, and then
    nothing has changed.
    """
    return write_export(read_export(data), owner=owner, progress=progress)


def read_export(data: Any) -> Export:
    """Checks the export `data` whole, writing nothing; ValidationError names the first fault."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError("This is not a coffeechat export.")
    check_version(data, supported=VERSION, where="The export")
    sections = {}
    for key, _ in SECTIONS:
        records = data.get(key, [])
        if not isinstance(records, list):
            raise ValidationError(f"“{key}” must be a list.")
        sections[key] = records
    profile = data.get("profile")
    if profile is not None and not isinstance(profile, dict):
        raise ValidationError("“profile” must be an object.")
    return Export(
        profile=None if profile is None else _read_profile(profile),
        records=_read_sections(sections),
        sections=sections,
    )


def write_export(
    export: Export, *, owner: Owner, progress: Progress | None = None
) -> dict[str, int]:
    """Replaces everything `owner` owns with `export`, in one transaction."""
    try:
        with transaction.atomic():
            return _write(owner, export, progress)
    except (IntegrityError, DataError) as error:
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ValidationError(f"The database refused the export ({first_line}).") from None


# Reading and checking: nothing is written.


def _read_profile(record: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for f in exported_fields(Profile):
        if f.name in record:
            values[f.attname] = decode(f, record[f.name], f"profile: {f.name}")
    full_clean(Profile(**values), "profile")
    return values


def _read_sections(sections: dict[str, list]) -> dict[str, list[_Record]]:
    export_ids: dict[type[models.Model], set[int]] = {model: set() for _, model in SECTIONS}
    forward: list[tuple[models.Field, Any, str]] = []  # references to later records
    built = {}
    for position, (key, model) in enumerate(SECTIONS):
        pending = {m for _, m in SECTIONS[position:]}
        built[key] = [
            _read_record(key, model, index, record, export_ids, pending, forward)
            for index, record in enumerate(sections[key])
        ]
    for f, value, where in forward:
        _check_reference(f, value, export_ids, where)
    for key, model in SECTIONS:
        for name in MANY_TO_MANY.get(model, []):
            _check_many_to_many(key, model, name, sections[key], export_ids)
    return built


def _read_record(key, model, index, record, export_ids, pending, forward) -> _Record:
    where = f"{key}[{index}]"
    if not isinstance(record, dict):
        raise ValidationError(f"{where}: each record must be an object.")
    export_id = record.get("id")
    seen = export_ids[model]
    if type(export_id) is not int or export_id in seen:
        raise ValidationError(f"{where}: “id” must be a whole number, unique in {key}.")
    seen.add(export_id)
    where = f"{key}[{index}] (id {export_id})"
    built = _Record(model(), export_id)
    now = timezone.now()
    for f in exported_fields(model):
        if f.name in TIMESTAMPS:
            setattr(built.obj, f.attname, now)
        if f.name not in record:
            continue
        value = record[f.name]
        if f.is_relation:
            if value is None:
                continue
            if f.related_model in pending:
                forward.append((f, value, where))
            else:
                _check_reference(f, value, export_ids, where)
            built.references.append((f, value))
            continue
        value = decode(f, value, f"{where}: {f.name}")
        if model is AgendaMark and f.name == "item_key":
            # Checked against the file's own ids; translated to new ones when written.
            _item_key(value, {m: {i: i for i in ids} for m, ids in export_ids.items()}, where)
        setattr(built.obj, f.attname, value)
    full_clean(built.obj, where)
    return built


def _check_reference(f: models.Field, value: Any, export_ids, where: str) -> None:
    if type(value) is not int or value not in export_ids.get(f.related_model, ()):
        section = SECTION_OF_MODEL[related_model(f)]
        raise ValidationError(
            f"{where}: {f.name}: {value!r} is not the id of one of the {section}."
        )


def _check_many_to_many(key, model, name, records, export_ids) -> None:
    targets = export_ids[model._meta.get_field(name).related_model]
    for index, record in enumerate(records):
        linked = record.get(name, [])
        where = f"{key}[{index}] (id {record['id']}): {name}"
        if not isinstance(linked, list):
            raise ValidationError(f"{where}: must be a list of ids.")
        for value in linked:
            if type(value) is not int or value not in targets:
                raise ValidationError(f"{where}: {value!r} is not the id of one of the {name}.")


def _item_key(key: str, ids: Ids, where: str) -> str:
    translated = translate_item_key(key, ids)
    if translated is None:
        raise ValidationError(
            f"{where}: item_key: {key!r} names an object that is not in the file."
        )
    return translated


def full_clean(obj: models.Model, where: str, exclude: tuple[str, ...] = ()) -> None:
    """The checks a form runs on the record (the model's validators: URLs, e-mail addresses,
    ranges, choices, sizes), so a restore stores nothing the pages would have refused.

    References are left out (they are checked against the file's own records), and so is
    uniqueness, which the database enforces in the same transaction without a query a record.
    """
    relations = [f.name for f in type(obj)._meta.concrete_fields if f.is_relation]
    try:
        obj.full_clean(
            exclude=[*relations, *exclude], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        problem = messages[0] if name == NON_FIELD_ERRORS else f"{name}: {messages[0]}"
        raise ValidationError(f"{where}: {problem}") from None


def parse_datetime(value: Any, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError(
            f"{where}: {value!r} is not a date and time (ISO 8601, e.g. 2025-03-01T09:30:00Z)."
        ) from None
    # A time without an offset is read as UTC, the zone every export writes.
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


def _checked(check: Callable[[Any], Any], value: Any, where: str) -> Any:
    """`value` once `check` (one of the shared checks) has passed it; its message otherwise."""
    try:
        check(value)
    except ValidationError as error:
        raise ValidationError(f"{where}: {error.messages[0]}") from None
    return value


def check_value(f: models.Field, value: Any, where: str) -> Any:
    """The shared checks that apply to a field's Python value, whatever the field's own
    validators: control characters such as NUL (sizes are the model's to say), the years a
    date may take, and time zones by name."""
    if isinstance(f, models.DateField) and isinstance(value, date):
        _checked(check_year, value, where)
    elif isinstance(f, models.CharField | models.TextField) and isinstance(value, str):
        _checked(partial(check_text, limit=sys.maxsize), value, where)
        if f.name == "time_zone" and value:
            _checked(check_time_zone, value, where)
    return value


def check_stored(obj: models.Model, where: str, exclude: tuple[str, ...] = ()) -> None:
    """A record read from a database file made elsewhere, checked as a restored record is."""
    for f in type(obj)._meta.concrete_fields:
        if f.is_relation or f.name in exclude:
            continue
        value = getattr(obj, f.attname)
        if value is None and not f.null:
            # What SQLite's converters make of a time that is not one, such as "yesterday".
            raise ValidationError(f"{where}: {f.name}: its value cannot be read.")
        check_value(f, value, f"{where}: {f.name}")
    full_clean(obj, where, exclude)


def decode(f: models.Field, value: Any, where: str) -> Any:
    """One JSON value as the field's Python value, checked as the database would."""
    if value is None:
        if f.null:
            return None
        raise ValidationError(f"{where}: may not be null.")
    if isinstance(f, models.DateTimeField):
        return check_value(f, parse_datetime(value, where), where)
    if isinstance(f, models.DateField):
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValidationError(f"{where}: {value!r} is not a date (e.g. 2025-03-01).") from None
        return check_value(f, day, where)
    if isinstance(f, models.JSONField):
        return value
    if isinstance(f, models.CharField | models.TextField):
        if not isinstance(value, str):
            raise ValidationError(f"{where}: must be text.")
        check_value(f, value, where)
    if isinstance(f, models.BooleanField) and not isinstance(value, bool):
        raise ValidationError(f"{where}: must be true or false.")
    if isinstance(f, models.IntegerField):
        low, high = connection.ops.integer_field_range(f.get_internal_type())
        if (
            type(value) is not int
            or not (low is None or low <= value)
            or not (high is None or value <= high)
        ):
            raise ValidationError(f"{where}: {value!r} is not a whole number in range.")
    if f.choices and value not in {c[0] for c in f.flatchoices} and not (f.blank and value == ""):
        raise ValidationError(f"{where}: {value!r} is not one of the choices.")
    if f.max_length and isinstance(value, str) and len(value) > f.max_length:
        raise ValidationError(f"{where}: longer than {f.max_length} characters.")
    return value


# Writing: everything was checked above.


def _write(owner: Owner, export: Export, progress: Progress | None) -> dict[str, int]:
    built = export.records
    # The record of earlier imports goes with the people it names: an export holds none.
    ImportBatch.objects.filter(owner=owner).delete()
    for _, model in reversed(SECTIONS):
        model._default_manager.filter(owner=owner).delete()
    if export.profile is not None:
        _write_profile(owner, dict(export.profile))
    ids: Ids = {}
    forward: list[tuple[models.Model, models.Field, int]] = []
    done, total = 0, sum(len(records) for records in built.values())
    for key, model in SECTIONS:
        for record in built[key]:
            record.obj.owner = owner
            for f, value in record.references:
                if f.related_model in ids:
                    setattr(record.obj, f.attname, ids[f.related_model][value])
                else:
                    forward.append((record.obj, f, value))
            if isinstance(record.obj, AgendaMark):
                record.obj.item_key = _item_key(record.obj.item_key, ids, key)
        objs = [record.obj for record in built[key]]
        _insert_as_given(model, objs)
        ids[model] = {record.export_id: record.obj.pk for record in built[key]}
        done += len(objs)
        if progress:
            progress(done, total)
    _write_forward(forward, ids)
    for key, model in SECTIONS:
        for name in MANY_TO_MANY.get(model, []):
            _write_many_to_many(model, name, export.sections[key], ids)
    return {key: len(records) for key, records in built.items()}


def _write_profile(owner: Owner, values: dict[str, Any]) -> None:
    updated_at = values.pop("updated_at", None)
    Profile.objects.update_or_create(owner=owner, defaults=values)
    if updated_at is not None:
        # update() leaves auto_now alone, so the profile keeps the time in the file.
        Profile.objects.filter(owner=owner).update(updated_at=updated_at)


def _insert_as_given(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Inserts `objs` in order, in batches, setting their primary keys.

    Unlike bulk_create(), which stamps auto_now fields with the present, every value is
    written as given, so created_at and updated_at come back as they were exported: raw=True
    is how Django itself saves a row "as presented" (Model._do_insert, loading fixtures).
    The public way, bulk_create() then bulk_update() of the two times, made restoring 10,000
    contacts take 2.3 times as long (123 s against 52 s, on a busy two-core machine);
    test_backup.py pins this private API so that a Django upgrade that changes it fails there.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    returning = model._meta.db_returning_fields
    size = 1
    if connection.features.can_return_rows_from_bulk_insert:
        size = max(1, min(500, connection.ops.bulk_batch_size(fields, objs)))
    manager = model._base_manager
    for start in range(0, len(objs), size):
        batch = objs[start : start + size]
        # Private, and pinned by test_backup.py (see above).
        rows = manager._insert(  # type: ignore[attr-defined]
            batch, fields=fields, returning_fields=returning, raw=True
        )
        for obj, row in zip(batch, rows, strict=True):
            for f, value in zip(returning, row, strict=True):
                setattr(obj, f.attname, value)
            obj._state.adding, obj._state.db = False, connection.alias


def _write_forward(forward, ids: Ids) -> None:
    """References to rows created after the one pointing at them (a contact's referrer)."""
    targets: dict[tuple[type[models.Model], str, int], list[int]] = {}
    for obj, f, value in forward:
        target = ids[f.related_model][value]
        targets.setdefault((type(obj), f.attname, target), []).append(obj.pk)
    # One update per person referred to (update() leaves created_at and updated_at alone).
    for (model, attname, target), pks in targets.items():
        for start in range(0, len(pks), 500):
            model._default_manager.filter(pk__in=pks[start : start + 500]).update(
                **{attname: target}
            )


def _write_many_to_many(model, name, records, ids: Ids) -> None:
    f = model._meta.get_field(name)
    through = f.remote_field.through
    source, target = f.m2m_field_name(), f.m2m_reverse_field_name()
    own_ids, target_ids = ids[model], ids[f.related_model]
    links = [
        through(**{f"{source}_id": own_ids[record["id"]], f"{target}_id": target_ids[value]})
        for record in records
        for value in sorted(set(record.get(name, [])))
    ]
    through.objects.bulk_create(links, batch_size=500)
