"""Choosing which rows of a previewed file to import: by person, or by organisation.

A row is named by its position among the people the file holds (0 for the first), which is
the same every time the kept file is read again. A choice travels as ranges ("0-41,43,50-99").
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from coffeechat.portability.incoming import IncomingContact

# Above this many people a preview lists organisations to choose from, not each person.
LISTED_ROWS = 5_000
NO_ORGANIZATION = "No organisation"


def left_out(person: IncomingContact) -> bool:
    """A row the import leaves out, having no name, e-mail address or organisation."""
    return not (person.name.strip() or person.emails or person.organization.strip())


@dataclass
class Row:
    index: int
    person: IncomingContact
    outcome: str = ""


@dataclass
class Group:
    index: int
    name: str
    rows: list[Row] = field(default_factory=list)

    @property
    def ranges(self) -> str:
        return format_ranges([row.index for row in self.rows])


def groups_of(incoming: list[IncomingContact], outcomes: list[str] | None = None) -> list[Group]:
    """The rows to choose from by organisation (A to Z, those without one last), each with
    what would happen to it when `outcomes` are given."""
    by_key: dict[str, Group] = {}
    for index, person in enumerate(incoming):
        if left_out(person):
            continue
        row = Row(index, person, outcomes[index] if outcomes else "")
        name = " ".join(person.organization.split()) or NO_ORGANIZATION
        key = "\uffff" if name == NO_ORGANIZATION else name.casefold()
        by_key.setdefault(key, Group(0, name)).rows.append(row)
    groups = [by_key[key] for key in sorted(by_key)]
    for number, group in enumerate(groups):
        group.index = number
    return groups


def format_ranges(indices: list[int]) -> str:
    runs: list[list[int]] = []
    for index in sorted(set(indices)):
        if runs and index == runs[-1][1] + 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    return ",".join(str(first) if first == last else f"{first}-{last}" for first, last in runs)


CHOICE_ERROR = "The choice does not match the file you previewed; preview it again."


def parse_ranges(text: str, count: int) -> set[int]:
    """The row positions in `text`, each within 0..count-1, or ValidationError."""
    chosen: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        first, dash, last = part.partition("-")
        if not (first.isascii() and first.isdigit()) or len(first) > 9:
            raise ValidationError(CHOICE_ERROR)
        if dash and (not (last.isascii() and last.isdigit()) or len(last) > 9):
            raise ValidationError(CHOICE_ERROR)
        start, end = int(first), int(last) if dash else int(first)
        if start > end or end >= count:
            raise ValidationError(CHOICE_ERROR)
        chosen.update(range(start, end + 1))
    return chosen


def chosen_rows(
    *, incoming: list[IncomingContact], rows: str, groups: str
) -> list[IncomingContact]:
    """The people chosen, as row ranges and organisation (group) ranges, in the file's order.

    ValidationError when the choice names a row or organisation the file does not have, or
    chooses nobody.
    """
    chosen = parse_ranges(rows, len(incoming))
    if groups:
        listed = groups_of(incoming)
        for number in parse_ranges(groups, len(listed)):
            chosen.update(row.index for row in listed[number].rows)
    chosen = {index for index in chosen if not left_out(incoming[index])}
    if not chosen:
        raise ValidationError("Choose at least one person to import.")
    return [incoming[index] for index in sorted(chosen)]
