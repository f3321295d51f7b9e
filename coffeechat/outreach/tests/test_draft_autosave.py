"""A draft saved as it is typed, and the actions that use the text on screen."""

from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coffeechat.conversations.models import Conversation, State
from coffeechat.outreach import services
from coffeechat.outreach.drafting import message_draft_create
from coffeechat.outreach.models import MessageStatus


@pytest.fixture
def draft(alice, contact):
    return message_draft_create(owner=alice, contact=contact, template="builtin:request_email")


def _autosave(client, draft, **data):
    return client.post(reverse("outreach:message_autosave", args=[draft.pk]), data)


# The service


def test_a_save_from_the_current_version_goes_through(alice, draft):
    version = services.message_version(draft)
    services.message_update(owner=alice, message=draft, subject="New", body="Text", version=version)
    draft.refresh_from_db()
    assert (draft.subject, draft.body) == ("New", "Text")
    assert services.message_version(draft) != version


def test_a_save_from_an_older_version_does_not_overwrite_newer_text(alice, draft):
    old = services.message_version(draft)
    services.message_update(owner=alice, message=draft, subject="Newer", body="Newer text")
    with pytest.raises(ValidationError, match="changed in another window") as refused:
        services.message_update(
            owner=alice, message=draft, subject="Older", body="Older text", version=old
        )
    assert refused.value.code == "stale"
    draft.refresh_from_db()
    assert (draft.subject, draft.body) == ("Newer", "Newer text")


def test_saving_the_stored_text_again_changes_nothing(alice, draft):
    old = services.message_version(draft)
    services.message_update(owner=alice, message=draft, subject="Same", body="Same text")
    updated_at = type(draft).objects.get(pk=draft.pk).updated_at
    # The same text from an older page is no conflict, and is not written again.
    services.message_update(
        owner=alice, message=draft, subject="Same", body="Same text", version=old
    )
    assert type(draft).objects.get(pk=draft.pk).updated_at == updated_at


def test_a_draft_sent_in_another_window_is_not_changed(alice, draft):
    stale_copy = type(draft).objects.get(pk=draft.pk)
    services.message_mark_sent(owner=alice, message=draft)
    with pytest.raises(ValidationError, match="already sent"):
        services.message_update(owner=alice, message=stale_copy, subject="x", body="y")


# The autosave endpoint


def test_it_saves_as_typed_and_answers_the_new_version(alice_client, draft):
    version = services.message_version(draft)
    response = _autosave(alice_client, draft, subject="Hello", body="Hi Ada", version=version)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.subject, draft.body) == ("Hello", "Hi Ada")
    assert response.json() == {"version": services.message_version(draft)}


def test_it_refuses_a_save_from_an_older_page_with_409(alice, alice_client, draft):
    old = services.message_version(draft)
    services.message_update(owner=alice, message=draft, subject="Newer", body="Newer")
    response = _autosave(alice_client, draft, subject="Older", body="Older", version=old)
    assert response.status_code == 409
    assert "changed in another window" in response.json()["error"]
    draft.refresh_from_db()
    assert draft.body == "Newer"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"subject": "x" * 201, "body": "Hi"}, "subject: Keep this to 200 characters"),
        ({"subject": "Hi", "body": "x" * 20_001}, "body: Keep this to 20,000 characters"),
        ({"subject": "Hi", "body": "a\x00b"}, "body:"),
        ({"subject": "one\ntwo", "body": "Hi"}, "subject:"),
        ({"subject": "Hi", "body": "Hi", "version": "v" * 65}, "version:"),
        ({"subject": "Hi"}, "Nothing to save"),
    ],
)
def test_it_refuses_text_it_cannot_keep_and_changes_nothing(alice_client, draft, data, words):
    before = (draft.subject, draft.body)
    response = _autosave(alice_client, draft, **data)
    assert response.status_code == 400
    assert words in response.json()["error"]
    draft.refresh_from_db()
    assert (draft.subject, draft.body) == before


def test_it_does_not_save_a_sent_message(alice, alice_client, draft):
    services.message_mark_sent(owner=alice, message=draft)
    response = _autosave(alice_client, draft, subject="Changed", body="Changed")
    assert response.status_code == 400
    assert "already sent" in response.json()["error"]


def test_another_user_gets_404_and_changes_nothing(client, bob, draft):
    client.force_login(bob)
    assert _autosave(client, draft, subject="Mine", body="Mine").status_code == 404
    draft.refresh_from_db()
    assert draft.body != "Mine"


@pytest.mark.parametrize("name", ["message_autosave", "message_mailto"])
def test_it_refuses_get(alice_client, draft, name):
    assert alice_client.get(reverse(f"outreach:{name}", args=[draft.pk])).status_code == 405


def test_the_editor_carries_the_version_and_the_save_state(alice_client, draft):
    page = alice_client.get(reverse("outreach:message_edit", args=[draft.pk])).text
    assert f'name="version" value="{services.message_version(draft)}"' in page
    assert "data-save-state" in page and 'aria-live="polite"' in page
    assert reverse("outreach:message_autosave", args=[draft.pk]) in page


