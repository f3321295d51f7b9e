from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from coffeechat.conversations.models import Conversation, Reschedule, State
from coffeechat.conversations.scheduling import (
    conversation_cancel,
    conversation_mark_held,
    conversation_mark_no_show,
    conversation_schedule,
    local_start,
    local_times,
    upcoming_conversations,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
# A fixed "now", so the bookings below stay in the future whenever the tests run.
NOW = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
START = datetime(2027, 2, 2, 10, 0, tzinfo=BERLIN)


def _book(owner, conversation, **changes):
    fields = {
        "start": START,
        "time_zone": "Europe/Berlin",
        "length_minutes": 20,
        "format": "video",
        "place": "https://meet.example/ada",
        "now": NOW,
        **changes,
    }
    return conversation_schedule(owner=owner, conversation=conversation, **fields)


def _snapshot(conversation: Conversation) -> dict:
    conversation.refresh_from_db()
    fields = (
        "state scheduled_for time_zone length_minutes format place held_at closed_at ics_uid "
        "ics_sequence updated_at"
    ).split()
    return {
        **{field: getattr(conversation, field) for field in fields},
        "reschedules": list(conversation.reschedules.values_list("pk", flat=True)),
    }


# Booking


@pytest.mark.parametrize("state", [State.PLANNED, State.REQUESTED])
def test_it_books_a_first_time(alice, conversation, state):
    conversation.state = state
    conversation.save()

    returned = _book(alice, conversation)

    assert returned is conversation
    conversation.refresh_from_db()
    assert conversation.state == State.SCHEDULED
    assert conversation.scheduled_for == START
    assert conversation.scheduled_for.astimezone(UTC) == datetime(2027, 2, 2, 9, 0, tzinfo=UTC)
    assert conversation.time_zone == "Europe/Berlin"
    assert (conversation.length_minutes, conversation.format) == (20, "video")
    assert conversation.place == "https://meet.example/ada"
    assert conversation.ics_uid.endswith("@coffeechat") and len(conversation.ics_uid) > 30
    assert conversation.ics_sequence == 0
    assert not conversation.reschedules.exists()


def test_it_tidies_the_place(alice, conversation):
    _book(alice, conversation, place="  Café Einstein,\n  Unter den Linden 42 ")
    conversation.refresh_from_db()
    assert conversation.place == "Café Einstein, Unter den Linden 42"


def test_it_reschedules_keeping_the_state_and_recording_the_history(alice, conversation):
    _book(alice, conversation)
    uid = conversation.ics_uid
    later = START + timedelta(days=2)

    _book(alice, conversation, start=later, reason="They had a clash")
    _book(alice, conversation, start=later + timedelta(hours=1), now=NOW + timedelta(days=1))

    conversation.refresh_from_db()
    assert conversation.state == State.SCHEDULED
    assert conversation.scheduled_for == later + timedelta(hours=1)
    assert conversation.ics_uid == uid
    assert conversation.ics_sequence == 2
    moves = list(conversation.reschedules.all())
    assert [(m.previous_start, m.new_start, m.reason) for m in moves] == [
        (START, later, "They had a clash"),
        (later, later + timedelta(hours=1), ""),
    ]
    assert all(m.owner == alice for m in moves)


def test_a_change_of_place_only_updates_the_invitation_without_a_move(alice, conversation):
    _book(alice, conversation)
    _book(alice, conversation, place="Café Einstein")
    conversation.refresh_from_db()
    assert conversation.place == "Café Einstein" and conversation.ics_sequence == 1
    assert not conversation.reschedules.exists()


def test_it_refuses_a_reschedule_that_changes_nothing(alice, conversation):
    _book(alice, conversation)
    before = _snapshot(conversation)
    with pytest.raises(ValidationError) as caught:
        _book(alice, conversation)
    assert "booking as it stands" in caught.value.messages[0]
    assert _snapshot(conversation) == before


def test_booking_again_after_a_no_show_keeps_the_missed_time(alice, conversation):
    _book(alice, conversation)
    conversation_mark_no_show(
        owner=alice, conversation=conversation, now=START + timedelta(hours=1)
    )
    again = START + timedelta(days=7)

    _book(alice, conversation, start=again, now=START + timedelta(days=1))

    conversation.refresh_from_db()
    assert conversation.state == State.SCHEDULED and conversation.scheduled_for == again
    assert conversation.ics_sequence == 1
    [move] = conversation.reschedules.all()
    assert (move.previous_start, move.new_start) == (START, again)


# Refusals: nothing is written


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"start": NOW - timedelta(minutes=1)}, "start", "already passed"),
        ({"start": NOW}, "start", "already passed"),
        ({"start": datetime(2027, 2, 2, 10, 0)}, "start", "time zone"),
        ({"length_minutes": 0}, "length_minutes", "from 5 to 180"),
        ({"length_minutes": -20}, "length_minutes", "from 5 to 180"),
        ({"length_minutes": 181}, "length_minutes", "15 to 30"),
        ({"time_zone": "Europe/Atlantis"}, "time_zone", "“Europe/Atlantis”"),
        ({"time_zone": ""}, "time_zone", "time zone"),
        ({"time_zone": "../../etc/passwd"}, "time_zone", "time zone"),
        ({"format": "carrier pigeon"}, "format", "video call"),
        ({"place": "x" * 501}, "place", "500"),
        ({"reason": "x" * 301}, "reason", "300"),
    ],
)
def test_it_refuses_a_bad_booking_by_field(alice, conversation, changes, field, words):
    before = _snapshot(conversation)
    with pytest.raises(ValidationError) as caught:
        _book(alice, conversation, **changes)
    assert list(caught.value.message_dict) == [field]
    assert words in caught.value.message_dict[field][0]
    assert _snapshot(conversation) == before


