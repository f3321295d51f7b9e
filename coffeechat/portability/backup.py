"""Backups of the whole database, and restores of backups and exports, all or nothing.

On SQLite a backup is a copy of the database file made with SQLite's online backup API: a
consistent snapshot even while the server writes, with every table but the sessions
(accounts included), readable only by its owner. On PostgreSQL (or any other database) it is
the JSON export of every user inside one wrapper; passwords, sessions, login links and API
tokens are not in it, so restored accounts that did not exist set a new password
(`changepassword`).

A restore finds out what the file is by its content, and checks all of it before it changes
anything (backup_checks.py):

- a SQLite backup is copied into a private folder beside the live database, brought up to
  date there by this coffeechat's migrations, and must then have exactly the live database's
  tables, columns, indexes, foreign keys and checks, no trigger or view, no row pointing at
  a missing one, and only records a form would accept (copy_check.py, in a process whose
  only database is the copy). Only then is the copy written over the live database with the
  backup API, in one transaction under SQLite's own lock: replaced whole or not at all.
- a JSON backup or export is checked for its size, nesting, format and version, then every
  record as a form would check it (json_restore.py); only then are each user's rows deleted
  and re-created, in one database transaction.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

if TYPE_CHECKING:
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from coffeechat.accounts.services import local_user_get_or_create
from coffeechat.contacts.models import Contact
from coffeechat.lib.files import replacing
from coffeechat.lib.owned import Owner, owned_models
from coffeechat.lib.statistics import statistics_refresh
from coffeechat.portability.backup_checks import check_sqlite_backup, read_json
from coffeechat.portability.exporters import (
    FORMAT,
    SECTIONS,
    Progress,
    export_json,
    format_datetime,
    snapshot,
)
from coffeechat.portability.json_restore import (
    Export,
    check_version,
    decode,
    full_clean,
    read_export,
    restore_json,
    write_export,
)

BACKUP_FORMAT = "coffeechat-backup"
BACKUP_VERSION = 1
SQLITE_HEADER = b"SQLite format 3\x00"
USER_FIELDS = ["email", "first_name", "last_name", "is_active", "is_staff", "is_superuser"]


@dataclass
class Result:
    kind: str  # "sqlite" or "json"
    users: int
    contacts: int
    counts: dict[str, int] = field(default_factory=dict)


# Backup


def backup(
    *, path: str | os.PathLike, force: bool = False, progress: Progress | None = None
) -> Result:
    """Writes a consistent snapshot of the whole database to `path`, mode 0600.

    An existing file is only replaced with `force`, and then only once the backup is complete.
    """
    path = Path(path)
    if path.is_dir():
        raise ValidationError(f"{path} is a folder; name a file to write the backup to.")
    if not path.parent.is_dir():
        raise ValidationError(f"{path}: the folder {path.parent} does not exist.")
    if _is_live_database(path):
        raise ValidationError(f"{path} is the live database; back up to another file.")
    if path.exists() and not force:
        raise ValidationError(f"{path} already exists; use --force to replace it.")
    if connection.vendor == "sqlite":
        return _backup_sqlite(path, progress)
    return _backup_json(path, progress)


def _in_memory() -> bool:
    """Whether the database is SQLite's in-memory one (the tests'), which has no file."""
    return connection.vendor == "sqlite" and cast("SQLiteWrapper", connection).is_in_memory_db()


def _is_live_database(path: Path) -> bool:
    if connection.vendor != "sqlite" or _in_memory():
        return False
    live = Path(connection.settings_dict["NAME"])
    return path.exists() and live.exists() and path.samefile(live)


def _live_sqlite() -> sqlite3.Connection:
    if _in_memory():
        connection.ensure_connection()
        return connection.connection
    return sqlite3.connect(connection.settings_dict["NAME"], timeout=20)


def _backup_sqlite(path: Path, progress: Progress | None) -> Result:
    def report(status: int, remaining: int, total: int) -> None:
        if progress:
            progress(total - remaining, total)

    with replacing(path) as temp:
        source, target = _live_sqlite(), sqlite3.connect(temp)
        try:
            # One step (pages=-1) copies the whole file inside one read transaction: in WAL
            # mode writers carry on meanwhile, and the copy is the database at one moment.
            # Copying in several steps would start again each time another connection wrote.
            source.backup(target, pages=-1, progress=report)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            _forget_sessions(target)
            users, contacts = _sqlite_counts(target)
        finally:
            target.close()
            if source is not connection.connection:
                source.close()
    return Result(kind="sqlite", users=users, contacts=contacts)


def _forget_sessions(db: sqlite3.Connection) -> None:
    """Empties django_session: a restored backup must not log back in whoever had logged out.

    secure_delete overwrites the deleted rows, so the session keys are not left in free pages
    of the file; the journal is kept in memory for the same reason.
    """
    db.execute("PRAGMA journal_mode=MEMORY")
    db.execute("PRAGMA secure_delete=ON")
    with db:
        db.execute("DELETE FROM django_session")


def _sqlite_counts(db: sqlite3.Connection) -> tuple[int, int]:
    (users,) = db.execute("SELECT count(*) FROM auth_user").fetchone()
    (contacts,) = db.execute("SELECT count(*) FROM contacts_contact").fetchone()
    return users, contacts


def _backup_json(path: Path, progress: Progress | None) -> Result:
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    now = timezone.now()
    contacts = 0
    with replacing(path) as temp, open(temp, "w", encoding="utf-8", newline="") as out:
        with snapshot():
            users = list(get_user_model().objects.order_by("pk"))
            out.write(f'{{\n"format": {dumps(BACKUP_FORMAT)},\n"version": {BACKUP_VERSION},\n')
            out.write(f'"exported_at": {dumps(format_datetime(now))},\n"users": [')
            for done, user in enumerate(users, 1):
                account: dict[str, Any] = {"username": user.get_username()}
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
    *,
    path: str | os.PathLike,
    force: bool = False,
    owner: Owner | None = None,
    progress: Progress | None = None,
) -> Result:
    """Restores a SQLite backup, a JSON backup, or one user's JSON export.

    An export goes to `owner`, by default the single user of a local installation.
    Refuses to replace data already there unless `force`. Raises ValidationError with a
    one-line message naming the file; on any error nothing has changed.
    """
    try:
        restored = _restore(Path(path), force=force, owner=owner, progress=progress)
    except ValidationError as error:
        # Names and values quoted from the file may hold line breaks; the message may not.
        raise ValidationError(_escaped_line(" ".join(error.messages))) from None
    # The first page after a restore is planned from statistics that know its rows.
    statistics_refresh(owned_models())
    return restored


def _escaped_line(text: str) -> str:
    """`text` with line breaks and control characters written as escapes (\\n, \\x00), so a
    message quoting the file shows what is there and stays on one line."""
    return _NOT_ONE_LINE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


_NOT_ONE_LINE = re.compile(r"[^\S ]|[\x00-\x1f\x7f-\x9f]")


def _restore(path: Path, *, force: bool, owner: Owner | None, progress: Progress | None) -> Result:
    if not path.is_file():
        raise ValidationError(f"{path}: no such file.")
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head == SQLITE_HEADER:
        if _is_live_database(path):
            raise ValidationError(f"{path} is the live database, not a backup of it.")
        return _restore_sqlite(path, force=force)
    data = read_json(path)
    kind = data.get("format") if isinstance(data, dict) else None
    if kind == BACKUP_FORMAT:
        return _restore_backup(path, data, force=force, progress=progress)
    if kind == FORMAT:
        return _restore_export(
            path,
            data,
            owner=owner or local_user_get_or_create(),
            force=force,
            progress=progress,
        )
    raise ValidationError(f"{path} is not a coffeechat backup or export.")


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
        model._default_manager.filter(**owner_filter).count()
        for _, model in SECTIONS
        if model is not Contact
    )
    return contacts, others


def _restore_export(
    path: Path, data: dict[str, Any], *, owner: Owner, force: bool, progress
) -> Result:
    with transaction.atomic():
        if not force:
            _refuse_to_replace(*_holdings(owner=owner))
        try:
            counts = restore_json(owner=owner, data=data, progress=progress)
        except ValidationError as error:
            raise ValidationError(f"{path}: {' '.join(error.messages)}") from None
    return Result(kind="json", users=1, contacts=counts["contacts"], counts=counts)


def _restore_backup(path: Path, data: dict[str, Any], *, force: bool, progress) -> Result:
    check_version(data, supported=BACKUP_VERSION, where=str(path))
    accounts = data.get("users")
    if not isinstance(accounts, list) or not all(
        isinstance(a, dict) and isinstance(a.get("username"), str) and a["username"]
        for a in accounts
    ):
        raise ValidationError(f"{path}: “users” must be a list of accounts, each with a username.")
    counts: dict[str, int] = {}
    with transaction.atomic():
        if not force:
            _refuse_to_replace(*_holdings())
        # Every account and every record is checked before the first row is written.
        checked: list[tuple[Owner, Export, str]] = []
        for index, account in enumerate(accounts):
            where = f"{path}: users[{index}] ({account['username']})"
            if any(user.get_username() == account["username"] for user, _, _ in checked):
                raise ValidationError(f"{where}: this username is in the file twice.")
            try:
                export = read_export(account.get("data"))
            except ValidationError as error:
                raise ValidationError(f"{where}: {' '.join(error.messages)}") from None
            checked.append((_account(account, where), export, where))
        for done, (user, export, where) in enumerate(checked, 1):
            if user._state.adding:
                user.save()
            try:
                restored = write_export(export, owner=user)
            except ValidationError as error:
                raise ValidationError(f"{where}: {' '.join(error.messages)}") from None
            for key, count in restored.items():
                counts[key] = counts.get(key, 0) + count
            if progress:
                progress(done, len(accounts))
    return Result(
        kind="json", users=len(accounts), contacts=counts.get("contacts", 0), counts=counts
    )


def _account(account: dict[str, Any], where: str) -> Owner:
    """The user named by `account`, or a new one (not saved yet) checked as a form would."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=account["username"]).first()
    if user is not None:
        return user
    user = user_model(username=account["username"])
    for name in USER_FIELDS:
        value = account.get(name)
        if isinstance(value, bool if name.startswith("is_") else str):
            setattr(user, name, value)
    if account.get("date_joined"):
        joined = user_model._meta.get_field("date_joined")
        user.date_joined = decode(joined, account["date_joined"], f"{where}: date_joined")
    user.set_unusable_password()
    full_clean(user, where, exclude=("password",))
    return user


