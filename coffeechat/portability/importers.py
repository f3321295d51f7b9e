"""Importing a network from other services' exports.

A parser (`linkedin.py`, `google.py`, `vcard.py`) turns a file into `IncomingContact` rows, or
raises `ImportFileError` with one line that names the file, the line and the field.
`import_contacts` then adds the rows in one transaction, merging people who are already known
(the plan and the bulk writes are in `merging.py`).
"""

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction

from coffeechat.contacts.models import Contact, Organization, Source, Tag
from coffeechat.lib.owned import Owner
from coffeechat.lib.statistics import statistics_refresh

MAX_IMPORT_BYTES = 50 * 1024 * 1024


class ImportFileError(ValidationError):
    """A file that cannot be imported. The message is one line a person can act on."""

    def __init__(self, message: str):
        super().__init__(message, code="import")

    def __str__(self) -> str:
        return str(self.message)


@dataclass(slots=True)
class IncomingContact:
    """One person as a file describes them, before they meet the people already known."""

    name: str
    first_name: str = ""
    last_name: str = ""
    emails: list[str] = field(default_factory=list)
    phone: str = ""
    linkedin_url: str = ""
    organization: str = ""
    title: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    connected_on: date | None = None
    source: str = Source.COLD
    file: str = ""
    line: int = 0
    # vCard files count cards; CSV files leave this at 0.
    card: int = 0
    # Our field name -> what the file calls it, so a message names the column the user sees.
    columns: Mapping[str, str] | None = None

    @property
    def where(self) -> str:
        if self.card:
            return f"{self.file}, card {self.card} (line {self.line})"
        return f"{self.file}, line {self.line}"

    @property
    def display_name(self) -> str:
        """The name, or what a person without one is added under."""
        return self.name or next(iter(self.emails), "") or self.organization

    def label(self, name: str) -> str:
        return (self.columns or {}).get(name, name)


KINDS = {
    "linkedin": "LinkedIn connections (Connections.csv, or LinkedIn's whole export ZIP)",
    "google": "Google Contacts (Google CSV)",
    "vcard": "vCard (.vcf from Apple, Outlook or a phone)",
}


def parse_file(kind: str, source: bytes | BinaryIO, *, filename: str) -> list[IncomingContact]:
    """The people in `source`, read as `kind`: "linkedin", "google" or "vcard"."""
    # The parsers import this module, so they are imported when first needed.
    from coffeechat.portability import google, linkedin, vcard

    parsers: dict[str, Callable[..., list[IncomingContact]]] = {
        "linkedin": linkedin.parse_linkedin,
        "google": google.parse_google,
        "vcard": vcard.parse_vcard,
    }
    with cyclic_gc_paused():
        return parsers[kind](source, filename=filename)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Tens of thousands of new objects set off the cycle collector again and again, each
    time walking every object alive; none of them form cycles, so it waits until the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Importing into the database ------------------------------------------------------------------

PROGRESS_EVERY = 500
# What happens to a row with no name, no e-mail address and no organisation.
UNNAMED = "left out: no name, e-mail or organisation"


@dataclass
class ImportSummary:
    new: int = 0
    merged: int = 0
    skipped: int = 0
    # The lines of rows left out for having no name, e-mail address or organisation.
    unnamed: list[int] = field(default_factory=list)
    # The first rows of the file and what happens to each, for a preview.
    preview: list[tuple[IncomingContact, str]] = field(default_factory=list)
    # What happens to every row, in order, when asked for (a preview to choose from).
    outcomes: list[str] = field(default_factory=list)
    # The batch an import was recorded as; None for a dry run.
    batch: Any = None

    @property
    def total(self) -> int:
        return self.new + self.merged + self.skipped + len(self.unnamed)

    def unnamed_lines(self) -> str:
        """ "4, 9 and 12", the first ten of them and how many more."""
        shown = [str(line) for line in self.unnamed[:10]]
        more = len(self.unnamed) - len(shown)
        if more:
            return f"{', '.join(shown)} and {more} more"
        if len(shown) > 1:
            return f"{', '.join(shown[:-1])} and {shown[-1]}"
        return "".join(shown)

    def __str__(self) -> str:
        text = f"{self.new} new, {self.merged} merged, {self.skipped} skipped"
        if self.unnamed:
            line = "line" if len(self.unnamed) == 1 else "lines"
            text += f", {len(self.unnamed)} left out with no name ({line} {self.unnamed_lines()})"
        return text


def import_contacts(
    *,
    owner: Owner,
    incoming: list[IncomingContact],
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    kind: str = "",
    filename: str = "",
    outcomes: bool = False,
) -> ImportSummary:
    """Adds the people in `incoming` to the owner's network, all or nothing.

    A person already known (by an e-mail, a LinkedIn profile, or the same name at the same
    organisation), in the database or earlier in the file, is merged: empty fields are filled,
    e-mails and tags added, nothing the user wrote is overwritten. A row with no name is added
    under its e-mail address or organisation, or left out when it has neither.

    The import is recorded, in the same transaction, as an ImportBatch (of `kind` and
    `filename`) that knows whom it created and what it filled in, so it can be undone; it is
    `summary.batch`. A dry run writes nothing; with `outcomes` it notes what happens to every
    row. `progress(done, total)` is called as rows are checked and then written.
    """
    # The planning and writing machinery imports the types above.
    from coffeechat.portability.batches import record
    from coffeechat.portability.merging import ImportPlan
    from coffeechat.portability.models import ImportedContact

    rows = len(incoming)
    total = rows if dry_run else 2 * rows

    def report(done: int) -> None:
        if progress is not None:
            progress(min(done, total), total)

    def plan() -> ImportPlan:
        planned = ImportPlan(owner, outcomes=outcomes)
        for index, row in enumerate(incoming):
            planned.add(index, row)
            if index % PROGRESS_EVERY == PROGRESS_EVERY - 1:
                report(index + 1)
        report(rows)
        return planned

    if dry_run:
        with cyclic_gc_paused():
            return plan().summary
    with cyclic_gc_paused(), transaction.atomic():
        planned = plan()
        writes = max(1, len(planned.created) + len(planned.updated))
        planned.write(lambda done: report(rows + rows * done // writes))
        planned.summary.batch = record(owner, planned, kind=kind, filename=filename)
        # The first page after an import is planned from statistics that know its rows.
        statistics_refresh([Organization, Contact, Tag, Contact.tags.through, ImportedContact])
    report(total)
    return planned.summary
