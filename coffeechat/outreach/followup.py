"""The 3B7 routine: what to do about a request that has had no reply.

After 3 business days of silence, try another person at the same organisation; after 7, send
one polite nudge; 7 business days after the nudge, close the request as "no reply". Business
days are counted in the user's time zone. Everything is computed from conversations and
messages, so there is nothing stored that could drift.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import (
    DateTimeField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from coffeechat.accounts.services import profile_get
from coffeechat.contacts.models import Contact, Organization
from coffeechat.contacts.selectors import only_prospects
from coffeechat.conversations.models import Conversation, State
from coffeechat.lib.business_days import add_business_days, business_days_between
from coffeechat.lib.owned import Owner
from coffeechat.lib.prepared import Param, Prepared, Sent, together
from coffeechat.lib.rows import from_values
from coffeechat.outreach.models import Direction, Message, MessageKind, MessageStatus

TRY_ANOTHER_AFTER = 3
NUDGE_AFTER = 7
CLOSE_AFTER_NUDGE = 7

Step = Literal["wait", "try_another", "nudge", "close"]


@dataclass(frozen=True)
class FollowUp:
    """Where one unanswered request stands in the routine, and what to do about it now.

    `step_due_at` is when the current step became due: the request itself for a wait before
    the nudge, the nudge for the wait after it. `next_step_at` is when the next step
    (`next_step`) will be due; it is None when the next move waits on the user (a nudge not
    yet sent, a close).
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
    next_step: Step | None = None


def follow_ups(
    *, owner: Owner, now: datetime, steps: Collection[str] | None = None, tz: ZoneInfo | None = None
) -> list[FollowUp]:
    """Every request of `owner` still waiting for a reply, oldest first.

    The number of queries does not depend on how many requests there are. `tz` is the
    owner's time zone, for a caller that has read it already.
    """
    found = _EVERY_REQUEST.follow_ups(owner=owner, now=now, tz=tz or _time_zone(owner))
    if steps is not None:
        found = [follow_up for follow_up in found if follow_up.step in steps]
    return found


def follow_ups_reading(*, owner: Owner) -> FollowUpsReading:
    """`follow_ups(owner=owner)` begun: its first query is sent (see `FollowUpsReading`)."""
    return FollowUpsReading(_EVERY_REQUEST, owner, {})


def follow_up_for(*, owner: Owner, conversation: Conversation, now: datetime) -> FollowUp | None:
    """The routine for one conversation; None when it is not a request waiting for a reply."""
    found = _ONE_REQUEST.follow_ups(
        owner=owner, now=now, tz=_time_zone(owner), conversation=conversation.pk
    )
    return found[0] if found else None


