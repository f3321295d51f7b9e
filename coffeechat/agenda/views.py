"""The Today and Upcoming pages, snoozing and dismissing what is on Today, and the calendar
feed."""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from coffeechat.accounts.services import profile_get, profile_update
from coffeechat.agenda import feed as feeds
from coffeechat.agenda.digest import DIGEST_LIMIT, Row, agenda_groups, agenda_row, more_text
from coffeechat.agenda.models import AgendaMark, MarkAction
from coffeechat.agenda.rows import MarkRow
from coffeechat.agenda.rules import KEEP_IN_TOUCH_AT_ONCE, Agenda, AgendaItem, agenda, group_of
from coffeechat.agenda.services import (
    SNOOZE_MAX_DAYS,
    agenda_dismiss,
    agenda_restore,
    agenda_snooze,
)
from coffeechat.agenda.upcoming import upcoming
from coffeechat.contacts.selectors import has_contacts
from coffeechat.lib.forms import DateField, LineField, error_text
from coffeechat.lib.requests import OwnerRequest

SNOOZE_DAYS = {1: "1 day", 3: "3 days", 7: "1 week"}
# A snooze ends at the start of the user's working day, not at midnight.
SNOOZE_ENDS_AT = time(8)
UNDO = "agenda_undo"
# Past this many items a group shows its first ones and a link to the rest, as the daily
# digest does: a list to act on today stays short enough to take in at a glance.
GROUP_LIMIT = DIGEST_LIMIT


class ItemForm(forms.Form):
    """Names an item of the agenda by its key."""

    key = LineField(max_length=AgendaMark._meta.get_field("item_key").max_length)

    def key_value(self) -> str:
        return self.cleaned_data["key"] if self.is_valid() else ""


class SnoozeForm(ItemForm):
    days = forms.TypedChoiceField(
        choices=list(SNOOZE_DAYS.items()), coerce=int, required=False, empty_value=None
    )
    until = DateField(required=False, error_messages={"invalid": "Enter a valid date."})

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and data.get("days") is None and data.get("until") is None:
            raise ValidationError("Choose how long to snooze it for, or a date.")
        return data

    def until_moment(self, *, now: datetime, tz: ZoneInfo) -> datetime:
        """08:00 on the chosen day, in the user's zone."""
        today = now.astimezone(tz).date()
        day = self.cleaned_data["until"] or today + timedelta(days=self.cleaned_data["days"])
        until = datetime.combine(day, SNOOZE_ENDS_AT, tzinfo=tz)
        if until <= now:
            raise ValidationError(
                f"A snooze until {day.day} {day:%B %Y} would end before now: choose a later day."
            )
        return until


class TodayForm(forms.Form):
    all = forms.BooleanField(required=False)


class DigestForm(forms.Form):
    digest = forms.ChoiceField(choices=[("on", "On")], required=False)


# The page


@require_GET
def today(request: OwnerRequest) -> HttpResponse:
    profile = _profile(request)
    current = agenda(owner=request.user, now=timezone.now(), profile=profile)
    tz = ZoneInfo(current.time_zone)
    hidden = _hidden_rows(current, tz)
    undo_key = request.session.pop(UNDO, None)
    query = TodayForm(request.GET)
    limit = None if query.is_valid() and query.cleaned_data["all"] else GROUP_LIMIT
    context = {
        **_item_context(request, current),
        "groups": [
            {"name": g.name, "heading": g.heading, "count": g.count, "rows": g.rows}
            for g in agenda_groups(current, limit)
            if g.rows
        ],
        "counts": current.counts,
        "more_text": more_text(current),
        "day": current.generated_at.astimezone(tz),
        "new_user": not has_contacts(owner=request.user),
        "has_pitch": bool(profile.pitch.strip()),
        "feed_on": bool(profile.feed_token_hash),
        "hidden": hidden,
        "undo": next((row for row in hidden if row["item"].key == undo_key), None),
    }
    return render(request, "agenda/today.html", context)


