"""Queries built and compiled once, then run again and again with new values.

Building a queryset with a few subqueries and compiling it to SQL costs Django a millisecond
or two; a page that runs a dozen such queries on every request spends more on that than the
database spends answering them, though from one request to the next only a few values change
(whose data, what time it is). A `Prepared` query is built once for each database, with a
`Param` wherever such a value goes; each run binds the values to the same SQL, and its rows
are converted as Django converts them.

    waiting = Prepared(
        lambda: Conversation.objects.filter(
            owner=Param("owner", IntegerField()), requested_at__lt=Param("before", DateTimeField())
        ).values("pk", "requested_at")
    )
    rows = waiting.rows(owner=user.pk, before=now)   # [{"pk": 1, "requested_at": datetime}, ...]

A `ParamList` stands for a list of values, for an `__in` lookup, or for `InList` (a column
among the values, which PostgreSQL plans as a search of the column's index by each value).

Everything but the `Param`s is fixed when the query compiles. In particular a lookup or function
that depends on the current time zone (`__date`, `Trunc`, `Extract` on a datetime) keeps the
zone that was current then: compute such bounds in Python and pass them as `Param`s instead.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from functools import cache
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import BooleanField, Expression, Field, QuerySet
from django.db.models.query import ValuesIterable
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.query import Query
from django.utils.dateparse import parse_datetime


class Param(Expression):
    """A value given when the query runs, as `output_field` stores it: an `IntegerField()`
    for an id, a `DateTimeField()` for a moment."""

    def __init__(self, name: str, output_field: Field[Any, Any]):
        super().__init__(output_field=output_field)
        self.name = name

    def __repr__(self) -> str:
        return f"Param({self.name!r})"

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        return "%s", [_Slot(self.name, self.output_field)]


class ParamList(Param):
    """A list of values given when the query runs, for an `__in` lookup:
    `filter(pk__in=ParamList("ids", BigIntegerField()))`; `output_field` stores each value.
    On SQLite and PostgreSQL."""

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        raise NotSupportedError(f"A list of values is not written for {connection.vendor}.")

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        # One parameter, however long the list: the SQL stays the same from run to run.
        return "(SELECT value FROM json_each(%s))", [self.slot()]

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        return f"(SELECT unnest({self.array(connection)}))", [self.slot()]

    def slot(self) -> _Slot:
        return _Slot(self.name, self.output_field, many=True)

    def array(self, connection: BaseDatabaseWrapper) -> str:
        """The placeholder of the values as one PostgreSQL array of the field's type."""
        return f"%s::{self.output_field.db_type(connection)}[]"


