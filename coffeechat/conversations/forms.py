from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from coffeechat.conversations.board import STAGE_KEYS
from coffeechat.conversations.models import TAKEAWAY_LIMIT, Format
from coffeechat.conversations.scheduling import (
    MAX_MINUTES,
    MIN_MINUTES,
    PLACE_CHARS,
    REASON_CHARS,
    known_zones,
    local_start,
)
from coffeechat.lib.forms import (
    DateField,
    IdField,
    LineField,
    TextField,
    TimeZoneField,
    WholeNumberField,
)
from coffeechat.lib.validation import LINE_LIMIT, parse_id


class ScheduleForm(forms.Form):
    """The agreed time as the user types it: a day and a time on the clock of one time zone.

    It validates and adds `start` (an aware datetime) to the cleaned data; the service books.
    """

    date = DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    time_zone = TimeZoneField(
        help_text="The zone the time was agreed in, e.g. Europe/Berlin or America/Chicago.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    length_minutes = WholeNumberField(
        label="Length (minutes)",
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        initial=20,
        help_text="15 to 30 minutes is the usual ask; keep to what you asked for.",
        error_messages={
            "min_value": f"At least {MIN_MINUTES} minutes; 15 to 30 is the usual ask.",
            "max_value": f"At most {MAX_MINUTES} minutes; 15 to 30 is the usual ask.",
        },
    )
    format = forms.ChoiceField(choices=Format.choices, initial=Format.VIDEO)
    # An address pasted over several lines is folded into one by the service.
    place = TextField(
        widget=forms.TextInput,
        label="Place or link",
        max_length=PLACE_CHARS,
        required=False,
        help_text="A café's address, a phone number or a video-call link.",
    )
    reason = TextField(
        widget=forms.TextInput,
        label="Why it moved",
        max_length=REASON_CHARS,
        required=False,
        help_text="For your history, e.g. “they had a clash”.",
    )
    moved_by = forms.ChoiceField(
        label="Who asked to move it",
        choices=[("them", "They did"), ("me", "I did")],
        initial="them",
        required=False,
        widget=forms.RadioSelect,
        help_text="The note about the new time thanks them, or apologises, accordingly.",
    )
    happened = forms.BooleanField(
        label="It already happened",
        required=False,
        help_text=(
            "You talked at this time, earlier than booked or before you booked it here: "
            "it is recorded and marked held, and nothing is sent."
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, at, zone = cleaned.get("date"), cleaned.get("time"), cleaned.get("time_zone")
        if day and at and zone:
            try:
                cleaned["start"] = local_start(day=day, at=at, time_zone=zone)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        return cleaned

    @staticmethod
    def time_zones() -> list[str]:
        return sorted(known_zones())


class HeldForm(forms.Form):
    """When the conversation took place, on the user's clock; both empty means “as booked, or
    now”. The view adds the zone and the service checks the moment."""

    date = DateField(
        label="Day you talked", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    time = forms.TimeField(
        label="Time you talked",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("date")) != bool(cleaned.get("time")) and not self.errors:
            missing = "time" if cleaned.get("date") else "date"
            self.add_error(missing, "Give both the day and the time you talked.")
        return cleaned

    def held_at(self, *, time_zone: str):
        """The moment given, in `time_zone`, or None for the default."""
        day, at = self.cleaned_data.get("date"), self.cleaned_data.get("time")
        if not (day and at):
            return None
        try:
            return local_start(day=day, at=at, time_zone=time_zone)
        except ValidationError as error:
            raise ValidationError(
                {k if k in self.fields else "held_at": v for k, v in error.message_dict.items()}
            ) from None


# Field names as the mark-held form shows them, for a message about one of them.
HELD_LABELS = {"date": "Day you talked", "time": "Time you talked", "held_at": "When you talked"}


class CancelForm(forms.Form):
    reason = TextField(max_length=REASON_CHARS, required=False)


class QuestionForm(forms.Form):
    """A question written on the page, or one from the bank named by its key."""

    key = LineField(max_length=100, required=False)
    # Several lines may be typed; the service joins them into one.
    text = TextField(max_length=LINE_LIMIT, required=False)
    category = LineField(max_length=50, required=False)

    def clean_key(self) -> str:
        # "builtin:<name>" or "own:<id>"; the service says whether the bank still has it.
        key = self.cleaned_data["key"]
        source, _, rest = key.partition(":")
        if source == "own":
            parse_id(rest)
        elif key and source != "builtin":
            raise forms.ValidationError("That question is not in your question bank.")
        return key

    def errors_by_field(self) -> dict[str, list[str]]:
        return {name: [str(e) for e in errors] for name, errors in self.errors.items()}


class QuestionTextForm(forms.Form):
    # As long as any text: the linter says what is wrong with a long question.
    text = TextField(required=False, strip=False)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class ThankYouForm(forms.Form):
    takeaway = IdField(required=False)
    # The takeaway in the user's own words, when they write it for the thank-you.
    takeaway_words = TextField(required=False, max_length=TAKEAWAY_LIMIT)


class NextForm(forms.Form):
    """Where a form on another page asks to be taken back to."""

    next = LineField(max_length=LINE_LIMIT, required=False)


class BoardForm(forms.Form):
    """The query string of the conversations page: one stage to show whole, and its page."""

    stage = forms.ChoiceField(choices=[(key, key) for key in STAGE_KEYS], required=False)
    page = WholeNumberField(required=False, min_value=1)

    def value(self, name: str):
        """The field's value when valid, else None: a bad link shows the whole board."""
        self.is_valid()
        return self.cleaned_data.get(name) or None
