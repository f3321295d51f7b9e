from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coffeechat.conversations.models import Conversation, State
from coffeechat.conversations.services import conversation_transition
from coffeechat.outreach import services
from coffeechat.outreach.drafting import message_draft_create
from coffeechat.outreach.models import Message, MessageStatus

NOT_HELD = "A thank-you can only follow a conversation that was held."


def _thank_you(alice, contact, conversation) -> Message:
    return message_draft_create(
        owner=alice,
        contact=contact,
        template="builtin:thank_you_email",
        conversation=conversation,
        takeaway="run one small study with real users before applying anywhere.",
    )


def _written_by_hand(alice, contact, conversation) -> Message:
    """A thank-you draft that did not come from the draft service (typed in, or imported)."""
    return Message.objects.create(
        owner=alice,
        contact=contact,
        conversation=conversation,
        kind="thank_you",
        subject="Thank you",
        body="Thank you for your advice about small studies.",
    )


@pytest.fixture
def held(alice, conversation):
    conversation_transition(owner=alice, conversation=conversation, to=State.SCHEDULED)
    return conversation_transition(owner=alice, conversation=conversation, to=State.HELD)


def test_the_draft_names_the_takeaway(alice, contact, held):
    draft = _thank_you(alice, contact, held)
    assert draft.kind == "thank_you" and draft.conversation == held
    assert "run one small study with real users before applying anywhere" in draft.body


def test_sending_a_thank_you_thanks_a_held_conversation_at_the_sent_time(alice, contact, held):
    draft = _thank_you(alice, contact, held)
    sent_at = timezone.now() - timedelta(hours=3)
    services.message_mark_sent(owner=alice, message=draft, at=sent_at)
    held.refresh_from_db()
    draft.refresh_from_db()
    assert draft.status == MessageStatus.SENT and draft.sent_at == sent_at
    assert held.state == State.THANKED
    assert held.thanked_at == sent_at and held.closed_at == sent_at


@pytest.mark.parametrize(
    "state",
    [State.PLANNED, State.REQUESTED, State.SCHEDULED, State.NO_SHOW, State.CANCELLED],
    ids=str,
)
def test_a_thank_you_before_the_conversation_was_held_is_refused_and_nothing_written(
    alice, contact, state
):
    conversation = Conversation.objects.create(owner=alice, contact=contact, state=state)
    with pytest.raises(ValidationError) as caught:
        _thank_you(alice, contact, conversation)
    assert caught.value.messages == [NOT_HELD]
    draft = _written_by_hand(alice, contact, conversation)
    with pytest.raises(ValidationError) as caught:
        services.message_mark_sent(owner=alice, message=draft)
    assert caught.value.messages == [NOT_HELD]
    draft.refresh_from_db()
    conversation.refresh_from_db()
    assert draft.status == MessageStatus.DRAFT and draft.sent_at is None
    assert conversation.state == state and conversation.thanked_at is None


def test_a_thank_you_without_a_conversation_is_refused(alice, contact):
    draft = Message.objects.create(owner=alice, contact=contact, kind="thank_you", body="Thanks!")
    with pytest.raises(ValidationError) as caught:
        services.message_mark_sent(owner=alice, message=draft)
    assert caught.value.messages == [NOT_HELD]
    draft.refresh_from_db()
    assert draft.status == MessageStatus.DRAFT


def test_a_second_thank_you_is_refused(alice, contact, held):
    first, second = _thank_you(alice, contact, held), _thank_you(alice, contact, held)
    services.message_mark_sent(owner=alice, message=first)
    with pytest.raises(ValidationError) as caught:
        services.message_mark_sent(owner=alice, message=second)
    assert "already thanked Ada Lovelace" in caught.value.messages[0]
    second.refresh_from_db()
    assert second.status == MessageStatus.DRAFT


@pytest.fixture
def smtp(settings):
    settings.EMAIL_HOST = "127.0.0.1"
    settings.DEFAULT_FROM_EMAIL = "alice@example.org"


def test_a_thank_you_is_not_emailed_before_the_conversation_was_held(
    alice, contact, conversation, smtp, mailoutbox
):
    draft = _written_by_hand(alice, contact, conversation)
    with pytest.raises(ValidationError) as caught:
        services.message_send(owner=alice, message=draft)
    assert caught.value.messages == [NOT_HELD]
    assert mailoutbox == []


def test_emailing_a_thank_you_thanks_the_conversation(alice, contact, held, smtp, mailoutbox):
    services.message_send(owner=alice, message=_thank_you(alice, contact, held))
    assert len(mailoutbox) == 1
    held.refresh_from_db()
    assert held.state == State.THANKED


def test_other_messages_leave_a_held_conversation_as_it_is(alice, contact, held):
    draft = message_draft_create(
        owner=alice,
        contact=contact,
        template="builtin:keep_in_touch_article_email",
        conversation=held,
        slots={"article_title": "Small studies", "article_link": "https://example.org/s"},
    )
    services.message_mark_sent(owner=alice, message=draft)
    held.refresh_from_db()
    assert held.state == State.HELD and held.thanked_at is None


def test_marking_a_thank_you_sent_on_the_page_thanks_the_conversation(
    alice_client, alice, contact, held
):
    draft = _thank_you(alice, contact, held)
    response = alice_client.post(reverse("outreach:message_mark_sent", args=[draft.pk]))
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.state == State.THANKED and held.thanked_at is not None


def test_marking_an_early_thank_you_sent_on_the_page_explains_the_refusal(
    alice_client, alice, contact, conversation
):
    draft = _written_by_hand(alice, contact, conversation)
    response = alice_client.post(
        reverse("outreach:message_mark_sent", args=[draft.pk]), follow=True
    )
    assert NOT_HELD in response.text
    draft.refresh_from_db()
    assert draft.status == MessageStatus.DRAFT
