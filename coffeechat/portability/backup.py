"""Backups of the whole database, and restores of backups and exports, all or nothing.

On SQLite a backup is a copy of the database file made with SQLite's online backup API: a
consistent snapshot even while the server writes, with every table (accounts and sessions
included), readable only by its owner. On PostgreSQL (or any other database) it is the JSON
export of every user inside one wrapper; passwords, sessions, login links and API tokens are
not in it, so restored accounts that did not exist set a new password (`changepassword`).

A restore finds out what the file is by its content:

- a SQLite backup is checked (integrity, coffeechat's tables, no migration newer than this
  coffeechat) and then copied over the live database with the backup API, which writes the
  destination in one transaction under SQLite's own lock: the database is replaced whole or
  not at all. Migrations then bring an older backup up to date.
- a JSON backup or export is checked for its format and version, then each user's rows are
  deleted and re-created in one database transaction.
"""

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from coffeechat.accounts.models import Profile
from coffeechat.accounts.services import local_user_get_or_create
from coffeechat.agenda.models import AgendaMark
from coffeechat.contacts.models import Contact
from coffeechat.portability.exporters import (
    FORMAT,
    MANY_TO_MANY,
    SECTION_OF_MODEL,
    SECTIONS,
    TIMESTAMPS,
    VERSION,
    Progress,
    export_json,
    exported_fields,
    format_datetime,
    snapshot,
    translate_item_key,
)

BACKUP_FORMAT = "coffeechat-backup"
BACKUP_VERSION = 1
SQLITE_HEADER = b"SQLite format 3\x00"
# A SQLite file without these is some other program's database.
REQUIRED_TABLES = {"django_migrations", "auth_user", "accounts_profile", "contacts_contact"}
USER_FIELDS = ["email", "first_name", "last_name", "is_active", "is_staff", "is_superuser"]


@dataclass
class Result:
    kind: str  # "sqlite" or "json"
    users: int
    contacts: int
    counts: dict[str, int] = field(default_factory=dict)


# Backup


def backup(*, path: str | os.PathLike, progress: Progress | None = None) -> Result:
    """Writes a consistent snapshot of the whole database to `path` (replaced at the end)."""
    path = Path(path)
    if path.is_dir():
        raise ValidationError(f"{path} is a folder; name a file to write the backup to.")
    if not path.parent.is_dir():
        raise ValidationError(f"{path}: the folder {path.parent} does not exist.")
    if _is_live_database(path):
        raise ValidationError(f"{path} is the live database; back up to another file.")
    if connection.vendor == "sqlite":
        return _backup_sqlite(path, progress)
    return _backup_json(path, progress)


def _is_live_database(path: Path) -> bool:
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return False
    live = Path(connection.settings_dict["NAME"])
    return path.exists() and live.exists() and path.samefile(live)


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary file next to `path` (mode 0600) that replaces it only when all went well."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(temp)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _live_sqlite() -> sqlite3.Connection:
    if connection.is_in_memory_db():
        connection.ensure_connection()
        return connection.connection
    return sqlite3.connect(connection.settings_dict["NAME"], timeout=20)


def _backup_sqlite(path: Path, progress: Progress | None) -> Result:
    def report(status: int, remaining: int, total: int) -> None:
        if progress:
            progress(total - remaining, total)

    with _replacing(path) as temp:
        source, target = _live_sqlite(), sqlite3.connect(temp)
        try:
            # One step (pages=-1) copies the whole file inside one read transaction: in WAL
            # mode writers carry on meanwhile, and the copy is the database at one moment.
            # Copying in several steps would start again each time another connection wrote.
            source.backup(target, pages=-1, progress=report)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            users, contacts = _sqlite_counts(target)
        finally:
            target.close()
            if source is not connection.connection:
                source.close()
    return Result(kind="sqlite", users=users, contacts=contacts)


