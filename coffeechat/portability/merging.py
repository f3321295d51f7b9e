"""Who in an import is new, who is known and what they add; then all of it written in bulk.

`import_contacts` (in importers.py) is the way in: it runs an ImportPlan in one transaction.
"""

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from coffeechat.contacts.models import Contact, Organization, Source, Tag
from coffeechat.contacts.services import normalize_email
from coffeechat.lib.bulk import insert_rows
from coffeechat.lib.owned import Owner
from coffeechat.lib.text import normalize_name
from coffeechat.lib.validation import (
    NAME_LIMIT,
    LineValidator,
    TextValidator,
    remove_control,
)
from coffeechat.portability.incoming import (
    UNNAMED,
    ImportFileError,
    ImportSummary,
    IncomingContact,
)

PREVIEW_ROWS = 20
BATCH_SIZE = 1000


@dataclass(frozen=True, slots=True)
class _Checks:
    """The validators of the model field a value is written to, called the cheap way.

    Most values of an export are short printable text. For a field whose validators are only
    a length limit and our own text and line validators, such a value passes them all, by
    their own definitions, when it is printable (no control character, no line break) and
    within the smallest limit; only other values are put through each validator.
    """

    validators: tuple[Callable[[Any], None], ...]
    # The smallest limit, when the fast path applies; None otherwise.
    limit: int | None

    @classmethod
    def of(cls, model, name: str) -> "_Checks":
        return cls.made(tuple(model._meta.get_field(name).validators))

    @classmethod
    def made(cls, validators: tuple[Callable[[Any], None], ...]) -> "_Checks":
        limits = [
            v.limit_value if type(v) is MaxLengthValidator else cast(TextValidator, v).limit
            for v in validators
            if type(v) in (MaxLengthValidator, TextValidator)
        ]
        simple = all(
            type(v) in (MaxLengthValidator, TextValidator, LineValidator) for v in validators
        )
        return cls(validators, min(limits, default=sys.maxsize) if simple else None)

    def without(self, kind: type) -> "_Checks":
        return _Checks.made(tuple(v for v in self.validators if not isinstance(v, kind)))

    def __call__(self, value: Any) -> None:
        limit = self.limit
        if limit is not None and len(value) <= limit and value.isprintable():
            return
        for validate in self.validators:
            validate(value)


# Each value of a row passes the validators of the model field it is written to, before
# anything is written: a value that does not fit is refused with its line, never cut short.
FIELD_CHECKS: dict[str, _Checks] = {
    "name": _Checks.of(Contact, "name"),
    "first_name": _Checks.of(Contact, "first_name"),
    "last_name": _Checks.of(Contact, "last_name"),
    "phone": _Checks.of(Contact, "phone"),
    "organization": _Checks.of(Organization, "name"),
    "title": _Checks.of(Contact, "title"),
    "emails": _Checks.of(Contact, "email"),
    "linkedin_url": _Checks.of(Contact, "linkedin_url"),
    "tags": _Checks.of(Tag, "name"),
    "notes": _Checks.of(Contact, "research_notes"),
    "connected_on": _Checks.of(Contact, "connected_on"),
}
# A profile URL in the form LinkedIn writes it needs only the checks other than the general
# URL validator, whose cost would be paid on every row of an export.
_LINKEDIN_URL_CHECKS = FIELD_CHECKS["linkedin_url"].without(URLValidator)
# Which fields quote the refused value in the message: short ones, where it helps find it.
_QUOTED = {"emails", "linkedin_url", "tags"}


@dataclass(slots=True, eq=False)
class _Person:
    """A contact while an import is planned: one already saved (pk) or one to be created."""

    pk: int | None
    name: str
    first_name: str
    last_name: str
    email: str
    other_emails: list[str]
    phone: str
    linkedin_url: str
    organization: str
    title: str
    research_notes: str
    connected_on: date | None
    source: str
    # Tag key -> name. For a saved contact, the tags it has and the ones to add.
    tags: dict[str, str]
    new_tags: dict[str, str] = field(default_factory=dict)
    # For a saved contact, the fields to update.
    changed: set[str] = field(default_factory=set)
    name_keys: set[str] = field(default_factory=set)
    # For a saved contact, the e-mail addresses added to other_emails.
    added_emails: list[str] = field(default_factory=list)
    # Named after their e-mail or organisation: never the same person by name.
    nameless: bool = False

    def emails(self) -> list[str]:
        return [self.email, *self.other_emails] if self.email else self.other_emails


FILLABLE = (
    "first_name",
    "last_name",
    "phone",
    "linkedin_url",
    "organization",
    "title",
    "research_notes",
    "connected_on",
)


def _normalized_name(name: str) -> str:
    """normalize_name(), without its regular expression when there is no punctuation."""
    folded = name.casefold()
    if folded.replace(" ", "").isalnum():
        return " ".join(folded.split())
    return normalize_name(name)


