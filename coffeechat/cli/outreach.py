"""`coffeechat draft …`"""

from pathlib import Path

import click

from coffeechat.cli import _migrate, _owner, _user_errors, check_option, main
from coffeechat.lib.files import write_private


@main.command()
@click.argument("contact")
@click.option(
    "--template",
    "template",
    required=True,
    help="A kind (request, nudge, thank_you, …) or a template key such as request_linkedin.",
)
@click.option(
    "--eml",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the draft as an .eml file to open in a mail program.",
)
@_user_errors(options={"template": "--template"})
def draft(contact: str, template: str, eml: Path | None) -> None:
    """Write a draft to CONTACT (a name, part of one, or an id) from a template."""
    from coffeechat.contacts.selectors import contact_find
    from coffeechat.lib.validation import NAME_LIMIT, check_line, check_size
    from coffeechat.outreach.delivery import eml_bytes
    from coffeechat.outreach.services import message_draft_create, message_lint
    from coffeechat.outreach.templating import BUILTINS, templates_for

    template = check_option("--template", template, check_line)
    # Read no further than a name could be: a long argument is refused before any lookup.
    check_option("CONTACT", contact, lambda text: check_size(text, limit=NAME_LIMIT))
    _migrate()
    owner = _owner()
    person = check_option("CONTACT", contact, lambda text: contact_find(owner=owner, text=text))
    key = template if ":" in template else f"builtin:{template}" if template in BUILTINS else ""
    if not key:
        offered = templates_for(owner=owner, contact=person, kind=template)
        if not offered:
            raise click.ClickException(
                f"No template of kind “{template}” fits {person.name}. "
                f"Built-in keys: {', '.join(BUILTINS)}."
            )
        key = offered[0].key
    message = message_draft_create(owner=owner, contact=person, template_key=key)
    if message.subject:
        click.echo(f"Subject: {message.subject}\n")
    click.echo(message.body)
    for finding in message_lint(owner=owner, message=message):
        click.echo(f"{finding.severity} {finding.code}: {finding.message}", err=True)
    if eml:
        try:
            write_private(eml, eml_bytes(owner=owner, message=message))
        except OSError as error:
            raise click.ClickException(f"Cannot write {eml}: {error.strerror}.") from None
        click.echo(f"Wrote {eml}.", err=True)
    click.echo(f"Saved as a draft for {person.name}.", err=True)
