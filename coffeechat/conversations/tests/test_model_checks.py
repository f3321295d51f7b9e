"""Bad values are refused by the conversation services before anything is written."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from coffeechat.conversations import questions, takeaways
from coffeechat.conversations.models import (
    ChosenQuestion,
    Conversation,
    Question,
    Reschedule,
    State,
    Takeaway,
)
from coffeechat.conversations.scheduling import (
    conversation_cancel,
    conversation_mark_held,
    conversation_schedule,
    local_start,
)
from coffeechat.conversations.services import (
    conversation_record_reply,
    conversation_start,
    conversation_transition,
)
from coffeechat.lib.validation import TEXT_LIMIT

NOW = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
START = datetime(2027, 2, 2, 10, 0, tzinfo=UTC)
FAR_PAST = datetime(1, 1, 2, tzinfo=UTC)
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


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


def _stored(conversation) -> tuple:
    row = Conversation.objects.get(pk=conversation.pk)
    return (row.state, row.scheduled_for, row.time_zone, row.place, row.notes, row.closed_at)


@pytest.fixture
def held(alice, conversation):
    _book(alice, conversation)
    return conversation_mark_held(owner=alice, conversation=conversation, held_at=START, now=START)


@pytest.mark.parametrize("at", [FAR_PAST, FAR_FUTURE], ids=["year-0001", "year-9999"])
def test_it_refuses_a_transition_at_a_time_out_of_range(alice, conversation, at):
    before = _stored(conversation)
    with pytest.raises(ValidationError) as refusal:
        conversation_transition(owner=alice, conversation=conversation, to=State.CANCELLED, at=at)
    assert "closed_at" in refusal.value.message_dict
    assert conversation.state == State.PLANNED
    assert _stored(conversation) == before


def test_it_refuses_a_reply_at_a_time_out_of_range(alice, conversation):
    conversation_transition(owner=alice, conversation=conversation, to=State.REQUESTED, at=NOW)
    with pytest.raises(ValidationError):
        conversation_record_reply(
            owner=alice, conversation=conversation, outcome="accepted", at=FAR_FUTURE
        )
    assert Conversation.objects.get(pk=conversation.pk).replied_at is None


def test_it_refuses_to_start_a_conversation_in_a_stored_bad_zone(alice, contact):
    # A zone stored before zones were checked is not copied onto a new conversation.
    type(contact).objects.filter(pk=contact.pk).update(time_zone="Mars/Olympus_Mons")
    contact.refresh_from_db()
    with pytest.raises(ValidationError) as refusal:
        conversation_start(owner=alice, contact=contact)
    assert "time_zone" in refusal.value.message_dict
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"time_zone": "Mars/Olympus_Mons"}, "time_zone", id="unknown-zone"),
        pytest.param({"time_zone": "Europe/Berlin\x00"}, "time_zone", id="nul-in-zone"),
        pytest.param({"place": "Café\x00Central"}, "place", id="nul-in-place"),
        pytest.param({"place": "Café\x1b[2JCentral"}, "place", id="escape-in-place"),
        pytest.param({"start": FAR_FUTURE}, "start", id="year-9999"),
        # 23:00 UTC on the last day of 2200 is already 2201 on Kiritimati's clock.
        pytest.param(
            {"start": datetime(2200, 12, 31, 23, tzinfo=UTC), "time_zone": "Pacific/Kiritimati"},
            "scheduled_for",
            id="year-2201-in-its-zone",
        ),
    ],
)
def test_it_refuses_a_bad_booking_and_writes_nothing(alice, conversation, changes, field):
    before = _stored(conversation)
    with pytest.raises(ValidationError) as refusal:
        _book(alice, conversation, **changes)
    assert field in refusal.value.message_dict
    assert _stored(conversation) == before
    assert conversation.state == State.PLANNED


def test_it_refuses_a_bad_reason_for_a_move_and_keeps_the_booking(alice, conversation):
    _book(alice, conversation)
    before = _stored(conversation)
    later = datetime(2027, 2, 3, 10, 0, tzinfo=UTC)
    with pytest.raises(ValidationError) as refusal:
        _book(alice, conversation, start=later, reason="ill\x00")
    assert "reason" in refusal.value.message_dict
    assert _stored(conversation) == before
    assert not Reschedule.objects.exists()
    with pytest.raises(ValidationError):
        conversation_cancel(owner=alice, conversation=conversation, reason="a\x00b")
    assert _stored(conversation) == before


def test_it_refuses_a_wall_time_on_a_day_out_of_range():
    with pytest.raises(ValidationError) as refusal:
        local_start(day=datetime(1, 1, 1).date(), at=START.time(), time_zone="Europe/Berlin")
    assert "date" in refusal.value.message_dict


def test_it_refuses_marking_held_at_a_time_out_of_range(alice, conversation):
    _book(alice, conversation)
    with pytest.raises(ValidationError) as refusal:
        conversation_mark_held(
            owner=alice, conversation=conversation, held_at=FAR_FUTURE, now=FAR_FUTURE
        )
    assert "between 1900 and 2200" in refusal.value.message_dict["held_at"][0]
    assert Conversation.objects.get(pk=conversation.pk).state == State.SCHEDULED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"notes": "a\x00b"}, "notes", id="nul-in-notes"),
        pytest.param({"notes": "x" * (TEXT_LIMIT + 1)}, "notes", id="long-notes"),
        pytest.param({"reflection_fit": "\x07"}, "reflection_fit", id="bell-in-reflection"),
    ],
)
def test_it_refuses_bad_notes(alice, held, changes, field):
    with pytest.raises(ValidationError) as refusal:
        takeaways.conversation_notes_update(owner=alice, conversation=held, **changes)
    assert field in refusal.value.message_dict
    assert Conversation.objects.get(pk=held.pk).notes == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"text": "Read\x00this"}, "text", id="nul-in-text"),
        pytest.param(
            {"kind": "referral", "referral_name": "Grace\r\nHopper"},
            "referral_name",
            id="crlf-in-referral-name",
        ),
        pytest.param(
            {"kind": "referral", "referral_name": "Grace", "referral_title": "Admiral\x00"},
            "referral_title",
            id="nul-in-referral-title",
        ),
    ],
)
def test_it_refuses_a_bad_takeaway(alice, held, changes, field):
    fields = {"kind": "insight", "text": "Start in support.", **changes}
    with pytest.raises(ValidationError) as refusal:
        takeaways.takeaway_add(owner=alice, conversation=held, **fields)
    assert field in refusal.value.message_dict
    assert not Takeaway.objects.exists()


@pytest.mark.parametrize("text", ["What\x00 do you do?", "What do\x1byou do?"])
def test_it_refuses_a_bad_question(alice, conversation, text):
    with pytest.raises(ValidationError) as refusal:
        questions.own_question_add(owner=alice, category="career_path", text=text)
    assert "text" in refusal.value.message_dict
    with pytest.raises(ValidationError):
        questions.chosen_question_add(
            owner=alice, conversation=conversation, text=text, category="career_path"
        )
    assert not Question.objects.exists() and not ChosenQuestion.objects.exists()


def test_it_refuses_a_bad_answer_note(alice, conversation):
    chosen = questions.chosen_question_add(
        owner=alice,
        conversation=conversation,
        text="How did you start?",
        category="career_path",
    )
    with pytest.raises(ValidationError) as refusal:
        questions.chosen_question_note(owner=alice, chosen=chosen, answer_note="a\x00b")
    assert "answer_note" in refusal.value.message_dict
    assert ChosenQuestion.objects.get(pk=chosen.pk).answer_note == ""
