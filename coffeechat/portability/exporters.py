"""Everything a user owns, given back: JSON (complete, restorable), CSV and vCard (contacts).

Each exporter takes the owner and a stream to write to (binary or text), and an optional
`progress(done, total)` called as records are written. The JSON format is described in
docs/export-format.md; `SECTIONS` and `exported_fields` are the single source of what it
holds, and restore reads them too.
"""

import csv
import gc
import io
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import IO, Any

from django.db import connection, models, transaction
from django.db.models import F
from django.db.models.functions import Cast
from django.utils import timezone

from coffeechat.accounts.models import Profile
from coffeechat.agenda.models import AgendaMark
from coffeechat.contacts.models import Contact, Organization, Priority, Tag
from coffeechat.contacts.selectors import contact_list
from coffeechat.conversations.models import (
    ChosenQuestion,
    Conversation,
    Question,
    Reschedule,
    Takeaway,
)
from coffeechat.lib.owned import Owner
from coffeechat.outreach.models import Message, Template

FORMAT = "coffeechat"
VERSION = 1

Progress = Callable[[int, int], None]

# In the order a restore creates them: a section only points at sections above it, except a
# contact's `referred_by`, which may point at any contact.
SECTIONS: list[tuple[str, type[models.Model]]] = [
    ("organizations", Organization),
    ("tags", Tag),
    ("contacts", Contact),
    ("conversations", Conversation),
    ("reschedules", Reschedule),
    ("questions", Question),
    ("chosen_questions", ChosenQuestion),
    ("takeaways", Takeaway),
    ("templates", Template),
    ("messages", Message),
    ("agenda_marks", AgendaMark),
]
SECTION_OF_MODEL: dict[type[models.Model] | str, str] = {model: key for key, model in SECTIONS}


def related_model(field: models.Field) -> type[models.Model]:
    """The model a relation points at; "self" is resolved by Django once models are loaded."""
    model = field.related_model
    assert isinstance(model, type), field
    return model


# Never exported: the row id and owner (the file is the owner's), secrets, and the import
# that added a person (an export holds no imports).
LEFT_OUT = {"id", "owner", "feed_token_hash", "imported_by"}
# Many-to-many fields, exported as a sorted list of export ids.
MANY_TO_MANY: dict[type[models.Model], list[str]] = {Contact: ["tags"]}
# An agenda mark names its item by rule and object, e.g. "thank_you:conversation:42"; the
# object's id is written as its export id, so the mark still names it after a restore.
MODEL_BY_NAME = {m._meta.model_name: m for _, m in SECTIONS if m is not AgendaMark}
_ITEM_KEY = re.compile(r"([^:]*):([a-z_]+):([0-9]+)(:.*)?", re.ASCII | re.DOTALL)


def translate_item_key(key: str, ids: dict[type[models.Model], dict[int, int]]) -> str | None:
    """`key` with its object's id looked up in `ids`, or None when that object is not there.

    A key that names no object (e.g. "weekly_goal:week:2025-W10") comes back unchanged.
    """
    match = _ITEM_KEY.fullmatch(key)
    if not match or match[2] not in MODEL_BY_NAME:
        return key
    new_id = ids[MODEL_BY_NAME[match[2]]].get(int(match[3]))
    if new_id is None:
        return None
    return f"{match[1]}:{match[2]}:{new_id}{match[4] or ''}"


TIMESTAMPS = ("created_at", "updated_at")


def exported_fields(model: type[models.Model]) -> list[models.Field]:
    """The concrete fields of `model` that the JSON export holds: the model's, then its times."""
    fields = [f for f in model._meta.concrete_fields if f.name not in LEFT_OUT]
    return [f for f in fields if f.name not in TIMESTAMPS] + [
        f for f in fields if f.name in TIMESTAMPS
    ]


