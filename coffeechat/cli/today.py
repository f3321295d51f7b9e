"""`coffeechat today`: what is due, overdue first."""

import json
import shutil
import textwrap
from datetime import datetime
from typing import Any

import click

from coffeechat.cli import _migrate, _owner, main

EMPTY = (
    "Nothing is due in the next 7 days.\n"
    "Start by adding five people whose work you would like to hear about:\n"
    "  coffeechat contacts add NAME --org ORG\n"
    "then open coffeechat with `coffeechat serve` to write to them."
)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def today(as_json: bool) -> None:
    """What is due: overdue, today and the next 7 days."""
    from django.utils import timezone

    from coffeechat.agenda.digest import more_text
    from coffeechat.agenda.items import GROUP_HEADINGS
    from coffeechat.agenda.rules import agenda

    _migrate_if_needed()
    result = agenda(owner=_owner(), now=timezone.now())
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
        return
    if not result.items:
        click.echo(EMPTY)
        return
    rows = {
        group: [(_when(i.due_at, result), i.title, i.reason) for i in items]
        for group, items in result.groups()
        if items
    }
    layout = _Layout([row for group_rows in rows.values() for row in group_rows])
    click.echo(
        "\n\n".join(
            f"{GROUP_HEADINGS[group]} ({len(group_rows)})\n" + layout.render(group_rows)
            for group, group_rows in rows.items()
        )
    )
    if waiting := more_text(result):
        click.echo(
            "\n" + textwrap.fill(waiting, width=min(shutil.get_terminal_size().columns, 100))
        )


def _migrate_if_needed() -> None:
    """Migrates only when a migration on disk is not applied yet.

    Loading the migration graph to find that out costs a tenth of a second at every start;
    comparing file names with the applied list costs one query. Anything unexpected falls
    back to the full check.
    """
    import pkgutil
    from importlib import import_module

    from django.apps import apps
    from django.db import DatabaseError, connection
    from django.db.migrations.recorder import MigrationRecorder

    on_disk = set()
    for app in apps.get_app_configs():
        try:
            package = import_module(f"{app.name}.migrations")
        except ImportError:
            continue
        for module in pkgutil.iter_modules(package.__path__):
            if not module.ispkg and not module.name.startswith("_"):
                on_disk.add((app.label, module.name))
    try:
        applied = set(MigrationRecorder(connection).applied_migrations())
    except DatabaseError:
        applied = set()
    if not on_disk <= applied:
        _migrate()


def _when(moment: datetime, result: Any) -> str:
    """Short and in the user's zone: "today 15:00", "yesterday", "Tue 10 Jun 09:30"."""
    from zoneinfo import ZoneInfo

    from coffeechat.agenda.timing import RELATIVE_DAYS

    tz = ZoneInfo(result.time_zone)
    local, now = moment.astimezone(tz), result.generated_at.astimezone(tz)
    days = (local.date() - now.date()).days
    day = RELATIVE_DAYS.get(days)
    if day is None:
        day = f"{local:%a} {local.day} {local:%b}"
        if local.year != now.year:
            day += f" {local.year}"
    return day if (local.hour, local.minute) == (0, 0) else f"{day} {local:%H:%M}"


class _Layout:
    """Columns sized once for every group: when, what, then the reason wrapped in its own
    column to the width of the terminal."""

    def __init__(self, rows: list[tuple[str, str, str]]):
        self.when = max(len(r[0]) for r in rows)
        self.what = min(max(len(r[1]) for r in rows), 48)
        width = shutil.get_terminal_size((100, 24)).columns
        self.why = max(width - (2 + self.when + 2 + self.what + 2), 30)

    def render(self, rows: list[tuple[str, str, str]]) -> str:
        lines = []
        for when, what, why in rows:
            columns = [[when], textwrap.wrap(what, self.what), textwrap.wrap(why, self.why)]
            for n in range(max(len(c) for c in columns)):
                cells = [c[n] if n < len(c) else "" for c in columns]
                line = f"  {cells[0]:<{self.when}}  {cells[1]:<{self.what}}  {cells[2]}"
                lines.append(line.rstrip())
        return "\n".join(lines)


@main.command()
@click.option(
    "--days",
    type=click.IntRange(1, 366),
    default=90,
    show_default=True,
    help="How many days ahead, from today.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def upcoming(days: int, as_json: bool) -> None:
    """What comes up, week by week: booked calls, follow-ups and keep-in-touch dates."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from coffeechat.agenda.upcoming import upcoming as upcoming_list

    _migrate_if_needed()
    result = upcoming_list(owner=_owner(), now=timezone.now(), days=days)
    tz = ZoneInfo(result.time_zone)
    if as_json:
        entries = [
            {
                "on": entry.on.astimezone(tz).isoformat(),
                "by": entry.by,
                "snoozed": entry.snoozed,
                "kind": entry.kind,
                "title": entry.title,
                "key": entry.key,
                "url": entry.url,
                "contact": entry.contact and {"id": entry.contact.pk, "name": entry.contact.name},
            }
            for entry in result.entries
        ]
        more = {start.isoformat(): n for start, n in sorted(result.more.items())}
        payload = {
            "time_zone": result.time_zone,
            "days": days,
            "entries": entries,
            # People due a note beyond the few listed each week, by the week's Monday.
            "more_keep_in_touch": more,
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if not result.entries:
        click.echo(f"Nothing is booked or comes due in the next {days} days.")
        return
    weeks = result.weeks()
    rows = [
        (("by " if r.entry.by else "") + _when(r.entry.on, result), r.entry.title, r.entry.kind)
        for week in weeks
        for r in week.rows
    ]
    layout = _Layout(rows)
    blocks, start = [], 0
    for week in weeks:
        block = rows[start : start + len(week.rows)]
        start += len(week.rows)
        text = f"{week.heading} ({len(block) + week.more})\n" + layout.render(block)
        if week.more:
            people = "person is" if week.more == 1 else "people are"
            text += f"\n  … and {week.more} more {people} due a note this week."
        blocks.append(text)
    click.echo("\n\n".join(blocks))
