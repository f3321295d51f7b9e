"""The invitations are read back with two independent parsers: vobject and icalendar."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from coffeechat.conversations.ics import calendar, invitation
from coffeechat.conversations.models import Conversation
from coffeechat.conversations.scheduling import (
    conversation_cancel,
    conversation_schedule,
    local_start,
)

NOW = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
# The Monday after Berlin moves its clocks forward (28 March 2027).
START = local_start(day=date(2027, 3, 29), at=time(10, 0), time_zone="Europe/Berlin")
ORGANIZER = {"organizer_name": "Alice Ng", "organizer_email": "alice@example.org"}


@pytest.fixture
def booked(alice, conversation):
    return conversation_schedule(
        owner=alice,
        conversation=conversation,
        start=START,
        time_zone="Europe/Berlin",
        length_minutes=20,
        format="video",
        place="https://meet.example/ada",
        now=NOW,
    )


def _vobject(data: bytes):
    return vobject.readOne(data.decode("utf-8"))


def _icalendar_event(data: bytes):
    [event] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    return event


def test_it_writes_an_invitation_both_parsers_read_the_same_way(booked):
    data = invitation(conversation=booked, now=NOW, **ORGANIZER)

    cal = _vobject(data)
    assert cal.version.value == "2.0"
    assert cal.prodid.value.startswith("-//coffeechat//")
    assert cal.method.value == "REQUEST"
    event = cal.vevent
    assert event.uid.value == booked.ics_uid
    assert event.dtstamp.value == NOW
    assert event.sequence.value == "0"
    start, end = event.dtstart.value, event.dtend.value
    assert event.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/Berlin"]
    assert (start.hour, start.minute, start.utcoffset()) == (10, 0, timedelta(hours=2))
    assert start.astimezone(UTC) == datetime(2027, 3, 29, 8, 0, tzinfo=UTC)
    assert end - start == timedelta(minutes=20)
    assert event.summary.value == "Informational interview: Ada Lovelace / Alice Ng"
    assert event.status.value == "CONFIRMED"
    assert event.location.value == event.url.value == "https://meet.example/ada"
    assert "20-minute video call" in event.description.value
    assert event.organizer.value == "mailto:alice@example.org"
    assert event.organizer.params["CN"] == ["Alice Ng"]
    assert event.attendee.value == "mailto:ada@example.com"
    assert event.attendee.params["CN"] == ["Ada Lovelace"]
    assert event.valarm.action.value == "DISPLAY"
    assert event.valarm.trigger.value == timedelta(minutes=-30)
    assert event.valarm.description.value

    event = _icalendar_event(data)
    assert str(event["UID"]) == booked.ics_uid
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.DTSTART == START
    assert event.DTEND == START + timedelta(minutes=20)
    assert event.DTSTAMP == NOW
    assert event["SEQUENCE"] == 0


def test_it_carries_a_vtimezone_every_reader_agrees_on(booked):
    data = invitation(conversation=booked, now=NOW, **ORGANIZER)
    [vtimezone] = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Berlin"
    onsets = {(sub.name, sub.DTSTART) for sub in vtimezone.subcomponents}
    # One onset per sub-component, the spring one in the old offset as RFC 5545 reads it.
    assert ("DAYLIGHT", datetime(2027, 3, 28, 2, 0)) in onsets
    assert ("STANDARD", datetime(2027, 10, 31, 3, 0)) in onsets
    assert all("RDATE" not in sub for sub in vtimezone.subcomponents)


def test_it_is_well_formed_text(booked):
    data = invitation(conversation=booked, now=NOW, **ORGANIZER)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines), "lines are folded at 75 octets"


def test_a_reschedule_keeps_the_uid_and_raises_the_sequence(alice, booked):
    first = _vobject(invitation(conversation=booked, now=NOW, **ORGANIZER)).vevent
    conversation_schedule(
        owner=alice,
        conversation=booked,
        start=START + timedelta(days=1, hours=4),
        time_zone="Europe/Berlin",
        length_minutes=30,
        format="video",
        place="https://meet.example/ada",
        now=NOW,
    )
    second = _vobject(invitation(conversation=booked, now=NOW, **ORGANIZER)).vevent
    assert second.uid.value == first.uid.value
    assert int(second.sequence.value) == int(first.sequence.value) + 1
    assert second.dtstart.value.replace(tzinfo=None) == datetime(2027, 3, 30, 14, 0)
    assert second.dtend.value - second.dtstart.value == timedelta(minutes=30)


def test_a_cancellation_is_sent_as_cancel(alice, booked):
    uid = booked.ics_uid
    conversation_cancel(owner=alice, conversation=booked, now=NOW)
    data = invitation(conversation=booked, now=NOW, **ORGANIZER)
    cal = _vobject(data)
    assert cal.method.value == "CANCEL"
    assert cal.vevent.status.value == "CANCELLED"
    assert cal.vevent.uid.value == uid
    assert cal.vevent.sequence.value == "1"
    assert not hasattr(cal.vevent, "valarm"), "no reminder for an event that is not happening"
    assert _icalendar_event(data)["STATUS"] == "CANCELLED"


def test_the_end_is_counted_in_real_minutes_across_the_clock_change(alice, conversation):
    # 01:50 + 20 minutes is 03:10 on the night the clocks jump from 02:00 to 03:00.
    start = datetime(2027, 3, 28, 1, 50, tzinfo=ZoneInfo("Europe/Berlin"))
    conversation_schedule(
        owner=alice,
        conversation=conversation,
        start=start,
        time_zone="Europe/Berlin",
        length_minutes=20,
        format="phone",
        now=NOW,
    )
    data = invitation(conversation=conversation, now=NOW, **ORGANIZER)
    event = _vobject(data).vevent
    assert event.dtend.value.replace(tzinfo=None) == datetime(2027, 3, 28, 3, 10)
    assert event.dtend.value.astimezone(UTC) - event.dtstart.value.astimezone(UTC) == timedelta(
        minutes=20
    )
    assert _icalendar_event(data).DTEND.astimezone(UTC) == datetime(2027, 3, 28, 1, 10, tzinfo=UTC)


def test_it_gives_a_place_that_is_not_a_link_as_location_only(alice, conversation, contact):
    contact.research_notes = "Private: seems unhappy with her manager"
    contact.save()
    conversation_schedule(
        owner=alice,
        conversation=conversation,
        start=START,
        time_zone="Europe/Berlin",
        length_minutes=30,
        format="coffee",
        place="Café Einstein, Unter den Linden 42",
        now=NOW,
    )
    data = invitation(conversation=conversation, now=NOW, **ORGANIZER)
    event = _vobject(data).vevent
    assert event.location.value == "Café Einstein, Unter den Linden 42"
    assert not hasattr(event, "url")
    assert "Private" not in data.decode(), "the contact receives this: no research notes"


def test_a_booking_without_a_uid_gets_a_stable_one_without_any_write(alice, contact):
    # As the demo data and older rows have them.
    conversation = Conversation.objects.create(
        owner=alice, contact=contact, state="scheduled", scheduled_for=START, time_zone=""
    )
    before = Conversation.objects.values().get(pk=conversation.pk)
    data = invitation(conversation=conversation, now=NOW, **ORGANIZER)
    assert Conversation.objects.values().get(pk=conversation.pk) == before, "a read writes nothing"
    event = _vobject(data).vevent
    uid = event.uid.value
    assert uid.endswith("@coffeechat")
    # No zone recorded: the time is given in UTC.
    assert event.dtstart.value == datetime(2027, 3, 29, 8, 0, tzinfo=UTC)
    again = Conversation.objects.get(pk=conversation.pk)
    assert _vobject(invitation(conversation=again, **ORGANIZER)).vevent.uid.value == uid

    # Moving it keeps that UID and raises the sequence, so calendars move the same event.
    moved = conversation_schedule(
        owner=alice,
        conversation=again,
        start=START + timedelta(days=1),
        time_zone="Europe/Berlin",
        length_minutes=20,
        format="video",
        now=NOW,
    )
    assert moved.ics_uid == uid
    event = _vobject(invitation(conversation=moved, now=NOW, **ORGANIZER)).vevent
    assert (event.uid.value, event.sequence.value) == (uid, "1")


def test_it_leaves_out_organizer_and_attendee_it_has_no_address_for(booked, contact):
    contact.email = ""
    contact.save()
    booked.refresh_from_db()
    event = _vobject(
        invitation(conversation=booked, organizer_name="", organizer_email="", now=NOW)
    ).vevent
    assert not hasattr(event, "organizer") and not hasattr(event, "attendee")
    assert event.summary.value == "Informational interview: Ada Lovelace"


def test_it_refuses_a_conversation_never_booked(conversation):
    with pytest.raises(ValueError):
        invitation(conversation=conversation, **ORGANIZER)


def test_a_calendar_export_holds_every_booked_conversation(alice, booked, contact, organization):
    from coffeechat.contacts.models import Contact

    sam = Contact.objects.create(
        owner=alice, name="Sam Okafor", email="sam@example.com", time_zone="America/Chicago"
    )
    chicago = Conversation.objects.create(owner=alice, contact=sam)
    conversation_schedule(
        owner=alice,
        conversation=chicago,
        start=datetime(2028, 11, 6, 9, 0, tzinfo=ZoneInfo("America/Chicago")),
        time_zone="America/Chicago",
        length_minutes=15,
        format="phone",
        now=NOW,
    )
    never = Conversation.objects.create(owner=alice, contact=contact)

    data = calendar(conversations=[booked, chicago, never], now=NOW, **ORGANIZER)

    cal = _vobject(data)
    assert not hasattr(cal, "method"), "a copy of a calendar, not a request to attend"
    events = {e.uid.value: e for e in cal.vevent_list}
    assert set(events) == {booked.ics_uid, chicago.ics_uid}
    sam_event = events[chicago.ics_uid]
    assert sam_event.dtstart.value.replace(tzinfo=None) == datetime(2028, 11, 6, 9, 0)
    assert sam_event.dtstart.value.astimezone(UTC) == datetime(2028, 11, 6, 15, 0, tzinfo=UTC)
    zones = {str(tz["TZID"]) for tz in icalendar.Calendar.from_ical(data).walk("VTIMEZONE")}
    assert zones == {"Europe/Berlin", "America/Chicago"}


def test_an_empty_export_is_still_a_calendar():
    cal = _vobject(calendar(conversations=[], **ORGANIZER))
    assert cal.version.value == "2.0" and not hasattr(cal, "vevent")
