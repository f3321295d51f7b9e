import stat
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import close_old_connections, connection, transaction


def test_it_keeps_the_secret_key_in_the_home_readable_by_its_owner_only():
    path = Path(settings.HOME) / "secret_key"
    assert path.read_text().strip() == settings.SECRET_KEY
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite pragmas")
def test_it_runs_sqlite_in_wal_mode_with_a_busy_timeout(db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -16384


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite locking")
@pytest.mark.django_db(transaction=True)
def test_it_lets_many_threads_read_then_write_without_lock_errors():
    from django.contrib.auth import get_user_model

    from coffeechat.contacts.models import Contact

    owner = get_user_model().objects.create_user("writer")
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(15):
                # Read, then write, in one transaction: the pattern that fails under
                # SQLite's default deferred transactions.
                with transaction.atomic():
                    count = Contact.objects.filter(owner=owner).count()
                    Contact.objects.create(owner=owner, name=f"Person {n}-{i} after {count}")
                Contact.objects.filter(owner=owner, name__startswith=f"Person {n}-").update(
                    title="updated"
                )
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Contact.objects.filter(owner=owner).count() == 8 * 15


def test_postgresql_connections_last_and_prepare_the_queries_they_run_again():
    from coffeechat.settings import _database_from_url

    database = _database_from_url("postgresql://ada@127.0.0.1:5432/coffeechat")
    assert database["OPTIONS"]["server_side_binding"] is True
    assert database["OPTIONS"]["prepare_threshold"] == 1
    # Prepared statements are per connection: without persistent connections they would be
    # thrown away at the end of each request.
    assert database["CONN_MAX_AGE"] >= 600
    assert database["CONN_HEALTH_CHECKS"] is True


def test_sqlite_urls_get_no_postgresql_options():
    from coffeechat.settings import _database_from_url

    database = _database_from_url("sqlite:///coffeechat.sqlite3")
    assert "server_side_binding" not in database.get("OPTIONS", {})