def format_datetime(value: datetime | str | None) -> str | None:
    """ISO 8601 in UTC, ending in Z. A time without a zone is UTC, as the database keeps it."""
    if value is None:
        return None
    if isinstance(value, str):
        if _is_sqlite_time(value):
            return f"{value[:10]}T{value[11:]}Z"
        value = datetime.fromisoformat(value)  # e.g. PostgreSQL's "2025-03-01 09:30:00.25+00"
    if value.tzinfo is None:
        return value.isoformat() + "Z"
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _is_sqlite_time(value: str) -> bool:
    """Whether `value` is a time as Django writes it into SQLite: UTC, no offset, e.g.
    "2025-03-01 09:30:00" or "2025-03-01 09:30:00.250000"."""
    return value[10:11] == " " and (
        len(value) == 19 or (len(value) == 26 and value[19] == "." and value[20:].isdigit())
    )


def format_date(value: date | str | None) -> str | None:
    if value is None:
        return None
    return (date.fromisoformat(value) if isinstance(value, str) else value).isoformat()


def _column(field: models.Field) -> str | Cast:
    """What to select for `field`: dates, times and JSON as the database's own text.

    Django (or the driver) would parse each value with a regular expression and then make it
    aware, which is most of the time a large export takes; the encoders below parse the text
    with the standard library's C parsers instead.
    """
    if isinstance(field, models.DateField | models.JSONField):  # DateTimeField included
        return Cast(F(field.attname), output_field=models.TextField())
    return field.attname


def _json_value(text: str | None) -> Any:
    if text == "[]":  # most contacts have no other e-mail address
        return []
    return None if text is None else json.loads(text)