def _sqlite_counts(db: sqlite3.Connection) -> tuple[int, int]:
    (users,) = db.execute("SELECT count(*) FROM auth_user").fetchone()
    (contacts,) = db.execute("SELECT count(*) FROM contacts_contact").fetchone()
    return users, contacts


def _backup_json(path: Path, progress: Progress | None) -> Result:
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    now = timezone.now()
    contacts = 0
    with _replacing(path) as temp, open(temp, "w", encoding="utf-8", newline="") as out:
        with snapshot():
            users = list(get_user_model().objects.order_by("pk"))
            out.write(f'{{\n"format": {dumps(BACKUP_FORMAT)},\n"version": {BACKUP_VERSION},\n')
            out.write(f'"exported_at": {dumps(format_datetime(now))},\n"users": [')
            for done, user in enumerate(users, 1):
                account = {"username": user.get_username()}
                account |= {name: getattr(user, name) for name in USER_FIELDS}
                account["date_joined"] = format_datetime(user.date_joined)
                out.write(",\n" if done > 1 else "\n")
                out.write(dumps(account)[:-1] + ', "data": ')
                counts = export_json(owner=user, stream=out, exported_at=now)
                out.write("}")
                contacts += counts["contacts"]
                if progress:
                    progress(done, len(users))
            out.write("\n]\n}\n")
    return Result(kind="json", users=len(users), contacts=contacts)


# Restore


