"""Google Contacts' "Google CSV" export, in today's columns and in the older ones."""

import re
from collections.abc import Callable
from typing import BinaryIO

from coffeechat.contacts.models import Source
from coffeechat.contacts.services import normalize_linkedin_url, split_name
from coffeechat.portability.incoming import ImportFileError, IncomingContact
from coffeechat.portability.reading import (
    CsvTable,
    collapse,
    csv_rows,
    decode_utf8,
    first_line_of,
    is_blank,
    name_part,
    read_source,
    split_values,
)

# Today's export first, then the older one ("Given Name", "Organization 1 - Name", …).
NAME_COLUMNS = {
    "prefix": ("Name Prefix",),
    "first": ("First Name", "Given Name"),
    "middle": ("Middle Name", "Additional Name"),
    "last": ("Last Name", "Family Name"),
    "suffix": ("Name Suffix",),
    "full": ("Name",),
    "nickname": ("Nickname",),
    "file_as": ("File As",),
}
FIELD_COLUMNS = {
    "organization": ("Organization Name", "Organization 1 - Name"),
    "title": ("Organization Title", "Organization 1 - Title"),
    "notes": ("Notes",),
    "labels": ("Labels", "Group Membership"),
}
_NUMBERED = re.compile(r"^(E-mail|Phone|Website) (\d+) - Value$", re.IGNORECASE)
# Google's own groups, which say nothing about the person.
SYSTEM_LABELS = {"mycontacts", "starred", "othercontacts"}

Cell = Callable[[list[str]], str]


def parse_google(
    source: bytes | BinaryIO, *, filename: str = "contacts.csv"
) -> list[IncomingContact]:
    text = decode_utf8(read_source(source, filename), filename)
    rows = csv_rows(text, filename)
    table = _find_header(rows, filename)
    cell = {
        key: _first_present(table, names) for key, names in (NAME_COLUMNS | FIELD_COLUMNS).items()
    }
    numbered = _numbered_columns(table)
    labels = _labels(table, numbered)
    people = []
    for line, row in rows:
        if is_blank(row):
            continue
        row = table.fit(line, row)
        people.append(_person(row, cell, numbered, filename, line, labels))
    if not people:
        raise ImportFileError(f"{filename}: there is nobody in this file, only its header.")
    return people


def _person(row, cell, numbered, filename: str, line: int, labels) -> IncomingContact:
    first, middle, last = cell["first"](row), cell["middle"](row), cell["last"](row)
    parts = " ".join(cell[k](row) for k in ("prefix", "first", "middle", "last", "suffix"))
    name = collapse(cell["full"](row)) or collapse(parts)
    name = name or collapse(cell["nickname"](row)) or collapse(cell["file_as"](row))
    # A contact without a name is read all the same: the import names it after its e-mail
    # address or organisation, or leaves it out.
    first_name, last_name = name_part(first), name_part(" ".join((middle, last)))
    if name and not first_name and not last_name:
        first_name, last_name = split_name(name)
    websites = _values(row, numbered["website"])
    linkedin = next((w for w in websites if "linkedin.com/" in w.lower()), "")
    tags = []
    for label in split_values(cell["labels"](row)):
        label = label.removeprefix("*").strip()
        if label.replace(" ", "").casefold() not in SYSTEM_LABELS:
            tags.append(label)
    return IncomingContact(
        name=name,
        first_name=first_name,
        last_name=last_name,
        emails=_values(row, numbered["e-mail"]),
        phone=next(iter(_values(row, numbered["phone"])), ""),
        linkedin_url=normalize_linkedin_url(linkedin) if linkedin else "",
        organization=collapse(next(iter(split_values(cell["organization"](row))), "")),
        title=collapse(next(iter(split_values(cell["title"](row))), "")),
        notes=cell["notes"](row).strip(),
        tags=tags,
        source=Source.COLD,
        file=filename,
        line=line,
        columns=labels,
    )


def _values(row: list[str], columns: list[tuple[Cell, Cell]]) -> list[str]:
    """Every value of a numbered family of columns; a label starting with "*" comes first."""
    primary: list[str] = []
    others: list[str] = []
    for label, value in columns:
        values = split_values(value(row))
        (primary if label(row).lstrip().startswith("*") else others).extend(values)
    return primary + others


def _first_present(table: CsvTable, names: tuple[str, ...]) -> Cell:
    return table.reader(next((name for name in names if table.has(name)), names[0]))


def _numbered_columns(table: CsvTable) -> dict[str, list[tuple[Cell, Cell]]]:
    found: dict[str, list[tuple[Cell, Cell]]] = {"e-mail": [], "phone": [], "website": []}
    for column in table.header:
        match = _NUMBERED.match(column)
        if match:
            family, number = match.group(1), match.group(2)
            label = next(
                (
                    f"{family} {number} - {word}"
                    for word in ("Label", "Type")
                    if table.has(f"{family} {number} - {word}")
                ),
                "",
            )
            found[family.lower()].append((table.reader(label), table.reader(column)))
    return found


def _labels(table: CsvTable, numbered) -> dict[str, str]:
    def present(names: tuple[str, ...]) -> str:
        return next((name for name in names if table.has(name)), names[0])

    return {
        "name": present(("First Name", "Given Name", "Name")),
        "first_name": present(NAME_COLUMNS["first"]),
        "last_name": present(NAME_COLUMNS["last"]),
        "emails": "E-mail … - Value" if len(numbered["e-mail"]) > 1 else "E-mail 1 - Value",
        "phone": "Phone … - Value" if len(numbered["phone"]) > 1 else "Phone 1 - Value",
        "linkedin_url": "Website … - Value",
        "organization": present(FIELD_COLUMNS["organization"]),
        "title": present(FIELD_COLUMNS["title"]),
        "tags": present(FIELD_COLUMNS["labels"]),
        "notes": "Notes",
    }


def _find_header(rows, filename: str) -> CsvTable:
    for line, row in rows:
        if is_blank(row):
            continue
        table = CsvTable(filename, line, row)
        google = (
            any(_NUMBERED.match(column) for column in table.header)
            or table.has("Labels")
            or table.has("Group Membership")
        )
        if not google:
            if table.has("Connected On") or row[0].strip().casefold().startswith("notes"):
                raise ImportFileError(
                    f"{filename}, line {line}: this is LinkedIn's Connections.csv, not a Google "
                    "Contacts export; import it as linkedin."
                )
            raise ImportFileError(
                f"{filename}, line {line}: this is not a Google Contacts export (it begins "
                f'"{first_line_of(row)}"); in Google Contacts, choose Export, then Google CSV.'
            )
        older = table.has("Group Membership") or table.has("Given Name")
        if older:
            if not table.has("Name"):
                table.require(("Given Name", "Family Name"))
        else:
            table.require(("First Name", "Last Name"))
        return table
    raise ImportFileError(f"{filename}: the file is empty.")
