"""Imports as batches: recorded with each import, then listed, tagged, reviewed and undone.

Undo removes the people an import created, unless there has been activity with them since,
and takes back the empty fields it filled in on people who were already there, unless they
were changed since. "Activity" with a person the import created means any of:

- a conversation or a message with them (a draft counts);
- their record saved after the import (a field, a note or a tag edited on their page, or a
  later import that filled something in);
- another person saved as referred by them, or a takeaway naming them as a referral;
- an agenda item about them snoozed or dismissed.

Giving the batch a tag is not activity: it is how the batch is found.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from coffeechat.contacts.models import Contact, Organization, Source, Tag
from coffeechat.contacts.selectors import of_import
from coffeechat.contacts.services import parse_tags
from coffeechat.lib.bulk import insert_rows
from coffeechat.lib.owned import Owner
from coffeechat.lib.validation import remove_control
from coffeechat.portability.models import ImportBatch, ImportedContact

# How many names a confirmation lists before it says "and N more".
NAMES_SHOWN = 10


def batch_open(owner: Owner, planned, *, kind: str, filename: str) -> ImportBatch:
    """The batch of a plan about to be written, in the caller's transaction: the people the
    plan creates are written naming it. `batch_close` completes it."""
    summary = planned.summary
    return ImportBatch.objects.create(
        owner=owner,
        kind=kind[:20],
        filename=" ".join(remove_control(filename).split())[:255] or "import",
        created_count=summary.new,
        updated_count=summary.merged,
        skipped_count=summary.skipped + len(summary.unnamed),
    )


def batch_close(batch: ImportBatch, planned) -> ImportBatch:
    """Completes the batch of a plan just written: the organisations it created, the people
    it filled in, and its time, later than any of its people's (a person whose row changed
    after it was edited since)."""
    filled = ImportedContact._meta.get_field("filled")
    insert_rows(
        ImportedContact,
        ["batch_id", "contact_id", "filled"],
        [
            (batch_id, contact_id, filled.get_db_prep_save(values, connection))
            for batch_id, contact_id, values in planned.links(
                batch.pk, getattr(planned, "tag_ids", {})
            )
        ],
    )
    batch.organization_ids = planned.created_organizations
    batch.created_at = timezone.now()
    batch.save(update_fields=["organization_ids", "created_at", "updated_at"])
    return batch


# Reading ---------------------------------------------------------------------------------


def batch_list(*, owner: Owner) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.owned_by(owner).select_related("tag")


def batch_get(*, owner: Owner, pk: Any) -> ImportBatch:
    """The owner's batch, or ImportBatch.DoesNotExist."""
    return batch_list(owner=owner).get(pk=pk)


def batch_people(*, owner: Owner, batch: ImportBatch) -> QuerySet[Contact]:
    """The people a batch created or filled in who are still there."""
    return Contact.objects.owned_by(owner).filter(of_import(batch.pk))


def _filled_in(batch: ImportBatch) -> QuerySet[ImportedContact]:
    """The links of the people who were already there and whom the batch filled in."""
    return ImportedContact.objects.filter(batch=batch)


# Tagging ---------------------------------------------------------------------------------


@transaction.atomic
def batch_tag(*, owner: Owner, batch: ImportBatch, name: str) -> Tag:
    """Gives the batch's people a tag (made if new); the batch remembers it."""
    if batch.owner_id != owner.pk:
        raise PermissionError("That import belongs to another user.")
    names = parse_tags(name)
    if len(names) != 1:
        raise ValidationError("Give one tag name, without commas.")
    tag = Tag.objects.owned_by(owner).filter(name__iexact=names[0]).first()
    if tag is None:
        tag = Tag(owner=owner, name=names[0])
        tag.full_clean()
        tag.save()
    through = Contact.tags.through
    people = batch_people(owner=owner, batch=batch).values_list("pk", flat=True)
    tagged = set(
        through.objects.filter(tag=tag, contact__in=people).values_list("contact_id", flat=True)
    )
    through.objects.bulk_create(
        [through(contact_id=pk, tag_id=tag.pk) for pk in people if pk not in tagged],
        batch_size=1000,
    )
    batch.tag = tag
    batch.save(update_fields=["tag", "updated_at"])
    return tag


