"""LinkedIn's Connections.csv, as its data export writes it and as spreadsheets re-save it."""

from datetime import date, datetime
from operator import itemgetter
from typing import BinaryIO

from coffeechat.contacts.models import Source
from coffeechat.contacts.services import normalize_linkedin_url
from coffeechat.portability.incoming import ImportFileError, IncomingContact
from coffeechat.portability.reading import (
    CsvTable,
    collapse,
    csv_rows,
    decode_utf8,
    first_line_of,
    is_blank,
    is_zip,
    member_of_zip,
    name_part,
    read_source,
)

COLUMNS = {
    "first_name": "First Name",
    "last_name": "Last Name",
    "linkedin_url": "URL",
    "email": "Email Address",
    "organization": "Company",
    "title": "Position",
    "connected_on": "Connected On",
}
REQUIRED = ("First Name", "Last Name", "URL", "Company", "Position", "Connected On")
LABELS = {**COLUMNS, "name": "First Name", "emails": "Email Address"}
_KNOWN = {name.casefold() for name in COLUMNS.values()}
_GOOGLE_SIGNS = {"e-mail 1 - value", "organization name", "labels", "group membership"}

# The export writes "12 Mar 2024"; Excel and friends re-save it in their own ways.
DATE_FORMATS = (
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%b %d, %Y",
    "%B %d, %Y",
)
_PREAMBLE_ROWS = 10


def parse_date(text: str) -> date | None:
    """The date in `text`, or None. "3/12/2024" is read the American way, as LinkedIn is."""
    text = collapse(text)
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def parse_linkedin(
    source: bytes | BinaryIO, *, filename: str = "Connections.csv"
) -> list[IncomingContact]:
    data = read_source(source, filename, archive=True)
    if is_zip(data):
        # LinkedIn's whole data export: Connections.csv is one of its files.
        data, filename = member_of_zip(data, filename, "Connections.csv")
        data = read_source(data, filename)
    text = decode_utf8(data, filename)
    rows = csv_rows(text, filename)
    table = _find_header(rows, filename)
    table.add_missing("Email Address")
    pick = itemgetter(*(table.position(column) for column in COLUMNS.values()))
    dates: dict[str, date | None] = {"": None}
    people = []
    for line, row in rows:
        row = table.fit(line, row)
        first, last, url, email, organization, title, when = pick(row)
        name = " ".join(f"{first} {last}".split())
        if not name and is_blank(row):
            continue
        # A row without a name (LinkedIn keeps one for a closed account) is read all the same:
        # the import names the person after their e-mail or company, or leaves them out.
        when = when.strip()
        if when not in dates:
            dates[when] = parse_date(when)
            if dates[when] is None:
                raise ImportFileError(
                    f'{filename}, line {line}: "Connected On" is not a date: "{when}"'
                )
        email = email.strip()
        people.append(
            IncomingContact(
                name=name,
                first_name=name_part(first),
                last_name=name_part(last),
                emails=[email] if email else [],
                linkedin_url=_profile_url(url.strip()),
                organization=" ".join(organization.split()),
                title=" ".join(title.split()),
                connected_on=dates[when],
                source=Source.LINKEDIN,
                file=filename,
                line=line,
                columns=LABELS,
            )
        )
    if not people:
        raise ImportFileError(f"{filename}: there is nobody in this file, only its header.")
    return people


def _profile_url(url: str) -> str:
    # Nearly every URL in the export is already in the normal form; only the others are redone.
    if url.startswith("https://www.linkedin.com/in/") and not url.endswith("/"):
        if "?" not in url and "#" not in url:
            return url
    return normalize_linkedin_url(url) if url else ""


def _find_header(rows, filename: str) -> CsvTable:
    """Skips LinkedIn's "Notes:" preamble and stops at the header, refusing other exports."""
    skipped = 0
    for line, row in rows:
        if is_blank(row):
            continue
        cells = {cell.strip().casefold() for cell in row}
        if cells & _GOOGLE_SIGNS:
            raise ImportFileError(
                f"{filename}, line {line}: this is a Google Contacts export, not LinkedIn's "
                "Connections.csv; import it as google."
            )
        if len(cells & _KNOWN) >= 2:
            table = CsvTable(filename, line, row)
            table.require(REQUIRED)
            return table
        skipped += 1
        if len([c for c in row if c.strip()]) > 1 or skipped > _PREAMBLE_ROWS:
            raise ImportFileError(
                f"{filename}, line {line}: this is not LinkedIn's Connections.csv (it begins "
                f'"{first_line_of(row)}"); in LinkedIn\'s data export, choose Connections.csv.'
            )
    raise ImportFileError(
        f"{filename}: no header line {','.join(COLUMNS.values())} found; "
        "in LinkedIn's data export, choose Connections.csv."
    )