class InList(Expression):
    """`expression IN values`, for a `ParamList` of values: `filter(InList(F("pk"), ids))`.

    On PostgreSQL this is `= ANY(array)`, which the planner answers by searching an index of
    the column once for each value whatever it knows of the table; `IN (SELECT unnest(…))`
    becomes a join, which without statistics it may plan as a read of the whole table."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, expression: Any, values: ParamList):
        super().__init__()
        self.expression, self.values = expression, values

    def get_source_expressions(self) -> list[Any]:
        return [self.expression]

    def set_source_expressions(self, expressions: Sequence[Any]) -> None:
        (self.expression,) = expressions

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        raise NotSupportedError(f"A list of values is not written for {connection.vendor}.")

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.expression)
        values_sql, values_params = self.values.as_sqlite(compiler, connection)
        return f"{sql} IN {values_sql}", [*params, *values_params]

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.expression)
        return f"{sql} = ANY({self.values.array(connection)})", [*params, self.values.slot()]


@dataclass(frozen=True)
class _Slot:
    """Where a `Param`'s value goes among a compiled query's parameters."""

    name: str
    field: Field[Any, Any]
    many: bool = False

    def bind(self, values: dict[str, Any], connection: BaseDatabaseWrapper) -> Any:
        if not self.many:
            return self.field.get_db_prep_value(values[self.name], connection)
        items = [self.field.get_db_prep_value(value, connection) for value in values[self.name]]
        return items if connection.vendor == "postgresql" else json.dumps(items)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    names: tuple[str, ...]
    # The columns the query reads; a query may select more, to order by them.
    width: int | None
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
    slots: frozenset[str]


class Prepared:
    """A `values()` query, built by `build` with `Param`s for the values that change and
    compiled once for each database it runs on."""

    def __init__(self, build: Callable[[], QuerySet[Any, Any]]):
        self._build = build
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def rows(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[dict[str, Any]]:
        """The rows for `values`, one dict each, keyed as `values()` keys them. On PostgreSQL
        the query is planned as inside `together()`, once for any values."""
        with together(using):
            return self.send(using=using, **values).rows()

    def send(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Sent:
        """Sends the query with `values` and returns at once; `rows()` of what it returns
        waits for the rows. Inside `together()` on PostgreSQL the queries sent travel to the
        server together and are answered in one round trip; elsewhere the query runs now."""
        compiled = self._compiled.get(using) or self._compile(using)
        if set(values) != compiled.slots:
            missing, unknown = compiled.slots - set(values), set(values) - compiled.slots
            raise TypeError(
                "A prepared query takes the values "
                f"{', '.join(sorted(compiled.slots)) or 'none'}; "
                f"missing: {', '.join(sorted(missing)) or 'none'}, "
                f"unknown: {', '.join(sorted(unknown)) or 'none'}."
            )
        connection = connections[using]
        params = [
            value.bind(values, connection) if isinstance(value, _Slot) else value
            for value in compiled.params
        ]
        cursor = connection.cursor()
        try:
            if connection.vendor == "postgresql":
                driver_timestamps(cursor.cursor, connection)
            cursor.execute(compiled.sql, params)
        except BaseException:
            cursor.close()
            raise
        return Sent(cursor, compiled, connection)

    def sql(self, *, using: str = DEFAULT_DB_ALIAS) -> str:
        """The compiled SQL, with a %s for each parameter."""
        return (self._compiled.get(using) or self._compile(using)).sql

    def _compile(self, using: str) -> _Compiled:
        with self._lock:
            if using in self._compiled:
                return self._compiled[using]
            queryset = self._build().using(using)
            if queryset._iterable_class is not ValuesIterable:
                raise TypeError("A prepared query is a values() query.")
            query = queryset.query
            compiler = query.get_compiler(using)
            sql, params = compiler.as_sql()
            if compiler.connection.vendor in ("postgresql", "sqlite"):
                sql, params = _constants_written(sql, params, compiler.connection)
            columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
            converters = compiler.get_converters(columns)
            compiled = self._compiled[using] = _Compiled(
                sql=sql,
                params=tuple(params),
                names=_names(query),
                width=compiler.col_count if compiler.has_extra_select else None,
                converters=tuple(
                    (position, tuple(functions), expression)
                    for position, (functions, expression) in converters.items()
                ),
                slots=frozenset(value.name for value in params if isinstance(value, _Slot)),
            )
            return compiled


class Sent:
    """A prepared query sent to the database, and its rows once they are read."""

    __slots__ = ("_compiled", "_connection", "_cursor", "_rows")

    def __init__(self, cursor: Any, compiled: _Compiled, connection: BaseDatabaseWrapper):
        self._cursor, self._compiled, self._connection = cursor, compiled, connection
        self._rows: list[dict[str, Any]] | None = None

    def rows(self) -> list[dict[str, Any]]:
        """The rows, one dict each, keyed as `values()` keys them; read once."""
        if self._rows is None:
            try:
                found = self._cursor.fetchall()
            finally:
                self._cursor.close()
            names = self._compiled.names
            self._rows = [
                dict(zip(names, row, strict=True))
                for row in _converted(found, self._compiled, self._connection)
            ]
        return self._rows


@contextmanager
def together(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within the block, the queries `Prepared.send` sends on PostgreSQL go to the server
    without waiting for one another (psycopg's pipeline mode): a dozen queries cost one round
    trip instead of twelve, and the server answers the next while Python reads the last. On
    SQLite, which runs in this process, each query runs as it is sent.

    Send the queries that need nothing from one another first, then read their rows: reading
    a query's rows waits for it and for those sent before it.

    Within the block PostgreSQL also plans each prepared statement once, for any values
    (`plan_cache_mode`). Left to choose, it plans the statement anew on every run for as long
    as a plan made for the run's values looks cheaper than one made for any values: for the
    user of a small network on a server shared with larger ones, always, and planning the
    agenda's queries took longer than running them (15 of 24 ms at 100 people)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    if raw.pgconn.pipeline_status:  # within another block: its pipeline and its plans
        yield
        return
    try:
        with raw.pipeline():
            raw.execute("SET plan_cache_mode = force_generic_plan")
            yield
            raw.execute("RESET plan_cache_mode")
    except BaseException:
        _plans_reset(raw)
        raise


def _plans_reset(raw: Any) -> None:
    """Puts back the planning of prepared statements after a block (or its pipeline) that
    failed. Within a transaction that failed, the transaction's end puts it back (the setting
    was made in it); a connection that cannot take the reset is broken, and the failure to
    report is the block's."""
    import psycopg

    try:
        raw.execute("RESET plan_cache_mode")
    except psycopg.Error:
        pass


def driver_timestamps(raw: Any, connection: BaseDatabaseWrapper) -> None:
    """Has the driver's own parser read the timestamps with a time zone of `raw`, a psycopg
    cursor of `connection` (Django's cursor wraps one: its `cursor`).

    Django reads each one with a loader of its own, written in Python over psycopg's, to give
    it Django's time zone: a dozen microseconds a value, a tenth of the agenda's time when it
    reads a thousand. The connection's zone is UTC whenever Django's is, and then psycopg's
    loader (compiled, when psycopg has its C extension) makes the same aware datetimes."""
    if connection.timezone is not UTC:
        return
    if raw.connection.info.timezone is not UTC:
        return
    oid, loader = _timestamp_loader()
    if loader is not None:
        raw.adapters.register_loader(oid, loader)


