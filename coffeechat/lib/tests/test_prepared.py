import itertools
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import DateTimeField, Exists, F, IntegerField, OuterRef
from django.test.utils import CaptureQueriesContext

from coffeechat.conversations.models import Conversation, State
from coffeechat.lib.prepared import InList, Param, ParamList, Prepared, together
from coffeechat.outreach.models import Message

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def requested_before():
    return (
        Conversation.objects.filter(
            owner=Param("owner", IntegerField()),
            requested_at__lt=Param("before", DateTimeField()),
        )
        .annotate(
            has_messages=Exists(Message.objects.filter(conversation=OuterRef("pk"))),
        )
        .order_by("requested_at")
        .values("requested_at", "pk", "has_messages", "contact__name")
    )


@pytest.fixture
def talks(alice, bob, contact):
    made = []
    for days in (1, 5, 9):
        made.append(
            Conversation.objects.create(
                owner=alice,
                contact=contact,
                state=State.REQUESTED,
                requested_at=NOW - timedelta(days=days),
            )
        )
    Message.objects.create(owner=alice, contact=contact, conversation=made[0], body="Hello.")
    return made


def test_rows_are_what_values_gives_for_the_same_values(alice, talks):
    query = Prepared(requested_before)
    expected = list(
        Conversation.objects.filter(owner=alice, requested_at__lt=NOW - timedelta(days=2))
        .annotate(has_messages=Exists(Message.objects.filter(conversation=OuterRef("pk"))))
        .order_by("requested_at")
        .values("requested_at", "pk", "has_messages", "contact__name")
    )

    rows = query.rows(owner=alice.pk, before=NOW - timedelta(days=2))

    assert rows == expected
    assert [list(row) for row in rows] == [
        ["requested_at", "pk", "has_messages", "contact__name"]
    ] * 2
    assert all(isinstance(row["requested_at"], datetime) for row in rows)
    assert rows[0]["requested_at"].tzinfo is not None


def test_each_run_binds_its_own_values(alice, bob, talks):
    query = Prepared(requested_before)

    assert len(query.rows(owner=alice.pk, before=NOW)) == 3
    assert len(query.rows(owner=alice.pk, before=NOW - timedelta(days=6))) == 1
    assert query.rows(owner=bob.pk, before=NOW) == []


def test_booleans_come_back_as_booleans(alice, talks):
    rows = Prepared(requested_before).rows(owner=alice.pk, before=NOW)

    assert [row["has_messages"] for row in rows] == [False, False, True]


def test_the_query_is_built_once_and_each_run_is_one_query(alice, talks):
    built = []

    def build():
        built.append(1)
        return requested_before()

    query = Prepared(build)
    with CaptureQueriesContext(connection) as captured:
        for days in range(4):
            query.rows(owner=alice.pk, before=NOW - timedelta(days=days))

    assert len(built) == 1
    assert len(captured.captured_queries) == 4
    assert "2026" not in query.sql()  # the values are bound, not written into the SQL


def test_missing_and_unknown_values_are_named(alice):
    query = Prepared(requested_before)

    with pytest.raises(TypeError, match="missing: before, unknown: when"):
        query.rows(owner=alice.pk, when=NOW)


def test_only_values_queries_can_be_prepared(alice):
    query = Prepared(lambda: Conversation.objects.filter(owner=Param("owner", IntegerField())))

    with pytest.raises(TypeError, match="values"):
        query.rows(owner=alice.pk)


def test_a_sliced_query_keeps_its_limit(alice, talks):
    query = Prepared(lambda: requested_before()[:2])

    assert len(query.rows(owner=alice.pk, before=NOW)) == 2


@pytest.mark.django_db(transaction=True)
def test_another_thread_runs_it_on_its_own_connection(alice, talks):
    query = Prepared(requested_before)
    here = query.rows(owner=alice.pk, before=NOW)
    there: dict = {"converted": []}

    def run() -> None:
        theirs = connections["default"]
        # SQLite's booleans are integers, converted by a method of the backend.
        convert = getattr(theirs.ops, "convert_booleanfield_value", None)

        def spy(value, expression, connection):
            there["converted"].append(value)
            return convert(value, expression, connection)

        if convert is not None:
            theirs.ops.convert_booleanfield_value = spy  # type: ignore[attr-defined]
        try:
            there["rows"] = query.rows(owner=alice.pk, before=NOW)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()

    assert there["rows"] == here
    if connection.vendor == "sqlite":
        assert there["converted"] == [0, 0, 1]


