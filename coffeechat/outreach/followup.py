"""The 3B7 routine: what to do about a request that has had no reply.

After 3 business days of silence, try another person at the same organisation; after 7, send
one polite nudge; 7 business days after the nudge, close the request as "no reply". Business
days are counted in the user's time zone. Everything is computed from conversations and
messages, so there is nothing stored that could drift.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce

from coffeechat.accounts.services import profile_get
from coffeechat.contacts.models import Contact, Stage
from coffeechat.contacts.selectors import contact_list
from coffeechat.conversations.models import Conversation, State
from coffeechat.lib.business_days import add_business_days, business_days_between
from coffeechat.outreach.models import Direction, Message, MessageKind, MessageStatus

TRY_ANOTHER_AFTER = 3
NUDGE_AFTER = 7
CLOSE_AFTER_NUDGE = 7

Step = Literal["wait", "try_another", "nudge", "close"]


@dataclass(frozen=True)
class FollowUp:
    """Where one unanswered request stands in the routine, and what to do about it now.

    `step_due_at` is when the current step became due: the request itself for a wait before
    the nudge, the nudge for the wait after it. `next_step_at` is when the next step will be
    due; it is None when the next move waits on the user (a nudge not yet sent, a close).
    """

    conversation: Conversation
    contact: Contact
    requested_at: datetime
    business_days_waiting: int
    step: Step
    nudged_at: datetime | None
    others_at_organization: tuple[Contact, ...]
    step_due_at: datetime
    next_step_at: datetime | None
    reason: str


def follow_ups(*, owner, now: datetime, steps: Collection[str] | None = None) -> list[FollowUp]:
    """Every request of `owner` still waiting for a reply, oldest first.

    The number of queries does not depend on how many requests there are.
    """
    found = _follow_ups(owner=owner, conversations=_waiting_requests(owner), now=now)
    if steps is not None:
        found = [follow_up for follow_up in found if follow_up.step in steps]
    return found


def follow_up_for(*, owner, conversation: Conversation, now: datetime) -> FollowUp | None:
    """The routine for one conversation; None when it is not a request waiting for a reply."""
    found = _follow_ups(
        owner=owner, conversations=_waiting_requests(owner).filter(pk=conversation.pk), now=now
    )
    return found[0] if found else None


def _conversations(owner) -> QuerySet[Conversation]:
    return Conversation.objects.owned_by(owner)


def _waiting_requests(owner) -> QuerySet[Any]:
    return (
        _conversations(owner)
        .filter(state=State.REQUESTED, requested_at__isnull=False, replied_at__isnull=True)
        .select_related("contact", "contact__organization")
        .order_by("requested_at", "pk")
    )


def _time_zone(owner) -> ZoneInfo:
    try:
        return ZoneInfo(profile_get(owner=owner).time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _follow_ups(*, owner, conversations: QuerySet[Any], now: datetime) -> list[FollowUp]:
    requests = list(conversations)
    if not requests:
        return []
    tz = _time_zone(owner)
    since = min(c.requested_at for c in requests)
    contact_ids = {c.contact_id for c in requests}
    organization_ids = {c.contact.organization_id for c in requests} - {None}

    heard_from_contact, heard_from_organization = _last_heard(
        owner, since, contact_ids, organization_ids
    )
    nudges = _nudges(owner, since, requests)

    plans = []
    for conversation in requests:
        requested_at = conversation.requested_at
        if _at_or_after(heard_from_contact.get(conversation.contact_id), requested_at):
            continue
        organization_id = conversation.contact.organization_id
        organization_replied = _at_or_after(
            heard_from_organization.get(organization_id), requested_at
        )
        days = max(0, business_days_between(requested_at, now, tz))
        nudged_at = max(
            (
                sent_at
                for conversation_id, contact_id, sent_at in nudges
                if conversation_id == conversation.pk
                or (contact_id == conversation.contact_id and sent_at >= requested_at)
            ),
            default=None,
        )
        may_try_another = organization_id is not None and not organization_replied
        plans.append((conversation, days, nudged_at, may_try_another))

    others = _others_by_organization(
        owner,
        {
            c.contact.organization_id
            for c, days, _, may_try_another in plans
            if may_try_another and days >= TRY_ANOTHER_AFTER
        },
    )
    return [
        _follow_up(
            conversation=conversation,
            days=days,
            nudged_at=nudged_at,
            may_try_another=may_try_another,
            others=tuple(
                person
                for person in others.get(conversation.contact.organization_id, ())
                if person.pk != conversation.contact_id
            ),
            now=now,
            tz=tz,
        )
        for conversation, days, nudged_at, may_try_another in plans
    ]


def _last_heard(
    owner, since: datetime, contact_ids: set[int], organization_ids: set[int]
) -> tuple[dict[int, datetime], dict[int, datetime]]:
    """The latest reply since `since` from each contact, and from anyone at each organisation."""
    by_contact: dict[int, datetime] = {}
    by_organization: dict[int, datetime] = {}
    heard_at = Coalesce("received_at", "created_at")
    incoming = (
        Message.objects.owned_by(owner)
        .filter(direction=Direction.IN)
        .alias(heard_at=heard_at)
        .filter(heard_at__gte=since)
        .filter(Q(contact_id__in=contact_ids) | Q(contact__organization_id__in=organization_ids))
        .values("contact_id", "contact__organization_id")
        .annotate(last=Max(heard_at))
        .order_by()
    )
    for row in incoming:
        _keep_latest(by_contact, row["contact_id"], row["last"])
        _keep_latest(by_organization, row["contact__organization_id"], row["last"])
    if organization_ids:
        replied = (
            _conversations(owner)
            .filter(
                contact__organization_id__in=organization_ids,
                replied_at__gte=since,
            )
            .values("contact__organization_id")
            .annotate(last=Max("replied_at"))
            .order_by()
        )
        for row in replied:
            _keep_latest(by_organization, row["contact__organization_id"], row["last"])
    return by_contact, by_organization


def _nudges(owner, since: datetime, requests: list[Any]) -> list[tuple[int | None, int, datetime]]:
    """(conversation id, contact id, sent at) of every sent nudge that may belong to a request."""
    return list(
        Message.objects.owned_by(owner)
        .filter(
            direction=Direction.OUT,
            kind=MessageKind.NUDGE,
            status=MessageStatus.SENT,
            sent_at__isnull=False,
        )
        .filter(
            Q(conversation_id__in=[c.pk for c in requests])
            | Q(contact_id__in={c.contact_id for c in requests}, sent_at__gte=since)
        )
        .values_list("conversation_id", "contact_id", "sent_at")
    )


def _others_by_organization(owner, organization_ids: set[int]) -> dict[int, list[Contact]]:
    """People not yet asked (prospects, not "do not contact") at each organisation."""
    if not organization_ids:
        return {}
    people = (
        contact_list(owner=owner, stage=Stage.PROSPECT)
        .prefetch_related(None)
        .filter(organization_id__in=organization_ids, do_not_contact=False)
        .order_by("priority", "name", "pk")
    )
    grouped: dict[int, list[Contact]] = {}
    for person in people:
        grouped.setdefault(person.organization_id, []).append(person)
    return grouped


def _follow_up(
    *,
    conversation: Any,
    days: int,
    nudged_at: datetime | None,
    may_try_another: bool,
    others: tuple[Contact, ...],
    now: datetime,
    tz: ZoneInfo,
) -> FollowUp:
    contact = conversation.contact
    requested_at = conversation.requested_at
    trying_another = may_try_another and days >= TRY_ANOTHER_AFTER
    offered = others if trying_another else ()
    step: Step
    if nudged_at is not None:
        close_at = add_business_days(nudged_at, CLOSE_AFTER_NUDGE, tz)
        if business_days_between(nudged_at, now, tz) >= CLOSE_AFTER_NUDGE:
            step, step_due_at, next_step_at = "close", close_at, None
        else:
            step, step_due_at, next_step_at = "wait", nudged_at, close_at
    elif days >= NUDGE_AFTER:
        step, step_due_at, next_step_at = (
            "nudge",
            add_business_days(requested_at, NUDGE_AFTER, tz),
            None,
        )
    elif trying_another:
        step, step_due_at, next_step_at = (
            "try_another",
            add_business_days(requested_at, TRY_ANOTHER_AFTER, tz),
            add_business_days(requested_at, NUDGE_AFTER, tz),
        )
    else:
        step, step_due_at = "wait", requested_at
        next_step_at = add_business_days(
            requested_at,
            TRY_ANOTHER_AFTER if may_try_another and days < TRY_ANOTHER_AFTER else NUDGE_AFTER,
            tz,
        )
    return FollowUp(
        conversation=conversation,
        contact=contact,
        requested_at=requested_at,
        business_days_waiting=days,
        step=step,
        nudged_at=nudged_at,
        others_at_organization=offered,
        step_due_at=step_due_at,
        next_step_at=next_step_at,
        reason=_reason(
            contact=contact,
            step=step,
            days=days,
            nudged_at=nudged_at,
            next_step_at=next_step_at,
            may_try_another=may_try_another,
            offered=offered,
            now=now,
            tz=tz,
        ),
    )


def _reason(
    *,
    contact: Contact,
    step: Step,
    days: int,
    nudged_at: datetime | None,
    next_step_at: datetime | None,
    may_try_another: bool,
    offered: tuple[Contact, ...],
    now: datetime,
    tz: ZoneInfo,
) -> str:
    name = contact.first_name or contact.name
    organization = contact.organization.name if contact.organization else ""
    silence = f"No reply for {_business_days(days)}." if days else "No reply yet."
    if offered:
        someone_else = f" Try someone else at {organization} while you wait."
    else:
        someone_else = (
            f" Nobody else at {organization} is in your list yet: look for another person "
            "there while you wait."
        )
    if step == "close" and nudged_at is not None:
        return (
            f"No reply in {_business_days(business_days_between(nudged_at, now, tz))} since "
            f"your nudge on {_day(nudged_at, tz)}. Close the request as “no reply” and move "
            f"on; you can always write to {name} again later."
        )
    if step == "nudge":
        return f"{silence} Send {name} one short, polite nudge."
    if step == "try_another":
        return silence + someone_else
    due = _day(next_step_at, tz) if next_step_at else ""
    if nudged_at is not None:
        reason = (
            f"You nudged {name} on {_day(nudged_at, tz)}. If there is still no reply by {due}, "
            "close the request as “no reply”."
        )
        if may_try_another and days >= TRY_ANOTHER_AFTER:
            reason += someone_else
        return reason
    if organization and not may_try_another:
        silence += (
            f" Someone at {organization} has replied, so there is no need to ask another "
            "person there."
        )
    if may_try_another and days < TRY_ANOTHER_AFTER:
        return f"{silence} If there is still none by {due}, try someone else at {organization}."
    return f"{silence} If there is still none by {due}, send {name} one polite nudge."


def _business_days(count: int) -> str:
    return f"{count} business day" if count == 1 else f"{count} business days"


def _day(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{local:%A} {local.day} {local:%B}"


def _at_or_after(moment: datetime | None, start: datetime) -> bool:
    return moment is not None and moment >= start


def _keep_latest(latest: dict[Any, datetime], key: Any, moment: datetime) -> None:
    if key is not None and (key not in latest or moment > latest[key]):
        latest[key] = moment