def _restore_sqlite(path: Path, *, force: bool) -> Result:
    if connection.vendor != "sqlite":
        raise ValidationError(
            f"{path} is a SQLite backup, but this coffeechat keeps its data in "
            f"{connection.display_name}: restore a JSON backup (written by `coffeechat backup` "
            "on this server) or a user's export instead."
        )
    if connection.in_atomic_block or _in_memory():
        raise RuntimeError("A SQLite backup is restored outside any transaction, into a file.")
    live = Path(connection.settings_dict["NAME"])
    # The backup is copied, brought up to date and checked in a private folder beside the
    # live database; only a copy that passed every check replaces it.
    with tempfile.TemporaryDirectory(dir=live.parent, prefix=".restore-") as folder:
        copy = Path(folder) / "coffeechat.sqlite3"
        _checked_copy(path, copy, live, force=force)
        with closing(sqlite3.connect(copy)) as db:
            users, contacts = _sqlite_counts(db)
        # Django's connection is reopened afterwards, onto the restored database.
        connection.close()
        _copy_sqlite(copy, live, path)
    return Result(kind="sqlite", users=users, contacts=contacts)


def _copy_sqlite(source_path: Path, target_path: Path, named: Path) -> None:
    """Replaces the database at `target_path` with `source_path`'s, in one transaction taken
    under SQLite's own lock: the target is replaced whole or not at all."""
    with closing(sqlite3.connect(source_path)) as source:
        with closing(sqlite3.connect(target_path, timeout=20)) as target:
            try:
                source.backup(target, pages=-1)
            except sqlite3.DatabaseError as error:
                raise ValidationError(f"Could not restore {named}: {error}.") from None


