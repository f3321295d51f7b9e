import copy
from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from coffeechat.contacts.selectors import contact_list
from coffeechat.contacts.services import coworker_warning
from coffeechat.conversations.models import State
from coffeechat.conversations.services import conversation_transition
from coffeechat.conversations.views import conversation_for_user
from coffeechat.lib.forms import error_text
from coffeechat.lib.requests import OwnerRequest
from coffeechat.lib.validation import one_line
from coffeechat.lib.versions import STALE
from coffeechat.outreach import delivery, services
from coffeechat.outreach.drafting import draft_cautions, message_draft_open_or_create
from coffeechat.outreach.forms import ComposeFilterForm, ComposeForm, MessageForm, ReplyForm
from coffeechat.outreach.lint import Finding
from coffeechat.outreach.models import Channel, Message
from coffeechat.outreach.previews import draft_previews
from coffeechat.outreach.selectors import message_list
from coffeechat.outreach.template_fields import SLOT_LABELS, SLOTS
from coffeechat.outreach.templating import templates_for


def _message_for_user(request: OwnerRequest, pk: int) -> Message:
    return get_object_or_404(message_list(owner=request.user), pk=pk)


@require_http_methods(["GET", "POST"])
def compose(request: OwnerRequest, contact_pk: int) -> HttpResponse:
    """Choose a template for a contact; choosing one makes a draft to edit."""
    contact = get_object_or_404(contact_list(owner=request.user), pk=contact_pk)
    if request.method == "POST":
        form = ComposeForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            conversation_pk = form.cleaned_data["conversation"]
            conversation = (
                conversation_for_user(request, conversation_pk) if conversation_pk else None
            )
            message, created = message_draft_open_or_create(
                owner=request.user,
                contact=contact,
                template=form.cleaned_data["template"],
                conversation=conversation,
                slots=form.slots(),
            )
        except ValidationError as error:
            flash.error(request, error_text(error))
        else:
            if not created:
                flash.info(
                    request,
                    f"You had already started this {message.get_kind_display().lower()}: "
                    "here it is. Discard it first to start again from another template.",
                )
            return redirect("outreach:message_edit", message_pk=message.pk)
    query = ComposeFilterForm(request.GET)
    kind = query.value("kind")
    conversation_pk = query.value("conversation")
    conversation = conversation_for_user(request, conversation_pk) if conversation_pk else None
    previews = []
    if not contact.do_not_contact:
        previews = draft_previews(
            owner=request.user,
            contact=contact,
            choices=templates_for(owner=request.user, contact=contact, kind=kind),
            conversation=conversation,
        )
    return render(
        request,
        "outreach/compose.html",
        {
            "contact": contact,
            "choices": [(p, _slot_fields(p.template)) for p in previews if p.draft],
            "not_now": [p for p in previews if not p.draft],
            "kind": kind,
            "conversation_pk": conversation_pk,
            "coworker_warning": coworker_warning(
                owner=request.user, organization=contact.organization, source=contact.source
            ),
        },
    )


def _slot_fields(choice) -> list[dict[str, str]]:
    """The inputs a template's slots need on the compose page."""
    return [
        {"name": name, "label": SLOT_LABELS[name].capitalize(), "help": SLOTS[name]}
        for name in choice.slots
    ]


def _editor_context(request: OwnerRequest, message: Message, findings) -> dict:
    return {
        "message": message,
        "contact": message.contact,
        "findings": findings,
        "version": services.message_version(message),
        "has_errors": any(f.severity == "error" for f in findings),
        "can_send": message.channel == Channel.EMAIL
        and bool(message.contact.email)
        and delivery.smtp_configured(),
        "linkedin_limit": 300 if message.channel == Channel.LINKEDIN else None,
        "cautions": draft_cautions(owner=request.user, contact=message.contact, kind=message.kind),
    }


def _editor(
    request: OwnerRequest, message: Message, error: ValidationError, prefix: str = ""
) -> HttpResponse:
    """The editor again, showing the text as it was sent and why it was refused: what the
    user typed is never dropped for a redirect to the saved draft."""
    stored_version = services.message_version(message)
    shown = copy.copy(message)
    shown.subject = request.POST.get("subject", message.subject)
    shown.body = request.POST.get("body", message.body)
    flash.error(request, prefix + error_text(error))
    context = _editor_context(
        request, shown, _findings(request, message, MessageForm(request.POST))
    )
    # Saving again from here is a choice made knowing the stored version: it goes through.
    context["version"] = stored_version
    context["unsaved"] = True
    status = 409 if getattr(error, "code", None) == STALE else 200
    return render(request, "outreach/message.html", context, status=status)


def _screen_text(request: OwnerRequest) -> dict[str, Any]:
    """The subject, body and version an action's form sent, validated; none when the post
    carries no text (from another page), and the action uses the saved draft."""
    if "body" not in request.POST:
        return {}
    form = MessageForm(request.POST)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data


def _save_screen_text(request: OwnerRequest, message: Message) -> None:
    """Saves the subject and body the form sent, so that what follows uses the text on
    screen. A post without the text (from another page) leaves the saved draft as it is."""
    text = _screen_text(request)
    if text:
        services.message_update(owner=request.user, message=message, **text)


@require_http_methods(["GET", "POST"])
def message_edit(request: OwnerRequest, message_pk: int) -> HttpResponse:
    message = _message_for_user(request, message_pk)
    if request.method == "POST":
        try:
            _save_screen_text(request, message)
        except ValidationError as error:
            return _editor(request, message, error)
        flash.success(request, "Draft saved.")
        return redirect("outreach:message_edit", message_pk=message.pk)
    findings = services.message_lint(owner=request.user, message=message)
    return render(request, "outreach/message.html", _editor_context(request, message, findings))


