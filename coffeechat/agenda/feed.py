"""The calendar feed: a secret URL a phone's calendar subscribes to.

The URL carries a random token; only its SHA-256 hash is kept (`Profile.feed_token_hash`), so
the link is shown once, when it is made, and making a new one turns the old one off.

The feed holds the booked conversations still to come today or later, as timed events, and
what the agenda shows, as reminders: on their day (all day), or at their time where a rule
names one. Anything already due is put on today, so a calendar that only shows the days ahead
still shows it. A conversation is the same event its invitation carries (the same UID, built
by `conversation_event`), in the zone it was agreed in; reminders are written in UTC, which
every calendar reads the same way; days are the user's days. A booking whose time is out of
range is left out, and a reminder on today says so.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse

from coffeechat.accounts.models import Profile
from coffeechat.accounts.services import hash_token, profile_get
from coffeechat.agenda.rules import Agenda, AgendaItem, agenda, start_of_day
from coffeechat.conversations.ics import add_time_zones, conversation_event
from coffeechat.conversations.models import Conversation, State
from coffeechat.conversations.scheduling import booking_in_range, out_of_range_message
from coffeechat.lib.owned import Owner
from coffeechat.lib.validation import one_line
from coffeechat.outreach.delivery import organizer

# icalendar is imported where a feed is written, as for invitations: importing it costs a
# tenth of a second that every page and command would otherwise pay.
if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//coffeechat//Agenda feed//EN"
REFRESH = timedelta(hours=1)
# Long enough for anything a calendar shows as a reminder; it never marks the user busy.
REMINDER_LENGTH = timedelta(minutes=15)
# Rules whose due moment is a day rather than a time of day.
DAY_RULES = frozenset({"few_prospects", "weekly_goal", "keep_in_touch", "reach_referral"})
# Past this many items a group is cut short and one event counts the rest: a calendar with
# hundreds of reminders on one day helps nobody, and writing them takes seconds.
FEED_LIMIT = 100
MORE = {
    "overdue": "{n} more overdue items",
    "today": "{n} more items due today",
    "upcoming": "{n} more items due in the next 7 days",
}
# A URL longer than this is not one coffeechat made; it is not worth hashing.
MAX_TOKEN_CHARS = 200


def feed_token_create(*, owner: Owner) -> str:
    """A new secret for the owner's feed URL; the previous URL stops working."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        profile_get(owner=owner)
        Profile.objects.filter(owner=owner).update(feed_token_hash=hash_token(token))
    return token


def feed_token_revoke(*, owner: Owner) -> None:
    Profile.objects.filter(owner=owner).update(feed_token_hash="")


