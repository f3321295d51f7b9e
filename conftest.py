"""Plain fixtures for the whole suite, and the choice of database.

`pytest` runs on SQLite (a file in a throw-away data directory); `pytest --postgres` runs the
same tests on PostgreSQL. Without a reachable PostgreSQL the second run skips, with the reason,
unless CI=true, where it fails.
"""

import os
import shutil
import socket
import tempfile
from urllib.parse import urlsplit

import pytest

DEFAULT_TEST_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
_postgres_unreachable: str | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgres",
        action="store_true",
        help=f"run on PostgreSQL ($COFFEECHAT_TEST_POSTGRES_URL, default {DEFAULT_TEST_POSTGRES})",
    )


def _reachable(url: str) -> str | None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as error:
        return f"no PostgreSQL server at {host}:{port} ({error.strerror or error})"
    return None


def pytest_configure(config: pytest.Config) -> None:
    global _postgres_unreachable
    home = tempfile.mkdtemp(prefix="coffeechat-test-")
    config._coffeechat_home = home  # type: ignore[attr-defined]
    os.environ["COFFEECHAT_HOME"] = home
    os.environ.pop("COFFEECHAT_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    if config.getoption("--postgres"):
        url = os.environ.get("COFFEECHAT_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES)
        _postgres_unreachable = _reachable(url)
        if _postgres_unreachable and os.environ.get("CI", "").lower() == "true":
            raise pytest.UsageError(f"PostgreSQL is required in CI: {_postgres_unreachable}")
        os.environ["COFFEECHAT_DATABASE_URL"] = url

    from django.conf import settings

    settings.INSTALLED_APPS  # noqa: B018 - loads the settings so pytest-django sets Django up
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.WHITENOISE_AUTOREFRESH = True
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        # A file, not memory: WAL and the locking behaviour are part of what is tested.
        db.setdefault("TEST", {})["NAME"] = os.path.join(home, "test.sqlite3")


def pytest_unconfigure(config: pytest.Config) -> None:
    home = getattr(config, "_coffeechat_home", None)
    if home:
        shutil.rmtree(home, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _postgres_unreachable:
        skip = pytest.mark.skip(reason=f"PostgreSQL run skipped: {_postgres_unreachable}")
        for item in items:
            item.add_marker(skip)


@pytest.fixture
def alice(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("alice", "alice@example.com", "alice-password")


@pytest.fixture
def bob(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("bob", "bob@example.com", "bob-password")


@pytest.fixture
def organization(alice):
    from coffeechat.contacts.models import Organization

    return Organization.objects.create(owner=alice, name="Analytical Engines", industry="Computing")


@pytest.fixture
def contact(alice, organization):
    from coffeechat.contacts.models import Contact, Source

    return Contact.objects.create(
        owner=alice,
        name="Ada Lovelace",
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        organization=organization,
        title="Analyst",
        source=Source.ALUMNI,
    )


@pytest.fixture
def conversation(alice, contact):
    from coffeechat.conversations.models import Conversation

    return Conversation.objects.create(owner=alice, contact=contact)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


CHROMIUM = os.environ.get("COFFEECHAT_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright; skipped (or, in CI, failed) without it."""
    if not os.path.exists(CHROMIUM):
        message = (
            f"no Chromium at {CHROMIUM} (apt-get install chromium, or set COFFEECHAT_CHROMIUM)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _forget_vobject_time_zones():
    """vobject keeps every VTIMEZONE it parses in a process-wide registry keyed by TZID, so
    one test's calendar would decide how the next one's times are read."""
    import sys

    yield
    icalendar = sys.modules.get("vobject.icalendar")
    if icalendar is not None:
        getattr(icalendar, "__tzidMap").clear()


class _Inbox:
    """What a real SMTP server on 127.0.0.1 received, parsed as modern e-mail messages."""

    def __init__(self):
        self.received = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        self.envelopes.append(envelope)
        self.received.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd), and coffeechat configured to use it."""
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "alice@example.org"
    yield inbox
    controller.stop()