def restore(
    *, path: str | os.PathLike, force: bool = False, owner=None, progress: Progress | None = None
) -> Result:
    """Restores a SQLite backup, a JSON backup, or one user's JSON export.

    An export goes to `owner`, by default the single user of a local installation.
    Refuses to replace data already there unless `force`. Raises ValidationError with a
    message naming the file; on any error nothing has changed.
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"{path}: no such file.")
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head == SQLITE_HEADER:
        if _is_live_database(path):
            raise ValidationError(f"{path} is the live database, not a backup of it.")
        return _restore_sqlite(path, force=force)
    data = _read_json(path)
    kind = data.get("format") if isinstance(data, dict) else None
    if kind == BACKUP_FORMAT:
        return _restore_backup(path, data, force=force, progress=progress)
    if kind == FORMAT:
        owner = owner or local_user_get_or_create()
        return _restore_export(path, data, owner=owner, force=force, progress=progress)
    raise ValidationError(f"{path} is not a coffeechat backup or export.")


def _read_json(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return json.load(handle)
    except UnicodeDecodeError:
        raise ValidationError(
            f"{path} is not a coffeechat backup (neither a SQLite database nor JSON)."
        ) from None
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"{path} is not a coffeechat backup: its JSON is broken at line {error.lineno}, "
            f"column {error.colno} ({error.msg}); nothing was restored."
        ) from None


def _check_version(data: dict[str, Any], *, supported: int, where: str) -> None:
    version = data.get("version")
    if type(version) is not int or version < 1:
        raise ValidationError(f"{where} has an unknown format version ({version!r}).")
    if version > supported:
        raise ValidationError(
            f"{where} was written by a newer coffeechat (format version {version}; this one "
            f"reads version {supported}). Upgrade coffeechat to restore it."
        )


def _refuse_to_replace(contacts: int, others: int) -> None:
    if contacts:
        noun = "contact" if contacts == 1 else "contacts"
        raise ValidationError(
            f"The database already holds {contacts} {noun}; use --force to replace them."
        )
    if others:
        raise ValidationError(
            f"The database already holds {others} saved items (organisations, templates, "
            "questions…); use --force to replace them."
        )


def _holdings(**owner_filter: Any) -> tuple[int, int]:
    contacts = Contact.objects.filter(**owner_filter).count()
    others = sum(
        model.objects.filter(**owner_filter).count()
        for _, model in SECTIONS
        if model is not Contact
    )
    return contacts, others


def _restore_export(path: Path, data: dict[str, Any], *, owner, force: bool, progress) -> Result:
    with transaction.atomic():
        if not force:
            _refuse_to_replace(*_holdings(owner=owner))
        try:
            counts = restore_json(owner=owner, data=data, progress=progress)
        except ValidationError as error:
            raise ValidationError(f"{path}: {' '.join(error.messages)}") from None
    return Result(kind="json", users=1, contacts=counts["contacts"], counts=counts)


def _restore_backup(path: Path, data: dict[str, Any], *, force: bool, progress) -> Result:
    _check_version(data, supported=BACKUP_VERSION, where=str(path))
    accounts = data.get("users")
    if not isinstance(accounts, list) or not all(
        isinstance(a, dict) and isinstance(a.get("username"), str) and a["username"]
        for a in accounts
    ):
        raise ValidationError(f"{path}: “users” must be a list of accounts, each with a username.")
    user_model = get_user_model()
    counts: dict[str, int] = {}
    with transaction.atomic():
        if not force:
            _refuse_to_replace(*_holdings())
        for done, account in enumerate(accounts, 1):
            username = account["username"]
            user = user_model.objects.filter(username=username).first()
            if user is None:
                user = user_model(username=username)
                for name in USER_FIELDS:
                    value = account.get(name)
                    if isinstance(value, bool if name.startswith("is_") else str):
                        setattr(user, name, value)
                if account.get("date_joined"):
                    where = f"{path}: user “{username}”: date_joined"
                    user.date_joined = _parse_datetime(account["date_joined"], where)
                user.set_unusable_password()
                user.save()
            try:
                restored = restore_json(owner=user, data=account.get("data"))
            except ValidationError as error:
                raise ValidationError(
                    f"{path}: user “{username}”: {' '.join(error.messages)}"
                ) from None
            for key, count in restored.items():
                counts[key] = counts.get(key, 0) + count
            if progress:
                progress(done, len(accounts))
    return Result(
        kind="json", users=len(accounts), contacts=counts.get("contacts", 0), counts=counts
    )


def _restore_sqlite(path: Path, *, force: bool) -> Result:
    if connection.vendor != "sqlite":
        raise ValidationError(
            f"{path} is a SQLite backup, but this coffeechat keeps its data in "
            f"{connection.display_name}: restore a JSON backup (written by `coffeechat backup` "
            "on this server) or a user's export instead."
        )
    if connection.in_atomic_block or connection.is_in_memory_db():
        raise RuntimeError("A SQLite backup is restored outside any transaction, into a file.")
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            _check_sqlite_backup(source, path)
        except sqlite3.DatabaseError as error:
            raise ValidationError(f"{path} is damaged ({error}); nothing was restored.") from None
        if not force and set(connection.introspection.table_names()) >= _owned_tables():
            _refuse_to_replace(*_holdings())
        # Django's connection is reopened afterwards, onto the restored database.
        connection.close()
        target = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
        try:
            source.backup(target, pages=-1)
        except sqlite3.DatabaseError as error:
            raise ValidationError(f"Could not restore {path}: {error}.") from None
        finally:
            target.close()
        users, contacts = _sqlite_counts(source)
    finally:
        source.close()
    call_command("migrate", interactive=False, verbosity=0)
    return Result(kind="sqlite", users=users, contacts=contacts)


def _owned_tables() -> set[str]:
    return {model._meta.db_table for _, model in SECTIONS}


def _check_sqlite_backup(db: sqlite3.Connection, path: Path) -> None:
    problems = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
    if problems != ["ok"]:
        raise ValidationError(f"{path} is damaged ({problems[0]}); nothing was restored.")
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    missing = sorted(REQUIRED_TABLES - tables)
    if missing:
        raise ValidationError(
            f"{path} is a SQLite database but not a coffeechat backup (it has no {missing[0]} "
            "table)."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    apps = {app for app, _ in known}
    for app, name in db.execute("SELECT app, name FROM django_migrations ORDER BY id"):
        if app in apps and (app, name) not in known:
            raise ValidationError(
                f"{path} was made by a newer coffeechat (its migration {app}.{name} is unknown "
                "here). Upgrade coffeechat to restore it."
            )


# One user's JSON export, back into the database.


def restore_json(*, owner, data: Any, progress: Progress | None = None) -> dict[str, int]:
    """Replaces everything `owner` owns with the export `data`; returns the count per section.

    Export ids become new primary keys in the order of the file, so exporting again gives
    the same file. Raises ValidationError naming the record and field at fault, and then
    nothing has changed.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError("This is not a coffeechat export.")
    _check_version(data, supported=VERSION, where="The export")
    sections = {}
    for key, _ in SECTIONS:
        records = data.get(key, [])
        if not isinstance(records, list):
            raise ValidationError(f"“{key}” must be a list.")
        sections[key] = records
    profile = data.get("profile")
    if profile is not None and not isinstance(profile, dict):
        raise ValidationError("“profile” must be an object.")
    try:
        with transaction.atomic():
            return _replace(owner, profile, sections, progress)
    except (IntegrityError, DataError) as error:
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ValidationError(f"The database refused the export ({first_line}).") from None


