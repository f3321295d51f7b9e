"""PostgreSQL gathers no statistics of a person's free-text columns that no query filters,
joins, groups or sorts by: the planner never reads them, and gathering them was close to half
of the ANALYZE that ends every import (60 of 145 ms for 30,000 people). A column a query
starts to filter by should leave this list, in a migration of its own.

The searched columns (name, title, e-mail, organisation) are planned from the statistics of
their trigram indexes' expressions, which ANALYZE still gathers; the duplicate check compares
the LinkedIn URL without regard to case, an expression of the column that its statistics
never described.
"""

from django.db import migrations

UNREAD = [
    "first_name",
    "last_name",
    "title",
    "phone",
    "linkedin_url",
    "location",
    "time_zone",
    "connection_note",
    "their_work",
    "research_notes",
    "our_connection",
    "why_them",
    "research_done",
    "other_emails",
    "met_at",
]


def _set(schema_editor, target: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = ", ".join(f'ALTER COLUMN "{column}" SET STATISTICS {target}' for column in UNREAD)
    schema_editor.execute(f'ALTER TABLE "contacts_contact" {columns}')


def without(apps, schema_editor) -> None:
    _set(schema_editor, 0)


def with_default(apps, schema_editor) -> None:
    _set(schema_editor, -1)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0012_contact_imported_by")]
    operations = [migrations.RunPython(without, with_default, elidable=False)]
