"""`coffeechat login`: a fresh one-time link for the server already running."""

import click

from coffeechat.cli import main


@main.command()
def login() -> None:
    """Print a fresh one-time login link for the running local server."""
    from django.conf import settings

    from coffeechat.serve import login_link_for_running_server

    link = login_link_for_running_server()
    minutes = settings.LOGIN_LINK_MINUTES
    click.echo(f"Open this link to log in (it works once, for {minutes} minutes):\n")
    click.echo(f"    {link}")