def _encoder(
    field: models.Field, ids: dict[type[models.Model], dict[int, int]]
) -> Callable[[Any], Any] | None:
    """How one field's database value becomes a JSON value; None when it already is one."""
    if field.is_relation:
        return ids[related_model(field)].get  # None for None, and for a row not exported
    if isinstance(field, models.DateTimeField):
        return format_datetime
    if isinstance(field, models.DateField):
        return format_date
    if isinstance(field, models.JSONField):
        return _json_value
    return None


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Tens of thousands of rows and records, none in a cycle: collecting them for cycles
    again and again as they are made would only cost time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def snapshot() -> Iterator[None]:
    """Reads that see one moment of the database, so cross references always resolve."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # On SQLite the transaction holds the write lock for the second or so an export
        # takes; writers wait for it (busy timeout) rather than see a half-read state.
        yield


@contextmanager
def _text(stream: IO, *, bom: bool = False) -> Iterator[IO[str]]:
    """`stream` as a UTF-8 text stream that writes newlines as given."""
    if isinstance(stream, io.TextIOBase):
        if bom:
            stream.write("\ufeff")
        yield stream
        return
    text = io.TextIOWrapper(stream, encoding="utf-8-sig" if bom else "utf-8", newline="")
    try:
        yield text
    finally:
        text.flush()
        text.detach()  # the caller's stream stays open


def _owned_rows(model: type[models.Model], owner: Owner, fields: list[models.Field]) -> list[tuple]:
    columns = [_column(f) for f in fields]
    return list(
        model._default_manager.filter(owner=owner).order_by("pk").values_list("pk", *columns)
    )


# JSON: everything the user owns.


def _profile_json(owner: Owner) -> dict[str, Any] | None:
    profile = Profile.objects.filter(owner=owner).first()
    if profile is None:
        return None
    record = {}
    for f in exported_fields(Profile):
        encode = _encoder(f, {})
        record[f.name] = (
            encode(f.value_from_object(profile)) if encode else f.value_from_object(profile)
        )
    return record


def _section_records(owner: Owner) -> dict[str, list[dict[str, Any]]]:
    """Every owned row as a record, ids renumbered 1, 2, … by primary key within a section."""
    rows, ids = {}, {}
    for key, model in SECTIONS:
        rows[key] = _owned_rows(model, owner, exported_fields(model))
        ids[model] = {row[0]: number for number, row in enumerate(rows[key], 1)}
    records = {}
    for key, model in SECTIONS:
        fields = exported_fields(model)
        names = ["id", *(f.name for f in fields)]
        # Column by column: each encoder runs over a whole column at once.
        columns: list[Any] = list(zip(*rows[key], strict=True)) or [()] * len(names)
        columns[0] = range(1, len(rows[key]) + 1)
        for i, f in enumerate(fields, 1):
            encode = _encoder(f, ids)
            if encode:
                columns[i] = map(encode, columns[i])
        section = [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
        for name in MANY_TO_MANY.get(model, []):
            _add_many_to_many(model, name, owner, section, ids)
        if model is AgendaMark:
            section = _marks_with_export_ids(section, ids)
        records[key] = section
    return records


def _marks_with_export_ids(section: list[dict], ids) -> list[dict]:
    # A mark on an object that is gone hides nothing; it is left out, and the rest keep
    # their export ids (1, 2, … in order), as an export's ids always are.
    kept: list[dict] = []
    for record in section:
        item_key = translate_item_key(record["item_key"], ids)
        if item_key is not None:
            kept.append(record | {"id": len(kept) + 1, "item_key": item_key})
    return kept


def _add_many_to_many(model, name, owner: Owner, section, ids) -> None:
    field = model._meta.get_field(name)
    through = field.remote_field.through
    source = field.m2m_field_name()
    target = field.m2m_reverse_field_name()
    own_ids, target_ids = ids[model], ids[field.related_model]
    linked: dict[int, list[int]] = {}
    pairs = through.objects.filter(**{f"{source}__owner": owner}).values_list(
        f"{source}_id", f"{target}_id"
    )
    for own_pk, target_pk in pairs:
        if own_pk in own_ids and target_pk in target_ids:
            linked.setdefault(own_ids[own_pk], []).append(target_ids[target_pk])
    for record in section:
        record[name] = sorted(linked.get(record["id"], []))


def export_json(
    *,
    owner: Owner,
    stream: IO,
    exported_at: datetime | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Writes everything `owner` owns as one JSON document; returns the count per section.

    One record a line, sections in a fixed order, records by id: two exports of the same
    data are byte-identical apart from `exported_at` (pass it to fix it).
    """
    with snapshot(), _cycle_collector_paused():
        profile = _profile_json(owner)
        records = _section_records(owner)
    total = sum(len(section) for section in records.values())
    done = 0
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    with _text(stream) as out:
        out.write("{\n")
        out.write(f'  "format": {dumps(FORMAT)},\n  "version": {VERSION},\n')
        out.write(f'  "exported_at": {dumps(format_datetime(exported_at or timezone.now()))},\n')
        out.write(f'  "profile": {dumps(profile)}')
        for key, section in records.items():
            out.write(f",\n  {dumps(key)}: [")
            for start in range(0, len(section), 1000):
                chunk = section[start : start + 1000]
                out.write(",\n    " if start else "\n    ")
                out.write(",\n    ".join(map(dumps, chunk)))
                done += len(chunk)
                if progress:
                    progress(done, total)
            out.write("\n  ]" if section else "]")
        out.write("\n}\n")
    if progress:
        progress(total, total)
    return {key: len(section) for key, section in records.items()}


# CSV and vCard: the contacts, for spreadsheets and address books.

