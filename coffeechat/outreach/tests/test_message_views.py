import re

import pytest
from django.urls import reverse

from coffeechat.conversations.models import Conversation, State
from coffeechat.outreach import services
from coffeechat.outreach.drafting import message_draft_create
from coffeechat.outreach.models import Message, MessageStatus


@pytest.fixture
def draft(alice, contact):
    return message_draft_create(owner=alice, contact=contact, template="builtin:request_email")


def test_it_offers_templates_that_fit_the_contact(alice_client, contact):
    response = alice_client.get(reverse("outreach:compose", args=[contact.pk]), {"kind": "request"})
    assert response.status_code == 200
    assert 'value="builtin:request_email"' in response.text
    assert 'value="builtin:request_linkedin"' in response.text
    assert 'value="builtin:request_referral_email"' not in response.text  # nobody referred Ada


def _offered(alice_client, contact, kind):
    html = alice_client.get(reverse("outreach:compose", args=[contact.pk]), {"kind": kind}).text
    return re.findall(r'name="template" value="builtin:(\w+)_email"', html)


def test_a_mentor_is_offered_the_notes_that_give_back_first(alice_client, contact):
    assert _offered(alice_client, contact, "keep_in_touch") == [
        "keep_in_touch_article",
        "keep_in_touch_update",
        "keep_in_touch_congratulations",
        "keep_in_touch_offer",
    ]
    contact.is_mentor = True
    contact.save()
    assert _offered(alice_client, contact, "keep_in_touch") == [
        "keep_in_touch_article",
        "keep_in_touch_congratulations",
        "keep_in_touch_offer",
        "keep_in_touch_update",
    ]
    html = alice_client.get(reverse("outreach:compose", args=[contact.pk])).text
    assert 'name="offer"' in html and "What you offer" in html
    assert _offered(alice_client, contact, "request") == ["request"]


def test_it_names_kinds_and_channels_in_the_users_words(alice_client, contact):
    html = alice_client.get(reverse("outreach:compose", args=[contact.pk])).text
    assert '<span class="badge">Keep in touch</span>' in html
    assert '<span class="badge">LinkedIn</span>' in html
    assert "Keepintouch" not in html and ">Linkedin<" not in html


def test_it_offers_only_linkedin_without_an_email(alice, alice_client, contact):
    contact.email = ""
    contact.save()
    response = alice_client.get(reverse("outreach:compose", args=[contact.pk]), {"kind": "request"})
    assert 'value="builtin:request_email"' not in response.text
    assert 'value="builtin:request_linkedin"' in response.text
    assert "has no e-mail address" in response.text


def test_it_makes_a_draft_and_opens_the_editor(alice_client, contact):
    response = alice_client.post(
        reverse("outreach:compose", args=[contact.pk]), {"template": "builtin:request_email"}
    )
    message = Message.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("outreach:message_edit", args=[message.pk])
    page = alice_client.get(response.url)
    assert "Etiquette check" in page.text
    assert "Download .eml" in page.text


def test_it_asks_for_the_slots_a_keep_in_touch_message_needs(alice_client, contact):
    url = reverse("outreach:compose", args=[contact.pk])
    page = alice_client.get(url, {"kind": "keep_in_touch"}).text
    for name in ("article_title", "article_link", "update", "their_news"):
        assert f'name="{name}"' in page
    alice_client.post(
        url,
        {
            "template": "builtin:keep_in_touch_article_email",
            "article_title": "Engines of the future",
            "article_link": "https://example.org/engines",
        },
    )
    body = Message.objects.get().body
    assert "“Engines of the future”" in body and "https://example.org/engines" in body


def test_an_empty_slot_is_refused_with_its_name(alice_client, contact):
    response = alice_client.post(
        reverse("outreach:compose", args=[contact.pk]),
        {"template": "builtin:keep_in_touch_congratulations_email", "their_news": "  "},
        follow=True,
    )
    assert "This message needs their news" in response.text
    assert not Message.objects.exists()


def test_it_explains_a_refused_draft(alice_client, contact):
    response = alice_client.post(
        reverse("outreach:compose", args=[contact.pk]), {"template": "builtin:missing"}, follow=True
    )
    assert "There is no template “builtin:missing”." in response.text
    assert not Message.objects.exists()


def test_it_checks_the_text_live(alice_client, draft):
    response = alice_client.post(
        reverse("outreach:message_lint", args=[draft.pk]),
        {"subject": "Hello", "body": "Hi Ada, do you have any openings?"},
    )
    assert "reads as asking for a job" in response.text
    # The finding is named in words, not by the linter's rule key.
    assert ">Error</span>" in response.text
    assert "job-ask" not in response.text
    assert "<html" not in response.text


def test_it_does_not_check_a_text_too_long_to_be_a_message(alice_client, draft):
    response = alice_client.post(
        reverse("outreach:message_lint", args=[draft.pk]),
        {"subject": "Hello", "body": "Are you hiring? " * 62_500},
    )
    assert response.status_code == 200
    assert "Keep this to 20,000 characters (it has 1,000,000)." in response.text
    assert "job-ask" not in response.text
    subject = alice_client.post(
        reverse("outreach:message_lint", args=[draft.pk]), {"subject": "x" * 201, "body": "Hi"}
    )
    assert "Keep this to 200 characters (it has 201)." in subject.text


