import email
import email.policy

import pytest
from aiosmtpd.controller import Controller

from coffeechat.accounts.services import profile_update
from coffeechat.conversations.models import State
from coffeechat.outreach import delivery, services
from coffeechat.outreach.models import Message, MessageStatus
from conftest import free_port


@pytest.fixture
def draft(alice, contact, conversation):
    profile_update(owner=alice, display_name="Alice Ng")
    return Message.objects.create(
        owner=alice,
        contact=contact,
        conversation=conversation,
        kind="request",
        subject="Fellow alum — 20 minutes about your work on engines?",
        body="Dear Ada,\n\nI admired your notes on the Engine. Would you have 20 minutes? "
        "Thank you — Zoë " + "é" * 100,
    )


def test_it_sends_over_real_smtp_with_the_right_headers(alice, draft, conversation, smtp_server):
    services.message_send(owner=alice, message=draft)
    [received] = smtp_server.received
    assert received["To"] == "Ada Lovelace <ada@example.com>"
    assert received["From"] == "Alice Ng <alice@example.org>"
    # Django folds a long encoded subject right after the colon; unfolded, that is a space.
    assert received["Subject"].strip() == draft.subject
    assert received["Message-ID"]
    assert smtp_server.envelopes[0].rcpt_tos == ["ada@example.com"]
    assert received.get_content().strip().replace("\r\n", "\n") == draft.body
    draft.refresh_from_db()
    conversation.refresh_from_db()
    assert draft.status == MessageStatus.SENT and draft.sent_at
    assert conversation.state == State.REQUESTED and conversation.requested_at == draft.sent_at


def test_it_keeps_the_draft_when_the_server_is_unreachable(alice, draft, conversation, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "alice@example.org"
    with pytest.raises(delivery.DeliveryError) as caught:
        services.message_send(owner=alice, message=draft)
    assert "Could not reach the mail server 127.0.0.1" in caught.value.messages[0]
    draft.refresh_from_db()
    conversation.refresh_from_db()
    assert draft.status == MessageStatus.DRAFT and draft.sent_at is None
    assert conversation.state == State.PLANNED


def test_it_keeps_the_draft_when_the_server_refuses(alice, draft, smtp_server, settings):
    class Refusing(type(smtp_server)):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 no such user here"

    controller = Controller(Refusing(), hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_PORT = controller.port
    try:
        with pytest.raises(delivery.DeliveryError) as caught:
            services.message_send(owner=alice, message=draft)
    finally:
        controller.stop()
    assert "refused the address ada@example.com" in caught.value.messages[0]
    draft.refresh_from_db()
    assert draft.status == MessageStatus.DRAFT


def test_it_does_not_offer_sending_without_smtp(settings):
    settings.EMAIL_HOST = ""
    assert not delivery.smtp_configured()
    settings.EMAIL_HOST, settings.DEFAULT_FROM_EMAIL = "smtp.example.org", "alice@example.org"
    assert delivery.smtp_configured()


def test_it_writes_a_standards_correct_eml(alice, draft, settings):
    settings.DEFAULT_FROM_EMAIL = "alice@example.org"
    raw = delivery.eml_bytes(owner=alice, message=draft)
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 78 for line in lines), "lines are folded"
    assert b"\n" not in raw.replace(b"\r\n", b"")
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == draft.subject
    assert parsed["To"] == "Ada Lovelace <ada@example.com>"
    assert parsed["From"] == "Alice Ng <alice@example.org>"
    assert parsed["X-Unsent"] == "1"
    assert parsed.get_content_charset() == "utf-8"
    assert parsed.get_content().replace("\r\n", "\n").rstrip("\n") == draft.body


def test_it_builds_a_mailto_link(draft):
    url = delivery.mailto_url(draft)
    assert url.startswith("mailto:ada@example.com?subject=Fellow%20alum")
    assert "%0A%0AI%20admired" in url
