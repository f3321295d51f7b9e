"""After a bulk write the planner knows the new rows: the first page is planned as well as the
hundredth."""

import pytest
from django.db import connection

from coffeechat.contacts.models import Contact
from coffeechat.portability.importers import IncomingContact, import_contacts

PEOPLE = 300


def people(count: int) -> list[IncomingContact]:
    return [
        IncomingContact(
            name=f"Person {n}",
            first_name="Person",
            last_name=str(n),
            organization=f"Organisation {n % 20}",
            file="Connections.csv",
            line=n + 2,
        )
        for n in range(count)
    ]


def planner_rows(table: str) -> float | None:
    """How many rows the planner believes `table` has; None when it was never analysed."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            (rows,) = cursor.fetchone()
            return None if rows < 0 else rows
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        # A row for each index, the first number its rows: a partial index holds fewer than
        # the table, a whole one all of them.
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        counts = [float(stat.split()[0]) for (stat,) in cursor.fetchall()]
        return max(counts) if counts else None


def test_it_refreshes_the_statistics_of_the_tables_an_import_wrote(alice):
    table = Contact._meta.db_table
    before = planner_rows(table)
    import_contacts(owner=alice, incoming=people(PEOPLE))
    total = Contact.objects.count()
    assert total >= PEOPLE
    assert before != total
    assert planner_rows(table) == total


def test_it_refreshes_the_statistics_after_loading_the_demo_network(alice):
    from coffeechat.demo import demo_load

    demo_load(owner=alice)
    assert planner_rows(Contact._meta.db_table) == Contact.objects.count()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite analyses again only where it judges it worthwhile (PRAGMA optimize)",
)
def test_it_refreshes_the_statistics_after_a_restore(alice, tmp_path):
    from coffeechat.portability.backup import restore
    from coffeechat.portability.exporters import export_json

    import_contacts(owner=alice, incoming=people(PEOPLE))
    path = tmp_path / "export.json"
    with open(path, "wb") as out:
        export_json(owner=alice, stream=out)
    # The planner then counts more people than the export holds.
    more = [IncomingContact(name=f"Later {n}", file="later.csv", line=n + 2) for n in range(50)]
    import_contacts(owner=alice, incoming=more)
    assert planner_rows(Contact._meta.db_table) == PEOPLE + 50
    restore(path=path, owner=alice, force=True)
    assert planner_rows(Contact._meta.db_table) == Contact.objects.count() == PEOPLE


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_new_pages_are_marked_all_visible(alice):
    from coffeechat.lib.statistics import statistics_refresh

    Contact.objects.bulk_create(Contact(owner=alice, name=f"Person {n}") for n in range(PEOPLE))
    statistics_refresh([Contact])

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = %s",
            [Contact._meta.db_table],
        )
        pages, visible = cursor.fetchone()
    assert pages > 0
    assert visible == pages


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statistics targets of columns are PostgreSQL's"
)
def test_an_import_gathers_what_the_planner_reads_and_not_the_free_text(alice):
    import_contacts(owner=alice, incoming=people(PEOPLE))
    table = Contact._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, attname FROM pg_stats WHERE tablename LIKE %s", [f"{table}%"]
        )
        gathered = set(cursor.fetchall())
    read = {"owner_id", "organization_id", "name", "source", "priority", "cadence_days"}
    assert {(table, column) for column in read} <= gathered
    # A search is planned from its index's expression, not from the column.
    assert (f"{table}_name_trgm", "upper") in gathered
    assert not {(table, column) for column in ("first_name", "last_name", "title")} & gathered
