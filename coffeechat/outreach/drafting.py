"""One way to draft a message: the web pages, the command line and the API all come here.

`message_draft` chooses the template that fits the person, applies every rule about who may
be written to and when, fills the template in and runs the etiquette linter; it writes
nothing. `message_draft_save` keeps a draft as a Message, and `message_draft_create` does
both. A refusal is a ValidationError with one sentence a person can act on.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F

from coffeechat.contacts.models import Contact
from coffeechat.contacts.services import coworker_warning
from coffeechat.conversations.etiquette import DAY_OF_ETIQUETTE
from coffeechat.conversations.models import Conversation, State
from coffeechat.conversations.services import conversation_open_get, conversation_start
from coffeechat.lib.model_checks import validate_instance
from coffeechat.lib.owned import Owner, check_owner
from coffeechat.lib.validation import LINE_LIMIT, check_line, one_line
from coffeechat.outreach.builtin_templates import FAMILIES
from coffeechat.outreach.lint import LINKEDIN_NOTE_LIMIT, Draft, Finding, lint
from coffeechat.outreach.models import Channel, Direction, Message, MessageKind, MessageStatus
from coffeechat.outreach.selectors import open_draft
from coffeechat.outreach.template_fields import MOVED_BY, SLOT_LABELS, SLOTS, merge_fields
from coffeechat.outreach.templating import (
    BUILTINS,
    TemplateChoice,
    builtin_version,
    render,
    template_get,
    uses_field,
)

# Which keep-in-touch message a slot asks for, when the user names only the kind.
_KEEP_IN_TOUCH_BY_SLOT = {
    "article_title": "keep_in_touch_article",
    "article_link": "keep_in_touch_article",
    "update": "keep_in_touch_update",
    "their_news": "keep_in_touch_congratulations",
    "offer": "keep_in_touch_offer",
}

_BOOKED_KINDS = (MessageKind.CONFIRMATION, MessageKind.RESCHEDULE)


@dataclass(frozen=True)
class MessageDraft:
    """A filled-in message, not saved yet, with what the etiquette linter found in it."""

    contact: Contact
    conversation: Conversation | None
    template: TemplateChoice
    subject: str
    body: str
    findings: list[Finding] = field(default_factory=list)
    tips: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return self.template.kind

    @property
    def channel(self) -> str:
        return self.template.channel

    def as_json(self) -> dict[str, Any]:
        """The shape `coffeechat draft --json` prints and the API returns."""
        return {
            "subject": self.subject,
            "body": self.body,
            "template": self.template.key,
            "channel": self.channel,
            "findings": [
                {"rule": f.code, "severity": f.severity, "message": f.message}
                for f in self.findings
            ],
        }


def message_draft(
    *,
    owner: Owner,
    contact: Contact,
    template: str | TemplateChoice,
    channel: str | None = None,
    conversation: Conversation | None = None,
    takeaway: str | None = None,
    slots: dict[str, str] | None = None,
    slot_gaps: bool = False,
) -> MessageDraft:
    """A draft to `contact` from `template`: a kind of message (request, thank_you…), a
    built-in's family or key (reminder, request_linkedin) or a template key (own:12).

    The referral request is chosen when the referrer allowed their name, a LinkedIn note when
    the person has no e-mail address or `channel` asks for one, and the user's version of a
    built-in whenever they customised it. A TemplateChoice the owner was offered
    (`templates_for`) is used as it is. With `slot_gaps`, a slot not written yet shows as a
    gap in brackets instead of refusing the draft: a preview before the user writes them.
    """
    check_owner(owner, contact, conversation)
    refuse_do_not_contact(contact)
    slots = dict(slots or {})
    if takeaway is not None:
        slots["takeaway"] = takeaway
    slots = _clean_slots(slots)
    if isinstance(template, TemplateChoice):
        choice = template
    else:
        choice = _choose(owner, contact, (template or "").strip(), channel, slots)
    _check_fits(choice, contact, channel)
    conversation = _conversation_for(owner, contact, choice, conversation)
    if slot_gaps:
        slots = {name: f"[{SLOT_LABELS[name]}]" for name in choice.slots} | slots
    else:
        _check_slots(choice, slots)
    fields = merge_fields(owner=owner, contact=contact, conversation=conversation, slots=slots)
    # A name saved before names were held to one line must not break the subject.
    subject = one_line(render(choice.subject, fields)) if choice.subject else ""
    body = _tidy(render(choice.body, fields))
    _check_output(contact, choice, subject, body)
    findings = draft_findings(
        contact=contact,
        conversation=conversation,
        kind=choice.kind,
        channel=choice.channel,
        subject=subject,
        body=body,
    )
    tips = DAY_OF_ETIQUETTE if choice.family == "reminder" else ()
    cautions = draft_cautions(owner=owner, contact=contact, kind=choice.kind)
    return MessageDraft(contact, conversation, choice, subject, body, findings, tips, cautions)


@transaction.atomic
def message_draft_save(*, owner: Owner, draft: MessageDraft) -> Message:
    """Keeps `draft` as a draft message; a request or nudge joins the open conversation."""
    contact, conversation = draft.contact, draft.conversation
    check_owner(owner, contact, conversation)
    if conversation is None and draft.kind in (MessageKind.REQUEST, MessageKind.NUDGE):
        conversation = conversation_start(owner=owner, contact=contact)
    message = Message(
        owner=owner,
        contact=contact,
        conversation=conversation,
        kind=draft.kind,
        channel=draft.channel,
        direction=Direction.OUT,
        status=MessageStatus.DRAFT,
        subject=draft.subject,
        body=draft.body,
    )
    validate_instance(message)
    message.save()
    return message


def message_draft_create(
    *,
    owner: Owner,
    contact: Contact,
    template: str,
    channel: str | None = None,
    conversation: Conversation | None = None,
    takeaway: str | None = None,
    slots: dict[str, str] | None = None,
) -> Message:
    """`message_draft`, kept as a draft message: what the pages call."""
    draft = message_draft(
        owner=owner,
        contact=contact,
        template=template,
        channel=channel,
        conversation=conversation,
        takeaway=takeaway,
        slots=slots,
    )
    return message_draft_save(owner=owner, draft=draft)


# One unsent draft of each of these at a time: writing one again opens the draft instead.
REUSED_KINDS = (MessageKind.REQUEST, MessageKind.NUDGE, MessageKind.THANK_YOU)


def message_draft_open_or_create(
    *,
    owner: Owner,
    contact: Contact,
    template: str,
    channel: str | None = None,
    conversation: Conversation | None = None,
    takeaway: str | None = None,
    slots: dict[str, str] | None = None,
) -> tuple[Message, bool]:
    """The unsent draft of this kind to `contact` when there is one (False), else a new one
    (True). The rules are checked either way, so a thank-you drafted before the
    conversation was cancelled is not opened as if it could still be sent."""
    draft = message_draft(
        owner=owner,
        contact=contact,
        template=template,
        channel=channel,
        conversation=conversation,
        takeaway=takeaway,
        slots=slots,
    )
    if draft.kind in REUSED_KINDS:
        existing = open_draft(
            owner=owner, contact=contact, kind=draft.kind, conversation=draft.conversation
        )
        if existing is not None:
            return existing, False
    return message_draft_save(owner=owner, draft=draft), True


# The rules, each written once ----------------------------------------------------------


def refuse_do_not_contact(contact: Contact) -> None:
    if contact.do_not_contact:
        raise ValidationError(
            f"{contact.name} is marked “do not contact”: coffeechat will not write to them.",
            code="do_not_contact",
        )


def thank_you_refusal(conversation: Conversation | None, contact: Contact) -> str:
    """Why a thank-you cannot be written for `conversation` now, or "" when it can."""
    if conversation is not None and conversation.state == State.THANKED:
        return f"You have already thanked {contact.name} for this conversation."
    if conversation is None or conversation.state != State.HELD:
        return "A thank-you can only follow a conversation that was held."
    return ""


def _referral_usable(contact: Contact) -> bool:
    return bool(contact.referred_by_id and contact.may_use_referrer_name)


def _family_for(contact: Contact, name: str, slots: dict[str, str]) -> str:
    if name == MessageKind.REQUEST and _referral_usable(contact):
        return "request_referral"
    if name == MessageKind.KEEP_IN_TOUCH:
        chosen = {_KEEP_IN_TOUCH_BY_SLOT[s] for s in slots if s in _KEEP_IN_TOUCH_BY_SLOT}
        if len(chosen) != 1:
            raise ValidationError(
                "Say which keep-in-touch message: keep_in_touch_article (with article_title "
                "and article_link), keep_in_touch_update (with update), "
                "keep_in_touch_congratulations (with their_news) or keep_in_touch_offer "
                "(with offer)."
            )
        return chosen.pop()
    if name not in FAMILIES:
        kinds = ", ".join([*FAMILIES, "keep_in_touch"])
        raise ValidationError(
            f"There is no template or kind of message “{name}”. The kinds are {kinds}; "
            "or give a template key such as request_linkedin or own:12."
        )
    return name


def _choose(
    owner: Owner, contact: Contact, name: str, channel: str | None, slots: dict[str, str]
) -> TemplateChoice:
    if channel not in (None, "", Channel.EMAIL, Channel.LINKEDIN):
        raise ValidationError(f"“{channel}” is not a channel: choose email or linkedin.")
    if ":" in name or name in BUILTINS:
        key = name if ":" in name else f"builtin:{name}"
        try:
            return template_get(owner=owner, key=key)
        except LookupError:
            raise ValidationError(f"There is no template “{name}”.") from None
    family = _family_for(contact, name, slots)
    if not channel:
        channel = Channel.EMAIL if contact.email else Channel.LINKEDIN
    return builtin_version(owner=owner, slug=f"{family}_{channel}")


def _check_fits(choice: TemplateChoice, contact: Contact, channel: str | None) -> None:
    if channel and choice.channel != channel:
        raise ValidationError(
            f"“{choice.name}” is written for {Channel(choice.channel).label}, not "
            f"{Channel(channel).label}: leave out the channel or choose another template."
        )
    if choice.channel == Channel.EMAIL and not contact.email:
        raise ValidationError(
            f"{contact.name} has no e-mail address: write a LinkedIn message instead "
            "(channel linkedin)."
        )
    if uses_field(choice, "referrer") and not _referral_usable(contact):
        reason = (
            "their referrer asked not to be named"
            if contact.referred_by_id
            else "nobody referred them"
        )
        raise ValidationError(
            f"“{choice.name}” names who referred {contact.name}, but {reason}: "
            "choose the plain request."
        )


def _conversation_for(
    owner: Owner, contact: Contact, choice: TemplateChoice, conversation: Conversation | None
) -> Conversation | None:
    if conversation is not None and conversation.contact_id != contact.pk:
        raise ValidationError("That conversation is with someone else.")
    if choice.kind == MessageKind.THANK_YOU:
        conversation = conversation or _latest(owner, contact, (State.HELD, State.THANKED))
        refusal = thank_you_refusal(conversation, contact)
        if refusal:
            raise ValidationError(refusal, code="transition")
    elif choice.kind in _BOOKED_KINDS:
        conversation = conversation or conversation_open_get(owner=owner, contact=contact)
        if conversation is None or conversation.state != State.SCHEDULED:
            raise ValidationError(
                f"Book a time with {contact.name} first: this message gives the date, time "
                "and place.",
                code="transition",
            )
    elif choice.kind in (MessageKind.REQUEST, MessageKind.NUDGE) and conversation is None:
        conversation = conversation_open_get(owner=owner, contact=contact)
    return conversation


def _latest(owner: Owner, contact: Contact, states: tuple[str, ...]) -> Conversation | None:
    return (
        Conversation.objects.owned_by(owner)
        .filter(contact=contact, state__in=states)
        .order_by(F("held_at").desc(nulls_last=True), "-created_at", "-pk")
        .first()
    )


def _clean_slots(slots: dict[str, str]) -> dict[str, str]:
    cleaned = {}
    for name, value in slots.items():
        if name not in SLOTS:
            raise ValidationError(
                f"There is no slot “{name}”; the slots are {', '.join(SLOTS)}.", code="slot"
            )
        value = " ".join(str(value or "").split())
        try:
            cleaned[name] = check_line(value, limit=LINE_LIMIT)
        except ValidationError as error:
            raise ValidationError(f"{name}: {' '.join(error.messages)}", code="slot") from None
    return cleaned


def _check_slots(choice: TemplateChoice, slots: dict[str, str]) -> None:
    for name in choice.slots:
        if not slots.get(name):
            description = SLOTS[name][0].lower() + SLOTS[name][1:].rstrip(".")
            raise ValidationError(
                f"This message needs {SLOT_LABELS[name]}: {description} (slot {name}).",
                code="slot",
            )
    moved_by = slots.get("moved_by")
    if "moved_by" in choice.slots and moved_by not in MOVED_BY:
        raise ValidationError("moved_by: say “me” or “them”.", code="slot")
    if "article_link" in choice.slots:
        try:
            URLValidator(schemes=["http", "https"])(slots["article_link"])
        except ValidationError:
            raise ValidationError(
                "article_link: give the whole link, starting with https://.", code="slot"
            ) from None


def _tidy(text: str) -> str:
    """Spaces and blank lines left by fields that were empty, taken out: one space between
    words, no space at a line's ends, never an empty paragraph."""
    lines = [" ".join(line.split()) for line in text.strip().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _names_of(person: Contact) -> list[str]:
    names = {person.first_name, person.last_name, *person.name.split()}
    return sorted(n for n in names if len(n) >= 2)


def unnamed_referrer_in(contact: Contact, text: str) -> tuple[int, int] | None:
    """Where `text` names the person who referred `contact` but asked not to be named, or
    None. Names count as written with their capital: "Grace", not "grace period"."""
    referrer = contact.referred_by
    if referrer is None or contact.may_use_referrer_name:
        return None
    for name in _names_of(referrer):
        found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
        if found:
            return found.span()
    return None


def confidence_broken(contact: Contact, subject: str, body: str) -> str:
    """Why this text breaks a referrer's confidence, or "" when it does not."""
    referrer = contact.referred_by
    if referrer is None or unnamed_referrer_in(contact, f"{subject}\n{body}") is None:
        return ""
    return f"This names {referrer.name}, who asked not to be named to {contact.name}."


def _check_output(contact: Contact, choice: TemplateChoice, subject: str, body: str) -> None:
    refusal = confidence_broken(contact, subject, body)
    if refusal:
        raise ValidationError(
            f"{refusal} Take the name out of what you wrote for this message or on their page.",
            code="confidence",
        )
    if choice.channel == Channel.LINKEDIN and len(body) > LINKEDIN_NOTE_LIMIT:
        raise ValidationError(
            f"This LinkedIn message would be {len(body)} characters and LinkedIn takes "
            f"{LINKEDIN_NOTE_LIMIT}: shorten what you wrote for it, or send an e-mail.",
            code="too_long",
        )


def draft_cautions(*, owner: Owner, contact: Contact, kind: str) -> tuple[str, ...]:
    """What to think about before writing to `contact` at all: not the message's wording
    (that is the linter's) but whom it goes to and what you know of them."""
    cautions = []
    coworker = coworker_warning(
        owner=owner, organization=contact.organization, source=contact.source
    )
    if coworker:
        cautions.append(coworker)
    if kind == MessageKind.REQUEST and not contact.researched:
        where = contact.organization.name if contact.organization else "their organisation"
        cautions.append(
            f"You have noted no research on {contact.name} or {where}, and nothing on "
            "their research checklist is done. Read their profile and what the organisation "
            "has done lately first: it is how a request shows why them, and it keeps your "
            "questions to what a search cannot answer."
        )
    return tuple(cautions)


def draft_findings(
    *,
    contact: Contact,
    conversation: Conversation | None,
    kind: str,
    channel: str,
    subject: str,
    body: str,
) -> list[Finding]:
    """The etiquette linter's findings for a message to `contact`, and first an error when
    what the user typed names a referrer who asked not to be."""
    referrer = (
        contact.referred_by.name
        if contact.referred_by is not None and _referral_usable(contact)
        else ""
    )
    confidence = []
    refusal = confidence_broken(contact, subject, body)
    if refusal:
        span = unnamed_referrer_in(contact, body)
        confidence.append(
            Finding(
                "named-referrer",
                "error",
                f"{refusal} Take the name out before sending.",
                start=span[0] if span else None,
                end=span[1] if span else None,
                field="body" if span else "subject",
            )
        )
    takeaways: tuple[str, ...] = ()
    if conversation is not None:
        takeaways = tuple(conversation.takeaways.values_list("text", flat=True))
    return confidence + lint(
        Draft(
            body=body,
            subject=subject,
            kind=kind,
            channel=channel,
            do_not_contact=contact.do_not_contact,
            # What the user wrote to them, and their own notes on the person: words from
            # either in the message show it was written for this person.
            their_work=f"{contact.why_them}\n{contact.their_work}",
            connection=f"{contact.our_connection}\n{contact.connection_note}\n{contact.met_at}",
            organization=contact.organization.name if contact.organization else "",
            referrer=referrer,
            takeaways=takeaways,
        )
    )
