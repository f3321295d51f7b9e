"""The snapshot the rules read: what `agenda()` leaves out, and what its instances carry."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coffeechat.agenda import snapshot
from coffeechat.agenda.items import Grouping
from coffeechat.agenda.rows import ConversationRow, PersonRow
from coffeechat.agenda.rules import AgendaData, agenda, compute, group_of
from coffeechat.agenda.tests.test_agenda import LONDON_NOWS, network
from coffeechat.agenda.tests.test_rules import at, person, sent, talk, zone
from coffeechat.contacts.models import Contact
from coffeechat.conversations.models import State
from coffeechat.demo import demo_load
from coffeechat.lib.prepared import Prepared

LONDON = ZoneInfo("Europe/London")


def shown(owner, now: datetime) -> dict[str, str]:
    """Every item the rules find in the whole snapshot that the agenda would show, by key."""
    data = AgendaData.load(owner=owner, now=now)
    found = {item.key: group_of(item, now=now, tz=data.tz) for item in compute(data)}
    return {key: group for key, group in found.items() if group is not None}


def listed(owner, now: datetime) -> dict[str, str]:
    result = agenda(owner=owner, now=now)
    return {item.key: group for group, items in result.groups() for item in items}


@pytest.mark.parametrize("now", LONDON_NOWS, ids=lambda now: f"{now:%a-%H%M-%Y%m%d}")
def test_the_agenda_leaves_out_only_what_it_would_not_show(alice, now):
    demo_load(owner=alice, now=now)
    network(alice, 3, now)
    # Further off than the next 7 days, then just inside them.
    for days, name in ((40, "Later Person"), (84, "Sooner Person")):
        thanked = person(alice, name, cadence_days=90)
        talk(thanked, State.THANKED, held_at=now - timedelta(days=days), thanked_at=now)
        sent(thanked, "keep_in_touch", now - timedelta(days=days), None)

    assert listed(alice, now) == shown(alice, now)
    for later in (now + timedelta(days=30), now + timedelta(days=60)):
        assert listed(alice, later) == shown(alice, later)


def keeping_in_touch(owner, name: str, last_touch: datetime) -> Contact:
    contact = person(owner, name, cadence_days=30)
    talk(contact, State.THANKED, held_at=at(1, month=1), thanked_at=at(2, month=1))
    sent(contact, "keep_in_touch", last_touch, None)
    return contact


def test_keeping_in_touch_is_read_only_when_due_before_the_horizon(alice):
    zone(alice, "Europe/London")
    # Thursday 3 April 2025; the next 7 days end at midnight on Friday 11 April, in summer
    # time, though the clocks went forward since these people were last in touch.
    now = at(3, 12, month=4)
    assert Grouping.at(now, LONDON).horizon == at(11, 0, month=4, tz=LONDON)
    # 30 calendar days after 23:30 on 11 March is 23:30 on 10 April in London: due before
    # the horizon, though 30 times 24 hours after it is not.
    due = keeping_in_touch(alice, "Grace Hopper", at(11, 23, 30, month=3))
    later = keeping_in_touch(alice, "Alan Turing", at(12, 0, 30, month=3))
    recent = keeping_in_touch(alice, "Mary Somerville", at(2, month=4))

    every = AgendaData.load(owner=alice, now=now)
    upcoming = AgendaData.load(owner=alice, now=now, shown_only=True)
    [item] = [i for i in agenda(owner=alice, now=now).items if i.rule == "keep_in_touch"]

    assert {c.pk for c in every.keep_in_touch} == {due.pk, later.pk, recent.pk}
    assert due.pk in {c.pk for c in upcoming.keep_in_touch}
    assert recent.pk not in {c.pk for c in upcoming.keep_in_touch}
    assert (item.contact.pk, item.due_at) == (due.pk, at(10, 23, 30, month=4, tz=LONDON))


def test_the_horizon_takes_the_profiles_default_cadence_or_a_persons_own(alice):
    zone(alice, "UTC", default_cadence_days=60)
    now = at(3, 12, month=4)

    def thanked(name: str, days_ago: int, **fields) -> Contact:
        someone = person(alice, name, **fields)
        when = now - timedelta(days=days_ago)
        talk(someone, State.THANKED, held_at=when - timedelta(days=1), thanked_at=when)
        return someone

    soon = thanked("Due In Two Days", 58)
    thanked("Due In Twenty Days", 40)
    own = thanked("Own Cadence", 40, cadence_days=30)
    thanked("Own Cadence Later", 40, cadence_days=120)
    # Due by the profile's 60 days, not by their own 120.
    thanked("Own Longer Cadence", 70, cadence_days=120)
    written_to = thanked("Written To Since", 100)
    sent(written_to, "keep_in_touch", now - timedelta(days=10), None)

    upcoming = AgendaData.load(owner=alice, now=now, shown_only=True)
    every = AgendaData.load(owner=alice, now=now)

    assert {c.pk for c in upcoming.keep_in_touch} == {soon.pk, own.pk}
    assert len(every.keep_in_touch) == 6
    touched = {c.pk: c.touched for c in every.keep_in_touch}
    assert touched[written_to.pk] == now - timedelta(days=10)
    assert touched[soon.pk] == now - timedelta(days=58)


def test_an_items_person_and_conversation_are_rows_read_with_the_snapshot(alice, contact):
    held = talk(contact, State.HELD, held_at=at(10, 15))
    [item] = [i for i in agenda(owner=alice, now=at(11)).items if i.rule == "thank_you"]

    with CaptureQueriesContext(connection) as queries:
        assert isinstance(item.contact, PersonRow)
        assert (item.contact.pk, item.contact.name, str(item.contact.organization)) == (
            contact.pk,
            "Ada Lovelace",
            "Analytical Engines",
        )
        assert item.contact.get_absolute_url() == contact.get_absolute_url()
        assert item.contact.organization.get_absolute_url() == (
            contact.organization.get_absolute_url()
        )
        assert isinstance(item.conversation, ConversationRow)
        assert (item.conversation.pk, item.conversation.state) == (held.pk, State.HELD)
    assert len(queries) == 0
    # Rows hold what the rules read and nothing else.
    assert not hasattr(item.contact, "email")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's")
def test_no_query_of_the_agenda_reads_a_whole_table(alice):
    now = at(11, 12)
    network(alice, 2, now)
    agenda(owner=alice, now=now)

    with CaptureQueriesContext(connection) as captured:
        agenda(owner=alice, now=now).as_json()

    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            steps = [row[-1] for row in cursor.fetchall()]
            # A list of ids given to the query is read whole, as it should be.
            scans = [s for s in steps if s.startswith("SCAN") and "json_each" not in s]
            assert not scans, query["sql"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN is PostgreSQL's here")
def test_no_query_of_the_agenda_reads_a_whole_table_on_postgresql(alice):
    """With sequential scans priced out, a plan that still reads a table whole does so
    because no index can answer that step: on a large network it would read every row."""
    now = at(11, 12)
    network(alice, 2, now)
    agenda(owner=alice, now=now)

    with CaptureQueriesContext(connection) as captured:
        agenda(owner=alice, now=now).as_json()

    assert len(captured.captured_queries) >= 10
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            for query in captured.captured_queries:
                cursor.execute("EXPLAIN " + query["sql"])
                steps = [row[0] for row in cursor.fetchall()]
                scans = [step for step in steps if "Seq Scan" in step]
                assert not scans, (query["sql"], steps)
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")


@pytest.mark.parametrize(
    ("query", "table"),
    [
        # The people thanked, joined to their contact for its cadence: a join the planner
        # answered by reading every user's people.
        (snapshot._KEEP_IN_TOUCH_BEFORE, '"contacts_contact"'),
        (snapshot._KEEP_IN_TOUCH, '"contacts_contact"'),
        # The referrals, joined to their conversation, and whether their person was asked:
        # both read every user's conversations.
        (snapshot._REFERRALS, '"conversations_conversation"'),
        (snapshot._REFERRALS, "U0"),
    ],
)
def test_a_table_the_planner_may_read_whole_is_read_for_the_owner_only(query, table):
    """On a server a career centre shares, a table a query joins or sets rows aside by is
    read through the owner's part of an index: were it not said, PostgreSQL read every
    user's rows (`benchmarks/agenda.py --other-users`). Said in the SQL, with the owner's
    value, as every other condition on the owner."""
    sql = query.sql()
    assert f'{table}."owner_id" = (%s)' in sql, sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="INCLUDE is PostgreSQL's here")
def test_the_people_to_keep_in_touch_with_can_be_read_from_an_index_alone_on_postgresql(db):
    """What the query reads of each person is in the index of people by priority: however
    many other users share the table, they are read from the owner's part of it alone."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'contact_priority_idx'")
        (definition,) = cursor.fetchone()
    assert definition.endswith(
        "(owner_id, priority, name, id) INCLUDE (cadence_days, do_not_contact)"
    )
    for query in (snapshot._KEEP_IN_TOUCH_BEFORE, snapshot._KEEP_IN_TOUCH):
        read = set(re.findall(r'"contacts_contact"\."(\w+)"', query.sql()))
        assert read <= {"id", "owner_id", "priority", "cadence_days", "do_not_contact"}, read


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a pipeline is PostgreSQL's")
def test_the_snapshot_sends_its_queries_together_on_postgresql(alice):
    # Each round trip to the server costs a quarter of a millisecond or more: the snapshot's
    # queries go in one pipeline, all but the profile (its time zone sets the others'
    # values) and the people the rules pick to keep in touch with (read after the rules).
    now = at(11, 12)
    network(alice, 2, now)
    agenda(owner=alice, now=now)
    modes = []

    def note_mode(execute, sql, params, many, context):
        modes.append(context["connection"].connection.pgconn.pipeline_status != 0)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note_mode):
        agenda(owner=alice, now=now).as_json()

    assert modes.count(False) <= 2, modes
    assert modes.count(True) >= 14, modes


