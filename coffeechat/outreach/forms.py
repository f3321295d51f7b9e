from django import forms
from django.urls import reverse

from coffeechat.lib.validation import NAME_LIMIT, check_line
from coffeechat.outreach.models import Channel
from coffeechat.outreach.templating import (
    MAX_TEMPLATE_CHARS,
    TEMPLATE_CHANNELS,
    TEMPLATE_KINDS,
    template_check,
)


class TemplateForm(forms.Form):
    """Validates a template as typed; the service does the writing."""

    name = forms.CharField(max_length=100, help_text="For you only, e.g. “Request to alumni”.")
    kind = forms.ChoiceField(label="Used for", choices=TEMPLATE_KINDS)
    channel = forms.ChoiceField(choices=TEMPLATE_CHANNELS)
    subject = forms.CharField(
        max_length=200, required=False, help_text="E-mail only; a LinkedIn note has no subject."
    )
    body = forms.CharField(
        label="Message",
        max_length=MAX_TEMPLATE_CHARS,
        strip=False,
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

    def clean_subject(self) -> str:
        return check_line(self.cleaned_data["subject"], limit=NAME_LIMIT)

    def clean(self):
        data = super().clean()
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
