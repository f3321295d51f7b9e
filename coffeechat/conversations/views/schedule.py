"""Booking a time, moving it, the invitation, and what happened: held, no-show, cancelled."""

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coffeechat.accounts.services import profile_get
from coffeechat.conversations import scheduling
from coffeechat.conversations.forms import HELD_LABELS, CancelForm, HeldForm, ScheduleForm
from coffeechat.conversations.ics import invitation
from coffeechat.conversations.models import Conversation, State
from coffeechat.conversations.services import TRANSITIONS
from coffeechat.conversations.views import conversation_for_user
from coffeechat.lib.forms import apply_validation_error, error_text
from coffeechat.lib.requests import OwnerRequest
from coffeechat.outreach import delivery
from coffeechat.outreach.drafting import message_draft_create
from coffeechat.outreach.models import Channel, MessageKind


def _back(conversation: Conversation) -> HttpResponse:
    return redirect("conversations:conversation_detail", conversation_pk=conversation.pk)


def _initial(request: OwnerRequest, conversation: Conversation) -> dict:
    my_zone = profile_get(owner=request.user).time_zone
    initial = {
        "time_zone": conversation.contact.time_zone or my_zone,
        "length_minutes": conversation.length_minutes or 20,
        "format": conversation.format,
        "place": conversation.place,
    }
    # A booking out of range has no local date to offer: the form starts empty instead.
    booked = scheduling.booked_start(conversation)
    if conversation.state == State.SCHEDULED and booked is not None:
        zone = scheduling.zone_for(conversation.time_zone, my_zone)
        start = booked.astimezone(zone)
        initial.update(date=start.date(), time=start.time(), time_zone=zone.key)
    return initial


@require_http_methods(["GET", "POST"])
def conversation_schedule(request: OwnerRequest, conversation_pk: int) -> HttpResponse:
    conversation = conversation_for_user(request, conversation_pk)
    # A time booked before (now moved, or missed) makes the message a "new time" one.
    rebooking = conversation.scheduled_for is not None
    form = ScheduleForm(request.POST or None, initial=_initial(request, conversation))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scheduling.conversation_schedule(
                owner=request.user,
                conversation=conversation,
                start=data["start"],
                time_zone=data["time_zone"],
                length_minutes=data["length_minutes"],
                format=data["format"],
                place=data["place"],
                reason=data["reason"],
                happened=data["happened"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if data["happened"]:
                start = data["start"]
                flash.success(
                    request,
                    f"Recorded: you talked on {start:%A} {start.day} {start:%B} at "
                    f"{start:%H:%M} ({data['time_zone']}), and it is marked held. Write your "
                    "notes, then thank them.",
                )
                return _back(conversation)
            return _draft_and_edit(
                request, conversation, rebooking=rebooking, moved_by=data.get("moved_by", "")
            )
    return render(
        request, "conversations/schedule.html", _page_context(request, conversation, form)
    )


def _page_context(request: OwnerRequest, conversation: Conversation, form: ScheduleForm) -> dict:
    contact = conversation.contact
    return {
        "conversation": conversation,
        "contact": contact,
        "form": form,
        "rescheduling": conversation.state == State.SCHEDULED,
        "can_book": conversation.state == State.SCHEDULED
        or State.SCHEDULED in TRANSITIONS[conversation.state],
        "times": scheduling.local_times(
            conversation,
            user_zone=profile_get(owner=request.user).time_zone,
            contact_zone=contact.time_zone or conversation.time_zone,
        ),
        "time_zones": form.time_zones(),
    }


def _draft_and_edit(
    request: OwnerRequest, conversation: Conversation, *, rebooking: bool, moved_by: str
) -> HttpResponse:
    contact = conversation.contact
    _, start = scheduling.local_times(
        conversation, user_zone=profile_get(owner=request.user).time_zone, contact_zone=""
    )[0]
    verb = "Moved to" if rebooking else "Booked for"
    booked = f"{verb} {start:%A} {start.day} {start:%B}, {start:%H:%M} your time."
    try:
        message = message_draft_create(
            owner=request.user,
            contact=contact,
            template=MessageKind.RESCHEDULE if rebooking else MessageKind.CONFIRMATION,
            conversation=conversation,
            slots={"moved_by": moved_by or "them"} if rebooking else None,
        )
    except ValidationError as error:
        flash.warning(request, f"{booked} No message was drafted: {error_text(error)}")
        return _back(conversation)
    invitation = ""
    if message.channel == Channel.EMAIL and delivery.smtp_configured():
        invitation = "; sent from coffeechat it carries the calendar invitation"
    elif message.channel == Channel.EMAIL:
        invitation = "; the calendar invitation (.ics) to attach is on the conversation page"
    flash.success(request, f"{booked} Check this message and send it{invitation}.")
    return redirect("outreach:message_edit", message_pk=message.pk)


@require_POST
def conversation_cancel(request: OwnerRequest, conversation_pk: int) -> HttpResponse:
    conversation = conversation_for_user(request, conversation_pk)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        scheduling.conversation_cancel(
            owner=request.user, conversation=conversation, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        flash.error(request, error_text(error))
    else:
        told = (
            " Let them know: a message about it sent from coffeechat carries the calendar "
            "cancellation."
            if conversation.scheduled_for and conversation.contact.email
            else ""
        )
        flash.success(request, f"Cancelled the conversation with {conversation.contact}.{told}")
    return _back(conversation)


@require_POST
def conversation_no_show(request: OwnerRequest, conversation_pk: int) -> HttpResponse:
    conversation = conversation_for_user(request, conversation_pk)
    try:
        scheduling.conversation_mark_no_show(owner=request.user, conversation=conversation)
    except ValidationError as error:
        flash.error(request, error_text(error))
    else:
        flash.success(
            request, "Marked as a no-show. People miss calls: book another time when they reply."
        )
    return _back(conversation)


def _my_zone(request: OwnerRequest, conversation: Conversation) -> str:
    """The zone the user reads and types times in on these pages."""
    return scheduling.zone_for(
        profile_get(owner=request.user).time_zone, conversation.time_zone
    ).key


@require_POST
def conversation_held(request: OwnerRequest, conversation_pk: int) -> HttpResponse:
    """Marks it held at the day and time given (on the user's clock), else as booked or now."""
    conversation = conversation_for_user(request, conversation_pk)
    form = HeldForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        held_at = form.held_at(time_zone=_my_zone(request, conversation))
        scheduling.conversation_mark_held(
            owner=request.user, conversation=conversation, held_at=held_at
        )
    except ValidationError as error:
        flash.error(request, f"Not marked held. {error_text(error, HELD_LABELS)}")
    else:
        flash.success(
            request, "Marked as held. Write your notes now, and thank them within a day or two."
        )
    return _back(conversation)


@require_GET
def conversation_ics(request: OwnerRequest, conversation_pk: int) -> HttpResponse:
    conversation = conversation_for_user(request, conversation_pk)
    if conversation.scheduled_for is None:
        raise Http404("This conversation was never booked.")
    name, email = delivery.organizer(owner=request.user)
    try:
        body = invitation(conversation=conversation, organizer_name=name, organizer_email=email)
    except ValidationError as error:
        flash.error(request, error_text(error))
        return _back(conversation)
    method = "CANCEL" if conversation.state == State.CANCELLED else "REQUEST"
    response = HttpResponse(body, content_type=f"text/calendar; charset=utf-8; method={method}")
    response["Content-Disposition"] = 'attachment; filename="invitation.ics"'
    return response
