"""The Conversations page is one piece of markup: columns side by side on a wide screen, one
grouped list on a phone, with the stages to jump to at the top."""

import os

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _box(page, stage: str) -> dict:
    return page.locator(f"section[aria-labelledby='stage-{stage}']").bounding_box()


def test_columns_on_a_wide_screen_and_a_grouped_list_on_a_phone(live_server, browser):
    from coffeechat.accounts.services import local_user_get_or_create, login_link_create
    from coffeechat.contacts.models import Contact
    from coffeechat.conversations.models import Conversation, State

    owner = local_user_get_or_create()
    for name, state in (("Ada Lovelace", State.REQUESTED), ("Grace Hopper", State.HELD)):
        contact = Contact.objects.create(owner=owner, name=name)
        Conversation.objects.create(owner=owner, contact=contact, state=state)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/{login_link_create(owner=owner)}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Conversations").click()
    expect(page.get_by_role("heading", name="Conversations", exact=True)).to_be_visible()
    requested, held = _box(page, "requested"), _box(page, "held")
    assert requested["y"] == held["y"] and requested["x"] < held["x"]  # side by side
    expect(page.get_by_role("navigation", name="Stages")).to_be_hidden()

    page.set_viewport_size({"width": 390, "height": 844})
    requested, held = _box(page, "requested"), _box(page, "held")
    assert held["y"] >= requested["y"] + requested["height"]  # one under the other
    stages = page.get_by_role("navigation", name="Stages")
    expect(stages).to_be_visible()
    stages.get_by_role("link", name="Held 1").click()
    expect(page).to_have_url(f"{live_server.url}/conversations/#stage-held")
    page.get_by_role("link", name="Grace Hopper").click()
    expect(page.get_by_role("heading", name="Grace Hopper")).to_be_visible()
    context.close()