@pytest.mark.parametrize("before_horizon", [False, True])
def test_both_ways_of_reading_the_people_to_keep_in_touch_with_agree(alice, before_horizon):
    now = at(11, 12)
    network(alice, 3, now)
    # Their own cadence or the default (None), and the last note sent, days ago: written to
    # since their cut or not, on either side of it.
    for n, (cadence, written) in enumerate(((30, 0), (None, 20), (60, 40), (None, 45), (30, 45))):
        contact = person(alice, f"Cadence {n}")
        Contact.objects.filter(pk=contact.pk).update(cadence_days=cadence)
        thanked = talk(
            contact,
            State.THANKED,
            held_at=now - timedelta(days=50 + n),
            thanked_at=now - timedelta(days=49 + n),
        )
        sent(contact, "keep_in_touch", now - timedelta(days=written), None)
        assert thanked.thanked_at
    values = {"owner": alice.pk}
    if before_horizon:
        values |= {"touched_by": now, "default_cut": now - timedelta(days=40)}

    def rows(build):
        return Prepared(lambda: build(before_horizon=before_horizon)).rows(**values)

    grouped = rows(snapshot._keep_in_touch_grouped)
    assert grouped == rows(snapshot._keep_in_touch_by_person)
    names = set(
        Contact.objects.filter(pk__in=[row["contact_id"] for row in grouped]).values_list(
            "name", flat=True
        )
    )
    due = {"Cadence 3", "Cadence 4"}
    if before_horizon:
        assert due <= names and not names & {"Cadence 0", "Cadence 1", "Cadence 2"}
    else:
        assert due | {"Cadence 0", "Cadence 1", "Cadence 2"} <= names