def test_it_refuses_a_reschedule_into_the_past(alice, conversation):
    _book(alice, conversation)
    before = _snapshot(conversation)
    with pytest.raises(ValidationError) as caught:
        _book(alice, conversation, start=NOW - timedelta(days=1))
    assert "already passed" in caught.value.message_dict["start"][0]
    assert _snapshot(conversation) == before


def test_it_names_every_bad_field_at_once(alice, conversation):
    with pytest.raises(ValidationError) as caught:
        _book(alice, conversation, length_minutes=0, time_zone="Mars/Olympus", format="")
    assert set(caught.value.message_dict) == {"length_minutes", "time_zone", "format"}


@pytest.mark.parametrize(
    "state", [State.HELD, State.THANKED, State.DECLINED, State.NO_REPLY, State.CANCELLED]
)
def test_it_refuses_to_book_a_conversation_that_is_over(alice, conversation, state):
    conversation.state = state
    conversation.save()
    before = _snapshot(conversation)
    with pytest.raises(ValidationError) as caught:
        _book(alice, conversation)
    assert caught.value.code == "transition"
    assert f"that is {State(state).label.lower()} cannot be booked" in caught.value.messages[0]
    assert _snapshot(conversation) == before


def test_it_refuses_another_users_conversation(bob, conversation):
    before = _snapshot(conversation)
    with pytest.raises(PermissionError):
        _book(bob, conversation)
    for service in (conversation_cancel, conversation_mark_no_show, conversation_mark_held):
        with pytest.raises(PermissionError):
            service(owner=bob, conversation=conversation)
    assert _snapshot(conversation) == before
    assert not Reschedule.objects.exists()


# Cancel, no-show, held


def test_it_cancels_a_booking_and_supersedes_the_invitation(alice, conversation):
    _book(alice, conversation)
    at = NOW + timedelta(days=1)
    conversation_cancel(owner=alice, conversation=conversation, reason="Changed jobs", now=at)
    conversation.refresh_from_db()
    assert conversation.state == State.CANCELLED
    assert conversation.closed_at == at
    assert conversation.ics_sequence == 1
    assert conversation.scheduled_for == START, "kept, so the cancellation can name the event"


def test_it_refuses_to_cancel_a_held_conversation(alice, conversation):
    conversation.state = State.HELD
    conversation.save()
    before = _snapshot(conversation)
    with pytest.raises(ValidationError):
        conversation_cancel(owner=alice, conversation=conversation)
    assert _snapshot(conversation) == before


def test_it_marks_a_no_show_from_the_start_and_not_before(alice, conversation):
    _book(alice, conversation)
    before = _snapshot(conversation)
    with pytest.raises(ValidationError) as caught:
        conversation_mark_no_show(
            owner=alice, conversation=conversation, now=START - timedelta(minutes=1)
        )
    assert "not started yet" in caught.value.messages[0]
    assert _snapshot(conversation) == before

    conversation_mark_no_show(owner=alice, conversation=conversation, now=START)
    conversation.refresh_from_db()
    assert conversation.state == State.NO_SHOW and conversation.closed_at is None


