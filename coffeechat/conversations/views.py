from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from coffeechat.conversations.selectors import conversation_list
from coffeechat.outreach.followup import follow_up_for
from coffeechat.outreach.selectors import message_list


@require_GET
def conversation_detail(request: HttpRequest, conversation_pk: int) -> HttpResponse:
    conversation = get_object_or_404(conversation_list(owner=request.user), pk=conversation_pk)
    context = {
        "conversation": conversation,
        "contact": conversation.contact,
        "messages_": message_list(owner=request.user).filter(conversation=conversation),
        "follow_up": follow_up_for(
            owner=request.user, conversation=conversation, now=timezone.now()
        ),
    }
    return render(request, "conversations/conversation_detail.html", context)
