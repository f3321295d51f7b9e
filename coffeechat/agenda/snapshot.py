"""The snapshot the agenda's rules read, fetched at once.

`AgendaData.load` reads what the rules need in a fixed number of queries, however large the
network (and `touch_contacts` one more, for the few people to keep in touch with whom the
agenda shows). Each query asks for the rows that can make an item and for the columns the rules
read, and its rows become typed, frozen rows (`rows`: `PersonRow`, `BookingRow`, …) holding
those columns and nothing else: for the thousands of rows of a large network, model instances
would cost more than everything else the agenda does, and no rule or item reads the database
again. The queries are `Prepared`: built and compiled once, since compiling them would take
longer than running them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from coffeechat.accounts.models import Profile
from coffeechat.accounts.services import profile_get
from coffeechat.agenda.items import UPCOMING_DAYS
from coffeechat.agenda.models import AgendaMark, MarkAction
from coffeechat.agenda.rows import (
    BookingRow,
    ConversationRow,
    HeldRow,
    IntroductionRow,
    MarkRow,
    MetAtEventRow,
    OrganizationRow,
    PersonRow,
    ProspectRow,
    ReferralRow,
    RequestRow,
    TouchRow,
)
from coffeechat.agenda.timing import start_of_day, time_zone_of, week_start
from coffeechat.contacts.models import Contact, Source, Stage
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
from coffeechat.lib.owned import Owner
from coffeechat.lib.prepared import InList, Param, ParamList, Prepared, Sent, together
from coffeechat.outreach.followup import FollowUp, follow_ups_reading
from coffeechat.outreach.models import (
    SENT,
    Direction,
    Message,
    MessageKind,
    ReplyOutcome,
)

PROSPECTS_WANTED = 5
DEFAULT_CADENCE_DAYS = 90
# Someone met at an event: a note is due within EVENT_NOTE_DAYS days of meeting, and the
# reminder is left out once EVENT_SHOWN_DAYS days have passed.
EVENT_NOTE_DAYS = 2
EVENT_SHOWN_DAYS = 14
# Whom the user can ask for a favour: people they know this way, or have talked with and
# thanked. Nobody known in one of KNOWN_SOURCES' ways needs an introduction.
WARM_SOURCES = (Source.FRIEND_FAMILY, Source.FORMER_COLLEAGUE)
KNOWN_SOURCES = (*WARM_SOURCES, Source.CO_WORKER, Source.EVENT, Source.REFERRAL)
# Introductions: a few at a time, the highest priority first; the rest come up as these are
# asked, snoozed or dismissed. The items' keys start with INTRODUCTION_KEY.
INTRODUCTIONS_AT_ONCE = 3
INTRODUCTION_KEY = "ask_introduction:contact:"
# Of the introductions snoozed or dismissed, how many are listed to be restored.
HIDDEN_LISTED = 20

# What every contact in the snapshot carries, with its organisation's name.
CONTACT_FIELDS = ("id", "name", "first_name", "title", "organization_id")


@dataclass(frozen=True)
class AgendaData:
    """Everything the rules read, fetched at once.

    `conversations`, in the order they were made: requests with a reply (`RequestRow`),
    bookings still to come (`BookingRow`) and held conversations (`HeldRow`).
    `keep_in_touch`: people thanked before and not in a conversation now, as
    `TouchCandidate`s; with a `horizon`, only those due before it.
    `prospects`: up to PROSPECTS_WANTED people still to ask. `marks`: the snoozes and
    dismissals in force, by item key.
    `introductions`: people to ask someone to introduce, the INTRODUCTIONS_AT_ONCE to show
    then those whose item is hidden, each with whom to ask (see `_people_to_meet`).
    `met_at_events`: people met at an event in the last EVENT_SHOWN_DAYS days not written to
    since.
    """

    owner: Any
    now: datetime
    tz: ZoneInfo
    profile: Profile
    follow_ups: tuple[FollowUp, ...]
    conversations: tuple[ConversationRow, ...]
    referrals: tuple[ReferralRow, ...]
    keep_in_touch: tuple[TouchCandidate, ...]
    prospects: tuple[ProspectRow, ...]
    requests_this_week: int
    held_this_week: int
    marks: dict[str, MarkRow] = field(default_factory=dict)
    introductions: tuple[IntroductionRow, ...] = ()
    met_at_events: tuple[MetAtEventRow, ...] = ()
    routes: dict[tuple[str, bool], tuple[str, ...]] = field(default_factory=dict)
    horizon: datetime | None = None
    # What the rules work out from the snapshot, kept so that no two work it out twice.
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(
        cls,
        *,
        owner: Owner,
        now: datetime,
        shown_only: bool = False,
        profile: Profile | None = None,
        days: int = UPCOMING_DAYS,
    ) -> AgendaData:
        """The snapshot at `now`. With `shown_only`, what can only make items due after the
        next `days` days (UPCOMING_DAYS unless told) is left out (`horizon`): the agenda does
        not show them. `profile` is the owner's, for a caller that has read it already."""
        profile = profile or profile_get(owner=owner)
        tz = time_zone_of(profile)
        horizon = start_of_day(now, tz, days=days + 1) if shown_only else None
        reader = _Reader(owner)
        owner_id = reader.owner_id
        # The queries go together (one pipeline on PostgreSQL). First those whose rows the
        # others need, which are read at once; then the others, the slowest last, so that
        # the server answers it while the rows before it become the snapshot's.
        with together():
            week = _WEEK.send(owner=owner_id, week=week_start(now, tz))
            marks_sent = _MARKS.send(owner=owner_id, now=now)
            reading = follow_ups_reading(owner=owner)
            takeaways = _REFERRALS.send(owner=owner_id)
            marks = _marks(marks_sent)
            meeting = _people_to_meet_sent(now, tz, marks, owner_id)
            reading.send_the_rest()
            referral_people = _referral_people_sent(takeaways, owner_id)
            replied = _REPLIED_REQUESTS.send(owner=owner_id)
            bookings = _UPCOMING_BOOKINGS.send(owner=owner_id, now=now)
            held = _HELD_CONVERSATIONS.send(owner=owner_id)
            prospects = _PROSPECTS.send(owner=owner_id)
            touches = _keep_in_touch_sent(profile, horizon, owner_id)

            introductions, met_at_events = _people_to_meet(meeting, reader)
            conversations: list[ConversationRow] = [
                *_replied_requests(replied, reader),
                *_upcoming_bookings(bookings, reader),
                *_held_conversations(held, reader),
            ]
            found_follow_ups = reading.follow_ups(now=now, tz=tz)
            referrals = _referrals(takeaways, referral_people, reader)
            found_prospects = _prospects(prospects, reader)
            keep_in_touch = _keep_in_touch(touches, reader)
        counts = next(iter(week.rows()), {"requests": 0, "held": 0})
        return cls(
            owner=owner,
            now=now,
            tz=tz,
            profile=profile,
            follow_ups=tuple(found_follow_ups),
            conversations=tuple(sorted(conversations, key=lambda c: c.pk)),
            referrals=tuple(referrals),
            keep_in_touch=tuple(keep_in_touch),
            prospects=tuple(found_prospects),
            requests_this_week=counts["requests"],
            held_this_week=counts["held"],
            marks=marks,
            introductions=tuple(introductions),
            met_at_events=tuple(met_at_events),
            horizon=horizon,
        )

    @property
    def today_start(self) -> datetime:
        return start_of_day(self.now, self.tz)


