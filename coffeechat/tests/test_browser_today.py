"""The Today page of the demo network: snooze an item and undo it, then clear a thank-you."""

import os
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Playwright's sync API runs an event loop in this thread; Django's ORM is used between steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_it_snoozes_and_restores_an_item_then_clears_a_thank_you(live_server, page):
    from django.utils import timezone

    from coffeechat.accounts.services import local_user_get_or_create, login_link_create
    from coffeechat.agenda.models import AgendaMark
    from coffeechat.agenda.rules import agenda
    from coffeechat.conversations.models import Conversation, State
    from coffeechat.demo import demo_load

    owner = local_user_get_or_create()
    demo_load(owner=owner)
    counts = agenda(owner=owner, now=timezone.now()).counts

    page.goto(f"{live_server.url}/accounts/login/{login_link_create(owner=owner)}/")
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link").first).to_have_text(
        "Today"
    )
    for heading, count in (
        ("Overdue", counts["overdue"]),
        ("Today", counts["today"]),
        ("Next 7 days", counts["upcoming"]),
    ):
        expect(page.get_by_role("heading", name=f"{heading} {count}", exact=True)).to_be_visible()

    # Sofia's conversation was yesterday: her thank-you is due today.
    today = page.get_by_role("region", name=re.compile(r"^Today \d+$"))
    sofia = today.locator("li.agenda-item", has_text="Thank Sofia Marchetti")
    expect(sofia).to_contain_text("a thank-you within 24 hours is best")
    expect(sofia).to_contain_text("You talked yesterday at 15:00")

    # Snooze an overdue thank-you for a day; it gives way to a line with an undo.
    overdue = page.get_by_role("region", name=re.compile(r"^Overdue \d+$"))
    nadia = overdue.locator("li.agenda-item", has_text="Thank Nadia Haddad")
    # Snoozing waits behind the item's one quiet menu.
    nadia.locator("summary", has_text="Later").click()
    nadia.get_by_role("group", name="Snooze “Thank Nadia Haddad”").get_by_role(
        "button", name="1 day"
    ).click()
    expect(nadia).to_contain_text("Snoozed until")
    expect(nadia.get_by_role("heading", name="Thank Nadia Haddad")).to_have_count(0)
    expect(nadia.get_by_role("link", name="Write the thank-you")).to_have_count(0)
    expect(page.locator("#count-overdue")).to_have_text(str(counts["overdue"] - 1))
    assert AgendaMark.objects.filter(owner=owner, item_key__startswith="thank_you:").count() == 1

    nadia.get_by_role("button", name="Undo").click()
    expect(nadia.get_by_role("heading", name="Thank Nadia Haddad")).to_be_visible()
    expect(nadia.locator("summary", has_text="Later")).to_be_visible()
    expect(nadia.get_by_role("button", name="1 day")).to_be_hidden()
    expect(page.locator("#count-overdue")).to_have_text(str(counts["overdue"]))
    assert not AgendaMark.objects.filter(owner=owner).exists()
    page.reload()
    expect(overdue.get_by_role("heading", name="Thank Nadia Haddad")).to_be_visible()

    # Clear Sofia's thank-you by writing it and sending it.
    sofia.get_by_role("link", name="Write the thank-you").click()
    expect(page.get_by_role("heading", name="Conversation with Sofia Marchetti")).to_be_visible()
    thanks = page.get_by_role("region", name="Write the thank-you")
    thanks.get_by_label("Or say it in your own words").fill(
        "your advice to start with one service map from my fieldwork"
    )
    thanks.get_by_role("button", name="Write the thank-you").click()
    expect(page.get_by_role("heading", name="Thank-you to Sofia Marchetti")).to_be_visible()
    page.get_by_label("Message", exact=True).fill(
        "Dear Sofia,\n\nThank you for the coffee. Your advice to start with one service "
        "map from my fieldwork is the first thing I will do.\n\nJordan"
    )
    page.get_by_role("button", name="I sent it — mark as sent").click()
    expect(page.get_by_role("status")).to_contain_text("Marked as sent to Sofia Marchetti.")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Thank Sofia Marchetti")).to_have_count(0)
    expect(page.get_by_role("heading", name="Thank Nadia Haddad")).to_be_visible()
    assert Conversation.objects.get(owner=owner, contact__name="Sofia Marchetti").state == (
        State.THANKED
    )


