"""What a file must be before a restore lets it near the live database.

A backup is untrusted input: it may be damaged, made by another program or another version,
or edited by hand. A JSON file is read within limits of size and nesting; a SQLite file must
have exactly the tables, columns, indexes, foreign keys and checks that this coffeechat's
migrations make, no triggers or views of its own, and only migrations this coffeechat knows.
"""

import re
import sqlite3
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db.migrations.loader import MigrationLoader

from coffeechat.contacts import search_index
from coffeechat.contacts.search_index import normalised

# A user's export is a few megabytes (30,000 contacts with notes make about 40 MB); the
# limit keeps a restore's memory bounded.
MAX_JSON_BYTES = 256 * 1024 * 1024
# An export nests seven levels deep; anything much deeper is not one, and is refused before
# the parser recurses into it.
MAX_JSON_DEPTH = 32

# A SQLite file without these is some other program's database.
REQUIRED_TABLES = {"django_migrations", "auth_user", "accounts_profile", "contacts_contact"}


# JSON

# A string, or what is left of the text after a quote that is never closed: taking that too
# keeps the search from starting again at each escaped quote inside it and reading to the end
# each time (quadratic time on a quote followed by many escaped quotes). The parser reports
# such a file as broken anyway.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_PAIR = re.compile(r"\[\]|\{\}")


def read_json(path: Path) -> Any:
    """The file's JSON, or a ValidationError saying in one line what the file is not."""
    import json

    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        limit = MAX_JSON_BYTES // (1024 * 1024)
        raise ValidationError(
            f"{path} is {size / (1024 * 1024):.0f} MB; coffeechat restores JSON files of up "
            f"to {limit} MB."
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        text = ""
    if not text.strip():
        problem = "it is empty" if not size else "it is neither a SQLite database nor JSON"
        raise ValidationError(f"{path} is not a coffeechat backup: {problem}.")
    if text.lstrip()[0] not in "{[":
        # A CSV file, a vCard, a note: not a broken backup, just not one at all.
        raise ValidationError(
            f"{path} is not a coffeechat backup: it is neither a SQLite database nor JSON."
        )
    too_deep = ValidationError(
        f"{path} is not a coffeechat backup: its JSON is nested more than {MAX_JSON_DEPTH} "
        "levels deep."
    )
    if nested_deeper_than(text, MAX_JSON_DEPTH):
        raise too_deep
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"{path} is not a coffeechat backup: its JSON is broken at line {error.lineno}, "
            f"column {error.colno} ({error.msg}); nothing was restored."
        ) from None
    except RecursionError:
        # Unbalanced brackets the count above could not pair; the parser stops safely.
        raise too_deep from None


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether the JSON `text` nests arrays and objects more than `limit` levels deep.

    Strings are removed, then each pass removes the innermost empty pairs of brackets: a
    document `limit` deep is empty after `limit` passes. Each pass runs at the speed of the
    regular expression engine, so a large file is measured without a loop per character.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    for _ in range(limit):
        brackets, removed = _PAIR.subn("", brackets)
        if not removed:
            return False
    return _PAIR.search(brackets) is not None


# SQLite


