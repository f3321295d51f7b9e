"""Writing a first request to someone in the demo network, checked as it is typed."""

import os

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Playwright's sync API runs an event loop in this thread; Django's ORM is used between steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

JOB_ASK = "Dear {first},\n\nI am moving into user research. Do you have any openings?\n\nJordan"
REQUEST = """Dear {first},

I read your team's notes on research at {organization}, and they have stayed with me. After \
six years teaching geography I am exploring user research in public services, and I would \
value your advice on how you came to this work.

Would you have 20 minutes for a call in the coming weeks, at a time that suits you?

Thank you for considering it,
Jordan"""


def _never_contacted_prospect(owner):
    from coffeechat.contacts.selectors import contact_list

    return (
        contact_list(owner=owner, stage="prospect")
        .filter(conversations__isnull=True, messages__isnull=True, do_not_contact=False)
        .exclude(email="")
        .first()
    )


def test_it_writes_a_request_fixes_a_job_ask_and_marks_it_sent(live_server, page):
    from coffeechat.accounts.services import local_user_get_or_create, login_link_create
    from coffeechat.conversations.models import Conversation, State
    from coffeechat.demo import demo_load
    from coffeechat.outreach.models import Message, MessageKind, MessageStatus

    owner = local_user_get_or_create()
    demo_load(owner=owner)
    contact = _never_contacted_prospect(owner)
    assert contact is not None, "the demo network has no prospect with an e-mail to write to"
    first = contact.first_name or contact.name
    organization = contact.organization.name

    page.goto(f"{live_server.url}/accounts/login/{login_link_create(owner=owner)}/")
    page.get_by_role("heading", name="Today", exact=True).wait_for()
    page.goto(f"{live_server.url}{contact.get_absolute_url()}")
    expect(page.get_by_role("heading", name=contact.name, exact=True)).to_be_visible()

    page.get_by_role("link", name="Write a request").click()
    expect(page.get_by_role("heading", name=f"Write to {contact.name}")).to_be_visible()
    choice = page.locator("li.card", has_text="Request by e-mail")
    choice.get_by_role("button", name="Use this").click()
    expect(page.get_by_role("heading", name=f"Request to {contact.name}")).to_be_visible()

    findings = page.get_by_role("complementary", name="Etiquette check")
    job_ask = findings.locator("li", has_text="reads as asking for a job")
    expect(job_ask).to_have_count(0)
    body = page.get_by_label("Message", exact=True)
    body.fill(JOB_ASK.format(first=first))
    expect(job_ask).to_be_visible()
    expect(findings).to_contain_text("reads as asking for a job")

    body.fill(REQUEST.format(first=first, organization=organization))
    expect(job_ask).to_have_count(0)
    expect(findings).to_contain_text("Nothing to fix")

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved.")
    expect(page.get_by_label("Message", exact=True)).to_have_value(
        REQUEST.format(first=first, organization=organization)
    )

    page.get_by_role("button", name="I sent it — mark as sent").click()
    expect(page.get_by_role("status")).to_contain_text(f"Marked as sent to {contact.name}.")
    expect(page.locator(".page-head .badge.stage-requested")).to_have_text("Requested")

    conversation = Conversation.objects.get(contact=contact)
    assert conversation.state == State.REQUESTED
    assert conversation.requested_at is not None
    message = Message.objects.get(contact=contact)
    assert message.kind == MessageKind.REQUEST and message.status == MessageStatus.SENT
    assert message.sent_at == conversation.requested_at
    assert "Do you have any openings?" not in message.body
    assert "20 minutes" in message.body


def test_a_request_through_a_referrer_who_asked_not_to_be_named_shows_no_trace_of_them(
    live_server, page
):
    from coffeechat.accounts.services import local_user_get_or_create, login_link_create
    from coffeechat.contacts.models import Contact
    from coffeechat.demo import demo_load

    owner = local_user_get_or_create()
    demo_load(owner=owner)
    person = Contact.objects.get(owner=owner, name="Leila Nasser")
    referrer = person.referred_by
    assert referrer is not None and not person.may_use_referrer_name
    names = [referrer.first_name, referrer.last_name]

    page.goto(f"{live_server.url}/accounts/login/{login_link_create(owner=owner)}/")
    page.get_by_role("heading", name="Today", exact=True).wait_for()
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="Write a request").click()
    expect(page.get_by_role("heading", name=f"Write to {person.name}")).to_be_visible()
    for name in names:
        assert name not in page.content(), f"{name} on the page of templates"
    choice = page.locator("li.card", has_text="Request by e-mail")
    choice.get_by_role("button", name="Use this").click()
    expect(page.get_by_role("heading", name=f"Request to {person.name}")).to_be_visible()

    editor = page.content()
    body = page.get_by_label("Message", exact=True).input_value()
    subject = page.get_by_label("Subject").input_value()
    assert "Leila" in body
    for name in names:
        assert name not in body and name not in subject
        assert name not in editor, f"{name} on the draft's page"
