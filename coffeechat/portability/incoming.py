"""What the importers hand each other: the rows a file describes, the one-line error of a file
that cannot be imported, and the summary of an import. Kept apart from `importers.py` so that
the parsers and the merging, which `importers.py` calls, need not import it back.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from coffeechat.contacts.models import Source

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
