"""The agenda: one list of everything due, computed from contacts, conversations and messages.

Nothing here is stored. `AgendaData.load` (in `snapshot`) reads what the rules need in a fixed
number of queries, however large the network; each rule is then a plain function of that
snapshot returning `AgendaItem`s (in `items`), except that keeping in touch reads the names of
the few people it shows in one more query. Only snoozes and dismissals are stored
(`AgendaMark`), by the item's key, and a key names the thing the item is about (a
conversation, a booked time, a contact's round of keeping in touch), so a mark never outlives
what it was about.

This module holds the rules about people to ask and to keep in touch with, the table of every
rule, and `agenda()`; the rules for a conversation under way are in `conversation_rules`, and
those about people to meet (introductions, a note after an event) in `meeting_rules`.
Times of day are the user's (see `timing`): "the day before", "the same day" and "this week"
start at local midnight, and a week starts on Monday.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from coffeechat.accounts.models import Profile
from coffeechat.agenda.conversation_rules import (
    PREPARE_BEFORE,
    PROPOSE_TIMES_OVERDUE_DAYS,
    THANK_YOU_DUE,
    THANK_YOU_OVERDUE,
    confirm,
    prep_missing,
    prepare,
    propose_times,
    remind,
    thank_you,
    write_notes,
)
from coffeechat.agenda.items import (
    GROUPS,
    PRIORITY,
    UPCOMING_DAYS,
    Agenda,
    AgendaItem,
    Grouping,
    Suggestion,
    group_of,
    is_hidden,
    link,
    make_item,
    next_step,
    person_suggestion,
)
from coffeechat.agenda.meeting_rules import INTRODUCTIONS_AT_ONCE, after_event, ask_introduction
from coffeechat.agenda.rows import ConversationRow, PersonRow, TouchRow
from coffeechat.agenda.snapshot import (
    DEFAULT_CADENCE_DAYS,
    EVENT_NOTE_DAYS,
    EVENT_SHOWN_DAYS,
    PROSPECTS_WANTED,
    AgendaData,
    TouchCandidate,
    touch_contacts,
)
from coffeechat.agenda.timing import (
    day_text,
    iso_week,
    midnight,
    start_of_day,
    time_zone_of,
    week_start,
    when_text,
)
from coffeechat.lib.business_days import add_business_days
from coffeechat.lib.owned import Owner
from coffeechat.outreach.followup import NUDGE_AFTER, FollowUp

# Everything the agenda offers other modules, wherever it is defined.
__all__ = [
    "DEFAULT_CADENCE_DAYS",
    "EVENT_NOTE_DAYS",
    "EVENT_SHOWN_DAYS",
    "GROUPS",
    "INTRODUCTIONS_AT_ONCE",
    "KEEP_IN_TOUCH_AT_ONCE",
    "KEEP_IN_TOUCH_LATE_DAYS",
    "MENTOR_TOUCH_KINDS",
    "PREPARE_BEFORE",
    "PRIORITY",
    "PROPOSE_TIMES_OVERDUE_DAYS",
    "PROSPECTS_WANTED",
    "REFERRAL_OVERDUE",
    "RULES",
    "THANK_YOU_DUE",
    "THANK_YOU_OVERDUE",
    "TOUCH_KINDS",
    "UPCOMING_DAYS",
    "Agenda",
    "AgendaData",
    "AgendaItem",
    "Rule",
    "Suggestion",
    "after_event",
    "agenda",
    "ask_introduction",
    "close_no_reply",
    "compute",
    "confirm",
    "day_text",
    "few_prospects",
    "group_of",
    "is_hidden",
    "keep_in_touch",
    "keep_in_touch_dates",
    "keep_in_touch_due",
    "keep_in_touch_items",
    "keep_in_touch_late_from",
    "keep_in_touch_waiting",
    "midnight",
    "nudge",
    "prep_missing",
    "prepare",
    "propose_times",
    "reach_referral",
    "remind",
    "start_of_day",
    "thank_you",
    "time_zone_of",
    "try_another",
    "week_start",
    "weekly_goal",
    "when_text",
    "write_notes",
]

REFERRAL_OVERDUE = timedelta(days=7)

# Keeping in touch: a few people at a time. A network of thousands would otherwise fill the
# list with more notes than anyone writes in a day; the rest come up as these are cleared.
KEEP_IN_TOUCH_AT_ONCE = 5

# Keeping in touch has a date, not a deadline: a note is late, and shown as late, only once
# its date is more than this many days past.
KEEP_IN_TOUCH_LATE_DAYS = 14

# Keeping in touch: one idea per round, rotating with the touches already sent.
TOUCH_KINDS = (
    ("send_update", "send an update on what you did with their advice"),
    ("share_article", "share an article or resource they would find useful"),
    ("congratulate", "congratulate them on recent news or work of theirs"),
)
# A mentor has given a lot already: the ideas that give something back come first.
MENTOR_TOUCH_KINDS = (
    TOUCH_KINDS[1],
    TOUCH_KINDS[2],
    ("offer_help", "offer them some help in return, naming what you could do"),
    TOUCH_KINDS[0],
)


def few_prospects(data: AgendaData) -> list[AgendaItem]:
    count = len(data.prospects)
    if count >= PROSPECTS_WANTED:
        return []
    fresh = [c for c in data.prospects if not c.contacted]
    people = "nobody" if count == 0 else f"only {count} {'person' if count == 1 else 'people'}"
    reason = (
        f"Your list has {people} still to ask. Keep at least {PROSPECTS_WANTED} in your list so a "
        "silence or a no never stalls you: friends, alumni, former colleagues, groups."
    )
    if fresh:
        reason += " Not contacted yet: " + ", ".join(c.name for c in fresh) + "."
    return [
        make_item(
            "few_prospects",
            f"week:{iso_week(data.now, data.tz)}",
            title="Add people to your list",
            reason=reason,
            due_at=data.today_start,
            action_url=link(data.routes, "contacts:contact_create"),
            action_label="Add a person",
            suggestions=tuple(person_suggestion(c) for c in fresh),
        )
    ]


# The rule for each step of the 3B7 routine.
FOLLOW_UP_RULES = {"try_another": "try_another", "nudge": "nudge", "close": "close_no_reply"}


def _follow_up_rule(follow_up: FollowUp) -> tuple[str, datetime] | None:
    """The 3B7 step an item is about: the one due now, or the next one while waiting."""
    if follow_up.step in FOLLOW_UP_RULES:
        return FOLLOW_UP_RULES[follow_up.step], follow_up.step_due_at
    if follow_up.next_step is None or follow_up.next_step_at is None:
        return None
    return FOLLOW_UP_RULES[follow_up.next_step], follow_up.next_step_at


class _FollowUpItem(NamedTuple):
    """A follow-up due under one rule, its person and request as the snapshot's rows."""

    follow_up: FollowUp
    due_at: datetime
    contact: PersonRow
    conversation: ConversationRow