def feed_owner(token: str):
    """The user whose feed the token opens, or None for a token that is unknown or revoked."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    hashed = hash_token(token)
    profile = (
        Profile.objects.select_related("owner")
        .exclude(feed_token_hash="")
        .filter(feed_token_hash=hashed, owner__is_active=True)
        .first()
    )
    if profile is None or not hmac.compare_digest(profile.feed_token_hash, hashed):
        return None
    return profile.owner


def feed_calendar(*, owner: Owner, now: datetime, base_url: str = "") -> bytes:
    """The owner's feed as an iCalendar file. `base_url` ("https://host") makes the links in
    it absolute; without it the events carry no links."""
    current = agenda(owner=owner, now=now)
    tz = ZoneInfo(current.time_zone)
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "coffeechat")
    cal.add("x-wr-caldesc", "Your conversations and what is due, from coffeechat.")
    cal.add("x-wr-timezone", current.time_zone)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    conversations = list(_conversations(owner, since=start_of_day(now, tz)))
    booked = [c for c in conversations if booking_in_range(c)]
    organizer_name, organizer_email = organizer(owner=owner)
    for conversation in booked:
        link = _link(base_url, reverse("conversations:conversation_detail", args=[conversation.pk]))
        event = conversation_event(
            conversation,
            organizer_name=organizer_name,
            organizer_email=organizer_email,
            now=now,
            link=link,
        )
        cal.add_component(event)
    for conversation in conversations:
        if not booking_in_range(conversation):
            cal.add_component(_out_of_range_event(conversation, current, owner=owner, tz=tz))
    add_time_zones(cal, [c.scheduled_for for c in booked])
    for group, items in current.groups():
        for item in items[:FEED_LIMIT]:
            event = _item_event(item, group, current, owner=owner, tz=tz, base=base_url)
            cal.add_component(event)
        if len(items) > FEED_LIMIT:
            more = MORE[group].format(n=len(items) - FEED_LIMIT)
            cal.add_component(_more_event(group, more, current, owner=owner, tz=tz, base=base_url))
    return cal.to_ical()


def _conversations(owner: Owner, *, since: datetime):
    return (
        Conversation.objects.owned_by(owner)
        .filter(state=State.SCHEDULED, scheduled_for__gte=since)
        .select_related("contact", "contact__organization")
        .order_by("scheduled_for", "pk")
    )


def _uid(owner: Owner, about: str) -> str:
    return f"{about}.{owner.pk}@coffeechat"


def _link(base: str, path: str) -> str:
    return f"{base.rstrip('/')}{path}" if base else ""


def _out_of_range_event(
    conversation: Conversation, current: Agenda, *, owner: Owner, tz: ZoneInfo
) -> Event:
    from icalendar import Event

    today = current.generated_at.astimezone(tz).date()
    event = Event()
    event.add("uid", _uid(owner, f"out_of_range:conversation:{conversation.pk}"))
    event.add("dtstamp", current.generated_at.astimezone(UTC))
    event.add("dtstart", today)
    event.add("dtend", today + timedelta(days=1))
    name = one_line(conversation.contact.name)
    event.add("summary", f"Book the conversation with {name} again")
    event.add("description", one_line(out_of_range_message(conversation)))
    event.add("transp", "TRANSPARENT")
    return event


def _item_event(
    item: AgendaItem, group: str, current: Agenda, *, owner: Owner, tz: ZoneInfo, base: str
) -> Event:
    from icalendar import Event

    now = current.generated_at
    overdue = group == "overdue"
    event = Event()
    event.add("uid", _uid(owner, item.key))
    event.add("dtstamp", now.astimezone(UTC))
    local = item.due_at.astimezone(tz)
    if overdue or item.due_at <= now:
        day: date | None = now.astimezone(tz).date()
    elif item.rule in DAY_RULES or local.time() == time(0):
        day = local.date()
    else:
        day = None
    if day is None:
        # iCalendar counts in whole seconds.
        start = item.due_at.astimezone(UTC).replace(microsecond=0)
        event.add("dtstart", start)
        event.add("dtend", start + REMINDER_LENGTH)
    else:
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    title = one_line(item.title)
    event.add("summary", f"Overdue: {title}" if overdue else title)
    lines = [one_line(item.reason)]
    link = _link(base, item.action_url)
    if link:
        lines.append(f"{item.action_label}: {link}")
        event.add("url", link)
    event.add("description", "\n\n".join(lines))
    event.add("transp", "TRANSPARENT")
    return event


def _more_event(
    group: str, text: str, current: Agenda, *, owner: Owner, tz: ZoneInfo, base: str
) -> Event:
    from icalendar import Event

    today = current.generated_at.astimezone(tz).date()
    event = Event()
    event.add("uid", _uid(owner, f"more:{group}"))
    event.add("dtstamp", current.generated_at.astimezone(UTC))
    event.add("dtstart", today)
    event.add("dtend", today + timedelta(days=1))
    event.add("summary", f"{text} in coffeechat")
    link = _link(base, "/")
    event.add("description", f"See them all on your Today page: {link}" if link else text)
    if link:
        event.add("url", link)
    event.add("transp", "TRANSPARENT")
    return event