class _Reader:
    """Makes the rows of one snapshot from `values()` rows: one `PersonRow` for each contact
    and one `OrganizationRow` for each organisation, however many rows name them."""

    def __init__(self, owner: Owner):
        self.owner_id: int = owner.pk
        self.people: dict[int, PersonRow] = {}
        self.organizations: dict[int, OrganizationRow] = {}

    def person(self, row: dict[str, Any], prefix: str = "") -> PersonRow:
        """The person read with `contact_lookups(prefix)`, with their organisation."""
        person = self.people.get(row[prefix + "id"])
        if person is None:
            person = self.people[row[prefix + "id"]] = PersonRow(*self.fields(row, prefix))
        return person

    def fields(
        self, row: dict[str, Any], prefix: str = ""
    ) -> tuple[int, str, str, str, OrganizationRow | None]:
        """A `PersonRow`'s fields, in order, from a row read with `contact_lookups(prefix)`:
        a kind of person row takes these then its own."""
        organization = self._organization(row[prefix + "organization_id"], row, prefix)
        return (
            row[prefix + "id"],
            row[prefix + "name"],
            row[prefix + "first_name"],
            row[prefix + "title"],
            organization,
        )

    def _organization(
        self, pk: int | None, row: dict[str, Any], prefix: str
    ) -> OrganizationRow | None:
        if pk is None:
            return None
        organization = self.organizations.get(pk)
        if organization is None:
            name = row[prefix + "organization__name"]
            organization = self.organizations[pk] = OrganizationRow(pk, name)
        return organization


