"""The agenda's rules for a conversation under way: from their yes to the thank-you.

Each rule reads the snapshot (`AgendaData.conversations`) and returns its items; the table of
rules is in `rules`.
"""

from __future__ import annotations

from datetime import timedelta

from coffeechat.accounts.models import Profile
from coffeechat.agenda.items import AgendaItem, first_name, link, make_item, next_step
from coffeechat.agenda.rows import BookingRow, HeldRow, RequestRow
from coffeechat.agenda.snapshot import AgendaData
from coffeechat.agenda.timing import slot, start_of_day, when_text
from coffeechat.conversations.models import Format
from coffeechat.conversations.questions import ENOUGH_QUESTIONS
from coffeechat.lib.business_days import add_business_days

PREPARE_BEFORE = timedelta(hours=48)
THANK_YOU_DUE, THANK_YOU_OVERDUE = timedelta(hours=24), timedelta(hours=48)
PROPOSE_TIMES_OVERDUE_DAYS = 2


def _requests(data: AgendaData) -> list[RequestRow]:
    return [c for c in data.conversations if isinstance(c, RequestRow)]


def _held(data: AgendaData) -> list[HeldRow]:
    return [c for c in data.conversations if isinstance(c, HeldRow)]


def _upcoming_bookings(data: AgendaData) -> list[BookingRow]:
    """The bookings still to come whose time can be named."""
    # A booking out of range (an older row) has no day before or local time to name; the
    # calendar feed asks for it to be booked again instead.
    return [
        c
        for c in data.conversations
        if isinstance(c, BookingRow) and c.scheduled_for > data.now and c.in_range()
    ]


def _booking(conversation: BookingRow, data: AgendaData) -> str:
    """The booking in words: 'video call with Ada is tomorrow at 10:00'."""
    what = Format.in_words(conversation.format)
    when = when_text(conversation.scheduled_for, now=data.now, tz=data.tz)
    return f"{what} with {first_name(conversation.contact)} is {when}"


def _sentence(parts: list[str]) -> str:
    return "; ".join(part[:1].lower() + part[1:] for part in parts)


def prep_missing(conversation: BookingRow, profile: Profile) -> list[str]:
    """What the prep sheet still lacks, as `conversations.questions.prep_status` says it, but
    read from the snapshot: prep_status asks the database once per conversation."""
    contact, organization = conversation.contact, conversation.contact.organization
    missing = []
    if not conversation.researched:
        where = organization.name if organization else "their organisation"
        missing.append(f"Research notes on {contact.name} or {where}")
    if conversation.question_count < ENOUGH_QUESTIONS:
        missing.append(
            f"At least {ENOUGH_QUESTIONS} questions to ask "
            f"({conversation.question_count} chosen so far)"
        )
    if not profile.pitch.strip():
        missing.append("Your pitch, for when they ask you to tell them about yourself")
    return missing


def propose_times(data: AgendaData) -> list[AgendaItem]:
    items = []
    for conversation in _requests(data):
        said_yes = conversation.accepted_at or conversation.replied_at
        if conversation.scheduled_for is not None or said_yes is None:
            continue
        contact = conversation.contact
        items.append(
            make_item(
                "propose_times",
                f"conversation:{conversation.pk}",
                title=f"Agree a time with {contact.name}",
                reason=(
                    f"{first_name(contact)} replied "
                    f"{when_text(said_yes, now=data.now, tz=data.tz)}. "
                    "Offer two or three times that suit them, then book the one they choose."
                ),
                due_at=said_yes,
                overdue_at=add_business_days(said_yes, PROPOSE_TIMES_OVERDUE_DAYS, data.tz),
                contact=contact,
                conversation=conversation,
                **next_step(
                    data.routes, "book_time", contact=contact.pk, conversation=conversation.pk
                ),
            )
        )
    return items