def _follow_up_items(data: AgendaData, rule: str) -> list[_FollowUpItem]:
    found = []
    for follow_up in data.follow_ups:
        step = _follow_up_rule(follow_up)
        if step is not None and step[0] == rule:
            contact = PersonRow.of(follow_up.contact)
            conversation = ConversationRow.of(follow_up.conversation, contact)
            found.append(_FollowUpItem(follow_up, step[1], contact, conversation))
    return found


def try_another(data: AgendaData) -> list[AgendaItem]:
    items = []
    for follow_up, due_at, contact, conversation in _follow_up_items(data, "try_another"):
        others = [PersonRow.of(other) for other in follow_up.others_at_organization]
        organization = contact.organization
        if others:
            url = next_step(data.routes, "write_request", contact=others[0].pk)["action_url"]
            label = f"Write to {others[0].name}"
        else:
            url, label = (
                link(data.routes, "contacts:contact_create"),
                f"Add someone at {organization}",
            )
        items.append(
            make_item(
                "try_another",
                f"conversation:{conversation.pk}",
                title=f"Try someone else at {organization}",
                reason=follow_up.reason,
                due_at=due_at,
                overdue_at=add_business_days(follow_up.requested_at, NUDGE_AFTER, data.tz),
                contact=contact,
                conversation=conversation,
                action_url=url,
                action_label=label,
                suggestions=tuple(person_suggestion(p) for p in others),
            )
        )
    return items


def nudge(data: AgendaData) -> list[AgendaItem]:
    items = []
    for follow_up, due_at, contact, conversation in _follow_up_items(data, "nudge"):
        action = next_step(
            data.routes, "write_nudge", contact=contact.pk, conversation=conversation.pk
        )
        items.append(
            make_item(
                "nudge",
                f"conversation:{conversation.pk}",
                title=f"Nudge {contact.name}",
                reason=follow_up.reason,
                due_at=due_at,
                contact=contact,
                conversation=conversation,
                action_url=action["action_url"],
                action_label=action["action_label"],
            )
        )
    return items


def close_no_reply(data: AgendaData) -> list[AgendaItem]:
    return [
        make_item(
            "close_no_reply",
            f"conversation:{conversation.pk}",
            title=f"Close the request to {contact.name}",
            reason=follow_up.reason,
            due_at=due_at,
            contact=contact,
            conversation=conversation,
            action_url=link(data.routes, "conversations:conversation_detail", conversation.pk),
            action_label="Close as “no reply”",
        )
        for follow_up, due_at, contact, conversation in _follow_up_items(data, "close_no_reply")
    ]


