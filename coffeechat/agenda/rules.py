"""The agenda: one list of everything due, computed from contacts, conversations and messages.

Nothing here is stored. `AgendaData.load` reads what the rules need in a fixed number of
queries, however large the network; each rule is then a plain function of that snapshot
returning `AgendaItem`s. Only snoozes and dismissals are stored (`AgendaMark`), by the item's
key, and a key names the thing the item is about (a conversation, a booked time, a contact's
round of keeping in touch), so a mark never outlives what it was about.

Times of day are the user's (the profile's time zone): "the day before", "the same day" and
"this week" start at local midnight, and a week starts on Monday.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from coffeechat.accounts.models import Profile
from coffeechat.accounts.services import profile_get
from coffeechat.agenda.models import AgendaMark, MarkAction
from coffeechat.contacts.models import Contact, Stage
from coffeechat.contacts.selectors import contact_list
from coffeechat.conversations.models import (
    ChosenQuestion,
    Conversation,
    Reschedule,
    State,
    Takeaway,
    TakeawayKind,
    TakeawayStatus,
)
from coffeechat.conversations.questions import ENOUGH_QUESTIONS
from coffeechat.lib.business_days import add_business_days
from coffeechat.outreach.followup import NUDGE_AFTER, TRY_ANOTHER_AFTER, FollowUp, follow_ups
from coffeechat.outreach.models import (
    Direction,
    Message,
    MessageKind,
    MessageStatus,
    ReplyOutcome,
)

PROSPECTS_WANTED = 5
DEFAULT_CADENCE_DAYS = 90
PREPARE_BEFORE = timedelta(hours=48)
THANK_YOU_DUE, THANK_YOU_OVERDUE = timedelta(hours=24), timedelta(hours=48)
PROPOSE_TIMES_OVERDUE_DAYS = 2
REFERRAL_OVERDUE = timedelta(days=7)
UPCOMING_DAYS = 7
GROUPS = ("overdue", "today", "upcoming")

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
    "keep_in_touch": 60,
    "few_prospects": 80,
    "weekly_goal": 90,
}

# Keeping in touch: one idea per round, rotating with the touches already sent.
TOUCH_KINDS = (
    ("send_update", "send an update on what you did with their advice"),
    ("share_article", "share an article or resource they would find useful"),
    ("congratulate", "congratulate them on recent news or work of theirs"),
)


@dataclass(frozen=True)
class Suggestion:
    """Something to act on within an item: a person to write to, or a kind of message."""

    text: str
    code: str = ""
    contact: Contact | None = None


@dataclass(frozen=True)
class AgendaItem:
    """One thing due.

    `key` is the rule and what the item is about ("thank_you:conversation:42",
    "remind:conversation:42:20250610T0900Z"); snoozes and dismissals refer to it. `overdue_at`
    is when the item is late; without one it is late from the day after `due_at`. `priority`
    orders items due at the same moment, lowest first.
    """

    key: str
    rule: str
    title: str
    reason: str
    due_at: datetime
    overdue_at: datetime | None
    contact: Contact | None
    conversation: Conversation | None
    action_url: str
    action_label: str
    priority: int
    suggestions: tuple[Suggestion, ...] = ()


# The snapshot


@dataclass(frozen=True)
class AgendaData:
    """Everything the rules read, fetched at once."""

    owner: Any
    now: datetime
    tz: ZoneInfo
    profile: Profile
    follow_ups: tuple[FollowUp, ...]
    conversations: tuple[Conversation, ...]
    referrals: tuple[Takeaway, ...]
    keep_in_touch: tuple[Contact, ...]
    prospects: tuple[Contact, ...]
    requests_this_week: int
    held_this_week: int
    marks: dict[str, AgendaMark] = field(default_factory=dict)
    routes: dict[tuple[str, bool], tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, *, owner, now: datetime) -> AgendaData:
        profile = profile_get(owner=owner)
        tz = time_zone_of(profile)
        week = _conversations(owner).aggregate(
            requests=Count("pk", filter=Q(requested_at__gte=week_start(now, tz))),
            held=Count("pk", filter=Q(held_at__gte=week_start(now, tz))),
        )
        return cls(
            owner=owner,
            now=now,
            tz=tz,
            profile=profile,
            follow_ups=tuple(follow_ups(owner=owner, now=now)),
            conversations=tuple(_active_conversations(owner, now)),
            referrals=tuple(_referrals(owner)),
            keep_in_touch=tuple(_keep_in_touch_candidates(owner)),
            prospects=tuple(_prospects(owner)),
            requests_this_week=week["requests"],
            held_this_week=week["held"],
            marks={mark.item_key: mark for mark in AgendaMark.objects.owned_by(owner)},
        )

    @property
    def today_start(self) -> datetime:
        return start_of_day(self.now, self.tz)


def _conversations(owner):
    return Conversation.objects.owned_by(owner).order_by()


def _sent(**filters) -> Any:
    return Message.objects.filter(
        direction=Direction.OUT, status=MessageStatus.SENT, sent_at__isnull=False, **filters
    )


def _latest(queryset, field_name: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{field_name}").values(field_name)[:1])


def _count(queryset, group_by: str) -> Coalesce:
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def _active_conversations(owner, now: datetime):
    """Requests with a reply, future bookings and held conversations, with what they lack."""
    here = OuterRef("pk")
    accepted = Message.objects.filter(
        conversation=here,
        direction=Direction.IN,
        kind=MessageKind.REPLY,
        reply_outcome=ReplyOutcome.ACCEPTED,
        received_at__isnull=False,
    )
    return (
        _conversations(owner)
        .alias(has_accepted=Exists(accepted))
        .filter(
            Q(state=State.REQUESTED, replied_at__isnull=False)
            | Q(state=State.REQUESTED, has_accepted=True)
            | Q(state=State.SCHEDULED, scheduled_for__gt=now)
            | Q(state=State.HELD, held_at__isnull=False)
        )
        .annotate(
            accepted_at=_latest(accepted, "received_at"),
            confirmed_at=_latest(
                _sent(
                    conversation=here, kind__in=[MessageKind.CONFIRMATION, MessageKind.RESCHEDULE]
                ),
                "sent_at",
            ),
            rebooked_at=_latest(Reschedule.objects.filter(conversation=here), "created_at"),
            thank_you_sent=Exists(_sent(conversation=here, kind=MessageKind.THANK_YOU)),
            has_takeaways=Exists(Takeaway.objects.filter(conversation=here)),
            question_count=_count(ChosenQuestion.objects.filter(conversation=here), "conversation"),
        )
        .select_related("contact", "contact__organization")
        .order_by("pk")
    )


def _referrals(owner):
    """Referral takeaways whose person has not been asked yet (a draft does not count)."""
    asked = Conversation.objects.filter(contact=OuterRef("referral_contact")).exclude(
        state=State.PLANNED
    )
    return (
        Takeaway.objects.owned_by(owner)
        .filter(
            kind=TakeawayKind.REFERRAL,
            referral_contact__owner=owner,
            referral_contact__do_not_contact=False,
        )
        .exclude(status=TakeawayStatus.DROPPED)
        .exclude(Exists(asked))
        .select_related("referral_contact", "conversation__contact")
        .order_by("created_at", "pk")
    )


def _keep_in_touch_candidates(owner):
    """People thanked before and not in a conversation now, with their last touch."""
    here = OuterRef("pk")
    thanked = _conversations(owner).filter(thanked_at__isnull=False)
    busy = _conversations(owner).filter(
        state__in=[State.REQUESTED, State.SCHEDULED, State.HELD, State.NO_SHOW]
    )
    return (
        Contact.objects.owned_by(owner)
        .filter(pk__in=thanked.values("contact_id"), do_not_contact=False)
        .exclude(pk__in=busy.values("contact_id"))
        .annotate(
            thanked_last=_latest(thanked.filter(contact=here), "thanked_at"),
            sent_last=_latest(_sent(contact=here), "sent_at"),
            touches=_count(_sent(contact=here, kind=MessageKind.KEEP_IN_TOUCH), "contact"),
        )
        .order_by("pk")
    )


def _prospects(owner):
    """Up to PROSPECTS_WANTED people to ask, highest priority first: enough to know if
    there are too few."""
    return (
        contact_list(owner=owner, stage=Stage.PROSPECT)
        .prefetch_related(None)
        .filter(do_not_contact=False)
        .annotate(contacted=Exists(_sent(contact=OuterRef("pk"))))
        .order_by("priority", "name", "pk")[:PROSPECTS_WANTED]
    )


# Time in the user's zone


def time_zone_of(profile: Profile) -> ZoneInfo:
    try:
        return ZoneInfo(profile.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def midnight(day: date, tz: ZoneInfo) -> datetime:
    # Where the clocks change at midnight, 00:00 does not exist: take the instant it became.
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC).astimezone(tz)


def start_of_day(moment: datetime, tz: ZoneInfo, days: int = 0) -> datetime:
    return midnight(moment.astimezone(tz).date() + timedelta(days=days), tz)


def week_start(moment: datetime, tz: ZoneInfo) -> datetime:
    day = moment.astimezone(tz).date()
    return midnight(day - timedelta(days=day.weekday()), tz)


def when_text(moment: datetime, *, now: datetime, tz: ZoneInfo) -> str:
    """A moment in words, in the user's zone: 'yesterday at 10:00', 'on Thursday 12 June at
    09:30'."""
    local = moment.astimezone(tz)
    days = (local.date() - now.astimezone(tz).date()).days
    day = {-1: "yesterday", 0: "today", 1: "tomorrow"}.get(
        days, f"on {local:%A} {local.day} {local:%B}"
    )
    return f"{day} at {local:%H:%M}"