def _replace(owner, profile, sections, progress) -> dict[str, int]:
    for _, model in reversed(SECTIONS):
        model.objects.filter(owner=owner).delete()
    if profile is not None:
        _restore_profile(owner, profile)
    ids: dict[type[models.Model], dict[int, int]] = {}
    later: list[tuple[models.Model, models.Field, Any, str]] = []
    created = {}
    done, total = 0, sum(len(records) for records in sections.values())
    for position, (key, model) in enumerate(SECTIONS):
        pending = {m for _, m in SECTIONS[position:]}
        created[key] = _restore_section(owner, key, model, sections[key], ids, pending, later)
        done += len(created[key])
        if progress:
            progress(done, total)
    _resolve_later(later, ids)
    for key, model in SECTIONS:
        for name in MANY_TO_MANY.get(model, []):
            _restore_many_to_many(key, model, name, sections[key], ids)
    return {key: len(objs) for key, objs in created.items()}


def _restore_profile(owner, record: dict[str, Any]) -> None:
    values = {}
    for f in exported_fields(Profile):
        if f.name in record:
            values[f.attname] = _decode(f, record[f.name], f"profile: {f.name}")
    updated_at = values.pop("updated_at", None)
    Profile.objects.update_or_create(owner=owner, defaults=values)
    if updated_at is not None:
        # update() leaves auto_now alone, so the profile keeps the time in the file.
        Profile.objects.filter(owner=owner).update(updated_at=updated_at)


def _restore_section(owner, key, model, records, ids, pending, later) -> list[models.Model]:
    fields = exported_fields(model)
    stamps = [f for f in fields if f.name in TIMESTAMPS]
    now = timezone.now()
    objs, export_ids = [], []
    for index, record in enumerate(records):
        where = f"{key}[{index}]"
        if not isinstance(record, dict):
            raise ValidationError(f"{where}: each record must be an object.")
        export_id = record.get("id")
        if type(export_id) is not int or export_id in ids.get(model, ()):
            raise ValidationError(f"{where}: “id” must be a whole number, unique in {key}.")
        where = f"{key}[{index}] (id {export_id})"
        obj = model(owner=owner)
        for f in stamps:
            setattr(obj, f.attname, now)
        for f in fields:
            if f.name not in record:
                continue
            value = record[f.name]
            if f.is_relation and f.related_model in pending and value is not None:
                later.append((obj, f, value, where))
                continue
            if f.is_relation:
                value = _resolve(f, value, ids, where)
            else:
                value = _decode(f, value, f"{where}: {f.name}")
            if model is AgendaMark and f.name == "item_key":
                value = _restore_item_key(value, ids, where)
            setattr(obj, f.attname, value)
        objs.append(obj)
        export_ids.append(export_id)
        ids.setdefault(model, {})[export_id] = None
    _insert_as_given(model, objs)
    ids[model] = {export_id: obj.pk for export_id, obj in zip(export_ids, objs, strict=True)}
    return objs


