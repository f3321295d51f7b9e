"""`coffeechat backup FILE`, `coffeechat restore FILE` and `coffeechat export json|csv|vcard`."""

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import click

from coffeechat.cli import _migrate, _owner, _user_errors, main
from coffeechat.cli.export import OUTPUT, export, progress_bar
from coffeechat.lib.files import replacing


def _export(kind: str, output: Path | None) -> None:
    from coffeechat.portability.exporters import export_csv, export_json, export_vcard

    writers: dict[str, Callable[..., int | dict[str, int]]] = {
        "json": export_json,
        "csv": export_csv,
        "vcard": export_vcard,
    }
    write = writers[kind]
    _migrate()
    owner = _owner()
    target = "-" if output is None else str(output)
    to_file = target != "-"
    try:
        with ExitStack() as stack:
            if to_file:
                progress = stack.enter_context(progress_bar(f"Exporting to {target}"))
                # Private, and replacing `output` only once complete.
                temp = stack.enter_context(replacing(target))
                stream: IO[bytes] = stack.enter_context(open(temp, "wb"))
            else:
                progress, stream = None, stack.enter_context(click.open_file("-", "wb"))
            written = write(owner=owner, stream=stream, progress=progress)
    except OSError as error:
        where = output if to_file else "standard output"
        raise click.ClickException(f"Cannot write {where}: {error.strerror or error}.") from None
    if not to_file:
        return
    if isinstance(written, dict):
        click.echo(
            f"Wrote everything you keep in coffeechat to {output} "
            f"({_count(written['contacts'], 'contact')}, "
            f"{_count(written['conversations'], 'conversation')}, "
            f"{_count(written['messages'], 'message')}).",
            err=True,
        )
    else:
        click.echo(f"Wrote {_count(written, 'contact')} to {output}.", err=True)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@export.command("json")
@OUTPUT
def export_json_command(output: Path | None) -> None:
    """Everything you keep, as JSON (no secrets).

    The format is described in docs/export-format.md; `coffeechat restore FILE` reads it back.
    """
    _export("json", output)


@export.command("csv")
@OUTPUT
def export_csv_command(output: Path | None) -> None:
    """Your contacts as CSV, for a spreadsheet.

    One row a person, UTF-8 with a byte-order mark; no cell can run as a formula.
    """
    _export("csv", output)


@export.command("vcard")
@OUTPUT
def export_vcard_command(output: Path | None) -> None:
    """Your contacts as vCard 4.0, for an address book."""
    _export("vcard", output)


@main.command("backup")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it already exists.")
@_user_errors
def backup_command(file: Path, force: bool) -> None:
    """Back up the whole database to FILE (readable by you only).

    The copy is consistent even while coffeechat is running. On SQLite it is a SQLite
    database; on PostgreSQL it is every user's JSON export. Sessions are left out, so
    restoring it logs everyone out.
    """
    from coffeechat.portability.backup import backup

    _migrate()
    with progress_bar(f"Backing up to {file}") as progress:
        result = backup(path=file, force=force, progress=progress)
    what = "as a SQLite database" if result.kind == "sqlite" else "as JSON"
    click.echo(
        f"Backed up {_count(result.users, 'user')} and {_count(result.contacts, 'contact')} "
        f"to {file} {what}."
    )


@main.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace the data already in the database.")
@_user_errors
def restore_command(file: Path, force: bool) -> None:
    """Restore a backup or an export from FILE.

    FILE is a backup made by `coffeechat backup` or a `coffeechat export json` file. All or
    nothing: on any error nothing changes. Data already there is only replaced with --force.
    """
    from coffeechat.portability.backup import restore

    _migrate()
    with progress_bar(f"Restoring {file}") as progress:
        result = restore(path=file, force=force, progress=progress)
    click.echo(
        f"Restored {_count(result.users, 'user')} and {_count(result.contacts, 'contact')} "
        f"from {file}."
    )
