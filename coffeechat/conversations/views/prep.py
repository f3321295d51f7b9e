"""Preparing a conversation: the prep page, the printable prep sheet and the question bank."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coffeechat.accounts.services import profile_get
from coffeechat.conversations import questions
from coffeechat.conversations.etiquette import HABITS
from coffeechat.conversations.forms import MoveForm, QuestionForm, QuestionTextForm
from coffeechat.conversations.models import ChosenQuestion, Conversation, QuestionCategory
from coffeechat.conversations.question_lint import lint_question
from coffeechat.conversations.scheduling import (
    MAX_MINUTES,
    booked_start,
    booking_in_range,
    out_of_range_message,
)
from coffeechat.conversations.views import conversation_for_user
from coffeechat.lib.requests import OwnerRequest
from coffeechat.lib.text import speaking_time


def _chosen_for_user(request: OwnerRequest, conversation: Conversation, pk: int) -> ChosenQuestion:
    chosen = questions.chosen_question_list(owner=request.user, conversation=conversation)
    return get_object_or_404(chosen, pk=pk)


def _plain(error: ValidationError) -> str:
    return " ".join(error.messages)


def _field_errors(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def _prep_context(request: OwnerRequest, conversation: Conversation, **extra) -> dict:
    chosen = questions.chosen_question_list(owner=request.user, conversation=conversation)
    bank = questions.bank_for_conversation(owner=request.user, conversation=conversation)
    return {
        "conversation": conversation,
        "contact": conversation.contact,
        "chosen": [{"question": q, "findings": lint_question(q.text)} for q in chosen],
        "status": questions.prep_status(owner=request.user, conversation=conversation),
        "bank": questions.group_by_category(bank),
        "categories": QuestionCategory.choices,
        "research": questions.research_noted(owner=request.user, conversation=conversation),
        **extra,
    }


def _changed(
    request: OwnerRequest, conversation: Conversation, *, done: str = "", error: str = "", **extra
) -> HttpResponse:
    """After a change to the list. htmx gets the list, with the status and the bank swapped
    out of band; a plain form post goes back to the page."""
    if request.htmx:
        context = _prep_context(request, conversation, oob=True, error=error, **extra)
        return render(request, "conversations/prep.html#changed", context)
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    return redirect("conversations:prep", conversation_pk=conversation.pk)


@require_GET
def prep(request: OwnerRequest, conversation_pk: int) -> HttpResponse:
    conversation = conversation_for_user(request, conversation_pk)
    return render(request, "conversations/prep.html", _prep_context(request, conversation))


@require_POST
def question_add(request: OwnerRequest, conversation_pk: int) -> HttpResponse:
    """Adds a question from the bank (`key`) or one written on the page (`text`, `category`)."""
    conversation = conversation_for_user(request, conversation_pk)
    form = QuestionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors_by_field())
        data = form.cleaned_data
        added = questions.chosen_question_add(
            owner=request.user,
            conversation=conversation,
            key=data["key"] or None,
            text=data["text"],
            category=data["category"],
        )
    except ValidationError as error:
        if form.cleaned_data.get("key") or form.has_error("key"):
            return _changed(request, conversation, error=_plain(error))
        # Keep what they wrote, with the reason next to it.
        own = {
            "own_text": form.cleaned_data.get("text", ""),
            "own_category": form.cleaned_data.get("category", ""),
            "own_errors": _field_errors(error),
        }
        if request.htmx:
            return _changed(request, conversation, own_form=True, **own)
        return render(
            request, "conversations/prep.html", _prep_context(request, conversation, **own)
        )
    return _changed(request, conversation, done=f"Added “{added.text}”.", own_form=not data["key"])


@require_POST
def question_move(
    request: OwnerRequest, conversation_pk: int, chosen_question_pk: int
) -> HttpResponse:
    conversation = conversation_for_user(request, conversation_pk)
    chosen = _chosen_for_user(request, conversation, chosen_question_pk)
    form = MoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Move a question up or down.")
        questions.chosen_question_move(
            owner=request.user, chosen=chosen, direction=form.cleaned_data["direction"]
        )
    except ValidationError as error:
        return _changed(request, conversation, error=_plain(error))
    return _changed(request, conversation)


@require_POST
def question_remove(
    request: OwnerRequest, conversation_pk: int, chosen_question_pk: int
) -> HttpResponse:
    conversation = conversation_for_user(request, conversation_pk)
    chosen = _chosen_for_user(request, conversation, chosen_question_pk)
    questions.chosen_question_remove(owner=request.user, chosen=chosen)
    return _changed(request, conversation, done=f"Removed “{chosen.text}”.")


@require_POST
def question_lint(request: OwnerRequest) -> HttpResponse:
    """The findings for a question being written, checked as the user types (htmx)."""
    form = QuestionTextForm(request.POST)
    if not form.is_valid():
        refusal: dict[str, object] = {"refusal": " ".join(str(e) for e in form.errors["text"])}
        return render(request, "conversations/prep.html#findings", refusal)
    text = form.cleaned_data["text"]
    context: dict[str, object]
    try:
        context = {"findings": lint_question(text), "checked": bool(text.strip())}
    except ValidationError as error:
        context = {"refusal": _plain(error)}
    return render(request, "conversations/prep.html#findings", context)


@require_http_methods(["GET", "POST"])
def question_bank(request: OwnerRequest) -> HttpResponse:
    """Every question in the bank, and the user's own: add one, delete one."""
    own: dict = {"own_text": "", "own_category": "", "own_errors": {}}
    if request.method == "POST":
        form = QuestionForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors_by_field())
            own["own_text"] = form.cleaned_data["text"]
            own["own_category"] = form.cleaned_data["category"]
            question = questions.own_question_add(
                owner=request.user, category=own["own_category"], text=own["own_text"]
            )
        except ValidationError as error:
            own["own_errors"] = _field_errors(error)
        else:
            messages.success(request, f"Added “{question.text}” to your question bank.")
            return redirect(f"{reverse('conversations:question_bank')}#{question.category}")
    bank = questions.question_bank(owner=request.user)
    context = {
        "bank": questions.group_by_category(bank),
        "own_count": sum(1 for question in bank if not question.builtin),
        "categories": QuestionCategory.choices,
        **own,
    }
    return render(request, "conversations/question_bank.html", context)


