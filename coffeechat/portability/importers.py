"""Importing a network from other services' exports.

A parser (`linkedin.py`, `google.py`, `vcard.py`) turns a file into `IncomingContact` rows, or
raises `ImportFileError` with one line that names the file, the line and the field.
`import_contacts` then adds the rows in one transaction, merging people who are already known
(the plan and the bulk writes are in `merging.py`).
"""

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from django.db import transaction

from coffeechat.contacts.models import Contact, Organization, Tag
from coffeechat.lib.owned import Owner
from coffeechat.lib.statistics import statistics_refresh
from coffeechat.portability.incoming import (
    MAX_IMPORT_BYTES,
    UNNAMED,
    ImportFileError,
    ImportSummary,
    IncomingContact,
)

__all__ = [
    "KINDS",
    "MAX_IMPORT_BYTES",
    "UNNAMED",
    "ImportFileError",
    "ImportSummary",
    "IncomingContact",
    "import_contacts",
    "parse_file",
]

KINDS = {
    "linkedin": "LinkedIn connections (Connections.csv, or LinkedIn's whole export ZIP)",
    "google": "Google Contacts (Google CSV)",
    "vcard": "vCard (.vcf from Apple, Outlook or a phone)",
}


def parse_file(kind: str, source: bytes | BinaryIO, *, filename: str) -> list[IncomingContact]:
    """The people in `source`, read as `kind`: "linkedin", "google" or "vcard"."""
    # Imported when first needed: the vCard parser's library costs every page a tenth of a
    # second otherwise.
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
    from coffeechat.portability.batches import batch_close, batch_open
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
        batch = batch_open(owner, planned, kind=kind, filename=filename)
        planned.write(lambda done: report(rows + rows * done // writes), batch.pk)
        planned.summary.batch = batch_close(batch, planned)
        # The first page after an import is planned from statistics that know its rows;
        # an import that added nobody and filled nothing in leaves them as they were.
        if planned.created or planned.updated:
            statistics_refresh([Organization, Contact, Tag, Contact.tags.through, ImportedContact])
    report(total)
    return planned.summary
