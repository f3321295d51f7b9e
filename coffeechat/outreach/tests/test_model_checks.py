"""Bad values are refused by the template and message services before anything is written."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from coffeechat.conversations.models import Conversation, State
from coffeechat.lib.validation import TEXT_LIMIT
from coffeechat.outreach import services
from coffeechat.outreach.models import Message, MessageStatus, Template

GOOD = {
    "name": "Alumni request",
    "kind": "request",
    "channel": "email",
    "subject": "Hello {{ first_name }}",
    "body": "Dear {{ first_name }},\n\nCould we talk?",
}
BAD_TEMPLATES = [
    pytest.param({"name": "Alumni\x00request"}, "name", id="nul-in-name"),
    pytest.param({"name": "Alumni\r\nrequest"}, "name", id="crlf-in-name"),
    pytest.param({"subject": "Hello\r\nBcc: x@example.com"}, "subject", id="crlf-in-subject"),
    pytest.param({"body": "Dear\x00 you"}, "body", id="nul-in-body"),
    pytest.param({"body": "x" * (TEXT_LIMIT + 1)}, "body", id="long-body"),
]


@pytest.fixture
def draft(alice, contact):
    return services.message_draft_create(
        owner=alice, contact=contact, template_key="builtin:request_email"
    )


@pytest.mark.parametrize(("change", "field"), BAD_TEMPLATES)
def test_it_refuses_a_bad_template(alice, change, field):
    with pytest.raises(ValidationError) as refusal:
        services.template_create(owner=alice, **{**GOOD, **change})
    assert field in refusal.value.message_dict
    assert not Template.objects.exists()


@pytest.mark.parametrize(("change", "field"), BAD_TEMPLATES)
def test_it_refuses_a_bad_change_to_a_template(alice, change, field):
    template = services.template_create(owner=alice, **GOOD)
    with pytest.raises(ValidationError) as refusal:
        services.template_update(owner=alice, template=template, **change)
    assert field in refusal.value.message_dict
    assert Template.objects.get(pk=template.pk).name == "Alumni request"


@pytest.mark.parametrize(
    ("subject", "body", "field"),
    [
        pytest.param("Hello\r\nBcc: x@example.com", "Hi", "subject", id="crlf-in-subject"),
        pytest.param("Hello", "Hi\x00", "body", id="nul-in-body"),
        pytest.param("Hello", "x" * (TEXT_LIMIT + 1), "body", id="long-body"),
    ],
)
def test_it_refuses_a_bad_edit_of_a_draft(alice, draft, subject, body, field):
    before = (draft.subject, draft.body)
    with pytest.raises(ValidationError) as refusal:
        services.message_update(owner=alice, message=draft, subject=subject, body=body)
    assert field in refusal.value.message_dict
    assert (draft.subject, draft.body) == before
    stored = Message.objects.get(pk=draft.pk)
    assert (stored.subject, stored.body) == before


def test_it_refuses_a_draft_whose_text_would_not_fit(alice, contact):
    template = services.template_create(owner=alice, **{**GOOD, "body": "{{ their_work }}"})
    contact.their_work = "x" * 2_000
    contact.save()
    # Each merge field is short, but a template may repeat one: the draft is checked whole.
    long = services.template_create(
        owner=alice, **{**GOOD, "name": "Long", "body": "{{ their_work }} " * 20}
    )
    services.message_draft_create(owner=alice, contact=contact, template_key=f"own:{template.pk}")
    with pytest.raises(ValidationError) as refusal:
        services.message_draft_create(owner=alice, contact=contact, template_key=f"own:{long.pk}")
    assert "body" in refusal.value.message_dict
    assert Message.objects.count() == 1


@pytest.mark.parametrize("body", ["Yes\x00", "z" * (TEXT_LIMIT + 1)])
def test_it_refuses_a_bad_reply_and_leaves_the_conversation(alice, contact, draft, body):
    services.message_mark_sent(owner=alice, message=draft)
    with pytest.raises(ValidationError) as refusal:
        services.reply_log(owner=alice, contact=contact, outcome="accepted", body=body)
    assert "body" in refusal.value.message_dict
    conversation = Conversation.objects.get()
    assert (conversation.state, conversation.replied_at) == (State.REQUESTED, None)
    assert not Message.objects.filter(direction="in").exists()


def test_it_refuses_to_record_a_message_sent_out_of_range(alice, draft):
    with pytest.raises(ValidationError) as refusal:
        services.message_mark_sent(owner=alice, message=draft, at=datetime(9999, 1, 1, tzinfo=UTC))
    assert "sent_at" in refusal.value.message_dict
    assert Message.objects.get(pk=draft.pk).status == MessageStatus.DRAFT
