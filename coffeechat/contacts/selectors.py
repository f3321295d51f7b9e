"""Every read of contacts and organisations, always given the owner."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, NullIf

from coffeechat.contacts import search_index
from coffeechat.contacts.models import Contact, Organization, Stage, Tag
from coffeechat.lib.owned import Owner
from coffeechat.lib.validation import SEARCH_LIMIT, check_line, parse_id

# Up to this many organisations matching a search word are given to the search as a list.
ORGANIZATIONS_NAMED = 500
# Up to this many people a search word finds are given to the search as a list (SQLite).
PEOPLE_LISTED = 500

SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "organization": ("organization__name", "name", "pk"),
    "priority": ("priority", "name", "pk"),
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
}


# A contact's stage is derived from their latest conversation, so it can never drift from it:
# no conversation, or the latest still a draft ("planned"), is a prospect; otherwise the
# stage is that conversation's state. The conversation model is reached through the reverse
# relation, not imported: the contacts app stands below the conversations app.
DRAFT_STATE = "planned"


def latest_conversation_state() -> Subquery:
    """The state of the latest conversation of the contact `OuterRef("pk")`, or NULL."""
    conversation_model = Contact._meta.get_field("conversations").related_model
    assert isinstance(conversation_model, type)
    return Subquery(
        conversation_model._default_manager.filter(contact=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values("state")[:1]
    )


def only_prospects(contacts: QuerySet[Any]) -> QuerySet[Any]:
    """`contacts` narrowed to prospects, with one subquery a person (filtering on the `stage`
    annotation of `contact_list` would run it up to three times)."""
    narrowed: QuerySet[Any] = contacts.alias(
        latest_or_draft=Coalesce(latest_conversation_state(), Value(DRAFT_STATE))
    ).filter(latest_or_draft=DRAFT_STATE)
    return narrowed


def _with_stage(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    # One subquery a person: a Case over an annotation repeats the annotation's SQL in each
    # branch, and the database ran it up to four times a row.
    return contacts.annotate(
        stage=Coalesce(
            NullIf(latest_conversation_state(), Value(DRAFT_STATE)),
            Value(Stage.PROSPECT),
            output_field=CharField(),
        )
    )


def has_contacts(*, owner: Owner) -> bool:
    """Whether `owner` has anyone in their list.

    Asked in the order of the index of names, which begins with the owner: asked in no
    order, PostgreSQL reads the table from its start until it meets one of the owner's
    people, and on a server many users share those may all come after everyone else's (8 ms
    behind 30,000 other people, against 0.1)."""
    first = Contact.objects.owned_by(owner).order_by("name").values_list("pk", flat=True)[:1]
    return bool(first)


def contact_list(
    *,
    owner: Owner,
    query: str = "",
    source: str = "",
    stage: str = "",
    tag: str = "",
    organization: Organization | None = None,
    mentor: bool = False,
    sort: str = "name",
    batch: int | None = None,
) -> QuerySet[Contact]:
    contacts = _with_stage(
        Contact.objects.owned_by(owner).select_related("organization").prefetch_related("tags")
    )
    for word in query.split():
        # The organisations named are looked up first and given as ids, not joined: then each
        # branch of the search reads an index of its own (trigram indexes on PostgreSQL).
        matching = Organization.objects.owned_by(owner).filter(name__icontains=word)
        ids = list(matching.values_list("pk", flat=True)[: ORGANIZATIONS_NAMED + 1])
        named: list[int] | QuerySet[Any] = (
            ids if len(ids) <= ORGANIZATIONS_NAMED else matching.values("pk")
        )
        contacts = contacts.filter(
            _listed(owner, word, named) or _words_in_contact(word) | Q(organization__in=named)
        )
    if source:
        contacts = contacts.filter(source=source)
    if stage:
        contacts = contacts.filter(Q(stage=stage))  # an annotation, which the stubs cannot see
    if tag:
        contacts = contacts.filter(tags__name__iexact=tag)
    if organization is not None:
        contacts = contacts.filter(organization=organization)
    if mentor:
        contacts = contacts.filter(is_mentor=True)
    if batch is not None:
        contacts = contacts.filter(of_import(batch))
    return contacts.order_by(*SORTS.get(sort, SORTS["name"]))


def of_import(batch: int) -> Q:
    """The people the import `batch` created (they name it) or filled in (a link of the
    importing app's), as a condition: a person filled in by several imports is still one row."""
    filled_in = Contact.objects.filter(import_links__batch_id=batch).values("pk")
    return Q(imported_by_id=batch) | Q(pk__in=filled_in)


def _listed(owner: Owner, word: str, named: list[int] | QuerySet[Any]) -> Q | None:
    """On SQLite, a word that finds few people: their ids, which SQLite looks up one by one
    (otherwise, without statistics, it reads the owner's people to check each against the
    index's answer). None when the word finds more than PEOPLE_LISTED or the index cannot
    answer it."""
    if connection.vendor != "sqlite" or len(word) < search_index.SHORTEST_WORD:
        return None
    if not isinstance(named, list):
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            search_index.owned_matching_sql(),
            [search_index.phrase(word), owner.pk, PEOPLE_LISTED + 1],
        )
        ids = {pk for (pk,) in cursor.fetchall()}
    if named and len(ids) <= PEOPLE_LISTED:
        at = Contact.objects.owned_by(owner).filter(organization__in=named).order_by()
        ids.update(at.values_list("pk", flat=True)[: PEOPLE_LISTED + 1])
    if len(ids) > PEOPLE_LISTED:
        return None
    return Q(pk__in=sorted(ids))


