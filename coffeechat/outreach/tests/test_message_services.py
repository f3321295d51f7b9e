import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coffeechat.accounts.services import profile_update
from coffeechat.contacts.models import Contact
from coffeechat.contacts.services import contact_create, contact_update
from coffeechat.conversations.models import Conversation, State
from coffeechat.outreach import services
from coffeechat.outreach.models import Message, MessageStatus, Template


@pytest.fixture
def draft(alice, contact):
    profile_update(owner=alice, display_name="Alice Ng", goal_fields="computing history")
    contact.their_work = "your notes on the Analytical Engine"
    contact.connection_note = "we both studied at the Bletchley summer school"
    contact.save()
    return services.message_draft_create(
        owner=alice, contact=contact, template_key="builtin:request_email"
    )


def test_it_drafts_a_request_from_a_template_with_the_fields_filled(alice, contact, draft):
    assert draft.status == MessageStatus.DRAFT and draft.direction == "out"
    assert draft.kind == "request" and draft.channel == "email"
    assert "Ada" in draft.body
    assert "your notes on the Analytical Engine" in draft.body
    assert "{{" not in draft.body and draft.subject
    assert draft.conversation.state == State.PLANNED
    assert draft.conversation.contact == contact


def test_it_reuses_the_open_conversation(alice, contact, draft):
    again = services.message_draft_create(
        owner=alice, contact=contact, template_key="builtin:request_linkedin"
    )
    assert again.conversation == draft.conversation
    assert Conversation.objects.count() == 1


def test_it_refuses_an_email_template_for_a_contact_without_email(alice):
    person = contact_create(owner=alice, name="No Mail")
    with pytest.raises(ValidationError) as caught:
        services.message_draft_create(
            owner=alice, contact=person, template_key="builtin:request_email"
        )
    assert "has no e-mail address" in str(caught.value)
    linkedin = services.message_draft_create(
        owner=alice, contact=person, template_key="builtin:request_linkedin"
    )
    assert linkedin.channel == "linkedin"


def test_it_refuses_a_do_not_contact_person_and_writes_nothing(alice, contact):
    contact_update(owner=alice, contact=contact, do_not_contact=True)
    with pytest.raises(ValidationError) as caught:
        services.message_draft_create(
            owner=alice, contact=contact, template_key="builtin:request_email"
        )
    assert "do not contact" in str(caught.value)
    assert not Message.objects.exists() and not Conversation.objects.exists()


def test_it_refuses_an_unknown_template(alice, contact):
    with pytest.raises(ValidationError):
        services.message_draft_create(owner=alice, contact=contact, template_key="builtin:nope")


def test_it_marks_a_request_sent_and_moves_the_conversation(alice, draft):
    at = timezone.now()
    services.message_mark_sent(owner=alice, message=draft, at=at)
    draft.refresh_from_db()
    assert draft.status == MessageStatus.SENT and draft.sent_at == at
    conversation = Conversation.objects.get()
    assert conversation.state == State.REQUESTED and conversation.requested_at == at


def test_it_refuses_to_change_or_resend_a_sent_message(alice, draft):
    services.message_mark_sent(owner=alice, message=draft)
    with pytest.raises(ValidationError):
        services.message_update(owner=alice, message=draft, subject="x", body="y")
    with pytest.raises(ValidationError):
        services.message_mark_sent(owner=alice, message=draft)
    with pytest.raises(ValidationError):
        services.message_discard(owner=alice, message=draft)


def test_it_refuses_to_mark_sent_once_the_contact_is_do_not_contact(alice, contact, draft):
    contact_update(owner=alice, contact=contact, do_not_contact=True)
    draft.refresh_from_db()
    with pytest.raises(ValidationError):
        services.message_mark_sent(owner=alice, message=draft)
    assert Conversation.objects.get().state == State.PLANNED