@require_POST
def message_autosave(request: OwnerRequest, message_pk: int) -> JsonResponse:
    """Saves the draft as it is typed; answers with the new version, or why it was not saved."""
    message = _message_for_user(request, message_pk)
    try:
        if "body" not in request.POST:
            raise ValidationError("Nothing to save: the message was not sent with the request.")
        _save_screen_text(request, message)
    except ValidationError as error:
        status = 409 if getattr(error, "code", None) == STALE else 400
        return JsonResponse({"error": error_text(error)}, status=status)
    return JsonResponse({"version": services.message_version(message)})


def _findings(request: OwnerRequest, message: Message, form: MessageForm) -> list[Finding]:
    """The etiquette findings for the text as typed, or why that text cannot be read."""
    if form.is_valid():
        return services.message_lint(
            owner=request.user,
            message=message,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
        )
    return [
        Finding(
            code="too-large" if error.code == "max_length" else "refused",
            severity="error",
            message=" ".join(error.messages),
            field=field,
        )
        for field, errors in form.errors.as_data().items()
        for error in errors
    ]


@require_POST
def message_lint(request: OwnerRequest, message_pk: int) -> HttpResponse:
    """The findings panel, re-checked as the user types (htmx)."""
    message = _message_for_user(request, message_pk)
    findings = _findings(request, message, MessageForm(request.POST))
    return render(
        request,
        "outreach/message.html#findings",
        {"findings": findings, "message": message},
    )


@require_http_methods(["GET", "POST"])
def message_eml(request: OwnerRequest, message_pk: int) -> HttpResponse:
    """The draft as an .eml file; posted from the editor, the text on screen, saved first."""
    message = _message_for_user(request, message_pk)
    if request.method == "POST":
        try:
            _save_screen_text(request, message)
        except ValidationError as error:
            return _editor(request, message, error)
    response = HttpResponse(
        delivery.eml_bytes(owner=request.user, message=message), content_type="message/rfc822"
    )
    # A name in any script, on one line (RFC 6266 encodes what is not plain ASCII).
    name = one_line(f"{message.get_kind_display()} to {message.contact.name}")
    filename = name.replace("/", "-").replace("\\", "-") or "message"
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.eml")
    return response


class _MailtoRedirect(HttpResponseRedirect):
    allowed_schemes = ["mailto"]


@require_POST
def message_mailto(request: OwnerRequest, message_pk: int) -> HttpResponse:
    """Saves the text on screen, then opens it in the user's mail program (a mailto: link)."""
    message = _message_for_user(request, message_pk)
    try:
        if message.channel != Channel.EMAIL or not message.contact.email:
            raise ValidationError(
                f"Only an e-mail to someone with an address opens in a mail program; "
                f"add {message.contact.name}'s e-mail address first."
            )
        _save_screen_text(request, message)
    except ValidationError as error:
        return _editor(request, message, error)
    return _MailtoRedirect(delivery.mailto_url(message))


@require_POST
def message_send(request: OwnerRequest, message_pk: int) -> HttpResponse:
    message = _message_for_user(request, message_pk)
    try:
        services.message_send(owner=request.user, message=message, **_screen_text(request))
    except ValidationError as error:
        if "body" in request.POST:
            return _editor(request, _message_for_user(request, message_pk), error, "Not sent: ")
        flash.error(request, f"Not sent: {error_text(error)} The draft is kept.")
        return redirect("outreach:message_edit", message_pk=message.pk)
    flash.success(request, f"Sent to {message.contact.email}.")
    return redirect(message.contact)


@require_POST
def message_mark_sent(request: OwnerRequest, message_pk: int) -> HttpResponse:
    message = _message_for_user(request, message_pk)
    try:
        services.message_mark_sent(owner=request.user, message=message, **_screen_text(request))
    except ValidationError as error:
        # Nothing was written: the editor shows the text as sent, and why it was refused.
        return _editor(request, _message_for_user(request, message_pk), error)
    flash.success(request, f"Marked as sent to {message.contact.name}.")
    return redirect(message.contact)


@require_POST
def message_delete(request: OwnerRequest, message_pk: int) -> HttpResponse:
    message = _message_for_user(request, message_pk)
    try:
        services.message_discard(owner=request.user, message=message)
    except ValidationError as error:
        flash.error(request, error_text(error))
        return redirect("outreach:message_edit", message_pk=message.pk)
    flash.success(request, "Draft discarded.")
    return redirect(message.contact)


@require_POST
def log_reply(request: OwnerRequest, contact_pk: int) -> HttpResponse:
    contact = get_object_or_404(contact_list(owner=request.user), pk=contact_pk)
    form = ReplyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        services.reply_log(owner=request.user, contact=contact, **form.cleaned_data)
    except ValidationError as error:
        flash.error(request, error_text(error))
    else:
        flash.success(request, f"Logged {contact.first_name or contact.name}'s reply.")
    return redirect(contact)


@require_POST
def close_no_reply(request: OwnerRequest, conversation_pk: int) -> HttpResponse:
    conversation = conversation_for_user(request, conversation_pk)
    try:
        conversation_transition(owner=request.user, conversation=conversation, to=State.NO_REPLY)
    except ValidationError as error:
        flash.error(request, error_text(error))
    else:
        flash.success(request, f"Closed: no reply from {conversation.contact.name}.")
    return redirect(conversation.contact)
