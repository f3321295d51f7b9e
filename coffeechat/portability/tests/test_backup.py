import io
import json
import os
import sqlite3
import stat
import threading
from contextlib import closing

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from coffeechat.accounts.models import ApiToken, Profile
from coffeechat.contacts.models import Contact
from coffeechat.outreach.models import Message
from coffeechat.portability import backup as backup_module
from coffeechat.portability.backup import backup, restore, restore_json
from coffeechat.portability.exporters import export_json
from coffeechat.portability.tests.export_data import SECRET, WHEN, make_network

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="a SQLite backup is a copy of the database file; PostgreSQL backups are JSON",
)


def exported(owner) -> dict:
    stream = io.BytesIO()
    export_json(owner=owner, stream=stream, exported_at=WHEN)
    return json.loads(stream.getvalue())


def write_json(path, data) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


# Backup


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_it_backs_up_a_consistent_snapshot_while_another_thread_writes(alice, tmp_path):
    Contact.objects.bulk_create(
        Contact(owner=alice, name=f"Person {i}", research_notes="notes " * 100) for i in range(3000)
    )
    stop, committed, errors = threading.Event(), [], []
    progress = threading.Condition()

    def write() -> None:
        try:
            while not stop.is_set():
                with transaction.atomic():
                    Contact.objects.create(owner=alice, name=f"Writer {len(committed)}")
                with progress:
                    committed.append(1)
                    progress.notify_all()
        except Exception as error:  # reported below: an assertion here would be lost
            errors.append(error)
        finally:
            connection.close()
            with progress:
                progress.notify_all()

    def until_committed(count: int) -> None:
        with progress:
            progress.wait_for(lambda: len(committed) >= count or not thread.is_alive(), 60)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        until_committed(5)
        before = len(committed)
        result = backup(path=tmp_path / "backup.sqlite3")
        after = len(committed)
        until_committed(after + 1)  # the writer carries on once the copy is made
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert len(committed) > after
    with closing(sqlite3.connect(tmp_path / "backup.sqlite3")) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        (count,) = db.execute("SELECT count(*) FROM contacts_contact").fetchone()
    assert 3000 + before <= count <= 3000 + after + 1
    assert result.kind == "sqlite" and result.contacts == count


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_its_backup_replaces_the_file_whole_and_only_its_owner_may_read_it(alice, tmp_path):
    make_network(alice)
    path = tmp_path / "backup.sqlite3"
    path.write_text("an older backup")
    calls = []
    with pytest.raises(ValidationError, match="backup.sqlite3 already exists; use --force"):
        backup(path=path)
    assert path.read_text() == "an older backup"
    backup(path=path, force=True, progress=lambda *a: calls.append(a))
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(tmp_path) == ["backup.sqlite3"]  # no temporary file left
    assert calls and calls[-1][0] == calls[-1][1]
    with closing(sqlite3.connect(path)) as db:
        # A backup is the whole database, secrets included: that is why it is private.
        assert db.execute("SELECT feed_token_hash FROM accounts_profile").fetchone() == (SECRET,)


@pytest.mark.django_db
def test_it_refuses_a_path_it_cannot_write(tmp_path):
    with pytest.raises(ValidationError, match="is a folder"):
        backup(path=tmp_path)
    with pytest.raises(ValidationError, match="does not exist"):
        backup(path=tmp_path / "missing" / "backup")


@sqlite_only
@pytest.mark.django_db
def test_it_never_writes_over_the_live_database_or_restores_it_onto_itself():
    live = connection.settings_dict["NAME"]
    with pytest.raises(ValidationError, match="is the live database; back up to another file"):
        backup(path=live)
    with pytest.raises(ValidationError, match="is the live database, not a backup of it"):
        restore(path=live, force=True)


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite backups are database files")
@pytest.mark.django_db(transaction=True)
def test_it_backs_up_postgresql_as_the_json_export_of_every_user(alice, bob, tmp_path):
    make_network(alice)
    make_network(bob, prefix="bob-")
    result = backup(path=tmp_path / "backup.json")
    data = json.loads((tmp_path / "backup.json").read_text())
    assert (data["format"], data["version"]) == ("coffeechat-backup", 1)
    assert [u["username"] for u in data["users"]] == ["alice", "bob"]
    assert data["users"][0]["data"]["contacts"][0]["name"] == "Inês Carvalho"
    assert result.kind == "json" and (result.users, result.contacts) == (2, 4)


