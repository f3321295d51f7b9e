"""Backups edited by hand or by someone else: each is refused in one line, and the live
database is exactly as it was."""

import io
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection

import coffeechat.cli.portability  # noqa: F401 - adds the commands to `coffeechat`
from coffeechat.accounts.services import local_user_get_or_create
from coffeechat.cli import main
from coffeechat.contacts.models import Contact
from coffeechat.contacts.selectors import contact_list
from coffeechat.portability.backup_checks import MAX_JSON_BYTES
from coffeechat.portability.exporters import export_json
from coffeechat.portability.tests.export_data import WHEN, make_network

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="a SQLite backup is a copy of the database file; PostgreSQL backups are JSON",
)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def dump() -> dict[str, list[tuple]]:
    """Every row of every table, in order: what must not change when a restore is refused."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
    }


def assert_refused(path: Path, *expected: str) -> str:
    before = dump()
    result = run("restore", path, "--force")
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"Error: {path}")
    for words in expected:
        assert words in result.stderr
    assert dump() == before
    return result.stderr


@pytest.fixture
def me():
    user = local_user_get_or_create()
    make_network(user)
    return user


# SQLite backups


@pytest.fixture
def sqlite_backup(me, tmp_path) -> Path:
    """A good backup; the live database then gains someone the backup does not have."""
    path = tmp_path / "backup.sqlite3"
    result = run("backup", path)
    assert result.exit_code == 0, result.output
    Contact.objects.create(owner=me, name="Added after the backup")
    return path


def tamper(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as db:
        for statement in statements:
            db.execute(statement)
        db.commit()


@sqlite_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("statements", "message"),
    [
        (
            ["ALTER TABLE contacts_contact DROP COLUMN phone"],
            "table contacts_contact lacks the column phone",
        ),
        (["DROP TABLE conversations_takeaway"], "it has no table conversations_takeaway"),
        (["DROP INDEX contact_priority_idx"], "lacks the index contact_priority_idx"),
        (["CREATE TABLE recipes (name TEXT)"], "a table this coffeechat does not have (recipes)"),
        (
            [
                "CREATE TRIGGER steal AFTER INSERT ON contacts_contact "
                "BEGIN DELETE FROM auth_user; END"
            ],
            "it contains a trigger (steal)",
        ),
        (
            [
                "DROP TRIGGER contacts_contact_search_insert",
                "CREATE TRIGGER contacts_contact_search_insert AFTER INSERT ON contacts_contact "
                "BEGIN DELETE FROM auth_user; END",
            ],
            "it contains a trigger (contacts_contact_search_insert)",
        ),
        (
            [
                "DROP TABLE contacts_contact_search",
                "CREATE VIRTUAL TABLE contacts_contact_search USING fts5(name, title, email, "
                "content='auth_user', content_rowid='id', tokenize='trigram')",
            ],
            "table contacts_contact_search lacks the definition",
        ),
        (["CREATE VIEW everyone AS SELECT * FROM auth_user"], "it contains a view (everyone)"),
        (
            ["UPDATE contacts_contact SET organization_id = 424242"],
            "of contacts_contact points at a row of contacts_organization that is not there",
        ),
        # Undoing the import that took that number would remove them.
        (
            ["UPDATE contacts_contact SET imported_by_id = 424242"],
            "of contacts_contact names an import of its user's that is not there",
        ),
        (
            ["UPDATE contacts_contact SET linkedin_url = 'javascript:alert(1)'"],
            (
                "holds a record coffeechat would refuse: contacts (id ",
                "linkedin_url: Enter a valid",
            ),
        ),
        (
            ["UPDATE contacts_contact SET email = 'ada@'"],
            "email: Enter a valid email address; nothing",
        ),
        (
            ["UPDATE accounts_profile SET time_zone = 'Mars/Olympus'"],
            ("profile (id ", "time_zone: “Mars/Olympus” is not a time zone"),
        ),
        (
            ["UPDATE contacts_contact SET name = 'Ada' || char(0) || 'Lovelace'"],
            ("contacts (id ", "name: Remove the control characters"),
        ),
        (
            ["UPDATE contacts_contact SET connected_on = '9999-01-01'"],
            "connected_on: Choose a date between 1900 and 2200; nothing was restored.",
        ),
        (
            ["UPDATE contacts_contact SET created_at = 'yesterday'"],
            ("contacts (id ", "created_at: its value cannot be read; nothing was restored."),
        ),
        (
            [
                "INSERT INTO django_migrations (app, name, applied) "
                "VALUES ('payments', '0001_initial', '2025-01-01')"
            ],
            "records a migration this coffeechat does not have (payments.0001_initial)",
        ),
        (
            [
                "INSERT INTO django_migrations (app, name, applied) "
                "VALUES ('contacts', 'x\ny', '2025-01-01')"
            ],
            "(contacts.x\\ny)",
        ),
    ],
)
def test_a_sqlite_backup_unlike_this_versions_database_is_refused(
    sqlite_backup, statements, message
):
    tamper(sqlite_backup, *statements)
    assert_refused(sqlite_backup, *([message] if isinstance(message, str) else message))


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_backup_leaves_sessions_out_and_a_restore_clears_them(me, tmp_path):
    store = SessionStore()
    store["_auth_user_id"] = str(me.pk)
    store.create()
    path = tmp_path / "backup.sqlite3"
    assert run("backup", path).exit_code == 0
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT count(*) FROM django_session").fetchone() == (0,)
    assert store.session_key.encode() not in path.read_bytes()

    # A backup from before sessions were left out still logs no one back in.
    tamper(
        path,
        "INSERT INTO django_session (session_key, session_data, expire_date) "
        "VALUES ('revived', 'data', '2999-01-01 00:00:00')",
    )
    result = run("restore", path, "--force")
    assert result.exit_code == 0, result.output
    assert not Session.objects.exists()


@pytest.fixture
def older_backup(me, tmp_path) -> Path:
    """A backup as an earlier coffeechat made it: before the contacts' second migration."""
    path = tmp_path / "backup.sqlite3"
    assert run("backup", path).exit_code == 0
    older = tmp_path / "older"
    older.mkdir(mode=0o700)
    os.replace(path, older / "coffeechat.sqlite3")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COFFEECHAT_")}
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "contacts", "0001", "--verbosity", "0"],
        env=env | {"COFFEECHAT_HOME": str(older), "DJANGO_SETTINGS_MODULE": "coffeechat.settings"},
        check=True,
    )
    with closing(sqlite3.connect(older / "coffeechat.sqlite3")) as db:
        db.execute("PRAGMA journal_mode=DELETE")
        indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "contact_priority_idx" not in indexes
    os.replace(older / "coffeechat.sqlite3", path)
    return path


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_an_older_backup_is_brought_up_to_date_before_it_replaces_anything(older_backup):
    Contact.objects.filter(name="Ben Castellanos").delete()
    result = run("restore", older_backup, "--force")
    assert result.exit_code == 0, result.output
    assert Contact.objects.filter(name="Ben Castellanos").exists()
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "contacts_contact")
    assert "contact_priority_idx" in indexes


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_an_older_backup_its_migrations_cannot_bring_up_to_date_is_refused(older_backup):
    # The index the next migration creates is already there, under its name.
    tamper(older_backup, "CREATE INDEX contact_priority_idx ON contacts_contact (name)")
    assert_refused(
        older_backup,
        "cannot be brought up to date (",
        "index contact_priority_idx already exists); nothing was restored.",
    )


