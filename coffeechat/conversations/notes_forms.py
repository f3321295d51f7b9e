"""Forms for notes, the reflection and takeaways: they validate and clean, the services write."""

from django import forms

from coffeechat.conversations.models import TakeawayKind, TakeawayStatus
from coffeechat.conversations.takeaways import (
    MAX_NOTES_CHARS,
    MAX_REFERRAL_FIELD_CHARS,
    MAX_REFLECTION_CHARS,
    MAX_TAKEAWAY_CHARS,
)
from coffeechat.lib.forms import EmailField, LineField, TextField
from coffeechat.lib.versions import VERSION_LIMIT

CLARITY_CHOICES = [
    ("", "Not rated"),
    ("1", "1 · still lost"),
    ("2", "2"),
    ("3", "3 · clearer"),
    ("4", "4"),
    ("5", "5 · I know my next step"),
]


class NotesForm(forms.Form):
    notes = TextField(
        required=False,
        max_length=MAX_NOTES_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Markdown: **bold**, _italic_, - lists, > quotes, [links](https://…).",
    )
    reflection_fit = TextField(
        label="How it fits my goals",
        required=False,
        max_length=MAX_REFLECTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Does this work still appeal? What surprised you?",
    )
    reflection_next = TextField(
        label="What I will do next",
        required=False,
        max_length=MAX_REFLECTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    clarity = forms.TypedChoiceField(
        label="How clear is my next step now?",
        choices=CLARITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    # The version of the notes the page started from: notes changed since are not overwritten.
    version = LineField(max_length=VERSION_LIMIT, required=False)

    @classmethod
    def initial_for(cls, conversation) -> dict:
        return {
            "notes": conversation.notes,
            "reflection_fit": conversation.reflection_fit,
            "reflection_next": conversation.reflection_next,
            "clarity": "" if conversation.clarity is None else str(conversation.clarity),
        }


class TakeawayForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=TakeawayKind.choices)
    text = TextField(
        label="Takeaway",
        required=False,
        max_length=MAX_TAKEAWAY_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One thing, in your own words. For a referral it can stay empty.",
    )
    referral_name = LineField(
        label="Their name", required=False, max_length=MAX_REFERRAL_FIELD_CHARS
    )
    referral_email = EmailField(label="Their e-mail", required=False)
    referral_organization = LineField(
        label="Organisation", required=False, max_length=MAX_REFERRAL_FIELD_CHARS
    )
    referral_title = LineField(label="Title", required=False, max_length=MAX_REFERRAL_FIELD_CHARS)
    may_use_name = forms.BooleanField(label="I may say who suggested I write", required=False)


class TakeawayStatusForm(forms.Form):
    status = forms.ChoiceField(choices=TakeawayStatus.choices)