@pytest.mark.django_db
def test_a_json_backup_holds_every_user_and_no_secret(alice, bob, tmp_path):
    make_network(alice)
    make_network(bob, prefix="bob-")
    path = tmp_path / "backup.json"
    result = backup_module._backup_json(path, None)
    raw = path.read_text()
    data = json.loads(raw)
    alice_data = data["users"][0]["data"]
    assert alice_data == exported(alice) | {"exported_at": alice_data["exported_at"]}
    assert data["users"][1]["username"] == "bob"
    assert data["users"][0]["email"] == "alice@example.com"
    for secret in [SECRET, "password", "pbkdf2", "md5$"]:
        assert secret not in raw
    assert result.users == 2


# Restore: refusals


@pytest.mark.django_db
def test_it_refuses_to_restore_over_data_without_force(alice, tmp_path):
    make_network(alice)
    path = write_json(tmp_path / "export.json", exported(alice))
    with pytest.raises(ValidationError) as error:
        restore(path=path, owner=alice)
    assert error.value.messages == [
        "The database already holds 2 contacts; use --force to replace them."
    ]
    restore(path=path, owner=alice, force=True)
    assert Contact.objects.filter(owner=alice).count() == 2


@pytest.mark.django_db
def test_it_refuses_to_restore_a_backup_over_data_without_force(alice, bob, tmp_path):
    make_network(alice)
    path = tmp_path / "backup.json"
    backup_module._backup_json(path, None)
    with pytest.raises(ValidationError, match="already holds 2 contacts; use --force"):
        restore(path=path)


@pytest.mark.django_db
def test_it_counts_other_saved_items_as_data_too(alice, tmp_path):
    make_network(alice)
    path = write_json(tmp_path / "export.json", exported(alice))
    Contact.objects.filter(owner=alice).delete()
    with pytest.raises(ValidationError, match="already holds 7 saved items"):
        restore(path=path, owner=alice)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": 2}, "was written by a newer coffeechat (format version 2; this one reads"),
        ({"version": "1"}, "has an unknown format version ('1')"),
        ({"version": 0}, "has an unknown format version (0)"),
        ({"format": "something-else"}, "is not a coffeechat backup or export"),
    ],
)
def test_it_checks_the_format_and_version(alice, tmp_path, change, message):
    path = write_json(tmp_path / "export.json", exported(alice) | change)
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        restore(path=path, owner=alice)


@pytest.mark.django_db
def test_it_checks_a_backups_version(tmp_path):
    data = {"format": "coffeechat-backup", "version": 7, "users": []}
    with pytest.raises(ValidationError, match="newer coffeechat \\(format version 7"):
        restore(path=write_json(tmp_path / "b.json", data))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,email\nAda,ada@example.com\n", ": it is neither a SQLite database nor JSON."),
        (b"\xff\xfe\x00binary", "is not a coffeechat backup: it is neither a SQLite database"),
        (b'{"format": "coffeechat", "version": 1, "contacts": [', "broken at line 1"),
        (b"[1, 2, 3]", "is not a coffeechat backup or export"),
        (b"", "is not a coffeechat backup: it is empty."),
    ],
)
def test_a_file_that_is_not_a_backup_gets_one_line_naming_it(tmp_path, content, message):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as error:
        restore(path=path)
    [text] = error.value.messages
    assert text.startswith(str(path)) and message in text and "\n" not in text


