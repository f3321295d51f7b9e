"""vCard files (2.1, 3.0 and 4.0) with any number of cards, as phones and address books write them.

The file is unfolded here, so every card and line number is exact; vobject reads each property
line (parameters, quoted-printable, character sets).
"""

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from vobject.base import ContentLine, VObjectError, textLineToContentLine

from coffeechat.contacts.models import Source
from coffeechat.contacts.services import normalize_linkedin_url, split_name
from coffeechat.portability.incoming import ImportFileError, IncomingContact
from coffeechat.portability.reading import (
    collapse,
    name_part,
    read_source,
)

LABELS = {
    "name": "FN",
    "first_name": "N",
    "last_name": "N",
    "emails": "EMAIL",
    "phone": "TEL",
    "linkedin_url": "URL",
    "organization": "ORG",
    "title": "TITLE",
    "notes": "NOTE",
    "tags": "CATEGORIES",
}
# Only these properties are read; the rest (PHOTO, ADR, BDAY, X-…) are passed over unparsed,
# so an odd photo or a vendor extension cannot stop an import.
USED = {
    "FN",
    "N",
    "NICKNAME",
    "EMAIL",
    "TEL",
    "ORG",
    "TITLE",
    "NOTE",
    "URL",
    "CATEGORIES",
    "X-SOCIALPROFILE",
}
_NEWLINES = re.compile(r"\r\n|\r|\n")


@dataclass
class _Card:
    number: int
    line: int
    properties: list[ContentLine] = field(default_factory=list)


def decode_text(data: bytes) -> str:
    """UTF-8 when it is; otherwise the Windows and Latin-1 encodings older exporters use."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def parse_vcard(
    source: bytes | BinaryIO, *, filename: str = "contacts.vcf"
) -> list[IncomingContact]:
    text = decode_text(read_source(source, filename))
    if "BEGIN:VCARD" not in text.upper():
        raise ImportFileError(f"{filename}: this is not a vCard file (no BEGIN:VCARD line).")
    return [_person(card, filename) for card in _cards(text, filename)]


def _property_name(line: str) -> str:
    head = line.split(":", 1)[0].split(";", 1)[0]
    return head.rsplit(".", 1)[-1].strip().upper()


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, unfolded line): folded lines, quoted-printable soft breaks, and the
    unindented base64 blocks of vCard 2.1 photos are joined."""
    current, start, base64 = "", 0, False
    for number, raw in enumerate(_NEWLINES.split(text), 1):
        if current:
            head = current.split(":", 1)[0].upper()
            if current.endswith("=") and "QUOTED-PRINTABLE" in head:
                current += "\n" + raw
                continue
            if raw[:1] in (" ", "\t"):
                current += raw[1:]
                continue
            if base64 and raw.strip() and ":" not in raw:
                current += raw.strip()
                continue
            yield start, current
        current = raw.strip("\ufeff") if raw.strip() else ""
        start = number
        head = current.split(":", 1)[0].upper()
        base64 = "BASE64" in head or "ENCODING=B" in head
    if current:
        yield start, current


def _cards(text: str, filename: str) -> Iterator[_Card]:
    card: _Card | None = None
    depth = count = 0
    for number, line in _logical_lines(text):
        name = _property_name(line)
        begins = name == "BEGIN" and line.partition(":")[2].strip().upper() == "VCARD"
        ends = name == "END" and line.partition(":")[2].strip().upper() == "VCARD"
        if card is None and not begins:
            raise ImportFileError(
                f'{filename}, line {number}: "{line[:40]}" is outside any card '
                "(BEGIN:VCARD … END:VCARD)."
            )
        if begins:
            if card is None:
                count += 1
                card = _Card(count, number)
            else:
                depth += 1  # a card inside a card (vCard 2.1's AGENT): not a person of ours
            continue
        assert card is not None
        if ends:
            if depth:
                depth -= 1
            else:
                yield card
                card = None
            continue
        if depth or name not in USED:
            continue
        try:
            card.properties.append(textLineToContentLine(line, number))
        except (VObjectError, ValueError, LookupError):
            raise ImportFileError(
                f'{filename}, card {card.number} (line {number}): cannot read {name} "'
                f'{collapse(line)[:40]}".'
            ) from None
    if card is not None:
        raise ImportFileError(
            f"{filename}, card {card.number} (line {card.line}): the card is never closed "
            "(END:VCARD is missing)."
        )


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _split(text: str, separator: str) -> list[str]:
    """Splits on `separator` where it is not escaped with a backslash, then unescapes."""
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append(_unescape("".join(current)))
            current = []
        else:
            current.append(char)
    parts.append(_unescape("".join(current)))
    return parts


def _is_preferred(prop: ContentLine) -> bool:
    types = [t.upper() for t in prop.params.get("TYPE", [])]
    return "PREF" in types or "PREF" in prop.params or "PREF" in prop.singletonparams


def _values(props: list[ContentLine], prefix: str) -> list[str]:
    ordered = sorted(props, key=lambda p: not _is_preferred(p))
    values = []
    for prop in ordered:
        value = _unescape(str(prop.value)).strip()
        if value.lower().startswith(prefix):
            value = value[len(prefix) :].strip()
        if value and value not in values:
            values.append(value)
    return values


def _person(card: _Card, filename: str) -> IncomingContact:
    by_name: dict[str, list[ContentLine]] = {}
    for prop in card.properties:
        by_name.setdefault(prop.name, []).append(prop)

    def text(name: str) -> str:
        return collapse(_unescape(str(by_name[name][0].value))) if name in by_name else ""

    n = _split(str(by_name["N"][0].value), ";") if "N" in by_name else []
    n = [collapse(part.replace(",", " ")) for part in n] + [""] * (5 - len(n))
    family, given, additional, prefixes, suffixes = n[:5]
    name = text("FN") or collapse(" ".join((prefixes, given, additional, family, suffixes)))
    name = name or text("NICKNAME")
    # A card without a name is read all the same: the import names it after its e-mail
    # address or organisation, or leaves it out.
    if given or family or not name:
        first_name, last_name = name_part(given), name_part(f"{additional} {family}")
    else:
        first, last = split_name(name)
        first_name, last_name = name_part(first), name_part(last)
    urls = _values(by_name.get("URL", []) + by_name.get("X-SOCIALPROFILE", []), "")
    linkedin = next((url for url in urls if "linkedin.com/" in url.lower()), "")
    organization = _split(str(by_name["ORG"][0].value), ";")[0] if "ORG" in by_name else ""
    notes = "\n\n".join(_unescape(str(p.value)).strip() for p in by_name.get("NOTE", []))
    tags = [
        collapse(tag)
        for prop in by_name.get("CATEGORIES", [])
        for tag in _split(str(prop.value), ",")
        if tag.strip()
    ]
    return IncomingContact(
        name=name,
        first_name=first_name,
        last_name=last_name,
        emails=_values(by_name.get("EMAIL", []), "mailto:"),
        phone=next(iter(_values(by_name.get("TEL", []), "tel:")), ""),
        linkedin_url=normalize_linkedin_url(linkedin) if linkedin else "",
        organization=collapse(organization),
        title=text("TITLE"),
        notes=notes.strip(),
        tags=tags,
        source=Source.COLD,
        file=filename,
        line=card.line,
        card=card.number,
        columns=LABELS,
    )