# Undoing ---------------------------------------------------------------------------------


@dataclass
class Revert:
    """The fields to take back on one person the import filled in."""

    contact: Contact
    fields: list[str]
    # Fields the import filled that were changed since, and stay.
    changed: list[str] = field(default_factory=list)


@dataclass
class UndoPlan:
    batch: ImportBatch
    remove: list[Contact] = field(default_factory=list)
    keep: list[Contact] = field(default_factory=list)
    reverts: list[Revert] = field(default_factory=list)
    # People it filled in whose filled fields have all been changed since.
    untouched: list[Revert] = field(default_factory=list)
    organizations: list[int] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.batch.undone_at is not None

    @property
    def nothing(self) -> bool:
        return not (self.remove or self.reverts or self.organizations)


FIELD_LABELS = {
    "first_name": "first name",
    "last_name": "last name",
    "email": "e-mail",
    "other_emails": "other e-mails",
    "phone": "phone",
    "linkedin_url": "LinkedIn URL",
    "organization": "organisation",
    "title": "title",
    "research_notes": "research notes",
    "connected_on": "connected on",
    "source": "source",
    "tags": "tags",
}


def _active(owner: Owner, batch: ImportBatch, contacts: QuerySet[Contact]) -> set[int]:
    """The ids among `contacts` with activity since the batch (see the module's words)."""
    from coffeechat.agenda.models import AgendaMark
    from coffeechat.conversations.models import Conversation, Takeaway
    from coffeechat.outreach.models import Message

    person = OuterRef("pk")
    active = set(
        contacts.filter(
            Q(updated_at__gt=batch.created_at)
            | Exists(Conversation.objects.filter(contact=person))
            | Exists(Message.objects.filter(contact=person))
            | Exists(Contact.objects.filter(referred_by=person))
            | Exists(Takeaway.objects.filter(referral_contact=person))
        ).values_list("pk", flat=True)
    )
    ids = set(contacts.values_list("pk", flat=True))
    for key in (
        AgendaMark.objects.owned_by(owner)
        .filter(item_key__contains=":contact:")
        .values_list("item_key", flat=True)
    ):
        parts = key.split(":")
        if len(parts) > 2 and parts[1] == "contact" and parts[2].isdigit():
            if int(parts[2]) in ids:
                active.add(int(parts[2]))
    return active


def _position(order: list[str], name: str) -> int:
    return order.index(name) if name in order else len(order)


def _current(contact: Contact, name: str) -> Any:
    if name == "organization":
        return contact.organization.name if contact.organization else ""
    if name == "connected_on":
        return contact.connected_on.isoformat() if contact.connected_on else None
    return getattr(contact, name)


def _revert_of(contact: Contact, filled: dict[str, Any], tags: set[int]) -> Revert:
    revert = Revert(contact, [])
    # In the order of the form, whatever order the database keeps a JSON object's keys in.
    order = list(FIELD_LABELS)
    for name, value in sorted(filled.items(), key=lambda item: _position(order, item[0])):
        if name == "other_emails":
            still = [e for e in value if e in contact.other_emails]
            (revert.fields if still else revert.changed).append(name)
        elif name == "tags":
            still = [pk for pk in value if pk in tags]
            (revert.fields if still else revert.changed).append(name)
        elif name == "organization":
            same = _current(contact, name).lower() == str(value).lower()
            (revert.fields if same else revert.changed).append(name)
        else:
            (revert.fields if _current(contact, name) == value else revert.changed).append(name)
    return revert