def test_it_saves_a_draft(alice_client, draft):
    response = alice_client.post(
        reverse("outreach:message_edit", args=[draft.pk]), {"subject": "New", "body": "Text"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.subject, draft.body) == ("New", "Text")


def test_it_downloads_an_eml(alice_client, draft):
    response = alice_client.get(reverse("outreach:message_eml", args=[draft.pk]))
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"] == 'attachment; filename="Request to Ada Lovelace.eml"'
    assert b"Subject:" in response.content and b"\r\n" in response.content


def test_it_does_not_offer_sending_without_smtp(alice_client, draft, settings):
    settings.EMAIL_HOST = ""
    page = alice_client.get(reverse("outreach:message_edit", args=[draft.pk]))
    assert "Send by e-mail" not in page.text
    assert "Sending from coffeechat is not set up" in page.text
    assert "COFFEECHAT_SMTP_HOST" in page.text and "not configured" not in page.text
    response = alice_client.post(reverse("outreach:message_send", args=[draft.pk]), follow=True)
    assert "Not sent:" in response.text and "The draft is kept." in response.text
    draft.refresh_from_db()
    assert draft.status == MessageStatus.DRAFT


def test_it_sends_when_smtp_is_configured(alice_client, draft, settings, mailoutbox):
    settings.EMAIL_HOST, settings.DEFAULT_FROM_EMAIL = "smtp.example.org", "me@example.org"
    page = alice_client.get(reverse("outreach:message_edit", args=[draft.pk]))
    assert "Send by e-mail" in page.text
    alice_client.post(reverse("outreach:message_send", args=[draft.pk]))
    assert [m.to for m in mailoutbox] == [["Ada Lovelace <ada@example.com>"]]
    assert Conversation.objects.get().state == State.REQUESTED


def test_it_marks_sent_and_the_contact_becomes_requested(alice_client, contact, draft):
    response = alice_client.post(
        reverse("outreach:message_mark_sent", args=[draft.pk]), follow=True
    )
    assert "Marked as sent to Ada Lovelace." in response.text
    assert "Requested" in alice_client.get(contact.get_absolute_url()).text


def test_it_discards_a_draft(alice_client, draft):
    page = alice_client.get(reverse("outreach:message_edit", args=[draft.pk])).text
    # Discarding asks first: the button sits behind a step that says what is lost.
    assert "<summary>Discard this draft…</summary>" in page
    assert '<button type="submit" class="danger">Yes, discard it</button>' in page
    alice_client.post(reverse("outreach:message_delete", args=[draft.pk]))
    assert not Message.objects.exists()


def test_it_logs_a_reply_in_one_click(alice, alice_client, contact, draft):
    services.message_mark_sent(owner=alice, message=draft)
    response = alice_client.post(
        reverse("outreach:log_reply", args=[contact.pk]), {"outcome": "declined"}, follow=True
    )
    assert "Logged Ada&#x27;s reply." in response.text
    assert Conversation.objects.get().state == State.DECLINED


def test_a_logged_reply_is_not_asked_about_again(alice, alice_client, contact, draft):
    services.message_mark_sent(owner=alice, message=draft)
    assert "Did Ada reply?" in alice_client.get(contact.get_absolute_url()).text
    alice_client.post(reverse("outreach:log_reply", args=[contact.pk]), {"outcome": "accepted"})
    page = alice_client.get(contact.get_absolute_url()).text
    assert "Did Ada reply?" not in page
    # A later reply can still be logged, from behind a closed step.
    assert "<summary>Another reply from Ada? Log it…</summary>" in page


def test_it_closes_a_request_as_no_reply(alice, alice_client, draft):
    services.message_mark_sent(owner=alice, message=draft)
    conversation = Conversation.objects.get()
    alice_client.post(reverse("outreach:close_no_reply", args=[conversation.pk]))
    conversation.refresh_from_db()
    assert conversation.state == State.NO_REPLY


def test_it_refuses_to_close_a_conversation_that_is_not_waiting(alice_client, conversation):
    response = alice_client.post(
        reverse("outreach:close_no_reply", args=[conversation.pk]), follow=True
    )
    assert "Only a request still waiting for a reply" in response.text
    conversation.refresh_from_db()
    assert conversation.state == State.PLANNED


@pytest.mark.parametrize(
    "name", ["message_lint", "message_send", "message_mark_sent", "message_delete"]
)
def test_it_refuses_get_on_actions(alice_client, draft, name):
    assert alice_client.get(reverse(f"outreach:{name}", args=[draft.pk])).status_code == 405


def test_it_shows_the_follow_up_on_the_contact_and_conversation_pages(alice, alice_client, draft):
    from datetime import timedelta

    from django.utils import timezone

    services.message_mark_sent(owner=alice, message=draft, at=timezone.now() - timedelta(days=30))
    conversation = Conversation.objects.get()
    contact_page = alice_client.get(draft.contact.get_absolute_url())
    assert "Write the nudge" in contact_page.text
    conversation_page = alice_client.get(
        reverse("conversations:conversation_detail", args=[conversation.pk])
    )
    assert "Write the nudge" in conversation_page.text
    assert "Did Ada reply?" in conversation_page.text


def test_the_nudge_goes_on_linkedin_for_someone_without_email(alice_client, contact):
    contact.email = ""
    contact.save()
    alice_client.post(reverse("outreach:compose", args=[contact.pk]), {"template": "nudge"})
    message = Message.objects.get()
    assert (message.kind, message.channel) == ("nudge", "linkedin")