def test_it_marks_held_at_the_time_given_or_as_booked(alice, conversation, contact):
    _book(alice, conversation)
    held_at = START + timedelta(minutes=25)
    conversation_mark_held(
        owner=alice, conversation=conversation, held_at=held_at, now=START + timedelta(hours=2)
    )
    conversation.refresh_from_db()
    assert conversation.state == State.HELD and conversation.held_at == held_at

    other = Conversation.objects.create(owner=alice, contact=contact)
    _book(alice, other)
    conversation_mark_held(owner=alice, conversation=other, now=START + timedelta(hours=1))
    other.refresh_from_db()
    # Without a time given, the booked time once it has come.
    assert other.held_at == START


def test_it_refuses_held_in_the_future(alice, conversation):
    _book(alice, conversation)
    before = _snapshot(conversation)
    with pytest.raises(ValidationError) as caught:
        conversation_mark_held(
            owner=alice, conversation=conversation, held_at=NOW + timedelta(hours=1), now=NOW
        )
    assert "still to come" in caught.value.message_dict["held_at"][0]
    assert _snapshot(conversation) == before


@pytest.mark.parametrize("state", [State.PLANNED, State.REQUESTED, State.NO_SHOW])
def test_it_refuses_held_or_no_show_before_a_booking(alice, conversation, state):
    conversation.state = state
    conversation.save()
    before = _snapshot(conversation)
    with pytest.raises(ValidationError) as caught:
        conversation_mark_held(owner=alice, conversation=conversation)
    assert caught.value.messages == ["Only a scheduled conversation can be marked held."]
    with pytest.raises(ValidationError):
        conversation_mark_no_show(owner=alice, conversation=conversation)
    assert _snapshot(conversation) == before


# Time zones and daylight saving


@pytest.mark.parametrize(
    ("day", "utc_hour", "new_york_hour"),
    [
        # Before either change: Berlin UTC+1, New York UTC−5.
        (date(2027, 3, 8), 9, 4),
        # New York has moved (14 March), Berlin not yet: the gap is five hours, not six.
        (date(2027, 3, 22), 9, 5),
        # The Monday after Berlin's change (28 March): UTC+2 and UTC−4.
        (date(2027, 3, 29), 8, 4),
    ],
)
def test_a_berlin_booking_reads_right_in_utc_and_in_new_york(
    alice, conversation, contact, day, utc_hour, new_york_hour
):
    start = local_start(day=day, at=time(10, 0), time_zone="Europe/Berlin")
    _book(alice, conversation, start=start)
    conversation.refresh_from_db()

    assert conversation.scheduled_for.astimezone(UTC) == datetime.combine(
        day, time(utc_hour), tzinfo=UTC
    )
    contact.time_zone = "America/New_York"
    times = local_times(conversation, user_zone="Europe/Berlin", contact_zone=contact.time_zone)
    assert [(label, moment.replace(tzinfo=None)) for label, moment in times] == [
        ("Your time (Europe/Berlin)", datetime.combine(day, time(10, 0))),
        ("Their time (America/New_York)", datetime.combine(day, time(new_york_hour, 0))),
    ]
    assert times[1][1].tzinfo == NEW_YORK


def test_local_times_shows_one_clock_when_both_read_the_same(alice, conversation):
    _book(alice, conversation)
    for contact_zone in ("Europe/Berlin", "Europe/Paris", ""):
        times = local_times(conversation, user_zone="Europe/Berlin", contact_zone=contact_zone)
        assert [label for label, _ in times] == ["Your time (Europe/Berlin)"]


def test_local_times_falls_back_to_the_conversations_zone(alice, conversation):
    _book(alice, conversation)
    [(label, moment)] = local_times(conversation, user_zone="Not/AZone", contact_zone="")
    assert label == "Your time (Europe/Berlin)" and moment.hour == 10
    assert local_times(Conversation(), user_zone="UTC", contact_zone="UTC") == []


def test_local_start_refuses_a_time_the_clocks_skip():
    with pytest.raises(ValidationError) as caught:
        local_start(day=date(2027, 3, 28), at=time(2, 30), time_zone="Europe/Berlin")
    assert "02:30 does not exist on 28 March 2027" in caught.value.message_dict["time"][0]


