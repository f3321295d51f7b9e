"""The daily digest: the agenda as an e-mail, plain text with an HTML alternative.

In local mode it goes to the single local user (their address, else COFFEECHAT_FROM_EMAIL:
the user writes to themselves); in multi-user mode to everyone who turned it on and has an
address. A day with nothing overdue and nothing due sends nothing.
"""

import logging
import smtplib
import textwrap
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.utils import formataddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from coffeechat.accounts.services import local_user_get_or_create
from coffeechat.agenda.items import GROUP_HEADINGS
from coffeechat.agenda.rules import (
    KEEP_IN_TOUCH_AT_ONCE,
    Agenda,
    AgendaItem,
    agenda,
    day_text,
    start_of_day,
    when_text,
)
from coffeechat.lib.owned import Owner
from coffeechat.outreach.delivery import PLACEHOLDER_FROM, DeliveryError, smtp_configured

logger = logging.getLogger(__name__)

WIDTH = 72
# An e-mail names the first items of each group and counts the rest: ten are as many as
# anyone acts on in a day, and the Today page shows them the same way.
DIGEST_LIMIT = 10


# The last second of a day, when a deadline falls at the end of one.
LAST_SECOND = time(23, 59, 59)


def due_text(item: AgendaItem, *, now: datetime, tz: ZoneInfo) -> str:
    """When an item is due, in words and in the user's zone: "Due yesterday at 15:00"; an item
    due on a day rather than at a time says only the day. One due on an earlier day and not
    late yet says when it is due by: "Due by today at 15:00", "Due by Monday 21 December".
    One due in the last second of a day (the week's goal, by Sunday night) is due by the end
    of that day: "Due by the end of Sunday 13 December", not "at 23:59"."""
    if item.due_at.astimezone(tz).time() == LAST_SECOND:
        day = day_text(item.due_at, now=now, tz=tz).removeprefix("on ")
        return f"Due by the end of {day}"
    if (
        item.overdue_at is not None
        and item.overdue_at > now
        and item.due_at < start_of_day(now, tz)
    ):
        words = _moment_words(item.overdue_at, now=now, tz=tz, end_of_day=True)
        return f"Due by {words.removeprefix('on ')}"
    return f"Due {_moment_words(item.due_at, now=now, tz=tz)}"


def _moment_words(moment: datetime, *, now: datetime, tz: ZoneInfo, end_of_day=False) -> str:
    """A moment in words; a midnight names its day (or, with `end_of_day`, the day before,
    since a deadline at midnight is the end of that day)."""
    if moment.astimezone(tz).time() != time(0):
        return when_text(moment, now=now, tz=tz)
    if end_of_day:
        moment = moment - timedelta(hours=12)
    return day_text(moment, now=now, tz=tz)


@dataclass(frozen=True)
class Row:
    item: AgendaItem
    group: str
    when: str
    # The due time in the user's zone, for a <time datetime="…"> attribute.
    due_iso: str


def agenda_row(item: AgendaItem, group: str, *, now: datetime, tz: ZoneInfo) -> Row:
    return Row(item, group, due_text(item, now=now, tz=tz), item.due_at.astimezone(tz).isoformat())


@dataclass(frozen=True)
class Group:
    name: str
    heading: str
    # How many items the group has; `rows` may hold only the first of them.
    count: int
    rows: tuple[Row, ...]


def agenda_groups(current: Agenda, limit: int | None = None) -> list[Group]:
    """The agenda's groups, each item with its due time in words; with `limit`, only the
    first `limit` items of each group."""
    tz, now = ZoneInfo(current.time_zone), current.generated_at
    return [
        Group(
            name=name,
            heading=GROUP_HEADINGS[name],
            count=len(items),
            rows=tuple(agenda_row(item, name, now=now, tz=tz) for item in items[:limit]),
        )
        for name, items in current.groups()
    ]


def more_text(current: Agenda) -> str:
    """What the agenda holds back to show a few at a time, in words; "" when nothing."""
    waiting = current.more.get("keep_in_touch", 0)
    if not waiting:
        return ""
    people = "person is" if waiting == 1 else "people are"
    return (
        f"{waiting} more {people} due a note to keep in touch. They come up here "
        f"{KEEP_IN_TOUCH_AT_ONCE} at a time, the most important and longest waiting first, "
        "as you write to, snooze or dismiss these."
    )


def digest_subject(current: Agenda) -> str:
    counts = current.counts
    parts = [f"{counts['overdue']} overdue"] if counts["overdue"] else []
    if counts["today"]:
        parts.append(f"{counts['today']} for today")
    return "coffeechat — " + (", ".join(parts) if parts else "nothing due today")


def digest_due(current: Agenda) -> bool:
    return bool(current.overdue or current.today)


def _link(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}{path}" if base_url else ""


def _context(current: Agenda, base_url: str) -> dict:
    tz = ZoneInfo(current.time_zone)
    local = current.generated_at.astimezone(tz)
    groups = [group for group in agenda_groups(current, DIGEST_LIMIT) if group.rows]
    return {
        "subject": digest_subject(current),
        "day": f"{local:%A} {local.day} {local:%B}",
        "groups": [
            {
                "heading": group.heading,
                "count": group.count,
                "more": max(group.count - DIGEST_LIMIT, 0),
                "rows": [
                    {
                        "title": row.item.title,
                        "when": row.when,
                        "reason": row.item.reason,
                        "action_label": row.item.action_label,
                        "action_link": _link(base_url, row.item.action_url),
                    }
                    for row in group.rows
                ],
            }
            for group in groups
        ],
        "more_text": more_text(current),
        "home_link": _link(base_url, "/"),
        "settings_link": _link(base_url, reverse("agenda:feed_settings")),
        "multiuser": settings.MULTIUSER,
    }


