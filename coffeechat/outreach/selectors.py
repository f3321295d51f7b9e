"""Every read of messages, always given the owner."""

from django.db.models import QuerySet

from coffeechat.lib.owned import Owner
from coffeechat.outreach.models import Message


def message_list(*, owner: Owner, contact=None, status: str = "") -> QuerySet[Message]:
    messages = Message.objects.owned_by(owner).select_related(
        "contact", "contact__organization", "contact__referred_by", "conversation"
    )
    if contact is not None:
        messages = messages.filter(contact=contact)
    if status:
        messages = messages.filter(status=status)
    return messages