CSV_COLUMNS = [
    "name",
    "first_name",
    "last_name",
    "email",
    "other_emails",
    "phone",
    "organization",
    "title",
    "linkedin_url",
    "location",
    "time_zone",
    "source",
    "priority",
    "tags",
    "stage",
    "connection_note",
    "their_work",
    "research_notes",
    "referred_by",
    "do_not_contact",
    "connected_on",
    "created_at",
]
LIST_SEPARATOR = "; "
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP's list), and
# some also after leading spaces, or written in their full-width forms, which they fold.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PRIORITY_WORDS = {value: label.lower() for value, label in Priority.choices}
_CONTACT_COLUMNS = [
    "pk",
    "name",
    "first_name",
    "last_name",
    "email",
    "other_emails",
    "phone",
    "organization__name",
    "title",
    "linkedin_url",
    "location",
    "time_zone",
    "source",
    "priority",
    "stage",
    "connection_note",
    "their_work",
    "research_notes",
    "referred_by__name",
    "do_not_contact",
    "connected_on",
    "created_at",
    "updated_at",
]
_TEXT_COLUMNS = {"other_emails", "connected_on", "created_at", "updated_at"}


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet shows as text: a formula character at the start, or after leading
    white space, gets a quote before it."""
    first = value[:1]
    if first in _FORMULA_FIRST or (first.isspace() and value.lstrip()[:1] in _FORMULA_FIRST):
        return "'" + value
    return value


_FORMULA_FIRST = frozenset(FORMULA_STARTS)
# The first characters that need a closer look: a formula character or white space. Most
# cells start with neither, and are passed over with one lookup.
_LOOK_FIRST = _FORMULA_FIRST | {c for c in map(chr, range(0x3001)) if c.isspace()}


def _contact_rows(owner: Owner) -> Iterator[dict[str, Any]]:
    """The owner's contacts by id, each with its organisation, referrer, stage and tag names."""
    with snapshot():
        columns = [
            _column(Contact._meta.get_field(c)) if c in _TEXT_COLUMNS else c  # type: ignore[arg-type]
            for c in _CONTACT_COLUMNS
        ]
        rows = list(contact_list(owner=owner).order_by("pk").values_list(*columns))
        tags: dict[int, list[str]] = {}
        through = Contact.tags.through.objects.filter(contact__owner=owner)
        for contact_pk, tag_name in through.values_list("contact_id", "tag__name"):
            tags.setdefault(contact_pk, []).append(tag_name)
    for row in rows:
        contact = dict(zip(_CONTACT_COLUMNS, row, strict=True))
        contact["tags"] = sorted(tags.get(contact["pk"], []), key=str.casefold)
        emails = _json_value(contact["other_emails"])
        contact["other_emails"] = [e for e in emails or [] if isinstance(e, str)]
        contact["connected_on"] = format_date(contact["connected_on"])
        contact["created_at"] = format_datetime(contact["created_at"])
        contact["updated_at"] = format_datetime(contact["updated_at"])
        yield contact


def export_csv(*, owner: Owner, stream: IO, progress: Progress | None = None) -> int:
    """Writes one row per contact (UTF-8 with a byte-order mark, CRLF); returns the count.

    Lists are joined with "; ", and no cell can run as a spreadsheet formula.
    """
    with _cycle_collector_paused():
        contacts = list(_contact_rows(owner))
    with _text(stream, bom=True) as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for done, c in enumerate(contacts, 1):
            cells = [
                c["name"],
                c["first_name"],
                c["last_name"],
                c["email"],
                LIST_SEPARATOR.join(c["other_emails"]),
                c["phone"],
                c["organization__name"] or "",
                c["title"],
                c["linkedin_url"],
                c["location"],
                c["time_zone"],
                c["source"],
                _PRIORITY_WORDS.get(c["priority"], str(c["priority"])),
                LIST_SEPARATOR.join(c["tags"]),
                c["stage"],
                c["connection_note"],
                c["their_work"],
                c["research_notes"],
                c["referred_by__name"] or "",
                "yes" if c["do_not_contact"] else "no",
                c["connected_on"] or "",
                c["created_at"],
            ]
            writer.writerow(
                [spreadsheet_safe(cell) if cell[:1] in _LOOK_FIRST else cell for cell in cells]
            )
            if progress and done % 1000 == 0:
                progress(done, len(contacts))
    if progress:
        progress(len(contacts), len(contacts))
    return len(contacts)


