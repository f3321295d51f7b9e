"""`coffeechat contacts …`"""

import json
from typing import TYPE_CHECKING, Any

import click

from coffeechat.cli import _migrate, _owner, _user_errors, check_option, main, print_table

if TYPE_CHECKING:
    from coffeechat.contacts.models import Contact

# The service's fields, by the argument or option they come from.
ADD_OPTIONS = {
    "name": "NAME",
    "first_name": "NAME",
    "last_name": "NAME",
    "organization_name": "--org",
    "title": "--title",
    "email": "--email",
    "source": "--source",
    "linkedin_url": "--linkedin",
    "met_at": "--met-at",
    "met_on": "--met-on",
}


@main.group()
def contacts() -> None:
    """Add and list the people in your network."""


SOURCE_HELP = "How you know them: friend_family, alumni, former_colleague, co_worker, community, conference, event, association, linkedin, referral or cold."


@contacts.command("add")
@click.argument("name")
@click.option("--org", default="", help="Their organisation (created if new).")
@click.option("--title", default="", help="Their job title.")
@click.option("--email", default="", help="Their e-mail address.")
@click.option("--source", default="cold", help=SOURCE_HELP)
@click.option("--linkedin", default="", help="Their LinkedIn profile URL.")
@click.option("--met-at", default="", help="Where you met them, as you would say it to them.")
@click.option(
    "--met-on",
    default="",
    help="The day you met them, YYYY-MM-DD; with --source event, Today reminds you to follow up.",
)
@_user_errors(options=ADD_OPTIONS)
def contacts_add(
    name: str,
    org: str,
    title: str,
    email: str,
    source: str,
    linkedin: str,
    met_at: str,
    met_on: str,
) -> None:
    """Add a person to your network."""
    from coffeechat.contacts.models import Source
    from coffeechat.contacts.services import contact_create, coworker_warning
    from coffeechat.lib.forms import DateField

    if source not in Source.values:
        raise click.ClickException(
            f"--source: “{source[:40]}” is not a source; use one of {', '.join(Source.values)}."
        )
    day = check_option("--met-on", met_on, DateField(required=False).clean)
    _migrate()
    owner = _owner()
    contact = contact_create(
        owner=owner,
        name=name,
        organization_name=org,
        title=title,
        email=email,
        source=source,
        linkedin_url=linkedin,
        met_at=met_at,
        met_on=day,
    )
    warning = coworker_warning(
        owner=owner, organization=contact.organization, source=contact.source
    )
    if warning:
        click.echo(f"Caution: {warning}", err=True)
    at = f" at {contact.organization}" if contact.organization else ""
    click.echo(f"Added {contact.name}{at}.")


@contacts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--search", "query", default="", help="Only people matching these words.")
@click.option("--mentors", is_flag=True, help="Only the people you marked as mentors.")
@_user_errors
def contacts_list(as_json: bool, query: str, mentors: bool) -> None:
    """List the people in your network."""
    from coffeechat.contacts.selectors import contact_list
    from coffeechat.lib.validation import SEARCH_LIMIT, check_line

    query = check_option("--search", query, lambda value: check_line(value, limit=SEARCH_LIMIT))
    _migrate()
    people = list(contact_list(owner=_owner(), query=query, mentor=mentors))
    if as_json:
        rows = [_contact_json(c) for c in people]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not people and query:
        click.echo(f"Nobody matches “{query}”. Try part of a name, an organisation or a title.")
        return
    if not people and mentors:
        click.echo("Nobody is marked as a mentor yet. Tick “A mentor to me” on their page.")
        return
    if not people:
        click.echo("No contacts yet. Add one with: coffeechat contacts add NAME --org ORG")
        return
    # The table is for reading: sources and stages in words, not their keys (JSON keeps those).
    print_table(
        ["Name", "Organisation", "Title", "Source", "Stage", "Mentor"],
        [
            [
                c.name,
                c.organization.name if c.organization else "",
                c.title,
                c.get_source_display(),
                c.stage_label,
                "mentor" if c.is_mentor else "",
            ]
            for c in people
        ],
    )


def _contact_json(contact: "Contact") -> dict[str, Any]:
    return {
        "id": contact.pk,
        "name": contact.name,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "emails": contact.emails,
        "organization": contact.organization.name if contact.organization else "",
        "title": contact.title,
        "linkedin_url": contact.linkedin_url,
        "source": contact.source,
        # Annotated by contact_list, from the latest conversation.
        "stage": getattr(contact, "stage", ""),
        "phone": contact.phone,
        "tags": [t.name for t in contact.tags.all()],
        "priority": contact.get_priority_display().lower(),
        "do_not_contact": contact.do_not_contact,
        "is_mentor": contact.is_mentor,
    }
