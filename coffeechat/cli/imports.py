"""`coffeechat import linkedin|google|vcard FILE [--dry-run]`"""

from pathlib import Path

import click

from coffeechat.cli import _migrate, _owner, _user_errors, main
from coffeechat.cli.export import progress_bar

# Below this many people the import is over before a progress bar would be read.
PROGRESS_FROM = 1000


@main.command("import")
@click.argument("kind", type=click.Choice(["linkedin", "google", "vcard"]))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@_user_errors
def import_(kind: str, file: Path, dry_run: bool) -> None:
    """Import your network from LinkedIn (Connections.csv), Google Contacts (Google CSV) or a
    vCard file.

    People already in coffeechat (the same e-mail, LinkedIn profile, or name at the same
    organisation) are merged, never duplicated: empty fields are filled in and nothing you
    wrote is overwritten. The import is all or nothing.
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
            owner=_owner(), incoming=incoming, dry_run=dry_run, progress=progress
        )
    if dry_run:
        click.echo(f"Dry run: would import {file.name}: {summary}. Nothing was written.")
    else:
        click.echo(f"Imported {file.name}: {summary}.")
