"""`coffeechat conversations …`"""

import json
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from coffeechat.cli import _migrate, _owner, main, print_table

if TYPE_CHECKING:
    from coffeechat.conversations.models import Conversation


@main.group()
def conversations() -> None:
    """The informational interviews: requested, booked, held and thanked."""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _conversation_json(conversation: "Conversation") -> dict[str, Any]:
    contact = conversation.contact
    return {
        "id": conversation.pk,
        "contact": contact.name,
        "organization": contact.organization.name if contact.organization else "",
        "state": conversation.state,
        "requested_at": _iso(conversation.requested_at),
        "scheduled_for": _iso(conversation.scheduled_for),
        "time_zone": conversation.time_zone,
        "length_minutes": conversation.length_minutes,
        "format": conversation.format,
        "place": conversation.place,
        "held_at": _iso(conversation.held_at),
        "thanked_at": _iso(conversation.thanked_at),
    }


def _when(conversation: "Conversation") -> str:
    from coffeechat.conversations.scheduling import booking_in_range, zone_for

    if conversation.scheduled_for is None:
        return ""
    if not booking_in_range(conversation):
        # Its local time may not exist: shown as stored, so it can be found and booked again.
        stored = conversation.scheduled_for.isoformat(sep=" ", timespec="minutes")[:16]
        return f"{stored} UTC (out of range)"
    zone = zone_for(conversation.time_zone)
    return f"{conversation.scheduled_for.astimezone(zone):%Y-%m-%d %H:%M} {zone.key}"


@conversations.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts (times in UTC).")
@click.option(
    "--by-stage",
    is_flag=True,
    help="Group them by stage, with a count for each, as the Conversations page does.",
)
def conversations_list(as_json: bool, by_stage: bool) -> None:
    """List your conversations, newest first."""
    from coffeechat.conversations.selectors import conversation_list

    _migrate()
    if by_stage:
        _list_by_stage(as_json)
        return
    found = list(conversation_list(owner=_owner()))
    if as_json:
        rows = [_conversation_json(c) for c in found]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo(
            "No conversations yet. Write a request with: coffeechat draft NAME --template request"
        )
        return
    _print_conversations(found)


def _print_conversations(found: "Iterable[Conversation]") -> None:
    print_table(
        ["Contact", "Organisation", "State", "Booked for", "Minutes", "Format"],
        [
            [
                c.contact.name,
                c.contact.organization.name if c.contact.organization else "",
                c.get_state_display(),
                _when(c),
                str(c.length_minutes) if c.scheduled_for else "",
                c.get_format_display() if c.scheduled_for else "",
            ]
            for c in found
        ],
    )


def _list_by_stage(as_json: bool) -> None:
    # The stages, their words and their order are the page's: conversations.board.
    from coffeechat.conversations.board import conversation_board

    columns = conversation_board(owner=_owner(), limit=None)
    if as_json:
        rows = [
            {
                "stage": column.stage.key,
                "label": column.stage.label,
                "count": column.count,
                "conversations": [_conversation_json(c) for c in column.conversations],
            }
            for column in columns
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not any(column.count for column in columns):
        click.echo(
            "No conversations yet. Write a request with: coffeechat draft NAME --template request"
        )
        return
    for n, column in enumerate(columns):
        click.echo(("\n" if n else "") + f"{column.stage.label} ({column.count})")
        if column.conversations:
            _print_conversations(column.conversations)
