"""`coffeechat digest [--send]`: the daily digest, printed or sent."""

import click

from coffeechat.cli import _migrate, _owner, _user_errors, check_option, main


@main.command()
@click.option("--send", is_flag=True, help="Send it over SMTP instead of printing it.")
@click.option(
    "--base-url",
    envvar="COFFEECHAT_BASE_URL",
    default="",
    metavar="URL",
    help="Where coffeechat is reached (https://coffeechat.example), to link each item.",
)
@_user_errors
def digest(send: bool, base_url: str) -> None:
    """Today's digest: what is overdue, due today and in the next 7 days.

    With --send it goes by e-mail: in local mode to COFFEECHAT_FROM_EMAIL, in multi-user mode
    to everyone who turned the digest on. A day with nothing due sends nothing. Run it each
    morning from cron or a systemd timer.
    """
    from django.utils import timezone

    from coffeechat.agenda.digest import digest_message, digest_send_all

    base_url = check_option("--base-url", base_url, _checked_base_url)
    _migrate()
    now = timezone.now()
    if not send:
        click.echo(digest_message(owner=_owner(), now=now, base_url=base_url).body, nl=False)
        return
    sent = digest_send_all(now=now, base_url=base_url)
    if sent:
        click.echo(f"Sent {sent} digest{'' if sent == 1 else 's'}.")
    else:
        click.echo("No digest sent: nothing is overdue or due today.")


def _checked_base_url(value: str) -> str:
    """Empty, or an http(s) address on one line: it is written into every link of the mail."""
    from django.core.validators import URLValidator

    from coffeechat.lib.validation import check_line

    value = check_line(value.strip())
    if value:
        URLValidator(schemes=["http", "https"])(value)
    return value