@pytest.mark.django_db
def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ValidationError, match="missing.json: no such file"):
        restore(path=tmp_path / "missing.json")


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_sqlite_file_that_is_not_a_coffeechat_backup(tmp_path):
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE recipes (name TEXT)")
        db.commit()
    with pytest.raises(ValidationError, match="is a SQLite database but not a coffeechat backup"):
        restore(path=other)
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00\x10" + os.urandom(5000))
    with pytest.raises(ValidationError, match="damaged.sqlite3 is damaged"):
        restore(path=damaged)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_sqlite_backup_from_a_newer_coffeechat(alice, tmp_path):
    path = tmp_path / "backup.sqlite3"
    backup(path=path)
    with closing(sqlite3.connect(path)) as db:
        db.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('contacts', '9999_from_the_future', '2030-01-01')"
        )
        db.commit()
    with pytest.raises(ValidationError, match="newer coffeechat \\(its migration contacts.9999"):
        restore(path=path, force=True)


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite restores SQLite backups")
@pytest.mark.django_db
def test_postgresql_refuses_a_sqlite_backup(tmp_path):
    path = tmp_path / "backup.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE x (y)")
        db.commit()
    with pytest.raises(ValidationError, match="is a SQLite backup, but this coffeechat keeps"):
        restore(path=path)


# Restore: all or nothing


@pytest.mark.django_db
def test_a_bad_record_part_way_changes_nothing(alice, tmp_path):
    make_network(alice)
    before = exported(alice)
    data = exported(alice)
    data["contacts"][0]["name"] = "Someone Else"
    data["messages"][1]["contact"] = 99  # the second-to-last section: most rows are written
    path = write_json(tmp_path / "export.json", data)
    with pytest.raises(ValidationError) as error:
        restore(path=path, owner=alice, force=True)
    assert error.value.messages == [
        f"{path}: messages[1] (id 2): contact: 99 is not the id of one of the contacts."
    ]
    assert exported(alice) == before
    assert ApiToken.objects.filter(owner=alice).exists()