def test_it_saves_edits_to_a_draft(alice, draft):
    services.message_update(owner=alice, message=draft, subject="  A  subject ", body="Hi\r\nthere")
    draft.refresh_from_db()
    assert (draft.subject, draft.body) == ("A subject", "Hi\nthere")


def test_it_logs_an_accepted_reply(alice, contact, draft):
    services.message_mark_sent(owner=alice, message=draft)
    reply = services.reply_log(owner=alice, contact=contact, outcome="accepted", body="Happy to!")
    assert (reply.direction, reply.status, reply.reply_outcome) == ("in", "received", "accepted")
    conversation = Conversation.objects.get()
    assert conversation.state == State.REQUESTED and conversation.replied_at == reply.received_at
    assert reply.conversation == conversation


def test_it_logs_a_declined_reply_and_closes_the_conversation(alice, contact, draft):
    services.message_mark_sent(owner=alice, message=draft)
    services.reply_log(owner=alice, contact=contact, outcome="declined")
    assert Conversation.objects.get().state == State.DECLINED


def test_it_refuses_an_unknown_reply_outcome(alice, contact):
    with pytest.raises(ValidationError):
        services.reply_log(owner=alice, contact=contact, outcome="maybe")
    assert not Message.objects.exists() and not Conversation.objects.exists()


def test_it_lints_what_is_being_typed(alice, draft):
    findings = services.message_lint(owner=alice, message=draft, body="Do you have any openings?")
    assert "job-ask" in {f.code for f in findings}
    clean = services.message_lint(owner=alice, message=draft)
    assert not [f for f in clean if f.severity == "error"]


def test_it_refuses_another_users_message(bob, draft):
    for call in (
        lambda: services.message_update(owner=bob, message=draft, subject="x", body="x"),
        lambda: services.message_mark_sent(owner=bob, message=draft),
        lambda: services.message_discard(owner=bob, message=draft),
        lambda: services.message_lint(owner=bob, message=draft),
    ):
        with pytest.raises(PermissionError):
            call()
    draft.refresh_from_db()
    assert draft.status == MessageStatus.DRAFT


@pytest.mark.parametrize("separator", ["\r\n", "\n", "\r", "\u2028", "\x85"])
def test_it_refuses_a_subject_on_two_lines_and_keeps_the_draft(alice, draft, separator):
    before = draft.subject
    with pytest.raises(ValidationError) as caught:
        services.message_update(
            owner=alice, message=draft, subject=f"Hi{separator}Bcc: x@evil.example", body="y"
        )
    assert caught.value.message_dict == {"subject": ["This must fit on one line."]}
    draft.refresh_from_db()
    assert draft.subject == before


def test_a_name_stored_on_two_lines_is_one_line_in_a_drafted_subject(alice, contact):
    Contact.objects.filter(pk=contact.pk).update(first_name="Ada\r\nBcc: x@evil.example")
    contact.refresh_from_db()
    template = services.template_create(
        owner=alice,
        name="Mine",
        kind="request",
        channel="email",
        subject="Hello {{ first_name }}",
        body="Dear {{ first_name }}",
    )
    draft = services.message_draft_create(
        owner=alice, contact=contact, template_key=f"own:{template.pk}"
    )
    assert draft.subject == "Hello Ada Bcc: x@evil.example"


def test_it_writes_no_draft_whose_text_would_pass_the_output_cap(alice, contact):
    profile_update(owner=alice, pitch="I retrain as a data analyst. " * 40)
    template = Template.objects.create(
        owner=alice,
        name="Echo",
        kind="request",
        channel="linkedin",
        body="{{ " + " ~ ".join(["my_pitch"] * 440) + " }}",
    )
    with pytest.raises(ValidationError, match="longer than 100,000 characters"):
        services.message_draft_create(
            owner=alice, contact=contact, template_key=f"own:{template.pk}"
        )
    assert not Message.objects.exists() and not Conversation.objects.exists()
