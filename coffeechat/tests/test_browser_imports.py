"""Choosing whom to import, in the browser: by person and by organisation, from the keyboard,
with the count following; then the imports page and its undo."""

import os
import re

import pytest
from playwright.sync_api import expect

from coffeechat.tests.test_browser_pages import COLOUR_RULES, PHONE, _overflow, _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CONNECTIONS = (
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    b"Ann,Lee,,,Loom,CTO,12 Mar 2024\n"
    b"Bo,Chan,,,Loom,CEO,12 Mar 2024\n"
    b"Cy,Diaz,,,Quill,Analyst,12 Mar 2024\n"
    b"Di,Eng,,,,Student,12 Mar 2024\n"
    b",,,press@quill.example,Quill,,12 Mar 2024\n"
    b",,,,,,12 Mar 2024\n"
)


def _preview(page, live_server, owner) -> None:
    from coffeechat.accounts.services import login_link_create

    page.goto(f"{live_server.url}/accounts/login/{login_link_create(owner=owner)}/")
    page.goto(f"{live_server.url}/portability/import/")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "Connections.csv", "mimeType": "text/csv", "buffer": CONNECTIONS}
    )
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="Import Connections.csv?")).to_be_visible()


def test_choosing_people_and_organisations_from_the_keyboard(live_server, browser):
    from coffeechat.accounts.services import local_user_get_or_create
    from coffeechat.contacts.models import Contact

    owner = local_user_get_or_create()
    from axe_playwright_python.base import AXE_FILE_PATH

    context = browser.new_context(viewport=PHONE)
    context.add_init_script(path=str(AXE_FILE_PATH))
    page = context.new_page()
    page.set_default_timeout(10_000)
    _preview(page, live_server, owner)
    count = page.locator("#chosen-count")
    expect(count).to_have_text("5 of 5 people chosen")
    expect(page.get_by_text("left out (line 7)")).to_be_visible()

    loom = page.get_by_role("checkbox", name="Loom", exact=True)
    loom.focus()
    page.keyboard.press("Space")
    expect(count).to_have_text("3 of 5 people chosen")
    expect(page.get_by_role("checkbox", name="Ann Lee")).not_to_be_checked()
    page.get_by_role("checkbox", name="Ann Lee").focus()
    page.keyboard.press("Space")
    expect(count).to_have_text("4 of 5 people chosen")
    assert loom.evaluate("box => box.indeterminate")

    page.get_by_role("button", name="Select none").click()
    expect(count).to_have_text("0 of 5 people chosen")
    page.get_by_role("button", name="Select all").click()
    expect(count).to_have_text("5 of 5 people chosen")
    page.get_by_role("checkbox", name="Cy Diaz").click()
    expect(count).to_have_text("4 of 5 people chosen")

    assert _overflow(page) <= 0
    assert not _violations(page)
    page.emulate_media(color_scheme="dark")
    assert not _violations(page, COLOUR_RULES)

    page.get_by_role("button", name="Import the chosen people").first.click()
    expect(page.get_by_role("heading", name="Your imports")).to_be_visible()
    expect(page.get_by_text(re.compile("Imported Connections.csv: 4 new"))).to_be_visible()
    names = sorted(Contact.objects.owned_by(owner).values_list("name", flat=True))
    assert names == ["Ann Lee", "Bo Chan", "Di Eng", "press@quill.example"]

    # Undo, after reading what it will do.
    page.get_by_role("link", name="Undo…").click()
    expect(page.get_by_text("Removes 4 people")).to_be_visible()
    page.get_by_role("button", name="Undo this import").click()
    expect(page.get_by_text(re.compile("Undid Connections.csv: removed 4 people"))).to_be_visible()
    assert not Contact.objects.owned_by(owner).exists()
    context.close()
