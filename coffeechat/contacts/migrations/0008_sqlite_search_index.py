"""Search by part of a word through an index on SQLite too: an FTS5 table of trigrams over
the contacts' names, titles and e-mail addresses, kept in step by triggers
(coffeechat/contacts/search_index.py). PostgreSQL has its trigram indexes (0005)."""

from django.db import migrations

from coffeechat.contacts.search_index import search_index_drop, search_index_ensure


def create(apps, schema_editor) -> None:
    search_index_ensure(schema_editor.connection)


def drop(apps, schema_editor) -> None:
    search_index_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0007_contact_is_mentor")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
