import csv
import io
import json

import pytest
import vobject
from click.testing import CliRunner
from django.db import connection

import coffeechat.cli.portability  # noqa: F401 - adds the commands to `coffeechat`
from coffeechat.accounts.services import local_user_get_or_create
from coffeechat.cli import main
from coffeechat.contacts.models import Contact
from coffeechat.portability.tests.export_data import SECRET, make_network

pytestmark = pytest.mark.django_db


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def me():
    user = local_user_get_or_create()
    make_network(user)
    return user


def test_it_exports_json_to_standard_output(me):
    result = run("export", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout_bytes)
    assert data["format"] == "coffeechat"
    assert [c["name"] for c in data["contacts"]] == ["Inês Carvalho", "Ben Castellanos"]
    assert SECRET not in result.stdout
    assert result.stderr == ""


def test_it_exports_json_to_a_file_and_says_so_on_standard_error(me, tmp_path):
    path = tmp_path / "everything.json"
    result = run("export", "json", "-o", path)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Wrote everything you keep in coffeechat to {path} (2 contacts" in result.stderr
    assert json.loads(path.read_text())["contacts"][0]["name"] == "Inês Carvalho"


def test_it_exports_csv_and_vcard(me, tmp_path):
    result = run("export", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfname,")
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert rows[0]["phone"] == "'+351 21 000 0000"

    result = run("export", "vcard", "--output", tmp_path / "people.vcf")
    assert result.exit_code == 0, result.output
    assert "Wrote 2 contacts to" in result.stderr
    cards = list(vobject.readComponents((tmp_path / "people.vcf").read_text()))
    assert [c.fn.value for c in cards] == ["Inês Carvalho", "Ben Castellanos"]


def test_a_file_it_cannot_write_is_one_line_and_exit_code_1(me, tmp_path):
    result = run("export", "csv", "-o", tmp_path / "missing" / "people.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: Cannot write {tmp_path / 'missing' / 'people.csv'}")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_an_unknown_format_is_a_usage_error():
    result = run("export", "xml")
    assert result.exit_code == 2


def test_it_backs_up_and_refuses_to_restore_over_data(me, tmp_path):
    path = tmp_path / "backup.json"
    run("export", "json", "-o", path)
    result = run("restore", path)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: The database already holds 2 contacts; use --force to replace them.\n"
    )
    result = run("restore", path, "--force")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Restored 1 user and 2 contacts from {path}.\n"


@pytest.mark.django_db(transaction=True)
def test_it_backs_up_and_restores_the_database(me, tmp_path):
    path = tmp_path / "coffeechat.backup"
    result = run("backup", path)
    assert result.exit_code == 0, result.output
    what = "as a SQLite database" if connection.vendor == "sqlite" else "as JSON"
    assert result.stdout == f"Backed up 1 user and 2 contacts to {path} {what}.\n"

    Contact.objects.filter(name="Ben Castellanos").delete()
    result = run("restore", path, "--force")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Restored 1 user and 2 contacts from {path}.\n"
    assert sorted(Contact.objects.values_list("name", flat=True)) == [
        "Ben Castellanos",
        "Inês Carvalho",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello", "is not a coffeechat backup: it is neither a SQLite database nor JSON."),
        (b"{hello", "is not a coffeechat backup: its JSON is broken at line 1, column 2"),
        (b'{"format": "coffeechat", "version": 3}', "was written by a newer coffeechat"),
    ],
)
def test_restoring_a_bad_file_is_one_line_and_exit_code_1(tmp_path, content, message):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    result = run("restore", path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_restoring_a_missing_file_is_exit_code_1(tmp_path):
    result = run("restore", tmp_path / "nope.json")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope.json'}: no such file.\n"


def test_backup_and_restore_need_a_file():
    assert run("backup").exit_code == 2
    assert run("restore").exit_code == 2
    assert run("restore", "x", "--forcefully").exit_code == 2