# JSON backups and exports


def exported(owner) -> dict:
    stream = io.BytesIO()
    export_json(owner=owner, stream=stream, exported_at=WHEN)
    return json.loads(stream.getvalue())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("section", "field", "value", "message"),
    [
        (
            "contacts",
            "linkedin_url",
            "javascript:alert(document.cookie)",
            "contacts[0] (id 1): linkedin_url: Enter a valid URL.",
        ),
        (
            "organizations",
            "website",
            "javascript://example.com/%0aalert(1)",
            "organizations[0] (id 1): website: Enter a valid URL.",
        ),
        ("contacts", "email", "ada@", "contacts[0] (id 1): email: Enter a valid email address."),
        ("contacts", "time_zone", "Mars/Olympus", "contacts[0] (id 1): time_zone: “Mars/Olympus”"),
        ("contacts", "name", "Ada\x00Lovelace", "contacts[0] (id 1): name: Remove the control"),
        ("contacts", "connected_on", "9999-01-01", "connected_on: Choose a date between 1900"),
        ("messages", "sent_at", "9999-12-31T23:59:59Z", "messages[0] (id 1): sent_at: Choose a"),
        ("contacts", "name", "", "contacts[0] (id 1): name: This field cannot be blank."),
    ],
)
def test_a_record_the_forms_would_refuse_is_named_in_one_line(
    me, tmp_path, section, field, value, message
):
    data = exported(me)
    data[section][0][field] = value
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    stderr = assert_refused(path, message)
    assert "\x00" not in stderr


