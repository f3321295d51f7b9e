"""What comes up over the next weeks, and each person's next dates: from the agenda's rules.

Nothing here is stored either. `upcoming` reads one snapshot with a longer horizon than the
Today page's and runs the same rules on it, so a keep-in-touch date, a booked call, a nudge
or any other follow-up is listed on the day the agenda will show it. `person_dates` does the
same for one person, for their page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from coffeechat.accounts.models import Profile
from coffeechat.agenda.items import AgendaItem, link
from coffeechat.agenda.models import MarkAction
from coffeechat.agenda.rows import BookingRow, PersonRow
from coffeechat.agenda.rules import (
    KEEP_IN_TOUCH_AT_ONCE,
    RULES,
    keep_in_touch_dates,
    keep_in_touch_due,
    keep_in_touch_items,
    keep_in_touch_late_from,
)
from coffeechat.agenda.snapshot import DEFAULT_CADENCE_DAYS, AgendaData
from coffeechat.agenda.timing import date_words, start_of_day, week_start
from coffeechat.contacts.models import Contact
from coffeechat.conversations.models import Format
from coffeechat.lib.owned import Owner

UPCOMING_PAGE_DAYS = 90

# What each rule's entries are, in a word or two; a rule not named here is a "Follow-up".
KINDS = {
    "keep_in_touch": "Keep in touch",
    "nudge": "Follow-up",
    "try_another": "Follow-up",
    "close_no_reply": "Follow-up",
    "confirm": "Before the call",
    "remind": "Before the call",
    "prepare": "Before the call",
    "propose_times": "Booking",
    "thank_you": "After the call",
    "write_notes": "After the call",
    "reach_referral": "Introduction",
    "ask_introduction": "Introduction",
}


@dataclass(frozen=True)
class Entry:
    """One dated thing: `on` is the moment it falls on; `by` when it is due already and this
    is the moment it is late from (a deadline); `snoozed` when a snooze moved it there."""

    on: datetime
    title: str
    kind: str
    url: str
    contact: PersonRow | None
    key: str
    by: bool = False
    snoozed: bool = False
    # A booked call has a time of day worth naming; an item's date is enough.
    timed: bool = False


@dataclass(frozen=True)
class EntryRow:
    entry: Entry
    words: str
    iso: str


@dataclass(frozen=True)
class Week:
    start: date
    heading: str
    rows: tuple[EntryRow, ...]
    # People due a note this week beyond the few listed.
    more: int = 0


@dataclass(frozen=True)
class Upcoming:
    generated_at: datetime
    time_zone: str
    days: int
    entries: tuple[Entry, ...]
    # How many more people each week holds who are due a note, by its Monday.
    more: dict[date, int] = field(default_factory=dict)

    def weeks(self) -> list[Week]:
        """The entries by week (a week starts on Monday), each date in words."""
        tz, now = ZoneInfo(self.time_zone), self.generated_at
        this_week = week_start(now, tz).date()
        weeks: dict[date, list[EntryRow]] = {}
        for entry in self.entries:
            local = entry.on.astimezone(tz)
            weeks.setdefault(week_start(entry.on, tz).date(), []).append(
                EntryRow(
                    entry, date_words(entry.on, now=now, tz=tz, at=entry.timed), local.isoformat()
                )
            )
        for start in self.more:
            weeks.setdefault(start, [])
        return [
            Week(start, _week_heading(start, this_week), tuple(rows), self.more.get(start, 0))
            for start, rows in sorted(weeks.items())
        ]


def _week_heading(start: date, this_week: date) -> str:
    if start == this_week:
        return "This week"
    if start == this_week + timedelta(days=7):
        return "Next week"
    year = f" {start.year}" if start.year != this_week.year else ""
    return f"Week of {start:%A} {start.day} {start:%B}{year}"


def _item_entry(data: AgendaData, item: AgendaItem, since: datetime) -> Entry | None:
    """The item on the day it comes up (a snoozed one when its snooze ends), or None if it
    is late already or dismissed."""
    mark = data.marks.get(item.key)
    if mark is not None and mark.action == MarkAction.DISMISS:
        return None
    late = item.overdue_at if item.overdue_at is not None else start_of_day(item.due_at, data.tz, 1)
    until = mark.until if mark is not None else None
    snoozed = until is not None and until > item.due_at
    if not snoozed and late <= data.now:
        return None
    if until is not None and snoozed:
        # It comes back, due, when the snooze ends.
        on, by = until, False
    elif item.due_at >= since:
        on, by = item.due_at, False
    else:
        # A deadline at midnight is the end of the day before: it is listed on that day.
        midnight = late.astimezone(data.tz).time() == time(0)
        on, by = (late - timedelta(seconds=1) if midnight else late), True
    return Entry(
        on=on,
        title=item.title,
        kind=KINDS.get(item.rule, "Follow-up"),
        url=item.action_url,
        contact=item.contact,
        key=item.key,
        by=by,
        snoozed=snoozed,
    )


def _bookings(data: AgendaData) -> list[Entry]:
    entries = []
    for conversation in data.conversations:
        if not isinstance(conversation, BookingRow) or conversation.scheduled_for <= data.now:
            continue
        if not conversation.in_range():
            continue
        noun = Format.in_words(conversation.format)
        contact = conversation.contact
        entries.append(
            Entry(
                on=conversation.scheduled_for,
                title=f"{noun[:1].upper()}{noun[1:]} with {contact.name}",
                kind="Booked",
                url=link(data.routes, "conversations:conversation_detail", conversation.pk),
                contact=contact,
                key=f"booking:{conversation.pk}",
                timed=True,
            )
        )
    return entries


def _entries(data: AgendaData, items: list[AgendaItem], since: datetime) -> list[Entry]:
    entries = _bookings(data)
    for item in items:
        # Only what is about someone: the weekly goal and the prompt to add people are not
        # dates anyone plans around.
        if item.contact is None:
            continue
        entry = _item_entry(data, item, since)
        if entry is not None:
            entries.append(entry)
    return entries


def upcoming(
    *, owner: Owner, now: datetime, days: int = UPCOMING_PAGE_DAYS, profile: Profile | None = None
) -> Upcoming:
    """Everything about a person that comes up from today to `days` days ahead, in date
    order: booked calls and the items of every rule (keep in touch, nudges and other
    follow-ups), snoozed ones on the day they come back, dismissed ones left out. An item due
    earlier and not late yet is listed on the day it is late from. The snapshot is read in
    the agenda's fixed number of queries, and the people due a note in one more."""
    data = AgendaData.load(owner=owner, now=now, shown_only=True, profile=profile, days=days)
    today = start_of_day(now, data.tz)
    horizon = _horizon(data)
    touches, more = _touches_by_week(data, today)
    found: dict[str, AgendaItem] = {}
    for name, rule in RULES.items():
        made = keep_in_touch_items(data, touches) if name == "keep_in_touch" else rule(data)
        for item in made:
            found.setdefault(item.key, item)
    entries = [
        entry
        for entry in _entries(data, list(found.values()), today)
        if today <= entry.on < horizon
    ]
    entries.sort(key=lambda e: (e.on, e.title, e.key))
    return Upcoming(
        generated_at=now, time_zone=data.tz.key, days=days, entries=tuple(entries), more=more
    )