def _key(name: str) -> str:
    # The comparison of the database's unique Lower(name) constraints.
    return name.lower()


class ImportPlan:
    """Decides, row by row, who is new and who is known; then writes it all in bulk."""

    def __init__(self, owner: Owner, *, outcomes: bool = False):
        self.owner = owner
        self.summary = ImportSummary()
        # Whether to note what happens to every row (for a preview), not only the first ones.
        self.outcomes = outcomes
        self.created_organizations: list[int] = []
        organizations = dict(Organization.objects.owned_by(owner).values_list("pk", "name"))
        self.organizations = {_key(name): pk for pk, name in organizations.items()}
        tags = dict(Tag.objects.owned_by(owner).values_list("pk", "name"))
        self.tags = {_key(name): pk for pk, name in tags.items()}
        tags_of: dict[int, dict[str, str]] = {}
        pairs = Contact.tags.through.objects.filter(contact__owner=owner)
        for contact_id, tag_id in pairs.values_list("contact_id", "tag_id"):
            tags_of.setdefault(contact_id, {})[_key(tags[tag_id])] = tags[tag_id]
        self.by_email: dict[str, _Person] = {}
        self.by_url: dict[str, _Person] = {}
        self.by_name: dict[str, list[_Person]] = {}
        self.created: list[_Person] = []
        self.updated: dict[int, _Person] = {}
        self._normalized: dict[str, str] = {}
        # Read as text: JSON and dates would otherwise be converted on every row, and only
        # whether they are empty matters until a value comes from the file.
        contacts = Contact.objects.owned_by(owner).annotate(
            emails_text=Cast("other_emails", TextField()),
            connected_text=Cast("connected_on", TextField()),
        )
        fields = "pk name first_name last_name email emails_text phone linkedin_url "
        fields += "organization_id title research_notes connected_text source"
        for row in contacts.values_list(*fields.split()):
            pk, name, first, last, email, others, phone, url, org_id, title, notes, on, source = row
            person = _Person(
                pk,
                name,
                first,
                last,
                email.lower(),
                [e.lower() for e in json.loads(others)] if others not in ("[]", None) else [],
                phone,
                url,
                organizations.get(org_id, ""),
                title,
                notes,
                on,
                source,
                tags_of.get(pk, {}),
            )
            self._remember(person)

    def _name_keys(self, person: _Person) -> set[str]:
        """Name and organisation, compared the way normalize_name compares names."""
        if person.nameless:
            return set()
        organization = self._normalized.get(person.organization)
        if organization is None:
            organization = _normalized_name(person.organization)
            self._normalized[person.organization] = organization
        name = _normalized_name(person.name)
        keys = {f"{name}\n{organization}"} if name else set()
        given = f"{person.first_name} {person.last_name}"
        if given != person.name and given != " ":
            keys.add(f"{_normalized_name(given)}\n{organization}")
        return keys

    def _remember(self, person: _Person, keys: set[str] | None = None) -> None:
        by_email = self.by_email
        for email in person.emails():
            if email not in by_email:
                by_email[email] = person
        if person.linkedin_url:
            self.by_url.setdefault(person.linkedin_url.lower(), person)
        if keys is None:
            keys = self._name_keys(person)
        if keys != person.name_keys:
            for key in keys - person.name_keys:
                self.by_name.setdefault(key, []).append(person)
            person.name_keys |= keys

    def _find(self, person: _Person, keys: set[str]) -> _Person | None:
        for email in person.emails():
            if email in self.by_email:
                return self.by_email[email]
        url = person.linkedin_url.lower()
        if url and url in self.by_url:
            return self.by_url[url]
        for key in keys:
            for known in self.by_name.get(key, ()):
                # The same name at the same place, but two LinkedIn profiles: two people.
                if not (url and known.linkedin_url and known.linkedin_url.lower() != url):
                    return known
        return None

    def add(self, index: int, incoming: IncomingContact) -> None:
        person = _checked(incoming)
        if person is None:
            self.summary.unnamed.append(incoming.line)
            if self.outcomes:
                self.summary.outcomes.append(UNNAMED)
            if index < PREVIEW_ROWS:
                self.summary.preview.append((incoming, UNNAMED))
            return
        keys = self._name_keys(person)
        known = self._find(person, keys)
        if known is None:
            self.created.append(person)
            self.summary.new += 1
            outcome = "new"
            self._remember(person, keys)
        elif _merge(known, person):
            self.summary.merged += 1
            if known.pk is not None:
                self.updated[known.pk] = known
            outcome = f"merged into {known.name}"
            self._remember(known)
        else:
            self.summary.skipped += 1
            outcome = f"already there as {known.name}"
        if self.outcomes:
            self.summary.outcomes.append(outcome)
        if index < PREVIEW_ROWS:
            self.summary.preview.append((incoming, outcome))

    def write(self, report: Callable[[int], None], batch_id: int) -> None:
        """Writes the plan; the people it creates name the batch `batch_id`."""
        touched = [*self.created, *self.updated.values()]
        organizations = self._create_missing(
            Organization,
            self.organizations,
            {_key(p.organization): p.organization for p in touched},
        )
        self.created_organizations = [
            pk for key, pk in organizations.items() if key not in self.organizations
        ]
        tags = self._create_missing(
            Tag, self.tags, {k: v for p in touched for k, v in (p.tags | p.new_tags).items()}
        )
        self.tag_ids = tags
        _insert_contacts(self.owner, self.created, organizations, report, batch_id)
        fields = sorted({f for p in self.updated.values() for f in p.changed})
        if fields:
            now = timezone.now()
            Contact.objects.bulk_update(
                [_contact(self.owner, p, organizations, now) for p in self.updated.values()],
                [*fields, "updated_at"],
                batch_size=BATCH_SIZE,
            )
        through = Contact.tags.through
        pairs = [through(contact_id=p.pk, tag_id=tags[key]) for p in self.created for key in p.tags]
        pairs += [
            through(contact_id=p.pk, tag_id=tags[key])
            for p in self.updated.values()
            for key in p.new_tags
        ]
        through.objects.bulk_create(pairs, batch_size=BATCH_SIZE)
        report(len(self.created) + len(self.updated))

    def links(self, batch_id: int, tags: dict[str, int]) -> list[tuple]:
        """(batch, contact, filled) for every person who was already there and whom the
        import filled in: `filled` names each field it filled and the value it wrote there,
        the e-mail addresses it added and the tags (by id)."""
        rows: list[tuple] = []
        for p in self.updated.values():
            filled: dict[str, Any] = {}
            for name in p.changed:
                if name == "other_emails":
                    filled[name] = p.added_emails
                elif name == "connected_on":
                    filled[name] = p.connected_on.isoformat() if p.connected_on else None
                else:
                    filled[name] = getattr(p, name)
            if p.new_tags:
                filled["tags"] = sorted(tags[key] for key in p.new_tags)
            rows.append((batch_id, p.pk, filled))
        return rows

    def _create_missing(self, model, known: dict[str, int], wanted: dict[str, str]):
        """Creates in bulk the organisations or tags not there yet; returns key -> pk."""
        missing = [name for key, name in wanted.items() if key and key not in known]
        made = model.objects.bulk_create(
            [model(owner=self.owner, name=name) for name in missing], batch_size=BATCH_SIZE
        )
        if any(obj.pk is None for obj in made):  # a database that cannot return new ids
            made = model.objects.owned_by(self.owner)
        return {**known, **{_key(obj.name): obj.pk for obj in made}}


