"""Calendar invitations (RFC 5545 events, sent as RFC 5546 REQUEST or CANCEL) for conversations.

One conversation is one event with a UID that never changes; each change raises its SEQUENCE,
so the contact's calendar moves or removes the event it already has instead of adding another.
`conversation_event` builds that event for the invitation, the calendar export and the agenda
feed alike. The organiser is passed in rather than looked up, because the sender's address is
configured for mail delivery, which sits above this app.

Every text written here is put on one line first (names saved before they were checked may
hold line breaks), and a booking whose time is out of range is left out, never half-written.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.utils import timezone

# icalendar is imported where an invitation is written: importing it costs a tenth of a
# second that every page and command would otherwise pay.
if TYPE_CHECKING:
    from icalendar import Calendar, Event, TimezoneDaylight, TimezoneStandard, vCalAddress

from coffeechat.conversations.models import Conversation, Format, State
from coffeechat.conversations.scheduling import (
    booked_start,
    booking_end,
    booking_in_range,
    booking_minutes,
    event_uid,
    out_of_range_message,
    zone_for,
)
from coffeechat.lib.validation import one_line

PRODID = "-//coffeechat//Informational interviews//EN"
METHODS = ("REQUEST", "CANCEL", "PUBLISH")
REMINDER = timedelta(minutes=30)


def _calendar(method: str | None) -> "Calendar":
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    return cal


def add_time_zones(cal: "Calendar", starts: list[datetime]) -> None:
    """A VTIMEZONE for each zone the events use, written so that every reader agrees on it.

    icalendar lists the onsets of a rule as one RDATE with several values, which vobject (and
    so Radicale) misreads as "always standard time", and it dates a spring-forward onset at the
    wall time after the jump (03:00) where RFC 5545 reads DTSTART in the old offset (02:00).
    So the zones cover only whole years around the events, each onset becomes its own
    sub-component, and spring-forward onsets are moved back by the jump.
    """
    if not starts:
        return
    # Starts are in UTC, which can be a day off the local date: a month of slack on each side.
    first, last = date(min(starts).year - 1, 12, 1), date(max(starts).year + 1, 2, 1)
    cal.add_missing_timezones(first_date=first, last_date=last)
    for vtimezone in cal.walk("VTIMEZONE"):
        onsets: list[TimezoneStandard | TimezoneDaylight] = []
        for sub in cast("list[TimezoneStandard | TimezoneDaylight]", vtimezone.subcomponents):
            jump = max(sub.TZOFFSETTO - sub.TZOFFSETFROM, timedelta(0))
            for onset in [sub.DTSTART, *(moment for moment, _ in sub.rdates)]:
                single = type(sub)()
                single.add("tzname", sub.get("TZNAME"))
                single.TZOFFSETFROM = sub.TZOFFSETFROM
                single.TZOFFSETTO = sub.TZOFFSETTO
                single.DTSTART = onset - jump
                onsets.append(single)
        onsets.sort(key=lambda sub: sub.DTSTART)
        vtimezone.subcomponents = list(onsets)
        vtimezone.pop("COMMENT", None)


def _is_link(place: str) -> bool:
    return place.startswith(("https://", "http://")) and not any(c.isspace() for c in place)


def _address(email: str, name: str) -> "vCalAddress":
    from icalendar import vCalAddress

    address = vCalAddress(f"mailto:{one_line(email)}")
    if name:
        # A parameter value cannot hold a double quote; RFC 6868's escape for it is not read
        # by every calendar (vobject shows it as typed), so it becomes a single quote.
        address.params["cn"] = one_line(name).replace('"', "'")
    return address


def _description(conversation: Conversation, organizer_name: str, link: str) -> str:
    # The contact receives this text: it says what the meeting is and never carries the
    # user's research or notes about them.
    contact_name = one_line(conversation.contact.name)
    how = Format.in_words(conversation.format)
    who = f"{contact_name} and {organizer_name}" if organizer_name else contact_name
    lines = [
        f"A {booking_minutes(conversation)}-minute {how} between {who}: an informational "
        "interview, a conversation about their work and advice."
    ]
    place = one_line(conversation.place)
    if place:
        lines.append(f"Place or link: {place}")
    if link:
        lines.append(f"In coffeechat: {link}")
    return "\n".join(lines)


def conversation_event(
    conversation: Conversation,
    *,
    organizer_name: str,
    organizer_email: str,
    now: datetime,
    link: str = "",
) -> "Event":
    """The calendar event of a booked conversation, wherever it is written.

    Its UID is the stored one (`event_uid`) and its SEQUENCE the number of changes, so each
    new version replaces the last. `link`, when given, is the conversation's page, for the
    user's own calendar. Raises ValueError for a booking that is not in range
    (`booking_in_range`); callers leave those out.
    """
    from icalendar import Alarm, Event

    booked = booked_start(conversation)
    if booked is None:
        raise ValueError("The booked time is out of range.")
    contact_name = one_line(conversation.contact.name)
    organizer_name = one_line(organizer_name)
    zone = zone_for(conversation.time_zone)
    start = booked.astimezone(zone)
    cancelled = conversation.state == State.CANCELLED
    event = Event()
    event.add("uid", event_uid(conversation))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("sequence", conversation.ics_sequence)
    event.add("dtstart", start)
    event.add("dtend", booking_end(conversation).astimezone(zone))
    me = f" / {organizer_name}" if organizer_name else ""
    event.add("summary", f"Informational interview: {contact_name}{me}")
    event.add("description", _description(conversation, organizer_name, link))
    place = one_line(conversation.place)
    if place:
        event.add("location", place)
    if link or _is_link(place):
        event.add("url", link or place)
    if organizer_email:
        event.add("organizer", _address(organizer_email, organizer_name))
    contact = conversation.contact
    if contact.email:
        guest = _address(contact.email, contact_name)
        guest.params.update({"role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION", "rsvp": "TRUE"})
        event.add("attendee", guest)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -REMINDER)
        alarm.add("description", f"In 30 minutes: informational interview with {contact_name}")
        event.add_component(alarm)
    return event


def invitation(
    *,
    conversation: Conversation,
    organizer_name: str,
    organizer_email: str,
    method: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """The invitation to send or download: METHOD:CANCEL once cancelled, else REQUEST.

    Raises ValueError for a conversation that was never booked, and ValidationError, with a
    message for the user, for one whose booked time is out of range.
    """
    if conversation.scheduled_for is None:
        raise ValueError("A conversation that was never booked has no invitation.")
    if not booking_in_range(conversation):
        raise ValidationError(out_of_range_message(conversation), code="out_of_range")
    method = method or ("CANCEL" if conversation.state == State.CANCELLED else "REQUEST")
    if method not in METHODS:
        raise ValueError(f"unknown iTIP method {method!r}")
    cal = _calendar(method)
    cal.add_component(
        conversation_event(
            conversation,
            organizer_name=organizer_name,
            organizer_email=organizer_email,
            now=now or timezone.now(),
        )
    )
    add_time_zones(cal, [conversation.scheduled_for])
    return cal.to_ical()


def calendar(
    *,
    conversations: Iterable[Conversation],
    organizer_name: str,
    organizer_email: str,
    now: datetime | None = None,
) -> bytes:
    """Many conversations as one calendar file to import; those never booked, or booked at a
    time out of range, are left out (`left_out` names them).

    It has no METHOD: it is a copy of the user's calendar, not a message asking anyone to
    attend.
    """
    now = now or timezone.now()
    cal = _calendar(None)
    booked = [c for c in conversations if booking_in_range(c)]
    for conversation in booked:
        cal.add_component(
            conversation_event(
                conversation,
                organizer_name=organizer_name,
                organizer_email=organizer_email,
                now=now,
            )
        )
    add_time_zones(cal, [c.scheduled_for for c in booked if c.scheduled_for is not None])
    return cal.to_ical()


def left_out(conversations: Iterable[Conversation]) -> list[Conversation]:
    """The booked conversations `calendar` leaves out because their time is out of range."""
    return [c for c in conversations if c.scheduled_for is not None and not booking_in_range(c)]
