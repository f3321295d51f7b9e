"""Search by part of a word through an index on SQLite: an FTS5 table of trigrams.

A search matches any part of a person's name, title or e-mail address. On PostgreSQL trigram
indexes answer Django's `icontains` itself (migration 0005). SQLite has no such index: it
gets `contacts_contact_search`, an FTS5 table with the trigram tokenizer over those three
columns of `contacts_contact` (an external-content table: it keeps the index, not a copy of
the text), kept in step by triggers on every insert, update and delete, whoever writes: the
services, an import's bulk insert, a restore.

A phrase of trigrams matches exactly the texts that contain the word, without regard to case,
as `icontains` does for ASCII text (FTS5 folds the case of other letters too, which LIKE on
SQLite does not). A word of fewer than three characters has no trigram: the search reads it
with LIKE as before. The user's word is always given to FTS5 as one quoted string, never as
query syntax.

Rebuilding a table changes nothing that the triggers depend on, but a migration that remakes
`contacts_contact` on SQLite (as Django does to alter a column) drops the table's triggers
with the old table: `search_index_ensure` runs after every `migrate` and puts back whatever
is missing, rebuilding the index from the contacts when it does.
"""

from __future__ import annotations

TABLE = "contacts_contact_search"
SHORTEST_WORD = 3

_CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(name, title, email, "
    "content='contacts_contact', content_rowid='id', tokenize='trigram')"
)
_ADD = f"INSERT INTO {TABLE}(rowid, name, title, email) VALUES (new.id, new.name, new.title, new.email);"
_REMOVE = (
    f"INSERT INTO {TABLE}({TABLE}, rowid, name, title, email) "
    "VALUES ('delete', old.id, old.name, old.title, old.email);"
)
TRIGGERS = {
    f"{TABLE}_insert": (
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON contacts_contact BEGIN {_ADD} END"
    ),
    f"{TABLE}_delete": (
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON contacts_contact BEGIN {_REMOVE} END"
    ),
    f"{TABLE}_update": (
        f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF name, title, email ON contacts_contact "
        f"BEGIN {_REMOVE} {_ADD} END"
    ),
}


def normalised(sql: str | None) -> str:
    return " ".join((sql or "").split())


def search_index_ensure(connection, *, rebuild: bool = False) -> bool:
    """On SQLite, makes the search table and its triggers where they are missing and
    rebuilds the index from the contacts if anything was missing (or `rebuild`). Returns
    whether it rebuilt. Elsewhere it does nothing."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
            [f"{TABLE}%"],
        )
        present = {name for (name,) in cursor.fetchall()}
        if "contacts_contact" not in _tables(cursor):
            return False
        made = False
        if TABLE not in present:
            cursor.execute(_CREATE_TABLE)
            made = True
        for name, sql in TRIGGERS.items():
            if name not in present:
                cursor.execute(sql)
                made = True
        if made or rebuild:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
    return made or rebuild


def search_index_drop(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def search_index_present(connection) -> bool:
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        return TABLE in _tables(cursor)


def _tables(cursor) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {name for (name,) in cursor.fetchall()}


def phrase(word: str) -> str:
    """`word` as one FTS5 string: whatever it holds is text to find, not query syntax."""
    return '"' + word.replace('"', '""') + '"'


def matching_sql() -> str:
    """The ids of the contacts whose name, title or e-mail address contains the phrase given
    as the one parameter."""
    return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"


def owned_matching_sql() -> str:
    """Up to a number of the owner's contacts whose name, title or e-mail address contains
    the phrase; the parameters are the phrase, the owner's id and the number. CROSS JOIN
    keeps SQLite's order: the index's answer first, then each contact by id (without
    statistics it would otherwise read the owner's contacts and ask the index about each)."""
    return (
        f"SELECT {TABLE}.rowid FROM {TABLE} "
        f"CROSS JOIN contacts_contact ON contacts_contact.id = {TABLE}.rowid "
        f"WHERE {TABLE} MATCH %s AND contacts_contact.owner_id = %s LIMIT %s"
    )