def _time_zone(owner: Owner) -> ZoneInfo:
    try:
        return ZoneInfo(profile_get(owner=owner).time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _owner() -> Param:
    return Param("owner", IntegerField())


def _organization_of(contact: str) -> Subquery:
    """The organisation of the contact whose id is in the column `contact`."""
    return Subquery(Contact.objects.filter(pk=OuterRef(contact)).values("organization_id")[:1])


def _since() -> Param:
    return Param("since", DateTimeField())


class _Routine:
    """The routine's queries for the requests of `waiting`, a queryset of the owner's
    requests waiting for a reply built with `Param`s (see `coffeechat.lib.prepared`), and
    what it makes of their rows."""

    def __init__(self, waiting: Callable[[], QuerySet[Any]]):
        self.requests = Prepared(
            lambda: waiting().values(
                "pk",
                "requested_at",
                "contact_id",
                "contact__name",
                "contact__first_name",
                "contact__title",
                "contact__organization_id",
                "contact__organization__name",
            )
        )
        # Few messages come in; reading each since the oldest request costs less than
        # grouping them by person, which takes the database through every message. Each
        # person's organisation is looked up by id, row by row: joined, PostgreSQL planned
        # for a third of the table since any day (its guess for a value it is not told)
        # and read all the owner's people.
        self.incoming = Prepared(
            lambda: (
                Message.objects.filter(owner=_owner(), direction=Direction.IN)
                .annotate(heard_at=Coalesce("received_at", "created_at"))
                .filter(heard_at__gte=_since())
                .order_by()
                .values("contact_id", "heard_at", organization_id=_organization_of("contact_id"))
            )
        )
        # The replies since the oldest request, at the organisations of their people.
        self.replied = Prepared(
            lambda: (
                Conversation.objects.filter(owner=_owner(), replied_at__gte=_since())
                .order_by()
                .values("replied_at", organization_id=_organization_of("contact_id"))
            )
        )
        self.nudges = Prepared(
            lambda: (
                Message.objects.filter(
                    owner=_owner(),
                    direction=Direction.OUT,
                    kind=MessageKind.NUDGE,
                    status=MessageStatus.SENT,
                    sent_at__isnull=False,
                )
                .filter(Q(conversation__in=waiting().values("pk")) | Q(sent_at__gte=_since()))
                .order_by("-sent_at")
                .values("conversation_id", "contact_id", "sent_at")
            )
        )
        self.others = Prepared(lambda: _prospects_at(waiting()))

    def follow_ups(
        self, *, owner: Owner, now: datetime, tz: ZoneInfo, **scope: Any
    ) -> list[FollowUp]:
        with together(Conversation.objects.db):
            reading = FollowUpsReading(self, owner, scope)
            reading.send_the_rest()
        return reading.follow_ups(now=now, tz=tz)


class FollowUpsReading:
    """`follow_ups` in three steps, for a caller that sends other queries together with its
    own (`coffeechat.lib.prepared.together`): made, it sends the query of the requests;
    `send_the_rest` reads them and sends the queries that need them; `follow_ups` reads those
    and makes the routine."""

    def __init__(self, routine: _Routine, owner: Owner, scope: dict[str, Any]):
        self._routine, self._owner_id, self._scope = routine, owner.pk, scope
        self._db = Conversation.objects.db
        self._requests = routine.requests.send(owner=owner.pk, **scope)
        # The requests, each with when it was sent (every request read was; the filter only
        # tells the types), once read.
        self._sent: list[tuple[Conversation, datetime]] | None = None
        self._rest: tuple[Sent, Sent, Sent] | None = None

    def send_the_rest(self) -> None:
        if self._sent is not None:
            return
        routine, owner_id = self._routine, self._owner_id
        found = _read_requests(owner_id, self._requests.rows(), self._db)
        self._sent = [(c, c.requested_at) for c in found if c.requested_at is not None]
        if not self._sent:
            return
        since = min(requested_at for _, requested_at in self._sent)
        self._rest = (
            routine.incoming.send(owner=owner_id, since=since),
            routine.replied.send(owner=owner_id, since=since),
            routine.nudges.send(owner=owner_id, since=since, **self._scope),
        )

    def follow_ups(self, *, now: datetime, tz: ZoneInfo) -> list[FollowUp]:
        self.send_the_rest()
        if not self._sent or self._rest is None:
            return []
        owner_id, db, scope, sent = self._owner_id, self._db, self._scope, self._sent
        incoming, replied, nudges_sent = self._rest
        since = min(requested_at for _, requested_at in sent)
        heard_from_contact, heard_from_organization = _last_heard(incoming, replied)
        nudges = _nudges(nudges_sent, since)

        plans = []
        for conversation, requested_at in sent:
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
                    for sent_at in (
                        nudges.by_conversation.get(conversation.pk),
                        _latest_from(
                            nudges.by_contact.get(conversation.contact_id, ()), requested_at
                        ),
                    )
                    if sent_at is not None
                ),
                default=None,
            )
            may_try_another = organization_id is not None and not organization_replied
            plans.append((conversation, days, nudged_at, may_try_another))

        organizations = {
            organization_id: organization
            for c, days, _, may_try_another in plans
            if may_try_another
            and days >= TRY_ANOTHER_AFTER
            and (organization_id := c.contact.organization_id) is not None
            and (organization := c.contact.organization) is not None
        }
        others = (
            _others_by_organization(
                owner_id, self._routine.others.rows(owner=owner_id, **scope), organizations, db
            )
            if organizations
            else {}
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
    incoming: Sent, replied: Sent
) -> tuple[dict[int, datetime], dict[int | None, datetime]]:
    """The latest reply since the oldest request from each contact, and from anyone at each
    organisation."""
    by_contact: dict[int, datetime] = {}
    by_organization: dict[int | None, datetime] = {}
    for row in incoming.rows():
        _keep_latest(by_contact, row["contact_id"], row["heard_at"])
        _keep_latest(by_organization, row["organization_id"], row["heard_at"])
    for row in replied.rows():
        _keep_latest(by_organization, row["organization_id"], row["replied_at"])
    return by_contact, by_organization


def _nudges(sent: Sent, since: datetime) -> _Nudges:
    """The sent nudges that may belong to a request: the latest for each conversation,
    and those sent to anyone since the oldest request."""
    found = _Nudges(by_conversation={}, by_contact={})
    for row in sent.rows():
        sent_at = row["sent_at"]
        if row["conversation_id"] is not None:
            found.by_conversation.setdefault(row["conversation_id"], sent_at)
        if sent_at >= since:
            found.by_contact.setdefault(row["contact_id"], []).append(sent_at)
    return found


def _waiting_requests() -> QuerySet[Any]:
    return Conversation.objects.filter(
        owner=_owner(), state=State.REQUESTED, requested_at__isnull=False, replied_at__isnull=True
    ).order_by("requested_at", "pk")


_EVERY_REQUEST = _Routine(_waiting_requests)
_ONE_REQUEST = _Routine(
    lambda: _waiting_requests().filter(pk=Param("conversation", IntegerField()))
)


