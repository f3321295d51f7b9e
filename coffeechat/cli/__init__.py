"""The `coffeechat` command. It parses arguments, calls services and selectors, and prints.

Exit codes: 0 success, 1 a user error (one line on stderr), 2 a usage error.
"""

import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, overload

import click

if TYPE_CHECKING:
    from coffeechat.lib.owned import Owner


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    import django
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    if not apps.ready:
        try:
            django.setup()
        except ImproperlyConfigured as error:
            # A COFFEECHAT_* variable with a wrong value: settings.py names it.
            raise click.ClickException(_first_line(error)) from None


def _connect() -> None:
    """Opens the database, or stops with one line saying which setting is wrong."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError, connection

    try:
        connection.ensure_connection()
    except (DatabaseError, ImproperlyConfigured) as error:
        if os.environ.get("COFFEECHAT_DATABASE_URL", "").strip():
            where = "COFFEECHAT_DATABASE_URL: cannot connect to the database"
        else:
            where = f"Cannot open the database {connection.settings_dict['NAME']}"
        raise click.ClickException(f"{where} ({_first_line(error).rstrip('.')}).") from None


def _migrate() -> None:
    from django.core.management import call_command

    _connect()
    call_command("migrate", interactive=False, verbosity=0)


def _owner() -> "Owner":
    from coffeechat.accounts.services import local_user_get_or_create

    return local_user_get_or_create()


_Command = TypeVar("_Command", bound=Callable[..., Any])


@overload
def _user_errors(func: _Command) -> _Command: ...


@overload
def _user_errors(
    func: None = None, *, options: dict[str, str] | None = None
) -> Callable[[_Command], _Command]: ...


def _user_errors(
    func: Callable[..., Any] | None = None, *, options: dict[str, str] | None = None
) -> Any:
    """Turns a ValidationError from a service into a one-line message and exit code 1.

    `options` maps a service's field names to the options and arguments they came from
    ({"organization_name": "--org"}), so the message names what the user typed.
    """
    if func is None:
        return lambda func: _user_errors(func, options=options)

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from django.core.exceptions import ValidationError

        try:
            return func(*args, **kwargs)
        except ValidationError as error:
            from coffeechat.lib.forms import error_text

            if options and hasattr(error, "error_dict"):
                error = ValidationError(
                    {
                        options.get(field, field): errors
                        for field, errors in error.error_dict.items()
                    }
                )
            raise click.ClickException(error_text(error)) from None

    return wrapper


def check_option(name: str, value: str, check: Callable[[str], Any]) -> Any:
    """`check(value)`, its ValidationError given the option's name: "--search: …"."""
    from django.core.exceptions import ValidationError

    try:
        return check(value)
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from None


class WholeNumber(click.ParamType):  # type: ignore[type-arg]
    """A whole number in ASCII digits within bounds (parse_int); click's INT also takes "٣".

    A mistake is a user error like any other: exit 1 and one line naming the option.
    """

    name = "integer"

    def __init__(self, minimum: int, maximum: int):
        self.minimum, self.maximum = minimum, maximum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        from django.core.exceptions import ValidationError

        from coffeechat.lib.validation import parse_int

        try:
            return parse_int(str(value), minimum=self.minimum, maximum=self.maximum)
        except ValidationError as error:
            name = param.opts[0] if param is not None and param.opts else "value"
            raise click.ClickException(f"{name}: {' '.join(error.messages)}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="coffeechat")
def main() -> None:
    """coffeechat: find people, ask for 15–30 minutes, and keep every follow-up on time."""
    _setup_django()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port", default=8000, show_default=True, type=WholeNumber(0, 65535), help="0 to 65535."
)
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


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=False)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    click.echo(line.format(*headers).rstrip())
    for row in rows:
        click.echo(line.format(*row).rstrip())


def _register_commands() -> None:
    # Command modules add themselves to `main`; imported last so they can import from here.
    from coffeechat.cli import (  # noqa: F401
        contacts,
        conversations,
        digest,
        export,
        imports,
        lint,
        login,
        outreach,
        portability,
        today,
    )


_register_commands()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