def _researched(row: dict[str, Any], prefix: str) -> bool:
    """`Contact.researched`, from a row read with `contact_lookups(prefix, research_notes=True)`."""
    return bool(
        row[prefix + "research_notes"].strip()
        or row[prefix + "research_done"]
        or (
            row[prefix + "organization_id"] is not None
            and (
                row[prefix + "organization__research_notes"].strip()
                or row[prefix + "organization__research_done"]
            )
        )
    )


@lru_cache(maxsize=16)
def _contact_fields(prefix: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, prefix + name) for name in CONTACT_FIELDS)


def contact_lookups(prefix: str = "", research_notes: bool = False) -> list[str]:
    lookups = [lookup for _, lookup in _contact_fields(prefix)] + [prefix + "organization__name"]
    if research_notes:
        lookups += [
            prefix + "research_notes",
            prefix + "research_done",
            prefix + "organization__research_notes",
            prefix + "organization__research_done",
        ]
    return lookups


def _owner() -> Param:
    return Param("owner", IntegerField())


def _conversations():
    return Conversation.objects.filter(owner=_owner()).order_by()


def _sent(**filters) -> Any:
    """The messages sent, filtered by `filters`. A subquery the planner may read whole
    (to set aside the rows of the outer query found in it) names the owner too, so that a
    server many users share reads the owner's part of an index; one looked up by a person or
    a conversation needs no owner."""
    return Message.objects.filter(SENT, **filters)