# vCard 4.0 (RFC 6350), written by hand: the format is simple, and building the cards with
# vobject takes over thirty times as long. The tests read the output back with vobject.

_VCARD_SPECIAL = re.compile(r"[\\,;\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Every character some reader takes for the end of a line (str.splitlines() does, and so do
# readers built on it) is written as the escaped line break \n, so a value stays on its line.
_VCARD_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# Other control characters (tab apart) cannot appear in a vCard value.
_VCARD_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def vcard_escape(value: str) -> str:
    if not _VCARD_SPECIAL.search(value):
        return value
    value = _VCARD_CONTROL.sub("", _VCARD_LINE_BREAK.sub("\n", value))
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def vcard_fold(line: str) -> str:
    """Splits a content line so no line passes 75 octets, never inside a UTF-8 character."""
    if len(line) <= 75 and line.isascii():
        return line
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            end -= 1
        parts.append(data[start:end].decode())
        # A continuation line starts with a space, which counts towards its 75 octets.
        start, limit = end, 74
    parts.append(data[start:].decode())
    return "\r\n ".join(parts)


def _vcard_uri(value: str) -> str:
    # A URI value is not escaped; characters that would break the line are percent-encoded.
    if value.isprintable() and " " not in value:
        return value
    return "".join(
        c if c.isprintable() and c != " " else "".join(f"%{b:02X}" for b in c.encode())
        for c in value
    )


def _vcard(contact: dict[str, Any]) -> str:
    e = vcard_escape
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{e(contact['name'])}"]
    lines.append(f"N:{e(contact['last_name'])};{e(contact['first_name'])};;;")
    emails = [email for email in [contact["email"], *contact["other_emails"]] if email]
    for index, email in enumerate(emails):
        lines.append(f"EMAIL{';PREF=1' if index == 0 else ''}:{e(email)}")
    if contact["phone"]:
        lines.append(f"TEL:{e(contact['phone'])}")
    if contact["organization__name"]:
        lines.append(f"ORG:{e(contact['organization__name'])}")
    if contact["title"]:
        lines.append(f"TITLE:{e(contact['title'])}")
    if contact["linkedin_url"]:
        lines.append(f"URL:{_vcard_uri(contact['linkedin_url'])}")
    if contact["time_zone"]:
        lines.append(f"TZ:{e(contact['time_zone'])}")
    note = _vcard_note(contact)
    if note:
        lines.append(f"NOTE:{e(note)}")
    if contact["tags"]:
        lines.append("CATEGORIES:" + ",".join(e(tag) for tag in contact["tags"]))
    # REV is the basic format: 2025-03-01T09:30:00.5Z becomes 20250301T093000Z.
    lines.append("REV:" + contact["updated_at"][:19].replace("-", "").replace(":", "") + "Z")
    lines.append("END:VCARD")
    return "".join(vcard_fold(line) + "\r\n" for line in lines)


_NOTE_PARTS = [
    ("location", "Location"),
    ("connection_note", "How we are connected"),
    ("their_work", "Their work to mention"),
    ("research_notes", "Research notes"),
    ("referred_by__name", "Referred by"),
]


def _vcard_note(contact: dict[str, Any]) -> str:
    return "\n\n".join(
        f"{label}: {contact[key]}" for key, label in _NOTE_PARTS if contact[key]
    ).strip()


def export_vcard(*, owner: Owner, stream: IO, progress: Progress | None = None) -> int:
    """Writes every contact as a vCard 4.0 (UTF-8, CRLF, folded lines); returns the count."""
    with _cycle_collector_paused():
        contacts = list(_contact_rows(owner))
    with _text(stream) as out:
        for done, contact in enumerate(contacts, 1):
            out.write(_vcard(contact))
            if progress and done % 1000 == 0:
                progress(done, len(contacts))
    if progress:
        progress(len(contacts), len(contacts))
    return len(contacts)
