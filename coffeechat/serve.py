"""`coffeechat serve`: waitress on one address, a one-time login link, a clean stop."""

import errno
import json
import os
import signal
import socket
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import click
from django.conf import settings
from django.urls import reverse

THREADS = 4
WILDCARD_HOSTS = {"", "*", "0.0.0.0", "::"}


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def allowed_hosts_for(host: str) -> list[str]:
    """The Host headers a browser sends to reach a server bound to `host`.

    Anything else is refused, so a page on another site that resolves its own name to this
    address (DNS rebinding) cannot talk to coffeechat.
    """
    if host == "127.0.0.1":
        return ["127.0.0.1", "localhost"]
    if host == "::1":
        return ["[::1]", "localhost"]
    if host == "localhost":
        return ["localhost", "127.0.0.1", "[::1]"]
    return [url_host(host)]


def _allowed_hosts(host: str) -> list[str]:
    named = os.environ.get("COFFEECHAT_ALLOWED_HOSTS", "").strip()
    if host in WILDCARD_HOSTS:
        if not named:
            raise click.ClickException(
                f"Listening on {host or 'every address'} makes coffeechat reachable from other "
                "machines: set COFFEECHAT_ALLOWED_HOSTS to the host names they will use."
            )
        return list(settings.ALLOWED_HOSTS)
    if settings.MULTIUSER and named:
        # Behind a reverse proxy the public names are not the address bound here.
        return list(settings.ALLOWED_HOSTS)
    return allowed_hosts_for(host)


def _bind(app, host: str, port: int):
    from waitress import create_server

    try:
        return create_server(app, host=host, port=port, threads=THREADS)
    except ValueError:
        raise click.ClickException(
            f"Cannot listen on “{host}”: it is not an address or host name of this machine."
        ) from None
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"Port {port} on {host} is already in use: stop the other program or choose "
                "another port with --port."
            ) from None
        raise click.ClickException(
            f"Cannot listen on {host} port {port}: {error.strerror or error}."
        ) from None


def _bound_port(server) -> int:
    # Several sockets when a host name resolves to both IPv4 and IPv6 addresses.
    listen = getattr(server, "effective_listen", None)
    return int(listen[0][1]) if listen else int(server.effective_port)


def _link_host(host: str, allowed: list[str]) -> str:
    if host not in WILDCARD_HOSTS:
        return url_host(host)
    concrete = [h for h in allowed if h != "*" and not h.startswith(".")]
    return concrete[0] if concrete else "127.0.0.1"


def run(*, host: str, port: int, open_browser: bool, demo: bool) -> None:
    from django.core.wsgi import get_wsgi_application

    if demo and settings.MULTIUSER:
        raise click.ClickException("--demo is for a local installation, not multi-user mode.")
    allowed = _allowed_hosts(host)
    settings.ALLOWED_HOSTS = allowed
    if host in WILDCARD_HOSTS:
        click.echo(
            f"Warning: listening on every network interface; accepting Host {', '.join(allowed)}.",
            err=True,
        )
    server = _bind(get_wsgi_application(), host, port)
    # SIGTERM (a service manager, `kill`) stops as cleanly as Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        base = f"http://{_link_host(host, allowed)}:{_bound_port(server)}"
        with _running(base):
            _announce(base=base, open_browser=open_browser, demo=demo)
            server.run()  # returns once waitress has stopped its threads on Ctrl-C
    except KeyboardInterrupt:
        pass
    click.echo("Stopped.")


def _server_file() -> Path:
    return Path(settings.HOME) / "server.json"


@contextmanager
def _running(base: str) -> Iterator[None]:
    """Leaves the server's address in the data directory while it runs, so that
    `coffeechat login` can print a link to it."""
    path = _server_file()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump({"url": base, "pid": os.getpid()}, out)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def running_server_url() -> str | None:
    """The address of the coffeechat server running on this data directory, if one answers."""
    try:
        found = json.loads(_server_file().read_text())
        url, pid = str(found["url"]), int(found["pid"])
        os.kill(pid, 0)  # raises when no such process is left
        parts = urlsplit(url)
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return url


def login_link_for_running_server() -> str:
    """A fresh one-time login link to the running local server; ClickException without one."""
    if settings.MULTIUSER:
        raise click.ClickException(
            "In multi-user mode each person logs in with their own account on the login page."
        )
    base = running_server_url()
    if base is None:
        raise click.ClickException(
            "coffeechat is not running on this data directory: start it with `coffeechat serve`."
        )
    from coffeechat.accounts.services import local_user_get_or_create, login_link_create

    token = login_link_create(owner=local_user_get_or_create())
    return base + reverse("accounts:login_link", kwargs={"token": token})


def _announce(*, base: str, open_browser: bool, demo: bool) -> None:
    if settings.MULTIUSER:
        click.echo(f"coffeechat is running at {base}/")
        click.echo(f"Log in at {base}{reverse('accounts:login')}")
        click.echo("Press Ctrl-C to stop.")
        return

    from coffeechat.accounts.services import local_user_get_or_create, login_link_create

    owner = local_user_get_or_create()
    if demo:
        from coffeechat.demo import demo_load, demo_needed

        if demo_needed(owner=owner):
            summary = demo_load(owner=owner)
            counts = ", ".join(f"{count} {name}" for name, count in summary.items())
            click.echo(f"Loaded the demo network: {counts}.")
    token = login_link_create(owner=owner)
    link = base + reverse("accounts:login_link", kwargs={"token": token})
    minutes = settings.LOGIN_LINK_MINUTES
    click.echo(f"coffeechat is running at {base}/\n")
    click.echo(f"Open this link to log in (it works once, for {minutes} minutes):\n")
    click.echo(f"    {link}\n")
    click.echo("Press Ctrl-C to stop.")
    if open_browser:
        webbrowser.open(link)
