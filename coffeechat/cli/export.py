"""`coffeechat export …`"""

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

from coffeechat.cli import _migrate, _owner, main
from coffeechat.lib.files import write_private

# The -o option of every command that writes a file or standard output.
OUTPUT = click.option(
    "-o",
    "--output",
    # Not checked by click: a file that cannot be written is a user error (exit 1), not usage.
    type=click.Path(path_type=Path),
    help="Write to this file instead of standard output.",
)


@contextmanager
def progress_bar(label: str, *, show: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A `progress(done, total)` for long work: a bar on standard error, drawn once the work
    says how long it is (never when `show` is false), closed when the block ends."""
    with ExitStack() as stack:
        bars: list[ProgressBar[int]] = []

        def update(done: int, total: int) -> None:
            if not show:
                return
            if not bars:
                bars.append(
                    stack.enter_context(
                        click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
                    )
                )
            bars[0].update(done - bars[0].pos)

        yield update


@main.group()
def export() -> None:
    """Write your data in a standard format, to standard output or a file (-o)."""


def write_output(data: bytes, output: Path | None) -> None:
    """`data` to the file `output`, or to standard output; a file that cannot be written is a
    one-line error (exit code 1), not a traceback."""
    if output is None:
        click.echo(data, nl=False)
        return
    try:
        write_private(output, data)
    except OSError as error:
        raise click.ClickException(f"Cannot write {output}: {error.strerror or error}.") from None


@export.command("ics")
@OUTPUT
def export_ics(output: Path | None) -> None:
    """Your upcoming conversations as an iCalendar file, to import into a calendar."""
    from coffeechat.conversations.ics import calendar, left_out
    from coffeechat.conversations.scheduling import out_of_range_message, upcoming_conversations
    from coffeechat.outreach.delivery import organizer

    _migrate()
    owner = _owner()
    conversations = list(upcoming_conversations(owner=owner))
    name, email = organizer(owner=owner)
    write_output(
        calendar(conversations=conversations, organizer_name=name, organizer_email=email),
        output,
    )
    skipped = left_out(conversations)
    for conversation in skipped:
        click.echo(f"Left out: {out_of_range_message(conversation)}", err=True)
    count = len(conversations) - len(skipped)
    if not count:
        click.echo("No upcoming conversations: the calendar is empty.", err=True)
    elif output is not None:
        noun = "conversation" if count == 1 else "conversations"
        click.echo(f"Wrote {count} upcoming {noun} to {output}.", err=True)