@pytest.mark.django_db
def test_a_profile_with_a_zone_that_does_not_exist_is_refused(me, tmp_path):
    data = exported(me)
    data["profile"]["time_zone"] = "Europe/Atlantis\nsecond line"
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert_refused(path, "profile: time_zone: “Europe/Atlantis\\nsecond line” is not a time zone")


@pytest.mark.django_db
def test_an_account_in_a_json_backup_is_checked_like_the_forms_do(me, tmp_path):
    account = {"username": "eve", "email": "not an address", "data": exported(me)}
    data = {"format": "coffeechat-backup", "version": 1, "users": [account]}
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert_refused(path, "users[0] (eve): email: Enter a valid email address.")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        '{"format": "coffeechat", "version": 1, "contacts": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"format": "coffeechat", "contacts": ' + '[{"a": ' * 50_000,
        "[" * 100_000,
    ],
    ids=["balanced", "unbalanced", "only-brackets"],
)
def test_deeply_nested_json_is_refused_without_recursing(me, tmp_path, text):
    path = tmp_path / "deep.json"
    path.write_text(text)
    assert_refused(path, "is not a coffeechat backup: its JSON is nested more than 32 levels")


@pytest.mark.django_db
def test_a_json_file_over_the_size_limit_is_refused_before_it_is_read(me, tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.write(b'{"format": "coffeechat"')
        handle.truncate(MAX_JSON_BYTES + 1)  # sparse: no disk space used
    assert_refused(path, "coffeechat restores JSON files of up to 256 MB")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"\xef\xbb\xbfname,email\r\nAda,ada@example.com\r\n",
            "neither a SQLite database nor JSON",
        ),
        (b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada\r\nEND:VCARD\r\n", "neither a SQLite database"),
        (b"   \n", "is not a coffeechat backup: it is neither"),
    ],
)
def test_a_file_that_is_not_a_backup_says_what_it_is_not(me, tmp_path, content, message):
    path = tmp_path / "contacts.csv"
    path.write_bytes(content)
    assert_refused(path, "is not a coffeechat backup: ", message)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_gets_its_search_index_made_from_its_contacts(sqlite_backup, me):
    # The file's index names Ben by other words: they are not kept.
    tamper(
        sqlite_backup,
        "INSERT INTO contacts_contact_search (contacts_contact_search, rowid, name, title, email) "
        "SELECT 'delete', id, name, title, email FROM contacts_contact "
        "WHERE name = 'Ben Castellanos'",
        "INSERT INTO contacts_contact_search (rowid, name, title, email) "
        "SELECT id, 'Ghost Writer', '', '' FROM contacts_contact WHERE name = 'Ben Castellanos'",
    )
    result = run("restore", sqlite_backup, "--force")
    assert result.exit_code == 0, result.output

    assert [c.name for c in contact_list(owner=me, query="castellanos")] == ["Ben Castellanos"]
    assert list(contact_list(owner=me, query="ghost")) == []


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_an_older_backup_gets_a_search_index(older_backup, me):
    result = run("restore", older_backup, "--force")
    assert result.exit_code == 0, result.output

    assert [c.name for c in contact_list(owner=me, query="castellanos")] == ["Ben Castellanos"]
