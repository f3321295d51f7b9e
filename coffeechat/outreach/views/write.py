"""“Write the request”, “Write the thank-you”…: the unsent draft when there is one."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from coffeechat.contacts.selectors import contact_list
from coffeechat.conversations.views import conversation_for_user
from coffeechat.lib.requests import OwnerRequest
from coffeechat.outreach.forms import ComposeFilterForm
from coffeechat.outreach.models import MessageKind
from coffeechat.outreach.selectors import open_draft


@require_GET
def write(request: OwnerRequest, contact_pk: int) -> HttpResponse:
    """Opens the unsent draft of this kind to this person, or the page that starts one.

    Reads only: a link from Today, a person or a conversation lands on the same draft however
    often it is followed, instead of starting another.
    """
    contact = get_object_or_404(contact_list(owner=request.user), pk=contact_pk)
    query = ComposeFilterForm(request.GET)
    kind, conversation_pk = query.value("kind"), query.value("conversation")
    if kind not in MessageKind.values:
        raise Http404("No such kind of message.")
    conversation = conversation_for_user(request, conversation_pk) if conversation_pk else None
    if conversation is not None and conversation.contact_id != contact.pk:
        raise Http404("That conversation is with someone else.")
    draft = open_draft(owner=request.user, contact=contact, kind=kind, conversation=conversation)
    if draft is not None:
        return redirect("outreach:message_edit", message_pk=draft.pk)
    if kind == MessageKind.THANK_YOU and conversation is not None:
        # The thank-you starts from the takeaway it names, chosen on the conversation page.
        detail = reverse("conversations:conversation_detail", args=[conversation.pk])
        return redirect(f"{detail}#thank-you-heading")
    params = {"kind": kind, **({"conversation": conversation.pk} if conversation else {})}
    return redirect(f"{reverse('outreach:compose', args=[contact.pk])}?{urlencode(params)}")