def day_text(moment: datetime, *, now: datetime, tz: ZoneInfo) -> str:
    return when_text(moment, now=now, tz=tz).rsplit(" at ", 1)[0]


def _slot(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%MZ}"


def _sentence(parts: list[str]) -> str:
    return "; ".join(part[:1].lower() + part[1:] for part in parts)


def _week(moment: datetime, tz: ZoneInfo) -> str:
    year, week, _ = moment.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


# Building items


def _first(contact: Contact) -> str:
    return contact.first_name or contact.name


def _person(contact: Contact) -> Suggestion:
    where = ", ".join(str(x) for x in (contact.title, contact.organization) if x)
    return Suggestion(
        text=f"{contact.name} ({where})" if where else contact.name, code="contact", contact=contact
    )


# Stands in for an object's id while a route is reversed once per agenda.
_ANY_PK = 2_147_483_647


def _url(data: AgendaData, name: str, pk: int | None = None, **query: Any) -> str:
    # reverse() costs as much as the rest of an item, so each route is reversed once and the
    # id put in its place; a network with thousands of items would otherwise spend most of
    # its time here.
    if (name, pk is None) not in data.routes:
        path = reverse(name) if pk is None else reverse(name, args=[_ANY_PK])
        data.routes[name, pk is None] = tuple(path.split(str(_ANY_PK)))
    url = str(pk).join(data.routes[name, pk is None])
    if query:
        url += "?" + urlencode(query)
    return url


