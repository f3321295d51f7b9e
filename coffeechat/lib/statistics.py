"""The query planner's statistics, refreshed after a bulk write.

PostgreSQL plans from statistics that autovacuum gathers some time after rows arrive; right
after an import or a restore it knows nothing of the new rows and picks plans many times
slower than it will an hour later. A bulk write therefore analyses the tables it touched
before it returns, so the first request after it is served as well as the hundredth. Called
outside a transaction (a restore) it vacuums them as well: until then a count of a user's
30,000 people reads the table (tens of milliseconds) instead of an index (one or two).

SQLite plans without statistics until ANALYZE is run, and our queries are written and
checked (see the plan tests) for that planner; with statistics of a small network it reads
small tables whole. It gets `PRAGMA optimize`, which analyses only where SQLite itself judges
it worthwhile (a table it had to plan for without statistics, or one grown tenfold).
"""

from collections.abc import Iterable

from django.db import connections, models


def statistics_refresh(tables: Iterable[type[models.Model]], *, using: str = "default") -> None:
    """Brings the planner's statistics for the tables of `tables` up to date."""
    connection = connections[using]
    names = sorted({model._meta.db_table for model in tables})
    if not names:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(map(connection.ops.quote_name, names))
            if connection.in_atomic_block:
                cursor.execute("ANALYZE " + quoted)
            else:
                # Outside a transaction, VACUUM too: it marks the new pages all-visible, so a
                # count or an index-only scan need not visit each row (what autovacuum does
                # some time later).
                cursor.execute("VACUUM (ANALYZE) " + quoted)
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")
