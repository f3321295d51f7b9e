"""A wrong setting is one line naming it, and the data directory is private whatever the umask.

Settings are read once per process, so each case runs the real `coffeechat` command in a
subprocess with its own environment.
"""

import os
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from coffeechat.portability.tests.export_data import make_network

COMMAND = str(Path(sys.executable).with_name("coffeechat"))
PASSWORD = "s3cret-pass"

pytestmark = pytest.mark.skipif(
    "config.getoption('--postgres') or sys.platform == 'win32'",
    reason="runs coffeechat with its own environment (the SQLite run covers it); POSIX modes",
)


def coffeechat(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COFFEECHAT_")}
    return subprocess.run(
        [COMMAND, *args],
        env=clean | {"COFFEECHAT_HOME": str(home)} | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["today"], {"COFFEECHAT_DATABASE_URL": "not-a-url"}, "is not a database URL"),
        (
            ["contacts", "list"],
            {"COFFEECHAT_DATABASE_URL": f"mysql://ada:{PASSWORD}@127.0.0.1/coffeechat"},
            "works with postgresql:// and sqlite:/// databases, not mysql://",
        ),
        (
            ["serve", "--no-browser"],
            {"COFFEECHAT_DATABASE_URL": f"postgresql://ada:{PASSWORD}@127.0.0.1:1/coffeechat"},
            "COFFEECHAT_DATABASE_URL: cannot connect to the database (",
        ),
        (
            ["export", "json"],
            {"COFFEECHAT_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/no_such_database"},
            "COFFEECHAT_DATABASE_URL: cannot connect to the database (",
        ),
        (["today"], {"COFFEECHAT_SMTP_PORT": "587a"}, "COFFEECHAT_SMTP_PORT must be a whole"),
        (["serve"], {"COFFEECHAT_DEBUG": "maybe"}, "COFFEECHAT_DEBUG must be 1 or 0"),
        (["today"], {"COFFEECHAT_LOG_LEVEL": "loud"}, "COFFEECHAT_LOG_LEVEL must be one of"),
    ],
)
def test_a_wrong_setting_is_one_line_naming_it_and_exit_code_1(tmp_path, args, env, message):
    result = coffeechat(tmp_path, *args, **env)
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: "), result.stderr
    assert message in result.stderr
    assert PASSWORD not in result.stderr


def test_a_data_directory_that_is_a_file_is_one_line(tmp_path):
    home = tmp_path / "home"
    home.write_text("not a folder")
    result = coffeechat(home, "contacts", "list")
    assert result.returncode == 1
    assert result.stderr == f"Error: COFFEECHAT_HOME {home} is not a folder.\n"


def test_the_debug_page_never_shows_the_database_password(tmp_path):
    # The page Django shows with COFFEECHAT_DEBUG=1 lists every setting.
    script = (
        "import sys, django; django.setup()\n"
        "from django.views.debug import ExceptionReporter\n"
        "try:\n    raise ValueError('boom')\n"
        "except ValueError:\n"
        "    print(ExceptionReporter(None, *sys.exc_info()).get_traceback_html())\n"
    )
    url = f"postgresql://ada:{PASSWORD}@127.0.0.1:1/coffeechat"
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=os.environ
        | {
            "COFFEECHAT_HOME": str(tmp_path),
            "COFFEECHAT_DEBUG": "1",
            "COFFEECHAT_DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "coffeechat.settings",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert "DATABASES" in result.stdout and "ValueError" in result.stdout
    assert PASSWORD not in result.stdout


def test_a_new_data_directory_and_database_are_private_under_umask_022(tmp_path, umask_022):
    home = tmp_path / "home"
    result = coffeechat(home, "contacts", "add", "Ada Lovelace")
    assert result.returncode == 0, result.stderr
    assert mode(home) == 0o700
    assert mode(home / "coffeechat.sqlite3") == 0o600
    assert mode(home / "secret_key") == 0o600
    # SQLite gives the write-ahead log and shared-memory files the database file's mode.
    with closing(sqlite3.connect(home / "coffeechat.sqlite3")) as db:
        db.execute("PRAGMA journal_mode=WAL")
        with db:
            db.execute("UPDATE contacts_contact SET title = 'Analyst'")
        assert mode(home / "coffeechat.sqlite3-wal") == 0o600
        assert mode(home / "coffeechat.sqlite3-shm") == 0o600


def test_an_open_data_directory_is_tightened_with_one_line(tmp_path, umask_022):
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    (home / "coffeechat.sqlite3").touch(mode=0o644)
    assert mode(home) == 0o755
    result = coffeechat(home, "contacts", "list")
    assert result.returncode == 0, result.stderr
    assert (
        result.stderr == f"coffeechat: made {home} private (mode 755 to 700): it holds your data.\n"
    )
    assert mode(home) == 0o700
    assert mode(home / "coffeechat.sqlite3") == 0o600
    assert coffeechat(home, "contacts", "list").stderr == ""


@pytest.mark.django_db(transaction=True)
def test_the_files_coffeechat_writes_are_private_under_umask_022(tmp_path, umask_022):
    from click.testing import CliRunner

    from coffeechat.accounts.services import local_user_get_or_create
    from coffeechat.cli import main

    make_network(local_user_get_or_create())
    written = {
        "backup": ["backup", tmp_path / "backup"],
        "json": ["export", "json", "-o", tmp_path / "all.json"],
        "csv": ["export", "csv", "-o", tmp_path / "people.csv"],
        "ics": ["export", "ics", "-o", tmp_path / "calendar.ics"],
        "eml": ["draft", "Inês", "--template", "request", "--eml", tmp_path / "request.eml"],
    }
    for args in written.values():
        result = CliRunner().invoke(main, [str(a) for a in args])
        assert result.exit_code == 0, result.output
    for args in written.values():
        assert mode(args[-1]) == 0o600, args