def _read_requests(owner_id, rows: list[dict[str, Any]], db: str) -> list[Conversation]:
    """The requests, each with its contact and the contact's organisation."""
    organizations: dict[int, Organization] = {}
    requests = []
    for row in rows:
        organization = None
        organization_id = row["contact__organization_id"]
        if organization_id is not None:
            organization = organizations.get(organization_id)
            if organization is None:
                organization = organizations[organization_id] = from_values(
                    Organization,
                    {
                        "id": organization_id,
                        "owner_id": owner_id,
                        "name": row["contact__organization__name"],
                    },
                    db=db,
                )
        contact = _person(
            owner_id,
            db,
            row["contact_id"],
            row["contact__name"],
            row["contact__first_name"],
            row["contact__title"],
            organization,
        )
        values = {
            "id": row["pk"],
            "owner_id": owner_id,
            "contact_id": row["contact_id"],
            "state": State.REQUESTED,
            "requested_at": row["requested_at"],
            "replied_at": None,
        }
        requests.append(from_values(Conversation, values, db=db, related={"contact": contact}))
    return requests


def _person(
    owner_id: int, db: str, pk: int, name: str, first_name: str, title: str, organization: Any
) -> Contact:
    """A contact as the routine and its fragment read them: names, title and organisation."""
    return from_values(
        Contact,
        {
            "id": pk,
            "owner_id": owner_id,
            "name": name,
            "first_name": first_name,
            "title": title,
            "organization_id": organization.pk if organization is not None else None,
        },
        db=db,
        related={"organization": organization},
    )


@dataclass(frozen=True)
class _Nudges:
    by_conversation: dict[int, datetime]
    # Each person's nudges since the oldest request, latest first.
    by_contact: dict[int, list[datetime]]


def _latest_from(moments: Iterable[datetime], start: datetime) -> datetime | None:
    """The first of `moments` (latest first) at or after `start`."""
    for moment in moments:
        return moment if moment >= start else None
    return None


def _prospects_at(waiting: QuerySet[Any]) -> QuerySet[Any]:
    """People not yet asked (prospects, not "do not contact") at the organisations of the
    `waiting` requests.

    They are read for every organisation with a request waiting, which costs less than
    naming the organisations.
    """
    return (
        only_prospects(
            Contact.objects.filter(
                owner=_owner(),
                organization__in=waiting.values("contact__organization"),
                do_not_contact=False,
            )
        )
        # By organisation first, so the database reads people by organisation rather than
        # every contact in the order wanted within each.
        .order_by("organization", "priority", "name", "pk")
        .values("pk", "name", "first_name", "title", "organization_id")
    )


def _others_by_organization(
    owner_id: int, rows: list[dict[str, Any]], organizations: dict[int, Organization], db: str
) -> dict[int | None, list[Contact]]:
    """The people of `rows` (see `_prospects_at`) at each of `organizations`."""
    grouped: dict[int | None, list[Contact]] = {}
    for row in rows:
        organization_id = row["organization_id"]
        if organization_id in organizations:
            organization = organizations[organization_id]
            grouped.setdefault(organization_id, []).append(
                _person(
                    owner_id,
                    db,
                    row["pk"],
                    row["name"],
                    row["first_name"],
                    row["title"],
                    organization,
                )
            )
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
    next_step: Step | None = None
    days_since_nudge = 0
    if nudged_at is not None:
        close_at = add_business_days(nudged_at, CLOSE_AFTER_NUDGE, tz)
        days_since_nudge = business_days_between(nudged_at, now, tz)
        if days_since_nudge >= CLOSE_AFTER_NUDGE:
            step, step_due_at, next_step_at = "close", close_at, None
        else:
            step, step_due_at, next_step_at, next_step = "wait", nudged_at, close_at, "close"
    elif days >= NUDGE_AFTER:
        step, step_due_at, next_step_at = (
            "nudge",
            add_business_days(requested_at, NUDGE_AFTER, tz),
            None,
        )
    elif trying_another:
        step, step_due_at, next_step_at, next_step = (
            "try_another",
            add_business_days(requested_at, TRY_ANOTHER_AFTER, tz),
            add_business_days(requested_at, NUDGE_AFTER, tz),
            "nudge",
        )
    else:
        step, step_due_at = "wait", requested_at
        next_step = "try_another" if may_try_another and days < TRY_ANOTHER_AFTER else "nudge"
        next_step_at = add_business_days(
            requested_at, TRY_ANOTHER_AFTER if next_step == "try_another" else NUDGE_AFTER, tz
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
        next_step=next_step,
        reason=_reason(
            contact=contact,
            step=step,
            days=days,
            nudged_at=nudged_at,
            days_since_nudge=days_since_nudge,
            next_step_at=next_step_at,
            may_try_another=may_try_another,
            offered=offered,
            tz=tz,
        ),
    )


def _reason(
    *,
    contact: Contact,
    step: Step,
    days: int,
    nudged_at: datetime | None,
    days_since_nudge: int,
    next_step_at: datetime | None,
    may_try_another: bool,
    offered: tuple[Contact, ...],
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
            f"No reply in {_business_days(days_since_nudge)} since "
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
    return _date_words(moment.astimezone(tz).date())


# Hundreds of requests name a few dozen days; strftime costs more than the rest of a reason.
@lru_cache(maxsize=4096)
def _date_words(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def _at_or_after(moment: datetime | None, start: datetime) -> bool:
    return moment is not None and moment >= start


def _keep_latest(latest: dict[Any, datetime], key: Any, moment: datetime) -> None:
    if key is not None and (key not in latest or moment > latest[key]):
        latest[key] = moment


# Rows as model instances