@require_GET
def upcoming_page(request: OwnerRequest) -> HttpResponse:
    current = upcoming(owner=request.user, now=timezone.now(), profile=_profile(request))
    return render(
        request,
        "agenda/upcoming.html",
        {"weeks": current.weeks(), "days": current.days, "at_once": KEEP_IN_TOUCH_AT_ONCE},
    )


def _profile(request: OwnerRequest):
    """The profile the time-zone middleware read for this request, if it is this user's."""
    profile = getattr(request, "profile", None)
    if profile is None or profile.owner_id != request.user.pk:
        profile = profile_get(owner=request.user)
    return profile


def _hidden_rows(current: Agenda, tz: ZoneInfo) -> list[dict]:
    """Snoozed and dismissed items, each with what was done to it, to be restored."""
    return [
        {"item": item, "mark": _mark_text(current.marks[item.key], tz)} for item in current.hidden
    ]


def _mark_text(mark: AgendaMark | MarkRow, tz: ZoneInfo) -> str:
    if mark.action == MarkAction.DISMISS or mark.until is None:
        return "Dismissed"
    until = mark.until.astimezone(tz)
    return f"Snoozed until {until:%A} {until.day} {until:%B}, {until:%H:%M}"


def _item_context(request: OwnerRequest, current: Agenda) -> dict:
    today = current.generated_at.astimezone(ZoneInfo(current.time_zone)).date()
    return {
        # The CSRF field of each item's forms, made once: {% csrf_token %} masks the token
        # afresh each time, which costs as much as the rest of an item.
        "csrf_field": format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        ),
        # Reversed once here rather than for each of the page's items.
        "urls": {name: reverse(f"agenda:{name}") for name in ("snooze", "dismiss", "restore")},
        # The same three buttons in every item: drawn once.
        "snooze_buttons": format_html_join(
            "",
            '<button type="submit" name="days" value="{}" class="secondary small">{}</button>',
            SNOOZE_DAYS.items(),
        ),
        # As <input type="date"> takes them; formatted once rather than for each item.
        "first_day": (today + timedelta(days=1)).isoformat(),
        "last_day": (today + timedelta(days=SNOOZE_MAX_DAYS)).isoformat(),
    }


# Snooze, dismiss, restore: a key in the POST data names the item.


def _find(current: Agenda, key: str) -> AgendaItem | None:
    return next((item for item in current.items + current.hidden if item.key == key), None)


def _row(current: Agenda, item: AgendaItem) -> Row:
    tz, now = ZoneInfo(current.time_zone), current.generated_at
    return agenda_row(item, group_of(item, now=now, tz=tz) or "", now=now, tz=tz)


def _fragment(request: OwnerRequest, partial: str, context: dict, counts=None) -> HttpResponse:
    """An htmx answer: the item's new state, and the group counts brought up to date."""
    html = render_to_string(f"agenda/today.html#{partial}", context, request=request)
    if counts is not None:
        html += render_to_string("agenda/today.html#counts", {"counts": counts}, request=request)
    return HttpResponse(html)


def _not_on_agenda(request: OwnerRequest, message: str) -> HttpResponse:
    if request.htmx:
        return _fragment(request, "gone", {"message": message})
    messages.error(request, message)
    return redirect("home")


def _refused(request: OwnerRequest, current: Agenda, item: AgendaItem, message: str):
    if request.htmx:
        context = {**_item_context(request, current), "row": _row(current, item), "error": message}
        return _fragment(request, "item", context)
    messages.error(request, message)
    return redirect("home")


def _marked(request: OwnerRequest, current: Agenda, item: AgendaItem, mark: AgendaMark):
    if not request.htmx:
        request.session[UNDO] = item.key
        return redirect("home")
    if item.rule == "keep_in_touch" and current.waiting:
        # Someone held back comes up in its place: the page is drawn again, with the undo.
        request.session[UNDO] = item.key
        return HttpResponseClientRefresh()
    counts = {
        group: len([i for i in items if i.key != item.key]) for group, items in current.groups()
    }
    context = {
        **_item_context(request, current),
        "item": item,
        "mark": _mark_text(mark, ZoneInfo(current.time_zone)),
    }
    return _fragment(request, "marked", context, counts)