def digest_text(current: Agenda, *, base_url: str = "") -> str:
    context = _context(current, base_url)
    counts = current.counts
    lines = textwrap.wrap(
        f"Your coffeechat agenda for {context['day']}: {counts['overdue']} overdue, "
        f"{counts['today']} for today, {counts['upcoming']} in the next 7 days.",
        WIDTH,
    )
    if not context["groups"]:
        lines += ["", "Nothing is due in the next 7 days."]
    for group in context["groups"]:
        lines += ["", f"{group['heading'].upper()} ({group['count']})"]
        for row in group["rows"]:
            lines += ["", *textwrap.wrap(row["title"], WIDTH, initial_indent="* ")]
            for paragraph in (row["when"] + ".", row["reason"]):
                lines += textwrap.wrap(
                    paragraph, WIDTH, initial_indent="  ", subsequent_indent="  "
                )
            if row["action_link"]:
                lines.append(f"  {row['action_label']}: {row['action_link']}")
        if group["more"]:
            lines += ["", f"… and {group['more']} more."]
    if context["more_text"]:
        lines += ["", *textwrap.wrap(context["more_text"], WIDTH)]
    lines += ["", "-- "]
    if context["home_link"]:
        lines.append(f"Open coffeechat: {context['home_link']}")
    if context["multiuser"]:
        lines.append(
            "You asked for this daily e-mail; turn it off on the “Calendar feed and daily "
            "digest” page."
        )
        if context["settings_link"]:
            lines.append(context["settings_link"])
    else:
        lines.append("Sent by coffeechat's daily digest.")
    return "\n".join(lines) + "\n"


def digest_recipient(owner: Owner) -> str:
    """The address the owner's digest goes to, or "" when there is none."""
    address = getattr(owner, "email", "") or ""
    if not address and not settings.MULTIUSER and settings.DEFAULT_FROM_EMAIL != PLACEHOLDER_FROM:
        address = settings.DEFAULT_FROM_EMAIL
    return address


def _message(
    owner: Owner, current: Agenda, *, base_url: str, connection=None
) -> EmailMultiAlternatives:
    recipient = digest_recipient(owner)
    message = EmailMultiAlternatives(
        subject=digest_subject(current),
        body=digest_text(current, base_url=base_url),
        from_email=formataddr(("coffeechat", settings.DEFAULT_FROM_EMAIL)),
        to=[recipient] if recipient else [],
        # RFC 3834: an automatic message, so out-of-office replies leave it alone.
        headers={"Auto-Submitted": "auto-generated"},
        connection=connection,
    )
    html = render_to_string("agenda/digest.html", _context(current, base_url))
    message.attach_alternative(html, "text/html")
    return message


def digest_message(*, owner: Owner, now: datetime, base_url: str = "") -> EmailMultiAlternatives:
    """The owner's digest; `base_url` ("https://host") makes its links absolute, and without
    it the digest names each action without linking to it."""
    return _message(owner, agenda(owner=owner, now=now), base_url=base_url)


def digest_recipients():
    """Who gets a digest: everyone who turned it on, or the local user."""
    if not settings.MULTIUSER:
        return [local_user_get_or_create()]
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__digest_opt_in=True)
        .exclude(email="")
        .order_by("pk")
    )


def digest_send_all(*, now: datetime, base_url: str = "") -> int:
    """Sends today's digests over SMTP; returns how many went.

    A recipient the server refuses is logged and skipped; a server that cannot be reached or
    refuses the login stops the run with a DeliveryError.
    """
    if not smtp_configured():
        raise DeliveryError(
            "Sending is not set up: set COFFEECHAT_SMTP_HOST and COFFEECHAT_FROM_EMAIL."
        )
    owners = list(digest_recipients())
    if not settings.MULTIUSER and not digest_recipient(owners[0]):
        raise ValidationError("No address to send the digest to: set COFFEECHAT_FROM_EMAIL.")
    connection = get_connection(timeout=20)
    try:
        connection.open()
    except smtplib.SMTPAuthenticationError:
        raise DeliveryError(
            "The mail server refused the user name or password (COFFEECHAT_SMTP_USER / "
            "COFFEECHAT_SMTP_PASSWORD)."
        ) from None
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(
            f"Could not reach the mail server {settings.EMAIL_HOST}:{settings.EMAIL_PORT} "
            f"({getattr(error, 'strerror', None) or error})."
        ) from None
    sent = 0
    try:
        for owner in owners:
            current = agenda(owner=owner, now=now)
            if not digest_due(current):
                continue
            message = _message(owner, current, base_url=base_url, connection=connection)
            try:
                sent += message.send()
            except smtplib.SMTPRecipientsRefused:
                if not settings.MULTIUSER:
                    raise DeliveryError(
                        f"The mail server refused the address {message.to[0]}."
                    ) from None
                logger.warning("The mail server refused the digest to %s.", message.to[0])
            except (smtplib.SMTPException, OSError) as error:
                raise DeliveryError(
                    f"The mail server stopped the digests after {sent} sent: {error}."
                ) from None
    finally:
        connection.close()
    return sent
