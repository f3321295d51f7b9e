"""Writing a request or a thank-you again opens the unsent draft instead of starting another."""

import pytest
from django.urls import reverse

from coffeechat.contacts.models import Contact
from coffeechat.conversations.models import Conversation, State
from coffeechat.conversations.services import conversation_transition
from coffeechat.outreach.drafting import message_draft_create, message_draft_open_or_create
from coffeechat.outreach.models import Message, MessageKind, MessageStatus
from coffeechat.outreach.services import message_mark_sent


@pytest.fixture
def held(alice, conversation):
    conversation_transition(owner=alice, conversation=conversation, to=State.SCHEDULED)
    return conversation_transition(owner=alice, conversation=conversation, to=State.HELD)


def _write(client, contact, **query):
    return client.get(reverse("outreach:write", args=[contact.pk]), query)


def test_the_service_opens_the_draft_of_the_same_kind(alice, contact):
    first, created = message_draft_open_or_create(owner=alice, contact=contact, template="request")
    again, created_again = message_draft_open_or_create(
        owner=alice, contact=contact, template="request_linkedin"
    )
    assert created and not created_again and again == first
    assert Message.objects.filter(owner=alice, kind=MessageKind.REQUEST).count() == 1


def test_a_sent_request_is_not_reopened(alice, contact):
    first = message_draft_create(owner=alice, contact=contact, template="request")
    message_mark_sent(owner=alice, message=first)
    nudge, created = message_draft_open_or_create(owner=alice, contact=contact, template="nudge")
    assert created and nudge.kind == MessageKind.NUDGE


def test_the_service_still_applies_the_rules(alice, contact, conversation):
    with pytest.raises(Exception, match="held"):
        message_draft_open_or_create(
            owner=alice,
            contact=contact,
            template="thank_you",
            conversation=conversation,
            takeaway="x",
        )


def test_write_opens_the_compose_page_when_there_is_no_draft(alice_client, contact):
    response = _write(alice_client, contact, kind="request")
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:compose", args=[contact.pk]) + "?kind=request"
    assert not Message.objects.exists()


def test_write_opens_the_unsent_request_draft(alice, alice_client, contact):
    draft = message_draft_create(owner=alice, contact=contact, template="request")
    response = _write(alice_client, contact, kind="request")
    assert response["Location"] == reverse("outreach:message_edit", args=[draft.pk])
    assert Message.objects.count() == 1


def test_write_the_thank_you_goes_to_the_takeaways_then_to_the_draft(
    alice, alice_client, contact, held
):
    response = _write(alice_client, contact, kind="thank_you", conversation=held.pk)
    detail = reverse("conversations:conversation_detail", args=[held.pk])
    assert response["Location"] == f"{detail}#thank-you-heading"

    alice_client.post(
        reverse("conversations:thank_you", args=[held.pk]), {"takeaway_words": "your advice"}
    )
    [draft] = Message.objects.filter(kind=MessageKind.THANK_YOU, status=MessageStatus.DRAFT)
    response = _write(alice_client, contact, kind="thank_you", conversation=held.pk)
    assert response["Location"] == reverse("outreach:message_edit", args=[draft.pk])

    # Writing it again from the conversation page opens the same draft.
    again = alice_client.post(
        reverse("conversations:thank_you", args=[held.pk]),
        {"takeaway_words": "your reading list"},
        follow=True,
    )
    assert again.redirect_chain[-1][0] == reverse("outreach:message_edit", args=[draft.pk])
    assert "You had already started this thank-you" in again.text
    assert Message.objects.filter(kind=MessageKind.THANK_YOU).count() == 1
    page = alice_client.get(detail).text
    assert "You have started one" in page and 'name="takeaway_words"' not in page


def test_choosing_a_template_again_opens_the_request_draft(alice, alice_client, contact):
    draft = message_draft_create(owner=alice, contact=contact, template="request")
    response = alice_client.post(
        reverse("outreach:compose", args=[contact.pk]),
        {"template": "builtin:request_email"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("outreach:message_edit", args=[draft.pk])
    assert "You had already started this request" in response.text
    assert Message.objects.count() == 1


@pytest.mark.parametrize("query", [{}, {"kind": "poem"}, {"kind": "request", "conversation": "x"}])
def test_write_without_a_kind_of_message_is_not_found(alice_client, contact, query):
    if query.get("conversation") == "x":
        # A bad conversation id reads as none: the compose page for the kind.
        assert _write(alice_client, contact, **query).status_code == 302
    else:
        assert _write(alice_client, contact, **query).status_code == 404


def test_write_refuses_post_and_another_users_conversation(
    alice_client, bob, contact, conversation
):
    url = reverse("outreach:write", args=[contact.pk])
    assert alice_client.post(url, {"kind": "request"}).status_code == 405
    stranger = Contact.objects.create(owner=bob, name="Someone Else")
    theirs = Conversation.objects.create(owner=bob, contact=stranger)
    response = _write(alice_client, contact, kind="thank_you", conversation=theirs.pk)
    assert response.status_code == 404
