"""What the agenda is made of: items, the suggestions within them, and their grouping."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any, TypedDict
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.urls import reverse

from coffeechat.agenda.models import AgendaMark, MarkAction
from coffeechat.agenda.rows import ConversationRow, MarkRow, PersonRow
from coffeechat.agenda.timing import start_of_day
from coffeechat.conversations.next_step import ACTIONS

UPCOMING_DAYS = 7
GROUPS = ("overdue", "today", "upcoming")
# How each group is headed on the Today page, in `coffeechat today` and in the digest.
GROUP_HEADINGS = {"overdue": "Overdue", "today": "Today", "upcoming": "Next 7 days"}

# Ordering among items due at the same moment: the lower, the sooner.
PRIORITY = {
    "thank_you": 10,
    "confirm": 15,
    "remind": 20,
    "prepare": 25,
    "write_notes": 30,
    "propose_times": 35,
    "nudge": 40,
    "close_no_reply": 45,
    "try_another": 50,
    "reach_referral": 55,
    "after_event": 57,
    "ask_introduction": 65,
    "keep_in_touch": 60,
    "few_prospects": 80,
    "weekly_goal": 90,
}


@dataclass(frozen=True)
class Suggestion:
    """Something to act on within an item: a person to write to, or a kind of message."""

    text: str
    code: str = ""
    contact: PersonRow | None = None


@dataclass(frozen=True)
class AgendaItem:
    """One thing due.

    `key` is the rule and what the item is about ("thank_you:conversation:42",
    "remind:conversation:42:20250610T0900Z"); snoozes and dismissals refer to it. `overdue_at`
    is when the item is late; without one it is late from the day after `due_at`. `priority`
    orders items due at the same moment, lowest first.

    `contact` and `conversation` are rows of the snapshot (`rows`), with the fields the
    agenda reads and no others.
    """

    key: str
    rule: str
    title: str
    reason: str
    due_at: datetime
    overdue_at: datetime | None
    contact: PersonRow | None
    conversation: ConversationRow | None
    action_url: str
    action_label: str
    priority: int
    suggestions: tuple[Suggestion, ...] = ()


def make_item(
    rule: str,
    about: str,
    *,
    title: str,
    reason: str,
    due_at: datetime,
    overdue_at: datetime | None = None,
    contact: PersonRow | None = None,
    conversation: ConversationRow | None = None,
    action_url: str,
    action_label: str,
    suggestions: tuple[Suggestion, ...] = (),
) -> AgendaItem:
    return AgendaItem(
        key=f"{rule}:{about}",
        rule=rule,
        title=title,
        reason=reason,
        due_at=due_at,
        overdue_at=overdue_at,
        contact=contact,
        conversation=conversation,
        action_url=action_url,
        action_label=action_label,
        priority=PRIORITY[rule],
        suggestions=suggestions,
    )


def first_name(contact: PersonRow) -> str:
    return contact.first_name or contact.name


def person_suggestion(contact: PersonRow) -> Suggestion:
    where = ", ".join(str(x) for x in (contact.title, contact.organization) if x)
    return Suggestion(
        text=f"{contact.name} ({where})" if where else contact.name, code="contact", contact=contact
    )


# Stands in for an object's id while a route is reversed once per agenda.
_ANY_PK = 2_147_483_647


def link(
    routes: dict[tuple[str, bool], tuple[str, ...]],
    name: str,
    pk: int | None = None,
    **query: Any,
) -> str:
    """The URL of route `name` (for object `pk`), with `query`.

    reverse() costs as much as the rest of an item, so `routes` keeps each route reversed once
    and the id is put in its place; a network with thousands of items would otherwise spend
    most of its time here.
    """
    if (name, pk is None) not in routes:
        path = reverse(name) if pk is None else reverse(name, args=[_ANY_PK])
        routes[name, pk is None] = tuple(path.split(str(_ANY_PK)))
    url = str(pk).join(routes[name, pk is None])
    if query:
        url += "?" + "&".join(
            f"{key}={value}" if isinstance(value, int) else _encoded(key, value)
            for key, value in query.items()
        )
    return url


class Action(TypedDict):
    """An item's button: where it leads and what it says."""

    action_url: str
    action_label: str


def next_step(
    routes: dict[tuple[str, bool], tuple[str, ...]],
    name: str,
    *,
    contact: int,
    conversation: int | None = None,
) -> Action:
    """An item's action from the next-step table (`conversations.next_step`), so Today's
    button says and does what the person's page does: {"action_url", "action_label"}."""
    action = ACTIONS[name]
    pk = {"contact": contact, "conversation": conversation, "": None}[action.target]
    query = {
        key: conversation if value == "conversation" else value
        for key, value in action.query
        if value != "conversation" or conversation is not None
    }
    url = link(routes, action.route, pk, **query)
    return {
        "action_url": url + (f"#{action.anchor}" if action.anchor else ""),
        "action_label": action.label,
    }


# The few words a query names ("kind=nudge") are encoded once; ids need no encoding.
@lru_cache(maxsize=256)
def _encoded(key: str, value: Any) -> str:
    return urlencode({key: value})