def _contact(owner: Owner, person: _Person, organizations: dict[str, int], now) -> Contact:
    return Contact(
        pk=person.pk,
        owner_id=owner.pk,
        name=person.name,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        other_emails=person.other_emails,
        phone=person.phone,
        linkedin_url=person.linkedin_url,
        organization_id=organizations.get(_key(person.organization)),
        title=person.title,
        research_notes=person.research_notes,
        connected_on=person.connected_on,
        source=person.source,
        updated_at=now,
    )


def _insert_contacts(
    owner: Owner,
    people: list[_Person],
    organizations: dict[str, int],
    report: Callable[[int], None],
    batch_id: int,
) -> None:
    """The new people written in bulk (`lib.bulk.insert_rows`), naming the batch `batch_id`,
    their ids set on `people`.

    Only the values that vary are adapted, once a row; every other column takes its default,
    prepared once.
    """
    if not people:
        return
    fields = [f for f in Contact._meta.concrete_fields if not f.primary_key]
    template = Contact(owner=owner, imported_by_id=batch_id)
    defaults = [f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fields]
    position = {f.attname: i for i, f in enumerate(fields)}
    i_name, i_first, i_last, i_email, i_others, i_phone, i_url = (
        position[name]
        for name in "name first_name last_name email other_emails phone linkedin_url".split()
    )
    i_organization, i_title, i_notes, i_connected, i_source = (
        position[name]
        for name in "organization_id title research_notes connected_on source".split()
    )
    emails_field = Contact._meta.get_field("other_emails")
    adapt_date = connection.ops.adapt_datefield_value
    rows = []
    for p in people:
        row = defaults.copy()
        row[i_name], row[i_first], row[i_last] = p.name, p.first_name, p.last_name
        row[i_email], row[i_phone], row[i_url] = p.email, p.phone, p.linkedin_url
        if p.other_emails:
            row[i_others] = emails_field.get_db_prep_save(p.other_emails, connection)
        row[i_organization] = organizations.get(_key(p.organization))
        row[i_title], row[i_notes] = p.title, p.research_notes
        row[i_connected] = adapt_date(p.connected_on)
        row[i_source] = p.source
        rows.append(row)
    ids = insert_rows(
        Contact,
        [cast(str, f.column) for f in fields],
        rows,
        returning_ids=True,
        progress=report,
    )
    for person, pk in zip(people, ids, strict=True):
        person.pk = pk


