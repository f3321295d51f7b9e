from django.shortcuts import get_object_or_404

from coffeechat.conversations.models import Conversation
from coffeechat.conversations.selectors import conversation_list
from coffeechat.lib.requests import OwnerRequest


def conversation_for_user(request: OwnerRequest, pk) -> Conversation:
    """The signed-in user's conversation, or 404: another user's is never found."""
    return get_object_or_404(conversation_list(owner=request.user), pk=pk)
