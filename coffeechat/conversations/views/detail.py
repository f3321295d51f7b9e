from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from coffeechat.accounts.services import profile_get
from coffeechat.contacts.selectors import contact_list
from coffeechat.conversations import scheduling
from coffeechat.conversations.forms import HeldForm
from coffeechat.conversations.models import Conversation
from coffeechat.conversations.questions import prep_status
from coffeechat.conversations.services import conversation_start
from coffeechat.conversations.views import conversation_for_user
from coffeechat.lib.forms import error_text
from coffeechat.lib.requests import OwnerRequest
from coffeechat.outreach.followup import follow_up_for
from coffeechat.outreach.selectors import message_list, next_step_for


@require_GET
def conversation_detail(request: OwnerRequest, conversation_pk: int) -> HttpResponse:
    conversation = conversation_for_user(request, conversation_pk)
    now = timezone.now()
    held_zone = scheduling.zone_for(
        profile_get(owner=request.user).time_zone, conversation.time_zone
    )
    context = {
        "conversation": conversation,
        "next_step": next_step_for(
            owner=request.user, contact=conversation.contact, conversation=conversation, now=now
        ),
        "held_form": _held_form(conversation, zone=held_zone, now=now),
        "held_zone": held_zone.key,
        # A no-show is refused before the booked time, so it is offered only once that has come.
        "time_has_come": conversation.scheduled_for is not None
        and conversation.scheduled_for <= now,
        "contact": conversation.contact,
        "messages_": message_list(owner=request.user).filter(conversation=conversation),
        "follow_up": follow_up_for(owner=request.user, conversation=conversation, now=now),
        "prep_status": prep_status(owner=request.user, conversation=conversation),
    }
    return render(request, "conversations/conversation_detail.html", context)


def _held_form(conversation: Conversation, *, zone, now) -> HeldForm:
    """The mark-held form, starting from the booked time once it has come, else now."""
    when = scheduling.held_default(conversation, now=now).astimezone(zone)
    return HeldForm(initial={"date": when.date(), "time": when.time().replace(second=0)})


@require_POST
def conversation_begin(request: OwnerRequest, contact_pk: int) -> HttpResponse:
    """Opens (or reuses) a conversation with a contact, e.g. to book a time agreed in person."""
    contact = get_object_or_404(contact_list(owner=request.user), pk=contact_pk)
    try:
        conversation = conversation_start(owner=request.user, contact=contact)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(contact)
    return redirect("conversations:conversation_detail", conversation_pk=conversation.pk)
