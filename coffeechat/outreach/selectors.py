"""Every read of messages, always given the owner."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from coffeechat.contacts.models import Contact
from coffeechat.conversations.models import Conversation, State, TakeawayKind
from coffeechat.conversations.next_step import NextStep, Situation, next_step
from coffeechat.conversations.questions import prep_status
from coffeechat.conversations.services import conversation_open_get
from coffeechat.lib.owned import Owner, check_owner
from coffeechat.outreach.models import Direction, Message, MessageKind, MessageStatus


def message_list(
    *, owner: Owner, contact: Contact | None = None, status: str = ""
) -> QuerySet[Message]:
    messages = Message.objects.owned_by(owner).select_related(
        "contact", "contact__organization", "contact__referred_by", "conversation"
    )
    if contact is not None:
        messages = messages.filter(contact=contact)
    if status:
        messages = messages.filter(status=status)
    return messages


def open_draft(
    *, owner: Owner, contact: Contact, kind: str, conversation: Conversation | None = None
) -> Message | None:
    """The newest unsent draft of `kind` to `contact` (about `conversation`, when given)."""
    drafts = Message.objects.owned_by(owner).filter(
        contact=contact, kind=kind, direction=Direction.OUT, status=MessageStatus.DRAFT
    )
    if conversation is not None:
        # A request drafted before its conversation was started belongs to it too.
        drafts = drafts.filter(Q(conversation=conversation) | Q(conversation__isnull=True))
    return drafts.order_by("-updated_at", "-pk").first()


def _latest_conversation(*, owner: Owner, contact: Contact) -> Conversation | None:
    """The conversation a person's page is about: the one under way, else the latest."""
    return conversation_open_get(owner=owner, contact=contact) or (
        Conversation.objects.owned_by(owner)
        .filter(contact=contact)
        .order_by("-created_at", "-pk")
        .first()
    )


def next_step_for(
    *,
    owner: Owner,
    contact: Contact,
    conversation: Conversation | None = None,
    now: datetime | None = None,
) -> NextStep:
    """The next step with `contact` (in `conversation`, else their latest), from the table in
    `conversations.next_step`."""
    check_owner(owner, contact, conversation)
    now = now or timezone.now()
    if conversation is None:
        conversation = _latest_conversation(owner=owner, contact=contact)
    state = conversation.state if conversation else None
    draft = None
    if state in (None, State.PLANNED):
        draft = open_draft(
            owner=owner, contact=contact, kind=MessageKind.REQUEST, conversation=conversation
        )
    elif state == State.HELD:
        draft = open_draft(
            owner=owner, contact=contact, kind=MessageKind.THANK_YOU, conversation=conversation
        )
    start = conversation.scheduled_for if conversation else None
    upcoming = state == State.SCHEDULED and start is not None and start > now
    situation = Situation(
        state=state,
        now=now,
        do_not_contact=contact.do_not_contact,
        replied=bool(conversation and conversation.replied_at),
        scheduled_for=conversation.scheduled_for if conversation else None,
        prepared=upcoming
        and conversation is not None
        and prep_status(owner=owner, conversation=conversation).complete,
        request_draft=draft is not None and draft.kind == MessageKind.REQUEST,
        thank_you_draft=draft is not None and draft.kind == MessageKind.THANK_YOU,
        referrals_waiting=state == State.THANKED
        and conversation is not None
        and conversation.takeaways.filter(
            owner=owner,
            kind=TakeawayKind.REFERRAL,
            referral_contact__isnull=False,
            referral_contact__conversations__isnull=True,
        ).exists(),
    )
    return next_step(
        situation,
        contact_pk=contact.pk,
        conversation_pk=conversation.pk if conversation else None,
        draft_pk=draft.pk if draft else None,
    )
