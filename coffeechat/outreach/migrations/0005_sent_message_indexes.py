"""Indexes of the messages sent, for keeping in touch.

`message_sent_contact_idx` (both databases): a person's last message sent. On PostgreSQL,
`message_sent_owner_idx` too: everyone the owner wrote to since a day, read as one range.
SQLite, which plans without statistics, took that one for queries of other messages (the
nudges sent), so it has none.
"""

from django.db import migrations, models

SENT = models.Q(("direction", "out"), ("sent_at__isnull", False), ("status", "sent"))


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'CREATE INDEX IF NOT EXISTS "message_sent_owner_idx" ON "outreach_message" '
        "(\"owner_id\", \"sent_at\", \"contact_id\") "
        "WHERE \"direction\" = 'out' AND \"status\" = 'sent' AND \"sent_at\" IS NOT NULL"
    )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP INDEX IF EXISTS "message_sent_owner_idx"')


class Migration(migrations.Migration):
    dependencies = [("outreach", "0004_builtin_keys_by_family_and_channel")]

    operations = [
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                condition=SENT,
                fields=["contact", "sent_at", "kind"],
                name="message_sent_contact_idx",
            ),
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
