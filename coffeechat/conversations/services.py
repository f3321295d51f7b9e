"""Every write to conversations. State changes are checked against one transition table."""

import copy
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from coffeechat.contacts.models import Contact
from coffeechat.conversations.models import CLOSED_STATES, OPEN_STATES, Conversation, State
from coffeechat.lib.model_checks import validate_instance
from coffeechat.lib.owned import Owner, check_owner

# Which state may follow which. Closed states end a conversation; talking to the same person
# again starts a new one.
TRANSITIONS: dict[str, set[str]] = {
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

_REFUSALS: dict[str, str] = {
    State.THANKED: "A thank-you can only follow a conversation that was held.",
    State.HELD: "Only a scheduled conversation can be marked held.",
    State.NO_REPLY: "Only a request still waiting for a reply can be closed as “no reply”.",
}


def conversation_transition(
    *, owner: Owner, conversation: Conversation, to: str, at: datetime | None = None
) -> Conversation:
    """Moves `conversation` to state `to`, recording when; refuses a move the table forbids."""
    check_owner(owner, conversation)
    if to not in State.values:
        raise ValidationError(f"“{to}” is not a state a conversation can be in.", code="transition")
    if to not in TRANSITIONS[conversation.state]:
        refusal = _REFUSALS.get(to) or (
            f"A conversation that is {conversation.get_state_display().lower()} cannot "
            f"become {State(to).label.lower()}."
        )
        raise ValidationError(refusal, code="transition")
    at = at or timezone.now()
    changes: dict[str, object] = {"state": to}
    stamps: dict[str, str] = {
        State.REQUESTED: "requested_at",
        State.HELD: "held_at",
        State.THANKED: "thanked_at",
    }
    stamp = stamps.get(to)
    if stamp:
        changes[stamp] = at
    if to in CLOSED_STATES:
        changes["closed_at"] = at
    # Checked on a copy, so a refused move leaves the caller's conversation as it was.
    probe = copy.copy(conversation)
    for field, value in changes.items():
        setattr(probe, field, value)
    validate_instance(probe, fields=changes)
    for field, value in changes.items():
        setattr(conversation, field, value)
    conversation.save()
    return conversation


def conversation_open_get(*, owner: Owner, contact: Contact) -> Conversation | None:
    """The contact's conversation still in progress, if any."""
    check_owner(owner, contact)
    return (
        Conversation.objects.owned_by(owner)
        .filter(contact=contact, state__in=OPEN_STATES)
        .order_by("-created_at", "-pk")
        .first()
    )


def conversation_start(*, owner: Owner, contact: Contact) -> Conversation:
    """The open conversation with `contact`, or a new planned one."""
    check_owner(owner, contact)
    if contact.do_not_contact:
        raise ValidationError(f"{contact.name} is marked “do not contact”.", code="do_not_contact")
    existing = conversation_open_get(owner=owner, contact=contact)
    if existing:
        return existing
    conversation = Conversation(owner=owner, contact=contact, time_zone=contact.time_zone)
    validate_instance(conversation)
    conversation.save()
    return conversation


def conversation_record_reply(
    *, owner: Owner, conversation: Conversation, outcome: str, at: datetime | None = None
) -> Conversation:
    """A reply from the contact.

    "accepted" and "other" record when they answered. "declined" closes a request, and
    cancels a conversation that was already booked.
    """
    check_owner(owner, conversation)
    if outcome not in ("accepted", "declined", "other"):
        raise ValidationError({"outcome": "Say whether they accepted, declined or other."})
    at = at or timezone.now()
    if conversation.state == State.PLANNED:
        conversation_transition(owner=owner, conversation=conversation, to=State.REQUESTED, at=at)
    if conversation.replied_at is None:
        conversation.replied_at = at
        validate_instance(conversation, fields=["replied_at"])
        conversation.save(update_fields=["replied_at", "updated_at"])
    if outcome == "declined":
        closing: dict[str, str] = {
            State.REQUESTED: State.DECLINED,
            State.SCHEDULED: State.CANCELLED,
        }
        if conversation.state in closing:
            conversation_transition(
                owner=owner, conversation=conversation, to=closing[conversation.state], at=at
            )
    return conversation
