"""Search by part of a word, through an index, on PostgreSQL.

A search matches any part of a person's name, title, e-mail address or organisation name
(and the organisation list, of its name or industry);
Django writes `icontains` as `UPPER(column::text) LIKE UPPER(%s)` on PostgreSQL, which a
trigram index on that same expression answers. SQLite has no such index and reads the
owner's rows (see docs/benchmarks.md for what that costs). pg_trgm is a trusted extension:
the owner of the database may create it.
"""

from django.db import migrations

SEARCHED = [
    ("contacts_contact", "name"),
    ("contacts_contact", "title"),
    ("contacts_contact", "email"),
    ("contacts_organization", "name"),
    ("contacts_organization", "industry"),
]


def _index(table: str, column: str) -> str:
    return f"{table}_{column}_trgm"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in SEARCHED:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_index(table, column)}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in SEARCHED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_index(table, column)}"')


class Migration(migrations.Migration):
    dependencies = [("contacts", "0004_organization_name_index")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
