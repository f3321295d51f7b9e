"""Every write to contacts and organisations goes through here."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from coffeechat.contacts.models import (
    Contact,
    Organization,
    OrganizationResearch,
    PersonResearch,
    Source,
    Tag,
)
from coffeechat.lib.model_checks import tidy_lines, update_row, validate_instance
from coffeechat.lib.owned import Owner, check_owner
from coffeechat.lib.text import normalize_name

# One-line fields: a line break in them is refused, runs of spaces made one.
LINE_FIELDS = ("name", "first_name", "last_name", "title", "phone", "location", "met_at")
TAG_LIMIT = Tag._meta.get_field("name").max_length or 50

# The people and the organisation a contact points at; each is checked to be the owner's.
CONTACT_RELATIONS = ("organization", "referred_by", "introducer")
ORGANIZATION_FIELDS = ("name", "website", "industry", "research_notes", "research_done")
CONTACT_FIELDS = (
    "name first_name last_name email other_emails phone linkedin_url title location time_zone "
    "source connection_note their_work research_notes why_them our_connection priority "
    "may_use_referrer_name cadence_days do_not_contact is_mentor connected_on met_at met_on"
).split()


@dataclass(frozen=True)
class Duplicate:
    """Why an incoming contact is the same person as one already known."""

    contact: Contact
    reason: str


def normalize_email(email: str) -> str:
    """One spelling per address, as every door stores it: the same person is recognised
    whether the address was typed, imported or restored."""
    return (email or "").strip().lower()


def normalize_linkedin_url(url: str) -> str:
    """One spelling per profile, so the same person is recognised however the URL was copied."""
    url = (url or "").strip()
    if not url:
        return ""
    lowered = url.lower()
    for prefix in ("https://", "http://"):
        if lowered.startswith(prefix):
            url, lowered = url[len(prefix) :], lowered[len(prefix) :]
    for prefix in ("www.", "m.", "mobile."):
        if lowered.startswith(prefix):
            url, lowered = url[len(prefix) :], lowered[len(prefix) :]
    url = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return "https://www." + url if url.lower().startswith("linkedin.com") else "https://" + url


def split_name(name: str) -> tuple[str, str]:
    # Imported here: loading nameparser's tables costs a tenth of a second at every start.
    from nameparser import HumanName

    parsed = HumanName(name)
    first = parsed.first or ""
    last = " ".join(p for p in (parsed.middle, parsed.last) if p) if parsed.last else ""
    return first[:100], last[:100]


def find_duplicate(
    *, owner: Owner, email: str = "", linkedin_url: str = "", exclude_pk: int | None = None
) -> Duplicate | None:
    candidates = Contact.objects.owned_by(owner)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    if email:
        found = candidates.filter(email__iexact=email).first()
        if found:
            return Duplicate(found, f"{found.name} already has the e-mail {email}.")
    if linkedin_url:
        found = candidates.filter(linkedin_url__iexact=linkedin_url).first()
        if found:
            return Duplicate(found, f"{found.name} already has that LinkedIn profile.")
    return None


class DuplicateContact(ValidationError):
    def __init__(self, duplicate: Duplicate):
        super().__init__(duplicate.reason, code="duplicate")
        self.duplicate = duplicate


def _organization_name(name: str, *, field: str = "name") -> str:
    return str(tidy_lines({field: name or ""}, [field])[field])


def organization_get_or_create(
    *, owner: Owner, name: str, field: str = "organization_name"
) -> Organization | None:
    """The owner's organisation called `name`, made if new; errors are put on `field`."""
    name = _organization_name(name, field=field)
    if not name:
        return None
    found = Organization.objects.owned_by(owner).filter(name__iexact=name).first()
    if found:
        return found
    organization = Organization(owner=owner, name=name)
    try:
        validate_instance(organization)
    except ValidationError as error:
        raise ValidationError({field: error.message_dict.get("name", error.messages)}) from None
    organization.save()
    return organization


