"""Brings the copy of a SQLite backup up to date and checks it, in a process of its own.

`python -m coffeechat.portability.copy_check LIVE` runs with COFFEECHAT_HOME set to the
private folder that holds the copy, so the copy is the only database this process can reach:
whatever the file holds, the migrations and queries run on it cannot touch the live
database. It prints the first problem in one line on standard error and exits 1, or exits 0
when the copy may replace the live database at LIVE.
"""

import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path


def main(argv: list[str]) -> int:
    [live] = argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from django.db import connection

    from coffeechat.contacts.search_index import search_index_ensure
    from coffeechat.portability.backup_checks import schema_difference

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except Exception as error:  # noqa: BLE001 - whatever stops them, the file is refused
        return _fail(f"cannot be brought up to date ({_first_line(error)})")
    copy = connection.settings_dict["NAME"]
    connection.close()
    with (
        closing(sqlite3.connect(copy)) as db,
        closing(sqlite3.connect(f"{Path(live).resolve().as_uri()}?mode=ro", uri=True)) as ours,
    ):
        difference = schema_difference(db, ours)
        if difference:
            return _fail(f"does not have the tables of a coffeechat backup: {difference}")
        # A row pointing at one that is not there would fail every page that shows it.
        for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check"):
            return _fail(
                f"is not a coffeechat backup as made by coffeechat: row {rowid} of {table} "
                f"points at a row of {parent} that is not there"
            )
        # The import that added a person is no foreign key in the database (see
        # Contact.imported_by): it is one of the same user's imports, or none. Undoing an
        # import removes the people who name it.
        for (rowid,) in db.execute(_PEOPLE_OF_A_MISSING_IMPORT):
            return _fail(
                f"is not a coffeechat backup as made by coffeechat: row {rowid} of "
                "contacts_contact names an import of its user's that is not there"
            )
    try:
        # The search index is made again from the contacts: nothing of the file's own is kept.
        search_index_ensure(connection, rebuild=True)
    except Exception as error:  # noqa: BLE001 - whatever stops it, the file is refused
        return _fail(f"has a search index that cannot be rebuilt ({_first_line(error)})")
    try:
        _check_records()
    except ValidationError as error:
        return _fail(f"holds a record coffeechat would refuse: {error.messages[0]}")
    return 0


_PEOPLE_OF_A_MISSING_IMPORT = (
    "SELECT person.id FROM contacts_contact AS person "
    "LEFT JOIN portability_importbatch AS batch "
    "ON batch.id = person.imported_by_id AND batch.owner_id = person.owner_id "
    "WHERE person.imported_by_id IS NOT NULL AND batch.id IS NULL ORDER BY person.id LIMIT 1"
)


def _check_records() -> None:
    """Every record a user sees, checked as a restored JSON record is (json_restore.py)."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.db import DatabaseError, models

    from coffeechat.accounts.models import Profile
    from coffeechat.portability.exporters import SECTIONS
    from coffeechat.portability.json_restore import check_stored

    tables: list[tuple[str, type[models.Model]]] = [
        ("users", get_user_model()),
        ("profile", Profile),
        *SECTIONS,
    ]
    for key, model in tables:
        exclude = ("password",) if key == "users" else ()
        try:
            for obj in model._base_manager.order_by("pk").iterator(chunk_size=1000):
                check_stored(obj, f"{key} (id {obj.pk})", exclude)
        except (ValueError, TypeError, ArithmeticError, DatabaseError) as error:
            # A value Django cannot even read back, such as a date that is not one.
            raise ValidationError(f"{key}: a row cannot be read ({_first_line(error)})") from None


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


def _fail(problem: str) -> int:
    print(problem, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
