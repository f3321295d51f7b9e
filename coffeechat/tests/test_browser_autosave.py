"""What is typed is saved as it is typed, every action on a draft uses the text on screen, and
leaving a page with text not yet saved asks first."""

import email
import email.policy
import os
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Playwright's sync API runs an event loop in this thread; Django's ORM is used between steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SUBJECT = "Your route-planning talk, and a question from a geography teacher"
BODY = """Dear Ada,

Your talk on route planning at the transport meetup stayed with me. I taught geography for \
six years and I am now exploring analytics in public transport.

Would you have 20 minutes for a call in the next few weeks, at a time that suits you?

Thank you for considering it,
Jordan"""
NOTES = "She moved from teaching to analytics through a part-time course."


@pytest.fixture
def owner(db):
    from coffeechat.accounts.services import local_user_get_or_create

    return local_user_get_or_create()


@pytest.fixture
def ada(owner):
    from coffeechat.contacts.services import contact_create

    return contact_create(
        owner=owner,
        name="Ada Lovelace",
        email="ada@example.com",
        organization_name="Analytical Engines",
        title="Head of Analytics",
    )


@pytest.fixture
def draft(owner, ada):
    from coffeechat.outreach.drafting import message_draft_create

    return message_draft_create(owner=owner, contact=ada, template="builtin:request_email")


@pytest.fixture
def held(owner, ada):
    from django.utils import timezone

    from coffeechat.conversations.models import Conversation, State

    return Conversation.objects.create(
        owner=owner, contact=ada, state=State.HELD, held_at=timezone.now()
    )


def _open(page, live_server, owner, path: str) -> None:
    from coffeechat.accounts.services import login_link_create

    page.goto(f"{live_server.url}/accounts/login/{login_link_create(owner=owner)}/")
    page.get_by_role("heading", name="Today", exact=True).wait_for()
    page.goto(f"{live_server.url}{path}")


def _edit_draft(page) -> None:
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Message", exact=True).fill(BODY)


def test_marking_sent_right_after_editing_records_the_text_on_screen(
    live_server, page, owner, draft
):
    from coffeechat.outreach.models import MessageStatus

    _open(page, live_server, owner, f"/outreach/messages/{draft.pk}/")
    marked = []
    page.on("request", lambda r: marked.append(r.method) if r.url.endswith("/sent/") else None)
    _edit_draft(page)
    # No "Save draft", no waiting for the autosave.
    page.get_by_role("button", name="I sent it — mark as sent").click()
    expect(page.get_by_role("status")).to_contain_text("Marked as sent to Ada Lovelace.")
    assert marked == ["POST"], "marked as sent once, by the form, not again by a live check"
    draft.refresh_from_db()
    assert draft.status == MessageStatus.SENT
    assert (draft.subject, draft.body) == (SUBJECT, BODY)