def _words_in_contact(word: str) -> Q:
    """The contacts whose name, title or e-mail address contains `word`, whatever its case.
    On SQLite a word of three characters or more is found through the search index
    (search_index.py); PostgreSQL answers `icontains` through trigram indexes."""
    if connection.vendor == "sqlite" and len(word) >= search_index.SHORTEST_WORD:
        return Q(pk__in=RawSQL(search_index.matching_sql(), [search_index.phrase(word)]))
    return Q(name__icontains=word) | Q(title__icontains=word) | Q(email__icontains=word)


def contact_get(*, owner: Owner, pk: Any) -> Contact:
    """The contact, or Contact.DoesNotExist when it is not the owner's."""
    return contact_list(owner=owner).get(pk=pk)


def organization_list(*, owner: Owner, query: str = "") -> QuerySet[Organization]:
    # Counted for each organisation shown, not grouped over everybody: a page of 50 of 3,000
    # organisations counts the people of 50.
    people = (
        Contact.objects.filter(organization=OuterRef("pk"))
        .order_by()
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    organizations = Organization.objects.owned_by(owner).annotate(
        people=Coalesce(Subquery(people), 0)
    )
    for word in query.split():
        organizations = organizations.filter(Q(name__icontains=word) | Q(industry__icontains=word))
    return organizations.order_by("name")


def tag_list(*, owner: Owner) -> QuerySet[Tag]:
    return Tag.objects.owned_by(owner).order_by("name")


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "conversation" or "message"
    obj: Any


def contact_timeline(*, owner: Owner, contact: Contact) -> list[TimelineEntry]:
    """Conversations and messages with this person, oldest first."""
    entries = [
        TimelineEntry(c.created_at, "conversation", c)
        for c in contact.conversations.filter(owner=owner)
    ]
    entries += [
        TimelineEntry(m.sent_at or m.received_at or m.created_at, "message", m)
        for m in contact.messages.filter(owner=owner)
    ]
    return sorted(entries, key=lambda e: e.at)


def contact_find(*, owner: Owner, text: str) -> Contact:
    """The one contact that `text` names: an id, a whole name or a unique part of one."""
    text = " ".join(check_line(text, limit=SEARCH_LIMIT).split())
    contacts = Contact.objects.owned_by(owner).select_related("organization")
    if text.isascii() and text.isdigit() and len(text) <= 18:
        found = contacts.filter(pk=parse_id(text)).first()
        if found:
            return found
    exact = list(contacts.filter(name__iexact=text)[:2])
    if len(exact) == 1:
        return exact[0]
    matches = list(contacts.filter(name__icontains=text).order_by("name")[:6]) if text else []
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(f"No contact matches “{text}”.")
    names = ", ".join(c.name for c in matches[:5])
    raise ValidationError(f"“{text}” matches several contacts ({names}…): be more precise.")
