from typing import Any

from django import forms
from django.urls import reverse

from coffeechat.lib.forms import IdField, LineField, TextField
from coffeechat.lib.validation import LINE_LIMIT, NAME_LIMIT, TEXT_LIMIT
from coffeechat.lib.versions import VERSION_LIMIT
from coffeechat.outreach.models import Channel, MessageKind, ReplyOutcome
from coffeechat.outreach.template_fields import SLOTS
from coffeechat.outreach.templating import (
    MAX_TEMPLATE_CHARS,
    TEMPLATE_CHANNELS,
    TEMPLATE_KINDS,
    template_check,
)

TOO_LONG = {"max_length": f"A template can be at most {MAX_TEMPLATE_CHARS:,} characters."}


class TemplateForm(forms.Form):
    """Validates a template as typed; the service does the writing."""

    name = LineField(max_length=100, help_text="For you only, e.g. “Request to alumni”.")
    kind = forms.ChoiceField(label="Used for", choices=TEMPLATE_KINDS)
    channel = forms.ChoiceField(choices=TEMPLATE_CHANNELS)
    subject = LineField(
        max_length=NAME_LIMIT,
        required=False,
        help_text="E-mail only; a LinkedIn note has no subject.",
    )
    body = TextField(
        label="Message",
        max_length=MAX_TEMPLATE_CHARS,
        strip=False,
        error_messages=TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "true"}),
        help_text="Write {{ first_name }} and the other fields listed below where they belong.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The preview follows the typing.
        preview = {
            "hx-post": reverse("outreach:template_preview"),
            "hx-target": "#preview",
            "hx-include": "closest form",
        }
        for name in ("subject", "body"):
            self.fields[name].widget.attrs.update(
                preview, **{"hx-trigger": "input changed delay:300ms"}
            )
        self.fields["channel"].widget.attrs.update(preview, **{"hx-trigger": "change"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        subject, body, channel = data.get("subject", ""), data.get("body"), data.get("channel")
        if channel == Channel.EMAIL and "subject" in data and not subject:
            self.add_error("subject", "An e-mail needs a subject.")
        elif channel == Channel.LINKEDIN and subject:
            self.add_error("subject", "A LinkedIn note has no subject: leave this empty.")
        if body is not None:
            try:
                template_check(subject=subject or "", body=body)
            except forms.ValidationError as error:
                for field, messages in error.message_dict.items():
                    if field not in self.errors:
                        self.add_error(field, messages)
        return data


class ComposeForm(forms.Form):
    """The template chosen for a draft, the conversation it belongs to, if any, and what the
    user wrote into the template's slots (an article, an update, their news)."""

    template = LineField(max_length=100, required=False)
    conversation = IdField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SLOTS:
            self.fields[name] = LineField(required=False, max_length=LINE_LIMIT)

    def slots(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in SLOTS if self.cleaned_data.get(name)}


class ComposeFilterForm(forms.Form):
    """The query string of the compose page: which kind of message, for which conversation."""

    kind = forms.ChoiceField(choices=[("", "Any"), *MessageKind.choices], required=False)
    conversation = IdField(required=False)

    def value(self, name: str):
        """The field's value when valid, else None: a bad link shows every template."""
        self.is_valid()
        return self.cleaned_data.get(name) or None


class MessageForm(forms.Form):
    """A draft's subject and body as typed in the editor."""

    subject = LineField(max_length=NAME_LIMIT, required=False)
    body = TextField(max_length=TEXT_LIMIT, required=False, strip=False)
    # The version of the text the page started from: a draft changed since is not overwritten.
    version = LineField(max_length=VERSION_LIMIT, required=False)


class ReplyForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=ReplyOutcome.choices,
        error_messages=dict.fromkeys(
            ("required", "invalid_choice"), "Say whether they accepted, declined or other."
        ),
    )
    body = TextField(max_length=TEXT_LIMIT, required=False)


class TemplatePreviewForm(forms.Form):
    """The fields the live preview reads; it shows what it cannot fill in rather than fail."""

    subject = LineField(max_length=NAME_LIMIT, required=False)
    body = TextField(
        max_length=MAX_TEMPLATE_CHARS, required=False, strip=False, error_messages=TOO_LONG
    )
    channel = forms.ChoiceField(choices=TEMPLATE_CHANNELS, required=False)


class TemplateKindForm(forms.Form):
    kind = forms.ChoiceField(choices=TEMPLATE_KINDS, required=False)
