"""`coffeechat draft …`"""

import json
from pathlib import Path

import click

from coffeechat.cli import _migrate, _owner, _user_errors, check_option, main
from coffeechat.lib.files import write_private


def _slot(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise click.ClickException(f"Give a slot as NAME=VALUE, e.g. takeaway=…, not “{text}”.")
    return name.strip(), value


@main.command()
@click.argument("contact")
@click.option(
    "--template",
    "template",
    required=True,
    help="A kind (request, nudge, reminder, thank_you, keep_in_touch, introduction…) or a "
    "template key such as request_linkedin or own:12.",
)
@click.option(
    "--channel",
    type=click.Choice(["email", "linkedin"]),
    help="E-mail or a LinkedIn message; by default e-mail when they have an address.",
)
@click.option(
    "--slot",
    "slots",
    multiple=True,
    metavar="NAME=VALUE",
    help="What you write for this message: takeaway, article_title, article_link, update, "
    "their_news, moved_by (me or them), introduce_to, introduce_why. Repeat for each.",
)
@click.option(
    "--eml",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the draft as an .eml file to open in a mail program.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the draft and its findings as JSON.")
@_user_errors(options={"template": "--template"})
def draft(
    contact: str,
    template: str,
    channel: str | None,
    slots: tuple[str, ...],
    eml: Path | None,
    as_json: bool,
) -> None:
    """Draft a message to CONTACT (a name, part of one, or an id) and keep it as a draft."""
    from django.db import transaction

    from coffeechat.contacts.selectors import contact_find
    from coffeechat.lib.validation import NAME_LIMIT, check_line, check_size
    from coffeechat.outreach.delivery import eml_bytes
    from coffeechat.outreach.drafting import message_draft, message_draft_save

    template = check_option("--template", template, check_line)
    # Read no further than a name could be: a long argument is refused before any lookup.
    check_option("CONTACT", contact, lambda text: check_size(text, limit=NAME_LIMIT))
    _migrate()
    owner = _owner()
    person = check_option("CONTACT", contact, lambda text: contact_find(owner=owner, text=text))
    written = message_draft(
        owner=owner,
        contact=person,
        template=template,
        channel=channel,
        slots=dict(_slot(text) for text in slots),
    )
    if eml and written.channel != "email":
        raise click.ClickException("An .eml file is for e-mail: leave out --eml for LinkedIn.")
    # The .eml is written inside the transaction: when it cannot be, no draft is kept either.
    with transaction.atomic():
        message = message_draft_save(owner=owner, draft=written)
        if eml:
            try:
                write_private(eml, eml_bytes(owner=owner, message=message))
            except OSError as error:
                raise click.ClickException(f"Cannot write {eml}: {error.strerror}.") from None
    if as_json:
        click.echo(json.dumps(written.as_json(), ensure_ascii=False, indent=2))
    else:
        if written.subject:
            click.echo(f"Subject: {written.subject}\n")
        click.echo(written.body)
        for finding in written.findings:
            click.echo(f"{finding.severity} {finding.code}: {finding.message}", err=True)
        for tip in written.tips:
            click.echo(f"Before you go: {tip}", err=True)
    for caution in written.cautions:
        click.echo(f"Caution: {caution}", err=True)
    if eml:
        click.echo(f"Wrote {eml}.", err=True)
    click.echo(f"Saved as a draft for {person.name}.", err=True)
