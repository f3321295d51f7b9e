"""The week's requests and conversations held, read by an index of each moment on PostgreSQL.

The agenda counts the conversations requested and held since the start of the week. SQLite,
which plans without statistics, read other queries of requests and held conversations by
such indexes, more slowly (see docs/benchmarks.md), so it has none and reads the owner's
conversations as before.
"""

from django.db import migrations

INDEXES = {
    "conversation_requested_idx": "requested_at",
    "conversation_held_idx": "held_at",
}


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "conversations_conversation" '
            f'("owner_id", "{column}") WHERE "{column}" IS NOT NULL'
        )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("conversations", "0004_replied_index")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
