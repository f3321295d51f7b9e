"""The rows of the agenda's snapshot: typed, frozen, with what the rules read and no more.

`AgendaData.load` (in `snapshot`) makes them from the values its queries return. An item's
`contact`, `conversation` and suggestions are these rows, not model instances: nothing an item
holds reads the database again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.urls import reverse

from coffeechat.contacts.models import Contact
from coffeechat.conversations.models import Conversation
from coffeechat.lib.validation import MAX_YEAR, MIN_YEAR


@dataclass(frozen=True, slots=True)
class OrganizationRow:
    """An organisation as the agenda names it."""

    pk: int
    name: str

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contacts:organization_detail", args=[self.pk])


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A person as an item names them: what `contact_lookups` reads. An item's `contact` and
    its suggestions' are these (or one of the kinds below, with what a rule read besides)."""

    pk: int
    name: str
    first_name: str
    title: str
    organization: OrganizationRow | None

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contacts:contact_detail", args=[self.pk])

    @classmethod
    def of(cls, contact: Contact) -> PersonRow:
        """The row of a contact read elsewhere (a follow-up's), with its organisation."""
        organization = contact.organization
        return cls(
            pk=contact.pk,
            name=contact.name,
            first_name=contact.first_name,
            title=contact.title,
            organization=(
                OrganizationRow(organization.pk, organization.name) if organization else None
            ),
        )


@dataclass(frozen=True, slots=True)
class ProspectRow(PersonRow):
    """Someone still to ask; `contacted`: a message was sent to them already."""

    contacted: bool


@dataclass(frozen=True, slots=True)
class TouchRow(PersonRow):
    """Someone to keep in touch with: `touches`, the keep-in-touch notes sent to them."""

    touches: int
    is_mentor: bool


@dataclass(frozen=True, slots=True)
class IntroductionRow(PersonRow):
    """Someone to ask an introduction to: whom to ask (`introduce_through`), whether the
    user noted that person on their page (`introducer_noted`) and, when not, how the user
    knows them (`introducer_source`, a `Source`)."""

    introduce_through: PersonRow
    introducer_noted: bool
    introducer_source: str


@dataclass(frozen=True, slots=True)
class MetAtEventRow(PersonRow):
    """Someone met at an event: the day (`met_on`) and where (`met_at`, or "")."""

    met_on: date
    met_at: str


@dataclass(frozen=True, slots=True)
class ConversationRow:
    """A conversation as an item names it; `state` is a `State`. The snapshot's are of the
    kinds below, each with what its rules read."""

    pk: int
    state: str
    contact: PersonRow

    @classmethod
    def of(cls, conversation: Conversation, contact: PersonRow) -> ConversationRow:
        """The row of a conversation read elsewhere (a follow-up's)."""
        return cls(pk=conversation.pk, state=conversation.state, contact=contact)


@dataclass(frozen=True, slots=True)
class RequestRow(ConversationRow):
    """A request they said yes to: `accepted_at`, the latest accepted reply, if any."""

    replied_at: datetime | None
    scheduled_for: datetime | None
    accepted_at: datetime | None


@dataclass(frozen=True, slots=True)
class BookingRow(ConversationRow):
    """A booking still to come: the last confirmation sent (`confirmed_at`), the last time
    it was moved (`rebooked_at`), the questions chosen (`question_count`), and whether any
    research is done on the person or their organisation (`researched`, as
    `Contact.researched` says)."""

    scheduled_for: datetime
    format: str
    confirmed_at: datetime | None
    rebooked_at: datetime | None
    question_count: int
    researched: bool

    def in_range(self) -> bool:
        """Whether the booked time can be shown in any zone (`booking_in_range`)."""
        try:
            return MIN_YEAR <= self.scheduled_for.astimezone(UTC).year <= MAX_YEAR
        except OverflowError:
            return False


@dataclass(frozen=True, slots=True)
class HeldRow(ConversationRow):
    """A conversation held: whether a thank-you was sent and anything written down."""

    held_at: datetime
    thanked_at: datetime | None
    notes: str
    thank_you_sent: bool
    has_takeaways: bool


@dataclass(frozen=True, slots=True)
class ReferralRow:
    """A referral takeaway: the person suggested (`referral_contact`) by the person talked
    with (`referrer`)."""

    pk: int
    created_at: datetime
    may_use_name: bool
    referral_contact: PersonRow
    referrer: PersonRow


@dataclass(frozen=True, slots=True)
class MarkRow:
    """A snooze or a dismissal in force: `action` is a `MarkAction`."""

    key: str
    action: str
    until: datetime | None