@require_POST
def own_question_delete(request: OwnerRequest, question_pk: int) -> HttpResponse:
    question = get_object_or_404(questions.own_question_list(owner=request.user), pk=question_pk)
    questions.own_question_delete(owner=request.user, question=question)
    messages.success(
        request,
        f"Deleted “{question.text}” from your question bank. Conversations that chose it "
        "keep their copy.",
    )
    return redirect("conversations:question_bank")


@dataclass(frozen=True)
class PlanRow:
    """One line of the printed time plan: a question, or a fixed part of the conversation."""

    minutes: float
    clock: datetime | None
    text: str
    number: int | None = None
    question: ChosenQuestion | None = None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _plan_rows(
    conversation: Conversation, chosen: list[ChosenQuestion], zone: str
) -> list[PlanRow]:
    frame = questions.plan_frame(conversation=conversation)
    plan = questions.time_plan(conversation=conversation, questions=chosen)
    # A booking out of range, or longer than any booking may be (older rows), gets a plan in
    # minutes: its clock times would not exist.
    booked = booked_start(conversation)
    timed = booked is not None and conversation.length_minutes <= MAX_MINUTES
    start = booked.astimezone(_zone(zone)) if booked is not None and timed else None

    def row(minutes: float, text: str, number: int | None = None, question=None) -> PlanRow:
        clock = start + timedelta(minutes=round(minutes)) if start else None
        return PlanRow(minutes, clock, text, number, question)

    rows = [row(0, "Introductions, then your pitch")]
    closing: PlanRow | None = row(
        frame.closing_at, "Who else should I talk to? Then thank them for their time"
    )
    for number, (question, minutes_at) in enumerate(plan, start=1):
        if closing and minutes_at >= frame.closing_at:
            rows.append(closing)
            closing = None
        rows.append(row(minutes_at, question.text, number, question))
    if closing:
        rows.append(closing)
    rows.append(row(frame.length, "End on time"))
    return rows


@require_GET
def prep_sheet(request: OwnerRequest, conversation_pk: int) -> HttpResponse:
    """Everything for the conversation on one printable page."""
    conversation = conversation_for_user(request, conversation_pk)
    chosen = list(questions.chosen_question_list(owner=request.user, conversation=conversation))
    profile = profile_get(owner=request.user)
    context = {
        "conversation": conversation,
        "contact": conversation.contact,
        "organization": conversation.contact.organization,
        "profile": profile,
        "pitch_time": speaking_time(profile.pitch),
        "rows": _plan_rows(conversation, chosen, profile.time_zone),
        "out_of_range": (
            out_of_range_message(conversation)
            if conversation.scheduled_for and not booking_in_range(conversation)
            else ""
        ),
        "has_questions": bool(chosen),
        "status": questions.prep_status(owner=request.user, conversation=conversation),
        "etiquette": [habit.short for habit in HABITS],
    }
    return render(request, "conversations/prep_sheet.html", context)
