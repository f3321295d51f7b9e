from django import forms
from django.core.exceptions import ValidationError

from coffeechat.conversations.models import Format
from coffeechat.conversations.scheduling import (
    MAX_MINUTES,
    MIN_MINUTES,
    PLACE_CHARS,
    REASON_CHARS,
    known_zones,
    local_start,
)


class ScheduleForm(forms.Form):
    """The agreed time as the user types it: a day and a time on the clock of one time zone.

    It validates and adds `start` (an aware datetime) to the cleaned data; the service books.
    """

    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    time_zone = forms.CharField(
        max_length=64,
        help_text="The zone the time was agreed in, e.g. Europe/Berlin or America/Chicago.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    length_minutes = forms.IntegerField(
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
    place = forms.CharField(
        label="Place or link",
        max_length=PLACE_CHARS,
        required=False,
        help_text="A café's address, a phone number or a video-call link.",
    )
    reason = forms.CharField(
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

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        if value not in known_zones():
            raise forms.ValidationError(f"“{value}” is not a time zone coffeechat knows.")
        return value

    def clean(self) -> dict:
        cleaned = super().clean()
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