def check_sqlite_backup(db: sqlite3.Connection, path: Path) -> None:
    """Integrity, coffeechat's tables, nothing that runs by itself, and known migrations."""
    problems = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
    if problems != ["ok"]:
        raise ValidationError(f"{path} is damaged ({problems[0]}); nothing was restored.")
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    missing = sorted(REQUIRED_TABLES - tables)
    if missing:
        raise ValidationError(
            f"{path} is a SQLite database but not a coffeechat backup (it has no {missing[0]} "
            "table)."
        )
    # A trigger or view would be copied into the live database and run there: only the
    # triggers that keep the search index in step are let through, word for word as ours.
    for kind, name, sql in db.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'view') ORDER BY name"
    ):
        if kind == "trigger" and normalised(sql) == normalised(search_index.TRIGGERS.get(name)):
            continue
        raise ValidationError(
            f"{path} is not a coffeechat backup as made by coffeechat: it contains a {kind} "
            f"({_quoted(name)}); nothing was restored."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    apps = {app for app, _ in known}
    for app, name in applied_migrations(db):
        if (app, name) in known:
            continue
        if app in apps and re.fullmatch(r"\d{4}_\w+", name):
            raise ValidationError(
                f"{path} was made by a newer coffeechat (its migration {app}.{name} is unknown "
                "here). Upgrade coffeechat to restore it."
            )
        raise ValidationError(
            f"{path} is not a coffeechat backup as made by coffeechat: it records a migration "
            f"this coffeechat does not have ({_quoted(app)}.{_quoted(name)})."
        )


def applied_migrations(db: sqlite3.Connection) -> set[tuple[str, str]]:
    return {(app, name) for app, name in db.execute("SELECT app, name FROM django_migrations")}


def _quoted(name: Any) -> str:
    """A name from the file, safe to show on one line."""
    text = str(name)[:60]
    return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text


def schema(db: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Each table's columns, indexes, foreign keys and checks, in a form two databases made by
    the same migrations share (SQLite's own bookkeeping tables left out)."""
    tables = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite\\_%' "
            "ESCAPE '\\' ORDER BY name"
        )
    ]
    described = {}
    for table in tables:
        columns = {
            name: f"{kind.lower()}{' not null' if notnull else ''}{' primary key' if pk else ''}"
            for _, name, kind, notnull, _, pk, _ in db.execute(
                "SELECT * FROM pragma_table_xinfo(?)", (table,)
            )
        }
        indexes: dict[str, tuple[Any, ...]] = {}
        for _, name, unique, origin, partial in db.execute(
            "SELECT * FROM pragma_index_list(?)", (table,)
        ):
            cols = [
                row[0]
                for row in db.execute(
                    "SELECT name FROM pragma_index_info(?) ORDER BY seqno", (name,)
                )
            ]
            # SQLite numbers the indexes it makes for UNIQUE itself; name them by their columns.
            described_cols = ", ".join(str(c) for c in cols)
            key = name if origin == "c" else f"{'unique' if unique else 'key'} ({described_cols})"
            indexes[key] = (bool(unique), bool(partial), tuple(cols))
            if partial or None in cols:
                # A condition or an expression (e.g. lower(name)) is only in the statement.
                (sql,) = db.execute(
                    "SELECT sql FROM sqlite_master WHERE name=?", (name,)
                ).fetchone()
                indexes[key] += (" ".join((sql or "").split()),)
        foreign_keys = {
            f"{column} → {target}.{target_column}"
            for _, _, target, column, target_column, *_ in db.execute(
                "SELECT * FROM pragma_foreign_key_list(?)", (table,)
            )
        }
        (sql,) = db.execute(
            "SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (table,)
        ).fetchone()
        described[table] = {
            "columns": columns,
            "indexes": indexes,
            "foreign keys": foreign_keys,
            "checks": set(_checks(sql or "")),
            # A virtual table (the search index) is what its statement says.
            "definition": {normalised(sql)} if _is_virtual(sql) else set(),
        }
    return described


def _is_virtual(sql: str | None) -> bool:
    return normalised(sql).upper().startswith("CREATE VIRTUAL TABLE")


def _checks(sql: str) -> list[str]:
    """The CHECK constraints of a CREATE TABLE statement, spaces normalised."""
    found = []
    for match in re.finditer(r"\bCHECK\s*\(", sql, re.IGNORECASE):
        depth, start = 1, match.end()
        for end in range(start, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            if depth == 0:
                found.append(" ".join(sql[start:end].split()))
                break
    return found


_SINGULAR = {
    "columns": "column",
    "indexes": "index",
    "foreign keys": "foreign key",
    "checks": "check",
    "definition": "definition",
}


def schema_difference(backup: sqlite3.Connection, live: sqlite3.Connection) -> str | None:
    """The first way `backup`'s tables differ from `live`'s, in words; None when they match."""
    theirs, ours = schema(backup), schema(live)
    for table in sorted(ours.keys() - theirs.keys()):
        return f"it has no table {table}"
    for table in sorted(theirs.keys() - ours.keys()):
        return f"it has a table this coffeechat does not have ({_quoted(table)})"
    for table in sorted(ours):
        for part in ("columns", "indexes", "foreign keys", "checks", "definition"):
            mine, other = ours[table][part], theirs[table][part]
            if mine == other:
                continue
            one = _SINGULAR[part]
            lacking = sorted(set(mine) - set(other))
            if lacking:
                return f"table {table} lacks the {one} {_quoted(lacking[0])}"
            extra = sorted(set(other) - set(mine))
            if extra:
                return (
                    f"table {table} has a {one} this coffeechat does not have ({_quoted(extra[0])})"
                )
            name = next(n for n in sorted(mine) if mine[n] != other[n])
            return f"table {table}: {one} {name} is {_quoted(other[name])}, not {mine[name]}"
    return None