@dataclass(frozen=True)
class Grouping:
    """Where the groups start and end for one moment, in the user's zone."""

    now: datetime
    today: datetime
    tomorrow: datetime
    # Items due from here on are not shown yet.
    horizon: datetime

    @classmethod
    def at(cls, now: datetime, tz: ZoneInfo) -> Grouping:
        return cls(
            now=now,
            today=start_of_day(now, tz),
            tomorrow=start_of_day(now, tz, days=1),
            horizon=start_of_day(now, tz, days=UPCOMING_DAYS + 1),
        )

    def of(self, item: AgendaItem) -> str | None:
        """The item's group, as `group_of` says."""
        if item.overdue_at is None:
            if item.due_at < self.today:
                return "overdue"
        elif item.overdue_at <= self.now:
            return "overdue"
        elif item.due_at < self.today:
            # Due on an earlier day and not late yet: it belongs with the day it is due by.
            return "today" if item.overdue_at <= self.tomorrow else "upcoming"
        if item.due_at < self.tomorrow:
            return "today"
        if item.due_at < self.horizon:
            return "upcoming"
        return None


def group_of(item: AgendaItem, *, now: datetime, tz: ZoneInfo) -> str | None:
    """Overdue, today, upcoming (the next 7 days), or None when it is further off.

    Overdue is past its deadline: an item with a deadline of its own is overdue once that
    passes (a thank-you due yesterday afternoon is still on time until 48 hours after the
    talk); one without is overdue from the day after it was due. Today is due today. An item
    due on an earlier day whose deadline has not passed is grouped by its deadline: today if
    it is late from tomorrow, else with the next 7 days (its time says "Due by …").
    """
    return Grouping.at(now, tz).of(item)


def is_hidden(mark: AgendaMark | MarkRow | None, now: datetime) -> bool:
    if mark is None:
        return False
    if mark.action == MarkAction.DISMISS:
        return True
    return mark.until is not None and mark.until > now


@dataclass(frozen=True)
class Agenda:
    generated_at: datetime
    time_zone: str
    overdue: tuple[AgendaItem, ...]
    today: tuple[AgendaItem, ...]
    upcoming: tuple[AgendaItem, ...]
    # Snoozed or dismissed items that would be showing, so they can be restored, and the
    # snooze or dismissal of each by its key.
    hidden: tuple[AgendaItem, ...] = ()
    marks: dict[str, MarkRow] = field(default_factory=dict, hash=False)
    # Items a rule holds back to show a few at a time: how many by rule, {"keep_in_touch":
    # 12}, and what the rule knows of each (with its item's `key`, see `waiting`).
    more: dict[str, int] = field(default_factory=dict, hash=False)
    held_back: tuple[Any, ...] = field(default=(), hash=False, compare=False, repr=False)

    @cached_property
    def waiting(self) -> frozenset[str]:
        """The keys of the items held back; made when asked for, since they can be many."""
        return frozenset(entry.key for entry in self.held_back)

    @property
    def items(self) -> tuple[AgendaItem, ...]:
        return self.overdue + self.today + self.upcoming

    @property
    def counts(self) -> dict[str, int]:
        return {group: len(getattr(self, group)) for group in GROUPS}

    def groups(self) -> list[tuple[str, tuple[AgendaItem, ...]]]:
        return [(group, getattr(self, group)) for group in GROUPS]

    def as_json(self) -> dict[str, Any]:
        """A dict for `json.dumps`; its keys are part of the command-line interface.

        generated_at, time_zone, counts {overdue, today, upcoming}, more (how many items each
        rule holds back to show a few at a time: {"keep_in_touch": 12}, or {}), and items, each with
        key, rule, title, reason, due_at, overdue_at (ISO 8601 in the user's zone, or null),
        group, contact {id, name} or null, conversation {id, state} or null, action_url,
        action_label and suggestions [{text, code, contact}].
        """
        tz = ZoneInfo(self.time_zone)

        def moment(value: datetime | None) -> str | None:
            return value.astimezone(tz).isoformat() if value is not None else None

        def who(contact: PersonRow | None) -> dict[str, Any] | None:
            return {"id": contact.pk, "name": contact.name} if contact is not None else None

        return {
            "generated_at": moment(self.generated_at),
            "time_zone": self.time_zone,
            "counts": self.counts,
            "more": dict(self.more),
            "items": [
                {
                    "key": item.key,
                    "rule": item.rule,
                    "title": item.title,
                    "reason": item.reason,
                    "due_at": moment(item.due_at),
                    "overdue_at": moment(item.overdue_at),
                    "group": group,
                    "contact": who(item.contact),
                    "conversation": item.conversation
                    and {"id": item.conversation.pk, "state": item.conversation.state},
                    "action_url": item.action_url,
                    "action_label": item.action_label,
                    "suggestions": [
                        {"text": s.text, "code": s.code, "contact": who(s.contact)}
                        for s in item.suggestions
                    ],
                }
                for group, items in self.groups()
                for item in items
            ],
        }