def _latest(queryset, field_name: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{field_name}").values(field_name)[:1])


def _count(queryset, group_by: str) -> Coalesce:
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


# Requests and conversations held since the start of the week: only this week's are read
# (on PostgreSQL through an index of each moment, conversations migration 0005).
_WEEK = Prepared(
    lambda: (
        _conversations()
        .filter(
            Q(requested_at__gte=Param("week", DateTimeField()))
            | Q(held_at__gte=Param("week", DateTimeField()))
        )
        .values("owner_id")
        .annotate(
            requests=Count("pk", filter=Q(requested_at__gte=Param("week", DateTimeField()))),
            held=Count("pk", filter=Q(held_at__gte=Param("week", DateTimeField()))),
        )
        .values("requests", "held")
    )
)


def _marks(sent: Sent) -> dict[str, MarkRow]:
    """The snoozes and dismissals in force, by item key."""
    return {
        row["item_key"]: MarkRow(row["item_key"], row["action"], row["until"])
        for row in sent.rows()
    }


_MARKS = Prepared(
    lambda: (
        AgendaMark.objects.filter(owner=_owner())
        .filter(Q(action=MarkAction.DISMISS) | Q(until__gt=Param("now", DateTimeField())))
        .values("item_key", "action", "until")
    )
)


def _accepted_reply() -> QuerySet[Message]:
    return Message.objects.filter(
        owner=_owner(),
        conversation=OuterRef("pk"),
        direction=Direction.IN,
        kind=MessageKind.REPLY,
        reply_outcome=ReplyOutcome.ACCEPTED,
        received_at__isnull=False,
    )


_REPLIED_REQUESTS = Prepared(
    lambda: (
        _conversations()
        .filter(Q(replied_at__isnull=False) | Q(Exists(_accepted_reply())), state=State.REQUESTED)
        .annotate(accepted_at=_latest(_accepted_reply(), "received_at"))
        .values("pk", "replied_at", "scheduled_for", "accepted_at", *contact_lookups("contact__"))
    )
)


def _replied_requests(sent: Sent, reader: _Reader) -> list[RequestRow]:
    """Requests they said yes to, by a reply recorded on the conversation or an accepted
    reply message."""
    return [
        RequestRow(
            pk=row["pk"],
            state=State.REQUESTED,
            contact=reader.person(row, "contact__"),
            replied_at=row["replied_at"],
            scheduled_for=row["scheduled_for"],
            accepted_at=row["accepted_at"],
        )
        for row in sent.rows()
    ]


def _upcoming_bookings_query() -> QuerySet[Any]:
    here = OuterRef("pk")
    return (
        _conversations()
        .filter(state=State.SCHEDULED, scheduled_for__gt=Param("now", DateTimeField()))
        .annotate(
            confirmed_at=_latest(
                _sent(
                    owner=_owner(),
                    conversation=here,
                    kind__in=[MessageKind.CONFIRMATION, MessageKind.RESCHEDULE],
                ),
                "sent_at",
            ),
            rebooked_at=_latest(Reschedule.objects.filter(conversation=here), "created_at"),
            question_count=_count(ChosenQuestion.objects.filter(conversation=here), "conversation"),
        )
        .values(
            "pk",
            "scheduled_for",
            "format",
            "confirmed_at",
            "rebooked_at",
            "question_count",
            *contact_lookups("contact__", research_notes=True),
        )
    )


_UPCOMING_BOOKINGS = Prepared(_upcoming_bookings_query)


def _upcoming_bookings(sent: Sent, reader: _Reader) -> list[BookingRow]:
    """Bookings still to come, with what their confirmation and prep sheet lack."""
    return [
        BookingRow(
            pk=row["pk"],
            state=State.SCHEDULED,
            contact=reader.person(row, "contact__"),
            scheduled_for=row["scheduled_for"],
            format=row["format"],
            confirmed_at=row["confirmed_at"],
            rebooked_at=row["rebooked_at"],
            question_count=row["question_count"],
            researched=_researched(row, "contact__"),
        )
        for row in sent.rows()
    ]


def _held_conversations_query() -> QuerySet[Any]:
    here = OuterRef("pk")
    return (
        _conversations()
        .filter(state=State.HELD, held_at__isnull=False)
        .annotate(
            thank_you_sent=Exists(
                _sent(owner=_owner(), conversation=here, kind=MessageKind.THANK_YOU)
            ),
            has_takeaways=Exists(Takeaway.objects.filter(conversation=here)),
        )
        .values(
            "pk",
            "held_at",
            "thanked_at",
            "notes",
            "thank_you_sent",
            "has_takeaways",
            *contact_lookups("contact__"),
        )
    )


_HELD_CONVERSATIONS = Prepared(_held_conversations_query)


def _held_conversations(sent: Sent, reader: _Reader) -> list[HeldRow]:
    """Held conversations, with whether the thank-you is sent and anything written down."""
    return [
        HeldRow(
            pk=row["pk"],
            state=State.HELD,
            contact=reader.person(row, "contact__"),
            held_at=row["held_at"],
            thanked_at=row["thanked_at"],
            notes=row["notes"],
            thank_you_sent=row["thank_you_sent"],
            has_takeaways=row["has_takeaways"],
        )
        for row in sent.rows()
    ]


def _referrals_query() -> QuerySet[Any]:
    # Each table is read through the owner's part of an index: on a server shared by many
    # users, a read of everyone's conversations would grow with all of theirs.
    asked = (
        _conversations().filter(contact=OuterRef("referral_contact")).exclude(state=State.PLANNED)
    )
    return (
        Takeaway.objects.filter(
            owner=_owner(), conversation__owner=_owner(), kind=TakeawayKind.REFERRAL
        )
        .exclude(status=TakeawayStatus.DROPPED)
        .exclude(Exists(asked))
        .order_by("created_at", "pk")
        .values(
            "pk", "created_at", "may_use_name", "referral_contact_id", "conversation__contact_id"
        )
    )


_REFERRALS = Prepared(_referrals_query)

# The people of the referrals waiting: each takeaway names two.
_REFERRAL_PEOPLE = Prepared(
    lambda: (
        Contact.objects.filter(InList(F("pk"), ParamList("ids", BigIntegerField())), owner=_owner())
        .order_by()
        .values("do_not_contact", *contact_lookups())
    )
)


def _referral_people_sent(takeaways: Sent, owner_id: int) -> Sent:
    """The people of the referral takeaways `takeaways` (of `_REFERRALS`): both of each."""
    ids = {row["referral_contact_id"] for row in takeaways.rows()}
    ids.update(row["conversation__contact_id"] for row in takeaways.rows())
    # Only the owner's people are read: every takeaway's are theirs. Read even when there
    # are none, so that the agenda makes as many queries whatever the network holds.
    return _REFERRAL_PEOPLE.send(owner=owner_id, ids=list(ids))


def _referrals(takeaways: Sent, people_sent: Sent, reader: _Reader) -> list[ReferralRow]:
    """Referral takeaways whose person has not been asked yet (a draft does not count).

    The takeaways are read first and their people after, by id: in one query, PostgreSQL
    looked up both people of every referral ever noted before setting aside those asked."""
    people = {row["id"]: row for row in people_sent.rows()}
    referrals = []
    for row in takeaways.rows():
        person = people.get(row["referral_contact_id"])
        referrer = people.get(row["conversation__contact_id"])
        if person is None or referrer is None or person["do_not_contact"]:
            continue
        referrals.append(
            ReferralRow(
                pk=row["pk"],
                created_at=row["created_at"],
                may_use_name=row["may_use_name"],
                referral_contact=reader.person(person),
                referrer=reader.person(referrer),
            )
        )
    return referrals


class DaysBefore(Func):
    """A moment less a whole number of days, worked out by the database.

    Django's own date arithmetic runs a Python function for every row on SQLite.
    """

    output_field = DateTimeField()
    arity = 2

    def _parts(self, compiler) -> tuple[str, str, list[Any]]:
        (moment, moment_params), (days, days_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return moment, days, [*moment_params, *days_params]

    def as_sqlite(self, compiler, connection, **extra_context):
        moment, days, params = self._parts(compiler)
        return f"datetime({moment}, '-' || ({days}) || ' days')", params

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, Any]:
        moment, days, params = self._parts(compiler)
        return f"({moment} - ({days}) * INTERVAL '1 day')", params


def _keep_in_touch_query(*, before_horizon: bool) -> QuerySet[Any]:
    """People thanked before and not in a conversation now, with the last time they heard
    from the user (`touched`). With `before_horizon`, only those last in touch before their
    cadence ran out ahead of the horizon: before `Param` "default_cut" for the default cadence,
    before "touched_by" less their own cadence for the others. Only the owner's people: the
    query says so of each table it reads. Written for each database's planner: the same rows
    either way (agenda/tests/test_snapshot.py)."""
    if connection.vendor == "postgresql":
        return _keep_in_touch_grouped(before_horizon=before_horizon)
    return _keep_in_touch_by_person(before_horizon=before_horizon)


def _keep_in_touch_by_person(*, before_horizon: bool) -> QuerySet[Any]:
    """`_keep_in_touch_query` as SQLite answers it best: each of the owner's people thanked
    before is checked by index searches for a message or a thank-you since the cut."""
    here = OuterRef("pk")
    thanked = _conversations().filter(thanked_at__isnull=False)
    busy = _conversations().filter(
        state__in=[State.REQUESTED, State.SCHEDULED, State.HELD, State.NO_SHOW]
    )
    people: QuerySet[Any] = Contact.objects.filter(
        owner=_owner(), pk__in=thanked.values("contact_id"), do_not_contact=False
    ).exclude(pk__in=busy.values("contact_id"))
    if before_horizon:
        # Most people keep the default cadence: one moment for all of them, worked out once.
        cut = Case(
            When(cadence_days__isnull=True, then=Param("default_cut", DateTimeField())),
            default=DaysBefore(Param("touched_by", DateTimeField()), "cadence_days"),
            output_field=DateTimeField(),
        )
        people = (
            people.alias(cut=cut)
            .exclude(Exists(_sent(contact=here, sent_at__gte=OuterRef("cut"))))
            .exclude(Exists(thanked.filter(contact=here, thanked_at__gte=OuterRef("cut"))))
        )
    thanked_last = _latest(thanked.filter(contact=here), "thanked_at")
    sent_last = _latest(_sent(contact=here), "sent_at")
    return (
        # The later of the two; a person never written to since has only the first.
        people.annotate(touched=Coalesce(Greatest(thanked_last, sent_last), thanked_last))
        .order_by("pk")
        .values(
            contact_id=F("pk"),
            contact__priority=F("priority"),
            contact__cadence_days=F("cadence_days"),
            touched=F("touched"),
        )
    )


def _keep_in_touch_grouped(*, before_horizon: bool) -> QuerySet[Any]:
    """`_keep_in_touch_query` as PostgreSQL answers it best: the owner's thanked
    conversations read by their index, one group for each person (their last thank-you),
    with no join the planner could turn into a read of all the owner's people for each row
    when its statistics are missing or stale. With `before_horizon`, whoever was written to
    since the cut is set aside before any last message is looked up: for the default cadence
    by one read of the messages sent since its cut (a hashed set), for a cadence of their own
    by an index search each. Only the people kept have their last message looked up."""
    busy = _conversations().filter(
        state__in=[State.REQUESTED, State.SCHEDULED, State.HELD, State.NO_SHOW]
    )
    people = (
        _conversations()
        # The owner's people only, as every conversation's are: said, so that PostgreSQL
        # reads them through an index rather than every user's people.
        .filter(thanked_at__isnull=False, contact__owner=_owner(), contact__do_not_contact=False)
        .exclude(contact_id__in=busy.values("contact_id"))
        .values("contact_id", "contact__priority", "contact__cadence_days")
        .annotate(thanked_last=Max("thanked_at"))
    )
    if before_horizon:
        default_cut = Param("default_cut", DateTimeField())
        own_cut = DaysBefore(Param("touched_by", DateTimeField()), "contact__cadence_days")
        own_cut_outer = DaysBefore(
            Param("touched_by", DateTimeField()), OuterRef("contact__cadence_days")
        )
        written_since_default = _sent(owner=_owner(), sent_at__gte=default_cut).values("contact_id")
        written_since_own = _sent(contact=OuterRef("contact_id"), sent_at__gte=own_cut_outer)
        # Most people keep the default cadence: one moment for all of them, worked out once.
        cut = Case(
            When(contact__cadence_days__isnull=True, then=default_cut),
            default=own_cut,
            output_field=DateTimeField(),
        )
        people = people.filter(
            Q(contact__cadence_days__isnull=True) & ~Q(contact_id__in=written_since_default)
            | Q(contact__cadence_days__isnull=False) & ~Exists(written_since_own)
        ).filter(thanked_last__lt=cut)
    sent_last = _latest(_sent(contact=OuterRef("contact_id")), "sent_at")
    return (
        # The later of the two; a person never written to since has only the first.
        people.annotate(touched=Coalesce(Greatest(F("thanked_last"), sent_last), F("thanked_last")))
        .order_by("contact_id")
        .values(
            "contact_id",
            "contact__priority",
            "contact__cadence_days",
            "touched",
        )
    )


_KEEP_IN_TOUCH = Prepared(lambda: _keep_in_touch_query(before_horizon=False))
_KEEP_IN_TOUCH_BEFORE = Prepared(lambda: _keep_in_touch_query(before_horizon=True))

# The rest of what an item says of the people the agenda shows, read only for them.
_TOUCH_CONTACTS = Prepared(
    lambda: (
        Contact.objects.filter(InList(F("pk"), ParamList("ids", BigIntegerField())), owner=_owner())
        .order_by()
        .annotate(
            touches=_count(_sent(contact=OuterRef("pk"), kind=MessageKind.KEEP_IN_TOUCH), "contact")
        )
        .values("touches", "is_mentor", *contact_lookups())
    )
)


class TouchCandidate:
    """Someone thanked before and not in a conversation now, as `_keep_in_touch` read them:
    `pk`, `priority`, `cadence_days` and `touched`, the last time they heard from the user.
    Their `contact` (a `TouchRow`) is read by `touch_contacts`: of the hundreds a large
    network has, the agenda shows a few."""

    __slots__ = ("_contact", "_read", "_reader", "cadence_days", "pk", "priority", "touched")

    def __init__(self, row: dict[str, Any], reader: _Reader):
        self._reader, self._read = reader, False
        self._contact: TouchRow | None = None
        self.pk: int = row["contact_id"]
        self.priority: int = row["contact__priority"]
        self.cadence_days: int | None = row["contact__cadence_days"]
        self.touched: datetime = row["touched"]

    @property
    def contact(self) -> TouchRow | None:
        """The contact, or None if it was deleted since the snapshot was read."""
        if not self._read:
            touch_contacts([self])
        return self._contact


def touch_contacts(people: list[TouchCandidate]) -> None:
    """Reads the contacts of `people`, those not read yet, in one query."""
    unread = {person.pk: person for person in people if not person._read}
    if not unread:
        return
    reader = next(iter(unread.values()))._reader
    for person in unread.values():
        person._read = True
    for row in _TOUCH_CONTACTS.rows(owner=reader.owner_id, ids=list(unread)):
        unread[row["id"]]._contact = TouchRow(
            *reader.fields(row), touches=row["touches"], is_mentor=row["is_mentor"]
        )


def _keep_in_touch_sent(profile: Profile, horizon: datetime | None, owner_id: int) -> Sent:
    """People thanked before and not in a conversation now, with their last touch; with a
    horizon, only those due before it (a day's margin covers any change of the clocks:
    cadences are calendar days in the user's zone)."""
    if horizon is None:
        return _KEEP_IN_TOUCH.send(owner=owner_id)
    touched_by = horizon + timedelta(days=1)
    default = profile.default_cadence_days or DEFAULT_CADENCE_DAYS
    return _KEEP_IN_TOUCH_BEFORE.send(
        owner=owner_id, touched_by=touched_by, default_cut=touched_by - timedelta(days=default)
    )


def _keep_in_touch(sent: Sent, reader: _Reader) -> list[TouchCandidate]:
    return [TouchCandidate(row, reader) for row in sent.rows()]


# Up to PROSPECTS_WANTED people to ask, highest priority first: enough to know if there are
# too few.
_PROSPECTS = Prepared(
    lambda: (
        # The owner is a parameter of the prepared query: the selector only filters by it.
        contact_list(owner=cast(Owner, _owner()), stage=Stage.PROSPECT)
        .select_related(None)
        .prefetch_related(None)
        .filter(do_not_contact=False)
        .annotate(contacted=Exists(_sent(contact=OuterRef("pk"))))
        .order_by("priority", "name", "pk")
        .values("contacted", *contact_lookups())[:PROSPECTS_WANTED]
    )
)


def _prospects(sent: Sent, reader: _Reader) -> list[ProspectRow]:
    return [ProspectRow(*reader.fields(row), contacted=row["contacted"]) for row in sent.rows()]


# People to meet: introductions and notes after an event -------------------------------------


def _held_and_thanked(contact: OuterRef) -> QuerySet[Conversation]:
    return _conversations().filter(contact=contact, held_at__isnull=False, thanked_at__isnull=False)


def _warm() -> Q:
    """Someone the user can ask a favour of: known well, or talked with and thanked, and not
    waiting for their reply to a request."""
    here = OuterRef("pk")
    return (Q(source__in=WARM_SOURCES) | Q(Exists(_held_and_thanked(here)))) & ~Q(
        Exists(_conversations().filter(contact=here, state=State.REQUESTED))
    )


def _unasked() -> Q:
    """Someone the user wants to meet and has not approached: referred by nobody, known in
    no way that needs no introduction, with no conversation and no message sent."""
    here = OuterRef("pk")
    return (
        Q(referred_by__isnull=True)
        & ~Q(source__in=KNOWN_SOURCES)
        & ~Q(Exists(_conversations().filter(contact=here)))
        & ~Q(Exists(_sent(owner=_owner(), contact=here)))
    )


def _colleagues() -> QuerySet[Contact]:
    """The other people at the outer contact's organisation who may be written to."""
    return Contact.objects.filter(
        owner=_owner(), organization=OuterRef("organization_id"), do_not_contact=False
    ).exclude(pk=OuterRef("pk"))


# Whom to ask at their organisation: friends, relatives and former colleagues before people
# talked with and thanked, then by name.
_INTRODUCER_FIELDS = ("pk", "name", "first_name", "title", "source")


def _people_to_meet_query(*, introductions: bool) -> QuerySet[Any]:
    """With `introductions`, the INTRODUCTIONS_AT_ONCE people to ask someone to introduce,
    highest priority first, leaving out those whose item is hidden (`Param` "hidden", their
    ids): read in the order of an index, the query stops at the first few. Without, the people
    met at an event since "met_since" and not written to since, and the hidden ones still to
    introduce."""
    here = OuterRef("pk")
    noted = Q(
        introducer__isnull=False, introducer__owner=_owner(), introducer__do_not_contact=False
    )
    warm_colleagues = _colleagues().filter(_warm())
    asks = _unasked() & (noted | Q(organization__isnull=False) & Q(Exists(warm_colleagues)))
    if introductions:
        hidden = Q(pk__in=ParamList("hidden", BigIntegerField()))
        people = Contact.objects.filter(asks).exclude(hidden).order_by("priority", "name", "pk")
        met = Q(pk__isnull=True)
    else:
        met = Q(
            source=Source.EVENT,
            met_on__gte=Param("met_since", DateField()),
            met_on__lte=Param("met_until", DateField()),
        ) & ~Q(
            Exists(_sent(contact=here, sent_at__gte=OuterRef("met_on")))
            | Exists(
                _conversations().filter(
                    Q(requested_at__gte=OuterRef("met_on"))
                    | Q(scheduled_for__gte=OuterRef("met_on")),
                    contact=here,
                )
            )
        )
        # A few ids, each its own value, and whether each is still to introduce read for it
        # alone: PostgreSQL then expects a few rows. (Given a list of unknown length, or the
        # test in the filter, it expects thousands and compiles the query, for seconds.)
        hidden = Q(pk__in=[Param(f"hidden_{n}", BigIntegerField()) for n in range(HIDDEN_LISTED)])
        people = Contact.objects.filter(met | hidden).order_by()
    chosen = warm_colleagues.annotate(
        known=Case(When(source__in=WARM_SOURCES, then=0), default=1, output_field=IntegerField())
    ).order_by("known", "name", "pk")
    queryset = (
        people.filter(owner=_owner(), do_not_contact=False)
        .annotate(
            met=ExpressionWrapper(met, output_field=BooleanField()),
            asks=ExpressionWrapper(
                Q(pk__isnull=False) if introductions else asks, output_field=BooleanField()
            ),
            noted=ExpressionWrapper(noted, output_field=BooleanField()),
            **{f"via_{name}": Subquery(chosen.values(name)[:1]) for name in _INTRODUCER_FIELDS},
        )
        .values(
            "met",
            "asks",
            "noted",
            "source",
            "priority",
            "met_on",
            "met_at",
            *(f"via_{name}" for name in _INTRODUCER_FIELDS),
            *contact_lookups(),
            *contact_lookups("introducer__"),
        )
    )
    return queryset[:INTRODUCTIONS_AT_ONCE] if introductions else queryset


_INTRODUCTIONS = Prepared(lambda: _people_to_meet_query(introductions=True))
_MET_AT_EVENTS = Prepared(lambda: _people_to_meet_query(introductions=False))


def _people_to_meet_sent(
    now: datetime, tz: ZoneInfo, marks: dict[str, MarkRow], owner_id: int
) -> tuple[Sent, Sent]:
    """The queries of `_people_to_meet`, sent: those who may need an introduction (the ones
    whose item is hidden by `marks` read apart) and the people met at an event lately."""
    today = now.astimezone(tz).date()
    hidden = [
        int(pk)
        for key in marks
        if key.startswith(INTRODUCTION_KEY)
        and (pk := key.removeprefix(INTRODUCTION_KEY)).isascii()
        and pk.isdigit()
    ]
    shown = _INTRODUCTIONS.send(owner=owner_id, hidden=hidden)
    listed = sorted(hidden)[:HIDDEN_LISTED]
    # Ids no contact has fill the places left.
    places: dict[str, Any] = {
        f"hidden_{n}": pk for n, pk in enumerate(listed + [0] * (HIDDEN_LISTED - len(listed)))
    }
    rest = _MET_AT_EVENTS.send(
        owner=owner_id,
        met_since=today - timedelta(days=EVENT_SHOWN_DAYS),
        met_until=today,
        **places,
    )
    return shown, rest


def _people_to_meet(
    sent: tuple[Sent, Sent], reader: _Reader
) -> tuple[list[IntroductionRow], list[MetAtEventRow]]:
    """People to ask someone to introduce: the INTRODUCTIONS_AT_ONCE to show, highest
    priority first, then those whose item is hidden, each with whom to ask; and people met
    at an event lately, the most recent first (the rows of `_people_to_meet_sent`).

    Whom to ask: the person noted as able to introduce them, when they may be contacted
    (`introducer_noted`); otherwise one of the people the user knows well at the same
    organisation.
    """
    shown, rest = sent
    introductions: list[IntroductionRow] = []
    met: list[MetAtEventRow] = []
    for row in [*shown.rows(), *rest.rows()]:
        if row["met"]:
            met.append(
                MetAtEventRow(*reader.fields(row), met_on=row["met_on"], met_at=row["met_at"])
            )
            continue
        if not row["asks"]:
            continue  # hidden, and approached since
        noted = bool(row["noted"])
        if noted:
            introducer, source = reader.person(row, "introducer__"), ""
        else:
            via = {name: row[f"via_{name}"] for name in _INTRODUCER_FIELDS}
            introducer = reader.person(
                {
                    "id": via["pk"],
                    "name": via["name"],
                    "first_name": via["first_name"],
                    "title": via["title"],
                    # Someone at the same organisation.
                    "organization_id": row["organization_id"],
                    "organization__name": row["organization__name"],
                }
            )
            source = via["source"]
        introductions.append(
            IntroductionRow(
                *reader.fields(row),
                introduce_through=introducer,
                introducer_noted=noted,
                introducer_source=source,
            )
        )
    met.sort(key=lambda c: (-c.met_on.toordinal(), c.name, c.pk))
    return introductions, met
