"""Notes, reflection and takeaways of a conversation: the writes and the reads.

Gaps, resources and opportunities are actions: they start open and are ticked off (done) or
dropped, and they make up the development plan, the reading list and the leads. Insights and
advice are things learnt, not things to do: they keep the default status and appear on no
action list. A referral's follow-through is the new contact's own progress, so a referral is
not ticked off here either.
"""

from enum import Enum
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from coffeechat.contacts.models import Contact, Source
from coffeechat.contacts.services import (
    contact_create,
    contact_update,
    find_duplicate,
    normalize_email,
)
from coffeechat.conversations.models import (
    REFLECTION_LIMIT,
    TAKEAWAY_LIMIT,
    Conversation,
    State,
    Takeaway,
    TakeawayKind,
    TakeawayStatus,
)
from coffeechat.lib.model_checks import tidy_lines, update_row, validate_instance
from coffeechat.lib.owned import Owner, check_owner
from coffeechat.lib.text import normalize_name
from coffeechat.lib.validation import NAME_LIMIT, TEXT_LIMIT, check_text
from coffeechat.lib.versions import STALE, text_version

# The models' limits, named for the forms that show them.
MAX_TAKEAWAY_CHARS = TAKEAWAY_LIMIT
MAX_NOTES_CHARS = TEXT_LIMIT
MAX_REFLECTION_CHARS = REFLECTION_LIMIT
MAX_REFERRAL_FIELD_CHARS = NAME_LIMIT

ACTION_KINDS = (TakeawayKind.GAP, TakeawayKind.RESOURCE, TakeawayKind.OPPORTUNITY)
# Notes are taken during the conversation or after it: once it is booked, not before.
NOTE_STATES = (State.SCHEDULED, State.HELD, State.THANKED, State.NO_SHOW)


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP


def _check_notes_allowed(conversation: Conversation) -> None:
    if conversation.state not in NOTE_STATES:
        raise ValidationError(
            "Notes and takeaways belong to a conversation that is booked or has taken place; "
            f"this one is {conversation.get_state_display().lower()}.",
            code="state",
        )


def _long_text(value: str, *, field: str, label: str, limit: int) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise ValidationError({field: f"{label} can be at most {limit:,} characters."})
    try:
        return check_text(value, limit=limit)
    except ValidationError as error:
        raise ValidationError({field: error}) from None


NOTES_CHANGED_ELSEWHERE = (
    "These notes were changed in another window since this page showed them. What you typed "
    "is still here: save again to keep it, or reload the page to see the other version."
)
NOTE_FIELDS = ("notes", "reflection_fit", "reflection_next", "clarity")


def notes_version(conversation: Conversation) -> str:
    """The version of the notes and reflection a page shows; a save names it."""
    return text_version(*(getattr(conversation, field) for field in NOTE_FIELDS))


@transaction.atomic
def conversation_notes_update(
    *,
    owner: Owner,
    conversation: Conversation,
    notes: str | None = None,
    reflection_fit: str | None = None,
    reflection_next: str | None = None,
    clarity: int | None | _Keep = KEEP,
    version: str = "",
) -> Conversation:
    """Saves the notes and the reflection. A text left as None stays as it is; clarity is a
    rating from 1 to 5, None clears it and KEEP (the default) leaves it alone. With `version`,
    the notes the page started from, notes changed since (in another window) are refused
    rather than overwritten; saving what is already stored changes nothing."""
    check_owner(owner, conversation)
    _check_notes_allowed(conversation)
    texts = {
        "notes": (notes, "Notes", MAX_NOTES_CHARS),
        "reflection_fit": (reflection_fit, "How it fits your goals", MAX_REFLECTION_CHARS),
        "reflection_next": (reflection_next, "What you will do next", MAX_REFLECTION_CHARS),
    }
    changed: dict[str, Any] = {}
    for field, (value, label, limit) in texts.items():
        if value is not None:
            changed[field] = _long_text(value, field=field, label=label, limit=limit)
    if clarity is not KEEP:
        if clarity is not None and (
            isinstance(clarity, bool) or not isinstance(clarity, int) or not 1 <= clarity <= 5
        ):
            raise ValidationError({"clarity": "Rate how clear things are from 1 to 5."})
        changed["clarity"] = clarity
    # The stored row, locked, so two saves of the same notes cannot pass each other.
    stored = Conversation.objects.select_for_update().get(pk=conversation.pk)
    differs = any(getattr(stored, field) != value for field, value in changed.items())
    if differs and version and version != notes_version(stored):
        raise ValidationError(NOTES_CHANGED_ELSEWHERE, code=STALE)
    update_row(stored, changed, allowed=NOTE_FIELDS)
    for field in (*NOTE_FIELDS, "updated_at"):
        setattr(conversation, field, getattr(stored, field))
    return conversation


def _short(value: str, *, field: str, label: str) -> str:
    value = tidy_lines({field: value or ""}, [field])[field]
    if len(value) > MAX_REFERRAL_FIELD_CHARS:
        raise ValidationError(
            {field: f"{label} can be at most {MAX_REFERRAL_FIELD_CHARS} characters."}
        )
    return value