def test_clearing_someone_due_a_note_brings_up_the_next_person(live_server, page):
    from datetime import timedelta

    from django.utils import timezone

    from coffeechat.accounts.services import local_user_get_or_create, login_link_create
    from coffeechat.agenda.tests.test_rules import thanked_person

    owner = local_user_get_or_create()
    for n in range(7):
        thanked_person(owner, f"Person {n}", timezone.now() - timedelta(days=100 + n))

    page.goto(f"{live_server.url}/accounts/login/{login_link_create(owner=owner)}/")
    notes = page.locator("li.agenda-item", has_text="Keep in touch with")
    expect(notes).to_have_count(5)
    expect(page.get_by_text("2 more people are due a note to keep in touch")).to_be_visible()

    # Dismissing the longest waiting brings up the next one, with an undo.
    person_6 = page.locator("li.agenda-item", has_text="Keep in touch with Person 6")
    person_6.locator("summary", has_text="Later").click()
    page.get_by_role("button", name="Dismiss “Keep in touch with Person 6”").click()
    expect(page.get_by_text("1 more person is due a note to keep in touch")).to_be_visible()
    expect(page.get_by_role("heading", name="Keep in touch with Person 1")).to_be_visible()
    expect(page.get_by_role("heading", name="Keep in touch with Person 6")).to_have_count(0)
    expect(notes).to_have_count(5)
    undo = page.locator(".agenda-undo")
    expect(undo).to_contain_text("Dismissed: “Keep in touch with Person 6”")

    undo.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("heading", name="Keep in touch with Person 6")).to_be_visible()
    expect(page.get_by_role("heading", name="Keep in touch with Person 1")).to_have_count(0)
    expect(page.get_by_text("2 more people are due a note to keep in touch")).to_be_visible()


def _login_to_demo(live_server, page):
    from coffeechat.accounts.services import local_user_get_or_create, login_link_create
    from coffeechat.demo import demo_load

    owner = local_user_get_or_create()
    demo_load(owner=owner)
    page.goto(f"{live_server.url}/accounts/login/{login_link_create(owner=owner)}/")
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    return owner


# Which agenda item (by its title) holds the focused element, or "" outside any.
_FOCUSED_ITEM = """() => {
  const item = document.activeElement && document.activeElement.closest("li.agenda-item");
  return item ? item.querySelector(".agenda-title").textContent : "";
}"""


def test_each_item_takes_at_most_four_tab_stops(live_server, page):
    _login_to_demo(live_server, page)
    titles = page.locator("li.agenda-item .agenda-title").all_text_contents()
    assert len(titles) >= 10

    stops: dict[str, int] = {}
    page.locator("body").focus()
    # Through the whole page and back round to its start.
    for _ in range(400):
        page.keyboard.press("Tab")
        title = page.evaluate(_FOCUSED_ITEM)
        if title:
            stops[title] = stops.get(title, 0) + 1
        elif stops and page.evaluate("() => document.activeElement.tagName") == "BODY":
            break
        if page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to content":
            if stops:
                break

    assert set(stops) == set(titles)
    assert max(stops.values()) <= 4, stops


def test_the_later_menu_opens_and_closes_from_the_keyboard(live_server, page):
    _login_to_demo(live_server, page)
    item = page.locator("li.agenda-item").first
    later = item.locator("summary", has_text="Later")
    menu = item.locator("details.agenda-menu")

    later.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    expect(item.get_by_role("button", name="1 day")).to_be_visible()
    page.keyboard.press("Tab")
    expect(item.get_by_role("button", name="1 day")).to_be_focused()

    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(later).to_be_focused()
    expect(item.get_by_role("button", name="1 day")).to_be_hidden()

    # A click elsewhere closes it too.
    later.click()
    expect(menu).to_have_attribute("open", "")
    page.get_by_role("heading", name="Today", exact=True).click()
    expect(menu).not_to_have_attribute("open", "")
