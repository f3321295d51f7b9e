"""Screenshots of the key pages, taken from the demo network: `.venv/bin/python docs/screenshots.py`.

Starts coffeechat on a throw-away data directory with the demo network, signs in with a one-time
link and captures Today, Upcoming, a person, the conversations by stage, a conversation,
choosing a template, a draft and a prep sheet at 1280 px in the light and the dark theme and at
390 px (a phone) into docs/screenshots/, and the Today page for the README as
docs/screenshot.png. Needs Chromium (`apt-get install chromium`, or COFFEECHAT_CHROMIUM) and the
dev dependencies (Playwright).
"""

import argparse
import logging
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

DOCS = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("COFFEECHAT_CHROMIUM", "/usr/bin/chromium")
# (file name, width, colour scheme)
VIEWS = [("1280-light", 1280, "light"), ("1280-dark", 1280, "dark"), ("390", 390, "light")]


def start_demo_server(home: str) -> tuple[str, str]:
    """Migrate a fresh database in `home`, load the demo network, serve it on a free port.

    Returns the server's base URL and a one-time login path.
    """
    os.environ["COFFEECHAT_HOME"] = home
    os.environ.pop("COFFEECHAT_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from waitress import create_server

    from coffeechat.accounts.services import local_user_get_or_create, login_link_create
    from coffeechat.demo import demo_load

    call_command("migrate", verbosity=0)
    owner = local_user_get_or_create()
    demo_load(owner=owner)
    # Waitress warns when requests queue up behind its threads; for screenshots that is noise.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = create_server(get_wsgi_application(), host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    port = server.effective_port
    return f"http://127.0.0.1:{port}", f"/accounts/login/{login_link_create(owner=owner)}/"


def key_pages() -> dict[str, str]:
    """The pages a person opens every day, on the demo network's people."""
    from django.urls import reverse

    from coffeechat.contacts.models import Contact
    from coffeechat.conversations.models import Conversation
    from coffeechat.outreach.models import Message

    sofia = Contact.objects.get(name="Sofia Marchetti")
    oliver = Conversation.objects.get(contact__name="Oliver Brennan")
    draft = Message.objects.filter(contact__name="Jonah Feld", sent_at__isnull=True).first()
    pages = {
        "today": "/",
        "upcoming": reverse("agenda:upcoming"),
        "person": reverse("contacts:contact_detail", kwargs={"contact_pk": sofia.pk}),
        "conversations": reverse("conversations:board"),
        "conversation": reverse(
            "conversations:conversation_detail",
            kwargs={"conversation_pk": Conversation.objects.get(contact=sofia).pk},
        ),
        "compose": reverse(
            "outreach:compose",
            kwargs={"contact_pk": Contact.objects.get(name="Leila Nasser").pk},
        ),
        "prep-sheet": reverse("conversations:prep_sheet", kwargs={"conversation_pk": oliver.pk}),
    }
    if draft is not None:
        pages["draft"] = reverse("outreach:message_edit", kwargs={"message_pk": draft.pk})
    return pages


def capture(
    base: str, login: str, pages: dict[str, str], out: Path, readme: Path | None
) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        # The login link works once: sign in once and share the session cookie.
        signing_in = browser.new_context()
        signing_in.new_page().goto(base + login)
        session = signing_in.storage_state()
        signing_in.close()
        for suffix, width, scheme in VIEWS:
            context = browser.new_context(
                viewport={"width": width, "height": 900 if width > 600 else 844},
                color_scheme=scheme,
                storage_state=session,
            )
            page = context.new_page()
            for name, path in pages.items():
                page.goto(base + path)
                target = out / f"{name}-{suffix}.png"
                page.screenshot(path=str(target), full_page=True)
                taken.append(target)
                if readme and name == "today" and suffix == "1280-light":
                    # The README shows the first screen, as a person sees it on opening.
                    page.screenshot(path=str(readme))
            context.close()
        browser.close()
    return taken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS / "screenshots", help="where to write")
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        print(f"No Chromium at {CHROMIUM}: apt-get install chromium.", file=sys.stderr)
        return 1
    home = tempfile.mkdtemp(prefix="coffeechat-screenshots-")
    try:
        base, login = start_demo_server(home)
        readme = DOCS / "screenshot.png" if args.out == DOCS / "screenshots" else None
        taken = capture(base, login, key_pages(), args.out, readme)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"{len(taken)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