def _horizon(data: AgendaData) -> datetime:
    """The end of what a snapshot read with `shown_only` holds."""
    if data.horizon is None:
        raise ValueError("The snapshot has no horizon: read it with shown_only.")
    return data.horizon


def _touches_by_week(data: AgendaData, today: datetime) -> tuple[list[Any], dict[date, int]]:
    """The people due a note, KEEP_IN_TOUCH_AT_ONCE a week at most (the first due), and how
    many more each week holds, by its Monday: a large network has hundreds a week, and a list
    of them all would be neither read nor quick to make. Dismissed ones are left out."""
    horizon = _horizon(data)
    kept: list[Any] = []
    more: dict[date, int] = {}
    shown: dict[date, int] = {}
    for touch in keep_in_touch_due(data, since=today):
        mark = data.marks.get(touch.key)
        if mark is not None and mark.action == MarkAction.DISMISS:
            continue
        if touch.due_at >= today:
            on = touch.due_at
        else:
            on = keep_in_touch_late_from(touch, data) - timedelta(seconds=1)
        if on >= horizon:
            continue
        week = week_start(on, data.tz).date()
        if shown.get(week, 0) < KEEP_IN_TOUCH_AT_ONCE:
            shown[week] = shown.get(week, 0) + 1
            kept.append(touch)
        else:
            more[week] = more.get(week, 0) + 1
    return kept, more


