"""Many rows written into one table at once, as each database takes them fastest.

`bulk_create()` prepares every field of every object through the ORM, which for tens of
thousands of rows costs several times the database's own work. `insert_rows` takes the
values already prepared for the database (`Field.get_db_prep_save`) for the columns named and
writes them:

- on SQLite, as multi-row `INSERT … RETURNING id` statements, as many rows a statement as
  SQLite allows parameters;
- on PostgreSQL, with `COPY … FROM STDIN`, the new ids drawn from the table's sequence first.
  A multi-row INSERT of a thousand rows has tens of thousands of placeholders, and psycopg
  reads such a statement character by character in Python each time (it caches only short
  ones): for 30,000 people that took longer than the server's work.

It runs in the caller's transaction and writes nothing else: no signals, no `save()`, no
defaults but those in the values given.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model

# At most this many rows a statement on SQLite, whatever its limit on parameters.
ROWS_PER_STATEMENT = 1000


def insert_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning_ids: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Inserts `rows` (each the values of `columns`, in order) into `model`'s table; returns
    the new ids in the order of `rows` when `returning_ids`, else an empty list.
    `progress(done)` is called after each statement (SQLite) or every
    ROWS_PER_STATEMENT rows (PostgreSQL)."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _copy(model, columns, rows, returning_ids, progress)
    return _insert(model, columns, rows, returning_ids, progress)  # SQLite


def _copy(
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    returning_ids: bool,
    progress: Callable[[int], None] | None,
) -> list[int]:
    quote = connection.ops.quote_name
    table = model._meta.db_table
    ids: list[int] = []
    names = [quote(column) for column in columns]
    with connection.cursor() as cursor:
        if returning_ids:
            pk = _pk_column(model)
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), pk, len(rows)],
            )
            ids = sorted(value for (value,) in cursor.fetchall())
            names.insert(0, quote(pk))
        statement = f"COPY {quote(table)} ({', '.join(names)}) FROM STDIN"
        as_text = _JsonText(model, columns)
        with cursor.cursor.copy(statement) as copy:
            for done, row in enumerate(rows, start=1):
                if as_text.positions:
                    row = as_text(row)
                copy.write_row((ids[done - 1], *row) if returning_ids else row)
                if progress is not None and done % ROWS_PER_STATEMENT == 0:
                    progress(done)
    if progress is not None:
        progress(len(rows))
    return ids


class _JsonText:
    """Rows with their JSON values as text, for COPY, which the server reads as JSON: a value
    many rows share (a column's default) is written once rather than once a row."""

    def __init__(self, model: type[Model], columns: Sequence[str]):
        from psycopg.types.json import Json, Jsonb

        self._wrapped = (Json, Jsonb)
        json_columns = {
            field.column
            for field in model._meta.concrete_fields
            if field.get_internal_type() == "JSONField"
        }
        self.positions = [i for i, column in enumerate(columns) if column in json_columns]
        # By identity: the rows hold on to every value, so no id is reused meanwhile.
        self._written: dict[int, str | bytes] = {}

    def __call__(self, row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for i in self.positions:
            value = values[i]
            if not isinstance(value, self._wrapped):
                continue
            text = self._written.get(id(value))
            if text is None:
                text = self._written[id(value)] = (value.dumps or json.dumps)(value.obj)
            values[i] = text
        return values


def _insert(
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    returning_ids: bool,
    progress: Callable[[int], None] | None,
) -> list[int]:
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(column) for column in columns)}) VALUES "
    )
    returning = f" RETURNING {quote(_pk_column(model))}"
    per_statement = _rows_per_statement(len(columns))
    can_return = connection.features.can_return_rows_from_bulk_insert
    if returning_ids and not can_return:  # SQLite before 3.35
        per_statement = 1
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params = [value for row in chunk for value in row]
            values = ", ".join([placeholders] * len(chunk))
            if returning_ids and can_return:
                cursor.execute(sql + values + returning, params)
                # SQLite returns the rows in the order of VALUES, as bulk_create() relies on.
                ids += [value for (value,) in cursor.fetchall()]
            else:
                cursor.execute(sql + values, params)
                if returning_ids:
                    ids.append(cursor.lastrowid)
            if progress is not None:
                progress(start + len(chunk))
    return ids


def _pk_column(model: type[Model]) -> str:
    pk = model._meta.pk
    assert pk is not None and pk.column is not None
    return pk.column


def _rows_per_statement(columns: int) -> int:
    limit: int = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(ROWS_PER_STATEMENT, limit // columns))