# Actions on the text on screen


def test_mark_sent_records_the_text_sent_with_it(alice_client, draft):
    response = alice_client.post(
        reverse("outreach:message_mark_sent", args=[draft.pk]),
        {"subject": "Edited subject", "body": "Edited body, thank you", "version": ""},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == MessageStatus.SENT
    assert (draft.subject, draft.body) == ("Edited subject", "Edited body, thank you")
    assert Conversation.objects.get().state == State.REQUESTED


def test_refused_text_is_shown_again_and_nothing_is_sent(alice_client, draft):
    response = alice_client.post(
        reverse("outreach:message_mark_sent", args=[draft.pk]),
        {"subject": "Line one\nline two", "body": "My careful edit"},
    )
    assert response.status_code == 200
    assert "My careful edit" in response.text and "data-unsaved" in response.text
    draft.refresh_from_db()
    assert draft.status == MessageStatus.DRAFT and draft.body != "My careful edit"


def test_a_stale_action_shows_the_text_and_saving_again_keeps_it(alice, alice_client, draft):
    old = services.message_version(draft)
    services.message_update(owner=alice, message=draft, subject="Elsewhere", body="Elsewhere")
    url = reverse("outreach:message_send", args=[draft.pk])
    response = alice_client.post(url, {"subject": "Mine", "body": "Mine", "version": old})
    assert response.status_code == 409
    assert "Mine" in response.text and "changed in another window" in response.text
    # The page now carries the stored version: saving from it is a choice, and it goes through.
    assert f'value="{services.message_version(draft)}"' in response.text
    draft.refresh_from_db()
    assert draft.status == MessageStatus.DRAFT and draft.body == "Elsewhere"


def test_the_eml_holds_the_text_sent_with_it(alice_client, draft):
    response = alice_client.post(
        reverse("outreach:message_eml", args=[draft.pk]),
        {"subject": "From the screen", "body": "Typed just now"},
    )
    assert response["Content-Type"] == "message/rfc822"
    assert b"Subject: From the screen" in response.content
    assert b"Typed just now" in response.content
    draft.refresh_from_db()
    assert draft.body == "Typed just now"


def test_the_mail_program_opens_with_the_text_sent_with_it(alice_client, draft):
    response = alice_client.post(
        reverse("outreach:message_mailto", args=[draft.pk]),
        {"subject": "From the screen", "body": "Typed just now"},
    )
    assert response.status_code == 302
    location = unquote(response["Location"])
    assert location.startswith("mailto:ada@example.com?")
    assert "subject=From the screen" in location and "body=Typed just now" in location


def test_the_mail_program_needs_an_address(alice_client, contact, draft):
    contact.email = ""
    contact.save()
    response = alice_client.post(
        reverse("outreach:message_mailto", args=[draft.pk]), {"subject": "S", "body": "Kept"}
    )
    assert response.status_code == 200
    assert "add Ada Lovelace&#x27;s e-mail address first" in response.text
    assert "Kept" in response.text


def test_actions_from_another_user_get_404(client, bob, draft):
    client.force_login(bob)
    for name in ("message_mailto", "message_eml", "message_mark_sent", "message_send"):
        url = reverse(f"outreach:{name}", args=[draft.pk])
        assert client.post(url, {"subject": "x", "body": "x"}).status_code == 404
    draft.refresh_from_db()
    assert draft.status == MessageStatus.DRAFT and draft.body != "x"


def test_a_refused_mark_sent_keeps_the_saved_draft_as_it_was(alice_client, draft):
    before = (draft.subject, draft.body)
    response = alice_client.post(
        reverse("outreach:message_mark_sent", args=[draft.pk]), {"subject": "Kept", "body": " "}
    )
    assert response.status_code == 200
    assert "The message is empty." in response.text and 'value="Kept"' in response.text
    draft.refresh_from_db()
    assert draft.status == MessageStatus.DRAFT and (draft.subject, draft.body) == before


def test_it_sends_the_text_on_screen(alice_client, draft, settings, mailoutbox):
    settings.EMAIL_HOST, settings.DEFAULT_FROM_EMAIL = "smtp.example.org", "me@example.org"
    alice_client.post(
        reverse("outreach:message_send", args=[draft.pk]),
        {"subject": "From the screen", "body": "Dear Ada, typed just now. Thank you."},
    )
    assert [m.subject for m in mailoutbox] == ["From the screen"]
    assert mailoutbox[0].body == "Dear Ada, typed just now. Thank you."
    draft.refresh_from_db()
    assert draft.status == MessageStatus.SENT and draft.body == mailoutbox[0].body


def test_a_send_that_fails_changes_nothing_and_shows_the_text(alice_client, draft, settings):
    settings.EMAIL_HOST = ""
    before = draft.body
    response = alice_client.post(
        reverse("outreach:message_send", args=[draft.pk]),
        {"subject": "Mine", "body": "Typed, not sent"},
    )
    assert response.status_code == 200
    assert "Not sent:" in response.text and "Typed, not sent" in response.text
    draft.refresh_from_db()
    assert draft.status == MessageStatus.DRAFT and draft.body == before