def _item(
    rule: str,
    about: str,
    *,
    title: str,
    reason: str,
    due_at: datetime,
    overdue_at: datetime | None = None,
    contact: Contact | None = None,
    conversation: Conversation | None = None,
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


def _in_state(data: AgendaData, state: str) -> list[Any]:
    return [c for c in data.conversations if c.state == state]


def _upcoming_bookings(data: AgendaData) -> list[Any]:
    return [c for c in _in_state(data, State.SCHEDULED) if c.scheduled_for > data.now]


# What a booking is called in a sentence, by its format.
BOOKING_NOUNS = {"in_person": "meeting in person", "phone": "phone call", "video": "video call"}


def _booking(conversation: Any, data: AgendaData) -> str:
    """The booking in words: 'video call with Ada is tomorrow at 10:00'."""
    what = BOOKING_NOUNS.get(conversation.format, conversation.get_format_display().lower())
    when = when_text(conversation.scheduled_for, now=data.now, tz=data.tz)
    return f"{what} with {_first(conversation.contact)} is {when}"


def prep_missing(conversation: Any, profile: Profile) -> list[str]:
    """What the prep sheet still lacks, as `conversations.questions.prep_status` says it, but
    read from the snapshot: prep_status asks the database once per conversation."""
    contact, organization = conversation.contact, conversation.contact.organization
    missing = []
    if not (
        contact.research_notes.strip() or (organization and organization.research_notes.strip())
    ):
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


# The rules: each reads the snapshot and returns its items.


def few_prospects(data: AgendaData) -> list[AgendaItem]:
    count = len(data.prospects)
    if count >= PROSPECTS_WANTED:
        return []
    fresh = tuple(_person(c) for c in data.prospects if not c.contacted)
    people = "nobody" if count == 0 else f"only {count} {'person' if count == 1 else 'people'}"
    reason = (
        f"Your list has {people} still to ask. Keep at least {PROSPECTS_WANTED} in your list so a "
        "silence or a no never stalls you: friends, alumni, former colleagues, groups."
    )
    if fresh:
        reason += " Not contacted yet: " + ", ".join(s.contact.name for s in fresh) + "."
    return [
        _item(
            "few_prospects",
            f"week:{_week(data.now, data.tz)}",
            title="Add people to your list",
            reason=reason,
            due_at=data.today_start,
            action_url=_url(data, "contacts:contact_create"),
            action_label="Add a person",
            suggestions=fresh,
        )
    ]


def _follow_up_rule(follow_up: FollowUp, tz: ZoneInfo) -> tuple[str, datetime] | None:
    """The 3B7 step an item is about: the one due now, or the next one while waiting."""
    step = {"try_another": "try_another", "nudge": "nudge", "close": "close_no_reply"}
    if follow_up.step in step:
        return step[follow_up.step], follow_up.step_due_at
    if follow_up.next_step_at is None:
        return None
    if follow_up.nudged_at is not None:
        return "close_no_reply", follow_up.next_step_at
    try_another_at = add_business_days(follow_up.requested_at, TRY_ANOTHER_AFTER, tz)
    if follow_up.next_step_at == try_another_at:
        return "try_another", follow_up.next_step_at
    return "nudge", follow_up.next_step_at


def _follow_up_items(data: AgendaData, rule: str) -> list[tuple[FollowUp, datetime]]:
    found = []
    for follow_up in data.follow_ups:
        step = _follow_up_rule(follow_up, data.tz)
        if step is not None and step[0] == rule:
            found.append((follow_up, step[1]))
    return found


def try_another(data: AgendaData) -> list[AgendaItem]:
    items = []
    for follow_up, due_at in _follow_up_items(data, "try_another"):
        contact, others = follow_up.contact, follow_up.others_at_organization
        organization = contact.organization
        if others:
            url = _url(data, "outreach:compose", others[0].pk, kind="request")
            label = f"Write to {others[0].name}"
        else:
            url, label = _url(data, "contacts:contact_create"), f"Add someone at {organization}"
        items.append(
            _item(
                "try_another",
                f"conversation:{follow_up.conversation.pk}",
                title=f"Try someone else at {organization}",
                reason=follow_up.reason,
                due_at=due_at,
                overdue_at=add_business_days(follow_up.requested_at, NUDGE_AFTER, data.tz),
                contact=contact,
                conversation=follow_up.conversation,
                action_url=url,
                action_label=label,
                suggestions=tuple(_person(p) for p in others),
            )
        )
    return items


def nudge(data: AgendaData) -> list[AgendaItem]:
    return [
        _item(
            "nudge",
            f"conversation:{follow_up.conversation.pk}",
            title=f"Nudge {follow_up.contact.name}",
            reason=follow_up.reason,
            due_at=due_at,
            contact=follow_up.contact,
            conversation=follow_up.conversation,
            action_url=_url(
                data,
                "outreach:compose",
                follow_up.contact.pk,
                kind="nudge",
                conversation=follow_up.conversation.pk,
            ),
            action_label="Write the nudge",
        )
        for follow_up, due_at in _follow_up_items(data, "nudge")
    ]


def close_no_reply(data: AgendaData) -> list[AgendaItem]:
    return [
        _item(
            "close_no_reply",
            f"conversation:{follow_up.conversation.pk}",
            title=f"Close the request to {follow_up.contact.name}",
            reason=follow_up.reason,
            due_at=due_at,
            contact=follow_up.contact,
            conversation=follow_up.conversation,
            action_url=_url(data, "conversations:conversation_detail", follow_up.conversation.pk),
            action_label="Close as “no reply”",
        )
        for follow_up, due_at in _follow_up_items(data, "close_no_reply")
    ]


def propose_times(data: AgendaData) -> list[AgendaItem]:
    items = []
    for conversation in _in_state(data, State.REQUESTED):
        said_yes = conversation.accepted_at or conversation.replied_at
        if conversation.scheduled_for is not None or said_yes is None:
            continue
        contact = conversation.contact
        items.append(
            _item(
                "propose_times",
                f"conversation:{conversation.pk}",
                title=f"Agree a time with {contact.name}",
                reason=(
                    f"{_first(contact)} replied {when_text(said_yes, now=data.now, tz=data.tz)}. "
                    "Offer two or three times that suit them, then book the one they choose."
                ),
                due_at=said_yes,
                overdue_at=add_business_days(said_yes, PROPOSE_TIMES_OVERDUE_DAYS, data.tz),
                contact=contact,
                conversation=conversation,
                action_url=_url(data, "conversations:schedule", conversation.pk),
                action_label="Book a time",
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
            _item(
                "confirm",
                f"conversation:{conversation.pk}:{_slot(conversation.scheduled_for)}",
                title=f"Confirm with {conversation.contact.name}",
                reason=(
                    f"Your {_booking(conversation, data)}. Confirm {moved} in writing, with "
                    "the place or link, so you both have the same."
                ),
                due_at=data.now,
                contact=conversation.contact,
                conversation=conversation,
                action_url=_url(
                    data,
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
            _item(
                "remind",
                f"conversation:{conversation.pk}:{_slot(conversation.scheduled_for)}",
                title=f"Remind {conversation.contact.name} and re-confirm",
                reason=(
                    f"Your {_booking(conversation, data)}. A short note the day before, with "
                    "the time and the place or link, saves a missed call."
                ),
                due_at=day_before,
                overdue_at=start_of_day(conversation.scheduled_for, data.tz),
                contact=conversation.contact,
                conversation=conversation,
                action_url=_url(
                    data,
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
            _item(
                "prepare",
                f"conversation:{conversation.pk}:{_slot(conversation.scheduled_for)}",
                title=f"Prepare for {conversation.contact.name}",
                reason=f"Your {_booking(conversation, data)}. Still to do: {_sentence(missing)}.",
                due_at=conversation.scheduled_for - PREPARE_BEFORE,
                overdue_at=start_of_day(conversation.scheduled_for, data.tz),
                contact=conversation.contact,
                conversation=conversation,
                action_url=_url(data, "conversations:prep", conversation.pk),
                action_label="Open the prep sheet",
            )
        )
    return items


def write_notes(data: AgendaData) -> list[AgendaItem]:
    return [
        _item(
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
            action_url=_url(data, "conversations:notes", conversation.pk),
            action_label="Write the notes",
        )
        for conversation in _in_state(data, State.HELD)
        if not conversation.notes.strip() and not conversation.has_takeaways
    ]


def thank_you(data: AgendaData) -> list[AgendaItem]:
    return [
        _item(
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
            action_url=_url(data, "conversations:conversation_detail", conversation.pk),
            action_label="Write the thank-you",
        )
        for conversation in _in_state(data, State.HELD)
        if conversation.thanked_at is None and not conversation.thank_you_sent
    ]


def reach_referral(data: AgendaData) -> list[AgendaItem]:
    items, seen = [], set()
    for takeaway in data.referrals:
        person, referrer = takeaway.referral_contact, takeaway.conversation.contact
        if person.pk in seen:
            continue
        seen.add(person.pk)
        if takeaway.may_use_name:
            reason = (
                f"{referrer.name} suggested {person.name} and said you may use their name: "
                f"say so in your first line."
            )
        else:
            reason = (
                f"{person.name} was suggested to you in a conversation. You were not asked to "
                "mention who suggested them, so write as you would to anyone new."
            )
        items.append(
            _item(
                "reach_referral",
                f"contact:{person.pk}",
                title=f"Reach out to {person.name} (referred by {referrer.name})",
                reason=reason + " An introduction is warmest within a week or so.",
                due_at=takeaway.created_at,
                overdue_at=takeaway.created_at + REFERRAL_OVERDUE,
                contact=person,
                action_url=_url(data, "outreach:compose", person.pk, kind="request"),
                action_label="Write the request",
            )
        )
    return items


def keep_in_touch(data: AgendaData) -> list[AgendaItem]:
    items = []
    for contact in data.keep_in_touch:
        touched = max(t for t in (contact.thanked_last, contact.sent_last) if t is not None)
        cadence = contact.cadence_days or data.profile.default_cadence_days or DEFAULT_CADENCE_DAYS
        # Calendar days in the user's zone: the same wall time, whatever the clocks did.
        due_at = (touched.astimezone(data.tz) + timedelta(days=cadence)).astimezone(UTC)
        code, idea = TOUCH_KINDS[contact.touches % len(TOUCH_KINDS)]
        items.append(
            _item(
                "keep_in_touch",
                f"contact:{contact.pk}:{due_at.astimezone(data.tz).date().isoformat()}",
                title=f"Keep in touch with {contact.name}",
                reason=(
                    f"You were last in touch {day_text(touched, now=data.now, tz=data.tz)}; "
                    f"you keep in touch every {cadence} days. An idea: {idea}."
                ),
                due_at=due_at,
                contact=contact,
                action_url=_url(data, "outreach:compose", contact.pk, kind="keep_in_touch"),
                action_label="Write a note",
                suggestions=(Suggestion(text=idea, code=code),),
            )
        )
    return items


def weekly_goal(data: AgendaData) -> list[AgendaItem]:
    progress = [
        (data.requests_this_week, data.profile.weekly_goal_requests, "requests"),
        (data.held_this_week, data.profile.weekly_goal_conversations, "conversations"),
    ]
    progress = [(done, goal, what) for done, goal, what in progress if goal]
    if all(done >= goal for done, goal, _ in progress):
        return []
    summary = ", ".join(f"{done} of {goal} {what}" for done, goal, what in progress)
    next_week = midnight(week_start(data.now, data.tz).date() + timedelta(days=7), data.tz)
    return [
        _item(
            "weekly_goal",
            f"week:{_week(data.now, data.tz)}",
            title=f"This week: {summary}",
            reason="Your weekly goal, counted from Monday. Small and steady keeps the list moving.",
            due_at=next_week - timedelta(seconds=1),
            action_url=_url(data, "contacts:contact_list"),
            action_label="Choose someone to ask",
        )
    ]


Rule = Callable[[AgendaData], list[AgendaItem]]

RULES: dict[str, Rule] = {
    "few_prospects": few_prospects,
    "try_another": try_another,
    "nudge": nudge,
    "close_no_reply": close_no_reply,
    "propose_times": propose_times,
    "confirm": confirm,
    "remind": remind,
    "prepare": prepare,
    "write_notes": write_notes,
    "thank_you": thank_you,
    "reach_referral": reach_referral,
    "keep_in_touch": keep_in_touch,
    "weekly_goal": weekly_goal,
}


# The agenda


def group_of(item: AgendaItem, *, now: datetime, tz: ZoneInfo) -> str | None:
    """Overdue, today, upcoming (the next 7 days), or None when it is further off.

    An item with a deadline of its own is overdue once that passes (a thank-you due
    yesterday afternoon is still on time until 48 hours after the talk); one without is
    overdue from the day after it was due.
    """
    today = start_of_day(now, tz)
    if item.overdue_at <= now if item.overdue_at is not None else item.due_at < today:
        return "overdue"
    if item.due_at < start_of_day(now, tz, days=1):
        return "today"
    if item.due_at < start_of_day(now, tz, days=UPCOMING_DAYS + 1):
        return "upcoming"
    return None


def is_hidden(mark: AgendaMark | None, now: datetime) -> bool:
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
    # Snoozed or dismissed items that would be showing, so they can be restored.
    hidden: tuple[AgendaItem, ...] = ()

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

        generated_at, time_zone, counts {overdue, today, upcoming}, and items, each with
        key, rule, title, reason, due_at, overdue_at (ISO 8601 in the user's zone, or null),
        group, contact {id, name} or null, conversation {id, state} or null, action_url,
        action_label and suggestions [{text, code, contact}].
        """
        tz = ZoneInfo(self.time_zone)

        def moment(value: datetime | None) -> str | None:
            return value.astimezone(tz).isoformat() if value is not None else None

        return {
            "generated_at": moment(self.generated_at),
            "time_zone": self.time_zone,
            "counts": self.counts,
            "items": [
                {
                    "key": item.key,
                    "rule": item.rule,
                    "title": item.title,
                    "reason": item.reason,
                    "due_at": moment(item.due_at),
                    "overdue_at": moment(item.overdue_at),
                    "group": group,
                    "contact": item.contact and {"id": item.contact.pk, "name": item.contact.name},
                    "conversation": item.conversation
                    and {"id": item.conversation.pk, "state": item.conversation.state},
                    "action_url": item.action_url,
                    "action_label": item.action_label,
                    "suggestions": [
                        {
                            "text": s.text,
                            "code": s.code,
                            "contact": s.contact and {"id": s.contact.pk, "name": s.contact.name},
                        }
                        for s in item.suggestions
                    ],
                }
                for group, items in self.groups()
                for item in items
            ],
        }


def compute(data: AgendaData) -> list[AgendaItem]:
    """Every item the rules find, due or not yet, before snoozes and dismissals."""
    found: dict[str, AgendaItem] = {}
    for rule in RULES.values():
        for item in rule(data):
            found.setdefault(item.key, item)
    return list(found.values())


def agenda(*, owner, now: datetime) -> Agenda:
    data = AgendaData.load(owner=owner, now=now)
    groups: dict[str, list[AgendaItem]] = {group: [] for group in GROUPS}
    hidden = []
    for item in compute(data):
        group = group_of(item, now=now, tz=data.tz)
        if group is None:
            continue
        if is_hidden(data.marks.get(item.key), now):
            hidden.append(item)
        else:
            groups[group].append(item)

    def order(items: list[AgendaItem]) -> tuple[AgendaItem, ...]:
        return tuple(sorted(items, key=lambda i: (i.due_at, i.priority, i.key)))

    return Agenda(
        generated_at=now,
        time_zone=data.tz.key,
        overdue=order(groups["overdue"]),
        today=order(groups["today"]),
        upcoming=order(groups["upcoming"]),
        hidden=order(hidden),
    )
