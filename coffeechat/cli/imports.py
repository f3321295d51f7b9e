"""`coffeechat import linkedin|google|vcard FILE [--dry-run]` and `coffeechat imports …`"""

from collections.abc import Sized
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coffeechat.cli import WholeNumber, _migrate, _owner, _user_errors, main, print_table
from coffeechat.cli.export import progress_bar

if TYPE_CHECKING:
    from coffeechat.portability.models import ImportBatch

# Below this many people the import is over before a progress bar would be read.
PROGRESS_FROM = 1000


@main.command("import")
@click.argument("kind", type=click.Choice(["linkedin", "google", "vcard"]))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@_user_errors
def import_(kind: str, file: Path, dry_run: bool) -> None:
    """Import your network from LinkedIn (Connections.csv, or LinkedIn's whole export ZIP),
    Google Contacts (Google CSV) or a vCard file.

    People already in coffeechat (the same e-mail, LinkedIn profile, or name at the same
    organisation) are merged, never duplicated: empty fields are filled in and nothing you
    wrote is overwritten. Someone without a name is added under their e-mail address or
    organisation, or left out when there is neither. The import is all or nothing, and can be
    undone later with `coffeechat imports undo`.
    """
    from coffeechat.portability.importers import import_contacts, parse_file

    try:
        with file.open("rb") as stream:
            incoming = parse_file(kind, stream, filename=file.name)
    except OSError as error:
        raise click.ClickException(f"Cannot read {file}: {error.strerror or error}.") from None
    _migrate()
    with progress_bar(f"Importing {file.name}", show=len(incoming) >= PROGRESS_FROM) as progress:
        summary = import_contacts(
            owner=_owner(),
            incoming=incoming,
            dry_run=dry_run,
            progress=progress,
            kind=kind,
            filename=file.name,
        )
    if dry_run:
        click.echo(f"Dry run: would import {file.name}: {summary}. Nothing was written.")
    else:
        click.echo(f"Imported {file.name}: {summary}.")
        click.echo(f"To undo it: coffeechat imports undo {summary.batch.pk}")


@main.group()
def imports() -> None:
    """List your imports, tag the people of one, or undo one."""


@imports.command("list")
@_user_errors
def imports_list() -> None:
    """Every import, newest first: its number, file, date, counts and tag."""
    from django.utils import timezone

    from coffeechat.portability.batches import batch_list

    _migrate()
    rows = []
    for batch in batch_list(owner=_owner()):
        when = timezone.localtime(batch.created_at).strftime("%Y-%m-%d %H:%M")
        state = f"undone {batch.undone_at:%Y-%m-%d}" if batch.undone_at else ""
        rows.append(
            [
                str(batch.pk),
                batch.filename,
                when,
                str(batch.created_count),
                str(batch.updated_count),
                str(batch.skipped_count),
                batch.tag.name if batch.tag else "",
                state,
            ]
        )
    if not rows:
        click.echo("No imports yet.")
        return
    print_table(["#", "File", "Imported", "New", "Filled in", "Skipped", "Tag", ""], rows)


def _batch(number: int) -> "ImportBatch":
    from coffeechat.portability.batches import batch_get
    from coffeechat.portability.models import ImportBatch

    try:
        return batch_get(owner=_owner(), pk=number)
    except ImportBatch.DoesNotExist:
        raise click.ClickException(
            f"There is no import {number}; `coffeechat imports list` shows them."
        ) from None


@imports.command("tag")
@click.argument("batch", type=WholeNumber(1, 2**63 - 1))
@click.argument("name")
@_user_errors
def imports_tag(batch: int, name: str) -> None:
    """Tag the people of import BATCH with NAME (made if new)."""
    from coffeechat.portability.batches import batch_tag

    _migrate()
    found = _batch(batch)
    tag = batch_tag(owner=_owner(), batch=found, name=name)
    click.echo(f"The people of {found.filename} are tagged “{tag.name}”.")


@imports.command("undo")
@click.argument("batch", type=WholeNumber(1, 2**63 - 1))
@click.option("--yes", is_flag=True, help="Undo without asking.")
@_user_errors
def imports_undo(batch: int, yes: bool) -> None:
    """Undo import BATCH: remove the people it added with whom nothing has happened since,
    and empty the fields it filled in that were not changed since. It says what it will do
    and asks first, unless --yes."""
    from coffeechat.portability.batches import batch_undo, fields_in_words, undo_plan

    _migrate()
    owner = _owner()
    found = _batch(batch)
    plan = undo_plan(owner=owner, batch=found)
    if plan.done:
        click.echo(f"Import {batch} ({found.filename}) was already undone; nothing changed.")
        return
    click.echo(f"Undoing import {batch} ({found.filename}):")
    click.echo(f"- removes {len(plan.remove)} {_people(plan.remove)} it added")
    if plan.keep:
        names = ", ".join(c.name for c in plan.keep[:5]) + (", …" if len(plan.keep) > 5 else "")
        click.echo(
            f"- keeps {len(plan.keep)} {_people(plan.keep)} it added, with activity since ({names})"
        )
    for revert in plan.reverts[:10]:
        click.echo(f"- empties on {revert.contact.name}: {fields_in_words(revert.fields)}")
    if len(plan.reverts) > 10:
        click.echo(f"- and empties what it filled in on {len(plan.reverts) - 10} more people")
    if plan.untouched:
        click.echo(
            f"- leaves {len(plan.untouched)} {_people(plan.untouched)} changed since as they are"
        )
    if plan.organizations:
        click.echo(f"- removes {len(plan.organizations)} organisations left with nobody")
    if not yes and not click.confirm("Undo it?", default=False):
        click.echo("Nothing changed.")
        return
    result = batch_undo(owner=owner, batch=found)
    click.echo(f"Undone: {result}")


def _people(items: Sized) -> str:
    return "person" if len(items) == 1 else "people"