@dataclass(frozen=True)
class PersonDate:
    label: str
    title: str
    words: str
    iso: str
    url: str
    late: bool = False
    # The date has passed (and the thing is not late yet, or has no deadline).
    past: bool = False


@dataclass(frozen=True)
class PersonDates:
    """A person's next call and next step (`dates`), when they are due a note to keep in
    touch, if they are (`keep_in_touch`), and their cadence in days (`default_cadence` when
    it is the user's default)."""

    dates: tuple[PersonDate, ...]
    keep_in_touch: PersonDate | None
    cadence: int
    default_cadence: bool


def person_dates(*, owner: Owner, contact: Contact, now: datetime) -> PersonDates:
    """A person's next dates, from the agenda's rules: their next booked call, the next
    thing due about them (a follow-up, a thank-you, a reminder) and when they are due a note
    to keep in touch. Each is in words with its date; an item already late says so."""
    data = AgendaData.load(owner=owner, now=now)
    today = start_of_day(now, data.tz)
    dates = []
    bookings = [e for e in _bookings(data) if e.contact is not None and e.contact.pk == contact.pk]
    if bookings:
        call = min(bookings, key=lambda e: e.on)
        words = date_words(call.on, now=now, tz=data.tz, at=True)
        dates.append(PersonDate("Next call", call.title, words, _iso(call.on, data), call.url))
    items = [
        item
        for name, rule in RULES.items()
        if name != "keep_in_touch"
        for item in rule(data)
        if item.contact is not None and item.contact.pk == contact.pk
    ]
    # The soonest due, late ones first.
    items.sort(key=lambda i: (i.due_at, i.priority))
    for item in items:
        mark = data.marks.get(item.key)
        if mark is not None and mark.action == MarkAction.DISMISS:
            continue
        entry = _item_entry(data, item, today)
        if entry is None:
            words = f"late: due {date_words(item.due_at, now=now, tz=data.tz)}"
            on, late = item.due_at, True
        else:
            words = date_words(entry.on, now=now, tz=data.tz)
            words = f"by {words}" if entry.by else words
            on, late = entry.on, False
        dates.append(
            PersonDate("Next step", item.title, words, _iso(on, data), item.action_url, late)
        )
        break
    due = keep_in_touch_dates(data).get(contact.pk)
    keep = None
    if due is not None:
        keep = PersonDate(
            "Keep in touch",
            f"Keep in touch with {contact.name}",
            date_words(due, now=now, tz=data.tz),
            _iso(due, data),
            link(data.routes, "outreach:compose", contact.pk, kind="keep_in_touch"),
            past=due < today,
        )
    return PersonDates(
        dates=tuple(dates),
        keep_in_touch=keep,
        cadence=contact.cadence_days or data.profile.default_cadence_days or DEFAULT_CADENCE_DAYS,
        default_cadence=not contact.cadence_days,
    )


def _iso(moment: datetime, data: AgendaData) -> str:
    return moment.astimezone(data.tz).isoformat()
