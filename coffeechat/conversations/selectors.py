"""Every read of conversations, always given the owner."""

from collections.abc import Iterable

from django.db.models import QuerySet

from coffeechat.contacts.models import Contact
from coffeechat.conversations.models import Conversation
from coffeechat.lib.owned import Owner


def conversation_list(
    *, owner: Owner, contact: Contact | None = None, states: Iterable[str] | None = None
) -> QuerySet[Conversation]:
    conversations = Conversation.objects.owned_by(owner).select_related(
        "contact", "contact__organization"
    )
    if contact is not None:
        conversations = conversations.filter(contact=contact)
    if states:
        conversations = conversations.filter(state__in=states)
    return conversations