@cache
def _timestamp_loader() -> tuple[int, Any]:
    """psycopg's own loader of timestamps with a time zone, and their type's id."""
    import psycopg
    from psycopg.pq import Format

    oid = psycopg.postgres.types["timestamptz"].oid
    return oid, psycopg.adapters.get_loader(oid, Format.TEXT)


# The placeholders of Django's SQL, and a percent sign written twice (a literal one).
_PLACEHOLDER = re.compile(r"%[%s]")


def _constants_written(
    sql: str, params: Sequence[Any], connection: BaseDatabaseWrapper
) -> tuple[str, list[Any]]:
    """`sql` with the parameters that never change (a state, a kind, a flag) written into it
    as literals, and the `Param`s left as placeholders.

    A planner can use a partial index only when it can tell from the query that the index
    holds every row asked for: `direction = 'out'` implies the condition of an index of the
    messages sent, `direction = ?` does not. SQLite plans each statement knowing only its
    text. PostgreSQL prepares a query it is given again and plans it once for any values of
    its placeholders; told the fixed values, that plan also counts the rows of one state as
    the plan made for each run's values does, and without it the server plans each run anew.
    """
    quote = _literal_quoting(connection)
    kept: list[Any] = []
    remaining = iter(params)

    def written(match: re.Match[str]) -> str:
        if match.group() == "%%":
            return "%%"
        value = next(remaining, _END)
        if value is _END:
            raise ValueError("The query has more placeholders than parameters.")
        if isinstance(value, Enum):  # a choice: Django passes its member
            value = value.value
        if isinstance(value, bool):
            pass
        elif isinstance(value, int):  # psycopg's Int4 for a Value(1), say
            value = int(value)
        elif not (type(value) is str and "\x00" not in value):
            kept.append(value)
            return "%s"
        return quote(value).replace("%", "%%")

    written_sql = _PLACEHOLDER.sub(written, sql)
    if next(remaining, _END) is not _END:
        raise ValueError("The query has more parameters than placeholders.")
    return written_sql, kept


def _literal_quoting(connection: BaseDatabaseWrapper) -> Callable[[str | int | bool], str]:
    """How `connection`'s database writes a string, a whole number or a flag as a literal:
    quoted by psycopg for PostgreSQL; for SQLite, whose strings know no escapes but a
    doubled quote, by hand."""
    if connection.vendor == "postgresql":
        from psycopg.sql import Literal

        connection.ensure_connection()
        raw = connection.connection
        return lambda value: Literal(value).as_string(raw)

    def sqlite_literal(value: str | int | bool) -> str:
        if isinstance(value, str):
            return "'" + value.replace("'", "''") + "'"
        return str(int(value))

    return sqlite_literal


_END = object()


def _bound(function: Callable[..., Any], connection: BaseDatabaseWrapper) -> Callable[..., Any]:
    """`function` for `connection`, or for SQLite's datetimes one that does the same with the
    settings read once: Django's reads them for every value through the lazy settings object,
    which costs more than the rest of the conversion when a page reads thousands of datetimes.
    """
    # The backend's converters are methods of the connection that compiled the query; each
    # thread has its own connection, so take this one's.
    owner = getattr(function, "__self__", None)
    if isinstance(owner, BaseDatabaseOperations) and owner is not connection.ops:
        function = getattr(connection.ops, function.__name__)
    sqlite_datetimes = connection.vendor == "sqlite" and getattr(
        function, "__func__", None
    ) is getattr(type(connection.ops), "convert_datetimefield_value", None)
    if not sqlite_datetimes:
        return function
    zone = connection.timezone if settings.USE_TZ else None

    def convert(value: Any, expression: Any, connection: Any) -> Any:
        if value is not None:
            if not isinstance(value, datetime):
                value = parse_datetime(value)
            if zone is not None and value.tzinfo is None:
                value = value.replace(tzinfo=zone)
        return value

    return convert


def _names(query: Query) -> tuple[str, ...]:
    """The keys of each row, in the order of the columns, as `values()` names them."""
    if query.selected:
        return tuple(query.selected)
    # Extra columns come first.
    return (*query.extra_select, *query.values_select, *query.annotation_select)


def _converted(
    rows: list[tuple[Any, ...]], compiled: _Compiled, connection: BaseDatabaseWrapper
) -> Iterator[tuple[Any, ...] | list[Any]]:
    """`rows` as Django's converters make them: datetimes from SQLite's text, booleans from
    its integers and so on."""
    if compiled.width is not None:
        rows = [row[: compiled.width] for row in rows]
    if not compiled.converters:
        yield from rows
        return
    converters = [
        (position, tuple(_bound(function, connection) for function in functions), expression)
        for position, functions, expression in compiled.converters
    ]
    for row in rows:
        values = list(row)
        for position, functions, expression in converters:
            value = values[position]
            for function in functions:
                value = function(value, expression, connection)
            values[position] = value
        yield values