def test_local_start_takes_the_first_of_a_repeated_hour():
    start = local_start(day=date(2027, 10, 31), at=time(2, 30), time_zone="Europe/Berlin")
    assert start.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_local_start_refuses_an_unknown_zone():
    with pytest.raises(ValidationError) as caught:
        local_start(day=date(2027, 3, 1), at=time(10), time_zone="Berlin")
    assert "time_zone" in caught.value.message_dict


def test_upcoming_conversations_are_booked_future_and_the_owners(alice, bob, contact):
    soon, later, past = (Conversation.objects.create(owner=alice, contact=contact) for _ in "abc")
    _book(alice, later, start=START + timedelta(days=3))
    _book(alice, soon)
    _book(alice, past)
    held = Conversation.objects.create(owner=alice, contact=contact)
    _book(alice, held)
    conversation_mark_held(owner=alice, conversation=held, now=START + timedelta(hours=1))
    now = START - timedelta(hours=1)
    past.scheduled_for = now - timedelta(minutes=1)
    past.save()
    assert list(upcoming_conversations(owner=alice, now=now)) == [soon, later]
    assert not upcoming_conversations(owner=bob, now=now).exists()


def test_it_marks_held_earlier_than_booked_but_not_before_the_request(alice, conversation):
    conversation.state, conversation.requested_at = State.REQUESTED, NOW - timedelta(days=3)
    conversation.save()
    _book(alice, conversation)
    before = _snapshot(conversation)
    with pytest.raises(ValidationError) as caught:
        conversation_mark_held(
            owner=alice,
            conversation=conversation,
            held_at=NOW - timedelta(days=4),
            now=NOW + timedelta(hours=1),
        )
    message = caught.value.message_dict["held_at"][0]
    assert message.startswith("That is before you sent the request (12 January 2027, 10:00 ")
    assert _snapshot(conversation) == before

    # The call moved to this morning, a fortnight before the booked time.
    conversation_mark_held(owner=alice, conversation=conversation, held_at=NOW, now=NOW)
    conversation.refresh_from_db()
    assert conversation.state == State.HELD and conversation.held_at == NOW


def test_without_a_time_it_is_held_now_when_the_booked_time_is_still_to_come(alice, conversation):
    _book(alice, conversation)
    conversation_mark_held(owner=alice, conversation=conversation, now=NOW)
    conversation.refresh_from_db()
    assert conversation.held_at == NOW


# A past reschedule: the call moved to a time already past, and took place then


def test_a_past_reschedule_moves_the_booking_and_marks_it_held(alice, conversation):
    conversation.state, conversation.requested_at = State.REQUESTED, NOW - timedelta(days=5)
    conversation.save()
    _book(alice, conversation)
    uid = conversation.ics_uid
    earlier = NOW + timedelta(days=2)

    _book(
        alice,
        conversation,
        start=earlier,
        reason="They had a free hour",
        happened=True,
        now=NOW + timedelta(days=3),
    )

    conversation.refresh_from_db()
    assert conversation.state == State.HELD
    assert conversation.scheduled_for == earlier and conversation.held_at == earlier
    # The calendar's copy is superseded as for any move.
    assert conversation.ics_uid == uid and conversation.ics_sequence == 1
    [move] = conversation.reschedules.all()
    assert (move.previous_start, move.new_start, move.reason) == (
        START,
        earlier,
        "They had a free hour",
    )


def test_a_conversation_had_before_it_was_booked_is_recorded_held(alice, conversation):
    conversation.state, conversation.requested_at = State.REQUESTED, NOW - timedelta(days=5)
    conversation.save()
    yesterday = NOW - timedelta(days=1)

    _book(alice, conversation, start=yesterday, happened=True)

    conversation.refresh_from_db()
    assert conversation.state == State.HELD and conversation.held_at == yesterday
    assert not conversation.reschedules.exists()


@pytest.mark.parametrize(
    ("start", "words"),
    [
        (NOW + timedelta(hours=1), "still to come"),
        (NOW - timedelta(days=6), "before you sent the request"),
    ],
)
def test_a_past_reschedule_must_be_past_and_after_the_request(alice, conversation, start, words):
    conversation.state, conversation.requested_at = State.REQUESTED, NOW - timedelta(days=5)
    conversation.save()
    _book(alice, conversation)
    before = _snapshot(conversation)
    with pytest.raises(ValidationError) as caught:
        _book(alice, conversation, start=start, happened=True)
    assert words in caught.value.message_dict["start"][0]
    assert _snapshot(conversation) == before