def test_the_eml_and_the_mail_program_get_the_text_on_screen(live_server, page, owner, draft):
    _open(page, live_server, owner, f"/outreach/messages/{draft.pk}/")
    _edit_draft(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download .eml").click()
    with open(download.value.path(), "rb") as eml_file:
        eml = email.message_from_bytes(eml_file.read(), policy=email.policy.default)
    assert eml["Subject"] == SUBJECT
    assert eml.get_content().replace("\r\n", "\n").strip() == BODY

    page.get_by_label("Message", exact=True).fill(BODY + "\nP.S. Edited once more.")
    with page.expect_response(lambda response: response.url.endswith("/mailto/")) as answer:
        page.get_by_role("button", name="Open in my mail program").click()
    location = answer.value.headers["location"]
    assert location.startswith("mailto:ada@example.com?")
    assert f"subject={SUBJECT}" in unquote(location)
    assert "P.S. Edited once more." in unquote(location)
    draft.refresh_from_db()
    assert draft.body == BODY + "\nP.S. Edited once more."


def test_a_draft_saves_as_it_is_typed_and_a_reload_shows_it(live_server, page, owner, draft):
    _open(page, live_server, owner, f"/outreach/messages/{draft.pk}/")
    state = page.locator("#draft [data-save-text]")
    page.get_by_label("Message", exact=True).fill(BODY)
    expect(state).to_have_text("Saved")
    page.reload()
    expect(page.get_by_label("Message", exact=True)).to_have_value(BODY)


def test_notes_save_as_they_are_typed_and_survive_adding_a_takeaway(live_server, page, owner, held):
    _open(page, live_server, owner, f"/conversations/{held.pk}/notes/")
    notes = page.get_by_label("Notes", exact=True)
    notes.fill(NOTES)
    page.get_by_label("Takeaway", exact=True).fill("Learn SQL window functions")
    page.get_by_label("Kind").select_option("gap")
    page.get_by_role("button", name="Add takeaway").click()
    expect(page.get_by_role("status")).to_contain_text("Added the skill gap.")
    expect(page.get_by_label("Notes", exact=True)).to_have_value(NOTES)
    held.refresh_from_db()
    assert held.notes == NOTES

    page.get_by_label("Notes", exact=True).fill(
        NOTES + "\nShe said the first year was the hardest."
    )
    expect(page.locator("#notes-form [data-save-text]")).to_have_text("Saved")
    saved_notes = page.get_by_role("region", name="Saved notes")
    expect(saved_notes).to_contain_text("She said the first year was the hardest.")
    page.reload()
    expect(page.get_by_label("Notes", exact=True)).to_have_value(
        NOTES + "\nShe said the first year was the hardest."
    )


def _leave(page):
    """Tries to leave by the main menu; answers "stay" to a question, and returns it."""
    page.on("dialog", lambda dialog: dialog.dismiss())
    with page.expect_event("dialog") as question:
        page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click(
            no_wait_after=True
        )
    return question.value


def test_leaving_with_notes_not_yet_saved_asks_first_and_not_once_saved(
    live_server, page, owner, held
):
    _open(page, live_server, owner, f"/conversations/{held.pk}/notes/")
    # The save is held back, so the notes stay unsaved for as long as the test needs.
    held_back = []
    page.route("**/notes/autosave/", lambda route: held_back.append(route))
    notes = page.get_by_label("Notes", exact=True)
    notes.click()
    notes.press_sequentially("Unsaved")
    assert _leave(page).type == "beforeunload"
    expect(page).to_have_url(f"{live_server.url}/conversations/{held.pk}/notes/")

    for route in held_back:
        route.continue_()
    page.unroute("**/notes/autosave/")
    expect(page.locator("#notes-form [data-save-text]")).to_have_text("Saved")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People", exact=True)).to_be_visible()


def test_leaving_a_template_being_written_asks_first(live_server, page, owner):
    _open(page, live_server, owner, "/outreach/templates/new/")
    body = page.get_by_label("Message")
    body.click()
    body.press_sequentially("Dear {{ first_name }}")
    assert _leave(page).type == "beforeunload"
    expect(page.get_by_role("heading", name="Write a template")).to_be_visible()


def test_a_draft_changed_in_another_window_is_not_overwritten_until_the_user_says_so(
    live_server, page, owner, draft
):
    from coffeechat.outreach import services

    _open(page, live_server, owner, f"/outreach/messages/{draft.pk}/")
    services.message_update(owner=owner, message=draft, subject="Elsewhere", body="Elsewhere")
    page.get_by_label("Message", exact=True).fill(BODY)
    state = page.locator("#draft [data-save-text]")
    expect(state).to_contain_text("changed in another window")
    draft.refresh_from_db()
    assert draft.body == "Elsewhere"

    page.get_by_role("button", name="Keep my version").click()
    expect(state).to_have_text("Saved")
    draft.refresh_from_db()
    assert draft.body == BODY