def confirm(data: AgendaData) -> list[AgendaItem]:
    items = []
    for conversation in _upcoming_bookings(data):
        confirmed, rebooked = conversation.confirmed_at, conversation.rebooked_at
        if confirmed is not None and (rebooked is None or confirmed >= rebooked):
            continue
        moved = "the new time" if rebooked else "the time"
        items.append(
            make_item(
                "confirm",
                f"conversation:{conversation.pk}:{slot(conversation.scheduled_for)}",
                title=f"Confirm with {conversation.contact.name}",
                reason=(
                    f"Your {_booking(conversation, data)}. Confirm {moved} in writing, with "
                    "the place or link, so you both have the same."
                ),
                due_at=data.now,
                contact=conversation.contact,
                conversation=conversation,
                action_url=link(
                    data.routes,
                    "outreach:compose",
                    conversation.contact.pk,
                    kind="reschedule" if rebooked else "confirmation",
                    conversation=conversation.pk,
                ),
                action_label="Write the confirmation",
            )
        )
    return items


def remind(data: AgendaData) -> list[AgendaItem]:
    items = []
    for conversation in _upcoming_bookings(data):
        day_before = start_of_day(conversation.scheduled_for, data.tz, days=-1)
        if conversation.confirmed_at is not None and conversation.confirmed_at >= day_before:
            continue
        items.append(
            make_item(
                "remind",
                f"conversation:{conversation.pk}:{slot(conversation.scheduled_for)}",
                title=f"Remind {conversation.contact.name} and re-confirm",
                reason=(
                    f"Your {_booking(conversation, data)}. A short note the day before, with "
                    "the time and the place or link, saves a missed call."
                ),
                due_at=day_before,
                overdue_at=start_of_day(conversation.scheduled_for, data.tz),
                contact=conversation.contact,
                conversation=conversation,
                action_url=link(
                    data.routes,
                    "outreach:compose",
                    conversation.contact.pk,
                    kind="confirmation",
                    conversation=conversation.pk,
                ),
                action_label="Write the reminder",
            )
        )
    return items


def prepare(data: AgendaData) -> list[AgendaItem]:
    items = []
    for conversation in _upcoming_bookings(data):
        missing = prep_missing(conversation, data.profile)
        if not missing:
            continue
        items.append(
            make_item(
                "prepare",
                f"conversation:{conversation.pk}:{slot(conversation.scheduled_for)}",
                title=f"Prepare for {conversation.contact.name}",
                reason=f"Your {_booking(conversation, data)}. Still to do: {_sentence(missing)}.",
                due_at=conversation.scheduled_for - PREPARE_BEFORE,
                overdue_at=start_of_day(conversation.scheduled_for, data.tz),
                contact=conversation.contact,
                conversation=conversation,
                **next_step(
                    data.routes,
                    "prepare",
                    contact=conversation.contact.pk,
                    conversation=conversation.pk,
                ),
            )
        )
    return items


def write_notes(data: AgendaData) -> list[AgendaItem]:
    return [
        make_item(
            "write_notes",
            f"conversation:{conversation.pk}",
            title=f"Write up your conversation with {conversation.contact.name}",
            reason=(
                f"You talked {when_text(conversation.held_at, now=data.now, tz=data.tz)}. "
                "Write down what you heard, who else to talk to and what you will do next "
                "while it is fresh: the same day is best."
            ),
            due_at=conversation.held_at,
            overdue_at=start_of_day(conversation.held_at, data.tz, days=1),
            contact=conversation.contact,
            conversation=conversation,
            **next_step(
                data.routes,
                "write_notes",
                contact=conversation.contact.pk,
                conversation=conversation.pk,
            ),
        )
        for conversation in _held(data)
        if not conversation.notes.strip() and not conversation.has_takeaways
    ]


def thank_you(data: AgendaData) -> list[AgendaItem]:
    return [
        make_item(
            "thank_you",
            f"conversation:{conversation.pk}",
            title=f"Thank {conversation.contact.name}",
            reason=(
                f"You talked {when_text(conversation.held_at, now=data.now, tz=data.tz)}; a "
                "thank-you within 24 hours is best, naming one thing you took away."
            ),
            due_at=conversation.held_at + THANK_YOU_DUE,
            overdue_at=conversation.held_at + THANK_YOU_OVERDUE,
            contact=conversation.contact,
            conversation=conversation,
            **next_step(
                data.routes,
                "write_thank_you",
                contact=conversation.contact.pk,
                conversation=conversation.pk,
            ),
        )
        for conversation in _held(data)
        if conversation.thanked_at is None and not conversation.thank_you_sent
    ]
