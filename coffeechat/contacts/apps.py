from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ContactsConfig(AppConfig):
    name = "coffeechat.contacts"
    label = "contacts"

    def ready(self) -> None:
        post_migrate.connect(_search_index_after_migrate, sender=self)


def _search_index_after_migrate(sender, using, **kwargs) -> None:
    """A migration that remakes the contacts table on SQLite drops the search index's
    triggers with it: put back whatever is missing (see search_index.py)."""
    from django.db import connections

    from coffeechat.contacts.search_index import search_index_ensure, search_index_present

    connection = connections[using]
    if search_index_present(connection):
        search_index_ensure(connection)
