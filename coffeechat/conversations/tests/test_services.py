from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coffeechat.contacts.services import contact_create
from coffeechat.conversations.models import OPEN_STATES, Conversation, State
from coffeechat.conversations.services import (
    TRANSITIONS,
    conversation_open_get,
    conversation_record_reply,
    conversation_start,
    conversation_transition,
)

TIMESTAMPS = ("requested_at", "replied_at", "held_at", "thanked_at", "closed_at")
# What each state records when a conversation enters it, written out independently of the
# service so that a change to either is noticed.
RECORDS = {
    State.PLANNED: set(),
    State.REQUESTED: {"requested_at"},
    State.SCHEDULED: set(),
    State.HELD: {"held_at"},
    State.THANKED: {"thanked_at", "closed_at"},
    State.DECLINED: {"closed_at"},
    State.NO_REPLY: {"closed_at"},
    State.CANCELLED: {"closed_at"},
    State.NO_SHOW: set(),
}
# The life of a conversation as the product brief tells it, written out here rather than read
# from the service's table, so that a change to the table has to be made on purpose in both.
EXPECTED_MOVES = {
    State.PLANNED: {State.REQUESTED, State.SCHEDULED, State.CANCELLED},
    State.REQUESTED: {State.SCHEDULED, State.DECLINED, State.NO_REPLY, State.CANCELLED},
    State.SCHEDULED: {State.HELD, State.CANCELLED, State.NO_SHOW},
    State.HELD: {State.THANKED},
    State.NO_SHOW: {State.SCHEDULED},
    State.THANKED: set(),
    State.DECLINED: set(),
    State.NO_REPLY: set(),
    State.CANCELLED: set(),
}
ALLOWED = [(before, after) for before, afters in EXPECTED_MOVES.items() for after in sorted(afters)]
FORBIDDEN = [
    (before, after) for before in State for after in State if after not in EXPECTED_MOVES[before]
]


def _pair_id(pair: tuple[str, str]) -> str:
    return f"{pair[0]}->{pair[1]}"


def _in_state(owner, contact, state: str) -> Conversation:
    return Conversation.objects.create(owner=owner, contact=contact, state=state)


def _snapshot(conversation: Conversation) -> dict:
    fields = ("state", *TIMESTAMPS, "updated_at")
    return {field: getattr(conversation, field) for field in fields}


def test_every_state_has_a_row_in_the_table():
    assert set(EXPECTED_MOVES) == set(RECORDS) == set(State)
    assert TRANSITIONS == EXPECTED_MOVES


@pytest.mark.parametrize("pair", ALLOWED, ids=_pair_id)
def test_it_makes_every_allowed_transition_and_records_when(alice, contact, pair):
    before, after = pair
    conversation = _in_state(alice, contact, before)
    at = timezone.now() - timedelta(hours=3)

    returned = conversation_transition(owner=alice, conversation=conversation, to=after, at=at)

    assert returned is conversation
    conversation.refresh_from_db()
    assert conversation.state == after
    for field in TIMESTAMPS:
        expected = at if field in RECORDS[after] else None
        assert getattr(conversation, field) == expected, field


def test_it_records_now_when_no_time_is_given(alice, contact):
    conversation = _in_state(alice, contact, State.PLANNED)
    before = timezone.now()
    conversation_transition(owner=alice, conversation=conversation, to=State.REQUESTED)
    conversation.refresh_from_db()
    assert before <= conversation.requested_at <= timezone.now()


def test_it_keeps_earlier_timestamps_along_the_way(alice, contact):
    conversation = _in_state(alice, contact, State.PLANNED)
    start = timezone.now() - timedelta(days=10)
    steps = [State.REQUESTED, State.SCHEDULED, State.HELD, State.THANKED]
    for day, state in enumerate(steps):
        conversation_transition(
            owner=alice, conversation=conversation, to=state, at=start + timedelta(days=day)
        )
    conversation.refresh_from_db()
    assert conversation.state == State.THANKED
    assert conversation.requested_at == start
    assert conversation.held_at == start + timedelta(days=2)
    assert conversation.thanked_at == conversation.closed_at == start + timedelta(days=3)


@pytest.mark.parametrize("pair", FORBIDDEN, ids=_pair_id)
def test_it_refuses_every_transition_not_in_the_table_and_changes_nothing(alice, contact, pair):
    before, after = pair
    conversation = _in_state(alice, contact, before)
    saved = _snapshot(conversation)

    with pytest.raises(ValidationError) as caught:
        conversation_transition(owner=alice, conversation=conversation, to=after)

    assert caught.value.code == "transition"
    assert _snapshot(conversation) == saved
    conversation.refresh_from_db()
    assert _snapshot(conversation) == saved


@pytest.mark.parametrize("before", [s for s in State if State.THANKED not in EXPECTED_MOVES[s]])
def test_it_explains_that_a_thank_you_follows_a_held_conversation(alice, contact, before):
    conversation = _in_state(alice, contact, before)
    with pytest.raises(ValidationError) as caught:
        conversation_transition(owner=alice, conversation=conversation, to=State.THANKED)
    assert caught.value.messages == ["A thank-you can only follow a conversation that was held."]


def test_it_explains_other_refusals_in_words(alice, contact):
    declined = _in_state(alice, contact, State.DECLINED)
    with pytest.raises(ValidationError) as caught:
        conversation_transition(owner=alice, conversation=declined, to=State.SCHEDULED)
    assert caught.value.messages == ["A conversation that is declined cannot become scheduled."]

    planned = _in_state(alice, contact, State.PLANNED)
    with pytest.raises(ValidationError) as caught:
        conversation_transition(owner=alice, conversation=planned, to=State.HELD)
    assert caught.value.messages == ["Only a scheduled conversation can be marked held."]