def reach_referral(data: AgendaData) -> list[AgendaItem]:
    items, seen = [], set()
    for takeaway in data.referrals:
        person, referrer = takeaway.referral_contact, takeaway.referrer
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
            make_item(
                "reach_referral",
                f"contact:{person.pk}",
                title=f"Reach out to {person.name} (referred by {referrer.name})",
                reason=reason + " An introduction is warmest within a week or so.",
                due_at=takeaway.created_at,
                overdue_at=takeaway.created_at + REFERRAL_OVERDUE,
                contact=person,
                **next_step(data.routes, "write_request", contact=person.pk),
            )
        )
    return items


class _Touch(NamedTuple):
    """Someone due a note: when (in UTC, and on the user's clocks), at what cadence."""

    due_at: datetime
    local_due: datetime
    cadence: int
    person: TouchCandidate

    @property
    def key(self) -> str:
        return f"keep_in_touch:contact:{self.person.pk}:{self.local_due.date().isoformat()}"


def _touches(data: AgendaData) -> list[_Touch]:
    """Everyone due a note, in the order they come up: those due by the end of today
    before those due later, then the highest priority and the longest waiting first."""
    if "touches" not in data.derived:
        data.derived["touches"] = _touch_queue(data)
    return data.derived["touches"]


def _touch_queue(data: AgendaData) -> list[_Touch]:
    default_cadence = data.profile.default_cadence_days or DEFAULT_CADENCE_DAYS
    tz = data.tz
    # Hundreds of people can be due: the loop does no more than it must for each.
    spans: dict[int, timedelta] = {}
    touches = []
    for person in data.keep_in_touch:
        cadence = person.cadence_days or default_cadence
        span = spans.get(cadence) or spans.setdefault(cadence, timedelta(days=cadence))
        # Calendar days in the user's zone: the same wall time, whatever the clocks did.
        local_due = person.touched.astimezone(tz) + span
        touches.append(_Touch(local_due.astimezone(UTC), local_due, cadence, person))
    tomorrow = start_of_day(data.now, data.tz, days=1)
    touches.sort(key=lambda t: (t.due_at >= tomorrow, t.person.priority, t.due_at, t.person.pk))
    return touches


def _showing(data: AgendaData) -> list[bool]:
    """For each of `_touches`, whether the agenda would show it were there no limit: due
    within the next UPCOMING_DAYS days, neither snoozed nor dismissed."""
    if "showing" not in data.derived:
        data.derived["showing"] = _unhidden(data, _touches(data))
    return data.derived["showing"]


def _unhidden(data: AgendaData, touches: list[_Touch]) -> list[bool]:
    horizon = start_of_day(data.now, data.tz, days=UPCOMING_DAYS + 1)
    # Only the people with a snooze or a dismissal need their item's key made. (A restored
    # backup may hold keys in another form: they match nobody.)
    marked = {
        int(pk)
        for key in data.marks
        if key.startswith("keep_in_touch:contact:") and (pk := key.split(":")[2]).isdigit()
    }
    return [
        t.due_at < horizon
        and not (t.person.pk in marked and is_hidden(data.marks.get(t.key), data.now))
        for t in touches
    ]


def keep_in_touch(data: AgendaData) -> list[AgendaItem]:
    """KEEP_IN_TOUCH_AT_ONCE people at most; the others come up as these are written to,
    snoozed or dismissed (`keep_in_touch_waiting` names them). Snoozed and dismissed ones
    are all there, to be restored."""
    chosen, shown = [], 0
    touches = _touches(data)
    for touch, showing in zip(touches, _showing(data), strict=True):
        if showing:
            if shown == KEEP_IN_TOUCH_AT_ONCE:
                continue
            shown += 1
        elif data.horizon is not None and touch.due_at >= data.horizon:
            # Read only for the day's margin of the snapshot: not shown.
            continue
        chosen.append(touch)
    touch_contacts([touch.person for touch in chosen])
    # Someone deleted since the snapshot was read has no item.
    return [
        _touch_item(data, touch, contact)
        for touch in chosen
        if (contact := touch.person.contact) is not None
    ]


def keep_in_touch_waiting(data: AgendaData) -> list[str]:
    """The keys of the people due a note within the next UPCOMING_DAYS days whom
    `keep_in_touch` holds back, in the order they come up."""
    return [touch.key for touch in _held_back(data)]


def _held_back(data: AgendaData) -> list[_Touch]:
    due = [t for t, showing in zip(_touches(data), _showing(data), strict=True) if showing]
    return due[KEEP_IN_TOUCH_AT_ONCE:]


