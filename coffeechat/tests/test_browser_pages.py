"""Every page of the demo network, on a phone and on a wide screen, in both themes: no sideways
scrolling at 390 px, and no accessibility violation that axe-core finds, in the light or the dark
theme, at either width.

The pages are the URL configuration's own: every named URL, filled in with the demo's people
and conversations, that answers a signed-in GET with an HTML page.
"""

import os

import pytest
from django.test import Client
from django.urls import reverse

from coffeechat.tests.test_urls import NOT_OBJECTS, _patterns

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
# Two people at different stages: a held conversation and a booked one with a long link.
PEOPLE = ("Sofia Marchetti", "Oliver Brennan")


def _objects(owner) -> dict[str, list]:
    """Objects of the demo network for each kind of id a URL may carry."""
    from coffeechat.contacts.models import Contact
    from coffeechat.conversations.models import ChosenQuestion, Conversation, Question, Takeaway
    from coffeechat.outreach.models import Message, Template

    contacts = [Contact.objects.get(owner=owner, name=name) for name in PEOPLE]
    conversations = [Conversation.objects.get(owner=owner, contact=c) for c in contacts]
    question = Question.objects.create(
        owner=owner, category="advice", text="What do you wish you had known in your first year?"
    )
    chosen = ChosenQuestion.objects.create(
        owner=owner, conversation=conversations[1], category="advice", text=question.text
    )
    template = Template.objects.create(
        owner=owner,
        name="Short request",
        kind="request",
        subject="Hello",
        body="Hi {{ first_name }}",
    )
    return {
        "contact_pk": contacts,
        "organization_pk": [contacts[0].organization],
        "conversation_pk": conversations,
        "message_pk": [
            Message.objects.filter(owner=owner, sent_at__isnull=True).first(),
            Message.objects.filter(owner=owner, sent_at__isnull=False).first(),
        ],
        "template_pk": [template],
        "chosen_question_pk": [chosen],
        "question_pk": [question],
        "takeaway_pk": [Takeaway.objects.filter(owner=owner).first()],
        "batch_pk": [_import_batch(owner)],
    }


def _import_batch(owner):
    """An import that added people and filled in one of the demo's, with a long file name."""
    from coffeechat.portability.importers import IncomingContact, import_contacts

    rows = [
        IncomingContact(name="Priya Raman", organization="Fabrikam", title="UX Researcher"),
        IncomingContact(name="", emails=["press.office.long.address@fabrikam.example"]),
        IncomingContact(
            name=PEOPLE[0], organization="Civic Forms Studio", phone="+39 02 1234 5678"
        ),
    ]
    filename = "Basic_LinkedInDataExport_12-07-2026_with_a_very_long_name.zip"
    return import_contacts(owner=owner, incoming=rows, kind="linkedin", filename=filename).batch


def _urls(owner) -> list[str]:
    from coffeechat.outreach.templating import BUILTINS

    objects = _objects(owner)
    keys = {"key": next(iter(BUILTINS)), "kind": "json"}
    urls = []
    for name, pattern in _patterns_of_app():
        kwargs = sorted(pattern.pattern.converters)
        if "token" in kwargs:
            continue  # login links are used up by opening them; the feed is a calendar file
        variants = max([len(objects[k]) for k in kwargs if k not in NOT_OBJECTS] or [1])
        for n in range(variants):
            values = {
                k: keys[k] if k in keys else objects[k][min(n, len(objects[k]) - 1)].pk
                for k in kwargs
            }
            url = reverse(name, kwargs=values)
            if url not in urls:
                urls.append(url)
    return urls


def _patterns_of_app():
    from django.urls import get_resolver

    return _patterns(get_resolver())


def _html_pages(owner, urls: list[str]) -> list[str]:
    """The URLs that answer a GET with a page (not a download, a redirect or a refusal)."""
    client = Client()
    client.force_login(owner)
    pages = []
    for url in urls:
        response = client.get(url)
        # A whole page, not a download or an htmx fragment.
        whole_page = response.content[:15].lower() == b"<!doctype html>"
        if response.status_code == 200 and whole_page:
            pages.append(url)
    return pages


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# The dark theme changes colours only, so there only the rules about colour run again.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def _violations(page, rules: list[str] | None = None) -> list[str]:
    options: dict[str, object] = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    results = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results["violations"]
    ]


def test_every_page_fits_a_phone_and_passes_axe_in_both_themes_and_widths(live_server, browser):
    from axe_playwright_python.base import AXE_FILE_PATH

    from coffeechat.accounts.services import local_user_get_or_create, login_link_create
    from coffeechat.demo import demo_load

    owner = local_user_get_or_create()
    demo_load(owner=owner)
    pages = _html_pages(owner, _urls(owner))
    assert len(pages) >= 30, pages
    assert reverse("agenda:upcoming") in pages
    # Every stage of the conversations page, and one stage whole, are walked too.
    assert reverse("conversations:board") in pages
    pages.append(reverse("conversations:board") + "?stage=held")
    # The error pages are pages too.
    pages += ["/no-such-page/", reverse("agenda:snooze")]

    overflowing: dict[str, float] = {}
    failing: dict[str, list[str]] = {}

    def both_themes(page, where: str) -> None:
        page.emulate_media(color_scheme="light")
        if found := _violations(page):
            failing[f"{where} (light)"] = found
        page.emulate_media(color_scheme="dark")
        if found := _violations(page, COLOUR_RULES):
            failing[f"{where} (dark)"] = found

    for viewport, width in ((PHONE, ""), (WIDE, ", 1280 px")):
        context = browser.new_context(viewport=viewport)
        # axe-core, as pinned by axe-playwright-python, loaded into every page as it opens.
        context.add_init_script(path=str(AXE_FILE_PATH))
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/accounts/login/{login_link_create(owner=owner)}/")
        for url in pages:
            page.emulate_media(color_scheme="light")
            page.goto(live_server.url + url)
            if viewport is PHONE and (extra := _overflow(page)) > 0:
                overflowing[url] = extra
            both_themes(page, url + width)
        if viewport is PHONE:
            # The navigation behind the menu button, opened.
            page.goto(live_server.url + "/")
            page.get_by_text("Menu", exact=True).click()
            both_themes(page, "/ with the menu open")
            # An item's snooze menu on Today, opened.
            page.goto(live_server.url + "/")
            page.locator("details.agenda-menu summary").first.click()
            if (extra := _overflow(page)) > 0:
                overflowing["/ with a snooze menu open"] = extra
            both_themes(page, "/ with a snooze menu open")
        context.close()

    assert not overflowing, f"wider than 390 px (by px): {overflowing}"
    assert not failing, "\n".join(f"{where}: {found}" for where, found in failing.items())


def test_the_phone_menu_opens_from_the_keyboard_without_javascript(live_server, browser):
    from playwright.sync_api import expect

    from coffeechat.accounts.services import local_user_get_or_create, login_link_create

    owner = local_user_get_or_create()
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/{login_link_create(owner=owner)}/")
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation).to_be_hidden()

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    menu = page.get_by_role("checkbox", name="Menu")
    expect(menu).to_be_focused()
    page.keyboard.press("Space")
    expect(navigation).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.keyboard.press("Tab")
    expect(navigation.get_by_role("link", name="Today")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="People", exact=True)).to_be_visible()
    expect(navigation).to_be_hidden()  # a new page starts with the menu closed
    context.close()