def _referral_contact(
    *,
    owner: Owner,
    referrer: Contact,
    name: str,
    email: str,
    organization: str,
    title: str,
    may_use_name: bool,
) -> Contact:
    """The person suggested: the contact already known by that e-mail (or, without one, by
    that name among this referrer's referrals), else a new prospect."""
    email = normalize_email(email)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {"referral_email": f"“{email}” is not a valid e-mail address."}
            ) from None
        duplicate = find_duplicate(owner=owner, email=email)
        if duplicate is not None:
            known = duplicate.contact
            if known.pk == referrer.pk:
                raise ValidationError({"referral_email": f"That is {referrer.name}'s own address."})
            if known.referred_by_id is None:
                contact_update(
                    owner=owner,
                    contact=known,
                    referred_by=referrer,
                    may_use_referrer_name=may_use_name,
                )
            return known
    if not name:
        raise ValidationError(
            {"referral_name": "Give the name of the person they suggested you talk to."}
        )
    if not email:
        # Without an address to go by, the same name from the same referrer is the same person
        # noted twice, not a second one.
        key = normalize_name(name)
        for known in Contact.objects.owned_by(owner).filter(referred_by=referrer):
            if normalize_name(known.name) == key:
                return known
    return contact_create(
        owner=owner,
        name=name,
        email=email,
        organization_name=organization,
        title=title,
        source=Source.REFERRAL,
        referred_by=referrer,
        may_use_referrer_name=may_use_name,
        connection_note=f"Referred by {referrer.name}.",
    )


@transaction.atomic
def takeaway_add(
    *,
    owner: Owner,
    conversation: Conversation,
    kind: str,
    text: str,
    referral_name: str = "",
    referral_email: str = "",
    referral_organization: str = "",
    referral_title: str = "",
    may_use_name: bool = False,
) -> Takeaway:
    """Records one takeaway. A referral also makes (or links) the contact suggested, referred
    by the person of this conversation."""
    check_owner(owner, conversation)
    _check_notes_allowed(conversation)
    if kind not in TakeawayKind.values:
        raise ValidationError({"kind": "Choose what kind of takeaway this is."})
    text = _long_text(text, field="text", label="A takeaway", limit=MAX_TAKEAWAY_CHARS)
    referral_contact = None
    if kind == TakeawayKind.REFERRAL:
        name = _short(referral_name, field="referral_name", label="The name")
        organization = _short(
            referral_organization, field="referral_organization", label="The organisation"
        )
        title = _short(referral_title, field="referral_title", label="The title")
        referral_contact = _referral_contact(
            owner=owner,
            referrer=conversation.contact,
            name=name,
            email=referral_email,
            organization=organization,
            title=title,
            may_use_name=may_use_name,
        )
        text = text or f"Talk to {referral_contact.name}"
    if not text:
        raise ValidationError({"text": "Write the takeaway: what you learnt or will do."})
    takeaway = Takeaway(
        owner=owner,
        conversation=conversation,
        kind=kind,
        text=text,
        referral_contact=referral_contact,
        may_use_name=bool(may_use_name) and referral_contact is not None,
    )
    validate_instance(takeaway)
    takeaway.save()
    return takeaway


def takeaway_set_status(*, owner: Owner, takeaway: Takeaway, status: str) -> Takeaway:
    """Ticks an action off (done), drops it, or opens it again; records when it was done."""
    check_owner(owner, takeaway)
    if status not in TakeawayStatus.values:
        raise ValidationError({"status": "A takeaway is open, done or dropped."})
    if takeaway.kind not in ACTION_KINDS:
        raise ValidationError(
            {"status": "Only skill gaps, resources and opportunities are ticked off."}
        )
    if takeaway.status != status:
        takeaway.status = status
        takeaway.done_at = timezone.now() if status == TakeawayStatus.DONE else None
        takeaway.save(update_fields=["status", "done_at", "updated_at"])
    return takeaway


def takeaway_delete(*, owner: Owner, takeaway: Takeaway) -> None:
    """Deletes the takeaway; a contact it made for a referral stays in the list of people."""
    check_owner(owner, takeaway)
    takeaway.delete()


# Reads


def takeaway_list(
    *, owner: Owner, kinds: list[str] | tuple[str, ...] | None = None, statuses=None
) -> QuerySet[Takeaway]:
    """The owner's takeaways: open ones first, then done, then dropped; newest first in each."""
    takeaways = Takeaway.objects.owned_by(owner).select_related(
        "conversation",
        "conversation__contact",
        "conversation__contact__organization",
        "referral_contact",
    )
    if kinds:
        takeaways = takeaways.filter(kind__in=kinds)
    if statuses:
        takeaways = takeaways.filter(status__in=statuses)
    status_order = Case(
        When(status=TakeawayStatus.OPEN, then=Value(0)),
        When(status=TakeawayStatus.DONE, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return takeaways.order_by(status_order, "-created_at", "-pk")


def development_plan(*, owner: Owner) -> QuerySet[Takeaway]:
    """The skill gaps to work on."""
    return takeaway_list(owner=owner, kinds=[TakeawayKind.GAP])


def reading_list(*, owner: Owner) -> QuerySet[Takeaway]:
    """The books, articles, courses and groups recommended."""
    return takeaway_list(owner=owner, kinds=[TakeawayKind.RESOURCE])


def leads(*, owner: Owner) -> QuerySet[Takeaway]:
    """Job leads and other opportunities mentioned."""
    return takeaway_list(owner=owner, kinds=[TakeawayKind.OPPORTUNITY])