def keep_in_touch_due(data: AgendaData, *, since: datetime) -> list[_Touch]:
    """Everyone due a note at `since` or later (before the snapshot's horizon), or due before
    and not late yet, in the order of their dates; none held back, snoozed or not. For a list
    of what comes up rather than of what to do today: `keep_in_touch_items` makes their
    items."""
    touches = [
        t
        for t in _touches(data)
        if (t.due_at >= since or keep_in_touch_late_from(t, data) > data.now)
        and (data.horizon is None or t.due_at < data.horizon)
    ]
    return sorted(touches, key=lambda t: (t.due_at, t.person.pk))


def keep_in_touch_items(data: AgendaData, touches: list[_Touch]) -> list[AgendaItem]:
    """The items of `touches` (from `keep_in_touch_due`), their people read in one query."""
    touch_contacts([touch.person for touch in touches])
    return [
        _touch_item(data, t, contact) for t in touches if (contact := t.person.contact) is not None
    ]


def keep_in_touch_late_from(touch: _Touch, data: AgendaData) -> datetime:
    """When a note becomes late: the midnight after its date is KEEP_IN_TOUCH_LATE_DAYS past."""
    return midnight(touch.local_due.date() + timedelta(days=KEEP_IN_TOUCH_LATE_DAYS + 1), data.tz)


def keep_in_touch_dates(data: AgendaData) -> dict[int, datetime]:
    """When each person the snapshot names is due a note, by contact id."""
    return {touch.person.pk: touch.due_at for touch in _touches(data)}


def _touch_item(data: AgendaData, touch: _Touch, contact: TouchRow) -> AgendaItem:
    kinds = MENTOR_TOUCH_KINDS if contact.is_mentor else TOUCH_KINDS
    code, idea = kinds[contact.touches % len(kinds)]
    return make_item(
        "keep_in_touch",
        touch.key.removeprefix("keep_in_touch:"),
        title=f"Keep in touch with {contact.name}",
        reason=(
            f"You were last in touch "
            f"{day_text(touch.person.touched, now=data.now, tz=data.tz)}; "
            f"you keep in touch every {touch.cadence} days. An idea: {idea}."
        ),
        due_at=touch.due_at,
        overdue_at=keep_in_touch_late_from(touch, data),
        contact=contact,
        **next_step(data.routes, "keep_in_touch", contact=contact.pk),
        suggestions=(Suggestion(text=idea, code=code),),
    )


def weekly_goal(data: AgendaData) -> list[AgendaItem]:
    progress = [
        (data.requests_this_week, data.profile.weekly_goal_requests, "request"),
        (data.held_this_week, data.profile.weekly_goal_conversations, "conversation"),
    ]
    progress = [(done, goal, what) for done, goal, what in progress if goal]
    if all(done >= goal for done, goal, _ in progress):
        return []
    # "1 of 3 requests", "0 of 1 conversation": the noun agrees with the goal.
    summary = ", ".join(
        f"{done} of {goal} {what}{'' if goal == 1 else 's'}" for done, goal, what in progress
    )
    next_week = midnight(week_start(data.now, data.tz).date() + timedelta(days=7), data.tz)
    return [
        make_item(
            "weekly_goal",
            f"week:{iso_week(data.now, data.tz)}",
            title=f"This week: {summary}",
            reason="Your weekly goal, counted from Monday. Small and steady keeps the list moving.",
            due_at=next_week - timedelta(seconds=1),
            action_url=link(data.routes, "contacts:contact_list"),
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
    "after_event": after_event,
    "ask_introduction": ask_introduction,
    "keep_in_touch": keep_in_touch,
    "weekly_goal": weekly_goal,
}


def compute(data: AgendaData) -> list[AgendaItem]:
    """Every item the rules find, due or not yet, before snoozes and dismissals."""
    found: dict[str, AgendaItem] = {}
    for rule in RULES.values():
        for item in rule(data):
            found.setdefault(item.key, item)
    return list(found.values())


def agenda(*, owner: Owner, now: datetime, profile: Profile | None = None) -> Agenda:
    """What is due for `owner` at `now`; `profile` is the owner's, for a caller that has
    read it already."""
    data = AgendaData.load(owner=owner, now=now, shown_only=True, profile=profile)
    grouping = Grouping.at(now, data.tz)
    groups: dict[str, list[AgendaItem]] = {group: [] for group in GROUPS}
    hidden = []
    held_back = _held_back(data)
    for item in compute(data):
        group = grouping.of(item)
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
        marks={item.key: data.marks[item.key] for item in hidden},
        more={"keep_in_touch": len(held_back)} if held_back else {},
        held_back=tuple(held_back),
    )