def _checked_copy(path: Path, copy: Path, live: Path, *, force: bool) -> None:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as source:
        try:
            check_sqlite_backup(source, path)
            with closing(sqlite3.connect(copy)) as target:
                source.backup(target, pages=-1)
        except sqlite3.DatabaseError as error:
            raise ValidationError(f"{path} is damaged ({error}); nothing was restored.") from None
    if not force and set(connection.introspection.table_names()) >= _owned_tables():
        _refuse_to_replace(*_holdings())
    _check_copy(copy, live, path)
    with closing(sqlite3.connect(copy)) as db:
        db.execute("PRAGMA journal_mode=DELETE")
        _forget_sessions(db)


def _check_copy(copy: Path, live: Path, path: Path) -> None:
    """Brings the copy up to date and checks its tables and records (copy_check.py), in a
    separate process whose only database is the copy."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("COFFEECHAT_")}
    env |= {
        "COFFEECHAT_HOME": str(copy.parent),
        "COFFEECHAT_SECRET_KEY": "only-checks-a-copy",
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "coffeechat.settings"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "coffeechat.portability.copy_check", str(live)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        lines = done.stderr.strip().splitlines() or ["it could not be checked"]
        raise ValidationError(f"{path} {lines[-1][:400].rstrip('.')}; nothing was restored.")


def _owned_tables() -> set[str]:
    return {model._meta.db_table for _, model in SECTIONS}