def test_it_refuses_to_move_another_users_conversation(bob, conversation):
    with pytest.raises(PermissionError):
        conversation_transition(owner=bob, conversation=conversation, to=State.REQUESTED)
    conversation.refresh_from_db()
    assert conversation.state == State.PLANNED and conversation.requested_at is None


# Starting a conversation


def test_it_starts_a_planned_conversation_in_the_contacts_time_zone(alice):
    person = contact_create(owner=alice, name="Ines Carvalho", time_zone="Europe/Lisbon")
    conversation = conversation_start(owner=alice, contact=person)
    assert conversation.state == State.PLANNED
    assert conversation.contact == person and conversation.owner == alice
    assert conversation.time_zone == "Europe/Lisbon"


def test_it_refuses_to_start_a_conversation_with_a_do_not_contact_person(alice, contact):
    contact.do_not_contact = True
    contact.save()
    with pytest.raises(ValidationError) as caught:
        conversation_start(owner=alice, contact=contact)
    assert caught.value.code == "do_not_contact"
    assert "do not contact" in caught.value.messages[0]
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("state", OPEN_STATES)
def test_it_returns_the_open_conversation_instead_of_a_second(alice, contact, state):
    existing = _in_state(alice, contact, state)
    assert conversation_start(owner=alice, contact=contact) == existing
    assert conversation_open_get(owner=alice, contact=contact) == existing
    assert Conversation.objects.count() == 1


def test_it_starts_a_new_conversation_after_a_closed_one(alice, contact):
    closed = _in_state(alice, contact, State.THANKED)
    fresh = conversation_start(owner=alice, contact=contact)
    assert fresh != closed and fresh.state == State.PLANNED
    assert Conversation.objects.count() == 2


def test_it_refuses_to_start_a_conversation_with_another_users_contact(bob, contact):
    with pytest.raises(PermissionError):
        conversation_start(owner=bob, contact=contact)
    assert not Conversation.objects.exists()


# Replies to a request


def test_an_accepted_reply_notes_when_and_keeps_the_request_open(alice, contact):
    conversation = _in_state(alice, contact, State.REQUESTED)
    at = timezone.now() - timedelta(hours=1)
    conversation_record_reply(owner=alice, conversation=conversation, outcome="accepted", at=at)
    conversation.refresh_from_db()
    assert conversation.state == State.REQUESTED
    assert conversation.replied_at == at and conversation.closed_at is None


def test_a_later_reply_keeps_the_first_reply_time(alice, contact):
    conversation = _in_state(alice, contact, State.REQUESTED)
    first = timezone.now() - timedelta(days=2)
    conversation_record_reply(owner=alice, conversation=conversation, outcome="other", at=first)
    conversation_record_reply(owner=alice, conversation=conversation, outcome="accepted")
    conversation.refresh_from_db()
    assert conversation.state == State.REQUESTED and conversation.replied_at == first


def test_a_declined_reply_closes_the_conversation(alice, contact):
    conversation = _in_state(alice, contact, State.REQUESTED)
    at = timezone.now() - timedelta(hours=1)
    conversation_record_reply(owner=alice, conversation=conversation, outcome="declined", at=at)
    conversation.refresh_from_db()
    assert conversation.state == State.DECLINED
    assert conversation.replied_at == conversation.closed_at == at
    assert conversation_open_get(owner=alice, contact=contact) is None


def test_a_reply_to_a_planned_conversation_first_marks_it_requested(alice, conversation):
    at = timezone.now() - timedelta(hours=1)
    conversation_record_reply(owner=alice, conversation=conversation, outcome="accepted", at=at)
    conversation.refresh_from_db()
    assert conversation.state == State.REQUESTED
    assert conversation.requested_at == conversation.replied_at == at


def test_a_decline_of_a_planned_conversation_passes_through_requested(alice, conversation):
    at = timezone.now() - timedelta(hours=1)
    conversation_record_reply(owner=alice, conversation=conversation, outcome="declined", at=at)
    conversation.refresh_from_db()
    assert conversation.state == State.DECLINED
    assert conversation.requested_at == conversation.replied_at == conversation.closed_at == at


def test_it_refuses_to_record_a_reply_on_another_users_conversation(bob, contact):
    conversation = _in_state(contact.owner, contact, State.REQUESTED)
    saved = _snapshot(conversation)
    for outcome in ("accepted", "declined", "other"):
        with pytest.raises(PermissionError):
            conversation_record_reply(owner=bob, conversation=conversation, outcome=outcome)
    conversation.refresh_from_db()
    assert _snapshot(conversation) == saved


def test_it_refuses_a_state_that_does_not_exist(alice, conversation):
    with pytest.raises(ValidationError) as caught:
        conversation_transition(owner=alice, conversation=conversation, to="bogus")
    assert "“bogus” is not a state" in caught.value.messages[0]


def test_it_cancels_a_booked_conversation_they_decline(alice, conversation):
    conversation_transition(owner=alice, conversation=conversation, to="scheduled")
    conversation_record_reply(owner=alice, conversation=conversation, outcome="declined")
    assert conversation.state == "cancelled" and conversation.closed_at


def test_it_refuses_an_unknown_reply_outcome(alice, conversation):
    with pytest.raises(ValidationError):
        conversation_record_reply(owner=alice, conversation=conversation, outcome="maybe")
    conversation.refresh_from_db()
    assert conversation.state == "planned" and conversation.replied_at is None


def test_it_books_a_no_show_again_in_the_same_conversation(alice, contact, conversation):
    conversation_transition(owner=alice, conversation=conversation, to="scheduled")
    conversation_transition(owner=alice, conversation=conversation, to="no_show")
    assert conversation_start(owner=alice, contact=contact) == conversation
