"""A confirmation sent over a real SMTP server on 127.0.0.1 carries the calendar invitation."""

import email
import email.policy
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from django.utils import timezone

from coffeechat.accounts.services import profile_update
from coffeechat.conversations.models import State
from coffeechat.conversations.scheduling import conversation_cancel, conversation_schedule
from coffeechat.outreach import services
from coffeechat.outreach.drafting import message_draft_create
from coffeechat.outreach.models import Message, MessageStatus


@pytest.fixture
def booked(alice, conversation):
    profile_update(owner=alice, display_name="Alice Ng")
    start = (timezone.now() + timedelta(days=7)).astimezone(ZoneInfo("Europe/Berlin"))
    start = start.replace(hour=10, minute=0, second=0, microsecond=0)
    return conversation_schedule(
        owner=alice,
        conversation=conversation,
        start=start,
        time_zone="Europe/Berlin",
        length_minutes=20,
        format="video",
        place="https://meet.example/ada",
    )


def _invitation(received: email.message.EmailMessage):
    parts = [p for p in received.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, "exactly one invitation"
    return parts[0]


def test_a_sent_confirmation_carries_the_invitation(alice, contact, booked, smtp_server):
    draft = message_draft_create(
        owner=alice,
        contact=contact,
        template="builtin:confirmation_email",
        conversation=booked,
    )
    services.message_send(owner=alice, message=draft)

    [received] = smtp_server.received
    assert received.get_body(preferencelist=("plain",)).get_content().startswith("Dear Ada")
    part = _invitation(received)
    assert part.get_filename() == "invite.ics"
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    data = part.get_payload(decode=True)
    assert b"\r\nEND:VEVENT\r\n" in data, "CRLF line ends survive the trip"
    cal = vobject.readOne(data.decode("utf-8"))
    assert cal.method.value == "REQUEST"
    assert cal.vevent.uid.value == booked.ics_uid
    assert cal.vevent.dtstart.value == booked.scheduled_for
    assert cal.vevent.organizer.value == "mailto:alice@example.org"
    assert cal.vevent.organizer.params["CN"] == ["Alice Ng"]
    assert cal.vevent.attendee.value == "mailto:ada@example.com"
    draft.refresh_from_db()
    assert draft.status == MessageStatus.SENT


def test_a_new_time_carries_the_next_sequence(alice, contact, booked, smtp_server):
    conversation_schedule(
        owner=alice,
        conversation=booked,
        start=booked.scheduled_for + timedelta(days=1),
        time_zone="Europe/Berlin",
        length_minutes=20,
        format="video",
        place="https://meet.example/ada",
    )
    draft = message_draft_create(
        owner=alice,
        contact=contact,
        template="builtin:reschedule_email",
        conversation=booked,
        slots={"moved_by": "them"},
    )
    services.message_send(owner=alice, message=draft)
    cal = vobject.readOne(_invitation(smtp_server.received[0]).get_payload(decode=True).decode())
    assert cal.vevent.uid.value == booked.ics_uid
    assert cal.vevent.sequence.value == "1"


def test_a_message_about_a_cancelled_booking_carries_the_cancellation(
    alice, contact, booked, smtp_server
):
    draft = message_draft_create(
        owner=alice,
        contact=contact,
        template="builtin:reschedule_email",
        conversation=booked,
        slots={"moved_by": "them"},
    )
    conversation_cancel(owner=alice, conversation=booked)
    services.message_update(
        owner=alice, message=draft, subject="Cancelling", body="Dear Ada, I must cancel."
    )
    services.message_send(owner=alice, message=draft)

    part = _invitation(smtp_server.received[0])
    assert part.get_param("method") == "CANCEL"
    cal = vobject.readOne(part.get_payload(decode=True).decode())
    assert cal.method.value == "CANCEL" and cal.vevent.status.value == "CANCELLED"
    assert cal.vevent.uid.value == booked.ics_uid


def test_other_messages_carry_no_invitation(alice, contact, conversation, smtp_server):
    draft = message_draft_create(
        owner=alice,
        contact=contact,
        template="builtin:request_email",
        conversation=conversation,
    )
    services.message_send(owner=alice, message=draft)
    [received] = smtp_server.received
    assert not list(received.iter_attachments())
    conversation.refresh_from_db()
    assert conversation.state == State.REQUESTED


def test_a_confirmation_before_any_booking_carries_no_invitation(
    alice, contact, conversation, smtp_server
):
    # Written by hand: the draft service would not write a confirmation before a booking.
    draft = Message.objects.create(
        owner=alice,
        contact=contact,
        conversation=conversation,
        kind="confirmation",
        subject="Our conversation",
        body="Dear Ada, thank you for agreeing to talk.",
    )
    services.message_send(owner=alice, message=draft)
    assert not list(smtp_server.received[0].iter_attachments())


def test_the_invitation_names_the_time_in_berlin(alice, contact, booked, smtp_server):
    draft = message_draft_create(
        owner=alice, contact=contact, template="builtin:confirmation_email", conversation=booked
    )
    services.message_send(owner=alice, message=draft)
    data = _invitation(smtp_server.received[0]).get_payload(decode=True)
    local = booked.scheduled_for.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"DTSTART;TZID=Europe/Berlin:{local:%Y%m%dT%H%M%S}".encode() in data
    assert local.hour == 10 and isinstance(local, datetime)