# What LinkedIn writes, once normalised: checked without the general URL validator's cost.
_LINKEDIN_URL = re.compile(r"https://(?:www|[a-z]{2})\.linkedin\.com/[A-Za-z0-9_%~.\-/]+")


def _one_line(value: str) -> str:
    """An imported one-line value: control characters dropped, spaces collapsed.

    Names in exports carry stray control characters now and then (copied from a PDF, typed
    on a phone); they cannot be shown and the user cannot edit the export, so they are
    removed rather than refusing the file. Everything else is checked by the model's own
    validators and refused with its line.
    """
    if not value.isprintable():  # false for any control character, and for tabs
        value = remove_control(value)
    return " ".join(value.split())


def _checked(incoming: IncomingContact) -> _Person | None:
    """The row as a person to be saved, or ImportFileError naming the line and the column.

    A row without a name is saved under its e-mail address, or else its organisation; one
    with neither is None, left out.
    """

    def check(name: str, value: Any, checks: _Checks | None = None) -> None:
        try:
            (checks or FIELD_CHECKS[name])(value)
        except ValidationError as error:
            problem = " ".join(error.messages)
            if name in _QUOTED:
                problem = f'{problem.rstrip(".")}: "{value}"'
            raise ImportFileError(
                f'{incoming.where}: "{incoming.label(name)}": {problem}'
            ) from None

    name = _one_line(incoming.name)
    first_name = _one_line(incoming.first_name)
    last_name = _one_line(incoming.last_name)
    phone = _one_line(incoming.phone)
    organization = _one_line(incoming.organization)
    title = _one_line(incoming.title)
    for field_name, value in (
        ("name", name),
        ("first_name", first_name),
        ("last_name", last_name),
        ("phone", phone),
        ("organization", organization),
        ("title", title),
    ):
        if value:
            check(field_name, value)
    emails: list[str] = []
    for email in incoming.emails:
        email = normalize_email(email)
        if email in emails:
            continue
        check("emails", email)
        emails.append(email)
    url = incoming.linkedin_url.strip()
    if url:
        check("linkedin_url", url, _LINKEDIN_URL_CHECKS if _LINKEDIN_URL.fullmatch(url) else None)
    tags: dict[str, str] = {}
    for tag in incoming.tags:
        tag = _one_line(tag)
        if tag:
            check("tags", tag)
            tags.setdefault(_key(tag), tag)
    notes = incoming.notes
    if "\r" in notes:
        notes = notes.replace("\r\n", "\n").replace("\r", "\n")
    notes = notes.strip()
    if notes:
        check("notes", notes)
    if incoming.connected_on is not None:
        check("connected_on", incoming.connected_on)
    nameless = not name
    if nameless:
        limit = Contact._meta.get_field("name").max_length or NAME_LIMIT
        name = next((e for e in emails if len(e) <= limit), organization)
        if not name:
            return None
    return _Person(
        None,
        name,
        first_name,
        last_name,
        emails[0] if emails else "",
        emails[1:],
        phone,
        url,
        organization,
        title,
        notes,
        incoming.connected_on,
        incoming.source,
        tags,
        nameless=nameless,
    )


def _merge(known: _Person, incoming: _Person) -> bool:
    """Fills in what `known` lacks from `incoming`, never overwriting. True if it changed."""
    changed: set[str] = set()
    if known.nameless and not incoming.nameless and known.pk is None:
        # Met first without a name, in an earlier row of the same file: now it has one.
        known.name, known.nameless = incoming.name, False
    for name in FILLABLE:
        value = getattr(incoming, name)
        if value and not getattr(known, name):
            setattr(known, name, value)
            changed.add(name)
    # "Cold" means no connection yet; an export of someone's network says there is one.
    if known.source == Source.COLD and incoming.source != Source.COLD:
        known.source = incoming.source
        changed.add("source")
    emails = list(known.emails())
    for email in incoming.emails():
        if email in emails:
            continue
        if not known.email:
            known.email = email
            changed.add("email")
        else:
            known.other_emails = [*known.other_emails, email]
            changed.add("other_emails")
            if known.pk is not None:
                known.added_emails.append(email)
        emails.append(email)
    added = {k: v for k, v in incoming.tags.items() if k not in known.tags | known.new_tags}
    (known.tags if known.pk is None else known.new_tags).update(added)
    known.changed |= changed
    return bool(changed or added)
