"""Every write to templates and messages goes through here."""

import copy
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coffeechat.contacts.models import Contact
from coffeechat.conversations.models import State
from coffeechat.conversations.services import (
    conversation_open_get,
    conversation_record_reply,
    conversation_start,
    conversation_transition,
)
from coffeechat.lib.model_checks import tidy_lines, update_row, validate_instance
from coffeechat.lib.owned import Owner, check_owner
from coffeechat.lib.validation import NAME_LIMIT, TEXT_LIMIT, check_size, check_year
from coffeechat.lib.versions import STALE, text_version
from coffeechat.outreach.delivery import smtp_send
from coffeechat.outreach.drafting import (
    confidence_broken,
    draft_findings,
    refuse_do_not_contact,
    thank_you_refusal,
)
from coffeechat.outreach.lint import Finding
from coffeechat.outreach.models import (
    Channel,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
    ReplyOutcome,
    Template,
)
from coffeechat.outreach.templating import (
    BUILTINS,
    TEMPLATE_CHANNELS,
    TEMPLATE_KINDS,
    template_check,
)

# Templates

TEMPLATE_FIELDS = ("name", "kind", "channel", "subject", "body")
LINES = ("name", "subject")


def _validate_template(template: Template) -> None:
    lines = tidy_lines({"name": template.name or "", "subject": template.subject or ""}, LINES)
    template.name, template.subject = lines["name"], lines["subject"]
    template.body = (template.body or "").strip()
    errors: dict[str, str] = {}
    if not template.name:
        errors["name"] = "Give the template a name."
    if template.kind not in dict(TEMPLATE_KINDS):
        errors["kind"] = f"“{template.kind}” is not a kind of message a template can be for."
    if template.channel not in dict(TEMPLATE_CHANNELS):
        errors["channel"] = "A template is for e-mail or for a LinkedIn note."
    elif template.channel == Channel.EMAIL and not template.subject:
        errors["subject"] = "An e-mail needs a subject."
    elif template.channel == Channel.LINKEDIN and template.subject:
        errors["subject"] = "A LinkedIn note has no subject: leave this empty."
    if not template.body.strip():
        errors["body"] = "Write the message."
    if errors:
        raise ValidationError(errors)
    # The model's checks first: the template language is not run on text it would refuse.
    validate_instance(template)
    template_check(subject=template.subject, body=template.body)


@transaction.atomic
def template_create(
    *,
    owner: Owner,
    name: str,
    kind: str,
    channel: str,
    subject: str,
    body: str,
    builtin_key: str = "",
) -> Template:
    """A template of the owner's; with `builtin_key`, their version of that built-in."""
    if builtin_key:
        if builtin_key not in BUILTINS:
            raise ValidationError(f"There is no built-in template “{builtin_key}”.")
        # One version per built-in: it replaces the built-in wherever templates are offered.
        if Template.objects.owned_by(owner).filter(builtin_key=builtin_key).exists():
            raise ValidationError(
                f"You have already customised “{BUILTINS[builtin_key].name}”: edit your version."
            )
    template = Template(
        owner=owner,
        name=name,
        kind=kind,
        channel=channel,
        subject=subject,
        body=body,
        builtin_key=builtin_key,
    )
    _validate_template(template)
    template.save()
    return template


def template_update(*, owner: Owner, template: Template, **fields: Any) -> Template:
    check_owner(owner, template)
    update_row(template, fields, allowed=TEMPLATE_FIELDS, check=_validate_template)
    return template


def template_delete(*, owner: Owner, template: Template) -> None:
    """Deletes the template; for a customised built-in, the original is offered again."""
    check_owner(owner, template)
    template.delete()


# Messages


def _check_draft(message: Message) -> None:
    if message.status != MessageStatus.DRAFT:
        raise ValidationError("This message was already sent; it can no longer change.")


DRAFT_CHANGED_ELSEWHERE = (
    "This draft was changed in another window since this page showed it. What you typed is "
    "still here: save again to keep it, or reload the page to see the other version."
)


def message_version(message: Message) -> str:
    """The version of a draft's text that a page shows; a save names it (see message_update)."""
    return text_version(message.subject, message.body)


def _checked_text(message: Message, subject: str, body: str) -> dict[str, str]:
    """A draft's subject and body as they would be saved; refused text raises, by field."""
    changes = tidy_lines({"subject": subject}, ["subject"])
    changes["body"] = body.replace("\r\n", "\n")
    # Checked on a copy, so a refused edit leaves the caller's message as it was.
    probe = copy.copy(message)
    for field, value in changes.items():
        setattr(probe, field, value)
    validate_instance(probe, fields=changes)
    return changes


def _refuse_stale(stored: Message, changes: dict[str, str], version: str) -> bool:
    """Whether `changes` change the stored text; refused when that text is newer than the
    version the page started from (changed in another window)."""
    differs = any(getattr(stored, field) != value for field, value in changes.items())
    if differs and version and version != message_version(stored):
        raise ValidationError(DRAFT_CHANGED_ELSEWHERE, code=STALE)
    return differs


@transaction.atomic
def message_update(
    *, owner: Owner, message: Message, subject: str, body: str, version: str = ""
) -> Message:
    """Saves a draft's subject and body. With `version`, the text the page started from, a
    draft changed since (in another window) is refused rather than overwritten; saving the
    text that is already stored changes nothing, so the version stays."""
    check_owner(owner, message)
    _check_draft(message)
    changes = _checked_text(message, subject, body)
    # The stored row, locked, so two saves of one draft cannot pass each other.
    stored = Message.objects.select_for_update().get(pk=message.pk)
    _check_draft(stored)
    _refuse_stale(stored, changes, version)
    update_row(stored, changes, allowed=("subject", "body"))
    for field in (*changes, "updated_at"):
        setattr(message, field, getattr(stored, field))
    return message