def test_a_list_of_values_is_one_parameter_of_any_length(alice, talks):
    query = Prepared(
        lambda: (
            Conversation.objects.filter(pk__in=ParamList("ids", IntegerField()))
            .order_by("pk")
            .values("pk")
        )
    )
    first, second, third = (talk.pk for talk in talks)

    assert query.rows(ids=[third, first]) == [{"pk": first}, {"pk": third}]
    assert query.rows(ids=[second]) == [{"pk": second}]
    assert query.rows(ids=[]) == []
    assert query.rows(ids=range(first, third + 1)) == [{"pk": pk} for pk in (first, second, third)]
    assert query.sql().count("%s") == 1


def test_a_column_among_a_list_of_values(alice, talks):
    query = Prepared(
        lambda: (
            Conversation.objects.filter(InList(F("pk"), ParamList("ids", IntegerField())))
            .order_by("pk")
            .values("pk")
        )
    )
    first, second, third = (talk.pk for talk in talks)

    assert query.rows(ids=[third, first]) == [{"pk": first}, {"pk": third}]
    assert query.rows(ids=[]) == []
    assert query.rows(ids=[second, second]) == [{"pk": second}]
    assert query.sql().count("%s") == 1


def test_a_list_of_moments_is_stored_as_each_one_would_be(alice, talks):
    query = Prepared(
        lambda: Conversation.objects.filter(
            requested_at__in=ParamList("moments", DateTimeField())
        ).values("pk")
    )

    rows = query.rows(moments=[talks[0].requested_at, talks[2].requested_at, NOW])

    assert sorted(row["pk"] for row in rows) == sorted([talks[0].pk, talks[2].pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")
def test_postgresql_prepares_a_query_that_a_connection_runs_again(alice, talks):
    # The settings make psycopg send the values apart from the SQL and prepare a statement on
    # the server the second time a connection runs it; later runs are not parsed again, nor
    # planned again (a Prepared query runs with a plan made once for any values).
    waiting = Prepared(requested_before)
    numbers = itertools.count(1)
    on_the_server = re.sub("%s", lambda _: f"${next(numbers)}", waiting.sql())

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [statement for (statement,) in cursor.fetchall()]

    assert len(waiting.rows(owner=alice.pk, before=NOW)) == 3
    assert on_the_server not in prepared()
    for _ in range(2):
        assert len(waiting.rows(owner=alice.pk, before=NOW)) == 3
    assert on_the_server in prepared()


def _named(name, owner):
    return (
        Conversation.objects.filter(owner=owner, contact__name=name, state=State.REQUESTED)
        .order_by("requested_at")
        .values("pk", "requested_at")
    )


@pytest.mark.parametrize("name", ["Ada Lovelace", "50% O'Brien; DROP TABLE x; --", "%s %% $1"])
def test_fixed_values_are_written_into_the_sql(alice, talks, contact, name):
    # The values that never change (a state, a name given when the query was built) are
    # quoted into the SQL, so that the planner knows them (a partial index, a plan made once
    # for every run); the Params stay placeholders. Whatever such a value holds, the rows are
    # those of values().
    contact.name = name
    contact.save()
    query = Prepared(lambda: _named(name, Param("owner", IntegerField())))
    sql = query.sql()
    expected = list(_named(name, alice))

    assert query.rows(owner=alice.pk) == expected
    assert len(expected) == 3
    assert "'requested'" in sql
    assert re.findall("%[%s]", sql).count("%s") == 1


def test_moments_are_read_as_django_reads_them(alice, talks):
    # On PostgreSQL psycopg's own parser reads the moments, not Django's: the same aware
    # datetimes, in UTC.
    query = Prepared(requested_before)
    rows = query.rows(owner=alice.pk, before=NOW)
    expected = list(Conversation.objects.filter(owner=alice).order_by("requested_at"))

    assert [row["requested_at"] for row in rows] == [talk.requested_at for talk in expected]
    assert all(row["requested_at"].utcoffset() == timedelta(0) for row in rows)
    assert [row["requested_at"].isoformat() for row in rows] == [
        talk.requested_at.isoformat() for talk in expected
    ]


def _requests_of():
    return (
        Conversation.objects.filter(owner=Param("owner", IntegerField()))
        .order_by("requested_at")
        .values("pk")
    )


def test_queries_sent_together_give_each_its_own_rows(alice, bob, talks, contact):
    theirs = Conversation.objects.create(owner=bob, contact=contact, state=State.PLANNED)
    query = Prepared(_requests_of)

    with CaptureQueriesContext(connection) as captured, together():
        first = query.send(owner=alice.pk)
        second = query.send(owner=bob.pk)
        empty = query.send(owner=0)
        assert second.rows() == [{"pk": theirs.pk}]
    # Rows not read inside the block are read after it.
    assert first.rows() == [{"pk": talk.pk} for talk in reversed(talks)]
    assert empty.rows() == []
    assert first.rows() is first.rows()
    assert len(captured) == 3


def test_queries_sent_together_travel_in_one_pipeline_on_postgresql(alice, talks):
    # On PostgreSQL each query is sent while the connection is in pipeline mode: the server
    # gets them all before the first answer is read. SQLite runs each as it is sent.
    query = Prepared(_requests_of)
    modes = []

    def note_mode(execute, sql, params, many, context):
        raw = context["connection"].connection
        modes.append(connection.vendor == "postgresql" and raw.pgconn.pipeline_status != 0)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note_mode), together():
        sent = [query.send(owner=alice.pk) for _ in range(3)]
        with together():  # within another block: the same pipeline
            sent.append(query.send(owner=alice.pk))
    assert [len(one.rows()) for one in sent] == [3, 3, 3, 3]
    assert modes == [connection.vendor == "postgresql"] * 4
    # Out of the block, a query sent runs at once.
    modes.clear()
    with connection.execute_wrapper(note_mode):
        assert len(query.send(owner=alice.pk).rows()) == 3
    assert modes == [False]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a pipeline is PostgreSQL's; SQLite runs each query"
)
def test_a_failed_query_sent_together_is_the_error_and_the_connection_goes_on(alice, talks):
    # A division by zero fails on the server; the queries sent before it keep their rows.
    query = Prepared(_requests_of)
    failing = Prepared(
        lambda: Conversation.objects.annotate(
            share=F("pk") / Param("parts", IntegerField())
        ).values("share")
    )

    with pytest.raises(DatabaseError), transaction.atomic(), together():
        good = query.send(owner=alice.pk)
        failing.send(parts=0).rows()
    assert len(good.rows()) == 3
    assert len(query.rows(owner=alice.pk)) == 3
    assert _plan_cache_mode() == "auto"


def _plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return str(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
def test_statements_sent_together_are_planned_once_for_any_values(alice, talks):
    # Left to choose, PostgreSQL may plan a prepared statement anew on every run; within
    # the block it keeps one plan for any values, and only there.
    query = Prepared(_requests_of)
    number = itertools.count(1)
    on_the_server = re.sub("%s", lambda _: f"${next(number)}", query.sql())

    def plans() -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement = %s",
                [on_the_server],
            )
            generic, custom = cursor.fetchone()
            return generic, custom

    query.rows(owner=alice.pk)  # the second run prepares it
    for _ in range(3):
        with together():
            assert len(query.send(owner=alice.pk).rows()) == 3
    assert plans() == (3, 0)
    assert _plan_cache_mode() == "auto"
    with together(), together():
        query.send(owner=alice.pk)
    assert _plan_cache_mode() == "auto"
    with pytest.raises(ZeroDivisionError), together():
        query.send(owner=alice.pk).rows()
        1 / 0  # noqa: B018 - any failure in the block
    assert _plan_cache_mode() == "auto"