@pytest.mark.django_db
def test_a_truncated_file_changes_nothing(alice, tmp_path):
    make_network(alice)
    before = exported(alice)
    stream = io.BytesIO()
    export_json(owner=alice, stream=stream)
    path = tmp_path / "export.json"
    path.write_bytes(stream.getvalue()[: len(stream.getvalue()) // 2])
    with pytest.raises(ValidationError, match="broken at line"):
        restore(path=path, owner=alice, force=True)
    assert exported(alice) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("section", "index", "field", "value", "message"),
    [
        ("contacts", 0, "source", "pigeon", "contacts[0] (id 1): source: 'pigeon' is not one"),
        ("contacts", 0, "priority", -1, "priority: -1 is not a whole number in range"),
        ("contacts", 0, "name", None, "contacts[0] (id 1): name: may not be null"),
        ("contacts", 0, "name", "x" * 201, "name: longer than 200 characters"),
        ("contacts", 1, "tags", [7], "contacts[1] (id 2): tags: 7 is not the id of one of"),
        ("contacts", 1, "tags", [{"id": 1}], "tags: {'id': 1} is not the id of one of"),
        ("contacts", 1, "tags", "climate", "tags: must be a list of ids"),
        ("contacts", 0, "referred_by", 5, "referred_by: 5 is not the id of one of the contacts"),
        ("contacts", 0, "connected_on", "17/05/2024", "connected_on: '17/05/2024' is not a date"),
        ("contacts", 0, "do_not_contact", "yes", "do_not_contact: must be true or false"),
        ("contacts", 1, "id", 1, "contacts[1]: “id” must be a whole number, unique in contacts"),
        ("messages", 0, "sent_at", "yesterday", "sent_at: 'yesterday' is not a date and time"),
        ("agenda_marks", 0, "item_key", "nudge:conversation:8", "names an object that is not"),
    ],
)
def test_it_names_the_record_and_field_at_fault(alice, section, index, field, value, message):
    make_network(alice)
    before = exported(alice)
    data = exported(alice)
    data[section][index][field] = value
    with pytest.raises(ValidationError) as error:
        restore_json(owner=alice, data=data)
    assert message in error.value.messages[0]
    assert exported(alice) == before


@pytest.mark.django_db
def test_what_the_database_refuses_is_one_message_and_changes_nothing(alice):
    make_network(alice)
    before = exported(alice)
    data = exported(alice)
    data["tags"][1]["name"] = "CLIMATE"  # tag names are unique, ignoring case
    with pytest.raises(ValidationError) as error:
        restore_json(owner=alice, data=data)
    [message] = error.value.messages
    assert message.startswith("The database refused the export (") and "tag_unique_name" in message
    assert exported(alice) == before


@pytest.mark.django_db
def test_a_restore_into_a_user_leaves_everyone_else_alone(alice, bob):
    make_network(alice)
    make_network(bob, prefix="bob-")
    bob_before = exported(bob)
    data = exported(alice)
    restore_json(owner=alice, data=data)
    assert exported(alice) == data
    assert exported(bob) == bob_before


@pytest.mark.django_db
def test_a_restore_keeps_the_accounts_secrets_and_times(alice, bob):
    make_network(alice)
    data = exported(alice)
    restore_json(owner=bob, data=data)
    assert Profile.objects.get(owner=bob).feed_token_hash == ""  # never in the file
    assert exported(bob) == data  # created_at, updated_at included
    message = Message.objects.filter(owner=bob).order_by("pk").first()
    assert message.sent_at == WHEN


@pytest.mark.django_db
def test_it_reads_a_time_without_an_offset_as_utc_and_ignores_unknown_fields(alice, bob):
    make_network(alice)
    data = exported(alice)
    data["messages"][0]["sent_at"] = "2025-03-01T09:30:00"
    data["messages"][0]["from_the_future"] = True
    data["contacts"][1].pop("phone")
    restore_json(owner=bob, data=data)
    again = exported(bob)
    assert again["messages"][0]["sent_at"] == "2025-03-01T09:30:00Z"
    assert "from_the_future" not in again["messages"][0]
    assert again["contacts"][1]["phone"] == ""


@pytest.mark.django_db
def test_it_restores_a_json_backup_of_several_users(alice, bob, tmp_path):
    make_network(alice)
    make_network(bob, prefix="bob-")
    expected = {"alice": exported(alice), "bob": exported(bob)}
    path = tmp_path / "backup.json"
    backup_module._backup_json(path, None)
    Contact.objects.all().delete()
    bob.delete()
    result = restore(path=path, force=True)
    assert (result.users, result.contacts) == (2, 4)
    new_bob = get_user_model().objects.get(username="bob")
    assert not new_bob.has_usable_password() and new_bob.email == "bob@example.com"
    assert exported(alice) == expected["alice"]
    assert exported(new_bob) == expected["bob"]


# Restore: a SQLite backup


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_it_restores_a_sqlite_backup_over_the_live_database(alice, tmp_path):
    make_network(alice)
    before = exported(alice)
    path = tmp_path / "backup.sqlite3"
    backup(path=path)
    Contact.objects.filter(owner=alice).delete()
    get_user_model().objects.create_user("dave")
    with pytest.raises(ValidationError, match="already holds"):
        Contact.objects.create(owner=alice, name="New")
        restore(path=path)
    result = restore(path=path, force=True)
    assert (result.kind, result.users, result.contacts) == ("sqlite", 1, 2)
    assert exported(alice) == before
    assert not get_user_model().objects.filter(username="dave").exists()


@pytest.mark.django_db
def test_djangos_private_insert_writes_auto_now_times_as_given(alice):
    # Restore writes rows through QuerySet._insert(raw=True), a private Django API, because
    # the public bulk_create() then bulk_update() is over twice as slow (json_restore.py).
    # This fails first if Django changes what that API takes or does.
    contact = Contact(owner=alice, name="Ada Lovelace", created_at=WHEN, updated_at=WHEN)
    fields = [f for f in Contact._meta.concrete_fields if not f.primary_key]
    rows = Contact._base_manager._insert(
        [contact], fields=fields, returning_fields=Contact._meta.db_returning_fields, raw=True
    )
    [(pk,)] = rows
    saved = Contact.objects.get(pk=pk)
    assert (saved.name, saved.created_at, saved.updated_at) == ("Ada Lovelace", WHEN, WHEN)