def _refuse_thank_you_out_of_turn(message: Message) -> None:
    """A thank-you follows a conversation that was held, once."""
    if message.kind == MessageKind.THANK_YOU:
        refusal = thank_you_refusal(message.conversation, message.contact)
        if refusal:
            raise ValidationError(refusal, code="transition")


@transaction.atomic
def message_mark_sent(
    *,
    owner: Owner,
    message: Message,
    at: datetime | None = None,
    subject: str | None = None,
    body: str | None = None,
    version: str = "",
) -> Message:
    """Records a draft as sent; a sent request moves its conversation to “requested”, a sent
    thank-you moves a held conversation to “thanked”. A thank-you for a conversation that
    was not held is refused before anything is written. With `body` (and `subject`), the
    text on screen is saved first, as message_update does, and kept only if the message is
    recorded as sent."""
    check_owner(owner, message)
    _check_draft(message)
    if body is not None:
        message_update(
            owner=owner, message=message, subject=subject or "", body=body, version=version
        )
    refuse_do_not_contact(message.contact)
    if not message.body.strip():
        raise ValidationError({"body": "The message is empty."})
    _refuse_thank_you_out_of_turn(message)
    at = at or timezone.now()
    try:
        check_year(at)
    except ValidationError as error:
        raise ValidationError({"sent_at": error}) from None
    message.status = MessageStatus.SENT
    message.sent_at = at
    message.save()
    conversation = message.conversation
    if message.kind == MessageKind.THANK_YOU and conversation is not None:
        # Thanked also starts the keep-in-touch clock, which counts from thanked_at.
        conversation_transition(owner=owner, conversation=conversation, to=State.THANKED, at=at)
    if message.kind == MessageKind.REQUEST:
        if conversation is None or conversation.state not in (State.PLANNED, State.REQUESTED):
            conversation = conversation_start(owner=owner, contact=message.contact)
            message.conversation = conversation
            message.save(update_fields=["conversation"])
        if conversation.state == State.PLANNED:
            conversation_transition(
                owner=owner, conversation=conversation, to=State.REQUESTED, at=at
            )
    return message


def message_send(
    *,
    owner: Owner,
    message: Message,
    subject: str | None = None,
    body: str | None = None,
    version: str = "",
) -> Message:
    """Sends a draft e-mail over SMTP, then records it as sent. With `body` (and `subject`),
    the text on screen is what is checked, sent and saved. A refusal, or a delivery that
    fails, changes nothing."""
    check_owner(owner, message)
    _check_draft(message)
    sending = copy.copy(message)
    if body is not None:
        changes = _checked_text(message, subject or "", body)
        _refuse_stale(Message.objects.get(pk=message.pk), changes, version)
        for field, value in changes.items():
            setattr(sending, field, value)
    refuse_do_not_contact(message.contact)
    if message.channel != Channel.EMAIL:
        raise ValidationError("Only e-mail messages can be sent from coffeechat.")
    # Checked before the e-mail leaves, not only when it is recorded as sent.
    _refuse_thank_you_out_of_turn(message)
    broken = confidence_broken(message.contact, sending.subject, sending.body)
    if broken:
        raise ValidationError(f"{broken} Take the name out, then send.", code="confidence")
    smtp_send(owner=owner, message=sending)
    if body is None:
        return message_mark_sent(owner=owner, message=message)
    return message_mark_sent(
        owner=owner, message=message, subject=sending.subject, body=sending.body
    )


def message_discard(*, owner: Owner, message: Message) -> None:
    check_owner(owner, message)
    _check_draft(message)
    message.delete()


@transaction.atomic
def reply_log(
    *, owner: Owner, contact: Contact, outcome: str, body: str = "", at: datetime | None = None
) -> Message:
    """Records a reply from `contact` to the open request: accepted, declined or other."""
    check_owner(owner, contact)
    if outcome not in ReplyOutcome.values:
        raise ValidationError({"outcome": "Say whether they accepted, declined or other."})
    at = at or timezone.now()
    conversation = conversation_open_get(owner=owner, contact=contact)
    reply = Message(
        owner=owner,
        contact=contact,
        conversation=conversation,
        kind=MessageKind.REPLY,
        channel=Channel.EMAIL,
        direction=Direction.IN,
        status=MessageStatus.RECEIVED,
        reply_outcome=outcome,
        body=(body or "").replace("\r\n", "\n"),
        received_at=at,
    )
    # Checked before the conversation moves on, so a refused reply changes nothing.
    validate_instance(reply)
    if conversation is not None:
        conversation_record_reply(owner=owner, conversation=conversation, outcome=outcome, at=at)
    reply.save()
    return reply


def message_lint(
    *, owner: Owner, message: Message, subject: str | None = None, body: str | None = None
) -> list[Finding]:
    """The etiquette findings for a message, or for what the user is typing into it.

    A subject or body too long to be a message is not read: one too-large finding says so,
    in the words every size check uses.
    """
    check_owner(owner, message)
    for field, text, limit in (
        ("subject", message.subject if subject is None else subject, NAME_LIMIT),
        ("body", message.body if body is None else body, TEXT_LIMIT),
    ):
        try:
            check_size(text, limit=limit)
        except ValidationError as error:
            return [Finding("too-large", "error", error.messages[0], field=field)]
    return draft_findings(
        contact=message.contact,
        conversation=message.conversation,
        kind=message.kind,
        channel=message.channel,
        subject=message.subject if subject is None else subject,
        body=message.body if body is None else body,
    )
