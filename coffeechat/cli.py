"""The `coffeechat` command. It parses arguments, calls services and selectors, and prints.

Exit codes: 0 success, 1 a user error (one line on stderr), 2 a usage error.
"""

import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _owner():
    from coffeechat.accounts.services import local_user_get_or_create

    return local_user_get_or_create()


def _user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turns a ValidationError from a service into a one-line message and exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from django.core.exceptions import ValidationError

        try:
            return func(*args, **kwargs)
        except ValidationError as error:
            raise click.ClickException(_one_line(error)) from None

    return wrapper


def _one_line(error) -> str:
    if hasattr(error, "error_dict"):
        parts = []
        for field, errors in error.message_dict.items():
            label = "" if field == "__all__" else f"{field.replace('_', ' ')}: "
            parts.append(label + " ".join(errors))
        return "; ".join(parts)
    return " ".join(error.messages)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="coffeechat")
def main() -> None:
    """coffeechat: find people, ask for 15–30 minutes, and keep every follow-up on time."""
    _setup_django()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--no-browser", is_flag=True, help="Print the login link but do not open it.")
@click.option("--demo", is_flag=True, help="Load the demo network first if the database is empty.")
def serve(host: str, port: int, no_browser: bool, demo: bool) -> None:
    """Start coffeechat and open it in your browser with a one-time login link."""
    from coffeechat.serve import run

    _migrate()
    run(host=host, port=port, open_browser=not no_browser, demo=demo)


@main.command()
@_user_errors
def demo() -> None:
    """Load a realistic sample network into the current data directory."""
    from coffeechat.demo import demo_load

    _migrate()
    summary = demo_load(owner=_owner())
    click.echo(
        "Loaded the demo network: "
        + ", ".join(f"{count} {name}" for name, count in summary.items())
        + "."
    )


@main.group()
def contacts() -> None:
    """Add and list the people in your network."""


SOURCE_HELP = "How you know them: friend_family, alumni, former_colleague, co_worker, community, conference, association, linkedin, referral or cold."


@contacts.command("add")
@click.argument("name")
@click.option("--org", default="", help="Their organisation (created if new).")
@click.option("--title", default="", help="Their job title.")
@click.option("--email", default="", help="Their e-mail address.")
@click.option("--source", default="cold", help=SOURCE_HELP)
@click.option("--linkedin", default="", help="Their LinkedIn profile URL.")
@_user_errors
def contacts_add(name: str, org: str, title: str, email: str, source: str, linkedin: str) -> None:
    """Add a person to your network."""
    from coffeechat.contacts.models import Source
    from coffeechat.contacts.services import contact_create, coworker_warning

    if source not in Source.values:
        raise click.BadParameter(
            f"“{source}” is not a source; use one of {', '.join(Source.values)}.",
            param_hint="--source",
        )
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
    )
    warning = coworker_warning(owner=owner, organization=contact.organization)
    if warning:
        click.echo(f"Caution: {warning}", err=True)
    at = f" at {contact.organization}" if contact.organization else ""
    click.echo(f"Added {contact.name}{at}.")


@contacts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--search", "query", default="", help="Only people matching these words.")
def contacts_list(as_json: bool, query: str) -> None:
    """List the people in your network."""
    from coffeechat.contacts.selectors import contact_list

    _migrate()
    people = contact_list(owner=_owner(), query=query)
    rows = [_contact_json(c) for c in people]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("No contacts yet. Add one with: coffeechat contacts add NAME --org ORG")
        return
    _print_table(
        ["Name", "Organisation", "Title", "Source", "Stage"],
        [[r["name"], r["organization"], r["title"], r["source"], r["stage"]] for r in rows],
    )


def _contact_json(contact) -> dict[str, Any]:
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
        "stage": contact.stage,
        "phone": contact.phone,
        "tags": [t.name for t in contact.tags.all()],
        "priority": contact.get_priority_display().lower(),
        "do_not_contact": contact.do_not_contact,
    }


def _print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=False)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    click.echo(line.format(*headers).rstrip())
    for row in rows:
        click.echo(line.format(*row).rstrip())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