def organization_create(*, owner: Owner, name: str, **fields: Any) -> Organization:
    fields = tidy_lines({"name": name, **fields}, ["name", "industry", "website"])
    name = fields["name"]
    if Organization.objects.owned_by(owner).filter(name__iexact=name).exists():
        raise ValidationError({"name": f"You already have an organisation called “{name}”."})
    organization = Organization(owner=owner, **fields)
    validate_instance(organization)
    organization.save()
    return organization


def organization_update(*, owner: Owner, organization: Organization, **fields: Any) -> Organization:
    check_owner(owner, organization)
    fields = tidy_lines(fields, ["name", "industry", "website"])
    if "name" in fields:
        fields["name"] = fields["name"] or ""
        clash = Organization.objects.owned_by(owner).filter(name__iexact=fields["name"])
        if clash.exclude(pk=organization.pk).exists():
            raise ValidationError(
                {"name": f"You already have an organisation called “{fields['name']}”."}
            )
    update_row(organization, fields, allowed=ORGANIZATION_FIELDS)
    return organization


def organization_delete(*, owner: Owner, organization: Organization) -> None:
    """Deleting an organisation keeps its people; they just lose the link."""
    check_owner(owner, organization)
    organization.delete()


def _checked(done: list[str], choices: type[models.TextChoices], where: str) -> list[str]:
    unknown = [item for item in done if item not in choices.values]
    if unknown:
        raise ValidationError(
            {"research_done": f"“{unknown[0]}” is not on the research checklist for {where}."}
        )
    # Kept in the checklist's order, each once.
    return [item for item in choices.values if item in done]


@transaction.atomic
def contact_research_set(
    *, owner: Owner, contact: Contact, person: list[str], organization: list[str]
) -> Contact:
    """Records which items of the research checklist are done, for the person and for
    their organisation (ignored when they have none)."""
    check_owner(owner, contact, contact.organization)
    contact.research_done = _checked(person, PersonResearch, contact.name)
    validate_instance(contact, fields=["research_done"])
    contact.save(update_fields=["research_done", "updated_at"])
    if contact.organization is not None:
        org = contact.organization
        org.research_done = _checked(organization, OrganizationResearch, org.name)
        validate_instance(org, fields=["research_done"])
        org.save(update_fields=["research_done", "updated_at"])
    return contact


def coworker_warning(*, owner: Owner, organization: Organization | None, source: str = "") -> str:
    """A caution when `organization` is where the user works now, or the person is marked
    as a co-worker (`source`), else ""."""
    employer = getattr(getattr(owner, "profile", None), "current_employer", "")
    if (
        organization is not None
        and employer
        and normalize_name(employer) == normalize_name(organization.name)
    ):
        return (
            f"You work at {organization.name}. Asking a current co-worker for an informational "
            "interview can reach your manager before you are ready: think it through first."
        )
    if source == Source.CO_WORKER:
        return (
            "You know them as a co-worker. Asking a current co-worker for an informational "
            "interview can reach your manager before you are ready: think it through first."
        )
    return ""


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(CONTACT_FIELDS) - set(CONTACT_RELATIONS) - {"tags"}
    if unknown:
        raise TypeError(f"unknown contact fields: {', '.join(sorted(unknown))}")
    cleaned = tidy_lines(fields, LINE_FIELDS)
    if "email" in cleaned:
        cleaned["email"] = normalize_email(cleaned["email"])
    if "other_emails" in cleaned:
        others = cleaned["other_emails"]
        if isinstance(others, list) and all(isinstance(e, str) for e in others):
            cleaned["other_emails"] = [normalize_email(e) for e in others if e.strip()]
    if isinstance(cleaned.get("linkedin_url"), str):
        cleaned["linkedin_url"] = normalize_linkedin_url(cleaned["linkedin_url"])
    if isinstance(cleaned.get("time_zone"), str):
        cleaned["time_zone"] = cleaned["time_zone"].strip()
    return cleaned


