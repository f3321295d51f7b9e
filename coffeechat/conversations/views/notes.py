"""Notes, takeaways and the thank-you; the development plan, reading list and leads."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coffeechat.conversations import takeaways as service
from coffeechat.conversations.forms import NextForm, ThankYouForm
from coffeechat.conversations.models import (
    Conversation,
    Takeaway,
    TakeawayKind,
    TakeawayStatus,
)
from coffeechat.conversations.notes_forms import NotesForm, TakeawayForm, TakeawayStatusForm
from coffeechat.conversations.views import conversation_for_user
from coffeechat.lib.forms import apply_validation_error, error_text
from coffeechat.lib.requests import OwnerRequest
from coffeechat.lib.versions import STALE
from coffeechat.outreach.drafting import message_draft_open_or_create
from coffeechat.outreach.models import MessageKind


def _takeaway_for_user(request: OwnerRequest, pk: int) -> Takeaway:
    return get_object_or_404(service.takeaway_list(owner=request.user), pk=pk)


def _detail_url(conversation: Conversation) -> str:
    return reverse("conversations:conversation_detail", args=[conversation.pk])


def _back(request: OwnerRequest, default: str) -> HttpResponse:
    """Back to the page the form was on, when it is one of ours."""
    form = NextForm(request.POST)
    target = form.cleaned_data["next"] if form.is_valid() else ""
    # A path of this site only: redirect() would read a bare word as the name of a view.
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if safe else default)


def _notes_page(
    request: OwnerRequest,
    conversation: Conversation,
    form: NotesForm,
    takeaway_form: TakeawayForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "conversation": conversation,
        "contact": conversation.contact,
        "form": form,
        # Saving again from a page showing refused text is a choice made knowing what is
        # stored: the page always carries the stored version.
        "version": service.notes_version(conversation),
        "unsaved": form.is_bound,
        "takeaway_form": takeaway_form or TakeawayForm(),
        "notes_allowed": conversation.state in service.NOTE_STATES,
        "return_url": reverse("conversations:notes", args=[conversation.pk]),
    }
    return render(request, "conversations/notes.html", context, status=status)


def _notes_save(request: OwnerRequest, conversation: Conversation) -> tuple[NotesForm, bool]:
    """The notes form as posted, saved when valid; refusals are on the form. The flag says
    whether the notes were refused for having changed elsewhere since the page showed them."""
    form = NotesForm(request.POST, initial=NotesForm.initial_for(conversation))
    if form.is_valid():
        try:
            service.conversation_notes_update(
                owner=request.user, conversation=conversation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return form, getattr(error, "code", None) == STALE
    return form, False


@require_http_methods(["GET", "POST"])
def conversation_notes(request: OwnerRequest, conversation_pk: int) -> HttpResponse:
    conversation = conversation_for_user(request, conversation_pk)
    if request.method == "GET":
        return _notes_page(
            request, conversation, NotesForm(initial=NotesForm.initial_for(conversation))
        )
    form, stale = _notes_save(request, conversation)
    if form.errors:
        return _notes_page(request, conversation, form, status=409 if stale else 200)
    messages.success(request, "Notes saved.")
    return redirect("conversations:notes", conversation_pk=conversation.pk)


@require_POST
def notes_autosave(request: OwnerRequest, conversation_pk: int) -> JsonResponse:
    """Saves the notes and reflection as they are typed; answers with the new version, or
    why they were not saved."""
    conversation = conversation_for_user(request, conversation_pk)
    if "notes" not in request.POST:
        return JsonResponse({"error": "Nothing to save: the notes were not sent."}, status=400)
    form, stale = _notes_save(request, conversation)
    if form.errors:
        error = ValidationError(form.errors.as_data())
        return JsonResponse({"error": error_text(error)}, status=409 if stale else 400)
    saved = render_to_string(
        "conversations/notes.html#saved_notes", {"conversation": conversation}, request=request
    )
    return JsonResponse({"version": service.notes_version(conversation), "shows": saved})


@require_POST
def takeaway_add(request: OwnerRequest, conversation_pk: int) -> HttpResponse:
    conversation = conversation_for_user(request, conversation_pk)
    form = TakeawayForm(request.POST)
    if form.is_valid():
        try:
            takeaway = service.takeaway_add(
                owner=request.user, conversation=conversation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _added(takeaway, conversation))
            return _back(request, _detail_url(conversation) + "#takeaways")
    notes_form = NotesForm(initial=NotesForm.initial_for(conversation))
    return _notes_page(request, conversation, notes_form, takeaway_form=form)


def _added(takeaway: Takeaway, conversation: Conversation) -> str:
    person = takeaway.referral_contact
    if person is None:
        return f"Added the {takeaway.get_kind_display().lower()}."
    if person.referred_by_id == conversation.contact_id:
        return f"Added {person.name} to your people, referred by {conversation.contact.name}."
    return f"Noted the referral to {person.name}, who was already in your people."


@require_POST
def takeaway_status(request: OwnerRequest, takeaway_pk: int) -> HttpResponse:
    takeaway = _takeaway_for_user(request, takeaway_pk)
    form = TakeawayStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A takeaway is open, done or dropped.")
    else:
        try:
            service.takeaway_set_status(
                owner=request.user, takeaway=takeaway, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
    return _back(request, _detail_url(takeaway.conversation) + "#takeaways")


@require_POST
def takeaway_delete(request: OwnerRequest, takeaway_pk: int) -> HttpResponse:
    takeaway = _takeaway_for_user(request, takeaway_pk)
    service.takeaway_delete(owner=request.user, takeaway=takeaway)
    messages.success(request, "Takeaway deleted.")
    return _back(request, _detail_url(takeaway.conversation) + "#takeaways")


@require_POST
def thank_you(request: OwnerRequest, conversation_pk: int) -> HttpResponse:
    """A thank-you draft naming the takeaway, in the user's words or as noted, opened in the
    message editor. Whether a thank-you may be written now is the draft service's to say."""
    conversation = conversation_for_user(request, conversation_pk)
    form = ThankYouForm(request.POST)
    if not form.is_valid():
        if "takeaway" in form.errors:
            raise Http404("No such takeaway.")
        messages.error(request, error_text(ValidationError(form.errors.as_data())))
        return redirect(_detail_url(conversation))
    text, chosen = form.cleaned_data["takeaway_words"], form.cleaned_data["takeaway"]
    if chosen and not text:
        takeaways = service.takeaway_list(owner=request.user).filter(conversation=conversation)
        text = get_object_or_404(takeaways, pk=chosen).text
    try:
        message, created = message_draft_open_or_create(
            owner=request.user,
            contact=conversation.contact,
            template=MessageKind.THANK_YOU,
            conversation=conversation,
            takeaway=text,
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(_detail_url(conversation))
    if not created:
        messages.info(
            request,
            "You had already started this thank-you: here it is. To name another takeaway, "
            "change it here, or discard the draft and write it again.",
        )
    return redirect("outreach:message_edit", message_pk=message.pk)


# The three action lists share one page.
@dataclass(frozen=True)
class _ListPage:
    title: str
    explanation: str
    empty: str
    selector: Callable[..., Iterable[Takeaway]]


_LISTS: dict[str, _ListPage] = {
    TakeawayKind.GAP: _ListPage(
        title="Development plan",
        explanation="Skills and experience the people you talked to said you would need.",
        empty=(
            "When someone points out a skill or experience you are missing, add it to that "
            "conversation as a “skill gap” takeaway: it appears here for you to work on."
        ),
        selector=service.development_plan,
    ),
    TakeawayKind.RESOURCE: _ListPage(
        title="Reading list",
        explanation="Books, articles, courses, groups and events recommended to you.",
        empty=(
            "When someone recommends something to read, watch, join or attend, add it to that "
            "conversation as a “resource” takeaway: it appears here until you have done it."
        ),
        selector=service.reading_list,
    ),
    TakeawayKind.OPPORTUNITY: _ListPage(
        title="Leads",
        explanation="Openings, projects and offers to send your résumé that came up.",
        empty=(
            "When a conversation turns up a job lead, a project or a request for your résumé, "
            "add it to that conversation as an “opportunity” takeaway: it appears here."
        ),
        selector=service.leads,
    ),
}


def _list_page(request: OwnerRequest, kind: str) -> HttpResponse:
    page = _LISTS[kind]
    items = list(page.selector(owner=request.user))
    context = {
        "title": page.title,
        "explanation": page.explanation,
        "empty": page.empty,
        "kind": kind,
        "open_items": [t for t in items if t.status == TakeawayStatus.OPEN],
        "done_items": [t for t in items if t.status == TakeawayStatus.DONE],
        "dropped_items": [t for t in items if t.status == TakeawayStatus.DROPPED],
    }
    return render(request, "conversations/takeaway_list.html", context)


@require_GET
def development_plan(request: OwnerRequest) -> HttpResponse:
    return _list_page(request, TakeawayKind.GAP)


@require_GET
def reading_list(request: OwnerRequest) -> HttpResponse:
    return _list_page(request, TakeawayKind.RESOURCE)


@require_GET
def leads(request: OwnerRequest) -> HttpResponse:
    return _list_page(request, TakeawayKind.OPPORTUNITY)