def _insert_as_given(model: type[models.Model], objs: list[models.Model]) -> None:
    """Inserts `objs` in order, in batches, setting their primary keys.

    Unlike bulk_create(), which stamps auto_now fields with the present, every value is
    written as given, so created_at and updated_at come back as they were exported: raw=True
    is how Django itself saves a row "as presented" (Model._do_insert, loading fixtures).
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    returning = model._meta.db_returning_fields
    size = 1
    if connection.features.can_return_rows_from_bulk_insert:
        size = max(1, min(500, connection.ops.bulk_batch_size(fields, objs)))
    manager = model._base_manager
    for start in range(0, len(objs), size):
        batch = objs[start : start + size]
        rows = manager._insert(batch, fields=fields, returning_fields=returning, raw=True)
        for obj, row in zip(batch, rows, strict=True):
            for f, value in zip(returning, row, strict=True):
                setattr(obj, f.attname, value)
            obj._state.adding, obj._state.db = False, connection.alias


def _resolve(f: models.Field, value: Any, ids, where: str) -> int | None:
    if value is None:
        return None
    target = ids[f.related_model]
    if type(value) is not int or value not in target:
        section = SECTION_OF_MODEL[f.related_model]
        raise ValidationError(
            f"{where}: {f.name}: {value!r} is not the id of one of the {section}."
        )
    return target[value]


def _resolve_later(later, ids) -> None:
    """References to rows created after the one pointing at them (a contact's referrer)."""
    targets: dict[tuple[type[models.Model], str, int], list[int]] = {}
    for obj, f, value, where in later:
        target = _resolve(f, value, ids, where)
        targets.setdefault((type(obj), f.attname, target), []).append(obj.pk)
    # One update per person referred to (update() leaves created_at and updated_at alone).
    for (model, attname, target), pks in targets.items():
        for start in range(0, len(pks), 500):
            model.objects.filter(pk__in=pks[start : start + 500]).update(**{attname: target})


def _restore_many_to_many(key, model, name, records, ids) -> None:
    f = model._meta.get_field(name)
    through = f.remote_field.through
    source, target = f.m2m_field_name(), f.m2m_reverse_field_name()
    own_ids, target_ids = ids[model], ids[f.related_model]
    links = []
    for index, record in enumerate(records):
        linked = record.get(name, [])
        where = f"{key}[{index}] (id {record['id']}): {name}"
        if not isinstance(linked, list):
            raise ValidationError(f"{where}: must be a list of ids.")
        for value in linked:
            if type(value) is not int or value not in target_ids:
                raise ValidationError(f"{where}: {value!r} is not the id of one of the {name}.")
        own_pk = own_ids[record["id"]]
        for value in sorted(set(linked)):
            links.append(through(**{f"{source}_id": own_pk, f"{target}_id": target_ids[value]}))
    through.objects.bulk_create(links, batch_size=500)


def _restore_item_key(key: str, ids, where: str) -> str:
    translated = translate_item_key(key, ids)
    if translated is None:
        raise ValidationError(
            f"{where}: item_key: {key!r} names an object that is not in the file."
        )
    return translated


def _parse_datetime(value: Any, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError(
            f"{where}: {value!r} is not a date and time (ISO 8601, e.g. 2025-03-01T09:30:00Z)."
        ) from None
    # A time without an offset is read as UTC, the zone every export writes.
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


def _decode(f: models.Field, value: Any, where: str) -> Any:
    """One JSON value as the field's Python value, checked as the database would."""
    if value is None:
        if f.null:
            return None
        raise ValidationError(f"{where}: may not be null.")
    if isinstance(f, models.DateTimeField):
        return _parse_datetime(value, where)
    if isinstance(f, models.DateField):
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValidationError(f"{where}: {value!r} is not a date (e.g. 2025-03-01).") from None
    if isinstance(f, models.JSONField):
        return value
    if isinstance(f, models.CharField | models.TextField) and not isinstance(value, str):
        raise ValidationError(f"{where}: must be text.")
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