def _refuse_duplicate(owner: Owner, contact: Contact) -> None:
    duplicate = find_duplicate(
        owner=owner, email=contact.email, linkedin_url=contact.linkedin_url, exclude_pk=contact.pk
    )
    if duplicate:
        raise DuplicateContact(duplicate)


def _save_contact(owner: Owner, contact: Contact, tags: list[str] | None) -> Contact:
    if not contact.first_name and not contact.last_name:
        contact.first_name, contact.last_name = split_name(contact.name)
    validate_instance(contact)
    _refuse_duplicate(owner, contact)
    contact.save()
    if tags is not None:
        contact_set_tags(owner=owner, contact=contact, names=tags)
    return contact


@transaction.atomic
def contact_create(
    *,
    owner: Owner,
    name: str,
    organization_name: str = "",
    tags: list[str] | None = None,
    **fields: Any,
) -> Contact:
    fields = _clean_fields({"name": name, **fields})
    check_owner(
        owner, fields.get("organization"), fields.get("referred_by"), fields.get("introducer")
    )
    if organization_name and not fields.get("organization"):
        fields["organization"] = organization_get_or_create(owner=owner, name=organization_name)
    fields.setdefault("source", Source.COLD)
    return _save_contact(owner, Contact(owner=owner, **fields), tags)


@transaction.atomic
def contact_update(
    *,
    owner: Owner,
    contact: Contact,
    organization_name: str | None = None,
    tags: list[str] | None = None,
    **fields: Any,
) -> Contact:
    check_owner(
        owner,
        contact,
        fields.get("organization"),
        fields.get("referred_by"),
        fields.get("introducer"),
    )
    if fields.get("referred_by") is not None and fields["referred_by"].pk == contact.pk:
        raise ValidationError({"referred_by": "A contact cannot be referred by themselves."})
    if fields.get("introducer") is not None and fields["introducer"].pk == contact.pk:
        raise ValidationError({"introducer": "A contact cannot introduce you to themselves."})
    fields = _clean_fields(fields)
    if organization_name is not None:
        fields["organization"] = organization_get_or_create(owner=owner, name=organization_name)
    renamed = "name" in fields and fields["name"] != contact.name
    named = renamed and "first_name" not in fields and "last_name" not in fields

    def check(probe: Contact) -> None:
        if named:
            probe.first_name, probe.last_name = split_name(probe.name)
        validate_instance(probe, fields=[*fields, "first_name", "last_name"])
        _refuse_duplicate(owner, probe)

    update_row(contact, fields, allowed=(*CONTACT_FIELDS, *CONTACT_RELATIONS), check=check)
    if tags is not None:
        contact_set_tags(owner=owner, contact=contact, names=tags)
    return contact


def contact_delete(*, owner: Owner, contact: Contact) -> None:
    """Deletes the person with their conversations, messages and takeaways."""
    check_owner(owner, contact)
    contact.delete()


@transaction.atomic
def contact_set_tags(*, owner: Owner, contact: Contact, names: list[str]) -> None:
    check_owner(owner, contact)
    wanted: dict[str, str] = {}
    for name in names:
        name = tidy_lines({"tags": name}, ["tags"])["tags"][:TAG_LIMIT]
        if name:
            wanted.setdefault(name.casefold(), name)
    existing = {t.name.casefold(): t for t in Tag.objects.owned_by(owner)}
    tags = [existing.get(key) or _tag_create(owner, name) for key, name in wanted.items()]
    contact.tags.set(tags)


def _tag_create(owner: Owner, name: str) -> Tag:
    tag = Tag(owner=owner, name=name)
    try:
        validate_instance(tag)
    except ValidationError as error:
        raise ValidationError({"tags": error.message_dict.get("name", error.messages)}) from None
    tag.save()
    return tag


def parse_tags(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]