@require_POST
def snooze(request: OwnerRequest) -> HttpResponse:
    now = timezone.now()
    current = agenda(owner=request.user, now=now)
    form = SnoozeForm(request.POST)
    item = _find(current, ItemForm(request.POST).key_value())
    if item is None:
        return _not_on_agenda(request, "That item is not on your agenda any more.")
    if not form.is_valid():
        problems = " ".join(str(message) for errors in form.errors.values() for message in errors)
        return _refused(request, current, item, problems)
    try:
        until = form.until_moment(now=now, tz=ZoneInfo(current.time_zone))
        mark = agenda_snooze(owner=request.user, key=item.key, until=until, now=now)
    except ValidationError as error:
        return _refused(request, current, item, error_text(error))
    return _marked(request, current, item, mark)


@require_POST
def dismiss(request: OwnerRequest) -> HttpResponse:
    now = timezone.now()
    current = agenda(owner=request.user, now=now)
    item = _find(current, ItemForm(request.POST).key_value())
    if item is None:
        return _not_on_agenda(request, "That item is not on your agenda any more.")
    try:
        mark = agenda_dismiss(owner=request.user, key=item.key, now=now)
    except ValidationError as error:
        return _refused(request, current, item, error_text(error))
    return _marked(request, current, item, mark)


@require_POST
def restore(request: OwnerRequest) -> HttpResponse:
    key = ItemForm(request.POST).key_value()
    try:
        agenda_restore(owner=request.user, key=key)
    except ValidationError as error:
        return _not_on_agenda(request, error_text(error))
    current = agenda(owner=request.user, now=timezone.now())
    item = next((i for i in current.items if i.key == key), None)
    if key in current.waiting:
        message = "Restored; it comes up as you write to, snooze or dismiss the people above it."
    elif item is None:
        message = "Restored; it is not due in the next 7 days."
    else:
        message = f"Restored “{item.title}”."
    # Restoring someone due a note can move another person behind the few shown at a time.
    redraw = key.startswith("keep_in_touch:") and current.waiting
    if not request.htmx or redraw:
        messages.success(request, message)
        return HttpResponseClientRefresh() if request.htmx else redirect("home")
    if item is None:
        return _fragment(request, "gone", {"message": message})
    context = {**_item_context(request, current), "row": _row(current, item), "restored": True}
    return _fragment(request, "item", context, current.counts)


# The calendar feed and the digest


def _feed_page(request: OwnerRequest, **context) -> HttpResponse:
    profile = profile_get(owner=request.user)
    response = render(
        request,
        "agenda/feed_settings.html",
        {
            "feed_on": bool(profile.feed_token_hash),
            "digest_on": profile.digest_opt_in,
            "email": request.user.email,
            "multiuser": settings.MULTIUSER,
            **context,
        },
    )
    # The page that shows a new feed URL must not be kept by the browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def feed_settings(request: OwnerRequest) -> HttpResponse:
    return _feed_page(request)


@require_POST
def feed_create(request: OwnerRequest) -> HttpResponse:
    token = feeds.feed_token_create(owner=request.user)
    url = request.build_absolute_uri(reverse("agenda:feed", args=[token]))
    return _feed_page(request, new_url=url, webcal_url="webcal://" + url.split("://", 1)[1])


@require_POST
def feed_revoke(request: OwnerRequest) -> HttpResponse:
    feeds.feed_token_revoke(owner=request.user)
    messages.success(request, "The calendar feed is off; its link no longer works.")
    return redirect("agenda:feed_settings")


@require_POST
def digest_toggle(request: OwnerRequest) -> HttpResponse:
    form = DigestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Turn the digest on or off with its button.")
        return redirect("agenda:feed_settings")
    on = form.cleaned_data["digest"] == "on"
    try:
        profile_update(owner=request.user, digest_opt_in=on)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "The daily digest is on." if on else "The daily digest is off.")
    return redirect("agenda:feed_settings")


@login_not_required
@require_safe
def feed(request: OwnerRequest, token: str) -> HttpResponse:
    owner = feeds.feed_owner(token)
    if owner is None:
        raise Http404("No calendar feed here.")
    data = feeds.feed_calendar(
        owner=owner, now=timezone.now(), base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="coffeechat.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response