def undo_plan(*, owner: Owner, batch: ImportBatch) -> UndoPlan:
    """What undoing the batch would do now; nothing is written."""
    plan = UndoPlan(batch)
    if plan.done:
        return plan
    # Read as queries, not as lists of ids: an import may hold more people than a statement
    # may have parameters.
    made = Contact.objects.owned_by(owner).filter(imported_by=batch)
    created = list(made.select_related("organization"))
    active = _active(owner, batch, made) if created else set()
    for contact in created:
        (plan.keep if contact.pk in active else plan.remove).append(contact)
    filled_in = _filled_in(batch).filter(contact__owner=owner)
    links = list(filled_in.select_related("contact", "contact__organization"))
    through = Contact.tags.through
    tags_of: dict[int, set[int]] = {}
    for contact_id, tag_id in through.objects.filter(
        contact__in=filled_in.values("contact_id")
    ).values_list("contact_id", "tag_id"):
        tags_of.setdefault(contact_id, set()).add(tag_id)
    for link in links:
        revert = _revert_of(link.contact, link.filled, tags_of.get(link.contact_id, set()))
        if revert.fields:
            plan.reverts.append(revert)
        elif revert.changed:
            plan.untouched.append(revert)
    # The organisations it created that nobody will be at, and that were not edited since.
    going = {c.pk for c in plan.remove}
    going |= {r.contact.pk for r in plan.reverts if "organization" in r.fields}
    candidates: set[int] = set()
    for ids in _chunks(batch.organization_ids):
        candidates.update(
            Organization.objects.owned_by(owner)
            .filter(pk__in=ids, updated_at__lte=batch.created_at)
            .values_list("pk", flat=True)
        )
    staying = set()
    for ids in _chunks(sorted(candidates)):
        for organization_id, pk in Contact.objects.filter(organization__in=ids).values_list(
            "organization_id", "pk"
        ):
            if pk not in going:
                staying.add(organization_id)
    plan.organizations = sorted(candidates - staying)
    for items in (plan.remove, plan.keep):
        items.sort(key=lambda c: (c.name.casefold(), c.pk))
    return plan


@dataclass
class UndoResult:
    removed: int
    kept: int
    reverted: int
    already: bool = False

    def __str__(self) -> str:
        if self.already:
            return "This import was already undone; nothing changed."
        text = f"removed {self.removed} {_people(self.removed)}"
        if self.kept:
            text += f", kept {self.kept} with activity since the import"
        if self.reverted:
            text += f", took back what it filled in on {self.reverted} {_people(self.reverted)}"
        return text + "."


def _people(count: int) -> str:
    return "person" if count == 1 else "people"


def batch_undo(*, owner: Owner, batch: ImportBatch) -> UndoResult:
    """Undoes the batch, all or nothing; undoing it again changes nothing."""
    if batch.owner_id != owner.pk:
        raise PermissionError("That import belongs to another user.")
    with transaction.atomic():
        # The row is locked (on PostgreSQL), so two undos cannot both run.
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk, owner=owner)
        if batch.undone_at is not None:
            return UndoResult(batch.removed_count, batch.kept_count, batch.reverted_count, True)
        plan = undo_plan(owner=owner, batch=batch)
        now = timezone.now()
        through = Contact.tags.through
        for revert in plan.reverts:
            _apply(revert, batch, through)
        for ids in _chunks([c.pk for c in plan.remove]):
            Contact.objects.filter(pk__in=ids, owner=owner).delete()
        for ids in _chunks(plan.organizations):
            Organization.objects.filter(pk__in=ids, owner=owner).delete()
        batch.undone_at = now
        batch.removed_count = len(plan.remove)
        batch.kept_count = len(plan.keep)
        batch.reverted_count = len(plan.reverts)
        batch.save()
    return UndoResult(batch.removed_count, batch.kept_count, batch.reverted_count)


def _apply(revert: Revert, batch: ImportBatch, through) -> None:
    contact = revert.contact
    link = ImportedContact.objects.get(batch=batch, contact=contact)
    names: list[str] = []
    for name in revert.fields:
        value = link.filled[name]
        if name == "other_emails":
            contact.other_emails = [e for e in contact.other_emails if e not in value]
        elif name == "tags":
            through.objects.filter(contact=contact, tag_id__in=value).delete()
            continue
        elif name == "organization":
            contact.organization = None
        elif name == "connected_on":
            contact.connected_on = None
        elif name == "source":
            contact.source = Source.COLD
        else:
            setattr(contact, name, "")
        names.append(name)
    if names:
        fields = ["organization" if n == "organization" else n for n in names]
        contact.save(update_fields=[*fields, "updated_at"])


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def fields_in_words(names: list[str]) -> str:
    words = [FIELD_LABELS.get(n, n) for n in names]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
